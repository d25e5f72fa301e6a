/* Running a guarded command as if it had been typed without hostguard. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "supervise.h"
#include "util/util.h"

/* 0 when `path` is something execve could start, else an errno. */
static int
runnable (const char *path)
{
  struct stat st;
  if (stat (path, &st) < 0)
    return errno;
  if (!S_ISREG (st.st_mode) || access (path, X_OK) < 0)
    return EACCES;
  return 0;
}

int
hg_exec_resolve (const char *name, char **out)
{
  /* hg_which takes a name with a slash as it is; whether it can run is
   * known only here, and decides between 126 and 127 before any record. */
  if (strchr (name, '/'))
    {
      int e = runnable (name);
      if (e)
        return e;
    }
  *out = hg_which (name);
  return *out ? 0 : errno ? errno : ENOMEM;
}

void
hg_exec_program (const char *path, char *const argv[])
{
  execv (path, argv);
  if (errno != ENOEXEC)
    return;
  /* As execvp: a file the kernel cannot run is a shell script. */
  size_t n = 0;
  while (argv[n])
    n++;
  char **sh = calloc (n + 2, sizeof *sh);
  if (!sh)
    {
      errno = ENOEXEC;
      return;
    }
  sh[0] = (char *) "/bin/sh";
  sh[1] = (char *) path;
  for (size_t i = 1; i < n; i++)
    sh[i + 1] = argv[i];
  execv ("/bin/sh", sh);
  int e = errno;
  free (sh);
  errno = e;
}

int
hg_exec_failed (const char *name, int err)
{
  if (err == ENOENT && !strchr (name, '/'))
    {
      hg_warn ("%s: command not found", name);
      return HG_EXIT_NOTFOUND;
    }
  hg_warn ("%s: %s", name, strerror (err));
  return err == ENOENT ? HG_EXIT_NOTFOUND : HG_EXIT_NOEXEC;
}

