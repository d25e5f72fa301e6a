/* The standard input of a supervised process, for the policy: a
 * `mysql wiki < dump.sql` under `hostguard shell` is decided on the dump.
 * See taskstdin.h. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

int
hg_task_stdin (pid_t pid)
{
  int pidfd = (int) syscall (SYS_pidfd_open, pid, 0);
  if (pidfd >= 0)
    {
      /* needs the right to ptrace pid, as the post-exec check does */
      int fd = (int) syscall (SYS_pidfd_getfd, pidfd, 0, 0);
      close (pidfd);
      if (fd >= 0)
        return fd;
    }
  char path[64];
  snprintf (path, sizeof path, "/proc/%d/fd/0", (int) pid);
  return open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
}
