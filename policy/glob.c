/* Globs on names and on paths.
 *
 * Names (programs, users, hosts) use fnmatch(3) as is.  Paths are matched
 * component by component, so that `*`, `?` and `[...]` never cross a `/`,
 * while a component that is exactly `**` stands for zero or more
 * components.  Empty components (`//`, a trailing `/`) are ignored: `/srv/`
 * and `/srv` are the same directory. */
#include <fnmatch.h>
#include <string.h>

#include "internal.h"

bool
hg_glob_name (const char *pattern, const char *name, bool casefold)
{
  if (!pattern || !name)
    return false;
  return fnmatch (pattern, name, casefold ? FNM_CASEFOLD : 0) == 0;
}

bool
hg_glob_is_literal (const char *pattern)
{
  return pattern && strpbrk (pattern, "*?[\\") == NULL;
}

/* The components of a path, split in place in a private copy. */
struct components
{
  char *buf;
  char **v;
  size_t n;
};

static void
components_free (struct components *c)
{
  free (c->buf);
  free (c->v);
}

static int
components_split (const char *s, struct components *c)
{
  size_t len = strlen (s);
  c->n = 0;
  c->buf = strdup (s);
  /* A path of len characters has at most len / 2 + 1 components. */
  c->v = malloc ((len / 2 + 1) * sizeof *c->v);
  if (!c->buf || !c->v)
    {
      components_free (c);
      return -1;
    }
  char *save = NULL;
  for (char *tok = strtok_r (c->buf, "/", &save); tok; tok = strtok_r (NULL, "/", &save))
    c->v[c->n++] = tok;
  return 0;
}

static bool
is_globstar (const char *component)
{
  return strcmp (component, "**") == 0;
}

/* One component of a pattern against one component of a path.  No
 * FNM_PERIOD: a `*` component covers dot files too (stricter is safer). */
static bool
component_matches (const char *pattern, const char *component)
{
  return fnmatch (pattern, component, 0) == 0;
}

/* Wildcard matching where each pattern component matches one path
 * component and `**` any run of them.  Only the last `**` seen needs to be
 * backtracked to (as in the classic `*` matcher), so this takes at most
 * n_pattern * n_path steps, however many `**` there are. */
static bool
components_match (const struct components *pat, const struct components *path)
{
  size_t pi = 0, si = 0;
  size_t star_pi = (size_t) -1, star_si = 0;

  while (si < path->n)
    {
      if (pi < pat->n && is_globstar (pat->v[pi]))
        {
          star_pi = pi++;
          star_si = si;
        }
      else if (pi < pat->n && component_matches (pat->v[pi], path->v[si]))
        {
          pi++;
          si++;
        }
      else if (star_pi != (size_t) -1)
        {
          /* Let the last `**` swallow one more component and retry. */
          pi = star_pi + 1;
          si = ++star_si;
        }
      else
        return false;
    }
  while (pi < pat->n && is_globstar (pat->v[pi]))
    pi++;
  return pi == pat->n;
}

/* Both must be absolute, or both relative: a relative path never matches
 * an absolute glob. */
static bool
same_anchor (const char *pattern, const char *path)
{
  return (pattern[0] == '/') == (path[0] == '/');
}

/* Splits both into components: 1 when split, 0 when they cannot match
 * (one is missing, or only one is absolute), -1 on ENOMEM. */
static int
split_pair (const char *pattern, const char *path, struct components *pat, struct components *p)
{
  if (!pattern || !path || !same_anchor (pattern, path))
    return 0;
  if (components_split (pattern, pat) < 0)
    return -1;
  if (components_split (path, p) < 0)
    {
      components_free (pat);
      return -1;
    }
  return 1;
}

/* On ENOMEM the path functions answer true: a guard that cannot tell errs
 * on the strict side. */
bool
hg_glob_path (const char *pattern, const char *path)
{
  struct components pat, p;
  int split = split_pair (pattern, path, &pat, &p);
  if (split <= 0)
    return split < 0;
  bool r = components_match (&pat, &p);
  components_free (&pat);
  components_free (&p);
  return r;
}

/* Walks both side by side: a path that runs out first lies above what the
 * glob matches (`rm -rf /srv` against `/srv/mariadb/` and a `**`), a pattern that runs
 * out first matches an ancestor of the path (inside), and a `**` can reach
 * any path below the prefix matched so far. */
bool
hg_glob_path_related (const char *pattern, const char *path)
{
  struct components pat, p;
  int split = split_pair (pattern, path, &pat, &p);
  if (split <= 0)
    return split < 0;
  bool r = true;
  for (size_t i = 0; i < pat.n && i < p.n; i++)
    {
      if (is_globstar (pat.v[i]))
        break;
      if (!component_matches (pat.v[i], p.v[i]))
        {
          r = false;
          break;
        }
    }
  components_free (&pat);
  components_free (&p);
  return r;
}
