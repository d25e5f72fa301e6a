/* The SQL lexer and statement kinds on arbitrary bytes: lexed whole, and
 * fed in pieces (the first byte chooses their size) as a file is read;
 * both must give the same statements and kinds, within bounded memory.
 * The same bytes, split at NULs, are an argv for the client's option
 * parser and its password finder; and the SQL password finder of the
 * redaction reads them too. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy/internal.h"
#include "audit/audit.h"
#include "policy/sqlkind.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

struct seen
{
  uint64_t kinds, hash;
  size_t n;
};

static int
on_stmt (void *arg, const struct hg_sql_stmt *st)
{
  struct seen *s = arg;
  if (st->n > st->n_total || st->n > HG_SQL_MAX_TOKENS || st->start > st->end)
    abort ();
  for (size_t i = 0; i < st->n; i++)
    if (!st->tok[i].text || strlen (st->tok[i].text) > st->tok[i].len
        || st->tok[i].len > HG_SQL_TEXT_MAX)
      abort ();
  char *text = hg_sql_stmt_render (st, 120);
  if (!text || strlen (text) > 123)
    abort ();
  for (const char *c = text; *c; c++)
    s->hash = s->hash * 31 + (unsigned char) *c;
  free (text);
  const char *unknown = NULL;
  s->kinds |= hg_sql_classify (st, &unknown);
  s->n++;
  return 0;
}

static void
on_secret (void *arg, size_t index, size_t offset)
{
  const char *const *argv = arg;
  if (offset > strlen (argv[index]))
    abort ();
}

static void
on_span (void *arg, size_t a, size_t b)
{
  if (a >= b || b > *(size_t *) arg)
    abort ();
}

static int
on_option (void *arg, int role, const char *value)
{
  if (!value)
    abort ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (size == 0)
    return 0;
  size_t chunk = 1 + data[0] % 64;
  const char *in = (const char *) data + 1;
  size_t len = size - 1;

  struct seen whole = { 0 }, parts = { 0 };
  if (hg_sql_lex_string (in, len, HG_SQL_CLIENT, on_stmt, &whole) != 0)
    abort ();

  struct hg_sql_lexer *lx = hg_sql_lexer_new (HG_SQL_CLIENT, on_stmt, &parts);
  char *buf = malloc (chunk + HG_SQL_LOOKAHEAD + 1);
  if (!lx || !buf)
    abort ();
  size_t fed = 0, have = 0;
  for (bool eof = false; !eof;)
    {
      size_t k = len - fed < chunk ? len - fed : chunk;
      memcpy (buf + have, in + fed, k);
      fed += k;
      have += k;
      eof = k == 0;
      size_t used;
      if (hg_sql_lex_feed (lx, buf, have, eof, &used) != 0 || used > have
          || (eof && used != have) || have - used > HG_SQL_LOOKAHEAD)
        abort ();
      memmove (buf, buf + used, have - used);
      have -= used;
    }
  hg_sql_lexer_free (lx);
  free (buf);
  if (whole.kinds != parts.kinds || whole.n != parts.n || whole.hash != parts.hash)
    abort ();

  /* Passwords found on the same lexer lie inside the text. */
  hg_redact_sql (in, len, on_span, &len);

  /* As an argv: words end at NULs and newlines. */
  char *s = malloc (len + 1);
  const char **argv = malloc ((len + 2) * sizeof *argv);
  if (!s || !argv)
    abort ();
  memcpy (s, in, len);
  s[len] = '\0';
  size_t argc = 0;
  for (size_t i = 0, start = 0; i <= len; i++)
    if (i == len || s[i] == '\n' || s[i] == '\0')
      {
        s[i] = '\0';
        argv[argc++] = s + start;
        start = i + 1;
      }
  argv[argc] = NULL;
  hg_sql_client_secrets (argv, argc, on_secret, argv);
  hg_sql_mysql_options (argv, argc, on_option, NULL);
  free (argv);
  free (s);
  return 0;
}
