/* The snapshot cache: one file per policy path in a directory chosen when
 * hostguard is built (HG_CACHE_DIR, /var/cache/hostguard; the library is
 * told it by its caller and never reads the environment).
 *
 * A snapshot is never trusted more than the files it came from:
 *   - it is used only from a directory owned by root and not writable by
 *     group or others, as a regular file (not a symlink) owned by root, not
 *     writable by group or others, with one link;
 *   - its header names this format and this hostguard version, and its
 *     checksum holds;
 *   - it was made from the same path, and every file it was made from
 *     still has its dev, inode, size, mtime and ctime, and the directory
 *     of every include glob its own (so an added file is seen);
 *   - a trusted load applies to each file, freshly stat'ed, the same
 *     owner and mode checks as reading it would (hg_check_trusted), and a
 *     caller who is not root must be able to read each file.
 * Anything else, and any error, and the caller parses the files as if
 * there were no cache.
 *
 * Only root writes one, after a successful load whose files all pass the
 * trusted checks, atomically (a new file renamed over the old one).  A file
 * changed within the timestamps' granularity of the read could keep its
 * mtime and ctime: no snapshot is written while a file is younger than
 * HG_SNAPSHOT_SETTLE seconds (as git treats "racily clean" entries). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "snapfmt.h"
#include "snapshot.h"

#define HG_SNAPSHOT_SETTLE 2

static bool
same_source (const struct hg_source *a, const struct hg_source *b)
{
  if (a->exists != b->exists)
    return false;
  return !a->exists
         || (a->dev == b->dev && a->ino == b->ino && a->size == b->size && a->mtime_s == b->mtime_s
             && a->mtime_ns == b->mtime_ns && a->ctime_s == b->ctime_s && a->ctime_ns == b->ctime_ns);
}

/* Whether a source is still what the snapshot saw, and may be used by this
 * load. */
static bool
source_current (const struct hg_source *s, unsigned flags)
{
  struct stat st;
  struct hg_source now = { .is_dir = s->is_dir };
  /* Reading a trusted file refuses a symlink: lstat sees the link, whose
   * inode is not the file's, and the load then says why. */
  int nofollow = !s->is_dir && (flags & HG_LOAD_TRUSTED_ONLY) ? AT_SYMLINK_NOFOLLOW : 0;
  if (fstatat (AT_FDCWD, s->path, &st, nofollow) == 0)
    hg_source_set_stat (&now, &st);
  else if (!(s->is_dir && errno == ENOENT))
    return false;
  if (!same_source (s, &now) || (now.exists && !!S_ISDIR (st.st_mode) != s->is_dir))
    return false;
  if (s->is_dir)
    return true;
  if ((flags & HG_LOAD_TRUSTED_ONLY) && hg_check_trusted (s->path, &st, NULL) < 0)
    return false;
  return geteuid () == 0 || faccessat (AT_FDCWD, s->path, R_OK, AT_EACCESS) == 0;
}

/* "<cache_dir>/<fnv-1a of the path>.snap"; a collision only costs a
 * reload, as the snapshot names its path. */
static char *
snapshot_name (const char *path)
{
  uint64_t h = 0xcbf29ce484222325ull;
  for (const unsigned char *c = (const unsigned char *) path; *c; c++)
    h = (h ^ *c) * 0x100000001b3ull;
  char *s = NULL;
  if (asprintf (&s, "policy-%016llx.snap", (unsigned long long) h) < 0)
    return NULL;
  return s;
}

static bool
root_owned_not_writable (const struct stat *st)
{
  return st->st_uid == 0 && !(st->st_mode & 022);
}

