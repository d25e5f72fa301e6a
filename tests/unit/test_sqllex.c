/* The SQL lexer and statement kinds: table-driven.  Each row is text as
 * the mysql client reads it (-e, a file), its statements rendered (words
 * upper-cased, strings as '?', joined by " | "; NULL: not checked), and
 * the kinds found in all of them, in the order of enum hg_sql_kind. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "policy/internal.h"
#include "policy/sqlkind.h"

struct row
{
  const char *in;
  const char *stmts; /* NULL: not checked */
  const char *kinds;
  const char *unknown; /* a part of the explanation; NULL: none */
};

static const struct row rows[] = {
  /* comments and spelling */
  { "DROP DATABASE wiki", "DROP DATABASE WIKI", "drop database, drop", NULL },
  { "drop/**/database a1", "DROP DATABASE A1", "drop database, drop", NULL },
  { "DROP DATABASE`a2`", "DROP DATABASE `a2`", "drop database, drop", NULL },
  { "/*!50000DROP DATABASE a4*/", "DROP DATABASE A4", "drop database, drop", NULL },
  { "/*!DROP DATABASE a*/", NULL, "drop database, drop", NULL },
  { "/*M!100100 DROP SCHEMA a*/", NULL, "drop database, drop", NULL },
  { "/* DROP DATABASE a */ SELECT 1", "SELECT 1", "", NULL },
  { "-- DROP DATABASE a\nSELECT 1", "SELECT 1", "", NULL },
  { "--\tDROP DATABASE a", "", "", NULL },
  { "--", "", "", NULL },
  { "SELECT 1--1", "SELECT 1 - - 1", "", NULL },
  { "# DROP DATABASE a\nSELECT 2", "SELECT 2", "", NULL },
  { "drop\ndatabase\n`x``y`", "DROP DATABASE `x`y`", "drop database, drop", NULL },
  { "DROP /* a */ /*! DATABASE */ x", NULL, "drop database, drop", NULL },
  /* strings hide code; code around strings is seen */
  { "SELECT 'DROP DATABASE a'", "SELECT '?'", "", NULL },
  { "SELECT 'it''s; DROP DATABASE a'", "SELECT '?'", "", NULL },
  { "SELECT 'a\\'; DROP DATABASE b; -- '", "SELECT '?'", "", NULL },
  { "SELECT \"x\\\"\"; DROP DATABASE b", "SELECT '?' | DROP DATABASE B", "drop database, drop", NULL },
  { "SELECT 'a';DROP DATABASE b", "SELECT '?' | DROP DATABASE B", "drop database, drop", NULL },
  { "SELECT `a;b`; SELECT 2", "SELECT `a;b` | SELECT 2", "", NULL },
  /* statements and delimiters */
  { "USE wiki; DROP TABLE page;", "USE ? | DROP TABLE PAGE", "drop table, drop", NULL },
  { "drop tables a5.u", "DROP TABLES A5.U", "drop table, drop", NULL },
  { "DROP TEMPORARY TABLE tmp_x", NULL, "drop", NULL },
  { "DROP TABLE IF EXISTS a, b", NULL, "drop table, drop", NULL },
  { "DELIMITER //\nCREATE PROCEDURE p() BEGIN DROP DATABASE x; END//\nDELIMITER ;\nSELECT 1;",
    NULL, "drop database, drop", NULL },
  { "delimiter $$\nSELECT 1$$ SELECT 2$$", "DELIMITER ? | SELECT 1 | SELECT 2", "", NULL },
  { "SELECT 1\\g DROP DATABASE x\\G", "SELECT 1 | DROP DATABASE X", "drop database, drop", NULL },
  { "DROP DATABASE x \\c SELECT 1", "SELECT 1", "", NULL },
  /* truncate */
  { "TRUNCATE TABLE objectcache", NULL, "truncate", NULL },
  { "truncate l10n_cache", NULL, "truncate", NULL },
  { "truncate`t`", NULL, "truncate", NULL },
  { "SELECT TRUNCATE(1.234, 1)", NULL, "", NULL },
  /* delete and update */
  { "DELETE FROM page", NULL, "delete without where, delete", NULL },
  { "delete from t -- where", NULL, "delete without where, delete", NULL },
  { "DELETE FROM t WHERE id=1", NULL, "delete", NULL },
  { "DELETE FROM t WHERE id=1; DELETE FROM u", NULL, "delete without where, delete", NULL },
  { "delete from page where page_id in (select x from y)", NULL, "delete", NULL },
  { "DELETE FROM t WHERE a IN (SELECT b FROM u)", NULL, "delete", NULL },
  { "DELETE FROM t_w WHERE id=1", NULL, "delete", NULL },
  { "DELETE FROM t /* WHERE x */", NULL, "delete without where, delete", NULL },
  { "DELETE FROM t WHERE 'where'", NULL, "delete", NULL },
  { "UPDATE user SET user_password=NULL", NULL, "update without where, update", NULL },
  { "update t set a=1 -- where x", NULL, "update without where, update", NULL },
  { "UPDATE t SET a=(SELECT 1 FROM u WHERE x)", NULL, "update without where, update", NULL },
  { "UPDATE t SET a=1 WHERE id=2", NULL, "update", NULL },
  { "SELECT * FROM t WHERE id=1 FOR UPDATE", NULL, "", NULL },
  { "INSERT INTO t VALUES (1) ON DUPLICATE KEY UPDATE a=1", NULL, "", NULL },
  { "EXPLAIN DELETE FROM t", NULL, "", NULL },
  { "ANALYZE DELETE FROM t", NULL, "delete without where, delete", NULL },
  { "ANALYZE TABLE t", NULL, "", NULL },
  { "SET STATEMENT max_statement_time=60 FOR DELETE FROM t", NULL, "delete without where, delete", NULL },
  /* users and privileges */
  { "GRANT ALL ON *.* TO x", NULL, "grant", NULL },
  { "REVOKE ALL ON *.* FROM x", NULL, "revoke", NULL },
  { "CREATE USER x IDENTIFIED BY 'p'", "CREATE USER X IDENTIFIED BY '?'", "create user", NULL },
  { "CREATE OR REPLACE USER x", NULL, "create user, drop user, drop", NULL },
  { "ALTER USER x IDENTIFIED BY 'p'", NULL, "alter user", NULL },
  { "DROP USER x", NULL, "drop user, drop", NULL },
  { "RENAME USER a TO b", NULL, "rename user", NULL },
  { "SET PASSWORD FOR x = PASSWORD('p')", NULL, "set password", NULL },
  { "SET @a = 1", NULL, "", NULL },
  /* tables */
  { "RENAME TABLE a TO b", NULL, "rename table", NULL },
  { "ALTER TABLE t DROP COLUMN c", NULL, "alter table, alter table drop", NULL },
  { "ALTER TABLE t ADD COLUMN c INT", NULL, "alter table", NULL },
  { "ALTER ONLINE TABLE t DROP INDEX i", NULL, "alter table, alter table drop, drop index, drop", NULL },
  { "CREATE OR REPLACE TABLE t (a INT)", NULL, "drop table, drop", NULL },
  { "CREATE TABLE t (a INT)", NULL, "", NULL },
  { "CREATE OR REPLACE DATABASE wiki", NULL, "drop database, drop", NULL },
  { "DROP VIEW v", NULL, "drop view, drop", NULL },
  { "LOAD DATA INFILE '/tmp/x' INTO TABLE t", NULL, "load data", NULL },
  /* server and stored code */
  { "SHUTDOWN", NULL, "shutdown", NULL },
  { "KILL 12", NULL, "kill", NULL },
  { "CALL p()", NULL, "call", NULL },
  { "PURGE BINARY LOGS BEFORE NOW()", NULL, "purge binary logs", NULL },
  { "RESET MASTER", NULL, "reset master", NULL },
  { "BEGIN NOT ATOMIC DROP DATABASE x; END", NULL, "drop database, drop", NULL },
  { "CREATE EVENT e ON SCHEDULE AT NOW() DO DROP DATABASE x", NULL, "drop database, drop", NULL },
  { "CREATE TRIGGER t BEFORE INSERT ON x FOR EACH ROW DELETE FROM y", NULL,
    "delete without where, delete", NULL },
  { "SELECT CASE WHEN a THEN 1 ELSE 2 END FROM t", NULL, "", NULL },
  /* prepared statements */
  { "PREPARE s FROM 'DROP DATABASE x'", NULL, "drop database, drop, prepare", NULL },
  { "PREPARE s FROM 'DROP ' 'DATABASE x'", NULL, "drop database, drop, prepare", NULL },
  { "PREPARE s FROM 'SELECT 1'", NULL, "prepare", NULL },
  { "PREPARE s FROM CONCAT('DROP ', 'DATABASE x')", NULL, "prepare", "PREPARE from an expression" },
  { "PREPARE s FROM @q", NULL, "prepare", "PREPARE from" },
  { "EXECUTE IMMEDIATE 'TRUNCATE t'", NULL, "truncate, execute", NULL },
  { "EXECUTE IMMEDIATE @q", NULL, "execute", "EXECUTE IMMEDIATE of an expression" },
  { "EXECUTE s", NULL, "execute", NULL },
  { "PREPARE s FROM 'PREPARE t FROM ''DROP DATABASE x'''", NULL, "drop database, drop, prepare", NULL },
  { "BINLOG 'abc'", NULL, "", "BINLOG" },
  /* the client's commands */
  { "source f.sql", "SOURCE ?", "source", NULL },
  { "SELECT 1;\nsource /tmp/x.sql\nSELECT 2", "SELECT 1 | SOURCE ? | SELECT 2", "source", NULL },
  { "\\. f.sql", "SOURCE ?", "source", NULL },
  { "system rm -rf /", "SYSTEM ?", "system", NULL },
  { "SELECT 1; \\! rm -rf /\nSELECT 2", "SELECT 1 | SYSTEM ? | SELECT 2", "system", NULL },
  { "SELECT 'source x'", "SELECT '?'", "", NULL },
  /* everyday */
  { "SELECT * FROM t WHERE drop_date > 1", NULL, "", NULL },
  { "SHOW DATABASES", NULL, "", NULL },
  { "SELECT deleted FROM archive", NULL, "", NULL },
  { "", "", "", NULL },
  { "   ;;; ", "", "", NULL },
};

