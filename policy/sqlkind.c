/* Statement kinds, read from the lexer's tokens (policy/sqllex.c).
 *
 * A kind is decided by a statement's first words, read where a statement
 * may start: at the beginning, and inside compound statements and stored
 * program bodies (after ; BEGIN THEN ELSE DO LOOP REPEAT, a label, a
 * closing parenthesis), since CREATE EVENT ... DO DROP DATABASE x or a
 * BEGIN NOT ATOMIC block runs them too.  DROP, GRANT, REVOKE, ALTER and
 * RENAME are reserved words that begin nothing but their statement, so
 * they are read wherever they appear.  Stricter is safer: a procedure
 * that would drop a database counts as dropping one. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sqlkind.h"

static const char *const kind_names[HG_SQLK_COUNT] = {
  [HG_SQLK_DROP_DATABASE] = "drop database",
  [HG_SQLK_DROP_TABLE] = "drop table",
  [HG_SQLK_TRUNCATE] = "truncate",
  [HG_SQLK_DELETE_NO_WHERE] = "delete without where",
  [HG_SQLK_UPDATE_NO_WHERE] = "update without where",
  [HG_SQLK_DELETE] = "delete",
  [HG_SQLK_UPDATE] = "update",
  [HG_SQLK_GRANT] = "grant",
  [HG_SQLK_REVOKE] = "revoke",
  [HG_SQLK_CREATE_USER] = "create user",
  [HG_SQLK_ALTER_USER] = "alter user",
  [HG_SQLK_DROP_USER] = "drop user",
  [HG_SQLK_RENAME_USER] = "rename user",
  [HG_SQLK_DROP_ROLE] = "drop role",
  [HG_SQLK_SET_PASSWORD] = "set password",
  [HG_SQLK_RENAME_TABLE] = "rename table",
  [HG_SQLK_ALTER_TABLE] = "alter table",
  [HG_SQLK_ALTER_TABLE_DROP] = "alter table drop",
  [HG_SQLK_DROP_VIEW] = "drop view",
  [HG_SQLK_DROP_INDEX] = "drop index",
  [HG_SQLK_DROP_PROCEDURE] = "drop procedure",
  [HG_SQLK_DROP_FUNCTION] = "drop function",
  [HG_SQLK_DROP_TRIGGER] = "drop trigger",
  [HG_SQLK_DROP_EVENT] = "drop event",
  [HG_SQLK_DROP_SEQUENCE] = "drop sequence",
  [HG_SQLK_DROP] = "drop",
  [HG_SQLK_LOAD_DATA] = "load data",
  [HG_SQLK_SHUTDOWN] = "shutdown",
  [HG_SQLK_KILL] = "kill",
  [HG_SQLK_PREPARE] = "prepare",
  [HG_SQLK_EXECUTE] = "execute",
  [HG_SQLK_CALL] = "call",
  [HG_SQLK_PURGE_LOGS] = "purge binary logs",
  [HG_SQLK_RESET_MASTER] = "reset master",
  [HG_SQLK_SOURCE] = "source",
  [HG_SQLK_SYSTEM] = "system",
};

static const struct
{
  const char *name;
  enum hg_sql_kind kind;
} synonyms[] = {
  { "drop schema", HG_SQLK_DROP_DATABASE },     { "drop tables", HG_SQLK_DROP_TABLE },
  { "truncate table", HG_SQLK_TRUNCATE },       { "drop package", HG_SQLK_DROP_PROCEDURE },
  { "purge master logs", HG_SQLK_PURGE_LOGS },  { "load xml", HG_SQLK_LOAD_DATA },
  { "execute immediate", HG_SQLK_EXECUTE },
};

const char *
hg_sql_kind_name (unsigned k)
{
  return k < HG_SQLK_COUNT ? kind_names[k] : NULL;
}

int
hg_sql_kind_parse (const char *name)
{
  char norm[64];
  size_t o = 0;
  bool blank = false;
  for (const char *p = name; *p; p++)
    {
      if (isspace ((unsigned char) *p))
        {
          blank = o > 0;
          continue;
        }
      if (o + 2 >= sizeof norm)
        return -1;
      if (blank)
        norm[o++] = ' ';
      blank = false;
      norm[o++] = (char) tolower ((unsigned char) *p);
    }
  norm[o] = '\0';
  for (unsigned k = 0; k < HG_SQLK_COUNT; k++)
    if (strcmp (norm, kind_names[k]) == 0)
      return (int) k;
  for (size_t i = 0; i < sizeof synonyms / sizeof *synonyms; i++)
    if (strcmp (norm, synonyms[i].name) == 0)
      return (int) synonyms[i].kind;
  return -1;
}

/* Written out, not built at run time: no state shared between threads
 * (test_sqllex checks it against kind_names). */
