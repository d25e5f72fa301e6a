/* Program identity by content: a copy, a rename, a hard link or a memfd of
 * /usr/bin/rm is rm to the rules about rm.
 *
 * The table holds the programs the rules name (each literal `command`
 * found in HG_SECURE_PATH, or given as a path), built when first needed
 * and kept for the life of the policy (a supervisor asks thousands of
 * times).  A program is compared only with the entries of its own size,
 * so most execs cost one binary search; a size that matches is settled by
 * inode, else by SHA-256 of both files, each cached by dev, inode, size,
 * mtime and ctime.  Globs in `command` are not expanded: a rule on
 * "mkfs.*" is matched by name only. */
#include <fcntl.h>
#include <limits.h>
#include <nettle/sha2.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

#define HASH_CACHE 64

struct file_key
{
  dev_t dev;
  ino_t ino;
  off_t size;
  struct timespec mtime, ctime;
};

struct id_entry
{
  char *path; /* where the rules' program was found */
  struct file_key key;
  bool hashed;
  uint8_t digest[SHA256_DIGEST_SIZE];
};

/* The table is rebuilt this often, so that a copy of an upgraded rm (of
 * a new size) is known within a minute in a long session. */
#define REBUILD_SECONDS 60

struct hg_identity
{
  pthread_mutex_t lock;
  bool built;
  time_t built_at; /* CLOCK_MONOTONIC seconds */
  struct id_entry *v; /* sorted by size */
  size_t n;
  struct
  {
    struct file_key key;
    uint8_t digest[SHA256_DIGEST_SIZE];
  } cache[HASH_CACHE];
  size_t n_cache, next_cache;
};

struct hg_identity *
hg_identity_new (void)
{
  struct hg_identity *id = calloc (1, sizeof *id);
  if (id)
    pthread_mutex_init (&id->lock, NULL);
  return id;
}

void
hg_identity_free (struct hg_identity *id)
{
  if (!id)
    return;
  for (size_t i = 0; i < id->n; i++)
    free (id->v[i].path);
  free (id->v);
  pthread_mutex_destroy (&id->lock);
  free (id);
}

static void
key_of (const struct stat *st, struct file_key *k)
{
  *k = (struct file_key){ .dev = st->st_dev, .ino = st->st_ino, .size = st->st_size,
                          .mtime = st->st_mtim, .ctime = st->st_ctim };
}

static bool
key_equal (const struct file_key *a, const struct file_key *b)
{
  return a->dev == b->dev && a->ino == b->ino && a->size == b->size
         && a->mtime.tv_sec == b->mtime.tv_sec && a->mtime.tv_nsec == b->mtime.tv_nsec
         && a->ctime.tv_sec == b->ctime.tv_sec && a->ctime.tv_nsec == b->ctime.tv_nsec;
}

/* ---- building the table ---- */

static int
add_entry (struct hg_identity *id, size_t *cap, const char *path)
{
  struct stat st;
  if (stat (path, &st) < 0 || !S_ISREG (st.st_mode) || st.st_size == 0)
    return 0;
  for (size_t i = 0; i < id->n; i++)
    if (id->v[i].key.dev == st.st_dev && id->v[i].key.ino == st.st_ino)
      return 0;
  if (id->n == *cap)
    {
      size_t ncap = *cap ? *cap * 2 : 32;
      struct id_entry *nv = realloc (id->v, ncap * sizeof *nv);
      if (!nv)
        return -1;
      id->v = nv;
      *cap = ncap;
    }
  struct id_entry *e = &id->v[id->n];
  memset (e, 0, sizeof *e);
  if (!(e->path = realpath (path, NULL)) && !(e->path = strdup (path)))
    return -1;
  key_of (&st, &e->key);
  id->n++;
  return 0;
}

/* A literal program name, found as launchers find it (a relative path
 * names nothing fixed: skipped). */
static int
add_name (struct hg_identity *id, size_t *cap, const char *name)
{
  if (strchr (name, '/') && name[0] != '/')
    return 0;
  errno = 0;
  cleanup_free char *path = hg_locate_program (name, NULL);
  if (!path)
    return errno == ENOMEM ? -1 : 0;
  return add_entry (id, cap, path);
}

