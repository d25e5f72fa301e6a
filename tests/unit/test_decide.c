/* hg_policy_decide: table-driven rows against a policy of a few rules, in
 * file order and reversed; a generated 10,000-rule policy. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "policy/internal.h"

/* ---- policies built from tables (independent of the loader's syntax) ---- */

#define MAXI 4

struct rule_spec
{
  const char *name;
  const char *commands[MAXI], *args[MAXI], *paths[MAXI], *users[MAXI];
  enum hg_action action;
  unsigned approvals;
  const char *message;
};

static char **
strv_of (const char *const *items, size_t *n)
{
  char **v = calloc (MAXI + 1, sizeof *v);
  assert_non_null (v);
  for (*n = 0; *n < MAXI && items[*n]; (*n)++)
    v[*n] = strdup (items[*n]);
  return v;
}

static void
rule_from_spec (struct hg_rule *r, const struct rule_spec *s)
{
  memset (r, 0, sizeof *r);
  r->name = strdup (s->name);
  r->file = strdup ("test.conf");
  r->line = 1;
  r->commands = strv_of (s->commands, &r->n_commands);
  r->args_src = strv_of (s->args, &r->n_args);
  r->args = calloc (r->n_args + 1, sizeof *r->args);
  for (size_t i = 0; i < r->n_args; i++)
    hg_lazy_re_init (&r->args[i], r->args_src[i]); /* compiled by the first decision */
  r->paths = strv_of (s->paths, &r->n_paths);
  r->users = strv_of (s->users, &r->n_users);
  r->action = s->action;
  r->approvals = s->action == HG_ACTION_APPROVE ? (s->approvals ? s->approvals : 1) : 0;
  r->message = s->message ? strdup (s->message) : NULL;
}

static void
rule_free (struct hg_rule *r)
{
  free (r->name);
  free (r->file);
  strv_free (r->commands);
  for (size_t i = 0; i < r->n_args; i++)
    hg_lazy_re_clear (&r->args[i]);
  free (r->args);
  strv_free (r->args_src);
  strv_free (r->paths);
  strv_free (r->users);
  free (r->message);
}

static struct hg_policy *
policy_new (size_t n_rules, enum hg_action default_action)
{
  struct hg_policy *p = calloc (1, sizeof *p);
  assert_non_null (p);
  p->hosts = calloc (3, sizeof *p->hosts);
  p->hosts[0] = strdup ("db*");
  p->hosts[1] = strdup ("nfs*");
  p->settings.hosts = (const char *const *) p->hosts;
  p->settings.n_hosts = 2;
  p->settings.default_action = default_action;
  p->rules = calloc (n_rules + 1, sizeof *p->rules);
  p->n_rules = n_rules;
  return p;
}

static void
policy_index (struct hg_policy *p)
{
  hg_error *err = NULL;
  assert_int_equal (hg_index_build (p, &err), 0);
}

static struct hg_policy *
policy_from_specs (const struct rule_spec *specs, size_t n, bool reversed, enum hg_action dflt)
{
  struct hg_policy *p = policy_new (n, dflt);
  for (size_t i = 0; i < n; i++)
    rule_from_spec (&p->rules[i], &specs[reversed ? n - 1 - i : i]);
  policy_index (p);
  return p;
}

static void
policy_destroy (struct hg_policy *p)
{
  for (size_t i = 0; i < p->n_rules; i++)
    rule_free (&p->rules[i]);
  free (p->rules);
  strv_free (p->hosts);
  hg_index_free (p->index);
  free (p);
}

/* ---- the rows ---- */