const char *
hg_sql_kind_list (void)
{
  return
    "\"drop database\", \"drop table\", \"truncate\", "
    "\"delete without where\", \"update without where\", \"delete\", "
    "\"update\", \"grant\", \"revoke\", \"create user\", \"alter user\", "
    "\"drop user\", \"rename user\", \"drop role\", \"set password\", "
    "\"rename table\", \"alter table\", \"alter table drop\", "
    "\"drop view\", \"drop index\", \"drop procedure\", \"drop function\", "
    "\"drop trigger\", \"drop event\", \"drop sequence\", \"drop\", "
    "\"load data\", \"shutdown\", \"kill\", \"prepare\", \"execute\", "
    "\"call\", \"purge binary logs\", \"reset master\", \"source\", "
    "\"system\"";
}

/* ---- reading a statement ---- */

#define BIT(k) ((uint64_t) 1 << (k))
#define MAX_NESTING 4 /* PREPARE of a PREPARE of ... */

struct reader
{
  const struct hg_sql_stmt *st;
  const char *unknown;
  unsigned nesting;
};

/* The statements of a prepared text, gathered. */
struct collector
{
  uint64_t kinds;
  const char *unknown;
  unsigned nesting;
};

static uint64_t classify (const struct hg_sql_stmt *st, const char **unknown, unsigned nesting);

static const struct hg_sql_token *
tok (const struct reader *rd, size_t i)
{
  static const struct hg_sql_token none = { 0 };
  return i < rd->st->n ? &rd->st->tok[i] : &none;
}

static bool
is (const struct reader *rd, size_t i, const char *w)
{
  return hg_sql_is (tok (rd, i), w);
}

static bool
is_punct (const struct reader *rd, size_t i, char c)
{
  const struct hg_sql_token *t = tok (rd, i);
  return t->type == HG_SQL_PUNCT && t->text[0] == c;
}

/* The end of the statement that starts at p: the next ; at its depth. */
static size_t
extent (const struct reader *rd, size_t p)
{
  unsigned d = tok (rd, p)->depth;
  size_t i = p;
  while (i < rd->st->n && !(is_punct (rd, i, ';') && tok (rd, i)->depth == d)
         && tok (rd, i)->depth >= d)
    i++;
  return i;
}

static bool
has_where (const struct reader *rd, size_t p)
{
  size_t e = extent (rd, p);
  unsigned d = tok (rd, p)->depth;
  for (size_t i = p; i < e; i++)
    if (tok (rd, i)->depth == d && is (rd, i, "WHERE"))
      return true;
  /* the statement runs past the tokens kept */
  return e == rd->st->n && rd->st->n < rd->st->n_total && rd->st->where_beyond;
}

static bool
has_word (const struct reader *rd, size_t p, const char *w)
{
  size_t e = extent (rd, p);
  unsigned d = tok (rd, p)->depth;
  for (size_t i = p; i < e; i++)
    if (tok (rd, i)->depth == d && is (rd, i, w))
      return true;
  return false;
}

