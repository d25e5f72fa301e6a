/* The commands of a shell string, for `sh -c STRING` in the prefix form.
 *
 * This is not a shell: it follows the POSIX/bash grammar far enough to find
 * every simple command a string can start (including those inside
 * subshells, groups, $(...), backquotes, process substitutions, redirection
 * targets and eval), and gives up openly (list->unknowable) on what it does
 * not follow.  Everything is a single pass over the text; recursion follows
 * the nesting of the string and is bounded by MAX_DEPTH.  Here: the lists
 * (operators, redirections, subshells); shell_simple.c, shell_word.c and
 * shell_ansi.c read their commands and words. */
#include "shell_parse.h"

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
  r = hg_sh_read_word (p, s, ip, depth, &w);
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
      return hg_sh_scan_to_close (p, s, ip, depth + 1, ')');
    }
  if (c->state != ST_START && c->state != ST_PROGRAM && c->state != ST_TIME_OPTS)
    return unknowable (p, "an unexpected (", true);
  if (arith)
    {
      *ip += 2;
      return hg_sh_scan_to_close (p, s, ip, depth + 1, ')');
    }
  return hg_sh_scan_subst (p, s, ip, depth + 1);
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
          r = hg_sh_end_cmd (p, &c, depth);
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
          r = hg_sh_read_word (p, s, &i, depth, &w);
          if (r == 0 && w.any)
            r = hg_sh_take_word (p, s, &i, depth, &c, &w);
          word_reset (&w);
          if (i == before)
            i++; /* cannot happen; never loop forever */
        }
    }
  /* What was found before a construct not followed still runs. */
  if (r == 0)
    r = hg_sh_end_cmd (p, &c, depth);
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

  struct parser p = { .out = out, .err = err, .list = parse_list };
  size_t i = 0;
  int r = parse_list (&p, script, &i, 0, 0);
  if (r < 0)
    hg_cmd_list_free (out);
  return r;
}
