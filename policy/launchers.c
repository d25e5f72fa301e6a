/* Looking through launchers: `sudo -u mysql env -C /srv nice sh -c 'rm -rf
 * mariadb'` runs rm in /srv.  The prefix form has only the command line,
 * so the policy must see the programs the launchers start, where they
 * start them, and as whom, not just the launchers.
 *
 * Each launcher's options (launcher_table.c) are read as the program reads
 * them (launcher_read.c); where the command runs is launcher_place.c's.
 * A word known only at run time (from a
 * shell string) before the program may expand to options, to several
 * words, or to the program itself: the look-through then keeps that word
 * as the program, and the decider sees a dynamic name.  A launcher that
 * hands its program a string for a shell (su -c, flock -c, script -c,
 * watch) is read as `sh -c STRING`; one that starts an interactive shell
 * when given no program (su, chroot, unshare, sudo -i...) as `sh -i`,
 * whose commands cannot be known (shellcmds.c). */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "launchers.h"

#define MAX_LAUNCHERS 16
/* Of a user name or a directory shown in a trail: every command found
 * inside carries the trail, so it is kept short. */
#define MAX_SHOWN 32

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

/* Words being put together for a command a launcher starts: pointers into
 * the parent's argv or into storage the caller keeps alive until pushed. */
struct words
{
  const char **argv;
  bool *dynamic;
  size_t n;
};

static bool
words_init (struct words *w, size_t cap)
{
  w->n = 0;
  w->argv = calloc (cap + 1, sizeof *w->argv);
  w->dynamic = calloc (cap + 1, sizeof *w->dynamic);
  return w->argv && w->dynamic;
}

static void
words_free (struct words *w)
{
  free (w->argv);
  free (w->dynamic);
}

static void
words_add (struct words *w, const char *word, bool dynamic)
{
  w->argv[w->n] = word;
  w->dynamic[w->n++] = dynamic;
}

/* "sudo -u mysql > sh -c": the trail so far, then this launcher. */
static char *
join_via (const char *via, const char *label)
{
  char *s;
  if (asprintf (&s, "%s%s%s", via ? via : "", via ? " > " : "", label) < 0)
    return NULL;
  return s;
}

/* Appends KEY VALUE (" -u mysql", " cwd /srv") to the trail label *s,
 * VALUE cut to MAX_SHOWN bytes.  false on ENOMEM. */
static bool
add_detail (char **s, const char *key, const char *value)
{
  char *t;
  int n = strlen (value) > MAX_SHOWN ? MAX_SHOWN : INT_MAX;
  if (asprintf (&t, "%s%s%.*s%s", *s, key, n, value, n == MAX_SHOWN ? "..." : "") < 0)
    return false;
  free (*s);
  *s = t;
  return true;
}

/* The label of launcher l in a trail: its name, then whatever changes for
 * the command it starts (user, root, working directory). */
static char *
launcher_label (const struct launcher *l, const struct inner *in)
{
  bool runs_as = l->kind == K_SUDO || l->kind == K_SU || l->kind == K_SETPRIV || l->kind == K_TRACE;
  const char *user = runs_as ? in->user : NULL;
  if (l->kind == K_SU && !user)
    user = "root";
  cleanup_free char *s = strdup (l->name);
  if (!s)
    return NULL;
  /* su USER; the others' own spelling varies (-u, --reuid): -u for all. */
  if (user && !add_detail (&s, l->kind == K_SU && !in->runs_direct ? " " : " -u ", user))
    return NULL;
  if (in->root && !in->root_unknown && !add_detail (&s, " root ", in->root))
    return NULL;
  if (in->chdir && !in->chdir_unknown && !add_detail (&s, " cwd ", in->chdir))
    return NULL;
  return steal_pointer (&s);
}

static int look_into (struct look *lk, size_t idx, unsigned depth);

static int
too_deep (struct look *lk)
{
  return hg_fail (lk->err, HG_ERR_INVALID, "more than %d launchers nested (sudo, env, sh -c...)",
                  MAX_LAUNCHERS);
}

