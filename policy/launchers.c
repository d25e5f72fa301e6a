/* Looking through launchers: `sudo -u mysql env X=1 nice sh -c 'rm -rf /'`
 * runs rm.  The prefix form has only the command line, so the policy must
 * see the programs the launchers start, not just the launchers.
 *
 * Each launcher's options are read getopt_long-style (clusters, attached
 * and separate arguments, `--`, unique prefixes of long options), stopping
 * at the first operand as these programs do.  A word known only at run
 * time (from a shell string) before the program may expand to options, to
 * several words, or to the program itself: the look-through then keeps
 * that word as the program, and the decider sees a dynamic name. */
#define _GNU_SOURCE
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

#define MAX_LAUNCHERS 16
/* LOGIN_NAME_MAX: sudo refuses longer user names, so it runs nothing. */
#define MAX_USER 256
/* Of a user name shown in a trail: every command found inside carries the
 * trail, so it is kept short. */
#define MAX_USER_SHOWN 32

enum
{
  NO_ARG,
  REQUIRED_ARG,
  OPTIONAL_ARG, /* attached only: -e[EOF], --eof[=EOF] */
};

/* Option values beyond the short ones. */
enum
{
  V_NOTHING = 256, /* --help, --version: the launcher runs nothing */
  V_LONG_ONLY,     /* an option without a short form, no effect here */
  V_UNKNOWN,
};

struct long_opt
{
  const char *name;
  int has_arg;
  int val;
};

enum
{
  L_ASSIGNMENTS = 1u << 0, /* NAME=value operands before the program (sudo, env) */
  L_OPERAND = 1u << 1,     /* one operand before the program (timeout DURATION, taskset MASK) */
  L_PRIORITY = 1u << 2,    /* chrt PRIO: a number before the program */
  L_NUMERIC = 1u << 3,     /* nice -10, nice --5 */
  L_MORE_ARGS = 1u << 4,   /* xargs: the program gets arguments at run time */
  L_ECHO = 1u << 5,        /* xargs alone runs echo */
  L_SUDO = 1u << 6,
  L_ENV = 1u << 7,
  L_XARGS = 1u << 8,
};

struct launcher
{
  const char *name;
  const char *shorts; /* getopt(3) syntax, without the leading + */
  const struct long_opt *longs;
  const char *nothing; /* short options after which nothing runs */
  unsigned flags;
};

#define HELP_VERSION { "help", NO_ARG, V_NOTHING }, { "version", NO_ARG, V_NOTHING }

static const struct long_opt sudo_longs[] = {
  { "askpass", NO_ARG, 'A' },         { "auth-type", REQUIRED_ARG, 'a' },
  { "background", NO_ARG, 'b' },      { "bell", NO_ARG, 'B' },
  { "close-from", REQUIRED_ARG, 'C' }, { "login-class", REQUIRED_ARG, 'c' },
  { "chdir", REQUIRED_ARG, 'D' },     { "preserve-env", OPTIONAL_ARG, 'E' },
  { "edit", NO_ARG, 'e' },            { "group", REQUIRED_ARG, 'g' },
  { "set-home", NO_ARG, 'H' },        { "host", REQUIRED_ARG, 'h' },
  { "login", NO_ARG, 'i' },           { "remove-timestamp", NO_ARG, 'K' },
  { "reset-timestamp", NO_ARG, 'k' }, { "list", NO_ARG, 'l' },
  { "no-update", NO_ARG, 'N' },       { "non-interactive", NO_ARG, 'n' },
  { "preserve-groups", NO_ARG, 'P' }, { "prompt", REQUIRED_ARG, 'p' },
  { "chroot", REQUIRED_ARG, 'R' },    { "role", REQUIRED_ARG, 'r' },
  { "stdin", NO_ARG, 'S' },           { "shell", NO_ARG, 's' },
  { "type", REQUIRED_ARG, 't' },      { "command-timeout", REQUIRED_ARG, 'T' },
  { "other-user", REQUIRED_ARG, 'U' }, { "user", REQUIRED_ARG, 'u' },
  { "validate", NO_ARG, 'v' },        HELP_VERSION,
  { NULL, 0, 0 },
};

