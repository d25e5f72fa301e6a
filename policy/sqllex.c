/* A lexer for MariaDB's SQL as its command-line client reads it.
 *
 * What matters for a guard is what the server will execute, so the text
 * is read the way the client and the server read it: `-- ` (two dashes
 * and a blank or control character), `#` and C comments are dropped, but
 * executable comments (`/ *! ... * /`, `/ *!50000 ... * /`, `/ *M! ... * /`)
 * are code; strings in single or double quotes take backslash escapes and
 * doubled quotes; backtick identifiers take doubled backticks; statements
 * end at the delimiter (`;`, or what a DELIMITER line set) outside strings
 * and comments.  The client's own commands (source, delimiter, \. ...) are
 * recognized where the client recognizes them.
 *
 * It is a state machine over a stream, so a 100 MB dump is read in
 * chunks with memory bounded per statement.  It never prints, never exits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/util.h"
#include "sqltok.h"

static uint64_t
count_lines (const char *p, size_t n)
{
  uint64_t k = 0;
  const char *end = p + n, *q;
  while (p < end && (q = memchr (p, '\n', (size_t) (end - p))))
    {
      k++;
      p = q + 1;
    }
  return k;
}

/* ---- the client's commands ---- */

/* Commands the client takes at the start of a statement, with an
 * argument running to the end of the line (mysql.cc's commands[] with
 * takes_params). */
static const char *const client_named[] = {
  "SOURCE", "SYSTEM", "DELIMITER", "USE", "CONNECT", "TEE", "PAGER", "PROMPT", "CHARSET", NULL,
};

/* The backslash forms: \. is source, \! system, and so on.  Those not
 * listed take no argument. */
static const struct
{
  char c;
  const char *name;
} client_short[] = {
  { '.', "SOURCE" }, { '!', "SYSTEM" }, { 'd', "DELIMITER" }, { 'u', "USE" }, { 'r', "CONNECT" },
  { 'T', "TEE" },    { 'P', "PAGER" },  { 'R', "PROMPT" },     { 'C', "CHARSET" },
};

static void
client_begin (struct hg_sql_lexer *lx, const char *name, uint64_t at)
{
  lx->client = true;
  lx->st = ST_CLIENT_ARG;
  lx->arg_started = false;
  lx->client_cmd = strcmp (name, "DELIMITER") == 0 ? 'd' : 'x';
  if (lx->n == 0 && lx->n_total == 0)
    {
      hg_tok_begin (lx, HG_SQL_WORD, at);
      hg_tok_add (lx, name, strlen (name));
      hg_tok_end (lx, at);
    }
  else if (lx->n > 0)
    {
      /* the word itself, kept as tok[0]: give it the long name */
      lx->text_used = 0;
      lx->n = 0;
      lx->n_total = 0;
      hg_tok_begin (lx, HG_SQL_WORD, at);
      hg_tok_add (lx, name, strlen (name));
      hg_tok_end (lx, at);
    }
}

static int
client_end (struct hg_sql_lexer *lx)
{
  if (lx->n == 2 && lx->client_cmd == 'd')
    hg_sqltok_set_delimiter (lx, lx->tok[1].text, lx->tok[1].len);
  lx->st = ST_CODE;
  return hg_sqltok_statement (lx);
}

/* After a word: a client command if it starts a statement. */
static bool
word_is_client (struct hg_sql_lexer *lx, const char **name)
{
  if (!(lx->flags & HG_SQL_CLIENT) || lx->n_total != 1 || lx->n != 1)
    return false;
  for (size_t i = 0; client_named[i]; i++)
    if (hg_sql_is (&lx->tok[0], client_named[i]))
      {
        *name = client_named[i];
        return true;
      }
  return false;
}

/* ---- the machine ---- */

static bool
delim_at (const struct hg_sql_lexer *lx, const char *p, size_t left)
{
  return left >= lx->delim_len && p[0] == lx->delim[0]
         && memcmp (p, lx->delim, lx->delim_len) == 0;
}

static char
unescape (char c)
{
  switch (c)
    {
    case 'n':
      return '\n';
    case 't':
      return '\t';
    case 'r':
      return '\r';
    case 'b':
      return '\b';
    case '0':
      return '\0';
    case 'Z':
      return '\032';
    default:
      return c;
    }
}

