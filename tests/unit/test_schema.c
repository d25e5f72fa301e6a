/* The policy loader: schema, errors with FILE:LINE, includes, trust. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy/internal.h"

/* ---- helpers ---- */

static int
load_text (const char *text, unsigned flags, hg_policy **p, hg_error **err)
{
  return hg_policy_load_buffer ("t.conf", text, strlen (text), flags | HG_LOAD_NO_INCLUDES, p, err);
}

static char *
xstrdup (const char *s)
{
  char *r = strdup (s);
  assert_non_null (r);
  return r;
}

static void
write_file (const char *dir, const char *name, const char *text)
{
  char path[4096];
  snprintf (path, sizeof path, "%s/%s", dir, name);
  char *slash = strrchr (path, '/');
  *slash = '\0';
  mkdir (path, 0755); /* one level of subdirectory is enough here */
  *slash = '/';
  FILE *f = fopen (path, "w");
  assert_non_null (f);
  fputs (text, f);
  assert_int_equal (fclose (f), 0);
  assert_int_equal (chmod (path, 0644), 0);
}

static char *
path_in (const char *dir, const char *name)
{
  char *s = NULL;
  assert_true (asprintf (&s, "%s/%s", dir, name) > 0);
  return s;
}

static void
remove_in (const char *dir, const char *name)
{
  char *path = path_in (dir, name);
  assert_int_equal (remove (path), 0);
  free (path);
}

static int
rm_one (const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
  return remove (path);
}

static int
make_tmpdir (void **state)
{
  char tmpl[] = "/tmp/hg-schema-XXXXXX";
  assert_non_null (mkdtemp (tmpl));
  assert_int_equal (chmod (tmpl, 0755), 0);
  *state = xstrdup (tmpl);
  return 0;
}

static int
remove_tmpdir (void **state)
{
  nftw (*state, rm_one, 16, FTW_DEPTH | FTW_PHYS);
  free (*state);
  return 0;
}

/* ---- one table for every error ---- */

struct bad
{
  const char *text;
  size_t len; /* 0: strlen (text) */
  int status;
  const char *msg; /* expected in the message */
};

