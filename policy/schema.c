/* The policy schema: libconfuse's option tables and the checks run while
 * it parses (validate callbacks, so that an error names the exact line).
 * build.c copies the result out.
 *
 * libconfuse is not reentrant (its lexer is global) and its callbacks take
 * no closure: the parse in progress is found through `ctx`, one per
 * thread. */
#include <confuse.h>
#include <stdio.h>
#include <string.h>

#include "precheck.h"
#include "schema.h"
#include "sqlkind.h"

/* Defaults, as DESIGN.md's example shows them.  `approvers` defaults to
 * "sre", the example's group: if no such group exists nobody can approve,
 * and approve rules time out (fail closed), while a host that has it needs
 * no setting.  `hosts` defaults to no host at all: a policy that names no
 * host guards nothing. */
#define DEFAULT_ACTION "allow"
#define DEFAULT_APPROVERS "sre"
#define DEFAULT_APPROVAL_TIMEOUT 300
#define DEFAULT_SPOOL "/run/hostguard"
#define DEFAULT_LOG_DIR "/var/log/hostguard"
#define DEFAULT_SHELL "/bin/bash"
#define DEFAULT_NONINTERACTIVE "deny"
#define DEFAULT_VERIFY_EXEC "risky"
#define DEFAULT_ANONYMOUS_EXEC "confirm"

#define MAX_APPROVAL_TIMEOUT 86400 /* a day */
#define MAX_APPROVALS 16
#define MAX_RULE_NAME 128

#define ACTIONS "allow, log, confirm, approve, deny"

struct parse_ctx
{
  const char *file;
  bool included;
  hg_error **err;
  bool failed;
  const struct hg_scan *scan;
  size_t next_section; /* the next entry of scan->sections */
  int *rule_lines;     /* line of each rule section parsed, by slot */
  size_t n_rules, cap_rules;
  int *include_lines; /* line of each include pattern, by index */
  size_t n_includes, cap_includes;
  struct hg_compiled_regex *compiled; /* `args`, handed over to hg_build */
  size_t n_compiled, cap_compiled;
};

static __thread struct parse_ctx *ctx;

static int error_at (int line, int status, const char *fmt, ...)
  __attribute__ ((format (printf, 3, 4)));

/* The first error wins: libconfuse may complain again while it unwinds. */
static int
error_at (int line, int status, const char *fmt, ...)
{
  if (ctx->failed)
    return -1;
  ctx->failed = true;
  cleanup_free char *msg = NULL;
  va_list ap;
  va_start (ap, fmt);
  if (vasprintf (&msg, fmt, ap) < 0)
    msg = NULL;
  va_end (ap);
  if (!msg)
    hg_fail (ctx->err, HG_ERR_NOMEM, "out of memory");
  else
    hg_fail (ctx->err, status, "%s:%d: %s", ctx->file, line, msg);
  return -1;
}

static int
line_of (cfg_t *cfg)
{
  return cfg && cfg->line > 0 ? cfg->line : 1;
}

static void on_confuse_error (cfg_t *cfg, const char *fmt, va_list ap)
  __attribute__ ((format (printf, 2, 0)));

static int unknown_key (cfg_t *cfg, const char *key);

/* libconfuse's own messages ("no such option 'x'", "unexpected token")
 * would go to stderr; policy/ never prints. */
static void
on_confuse_error (cfg_t *cfg, const char *fmt, va_list ap)
{
  if (!ctx || ctx->failed)
    return;
  if (cfg && strcmp (fmt, "no such option '%s'") == 0)
    {
      unknown_key (cfg, va_arg (ap, const char *));
      return;
    }
  cleanup_free char *msg = NULL;
  if (vasprintf (&msg, fmt, ap) < 0)
    msg = NULL;
  error_at (line_of (cfg), HG_ERR_POLICY, "%s", msg ? msg : "parse error");
}

/* The value a validate callback is about: the one just added to a list. */
static const char *
last_str (cfg_opt_t *opt)
{
  unsigned n = cfg_opt_size (opt);
  return n ? cfg_opt_getnstr (opt, n - 1) : NULL;
}

/* ---- top-level keys ---- */

static int
check_choice (cfg_t *cfg, cfg_opt_t *opt, const char *a, const char *b)
{
  const char *v = last_str (opt);
  if (v && strcmp (v, a) != 0 && strcmp (v, b) != 0)
    return error_at (line_of (cfg), HG_ERR_POLICY, "%s must be %s or %s, not '%s'", opt->name, a, b, v);
  return 0;
}

