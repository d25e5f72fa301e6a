/* Supervised prefix runs: `hostguard -- make deploy` as root (or as a user
 * when the policy sets supervise_unprivileged) decides the command line,
 * then runs the command under the session's seccomp filter, so that every
 * program it starts (make's rm) is decided too.  Where supervision is not
 * possible (already in a supervised session; an ordinary user without
 * supervise_unprivileged) the run goes on as the plain prefix form. */
#ifndef HOSTGUARD_RUNSUP_H
#define HOSTGUARD_RUNSUP_H

#include <stdbool.h>

#include "audit/audit.h"
#include "supervise/supervise.h"
#include "policy/policy.h"

struct hg_runsup
{
  const hg_policy *policy;
  const char *reason; /* -r TEXT, or NULL */
  bool on;            /* this run supervises what it starts */
  bool no_new_privs;
  struct hg_audit *audit; /* the supervisor's records: opened at the first, never freed */
};

/* Decides once whether this run is supervised. */
void hg_runsup_init (struct hg_runsup *rs, const hg_policy *p, const char *reason);

/* Runs path with argv and waits for it, under supervision when rs->on
 * (else hg_exec_run): hg_exec_run's contract, 0 and *r or -1 with errno
 * (the reason then said on standard error). */
int hg_runsup_exec (struct hg_runsup *rs, const char *path, char *const argv[],
                    struct hg_exec_result *r);

/* The allow path under supervision: no record of its own (as the
 * unsupervised exec writes none), and its end as the bare command's: the
 * exit status, or death by the same signal.  Returns the exit status. */
int hg_runsup_allowed (struct hg_runsup *rs, const char *path, char *const argv[]);

#endif
