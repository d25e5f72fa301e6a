/* notify_floor SYNC COMMAND [ARG...]: COMMAND under a seccomp filter whose
 * execve calls go to a supervisor that answers CONTINUE at once, reading
 * nothing and deciding nothing.  What `make bench` compares hostguard's
 * supervised loop with: the cost of user notification itself on this
 * machine, below which no supervisor can go.  SYNC 1 sets
 * SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP, as hostguard does where it can. */
#include <linux/seccomp.h>
#include <pthread.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW (4, __u64)
#endif

static int listener = -1;

static void *
answer_all (void *arg)
{
  struct seccomp_notif *req;
  struct seccomp_notif_resp *resp;
  if (seccomp_notify_alloc (&req, &resp) < 0)
    return NULL;
  for (;;)
    {
      memset (req, 0, sizeof *req);
      if (seccomp_notify_receive (listener, req) < 0)
        continue; /* the task died first; the process ends with the command */
      resp->id = req->id;
      resp->val = 0;
      resp->error = 0;
      resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
      seccomp_notify_respond (listener, resp);
    }
  return NULL;
}

static int
pass_fd (int sock, int fd)
{
  char cbuf[CMSG_SPACE (sizeof fd)] = { 0 }, byte = 0;
  struct iovec iov = { &byte, 1 };
  struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
                      .msg_controllen = sizeof cbuf };
  struct cmsghdr *cm = CMSG_FIRSTHDR (&m);
  cm->cmsg_level = SOL_SOCKET;
  cm->cmsg_type = SCM_RIGHTS;
  cm->cmsg_len = CMSG_LEN (sizeof fd);
  memcpy (CMSG_DATA (cm), &fd, sizeof fd);
  return sendmsg (sock, &m, 0) == 1 ? 0 : -1;
}

static int
take_fd (int sock)
{
  char cbuf[CMSG_SPACE (sizeof (int))] = { 0 }, byte;
  struct iovec iov = { &byte, 1 };
  struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
                      .msg_controllen = sizeof cbuf };
  struct cmsghdr *cm;
  int fd;
  if (recvmsg (sock, &m, 0) != 1 || !(cm = CMSG_FIRSTHDR (&m)) || cm->cmsg_type != SCM_RIGHTS)
    return -1;
  memcpy (&fd, CMSG_DATA (cm), sizeof fd);
  return fd;
}

int
main (int argc, char **argv)
{
  if (argc < 3)
    {
      fprintf (stderr, "usage: notify_floor SYNC(0|1) COMMAND [ARG...]\n");
      return 64;
    }
  int sv[2];
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
    return 1;
  pid_t child = fork ();
  if (child < 0)
    return 1;
  if (child == 0)
    {
      scmp_filter_ctx ctx = seccomp_init (SCMP_ACT_ALLOW);
      if (!ctx || seccomp_rule_add (ctx, SCMP_ACT_NOTIFY, SCMP_SYS (execve), 0) < 0
          || seccomp_rule_add (ctx, SCMP_ACT_NOTIFY, SCMP_SYS (execveat), 0) < 0
          || seccomp_load (ctx) < 0)
        _exit (126);
      int fd = seccomp_notify_fd (ctx);
      if (atoi (argv[1]))
        ioctl (fd, SECCOMP_IOCTL_NOTIF_SET_FLAGS, 1UL); /* EINVAL before Linux 6.6 */
      if (fd < 0 || pass_fd (sv[1], fd) < 0)
        _exit (126);
      close (fd);
      execvp (argv[2], argv + 2);
      _exit (127);
    }
  listener = take_fd (sv[0]);
  pthread_t t;
  if (listener < 0 || pthread_create (&t, NULL, answer_all, NULL) != 0)
    {
      kill (child, SIGKILL);
      return 1;
    }
  int st;
  while (waitpid (child, &st, 0) < 0)
    ;
  return WIFEXITED (st) ? WEXITSTATUS (st) : 128 + WTERMSIG (st);
}