static int
check_absolute (cfg_t *cfg, cfg_opt_t *opt)
{
  const char *v = last_str (opt);
  if (v && v[0] != '/')
    return error_at (line_of (cfg), HG_ERR_POLICY, "%s must be an absolute path, not '%s'", opt->name, v);
  return 0;
}

static int
check_nonempty (cfg_t *cfg, cfg_opt_t *opt)
{
  const char *v = last_str (opt);
  if (v && v[0] == '\0')
    return error_at (line_of (cfg), HG_ERR_POLICY, "%s: an empty string is not allowed", opt->name);
  return 0;
}

/* A user name or %group. */
static int
check_principal (cfg_t *cfg, cfg_opt_t *opt)
{
  const char *v = last_str (opt);
  if (v && (v[0] == '\0' || strcmp (v, "%") == 0))
    return error_at (line_of (cfg), HG_ERR_POLICY, "%s: '%s' names no user and no %%group", opt->name, v);
  return 0;
}

static int
check_regex (cfg_t *cfg, cfg_opt_t *opt, int flags, bool keep)
{
  const char *v = last_str (opt);
  if (!v)
    return 0;
  if (hg_regex_too_complex (v))
    return error_at (line_of (cfg), HG_ERR_POLICY,
                     "regular expression in %s too long or too complex (nested or stacked "
                     "repetitions): '%.64s'",
                     opt->name, v);
  regex_t re;
  int rc = regcomp (&re, v, flags);
  if (rc == 0 && keep)
    {
      struct hg_compiled_regex *c;
      char *src = strdup (v);
      if (!src || !hg_grow (&ctx->compiled, &ctx->cap_compiled, ctx->n_compiled + 1, sizeof *c))
        {
          free (src);
          regfree (&re);
          return error_at (line_of (cfg), HG_ERR_NOMEM, "out of memory");
        }
      c = &ctx->compiled[ctx->n_compiled++];
      c->src = src;
      c->re = re;
      c->taken = false;
      return 0;
    }
  if (rc == 0)
    {
      regfree (&re);
      return 0;
    }
  char buf[256];
  regerror (rc, &re, buf, sizeof buf);
  return error_at (line_of (cfg), HG_ERR_POLICY, "bad regular expression '%s' in %s: %s", v, opt->name, buf);
}

static int
check_range (cfg_t *cfg, cfg_opt_t *opt, long lo, long hi)
{
  unsigned n = cfg_opt_size (opt);
  long v = n ? cfg_opt_getnint (opt, n - 1) : lo;
  if (v < lo || v > hi)
    return error_at (line_of (cfg), HG_ERR_POLICY, "%s must be between %ld and %ld, not %ld", opt->name, lo, hi, v);
  return 0;
}

/* Numbers are decimal: libconfuse's strtol (..., 0) would read 010 as 8. */
static int
parse_number (cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
  size_t n = strlen (value);
  if (n == 0 || n > 9 || strspn (value, "0123456789") != n)
    return error_at (line_of (cfg), HG_ERR_POLICY, "%s must be a whole number, not '%s'", opt->name, value);
  *(long *) result = strtol (value, NULL, 10);
  return 0;
}

static int
check_top_key (cfg_t *cfg, cfg_opt_t *opt)
{
  const char *k = opt->name;
  if (strcmp (k, "hosts") == 0 || strcmp (k, "include") == 0)
    return check_nonempty (cfg, opt);
  if (strcmp (k, "default") == 0)
    return check_choice (cfg, opt, "allow", "log");
  if (strcmp (k, "noninteractive") == 0)
    return check_choice (cfg, opt, "deny", "allow");
  if (strcmp (k, "verify_exec") == 0)
    return check_choice (cfg, opt, "risky", "all");
  if (strcmp (k, "anonymous_exec") == 0)
    {
      const char *v = last_str (opt);
      if (v && strcmp (v, "allow") != 0 && strcmp (v, "confirm") != 0 && strcmp (v, "deny") != 0)
        return error_at (line_of (cfg), HG_ERR_POLICY,
                         "anonymous_exec must be allow, confirm or deny, not '%s'", v);
      return 0;
    }
  if (strcmp (k, "approval_timeout") == 0)
    return check_range (cfg, opt, 1, MAX_APPROVAL_TIMEOUT);
  if (strcmp (k, "spool") == 0 || strcmp (k, "log_dir") == 0 || strcmp (k, "shell") == 0
      || strcmp (k, "notify") == 0)
    return check_absolute (cfg, opt);
  if (strcmp (k, "break_glass") == 0)
    return check_principal (cfg, opt);
  if (strcmp (k, "redact") == 0)
    return check_regex (cfg, opt, REG_EXTENDED, false);
  if (strcmp (k, "approvers") == 0)
    {
      const char *v = last_str (opt);
      if (v && (v[0] == '\0' || v[0] == '%'))
        return error_at (line_of (cfg), HG_ERR_POLICY,
                         "approvers names a group: write approvers = \"sre\", not '%s'", v);
    }
  return 0;
}

