/* The request spool: entries created, read, connected to and listed
 * without trusting a name another user could have placed. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "approval.h"
#include "util/util.h"

#define CONNECT_TRIES 100 /* 50 ms apart: 5 s */

/* Where the requester binds its socket: through the spool's descriptor,
 * so the directory is the one that was checked. */
static int
sock_addr (int dirfd, const char *id, struct sockaddr_un *a, socklen_t *len)
{
  memset (a, 0, sizeof *a);
  a->sun_family = AF_UNIX;
  int n = snprintf (a->sun_path, sizeof a->sun_path, "/proc/self/fd/%d/%s/socket", dirfd, id);
  if (n < 0 || (size_t) n >= sizeof a->sun_path)
    return -1;
  *len = (socklen_t) (offsetof (struct sockaddr_un, sun_path) + (size_t) n + 1);
  return 0;
}

/* The socket of the entry open as d, pinned: opened with O_PATH|O_NOFOLLOW
 * and checked (a socket, of `owner`; any owner when owner is (uid_t) -1),
 * then reached through /proc/self/fd/N of that descriptor, so that what is
 * connected to is the inode that was checked, never a symlink its owner
 * put there. */
static int
pin_socket (int d, uid_t owner, int *pinned, struct sockaddr_un *a, socklen_t *len)
{
  cleanup_close int fd = openat (d, "socket", O_PATH | O_NOFOLLOW | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || fstat (fd, &st) < 0)
    return -1;
  if (!S_ISSOCK (st.st_mode) || (owner != (uid_t) -1 && st.st_uid != owner))
    {
      errno = EPERM;
      return -1;
    }
  memset (a, 0, sizeof *a);
  a->sun_family = AF_UNIX;
  int n = snprintf (a->sun_path, sizeof a->sun_path, "/proc/self/fd/%d", fd);
  if (n < 0 || (size_t) n >= sizeof a->sun_path)
    return -1;
  *len = (socklen_t) (offsetof (struct sockaddr_un, sun_path) + (size_t) n + 1);
  *pinned = steal_fd (&fd);
  return 0;
}

static int
check_dir (int fd, const char *path, hg_error **err)
{
  struct stat st;
  if (fstat (fd, &st) < 0)
    return hg_fail (err, HG_ERR_IO, "spool %s: %s", path, strerror (errno));
  if (st.st_uid != 0)
    return hg_fail (err, HG_ERR_IO, "spool %s is not owned by root (uid %u): not used", path,
                     (unsigned) st.st_uid);
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(st.st_mode & S_ISVTX))
    return hg_fail (err, HG_ERR_IO,
                     "spool %s is writable by others without the sticky bit (mode %04o): not used",
                     path, (unsigned) (st.st_mode & 07777));
  return 0;
}

