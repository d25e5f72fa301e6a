/* The pre-scan of a policy text, before libconfuse sees it.
 *
 * A small lexer that mirrors libconfuse's own (src/lexer.l): blanks and
 * newlines; `#...` and `//...` line comments; `/ * ... * /` block comments;
 * "double-quoted" strings with backslash escapes; 'single-quoted' strings
 * where only \\ and \' are escapes; the tokens { } ( ) = += ,; and unquoted
 * words, runs of anything but blanks and # " ' = { } ( ) + , *.  As in flex,
 * the longest match wins at the start of a token, so `//x` is a comment but
 * `a//x` a word, and `a/ *` the word `a/` (checked against libconfuse 3.3).  It refuses what libconfuse would
 * mishandle, and hands libconfuse a copy with the comments blanked.
 *
 * Stricter than libconfuse on one point: a string must close on the line it
 * opens (a backslash at the end of a line continues it). */
#include <ctype.h>
#include <string.h>

#include "precheck.h"

enum tok
{
  TOK_NONE,
  TOK_STR,
  TOK_LBRACE,
  TOK_RBRACE,
  TOK_EQ,
  TOK_OTHER,
};

struct lexer
{
  const char *file;
  char *s; /* the copy, cleaned in place */
  size_t len, i;
  int line;
  int depth;
  /* The last two tokens, for `KEY = {}` and `NAME TITLE {`. */
  enum tok prev, prev2;
  int prev_line, prev2_line;
  size_t prev_at, prev_len; /* the text of the last string token */
  size_t key_at, key_len;   /* the key before the last `=` */
  bool list_open;           /* the last `{` opened a list */
  int list_line;
  struct hg_scan *out;
  size_t cap;
};

static int
line_at (const char *text, size_t at)
{
  int line = 1;
  for (size_t i = 0; i < at; i++)
    line += text[i] == '\n';
  return line;
}

static bool
is_word_char (char c)
{
  switch (c)
    {
    case ' ': case '\t': case '\n': case '\r': case '#': case '"': case '\'':
    case '=': case '{': case '}': case '(': case ')': case '+': case ',': case '*':
      return false;
    default:
      return true;
    }
}

static void
push_token (struct lexer *lx, enum tok t, size_t at, size_t len, int line)
{
  lx->prev2 = lx->prev;
  lx->prev2_line = lx->prev_line;
  lx->prev = t;
  lx->prev_line = line;
  lx->prev_at = at;
  lx->prev_len = len;
}

static void
blank (struct lexer *lx, size_t from, size_t to)
{
  for (size_t j = from; j < to; j++)
    if (lx->s[j] != '\n')
      lx->s[j] = ' ';
}

static void
line_comment (struct lexer *lx)
{
  size_t start = lx->i;
  while (lx->i < lx->len && lx->s[lx->i] != '\n')
    lx->i++;
  blank (lx, start, lx->i);
}

static int
block_comment (struct lexer *lx, hg_error **err)
{
  size_t start = lx->i;
  int start_line = lx->line;
  char *end = memmem (lx->s + start + 2, lx->len - start - 2, "*/", 2);
  if (!end)
    return hg_fail (err, HG_ERR_POLICY, "%s:%d: unterminated comment: '/*' without '*/'",
                    lx->file, start_line);
  lx->i = (size_t) (end - lx->s) + 2;
  for (size_t j = start; j < lx->i; j++)
    lx->line += lx->s[j] == '\n';
  blank (lx, start, lx->i);
  return 0;
}

/* An escape that libconfuse would turn into a NUL byte (\0, \00, \x0...)
 * would silently cut the string short. */
