/* The requester's side of a second approval (DESIGN.md, "Second
 * approver"): the request is put in the spool, the approvers are told, and
 * approvals are taken only from peers whose kernel credentials show
 * another person in the approvers group, bound to the request's digest,
 * before it expires. */
#ifndef HOSTGUARD_APPROVAL_H
#define HOSTGUARD_APPROVAL_H

#include <stdbool.h>

#include "cmd.h"
#include "policy.h"

enum hg_approval_result
{
  HG_APPROVAL_APPROVED,
  HG_APPROVAL_DENIED,
  HG_APPROVAL_TIMEOUT,
  HG_APPROVAL_WITHDRAWN,
};

struct hg_approval_opts
{
  const struct hg_settings *settings;
  /* Appends the `request` record; -1 when it could not be written (the
   * request is then withdrawn: nothing runs unrecorded). */
  int (*record) (void *ctx, struct hg_cmd *c, const char *event);
  /* Whether the command still waits (a supervised exec: its notification
   * is still valid).  NULL: always. */
  bool (*waiting) (void *ctx);
  void *ctx;
  /* The prefix form: SIGINT (Ctrl-C), SIGTERM and SIGHUP withdraw. */
  bool own_signals;
  /* The requester's uid and login uid as a process (the supervisor's may
   * differ from the command's user): neither may approve either. */
  uid_t self_uid, self_login_uid;
};

/* Makes the request for c (action approve, c->approvals_needed people)
 * and waits.  Sets c->digest, c->expires, c->approvers_group; on approval
 * c->approvers; c->note says what happened (who denied and why, notify's
 * failure).  Returns the outcome (>= 0), or -1 with *err when no request
 * could be made (spool, group, record): the command is then refused. */
int hg_approval_request (struct hg_cmd *c, const struct hg_approval_opts *o, hg_error **err);

/* The `decision` an approval's outcome is recorded as. */
enum hg_decision hg_approval_decision (enum hg_approval_result r);

#endif
