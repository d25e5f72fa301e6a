/* AUDIT_USER_CMD to the kernel audit log, as sudo does: only root may
 * write there, and a kernel or container without audit is not an error. */
#include <errno.h>
#include <libaudit.h>
#include <unistd.h>

#include "internal.h"

void
hg_kaudit_send (int *fd, const char *cmdline, const char *tty, bool success)
{
  if (*fd == -2 || geteuid () != 0)
    return;
  if (*fd < 0)
    {
      *fd = audit_open ();
      if (*fd < 0)
        {
          /* EINVAL, EPROTONOSUPPORT, EAFNOSUPPORT: audit is not configured
           * (sudo's linux_audit.c); any other error: give up quietly too,
           * this sink never fails a command. */
          *fd = -2;
          return;
        }
    }
  if (audit_log_user_command (*fd, AUDIT_USER_CMD, cmdline, tty, success ? 1 : 0) <= 0
      && errno == ECONNREFUSED)
    {
      audit_close (*fd); /* no audit daemon: do not try again */
      *fd = -2;
    }
}