static int
collect (void *arg, const struct hg_sql_stmt *st)
{
  struct collector *c = arg;
  const char *unknown = NULL;
  c->kinds |= classify (st, &unknown, c->nesting);
  if (unknown && !c->unknown)
    c->unknown = unknown;
  return 0;
}

/* PREPARE s FROM 'text' / EXECUTE IMMEDIATE 'text' 'more': the kinds of
 * the text, when it is string literals only (adjacent ones are joined, as
 * the server joins them). */
static uint64_t
text_kinds (struct reader *rd, size_t p, const char *what)
{
  size_t e = extent (rd, p);
  if (p >= e || e > rd->st->n || (e == rd->st->n && rd->st->n < rd->st->n_total))
    {
      rd->unknown = rd->unknown ? rd->unknown : "a prepared statement too long to read";
      return 0;
    }
  size_t len = 0;
  for (size_t i = p; i < e; i++)
    {
      if (tok (rd, i)->type != HG_SQL_STRING || tok (rd, i)->truncated)
        {
          rd->unknown = rd->unknown ? rd->unknown : what;
          return 0;
        }
      len += tok (rd, i)->len;
    }
  if (rd->nesting + 1 >= MAX_NESTING)
    {
      rd->unknown = rd->unknown ? rd->unknown : "prepared statements nested too deep";
      return 0;
    }
  char *text = malloc (len + 1);
  if (!text)
    {
      rd->unknown = rd->unknown ? rd->unknown : "out of memory";
      return 0;
    }
  size_t o = 0;
  for (size_t i = p; i < e; i++)
    {
      memcpy (text + o, tok (rd, i)->text, tok (rd, i)->len);
      o += tok (rd, i)->len;
    }
  struct collector sub = { 0, NULL, rd->nesting + 1 };
  if (hg_sql_lex_string (text, len, 0, collect, &sub) < 0)
    sub.unknown = "out of memory";
  free (text);
  if (sub.unknown && !rd->unknown)
    rd->unknown = sub.unknown;
  return sub.kinds;
}

static uint64_t
drop_kinds (const struct reader *rd, size_t p)
{
  size_t i = p + 1;
  bool temporary = is (rd, i, "TEMPORARY");
  if (temporary)
    i++;
  uint64_t k = BIT (HG_SQLK_DROP);
  if (is (rd, i, "DATABASE") || is (rd, i, "SCHEMA"))
    return k | BIT (HG_SQLK_DROP_DATABASE);
  /* DROP TEMPORARY TABLE drops only a session's temporary table, never
   * a real one of the same name (the server says "Unknown table"). */
  if (is (rd, i, "TABLE") || is (rd, i, "TABLES"))
    return temporary ? k : k | BIT (HG_SQLK_DROP_TABLE);
  if (is (rd, i, "ONLINE") || is (rd, i, "OFFLINE"))
    i++;
  static const struct
  {
    const char *w;
    enum hg_sql_kind k;
  } objects[] = {
    { "USER", HG_SQLK_DROP_USER },         { "ROLE", HG_SQLK_DROP_ROLE },
    { "VIEW", HG_SQLK_DROP_VIEW },         { "INDEX", HG_SQLK_DROP_INDEX },
    { "PROCEDURE", HG_SQLK_DROP_PROCEDURE }, { "FUNCTION", HG_SQLK_DROP_FUNCTION },
    { "TRIGGER", HG_SQLK_DROP_TRIGGER },   { "EVENT", HG_SQLK_DROP_EVENT },
    { "SEQUENCE", HG_SQLK_DROP_SEQUENCE }, { "PACKAGE", HG_SQLK_DROP_PROCEDURE },
  };
  for (size_t j = 0; j < sizeof objects / sizeof *objects; j++)
    if (is (rd, i, objects[j].w))
      return k | BIT (objects[j].k);
  return k;
}

