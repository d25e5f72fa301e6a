/* The supervised session: its processes (see supervisor.h) and the pool
 * of threads that answer its notifications. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/util.h"
#include "internal.h"

bool
hg_supervise_possible (const hg_policy *p, bool *no_new_privs, const char **why)
{
  *why = NULL;
  *no_new_privs = geteuid () != 0;
  /* The cheap test first: an ordinary user's allowed prefix run stays as
   * fast as it was. */
  if (*no_new_privs && !hg_policy_settings (p)->supervise_unprivileged)
    return *why = "not root and supervise_unprivileged = false: the command line alone is checked",
           false;
  if (hg_scfilter_active ())
    return *why = "already supervised: this session's supervisor checks every program", false;
  return true;
}

/* Terminal signals are the session's, not the supervisor's.  Last: SIGTSTP,
 * which a supervised run does not ignore (see n_ignored). */
static const int ignored[] = { SIGINT, SIGQUIT, SIGTTOU, SIGTTIN, SIGTSTP };

/* Job control of a supervised run (HG_MODE_RUN): the operator's shell
 * started hostguard as its job and waits for it, P, not for the command.
 * So S stays in P's process group (the job's): Ctrl-Z stops the whole
 * group, P with its threads, H, W and the command, and the shell sees its
 * job stop exactly as it would see the bare command stop (st=148); `fg`
 * gives the terminal back to the group and SIGCONT resumes all of it; `bg`
 * likewise.  Only SIGTSTP stops P: SIGTTIN and SIGTTOU stay ignored, since
 * the supervisor takes the terminal for a question (tcsetpgrp) and must
 * not stop for it.  A stopped supervisor answers nothing until resumed:
 * so does a stopped bare command.  A login shell (HG_MODE_SHELL) has no
 * job control above it: there P ignores SIGTSTP too. */
static size_t
n_ignored (const struct hg_supervise_opts *o)
{
  return N_ELEMENTS (ignored) - (o->mode == HG_MODE_RUN ? 1 : 0);
}

struct hello /* S to P, with the listener; then, if the exec fails, its errno */
{
  pid_t pid;
  bool killable_recv;
};

/* S: filter, hand the listener over, exec.  Never returns.  The socket
 * stays open (close-on-exec) until the exec: P reads EOF when it worked,
 * the errno when it did not, as hg_exec_run's caller learns it. */
static void
session_child (int sock, bool nnp, const char *path, char *const argv[])
{
  for (size_t i = 0; i < N_ELEMENTS (ignored); i++)
    signal (ignored[i], SIG_DFL);
  signal (SIGPIPE, SIG_DFL);
  sigset_t none;
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
  /* Forked from the non-dumpable supervisor: an ordinary user's
   * supervisor could not read this task's first execve otherwise. */
  prctl (PR_SET_DUMPABLE, 1, 0, 0, 0);

  cleanup_error hg_error *err = NULL;
  struct hello h = { .pid = getpid () };
  int listener = -1;
  if (hg_scfilter_install (nnp, &listener, &h.killable_recv, &err) < 0)
    {
      hg_warn ("%s", hg_error_message (err));
      _exit (HG_EXIT_REFUSED);
    }
  char cbuf[CMSG_SPACE (sizeof (int))] = { 0 };
  struct iovec iov = { .iov_base = &h, .iov_len = sizeof h };
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
                        .msg_controllen = sizeof cbuf };
  struct cmsghdr *cm = CMSG_FIRSTHDR (&msg);
  cm->cmsg_level = SOL_SOCKET;
  cm->cmsg_type = SCM_RIGHTS;
  cm->cmsg_len = CMSG_LEN (sizeof (int));
  memcpy (CMSG_DATA (cm), &listener, sizeof (int));
  if (sendmsg (sock, &msg, MSG_NOSIGNAL) < 0)
    _exit (HG_EXIT_REFUSED);
  /* The listener never reaches the session. */
  close (listener);
  hg_exec_program (path, argv);
  int e = errno;
  if (send (sock, &e, sizeof e, MSG_NOSIGNAL) < 0)
    _exit (HG_EXIT_NOEXEC);
  _exit (e == ENOENT || e == ENOTDIR ? HG_EXIT_NOTFOUND : HG_EXIT_NOEXEC);
}

