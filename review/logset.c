/* Collecting records from the operands of `log` and `report`: files,
 * directories of logs (never following a symlink inside them), and `-`. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include <json-c/json.h>

#include "review.h"
#include "util/util.h"

bool
hg_log_name (const char *name, size_t *user_len, unsigned *rot)
{
  const char *ext = strstr (name, ".jsonl");
  if (!ext || ext == name || name[0] == '.')
    return false;
  *user_len = (size_t) (ext - name);
  const char *p = ext + 6;
  *rot = 0;
  if (*p == '\0')
    return true;
  if (*p++ != '.' || *p < '1' || *p > '9')
    return false;
  unsigned long n = strtoul (p, (char **) &p, 10);
  if (n > 100000)
    return false;
  *rot = (unsigned) n;
  return *p == '\0' || strcmp (p, ".gz") == 0;
}

/* Oldest first: by user, then rotation number descending. */
static int
name_cmp (const void *a, const void *b)
{
  const char *x = *(char *const *) a, *y = *(char *const *) b;
  size_t lx, ly;
  unsigned rx, ry;
  hg_log_name (x, &lx, &rx);
  hg_log_name (y, &ly, &ry);
  int c = strncmp (x, y, lx < ly ? lx : ly);
  if (c || lx != ly)
    return c ? c : (lx < ly ? -1 : 1);
  if (rx != ry)
    return rx > ry ? -1 : 1;
  return strcmp (x, y);
}

char **
hg_log_dir_list (int dirfd, const char *dirname)
{
  int fd = dup (dirfd);
  if (fd < 0)
    return NULL;
  DIR *d = fdopendir (fd);
  if (!d)
    {
      close (fd);
      return NULL;
    }
  rewinddir (d);
  size_t n = 0, cap = 16;
  char **v = calloc (cap + 1, sizeof *v);
  struct dirent *e;
  while (v && (e = readdir (d)))
    {
      size_t ulen;
      unsigned rot;
      struct stat st;
      if (!hg_log_name (e->d_name, &ulen, &rot)
          || fstatat (dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        continue;
      if (S_ISLNK (st.st_mode))
        {
          cleanup_free char *shown = hg_escape (e->d_name, strlen (e->d_name));
          cleanup_free char *dshown = hg_escape (dirname, strlen (dirname));
          hg_warn ("%s/%s: a symlink, skipped", dshown, shown);
          continue;
        }
      if (!S_ISREG (st.st_mode))
        continue;
      if (n == cap)
        {
          char **nv = realloc (v, (2 * cap + 1) * sizeof *v);
          if (!nv)
            break;
          v = nv;
          cap *= 2;
        }
      if (!(v[n] = strdup (e->d_name)))
        break;
      v[++n] = NULL;
    }
  int saved = errno;
  closedir (d);
  if (!v || e)
    {
      strv_free (v);
      errno = saved ? saved : ENOMEM;
      return NULL;
    }
  qsort (v, n, sizeof *v, name_cmp);
  return v;
}

static void
warn_path (const char *path, const char *what)
{
  cleanup_free char *shown = hg_escape (path, strlen (path));
  hg_warn ("%s: %s", shown, what);
}

static int
add (struct hg_recset *set, struct json_object *obj, const char *text, size_t len)
{
  if (set->n == set->cap)
    {
      size_t cap = set->cap ? set->cap * 2 : 256;
      struct hg_rec *v = realloc (set->v, cap * sizeof *v);
      if (!v)
        return -1;
      set->v = v;
      set->cap = cap;
    }
  char *copy = malloc (len + 1);
  if (!copy)
    return -1;
  memcpy (copy, text, len);
  copy[len] = '\0';
  set->v[set->n] = (struct hg_rec){ obj, copy, len, hg_record_ts (obj), set->n };
  set->n++;
  return 0;
}

static int
load_lines (struct hg_recset *set, struct hg_lines *r, const char *path,
            const struct hg_filter *f)
{
  const char *line;
  size_t len;
  int got;
  while ((got = hg_lines_next (r, &line, &len)) > 0)
    {
      const char *text;
      size_t tlen;
      cleanup_free char *buf = NULL;
      struct json_object *obj = hg_record_from_line (line, len, &text, &tlen, &buf);
      if (!obj)
        {
          set->skipped++;
          continue;
        }
      if (f && !hg_filter_match (f, obj, hg_record_ts (obj)))
        {
          json_object_put (obj);
          continue;
        }
      if (add (set, obj, text, tlen) < 0)
        {
          json_object_put (obj);
          return -1;
        }
    }
  if (got < 0)
    {
      warn_path (path, strerror (errno));
      set->errors++;
    }
  return 0;
}

static int
load_path (struct hg_recset *set, const char *path, const struct hg_filter *f)
{
  struct hg_lines *r = NULL;
  struct stat st;
  if (strcmp (path, "-") == 0)
    {
      int fd = dup (0);
      r = fd < 0 ? NULL : hg_lines_from_fd (fd, true);
    }
  else if (stat (path, &st) == 0 && S_ISDIR (st.st_mode))
    {
      /* The directory named is the operator's choice; inside it nothing
       * is followed. */
      cleanup_close int dirfd = open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      cleanup_strv char **names = dirfd < 0 ? NULL : hg_log_dir_list (dirfd, path);
      if (!names)
        goto fail;
      for (char **n = names; *n; n++)
        {
          cleanup_free char *full = NULL;
          if (asprintf (&full, "%s/%s", path, *n) < 0)
            return -1;
          struct hg_lines *fr = hg_lines_open (dirfd, *n, NULL);
          if (!fr)
            {
              warn_path (full, strerror (errno));
              set->errors++;
              continue;
            }
          int ret = load_lines (set, fr, full, f);
          hg_lines_free (fr);
          if (ret < 0)
            return -1;
        }
      return 0;
    }
  else
    r = hg_lines_open (AT_FDCWD, path, NULL);
  if (!r)
    goto fail;
  int ret = load_lines (set, r, path, f);
  hg_lines_free (r);
  return ret;
fail:
  warn_path (path, errno == ELOOP ? "a symlink, not followed" : strerror (errno));
  set->errors++;
  return 0;
}

static int
rec_cmp (const void *a, const void *b)
{
  const struct hg_rec *x = a, *y = b;
  if (x->ts != y->ts)
    return x->ts < y->ts ? -1 : 1;
  return x->order < y->order ? -1 : x->order > y->order;
}

int
hg_recset_load (struct hg_recset *set, char *const *paths, size_t n, const struct hg_filter *f)
{
  for (size_t i = 0; i < n; i++)
    if (load_path (set, paths[i], f) < 0)
      {
        /* Out of memory: nothing half-loaded is left for the caller. */
        hg_recset_clear (set);
        return -1;
      }
  if (set->n)
    qsort (set->v, set->n, sizeof *set->v, rec_cmp);
  return 0;
}

void
hg_recset_clear (struct hg_recset *set)
{
  for (size_t i = 0; i < set->n; i++)
    {
      json_object_put (set->v[i].obj);
      free (set->v[i].text);
    }
  free (set->v);
  memset (set, 0, sizeof *set);
}
