/* The simple commands of a shell string: which word is the program
 * (after keywords, assignments, exec/command/builtin/time and their
 * options), what for loops, [[ ]] and array assignments hold, and eval. */
#include "shell_parse.h"

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
  if (!hg_grow (&c->argv, &c->cap, c->argc + 2, sizeof *c->argv))
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
  if (!hg_grow (&out->items, &p->cap, out->n + 1, sizeof *out->items))
    return nomem (p);
  if (!hg_grow (&c->argv, &c->cap, c->argc + 2, sizeof *c->argv))
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
      r = p->list (p, joined.s, &j, depth + 1, 0);
    }
  free (joined.s);
  return r;
}

/* The end of a simple command (an operator, a newline, the end). */
int
hg_sh_end_cmd (struct parser *p, struct cmd *c, unsigned depth)
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
          r = hg_sh_read_word (p, s, &i, depth, &w);
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
          r = hg_sh_read_word (p, s, &i, depth, &w);
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
int
hg_sh_take_word (struct parser *p, const char *s, size_t *ip, unsigned depth, struct cmd *c,
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