static const struct long_opt env_longs[] = {
  { "argv0", REQUIRED_ARG, 'a' },
  { "chdir", REQUIRED_ARG, 'C' },
  { "ignore-environment", NO_ARG, 'i' },
  { "null", NO_ARG, '0' },
  { "split-string", REQUIRED_ARG, 'S' },
  { "unset", REQUIRED_ARG, 'u' },
  { "debug", NO_ARG, 'v' },
  { "block-signal", OPTIONAL_ARG, V_LONG_ONLY },
  { "default-signal", OPTIONAL_ARG, V_LONG_ONLY },
  { "ignore-signal", OPTIONAL_ARG, V_LONG_ONLY },
  { "list-signal-handling", NO_ARG, V_LONG_ONLY },
  HELP_VERSION,
  { NULL, 0, 0 },
};

static const struct long_opt nice_longs[] = {
  { "adjustment", REQUIRED_ARG, 'n' },
  HELP_VERSION,
  { NULL, 0, 0 },
};

static const struct long_opt ionice_longs[] = {
  { "class", REQUIRED_ARG, 'c' }, { "classdata", REQUIRED_ARG, 'n' },
  { "ignore", NO_ARG, 't' },      { "pid", REQUIRED_ARG, 'p' },
  { "pgid", REQUIRED_ARG, 'P' },  { "uid", REQUIRED_ARG, 'u' },
  HELP_VERSION,                   { NULL, 0, 0 },
};

static const struct long_opt nohup_longs[] = {
  HELP_VERSION,
  { NULL, 0, 0 },
};

static const struct long_opt timeout_longs[] = {
  { "foreground", NO_ARG, 'f' },      { "kill-after", REQUIRED_ARG, 'k' },
  { "preserve-status", NO_ARG, 'p' }, { "signal", REQUIRED_ARG, 's' },
  { "verbose", NO_ARG, 'v' },         HELP_VERSION,
  { NULL, 0, 0 },
};

static const struct long_opt stdbuf_longs[] = {
  { "input", REQUIRED_ARG, 'i' },
  { "output", REQUIRED_ARG, 'o' },
  { "error", REQUIRED_ARG, 'e' },
  HELP_VERSION,
  { NULL, 0, 0 },
};

static const struct long_opt chrt_longs[] = {
  { "all-tasks", NO_ARG, 'a' },          { "batch", NO_ARG, 'b' },
  { "deadline", NO_ARG, 'd' },           { "fifo", NO_ARG, 'f' },
  { "idle", NO_ARG, 'i' },               { "other", NO_ARG, 'o' },
  { "rr", NO_ARG, 'r' },                 { "reset-on-fork", NO_ARG, 'R' },
  { "sched-runtime", REQUIRED_ARG, 'T' }, { "sched-period", REQUIRED_ARG, 'P' },
  { "sched-deadline", REQUIRED_ARG, 'D' }, { "max", NO_ARG, 'm' },
  { "pid", NO_ARG, 'p' },                { "verbose", NO_ARG, 'v' },
  HELP_VERSION,                          { NULL, 0, 0 },
};

static const struct long_opt taskset_longs[] = {
  { "all-tasks", NO_ARG, 'a' },
  { "cpu-list", NO_ARG, 'c' },
  { "pid", NO_ARG, 'p' },
  HELP_VERSION,
  { NULL, 0, 0 },
};

static const struct long_opt setsid_longs[] = {
  { "ctty", NO_ARG, 'c' },
  { "fork", NO_ARG, 'f' },
  { "wait", NO_ARG, 'w' },
  HELP_VERSION,
  { NULL, 0, 0 },
};

static const struct long_opt xargs_longs[] = {
  { "null", NO_ARG, '0' },
  { "arg-file", REQUIRED_ARG, 'a' },
  { "delimiter", REQUIRED_ARG, 'd' },
  { "eof", OPTIONAL_ARG, 'e' },
  { "replace", OPTIONAL_ARG, 'i' },
  { "max-lines", OPTIONAL_ARG, 'l' },
  { "max-args", REQUIRED_ARG, 'n' },
  { "open-tty", NO_ARG, 'o' },
  { "max-procs", REQUIRED_ARG, 'P' },
  { "interactive", NO_ARG, 'p' },
  { "process-slot-var", REQUIRED_ARG, V_LONG_ONLY },
  { "no-run-if-empty", NO_ARG, 'r' },
  { "max-chars", REQUIRED_ARG, 's' },
  { "verbose", NO_ARG, 't' },
  { "exit", NO_ARG, 'x' },
  { "show-limits", NO_ARG, V_LONG_ONLY },
  HELP_VERSION,
  { NULL, 0, 0 },
};

