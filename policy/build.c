/* Copies what libconfuse parsed into a struct hg_policy that owns all of
 * it (every string duplicated, each args pattern handed over as the
 * validation compiled it), so that the cfg_t can be freed at once. */
#include <string.h>

#include "build.h"
#include "sqlkind.h"

static int
copy_strv (cfg_t *cfg, const char *key, char ***out, size_t *n_out)
{
  unsigned n = cfg_size (cfg, key);
  cleanup_strv char **v = calloc (n + 1, sizeof *v);
  if (!v)
    return HG_ERR_NOMEM;
  for (unsigned i = 0; i < n; i++)
    if (!(v[i] = strdup (cfg_getnstr (cfg, key, i))))
      return HG_ERR_NOMEM;
  *out = steal_pointer (&v);
  if (n_out)
    *n_out = n;
  return 0;
}

static int
copy_str (cfg_t *cfg, const char *key, char **out)
{
  const char *s = cfg_getstr (cfg, key);
  *out = NULL;
  if (s && !(*out = strdup (s)))
    return HG_ERR_NOMEM;
  return 0;
}

static int
copy_settings (struct hg_policy *p, cfg_t *cfg)
{
  struct hg_settings *s = &p->settings;
  if (copy_strv (cfg, "hosts", &p->hosts, &s->n_hosts) < 0
      || copy_strv (cfg, "redact", &p->redact, &s->n_redact) < 0
      || copy_str (cfg, "approvers", &p->approvers) < 0 || copy_str (cfg, "spool", &p->spool) < 0
      || copy_str (cfg, "log_dir", &p->log_dir) < 0 || copy_str (cfg, "shell", &p->shell) < 0
      || copy_str (cfg, "notify", &p->notify) < 0 || copy_str (cfg, "break_glass", &p->break_glass) < 0)
    return HG_ERR_NOMEM;
  s->default_action = strcmp (cfg_getstr (cfg, "default"), "log") == 0 ? HG_ACTION_LOG : HG_ACTION_ALLOW;
  s->noninteractive
      = strcmp (cfg_getstr (cfg, "noninteractive"), "allow") == 0 ? HG_ACTION_ALLOW : HG_ACTION_DENY;
  s->approval_timeout = (unsigned) cfg_getint (cfg, "approval_timeout");
  s->supervise_unprivileged = cfg_getbool (cfg, "supervise_unprivileged");
  s->verify_exec_all = strcmp (cfg_getstr (cfg, "verify_exec"), "all") == 0;
  if (hg_action_parse (cfg_getstr (cfg, "anonymous_exec"), &s->anonymous_exec) < 0)
    s->anonymous_exec = HG_ACTION_CONFIRM; /* validated by the schema */
  return 0;
}

/* The regex compiled while validating `src`, handed over; the first one
 * not yet taken, as rules may share a pattern. */
static bool
take_compiled (const struct hg_parsed *in, const char *src, regex_t *out)
{
  /* Rules are built in the order they were validated: start at the first
   * one not taken, so 10,000 rules do not search 10,000 times. */
  while (*in->next_compiled < in->n_compiled && in->compiled[*in->next_compiled].taken)
    (*in->next_compiled)++;
  for (size_t i = *in->next_compiled; i < in->n_compiled; i++)
    if (!in->compiled[i].taken && strcmp (in->compiled[i].src, src) == 0)
      {
        in->compiled[i].taken = true;
        *out = in->compiled[i].re;
        return true;
      }
  return false;
}

static int
compile_args (struct hg_rule *r, int count, const struct hg_parsed *in)
{
  r->args = calloc ((size_t) count + 1, sizeof *r->args);
  if (!r->args)
    return HG_ERR_NOMEM;
  for (int i = 0; i < count; i++)
    {
      regex_t re;
      if (take_compiled (in, r->args_src[i], &re))
        hg_lazy_re_init_compiled (&r->args[i], r->args_src[i], re);
      else
        hg_lazy_re_init (&r->args[i], r->args_src[i]);
      r->n_args++;
    }
  return 0;
}

