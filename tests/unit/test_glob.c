/* Globs on names, paths and users: table-driven. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "policy/internal.h"

struct name_row
{
  const char *pattern, *name;
  bool casefold, want;
};

static const struct name_row name_rows[] = {
  { "mysql", "mysql", false, true },
  { "mysql", "mysqldump", false, false },
  { "mysql*", "mysqldump", false, true },
  { "db*", "DB01", false, false },
  { "db*", "DB01", true, true },
  { "db[0-9][0-9]", "db07", false, true },
  { "db[!0-9]", "db7", false, false },
  { "?m", "rm", false, true },
  { "*", "", false, true },
  { "", "x", false, false },
};

static void
test_glob_name (void **state)
{
  for (size_t i = 0; i < N_ELEMENTS (name_rows); i++)
    {
      const struct name_row *r = &name_rows[i];
      if (hg_glob_name (r->pattern, r->name, r->casefold) != r->want)
        fail_msg ("row %zu: '%s' on '%s' casefold=%d: want %d", i, r->pattern, r->name, r->casefold,
                  r->want);
    }
}

struct path_row
{
  const char *pattern, *path;
  bool match, related;
};

static const struct path_row path_rows[] = {
  /* literal */
  { "/srv/mariadb", "/srv/mariadb", true, true },
  { "/srv/mariadb", "/srv/mariadb/ibdata1", false, true }, /* inside */
  { "/srv/mariadb", "/srv", false, true },                 /* above */
  { "/srv/mariadb", "/", false, true },                    /* / above all */
  { "/srv/mariadb", "/srv/other", false, false },
  { "/srv/mariadb", "/srv/mariadbx", false, false },
  /* trailing and repeated slashes are the same directory */
  { "/srv/mariadb/", "/srv/mariadb", true, true },
  { "/srv/mariadb", "/srv//mariadb/", true, true },
  { "/", "/", true, true },
  { "/", "/etc", false, true },
  /* `*` stays within a component */
  { "/srv/*", "/srv/mariadb", true, true },
  { "/srv/*", "/srv/mariadb/x", false, true },
  { "/srv/*", "/srv/.hidden", true, true },
  { "/srv/*/data", "/srv/a/data", true, true },
  { "/srv/*/data", "/srv/a/b/data", false, false },
  { "/srv/*/data", "/srv/a/other", false, false },
  { "/srv/*/data", "/srv/a", false, true },
  { "/srv*", "/srv/x", false, true },
  { "/srv*", "/srvx", true, true },
  /* `**` */
  { "/srv/mariadb/**", "/srv/mariadb", true, true },
  { "/srv/mariadb/**", "/srv/mariadb/x/y", true, true },
  { "/srv/mariadb/**", "/srv", false, true },
  { "/srv/mariadb/**", "/", false, true },
  { "/srv/mariadb/**", "/srv/other", false, false },
  { "/srv/mariadb/**", "/srv/other/mariadb", false, false },
  { "/srv/**/data", "/srv/data", true, true },
  { "/srv/**/data", "/srv/a/b/c/data", true, true },
  { "/srv/**/data", "/srv/a/b/c/datax", false, true }, /* below a `**`: could lead there */
  { "/srv/**/data", "/var/data", false, false },
  { "/**/ibdata*", "/srv/mysql/ibdata1", true, true },
  { "/**/ibdata*", "/srv/mysql/other", false, true },
  { "/a/**/b/**/c", "/a/x/b/y/b/z/c", true, true },
  { "/a/**/b/**/c", "/a/x/b/y/c/d", false, true },
  { "/a/**/**/c", "/a/c", true, true },
  { "/a**b", "/axxb", true, true }, /* glued `**` is a `*` */
  { "/a**b", "/ax/xb", false, false },
  /* brackets */
  { "/dev/sd[a-z]", "/dev/sda", true, true },
  { "/dev/sd[a-z]", "/dev/sd1", false, false },
  { "/dev/sd[a-z]*", "/dev/sdb1", true, true },
  { "/dev/nvme[0-9]n[0-9]", "/dev/nvme0n1", true, true },
  /* relative paths never match absolute globs */
  { "/srv/**", "srv/x", false, false },
};

static void
test_glob_path (void **state)
{
  for (size_t i = 0; i < N_ELEMENTS (path_rows); i++)
    {
      const struct path_row *r = &path_rows[i];
      if (hg_glob_path (r->pattern, r->path) != r->match)
        fail_msg ("row %zu: hg_glob_path ('%s', '%s'): want %d", i, r->pattern, r->path, r->match);
      if (hg_glob_path_related (r->pattern, r->path) != r->related)
        fail_msg ("row %zu: hg_glob_path_related ('%s', '%s'): want %d", i, r->pattern, r->path,
                  r->related);
    }
}

/* Many `**` against a long path that does not match: bounded, not
 * exponential. */
static void
test_glob_path_backtracking_bounded (void **state)
{
  char pattern[4096] = "", path[4096] = "";
  for (int i = 0; i < 200; i++)
    strcat (pattern, "/**/a");
  strcat (pattern, "/b");
  for (int i = 0; i < 800; i++)
    strcat (path, "/a");
  assert_false (hg_glob_path (pattern, path));
  assert_true (hg_glob_path_related (pattern, path));
}

static void
test_glob_is_literal (void **state)
{
  assert_true (hg_glob_is_literal ("mysql"));
  assert_true (hg_glob_is_literal ("/usr/bin/mysql"));
  assert_false (hg_glob_is_literal ("mysql*"));
  assert_false (hg_glob_is_literal ("m?sql"));
  assert_false (hg_glob_is_literal ("[m]ysql"));
  assert_false (hg_glob_is_literal ("my\\sql"));
}

struct user_row
{
  const char *item, *user;
  bool want;
};

static const struct user_row user_rows[] = {
  { "root", "root", true },
  { "*", "root", true },
  { "ro*", "root", true },
  { "alice", "root", false },
  { "%root", "root", true },                     /* primary group, through NSS */
  { "%hostguard-no-such-group", "root", false }, /* a group that does not exist */
  { "%root", "hostguard-no-such-user", false },
  { "%", "root", false },
};

static void
test_user_matches (void **state)
{
  for (size_t i = 0; i < N_ELEMENTS (user_rows); i++)
    {
      const struct user_row *r = &user_rows[i];
      if (hg_user_matches (r->item, r->user) != r->want)
        fail_msg ("row %zu: '%s' on user '%s': want %d", i, r->item, r->user, r->want);
    }
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_glob_name),
    cmocka_unit_test (test_glob_path),
    cmocka_unit_test (test_glob_path_backtracking_bounded),
    cmocka_unit_test (test_glob_is_literal),
    cmocka_unit_test (test_user_matches),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
