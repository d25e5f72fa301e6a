/* Internal to supervisor.c and supnotify.c: the supervisor's state, shared
 * by its threads. */
#ifndef HOSTGUARD_SUPINT_H
#define HOSTGUARD_SUPINT_H

#include <linux/seccomp.h>
#include <pthread.h>
#include <stdbool.h>
#include <sys/types.h>

#include "cmd.h"
#include "policy.h"
#include "supervisor.h"

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

/* supnotify.c: answers one notification. */
void sup_handle (struct sup *s, const struct seccomp_notif *req);

/* "hostguard: ..." on the session's terminal (else standard error), as
 * one write. */
void sup_say (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));

#endif