struct seen
{
  char stmts[2048];
  uint64_t kinds;
  char unknown[256];
  size_t n;
};

static int
on_stmt (void *arg, const struct hg_sql_stmt *st)
{
  struct seen *s = arg;
  char *text = hg_sql_stmt_render (st, 200);
  assert_non_null (text);
  size_t used = strlen (s->stmts);
  snprintf (s->stmts + used, sizeof s->stmts - used, "%s%s", s->n++ ? " | " : "", text);
  free (text);
  const char *unknown = NULL;
  s->kinds |= hg_sql_classify (st, &unknown);
  if (unknown && !s->unknown[0])
    snprintf (s->unknown, sizeof s->unknown, "%s", unknown);
  return 0;
}

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

/* The same text fed in pieces of `chunk` bytes, as a file is read. */
static void
lex_chunked (const char *in, size_t chunk, struct seen *s)
{
  struct hg_sql_lexer *lx = hg_sql_lexer_new (HG_SQL_CLIENT, on_stmt, s);
  assert_non_null (lx);
  size_t len = strlen (in), fed = 0, have = 0;
  char buf[4096];
  bool eof = false;
  while (!eof)
    {
      size_t k = len - fed < chunk ? len - fed : chunk;
      memcpy (buf + have, in + fed, k);
      fed += k;
      have += k;
      eof = fed == len && k == 0;
      size_t used;
      assert_int_equal (hg_sql_lex_feed (lx, buf, have, eof, &used), 0);
      assert_true (eof ? used == have : have - used <= HG_SQL_LOOKAHEAD);
      memmove (buf, buf + used, have - used);
      have -= used;
    }
  hg_sql_lexer_free (lx);
}