static int
record_include_line (cfg_t *cfg, cfg_opt_t *opt)
{
  /* Called after each item and again at the closing brace; a second
   * `include =` starts the list over. */
  size_t n = cfg_opt_size (opt);
  if (n == 0 || n == ctx->n_includes)
    return 0;
  if (n < ctx->n_includes)
    ctx->n_includes = n - 1;
  if (!hg_grow (&ctx->include_lines, &ctx->cap_includes, n, sizeof (int)))
    return error_at (0, HG_ERR_NOMEM, "out of memory");
  while (ctx->n_includes < n)
    ctx->include_lines[ctx->n_includes++] = line_of (cfg);
  return 0;
}

static int
validate_top (cfg_t *cfg, cfg_opt_t *opt)
{
  if (strcmp (opt->name, "include") == 0)
    {
      if (record_include_line (cfg, opt) < 0)
        return -1;
    }
  else if (ctx->included)
    return error_at (line_of (cfg), HG_ERR_POLICY,
                     "'%s' is set here, but only rule sections and include may appear in an "
                     "included file",
                     opt->name);
  return check_top_key (cfg, opt);
}

/* ---- rules ---- */

static int
validate_rule_key (cfg_t *cfg, cfg_opt_t *opt)
{
  /* libconfuse reads `rule|action = allow` at the top level as a key of
   * the first rule, past that rule's checks. */
  if (strcmp (cfg_name (cfg), "rule") != 0)
    return error_at (line_of (cfg), HG_ERR_POLICY, "'%s' belongs inside a rule section", opt->name);

  const char *k = opt->name;
  if (strcmp (k, "command") == 0)
    return check_nonempty (cfg, opt);
  if (strcmp (k, "users") == 0)
    return check_principal (cfg, opt);
  if (strcmp (k, "args") == 0)
    return check_regex (cfg, opt, HG_ARGS_REGFLAGS, true);
  if (strcmp (k, "approvals") == 0)
    return check_range (cfg, opt, 1, MAX_APPROVALS);
  if (strcmp (k, "sql") == 0)
    {
      const char *v = last_str (opt);
      if (v && hg_sql_kind_parse (v) < 0)
        return error_at (line_of (cfg), HG_ERR_POLICY,
                         "unknown sql statement kind '%s': sql names some of %s", v, hg_sql_kind_list ());
    }
  if (strcmp (k, "paths") == 0)
    {
      const char *v = last_str (opt);
      if (v && v[0] != '/')
        return error_at (line_of (cfg), HG_ERR_POLICY,
                         "paths must be absolute globs (such as \"/srv/mariadb/**\"), not '%s'", v);
    }
  if (strcmp (k, "action") == 0)
    {
      enum hg_action a;
      const char *v = last_str (opt);
      if (v && hg_action_parse (v, &a) < 0)
        return error_at (line_of (cfg), HG_ERR_POLICY,
                         "unknown action '%s': action must be one of " ACTIONS, v);
    }
  return 0;
}

static int
check_rule_name (int line, const char *name)
{
  if (name[0] == '\0')
    return error_at (line, HG_ERR_POLICY, "a rule needs a name: rule NAME { ... }");
  if (strlen (name) > MAX_RULE_NAME)
    return error_at (line, HG_ERR_POLICY, "rule name longer than %d characters", MAX_RULE_NAME);
  for (const char *c = name; *c; c++)
    if ((unsigned char) *c < 0x20 || *c == 0x7f)
      return error_at (line, HG_ERR_POLICY, "rule name with a control character");
  return 0;
}

