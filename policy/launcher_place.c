/* Where a command found by the look-through runs: the working directory
 * a launcher gives it (env -C, sudo -D, unshare -w, a login's home), the
 * root it puts it under (chroot, unshare -R), and the `cd`s of a shell
 * string.  Path rules resolve relative arguments there. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "launchers.h"

/* dir after `cd`-ing to `to` from `from` (NULL: the request's cwd). */
static char *
path_join (const char *from, const char *to)
{
  char *s = NULL;
  if (to[0] == '/' || !from)
    return strdup (to);
  if (asprintf (&s, "%s/%s", from, to) < 0)
    return NULL;
  return s;
}

/* Under a new root, an absolute argument (or the /VALUE of --opt=/VALUE
 * and key=/VALUE) names ROOT/VALUE for the path rules. */
int
hg_place_under_root (struct hg_simple_cmd *item, const char *root)
{
  size_t n = strlen (root);
  while (n > 0 && root[n - 1] == '/')
    n--;
  if (n == 0 || (item->argc > 0 && hg_is_shell (hg_base_name (item->argv[0]))))
    return 0; /* chroot /: nothing moves; a shell's string is rewritten once parsed */
  for (size_t i = 1; i < item->argc; i++)
    {
      const char *w = item->argv[i];
      const char *eq = strchr (w, '=');
      size_t at;
      if (item->dynamic[i])
        continue;
      if (w[0] == '/')
        at = 0;
      else if (eq && eq[1] == '/')
        at = (size_t) (eq + 1 - w);
      else
        continue;
      char *s = NULL;
      if (asprintf (&s, "%.*s%.*s%s", (int) at, w, (int) n, root, w + at) < 0)
        return -1;
      free (item->argv[i]);
      item->argv[i] = s;
    }
  return 0;
}

/* The launcher's cwd, moved by its new root and its new working
 * directory.  match.c resolves relative arguments against the request's
 * cwd and item->cwd both, so a place only ever adds where a path may lie. */
int
hg_place_settle (const struct hg_simple_cmd *p, struct hg_simple_cmd *item, const struct inner *in)
{
  cleanup_free char *cwd = p->cwd ? strdup (p->cwd) : NULL;
  bool unknown = p->cwd_unknown;
  if (p->cwd && !cwd)
    return -1;

  cleanup_free char *root = NULL;
  if (in->root && !in->root_unknown)
    {
      if (!(root = path_join (cwd, in->root)) || hg_place_under_root (item, root) < 0)
        return -1;
      if (!in->skip_chdir)
        {
          free (cwd);
          cwd = strdup (root);
          if (!cwd)
            return -1;
          unknown = root[0] != '/' && unknown;
        }
    }
  if (in->chdir && !in->chdir_unknown)
    {
      char *next = NULL;
      if (root && in->chdir[0] == '/' && asprintf (&next, "%s%s", root, in->chdir) < 0)
        return -1;
      if (!next && !(next = path_join (cwd, in->chdir)))
        return -1;
      free (cwd);
      cwd = next;
      if (in->chdir[0] == '/')
        unknown = false;
    }
  if (in->chdir_unknown)
    {
      free (cwd);
      cwd = NULL;
      unknown = true;
    }
  if (cwd && strlen (cwd) > PATH_MAX)
    {
      free (cwd);
      cwd = NULL;
      unknown = true;
    }
  item->cwd = steal_pointer (&cwd);
  item->cwd_unknown = unknown;
  if (!root && p->root && !(root = strdup (p->root)))
    return -1;
  item->root = steal_pointer (&root);
  return 0;
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
int
hg_place_follow_cd (struct hg_cmd_list *sub, const struct hg_simple_cmd *parent)
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