static void
check_row (void **state)
{
  const struct row *r = *state;
  struct seen s = { 0 };
  assert_int_equal (hg_sql_lex_string (r->in, strlen (r->in), HG_SQL_CLIENT, on_stmt, &s), 0);
  char kinds[512];
  kinds_text (s.kinds, kinds, sizeof kinds);
  if (r->stmts)
    assert_string_equal (s.stmts, r->stmts);
  assert_string_equal (kinds, r->kinds);
  if (r->unknown)
    assert_non_null (strstr (s.unknown, r->unknown));
  else
    assert_string_equal (s.unknown, "");
  /* Fed a byte, then 7 bytes, at a time: the same statements. */
  for (size_t chunk = 1; chunk <= 7; chunk += 6)
    {
      struct seen c = { 0 };
      lex_chunked (r->in, chunk, &c);
      assert_string_equal (c.stmts, s.stmts);
      assert_true (c.kinds == s.kinds);
    }
}

/* Memory stays bounded and time linear on a huge statement; a WHERE past
 * the kept tokens still counts. */
static void
test_huge_statement (void **state)
{
  size_t n = 8u << 20;
  char *s = malloc (n + 64);
  size_t k = (size_t) sprintf (s, "DELETE FROM t ");
  while (k + 40 < n)
    k += (size_t) sprintf (s + k, "/* c */ 'str\\'ing', `id`, 12, ");
  strcpy (s + k, " WHERE x");
  struct seen seen = { 0 };
  assert_int_equal (hg_sql_lex_string (s, strlen (s), HG_SQL_CLIENT, on_stmt, &seen), 0);
  assert_true (seen.kinds == (1ull << HG_SQLK_DELETE));
  s[k] = '\0';
  memset (&seen, 0, sizeof seen);
  assert_int_equal (hg_sql_lex_string (s, strlen (s), HG_SQL_CLIENT, on_stmt, &seen), 0);
  assert_true (seen.kinds == ((1ull << HG_SQLK_DELETE) | (1ull << HG_SQLK_DELETE_NO_WHERE)));
  free (s);
}

