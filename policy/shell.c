/* The commands of a shell string, for `sh -c STRING` in the prefix form.
 *
 * This is not a shell: it follows the POSIX/bash grammar far enough to find
 * every simple command a string can start (including those inside
 * subshells, groups, $(...), backquotes, process substitutions, redirection
 * targets and eval), and gives up openly (list->unknowable) on what it does
 * not follow.  Everything is a single pass over the text; recursion follows
 * the nesting of the string and is bounded by MAX_DEPTH. */
#include <stdint.h>
#include <string.h>

#include "internal.h"

#define MAX_DEPTH 64

/* ---- growable storage ---- */

/* Makes room for one more element of `size` bytes in *items. */
static bool
grow (void *items, size_t *cap, size_t n, size_t size)
{
  void **p = items;
  if (n < *cap)
    return true;
  size_t ncap = *cap ? *cap * 2 : 8;
  if (ncap > SIZE_MAX / size)
    return false;
  void *v = realloc (*p, ncap * size);
  if (!v)
    return false;
  *p = v;
  *cap = ncap;
  return true;
}

/* A NUL-terminated string being built. */
struct buf
{
  char *s;
  size_t len, cap;
};

static bool
buf_add (struct buf *b, const char *p, size_t n)
{
  if (n >= SIZE_MAX - b->len - 1)
    return false;
  if (b->len + n + 1 > b->cap)
    {
      size_t ncap = b->cap ? b->cap : 32;
      while (ncap < b->len + n + 1)
        ncap = ncap > SIZE_MAX / 2 ? b->len + n + 1 : ncap * 2;
      char *v = realloc (b->s, ncap);
      if (!v)
        return false;
      b->s = v;
      b->cap = ncap;
    }
  memcpy (b->s + b->len, p, n);
  b->len += n;
  b->s[b->len] = '\0';
  return true;
}

static bool
buf_addc (struct buf *b, char c)
{
  return buf_add (b, &c, 1);
}

/* ---- the parse ---- */

struct parser
{
  struct hg_cmd_list *out;
  size_t cap; /* of out->items */
  hg_error **err;
  /* Set with out->unknowable when the text holds something not followed:
   * every level then returns, keeping what it found. */
  bool stop;
};

/* One word as the shell will see it before expansion. */
struct word
{
  struct buf text;   /* quotes removed; expansions kept as written */
  bool any;          /* something was read, even '' */
  bool dynamic;      /* expansion, glob, leading ~, brace expansion */
  bool quoted;       /* some part was quoted or escaped */
  size_t plain;      /* length of text before the first quoted part */
  bool bracket, brace, brace_sep; /* unquoted [ or { seen; , or .. after { */
};

static void
word_reset (struct word *w)
{
  free (w->text.s);
  memset (w, 0, sizeof *w);
}

/* The simple command being gathered by one level of parse_list. */
enum cmd_state
{
  ST_START,     /* the next word may be a keyword, assignment or the program */
  ST_PROGRAM,   /* after exec/command/builtin: the next word is the program */
  ST_ARGS,      /* the program was found */
  ST_FOR_NAME,  /* for/select NAME */
  ST_FOR_IN,    /* for NAME [in] */
  ST_FOR_WORDS, /* for NAME in WORDS: not a command */
  ST_TIME_OPTS, /* time -p */
  ST_CMD_OPTS,  /* command -p */
  ST_EXEC_OPTS, /* exec -c -l -a NAME */
  ST_EXEC_NAME, /* the NAME of exec -a */
};

struct cmd
{
  char **argv;
  bool *dynamic;
  size_t argc, cap;
  enum cmd_state state;
  bool eval;
};

static void
cmd_reset (struct cmd *c)
{
  for (size_t i = 0; i < c->argc; i++)
    free (c->argv[i]);
  free (c->argv);
  free (c->dynamic);
  memset (c, 0, sizeof *c);
}

static int
nomem (struct parser *p)
{
  return hg_fail (p->err, HG_ERR_NOMEM, "out of memory");
}

/* Records a construct the parser does not follow; the first reason wins.
 * With `stop`, parsing ends here. */
static int
unknowable (struct parser *p, const char *why, bool stop)
{
  if (!p->out->unknowable)
    {
      p->out->unknowable = strdup (why);
      if (!p->out->unknowable)
        return nomem (p);
    }
  if (stop)
    p->stop = true;
  return 0;
}