static bool
escape_is_nul (const char *s, size_t n)
{
  unsigned v = 0;
  size_t k = 0;
  if (n > 0 && s[0] >= '0' && s[0] <= '7')
    {
      for (; k < n && k < 3 && s[k] >= '0' && s[k] <= '7'; k++)
        v = v * 8 + (unsigned) (s[k] - '0');
      return v == 0;
    }
  if (n > 1 && s[0] == 'x' && isxdigit ((unsigned char) s[1]))
    {
      for (k = 1; k < n && k < 3 && isxdigit ((unsigned char) s[k]); k++)
        v = v * 16 + (unsigned) (isdigit ((unsigned char) s[k]) ? s[k] - '0'
                                                                 : (tolower ((unsigned char) s[k]) - 'a' + 10));
      return v == 0;
    }
  return false;
}

static int
quoted_string (struct lexer *lx, hg_error **err)
{
  char quote = lx->s[lx->i];
  int start_line = lx->line;
  size_t start = ++lx->i;
  while (lx->i < lx->len && lx->s[lx->i] != quote)
    {
      char c = lx->s[lx->i];
      /* libconfuse lets a string run on over lines, so a missing quote
       * would swallow the next lines silently until the next quote. */
      if (c == '\n')
        break;
      if (c == '\\' && lx->i + 1 < lx->len)
        {
          if (quote == '"' && escape_is_nul (lx->s + lx->i + 1, lx->len - lx->i - 1))
            return hg_fail (err, HG_ERR_POLICY, "%s:%d: a NUL character (\\0) is not allowed in a string",
                            lx->file, lx->line);
          lx->i++;
          if (lx->s[lx->i] == '\n')
            lx->line++;
        }
      lx->i++;
    }
  if (lx->i >= lx->len || lx->s[lx->i] == '\n')
    return hg_fail (err, HG_ERR_POLICY,
                    "%s:%d: unterminated string: %c without a closing %c on the same line "
                    "(end a line with \\ to continue a string on the next)",
                    lx->file, lx->line, quote, quote);
  push_token (lx, TOK_STR, start, lx->i - start, start_line);
  lx->i++;
  return 0;
}

static int
add_section (struct lexer *lx, int line)
{
  struct hg_scan *out = lx->out;
  if (out->n_sections == lx->cap)
    {
      size_t cap = lx->cap ? 2 * lx->cap : 16;
      int *v = realloc (out->sections, cap * sizeof *v);
      if (!v)
        return HG_ERR_NOMEM;
      out->sections = v;
      lx->cap = cap;
    }
  out->sections[out->n_sections++] = line;
  return 0;
}

static int
open_brace (struct lexer *lx, hg_error **err)
{
  if (lx->depth >= HG_MAX_BRACE_DEPTH)
    return hg_fail (err, HG_ERR_POLICY,
                    "%s:%d: braces nested too deeply (at most %d levels, as in rule NAME { key = {...} })",
                    lx->file, lx->line, HG_MAX_BRACE_DEPTH);
  lx->list_open = lx->prev == TOK_EQ;
  lx->list_line = lx->line;
  if (lx->depth == 0 && lx->prev == TOK_STR && lx->prev2 == TOK_STR)
    if (add_section (lx, lx->prev2_line) < 0)
      return hg_fail (err, HG_ERR_NOMEM, "out of memory");
  lx->depth++;
  push_token (lx, TOK_LBRACE, lx->i, 1, lx->line);
  lx->i++;
  return 0;
}

static int
close_brace (struct lexer *lx, hg_error **err)
{
  if (lx->depth == 0)
    return hg_fail (err, HG_ERR_POLICY, "%s:%d: unexpected '}' without a matching '{'",
                    lx->file, lx->line);
  if (lx->prev == TOK_LBRACE && lx->list_open)
    return hg_fail (err, HG_ERR_POLICY,
                    "%s:%d: empty list for '%.*s': give at least one item, or leave the key out",
                    lx->file, lx->list_line, (int) (lx->key_len > 64 ? 64 : lx->key_len),
                    lx->s + lx->key_at);
  lx->depth--;
  push_token (lx, TOK_RBRACE, lx->i, 1, lx->line);
  lx->i++;
  return 0;
}