static const struct bad bad_policies[] = {
  /* before libconfuse */
  { "hosts = {\"a\"}\nshell = \"${HOME}/sh\"\n", 0, HG_ERR_POLICY, "t.conf:2: '${' is not allowed" },
  { "# comment\n\n# a ${VAR} in a comment\n", 0, HG_ERR_POLICY, "t.conf:3: '${'" },
  { "hosts = {\"a\"}\nde\0fault = log\n", 22, HG_ERR_POLICY, "t.conf:2: NUL byte" },
  { "default = log\nrule x {\n message = \"a\\0b\"\n action = deny }\n", 0, HG_ERR_POLICY,
    "t.conf:3: a NUL character" },
  { "default = log\nshell = \"/bin/bash\nhosts = {\"a\"}\n", 0, HG_ERR_POLICY,
    "t.conf:2: unterminated string: \" without a closing \" on the same line" },
  { "default = log\n\nshell = '/bin/bash\n", 0, HG_ERR_POLICY, "t.conf:3: unterminated string" },
  { "default = log\n/* a comment\n that never ends\n", 0, HG_ERR_POLICY, "t.conf:2: unterminated comment" },
  { "rule x {\n  command = {\n {\"rm\"} }\n action = deny\n}\n", 0, HG_ERR_POLICY,
    "t.conf:3: braces nested too deeply" },
  { "{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{", 0, HG_ERR_POLICY, "t.conf:1: braces nested" },
  { "default = log\n}\n", 0, HG_ERR_POLICY, "t.conf:2: unexpected '}'" },
  { "rule x {\n command = {}\n action = deny\n}\n", 0, HG_ERR_POLICY, "t.conf:2: empty list for 'command'" },
  { "hosts = { # nothing\n}\n", 0, HG_ERR_POLICY, "t.conf:1: empty list for 'hosts'" },
  /* libconfuse's own errors, with our file name and the right line */
  { "default = log\nbogus = 1\n", 0, HG_ERR_POLICY, "t.conf:2: unknown key 'bogus' (valid: hosts, default, approvers, " },
  { "/* one\ntwo\n*/ /* three */\nbogus = 1\n", 0, HG_ERR_POLICY, "t.conf:4: unknown key 'bogus'" },
  { "rule x {\n action = deny\n colour = red\n}\n", 0, HG_ERR_POLICY, "t.conf:3: unknown key 'colour' in a rule (valid: command, args, paths, users, sql, action, approvals, message)" },
  { "rule x {\n command = \"mysql\"\n action = deny\n sql = {\"drop database\",\n   \"drop databases\"}\n}\n", 0,
    HG_ERR_POLICY, "t.conf:5: unknown sql statement kind 'drop databases': sql names some of \"drop database\"" },
  { "hosts \"a\"\n", 0, HG_ERR_POLICY, "t.conf:1: missing equal sign" },
  { "supervise_unprivileged = maybe\n", 0, HG_ERR_POLICY, "t.conf:1: invalid boolean value" },
  /* top-level values */
  { "default = deny\n", 0, HG_ERR_POLICY, "t.conf:1: default must be allow or log, not 'deny'" },
  { "\nnoninteractive = ask\n", 0, HG_ERR_POLICY, "t.conf:2: noninteractive must be deny or allow" },
  { "verify_exec = some\n", 0, HG_ERR_POLICY, "t.conf:1: verify_exec must be risky or all" },
  { "approval_timeout = 0\n", 0, HG_ERR_POLICY, "t.conf:1: approval_timeout must be between 1 and" },
  { "approval_timeout = -5\n", 0, HG_ERR_POLICY, "t.conf:1: approval_timeout must be a whole number" },
  { "approval_timeout = 99999999999999999999999\n", 0, HG_ERR_POLICY, "approval_timeout must be a whole number" },
  { "notify = \"page-sre\"\n", 0, HG_ERR_POLICY, "t.conf:1: notify must be an absolute path" },
  { "shell = \"bash\"\n", 0, HG_ERR_POLICY, "t.conf:1: shell must be an absolute path" },
  { "redact = {\"ok\",\n \"bad[\"}\n", 0, HG_ERR_POLICY, "t.conf:2: bad regular expression 'bad['" },
  { "approvers = \"%sre\"\n", 0, HG_ERR_POLICY, "t.conf:1: approvers names a group" },
  { "break_glass = \"%\"\n", 0, HG_ERR_POLICY, "t.conf:1: break_glass: '%' names no user" },
  { "hosts = {\"db*\", \"\"}\n", 0, HG_ERR_POLICY, "t.conf:1: hosts: an empty string" },
  { "include = {\"\"}\n", 0, HG_ERR_POLICY, "t.conf:1: include: an empty string" },
  /* rules */
  { "rule x {\n action = block\n}\n", 0, HG_ERR_POLICY,
    "t.conf:2: unknown action 'block': action must be one of allow, log, confirm, approve, deny" },
  { "\nrule x {\n command = {\"rm\"}\n}\n", 0, HG_ERR_POLICY, "t.conf:2: rule 'x' has no action" },
  { "rule x {\n action = deny\n approvals = 2\n}\n", 0, HG_ERR_POLICY,
    "t.conf:1: rule 'x': approvals is only allowed with action = approve" },
  { "rule x {\n action = approve\n approvals = 0\n}\n", 0, HG_ERR_POLICY, "t.conf:3: approvals must be between 1" },
  { "rule x {\n action = approve\n approvals = two\n}\n", 0, HG_ERR_POLICY, "t.conf:3: approvals must be a whole number" },
  { "rule x { action = deny }\nrule y { action = log }\n\nrule x {\n action = allow\n}\n", 0, HG_ERR_POLICY,
    "t.conf:4: duplicate rule name 'x': already defined at t.conf:1" },
  { "rule x {\n args = {\"drop (database\"}\n action = deny\n}\n", 0, HG_ERR_POLICY,
    "t.conf:2: bad regular expression 'drop (database' in args: " },
  { "redact = {\"to+++++++++++++++++++++++++++++++++++++++++++++++ko\"}\n", 0, HG_ERR_POLICY,
    "t.conf:1: regular expression in redact too long or too complex" },
  { "rule x {\n args = {\"((a{99}){99}){99}\"}\n action = deny\n}\n", 0, HG_ERR_POLICY,
    "t.conf:2: regular expression in args too long or too complex" },
  { "rule x {\n paths = {\"/srv/**\",\n \"srv/*\"}\n action = deny\n}\n", 0, HG_ERR_POLICY,
    "t.conf:3: paths must be absolute globs" },
  { "rule x {\n command = {\"\"}\n action = deny\n}\n", 0, HG_ERR_POLICY, "t.conf:2: command: an empty string" },
  { "rule x {\n users = {\"%\"}\n action = deny\n}\n", 0, HG_ERR_POLICY, "t.conf:2: users: '%' names no user" },
  { "rule \"\" {\n action = deny\n}\n", 0, HG_ERR_POLICY, "t.conf:1: a rule needs a name" },
  { "rule x { action = deny }\nrule|action = allow\n", 0, HG_ERR_POLICY,
    "t.conf:2: 'action' belongs inside a rule section" },
  { "rule x action = deny\n", 0, HG_ERR_POLICY, "t.conf:1: missing opening brace" },
};