/* sudo -h takes a host (sudo(8) treats a following word as one); -k with
 * a command runs it, so only -l -v -e -K -V run nothing. */
static const struct launcher launchers[] = {
  { "sudo", "Aa:BbC:c:D:Eeg:Hh:iKklNnPp:R:r:SsT:t:U:u:Vv", sudo_longs, "lveKV",
    L_ASSIGNMENTS | L_SUDO },
  { "env", "0a:C:iS:u:v", env_longs, "", L_ASSIGNMENTS | L_ENV },
  { "nice", "n:", nice_longs, "", L_NUMERIC },
  { "ionice", "c:n:p:P:tu:", ionice_longs, "pPu", 0 },
  { "nohup", "", nohup_longs, "", 0 },
  { "timeout", "fk:ps:v", timeout_longs, "", L_OPERAND },
  { "stdbuf", "i:o:e:", stdbuf_longs, "", 0 },
  { "chrt", "abdD:fihmoP:prRT:vV", chrt_longs, "hmpV", L_PRIORITY },
  { "taskset", "acphV", taskset_longs, "phV", L_OPERAND },
  { "setsid", "cfwhV", setsid_longs, "hV", 0 },
  { "xargs", "0a:d:E:e::I:i::L:l::n:oP:prs:tx", xargs_longs, "", L_MORE_ARGS | L_ECHO | L_XARGS },
};

static const char *const shells[] = { "sh", "bash", "dash" };

/* ---- reading a launcher's options ---- */