static int
copy_rule (struct hg_rule *r, cfg_t *sec, const struct hg_parsed *in, int line)
{
  size_t n_args = 0;
  r->line = line;
  if (!(r->name = strdup (cfg_title (sec))) || !(r->file = strdup (in->file))
      || copy_strv (sec, "command", &r->commands, &r->n_commands) < 0
      || copy_strv (sec, "args", &r->args_src, &n_args) < 0
      || copy_strv (sec, "paths", &r->paths, &r->n_paths) < 0
      || copy_strv (sec, "users", &r->users, &r->n_users) < 0
      || copy_str (sec, "message", &r->message) < 0 || compile_args (r, (int) n_args, in) < 0)
    return HG_ERR_NOMEM;
  hg_action_parse (cfg_getstr (sec, "action"), &r->action);
  for (unsigned i = 0; i < cfg_size (sec, "sql"); i++) /* each validated by schema.c */
    r->sql |= (uint64_t) 1 << hg_sql_kind_parse (cfg_getnstr (sec, "sql", i));
  r->approvals = 0;
  if (r->action == HG_ACTION_APPROVE)
    r->approvals = cfg_size (sec, "approvals") ? (unsigned) cfg_getint (sec, "approvals") : 1;
  return 0;
}

/* Among the rules of the files read before this one: schema.c already
 * refused a name repeated within one file, and searching this file's own
 * rules too would make a file of 10,000 rules quadratic. */
static const struct hg_rule *
find_rule (const struct hg_policy *p, size_t n_before, const char *name)
{
  for (size_t i = 0; i < n_before; i++)
    if (strcmp (p->rules[i].name, name) == 0)
      return &p->rules[i];
  return NULL;
}

static int
add_rules (struct hg_policy *p, size_t *cap, cfg_t *cfg, const struct hg_parsed *in,
           hg_error **err)
{
  unsigned n = cfg_size (cfg, "rule");
  size_t n_before = p->n_rules;
  if (!hg_grow (&p->rules, cap, p->n_rules + n, sizeof *p->rules))
    return hg_fail (err, HG_ERR_NOMEM, "out of memory");
  for (unsigned i = 0; i < n; i++)
    {
      cfg_t *sec = cfg_getnsec (cfg, "rule", i);
      int line = i < in->n_rule_lines ? in->rule_lines[i] : 1;
      const struct hg_rule *other = find_rule (p, n_before, cfg_title (sec));
      if (other)
        return hg_fail (err, HG_ERR_POLICY, "%s:%d: duplicate rule name '%s': already defined at %s:%d",
                        in->file, line, cfg_title (sec), other->file, other->line);
      struct hg_rule *r = &p->rules[p->n_rules++];
      *r = (struct hg_rule) { 0 };
      if (copy_rule (r, sec, in, line) < 0)
        return hg_fail (err, HG_ERR_NOMEM, "out of memory");
    }
  return 0;
}

static int
copy_includes (cfg_t *cfg, const struct hg_parsed *in, struct hg_includes *inc, hg_error **err)
{
  if (copy_strv (cfg, "include", &inc->patterns, &inc->n) < 0
      || !(inc->lines = calloc (inc->n + 1, sizeof *inc->lines)))
    return hg_fail (err, HG_ERR_NOMEM, "out of memory");
  for (size_t i = 0; i < inc->n; i++)
    inc->lines[i] = i < in->n_include_lines ? in->include_lines[i] : 1;
  return 0;
}

int
hg_build (struct hg_policy *p, size_t *rules_cap, cfg_t *cfg, const struct hg_parsed *in,
          bool included, struct hg_includes *inc, hg_error **err)
{
  if (!included && copy_settings (p, cfg) < 0)
    return hg_fail (err, HG_ERR_NOMEM, "out of memory");
  int r = add_rules (p, rules_cap, cfg, in, err);
  if (r < 0)
    return r;
  return copy_includes (cfg, in, inc, err);
}

void
hg_includes_clear (struct hg_includes *inc)
{
  strv_free (inc->patterns);
  free (inc->lines);
  *inc = (struct hg_includes) { 0 };
}