static const struct rule_spec specs[] = {
  { "drop-database", { "mysql", "mariadb" }, { "drop[[:space:]]+(database|schema)" }, {}, {},
    HG_ACTION_APPROVE, 1, "Dropping a database needs a second approver." },
  { "wipe-mariadb", { "rm" }, {}, { "/srv/mariadb/**" }, {}, HG_ACTION_DENY, 0, "No." },
  { "wipe-mysql", { "rm" }, {}, { "/srv/mysql/**" }, {}, HG_ACTION_DENY, 0, "Not this either." },
  { "log-rm", { "rm" }, {}, {}, {}, HG_ACTION_LOG, 0, NULL },
  { "dd-disk", { "dd" }, {}, { "/dev/sd*" }, {}, HG_ACTION_DENY, 0, NULL },
  { "mkfs", { "/usr/sbin/mkfs*" }, {}, {}, {}, HG_ACTION_CONFIRM, 0, NULL },
  { "stop-units", { "systemctl" }, { "(^| )stop " }, {}, { "%root" }, HG_ACTION_CONFIRM, 0, NULL },
  { "as-postgres", { "psql" }, {}, {}, { "postgres" }, HG_ACTION_CONFIRM, 0, NULL },
  { "zfs-one", { "zfs" }, { "destroy" }, {}, {}, HG_ACTION_APPROVE, 1, NULL },
  { "zfs-two", { "zfs" }, { "destroy" }, {}, {}, HG_ACTION_APPROVE, 2, NULL },
  { "any-etc", {}, {}, { "/etc/shadow" }, {}, HG_ACTION_CONFIRM, 0, NULL },
  { "glob-fdisk", { "*fdisk" }, {}, {}, {}, HG_ACTION_CONFIRM, 0, NULL },
};

#define A(...) { __VA_ARGS__, NULL }

struct decide_row
{
  const char *label;
  const char *argv[10];
  const char *cwd, *user, *host, *exe;
  bool look_through;
  enum hg_action want;
  const char *want_rule; /* NULL: no rule */
  unsigned want_approvals;
  const char *want_why; /* a substring of some why line, or NULL */
};