/* One step in ST_CODE at buf[i]; returns the bytes taken. */
static size_t
code_step (struct hg_sql_lexer *lx, const char *buf, size_t i, size_t n, int *r)
{
  unsigned char c = (unsigned char) buf[i];
  uint64_t at = lx->off + i;
  size_t left = n - i;
  if (c == '\n')
    {
      lx->line++;
      return 1;
    }
  if (hg_sql_is_blank (c))
    return 1;
  if (delim_at (lx, buf + i, left))
    {
      *r = hg_sqltok_statement (lx);
      return lx->delim_len;
    }
  if (c == '-' && left >= 2 && buf[i + 1] == '-'
      && (left == 2 || (unsigned char) buf[i + 2] <= ' ' || buf[i + 2] == 0x7f))
    {
      lx->st = ST_LINE_COMMENT;
      return 2;
    }
  if (c == '#')
    {
      lx->st = ST_LINE_COMMENT;
      return 1;
    }
  if (c == '/' && left >= 2 && buf[i + 1] == '*')
    {
      size_t k = 0;
      if (left >= 3 && buf[i + 2] == '!')
        k = 3;
      else if (left >= 4 && buf[i + 2] == 'M' && buf[i + 3] == '!')
        k = 4;
      if (k == 0)
        {
          lx->st = ST_BLOCK_COMMENT;
          return 2;
        }
      for (size_t d = 0; d < 6 && k < left && buf[i + k] >= '0' && buf[i + k] <= '9'; d++)
        k++;
      lx->exec_comment = true;
      return k;
    }
  if (c == '*' && lx->exec_comment && left >= 2 && buf[i + 1] == '/')
    {
      lx->exec_comment = false;
      return 2;
    }
  if (c == '\\' && (lx->flags & HG_SQL_CLIENT))
    {
      char x = left >= 2 ? buf[i + 1] : '\0';
      if (x == 'g' || x == 'G')
        *r = hg_sqltok_statement (lx);
      else if (x == 'c')
        hg_sqltok_reset (lx);
      else
        for (size_t j = 0; j < sizeof client_short / sizeof *client_short; j++)
          if (client_short[j].c == x)
            {
              /* What was read so far goes as a statement of its own. */
              *r = hg_sqltok_statement (lx);
              client_begin (lx, client_short[j].name, at);
              break;
            }
      return left >= 2 ? 2 : 1;
    }
  if (c == '\'' || c == '"')
    {
      hg_tok_begin (lx, HG_SQL_STRING, at);
      lx->st = ST_STRING;
      lx->quote = (char) c;
      return 1;
    }
  if (c == '`')
    {
      hg_tok_begin (lx, HG_SQL_IDENT, at);
      lx->st = ST_IDENT;
      lx->quote = '`';
      return 1;
    }
  if (hg_sql_is_word_char (c))
    {
      hg_tok_begin (lx, HG_SQL_WORD, at);
      lx->st = ST_WORD;
      return 0;
    }
  hg_tok_punct (lx, (char) c, at);
  return 1;
}

/* Whether a decision at buf[i] may need bytes not given yet. */
#define NEED_MORE(k) (!final && i + (k) > n)