static int
entry_cmp (const void *a, const void *b)
{
  const struct id_entry *x = a, *y = b;
  return (x->key.size > y->key.size) - (x->key.size < y->key.size);
}

static int
build (struct hg_identity *id, const struct hg_policy *p)
{
  size_t cap = 0;
  /* The multi-call programs, so that a copy of busybox is looked through
   * as busybox is. */
  static const char *const launchers[] = { "busybox", "toybox" };
  for (size_t i = 0; i < sizeof launchers / sizeof *launchers; i++)
    if (add_name (id, &cap, launchers[i]) < 0)
      return -1;
  for (size_t i = 0; i < p->n_rules; i++)
    {
      const struct hg_rule *r = &p->rules[i];
      if (r->action == HG_ACTION_ALLOW)
        continue;
      for (size_t j = 0; j < r->n_commands; j++)
        if (hg_glob_is_literal (r->commands[j]) && add_name (id, &cap, r->commands[j]) < 0)
          return -1;
    }
  qsort (id->v, id->n, sizeof *id->v, entry_cmp);
  id->built = true;
  struct timespec now;
  clock_gettime (CLOCK_MONOTONIC, &now);
  id->built_at = now.tv_sec;
  return 0;
}

/* ---- hashing ---- */

static int
hash_fd (int fd, uint8_t out[SHA256_DIGEST_SIZE])
{
  struct sha256_ctx ctx;
  sha256_init (&ctx);
  uint8_t buf[65536];
  off_t off = 0;
  for (;;)
    {
      ssize_t n = pread (fd, buf, sizeof buf, off);
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          return -1;
        }
      if (n == 0)
        break;
      sha256_update (&ctx, (size_t) n, buf);
      off += n;
    }
  sha256_digest (&ctx, SHA256_DIGEST_SIZE, out);
  return 0;
}

static bool
cached_digest (const struct hg_identity *id, const struct file_key *k, uint8_t out[SHA256_DIGEST_SIZE])
{
  for (size_t i = 0; i < id->n_cache; i++)
    if (key_equal (&id->cache[i].key, k))
      {
        memcpy (out, id->cache[i].digest, SHA256_DIGEST_SIZE);
        return true;
      }
  return false;
}

/* The digest of an open file whose stat is st, through the cache. */
static int
digest_of (struct hg_identity *id, int fd, const struct stat *st, uint8_t out[SHA256_DIGEST_SIZE])
{
  struct file_key k;
  key_of (st, &k);
  if (cached_digest (id, &k, out))
    return 0;
  if (hash_fd (fd, out) < 0)
    return -1;
  size_t slot = id->n_cache < HASH_CACHE ? id->n_cache++ : id->next_cache++ % HASH_CACHE;
  id->cache[slot].key = k;
  memcpy (id->cache[slot].digest, out, SHA256_DIGEST_SIZE);
  return 0;
}

/* The entry's digest, rehashed when its file changed since (an upgrade). */
static int
entry_digest (struct hg_identity *id, struct id_entry *e)
{
  struct stat st;
  struct file_key k;
  if (e->hashed && stat (e->path, &st) == 0 && (key_of (&st, &k), key_equal (&k, &e->key)))
    return 0;
  cleanup_close int fd = open (e->path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0 || fstat (fd, &st) < 0 || !S_ISREG (st.st_mode))
    return -1;
  key_of (&st, &e->key);
  if (digest_of (id, fd, &st, e->digest) < 0)
    return -1;
  e->hashed = true;
  return 0;
}

/* ---- lookup ---- */

/* Opens the program for hashing: through its descriptor when it has one
 * (a memfd has no path), else by path. */
static int
open_program (const char *path, int fd)
{
  char proc[64];
  if (fd >= 0)
    {
      snprintf (proc, sizeof proc, "/proc/self/fd/%d", fd);
      path = proc;
    }
  return open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
}