struct opt_iter
{
  const struct hg_simple_cmd *c;
  const struct launcher *l;
  size_t i;  /* the word being read */
  size_t at; /* offset in a cluster of short options, 0 between words */
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
          return false;
        }
      if (w[0] != '-' || w[1] == '\0')
        return false;
      if ((it->l->flags & L_NUMERIC) && is_numeric_option (w))
        {
          *val = 'n';
          *arg = w;
          it->i++;
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

/* What a launcher command runs. */
struct inner
{
  size_t start;      /* the program's index in argv; argc when none */
  bool nothing;      /* sudo -l, taskset -p...: no program runs */
  bool split;        /* env -S: the program is inside a string */
  const char *user;  /* sudo -u USER */
  bool group_only;   /* sudo -g without -u: runs as the caller */
  const char *replace; /* xargs -I REPL: words holding it change at run time */
};

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

static void
read_launcher (const struct launcher *l, const struct hg_simple_cmd *c, struct inner *in)
{
  struct opt_iter it = { .c = c, .l = l, .i = 1 };
  int val;
  const char *arg;

  for (;;)
    {
      while (next_opt (&it, &val, &arg))
        {
          if (val == V_NOTHING || (val < 256 && val && strchr (l->nothing, val)))
            in->nothing = true;
          else if ((l->flags & L_SUDO) && val == 'u')
            in->user = arg;
          else if ((l->flags & L_SUDO) && val == 'g')
            in->group_only = true;
          else if ((l->flags & L_ENV) && val == 'S')
            in->split = true;
          else if ((l->flags & L_XARGS) && (val == 'I' || val == 'i'))
            in->replace = arg ? arg : "{}";
        }
      /* env -: an obsolete -i. */
      if (!(l->flags & L_ENV) || it.i >= c->argc || c->dynamic[it.i] || strcmp (c->argv[it.i], "-"))
        break;
      it.i++;
    }

  if (in->user && strlen (in->user) >= MAX_USER)
    in->nothing = true;

  size_t i = it.i;
  if (l->flags & L_ASSIGNMENTS)
    while (i < c->argc && is_env_assignment (c->argv[i]))
      i++;
  if ((l->flags & L_OPERAND) && i < c->argc)
    i++;
  if ((l->flags & L_PRIORITY) && i < c->argc && !c->dynamic[i] && is_number (c->argv[i]))
    i++;
  for (size_t k = 1; k < i; k++)
    if (c->dynamic[k])
      {
        i = k;
        break;
      }
  in->start = i;
}

/* ---- the output list ---- */

struct look
{
  struct hg_cmd_list *out;
  size_t cap; /* of out->items */
  hg_error **err;
};

static int
nomem (struct look *lk)
{
  return hg_fail (lk->err, HG_ERR_NOMEM, "out of memory");
}

/* Appends a zeroed item; the list owns it even when filling it fails. */
static struct hg_simple_cmd *
new_item (struct look *lk)
{
  struct hg_cmd_list *out = lk->out;
  if (out->n >= lk->cap)
    {
      size_t ncap = lk->cap ? lk->cap * 2 : 8;
      if (ncap > SIZE_MAX / sizeof *out->items)
        return NULL;
      struct hg_simple_cmd *v = realloc (out->items, ncap * sizeof *v);
      if (!v)
        return NULL;
      out->items = v;
      lk->cap = ncap;
    }
  struct hg_simple_cmd *item = &out->items[out->n++];
  memset (item, 0, sizeof *item);
  return item;
}

/* A copy of words [start, argc) of a command, with their flags. */
static int
push_words (struct look *lk, const char *const *argv, const bool *dynamic, size_t argc,
            const char *as_user, const char *via, bool more_args)
{
  struct hg_simple_cmd *item = new_item (lk);
  if (!item)
    return nomem (lk);
  item->argv = calloc (argc + 1, sizeof *item->argv);
  item->dynamic = calloc (argc ? argc : 1, sizeof *item->dynamic);
  if (!item->argv || !item->dynamic)
    return nomem (lk);
  item->argc = argc;
  for (size_t i = 0; i < argc; i++)
    {
      if (!(item->argv[i] = strdup (argv[i])))
        return nomem (lk);
      item->dynamic[i] = dynamic && dynamic[i];
    }
  item->more_args = more_args;
  if ((as_user && !(item->as_user = strdup (as_user))) || (via && !(item->via = strdup (via))))
    return nomem (lk);
  return 0;
}

static int
unknowable (struct look *lk, const char *why)
{
  if (!lk->out->unknowable && !(lk->out->unknowable = strdup (why)))
    return nomem (lk);
  return 0;
}

/* "sudo -u mysql > sh -c": the trail so far, then this launcher. */
static char *
join_via (const char *via, const char *label, const char *user)
{
  char *s;
  int shown = user && strlen (user) > MAX_USER_SHOWN ? MAX_USER_SHOWN : INT_MAX;
  if (asprintf (&s, "%s%s%s%s%.*s%s", via ? via : "", via ? " > " : "", label, user ? " -u " : "",
                shown, user ? user : "", shown == MAX_USER_SHOWN ? "..." : "")
      < 0)
    return NULL;
  return s;
}

static const char *
base_name (const char *path)
{
  const char *slash = strrchr (path, '/');
  return slash ? slash + 1 : path;
}

static int look_into (struct look *lk, size_t idx, unsigned depth);

static int
too_deep (struct look *lk)
{
  return hg_fail (lk->err, HG_ERR_INVALID, "more than %d launchers nested (sudo, env, sh -c...)",
                  MAX_LAUNCHERS);
}

/* ---- sh -c STRING ---- */

/* The index of STRING in `sh [opts] -c [opts] STRING [NAME [ARGS...]]`;
 * 0 when the shell runs no string (a script, stdin, a session), or when
 * *dynamic: a word known only at run time stands among its options. */
static size_t
shell_string (const struct hg_simple_cmd *c, bool *dynamic)
{
  bool has_c = false;
  size_t i = 1;

  for (; i < c->argc; i++)
    {
      const char *w = c->argv[i];
      if (c->dynamic[i])
        {
          *dynamic = true;
          return 0;
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
          if (strcmp (w, "--rcfile") == 0 || strcmp (w, "--init-file") == 0)
            i++;
          continue;
        }
      /* -o OPTION and -O SHOPT take the next word, even inside a cluster. */
      for (const char *k = w + 1; *k; k++)
        if (*k == 'c' && w[0] == '-')
          has_c = true;
        else if (*k == 'o' || *k == 'O')
          i++;
    }
  if (!has_c || i >= c->argc)
    return 0;
  if (c->dynamic[i])
    *dynamic = true;
  return c->dynamic[i] ? 0 : i;
}

static bool
is_cd (const struct hg_simple_cmd *c)
{
  return c->argc > 0 && !c->dynamic[0]
         && (strcmp (c->argv[0], "cd") == 0 || strcmp (c->argv[0], "pushd") == 0);
}

/* A `cd` moves the commands after it: `cd /srv && rm -rf mariadb` removes
 * /srv/mariadb.  Subshells are not told apart; match.c also resolves
 * against the request's own cwd, so the approximation only ever adds
 * places a path may lie.  `cd` alone, `cd -` or a target known only at run
 * time leave the directory unknown. */
static int
follow_cd (struct hg_cmd_list *sub, const struct hg_simple_cmd *parent)
{
  cleanup_free char *cur = parent->cwd ? strdup (parent->cwd) : NULL;
  if (parent->cwd && !cur)
    return -1;
  bool unknown = parent->cwd_unknown;
  for (size_t k = 0; k < sub->n; k++)
    {
      struct hg_simple_cmd *c = &sub->items[k];
      if (cur && !(c->cwd = strdup (cur)))
        return -1;
      c->cwd_unknown = unknown;
      if (!is_cd (c))
        continue;
      size_t i = 1;
      while (i < c->argc && !c->dynamic[i] && c->argv[i][0] == '-' && c->argv[i][1] != '\0')
        if (strcmp (c->argv[i++], "--") == 0)
          break;
      if (i >= c->argc || c->dynamic[i] || strcmp (c->argv[i], "-") == 0)
        {
          unknown = true;
          continue;
        }
      const char *dir = c->argv[i];
      char *next = NULL;
      if (dir[0] == '/' || !cur)
        next = strdup (dir);
      else if (asprintf (&next, "%s/%s", cur, dir) < 0)
        next = NULL;
      if (!next)
        return -1;
      free (cur);
      cur = next;
      if (dir[0] == '/')
        unknown = false;
      if (strlen (cur) > PATH_MAX)
        {
          /* `cd a; cd a; ...` thousands of times: every later command would
           * copy an ever longer string.  Past PATH_MAX it is unknown. */
          free (cur);
          cur = NULL;
          unknown = true;
        }
    }
  return 0;
}

/* Moves the commands of a parsed string to the output, each looked into. */
static int
adopt_commands (struct look *lk, struct hg_cmd_list *sub, const char *as_user, const char *via,
                unsigned depth)
{
  for (size_t k = 0; k < sub->n; k++)
    {
      struct hg_simple_cmd *item = new_item (lk);
      if (!item)
        return nomem (lk);
      *item = sub->items[k];
      memset (&sub->items[k], 0, sizeof sub->items[k]);
      if ((as_user && !(item->as_user = strdup (as_user))) || !(item->via = strdup (via)))
        return nomem (lk);
      int r = look_into (lk, lk->out->n - 1, depth);
      if (r < 0)
        return r;
    }
  return 0;
}

static int
look_into_shell (struct look *lk, size_t idx, unsigned depth)
{
  const struct hg_simple_cmd *c = &lk->out->items[idx];
  bool dynamic = false;
  size_t k = shell_string (c, &dynamic);

  if (dynamic)
    return unknowable (lk, "a shell runs a string known only at run time");
  if (!k)
    return 0;
  if (depth >= MAX_LAUNCHERS)
    return too_deep (lk);

  struct hg_cmd_list sub;
  int r = hg_shell_parse (c->argv[k], &sub, lk->err);
  if (r < 0)
    return r;
  cleanup_free char *label = NULL;
  cleanup_free char *via = NULL;
  cleanup_free char *as_user = c->as_user ? strdup (c->as_user) : NULL;
  if (asprintf (&label, "%s -c", base_name (c->argv[0])) < 0)
    label = NULL;
  if (label)
    via = join_via (c->via, label, NULL);
  if (!label || !via || (c->as_user && !as_user))
    r = nomem (lk);
  if (r == 0 && sub.unknowable)
    r = unknowable (lk, sub.unknowable);
  if (r == 0 && follow_cd (&sub, &lk->out->items[idx]) < 0)
    r = nomem (lk);
  if (r == 0)
    r = adopt_commands (lk, &sub, as_user, via, depth + 1);
  hg_cmd_list_free (&sub);
  return r;
}

/* ---- the look-through ---- */

static const struct launcher *
find_launcher (const char *name)
{
  for (size_t k = 0; k < N_ELEMENTS (launchers); k++)
    if (strcmp (name, launchers[k].name) == 0)
      return &launchers[k];
  return NULL;
}

static bool
is_shell (const char *name)
{
  for (size_t k = 0; k < N_ELEMENTS (shells); k++)
    if (strcmp (name, shells[k]) == 0)
      return true;
  return false;
}

/* Adds what item idx runs, when it is a launcher, after it; depth is the
 * number of launchers item idx was found through. */
static int
look_into (struct look *lk, size_t idx, unsigned depth)
{
  const struct hg_simple_cmd *c = &lk->out->items[idx];
  if (c->argc == 0 || c->dynamic[0])
    return 0;
  const char *name = base_name (c->argv[0]);
  if (is_shell (name))
    return look_into_shell (lk, idx, depth);
  const struct launcher *l = find_launcher (name);
  if (!l)
    return 0;

  struct inner in = { 0 };
  read_launcher (l, c, &in);
  if (in.nothing)
    return 0;
  if (in.split)
    return unknowable (lk, "env -S runs a program named inside a string");
  bool more_args = c->more_args || (l->flags & L_MORE_ARGS);
  static const char *const echo[] = { "echo" };
  const char *const *argv = (const char *const *) c->argv + in.start;
  const bool *dynamic = c->dynamic + in.start;
  size_t argc = c->argc - in.start;
  if (argc == 0 && (l->flags & L_ECHO))
    argv = echo, dynamic = NULL, argc = 1;
  if (argc == 0)
    /* xargs sudo: the program comes from xargs's input. */
    return c->more_args ? unknowable (lk, "xargs gives a launcher its program at run time") : 0;
  if (depth >= MAX_LAUNCHERS)
    return too_deep (lk);

  const char *as_user = c->as_user;
  if (l->flags & L_SUDO)
    as_user = in.user ? in.user : in.group_only ? c->as_user : "root";
  cleanup_free char *via = join_via (c->via, l->name, (l->flags & L_SUDO) ? in.user : NULL);
  if (!via)
    return nomem (lk);
  int r = push_words (lk, argv, dynamic, argc, as_user, via, more_args);
  if (r < 0)
    return r;
  struct hg_simple_cmd *item = &lk->out->items[lk->out->n - 1];
  const struct hg_simple_cmd *parent = &lk->out->items[idx]; /* push_words may have moved it */
  item->cwd_unknown = parent->cwd_unknown;
  if (parent->cwd && !(item->cwd = strdup (parent->cwd)))
    return nomem (lk);
  for (size_t i = 0; in.replace && *in.replace && i < item->argc; i++)
    if (strstr (item->argv[i], in.replace))
      item->dynamic[i] = true;
  return look_into (lk, lk->out->n - 1, depth + 1);
}

int
hg_look_through (const char *const *argv, size_t argc, struct hg_cmd_list *out, hg_error **err)
{
  if (!out)
    return hg_fail (err, HG_ERR_INVALID, "no list to fill");
  memset (out, 0, sizeof *out);
  if (!argv || argc == 0)
    return hg_fail (err, HG_ERR_INVALID, "empty command");
  for (size_t i = 0; i < argc; i++)
    if (!argv[i])
      return hg_fail (err, HG_ERR_INVALID, "argument %zu is NULL", i);

  struct look lk = { .out = out, .err = err };
  int r = push_words (&lk, argv, NULL, argc, NULL, NULL, false);
  if (r == 0)
    r = look_into (&lk, 0, 0);
  if (r < 0)
    hg_cmd_list_free (out);
  return r;
}
