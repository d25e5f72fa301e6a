/* Private to sqllex.c and sqltok.c: the lexer's state. */
#ifndef HOSTGUARD_SQLLEX_INT_H
#define HOSTGUARD_SQLLEX_INT_H

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
};

/* Word characters: letters, digits, _ and $, and every byte of a UTF-8
 * sequence (MariaDB allows them in unquoted names). */

/* sqltok.c: the statement being built */
void hg_sqltok_begin (struct hg_sql_lexer *lx, enum hg_sql_type type, uint64_t at);
void hg_sqltok_add (struct hg_sql_lexer *lx, const char *p, size_t k);
void hg_sqltok_end (struct hg_sql_lexer *lx, uint64_t end);
void hg_sqltok_punct (struct hg_sql_lexer *lx, char c, uint64_t at);
void hg_sqltok_reset (struct hg_sql_lexer *lx);
int hg_sqltok_statement (struct hg_sql_lexer *lx);
void hg_sqltok_set_delimiter (struct hg_sql_lexer *lx, const char *arg, size_t n);

static inline bool
hg_sql_is_word_char (unsigned char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
         || c == '$' || c >= 0x80;
}

static inline bool
hg_sql_is_blank (unsigned char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' || c == '\n';
}

#endif