/* One cmocka test per row, the row as its state. */
static void
test_bad_policy (void **state)
{
  const struct bad *b = *state;
  hg_policy *p = NULL;
  hg_error *err = NULL;
  size_t len = b->len ? b->len : strlen (b->text);
  int r = hg_policy_load_buffer ("t.conf", b->text, len, HG_LOAD_NO_INCLUDES, &p, &err);
  const char *msg = hg_error_message (err);
  if (r != b->status || !strstr (msg, b->msg) || strncmp (msg, "t.conf:", 7) != 0)
    fail_msg ("%s\n  got %d '%s'\n  want %d '%s'", b->text, r, msg, b->status, b->msg);
  assert_null (p);
  assert_int_equal (hg_error_status (err), b->status);
  hg_error_free (err);
}

/* ---- what a good policy says ---- */

static const char example[] =
  "hosts = {\"db*\", \"nfs*\"}          # glob on the short hostname and on the FQDN\n"
  "default = log\n"
  "approvers = \"dba\"\n"
  "approval_timeout = 120\n"
  "spool = \"/run/hg\"\n"
  "log_dir = \"/var/log/hg\"\n"
  "shell = \"/bin/zsh\"\n"
  "noninteractive = allow\n"
  "supervise_unprivileged = true\n"
  "include = {\"/usr/share/hostguard/rules/*.conf\", // comments inside a list\n"
  "           \"/etc/hostguard/policy.d/*.conf\"}\n"
  "redact = {\"token=[^&[:space:]]+\"}\n"
  "notify = \"/usr/local/bin/page-sre\"\n"
  "break_glass = \"%sre\"\n"
  "verify_exec = all\n"
  "\n"
  "rule drop-database {\n"
  "    command = {\"mysql\", \"mariadb\"}\n"
  "    args    = {\"drop[[:space:]]+(database|schema)\"}\n"
  "    paths   = {\"/srv/mariadb/**\"}\n"
  "    users   = {\"*\"}\n"
  "    action  = approve\n"
  "    approvals = 2\n"
  "    message = \"Dropping a database needs a second approver.\"\n"
  "}\n"
  "/* a block\n   comment */\n"
  "rule 'reboot' { command = {reboot, \"/sbin/shutdown\"} action = confirm }\n"
  "rule plain-approve { action = approve\n"
  "  message = \"one \\\n two\" }\n";