static int64_t
ms_since (const struct timespec *t0)
{
  struct timespec t1;
  clock_gettime (CLOCK_MONOTONIC, &t1);
  return (int64_t) (t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

/* The child stopped (Ctrl-Z, SIGTTIN...): stop hostguard too, so that the
 * shell sees its job stop as it would have seen the bare command stop; on
 * `fg` hand the terminal back to the child and continue it.  *fg says
 * whether the child holds the terminal. */
static void
follow_stop (pid_t child, int how, int tty, bool *fg)
{
  bool ours = tty >= 0 && tcgetpgrp (tty) == getpgrp ();
  if ((how == SIGTTIN || how == SIGTTOU) && ours)
    {
      /* Started in the background, then brought to the foreground (`fg`)
       * while it ran: the terminal is ours, so it is the child's. */
      tcsetpgrp (tty, child);
      *fg = true;
      kill (child, SIGCONT);
      return;
    }
  if (tty >= 0 && tcgetpgrp (tty) == child)
    tcsetpgrp (tty, getpgrp ()); /* SIGTTOU is blocked: this cannot stop us */

  struct sigaction dfl = { .sa_handler = SIG_DFL }, old;
  sigemptyset (&dfl.sa_mask);
  sigaction (SIGTSTP, &dfl, &old);
  sigset_t tstp;
  sigemptyset (&tstp);
  sigaddset (&tstp, SIGTSTP);
  raise (SIGTSTP);
  /* Delivered here: we stop until SIGCONT.  In an orphaned process group
   * the kernel discards it, and so it would have the bare command's. */
  sigprocmask (SIG_UNBLOCK, &tstp, NULL);
  sigprocmask (SIG_BLOCK, &tstp, NULL);
  sigaction (SIGTSTP, &old, NULL);

  /* Resumed: in the foreground (fg) the child gets the terminal again; in
   * the background (bg) it does not. */
  *fg = tty >= 0 && tcgetpgrp (tty) == getpgrp ();
  if (*fg)
    tcsetpgrp (tty, child);
  kill (child, SIGCONT);
}

int
hg_exec_run (const char *path, char *const argv[], struct hg_exec_result *r)
{
  *r = (struct hg_exec_result){ .status = -1, .exit_code = -1, .duration_ms = -1 };

  /* Job control only when hostguard is the terminal's foreground job. */
  cleanup_close int tty = open ("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
  bool jobctl = tty >= 0 && tcgetpgrp (tty) == getpgrp ();

  /* Every signal we act on is blocked and taken with sigwaitinfo: no
   * handlers, no races between fork and wait. */
  static const int forwarded[] = { SIGTERM, SIGHUP, SIGINT, SIGQUIT, SIGUSR1, SIGUSR2, SIGTSTP };
  sigset_t set, orig;
  sigemptyset (&set);
  for (size_t i = 0; i < N_ELEMENTS (forwarded); i++)
    sigaddset (&set, forwarded[i]);
  sigaddset (&set, SIGCHLD);
  sigset_t block = set;
  sigaddset (&block, SIGTTOU);
  sigaddset (&block, SIGTTIN);
  sigprocmask (SIG_BLOCK, &block, &orig);

  /* An inherited SIGCHLD = SIG_IGN would reap the child behind our back;
   * the child gets the caller's disposition back before exec. */
  struct sigaction dfl = { .sa_handler = SIG_DFL }, orig_chld;
  sigemptyset (&dfl.sa_mask);
  sigaction (SIGCHLD, &dfl, &orig_chld);

  int pfd[2];
  if (pipe2 (pfd, O_CLOEXEC) < 0)
    goto fail;
  struct timespec t0;
  clock_gettime (CLOCK_MONOTONIC, &t0);
  pid_t pid = fork ();
  if (pid < 0)
    {
      close (pfd[0]);
      close (pfd[1]);
      goto fail;
    }
  if (pid == 0)
    {
      close (pfd[0]);
      setpgid (0, 0);
      if (jobctl)
        tcsetpgrp (tty, getpid ());
      sigaction (SIGCHLD, &orig_chld, NULL);
      sigprocmask (SIG_SETMASK, &orig, NULL);
      hg_exec_program (path, argv);
      int e = errno;
      if (write (pfd[1], &e, sizeof e) < 0)
        _exit (HG_EXIT_NOEXEC);
      _exit (e == ENOENT ? HG_EXIT_NOTFOUND : HG_EXIT_NOEXEC);
    }
  /* Both sides set the group and the foreground: whichever runs first. */
  setpgid (pid, pid);
  if (jobctl)
    tcsetpgrp (tty, pid);
  close (pfd[1]);
  int e = 0;
  ssize_t n;
  do
    n = read (pfd[0], &e, sizeof e);
  while (n < 0 && errno == EINTR);
  close (pfd[0]);
  if (n == (ssize_t) sizeof e)
    r->exec_errno = e;

  int st = 0;
  for (;;)
    {
      siginfo_t si;
      int sig = sigwaitinfo (&set, &si);
      if (sig < 0)
        continue;
      if (sig != SIGCHLD)
        {
          kill (pid, sig);
          continue;
        }
      pid_t w;
      bool ended = false;
      while ((w = waitpid (pid, &st, WNOHANG | WUNTRACED)) > 0)
        {
          if (WIFSTOPPED (st))
            follow_stop (pid, WSTOPSIG (st), tty, &jobctl);
          else
            {
              ended = true;
              break;
            }
        }
      if (ended || (w < 0 && errno == ECHILD))
        break;
    }
  r->duration_ms = ms_since (&t0);

  /* Take the terminal back if the child still had it. */
  if (tty >= 0 && tcgetpgrp (tty) == pid)
    tcsetpgrp (tty, getpgrp ());
  /* The forwarded signals stay blocked: a late SIGTERM must not cut the
   * exit record short.  The caller exits right after. */
  sigaction (SIGCHLD, &orig_chld, NULL);

  if (WIFSIGNALED (st))
    {
      r->signal = WTERMSIG (st);
      r->status = 128 + r->signal;
    }
  else
    {
      r->exit_code = WEXITSTATUS (st);
      r->status = r->exit_code;
    }
  return 0;

fail:
  {
    int saved = errno;
    sigaction (SIGCHLD, &orig_chld, NULL);
    sigprocmask (SIG_SETMASK, &orig, NULL);
    errno = saved;
    return -1;
  }
}
