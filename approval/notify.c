/* notify: a watchdog process runs the program with a time limit and
 * reports on a pipe.  Both are grandchildren (double fork), so neither the
 * prefix form nor the supervisor's threads ever wait for them.  Between
 * fork and exec only async-signal-safe calls (and _Fork, which runs no
 * atfork handlers): the supervisor is threaded. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "approval.h"
#include "util/util.h"

#define REPORT_FD 3

/* "text" + decimal n + "\n" into buf, without stdio. */
static size_t
fmt_line (char *buf, size_t cap, const char *text, long n, const char *tail)
{
  size_t k = 0;
  for (const char *p = text; *p && k < cap - 24; p++)
    buf[k++] = *p;
  char digits[24];
  int d = 0;
  unsigned long u = n < 0 ? (unsigned long) -n : (unsigned long) n;
  do
    digits[d++] = (char) ('0' + u % 10);
  while ((u /= 10) && d < 22);
  if (n < 0)
    buf[k++] = '-';
  while (d)
    buf[k++] = digits[--d];
  for (const char *p = tail; *p && k < cap - 1; p++)
    buf[k++] = *p;
  buf[k++] = '\n';
  return k;
}

static void
report (int fd, const char *text, long n, const char *tail)
{
  char line[256];
  size_t k = fmt_line (line, sizeof line, text, n, tail);
  if (write (fd, line, k) < 0)
    { /* the requester is gone: nothing to tell */
    }
}

/* The program's child: 0 is the request, 1 and 2 /dev/null, 3 the report
 * pipe (close-on-exec), nothing else open; default signal dispositions
 * and an empty mask, as a program expects to start. */
static int
set_up_fds (int in, int out)
{
  int hi_in = fcntl (in, F_DUPFD_CLOEXEC, 10), hi_out = fcntl (out, F_DUPFD_CLOEXEC, 10);
  int null = open ("/dev/null", O_RDWR | O_CLOEXEC);
  if (hi_in < 0 || hi_out < 0 || null < 0 || dup2 (hi_in, 0) < 0 || dup2 (null, 1) < 0
      || dup2 (null, 2) < 0 || dup2 (hi_out, REPORT_FD) < 0
      || fcntl (REPORT_FD, F_SETFD, FD_CLOEXEC) < 0)
    return -1;
  return close_range (REPORT_FD + 1, ~0U, 0);
}

/* Every signal to its default, through the system call: glibc's
 * sigaction refuses its own two (32 and 33), which a parent (make does)
 * may have left ignored, and an ignored signal survives exec. */
static void
reset_signals (void)
{
  struct
  {
    void *handler; /* SIG_DFL */
    unsigned long flags;
    void *restorer;
    uint64_t mask;
  } dfl = { 0 };
  for (int sig = 1; sig <= 64; sig++)
    syscall (SYS_rt_sigaction, sig, &dfl, NULL, sizeof dfl.mask); /* EINVAL: KILL, STOP */
  sigset_t none;
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
}

static __attribute__ ((noreturn)) void
watchdog (const char *prog, char *const argv[], char *const envp[])
{
  setsid ();
  /* A requester gone must not kill the watchdog as it reports: the time
   * limit would go with it. */
  signal (SIGPIPE, SIG_IGN);
  pid_t child = _Fork ();
  if (child < 0)
    {
      report (REPORT_FD, "could not be started: fork failed, errno ", errno, "");
      _exit (0);
    }
  if (child == 0)
    {
      signal (SIGPIPE, SIG_DFL);
      setpgid (0, 0);
      execve (prog, argv, envp);
      _exit (errno == ENOENT ? 127 : 126);
    }
  close (0);
  struct timespec tick = { 0, 20 * 1000 * 1000 };
  for (long waited = 0; waited < HG_NOTIFY_TIMEOUT_S * 50L; waited++)
    {
      int st;
      pid_t r = waitpid (child, &st, WNOHANG);
      if (r == child)
        {
          if (WIFEXITED (st))
            report (REPORT_FD, "exited with status ", WEXITSTATUS (st),
                    WEXITSTATUS (st) == 127   ? " (not found)"
                    : WEXITSTATUS (st) == 126 ? " (could not be executed)"
                                              : "");
          else
            report (REPORT_FD, "killed by signal ", WTERMSIG (st), "");
          _exit (0);
        }
      nanosleep (&tick, NULL);
    }
  kill (-child, SIGKILL);
  kill (child, SIGKILL);
  waitpid (child, NULL, 0);
  report (REPORT_FD, "killed after ", HG_NOTIFY_TIMEOUT_S, " s (time limit)");
  _exit (0);
}

int
hg_notify_start (const char *prog, const char *json, size_t len, const char *event)
{
  /* Standard input from memory: a pipe could fill before the program reads. */
  cleanup_close int in = memfd_create ("hostguard-request", MFD_CLOEXEC);
  if (in < 0)
    return -1;
  for (size_t off = 0; off < len;)
    {
      ssize_t w = write (in, json + off, len - off);
      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0)
        return -1;
      off += (size_t) w;
    }
  if (write (in, "\n", 1) != 1 || lseek (in, 0, SEEK_SET) != 0)
    return -1;

  char ev[64];
  snprintf (ev, sizeof ev, "HOSTGUARD_EVENT=%s", event);
  /* Its own small environment: not the caller's, not the session's. */
  char *envp[] = { "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                   "LANG=C.UTF-8", ev, NULL };
  char *argv[] = { (char *) prog, (char *) event, NULL };
  int p[2];
  if (pipe2 (p, O_CLOEXEC) < 0)
    return -1;
  /* _Fork: no atfork handlers run in a child of a threaded process. */
  pid_t first = _Fork ();
  if (first < 0)
    {
      int e = errno;
      close (p[0]);
      close (p[1]);
      errno = e;
      return -1;
    }
  if (first == 0)
    {
      if (set_up_fds (in, p[1]) < 0)
        _exit (1);
      reset_signals ();
      pid_t dog = _Fork ();
      if (dog == 0)
        watchdog (prog, argv, envp);
      _exit (dog < 0 ? 1 : 0);
    }
  close (p[1]);
  int st = 0;
  pid_t r;
  while ((r = waitpid (first, &st, 0)) < 0 && errno == EINTR)
    ;
  /* ECHILD: SIGCHLD ignored by whoever started us, so the first child was
   * reaped for us; the pipe still tells whether the watchdog runs. */
  if (r == first && (!WIFEXITED (st) || WEXITSTATUS (st) != 0))
    {
      close (p[0]);
      errno = EAGAIN;
      return -1;
    }
  fcntl (p[0], F_SETFL, O_NONBLOCK);
  return p[0];
}

char *
hg_notify_result (int fd)
{
  char buf[256];
  ssize_t n = read (fd, buf, sizeof buf - 1);
  close (fd);
  if (n <= 0)
    return strdup (n < 0 && errno == EAGAIN ? "still running" : "ended without a report");
  buf[n] = '\0';
  char *nl = strchr (buf, '\n');
  if (nl)
    *nl = '\0';
  return strdup (buf);
}