/* The kinds of the statement that starts at p. */
static uint64_t
kinds_at (struct reader *rd, size_t p)
{
  /* ANALYZE [FORMAT=JSON] stmt runs stmt; EXPLAIN and DESCRIBE do not. */
  if (is (rd, p, "ANALYZE") && !is (rd, p + 1, "TABLE") && !is (rd, p + 1, "NO_WRITE_TO_BINLOG")
      && !is (rd, p + 1, "LOCAL"))
    {
      p++;
      if (is (rd, p, "FORMAT"))
        p += 3;
    }
  if (is (rd, p, "EXPLAIN") || is (rd, p, "DESCRIBE") || is (rd, p, "DESC"))
    return 0;
  /* SET STATEMENT var=value [, ...] FOR stmt */
  if (is (rd, p, "SET") && is (rd, p + 1, "STATEMENT"))
    {
      size_t e = extent (rd, p);
      for (size_t i = p + 2; i < e; i++)
        if (tok (rd, i)->depth == tok (rd, p)->depth && is (rd, i, "FOR"))
          return kinds_at (rd, i + 1);
      return 0;
    }
  if (is (rd, p, "DROP"))
    return drop_kinds (rd, p);
  if (is (rd, p, "CREATE"))
    {
      /* CREATE OR REPLACE drops what it replaces. */
      size_t i = p + 1;
      bool replace = is (rd, i, "OR") && is (rd, i + 1, "REPLACE");
      if (replace)
        i += 2;
      bool temporary = is (rd, i, "TEMPORARY");
      if (temporary)
        i++;
      if (is (rd, i, "USER"))
        return BIT (HG_SQLK_CREATE_USER) | (replace ? BIT (HG_SQLK_DROP_USER) | BIT (HG_SQLK_DROP) : 0);
      if (replace && (is (rd, i, "DATABASE") || is (rd, i, "SCHEMA")))
        return BIT (HG_SQLK_DROP_DATABASE) | BIT (HG_SQLK_DROP);
      if (replace && !temporary && is (rd, i, "TABLE"))
        return BIT (HG_SQLK_DROP_TABLE) | BIT (HG_SQLK_DROP);
      return 0;
    }
  if (is (rd, p, "TRUNCATE"))
    {
      /* TRUNCATE(x, d) is the numeric function */
      const struct hg_sql_token *t = tok (rd, p + 1);
      return (t->type == HG_SQL_WORD || t->type == HG_SQL_IDENT) ? BIT (HG_SQLK_TRUNCATE) : 0;
    }
  if (is (rd, p, "DELETE"))
    return BIT (HG_SQLK_DELETE) | (has_where (rd, p) ? 0 : BIT (HG_SQLK_DELETE_NO_WHERE));
  if (is (rd, p, "UPDATE"))
    return BIT (HG_SQLK_UPDATE) | (has_where (rd, p) ? 0 : BIT (HG_SQLK_UPDATE_NO_WHERE));
  if (is (rd, p, "GRANT"))
    return BIT (HG_SQLK_GRANT);
  if (is (rd, p, "REVOKE"))
    return BIT (HG_SQLK_REVOKE);
  if (is (rd, p, "ALTER"))
    {
      size_t i = p + 1;
      while (is (rd, i, "ONLINE") || is (rd, i, "IGNORE") || is (rd, i, "OFFLINE"))
        i++;
      if (is (rd, i, "USER"))
        return BIT (HG_SQLK_ALTER_USER);
      if (is (rd, i, "TABLE"))
        return BIT (HG_SQLK_ALTER_TABLE) | (has_word (rd, p, "DROP") ? BIT (HG_SQLK_ALTER_TABLE_DROP) : 0);
      return 0;
    }
  if (is (rd, p, "RENAME"))
    return is (rd, p + 1, "TABLE") || is (rd, p + 1, "TABLES") ? BIT (HG_SQLK_RENAME_TABLE)
           : is (rd, p + 1, "USER")                           ? BIT (HG_SQLK_RENAME_USER)
                                                              : 0;
  if (is (rd, p, "SET") && is (rd, p + 1, "PASSWORD"))
    return BIT (HG_SQLK_SET_PASSWORD);
  if (is (rd, p, "LOAD") && (is (rd, p + 1, "DATA") || is (rd, p + 1, "XML")))
    return BIT (HG_SQLK_LOAD_DATA);
  if (is (rd, p, "SHUTDOWN"))
    return BIT (HG_SQLK_SHUTDOWN);
  if (is (rd, p, "KILL"))
    return BIT (HG_SQLK_KILL);
  if (is (rd, p, "CALL"))
    return BIT (HG_SQLK_CALL);
  if (is (rd, p, "PURGE") && (is (rd, p + 1, "BINARY") || is (rd, p + 1, "MASTER")))
    return BIT (HG_SQLK_PURGE_LOGS);
  if (is (rd, p, "RESET") && is (rd, p + 1, "MASTER"))
    return BIT (HG_SQLK_RESET_MASTER);
  if (is (rd, p, "PREPARE") && is (rd, p + 2, "FROM"))
    return BIT (HG_SQLK_PREPARE)
           | text_kinds (rd, p + 3, "PREPARE from an expression or a variable, known only when it runs");
  if (is (rd, p, "EXECUTE") && is (rd, p + 1, "IMMEDIATE"))
    return BIT (HG_SQLK_EXECUTE)
           | text_kinds (rd, p + 2, "EXECUTE IMMEDIATE of an expression or a variable, known only when it runs");
  if (is (rd, p, "EXECUTE"))
    return BIT (HG_SQLK_EXECUTE);
  if (is (rd, p, "BINLOG"))
    rd->unknown = rd->unknown ? rd->unknown : "BINLOG replays binary log events that cannot be read here";
  return 0;
}

