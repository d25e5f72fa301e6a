/* The standard input of a process stopped in execve, for the policy's
 * SQL conditions (struct hg_request's stdin_fd). */
#ifndef HOSTGUARD_TASKSTDIN_H
#define HOSTGUARD_TASKSTDIN_H

#include <sys/types.h>

/* A descriptor of pid's descriptor 0, to pass as hg_request.stdin_fd with
 * has_stdin_fd = true, then close: the very open file (pidfd_getfd, whose
 * offset the policy leaves where it is), else a new open of
 * /proc/PID/fd/0 (a terminal is still a terminal, a file is read from its
 * start), else -1, which the policy takes as unknown.  Never blocks (a
 * FIFO is opened O_NONBLOCK). */
int hg_task_stdin (pid_t pid);

#endif