/* Moves the commands of a parsed string to the output, each looked into. */
static int
adopt_commands (struct look *lk, struct hg_cmd_list *sub, const char *as_user, const char *via,
                const char *root, unsigned depth)
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
      if (root && (hg_place_under_root (item, root) < 0 || !(item->root = strdup (root))))
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
  size_t k;
  const char *why;

  switch (hg_shell_invocation (c, &k, &why))
    {
    case HG_SHELL_NOTHING:
      return 0;
    case HG_SHELL_HIDDEN:
      return unknowable (lk, why);
    case HG_SHELL_STRING:
      break;
    }
  if (depth >= MAX_LAUNCHERS)
    return too_deep (lk);

  struct hg_cmd_list sub;
  int r = hg_shell_parse (c->argv[k], &sub, lk->err);
  if (r < 0)
    return r;
  cleanup_free char *label = NULL;
  cleanup_free char *via = NULL;
  cleanup_free char *as_user = c->as_user ? strdup (c->as_user) : NULL;
  cleanup_free char *root = c->root ? strdup (c->root) : NULL;
  if (asprintf (&label, "%s -c", hg_base_name (c->argv[0])) < 0)
    label = NULL;
  if (label)
    via = join_via (c->via, label);
  if (!label || !via || (c->as_user && !as_user) || (c->root && !root))
    r = nomem (lk);
  if (r == 0 && sub.unknowable)
    r = unknowable (lk, sub.unknowable);
  if (r == 0 && hg_place_follow_cd (&sub, &lk->out->items[idx]) < 0)
    r = nomem (lk);
  if (r == 0)
    r = adopt_commands (lk, &sub, as_user, via, root, depth + 1);
  hg_cmd_list_free (&sub);
  return r;
}

/* ---- the look-through ---- */

/* Pushes the command in w, started by launcher l from item idx, then
 * looks into it. */
static int
push_started (struct look *lk, size_t idx, unsigned depth, const struct launcher *l,
              const struct inner *in, const struct words *w)
{
  const struct hg_simple_cmd *c = &lk->out->items[idx];
  if (depth >= MAX_LAUNCHERS)
    return too_deep (lk);
  const char *as_user = c->as_user;
  if (l->kind == K_SUDO)
    as_user = in->user ? in->user : in->group_only ? c->as_user : "root";
  else if (l->kind == K_SU)
    as_user = in->user ? in->user : "root";
  else if (in->user)
    as_user = in->user;
  cleanup_free char *label = launcher_label (l, in);
  cleanup_free char *via = label ? join_via (c->via, label) : NULL;
  if (!via)
    return nomem (lk);
  bool more_args = c->more_args || (l->flags & L_MORE_ARGS);
  int r = push_words (lk, w->argv, w->dynamic, w->n, as_user, via, more_args);
  if (r == 0 && hg_place_settle (&lk->out->items[idx], &lk->out->items[lk->out->n - 1], in) < 0)
    r = nomem (lk);
  if (r < 0)
    return r;
  struct hg_simple_cmd *item = &lk->out->items[lk->out->n - 1];
  for (size_t i = 0; in->replace && *in->replace && i < item->argc; i++)
    if (strstr (item->argv[i], in->replace))
      item->dynamic[i] = true;
  return look_into (lk, lk->out->n - 1, depth + 1);
}

/* A string that launcher l hands to a shell: `sh -c STRING`. */
static int
push_shell_string (struct look *lk, size_t idx, unsigned depth, const struct launcher *l,
                   const struct inner *in, const char *shell, bool shell_dynamic,
                   const char *string, bool dynamic)
{
  struct words w;
  int r;
  if (!words_init (&w, 3))
    r = nomem (lk);
  else
    {
      words_add (&w, shell, shell_dynamic);
      words_add (&w, "-c", false);
      words_add (&w, string, dynamic);
      r = push_started (lk, idx, depth, l, in, &w);
    }
  words_free (&w);
  return r;
}

/* The interactive shell a launcher starts when given no program. */
static int
push_session (struct look *lk, size_t idx, unsigned depth, const struct launcher *l,
              const struct inner *in)
{
  struct words w;
  int r;
  if (!words_init (&w, 2))
    r = nomem (lk);
  else
    {
      words_add (&w, "sh", false);
      words_add (&w, "-i", false);
      r = push_started (lk, idx, depth, l, in, &w);
    }
  words_free (&w);
  return r;
}

/* su [-] [USER [ARGS...]] and runuser without -u: the user's shell, with
 * -c STRING first when given, then ARGS (a script, or more options). */
