/* The forms of a path argument that `paths` rules are matched against.
 *
 * A rule on the paths below /srv/mariadb must see `rm -rf ../mariadb` run from /srv/x,
 * `rm -rf /srv//mariadb/.`, and `rm -rf /data` when /data is a symlink to
 * /srv/mariadb.  So an argument yields up to four forms:
 *   1. the argument itself, when absolute;
 *   2. its absolute form against cwd, `.`, `..` and `//` folded lexically;
 *   3. form 2 with the symlinks of its existing components resolved;
 *   4. when the argument holds `..`, the kernel's reading of it, where `..`
 *      after a symlink climbs from the symlink's target.
 * Nothing here needs the path to exist, and arguments longer than PATH_MAX
 * are still folded lexically. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* arg made absolute against cwd (which the caller guarantees absolute; a
 * missing one reads as `/`). */
static char *
absolute_form (const char *arg, const char *cwd)
{
  char *s = NULL;
  if (arg[0] == '/')
    return strdup (arg);
  if (!cwd || cwd[0] != '/')
    cwd = "/";
  if (asprintf (&s, "%s/%s", cwd, arg) < 0)
    return NULL;
  return s;
}

/* `.`, `..` and empty components folded away, without touching the file
 * system.  `..` at the root stays at the root, as the kernel does. */
static char *
fold_lexically (const char *abs)
{
  size_t len = strlen (abs);
  char *out = malloc (len + 2);
  if (!out)
    return NULL;
  size_t o = 0;
  const char *p = abs;
  while (*p)
    {
      while (*p == '/')
        p++;
      size_t n = strcspn (p, "/");
      if (n == 0 || (n == 1 && p[0] == '.'))
        ;
      else if (n == 2 && p[0] == '.' && p[1] == '.')
        {
          while (o > 0 && out[o - 1] != '/')
            o--;
          if (o > 0)
            o--; /* the slash before the component */
        }
      else
        {
          out[o++] = '/';
          memcpy (out + o, p, n);
          o += n;
        }
      p += n;
    }
  if (o == 0)
    out[o++] = '/';
  out[o] = '\0';
  return out;
}

/* realpath(3) of the first `len` characters of `path`, or NULL. */
static char *
realpath_prefix (char *path, size_t len)
{
  if (len == 0)
    return strdup ("/");
  char saved = path[len];
  path[len] = '\0';
  char *r = realpath (path, NULL);
  path[len] = saved;
  return r;
}

/* `head` + `tail`, where tail is empty or starts with a slash. */
static char *
concat_path (const char *head, const char *tail)
{
  char *s = NULL;
  if (strcmp (head, "/") == 0 && tail[0] == '/')
    head = "";
  if (asprintf (&s, "%s%s", head, tail[0] || head[0] ? tail : "/") < 0)
    return NULL;
  return s;
}

/* A folded absolute path with the symlinks of its longest existing prefix
 * resolved, the rest appended.  Existence of prefixes of a folded path is
 * monotonic (no `..` in it), so a binary search over the component
 * boundaries finds the longest existing one with O(log n) lookups, however
 * long the argument. */
static char *
resolve_existing (const char *folded)
{
  cleanup_free char *buf = strdup (folded);
  size_t len = buf ? strlen (buf) : 0;
  cleanup_free size_t *ends = malloc ((len / 2 + 2) * sizeof *ends);
  if (!buf || !ends)
    return NULL;

  /* ends[k]: length of the prefix made of the first k components. */
  size_t n = 0;
  ends[n++] = 0;
  for (size_t i = 1; i <= len; i++)
    if (buf[i] == '/' || buf[i] == '\0')
      ends[n++] = i;

  size_t lo = 0, hi = n - 1; /* prefix lo exists; find the largest */
  cleanup_free char *best = strdup ("/");
  if (!best)
    return NULL;
  while (lo < hi)
    {
      size_t mid = lo + (hi - lo + 1) / 2;
      char *r = realpath_prefix (buf, ends[mid]);
      if (r)
        {
          free (best);
          best = r;
          lo = mid;
        }
      else
        hi = mid - 1;
    }
  return concat_path (best, buf + ends[lo]);
}

/* The kernel's reading of an absolute path holding `..`: realpath of the
 * whole, or of its parent when the last component does not exist yet (the
 * file a command would create). */
static char *
resolve_as_kernel (const char *abs)
{
  char *r = realpath (abs, NULL);
  if (r)
    return r;
  const char *slash = strrchr (abs, '/');
  const char *base = slash + 1;
  if (!*base || strcmp (base, ".") == 0 || strcmp (base, "..") == 0)
    return NULL;
  cleanup_free char *dir = strndup (abs, (size_t) (slash - abs));
  if (!dir)
    return NULL;
  cleanup_free char *rdir = realpath (dir[0] ? dir : "/", NULL);
  if (!rdir)
    return NULL;
  return concat_path (rdir, slash);
}

static bool
has_dotdot (const char *path)
{
  for (const char *p = path; (p = strstr (p, "..")); p += 2)
    if ((p == path || p[-1] == '/') && (p[2] == '/' || p[2] == '\0'))
      return true;
  return false;
}

/* Appends s (taking it) unless already present.  Returns -1 on ENOMEM. */
static int
forms_add (char **v, size_t *n, char *s)
{
  if (!s)
    return errno == ENOMEM ? -1 : 0;
  for (size_t i = 0; i < *n; i++)
    if (strcmp (v[i], s) == 0)
      {
        free (s);
        return 0;
      }
  v[(*n)++] = s;
  return 0;
}

char **
hg_path_forms (const char *arg, const char *cwd)
{
  if (!arg)
    return NULL;
  cleanup_strv char **v = calloc (5, sizeof *v);
  size_t n = 0;
  cleanup_free char *abs = absolute_form (arg, cwd);
  if (!v || !abs)
    return NULL;
  cleanup_free char *folded = fold_lexically (abs);
  if (!folded)
    return NULL;

  if (arg[0] == '/' && forms_add (v, &n, strdup (arg)) < 0)
    return NULL;
  if (forms_add (v, &n, strdup (folded)) < 0)
    return NULL;
  errno = 0;
  if (forms_add (v, &n, resolve_existing (folded)) < 0)
    return NULL;
  errno = 0;
  if (has_dotdot (abs) && forms_add (v, &n, resolve_as_kernel (abs)) < 0)
    return NULL;
  return steal_pointer (&v);
}
