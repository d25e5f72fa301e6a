/* Shared by the files of supervise/ only. */
#ifndef HOSTGUARD_SUPERVISE_INTERNAL_H
#define HOSTGUARD_SUPERVISE_INTERNAL_H

#include <linux/seccomp.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "supervise.h"

/* Internal to supervisor.c and notification.c: the supervisor's state, shared
 * by its threads. */

#define SUP_MAX_WORKERS 64 /* receivers at most; beyond, notifications queue in the kernel */
#define SUP_MAX_IDLE 2     /* idle receivers kept; more end */
#define SUP_UID_CACHE 8

struct sup
{
  const hg_policy *policy;
  const struct hg_settings *settings;
  struct hg_supervise_opts opts;
  int listener;
  bool killable_recv; /* WAIT_KILLABLE_RECV is in force: PTRACE_INTERRUPT is safe */
  pid_t top;          /* S: its first execve was decided by the caller */
  struct hg_cmd self; /* identity of the session (host, login user, tty, boot id) */

  pthread_mutex_t lock; /* the fields below */
  unsigned idle, workers;
  bool top_done;
  struct
  {
    uid_t uid;
    char *name;
  } users[SUP_UID_CACHE];
  unsigned n_users;
  pid_t last_denied_pid; /* a PATH search meets one file twice (/bin -> /usr/bin): say it once */
  ino_t last_denied_ino;

  pthread_mutex_t prompt_lock; /* one question on the terminal at a time */
  pthread_mutex_t audit_lock;  /* one record at a time */
};

/* notification.c: answers one notification. */
void sup_handle (struct sup *s, const struct seccomp_notif *req);

/* "hostguard: ..." on the session's terminal (else standard error), as
 * one write. */
void sup_say (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));

/* The seccomp filter of a supervised session: every execve/execveat goes
 * to the supervisor, and the few calls that would let the session answer
 * for itself or type into the supervisor's prompt are refused. */

/* Installs the filter on the calling thread (inherited by every child it
 * starts).  With no_new_privs, sets PR_SET_NO_NEW_PRIVS first (the kernel
 * requires it without CAP_SYS_ADMIN).  Returns 0 and the listener in
 * *listener (close-on-exec, as the kernel makes it), *killable_recv
 * telling whether SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV is in force; or
 * HG_ERR_IO. */
int hg_scfilter_install (bool no_new_privs, int *listener, bool *killable_recv, hg_error **err);

/* Whether the calling process already runs under a hostguard filter: the
 * kernel says it has a seccomp filter (Seccomp: 2) and a NEW_LISTENER
 * request is refused with EPERM, which only our filter does (the kernel
 * answers EFAULT to the NULL program first).  A second supervisor cannot
 * be stacked: the caller falls back to checking the command line. */
bool hg_scfilter_active (void);

/* The task behind a seccomp notification: which program it asks to run,
 * with which arguments, from where, as whom.  Read from /proc/PID/mem and
 * /proc/PID/{cwd,status,fd}, each read checked against the notification
 * id (the pid may have died and been reused meanwhile). */

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

/* Post-exec verification: CONTINUE lets the kernel read the path and the
 * arguments again, after the supervisor's check, and another thread of
 * the task may have rewritten them in between.  So the supervisor seizes
 * the task with ptrace before answering, stops it at PTRACE_EVENT_EXEC
 * (before the new program runs one instruction), compares what runs with
 * what was decided, and kills it on a difference. */

/* What must be running after the exec: the file (the end of a #! chain
 * for a script) and the argv the kernel builds from the decided one. */
struct hg_expect
{
  dev_t dev;
  ino_t ino;
  char **argv; /* NULL-terminated */
  size_t argc;
  char *cwd; /* the directory the decision saw: relative paths in argv mean
              * something else from another one (a thread sharing the cwd
              * may chdir after the check) */
};

int hg_expect_build (const struct hg_target *t, struct hg_expect *e, hg_error **err);
void hg_expect_clear (struct hg_expect *e);

/* Seizes task `pid` (a thread id) for the check; with `interrupt`, also
 * asks for a stop after the syscall, so that a failed execve is noticed.
 * Fails (HG_ERR_INVALID, with why) when the task is already traced. */
int hg_execcheck_seize (pid_t pid, bool interrupt, hg_error **err);

enum hg_execcheck_result
{
  HG_EXECCHECK_OK,       /* the decided program runs; detached */
  HG_EXECCHECK_MISMATCH, /* something else would have run: killed (*why says what) */
  HG_EXECCHECK_NOEXEC,   /* the execve failed; detached */
  HG_EXECCHECK_DIED,     /* the task ended before the exec stop */
};

/* Waits (from the thread that seized) for the exec stop and compares.
 * Call after answering CONTINUE.  *why: malloc'd, for a mismatch. */
enum hg_execcheck_result hg_execcheck_wait (pid_t pid, const struct hg_expect *e, char **why);

/* Why PTRACE_SEIZE of process pid failed with EPERM, for the terminal and
 * the record (malloc'd): Yama's ptrace_scope (yama_scope: its value, -1
 * without Yama; 3 forbids every attach, root's included; 2 all but
 * CAP_SYS_PTRACE's), else another tracer that came first. */
char *hg_execcheck_eperm_reason (pid_t pid, int yama_scope, bool cap_sys_ptrace);

/* Undoes a seize when the answer could not be given. */
void hg_execcheck_release (pid_t pid);

/* The standard input of a process stopped in execve, for the policy's
 * SQL conditions (struct hg_request's stdin_fd). */

/* A descriptor of pid's descriptor 0, to pass as hg_request.stdin_fd with
 * has_stdin_fd = true, then close: the very open file (pidfd_getfd, whose
 * offset the policy leaves where it is), else a new open of
 * /proc/PID/fd/0 (a terminal is still a terminal, a file is read from its
 * start), else -1, which the policy takes as unknown.  Never blocks (a
 * FIFO is opened O_NONBLOCK). */
int hg_task_stdin (pid_t pid);

#endif
