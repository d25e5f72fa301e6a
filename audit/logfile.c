/* The record of truth: log_dir/USER.jsonl, hash-chained, and its head
 * log_dir/USER.jsonl.head (docs/audit-record.md, "The chain and the head",
 * "Who may write where").
 *
 * Every file is reached through a descriptor of log_dir with O_NOFOLLOW and
 * checked after opening (regular file, owned by the user, one link), so a
 * symlink, FIFO, hard link or another user's file planted under the name is
 * refused rather than written through. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nettle/sha2.h>

#include "internal.h"
#include "util/util.h"

#define CHUNK (64 * 1024)

struct hg_logfile
{
  int dirfd, fd;
  char *dir, *name, *head_name;
  uid_t uid;
  /* The chain's end as we left it: when the file still has this size, the
   * last line need not be read (and hashed) again. */
  off_t known_size;
  unsigned long long known_seq;
  char known_hash[HG_HASH_HEX];
};

void
hg_sha256_hex (const void *p, size_t n, char hex[HG_HASH_HEX])
{
  struct sha256_ctx ctx;
  uint8_t d[SHA256_DIGEST_SIZE];
  sha256_init (&ctx);
  sha256_update (&ctx, n, p);
  sha256_digest (&ctx, sizeof d, d);
  for (size_t i = 0; i < sizeof d; i++)
    snprintf (hex + 2 * i, 3, "%02x", d[i]);
}

static const char *
errname (int e)
{
  const char *n = strerrorname_np (e);
  return n ? n : "?";
}

static const char *
owner_name (uid_t uid, char *buf, size_t len)
{
  struct passwd *pw = getpwuid (uid);
  snprintf (buf, len, "%s (uid %u)", pw ? pw->pw_name : "?", (unsigned) uid);
  return buf;
}

/* fd must be a regular file owned by uid with one link. */
static int
check_file (const struct hg_logfile *lf, int fd, const char *name, hg_error **err)
{
  struct stat st;
  char who[128];
  if (fstat (fd, &st) < 0)
    return hg_fail (err, HG_ERR_IO, "%s/%s: %s", lf->dir, name, strerror (errno));
  if (!S_ISREG (st.st_mode))
    return hg_fail (err, HG_ERR_IO, "%s/%s is not a regular file (%s): refused", lf->dir, name,
                     S_ISFIFO (st.st_mode) ? "a FIFO" : S_ISDIR (st.st_mode) ? "a directory" : "a device or socket");
  if (st.st_uid != lf->uid)
    return hg_fail (err, HG_ERR_IO, "%s/%s is owned by %s, not by uid %u: refused; someone else created it, an administrator must remove it",
                     lf->dir, name, owner_name (st.st_uid, who, sizeof who), (unsigned) lf->uid);
  if (st.st_nlink != 1)
    return hg_fail (err, HG_ERR_IO, "%s/%s has %ju hard links: refused", lf->dir, name,
                     (uintmax_t) st.st_nlink);
  if ((st.st_mode & 077) && fchmod (fd, 0600) < 0)
    return hg_fail (err, HG_ERR_IO, "%s/%s: cannot make it private: %s", lf->dir, name, strerror (errno));
  return 0;
}