/* W: waits for P's word; EOF without it means P is gone. */
static void
watcher (int rfd)
{
  char c;
  ssize_t n;
  while ((n = read (rfd, &c, 1)) < 0 && errno == EINTR)
    ;
  if (n == 0)
    {
      static const char line[]
        = "\nhostguard: the supervisor is gone; no program can be started in this session\n";
      int fd = open ("/dev/tty", O_WRONLY | O_NOCTTY | O_CLOEXEC);
      if (write (fd >= 0 ? fd : STDERR_FILENO, line, sizeof line - 1) < 0)
        _exit (1);
    }
  _exit (0);
}

/* H: starts W and S, waits for S, sends its wait status to P. */
static void
holder (int sock, int watch_r, int watch_w, int status_w, bool nnp, const char *path,
        char *const argv[])
{
  close (watch_w); /* P alone holds the watch pipe open */
  pid_t w = fork ();
  if (w == 0)
    {
      close (sock);
      close (status_w);
      close (STDIN_FILENO);
      watcher (watch_r);
    }
  close (watch_r);
  pid_t s = fork ();
  if (s < 0)
    _exit (HG_EXIT_NOEXEC);
  if (s == 0)
    {
      close (status_w);
      session_child (sock, nnp, path, argv);
    }
  close (sock);
  int st = HG_EXIT_NOEXEC << 8;
  while (waitpid (s, &st, 0) < 0 && errno == EINTR)
    ;
  if (write (status_w, &st, sizeof st) != sizeof st)
    _exit (1);
  _exit (0);
}