static int
too_deep (struct parser *p)
{
  return hg_fail (p->err, HG_ERR_INVALID, "shell string nested deeper than %d levels", MAX_DEPTH);
}

static int parse_list (struct parser *p, const char *s, size_t *ip, unsigned depth, int term);
static int read_word (struct parser *p, const char *s, size_t *ip, unsigned depth, struct word *w);
static int read_unit (struct parser *p, const char *s, size_t *ip, unsigned depth, struct word *w);

/* The characters that start a quoted part or an expansion. */
static bool
is_unit_start (char c)
{
  return c == '\\' || c == '\'' || c == '"' || c == '$' || c == '`';
}

static bool
is_blank (char c)
{
  return c == ' ' || c == '\t';
}

/* Characters that end an unquoted word. */
static bool
is_meta (char c)
{
  return c == '\0' || is_blank (c) || c == '\n' || strchr (";&|<>()", c);
}

static bool
is_name_start (char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool
is_name_char (char c)
{
  return is_name_start (c) || (c >= '0' && c <= '9');
}

static bool
is_digit (char c)
{
  return c >= '0' && c <= '9';
}

/* Marks the start of quoting in w: an assignment's name and a keyword must
 * come before it. */
static void
mark_quoted (struct word *w)
{
  if (!w->quoted)
    w->plain = w->text.len;
  w->quoted = true;
}

/* ---- expansions: scanned for the commands they run, kept as written ---- */

/* s[*ip] is the first character after `$(` or `((`... of an arithmetic
 * expression; reads to the closing `))`. */
static int
scan_arith (struct parser *p, const char *s, size_t *ip, unsigned depth)
{
  if (depth > MAX_DEPTH)
    return too_deep (p);
  size_t i = *ip;
  size_t parens = 0;
  int r = 0;
  cleanup_free char *scratch = NULL;
  struct word w = { 0 };

  while (!p->stop)
    {
      char c = s[i];
      if (c == '\0')
        {
          r = unknowable (p, "an unterminated arithmetic expression", true);
          break;
        }
      if (c == '(')
        parens++, i++;
      else if (c == ')' && parens > 0)
        parens--, i++;
      else if (c == ')')
        {
          if (s[i + 1] != ')')
            {
              /* $( (cmd) ...): a substitution that starts with a subshell. */
              r = unknowable (p, "an ambiguous $(( or ((", true);
              break;
            }
          i += 2;
          break;
        }
      else if (is_unit_start (c))
        {
          /* Substitutions inside run; quotes must be skipped whole. */
          word_reset (&w);
          size_t before = i;
          r = read_unit (p, s, &i, depth, &w);
          if (r < 0)
            break;
          if (i == before)
            i++;
        }
      else
        i++;
    }
  word_reset (&w);
  *ip = i;
  return r;
}

/* s[*ip] is the first character after `${`; reads to the matching `}`. */
static int
scan_param (struct parser *p, const char *s, size_t *ip, unsigned depth)
{
  if (depth > MAX_DEPTH)
    return too_deep (p);
  size_t i = *ip;
  size_t braces = 0;
  int r = 0;
  struct word w = { 0 };

  while (!p->stop)
    {
      char c = s[i];
      if (c == '\0')
        {
          r = unknowable (p, "an unterminated ${", true);
          break;
        }
      if (c == '{')
        braces++, i++;
      else if (c == '}' && braces > 0)
        braces--, i++;
      else if (c == '}')
        {
          i++;
          break;
        }
      else if (is_unit_start (c))
        {
          word_reset (&w);
          size_t before = i;
          r = read_unit (p, s, &i, depth, &w);
          if (r < 0)
            break;
          if (i == before)
            i++;
        }
      else
        i++;
    }
  word_reset (&w);
  *ip = i;
  return r;
}

/* s[*ip] is an opening backquote.  Its text, with the backslashes that
 * protect \ ` $ (and " inside double quotes) removed, is a nested string. */
static int
scan_backquote (struct parser *p, const char *s, size_t *ip, unsigned depth, bool in_dquote)
{
  if (depth > MAX_DEPTH)
    return too_deep (p);
  struct buf inner = { 0 };
  size_t i = *ip + 1;
  int r = 0;

  for (; s[i] && s[i] != '`'; i++)
    {
      if (s[i] == '\\' && s[i + 1] && (strchr ("\\`$", s[i + 1]) || (in_dquote && s[i + 1] == '"')))
        i++;
      if (!buf_addc (&inner, s[i]))
        {
          free (inner.s);
          return nomem (p);
        }
    }
  if (!s[i])
    r = unknowable (p, "an unterminated backquote", true);
  else
    {
      i++;
      size_t j = 0;
      r = parse_list (p, inner.s ? inner.s : "", &j, depth, 0);
    }
  free (inner.s);
  *ip = i;
  return r;
}

/* A process substitution <(...) or >(...), or $(...): s[*ip] is `(`. */
static int
scan_subst (struct parser *p, const char *s, size_t *ip, unsigned depth)
{
  (*ip)++;
  return parse_list (p, s, ip, depth, ')');
}

/* s[*ip] is `$`: appends the expansion to w as written. */
static int
read_dollar (struct parser *p, const char *s, size_t *ip, unsigned depth, struct word *w)
{
  size_t i = *ip, start = i;
  char c = s[i + 1];
  int r = 0;

  if (c == '(' && s[i + 2] == '(')
    {
      i += 3;
      r = scan_arith (p, s, &i, depth + 1);
    }
  else if (c == '(')
    {
      i++;
      r = scan_subst (p, s, &i, depth + 1);
    }
  else if (c == '{')
    {
      i += 2;
      r = scan_param (p, s, &i, depth + 1);
    }
  else if (is_name_start (c))
    for (i++; is_name_char (s[i]); i++)
      ;
  else if (c && strchr ("0123456789@*#?$!-", c))
    i += 2;
  else
    {
      /* A lone `$` is itself. */
      *ip = i + 1;
      return buf_addc (&w->text, '$') ? 0 : nomem (p);
    }
  *ip = i;
  if (r < 0)
    return r;
  w->dynamic = true;
  return buf_add (&w->text, s + start, i - start) ? 0 : nomem (p);
}

static int
read_backquote (struct parser *p, const char *s, size_t *ip, unsigned depth, struct word *w,
                bool in_dquote)
{
  size_t start = *ip;
  int r = scan_backquote (p, s, ip, depth + 1, in_dquote);
  if (r < 0)
    return r;
  w->dynamic = true;
  return buf_add (&w->text, s + start, *ip - start) ? 0 : nomem (p);
}

/* s[*ip] is the character after an opening double quote. */
static int
read_dquote (struct parser *p, const char *s, size_t *ip, unsigned depth, struct word *w)
{
  size_t i = *ip;
  int r = 0;

  while (!p->stop && r == 0)
    {
      char c = s[i];
      if (c == '\0')
        r = unknowable (p, "an unterminated quote", true);
      else if (c == '"')
        {
          i++;
          break;
        }
      else if (c == '\\' && s[i + 1] == '\n')
        i += 2;
      else if (c == '\\' && s[i + 1] && strchr ("$`\"\\", s[i + 1]))
        {
          r = buf_addc (&w->text, s[i + 1]) ? 0 : nomem (p);
          i += 2;
        }
      else if (c == '$')
        r = read_dollar (p, s, &i, depth, w);
      else if (c == '`')
        r = read_backquote (p, s, &i, depth, w, true);
      else
        {
          r = buf_addc (&w->text, c) ? 0 : nomem (p);
          i++;
        }
    }
  *ip = i;
  return r;
}

static int
hex_value (char c)
{
  if (is_digit (c))
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* Reads up to `max` digits of `base` at s[*ip]; -1 when there are none. */
static long
read_number (const char *s, size_t *ip, int base, int max)
{
  long v = 0;
  int n = 0;
  for (; n < max; n++)
    {
      int d = hex_value (s[*ip]);
      if (d < 0 || d >= base)
        break;
      v = v * base + d;
      (*ip)++;
    }
  return n ? v : -1;
}

/* \uHHHH and \UHHHHHHHH: the code point in UTF-8, as bash does in a UTF-8
 * locale (the policy never depends on the caller's locale). */
static bool
add_utf8 (struct buf *b, long cp)
{
  unsigned char u[4];
  size_t n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : cp < 0x110000 ? 4 : 0;
  static const unsigned char lead[] = { 0, 0, 0xc0, 0xe0, 0xf0 };

  for (size_t k = n; k > 1; k--, cp >>= 6)
    u[k - 1] = (unsigned char) (0x80 | (cp & 0x3f));
  if (n)
    u[0] = (unsigned char) (lead[n] | cp);
  return buf_add (b, (const char *) u, n);
}

/* One escape of $'...' at s[*ip] (after the backslash): returns the byte,
 * or -1 for a \u or \U already added to b (when b is not NULL), or -2 for
 * an escape that stays as written. */
static long
ansi_escape (const char *s, size_t *ip, struct buf *b, bool *ok)
{
  static const char from[] = "abeEfnrtv\\'\"?";
  static const char to[] = "\a\b\033\033\f\n\r\t\v\\'\"?";
  char c = s[*ip];
  const char *k = c ? strchr (from, c) : NULL;
  long v;

  *ok = true;
  if (k)
    {
      (*ip)++;
      return to[k - from];
    }
  if (c >= '0' && c <= '7')
    return read_number (s, ip, 8, 3) & 0xff;
  if (c == 'x' || c == 'u' || c == 'U')
    {
      (*ip)++;
      v = read_number (s, ip, 16, c == 'x' ? 2 : c == 'u' ? 4 : 8);
      if (v < 0 || c == 'x')
        return v < 0 ? -2 : v;
      *ok = !b || add_utf8 (b, v);
      return -1;
    }
  if (c == 'c' && s[*ip + 1])
    {
      *ip += 2;
      return s[*ip - 1] & 0x1f;
    }
  return -2;
}

/* s[*ip] is the character after `$'`: ANSI-C quoting, decoded. */
static int
read_ansi (struct parser *p, const char *s, size_t *ip, struct word *w)
{
  size_t i = *ip;
  bool cut = false; /* after a NUL, bash drops the rest of the string */

  for (;;)
    {
      char c = s[i];
      long v = (unsigned char) c;
      bool ok = true;
      if (c == '\0')
        {
          *ip = i;
          return unknowable (p, "an unterminated quote", true);
        }
      if (c == '\'')
        break;
      i++;
      if (c == '\\')
        {
          size_t at = i;
          v = ansi_escape (s, &i, cut ? NULL : &w->text, &ok);
          if (v == -2)
            {
              i = at;
              v = '\\';
            }
        }
      if (v == 0)
        cut = true;
      else if (v > 0 && !cut)
        ok = buf_addc (&w->text, (char) v);
      if (!ok)
        return nomem (p);
    }
  *ip = i + 1;
  return 0;
}

/* One unquoted character of a word: notes globs, braces and a leading ~. */
static int
read_plain (struct parser *p, char c, struct word *w)
{
  if (c == '*' || c == '?' || (c == '~' && w->text.len == 0 && !w->any))
    w->dynamic = true;
  else if (c == '[')
    w->bracket = true;
  else if (c == ']' && w->bracket)
    w->dynamic = true;
  else if (c == '{')
    w->brace = true;
  else if (c == ',' && w->brace)
    w->brace_sep = true;
  else if (c == '.' && w->brace && w->text.len && w->text.s[w->text.len - 1] == '.')
    w->brace_sep = true;
  else if (c == '}' && w->brace_sep)
    w->dynamic = true;
  w->any = true;
  return buf_addc (&w->text, c) ? 0 : nomem (p);
}

/* One quoted part or expansion of a word at s[*ip]: a backslash, '...',
 * "...", $'...', $"...", $... or `...`. */
static int
read_unit (struct parser *p, const char *s, size_t *ip, unsigned depth, struct word *w)
{
  size_t i = *ip;
  char c = s[i];
  int r = 0;

  w->any = true;
  if (c == '\\' || c == '\'' || c == '"' || (c == '$' && (s[i + 1] == '\'' || s[i + 1] == '"')))
    mark_quoted (w);
  if (c == '\\')
    {
      if (s[i + 1])
        i++;
      r = buf_addc (&w->text, s[i]) ? 0 : nomem (p);
      i++;
    }
  else if (c == '\'')
    {
      size_t end = i + 1;
      while (s[end] && s[end] != '\'')
        end++;
      if (!buf_add (&w->text, s + i + 1, end - i - 1))
        r = nomem (p);
      else if (!s[end])
        r = unknowable (p, "an unterminated quote", true);
      i = s[end] ? end + 1 : end;
    }
  else if (c == '"' || (c == '$' && s[i + 1] == '"'))
    {
      i += c == '$' ? 2 : 1;
      r = read_dquote (p, s, &i, depth, w);
    }
  else if (c == '$' && s[i + 1] == '\'')
    {
      i += 2;
      r = read_ansi (p, s, &i, w);
    }
  else if (c == '$')
    r = read_dollar (p, s, &i, depth, w);
  else
    r = read_backquote (p, s, &i, depth, w, false);
  *ip = i;
  return r;
}

/* Reads one word at s[*ip], which is not a metacharacter (or is the `<`
 * or `>` of a process substitution). */
static int
read_word (struct parser *p, const char *s, size_t *ip, unsigned depth, struct word *w)
{
  size_t i = *ip;
  int r = 0;

  while (r == 0 && !p->stop)
    {
      char c = s[i];
      if ((c == '<' || c == '>') && s[i + 1] == '(')
        {
          size_t start = i;
          i++;
          r = scan_subst (p, s, &i, depth + 1);
          w->dynamic = w->any = true;
          if (r == 0 && !buf_add (&w->text, s + start, i - start))
            r = nomem (p);
        }
      else if (is_meta (c))
        break;
      else if (c == '\\' && s[i + 1] == '\n')
        i += 2;
      else if (is_unit_start (c))
        r = read_unit (p, s, &i, depth, w);
      else
        {
          r = read_plain (p, c, w);
          i++;
        }
    }
  if (!w->quoted)
    w->plain = w->text.len;
  *ip = i;
  return r;
}

/* ---- simple commands ---- */

/* NAME=value or NAME+=value, the name unquoted. */
static bool
is_assignment (const struct word *w)
{
  const char *t = w->text.s;
  if (!t || !is_name_start (t[0]))
    return false;
  size_t n = 1;
  while (is_name_char (t[n]))
    n++;
  if (t[n] == '+')
    n++;
  return t[n] == '=' && n < w->plain;
}

/* Whether w is, unquoted and unexpanded, one of the words in `list`. */
static bool
word_is (const struct word *w, const char *const *list)
{
  if (w->quoted || w->dynamic || !w->text.s)
    return false;
  for (; *list; list++)
    if (strcmp (w->text.s, *list) == 0)
      return true;
  return false;
}

static int
cmd_add (struct parser *p, struct cmd *c, struct word *w)
{
  size_t old = c->cap;
  /* Room for the word and the final NULL. */
  if (!grow (&c->argv, &c->cap, c->argc + 1, sizeof *c->argv))
    return nomem (p);
  if (c->cap != old)
    {
      bool *d = realloc (c->dynamic, c->cap * sizeof *d);
      if (!d)
        return nomem (p);
      c->dynamic = d;
    }
  c->argv[c->argc] = steal_pointer (&w->text.s);
  if (!c->argv[c->argc] && !(c->argv[c->argc] = strdup ("")))
    return nomem (p);
  c->dynamic[c->argc++] = w->dynamic;
  word_reset (w);
  return 0;
}

/* Moves the gathered command to the output list. */
static int
push_cmd (struct parser *p, struct cmd *c)
{
  struct hg_cmd_list *out = p->out;
  if (c->argc == 0)
    return 0;
  if (!grow (&out->items, &p->cap, out->n, sizeof *out->items))
    return nomem (p);
  if (!grow (&c->argv, &c->cap, c->argc + 1, sizeof *c->argv))
    return nomem (p);
  struct hg_simple_cmd *item = &out->items[out->n++];
  memset (item, 0, sizeof *item);
  c->argv[c->argc] = NULL;
  item->argc = c->argc;
  item->argv = steal_pointer (&c->argv);
  item->dynamic = steal_pointer (&c->dynamic);
  c->argc = c->cap = 0;
  return 0;
}

/* eval: its words, joined, are a nested string. */
static int
run_eval (struct parser *p, struct cmd *c, unsigned depth)
{
  struct buf joined = { 0 };
  int r = 0;

  for (size_t i = 1; i < c->argc; i++)
    if (c->dynamic[i])
      {
        r = unknowable (p, "eval of a string known only at run time", false);
        return r < 0 ? r : push_cmd (p, c);
      }
  for (size_t i = 1; i < c->argc; i++)
    if ((i > 1 && !buf_addc (&joined, ' ')) || !buf_add (&joined, c->argv[i], strlen (c->argv[i])))
      {
        free (joined.s);
        return nomem (p);
      }
  if (joined.s)
    {
      size_t j = 0;
      r = parse_list (p, joined.s, &j, depth + 1, 0);
    }
  free (joined.s);
  return r;
}

/* The end of a simple command (an operator, a newline, the end). */
static int
end_cmd (struct parser *p, struct cmd *c, unsigned depth)
{
  int r;
  if (c->eval && !p->stop)
    r = run_eval (p, c, depth);
  else
    r = push_cmd (p, c);
  cmd_reset (c);
  return r;
}

/* Words and operators of [[ ... ]]: none is a command, but expansions in
 * them run. */
static int
scan_test (struct parser *p, const char *s, size_t *ip, unsigned depth)
{
  static const char *const close[] = { "]]", NULL };
  struct word w = { 0 };
  size_t i = *ip;
  int r = 0;

  while (r == 0 && !p->stop)
    {
      char c = s[i];
      if (c == '\0')
        r = unknowable (p, "an unterminated [[", true);
      else if (c == '\\' && s[i + 1] == '\n')
        i += 2;
      else if (is_meta (c) && !((c == '<' || c == '>') && s[i + 1] == '('))
        i++;
      else
        {
          word_reset (&w);
          r = read_word (p, s, &i, depth, &w);
          if (word_is (&w, close))
            break;
        }
    }
  word_reset (&w);
  *ip = i;
  return r;
}

/* The elements of NAME=( ... ); s[*ip] is the `(`. */
static int
scan_array (struct parser *p, const char *s, size_t *ip, unsigned depth)
{
  struct word w = { 0 };
  size_t i = *ip + 1;
  int r = 0;

  while (r == 0 && !p->stop)
    {
      char c = s[i];
      if (c == ')')
        {
          i++;
          break;
        }
      if (c == '#')
        while (s[i] && s[i] != '\n')
          i++;
      else if (is_blank (c) || c == '\n')
        i++;
      else if (c == '\\' && s[i + 1] == '\n')
        i += 2;
      else if (is_meta (c))
        r = unknowable (p, c ? "an unusual array assignment" : "an unterminated array assignment",
                        true);
      else
        {
          word_reset (&w);
          r = read_word (p, s, &i, depth, &w);
        }
    }
  word_reset (&w);
  *ip = i;
  return r;
}

static const char *const skipped_keywords[]
    = { "if", "then", "elif", "else", "fi", "while", "until", "do", "done", "!", "{", "}",
        "coproc", NULL };

/* A word in command position (ST_START or ST_PROGRAM). */
static int
command_word (struct parser *p, const char *s, size_t *ip, unsigned depth, struct cmd *c,
              struct word *w)
{
  static const char *const kw_for[] = { "for", "select", NULL };
  static const char *const kw_time[] = { "time", NULL };
  static const char *const kw_test[] = { "[[", NULL };
  static const char *const kw_case[] = { "case", NULL };
  static const char *const kw_function[] = { "function", NULL };
  static const char *const kw_exec[] = { "exec", NULL };
  static const char *const kw_command[] = { "command", NULL };
  static const char *const kw_builtin[] = { "builtin", NULL };
  static const char *const kw_eval[] = { "eval", NULL };
  bool start = c->state == ST_START;

  if (start && is_assignment (w))
    {
      bool array = w->text.s[w->text.len - 1] == '=' && s[*ip] == '(';
      word_reset (w);
      return array ? scan_array (p, s, ip, depth) : 0;
    }
  if (start && word_is (w, skipped_keywords))
    ;
  else if (start && word_is (w, kw_for))
    c->state = ST_FOR_NAME;
  else if (start && word_is (w, kw_time))
    c->state = ST_TIME_OPTS;
  else if (start && word_is (w, kw_test))
    {
      word_reset (w);
      return scan_test (p, s, ip, depth);
    }
  else if (start && word_is (w, kw_case))
    return unknowable (p, "a case statement", true);
  else if (start && word_is (w, kw_function))
    return unknowable (p, "a function definition", true);
  else if (word_is (w, kw_exec))
    c->state = ST_EXEC_OPTS;
  else if (word_is (w, kw_command))
    c->state = ST_CMD_OPTS;
  else if (word_is (w, kw_builtin))
    c->state = ST_PROGRAM;
  else
    {
      c->eval = word_is (w, kw_eval);
      c->state = ST_ARGS;
      return cmd_add (p, c, w);
    }
  word_reset (w);
  return 0;
}

/* A word read by parse_list, according to where the command stands. */
static int
take_word (struct parser *p, const char *s, size_t *ip, unsigned depth, struct cmd *c,
           struct word *w)
{
  static const char *const kw_in[] = { "in", NULL };
  static const char *const kw_do[] = { "do", NULL };
  bool option = !w->quoted && !w->dynamic && w->text.s && w->text.s[0] == '-';

  switch (c->state)
    {
    case ST_ARGS:
      return cmd_add (p, c, w);
    case ST_FOR_NAME:
      c->state = ST_FOR_IN;
      break;
    case ST_FOR_IN:
      if (word_is (w, kw_in))
        c->state = ST_FOR_WORDS;
      else if (word_is (w, kw_do))
        c->state = ST_START;
      else
        return unknowable (p, "an unusual for loop", true);
      break;
    case ST_FOR_WORDS:
      break;
    case ST_TIME_OPTS:
      /* bash's `time` keyword takes only -p: `time -f FMT CMD` runs
       * /usr/bin/time (dash has no such keyword).  Kept as a command, for
       * the look-through of launchers.c to read its options. */
      if (option && strcmp (w->text.s, "-p") != 0 && strcmp (w->text.s, "--") != 0)
        {
          struct word t = { 0 };
          int r = buf_add (&t.text, "time", 4) ? cmd_add (p, c, &t) : nomem (p);
          word_reset (&t);
          c->state = ST_ARGS;
          return r < 0 ? r : cmd_add (p, c, w);
        }
      /* fall through */
    case ST_CMD_OPTS:
    case ST_EXEC_OPTS:
      if (option)
        {
          /* exec -a NAME: NAME is the argv[0] the program sees, not a program. */
          if (c->state == ST_EXEC_OPTS && strchr (w->text.s, 'a'))
            c->state = ST_EXEC_NAME;
          break;
        }
      c->state = c->state == ST_TIME_OPTS ? ST_START : ST_PROGRAM;
      return command_word (p, s, ip, depth, c, w);
    case ST_EXEC_NAME:
      c->state = ST_EXEC_OPTS;
      break;
    case ST_START:
    case ST_PROGRAM:
      return command_word (p, s, ip, depth, c, w);
    }
  word_reset (w);
  return 0;
}

/* Length of the redirection operator at s, 0 if none; *heredoc for << and <<-. */
static size_t
redirection (const char *s, bool *heredoc)
{
  static const char *const ops[] = { "&>>", "<<<", "<<-", "&>", ">>", ">|", ">&", "<&", "<>",
                                     "<<", "<", ">" };
  *heredoc = false;
  if ((s[0] == '<' || s[0] == '>') && s[1] == '(')
    return 0;
  for (size_t k = 0; k < N_ELEMENTS (ops); k++)
    if (strncmp (s, ops[k], strlen (ops[k])) == 0)
      {
        *heredoc = strcmp (ops[k], "<<") == 0 || strcmp (ops[k], "<<-") == 0;
        return strlen (ops[k]);
      }
  return 0;
}

/* Length of the separator at s (; & && || | |& ;; newline), 0 if none. */
static size_t
separator (const char *s)
{
  static const char *const ops[] = { ";;&", ";;", ";&", "&&", "||", "|&", ";", "&", "|", "\n" };
  for (size_t k = 0; k < N_ELEMENTS (ops); k++)
    if (strncmp (s, ops[k], strlen (ops[k])) == 0)
      return strlen (ops[k]);
  return 0;
}

/* A redirection at s[*ip] (its fd digits already skipped): the target is
 * read, for the substitutions in it, and dropped. */
static int
skip_redirection (struct parser *p, const char *s, size_t *ip, unsigned depth, size_t oplen,
                  bool heredoc)
{
  struct word w = { 0 };
  int r;

  if (heredoc)
    return unknowable (p, "a here-document", true);
  *ip += oplen;
  while (is_blank (s[*ip]) || (s[*ip] == '\\' && s[*ip + 1] == '\n'))
    *ip += s[*ip] == '\\' ? 2 : 1;
  if (is_meta (s[*ip]) && !((s[*ip] == '<' || s[*ip] == '>') && s[*ip + 1] == '('))
    return 0; /* a syntax error for the shell: nothing runs from here */
  r = read_word (p, s, ip, depth, &w);
  word_reset (&w);
  return r;
}

/* `(` at s[*ip]: a subshell, an arithmetic command, or a function definition. */
static int
open_paren (struct parser *p, const char *s, size_t *ip, unsigned depth, struct cmd *c)
{
  bool arith = s[*ip + 1] == '(';

  if (c->argc == 1 && c->state == ST_ARGS && s[*ip + 1] == ')')
    {
      cmd_reset (c); /* the name being defined does not run */
      return unknowable (p, "a function definition", true);
    }
  if (c->state == ST_FOR_NAME && arith)
    {
      c->state = ST_START;
      *ip += 2;
      return scan_arith (p, s, ip, depth + 1);
    }
  if (c->state != ST_START && c->state != ST_PROGRAM && c->state != ST_TIME_OPTS)
    return unknowable (p, "an unexpected (", true);
  if (arith)
    {
      *ip += 2;
      return scan_arith (p, s, ip, depth + 1);
    }
  return scan_subst (p, s, ip, depth + 1);
}

/* Reads a list of commands from s[*ip] to the end, or to the `)` that
 * closes it when term is ')'. */
static int
parse_list (struct parser *p, const char *s, size_t *ip, unsigned depth, int term)
{
  if (depth > MAX_DEPTH)
    return too_deep (p);
  struct cmd c = { 0 };
  struct word w = { 0 };
  size_t i = *ip, n;
  bool heredoc;
  int r = 0;

  while (r == 0 && !p->stop)
    {
      char ch = s[i];
      if (ch == '\0')
        {
          if (term)
            r = unknowable (p, "an unterminated ( or $(", true);
          break;
        }
      if (ch == ')' && term == ')')
        {
          i++;
          break;
        }
      if (is_blank (ch))
        i++;
      else if (ch == '\\' && s[i + 1] == '\n')
        i += 2;
      else if (ch == '#')
        while (s[i] && s[i] != '\n')
          i++;
      else if ((n = redirection (s + i, &heredoc)) > 0)
        r = skip_redirection (p, s, &i, depth, n, heredoc);
      else if ((n = separator (s + i)) > 0)
        {
          r = end_cmd (p, &c, depth);
          i += n;
        }
      else if (ch == '(')
        r = open_paren (p, s, &i, depth, &c);
      else if (ch == ')')
        r = unknowable (p, "an unmatched )", true);
      else
        {
          size_t j = i;
          while (is_digit (s[j]))
            j++;
          if (j > i && (n = redirection (s + j, &heredoc)) > 0 && s[j] != '&')
            {
              i = j; /* 2>file: the digits name a descriptor */
              r = skip_redirection (p, s, &i, depth, n, heredoc);
              continue;
            }
          size_t before = i;
          r = read_word (p, s, &i, depth, &w);
          if (r == 0 && w.any)
            r = take_word (p, s, &i, depth, &c, &w);
          word_reset (&w);
          if (i == before)
            i++; /* cannot happen; never loop forever */
        }
    }
  /* What was found before a construct not followed still runs. */
  if (r == 0)
    r = end_cmd (p, &c, depth);
  cmd_reset (&c);
  word_reset (&w);
  *ip = i;
  return r;
}

/* ---- public ---- */

/* Frees what the list holds, not the list itself, and empties it: a
 * second call does nothing. */
void
hg_cmd_list_free (struct hg_cmd_list *l)
{
  if (!l)
    return;
  for (size_t k = 0; k < l->n; k++)
    {
      struct hg_simple_cmd *c = &l->items[k];
      for (size_t i = 0; c->argv && i < c->argc; i++)
        free (c->argv[i]);
      free (c->argv);
      free (c->dynamic);
      free (c->as_user);
      free (c->via);
      free (c->cwd);
      free (c->root);
    }
  free (l->items);
  free (l->unknowable);
  memset (l, 0, sizeof *l);
}

int
hg_shell_parse (const char *script, struct hg_cmd_list *out, hg_error **err)
{
  if (!out)
    return hg_fail (err, HG_ERR_INVALID, "no list to fill");
  memset (out, 0, sizeof *out);
  if (!script)
    return hg_fail (err, HG_ERR_INVALID, "no shell string");

  struct parser p = { .out = out, .err = err };
  size_t i = 0;
  int r = parse_list (&p, script, &i, 0, 0);
  if (r < 0)
    hg_cmd_list_free (out);
  return r;
}