static const struct decide_row rows[] = {
  { "harmless", A ("ls", "-l"), "/", "alice", "db1", NULL, false, HG_ACTION_ALLOW, NULL, 0,
    "no rule matched: default allow" },
  { "unguarded host", A ("rm", "-rf", "/srv/mariadb"), "/", "alice", "web1", NULL, false,
    HG_ACTION_ALLOW, NULL, 0, "host web1 is not guarded by this policy" },
  { "host glob is case-insensitive", A ("rm", "/srv/mariadb/x"), "/", "alice", "DB7", NULL, false,
    HG_ACTION_DENY, "wipe-mariadb", 0, NULL },
  { "args", A ("mysql", "-e", "DROP  database wiki"), "/", "alice", "db1", NULL, false,
    HG_ACTION_APPROVE, "drop-database", 1,
    "rule drop-database: command matched 'mysql'; args matched /drop[[:space:]]+(database|schema)/ in '-e DROP  database wiki'" },
  { "args do not match", A ("mysql", "-e", "select 1"), "/", "alice", "db1", NULL, false,
    HG_ACTION_ALLOW, NULL, 0, NULL },
  { "name from exe", A ("db", "-e", "drop schema x"), "/", "alice", "db1", "/usr/bin/mariadb", false,
    HG_ACTION_APPROVE, "drop-database", 1, "command matched 'mariadb' with 'mariadb' (what 'db' runs)" },
  { "strictest wins", A ("rm", "-rf", "/srv/mariadb/data"), "/", "alice", "db1", NULL, false,
    HG_ACTION_DENY, "wipe-mariadb", 0, "rule log-rm: command matched 'rm'" },
  { "above a protected tree", A ("rm", "-rf", "/srv/"), "/", "alice", "db1", NULL, false,
    HG_ACTION_DENY, "wipe-mariadb", 0, "paths matched '/srv/mariadb/**' with '/srv/'" },
  { "tie at deny: name sorts first", A ("rm", "-rf", "/"), "/", "alice", "db1", NULL, false,
    HG_ACTION_DENY, "wipe-mariadb", 0, "rule wipe-mysql:" },
  { "other tree: only logged", A ("rm", "-rf", "/srv/other"), "/", "alice", "db1", NULL, false,
    HG_ACTION_LOG, "log-rm", 0, NULL },
  { "paths via cwd and ..", A ("rm", "-r", "../mysql/x"), "/srv/mariadb", "alice", "db1", NULL,
    false, HG_ACTION_DENY, "wipe-mysql", 0, "(from '../mysql/x')" },
  { "options skipped", A ("rm", "-r", "--", "-f"), "/srv/mariadb", "alice", "db1", NULL, false,
    HG_ACTION_DENY, "wipe-mariadb", 0, NULL },
  { "key=VALUE", A ("dd", "if=/dev/zero", "of=/dev/sda", "bs=1M"), "/", "alice", "db1", NULL, false,
    HG_ACTION_DENY, "dd-disk", 0, "(from 'of=/dev/sda')" },
  { "--opt=VALUE", A ("dd", "--output=/dev/sdb"), "/", "alice", "db1", NULL, false, HG_ACTION_DENY,
    "dd-disk", 0, NULL },
  { "command by path glob", A ("mkfs.ext4", "/dev/vdb"), "/", "alice", "db1", "/usr/sbin/mkfs.ext4",
    false, HG_ACTION_CONFIRM, "mkfs", 0, "command matched '/usr/sbin/mkfs*' with '/usr/sbin/mkfs.ext4'" },
  { "path glob, argv[0] absolute", A ("/usr/sbin/mkfs", "/dev/vdb"), "/", "alice", "db1", NULL,
    false, HG_ACTION_CONFIRM, "mkfs", 0, NULL },
  { "path glob does not match a bare name", A ("mkfs", "/dev/vdb"), "/", "alice", "db1",
    "/opt/mkfs", false, HG_ACTION_ALLOW, NULL, 0, NULL },
  { "glob on the name", A ("sfdisk", "/dev/vdb"), "/", "alice", "db1", NULL, false,
    HG_ACTION_CONFIRM, "glob-fdisk", 0, NULL },
  { "users via %group", A ("systemctl", "stop", "mariadb"), "/", "root", "db1", NULL, false,
    HG_ACTION_CONFIRM, "stop-units", 0, "users matched '%root' with root" },
  { "users: not in the group", A ("systemctl", "stop", "mariadb"), "/", "hg-nobody-xyz", "db1",
    NULL, false, HG_ACTION_ALLOW, NULL, 0, NULL },
  { "users: sudo target", A ("sudo", "-u", "postgres", "psql"), "/", "alice", "db1", NULL, true,
    HG_ACTION_CONFIRM, "as-postgres", 0, "users matched 'postgres' with target user postgres" },
  { "looked through", A ("sudo", "rm", "-rf", "/srv/mysql"), "/", "alice", "db1", NULL, true,
    HG_ACTION_DENY, "wipe-mysql", 0, "looked through: sudo" },
  /* a supervised exec sees sudo itself, then rm on its own */
  { "not looked through", A ("sudo", "rm", "-rf", "/srv/mysql"), "/", "alice", "db1", NULL, false,
    HG_ACTION_ALLOW, NULL, 0, "no rule matched: default allow" },
  { "ties: more approvals", A ("zfs", "destroy", "tank/db"), "/", "alice", "db1", NULL, false,
    HG_ACTION_APPROVE, "zfs-two", 2, NULL },
  { "rule without command", A ("cat", "/etc/shadow"), "/", "alice", "db1", NULL, false,
    HG_ACTION_CONFIRM, "any-etc", 0, "rule any-etc: any program ('cat'); paths matched '/etc/shadow'" },
  { "dynamic program", A ("sh", "-c", "$x /tmp"), "/", "alice", "db1", NULL, true,
    HG_ACTION_CONFIRM, NULL, 0, "cannot know which program `$x` runs" },
  { "dynamic arguments", A ("sh", "-c", "rm -rf $dir"), "/", "alice", "db1", NULL, true,
    HG_ACTION_CONFIRM, "wipe-mariadb", 0,
    "arguments of rm are only known at run time (`$dir`), and rule wipe-mariadb could match them" },
  { "dynamic arguments, static match stricter", A ("sh", "-c", "rm -rf /srv/mysql $dir"), "/",
    "alice", "db1", NULL, true, HG_ACTION_DENY, "wipe-mysql", 0, NULL },
  /* any-etc has no `command`: `$f` could be /etc/shadow for any program */
  { "dynamic arguments, rule for any program", A ("sh", "-c", "cat $f"), "/", "alice", "db1", NULL,
    true, HG_ACTION_CONFIRM, "any-etc", 0, "rule any-etc could match them" },
  { "static arguments in sh -c", A ("sh", "-c", "cat /etc/motd"), "/", "alice", "db1", NULL, true,
    HG_ACTION_ALLOW, NULL, 0, "looked through: sh -c" },
};

/* Some line of the verdict's why holds `want`. */
static bool
why_has (const hg_verdict *v, const char *want)
{
  for (size_t i = 0; i < hg_verdict_why_count (v); i++)
    if (strstr (hg_verdict_why (v, i), want))
      return true;
  return false;
}