static int
look_into_su (struct look *lk, size_t idx, unsigned depth, const struct launcher *l,
              struct inner *in)
{
  const struct hg_simple_cmd *c = &lk->out->items[idx];
  size_t k = 0;
  struct words w;
  int r;

  if (in->runs_direct)
    {
      /* runuser -u USER [--] CMD...: no shell. */
      if (in->n_operands == 0)
        return 0;
      if (!words_init (&w, in->n_operands))
        r = nomem (lk);
      else
        {
          for (; k < in->n_operands; k++)
            words_add (&w, c->argv[in->operands[k]], c->dynamic[in->operands[k]]);
          r = push_started (lk, idx, depth, l, in, &w);
        }
      words_free (&w);
      return r;
    }
  if (k < in->n_operands && strcmp (c->argv[in->operands[k]], "-") == 0)
    {
      in->chdir_unknown = true; /* a login: the target's home */
      k++;
    }
  if (k < in->n_operands)
    in->user = c->argv[in->operands[k++]];
  if (in->user && strlen (in->user) >= HG_MAX_USER)
    return 0;
  if (!words_init (&w, in->n_operands + 3))
    r = nomem (lk);
  else
    {
      words_add (&w, in->shell ? in->shell : "sh", in->shell_dynamic);
      if (in->command)
        {
          words_add (&w, "-c", false);
          words_add (&w, in->command, in->command_dynamic);
        }
      for (; k < in->n_operands; k++)
        words_add (&w, c->argv[in->operands[k]], c->dynamic[in->operands[k]]);
      if (w.n == 1)
        words_add (&w, "-i", false);
      r = push_started (lk, idx, depth, l, in, &w);
    }
  words_free (&w);
  return r;
}

/* env -S STRING: env splits STRING into words (quotes, no expansion here)
 * and reads them as if given in its place; the rest follows. */
static int
look_into_env_split (struct look *lk, size_t idx, unsigned depth, const struct launcher *l,
                     const struct inner *in)
{
  const struct hg_simple_cmd *c = &lk->out->items[idx];
  /* Escapes, ${VAR} and #comments are env's own syntax: not followed. */
  if (in->split_dynamic || strpbrk (in->split, "\\$#"))
    return unknowable (lk, "env -S splits a string with escapes or variables");

  cleanup_free char *buf = strdup (in->split);
  struct words w;
  int r = 0;
  if (!buf || !words_init (&w, strlen (in->split) + c->argc + 1))
    {
      free (buf), buf = NULL;
      return nomem (lk);
    }
  words_add (&w, "env", false);
  char *o = buf;
  bool unterminated = false;
  for (const char *s = in->split; *s && !unterminated;)
    {
      if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\v' || *s == '\f' || *s == '\r')
        {
          s++;
          continue;
        }
      char *word = o;
      while (*s && !strchr (" \t\n\v\f\r", *s))
        {
          char q = *s;
          if (q != '\'' && q != '"')
            {
              *o++ = *s++;
              continue;
            }
          const char *end = strchr (s + 1, q);
          if ((unterminated = !end))
            break;
          memcpy (o, s + 1, (size_t) (end - s - 1));
          o += end - s - 1;
          s = end + 1;
        }
      *o++ = '\0';
      words_add (&w, word, false);
    }
  for (size_t i = in->start; i < c->argc; i++)
    words_add (&w, c->argv[i], c->dynamic[i]);
  if (unterminated)
    r = unknowable (lk, "env -S splits a string with an unterminated quote");
  else
    {
      struct inner split_in = *in;
      split_in.split = NULL;
      r = push_started (lk, idx, depth, l, &split_in, &w);
    }
  words_free (&w);
  return r;
}

/* watch CMD...: joined by spaces for sh -c, as watch does, unless -x. */
static int
look_into_watch (struct look *lk, size_t idx, unsigned depth, const struct launcher *l,
                 const struct inner *in)
{
  const struct hg_simple_cmd *c = &lk->out->items[idx];
  size_t len = 1;
  bool dynamic = false;
  for (size_t i = in->start; i < c->argc; i++)
    {
      len += strlen (c->argv[i]) + 1;
      dynamic = dynamic || c->dynamic[i];
    }
  cleanup_free char *joined = malloc (len);
  if (!joined)
    return nomem (lk);
  char *o = joined;
  *o = '\0';
  for (size_t i = in->start; i < c->argc; i++)
    o = stpcpy (stpcpy (o, i > in->start ? " " : ""), c->argv[i]);
  return push_shell_string (lk, idx, depth, l, in, "sh", false, joined, dynamic);
}