/* What no single key can tell: run once each rule section is complete,
 * at the line of `rule NAME {`. */
static int
check_rule (cfg_t *sec, int line)
{
  const char *name = cfg_title (sec);
  if (check_rule_name (line, name) < 0)
    return -1;
  if (cfg_size (sec, "action") == 0)
    return error_at (line, HG_ERR_POLICY, "rule '%s' has no action (one of " ACTIONS ")", name);
  if (cfg_size (sec, "approvals") > 0 && strcmp (cfg_getstr (sec, "action"), "approve") != 0)
    return error_at (line, HG_ERR_POLICY,
                     "rule '%s': approvals is only allowed with action = approve (action is %s)",
                     name, cfg_getstr (sec, "action"));
  return 0;
}

/* libconfuse silently replaces a section by a later one of the same
 * title, in the same slot.  Each section is marked when checked (its line,
 * unused after parsing, set to -1), so the unmarked one is the section
 * just parsed, and a slot seen before means a duplicate. */
static int
validate_rule (cfg_t *cfg, cfg_opt_t *opt)
{
  unsigned n = cfg_opt_size (opt), slot;
  cfg_t *sec = NULL;
  /* A new section is appended: search from the end, so that a file of
   * 10,000 rules is not quadratic here. */
  for (slot = n; slot > 0 && !sec; slot--)
    if (cfg_opt_getnsec (opt, slot - 1)->line >= 0)
      sec = cfg_opt_getnsec (opt, slot - 1);
  if (!sec)
    return error_at (line_of (cfg), HG_ERR_POLICY, "internal error: rule section not found");

  int line = sec->line;
  if (ctx->next_section < ctx->scan->n_sections)
    line = ctx->scan->sections[ctx->next_section++];
  sec->line = -1;

  if (slot < ctx->n_rules)
    return error_at (line, HG_ERR_POLICY, "duplicate rule name '%s': already defined at %s:%d",
                     cfg_title (sec), ctx->file, ctx->rule_lines[slot]);
  if (!hg_grow (&ctx->rule_lines, &ctx->cap_rules, ctx->n_rules + 1, sizeof (int)))
    return error_at (line, HG_ERR_NOMEM, "out of memory");
  ctx->rule_lines[ctx->n_rules++] = line;
  return check_rule (sec, line);
}

/* ---- the tables ---- */

static cfg_opt_t rule_opts[] = {
  CFG_STR_LIST ("command", NULL, CFGF_NODEFAULT),
  CFG_STR_LIST ("args", NULL, CFGF_NODEFAULT),
  CFG_STR_LIST ("paths", NULL, CFGF_NODEFAULT),
  CFG_STR_LIST ("users", NULL, CFGF_NODEFAULT),
  CFG_STR_LIST ("sql", NULL, CFGF_NODEFAULT),
  CFG_STR ("action", NULL, CFGF_NODEFAULT),
  CFG_INT_CB ("approvals", 0, CFGF_NODEFAULT, parse_number),
  CFG_STR ("message", NULL, CFGF_NODEFAULT),
  CFG_END (),
};

static cfg_opt_t top_opts[] = {
  CFG_STR_LIST ("hosts", NULL, CFGF_NODEFAULT),
  CFG_STR ("default", DEFAULT_ACTION, CFGF_NONE),
  CFG_STR ("approvers", DEFAULT_APPROVERS, CFGF_NONE),
  CFG_INT_CB ("approval_timeout", DEFAULT_APPROVAL_TIMEOUT, CFGF_NONE, parse_number),
  CFG_STR ("spool", DEFAULT_SPOOL, CFGF_NONE),
  CFG_STR ("log_dir", DEFAULT_LOG_DIR, CFGF_NONE),
  CFG_STR ("shell", DEFAULT_SHELL, CFGF_NONE),
  CFG_STR ("noninteractive", DEFAULT_NONINTERACTIVE, CFGF_NONE),
  CFG_BOOL ("supervise_unprivileged", cfg_false, CFGF_NONE),
  CFG_STR_LIST ("include", NULL, CFGF_NODEFAULT),
  CFG_STR_LIST ("redact", NULL, CFGF_NODEFAULT),
  CFG_STR ("notify", NULL, CFGF_NODEFAULT),
  CFG_STR ("break_glass", NULL, CFGF_NODEFAULT),
  CFG_STR ("verify_exec", DEFAULT_VERIFY_EXEC, CFGF_NONE),
  CFG_STR ("anonymous_exec", DEFAULT_ANONYMOUS_EXEC, CFGF_NONE),
  CFG_SEC ("rule", rule_opts, CFGF_TITLE | CFGF_MULTI),
  CFG_END (),
};

