/* Reading the task behind a notification.  Everything is copied into the
 * supervisor before it is used (the task's other threads may rewrite
 * their memory at any time), and the notification id is checked after
 * each read: an answer about a reused pid would be about someone else. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <seccomp.h>
#include <stdint.h>
#include <linux/kcmp.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/util.h"
#include "internal.h"

#define PAGE 4096u

char *
hg_fd_path (int fd)
{
  char link[64], buf[PATH_MAX];
  snprintf (link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t n = readlink (link, buf, sizeof buf - 1);
  if (n < 0)
    return NULL;
  buf[n] = '\0';
  return strdup (buf);
}

/* /proc/self, /proc/thread-self and /dev/fd name the task's own, not the
 * supervisor's: the path to open from here. */
static char *
kernel_path (pid_t pid, int dirfd, const char *path, bool empty_path)
{
  char *s = NULL;
  int r;
  if (empty_path && !*path)
    r = asprintf (&s, "/proc/%d/fd/%d", pid, dirfd);
  else if (strncmp (path, "/proc/self/", 11) == 0)
    r = asprintf (&s, "/proc/%d/%s", pid, path + 11);
  else if (strncmp (path, "/proc/thread-self/", 18) == 0)
    r = asprintf (&s, "/proc/%d/task/%d/%s", pid, pid, path + 18);
  else if (strncmp (path, "/dev/fd/", 8) == 0)
    r = asprintf (&s, "/proc/%d/fd/%s", pid, path + 8);
  else if (path[0] == '/')
    r = asprintf (&s, "/proc/%d/root%s", pid, path); /* its root: chroot, mount namespace */
  else if (dirfd == AT_FDCWD)
    r = asprintf (&s, "/proc/%d/cwd/%s", pid, path);
  else
    r = asprintf (&s, "/proc/%d/fd/%d/%s", pid, dirfd, path);
  return r < 0 ? NULL : s;
}

/* Opens path under base (the task's root, cwd or dirfd), never through a
 * /proc magic link: /proc//self/fd/N, a symlink to /proc/self/fd/N or
 * `self/fd/N` from /proc would name the supervisor's own descriptor from
 * here.  Such a path fails with ELOOP. */
