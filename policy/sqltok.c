/* The statement being read: its tokens, kept up to a bound, and the
 * callback at its end; the lexer's life cycle; statements rendered for
 * messages. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sqltok.h"

/* Letters, digits, _ and $, and every byte of a UTF-8 sequence (MariaDB
 * takes them in unquoted names). */
#define R16(x) x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x
const unsigned char hg_sql_word_chars[256] = {
  R16 (0), R16 (0),
  0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,                          /* $ */
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0,                          /* 0-9 */
  0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,                          /* A-O */
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1,                          /* P-Z _ */
  0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,                          /* a-o */
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0,                          /* p-z */
  R16 (1), R16 (1), R16 (1), R16 (1), R16 (1), R16 (1), R16 (1), R16 (1),
};

struct hg_sql_lexer *
hg_sql_lexer_new (unsigned flags, hg_sql_stmt_fn fn, void *arg)
{
  struct hg_sql_lexer *lx = calloc (1, sizeof *lx);
  if (!lx)
    return NULL;
  lx->text = malloc (TEXT_SIZE);
  if (!lx->text)
    {
      free (lx);
      return NULL;
    }
  lx->flags = flags;
  lx->fn = fn;
  lx->arg = arg;
  lx->line = 1;
  lx->delim[0] = ';';
  lx->delim_len = 1;
  return lx;
}

void
hg_sql_lexer_free (struct hg_sql_lexer *lx)
{
  if (!lx)
    return;
  free (lx->text);
  free (lx);
}

uint64_t
hg_sql_lexer_line (const struct hg_sql_lexer *lx)
{
  return lx->line;
}

bool
hg_sql_is_slow (const struct hg_sql_token *t, const char *w)
{
  return t->type == HG_SQL_WORD && !t->truncated && strcmp (t->text, w) == 0;
}

/* ---- tokens ---- */

/* HG_SQL_WINDOWS: the tokens kept so far go to the callback as a part of
 * the statement, and the last few stay, as the context of the next part. */
#define WINDOW_KEEP 8

static void
slide (struct hg_sql_lexer *lx)
{
  struct hg_sql_stmt st = { lx->tok, lx->n, lx->n_total - 1, false, lx->client,
                            lx->st_line, lx->st_start, lx->st_end };
  lx->fn (lx->arg, &st);
  size_t keep = lx->n < WINDOW_KEEP ? lx->n : WINDOW_KEEP, bytes;
  for (;; keep--)
    {
      bytes = 0;
      for (size_t i = lx->n - keep; i < lx->n; i++)
        bytes += lx->tok[i].len + 1;
      if (bytes <= TEXT_SIZE / 2)
        break;
    }
  size_t off = 0, from = lx->n - keep;
  for (size_t i = 0; i < keep; i++)
    {
      struct hg_sql_token t = lx->tok[from + i];
      memmove (lx->text + off, t.text, t.len + 1);
      t.text = lx->text + off;
      lx->tok[i] = t;
      off += t.len + 1;
    }
  lx->n = keep;
  lx->text_used = off;
}

void
hg_sqltok_begin (struct hg_sql_lexer *lx, enum hg_sql_type type, uint64_t at)
{
  if (lx->n_total == 0)
    {
      lx->st_line = lx->line;
      lx->st_start = at;
    }
  lx->n_total++;
  lx->cur_start = at;
  lx->peek_len = 0;
  lx->peek_word = type == HG_SQL_WORD;
  lx->cur_kept = lx->n < HG_SQL_MAX_TOKENS && lx->text_used + 2 <= TEXT_SIZE;
  if (!lx->cur_kept && (lx->flags & HG_SQL_WINDOWS) && lx->n > 0)
    {
      slide (lx);
      lx->cur_kept = true;
    }
  lx->full = !lx->cur_kept;
  if (!lx->cur_kept)
    return;
  struct hg_sql_token *t = &lx->tok[lx->n];
  memset (t, 0, sizeof *t);
  t->type = (unsigned char) type;
  t->depth = (unsigned short) (lx->depth > 0xffff ? 0xffff : lx->depth);
  t->start = at;
  size_t left = TEXT_SIZE - lx->text_used - 1;
  lx->cur_cap = left < HG_SQL_TEXT_MAX ? left : HG_SQL_TEXT_MAX;
}

void
hg_sqltok_add (struct hg_sql_lexer *lx, const char *p, size_t k)
{
  if (!lx->cur_kept)
    {
      size_t room = PEEK_MAX - lx->peek_len;
      size_t m = k < room ? k : room;
      memcpy (lx->peek + lx->peek_len, p, m);
      lx->peek_len += m;
      return;
    }
  struct hg_sql_token *t = &lx->tok[lx->n];
  size_t room = lx->cur_cap - t->len;
  if (k > room)
    {
      k = room;
      t->truncated = true;
    }
  memcpy (lx->text + lx->text_used + t->len, p, k);
  t->len += (unsigned) k;
}

