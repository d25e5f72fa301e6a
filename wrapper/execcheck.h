/* Post-exec verification: CONTINUE lets the kernel read the path and the
 * arguments again, after the supervisor's check, and another thread of
 * the task may have rewritten them in between.  So the supervisor seizes
 * the task with ptrace before answering, stops it at PTRACE_EVENT_EXEC
 * (before the new program runs one instruction), compares what runs with
 * what was decided, and kills it on a difference. */
#ifndef HOSTGUARD_EXECCHECK_H
#define HOSTGUARD_EXECCHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "policy.h"
#include "target.h"

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

#endif