/* "command, args, ..." */
static char *
key_names (const cfg_opt_t *opts)
{
  char *s = NULL;
  size_t n = 0;
  FILE *f = open_memstream (&s, &n);
  if (!f)
    return NULL;
  for (const cfg_opt_t *o = opts; o->name; o++)
    fprintf (f, "%s%s", o == opts ? "" : ", ", o->name);
  if (fclose (f) != 0)
    {
      free (s);
      return NULL;
    }
  return s;
}

/* libconfuse's "no such option 'x'", said as this project says it (when
 * libconfuse's message is not translated, else as libconfuse says it). */
static int
unknown_key (cfg_t *cfg, const char *key)
{
  bool in_rule = strcmp (cfg_name (cfg), "rule") == 0;
  cleanup_free char *valid = key_names (in_rule ? rule_opts : top_opts);
  return error_at (line_of (cfg), HG_ERR_POLICY, "unknown key '%s'%s (valid: %s)", key,
                   in_rule ? " in a rule" : "", valid ? valid : "?");
}

static cfg_t *
new_cfg (void)
{
  /* CFGF_NONE: unknown keys are errors.  No CFG_FUNC("include"): a
   * libconfuse include would bypass every check here. */
  cfg_t *cfg = cfg_init (top_opts, CFGF_NONE);
  if (!cfg)
    return NULL;
  cfg_set_error_function (cfg, on_confuse_error);
  for (cfg_opt_t *o = top_opts; o->name; o++)
    cfg_set_validate_func (cfg, o->name, strcmp (o->name, "rule") == 0 ? validate_rule : validate_top);
  for (cfg_opt_t *o = rule_opts; o->name; o++)
    {
      char path[64];
      snprintf (path, sizeof path, "rule|%s", o->name);
      cfg_set_validate_func (cfg, path, validate_rule_key);
    }
  return cfg;
}

static int
parse_text (cfg_t *cfg, struct hg_policy *p, size_t *rules_cap, bool included,
            struct hg_includes *inc, hg_error **err)
{
  if (cfg_parse_buf (cfg, ctx->scan->text) != CFG_SUCCESS)
    {
      if (!ctx->failed)
        return hg_fail (err, HG_ERR_POLICY, "%s: the policy could not be parsed", ctx->file);
      return hg_error_status (*err);
    }
  size_t next_compiled = 0;
  struct hg_parsed parsed = {
    .file = ctx->file,
    .rule_lines = ctx->rule_lines,
    .n_rule_lines = ctx->n_rules,
    .include_lines = ctx->include_lines,
    .n_include_lines = ctx->n_includes,
    .compiled = ctx->compiled,
    .n_compiled = ctx->n_compiled,
    .next_compiled = &next_compiled,
  };
  return hg_build (p, rules_cap, cfg, &parsed, included, inc, err);
}

int
hg_schema_parse (struct hg_policy *p, size_t *rules_cap, const char *file, const char *text,
                 size_t len, bool included, struct hg_includes *inc, hg_error **err)
{
  struct hg_scan scan = { 0 };
  int r = hg_precheck (file, text, len, &scan, err);
  if (r < 0)
    return r;

  hg_error *local = NULL;
  struct parse_ctx c = { .file = file, .included = included, .err = &local, .scan = &scan };
  cfg_t *cfg = new_cfg ();
  if (!cfg)
    r = hg_fail (&local, HG_ERR_NOMEM, "out of memory");
  else
    {
      ctx = &c;
      r = parse_text (cfg, p, rules_cap, included, inc, &local);
      ctx = NULL;
      cfg_free (cfg);
    }
  free (c.rule_lines);
  free (c.include_lines);
  for (size_t i = 0; i < c.n_compiled; i++)
    {
      if (!c.compiled[i].taken)
        regfree (&c.compiled[i].re);
      free (c.compiled[i].src);
    }
  free (c.compiled);
  hg_scan_clear (&scan);
  if (r < 0 && err)
    {
      hg_error_free (*err);
      *err = steal_pointer (&local);
    }
  hg_error_free (local);
  return r < 0 ? r : 0;
}