static int
open_beneath (const char *base_path, const char *rel, bool in_root)
{
  cleanup_close int base = open (base_path, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (base < 0)
    return -1;
  struct open_how how = { .flags = O_PATH | O_CLOEXEC,
                          .resolve = RESOLVE_NO_MAGICLINKS | (in_root ? RESOLVE_IN_ROOT : 0) };
  return (int) syscall (SYS_openat2, base, *rel ? rel : ".", &how, sizeof how);
}

int
hg_target_open (pid_t pid, int dirfd, const char *path, bool empty_path)
{
  if (!*path && !empty_path)
    return errno = ENOENT, -1;
  bool own = (empty_path && !*path) || strncmp (path, "/proc/self/", 11) == 0
             || strncmp (path, "/proc/thread-self/", 18) == 0 || strncmp (path, "/dev/fd/", 8) == 0;
  if (!own)
    {
      char base[64];
      if (path[0] == '/')
        snprintf (base, sizeof base, "/proc/%d/root", pid); /* its root: chroot, mount namespace */
      else if (dirfd == AT_FDCWD)
        snprintf (base, sizeof base, "/proc/%d/cwd", pid);
      else
        snprintf (base, sizeof base, "/proc/%d/fd/%d", pid, dirfd);
      return open_beneath (base, path[0] == '/' ? path + 1 : path, path[0] == '/');
    }
  cleanup_free char *kp = kernel_path (pid, dirfd, path, empty_path);
  if (!kp)
    return errno = ENOMEM, -1;
  return open (kp, O_PATH | O_CLOEXEC);
}

/* A NUL-terminated string at addr, at most max bytes with its NUL.
 * 0, or an errno: EFAULT unreadable, ENAMETOOLONG/E2BIG when too long
 * (toolong), ENOMEM. */
static int
read_string (int mem, uint64_t addr, size_t max, int toolong, char **out)
{
  cleanup_free char *buf = NULL;
  size_t len = 0, cap = 0;
  for (;;)
    {
      size_t chunk = PAGE - (size_t) (addr % PAGE); /* never across a page: one may be unmapped */
      if (len + chunk > cap)
        {
          cap = len + chunk < 256 ? 256 : 2 * (len + chunk);
          char *n = realloc (buf, cap);
          if (!n)
            return ENOMEM;
          buf = n;
        }
      ssize_t n = pread (mem, buf + len, chunk, (off_t) addr);
      if (n <= 0)
        return EFAULT;
      char *nul = memchr (buf + len, '\0', (size_t) n);
      if (nul)
        {
          if ((size_t) (nul - buf) + 1 > max)
            return toolong;
          *nul = '\0';
          *out = steal_pointer (&buf);
          return 0;
        }
      len += (size_t) n;
      addr += (uint64_t) n;
      if (len >= max)
        return toolong;
    }
}

/* argv from the pointer array at addr (NULL: no arguments, as the kernel
 * takes it).  0 or an errno (EFAULT, E2BIG, ENOMEM). */
static int
read_argv (int mem, uint64_t addr, char ***argv, size_t *argc)
{
  size_t n = 0, cap = 16, total = 0;
  cleanup_strv char **v = calloc (cap + 1, sizeof *v);
  if (!v)
    return ENOMEM;
  while (addr)
    {
      uint64_t ptrs[64];
      size_t want = (PAGE - (size_t) (addr % PAGE)) / sizeof (uint64_t);
      if (want > N_ELEMENTS (ptrs))
        want = N_ELEMENTS (ptrs);
      ssize_t got = pread (mem, ptrs, want * sizeof (uint64_t), (off_t) addr);
      if (got < (ssize_t) sizeof (uint64_t))
        return EFAULT;
      size_t k = (size_t) got / sizeof (uint64_t);
      for (size_t i = 0; i < k; i++)
        {
          if (ptrs[i] == 0)
            goto done;
          if (n == HG_TARGET_MAX_ARGC)
            return E2BIG;
          if (n == cap)
            {
              char **nv = realloc (v, (2 * cap + 1) * sizeof *v);
              if (!nv)
                return ENOMEM;
              v = nv;
              cap *= 2;
            }
          int r = read_string (mem, ptrs[i], 32 * PAGE, E2BIG, &v[n]); /* MAX_ARG_STRLEN */
          if (r)
            return r;
          v[++n] = NULL;
          total += strlen (v[n - 1]) + 1 + sizeof (void *);
          if (total > HG_TARGET_MAX_ARGV_BYTES)
            return E2BIG;
        }
      addr += (uint64_t) k * sizeof (uint64_t);
    }
done:
  *argc = n;
  *argv = steal_pointer (&v);
  return 0;
}

/* The number after "\nKEY:\t" in a /proc status text, or -1. */
static long
status_field (const char *text, const char *key)
{
  const char *p = strstr (text, key);
  if (!p)
    return -1;
  p += strlen (key);
  char *end;
  long v = strtol (p, &end, 10);
  return end == p ? -1 : v;
}

/* Uid (real), Tgid and TracerPid from /proc/PID/status: one read of the
 * whole text (it is under 2 KiB; 4 KiB leaves room), not a stdio parse of
 * each of its ~55 lines (measured: a tenth of the per-exec cost). */
static bool
shares_memory_with (pid_t pid, pid_t other)
{
  return syscall (SYS_kcmp, pid, other, KCMP_VM, 0, 0) == 0;
}

/* A writable MAP_SHARED mapping ("rw-s"): memory another process may
 * write.  Unreadable maps count as shared: the exec is then verified. */
static bool
has_writable_shared_mapping (pid_t pid)
{
  char path[64];
  snprintf (path, sizeof path, "/proc/%d/maps", pid);
  cleanup_fclose FILE *f = fopen (path, "re");
  if (!f)
    return true;
  char line[512];
  while (fgets (line, sizeof line, f))
    {
      /* "start-end perms offset dev inode path": perms is the 2nd field. */
      const char *perms = strchr (line, ' ');
      if (perms && perms[2] == 'w' && perms[4] == 's')
        return true;
      /* the rest of a long line (a long path) */
      while (!strchr (line, '\n') && fgets (line, sizeof line, f))
        ;
    }
  return false;
}

static int
read_status (pid_t pid, struct hg_target *t)
{
  char path[64], buf[4096];
  snprintf (path, sizeof path, "/proc/%d/status", pid);
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  size_t len = 0;
  ssize_t n;
  while (len < sizeof buf - 1 && (n = read (fd, buf + len, sizeof buf - 1 - len)) > 0)
    len += (size_t) n;
  buf[len] = '\0';
  long tgid = status_field (buf, "\nTgid:\t"), tracer = status_field (buf, "\nTracerPid:\t"),
       uid = status_field (buf, "\nUid:\t"), ppid = status_field (buf, "\nPPid:\t"),
       threads = status_field (buf, "\nThreads:\t");
  if (tgid < 0 || tracer < 0 || uid < 0)
    return -1;
  /* Another thread, a vfork parent's other threads, or another process
   * through a shared mapping may rewrite the path and arguments between
   * our read and the kernel's: such an exec is verified after the fact
   * (notification.c), whatever it was decided. */
  t->memory_shared = threads != 1 || (ppid > 0 && shares_memory_with (pid, (pid_t) ppid))
                     || has_writable_shared_mapping (pid);
  t->tgid = (pid_t) tgid;
  t->tracer = (pid_t) tracer;
  t->uid = (uid_t) uid;
  return 0;
}

#define CHECK_ALIVE()                                                                              \
  do                                                                                               \
    {                                                                                              \
      if (seccomp_notify_id_valid (listener, req->id) != 0)                                        \
        return HG_TARGET_GONE;                                                                     \
    }                                                                                              \
  while (0)

int
hg_target_read (int listener, const struct seccomp_notif *req, struct hg_target *t, int *errnum,
                hg_error **err)
{
  memset (t, 0, sizeof *t);
  t->fd = -1;
  t->pid = (pid_t) req->pid;
  bool at = req->data.nr == SYS_execveat;
  int dirfd = at ? (int) req->data.args[0] : AT_FDCWD;
  uint64_t path_addr = req->data.args[at ? 1 : 0];
  uint64_t argv_addr = req->data.args[at ? 2 : 1];
  int flags = at ? (int) req->data.args[4] : 0;
  bool empty_path = (flags & AT_EMPTY_PATH) != 0;

  /* Which reads need their own id check (each is a system call on the
   * per-exec path, measured): the task waits in its execve until we
   * answer, so while its notification is valid the pid is that task's.
   * A check at time T therefore covers every read of /proc/PID made
   * before T, and what such a read gave is used only after a check.
   * Memory reads are each followed by one (the rule of the issue), and
   * that check also covers the opening of /proc/PID/mem before it: had
   * the pid been reused, the notification would be invalid by then and
   * what was read is thrown away unused. */
  char mem_path[64];
  snprintf (mem_path, sizeof mem_path, "/proc/%d/mem", t->pid);
  cleanup_close int mem = open (mem_path, O_RDONLY | O_CLOEXEC);
  if (mem < 0)
    {
      CHECK_ALIVE (); /* a task that died is no error */
      return hg_fail (err, HG_ERR_IO, "cannot read the memory of process %d: %s", t->pid,
                       strerror (errno));
    }

  int r = read_string (mem, path_addr, PATH_MAX, ENAMETOOLONG, &t->path);
  CHECK_ALIVE (); /* covers the open of mem, and this read */
  if (r)
    return *errnum = r, r == ENOMEM ? hg_fail (err, HG_ERR_NOMEM, "out of memory") : HG_TARGET_FAILS;

  r = read_argv (mem, argv_addr, &t->argv, &t->argc);
  CHECK_ALIVE ();
  if (r == ENOMEM)
    return hg_fail (err, HG_ERR_NOMEM, "out of memory");
  if (r == E2BIG)
    {
      *errnum = E2BIG;
      hg_fail (err, HG_ERR_INVALID,
                "the arguments of process %d are too many or too long to check (at most %u "
                "arguments, %u MiB)",
                t->pid, HG_TARGET_MAX_ARGC, HG_TARGET_MAX_ARGV_BYTES >> 20);
      return HG_TARGET_REFUSE;
    }
  if (r)
    return *errnum = r, HG_TARGET_FAILS;

  char link[64], buf[PATH_MAX];
  snprintf (link, sizeof link, "/proc/%d/cwd", t->pid);
  ssize_t n = readlink (link, buf, sizeof buf - 1);
  if (n < 0)
    {
      CHECK_ALIVE ();
      return hg_fail (err, HG_ERR_IO, "cannot read the directory of process %d: %s", t->pid,
                       strerror (errno));
    }
  buf[n] = '\0';
  if (!(t->cwd = strdup (buf)))
    return hg_fail (err, HG_ERR_NOMEM, "out of memory");

  /* Not checked here: the check after the file's opening below covers
   * the cwd and the status, which are used only after it. */
  if (read_status (t->pid, t) < 0)
    {
      CHECK_ALIVE ();
      return hg_fail (err, HG_ERR_IO, "cannot read the status of process %d", t->pid);
    }

  /* The file itself.  What does not exist fails by itself, silently: a
   * PATH search tries many.  Answering its errno here rather than letting
   * the call go on leaves nothing to race. */
  cleanup_close int fd = hg_target_open (t->pid, dirfd, t->path, empty_path);
  int open_errno = errno;
  CHECK_ALIVE (); /* covers the cwd, the status and this opening */
  if (fd < 0)
    {
      if (open_errno == ENOMEM)
        return hg_fail (err, HG_ERR_NOMEM, "out of memory");
      return *errnum = open_errno, HG_TARGET_FAILS;
    }
  struct stat st;
  if (fstat (fd, &st) < 0 || !(t->exe = hg_fd_path (fd)))
    return hg_fail (err, HG_ERR_IO, "cannot inspect the program of process %d: %s", t->pid,
                     strerror (errno));
  t->dev = st.st_dev;
  t->ino = st.st_ino;
  t->mode = st.st_mode;
  t->fd = steal_fd (&fd);
  /* Only a path the task resolves from its own root or cwd, in our mount
   * namespace (the same root), can be judged here. */
  char root[PATH_MAX];
  snprintf (link, sizeof link, "/proc/%d/root", t->pid);
  ssize_t rn = readlink (link, root, sizeof root - 1);
  bool same_root = rn == 1 && root[0] == '/';
  if (same_root && dirfd == AT_FDCWD && *t->path)
    {
      cleanup_free char *abs = NULL;
      if (t->path[0] == '/' ? !!(abs = strdup (t->path)) : asprintf (&abs, "%s/%s", t->cwd, t->path) >= 0)
        t->path_stable = hg_path_root_only (abs);
    }

  /* The kernel's name for the file (a script's interpreter gets it). */
  if (dirfd == AT_FDCWD || t->path[0] == '/')
    t->filename = strdup (t->path);
  else if (!*t->path)
    r = asprintf (&t->filename, "/dev/fd/%d", dirfd);
  else
    r = asprintf (&t->filename, "/dev/fd/%d/%s", dirfd, t->path);
  if (!t->filename || r < 0)
    return hg_fail (err, HG_ERR_NOMEM, "out of memory");
  return HG_TARGET_OK;
}

void
hg_target_clear (struct hg_target *t)
{
  strv_free (t->argv);
  free (t->path);
  free (t->filename);
  free (t->exe);
  free (t->cwd);
  if (t->fd >= 0)
    close (t->fd);
  memset (t, 0, sizeof *t);
  t->fd = -1;
}
