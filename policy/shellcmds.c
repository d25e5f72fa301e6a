/* Where a shell gets its commands, for the look-through of the prefix
 * form: from a -c string (which launchers.c parses), or from somewhere the
 * command line does not show (a script file, its standard input, an alias
 * or a trap set earlier, a file read by `.`).  What cannot be shown is
 * unknowable: the decision is then at least confirm, and check says why. */
#include <string.h>

#include "internal.h"

/* Shells that take `-c STRING` and otherwise read a script or stdin. */
static const char *const shells[]
    = { "sh", "bash", "dash", "rbash", "ash", "ksh", "ksh93", "mksh", "pdksh", "zsh", "yash", "posh" };

bool
hg_is_shell (const char *name)
{
  for (size_t k = 0; k < N_ELEMENTS (shells); k++)
    if (strcmp (name, shells[k]) == 0)
      return true;
  return false;
}

/* bash's long options that take the next word. */
static bool
long_takes_word (const char *w)
{
  return strcmp (w, "--rcfile") == 0 || strcmp (w, "--init-file") == 0;
}

enum hg_shell_run
hg_shell_invocation (const struct hg_simple_cmd *c, size_t *string_at, const char **why)
{
  bool has_c = false, has_s = false;
  size_t i = 1;

  *string_at = 0;
  *why = NULL;
  for (; i < c->argc; i++)
    {
      const char *w = c->argv[i];
      if (c->dynamic[i])
        {
          *why = "a shell runs a string known only at run time";
          return HG_SHELL_HIDDEN;
        }
      if (strcmp (w, "--") == 0 || strcmp (w, "-") == 0)
        {
          i++;
          break;
        }
      if (w[0] != '-' && w[0] != '+')
        break;
      if (w[0] == '-' && w[1] == '-')
        {
          if (strcmp (w, "--help") == 0 || strcmp (w, "--version") == 0)
            return HG_SHELL_NOTHING;
          if (long_takes_word (w))
            i++;
          continue;
        }
      /* -o OPTION and -O SHOPT take the next word, even inside a cluster. */
      for (const char *k = w + 1; *k; k++)
        if (*k == 'c' && w[0] == '-')
          has_c = true;
        else if (*k == 's' && w[0] == '-')
          has_s = true;
        else if (*k == 'o' || *k == 'O')
          i++;
    }

  if (has_c)
    {
      if (i >= c->argc)
        return HG_SHELL_NOTHING; /* "-c: option requires an argument" */
      if (c->dynamic[i])
        {
          *why = "a shell runs a string known only at run time";
          return HG_SHELL_HIDDEN;
        }
      *string_at = i;
      return HG_SHELL_STRING;
    }
  if (has_s || i >= c->argc)
    *why = "a shell reads its commands from its standard input (a pipe, a file or a terminal)";
  else
    *why = "a shell runs a script file, whose commands the command line does not show";
  return HG_SHELL_HIDDEN;
}

static bool
is (const struct hg_simple_cmd *c, size_t i, const char *word)
{
  return i < c->argc && !c->dynamic[i] && strcmp (c->argv[i], word) == 0;
}

/* trap ACTION SIGNAL...: ACTION runs later, on the signal or at exit.
 * `trap`, `trap -l`, `trap -p`, `trap - SIG` and `trap '' SIG` run nothing
 * new, nor does a first operand that is a number (POSIX: a reset). */
static bool
sets_trap (const struct hg_simple_cmd *c)
{
  size_t i = 1;
  if (is (c, i, "--"))
    i++;
  else if (i < c->argc && !c->dynamic[i] && c->argv[i][0] == '-' && c->argv[i][1] != '\0')
    return false;
  if (i + 1 >= c->argc)
    return false;
  if (c->dynamic[i])
    return true;
  const char *action = c->argv[i];
  if (!*action || strcmp (action, "-") == 0)
    return false;
  return strspn (action, "0123456789") != strlen (action);
}

/* alias NAME=VALUE: later words of the string may become any command. */
static bool
defines_alias (const struct hg_simple_cmd *c)
{
  for (size_t i = 1; i < c->argc; i++)
    if (c->dynamic[i] || strchr (c->argv[i], '='))
      return true;
  return false;
}

const char *
hg_hidden_builtin (const struct hg_simple_cmd *c)
{
  if (c->argc == 0 || c->dynamic[0])
    return NULL;
  const char *name = c->argv[0];
  if (strcmp (name, "alias") == 0 && defines_alias (c))
    return "an alias definition: a later word may run any command";
  if (strcmp (name, "trap") == 0 && sets_trap (c))
    return "a trap: its string runs later, on a signal or at exit";
  if ((strcmp (name, ".") == 0 || strcmp (name, "source") == 0) && c->argc > 1)
    return "a file read by `.` or source, whose commands the command line does not show";
  /* enable -f FILE NAME loads a builtin from a shared object. */
  if (strcmp (name, "enable") == 0)
    for (size_t i = 1; i < c->argc; i++)
      if (c->dynamic[i] || (c->argv[i][0] == '-' && strchr (c->argv[i], 'f')))
        return "a builtin loaded from a shared object (enable -f)";
  return NULL;
}