/* The cache directory, if it may be trusted. */
static int
open_cache_dir (const char *cache_dir)
{
  int dfd = open (cache_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  struct stat st;
  if (dfd < 0)
    return -1;
  if (fstat (dfd, &st) < 0 || !root_owned_not_writable (&st))
    {
      close (dfd);
      return -1;
    }
  return dfd;
}

static int
read_snapshot_file (int dfd, const char *name, char **buf, size_t *len)
{
  cleanup_close int fd = openat (dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || fstat (fd, &st) < 0 || !S_ISREG (st.st_mode) || !root_owned_not_writable (&st)
      || st.st_nlink != 1 || st.st_size <= 0 || (uint64_t) st.st_size > HG_SNAPSHOT_MAX_BYTES)
    return -1;
  size_t n = (size_t) st.st_size, got = 0;
  cleanup_free char *b = malloc (n);
  if (!b)
    return -1;
  while (got < n)
    {
      ssize_t r = read (fd, b + got, n - got);
      if (r < 0 && errno == EINTR)
        continue;
      if (r <= 0)
        return -1; /* shorter than fstat said: being replaced, or torn */
      got += (size_t) r;
    }
  *buf = steal_pointer (&b);
  *len = n;
  return 0;
}

int
hg_snapshot_read (const char *cache_dir, const char *path, unsigned flags, struct hg_policy **out)
{
  cleanup_free char *name = snapshot_name (path);
  cleanup_close int dfd = name ? open_cache_dir (cache_dir) : -1;
  cleanup_free char *buf = NULL;
  size_t len = 0;
  if (dfd < 0 || read_snapshot_file (dfd, name, &buf, &len) < 0)
    return -1;
  cleanup_free char *made_from = NULL;
  struct hg_sources src;
  struct hg_policy *p = NULL;
  if (hg_snapshot_decode (buf, len, &made_from, &src, &p) < 0)
    return -1;
  bool ok = strcmp (made_from, path) == 0 && src.n > 0 && !src.v[0].is_dir
            && strcmp (src.v[0].path, path) == 0;
  for (size_t i = 0; ok && i < src.n; i++)
    ok = source_current (&src.v[i], flags);
  hg_sources_clear (&src);
  if (!ok)
    {
      hg_policy_free (p);
      return -1;
    }
  *out = p;
  return 0;
}

/* ---- writing ---- */

static bool
settled (const struct hg_source *s, time_t now)
{
  return !s->exists || (s->mtime_s < now - HG_SNAPSHOT_SETTLE && s->ctime_s < now - HG_SNAPSHOT_SETTLE);
}

/* Whether the files of this load are ones a snapshot may stand for (each
 * still what was read, trusted, settled), and the snapshot's mode: 0644
 * only when every file is readable by all, else 0600 (a policy root keeps
 * to itself must not become readable through its snapshot).  0: none. */
static mode_t
snapshot_mode (const struct hg_sources *src)
{
  if (src->unwatchable || src->n == 0)
    return 0;
  time_t now = time (NULL);
  mode_t mode = 0644;
  for (size_t i = 0; i < src->n; i++)
    {
      const struct hg_source *s = &src->v[i];
      struct stat st;
      if (!settled (s, now))
        return 0;
      if (s->is_dir)
        continue;
      struct hg_source again = { .is_dir = false };
      if (lstat (s->path, &st) < 0 || hg_check_trusted (s->path, &st, NULL) < 0)
        return 0;
      hg_source_set_stat (&again, &st);
      if (!same_source (s, &again))
        return 0;
      if (!(st.st_mode & S_IROTH))
        mode = 0600;
    }
  return mode;
}

void
hg_snapshot_write (const char *cache_dir, const char *path, const struct hg_policy *p,
                   const struct hg_sources *src)
{
  mode_t mode = cache_dir && geteuid () == 0 ? snapshot_mode (src) : 0;
  if (!mode)
    return;
  cleanup_free char *name = snapshot_name (path);
  cleanup_close int dfd = name ? open_cache_dir (cache_dir) : -1;
  cleanup_free char *buf = NULL;
  size_t len = 0;
  uint64_t rnd = 0;
  char tmp[64];
  if (dfd < 0 || hg_snapshot_encode (p, path, src, &buf, &len) < 0
      || getrandom (&rnd, sizeof rnd, GRND_NONBLOCK) != (ssize_t) sizeof rnd)
    return;
  snprintf (tmp, sizeof tmp, ".new-%016llx", (unsigned long long) rnd);
  cleanup_close int fd
      = openat (dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    return;
  /* No fsync: a snapshot torn by a crash fails its checksum, and the next
   * load parses the files and writes it again. */
  if (fchmod (fd, mode) < 0 || hg_write_all (fd, buf, len) < 0 || renameat (dfd, tmp, dfd, name) < 0)
    unlinkat (dfd, tmp, 0);
}
