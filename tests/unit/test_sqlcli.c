/* The SQL a client command line runs (policy/sqlcli.c, sqlopts.c):
 * table-driven.  Each row is an argv of mysql, mariadb or mysqladmin, the
 * kinds found (in the order of enum hg_sql_kind, "" for none) and a part
 * of the explanation when some of the SQL cannot be known (NULL: all
 * known).  Then standard input: a file, a pipe, a file past its cap. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "policy/internal.h"
#include "policy/sqlkind.h"
#include "supervise/internal.h"

#define MAXARGS 10

struct row
{
  const char *argv[MAXARGS];
  const char *kinds;
  const char *unknown;
};

static const struct row rows[] = {
  /* -e, glued or not, bundled, long, prefixes */
  { { "mysql", "-e", "DROP DATABASE a" }, "drop database, drop", NULL },
  { { "mysql", "-eDROP DATABASE a" }, "drop database, drop", NULL },
  { { "mysql", "-BNeDROP DATABASE a" }, "drop database, drop", NULL },
  { { "mysql", "-BNe", "DROP DATABASE a" }, "drop database, drop", NULL },
  { { "mysql", "--execute=DROP DATABASE a" }, "drop database, drop", NULL },
  { { "mysql", "--execute", "DROP DATABASE a" }, "drop database, drop", NULL },
  { { "mysql", "--exec=TRUNCATE t" }, "truncate", NULL },
  { { "mysql", "--ex", "TRUNCATE t" }, "truncate", NULL },
  { { "mysql", "--loose-execute=TRUNCATE t" }, "truncate", NULL },
  { { "mysql", "--enable-exec=TRUNCATE t" }, "truncate", NULL },
  { { "mysql", "--skip-execute", "TRUNCATE t" }, "", NULL }, /* TRUNCATE t is the database */
  { { "mariadb", "--init-command=DROP DATABASE a", "wiki" }, "drop database, drop", NULL },
  { { "mysql", "--init=TRUNCATE t" }, "truncate", NULL },
  { { "mysql", "-e", "SELECT 1", "-e", "TRUNCATE t" }, "truncate", NULL },
  /* values of other options are no SQL, and no options */
  { { "mysql", "-u", "-e", "TRUNCATE t" }, "", NULL },
  { { "mysql", "-uroot", "-hdb", "-P", "3306", "-S", "/s", "-D", "-e" }, "", NULL },
  { { "mysql", "--user", "-e", "--database", "-e", "wiki" }, "", NULL },
  { { "mysql", "-p", "-e", "TRUNCATE t" }, "truncate", NULL }, /* -p takes nothing apart */
  { { "mysql", "-pe", "TRUNCATE t" }, "", NULL },              /* password "e" */
  { { "mysql", "--password", "-e", "TRUNCATE t" }, "truncate", NULL },
  { { "mysql", "--", "-e", "TRUNCATE t" }, "", NULL },
  { { "mysql", "wiki", "-e", "TRUNCATE t" }, "truncate", NULL },
  /* the delimiter, wherever it is given */
  { { "mysql", "-e", "SELECT 1// TRUNCATE t", "--delimiter=//" }, "truncate", NULL },
  /* what cannot be known */
  { { "mysql", "-e", "source /nonexistent/f.sql" }, "source", "cannot be read" },
  { { "mysql", "-e", "\\. /nonexistent/f.sql" }, "source", "cannot be read" },
  { { "mysql", "-e", "source ~/f.sql" }, "source", "home directory" },
  { { "mysql", "-e", "source /dev/null" }, "source", "not a regular file" },
  { { "mysql", "-e", "PREPARE s FROM @x" }, "prepare", "PREPARE from" },
  /* mysqladmin's commands, shortened or not */
  { { "mysqladmin", "drop", "wiki" }, "drop database", NULL },
  { { "mysqladmin", "-f", "DRO", "wiki" }, "drop database", NULL },
  { { "mariadb-admin", "-u", "drop", "status" }, "", NULL },
  { { "mysqladmin", "create", "drop" }, "", NULL },
  { { "mysqladmin", "shut" }, "shutdown", NULL },
  { { "mysqladmin", "--shutdown-timeout", "60", "shutdown" }, "shutdown", NULL },
  { { "mysqladmin", "kill", "12" }, "kill", NULL },
  { { "mysqladmin", "status", "processlist" }, "", NULL },
  /* not a client */
  { { "psql", "-c", "DROP DATABASE a" }, "", NULL },
};

static void
kinds_text (uint64_t k, char *out, size_t n)
{
  out[0] = '\0';
  for (unsigned i = 0; i < HG_SQLK_COUNT; i++)
    if ((k >> i) & 1)
      {
        size_t used = strlen (out);
        snprintf (out + used, n - used, "%s%s", used ? ", " : "", hg_sql_kind_name (i));
      }
}

static size_t
count (const char *const *v)
{
  size_t n = 0;
  while (n < MAXARGS && v[n])
    n++;
  return n;
}

/* Reads argv as the outer command of a request, standard input fd (-1:
 * none given). */
static void
facts (const char *const *argv, size_t argc, int fd, struct hg_sql_facts *sf)
{
  struct hg_simple_cmd cmd = { .argv = (char **) argv, .argc = argc };
  struct hg_request req = { .argv = argv, .argc = argc, .cwd = "/", .stdin_fd = fd,
                            .has_stdin_fd = fd >= 0 };
  const char *name = strrchr (argv[0], '/') ? strrchr (argv[0], '/') + 1 : argv[0];
  assert_int_equal (hg_sql_facts_read (sf, &cmd, &name, 1, &req, true), 0);
}

