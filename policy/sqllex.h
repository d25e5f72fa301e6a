/* A lexer for the SQL that a MariaDB/MySQL client sends (policy/sqllex.c),
 * the statement kinds read from it (policy/sqlkind.c), and the SQL a
 * client command line will run (policy/sqlcli.c).  Private to policy/ and
 * to audit/redact.c, which blanks passwords on the same tokens. */
#ifndef HOSTGUARD_SQLLEX_H
#define HOSTGUARD_SQLLEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- sqllex.c: statements as normalized tokens ---- */

enum hg_sql_type
{
  HG_SQL_WORD = 1, /* keyword, name or number; text upper-cased (ASCII) */
  HG_SQL_IDENT,    /* `quoted identifier`; text without the backticks */
  HG_SQL_STRING,   /* 'string' or "string"; text unescaped */
  HG_SQL_PUNCT,    /* one character: ( ) , ; . = @ ... */
};

struct hg_sql_token
{
  unsigned char type;
  bool truncated;       /* text holds only the first HG_SQL_TEXT_MAX bytes */
  unsigned short depth; /* parentheses open before it */
  unsigned len;         /* of text */
  const char *text;     /* NUL-terminated */
  uint64_t start, end;  /* bytes of the input, quotes included */
};

/* Per statement, the first HG_SQL_MAX_TOKENS tokens are kept (and at most
 * HG_SQL_TEXT_MAX bytes of each): memory stays bounded whatever the
 * input, a 100 MB INSERT included.  The kinds a statement has are decided
 * by its first words; the one fact needed from further on, whether a WHERE
 * follows, is kept in where_beyond. */
#define HG_SQL_MAX_TOKENS 512
#define HG_SQL_TEXT_MAX 4096
#define HG_SQL_DELIM_MAX 15

struct hg_sql_stmt
{
  const struct hg_sql_token *tok; /* the first tokens */
  size_t n;
  size_t n_total;    /* tokens in all */
  bool where_beyond; /* a WHERE at depth 0 among the tokens not kept */
  /* A command of the client itself (source, system, use, delimiter...):
   * tok[0] is its long name upper-cased (SOURCE for \.), tok[1] when
   * present its argument as written (a STRING), trailing blanks cut. */
  bool client;
  uint64_t line;       /* of its first token, from 1 */
  uint64_t start, end; /* bytes of the input */
};

/* Called for each statement; a nonzero return stops the lexer and is
 * returned by hg_sql_lex_feed. */
typedef int (*hg_sql_stmt_fn) (void *arg, const struct hg_sql_stmt *st);

enum
{
  /* The input is what the client reads (-e, a file, its standard
   * input): client commands (source, delimiter, \. ...) are understood.
   * Without it (--init-command, PREPARE's text), the server's view. */
  HG_SQL_CLIENT = 1u << 0,
  /* A statement longer than the tokens kept goes to the callback in
   * parts (each starting with the last few tokens of the one before), so
   * that every token is seen once at least (redaction). */
  HG_SQL_WINDOWS = 1u << 1,
};

struct hg_sql_lexer;
struct hg_sql_lexer *hg_sql_lexer_new (unsigned flags, hg_sql_stmt_fn fn, void *arg);
void hg_sql_lexer_free (struct hg_sql_lexer *lx);
/* The bytes a decision may need to see past a position; a caller that
 * feeds a stream keeps at most this many unconsumed bytes. */
#define HG_SQL_LOOKAHEAD 32
/* Lexes buf[0..n).  Unless final (the end of the input), the last few
 * bytes may be left for the next call: *consumed says how many were
 * taken, and the next call must start with the rest.  Returns 0, or the
 * callback's nonzero result. */
int hg_sql_lex_feed (struct hg_sql_lexer *lx, const char *buf, size_t n, bool final,
                     size_t *consumed);
/* A whole text at once. */
int hg_sql_lex_string (const char *s, size_t n, unsigned flags, hg_sql_stmt_fn fn, void *arg);
/* The client's --delimiter: statements end at d (at most 15 bytes). */
void hg_sql_lexer_set_delimiter (struct hg_sql_lexer *lx, const char *d);
/* Lines read so far (for messages). */
uint64_t hg_sql_lexer_line (const struct hg_sql_lexer *lx);

/* Whether token t is the word w (upper case). */
bool hg_sql_is_slow (const struct hg_sql_token *t, const char *w);
static inline bool
hg_sql_is (const struct hg_sql_token *t, const char *w)
{
  return t->type == HG_SQL_WORD && t->text[0] == w[0] && hg_sql_is_slow (t, w);
}

/* A statement rendered for a message: words, identifiers in backticks,
 * every string literal as '?' (a password never reaches a message), cut
 * at max bytes.  NULL on ENOMEM. */
char *hg_sql_stmt_render (const struct hg_sql_stmt *st, size_t max);

/* ---- sqlcli.c: for audit/redact.c ---- */

/* Every password a mysql-family client's argv carries, as the client's
 * option parser finds them: -pSECRET, bundled (-BpSECRET), --password=,
 * and each prefix the client accepts (--pass=, --passw=, --loose-pass=).
 * fn gets the argument's index and the offset where the secret starts (it
 * runs to the argument's end).  Returns how many were found. */
typedef void (*hg_sql_secret_fn) (void *arg, size_t index, size_t offset);
/* The same for one word (w, n bytes) of such a command line: the offset
 * where its password starts, or -1. */
long hg_sql_password_at (const char *w, size_t n);
int hg_sql_client_secrets (const char *const *argv, size_t argc, hg_sql_secret_fn fn, void *arg);

#endif