static int
receive_listener (int sock, struct hello *h)
{
  char cbuf[CMSG_SPACE (sizeof (int))] = { 0 };
  struct iovec iov = { .iov_base = h, .iov_len = sizeof *h };
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
                        .msg_controllen = sizeof cbuf };
  ssize_t n;
  while ((n = recvmsg (sock, &msg, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR)
    ;
  struct cmsghdr *cm = CMSG_FIRSTHDR (&msg);
  if (n != sizeof *h || !cm || cm->cmsg_type != SCM_RIGHTS)
    return -1;
  int fd;
  memcpy (&fd, CMSG_DATA (cm), sizeof fd);
  return fd;
}

static void *worker (void *arg);

/* No task uses the filter any more: nothing more will come. */
static bool
session_over (int listener)
{
  struct pollfd p = { .fd = listener, .events = POLLIN };
  return poll (&p, 1, 0) > 0 && (p.revents & POLLHUP);
}

static void
spawn_worker (struct sup *s)
{
  pthread_t t;
  pthread_attr_t a;
  pthread_attr_init (&a);
  pthread_attr_setdetachstate (&a, PTHREAD_CREATE_DETACHED);
  if (pthread_create (&t, &a, worker, s) != 0)
    {
      pthread_mutex_lock (&s->lock);
      s->workers--;
      pthread_mutex_unlock (&s->lock);
    }
  pthread_attr_destroy (&a);
}

/* Receives and answers, one notification at a time.  There is always an
 * idle receiver: the one that takes a notification starts another when
 * it was the last, so an allowed exec never waits behind a question. */
static void *
worker (void *arg)
{
  struct sup *s = arg;
  struct seccomp_notif *req = NULL;
  struct seccomp_notif_resp *resp = NULL;
  if (seccomp_notify_alloc (&req, &resp) < 0)
    return NULL;
  for (;;)
    {
      pthread_mutex_lock (&s->lock);
      s->idle++;
      pthread_mutex_unlock (&s->lock);
      memset (req, 0, sizeof *req);
      int r = seccomp_notify_receive (s->listener, req);
      int e = errno;
      pthread_mutex_lock (&s->lock);
      s->idle--;
      bool more = s->idle == 0 && s->workers < SUP_MAX_WORKERS;
      if (more)
        s->workers++;
      pthread_mutex_unlock (&s->lock);
      if (more)
        spawn_worker (s);
      /* ENOENT: the task died before we read it, or the session is over:
       * once no task uses the filter, every receive fails at once with
       * ENOENT, and retrying would spin on a CPU until the process ends
       * (measured: most of a supervised run's own cost).  POLLHUP tells
       * the two apart. */
      if (r < 0 && e == ENOENT && session_over (s->listener))
        break;
      if (r < 0 && (e == EINTR || e == ENOENT))
        continue;
      if (r < 0)
        break; /* the filter is gone: nothing more will come */
      sup_handle (s, req);
      pthread_mutex_lock (&s->lock);
      bool enough = s->idle >= SUP_MAX_IDLE;
      if (enough)
        s->workers--;
      pthread_mutex_unlock (&s->lock);
      if (enough)
        break;
    }
  seccomp_notify_free (req, resp);
  return NULL;
}

static int64_t
ms_since (const struct timespec *t0)
{
  struct timespec t1;
  clock_gettime (CLOCK_MONOTONIC, &t1);
  return (int64_t) (t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

static struct sup *volatile sup_alive; /* volatile: never read, yet kept */

int
hg_supervise_run (const hg_policy *p, const struct hg_supervise_opts *o, const char *path,
                  char *const argv[], struct hg_exec_result *r, hg_error **err)
{
  /* Lives as long as the process: worker threads may still answer the
   * session's leftovers after this returns.  Held by a static pointer, so
   * that it is reachable to the end (LeakSanitizer agrees); one
   * supervision per process. */
  struct sup *s = calloc (1, sizeof *s);
  if (!s)
    return hg_fail (err, HG_ERR_NOMEM, "out of memory");
  sup_alive = s;
  s->policy = p;
  s->settings = hg_policy_settings (p);
  s->opts = *o;
  pthread_mutex_init (&s->lock, NULL);
  pthread_mutex_init (&s->prompt_lock, NULL);
  pthread_mutex_init (&s->audit_lock, NULL);
  const char *self_argv[] = { argv[0], NULL };
  int ret = hg_cmd_init_self (&s->self, o->mode, self_argv, 1, err);
  if (ret < 0)
    return ret;

  /* Out of the session's reach: no ptrace, no core, no /proc/PID/mem by
   * the same user; no terminal signal stops or ends the supervisor. */
  prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);
  for (size_t i = 0; i < n_ignored (o); i++)
    signal (ignored[i], SIG_IGN);
  /* Only the prompting thread takes the signals that end a question. */
  sigset_t block;
  sigemptyset (&block);
  sigaddset (&block, SIGTERM);
  sigaddset (&block, SIGHUP);
  sigaddset (&block, SIGINT);
  sigaddset (&block, SIGQUIT);
  pthread_sigmask (SIG_BLOCK, &block, NULL);

  int sv[2], watch[2], status[2];
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
    return hg_fail (err, HG_ERR_IO, "socketpair: %s", strerror (errno));
  if (pipe2 (watch, O_CLOEXEC) < 0 || pipe2 (status, O_CLOEXEC) < 0)
    return hg_fail (err, HG_ERR_IO, "pipe: %s", strerror (errno));

  struct timespec t0;
  clock_gettime (CLOCK_MONOTONIC, &t0);
  pid_t h = fork ();
  if (h < 0)
    return hg_fail (err, HG_ERR_IO, "fork: %s", strerror (errno));
  if (h == 0)
    {
      close (sv[0]);
      close (status[0]);
      holder (sv[1], watch[0], watch[1], status[1], o->no_new_privs, path, argv);
    }
  close (sv[1]);
  close (watch[0]);
  close (status[1]);

  struct hello hello = { 0 };
  int exec_errno = 0;
  s->listener = receive_listener (sv[0], &hello);
  if (s->listener >= 0)
    {
      s->top = hello.pid;
      s->killable_recv = hello.killable_recv;
      s->workers = 1;
      spawn_worker (s);
      /* EOF: S's exec went through (its copy closed on exec); else why
       * not.  H and W closed theirs. */
      int e = 0;
      ssize_t n;
      while ((n = recv (sv[0], &e, sizeof e, 0)) < 0 && errno == EINTR)
        ;
      if (n == (ssize_t) sizeof e)
        exec_errno = e;
    }

  close (sv[0]);
  int st = HG_EXIT_NOEXEC << 8;
  while (waitpid (h, NULL, 0) < 0 && errno == EINTR)
    ;
  if (read (status[0], &st, sizeof st) != sizeof st)
    st = HG_EXIT_NOEXEC << 8;
  close (status[0]);
  /* A normal end: the watcher leaves without a word. */
  if (write (watch[1], "", 1) < 0)
    { /* it is gone already */
    }
  close (watch[1]);

  memset (r, 0, sizeof *r);
  r->duration_ms = ms_since (&t0);
  r->exec_errno = exec_errno;
  if (WIFSIGNALED (st))
    {
      r->signal = WTERMSIG (st);
      r->exit_code = -1;
      r->status = 128 + r->signal;
    }
  else
    {
      r->exit_code = WEXITSTATUS (st);
      r->status = r->exit_code;
    }
  if (s->listener < 0)
    return hg_fail (err, HG_ERR_IO, "the session could not be put under supervision");
  return 0;
}
