/* Policy snapshots (policy/snapshot.c, policy/snapfmt.c) and the lazy
 * regexes they rely on (policy/lazyre.c).
 *
 * Only root writes and uses a snapshot, so most tests need root: as an
 * ordinary user they skip, saying so.  Everything happens in a temporary
 * directory: a copy of policy/example.conf and the shipped packs, and a
 * cache directory beside them.  Run from the top of the source tree (as
 * make does): the rows of the tables in tests/tables are the requests. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <glob.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy/internal.h"
#include "policy/snapfmt.h"
#include "policy/snapshot.h"

static char root[64];     /* the temporary directory */
static char *policy_path; /* root/policy.conf */
static char *cache_dir;   /* root/cache */
static char *snap_bytes;  /* the good snapshot, to put back after a test spoils it */
static size_t snap_len;

/* ---- helpers ---- */

static char *
path_in (const char *name)
{
  char *s = NULL;
  assert_true (asprintf (&s, "%s/%s", root, name) > 0);
  return s;
}

static void
write_file (const char *path, const char *text, size_t len)
{
  unlink (path);
  int fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  assert_true (fd >= 0);
  assert_int_equal (write (fd, text, len), (ssize_t) len);
  assert_int_equal (fchmod (fd, 0644), 0);
  assert_int_equal (close (fd), 0);
}

static char *
read_file (const char *path, size_t *len)
{
  FILE *f = fopen (path, "re");
  assert_non_null (f);
  char *buf = NULL;
  size_t cap = 0;
  FILE *m = open_memstream (&buf, &cap);
  assert_non_null (m);
  int c;
  while ((c = getc (f)) != EOF)
    putc (c, m);
  fclose (f);
  assert_int_equal (fclose (m), 0);
  if (len)
    *len = cap;
  return buf;
}

/* The one snapshot file in the cache directory, or NULL. */
static char *
snapshot_file (void)
{
  char *pat = NULL, *found = NULL;
  assert_true (asprintf (&pat, "%s/policy-*.snap", cache_dir) > 0);
  glob_t g;
  if (glob (pat, 0, NULL, &g) == 0)
    {
      assert_int_equal (g.gl_pathc, 1);
      found = strdup (g.gl_pathv[0]);
      globfree (&g);
    }
  free (pat);
  return found;
}

static void
restore_snapshot (void)
{
  char *snap = snapshot_file ();
  if (!snap)
    assert_true (asprintf (&snap, "%s/policy-restored.snap", cache_dir) > 0);
  write_file (snap, snap_bytes, snap_len);
  free (snap);
}

/* A policy read from a snapshot has not compiled a regex yet; one parsed
 * from its files holds those its validation compiled. */
static bool
from_snapshot (const hg_policy *p)
{
  size_t n = 0, ready = 0;
  for (size_t i = 0; i < p->n_rules; i++)
    for (size_t j = 0; j < p->rules[i].n_args; j++)
      {
        n++;
        ready += p->rules[i].args[j].ready;
      }
  assert_true (n > 0);
  assert_true (ready == 0 || ready == n);
  return ready == 0;
}

static hg_policy *
load_cached (unsigned flags)
{
  hg_policy *p = NULL;
  hg_error *err = NULL;
  int r = hg_policy_load_file_cached (policy_path, flags, cache_dir, &p, &err);
  if (r < 0)
    fail_msg ("load: %s", hg_error_message (err));
  return p;
}

static bool
need_root (void)
{
  if (geteuid () == 0)
    return true;
  print_message ("skipped: snapshots are written and used only by root\n");
  return false;
}

/* ---- the fixture ---- */

static int
rm_entry (const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
  return remove (path);
}