static void
print_why (const hg_verdict *v)
{
  for (size_t i = 0; i < hg_verdict_why_count (v); i++)
    print_message ("    why: %s\n", hg_verdict_why (v, i));
}

static void
check_row (const struct hg_policy *p, const struct decide_row *row)
{
  size_t argc = 0;
  while (row->argv[argc])
    argc++;
  struct hg_request req = { .argv = row->argv, .argc = argc, .exe = row->exe, .cwd = row->cwd,
                            .user = row->user, .host_short = row->host, .look_through = row->look_through };
  hg_verdict *v = NULL;
  hg_error *err = NULL;
  if (hg_policy_decide (p, &req, &v, &err) != 0)
    fail_msg ("%s: %s", row->label, hg_error_message (err));
  const char *rule = hg_verdict_rule (v);
  bool ok = hg_verdict_action (v) == row->want
            && (row->want_rule ? rule && strcmp (rule, row->want_rule) == 0 : rule == NULL)
            && hg_verdict_approvals (v) == row->want_approvals
            && (!row->want_why || why_has (v, row->want_why))
            && hg_verdict_guarded (v) == (strcmp (row->host, "web1") != 0); /* the one unguarded host */
  if (!ok)
    {
      print_why (v);
      fail_msg ("%s: got %s rule %s approvals %u guarded %d; want %s rule %s approvals %u, why '%s'",
                row->label, hg_action_name (hg_verdict_action (v)), rule ? rule : "(none)",
                hg_verdict_approvals (v), hg_verdict_guarded (v), hg_action_name (row->want),
                row->want_rule ? row->want_rule : "(none)", row->want_approvals,
                row->want_why ? row->want_why : "");
    }
  hg_verdict_free (v);
}

static void
test_decide_rows (void **state)
{
  for (int reversed = 0; reversed <= 1; reversed++)
    {
      struct hg_policy *p = policy_from_specs (specs, N_ELEMENTS (specs), reversed, HG_ACTION_ALLOW);
      for (size_t i = 0; i < N_ELEMENTS (rows); i++)
        check_row (p, &rows[i]);
      policy_destroy (p);
    }
}

static void
test_decide_message (void **state)
{
  struct hg_policy *p = policy_from_specs (specs, N_ELEMENTS (specs), false, HG_ACTION_ALLOW);
  const char *argv[] = { "mariadb", "-e", "drop database x" };
  struct hg_request req = { .argv = argv, .argc = 3, .cwd = "/", .user = "bob", .host_short = "db2" };
  hg_verdict *v = NULL;
  assert_int_equal (hg_policy_decide (p, &req, &v, NULL), 0);
  assert_string_equal (hg_verdict_message (v), "Dropping a database needs a second approver.");
  assert_string_equal (hg_verdict_why (v, hg_verdict_why_count (v) - 1),
                       "decision: approve by rule drop-database");
  hg_verdict_free (v);
  policy_destroy (p);
}

static void
test_decide_default_log (void **state)
{
  struct hg_policy *p = policy_from_specs (specs, N_ELEMENTS (specs), false, HG_ACTION_LOG);
  const char *argv[] = { "ls" };
  struct hg_request req = { .argv = argv, .argc = 1, .cwd = "/", .user = "bob", .host_short = "x",
                            .host_fqdn = "nfs3.example.org" };
  hg_verdict *v = NULL;
  assert_int_equal (hg_policy_decide (p, &req, &v, NULL), 0);
  assert_int_equal (hg_verdict_action (v), HG_ACTION_LOG);
  assert_null (hg_verdict_rule (v));
  assert_null (hg_verdict_message (v));
  assert_true (hg_verdict_guarded (v));
  assert_true (why_has (v, "no rule matched: default log"));
  hg_verdict_free (v);
  policy_destroy (p);
}

static void
test_decide_invalid (void **state)
{
  struct hg_policy *p = policy_from_specs (specs, 1, false, HG_ACTION_ALLOW);
  struct hg_request req = { .argv = NULL, .argc = 0, .cwd = "/", .user = "bob", .host_short = "db1" };
  hg_verdict *v = NULL;
  hg_error *err = NULL;
  assert_int_equal (hg_policy_decide (p, &req, &v, &err), HG_ERR_INVALID);
  assert_null (v);
  hg_error_free (err);
  policy_destroy (p);
}

