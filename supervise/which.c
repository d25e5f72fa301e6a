#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/util.h"
#include "supervise.h"

static char *
absolute (const char *path)
{
  if (path[0] == '/')
    return strdup (path);
  cleanup_free char *cwd = getcwd (NULL, 0);
  char *out = NULL;
  if (!cwd || asprintf (&out, "%s/%s", cwd, path) < 0)
    return NULL;
  return out;
}

char *
hg_which (const char *name)
{
  if (!*name)
    {
      errno = ENOENT;
      return NULL;
    }
  if (strchr (name, '/'))
    return absolute (name);
  /* The caller's PATH: this is what execvp will really run, so it is what
   * the record must name.  The policy itself never reads it. */
  const char *path = getenv ("PATH");
  if (!path || !*path)
    path = "/usr/local/bin:/usr/bin:/bin";
  int saw_eacces = 0;
  for (const char *p = path;; p++)
    {
      const char *end = strchrnul (p, ':');
      size_t dirlen = (size_t) (end - p);
      cleanup_free char *cand = NULL;
      if (asprintf (&cand, "%.*s%s%s", (int) dirlen, p, dirlen ? "/" : "", name) < 0)
        return NULL;
      struct stat st;
      if (stat (cand, &st) == 0 && S_ISREG (st.st_mode))
        {
          if (access (cand, X_OK) == 0)
            return absolute (cand);
          saw_eacces = 1;
        }
      if (!*end)
        break;
      p = end;
    }
  errno = saw_eacces ? EACCES : ENOENT;
  return NULL;
}