/* What launcher l, item idx, starts. */
static int
run_launcher (struct look *lk, size_t idx, unsigned depth, const struct launcher *l,
              struct inner *in)
{
  const struct hg_simple_cmd *c = &lk->out->items[idx];
  size_t start = in->start;
  int r;

  if (in->nothing)
    return 0;
  if (in->hidden)
    return unknowable (lk, "a launcher's options hold a word known only at run time");
  if (in->root_unknown)
    return unknowable (lk, "a launcher changes the root directory to one the command line does not show");
  if (l->kind == K_ENV && in->split)
    return look_into_env_split (lk, idx, depth, l, in);
  if (l->kind == K_SU)
    return look_into_su (lk, idx, depth, l, in);
  if (l->kind == K_SCRIPT)
    return in->command ? push_shell_string (lk, idx, depth, l, in, "sh", false, in->command,
                                            in->command_dynamic)
                       : push_session (lk, idx, depth, l, in);
  if (l->kind == K_FLOCK)
    {
      /* flock FILE -c STRING, flock FILE CMD..., or flock FD: nothing. */
      if (start + 1 >= c->argc)
        return 0;
      start++;
      if (!c->dynamic[start]
          && (strcmp (c->argv[start], "-c") == 0 || strcmp (c->argv[start], "--command") == 0))
        return start + 2 == c->argc ? push_shell_string (lk, idx, depth, l, in, "sh", false,
                                                         c->argv[start + 1], c->dynamic[start + 1])
                                    : 0;
    }
  if (l->kind == K_WATCH && !in->runs_direct && start < c->argc)
    return look_into_watch (lk, idx, depth, l, in);
  if (l->kind == K_TRACE && in->pipe_to
      && (r = push_shell_string (lk, idx, depth, l, in, "sh", false, in->pipe_to, false)) < 0)
    return r;
  if (l->kind == K_FAKEROOT && in->faked)
    {
      struct words f = { .argv = &in->faked, .dynamic = &in->faked_dynamic, .n = 1 };
      if ((r = push_started (lk, idx, depth, l, in, &f)) < 0)
        return r;
    }

  c = &lk->out->items[idx]; /* pushing may have moved it */
  struct words w = { .argv = (const char **) c->argv + start, .dynamic = c->dynamic + start,
                     .n = c->argc - start };
  static const char *echo[] = { "echo" };
  static bool echo_dynamic[] = { false };
  if (w.n == 0 && (l->flags & L_ECHO))
    w = (struct words){ .argv = echo, .dynamic = echo_dynamic, .n = 1 };
  if (w.n == 0 && ((l->flags & L_SESSION) || (l->kind == K_SUDO && in->login_shell)))
    return push_session (lk, idx, depth, l, in);
  if (w.n == 0)
    /* xargs sudo: the program comes from xargs's input. */
    return c->more_args ? unknowable (lk, "xargs gives a launcher its program at run time") : 0;
  return push_started (lk, idx, depth, l, in, &w);
}

/* Adds what item idx runs, when it is a launcher, after it; depth is the
 * number of launchers item idx was found through. */
static int
look_into (struct look *lk, size_t idx, unsigned depth)
{
  const struct hg_simple_cmd *c = &lk->out->items[idx];
  if (c->argc == 0 || c->dynamic[0])
    return 0;
  const char *hidden = hg_hidden_builtin (c);
  if (hidden)
    return unknowable (lk, hidden);
  const char *name = hg_login_name (hg_base_name (c->argv[0])); /* sudo -i: -bash --login -c */
  if (hg_is_shell (name))
    return look_into_shell (lk, idx, depth);
  const struct launcher *l = hg_find_launcher (name);
  if (!l)
    return 0;

  struct inner in = { 0 };
  int r = hg_launcher_read (l, c, &in) < 0 ? nomem (lk) : run_launcher (lk, idx, depth, l, &in);
  free (in.operands);
  return r;
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