/* Without the user's name (hostguard's first stage, which asks NSS
 * nothing): every row gets the verdict it gets with the name, or
 * HG_ERR_NEEDS_USER, never another verdict; and NEEDS_USER exactly when a
 * rule with `users` is reached. */
static void
test_decide_without_user (void **state)
{
  struct hg_policy *p = policy_from_specs (specs, N_ELEMENTS (specs), false, HG_ACTION_ALLOW);
  size_t needs = 0;
  for (size_t i = 0; i < N_ELEMENTS (rows); i++)
    {
      const struct decide_row row = rows[i];
      size_t argc = 0;
      while (row.argv[argc])
        argc++;
      struct hg_request req = { .argv = row.argv, .argc = argc, .exe = row.exe, .cwd = row.cwd,
                                .user = NULL, .host_short = row.host,
                                .look_through = row.look_through };
      hg_verdict *v = NULL;
      hg_error *err = NULL;
      int r = hg_policy_decide (p, &req, &v, &err);
      if (r == HG_ERR_NEEDS_USER)
        {
          assert_null (v);
          assert_string_equal (hg_error_message (err), "the decision depends on the caller's user name");
          hg_error_free (err);
          needs++;
          continue;
        }
      if (r != 0)
        fail_msg ("%s: %s", row.label, hg_error_message (err));
      const char *rule = hg_verdict_rule (v);
      if (hg_verdict_action (v) != row.want || hg_verdict_approvals (v) != row.want_approvals
          || (row.want_rule ? !rule || strcmp (rule, row.want_rule) != 0 : rule != NULL))
        fail_msg ("%s without a user: got %s rule %s", row.label,
                  hg_action_name (hg_verdict_action (v)), rule ? rule : "(none)");
      hg_verdict_free (v);
    }
  assert_true (needs > 0);

  const struct
  {
    const char *argv[6];
    int want;
  } cases[] = {
    { A ("systemctl", "stop", "mariadb"), HG_ERR_NEEDS_USER }, /* stop-units: users %root */
    { A ("sudo", "-u", "postgres", "psql"), HG_ERR_NEEDS_USER }, /* as-postgres: even the target */
    { A ("systemctl", "status", "mariadb"), HG_ERR_NEEDS_USER }, /* reached before its args */
    { A ("psql", "-l"), HG_ERR_NEEDS_USER },
    { A ("ls", "-l"), 0 },
    { A ("rm", "-rf", "/srv/mariadb/data"), 0 },
  };
  for (size_t i = 0; i < N_ELEMENTS (cases); i++)
    {
      size_t argc = 0;
      while (cases[i].argv[argc])
        argc++;
      struct hg_request req = { .argv = cases[i].argv, .argc = argc, .cwd = "/", .user = NULL,
                                .host_short = "db1", .look_through = true };
      hg_verdict *v = NULL;
      hg_error *err = NULL;
      int r = hg_policy_decide (p, &req, &v, &err);
      if (r != cases[i].want)
        fail_msg ("%s: got %d, want %d", cases[i].argv[0], r, cases[i].want);
      hg_verdict_free (v);
      hg_error_free (err);
    }
  policy_destroy (p);
}

/* hg_policy_decide_no_nss (the first stage's): with a user name, a plain
 * `users` item is matched on it, but a reached rule with a %group item
 * fails with HG_ERR_NEEDS_USER where hg_policy_decide asks NSS. */