static int
group_setup (void **state)
{
  strcpy (root, "/tmp/hg-snapshot.XXXXXX");
  if (!mkdtemp (root) || chmod (root, 0755) < 0)
    return -1;
  policy_path = path_in ("policy.conf");
  cache_dir = path_in ("cache");
  char *rules = path_in ("rules");
  if (mkdir (cache_dir, 0755) < 0 || mkdir (rules, 0755) < 0)
    return -1;
  /* example.conf, its policy.d include turned to one in the temporary
   * directory (absent for now). */
  size_t len;
  char *text = read_file ("policy/example.conf", &len);
  char *at = strstr (text, "\"/etc/hostguard/policy.d/*.conf\"");
  assert_non_null (at);
  char *copy = NULL;
  assert_true (asprintf (&copy, "%.*s\"policy.d/*.conf\"%s", (int) (at - text), text,
                         at + strlen ("\"/etc/hostguard/policy.d/*.conf\""))
               > 0);
  write_file (policy_path, copy, strlen (copy));
  free (copy);
  free (text);
  glob_t g;
  assert_int_equal (glob ("policy/rules/*.conf", 0, NULL, &g), 0);
  for (size_t i = 0; i < g.gl_pathc; i++)
    {
      char *dst = NULL;
      assert_true (asprintf (&dst, "%s/%s", rules, strrchr (g.gl_pathv[i], '/') + 1) > 0);
      text = read_file (g.gl_pathv[i], &len);
      write_file (dst, text, len);
      free (text);
      free (dst);
    }
  globfree (&g);
  free (rules);
  if (geteuid () != 0)
    return 0;
  /* No snapshot is written of a file younger than the timestamps can
   * tell apart (snapshot.c). */
  sleep (3);
  hg_policy_free (load_cached (0));
  char *snap = snapshot_file ();
  assert_non_null (snap);
  snap_bytes = read_file (snap, &snap_len);
  free (snap);
  return 0;
}