static void
test_example (void **state)
{
  hg_policy *p = NULL;
  hg_error *err = NULL;
  int r = load_text (example, 0, &p, &err);
  if (r < 0)
    fail_msg ("%s", hg_error_message (err));
  const struct hg_settings *s = hg_policy_settings (p);
  assert_int_equal (s->n_hosts, 2);
  assert_string_equal (s->hosts[0], "db*");
  assert_string_equal (s->hosts[1], "nfs*");
  assert_null (s->hosts[2]);
  assert_int_equal (s->default_action, HG_ACTION_LOG);
  assert_string_equal (s->approvers, "dba");
  assert_int_equal (s->approval_timeout, 120);
  assert_string_equal (s->spool, "/run/hg");
  assert_string_equal (s->log_dir, "/var/log/hg");
  assert_string_equal (s->shell, "/bin/zsh");
  assert_int_equal (s->noninteractive, HG_ACTION_ALLOW);
  assert_true (s->supervise_unprivileged);
  assert_int_equal (s->n_redact, 1);
  assert_string_equal (s->redact[0], "token=[^&[:space:]]+");
  assert_string_equal (s->notify, "/usr/local/bin/page-sre");
  assert_string_equal (s->break_glass, "%sre");
  assert_true (s->verify_exec_all);

  assert_int_equal (hg_policy_rule_count (p), 3);
  const struct hg_rule *d = &p->rules[0];
  assert_string_equal (d->name, "drop-database");
  assert_string_equal (d->file, "t.conf");
  assert_int_equal (d->line, 17);
  assert_int_equal (d->n_commands, 2);
  assert_string_equal (d->commands[1], "mariadb");
  assert_null (d->commands[2]);
  assert_int_equal (d->n_args, 1);
  assert_string_equal (d->args_src[0], "drop[[:space:]]+(database|schema)");
  assert_int_equal (hg_lazy_re_match (&d->args[0], "mysql -e DROP   DATABASE x"), 1);
  assert_int_equal (hg_lazy_re_match (&d->args[0], "mysql -e select"), 0);
  assert_int_equal (d->n_paths, 1);
  assert_string_equal (d->paths[0], "/srv/mariadb/**");
  assert_int_equal (d->n_users, 1);
  assert_int_equal (d->action, HG_ACTION_APPROVE);
  assert_int_equal (d->approvals, 2);
  assert_string_equal (d->message, "Dropping a database needs a second approver.");

  const struct hg_rule *rb = &p->rules[1];
  assert_string_equal (rb->name, "reboot");
  assert_int_equal (rb->line, 28); /* block comments do not shift lines */
  assert_string_equal (rb->commands[0], "reboot");
  assert_int_equal (rb->action, HG_ACTION_CONFIRM);
  assert_int_equal (rb->approvals, 0);
  assert_null (rb->message);
  assert_int_equal (rb->n_args, 0);
  assert_non_null (rb->paths);
  assert_null (rb->paths[0]);

  assert_string_equal (p->rules[2].message, "one  two");
  assert_int_equal (p->rules[2].approvals, 1); /* approve defaults to one approver */
  assert_int_equal (p->rules[2].n_commands, 0);
  assert_non_null (p->rules[2].commands);
  hg_policy_free (p);
}

static void
test_defaults (void **state)
{
  hg_policy *p = NULL;
  hg_error *err = NULL;
  assert_int_equal (load_text ("", 0, &p, &err), 0);
  const struct hg_settings *s = hg_policy_settings (p);
  assert_int_equal (s->n_hosts, 0);
  assert_non_null (s->hosts);
  assert_int_equal (s->default_action, HG_ACTION_ALLOW);
  assert_string_equal (s->approvers, "sre");
  assert_int_equal (s->approval_timeout, 300);
  assert_string_equal (s->spool, "/run/hostguard");
  assert_string_equal (s->log_dir, "/var/log/hostguard");
  assert_string_equal (s->shell, "/bin/bash");
  assert_int_equal (s->noninteractive, HG_ACTION_DENY);
  assert_false (s->supervise_unprivileged);
  assert_int_equal (s->n_redact, 0);
  assert_null (s->notify);
  assert_null (s->break_glass);
  assert_false (s->verify_exec_all);
  assert_int_equal (hg_policy_rule_count (p), 0);
  /* a policy with no hosts guards nothing */
  assert_false (hg_policy_guards_host (p, "db1", "db1.example.com"));
  hg_policy_free (p);
}

