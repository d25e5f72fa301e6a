/* Running commands: plainly, in the terminal's foreground (exec.c,
 * which.c), or supervised (DESIGN.md, "Supervision"): a session runs under a seccomp
 * filter that sends every execve/execveat to this process, which asks the
 * policy, talks to the operator, records, and lets the call go on or
 * fails it with EPERM.
 *
 * Processes:  P (the caller: the supervisor, its threads answer)
 *               └ H (holds the session: waits for it, reports its status)
 *                   ├ W (watcher: says so on the terminal if P dies)
 *                   └ S (installs the filter, hands the listener to P,
 *                        execs the command or the shell)
 * H stands between P and S so that the supervisor's threads, which ptrace
 * tasks of the session for the post-exec check, never compete with a
 * wait for the session's top process. */
#ifndef HOSTGUARD_SUPERVISE_H
#define HOSTGUARD_SUPERVISE_H

#include <stdbool.h>
#include <stdint.h>

#include "audit/audit.h"
#include "policy/policy.h"

/* Running a guarded command: finding the program as execvp(3) would, and
 * running it in the terminal's foreground so that it behaves as if typed
 * without hostguard (job control, Ctrl-C, Ctrl-Z, exit status). */

/* The absolute path execvp(3) would run for `name`: a name with a slash
 * as is (made absolute), else the first executable regular file along
 * $PATH.  Returns 0 and sets *out (free it), or an errno: ENOENT when
 * nothing was found, EACCES when only non-executable candidates were, or
 * ENOMEM. */
int hg_exec_resolve (const char *name, char **out);

/* execv(path, argv), and like execvp a file without a #! line or ELF
 * header is run by /bin/sh.  Returns only on failure, with errno set. */
void hg_exec_program (const char *path, char *const argv[]);

/* 127 for ENOENT (and ENOTDIR), else 126; prints "hostguard: NAME: ...". */
int hg_exec_failed (const char *name, int err);

struct hg_exec_result
{
  int status;          /* as a shell reports it: the exit code, or 128+N */
  int exit_code;       /* -1 when killed by a signal */
  int signal;          /* 0 unless killed by a signal */
  int exec_errno;      /* 0, or why the program could not be started */
  int64_t duration_ms; /* from fork to the end */
};

/* Forks; the child gets its own process group, the terminal's foreground
 * when hostguard holds it, and execs `path`.  The parent forwards signals,
 * follows the child's stops (stopping itself, as a shell would see the bare
 * command stop), and waits for it to end.  Returns 0 and fills *r, or -1
 * with errno when the fork itself failed.  On return the forwarded signals
 * stay blocked, so that a late one cannot cut the exit record short. */
int hg_exec_run (const char *path, char *const argv[], struct hg_exec_result *r);

/* The absolute path execvp(3) would run for `name`: `name` itself when it
 * holds a slash (made absolute against the cwd), else the first executable
 * regular file of that name in $PATH (or the default path).  NULL when none
 * is found; errno is then ENOENT or EACCES. */
char *hg_which (const char *name);

struct hg_supervise_opts
{
  enum hg_mode mode;    /* HG_MODE_SHELL or HG_MODE_RUN, as recorded */
  bool no_new_privs;    /* an ordinary user's session (supervise_unprivileged) */
  bool fallback;        /* the built-in fallback policy: allow/log rules become confirm */
  const char *reason;   /* -r TEXT, or NULL */
  struct hg_audit *audit; /* the session's log (NULL: every non-allow exec is refused) */
};

/* Whether this process may supervise: root, or an ordinary user when the
 * policy sets supervise_unprivileged (*no_new_privs is then true); never
 * inside a supervised session (the kernel allows one listener).  *why
 * explains a false, for a line on the terminal or nothing. */
bool hg_supervise_possible (const hg_policy *p, bool *no_new_privs, const char **why);

/* Runs `path` with argv (argv[0] as shown) under supervision and waits
 * for it: fills *r as hg_exec_run does (r->exec_errno: path could not be
 * executed; nothing was said about it).  The first execve of the session
 * (path itself) is not asked about again: the caller decided it.  In
 * HG_MODE_RUN, Ctrl-Z stops the run as it would the bare command (see
 * job_control in supervisor.c).  Returns 0, or an error before anything
 * ran.  The supervisor's threads may outlive the call (a program the
 * session left behind may still exec): o->audit must stay valid until
 * the process exits. */
int hg_supervise_run (const hg_policy *p, const struct hg_supervise_opts *o, const char *path,
                      char *const argv[], struct hg_exec_result *r, hg_error **err);

#endif