static int
group_teardown (void **state)
{
  nftw (root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
  free (policy_path);
  free (cache_dir);
  free (snap_bytes);
  return 0;
}

/* ---- table rows ---- */

/* Shell words as the tables write them: '...', "..." (with \" and \\),
 * backslash escapes, no expansion. */
static size_t
split_words (const char *s, char **out, size_t max)
{
  size_t n = 0;
  while (*s && n < max)
    {
      while (*s == ' ' || *s == '\t')
        s++;
      if (!*s || *s == '\n')
        break;
      char *w = malloc (strlen (s) + 1), *o = w;
      assert_non_null (w);
      while (*s && *s != ' ' && *s != '\t' && *s != '\n')
        {
          if (*s == '\'')
            {
              for (s++; *s && *s != '\''; s++)
                *o++ = *s;
              s += *s == '\'';
            }
          else if (*s == '"')
            {
              for (s++; *s && *s != '"'; s++)
                {
                  if (*s == '\\' && (s[1] == '"' || s[1] == '\\' || s[1] == '$'))
                    s++;
                  *o++ = *s;
                }
              s += *s == '"';
            }
          else if (*s == '\\' && s[1])
            {
              *o++ = s[1];
              s += 2;
            }
          else
            *o++ = *s++;
        }
      *o = '\0';
      out[n++] = w;
    }
  return n;
}

static void
expect_same_verdict (const hg_policy *a, const hg_policy *b, const struct hg_request *req,
                     const char *where)
{
  hg_verdict *va = NULL, *vb = NULL;
  assert_int_equal (hg_policy_decide (a, req, &va, NULL), 0);
  assert_int_equal (hg_policy_decide (b, req, &vb, NULL), 0);
  if (hg_verdict_action (va) != hg_verdict_action (vb)
      || hg_verdict_approvals (va) != hg_verdict_approvals (vb)
      || hg_verdict_guarded (va) != hg_verdict_guarded (vb)
      || !hg_verdict_rule (va) != !hg_verdict_rule (vb)
      || (hg_verdict_rule (va) && strcmp (hg_verdict_rule (va), hg_verdict_rule (vb)) != 0)
      || !hg_verdict_message (va) != !hg_verdict_message (vb)
      || (hg_verdict_message (va) && strcmp (hg_verdict_message (va), hg_verdict_message (vb)) != 0)
      || hg_verdict_why_count (va) != hg_verdict_why_count (vb))
    fail_msg ("%s: the snapshot decides %s (%s), the files %s (%s)", where,
              hg_action_name (hg_verdict_action (vb)), hg_verdict_rule (vb) ? hg_verdict_rule (vb) : "-",
              hg_action_name (hg_verdict_action (va)), hg_verdict_rule (va) ? hg_verdict_rule (va) : "-");
  for (size_t i = 0; i < hg_verdict_why_count (va); i++)
    if (strcmp (hg_verdict_why (va, i), hg_verdict_why (vb, i)) != 0)
      fail_msg ("%s: why differs: '%s' / '%s'", where, hg_verdict_why (va, i), hg_verdict_why (vb, i));
  hg_verdict_free (va);
  hg_verdict_free (vb);
}

/* Decides every row of every table with both policies; returns the rows. */
static size_t
compare_tables (const hg_policy *parsed, const hg_policy *snap)
{
  glob_t g;
  size_t rows = 0;
  assert_int_equal (glob ("tests/tables/*.tests", 0, NULL, &g), 0);
  for (size_t t = 0; t < g.gl_pathc; t++)
    {
      FILE *f = fopen (g.gl_pathv[t], "re");
      assert_non_null (f);
      char line[4096];
      for (int lineno = 1; fgets (line, sizeof line, f); lineno++)
        {
          char *sep = strstr (line, " -- ");
          if (line[strspn (line, " \t")] == '#' || !sep)
            continue;
          char host[256], user[256], cwd[1024];
          *sep = '\0';
          if (sscanf (line, "%255s %255s %1023s", host, user, cwd) != 3)
            continue;
          char *argv[64];
          size_t argc = split_words (sep + 4, argv, 64);
          if (argc == 0)
            continue;
          char *host_short = strndup (host, strcspn (host, "."));
          struct hg_request req = {
            .argv = (const char *const *) argv, .argc = argc, .cwd = cwd, .user = user,
            .host_short = host_short, .host_fqdn = strchr (host, '.') ? host : NULL,
            .look_through = true,
          };
          char where[4200];
          snprintf (where, sizeof where, "%s:%d", g.gl_pathv[t], lineno);
          expect_same_verdict (parsed, snap, &req, where);
          rows++;
          for (size_t i = 0; i < argc; i++)
            free (argv[i]);
          free (host_short);
        }
      fclose (f);
    }
  globfree (&g);
  return rows;
}

/* ---- tests ---- */

static void
test_round_trip (void **state)
{
  if (!need_root ())
    skip ();
  restore_snapshot ();
  hg_policy *parsed = NULL;
  assert_int_equal (hg_policy_load_file (policy_path, 0, &parsed, NULL), 0);
  assert_false (from_snapshot (parsed));
  hg_policy *snap = load_cached (0);
  assert_true (from_snapshot (snap));
  assert_int_equal (hg_policy_rule_count (snap), hg_policy_rule_count (parsed));
  const struct hg_settings *a = hg_policy_settings (parsed), *b = hg_policy_settings (snap);
  assert_int_equal (a->n_hosts, b->n_hosts);
  assert_string_equal (a->hosts[0], b->hosts[0]);
  assert_int_equal (a->n_redact, b->n_redact);
  assert_string_equal (a->redact[0], b->redact[0]);
  assert_string_equal (a->spool, b->spool);
  assert_string_equal (a->log_dir, b->log_dir);
  assert_string_equal (a->shell, b->shell);
  assert_string_equal (a->approvers, b->approvers);
  assert_int_equal (a->approval_timeout, b->approval_timeout);
  assert_int_equal (a->default_action, b->default_action);
  assert_int_equal (a->noninteractive, b->noninteractive);
  assert_int_equal (a->verify_exec_all, b->verify_exec_all);
  assert_true (compare_tables (parsed, snap) >= 300);
  hg_policy_free (parsed);
  hg_policy_free (snap);

  /* A trusted load may use it too: every file here passes the checks. */
  snap = load_cached (HG_LOAD_TRUSTED_ONLY);
  assert_true (from_snapshot (snap));
  hg_policy_free (snap);
}

/* Expects the next load to come from the files. */
static void
expect_refused (const char *why)
{
  hg_policy *p = load_cached (0);
  if (from_snapshot (p))
    fail_msg ("a snapshot was used although %s", why);
  hg_policy_free (p);
}

static void
test_refuses_foreign_owner (void **state)
{
  if (!need_root ())
    skip ();
  restore_snapshot ();
  char *snap = snapshot_file ();
  assert_int_equal (chown (snap, 65534, 65534), 0);
  expect_refused ("it is not owned by root");
  /* Loading as root from the files wrote a good one in its place. */
  hg_policy *p = load_cached (0);
  assert_true (from_snapshot (p));
  hg_policy_free (p);
  free (snap);
}

static void
test_refuses_writable (void **state)
{
  if (!need_root ())
    skip ();
  restore_snapshot ();
  char *snap = snapshot_file ();
  assert_int_equal (chmod (snap, 0664), 0);
  expect_refused ("it is group-writable");
  restore_snapshot ();
  assert_int_equal (chmod (snap, 0646), 0);
  expect_refused ("it is writable by others");
  restore_snapshot ();
  assert_int_equal (chmod (cache_dir, 0775), 0);
  expect_refused ("its directory is group-writable");
  assert_int_equal (chmod (cache_dir, 0755), 0);
  free (snap);
}

static void
test_refuses_symlink (void **state)
{
  if (!need_root ())
    skip ();
  restore_snapshot ();
  char *snap = snapshot_file ();
  char *real = path_in ("elsewhere.snap");
  write_file (real, snap_bytes, snap_len);
  assert_int_equal (unlink (snap), 0);
  assert_int_equal (symlink (real, snap), 0);
  expect_refused ("it is a symbolic link");
  unlink (real);
  free (real);
  free (snap);
}

static void
test_refuses_damaged (void **state)
{
  if (!need_root ())
    skip ();
  char *snap = NULL;
  restore_snapshot ();
  snap = snapshot_file ();
  write_file (snap, snap_bytes, snap_len / 2);
  expect_refused ("it is truncated");
  write_file (snap, snap_bytes, 0);
  expect_refused ("it is empty");
  char *bad = malloc (snap_len);
  assert_non_null (bad);
  memcpy (bad, snap_bytes, snap_len);
  bad[snap_len - 5] ^= 0x20; /* a letter of the last rule's message */
  write_file (snap, bad, snap_len);
  expect_refused ("its checksum does not hold");
  free (bad);
  free (snap);
}

/* Every prefix and many one-byte changes of a good snapshot: refused or
 * decoded, never a crash (the ASan run of the suite checks the rest). */
static void
test_decode_damaged_bytes (void **state)
{
  if (!need_root ())
    skip ();
  for (size_t n = 0; n < snap_len; n += 1 + n / 64)
    {
      char *path = NULL;
      struct hg_sources src;
      hg_policy *p = NULL;
      assert_int_equal (hg_snapshot_decode (snap_bytes, n, &path, &src, &p), -1);
    }
  char *bad = malloc (snap_len);
  assert_non_null (bad);
  for (size_t i = 0; i < snap_len; i += 7)
    {
      memcpy (bad, snap_bytes, snap_len);
      bad[i] ^= 0x41;
      char *path = NULL;
      struct hg_sources src;
      hg_policy *p = NULL;
      if (hg_snapshot_decode (bad, snap_len, &path, &src, &p) == 0)
        {
          free (path);
          hg_sources_clear (&src);
          hg_policy_free (p);
        }
    }
  free (bad);
}

/* The trusted checks are applied to the files as they are now, not as
 * they were when the snapshot was made: a directory that became writable
 * (which changes no file's stat) makes a trusted load refuse, as it would
 * without a snapshot. */
static void
test_trust_is_rechecked (void **state)
{
  if (!need_root ())
    skip ();
  restore_snapshot ();
  assert_int_equal (chmod (root, 0775), 0);
  hg_policy *p = NULL;
  hg_error *err = NULL;
  assert_int_equal (hg_policy_load_file_cached (policy_path, HG_LOAD_TRUSTED_ONLY, cache_dir, &p, &err),
                    HG_ERR_UNTRUSTED);
  assert_non_null (strstr (hg_error_message (err), "writable by group or others"));
  hg_error_free (err);
  /* check reads any file: the snapshot still serves it. */
  p = load_cached (0);
  assert_true (from_snapshot (p));
  hg_policy_free (p);
  assert_int_equal (chmod (root, 0755), 0);
}

struct decider
{
  const hg_policy *p;
  int failures;
};

static void *
decide_many (void *arg)
{
  struct decider *d = arg;
  const char *drop[] = { "mysql", "-e", "DROP DATABASE wiki" };
  const char *ls[] = { "ls", "-l", "/srv" };
  for (int i = 0; i < 200; i++)
    {
      struct hg_request req = { .argv = i % 2 ? ls : drop, .argc = 3, .cwd = "/root",
                                .user = "alice", .host_short = "db1", .look_through = true };
      hg_verdict *v = NULL;
      if (hg_policy_decide (d->p, &req, &v, NULL) < 0
          || hg_verdict_action (v) != (i % 2 ? HG_ACTION_ALLOW : HG_ACTION_APPROVE))
        d->failures++;
      hg_verdict_free (v);
    }
  return NULL;
}

/* The supervisor decides from several threads on one policy: the first
 * uses of a lazy regex race, and must all see it compiled once. */
static void
test_lazy_regex_threads (void **state)
{
  if (!need_root ())
    skip ();
  restore_snapshot ();
  hg_policy *p = load_cached (0);
  assert_true (from_snapshot (p));
  pthread_t t[8];
  struct decider d[8];
  for (int i = 0; i < 8; i++)
    {
      d[i] = (struct decider) { p, 0 };
      assert_int_equal (pthread_create (&t[i], NULL, decide_many, &d[i]), 0);
    }
  for (int i = 0; i < 8; i++)
    {
      pthread_join (t[i], NULL);
      assert_int_equal (d[i].failures, 0);
    }
  hg_policy_free (p);
}

/* Last: these change the policy's files (the include directory comes
 * back as it was; the changed pack does not). */
static void
test_stale_after_file_change (void **state)
{
  if (!need_root ())
    skip ();
  restore_snapshot ();
  hg_policy *p = load_cached (0);
  size_t before = hg_policy_rule_count (p);
  hg_policy_free (p);
  char *pack = path_in ("rules/power.conf");
  FILE *f = fopen (pack, "a");
  assert_non_null (f);
  fputs ("rule snapshot-test-added {\n  command = {\"zzz\"}\n  action = deny\n}\n", f);
  assert_int_equal (fclose (f), 0);
  p = load_cached (0);
  assert_false (from_snapshot (p));
  assert_int_equal (hg_policy_rule_count (p), before + 1);
  hg_policy_free (p);
  free (pack);
}

static void
test_stale_after_include_dir_change (void **state)
{
  if (!need_root ())
    skip ();
  restore_snapshot ();
  hg_policy *p = load_cached (0);
  assert_true (from_snapshot (p));
  size_t before = hg_policy_rule_count (p);
  hg_policy_free (p);
  /* The glob's directory appears, with a file: no file the snapshot came
   * from changed, only the directory it watches. */
  char *dir = path_in ("policy.d");
  assert_int_equal (mkdir (dir, 0755), 0);
  char *extra = path_in ("policy.d/local.conf");
  const char *text = "rule snapshot-test-local {\n  command = {\"yyy\"}\n  action = log\n}\n";
  write_file (extra, text, strlen (text));
  p = load_cached (0);
  assert_false (from_snapshot (p));
  assert_int_equal (hg_policy_rule_count (p), before + 1);
  hg_policy_free (p);
  /* Gone again: the snapshot stands for the files once more. */
  assert_int_equal (unlink (extra), 0);
  assert_int_equal (rmdir (dir), 0);
  p = load_cached (0);
  assert_true (from_snapshot (p));
  assert_int_equal (hg_policy_rule_count (p), before);
  hg_policy_free (p);
  free (extra);
  free (dir);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_round_trip),
    cmocka_unit_test (test_refuses_foreign_owner),
    cmocka_unit_test (test_refuses_writable),
    cmocka_unit_test (test_refuses_symlink),
    cmocka_unit_test (test_refuses_damaged),
    cmocka_unit_test (test_decode_damaged_bytes),
    cmocka_unit_test (test_trust_is_rechecked),
    cmocka_unit_test (test_lazy_regex_threads),
    cmocka_unit_test (test_stale_after_include_dir_change),
    cmocka_unit_test (test_stale_after_file_change),
  };
  return cmocka_run_group_tests (tests, group_setup, group_teardown);
}
