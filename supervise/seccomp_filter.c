/* The session's seccomp filter, built with libseccomp and loaded with
 * seccomp(2) directly (see hg_scfilter_install for why). */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#include "util/util.h"
#include "internal.h"

/* Newer than Debian 12's headers. */
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif
#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW (4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif

static void
cleanup_seccomp_impl (scmp_filter_ctx *ctx)
{
  if (*ctx)
    seccomp_release (*ctx);
}
#define cleanup_seccomp __attribute__ ((cleanup (cleanup_seccomp_impl)))

/* The rules.  Arguments of type int are compared on their low 32 bits
 * only (SCMP_CMP_MASKED_EQ): the kernel hands the filter whole 64-bit
 * registers, and a caller could set the high half to slip past an exact
 * comparison while the syscall itself ignores it. */
static int
add_rules (scmp_filter_ctx ctx)
{
  int r;
  /* The supervisor decides every program that starts. */
  if ((r = seccomp_rule_add (ctx, SCMP_ACT_NOTIFY, SCMP_SYS (execve), 0)) < 0
      || (r = seccomp_rule_add (ctx, SCMP_ACT_NOTIFY, SCMP_SYS (execveat), 0)) < 0)
    return r;
  /* Keys pushed into the terminal would answer the supervisor's prompt. */
  static const unsigned long ioctls[] = { TIOCSTI, TIOCLINUX };
  for (size_t i = 0; i < N_ELEMENTS (ioctls); i++)
    if ((r = seccomp_rule_add (ctx, SCMP_ACT_ERRNO (EPERM), SCMP_SYS (ioctl), 1,
                               SCMP_A1 (SCMP_CMP_MASKED_EQ, 0xffffffffu, ioctls[i])))
        < 0)
      return r;
  /* A filter with its own listener would answer for itself (the kernel
   * refuses a second listener with EBUSY anyway; EPERM says "refused"). */
  return seccomp_rule_add (ctx, SCMP_ACT_ERRNO (EPERM), SCMP_SYS (seccomp), 2,
                           SCMP_A0 (SCMP_CMP_MASKED_EQ, 0xffffffffu, SECCOMP_SET_MODE_FILTER),
                           SCMP_A1 (SCMP_CMP_MASKED_EQ, SECCOMP_FILTER_FLAG_NEW_LISTENER,
                                    SECCOMP_FILTER_FLAG_NEW_LISTENER));
}

/* The filter as classic BPF, exported by libseccomp into a memfd. */
static int
export_bpf (scmp_filter_ctx ctx, struct sock_filter **insns, size_t *n, hg_error **err)
{
  cleanup_close int fd = memfd_create ("hostguard-bpf", MFD_CLOEXEC);
  if (fd < 0)
    return hg_fail (err, HG_ERR_IO, "memfd_create: %s", strerror (errno));
  int r = seccomp_export_bpf (ctx, fd);
  if (r < 0)
    return hg_fail (err, HG_ERR_IO, "cannot export the seccomp filter: %s", strerror (-r));
  off_t size = lseek (fd, 0, SEEK_END);
  if (size <= 0 || size % (off_t) sizeof (struct sock_filter) != 0
      || size > BPF_MAXINSNS * (off_t) sizeof (struct sock_filter))
    return hg_fail (err, HG_ERR_IO, "the exported seccomp filter has a bad size (%lld)",
                     (long long) size);
  cleanup_free struct sock_filter *buf = malloc ((size_t) size);
  if (!buf)
    return hg_fail (err, HG_ERR_NOMEM, "out of memory");
  if (pread (fd, buf, (size_t) size, 0) != size)
    return hg_fail (err, HG_ERR_IO, "cannot read the exported seccomp filter: %s",
                     strerror (errno));
  *n = (size_t) size / sizeof (struct sock_filter);
  *insns = steal_pointer (&buf);
  return 0;
}

int
hg_scfilter_install (bool no_new_privs, int *listener, bool *killable_recv, hg_error **err)
{
  cleanup_seccomp scmp_filter_ctx ctx = seccomp_init (SCMP_ACT_ALLOW);
  if (!ctx)
    return hg_fail (err, HG_ERR_NOMEM, "cannot create the seccomp filter");
  /* Other ABIs (i386 through int $0x80, x32) would reach execve unseen.
   * KILL_PROCESS rather than ERRNO(EPERM): no program of another ABI can
   * work under this filter anyway, and failing each of its syscalls (exit
   * included) leaves it running in an undefined state; killed, the shell
   * says "Bad system call" and the kernel logs the seccomp kill. */
  int r = seccomp_attr_set (ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
  if (r == 0)
    r = add_rules (ctx);
  if (r < 0)
    return hg_fail (err, HG_ERR_IO, "cannot build the seccomp filter: %s", strerror (-r));

  cleanup_free struct sock_filter *insns = NULL;
  size_t n = 0;
  if ((r = export_bpf (ctx, &insns, &n, err)) < 0)
    return r;

  if (no_new_privs && prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return hg_fail (err, HG_ERR_IO, "prctl(PR_SET_NO_NEW_PRIVS): %s", strerror (errno));

  /* libseccomp 2.5.4 cannot ask for WAIT_KILLABLE_RECV, so the exported
   * program is loaded here.  With it, a target whose notification the
   * supervisor has received waits killably only: a stray signal cannot
   * restart its execve behind the supervisor's back (the answer would
   * miss, and so would the ptrace interrupt of the post-exec check).
   * Kernels before 5.19 do not know the flag (EINVAL): load without it,
   * and the caller knows (no ptrace interrupt then). */
  struct sock_fprog prog = { .len = (unsigned short) n, .filter = insns };
  unsigned long flags = SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
  *killable_recv = true;
  long fd = syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
  if (fd < 0 && errno == EINVAL)
    {
      *killable_recv = false;
      fd = syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
    }
  if (fd < 0)
    return hg_fail (err, HG_ERR_IO, "cannot install the seccomp filter: %s", strerror (errno));

  /* 6.6+: the kernel wakes the supervisor and the target on the same CPU,
   * which shortens a round trip.  Older kernels: EINVAL or ENOTTY. */
  if (ioctl ((int) fd, SECCOMP_IOCTL_NOTIF_SET_FLAGS, (unsigned long) SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP)
        < 0
      && errno != EINVAL && errno != ENOTTY)
    {
      int e = errno;
      close ((int) fd);
      return hg_fail (err, HG_ERR_IO, "cannot set the seccomp listener's flags: %s", strerror (e));
    }
  *listener = (int) fd;
  return 0;
}

/* The "Seccomp:" line of /proc/self/status: 2 means a filter is in force. */
static int
seccomp_mode (void)
{
  cleanup_fclose FILE *f = fopen ("/proc/self/status", "re");
  if (!f)
    return -1;
  char line[256];
  while (fgets (line, sizeof line, f))
    if (strncmp (line, "Seccomp:", 8) == 0)
      return atoi (line + 8);
  return -1;
}

bool
hg_scfilter_active (void)
{
  if (seccomp_mode () != 2)
    return false;
  errno = 0;
  long r = syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, NULL);
  return r < 0 && errno == EPERM;
}