static void
test_guards_host (void **state)
{
  hg_policy *p = NULL;
  hg_error *err = NULL;
  assert_int_equal (load_text ("hosts = {\"db*\", \"*.nfs.example.com\"}\n", 0, &p, &err), 0);
  assert_true (hg_policy_guards_host (p, "db1", NULL));
  assert_true (hg_policy_guards_host (p, "DB2", "db2.example.com"));
  assert_true (hg_policy_guards_host (p, "files", "Files.NFS.example.com"));
  assert_true (hg_policy_guards_host (p, NULL, "db3.example.com"));
  assert_false (hg_policy_guards_host (p, "web1", "web1.example.com"));
  assert_false (hg_policy_guards_host (p, NULL, NULL));
  hg_policy_free (p);
}

static void
test_misc_errors (void **state)
{
  hg_policy *p = NULL;
  hg_error *err = NULL;
  /* a NULL err is allowed */
  assert_int_equal (load_text ("bogus = 1\n", 0, &p, NULL), HG_ERR_POLICY);
  assert_null (p);
  /* the size cap */
  size_t big = (4u << 20) + 1;
  char *text = malloc (big);
  assert_non_null (text);
  memset (text, '\n', big);
  assert_int_equal (hg_policy_load_buffer ("big.conf", text, big, 0, &p, &err), HG_ERR_POLICY);
  assert_non_null (strstr (hg_error_message (err), "big.conf: policy file too large"));
  free (text);
  hg_error_free (err);
  err = NULL;
  /* a missing file */
  assert_int_equal (hg_policy_load_file ("/nonexistent/policy.conf", 0, &p, &err), HG_ERR_IO);
  assert_string_equal (hg_error_message (err), "/nonexistent/policy.conf: No such file or directory");
  hg_error_free (err);
  err = NULL;
  assert_int_equal (hg_policy_load_buffer ("x", NULL, 0, 0, &p, &err), HG_ERR_INVALID);
  hg_error_free (err);
}

/* ---- includes ---- */

static hg_policy *
load_ok (const char *path, unsigned flags)
{
  hg_policy *p = NULL;
  hg_error *err = NULL;
  if (hg_policy_load_file (path, flags, &p, &err) < 0)
    fail_msg ("%s: %s", path, hg_error_message (err));
  return p;
}

static void
expect_error (const char *path, unsigned flags, int status, const char *msg)
{
  hg_policy *p = NULL;
  hg_error *err = NULL;
  int r = hg_policy_load_file (path, flags, &p, &err);
  if (r != status || !strstr (hg_error_message (err), msg))
    fail_msg ("%s: got %d '%s', want %d '%s'", path, r, hg_error_message (err), status, msg);
  assert_null (p);
  hg_error_free (err);
}

static void
test_includes (void **state)
{
  const char *dir = *state;
  write_file (dir, "main.conf",
              "hosts = {\"db*\"}\ninclude = {\"rules/*.conf\",\n \"nothing/*.conf\", \"extra.conf\"}\n"
              "rule main { action = log }\n");
  write_file (dir, "rules/b.conf", "rule b { action = deny }\n");
  write_file (dir, "rules/a.conf", "# first by name\nrule a { action = confirm }\ninclude = {\"sub/*.conf\"}\n");
  write_file (dir, "rules/sub/s.conf", "rule s { action = log }\n");
  write_file (dir, "rules/z.txt", "not a policy\n");
  write_file (dir, "extra.conf", "rule extra { action = allow }\n");
  char *subdir = path_in (dir, "rules/dir.conf");
  assert_int_equal (mkdir (subdir, 0755), 0); /* a directory a glob matches: skipped */
  free (subdir);

  char *main_conf = path_in (dir, "main.conf");
  hg_policy *p = load_ok (main_conf, 0);
  const char *want[] = { "main", "a", "s", "b", "extra" };
  assert_int_equal (hg_policy_rule_count (p), N_ELEMENTS (want));
  for (size_t i = 0; i < N_ELEMENTS (want); i++)
    assert_string_equal (p->rules[i].name, want[i]);
  assert_int_equal (p->rules[1].line, 2);
  assert_non_null (strstr (p->rules[1].file, "/rules/a.conf"));
  hg_policy_free (p);

  /* trusted: all files 0644 root, directories 0755 root */
  p = load_ok (main_conf, HG_LOAD_TRUSTED_ONLY);
  hg_policy_free (p);

  /* not followed when asked so */
  p = load_ok (main_conf, HG_LOAD_NO_INCLUDES);
  assert_int_equal (hg_policy_rule_count (p), 1);
  hg_policy_free (p);

  /* the same name in two files */
  write_file (dir, "rules/c.conf", "\n\nrule b { action = log }\n");
  expect_error (main_conf, 0, HG_ERR_POLICY, "rules/c.conf:3: duplicate rule name 'b': already defined at ");
  remove_in (dir, "rules/c.conf");

  /* settings in an included file */
  write_file (dir, "rules/c.conf", "rule c { action = log }\n\ndefault = log\n");
  expect_error (main_conf, 0, HG_ERR_POLICY,
                "rules/c.conf:3: 'default' is set here, but only rule sections and include may "
                "appear in an included file");
  remove_in (dir, "rules/c.conf");

  /* an error inside an included file names that file */
  write_file (dir, "extra.conf", "rule extra {\n action = maybe\n}\n");
  expect_error (main_conf, 0, HG_ERR_POLICY, "extra.conf:2: unknown action 'maybe'");

  /* a file named outright must exist */
  write_file (dir, "extra.conf", "include = {\"missing.conf\"}\n");
  expect_error (main_conf, 0, HG_ERR_IO, "extra.conf:1: included file");
  free (main_conf);
}