static void
test_decide_no_nss (void **state)
{
  struct hg_policy *p = policy_from_specs (specs, N_ELEMENTS (specs), false, HG_ACTION_ALLOW);
  const struct
  {
    const char *argv[6];
    const char *user;
    int want;
    enum hg_action action; /* when want is 0 */
  } cases[] = {
    { A ("systemctl", "stop", "mariadb"), "root", HG_ERR_NEEDS_USER, 0 }, /* users %root */
    { A ("psql", "-l"), "postgres", 0, HG_ACTION_CONFIRM },               /* users postgres */
    { A ("sudo", "-u", "postgres", "psql"), "alice", 0, HG_ACTION_CONFIRM },
    { A ("psql", "-l"), "alice", 0, HG_ACTION_ALLOW },
    { A ("ls", "-l"), "root", 0, HG_ACTION_ALLOW },
  };
  for (size_t i = 0; i < N_ELEMENTS (cases); i++)
    {
      size_t argc = 0;
      while (cases[i].argv[argc])
        argc++;
      struct hg_request req = { .argv = cases[i].argv, .argc = argc, .cwd = "/",
                                .user = cases[i].user, .host_short = "db1", .look_through = true };
      hg_verdict *v = NULL;
      hg_error *err = NULL;
      int r = hg_policy_decide_no_nss (p, &req, &v, &err);
      if (r != cases[i].want || (r == 0 && hg_verdict_action (v) != cases[i].action))
        fail_msg ("case %zu (%s): got %d %s", i, cases[i].argv[0], r,
                  r == 0 ? hg_action_name (hg_verdict_action (v)) : hg_error_message (err));
      hg_verdict_free (v);
      hg_error_free (err);
      /* With NSS, the %group is asked: root is in group root. */
      if (r == HG_ERR_NEEDS_USER)
        {
          assert_int_equal (hg_policy_decide (p, &req, &v, &err), 0);
          assert_int_equal (hg_verdict_action (v), HG_ACTION_CONFIRM);
          hg_verdict_free (v);
        }
    }
  policy_destroy (p);
}

/* A here-document is not followed by the shell parser: the commands of the
 * string cannot all be known. */
static void
test_decide_unknowable (void **state)
{
  struct hg_policy *p = policy_from_specs (specs, N_ELEMENTS (specs), false, HG_ACTION_ALLOW);
  const char *argv[] = { "sh", "-c", "cat <<EOF\nhello\nEOF" };
  struct hg_request req = { .argv = argv, .argc = 3, .cwd = "/", .user = "bob", .host_short = "db2",
                            .look_through = true };
  hg_verdict *v = NULL;
  assert_int_equal (hg_policy_decide (p, &req, &v, NULL), 0);
  assert_int_equal (hg_verdict_action (v), HG_ACTION_CONFIRM);
  assert_null (hg_verdict_rule (v));
  assert_non_null (hg_verdict_message (v));
  assert_true (why_has (v, "cannot know every command it runs: "));
  hg_verdict_free (v);
  policy_destroy (p);
}

/* Every rule matches: the why lines stay short. */
static void
test_decide_why_capped (void **state)
{
  size_t n = 100;
  struct hg_policy *p = policy_new (n, HG_ACTION_ALLOW);
  for (size_t i = 0; i < n; i++)
    {
      char name[32], path[32];
      snprintf (name, sizeof name, "tree-%03zu", i);
      snprintf (path, sizeof path, "/srv/t%zu/**", i);
      struct rule_spec s = { .name = name, .paths = { path }, .action = HG_ACTION_CONFIRM };
      rule_from_spec (&p->rules[i], &s);
    }
  policy_index (p);
  const char *argv[] = { "rm", "-rf", "/srv" };
  struct hg_request req = { .argv = argv, .argc = 3, .cwd = "/", .user = "bob", .host_short = "db2" };
  hg_verdict *v = NULL;
  assert_int_equal (hg_policy_decide (p, &req, &v, NULL), 0);
  assert_string_equal (hg_verdict_rule (v), "tree-000");
  assert_true (hg_verdict_why_count (v) < 20);
  assert_true (why_has (v, "... and 84 more matching rules"));
  hg_verdict_free (v);
  policy_destroy (p);
}

/* ---- a policy as written ---- */

static const char policy_text[] =
  "hosts = {\"db*\", \"nfs*\"}\n"
  "default = log\n"
  "rule drop-database {\n"
  "    command = {\"mysql\", \"mariadb\"}\n"
  "    args    = {\"drop[[:space:]]+(database|schema)\"}\n"
  "    users   = {\"alice\", \"%root\"}\n"
  "    action  = approve\n"
  "    approvals = 2\n"
  "    message = \"Dropping a database needs a second approver.\"\n"
  "}\n"
  "rule protect-data {\n"
  "    paths  = {\"/srv/mariadb/**\"}\n"
  "    action = confirm\n"
  "}\n"
  "rule no-wipe {\n"
  "    command = {\"rm\", \"shred\"}\n"
  "    paths  = {\"/srv/mariadb/**\"}\n"
  "    action = deny\n"
  "    message = \"Never.\"\n"
  "}\n"
  "rule quiet {\n"
  "    command = {\"ls\"}\n"
  "    action = allow\n"
  "}\n";