static void
equal_sign (struct lexer *lx, size_t width)
{
  lx->key_at = lx->prev == TOK_STR ? lx->prev_at : lx->i;
  lx->key_len = lx->prev == TOK_STR ? lx->prev_len : 0;
  push_token (lx, TOK_EQ, lx->i, width, lx->line);
  lx->i += width;
}

static void
word (struct lexer *lx)
{
  size_t start = lx->i;
  while (lx->i < lx->len && is_word_char (lx->s[lx->i]))
    lx->i++;
  push_token (lx, TOK_STR, start, lx->i - start, lx->line);
}

/* At a '/' that starts a token: `//` always starts a comment there (in
 * libconfuse 3.3 the comment rule matches to the end of the line, longer
 * than any word); `/ *` too, as the word rule stops before a '*'. */
static int
slash (struct lexer *lx, hg_error **err)
{
  char c = lx->i + 1 < lx->len ? lx->s[lx->i + 1] : '\0';
  if (c == '/')
    line_comment (lx);
  else if (c == '*')
    return block_comment (lx, err);
  else
    word (lx);
  return 0;
}

static int
next (struct lexer *lx, hg_error **err)
{
  char c = lx->s[lx->i];
  switch (c)
    {
    case '\n':
      lx->line++;
      /* fall through */
    case ' ': case '\t': case '\r': case '*':
      lx->i++; /* libconfuse eats a stray '*' or '+' too */
      return 0;
    case '+':
      if (lx->i + 1 < lx->len && lx->s[lx->i + 1] == '=')
        equal_sign (lx, 2);
      else
        lx->i++;
      return 0;
    case '=':
      equal_sign (lx, 1);
      return 0;
    case '#':
      line_comment (lx);
      return 0;
    case '/':
      return slash (lx, err);
    case '"': case '\'':
      return quoted_string (lx, err);
    case '{':
      return open_brace (lx, err);
    case '}':
      return close_brace (lx, err);
    case '(': case ')': case ',':
      push_token (lx, TOK_OTHER, lx->i, 1, lx->line);
      lx->i++;
      return 0;
    default:
      word (lx);
      return 0;
    }
}

/* Checks on the raw bytes, wherever they are (comments included): the
 * policy must read the same whoever loads it. */
static int
check_bytes (const char *file, const char *text, size_t len, hg_error **err)
{
  if (len > HG_MAX_POLICY_BYTES)
    return hg_fail (err, HG_ERR_POLICY, "%s: policy file too large (%zu bytes, at most %u)",
                    file, len, HG_MAX_POLICY_BYTES);
  const char *nul = memchr (text, '\0', len);
  if (nul)
    return hg_fail (err, HG_ERR_POLICY, "%s:%d: NUL byte in the policy text", file,
                    line_at (text, (size_t) (nul - text)));
  const char *var = memmem (text, len, "${", 2);
  if (var)
    return hg_fail (err, HG_ERR_POLICY,
                    "%s:%d: '${' is not allowed: libconfuse would expand it from the caller's "
                    "environment, and a policy must not depend on it",
                    file, line_at (text, (size_t) (var - text)));
  return 0;
}

int
hg_precheck (const char *file, const char *text, size_t len, struct hg_scan *out, hg_error **err)
{
  int r = check_bytes (file, text, len, err);
  if (r < 0)
    return r;

  struct hg_scan scan = { 0 };
  struct lexer lx = { .file = file, .len = len, .line = 1, .out = &scan };
  lx.s = malloc (len + 1);
  if (!lx.s)
    return hg_fail (err, HG_ERR_NOMEM, "out of memory");
  memcpy (lx.s, text, len);
  lx.s[len] = '\0';
  scan.text = lx.s;

  while (lx.i < lx.len && r == 0)
    r = next (&lx, err);
  /* libconfuse looks for a section's title among all before it. */
  if (r == 0 && scan.n_sections > HG_MAX_RULES_PER_FILE)
    r = hg_fail (err, HG_ERR_POLICY, "%s: too many rules in one file (%zu, at most %d)", file,
                 scan.n_sections, HG_MAX_RULES_PER_FILE);
  if (r < 0)
    {
      hg_scan_clear (&scan);
      return r;
    }
  *out = scan;
  return 0;
}