static void
test_include_loop_and_depth (void **state)
{
  const char *dir = *state;
  write_file (dir, "a.conf", "rule a { action = log }\ninclude = {\"b.conf\"}\n");
  write_file (dir, "b.conf", "\ninclude = {\"a.conf\"}\n");
  char *a = path_in (dir, "a.conf");
  expect_error (a, 0, HG_ERR_POLICY, "b.conf:2: include loop: ");
  hg_error *err = NULL;
  hg_policy *p = NULL;
  hg_policy_load_file (a, 0, &p, &err);
  char *want = NULL;
  assert_true (asprintf (&want, "%s/a.conf -> %s/b.conf -> %s/a.conf", dir, dir, dir) > 0);
  assert_non_null (strstr (hg_error_message (err), want));
  free (want);
  hg_error_free (err);
  free (a);

  /* a file including itself */
  write_file (dir, "self.conf", "include = {\"self.conf\"}\n");
  char *self = path_in (dir, "self.conf");
  expect_error (self, 0, HG_ERR_POLICY, "self.conf:1: include loop");
  free (self);

  /* eight levels are fine, nine are not */
  for (int i = 0; i <= HG_MAX_INCLUDE_DEPTH + 1; i++)
    {
      char name[32], text[64];
      snprintf (name, sizeof name, "d%d.conf", i);
      snprintf (text, sizeof text, "rule r%d { action = log }\ninclude = {\"d%d.conf\"}\n", i, i + 1);
      write_file (dir, name, text);
    }
  char *d1 = path_in (dir, "d2.conf"); /* d2 .. d10, then d11 is missing: a glob-less name */
  write_file (dir, "d10.conf", "rule r10 { action = log }\n");
  p = load_ok (d1, 0);
  assert_int_equal (hg_policy_rule_count (p), 9);
  hg_policy_free (p);
  free (d1);
  char *d0 = path_in (dir, "d0.conf");
  expect_error (d0, 0, HG_ERR_POLICY, "d8.conf:2: includes nested deeper than 8: ");
  free (d0);
}

/* ---- trust ---- */