static const struct decide_row text_rows[] = {
  { "example rule", A ("mysql", "drop database wiki"), "/", "alice", "db1", NULL, false,
    HG_ACTION_APPROVE, "drop-database", 2,
    "rule drop-database: command matched 'mysql'; args matched /drop[[:space:]]+(database|schema)/ in 'drop database wiki'; users matched 'alice'" },
  { "example rule, other user", A ("mysql", "drop database wiki"), "/", "bob", "db1", NULL, false,
    HG_ACTION_LOG, NULL, 0, "no rule matched: default log" },
  { "default log", A ("uptime"), "/", "alice", "db1", NULL, false, HG_ACTION_LOG, NULL, 0, NULL },
  { "allow rule beats default", A ("ls"), "/", "alice", "db1", NULL, false, HG_ACTION_ALLOW, "quiet",
    0, NULL },
  { "any program, via cwd", A ("tar", "-c", "-f", "/tmp/x.tgz", "."), "/srv/mariadb", "alice", "db1",
    NULL, false, HG_ACTION_CONFIRM, "protect-data", 0, "(from '.')" },
  { "deny beats confirm", A ("shred", "ibdata1"), "/srv/mariadb", "alice", "nfs2", NULL, false,
    HG_ACTION_DENY, "no-wipe", 0, "rule protect-data: any program ('shred')" },
  { "through sudo and sh -c", A ("sudo", "sh", "-c", "rm -rf /srv"), "/", "alice", "db1", NULL,
    true, HG_ACTION_DENY, "no-wipe", 0, "looked through: " },
  { "not guarded", A ("rm", "-rf", "/srv"), "/", "alice", "web1", NULL, false, HG_ACTION_ALLOW,
    NULL, 0, "host web1 is not guarded by this policy" },
};

static void
test_decide_policy_text (void **state)
{
  hg_policy *p = NULL;
  hg_error *err = NULL;
  if (hg_policy_load_buffer ("text.conf", policy_text, strlen (policy_text), 0, &p, &err) < 0)
    fail_msg ("load: %s", hg_error_message (err));
  for (size_t i = 0; i < N_ELEMENTS (text_rows); i++)
    check_row (p, &text_rows[i]);
  hg_policy_free (p);
}

/* ---- 10,000 rules ---- */

#define GEN_RULES 10000

static struct hg_policy *
generated_policy (void)
{
  struct hg_policy *p = policy_new (GEN_RULES, HG_ACTION_ALLOW);
  for (size_t i = 0; i < GEN_RULES; i++)
    {
      char name[32], cmd[32], arg[48], path[48];
      snprintf (name, sizeof name, "gen-%05zu", i);
      snprintf (cmd, sizeof cmd, "prog%05zu", i % 5000);
      snprintf (arg, sizeof arg, "--danger-%zu( |$)", i);
      snprintf (path, sizeof path, "/srv/data%zu/**", i);
      struct rule_spec s = { .name = name, .commands = { cmd }, .action = (enum hg_action) (1 + i % 4),
                             .approvals = 1 };
      if (i % 2)
        s.args[0] = arg;
      else
        s.paths[0] = path;
      rule_from_spec (&p->rules[i], &s);
    }
  policy_index (p);
  return p;
}

static enum hg_action
decide_action (const struct hg_policy *p, const char *const *argv, size_t argc, const char **rule)
{
  struct hg_request req = { .argv = argv, .argc = argc, .cwd = "/", .user = "bob", .host_short = "db1" };
  hg_verdict *v = NULL;
  assert_int_equal (hg_policy_decide (p, &req, &v, NULL), 0);
  enum hg_action a = hg_verdict_action (v);
  static char buf[64];
  snprintf (buf, sizeof buf, "%s", hg_verdict_rule (v) ? hg_verdict_rule (v) : "");
  *rule = buf;
  hg_verdict_free (v);
  return a;
}