int
hg_spool_open (const char *path, int *dirfd, hg_error **err)
{
  int fd = open (path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT && geteuid () == 0)
    {
      /* /run is emptied at boot; packaging/tmpfiles.d makes it too. */
      if (mkdir (path, 0700) == 0 || errno == EEXIST)
        {
          fd = open (path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
          struct stat st;
          if (fd >= 0 && fstat (fd, &st) == 0 && st.st_uid == 0 && (st.st_mode & 07777) == 0700)
            fchmod (fd, 01777);
        }
    }
  if (fd < 0)
    {
      int e = errno;
      if (e == ELOOP || e == ENOTDIR)
        return hg_fail (err, HG_ERR_IO, "spool %s is not a directory (a symlink?): not used",
                         path);
      return hg_fail (err, HG_ERR_IO, "spool %s: %s%s", path, strerror (e),
                       e == ENOENT ? " (it is made at boot by systemd-tmpfiles, or by root)" : "");
    }
  if (check_dir (fd, path, err) < 0)
    {
      close (fd);
      return -1;
    }
  *dirfd = fd;
  return 0;
}

int
hg_spool_create (int dirfd, const char *id, const char *json, size_t len, int *listen_fd,
                 hg_error **err)
{
  if (len > HG_REQUEST_FILE_MAX)
    return hg_fail (err, HG_ERR_INVALID,
                     "the command is too large to show to an approver (%zu bytes)", len);
  /* Closed to others until whole: a reader never meets half an entry. */
  if (mkdirat (dirfd, id, 0700) < 0)
    return hg_fail (err, HG_ERR_IO, "cannot create the request %s: %s", id, strerror (errno));
  cleanup_close int d = openat (dirfd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  struct sockaddr_un a;
  socklen_t alen;
  cleanup_close int s = socket (AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (d < 0 || s < 0 || sock_addr (dirfd, id, &a, &alen) < 0
      || bind (s, (struct sockaddr *) &a, alen) < 0 || fchmodat (d, "socket", 0666, 0) < 0
      || listen (s, SOMAXCONN) < 0)
    {
      int e = errno;
      hg_spool_remove (dirfd, id);
      return hg_fail (err, HG_ERR_IO, "cannot listen on the request's socket: %s", strerror (e));
    }
  cleanup_close int fd
      = openat (d, "request.json.new", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0 || fchmod (fd, 0644) < 0 || hg_write_all (fd, json, len) < 0
      || renameat (d, "request.json.new", d, "request.json") < 0 || fchmod (d, 0755) < 0)
    {
      int e = errno;
      hg_spool_remove (dirfd, id);
      return hg_fail (err, HG_ERR_IO, "cannot write the request %s: %s", id, strerror (e));
    }
  *listen_fd = steal_fd (&s);
  return 0;
}

/* Removes the entry's files from the directory open as d, then the
 * directory itself when it is empty. */
static void
remove_entry (int dirfd, const char *id, int d)
{
  unlinkat (d, "socket", 0);
  unlinkat (d, "request.json", 0);
  unlinkat (d, "request.json.new", 0);
  unlinkat (dirfd, id, AT_REMOVEDIR);
}

void
hg_spool_remove (int dirfd, const char *id)
{
  cleanup_close int d = openat (dirfd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (d >= 0)
    remove_entry (dirfd, id, d);
  else
    unlinkat (dirfd, id, AT_REMOVEDIR);
}

void
hg_spool_remove_seen (int dirfd, const char *id, const struct stat *seen)
{
  cleanup_close int d = openat (dirfd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  struct stat st;
  if (d >= 0 && fstat (d, &st) == 0 && st.st_dev == seen->st_dev && st.st_ino == seen->st_ino)
    remove_entry (dirfd, id, d);
}

static int
read_small (int fd, size_t max, char **out, size_t *len)
{
  size_t cap = 4096, n = 0;
  cleanup_free char *buf = malloc (cap + 1);
  if (!buf)
    return -1;
  for (;;)
    {
      if (n == cap)
        {
          if (cap >= max)
            return errno = EFBIG, -1;
          cap = cap * 2 > max ? max : cap * 2;
          char *nb = realloc (buf, cap + 1);
          if (!nb)
            return -1;
          buf = nb;
        }
      ssize_t r = read (fd, buf + n, cap - n);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        return -1;
      if (r == 0)
        break;
      n += (size_t) r;
    }
  buf[n] = '\0';
  *len = n;
  *out = steal_pointer (&buf);
  return 0;
}

int
hg_spool_read (int dirfd, const char *id, struct json_object **rec, uid_t *owner, bool *gone,
               hg_error **err)
{
  *gone = false;
  if (!hg_request_id_valid (id))
    return hg_fail (err, HG_ERR_INVALID, "'%s' is not a request ID (32 hex digits)", id);
  cleanup_close int d = openat (dirfd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  struct stat dst;
  if (d < 0 || fstat (d, &dst) < 0)
    {
      *gone = errno == ENOENT || errno == EACCES; /* EACCES: still being made */
      return hg_fail (err, HG_ERR_IO, "request %s: %s", id,
                       *gone              ? "no such request (approved, refused, expired or withdrawn?)"
                       : errno == ELOOP || errno == ENOTDIR ? "not a directory (a symlink?): refused"
                                                              : strerror (errno));
    }
  if (dst.st_mode & (S_IWGRP | S_IWOTH))
    return hg_fail (err, HG_ERR_IO, "request %s: its directory is writable by others: refused",
                     id);
  cleanup_close int fd = openat (d, "request.json", O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    {
      *gone = errno == ENOENT;
      return hg_fail (err, HG_ERR_IO, "request %s: %s", id,
                       errno == ENOENT  ? "no request in it (yet)"
                       : errno == ELOOP ? "it is a symlink: refused"
                                        : strerror (errno));
    }
  struct stat st;
  if (fstat (fd, &st) < 0)
    return hg_fail (err, HG_ERR_IO, "request %s: %s", id, strerror (errno));
  if (!S_ISREG (st.st_mode) || st.st_nlink != 1)
    return hg_fail (err, HG_ERR_IO, "request %s is not a plain file with one link: refused", id);
  if (st.st_uid != dst.st_uid)
    return hg_fail (err, HG_ERR_IO, "request %s: its file and its directory have different owners: "
                     "refused", id);
  if (st.st_size > (off_t) HG_REQUEST_FILE_MAX)
    return hg_fail (err, HG_ERR_IO, "request %s is too large: refused", id);
  cleanup_free char *text = NULL;
  size_t len = 0;
  if (read_small (fd, HG_REQUEST_FILE_MAX, &text, &len) < 0)
    return hg_fail (err, HG_ERR_IO, "request %s: %s", id, strerror (errno));
  if (len && text[len - 1] == '\n')
    len--;
  struct json_object *o = hg_record_parse (text, len);
  if (!o)
    return hg_fail (err, HG_ERR_IO, "request %s is not a request record (still being written?)",
                     id);
  const char *rid = hg_rec_str (o, "id"), *event = hg_rec_str (o, "event");
  int64_t uid = hg_rec_int (o, "uid", -1);
  if (!rid || strcmp (rid, id) != 0 || !event || strcmp (event, "request") != 0)
    {
      json_object_put (o);
      return hg_fail (err, HG_ERR_IO, "request %s does not describe itself: refused", id);
    }
  /* Root's supervisor asks for the programs of every user in its session;
   * anyone else only for themselves. */
  if (st.st_uid != 0 && (int64_t) st.st_uid != uid)
    {
      json_object_put (o);
      return hg_fail (err, HG_ERR_IO,
                       "request %s is owned by uid %u but names uid %lld: a forgery, refused", id,
                       (unsigned) st.st_uid, (long long) uid);
    }
  *rec = o;
  *owner = st.st_uid;
  return 0;
}

int
hg_spool_connect (int dirfd, const char *id, uid_t owner, int *out, hg_error **err)
{
  cleanup_close int d = openat (dirfd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  struct stat st;
  if (d < 0 || fstat (d, &st) < 0 || st.st_uid != owner)
    return hg_fail (err, HG_ERR_IO, "request %s: its directory is gone or changed hands", id);
  struct sockaddr_un a;
  socklen_t alen;
  int pinned_fd = -1;
  if (pin_socket (d, owner, &pinned_fd, &a, &alen) < 0)
    return hg_fail (err, HG_ERR_IO, "request %s: %s", id,
                     errno == EPERM ? "its socket is not the requester's: refused"
                                    : "it has no socket (gone?)");
  cleanup_close int pinned = pinned_fd;
  cleanup_close int s = socket (AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (s < 0)
    return hg_fail (err, HG_ERR_IO, "socket: %s", strerror (errno));
  /* A full backlog (the requester busy turning others away) is waited
   * out for a while, not taken for an answer. */
  int r = -1;
  for (int tries = 0; tries < CONNECT_TRIES; tries++)
    {
      r = connect (s, (struct sockaddr *) &a, alen);
      if (r == 0 || errno != EAGAIN)
        break;
      nanosleep (&(struct timespec){ 0, 50 * 1000 * 1000 }, NULL);
    }
  if (r < 0)
    return hg_fail (err, HG_ERR_IO, "request %s: cannot reach the requester: %s", id,
                     errno == ECONNREFUSED ? "it is gone"
                     : errno == EAGAIN     ? "it stayed busy; try again"
                                           : strerror (errno));
  /* The inode was checked; what answers on it must be the owner too. */
  struct ucred cred;
  socklen_t clen = sizeof cred;
  if (getsockopt (s, SOL_SOCKET, SO_PEERCRED, &cred, &clen) < 0 || cred.uid != owner)
    return hg_fail (err, HG_ERR_IO, "request %s: the process on its socket is not the "
                                     "requester: refused",
                     id);
  *out = steal_fd (&s);
  return 0;
}

int
hg_spool_alive (int dirfd, const char *id)
{
  struct sockaddr_un a;
  socklen_t alen;
  int pinned_fd = -1;
  cleanup_close int d = openat (dirfd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (d < 0 || pin_socket (d, (uid_t) -1, &pinned_fd, &a, &alen) < 0)
    return errno == ENOENT || errno == EPERM ? 0 : 1; /* no socket: dead; cannot tell: not */
  cleanup_close int pinned = pinned_fd;
  cleanup_close int s = socket (AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (s < 0)
    return 1;
  if (connect (s, (struct sockaddr *) &a, alen) == 0 || errno == EAGAIN)
    return 1; /* a full backlog is a busy requester, not a dead one */
  return 0;
}

static int
cmp_str (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

int
hg_spool_list (int dirfd, char ***out, hg_error **err)
{
  int fd = openat (dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR *d = fd >= 0 ? fdopendir (fd) : NULL;
  if (!d)
    {
      if (fd >= 0)
        close (fd);
      return hg_fail (err, HG_ERR_IO, "cannot list the spool: %s", strerror (errno));
    }
  size_t n = 0, cap = 16;
  bool oom = false;
  char **ids = calloc (cap + 1, sizeof *ids);
  struct dirent *e;
  while (ids && !oom && (e = readdir (d)))
    {
      const char *id = e->d_name;
      if (!hg_request_id_valid (id))
        continue;
      if (n == cap)
        {
          char **nv = realloc (ids, (2 * cap + 1) * sizeof *ids);
          if (!nv)
            {
              oom = true;
              break;
            }
          ids = nv;
          cap *= 2;
        }
      if (!(ids[n] = strdup (id)))
        oom = true;
      else
        ids[++n] = NULL;
    }
  closedir (d);
  if (!ids || oom)
    {
      strv_free (ids);
      return hg_fail (err, HG_ERR_NOMEM, "out of memory");
    }
  qsort (ids, n, sizeof *ids, cmp_str);
  *out = ids;
  return 0;
}
