/* Redaction: every form, positive and negative, table-driven.  Each row is
 * an argv and the argv a record must show. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "util/util.h"
#include "audit/audit.h"

#define MAXARGS 8

struct row
{
  const char *in[MAXARGS];
  const char *out[MAXARGS];
};

static const struct row rows[] = {
  /* mysql -pSECRET: after a mysql-family program only */
  { { "mysql", "-uroot", "-pS3cret", "db" }, { "mysql", "-uroot", "-p***", "db" } },
  { { "/usr/bin/mysqldump", "-pS3cret", "db" }, { "/usr/bin/mysqldump", "-p***", "db" } },
  { { "mariadb-admin", "-ps", "status" }, { "mariadb-admin", "-p***", "status" } },
  { { "sudo", "-u", "mysql", "mysqladmin", "-pX", "shutdown" },
    { "sudo", "-u", "mysql", "mysqladmin", "-p***", "shutdown" } },
  { { "mysql", "-p", "db" }, { "mysql", "-p", "db" } },               /* prompts: nothing to hide */
  { { "mkdir", "-pv", "/srv/x" }, { "mkdir", "-pv", "/srv/x" } },     /* not mysql */
  { { "ssh", "-p2222", "db1" }, { "ssh", "-p2222", "db1" } },
  { { "mysql", "-P3306", "-h", "db" }, { "mysql", "-P3306", "-h", "db" } },
  /* --password=, --password SECRET */
  { { "mysql", "--password=S3cret", "db" }, { "mysql", "--password=***", "db" } },
  { { "tool", "--db-password=a b" }, { "tool", "--db-password=***" } },
  { { "tool", "--PASSWORD=x" }, { "tool", "--PASSWORD=***" } },
  { { "tool", "--password", "S3cret", "db" }, { "tool", "--password", "***", "db" } },
  { { "tool", "--passwd", "S3cret" }, { "tool", "--passwd", "***" } },
  { { "tool", "db", "--password" }, { "tool", "db", "--password" } }, /* at the end */
  { { "tool", "--password-file=/etc/pw" }, { "tool", "--password-file=/etc/pw" } },
  { { "tool", "--password=" }, { "tool", "--password=" } },
  /* environment words */
  { { "env", "PGPASSWORD=S3cret", "psql" }, { "env", "PGPASSWORD=***", "psql" } },
  { { "env", "MYSQL_PWD=S3cret", "mysql" }, { "env", "MYSQL_PWD=***", "mysql" } },
  { { "env", "PGHOST=db1", "psql" }, { "env", "PGHOST=db1", "psql" } },
  { { "sh", "-c", "PGPASSWORD=S3cret psql -h db1" }, { "sh", "-c", "PGPASSWORD=*** psql -h db1" } },
  { { "bash", "-lc", "MYSQL_PWD='a b' mysql -e 'show databases'" },
    { "bash", "-lc", "MYSQL_PWD=*** mysql -e 'show databases'" } },
  { { "sh", "-c", "mysql -uroot -pS3cret db < x.sql" }, { "sh", "-c", "mysql -uroot -p*** db < x.sql" } },
  { { "ssh", "db1", "mysqldump -pS3cret --all-databases" },
    { "ssh", "db1", "mysqldump -p*** --all-databases" } },
  { { "sh", "-c", "tool --password S3cret; ls -p" }, { "sh", "-c", "tool --password ***; ls -p" } },
  /* URLs: keep the user */
  { { "git", "clone", "https://alice:S3cret@git.example.org/r.git" },
    { "git", "clone", "https://alice:***@git.example.org/r.git" } },
  { { "psql", "postgresql://app:p@ss@db1:5432/app" }, { "psql", "postgresql://app:***@db1:5432/app" } },
  { { "curl", "https://git.example.org/a@b" }, { "curl", "https://git.example.org/a@b" } },
  { { "curl", "https://alice@example.org/" }, { "curl", "https://alice@example.org/" } },
  { { "sh", "-c", "curl 'https://u:pw@h/x' -o f" }, { "sh", "-c", "curl 'https://u:***@h/x' -o f" } },
  /* headers */
  { { "curl", "-H", "Authorization: Bearer abc.def", "https://h" },
    { "curl", "-H", "Authorization: ***", "https://h" } },
  { { "curl", "-H", "authorization:Basic YWxpY2U6cw==" }, { "curl", "-H", "authorization:***" } },
  { { "curl", "-H", "Proxy-Authorization: Basic x" }, { "curl", "-H", "Proxy-Authorization: ***" } },
  { { "curl", "-H", "X-Wikimedia-Debug-Access-Key: abc" }, { "curl", "-H", "X-Wikimedia-Debug-Access-Key: ***" } },
  { { "curl", "-H", "X-Api-Key: abc" }, { "curl", "-H", "X-Api-Key: ***" } },
  { { "curl", "-H", "Accept: text/plain" }, { "curl", "-H", "Accept: text/plain" } },
  { { "sh", "-c", "curl -H 'Authorization: Bearer x' https://h/" },
    { "sh", "-c", "curl -H 'Authorization: ***' https://h/" } },
  /* SQL */
  { { "mysql", "-e", "CREATE USER x IDENTIFIED BY 'pw'" }, { "mysql", "-e", "CREATE USER x IDENTIFIED BY '***'" } },
  { { "mysql", "-e", "alter user x identified by \"pw\"; flush privileges" },
    { "mysql", "-e", "alter user x identified by \"***\"; flush privileges" } },
  { { "mysql", "-e", "GRANT ALL ON *.* TO x IDENTIFIED BY PASSWORD '*94BDCEBE'" },
    { "mysql", "-e", "GRANT ALL ON *.* TO x IDENTIFIED BY PASSWORD '***'" } },
  { { "mysql", "-e", "CREATE USER x IDENTIFIED WITH mysql_native_password BY 'it''s'" },
    { "mysql", "-e", "CREATE USER x IDENTIFIED WITH mysql_native_password BY '***'" } },
  { { "mariadb", "-e", "SET PASSWORD FOR x = PASSWORD('pw')" },
    { "mariadb", "-e", "SET PASSWORD FOR x = PASSWORD('***')" } },
  { { "psql", "-c", "ALTER ROLE app WITH ENCRYPTED PASSWORD 'pw'" },
    { "psql", "-c", "ALTER ROLE app WITH ENCRYPTED PASSWORD '***'" } },
  { { "mysql", "-e", "CREATE USER x IDENTIFIED BY 'unterminated" },
    { "mysql", "-e", "CREATE USER x IDENTIFIED BY '***" } },
  { { "mysql", "-e", "SELECT password FROM t; DROP USER x" },
    { "mysql", "-e", "SELECT password FROM t; DROP USER x" } },
  /* issue 13: every spelling the client takes, and SQL read by the lexer */
  { { "mysql", "-BpS3cret", "db" }, { "mysql", "-Bp***", "db" } },
  { { "mysql", "-uroot", "-NBps3", "-e", "select 1" }, { "mysql", "-uroot", "-NBp***", "-e", "select 1" } },
  { { "mysql", "-ep", "db" }, { "mysql", "-ep", "db" } }, /* -e takes "p": SQL, no password */
  { { "mysql", "--pass=S3cret" }, { "mysql", "--pass=***" } },
  { { "mysql", "--passw=S3cret" }, { "mysql", "--passw=***" } },
  { { "mariadb", "--loose-password=S3cret" }, { "mariadb", "--loose-password=***" } },
  { { "mysqldump", "--pa=S3cret", "wiki" }, { "mysqldump", "--pa=***", "wiki" } },
  { { "mysql", "--pager=less" }, { "mysql", "--pager=less" } },
  { { "sh", "-c", "mysql -BpS3cret -e 'select 1'" }, { "sh", "-c", "mysql -Bp*** -e 'select 1'" } },
  { { "mysql", "-e", "CREATE USER x IDENTIFIED BY'pw'" }, { "mysql", "-e", "CREATE USER x IDENTIFIED BY'***'" } },
  { { "mysql", "-e", "CREATE USER x IDENTIFIED/**/BY 'pw'" },
    { "mysql", "-e", "CREATE USER x IDENTIFIED/**/BY '***'" } },
  { { "mysql", "-e", "create user x identified -- c\nby\n'pw'" },
    { "mysql", "-e", "create user x identified -- c\nby\n'***'" } },
  { { "mysql", "-e", "ALTER USER x IDENTIFIED VIA ed25519 USING PASSWORD('pw')" },
    { "mysql", "-e", "ALTER USER x IDENTIFIED VIA ed25519 USING PASSWORD('***')" } },
  { { "mysql", "-e", "CREATE USER x IDENTIFIED VIA mysql_native_password USING '*94BD' OR unix_socket" },
    { "mysql", "-e", "CREATE USER x IDENTIFIED VIA mysql_native_password USING '***' OR unix_socket" } },
  { { "mysql", "-e", "SET PASSWORD FOR 'a'@'h' = 'pw'" }, { "mysql", "-e", "SET PASSWORD FOR 'a'@'h' = '***'" } },
  { { "mysql", "-e", "SELECT PASSWORD ( 'pw' )" }, { "mysql", "-e", "SELECT PASSWORD ( '***' )" } },
  { { "sh", "-c", "mysql -e \"CREATE USER u IDENTIFIED BY 'pw'\"" },
    { "sh", "-c", "mysql -e \"CREATE USER u IDENTIFIED BY '***'\"" } },
  { { "bash", "-c", "mysql -e \"SET PASSWORD = PASSWORD(\\\"pw\\\")\"" },
    { "bash", "-c", "mysql -e \"SET PASSWORD = PASSWORD(\\\"***\\\")\"" } },
  { { "sh", "-c", "mysql -e 'ALTER USER u IDENTIFIED BY '\\''pw'\\'" },
    { "sh", "-c", "mysql -e 'ALTER USER u IDENTIFIED BY '\\''***'\\'" } },
  { { "mysql", "-e", "SELECT * FROM a JOIN b USING (id) WHERE x = 'abc'" },
    { "mysql", "-e", "SELECT * FROM a JOIN b USING (id) WHERE x = 'abc'" } },
  /* nothing to hide */
  { { "rm", "-rf", "/srv/mariadb" }, { "rm", "-rf", "/srv/mariadb" } },
  { { "grep", "-r", "password", "/etc" }, { "grep", "-r", "password", "/etc" } },
  /* the policy's pattern */
  { { "curl", "https://h/api?token=abc&x=1" }, { "curl", "https://h/api?***&x=1" } },
};