static void
test_decide_10000_rules (void **state)
{
  struct hg_policy *p = generated_policy ();
  const char *rule;

  /* rule 4243 (odd: args) shares prog04243 with rule 9243 */
  const char *a1[] = { "prog04243", "--danger-4243" };
  assert_int_equal (decide_action (p, a1, 2, &rule), 1 + 4243 % 4);
  assert_string_equal (rule, "gen-04243");
  const char *a2[] = { "/usr/bin/prog04243", "--danger-9243", "x" };
  assert_int_equal (decide_action (p, a2, 3, &rule), 1 + 9243 % 4);
  assert_string_equal (rule, "gen-09243");
  /* rule 1000 (even: paths) */
  const char *a3[] = { "prog01000", "/srv/data1000/x" };
  assert_int_equal (decide_action (p, a3, 2, &rule), 1 + 1000 % 4);
  assert_string_equal (rule, "gen-01000");
  const char *a4[] = { "prog01000", "/srv/data6000" };
  assert_int_equal (decide_action (p, a4, 2, &rule), 1 + 6000 % 4);
  /* `prog01000 -rf /srv` touches both of prog01000's trees, both `log`:
   * the name that sorts first wins */
  const char *a5[] = { "prog01000", "-rf", "/srv" };
  assert_int_equal (decide_action (p, a5, 3, &rule), HG_ACTION_LOG);
  assert_string_equal (rule, "gen-01000");
  const char *a6[] = { "prog01000", "--danger-1001" };
  assert_int_equal (decide_action (p, a6, 2, &rule), HG_ACTION_ALLOW);
  assert_string_equal (rule, "");

  /* time it */
  const char *const *cases[] = { a1, a2, a3, a6 };
  size_t argcs[] = { 2, 3, 2, 2 };
  size_t n = 20000;
  struct timespec t0, t1;
  clock_gettime (CLOCK_MONOTONIC, &t0);
  for (size_t i = 0; i < n; i++)
    {
      struct hg_request req = { .argv = cases[i % 4], .argc = argcs[i % 4], .cwd = "/",
                                .user = "bob", .host_short = "db1" };
      hg_verdict *v = NULL;
      assert_int_equal (hg_policy_decide (p, &req, &v, NULL), 0);
      hg_verdict_free (v);
    }
  clock_gettime (CLOCK_MONOTONIC, &t1);
  double us = ((double) (t1.tv_sec - t0.tv_sec) * 1e9 + (double) (t1.tv_nsec - t0.tv_nsec)) / 1e3 / (double) n;
  print_message ("# %d rules: %.2f us per decision\n", GEN_RULES, us);
  /* Generous bound (sanitizers, loaded CI): a scan of 10,000 rules would
   * take milliseconds. */
  assert_true (us < 500.0);
  policy_destroy (p);
}

/* The fallback without usable packs still asks before the programs that
 * lose data, on every host, and lets the rest through. */
static void
test_fallback_without_packs (void **state)
{
  hg_policy *p = NULL;
  hg_error *err = NULL;
  assert_int_equal (hg_policy_fallback ("/nonexistent-hostguard-rules", "/bin/sh", &p, &err),
                    HG_FALLBACK_BARE);
  assert_null (err);
  const char *rm[] = { "rm", "-rf", "/srv" }, *ls[] = { "ls", "-l" };
  struct hg_request req = { .argv = rm, .argc = 3, .exe = "/usr/bin/rm", .cwd = "/",
                            .user = "root", .host_short = "web1" };
  hg_verdict *v = NULL;
  assert_int_equal (hg_policy_decide (p, &req, &v, &err), 0);
  assert_true (hg_verdict_guarded (v));
  assert_int_equal (hg_verdict_action (v), HG_ACTION_CONFIRM);
  hg_verdict_free (v);
  req.argv = ls;
  req.argc = 2;
  req.exe = "/usr/bin/ls";
  assert_int_equal (hg_policy_decide (p, &req, &v, &err), 0);
  assert_int_equal (hg_verdict_action (v), HG_ACTION_ALLOW);
  hg_verdict_free (v);
  hg_policy_free (p);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_decide_rows),
    cmocka_unit_test (test_decide_policy_text),
    cmocka_unit_test (test_decide_message),
    cmocka_unit_test (test_decide_default_log),
    cmocka_unit_test (test_decide_invalid),
    cmocka_unit_test (test_decide_without_user),
    cmocka_unit_test (test_decide_no_nss),
    cmocka_unit_test (test_decide_unknowable),
    cmocka_unit_test (test_decide_why_capped),
    cmocka_unit_test (test_decide_10000_rules),
    cmocka_unit_test (test_fallback_without_packs),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
