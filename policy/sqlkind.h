/* Statement kinds (policy/sqlkind.c).  Private to policy/. */
#ifndef HOSTGUARD_SQLKIND_H
#define HOSTGUARD_SQLKIND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sqllex.h"

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

#endif
