/* Reading a launcher's words as the launcher reads them: its options
 * getopt_long-style (clusters, attached and separate arguments, `--`,
 * unique prefixes of long options), stopping at the first operand or
 * permuting as the program's own getopt call does, and what each option
 * means for the command it starts (struct inner, launchers.h). */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "launchers.h"

/* ---- reading a launcher's options ---- */

struct opt_iter
{
  const struct hg_simple_cmd *c;
  const struct launcher *l;
  size_t i;      /* the word being read */
  size_t at;     /* offset in a cluster of short options, 0 between words */
  size_t arg_at; /* the word holding the last option's argument */
  bool dashdash; /* stopped after `--` */
};

static int
short_has_arg (const char *shorts, char ch)
{
  const char *k = ch && ch != ':' ? strchr (shorts, ch) : NULL;
  if (!k || k[1] != ':')
    return NO_ARG;
  return k[2] == ':' ? OPTIONAL_ARG : REQUIRED_ARG;
}

/* The long option named by `name` (up to `=`): exact, or the first of
 * which it is a prefix, as getopt_long accepts abbreviations. */
static const struct long_opt *
find_long (const struct long_opt *longs, const char *name, size_t n)
{
  const struct long_opt *prefix = NULL;
  for (const struct long_opt *o = longs; n && o->name; o++)
    if (strncmp (o->name, name, n) == 0)
      {
        if (o->name[n] == '\0')
          return o;
        if (!prefix)
          prefix = o;
      }
  return prefix;
}

static bool
is_numeric_option (const char *w)
{
  w++;
  if (*w == '-' || *w == '+')
    w++;
  if (!*w)
    return false;
  for (; *w; w++)
    if (*w < '0' || *w > '9')
      return false;
  return true;
}

/* The argument of an option that takes one, from the next word. */
static const char *
next_word_arg (struct opt_iter *it)
{
  const char *arg = it->i + 1 < it->c->argc ? it->c->argv[it->i + 1] : NULL;
  it->arg_at = it->i + 1;
  it->i += arg ? 2 : 1;
  return arg;
}

static bool
next_long (struct opt_iter *it, int *val, const char **arg)
{
  const char *w = it->c->argv[it->i] + 2;
  const char *eq = strchr (w, '=');
  const struct long_opt *o = find_long (it->l->longs, w, eq ? (size_t) (eq - w) : strlen (w));

  *val = o ? o->val : V_UNKNOWN;
  *arg = eq ? eq + 1 : NULL;
  it->arg_at = it->i;
  if (o && o->has_arg == REQUIRED_ARG && !eq)
    *arg = next_word_arg (it);
  else
    it->i++;
  return true;
}

/* The next option of the launcher: false at its first operand (it->i),
 * after `--`, or at a word known only at run time. */
static bool
next_opt (struct opt_iter *it, int *val, const char **arg)
{
  const struct hg_simple_cmd *c = it->c;

  if (it->at == 0)
    {
      if (it->i >= c->argc || c->dynamic[it->i])
        return false;
      const char *w = c->argv[it->i];
      if (strcmp (w, "--") == 0)
        {
          it->i++;
          it->dashdash = true;
          return false;
        }
      if (w[0] != '-' || w[1] == '\0')
        return false;
      if ((it->l->flags & L_NUMERIC) && is_numeric_option (w))
        {
          *val = 'n';
          *arg = w;
          it->arg_at = it->i++;
          return true;
        }
      if (w[1] == '-')
        return next_long (it, val, arg);
      it->at = 1;
    }

  const char *w = c->argv[it->i];
  char ch = w[it->at++];
  int has_arg = short_has_arg (it->l->shorts, ch);
  *val = (unsigned char) ch;
  *arg = NULL;
  it->arg_at = it->i;
  if (has_arg != NO_ARG && w[it->at])
    *arg = w + it->at;
  if (has_arg == REQUIRED_ARG && !w[it->at])
    *arg = next_word_arg (it);
  else if (has_arg != NO_ARG || !w[it->at])
    it->i++;
  if (has_arg != NO_ARG || !w[it->at])
    it->at = 0;
  return true;
}

/* NAME=value before the program of sudo or env: any word with a `=`
 * after its first character is one for them. */
static bool
is_env_assignment (const char *w)
{
  const char *eq = strchr (w, '=');
  return eq && eq != w;
}

static bool
is_number (const char *w)
{
  if (!*w)
    return false;
  for (; *w; w++)
    if (*w < '0' || *w > '9')
      return false;
  return true;
}

/* What option val (with its argument, from word arg_at) means to the
 * look-through, by the launcher's kind. */