static size_t
count (const char *const *v)
{
  size_t n = 0;
  while (n < MAXARGS && v[n])
    n++;
  return n;
}

static void
test_rows (void **state)
{
  const char *extra[] = { "token=[^&[:space:]]+" };
  struct hg_redactor *r = NULL;
  hg_error *err = NULL;
  assert_int_equal (hg_redactor_new (extra, 1, &r, &err), 0);
  for (size_t i = 0; i < N_ELEMENTS (rows); i++)
    {
      size_t n = count (rows[i].in);
      cleanup_strv char **got = hg_redact_argv (r, rows[i].in, n);
      assert_non_null (got);
      for (size_t k = 0; k < n; k++)
        if (!rows[i].out[k] || strcmp (got[k], rows[i].out[k]) != 0)
          fail_msg ("row %zu (%s ...), arg %zu: got '%s', want '%s'", i, rows[i].in[0], k, got[k],
                    rows[i].out[k] ? rows[i].out[k] : "(none)");
      assert_null (got[n]);
      assert_int_equal (count (rows[i].out), n);
    }
  hg_redactor_free (r);
}

static void
test_bad_pattern (void **state)
{
  const char *extra[] = { "ok", "(unclosed" };
  struct hg_redactor *r = NULL;
  hg_error *err = NULL;
  assert_int_equal (hg_redactor_new (extra, 2, &r, &err), HG_ERR_POLICY);
  assert_null (r);
  assert_non_null (strstr (hg_error_message (err), "(unclosed"));
  hg_error_free (err);
}

static void
test_big_argument (void **state)
{
  size_t len = 2 * 1024 * 1024;
  cleanup_free char *big = malloc (len + 1);
  for (size_t i = 0; i < len; i++)
    big[i] = (i % 7 == 6) ? ' ' : 'x';
  memcpy (big + len - 40, " IDENTIFIED BY 'pw' --password=zz", 33);
  big[len] = '\0';
  const char *in[] = { "mysql", "-e", big };
  struct hg_redactor *r = NULL;
  assert_int_equal (hg_redactor_new (NULL, 0, &r, NULL), 0);
  cleanup_strv char **got = hg_redact_argv (r, in, 3);
  assert_non_null (got);
  assert_null (strstr (got[2], "'pw'"));
  assert_null (strstr (got[2], "zz"));
  assert_non_null (strstr (got[2], "IDENTIFIED BY '***' --password=***"));
  hg_redactor_free (r);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_rows),
    cmocka_unit_test (test_bad_pattern),
    cmocka_unit_test (test_big_argument),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
