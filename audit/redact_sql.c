/* SQL passwords found by the SQL lexer (policy/sqllex.c), not by a
 * regex: IDENTIFIED [WITH plugin] BY [PASSWORD] '...', IDENTIFIED VIA
 * plugin USING '...' or USING PASSWORD('...'), PASSWORD('...'),
 * OLD_PASSWORD('...'), SET PASSWORD [FOR u] = '...', whatever the
 * spacing, comments or case.  An argument is lexed as it is (mysql -e
 * TEXT) and, when it is a shell string, each of its words is unquoted
 * (with a map back to the original bytes) and lexed too, so a password in
 * escaped quotes of `sh -c "mysql -e \"... BY 'x'\""` is found. */
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "policy/sqllex.h"

#define MAX_DEPTH 3

struct pass
{
  const char *text;  /* what was lexed */
  const size_t *map; /* lexed byte i is original byte map[i]; NULL: the same */
  hg_redact_span_fn add;
  void *ctx;
};

static void
emit (const struct pass *p, uint64_t a, uint64_t b)
{
  if (a >= b)
    return;
  size_t x = (size_t) a, y = (size_t) b;
  if (p->map)
    {
      x = p->map[a];
      y = p->map[b - 1] + 1;
    }
  p->add (p->ctx, x, y);
}

/* The text of a string token, between its quotes. */
static void
emit_string (const struct pass *p, const struct hg_sql_token *t)
{
  uint64_t a = t->start + 1, b = t->end;
  if (b > a && p->text[b - 1] == p->text[t->start])
    b--; /* the closing quote (an unterminated string runs to the end) */
  emit (p, a, b);
}

static bool
is_punct (const struct hg_sql_token *t, char c)
{
  return t->type == HG_SQL_PUNCT && t->text[0] == c;
}

/* The first string within a few tokens of i, before a , ; or ). */
static const struct hg_sql_token *
string_after (const struct hg_sql_stmt *st, size_t i, size_t within)
{
  for (size_t j = i + 1; j < st->n && j <= i + within; j++)
    {
      const struct hg_sql_token *t = &st->tok[j];
      if (t->type == HG_SQL_STRING)
        return t;
      if (is_punct (t, ',') || is_punct (t, ';') || is_punct (t, ')'))
        return NULL;
    }
  return NULL;
}

static int
on_statement (void *arg, const struct hg_sql_stmt *st)
{
  const struct pass *p = arg;
  for (size_t i = 0; i < st->n; i++)
    {
      const struct hg_sql_token *t = &st->tok[i], *s = NULL;
      if (hg_sql_is (t, "IDENTIFIED") || hg_sql_is (t, "USING"))
        s = string_after (st, i, 6); /* [WITH plugin] BY [PASSWORD] '...', [PASSWORD (] '...' */
      else if ((hg_sql_is (t, "PASSWORD") || hg_sql_is (t, "OLD_PASSWORD")) && i + 1 < st->n
               && is_punct (&st->tok[i + 1], '('))
        s = string_after (st, i + 1, 1);
      else if (hg_sql_is (t, "PASSWORD") && i > 0 && hg_sql_is (&st->tok[i - 1], "SET"))
        {
          /* SET PASSWORD [FOR user@host] = '...' */
          size_t j = i + 1;
          while (j < st->n && j < i + 12 && !is_punct (&st->tok[j], '='))
            j++;
          s = j < st->n ? string_after (st, j, 1) : NULL;
        }
      if (s)
        emit_string (p, s);
    }
  return 0;
}

static void scan (const char *s, size_t n, const size_t *map, hg_redact_span_fn add, void *ctx,
                  unsigned depth);

/* Each shell word of s, its quotes removed, lexed with a map back. */
static void
shell_words (const char *s, size_t n, const size_t *map, hg_redact_span_fn add, void *ctx,
             unsigned depth)
{
  char *w = malloc (n + 1);
  size_t *m = malloc ((n + 1) * sizeof *m);
  if (!w || !m)
    {
      free (w);
      free (m);
      return;
    }
  size_t k = 0;
  char q = 0;
  for (size_t i = 0; i <= n; i++)
    {
      char c = i < n ? s[i] : ' ';
      size_t at = map ? (i < n ? map[i] : 0) : i;
      if (q == '\'')
        {
          if (c == '\'')
            q = 0;
          else if (i < n)
            w[k] = c, m[k++] = at;
          continue;
        }
      if (c == '\\' && i + 1 < n && (q == 0 || strchr ("\"\\$`", s[i + 1])))
        {
          i++;
          w[k] = s[i], m[k++] = map ? map[i] : i;
          continue;
        }
      if (q == '"')
        {
          if (c == '"')
            q = 0;
          else if (i < n)
            w[k] = c, m[k++] = at;
          continue;
        }
      if (c == '\'' || c == '"')
        {
          q = c;
          continue;
        }
      if (i == n || strchr (" \t\n;&|()`", c))
        {
          if (k > 0)
            {
              w[k] = '\0';
              scan (w, k, m, add, ctx, depth + 1);
            }
          k = 0;
          continue;
        }
      w[k] = c, m[k++] = at;
    }
  free (w);
  free (m);
}

static void
scan (const char *s, size_t n, const size_t *map, hg_redact_span_fn add, void *ctx, unsigned depth)
{
  struct pass p = { s, map, add, ctx };
  hg_sql_lex_string (s, n, HG_SQL_CLIENT | HG_SQL_WINDOWS, on_statement, &p);
  if (depth < MAX_DEPTH && (memchr (s, '\'', n) || memchr (s, '"', n) || memchr (s, '\\', n)))
    shell_words (s, n, map, add, ctx, depth);
}

void
hg_redact_sql (const char *s, size_t n, hg_redact_span_fn add, void *ctx)
{
  scan (s, n, NULL, add, ctx, 0);
}