void
hg_scan_clear (struct hg_scan *s)
{
  free (s->text);
  free (s->sections);
  *s = (struct hg_scan) { 0 };
}

/* ---- regular expressions ---- */

/* glibc's regcomp expands every repetition into copies of its operand
 * (`a+` becomes `aa*`, `a{3}` `aaa`), so stacked or nested repetitions
 * (`a+++++`, `((a{99}){99}){99}`) take exponential time and memory before
 * regcomp returns.  This estimates the size of the expansion from the
 * pattern's text; a rough estimate is enough to tell a sane pattern from
 * a bomb. */

#define REGEX_MAX_LEN 1024
#define REGEX_MAX_COST 20000.0
#define REGEX_MAX_GROUPS 32

struct re_cost
{
  double seq[REGEX_MAX_GROUPS + 1];  /* size of the group so far */
  double last[REGEX_MAX_GROUPS + 1]; /* size of its last atom */
  int depth;
};

static void
re_atom (struct re_cost *c, double size)
{
  c->seq[c->depth] += size;
  c->last[c->depth] = size;
}

static void
re_repeat (struct re_cost *c, double times)
{
  c->seq[c->depth] += c->last[c->depth] * (times - 1);
  c->last[c->depth] *= times;
}

/* Past a bracket expression, from its '['. */
static const char *
re_skip_bracket (const char *p)
{
  p++;
  if (*p == '^')
    p++;
  if (*p == ']')
    p++;
  while (*p && *p != ']')
    {
      if (*p == '[' && (p[1] == ':' || p[1] == '.' || p[1] == '='))
        {
          const char *end = strstr (p + 2, (char[]) { p[1], ']', '\0' });
          p = end ? end + 1 : p + 1;
        }
      p++;
    }
  return *p ? p : p - 1;
}

/* At a '{': the largest count of a bound {m}, {m,} or {m,n}, or 0 when
 * this is no bound (a literal '{'). */
static double
re_bound (const char **pp)
{
  const char *p = *pp + 1;
  char *end;
  if (!isdigit ((unsigned char) *p))
    return 0;
  double m = strtod (p, &end), n = m;
  p = end;
  if (*p == ',')
    {
      p++;
      n = isdigit ((unsigned char) *p) ? strtod (p, &end) : m + 1;
      if (isdigit ((unsigned char) *p))
        p = end;
    }
  if (*p != '}')
    return 0;
  *pp = p;
  return n > m ? n : m;
}

bool
hg_regex_too_complex (const char *re)
{
  if (strlen (re) > REGEX_MAX_LEN)
    return true;
  struct re_cost c = { .depth = 0 };
  for (const char *p = re; *p; p++)
    {
      double n;
      switch (*p)
        {
        case '\\':
          if (p[1])
            p++;
          re_atom (&c, 1);
          break;
        case '[':
          p = re_skip_bracket (p);
          re_atom (&c, 1);
          break;
        case '(':
          if (c.depth == REGEX_MAX_GROUPS)
            return true;
          c.depth++;
          c.seq[c.depth] = c.last[c.depth] = 0;
          break;
        case ')':
          if (c.depth == 0)
            {
              re_atom (&c, 1);
              break;
            }
          n = c.seq[c.depth--] + 1;
          re_atom (&c, n);
          break;
        case '|':
          c.last[c.depth] = 0;
          break;
        case '*': case '+': case '?':
          re_repeat (&c, 2);
          break;
        case '{':
          n = re_bound (&p);
          if (n > 0)
            re_repeat (&c, n + 1);
          else
            re_atom (&c, 1);
          break;
        default:
          re_atom (&c, 1);
        }
      for (int d = 0; d <= c.depth; d++)
        if (c.seq[d] > REGEX_MAX_COST)
          return true;
    }
  return false;
}
