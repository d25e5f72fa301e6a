/* hg_path_forms: lexical folding, symlinks, nonexistent tails, long args. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "policy/internal.h"

/* A temporary tree (all under T, the realpath of a mkdtemp directory):
 *   T/real/dir/file     T/link -> real     T/dirlink -> real/dir
 *   T/abslink -> /      T/loop -> loop  */
static char T[PATH_MAX];

static int
setup_tree (void **state)
{
  char tmpl[] = "/tmp/hg-test-paths-XXXXXX";
  if (!mkdtemp (tmpl) || !realpath (tmpl, T))
    return -1;
  char p[PATH_MAX + 64], q[PATH_MAX + 64];
  snprintf (p, sizeof p, "%s/real", T);
  mkdir (p, 0755);
  snprintf (p, sizeof p, "%s/real/dir", T);
  mkdir (p, 0755);
  snprintf (p, sizeof p, "%s/real/dir/file", T);
  fclose (fopen (p, "w"));
  snprintf (p, sizeof p, "%s/link", T);
  if (symlink ("real", p) < 0)
    return -1;
  snprintf (p, sizeof p, "%s/dirlink", T);
  snprintf (q, sizeof q, "%s/real/dir", T);
  if (symlink (q, p) < 0)
    return -1;
  snprintf (p, sizeof p, "%s/abslink", T);
  if (symlink ("/", p) < 0)
    return -1;
  snprintf (p, sizeof p, "%s/loop", T);
  if (symlink ("loop", p) < 0)
    return -1;
  return 0;
}

static int
teardown_tree (void **state)
{
  char cmd[PATH_MAX + 16];
  snprintf (cmd, sizeof cmd, "rm -rf '%s'", T);
  return system (cmd) == 0 ? 0 : -1;
}

/* "@" in a row stands for T. */
static char *
expand (const char *s)
{
  if (!s)
    return NULL;
  char *out = NULL;
  const char *at = strchr (s, '@');
  if (!at)
    return strdup (s);
  if (asprintf (&out, "%.*s%s%s", (int) (at - s), s, T, at + 1) < 0)
    return NULL;
  return out;
}

struct forms_row
{
  const char *arg, *cwd;
  const char *want[5]; /* exactly these forms, in this order */
};

static const struct forms_row forms_rows[] = {
  /* absolute, already clean: one form */
  { "/etc/passwd", "/", { "/etc/passwd" } },
  /* folding . .. // */
  { "/srv//mariadb/./x/../", "/", { "/srv//mariadb/./x/../", "/srv/mariadb" } },
  { "/..", "/", { "/..", "/" } },
  { "/../../etc", "/", { "/../../etc", "/etc" } },
  /* relative against cwd */
  { "x", "/srv/mariadb", { "/srv/mariadb/x" } },
  { "../other", "/srv/mariadb", { "/srv/other" } },
  { ".", "/srv", { "/srv" } },
  { "..", "/srv", { "/" } },
  { "a//b/", "/srv", { "/srv/a/b" } },
  /* symlinks of existing components resolved, nonexistent tails kept */
  { "@/link/dir/file", "/", { "@/link/dir/file", "@/real/dir/file" } },
  { "link/dir/new/deeper", "@", { "@/link/dir/new/deeper", "@/real/dir/new/deeper" } },
  { "dirlink", "@", { "@/dirlink", "@/real/dir" } },
  { "abslink/etc", "@", { "@/abslink/etc", "/etc" } },
  { "@/missing/x", "/", { "@/missing/x" } },
  { "loop/x", "@", { "@/loop/x" } }, /* ELOOP: kept lexically */
  /* `..` after a symlink: lexically the link's parent, for the kernel the
   * target's parent; both are kept */
  { "dirlink/../newfile", "@", { "@/newfile", "@/real/newfile" } },
  { "dirlink/..", "@", { "@", "@/real" } },
};

static void
test_path_forms_rows (void **state)
{
  for (size_t i = 0; i < N_ELEMENTS (forms_rows); i++)
    {
      const struct forms_row *r = &forms_rows[i];
      cleanup_free char *arg = expand (r->arg);
      cleanup_free char *cwd = expand (r->cwd);
      cleanup_strv char **forms = hg_path_forms (arg, cwd);
      assert_non_null (forms);
      size_t n = 0;
      while (forms[n])
        n++;
      size_t want_n = 0;
      while (want_n < N_ELEMENTS (r->want) && r->want[want_n])
        want_n++;
      for (size_t k = 0; k < want_n && k < n; k++)
        {
          cleanup_free char *want = expand (r->want[k]);
          if (strcmp (forms[k], want) != 0)
            fail_msg ("row %zu ('%s' in '%s'): form %zu is '%s', want '%s'", i, arg, cwd, k,
                      forms[k], want);
        }
      if (n != want_n)
        fail_msg ("row %zu ('%s' in '%s'): %zu forms, want %zu (last: '%s')", i, arg, cwd, n,
                  want_n, forms[n - 1]);
    }
}

static size_t
count (char **v)
{
  size_t n = 0;
  while (v[n])
    n++;
  return n;
}

/* An argument far longer than PATH_MAX is still folded lexically. */
static void
test_path_forms_huge (void **state)
{
  size_t reps = 3 * PATH_MAX / 4;
  cleanup_free char *arg = malloc (reps * 8 + 16);
  char *o = stpcpy (arg, "/srv");
  for (size_t i = 0; i < reps; i++)
    o = stpcpy (o, "/a/.");
  for (size_t i = 0; i < reps; i++)
    o = stpcpy (o, "/..");
  strcpy (o, "/x");
  cleanup_strv char **forms = hg_path_forms (arg, "/");
  assert_non_null (forms);
  assert_int_equal (count (forms), 2);
  assert_string_equal (forms[0], arg);
  assert_string_equal (forms[1], "/srv/x");

  /* relative, long, not foldable: kept whole */
  cleanup_free char *rel = malloc (2 * PATH_MAX + 1);
  memset (rel, 'b', 2 * PATH_MAX);
  rel[2 * PATH_MAX] = '\0';
  cleanup_strv char **f2 = hg_path_forms (rel, "/nonexistent-hg");
  assert_non_null (f2);
  assert_int_equal (count (f2), 1);
  assert_int_equal (strlen (f2[0]), strlen ("/nonexistent-hg/") + 2 * PATH_MAX);
}

/* Many components: the existing-prefix search stays fast. */
static void
test_path_forms_many_components (void **state)
{
  size_t reps = 20000;
  cleanup_free char *arg = malloc (reps * 2 + 8);
  char *o = stpcpy (arg, "/tmp");
  for (size_t i = 0; i < reps; i++)
    o = stpcpy (o, "/z");
  cleanup_strv char **forms = hg_path_forms (arg, "/");
  assert_non_null (forms);
  assert_string_equal (forms[0], arg);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_path_forms_rows),
    cmocka_unit_test (test_path_forms_huge),
    cmocka_unit_test (test_path_forms_many_components),
  };
  return cmocka_run_group_tests (tests, setup_tree, teardown_tree);
}