void
hg_sqltok_end (struct hg_sql_lexer *lx, uint64_t end)
{
  lx->st_end = end;
  if (!lx->cur_kept)
    {
      if (lx->peek_word && lx->peek_len == 5 && strncasecmp (lx->peek, "WHERE", 5) == 0
          && lx->depth == 0)
        lx->where_beyond = true;
      return;
    }
  struct hg_sql_token *t = &lx->tok[lx->n++];
  char *s = lx->text + lx->text_used;
  s[t->len] = '\0';
  if (t->type == HG_SQL_WORD)
    for (unsigned i = 0; i < t->len; i++)
      if (s[i] >= 'a' && s[i] <= 'z')
        s[i] = (char) (s[i] - 'a' + 'A');
  t->text = s;
  t->end = end;
  lx->text_used += t->len + 1;
  lx->cur_kept = false;
}

void
hg_sqltok_punct (struct hg_sql_lexer *lx, char c, uint64_t at)
{
  if (c == ')' && lx->depth > 0)
    lx->depth--;
  hg_sqltok_begin (lx, HG_SQL_PUNCT, at);
  hg_sqltok_add (lx, &c, 1);
  hg_sqltok_end (lx, at + 1);
  if (c == '(')
    lx->depth++;
}

void
hg_sqltok_reset (struct hg_sql_lexer *lx)
{
  lx->n = lx->n_total = 0;
  lx->where_beyond = lx->client = lx->full = false;
  lx->text_used = 0;
  lx->depth = 0;
}

int
hg_sqltok_statement (struct hg_sql_lexer *lx)
{
  int r = 0;
  if (lx->n_total > 0)
    {
      struct hg_sql_stmt st = { lx->tok, lx->n, lx->n_total, lx->where_beyond, lx->client,
                                lx->st_line, lx->st_start, lx->st_end };
      r = lx->fn (lx->arg, &st);
    }
  hg_sqltok_reset (lx);
  return r;
}

/* DELIMITER's argument: its first word, quotes removed (mysql.cc
 * get_arg), at most 15 bytes; a backslash or nothing leaves it as it was. */
void
hg_sqltok_set_delimiter (struct hg_sql_lexer *lx, const char *arg, size_t n)
{
  size_t i = 0, k = 0;
  char d[HG_SQL_DELIM_MAX + 1];
  if (n > 0 && (arg[0] == '\'' || arg[0] == '"' || arg[0] == '`'))
    {
      char q = arg[0];
      for (i = 1; i < n && arg[i] != q && k < HG_SQL_DELIM_MAX; i++)
        d[k++] = arg[i];
    }
  else
    for (; i < n && !hg_sql_is_blank ((unsigned char) arg[i]) && k < HG_SQL_DELIM_MAX; i++)
      d[k++] = arg[i];
  if (k == 0 || memchr (d, '\\', k))
    return;
  memcpy (lx->delim, d, k);
  lx->delim[k] = '\0';
  lx->delim_len = k;
  lx->delim_wordy = hg_sql_is_word_char ((unsigned char) d[0]);
}

void
hg_sql_lexer_set_delimiter (struct hg_sql_lexer *lx, const char *d)
{
  hg_sqltok_set_delimiter (lx, d, strlen (d));
}

/* ---- for messages ---- */

char *
hg_sql_stmt_render (const struct hg_sql_stmt *st, size_t max)
{
  char *out = malloc (max + 4);
  if (!out)
    return NULL;
  size_t o = 0;
  bool cut = false;
  for (size_t i = 0; i < st->n && !cut; i++)
    {
      const struct hg_sql_token *t = &st->tok[i];
      const struct hg_sql_token *prev = i ? &st->tok[i - 1] : NULL;
      bool glue = !prev || (t->type == HG_SQL_PUNCT && strchr ("(),.;", t->text[0]))
                  || (prev->type == HG_SQL_PUNCT && strchr ("(.@", prev->text[0]));
      char piece[80];
      const char *p = piece;
      if (st->client && i == 1)
        p = "?"; /* a file name or a shell command: see the argv */
      else if (t->type == HG_SQL_STRING)
        p = "'?'";
      else if (t->type == HG_SQL_IDENT)
        snprintf (piece, sizeof piece, "`%.64s%s`", t->text, t->len > 64 ? "..." : "");
      else
        snprintf (piece, sizeof piece, "%.64s%s", t->text, t->len > 64 ? "..." : "");
      size_t k = strlen (p) + (glue ? 0 : 1);
      if (o + k > max)
        {
          cut = true;
          break;
        }
      if (!glue)
        out[o++] = ' ';
      memcpy (out + o, p, strlen (p));
      o += strlen (p);
    }
  if (cut || st->n < st->n_total)
    {
      memcpy (out + o, "...", 3);
      o += 3;
    }
  out[o] = '\0';
  return out;
}