static void
test_kind_names (void **state)
{
  assert_int_equal (hg_sql_kind_parse ("drop database"), HG_SQLK_DROP_DATABASE);
  assert_int_equal (hg_sql_kind_parse ("DROP  Schema"), HG_SQLK_DROP_DATABASE);
  assert_int_equal (hg_sql_kind_parse (" truncate table "), HG_SQLK_TRUNCATE);
  assert_int_equal (hg_sql_kind_parse ("drop tables"), HG_SQLK_DROP_TABLE);
  assert_int_equal (hg_sql_kind_parse ("delete"), HG_SQLK_DELETE);
  assert_int_equal (hg_sql_kind_parse ("drop databases"), -1);
  assert_int_equal (hg_sql_kind_parse (""), -1);
  for (unsigned k = 0; k < HG_SQLK_COUNT; k++)
    assert_int_equal (hg_sql_kind_parse (hg_sql_kind_name (k)), (int) k);
  assert_null (hg_sql_kind_name (HG_SQLK_COUNT));
  size_t listed = 0;
  for (unsigned k = 0; k < HG_SQLK_COUNT; k++)
    {
      char quoted[64];
      snprintf (quoted, sizeof quoted, "\"%s\"", hg_sql_kind_name (k));
      assert_non_null (strstr (hg_sql_kind_list (), quoted));
      listed += strlen (quoted) + (k ? 2 : 0);
    }
  assert_int_equal (strlen (hg_sql_kind_list ()), listed);
  assert_true (HG_SQLK_COUNT <= 64);
}

int
main (void)
{
  static struct CMUnitTest tests[N_ELEMENTS (rows) + 2];
  static char names[N_ELEMENTS (rows)][96];
  size_t n = 0;

  for (size_t i = 0; i < N_ELEMENTS (rows); i++, n++)
    {
      char *p = names[i];
      p += snprintf (p, 24, "row %zu: ", i);
      for (const char *c = rows[i].in; *c && p < names[i] + sizeof names[i] - 5; c++)
        p += (unsigned char) *c < 0x20 || *c == '#' ? sprintf (p, "\\x%02x", (unsigned char) *c)
                                                     : sprintf (p, "%c", *c);
      tests[n] = (struct CMUnitTest){ names[i], check_row, NULL, NULL, (void *) &rows[i] };
    }
  tests[n++] = (struct CMUnitTest){ "huge statement", test_huge_statement, NULL, NULL, NULL };
  tests[n++] = (struct CMUnitTest){ "kind names", test_kind_names, NULL, NULL, NULL };
  return _cmocka_run_group_tests ("sqllex", tests, n, NULL, NULL);
}
