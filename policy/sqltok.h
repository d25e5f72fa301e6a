/* Private to sqllex.c: the lexer's state, and sqltok.c's building of the
 * statement in it. */
#ifndef HOSTGUARD_SQLTOK_H
#define HOSTGUARD_SQLTOK_H

#include "sqllex.h"

enum state
{
  ST_CODE,
  ST_WORD,
  ST_STRING, /* quote: ' or " */
  ST_IDENT,  /* quote: ` */
  ST_LINE_COMMENT,
  ST_BLOCK_COMMENT,
  ST_CLIENT_ARG, /* the rest of a client command's line */
};

#define TEXT_SIZE (64 * 1024)
#define PEEK_MAX 8

struct hg_sql_lexer
{
  unsigned flags;
  hg_sql_stmt_fn fn;
  void *arg;
  enum state st;
  char quote;
  bool exec_comment; /* inside an executable comment: its text is code */
  unsigned depth;
  char delim[HG_SQL_DELIM_MAX + 1];
  size_t delim_len;
  bool delim_wordy; /* the delimiter starts with a word character ($$) */
  uint64_t off;     /* offset of the buffer being lexed */
  uint64_t line;

  /* The statement being read. */
  struct hg_sql_token tok[HG_SQL_MAX_TOKENS];
  size_t n, n_total;
  bool where_beyond, client;
  uint64_t st_line, st_start, st_end;
  char *text; /* TEXT_SIZE bytes: the kept tokens' texts */
  size_t text_used;

  /* The token being read. */
  bool cur_kept;     /* it is tok[n], its text at text + text_used */
  size_t cur_cap;    /* bytes its text may take */
  char peek[PEEK_MAX]; /* a word not kept: its first bytes */
  size_t peek_len;
  uint64_t cur_start;
  bool arg_started; /* ST_CLIENT_ARG: past the blanks after the name */
  char client_cmd;  /* which client command's argument is read ('d': delimiter) */
  /* No more tokens of this statement are kept: each is only counted (and
   * a word looked at for WHERE), inline, as most of a dump's are. */
  bool full;
  bool peek_word;
};

/* sqltok.c: the statement being built */
void hg_sqltok_begin (struct hg_sql_lexer *lx, enum hg_sql_type type, uint64_t at);
void hg_sqltok_add (struct hg_sql_lexer *lx, const char *p, size_t k);
void hg_sqltok_end (struct hg_sql_lexer *lx, uint64_t end);
void hg_sqltok_punct (struct hg_sql_lexer *lx, char c, uint64_t at);
void hg_sqltok_reset (struct hg_sql_lexer *lx);
int hg_sqltok_statement (struct hg_sql_lexer *lx);
void hg_sqltok_set_delimiter (struct hg_sql_lexer *lx, const char *arg, size_t n);

extern const unsigned char hg_sql_word_chars[256];

static inline bool
hg_sql_is_word_char (unsigned char c)
{
  return hg_sql_word_chars[c];
}

/* The same, with the path of a statement whose tokens are no longer kept
 * inline. */
static inline void
hg_tok_begin (struct hg_sql_lexer *lx, enum hg_sql_type type, uint64_t at)
{
  if (!lx->full)
    {
      hg_sqltok_begin (lx, type, at);
      return;
    }
  lx->n_total++;
  lx->cur_kept = false;
  lx->peek_len = 0;
  lx->peek_word = type == HG_SQL_WORD;
}

static inline void
hg_tok_add (struct hg_sql_lexer *lx, const char *p, size_t k)
{
  if (lx->cur_kept || (lx->peek_word && lx->peek_len < PEEK_MAX))
    hg_sqltok_add (lx, p, k);
}

static inline void
hg_tok_end (struct hg_sql_lexer *lx, uint64_t end)
{
  if (lx->full && (!lx->peek_word || lx->peek_len != 5 || (lx->peek[0] | 0x20) != 'w'))
    lx->st_end = end; /* not WHERE */
  else
    hg_sqltok_end (lx, end);
}

static inline void
hg_tok_punct (struct hg_sql_lexer *lx, char c, uint64_t at)
{
  if (!lx->full)
    {
      hg_sqltok_punct (lx, c, at);
      return;
    }
  lx->n_total++;
  lx->st_end = at + 1;
  if (c == '(')
    lx->depth++;
  else if (c == ')' && lx->depth > 0)
    lx->depth--;
}

static inline bool
hg_sql_is_blank (unsigned char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' || c == '\n';
}

#endif
