/* Supervised prefix runs (see runsup.h). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "util/util.h"
#include "runsup.h"
#include "supervise/supervise.h"
#include "program.h"

void
hg_runsup_init (struct hg_runsup *rs, const hg_policy *p, const char *reason)
{
  const char *why = NULL;
  *rs = (struct hg_runsup){ .policy = p, .reason = reason };
  rs->on = hg_supervise_possible (p, &rs->no_new_privs, &why);
}

/* The log the supervisor writes to, the caller's own: nothing is opened
 * until a program of the run needs a record (an allowed run creates no
 * file).  Its own handle, not the run's: the supervisor's threads may
 * record after the run's exit record, and flock orders the two. */
static struct hg_audit *
lazy_audit (const hg_policy *p)
{
  const struct hg_settings *s = hg_policy_settings (p);
  struct hg_audit_config cfg = { .log_dir = s->log_dir, .redact = s->redact,
                                 .n_redact = s->n_redact, .syslog = true, .kernel_audit = true };
  cleanup_free char *user = hg_user_name (getuid ());
  cleanup_error hg_error *err = NULL;
  struct hg_audit *a = NULL;
  if (!user || hg_audit_open_lazy (&cfg, user, getuid (), &a, &err) < 0)
    return NULL; /* out of memory: every non-allow exec is refused */
  return a;
}

int
hg_runsup_exec (struct hg_runsup *rs, const char *path, char *const argv[],
                struct hg_exec_result *r)
{
  if (!rs->on)
    return hg_exec_run (path, argv, r);
  if (!rs->audit)
    rs->audit = lazy_audit (rs->policy);
  struct hg_supervise_opts o = { .mode = HG_MODE_RUN, .no_new_privs = rs->no_new_privs,
                                 .reason = rs->reason, .audit = rs->audit };
  cleanup_error hg_error *err = NULL;
  if (hg_supervise_run (rs->policy, &o, path, argv, r, &err) < 0)
    {
      hg_warn ("%s", hg_error_message (err));
      errno = EPERM;
      return -1;
    }
  return 0;
}

/* Ends this process as the command ended: killed by the same signal, so
 * that the caller's shell sees what it would have seen of the bare
 * command (a loop stops on SIGINT); no core of our own. */
static void
die_like (int sig)
{
  struct rlimit none = { 0, 0 };
  setrlimit (RLIMIT_CORE, &none);
  signal (sig, SIG_DFL);
  sigset_t set;
  sigemptyset (&set);
  sigaddset (&set, sig);
  pthread_sigmask (SIG_UNBLOCK, &set, NULL);
  raise (sig);
}

int
hg_runsup_allowed (struct hg_runsup *rs, const char *path, char *const argv[])
{
  struct hg_exec_result r;
  if (hg_runsup_exec (rs, path, argv, &r) < 0)
    return HG_EXIT_REFUSED;
  if (r.exec_errno)
    return hg_exec_failed (argv[0], r.exec_errno);
  if (r.signal)
    die_like (r.signal);
  return r.status;
}