static void
test_trusted (void **state)
{
  const char *dir = *state;
  write_file (dir, "p.conf", "hosts = {\"db*\"}\nrule a { action = log }\n");
  char *path = path_in (dir, "p.conf");
  hg_policy_free (load_ok (path, HG_LOAD_TRUSTED_ONLY));

  /* A trusted file that guards no host (a rule pack, an empty file named by
   * a stale -f) is refused by run and shell, read by check and lint. */
  write_file (dir, "nohosts.conf", "rule a { action = log }\n");
  char *nohosts = path_in (dir, "nohosts.conf");
  expect_error (nohosts, HG_LOAD_TRUSTED_ONLY, HG_ERR_POLICY, "nohosts.conf: names no hosts");
  hg_policy_free (load_ok (nohosts, 0));
  free (nohosts);

  assert_int_equal (chmod (path, 0666), 0);
  expect_error (path, HG_LOAD_TRUSTED_ONLY, HG_ERR_UNTRUSTED, "p.conf: writable by group or others (mode 0666)");
  hg_policy_free (load_ok (path, 0)); /* check and lint read any file */
  assert_int_equal (chmod (path, 0644), 0);

  if (geteuid () == 0)
    {
      assert_int_equal (chown (path, 1000, 1000), 0);
      expect_error (path, HG_LOAD_TRUSTED_ONLY, HG_ERR_UNTRUSTED, "p.conf: owned by uid 1000, not root");
      assert_int_equal (chown (path, 0, 0), 0);
    }

  char *link = path_in (dir, "link.conf");
  assert_int_equal (symlink (path, link), 0);
  expect_error (link, HG_LOAD_TRUSTED_ONLY, HG_ERR_UNTRUSTED, "link.conf: is a symbolic link");
  hg_policy_free (load_ok (link, 0));

  /* an untrusted include spoils the whole policy */
  write_file (dir, "main.conf", "hosts = {\"db*\"}\ninclude = {\"inc/*.conf\"}\n");
  write_file (dir, "inc/x.conf", "rule x { action = deny }\n");
  char *main_conf = path_in (dir, "main.conf");
  char *inc = path_in (dir, "inc/x.conf");
  assert_int_equal (chmod (inc, 0664), 0);
  expect_error (main_conf, HG_LOAD_TRUSTED_ONLY, HG_ERR_UNTRUSTED, "inc/x.conf: writable by group");
  assert_int_equal (chmod (inc, 0644), 0);

  /* so does a directory others may write to */
  char *incdir = path_in (dir, "inc");
  assert_int_equal (chmod (incdir, 0777), 0);
  expect_error (main_conf, HG_LOAD_TRUSTED_ONLY, HG_ERR_UNTRUSTED, "inc/x.conf: its directory ");
  assert_int_equal (chmod (incdir, 0755), 0);
  hg_policy_free (load_ok (main_conf, HG_LOAD_TRUSTED_ONLY));

  /* a symlinked include */
  unlink (inc);
  assert_int_equal (symlink (path, inc), 0);
  expect_error (main_conf, HG_LOAD_TRUSTED_ONLY, HG_ERR_UNTRUSTED, "is a symbolic link");

  free (incdir);
  free (inc);
  free (main_conf);
  free (link);
  free (path);
}

int
main (void)
{
  const struct CMUnitTest fixed[] = {
    cmocka_unit_test (test_example),
    cmocka_unit_test (test_defaults),
    cmocka_unit_test (test_guards_host),
    cmocka_unit_test (test_misc_errors),
    cmocka_unit_test_setup_teardown (test_includes, make_tmpdir, remove_tmpdir),
    cmocka_unit_test_setup_teardown (test_include_loop_and_depth, make_tmpdir, remove_tmpdir),
    cmocka_unit_test_setup_teardown (test_trusted, make_tmpdir, remove_tmpdir),
  };
  size_t n_bad = N_ELEMENTS (bad_policies), n = n_bad + N_ELEMENTS (fixed);
  struct CMUnitTest *tests = calloc (n, sizeof *tests);
  char (*names)[40] = calloc (n_bad, sizeof *names);
  if (!tests || !names)
    return 1;
  for (size_t i = 0; i < n_bad; i++)
    {
      /* named by the start of the message it expects */
      snprintf (names[i], sizeof names[i], "bad policy %02zu: %.20s", i, bad_policies[i].msg);
      tests[i] = (struct CMUnitTest) { .name = names[i], .test_func = test_bad_policy,
                                       .initial_state = (void *) &bad_policies[i] };
    }
  memcpy (tests + n_bad, fixed, sizeof fixed);
  int r = _cmocka_run_group_tests ("test_schema", tests, n, NULL, NULL);
  free (tests);
  free (names);
  return r;
}
