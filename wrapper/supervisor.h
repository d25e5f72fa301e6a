/* Supervision (DESIGN.md, "Supervision"): a session runs under a seccomp
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
#ifndef HOSTGUARD_SUPERVISOR_H
#define HOSTGUARD_SUPERVISOR_H

#include <stdbool.h>

#include "audit.h"
#include "cmd.h"
#include "exec.h"
#include "policy.h"

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

/* `hostguard shell` and hostguard as a login shell (shell.c). */
int hg_main_shell (int argc, char **argv);

#endif
