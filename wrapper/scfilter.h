/* The seccomp filter of a supervised session: every execve/execveat goes
 * to the supervisor, and the few calls that would let the session answer
 * for itself or type into the supervisor's prompt are refused. */
#ifndef HOSTGUARD_SCFILTER_H
#define HOSTGUARD_SCFILTER_H

#include <stdbool.h>

#include "policy.h"

/* Installs the filter on the calling thread (inherited by every child it
 * starts).  With no_new_privs, sets PR_SET_NO_NEW_PRIVS first (the kernel
 * requires it without CAP_SYS_ADMIN).  Returns 0 and the listener in
 * *listener (close-on-exec, as the kernel makes it), *killable_recv
 * telling whether SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV is in force; or
 * HG_ERR_IO. */
int hg_scfilter_install (bool no_new_privs, int *listener, bool *killable_recv, hg_error **err);

/* Whether the calling process already runs under a hostguard filter: the
 * kernel says it has a seccomp filter (Seccomp: 2) and a NEW_LISTENER
 * request is refused with EPERM, which only our filter does (the kernel
 * answers EFAULT to the NULL program first).  A second supervisor cannot
 * be stacked: the caller falls back to checking the command line. */
bool hg_scfilter_active (void);

#endif
