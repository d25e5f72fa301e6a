/* The audit trail: one record per event, built once (redacted) and sent to
 * every sink: the hash-chained JSON Lines file (the record of truth),
 * syslog, and the kernel audit log. */
#ifndef HOSTGUARD_AUDIT_H
#define HOSTGUARD_AUDIT_H

#include <stdbool.h>

#include "cmd.h"
#include "policy.h"

struct hg_audit;

struct hg_audit_config
{
  const char *log_dir;
  const char *const *redact; /* the policy's extra patterns */
  size_t n_redact;
  bool syslog;       /* send to syslog (LOG_AUTHPRIV) */
  bool kernel_audit; /* send AUDIT_USER_CMD when permitted */
};

/* Opens the user's log file under log_dir safely.  Fails (HG_ERR_IO with
 * the reason) when the file cannot be trusted or written: the caller then
 * refuses a non-allow command. */
int hg_audit_open (const struct hg_audit_config *cfg, const char *user, uid_t uid,
                   struct hg_audit **out, hg_error **err);

/* The same, but nothing is opened or compiled until the first record: a
 * supervised run whose programs are all allowed creates no log file and
 * pays nothing for it.  A file that cannot be opened then fails that
 * record (and the next one tries again).  cfg->log_dir and user are
 * copied; cfg->redact must live as long as the audit (the policy's). */
int hg_audit_open_lazy (const struct hg_audit_config *cfg, const char *user, uid_t uid,
                        struct hg_audit **out, hg_error **err);

/* event: "decision", "exit", "request", "approval", "policy".  Appends one
 * line under flock, fsyncs it, then tries syslog and kernel audit (which
 * never block for long and never fail the call).  Thread-safe: records of
 * one audit are written one at a time (the supervisor's threads share one,
 * and may still record after the run's own exit record). */
int hg_audit_record (struct hg_audit *a, const struct hg_cmd *cmd, const char *event,
                     hg_error **err);

void hg_audit_close (struct hg_audit *a);

#endif