static void
check_row (void **state)
{
  const struct row *r = *state;
  struct hg_sql_facts sf;
  facts (r->argv, count (r->argv), -1, &sf);
  char kinds[512];
  kinds_text (sf.kinds, kinds, sizeof kinds);
  assert_string_equal (kinds, r->kinds);
  if (r->unknown)
    {
      assert_non_null (sf.unknown);
      assert_non_null (strstr (sf.unknown, r->unknown));
    }
  else if (sf.unknown)
    fail_msg ("unexpected unknown: %s", sf.unknown);
  hg_sql_facts_free (&sf);
}

/* `mysql wiki < FILE`: read from where the descriptor stands, and left
 * there; a pipe is unknown. */
static void
test_stdin (void **state)
{
  char path[] = "/tmp/test_sqlcli.XXXXXX";
  int fd = mkstemp (path);
  assert_true (fd >= 0);
  unlink (path);
  const char *text = "DROP DATABASE skipped;\nSELECT 1;\n-- x\nTRUNCATE t;\n";
  assert_int_equal (write (fd, text, strlen (text)), (ssize_t) strlen (text));
  assert_int_equal (lseek (fd, 22, SEEK_SET), 22); /* past the DROP */
  const char *argv[] = { "mysql", "wiki" };
  struct hg_sql_facts sf;
  facts (argv, 2, fd, &sf);
  char kinds[512];
  kinds_text (sf.kinds, kinds, sizeof kinds);
  assert_string_equal (kinds, "truncate");
  assert_null (sf.unknown);
  assert_non_null (strstr (sf.where[HG_SQLK_TRUNCATE], "(standard input), statement 2, line 4: TRUNCATE T"));
  assert_int_equal (lseek (fd, 0, SEEK_CUR), 22);
  hg_sql_facts_free (&sf);

  /* with -e, standard input is not read */
  const char *argv_e[] = { "mysql", "-e", "SELECT 1" };
  lseek (fd, 0, SEEK_SET);
  facts (argv_e, 3, fd, &sf);
  assert_true (sf.kinds == 0);
  hg_sql_facts_free (&sf);
  close (fd);

  int p[2];
  assert_int_equal (pipe (p), 0);
  facts (argv, 2, p[0], &sf);
  assert_non_null (sf.unknown);
  assert_non_null (strstr (sf.unknown, "pipe"));
  hg_sql_facts_free (&sf);
  close (p[0]);
  close (p[1]);

  /* a descriptor that cannot be examined: unknown, not a terminal */
  facts (argv, 2, 1000, &sf);
  assert_non_null (sf.unknown);
  hg_sql_facts_free (&sf);
}

/* A file larger than the cap is not read at all. */
static void
test_cap (void **state)
{
  char path[] = "/tmp/test_sqlcli.XXXXXX";
  int fd = mkstemp (path);
  assert_true (fd >= 0);
  unlink (path);
  assert_int_equal (ftruncate (fd, (off_t) HG_SQL_READ_CAP + 1), 0);
  const char *argv[] = { "mysql" };
  struct hg_sql_facts sf;
  facts (argv, 1, fd, &sf);
  assert_non_null (sf.unknown);
  assert_non_null (strstr (sf.unknown, "larger than 256 MiB"));
  hg_sql_facts_free (&sf);
  close (fd);
}

/* What the supervisor will pass: the same open file as the process's
 * descriptor 0, its offset shared. */
static void
test_task_stdin (void **state)
{
  char path[] = "/tmp/test_sqlcli.XXXXXX";
  int fd = mkstemp (path);
  assert_true (fd >= 0);
  unlink (path);
  assert_int_equal (write (fd, "TRUNCATE t;", 11), 11);
  assert_int_equal (lseek (fd, 0, SEEK_SET), 0);
  int saved = dup (0);
  assert_true (saved >= 0);
  assert_int_equal (dup2 (fd, 0), 0);
  int in = hg_task_stdin (getpid ());
  dup2 (saved, 0);
  close (saved);
  assert_true (in >= 0);
  const char *argv[] = { "mysql" };
  struct hg_sql_facts sf;
  facts (argv, 1, in, &sf);
  assert_true (sf.kinds == (1ull << HG_SQLK_TRUNCATE));
  hg_sql_facts_free (&sf);
  assert_int_equal (lseek (fd, 0, SEEK_CUR), 0);
  close (in);
  close (fd);
}

int
main (void)
{
  static struct CMUnitTest tests[N_ELEMENTS (rows) + 3];
  static char names[N_ELEMENTS (rows)][128];
  size_t n = 0;
  for (size_t i = 0; i < N_ELEMENTS (rows); i++, n++)
    {
      char *p = names[i], *end = names[i] + sizeof names[i] - 8;
      p += snprintf (p, 24, "row %zu:", i);
      for (size_t k = 0; k < MAXARGS && rows[i].argv[k] && p < end; k++)
        for (const char *c = rows[i].argv[k] - 1; (c < rows[i].argv[k] || *c) && p < end; c++)
          *p++ = c < rows[i].argv[k] ? ' ' : (unsigned char) *c < 0x20 || *c == '#' ? '?' : *c;
      *p = '\0';
      tests[n] = (struct CMUnitTest){ names[i], check_row, NULL, NULL, (void *) &rows[i] };
    }
  tests[n++] = (struct CMUnitTest){ "standard input", test_stdin, NULL, NULL, NULL };
  tests[n++] = (struct CMUnitTest){ "cap", test_cap, NULL, NULL, NULL };
  tests[n++] = (struct CMUnitTest){ "a process's standard input", test_task_stdin, NULL, NULL, NULL };
  return _cmocka_run_group_tests ("sqlcli", tests, n, NULL, NULL);
}
