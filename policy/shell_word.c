/* A word of a shell string as the shell reads it before expansion:
 * quotes removed, and the expansions in it ($..., ${...}, $((...)), $(...),
 * `...`, <(...)) kept as written but scanned for the commands they run. */
#include "shell_parse.h"

static int read_unit (struct parser *p, const char *s, size_t *ip, unsigned depth, struct word *w);

/* The characters that start a quoted part or an expansion. */
static bool
is_unit_start (char c)
{
  return c == '\\' || c == '\'' || c == '"' || c == '$' || c == '`';
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

/* s[*ip] is the first character after `$((` or `((` of an arithmetic
 * expression (close ')': reads to the closing `))`), or after `${` (close
 * '}': reads to the matching `}`). */
int
hg_sh_scan_to_close (struct parser *p, const char *s, size_t *ip, unsigned depth, char close)
{
  if (depth > MAX_DEPTH)
    return too_deep (p);
  char open = close == ')' ? '(' : '{';
  size_t i = *ip;
  size_t nest = 0;
  int r = 0;
  struct word w = { 0 };

  while (!p->stop)
    {
      char c = s[i];
      if (c == '\0')
        {
          r = unknowable (p, close == ')' ? "an unterminated arithmetic expression"
                                          : "an unterminated ${", true);
          break;
        }
      if (c == open)
        nest++, i++;
      else if (c == close && nest > 0)
        nest--, i++;
      else if (c == close)
        {
          if (close == ')' && s[i + 1] != ')')
            {
              /* $( (cmd) ...): a substitution that starts with a subshell. */
              r = unknowable (p, "an ambiguous $(( or ((", true);
              break;
            }
          i += close == ')' ? 2 : 1;
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
      r = p->list (p, inner.s ? inner.s : "", &j, depth, 0);
    }
  free (inner.s);
  *ip = i;
  return r;
}

/* A process substitution <(...) or >(...), or $(...): s[*ip] is `(`. */
int
hg_sh_scan_subst (struct parser *p, const char *s, size_t *ip, unsigned depth)
{
  (*ip)++;
  return p->list (p, s, ip, depth, ')');
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
      r = hg_sh_scan_to_close (p, s, &i, depth + 1, ')');
    }
  else if (c == '(')
    {
      i++;
      r = hg_sh_scan_subst (p, s, &i, depth + 1);
    }
  else if (c == '{')
    {
      i += 2;
      r = hg_sh_scan_to_close (p, s, &i, depth + 1, '}');
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
      r = hg_sh_read_ansi (p, s, &i, w);
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
int
hg_sh_read_word (struct parser *p, const char *s, size_t *ip, unsigned depth, struct word *w)
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
          r = hg_sh_scan_subst (p, s, &i, depth + 1);
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
