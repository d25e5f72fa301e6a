/* The policy's `notify` program: told of every approval request and every
 * break-glass, so that approvers hear of it.  It runs detached, as the
 * requester, with the request's JSON on standard input and a time limit;
 * it never holds up the request. */
#ifndef HOSTGUARD_NOTIFY_H
#define HOSTGUARD_NOTIFY_H

#include <stddef.h>

#define HG_NOTIFY_TIMEOUT_S 10

/* Starts `prog` with `json` on its standard input and HOSTGUARD_EVENT=event
 * in its environment.  Returns a descriptor (non-blocking, close-on-exec)
 * on which one line reports how it ended ("exited with status 0",
 * "killed after 10 s", "could not be started: ..."), or -1 when it could
 * not even be forked (errno set).  Its process is not our child: nothing
 * to reap. */
int hg_notify_start (const char *prog, const char *json, size_t len, const char *event);

/* The report, once the descriptor is readable; malloc'd.  "still running"
 * when it has not ended yet.  Closes fd. */
char *hg_notify_result (int fd);

#endif