/* Opens NAME under log_dir, creating it for uid when missing; -1 with *err. */
static int
open_checked (const struct hg_logfile *lf, const char *name, int flags, hg_error **err)
{
  const int base = flags | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK; /* a FIFO must not hang us */
  cleanup_close int fd = -1;
  bool created = false;
  for (int tries = 0; fd < 0 && tries < 3; tries++)
    {
      fd = openat (lf->dirfd, name, base);
      if (fd < 0 && errno == ENOENT)
        {
          fd = openat (lf->dirfd, name, base | O_CREAT | O_EXCL, 0600);
          created = fd >= 0;
          if (fd < 0 && errno == EEXIST)
            continue; /* another writer created it: open theirs */
        }
      break;
    }
  if (fd < 0)
    {
      int e = errno;
      struct stat st;
      char who[128];
      if (e == ELOOP)
        hg_fail (err, HG_ERR_IO, "%s/%s is a symbolic link: refused", lf->dir, name);
      else if ((e == EACCES || e == EPERM) && fstatat (lf->dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0
               && st.st_uid != lf->uid)
        hg_fail (err, HG_ERR_IO, "%s/%s is owned by %s: refused; an administrator must remove it",
                  lf->dir, name, owner_name (st.st_uid, who, sizeof who));
      else
        hg_fail (err, HG_ERR_IO, "cannot open %s/%s: %s", lf->dir, name, strerror (e));
      return -1;
    }
  /* root writes for a user (the sudo plugin): the file is the user's. */
  if (created && geteuid () != lf->uid && fchown (fd, lf->uid, (gid_t) -1) < 0)
    {
      hg_fail (err, HG_ERR_IO, "%s/%s: cannot give it to uid %u: %s", lf->dir, name,
                (unsigned) lf->uid, strerror (errno));
      return -1;
    }
  if (check_file (lf, fd, name, err) < 0)
    return -1;
  return steal_fd (&fd);
}

static int
open_dir (struct hg_logfile *lf, hg_error **err)
{
  /* O_PATH: in a 1733 directory others have no read permission, and an
   * O_RDONLY open of it would fail for every user but root. */
  const int flags = O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
  struct stat st;
  bool made = false;
  lf->dirfd = open (lf->dir, flags);
  if (lf->dirfd < 0 && errno == ENOENT && geteuid () == 0)
    {
      /* The first record on this host: root makes the directory every user
       * can add a file to but no one can list (see the document). */
      made = mkdir (lf->dir, 01733) == 0 || errno == EEXIST;
      lf->dirfd = open (lf->dir, flags);
    }
  if (lf->dirfd < 0)
    {
      int e = errno;
      if ((e == ELOOP || e == ENOTDIR) && lstat (lf->dir, &st) == 0 && S_ISLNK (st.st_mode))
        return hg_fail (err, HG_ERR_IO, "log directory %s is a symbolic link: refused", lf->dir);
      return hg_fail (err, HG_ERR_IO, "cannot open the log directory %s: %s", lf->dir, strerror (e));
    }
  /* umask may have narrowed it; fchmod does not work on an O_PATH fd, and
   * fchmodat does not follow a symlink swapped in since (the fstat below
   * checks the result through the fd). */
  if (made && fchmodat (AT_FDCWD, lf->dir, 01733, 0) < 0)
    return hg_fail (err, HG_ERR_IO, "%s: %s", lf->dir, strerror (errno));
  if (fstat (lf->dirfd, &st) < 0)
    return hg_fail (err, HG_ERR_IO, "%s: %s", lf->dir, strerror (errno));
  /* In a directory others may write to without the sticky bit, they could
   * rename our file away and put theirs in its place. */
  if ((st.st_uid != 0 && st.st_uid != lf->uid)
      || ((st.st_mode & 022) && !(st.st_mode & S_ISVTX)))
    return hg_fail (err, HG_ERR_IO, "log directory %s must be owned by root (or the user) and, when others may write to it, sticky: refused",
                     lf->dir);
  return 0;
}

int
hg_logfile_open (const char *log_dir, const char *user, uid_t uid, struct hg_logfile **out,
                 hg_error **err)
{
  if (!log_dir || !*log_dir || !user || !*user || user[0] == '.' || strchr (user, '/'))
    return hg_fail (err, HG_ERR_INVALID, "no usable log directory or user name for the audit log");
  cleanup_free struct hg_logfile *lf = calloc (1, sizeof *lf);
  if (!lf)
    return hg_fail (err, HG_ERR_NOMEM, "out of memory");
  lf->dirfd = lf->fd = -1;
  lf->uid = uid;
  if (!(lf->dir = strdup (log_dir)) || asprintf (&lf->name, "%s.jsonl", user) < 0
      || asprintf (&lf->head_name, "%s.jsonl.head", user) < 0)
    {
      lf->name = lf->head_name = NULL;
      hg_logfile_close (steal_pointer (&lf));
      return hg_fail (err, HG_ERR_NOMEM, "out of memory");
    }
  if (open_dir (lf, err) < 0 || (lf->fd = open_checked (lf, lf->name, O_RDWR | O_APPEND, err)) < 0)
    {
      hg_logfile_close (steal_pointer (&lf));
      return HG_ERR_IO;
    }
  *out = steal_pointer (&lf);
  return 0;
}

void
hg_logfile_close (struct hg_logfile *lf)
{
  if (!lf)
    return;
  if (lf->fd >= 0)
    close (lf->fd);
  if (lf->dirfd >= 0)
    close (lf->dirfd);
  free (lf->dir);
  free (lf->name);
  free (lf->head_name);
  free (lf);
}

/* The chain's end: seq of the last record (0: none or unreadable), its hash. */
struct chain_end
{
  unsigned long long seq;
  char hash[HG_HASH_HEX];
  bool no_newline; /* a torn last line: our record must start a new one */
};

static unsigned long long
seq_of_line (const char *head, size_t n)
{
  const char *p = memmem (head, n, "\"seq\":", 6);
  unsigned long long v = 0;
  if (!p)
    return 0;
  for (p += 6; p < head + n && *p >= '0' && *p <= '9'; p++)
    v = v * 10 + (unsigned long long) (*p - '0');
  return v;
}

/* Reads the last line of fd (size bytes) backwards in chunks: lines may be
 * MiBs long. */
static int
read_last_line (struct hg_logfile *lf, off_t size, struct chain_end *ce, hg_error **err)
{
  cleanup_free char *buf = malloc (CHUNK);
  char last;
  if (!buf)
    return hg_fail (err, HG_ERR_NOMEM, "out of memory");
  if (pread (lf->fd, &last, 1, size - 1) != 1)
    return hg_fail (err, HG_ERR_IO, "cannot read %s/%s: %s", lf->dir, lf->name, strerror (errno));
  ce->no_newline = last != '\n';
  off_t end = ce->no_newline ? size : size - 1, start = 0;
  for (off_t pos = end; pos > 0;)
    {
      size_t n = pos > CHUNK ? CHUNK : (size_t) pos;
      if (pread (lf->fd, buf, n, pos - (off_t) n) != (ssize_t) n)
        return hg_fail (err, HG_ERR_IO, "cannot read %s/%s: %s", lf->dir, lf->name, strerror (errno));
      char *nl = memrchr (buf, '\n', n);
      if (nl)
        {
          start = pos - (off_t) n + (nl - buf) + 1;
          break;
        }
      pos -= (off_t) n;
    }
  struct sha256_ctx ctx;
  uint8_t d[SHA256_DIGEST_SIZE];
  sha256_init (&ctx);
  ce->seq = 0;
  for (off_t pos = start; pos < end;)
    {
      size_t n = end - pos > CHUNK ? CHUNK : (size_t) (end - pos);
      if (pread (lf->fd, buf, n, pos) != (ssize_t) n)
        return hg_fail (err, HG_ERR_IO, "cannot read %s/%s: %s", lf->dir, lf->name, strerror (errno));
      if (pos == start)
        ce->seq = seq_of_line (buf, n < 64 ? n : 64);
      sha256_update (&ctx, n, (uint8_t *) buf);
      pos += (off_t) n;
    }
  sha256_digest (&ctx, sizeof d, d);
  for (size_t i = 0; i < sizeof d; i++)
    snprintf (ce->hash + 2 * i, 3, "%02x", d[i]);
  return 0;
}

/* The head: {"seq":N,"hash":"..."}; found=false when there is none. */
static int
read_head (struct hg_logfile *lf, struct chain_end *ce, bool *found, hg_error **err)
{
  char buf[256];
  *found = false;
  cleanup_close int fd = openat (lf->dirfd, lf->head_name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0 && errno == ENOENT)
    return 0;
  if (fd < 0)
    return hg_fail (err, HG_ERR_IO, "cannot open %s/%s: %s", lf->dir, lf->head_name, strerror (errno));
  if (check_file (lf, fd, lf->head_name, err) < 0)
    return HG_ERR_IO;
  ssize_t n = pread (fd, buf, sizeof buf - 1, 0);
  int used = 0;
  buf[n > 0 ? n : 0] = '\0';
  if (n <= 0 || sscanf (buf, "{\"seq\":%llu,\"hash\":\"%64[0-9a-f]\"}%n", &ce->seq, ce->hash, &used) != 2
      || used == 0 || strlen (ce->hash) != 64)
    return hg_fail (err, HG_ERR_IO, "%s/%s is damaged: the chain cannot go on; an administrator must check it and remove it",
                     lf->dir, lf->head_name);
  *found = true;
  return 0;
}

static int
write_head (struct hg_logfile *lf, unsigned long long seq, const char *hash, hg_error **err)
{
  char buf[128];
  int n = snprintf (buf, sizeof buf, "{\"seq\":%llu,\"hash\":\"%s\"}\n", seq, hash);
  /* In place, not through a new file: no new blocks are needed, so a full
   * disk that let the record in does not stop the head. */
  cleanup_close int fd = open_checked (lf, lf->head_name, O_WRONLY, err);
  if (fd < 0)
    return HG_ERR_IO;
  if (pwrite (fd, buf, (size_t) n, 0) != n || ftruncate (fd, n) < 0 || fsync (fd) < 0)
    return hg_fail (err, HG_ERR_IO, "cannot update %s/%s: %s", lf->dir, lf->head_name, strerror (errno));
  return 0;
}

/* Locks the file that now bears the name, reopening it after a rotation. */
static int
lock_current (struct hg_logfile *lf, hg_error **err)
{
  for (int tries = 0; tries < 5; tries++)
    {
      struct stat by_name, by_fd;
      while (flock (lf->fd, LOCK_EX) < 0)
        if (errno != EINTR)
          return hg_fail (err, HG_ERR_IO, "cannot lock %s/%s: %s", lf->dir, lf->name, strerror (errno));
      if (fstatat (lf->dirfd, lf->name, &by_name, AT_SYMLINK_NOFOLLOW) == 0 && fstat (lf->fd, &by_fd) == 0
          && by_name.st_dev == by_fd.st_dev && by_name.st_ino == by_fd.st_ino)
        return 0;
      close (lf->fd); /* rotated away: the next record goes to the new file */
      lf->known_size = 0;
      if ((lf->fd = open_checked (lf, lf->name, O_RDWR | O_APPEND, err)) < 0)
        return HG_ERR_IO;
    }
  return hg_fail (err, HG_ERR_IO, "%s/%s keeps being replaced: refused", lf->dir, lf->name);
}

static int
append_locked (struct hg_logfile *lf, hg_line_builder build, void *data, char hash[HG_HASH_HEX],
               hg_error **err)
{
  struct stat st;
  struct chain_end ce = { .seq = 0 };
  bool found = false;
  if (fstat (lf->fd, &st) < 0)
    return hg_fail (err, HG_ERR_IO, "%s/%s: %s", lf->dir, lf->name, strerror (errno));
  if (st.st_size > 0 && st.st_size == lf->known_size)
    {
      ce.seq = lf->known_seq;
      memcpy (ce.hash, lf->known_hash, HG_HASH_HEX);
    }
  else if (st.st_size > 0 && read_last_line (lf, st.st_size, &ce, err) < 0)
    return HG_ERR_IO;
  /* An empty file continues the head; so does a torn line without seq. */
  if (ce.seq == 0)
    {
      struct chain_end head;
      if (read_head (lf, &head, &found, err) < 0)
        return HG_ERR_IO;
      ce.seq = found ? head.seq : 0;
      if (st.st_size == 0)
        memcpy (ce.hash, found ? head.hash : "0000000000000000000000000000000000000000000000000000000000000000",
                HG_HASH_HEX);
    }
  cleanup_free char *line = build (data, ce.seq + 1, ce.hash);
  if (!line)
    return hg_fail (err, HG_ERR_NOMEM, "out of memory");
  size_t len = strlen (line);
  hg_sha256_hex (line, len, hash);
  cleanup_free char *buf = malloc (len + 3);
  if (!buf)
    return hg_fail (err, HG_ERR_NOMEM, "out of memory");
  size_t off = ce.no_newline ? 1 : 0;
  buf[0] = '\n';
  memcpy (buf + off, line, len);
  buf[off + len] = '\n';
  size_t total = off + len + 1;
  ssize_t w = write (lf->fd, buf, total);
  if (w != (ssize_t) total)
    {
      int e = w < 0 ? errno : ENOSPC; /* a short write to a file: the disk is full */
      if (ftruncate (lf->fd, st.st_size) < 0)
        return hg_fail (err, HG_ERR_IO, "cannot write the audit record to %s/%s: %s (%s), and cannot take back the partial record: %s",
                         lf->dir, lf->name, strerror (e), errname (e), strerror (errno));
      return hg_fail (err, HG_ERR_IO, "cannot write the audit record to %s/%s: %s (%s)", lf->dir,
                       lf->name, strerror (e), errname (e));
    }
  if (fsync (lf->fd) < 0)
    {
      int e = errno;
      /* The caller refuses the command: a record that says it ran must not stay. */
      (void) !ftruncate (lf->fd, st.st_size);
      return hg_fail (err, HG_ERR_IO, "cannot write the audit record to %s/%s: fsync: %s (%s)",
                       lf->dir, lf->name, strerror (e), errname (e));
    }
  if (write_head (lf, ce.seq + 1, hash, err) < 0)
    {
      (void) !ftruncate (lf->fd, st.st_size);
      lf->known_size = -1; /* read the tail again next time */
      return -1;
    }
  lf->known_size = st.st_size + (off_t) total;
  lf->known_seq = ce.seq + 1;
  memcpy (lf->known_hash, hash, HG_HASH_HEX);
  return 0;
}

int
hg_logfile_append (struct hg_logfile *lf, hg_line_builder build, void *data, char hash[HG_HASH_HEX],
                   hg_error **err)
{
  if (lock_current (lf, err) < 0)
    return HG_ERR_IO;
  int r = append_locked (lf, build, data, hash, err);
  flock (lf->fd, LOCK_UN);
  return r;
}