static int
lookup_locked (struct hg_identity *id, const struct hg_policy *p, const char *path, int fd,
               const struct stat *st, char **out)
{
  struct timespec t_now;
  clock_gettime (CLOCK_MONOTONIC, &t_now);
  if (id->built && t_now.tv_sec - id->built_at > REBUILD_SECONDS)
    {
      for (size_t i = 0; i < id->n; i++)
        free (id->v[i].path);
      free (id->v);
      id->v = NULL;
      id->n = 0;
      id->built = false;
    }
  if (!id->built && build (id, p) < 0)
    return -1;
  size_t lo = 0, hi = id->n;
  while (lo < hi)
    {
      size_t mid = lo + (hi - lo) / 2;
      if (id->v[mid].key.size < st->st_size)
        lo = mid + 1;
      else
        hi = mid;
    }
  cleanup_close int own = -1;
  bool have = false;
  uint8_t mine[SHA256_DIGEST_SIZE];
  for (size_t i = lo; i < id->n && id->v[i].key.size == st->st_size; i++)
    {
      struct id_entry *e = &id->v[i];
      bool same = e->key.dev == st->st_dev && e->key.ino == st->st_ino;
      if (!same && !have)
        {
          struct file_key k;
          key_of (st, &k);
          if (!cached_digest (id, &k, mine))
            {
              struct stat now;
              own = open_program (path, fd);
              if (own < 0 || fstat (own, &now) < 0 || now.st_dev != st->st_dev
                  || now.st_ino != st->st_ino || digest_of (id, own, &now, mine) < 0)
                return HG_IDENTITY_UNREADABLE;
            }
          have = true;
        }
      if (!same)
        same = entry_digest (id, e) == 0 && memcmp (e->digest, mine, sizeof mine) == 0;
      if (same)
        return (*out = strdup (e->path)) ? HG_IDENTITY_FOUND : -1;
    }
  return HG_IDENTITY_NONE;
}

int
hg_identity_lookup (struct hg_identity *id, const struct hg_policy *p, const char *path, int fd,
                    char **out)
{
  *out = NULL;
  struct stat st;
  if ((fd >= 0 ? fstat (fd, &st) : stat (path, &st)) < 0 || !S_ISREG (st.st_mode))
    return HG_IDENTITY_NONE;
  pthread_mutex_lock (&id->lock);
  int r = lookup_locked (id, p, path, fd, &st, out);
  pthread_mutex_unlock (&id->lock);
  return r;
}

static bool
root_only (const char *abs, int depth)
{
  if (abs[0] != '/' || depth > 40 || strlen (abs) >= PATH_MAX)
    return false;
  char cur[PATH_MAX] = "";
  struct stat st;
  if (stat ("/", &st) < 0 || st.st_uid != 0 || (st.st_mode & 022))
    return false;
  const char *p = abs;
  while (*p)
    {
      while (*p == '/')
        p++;
      if (!*p)
        break;
      size_t n = strcspn (p, "/");
      bool last = p[n] == '\0' || p[n + strspn (p + n, "/")] == '\0';
      size_t len = strlen (cur);
      if (len + 1 + n >= sizeof cur)
        return false;
      cur[len] = '/';
      memcpy (cur + len + 1, p, n);
      cur[len + 1 + n] = '\0';
      if (lstat (cur, &st) < 0 || st.st_uid != 0)
        return false;
      if (S_ISLNK (st.st_mode))
        {
          char target[PATH_MAX], next[PATH_MAX];
          ssize_t t = readlink (cur, target, sizeof target - 1);
          if (t <= 0)
            return false;
          target[t] = '\0';
          cur[len] = '\0'; /* the directory the link is in */
          int r = target[0] == '/' ? snprintf (next, sizeof next, "%s/%s", target, p + n)
                                   : snprintf (next, sizeof next, "%s/%s/%s", cur, target, p + n);
          return r > 0 && (size_t) r < sizeof next && root_only (next, depth + 1);
        }
      if (last)
        return S_ISREG (st.st_mode) && !(st.st_mode & 022);
      if (!S_ISDIR (st.st_mode) || ((st.st_mode & 022) && !(st.st_mode & S_ISVTX)))
        return false;
      p += n;
    }
  return false;
}

bool
hg_path_root_only (const char *abs)
{
  return root_only (abs, 0);
}
