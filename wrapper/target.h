/* The task behind a seccomp notification: which program it asks to run,
 * with which arguments, from where, as whom.  Read from /proc/PID/mem and
 * /proc/PID/{cwd,status,fd}, each read checked against the notification
 * id (the pid may have died and been reused meanwhile). */
#ifndef HOSTGUARD_TARGET_H
#define HOSTGUARD_TARGET_H

#include <linux/seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "policy.h"

/* Bounds of what is read: beyond them the call is refused with E2BIG and
 * one line (the kernel's own limit is 6 MiB of arguments). */
#define HG_TARGET_MAX_ARGV_BYTES (8u << 20)
#define HG_TARGET_MAX_ARGC (1u << 20)

struct hg_target
{
  pid_t pid;  /* the calling thread, as the notification names it */
  pid_t tgid; /* its process */
  uid_t uid;  /* real uid */
  pid_t tracer; /* TracerPid: 0 when not traced */
  char **argv;  /* NULL-terminated */
  size_t argc;
  char *path;     /* the path argument as given ("" for AT_EMPTY_PATH) */
  char *filename; /* the kernel's name for it: path, or /dev/fd/N[/path] */
  char *exe;      /* the file that will run, as the supervisor sees it */
  char *cwd;
  int fd;    /* an O_PATH descriptor of exe (a memfd has no path to open), or -1 */
  /* Its memory may be written by another task while the kernel reads the
   * path and arguments: more threads, a vfork parent's, a shared mapping. */
  bool memory_shared;
  /* Nobody but root can change what its path names (target.c): else the
   * file run may be swapped after our open, and the exec is verified. */
  bool path_stable;
  dev_t dev; /* of exe */
  ino_t ino;
  mode_t mode;
};

/* What hg_target_read found, besides errors (negative hg_status). */
enum
{
  HG_TARGET_OK = 0,
  HG_TARGET_GONE = 1,   /* the task died (or its syscall was interrupted): nothing to answer */
  HG_TARGET_FAILS = 2,  /* the call would fail by itself: answer *errnum, silently */
  HG_TARGET_REFUSE = 3, /* cannot be checked: answer *errnum, and say *err */
};

int hg_target_read (int listener, const struct seccomp_notif *req, struct hg_target *t,
                    int *errnum, hg_error **err);
void hg_target_clear (struct hg_target *t);

/* Opens (O_PATH) what `path` names for task `pid`, as its execve would:
 * from its cwd (dirfd AT_FDCWD) or its descriptor dirfd, /proc/self and
 * /dev/fd meaning the task's own.  empty_path: the descriptor itself.
 * Returns the descriptor, or -1 with errno. */
int hg_target_open (pid_t pid, int dirfd, const char *path, bool empty_path);

/* The name of what an open descriptor refers to, from the kernel. */
char *hg_fd_path (int fd);

#endif