static void
take_option (const struct launcher *l, const struct hg_simple_cmd *c, struct inner *in, int val,
             const char *arg, size_t arg_at)
{
  bool dyn = arg && arg_at < c->argc && c->dynamic[arg_at];

  if (val == V_NOTHING || (val < 256 && val && strchr (l->nothing, val)))
    {
      in->nothing = true;
      return;
    }
  switch (l->kind)
    {
    case K_SUDO:
      if (val == 'u')
        in->user = arg;
      else if (val == 'g')
        in->group_only = true;
      else if (val == 'D')
        in->chdir = arg, in->chdir_unknown = dyn;
      else if (val == 'i')
        in->login_shell = in->chdir_unknown = true; /* the target's home */
      else if (val == 's')
        in->login_shell = true;
      break;
    case K_ENV:
      if (val == 'C')
        in->chdir = arg, in->chdir_unknown = dyn;
      else if (val == 'S')
        in->split = arg, in->split_dynamic = dyn;
      break;
    case K_XARGS:
      if (val == 'I' || val == 'i')
        in->replace = arg ? arg : "{}";
      break;
    case K_SU:
      if (val == 'c' || val == V_SESSION_CMD)
        in->command = arg, in->command_dynamic = dyn;
      else if (val == 's')
        in->shell = arg, in->shell_dynamic = dyn;
      else if (val == 'l')
        in->chdir_unknown = true;
      else if (val == 'u')
        in->user = arg, in->runs_direct = true;
      break;
    case K_SETPRIV:
      if (val == V_USER)
        in->user = arg;
      break;
    case K_CHROOT:
      if (val == V_SKIP_CHDIR)
        in->skip_chdir = true;
      break;
    case K_UNSHARE:
      if (val == 'R')
        in->root = arg, in->root_unknown = dyn;
      else if (val == 'w')
        in->chdir = arg, in->chdir_unknown = dyn;
      break;
    case K_NSENTER:
      /* -r and -w alone take the target process's root and cwd. */
      if (val == 'r')
        in->root = arg, in->root_unknown = dyn || !arg;
      else if (val == 'w' || val == 'W')
        in->chdir = arg, in->chdir_unknown = dyn || !arg;
      break;
    case K_TRACE:
      if (val == 'u')
        in->user = arg;
      else if (val == 'o' && strcmp (l->name, "strace") == 0 && arg)
        {
          /* strace -o '|CMD' and '!CMD' pipe the trace to CMD through sh -c. */
          if (dyn)
            in->hidden = true;
          else if (arg[0] == '|' || arg[0] == '!')
            in->pipe_to = arg + 1;
        }
      break;
    case K_SCRIPT:
      if (val == 'c')
        in->command = arg, in->command_dynamic = dyn;
      break;
    case K_FAKEROOT:
      /* fakeroot runs `eval echo LIB` on -l, and runs the program of -f. */
      if (val == 'l' && arg && (dyn || strpbrk (arg, "$`\\")))
        in->hidden = true;
      else if (val == 'f')
        in->faked = arg, in->faked_dynamic = dyn;
      break;
    case K_WATCH:
      if (val == 'x')
        in->runs_direct = true;
      break;
    case K_PLAIN:
    case K_TIME:
    case K_FLOCK:
    case K_BUSYBOX:
      break;
    }
}

int
hg_launcher_read (const struct launcher *l, const struct hg_simple_cmd *c, struct inner *in)
{
  struct opt_iter it = { .c = c, .l = l, .i = 1 };
  int val;
  const char *arg;

  if ((l->flags & L_PERMUTE) && !(in->operands = calloc (c->argc, sizeof *in->operands)))
    return -1;
  for (;;)
    {
      while (!in->split && next_opt (&it, &val, &arg))
        take_option (l, c, in, val, arg, it.arg_at);
      if (in->split)
        break; /* env -S: the rest is read again after the split words */
      if (it.dashdash || it.i >= c->argc)
        break;
      /* env -: an obsolete -i. */
      if (l->kind == K_ENV && !c->dynamic[it.i] && strcmp (c->argv[it.i], "-") == 0)
        {
          it.i++;
          continue;
        }
      if (!(l->flags & L_PERMUTE))
        break;
      if (c->dynamic[it.i])
        {
          in->hidden = true;
          break;
        }
      in->operands[in->n_operands++] = it.i++;
    }
  if (in->operands)
    while (it.i < c->argc)
      in->operands[in->n_operands++] = it.i++;

  if (in->user && strlen (in->user) >= HG_MAX_USER)
    in->nothing = true;
  if (in->split)
    {
      /* env -S: every word after the string follows the split words,
       * NAME=value ones included; the new env reads them all again. */
      in->start = it.i;
      return 0;
    }

  size_t i = it.i;
  if (l->flags & L_ASSIGNMENTS)
    while (i < c->argc && is_env_assignment (c->argv[i]))
      i++;
  if ((l->flags & L_OPERAND) && i < c->argc)
    {
      if (l->kind == K_CHROOT)
        in->root = c->argv[i], in->root_unknown = c->dynamic[i];
      i++;
    }
  if ((l->flags & L_PRIORITY) && i < c->argc && !c->dynamic[i] && is_number (c->argv[i]))
    i++;
  for (size_t k = 1; k < i; k++)
    if (c->dynamic[k] && !(l->kind == K_CHROOT && k == i - 1))
      {
        i = k;
        break;
      }
  in->start = i;
  return 0;
}
