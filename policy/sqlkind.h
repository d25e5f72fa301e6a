/* Statement kinds (policy/sqlkind.c) and the SQL a client command line
 * will run (policy/sqlcli.c).  Private to policy/. */
#ifndef HOSTGUARD_SQLKIND_H
#define HOSTGUARD_SQLKIND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sqllex.h"

struct hg_simple_cmd;
struct hg_request;

/* The kinds a `sql` condition may name; a rule keeps them as a bit set. */
enum hg_sql_kind
{
  HG_SQLK_DROP_DATABASE,
  HG_SQLK_DROP_TABLE,
  HG_SQLK_TRUNCATE,
  HG_SQLK_DELETE_NO_WHERE,
  HG_SQLK_UPDATE_NO_WHERE,
  HG_SQLK_DELETE,
  HG_SQLK_UPDATE,
  HG_SQLK_GRANT,
  HG_SQLK_REVOKE,
  HG_SQLK_CREATE_USER,
  HG_SQLK_ALTER_USER,
  HG_SQLK_DROP_USER,
  HG_SQLK_RENAME_USER,
  HG_SQLK_DROP_ROLE,
  HG_SQLK_SET_PASSWORD,
  HG_SQLK_RENAME_TABLE,
  HG_SQLK_ALTER_TABLE,
  HG_SQLK_ALTER_TABLE_DROP,
  HG_SQLK_DROP_VIEW,
  HG_SQLK_DROP_INDEX,
  HG_SQLK_DROP_PROCEDURE,
  HG_SQLK_DROP_FUNCTION,
  HG_SQLK_DROP_TRIGGER,
  HG_SQLK_DROP_EVENT,
  HG_SQLK_DROP_SEQUENCE,
  HG_SQLK_DROP, /* any DROP statement */
  HG_SQLK_LOAD_DATA,
  HG_SQLK_SHUTDOWN,
  HG_SQLK_KILL,
  HG_SQLK_PREPARE,
  HG_SQLK_EXECUTE,
  HG_SQLK_CALL,
  HG_SQLK_PURGE_LOGS,
  HG_SQLK_RESET_MASTER,
  HG_SQLK_SOURCE, /* the client's source / \. */
  HG_SQLK_SYSTEM, /* the client's system / \!: a shell command */
  HG_SQLK_COUNT
};

/* "drop database"; NULL out of range. */
const char *hg_sql_kind_name (unsigned k);
/* A kind's name or one of its synonyms ("drop schema", "truncate table"),
 * case-insensitive, blanks collapsed; -1 when unknown. */
int hg_sql_kind_parse (const char *name);
/* "drop database, drop table, ..." for error messages. */
const char *hg_sql_kind_list (void);

/* The kinds of one statement.  *unknown (a static explanation) is set
 * when it runs SQL that cannot be read here (PREPARE from a variable,
 * EXECUTE IMMEDIATE of an expression, BINLOG); the text of a PREPARE or
 * EXECUTE IMMEDIATE from literals is classified as well. */
uint64_t hg_sql_classify (const struct hg_sql_stmt *st, const char **unknown);

/* ---- sqlcli.c ---- */

/* What a command line of an SQL client will run: every kind found, the
 * first statement of each (for the why lines), and whether some of it
 * cannot be known (then *unknown says why). */
struct hg_sql_facts
{
  bool client; /* the program is a client understood here */
  uint64_t kinds;
  char *where[HG_SQLK_COUNT]; /* "statement 2 of -e: DROP DATABASE `x`" */
  char *unknown;
};

/* Files (source, standard input) are read up to this many bytes in all;
 * past it the rest is unknown. */
#define HG_SQL_READ_CAP (256ull << 20)

/* names: the program's name candidates (mysql, mariadb, mysqladmin...).
 * Returns 0, or -1 on ENOMEM. */
int hg_sql_facts_read (struct hg_sql_facts *sf, const struct hg_simple_cmd *cmd,
                       const char *const *names, size_t n_names, const struct hg_request *req,
                       bool outer);
void hg_sql_facts_free (struct hg_sql_facts *sf);

/* ---- sqlopts.c ---- */

enum hg_sql_client
{
  HG_SQL_NO_CLIENT,
  HG_SQL_MYSQL, /* mysql, mariadb */
  HG_SQL_ADMIN, /* mysqladmin, mariadb-admin */
};
/* Which client the program is, by its name candidates. */
enum hg_sql_client hg_sql_client_of (const char *const *names, size_t n);

/* What a mysql option with a value is, for hg_sql_mysql_options. */
enum
{
  HG_SQL_OPT_POSITIONAL = -1, /* not an option: the database */
  HG_SQL_OPT_OTHER = 0,
  HG_SQL_OPT_EXECUTE,   /* -e, --execute */
  HG_SQL_OPT_INIT,      /* --init-command */
  HG_SQL_OPT_DELIMITER, /* --delimiter */
};
typedef int (*hg_sql_opt_fn) (void *arg, int role, const char *value);
/* Walks a mysql argv: fn gets each option that has a value and each
 * positional word, in order; a nonzero return stops the walk. */
int hg_sql_mysql_options (const char *const *argv, size_t argc, hg_sql_opt_fn fn, void *arg);
/* The kinds of a mysqladmin argv's commands (drop DB is DROP DATABASE,
 * shutdown, kill, password), added to sf.  -1 on ENOMEM. */
int hg_sql_admin_kinds (const char *const *argv, size_t argc, struct hg_sql_facts *sf);

#endif