/* Whether a statement may start right after token i. */
static bool
is_boundary (const struct reader *rd, size_t i)
{
  const struct hg_sql_token *t = tok (rd, i);
  if (t->type == HG_SQL_PUNCT)
    return t->text[0] == ';' || t->text[0] == ')' || t->text[0] == ':';
  static const char *const words[] = { "BEGIN", "ATOMIC", "THEN", "ELSE", "DO", "LOOP", "REPEAT", NULL };
  for (size_t k = 0; words[k]; k++)
    if (hg_sql_is (t, words[k]))
      return true;
  return hg_sql_is (t, "ROW") && i > 0 && is (rd, i - 1, "EACH");
}

static uint64_t
classify (const struct hg_sql_stmt *st, const char **unknown, unsigned nesting)
{
  struct reader rd = { st, NULL, nesting };
  uint64_t kinds = 0;
  for (size_t p = 0; p < st->n; p++)
    {
      bool start = p == 0 || is_boundary (&rd, p - 1);
      if (start)
        kinds |= kinds_at (&rd, p);
      else if (is (&rd, p, "DROP"))
        {
          /* ALTER TABLE t DROP COLUMN c is no DROP statement */
          uint64_t k = drop_kinds (&rd, p);
          kinds |= k == BIT (HG_SQLK_DROP) ? 0 : k;
        }
      else if (is (&rd, p, "GRANT") || is (&rd, p, "REVOKE") || is (&rd, p, "ALTER")
               || is (&rd, p, "RENAME") || (is (&rd, p, "TRUNCATE") && is (&rd, p + 1, "TABLE")))
        kinds |= kinds_at (&rd, p);
    }
  *unknown = rd.unknown;
  return kinds;
}

uint64_t
hg_sql_classify (const struct hg_sql_stmt *st, const char **unknown)
{
  *unknown = NULL;
  if (st->client)
    {
      if (st->n > 0 && hg_sql_is (&st->tok[0], "SYSTEM"))
        return BIT (HG_SQLK_SYSTEM);
      if (st->n > 0 && hg_sql_is (&st->tok[0], "SOURCE"))
        return BIT (HG_SQLK_SOURCE);
      return 0;
    }
  return classify (st, unknown, 0);
}