int
hg_sql_lex_feed (struct hg_sql_lexer *lx, const char *buf, size_t n, bool final, size_t *consumed)
{
  size_t i = 0;
  int r = 0;
  while (i < n && r == 0)
    switch (lx->st)
      {
      case ST_CODE:
        if (NEED_MORE (HG_SQL_LOOKAHEAD))
          goto out;
        i += code_step (lx, buf, i, n, &r);
        break;

      case ST_WORD:
        {
          size_t j = i;
          bool more = false;
          while (j < n && hg_sql_is_word_char ((unsigned char) buf[j]))
            {
              if (lx->delim_wordy && buf[j] == lx->delim[0])
                {
                  if ((more = !final && j + lx->delim_len > n) || delim_at (lx, buf + j, n - j))
                    break;
                }
              j++;
            }
          hg_tok_add (lx, buf + i, j - i);
          i = j;
          if (more || (i == n && !final))
            goto out;
          hg_tok_end (lx, lx->off + i);
          lx->st = ST_CODE;
          const char *name;
          if (word_is_client (lx, &name))
            client_begin (lx, name, lx->off + i);
          break;
        }

      case ST_STRING:
      case ST_IDENT:
        {
          /* Dumps are mostly long strings: memchr runs over them. */
          char q = lx->quote;
          const char *end = memchr (buf + i, q, n - i);
          size_t j = end ? (size_t) (end - buf) : n;
          const char *bs = lx->st == ST_STRING ? memchr (buf + i, '\\', j - i) : NULL;
          if (bs)
            j = (size_t) (bs - buf);
          lx->line += count_lines (buf + i, j - i);
          hg_tok_add (lx, buf + i, j - i);
          i = j;
          if (i == n)
            break;
          if (NEED_MORE (2))
            goto out;
          if (buf[i] == '\\')
            {
              if (i + 1 < n)
                {
                  char e = buf[i + 1];
                  if (e == '\n')
                    lx->line++;
                  if (e == '%' || e == '_')
                    hg_tok_add (lx, buf + i, 2);
                  else
                    {
                      char u = unescape (e);
                      hg_tok_add (lx, &u, 1);
                    }
                  i += 2;
                }
              else
                i++;
              break;
            }
          if (i + 1 < n && buf[i + 1] == q)
            {
              hg_tok_add (lx, &q, 1);
              i += 2;
              break;
            }
          i++;
          hg_tok_end (lx, lx->off + i);
          lx->st = ST_CODE;
          break;
        }

      case ST_LINE_COMMENT:
        {
          const char *nl = memchr (buf + i, '\n', n - i);
          i = nl ? (size_t) (nl - buf) : n;
          if (nl)
            lx->st = ST_CODE;
          break;
        }

      case ST_BLOCK_COMMENT:
        {
          const char *star = memchr (buf + i, '*', n - i);
          size_t j = star ? (size_t) (star - buf) : n;
          lx->line += count_lines (buf + i, j - i);
          i = j;
          if (i == n)
            break;
          if (NEED_MORE (2))
            goto out;
          if (i + 1 < n && buf[i + 1] == '/')
            {
              lx->st = ST_CODE;
              i += 2;
            }
          else
            i++;
          break;
        }

      case ST_CLIENT_ARG:
        {
          if (!lx->arg_started)
            {
              while (i < n && buf[i] != '\n' && hg_sql_is_blank ((unsigned char) buf[i]))
                i++;
              if (i == n)
                break;
              if (!final && i + lx->delim_len > n)
                goto out;
              lx->arg_started = true;
              if (buf[i] != '\n' && !delim_at (lx, buf + i, n - i))
                hg_tok_begin (lx, HG_SQL_STRING, lx->off + i);
            }
          size_t j = i;
          bool at_end = false;
          while (j < n && !at_end)
            {
              if (buf[j] == '\n')
                at_end = true;
              else if (lx->client_cmd != 'd' && buf[j] == lx->delim[0])
                {
                  if (!final && j + lx->delim_len > n)
                    break;
                  at_end = delim_at (lx, buf + j, n - j);
                }
              if (!at_end)
                j++;
            }
          if (lx->cur_kept)
            hg_tok_add (lx, buf + i, j - i);
          i = j;
          if (!at_end && !(final && i == n))
            {
              if (i < n)
                goto out; /* a delimiter's first byte, the rest not given yet */
              break;
            }
          if (lx->cur_kept)
            {
              /* trailing blanks are no part of a file name */
              struct hg_sql_token *t = &lx->tok[lx->n];
              char *s = lx->text + lx->text_used;
              while (t->len > 0 && hg_sql_is_blank ((unsigned char) s[t->len - 1]))
                t->len--;
              hg_tok_end (lx, lx->off + i);
            }
          if (i < n && buf[i] != '\n')
            i += lx->delim_len;
          r = client_end (lx);
          break;
        }
      }
out:
  if (r == 0 && final && i >= n)
    {
      if (lx->st == ST_WORD || lx->st == ST_STRING || lx->st == ST_IDENT)
        hg_tok_end (lx, lx->off + n);
      if (lx->st == ST_CLIENT_ARG)
        {
          if (lx->cur_kept)
            hg_tok_end (lx, lx->off + n);
          r = client_end (lx);
        }
      else
        r = hg_sqltok_statement (lx);
      lx->st = ST_CODE;
    }
  lx->off += i;
  *consumed = i;
  return r;
}

int
hg_sql_lex_string (const char *s, size_t n, unsigned flags, hg_sql_stmt_fn fn, void *arg)
{
  struct hg_sql_lexer *lx = hg_sql_lexer_new (flags, fn, arg);
  if (!lx)
    return -1;
  size_t used;
  int r = hg_sql_lex_feed (lx, s, n, true, &used);
  hg_sql_lexer_free (lx);
  return r;
}

