/* Kernel identities of a socket's peer. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util/util.h"
#include "approval.h"

#ifndef SO_PEERGROUPS
#define SO_PEERGROUPS 59
#endif
#ifndef SO_PEERPIDFD
#define SO_PEERPIDFD 77 /* Linux 6.5; Debian 12's headers predate it */
#endif

#define UNSET ((uid_t) -1)

/* The pid a pidfd names, in our pid namespace (its fdinfo's "Pid:"). */
static pid_t
pidfd_pid (int pidfd)
{
  char path[64];
  snprintf (path, sizeof path, "/proc/self/fdinfo/%d", pidfd);
  cleanup_fclose FILE *f = fopen (path, "re");
  if (!f)
    return -1;
  char line[256];
  while (fgets (line, sizeof line, f))
    {
      int pid;
      if (sscanf (line, "Pid: %d", &pid) == 1)
        return pid > 0 ? pid : -1;
    }
  return -1;
}

static int
read_groups (int sock, struct hg_peer *p, hg_error **err)
{
  socklen_t len = 64 * sizeof (gid_t);
  for (int tries = 0; tries < 4; tries++)
    {
      gid_t *g = malloc (len ? len : sizeof (gid_t));
      if (!g)
        return hg_fail (err, HG_ERR_NOMEM, "out of memory");
      socklen_t got = len;
      if (getsockopt (sock, SOL_SOCKET, SO_PEERGROUPS, g, &got) == 0)
        {
          p->groups = g;
          p->n_groups = got / sizeof (gid_t);
          return 0;
        }
      free (g);
      if (errno != ERANGE)
        return hg_fail (err, HG_ERR_IO, "cannot read the peer's groups: %s", strerror (errno));
      len = got; /* the kernel says how much it needs */
    }
  return hg_fail (err, HG_ERR_IO, "cannot read the peer's groups: they keep changing");
}

int
hg_peer_read_creds (int sock, struct hg_peer *out, hg_error **err)
{
  memset (out, 0, sizeof *out);
  out->login_uid = UNSET;
  struct ucred cred;
  socklen_t len = sizeof cred;
  if (getsockopt (sock, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 || len != sizeof cred)
    return hg_fail (err, HG_ERR_IO, "cannot read the peer's credentials: %s", strerror (errno));
  out->pid = cred.pid;
  out->uid = cred.uid;
  out->gid = cred.gid;
  return read_groups (sock, out, err);
}

int
hg_peer_read_login (int sock, struct hg_peer *p, hg_error **err)
{
  int pidfd = -1;
  socklen_t len = sizeof pidfd;
  if (getsockopt (sock, SOL_SOCKET, SO_PEERPIDFD, &pidfd, &len) < 0 || pidfd < 0)
    return hg_fail (err, HG_ERR_IO,
                     "cannot pin the peer process (SO_PEERPIDFD needs Linux 6.5): %s",
                     strerror (errno));
  cleanup_close int pfd = pidfd;
  pid_t pid = pidfd_pid (pfd);
  if (pid <= 0 || pid != p->pid)
    return hg_fail (err, HG_ERR_IO, "the peer process is gone");
  char path[64];
  snprintf (path, sizeof path, "/proc/%d/loginuid", (int) pid);
  uid_t login;
  int r = hg_read_login_uid (path, &login);
  /* The read above went through a pid; the pidfd proves the pid still
   * named this very process after it (a dead process's pid could be
   * reused, and the new process's login uid read instead).  EPERM (a
   * process of another user) still says it lives. */
  if (pidfd_send_signal (pfd, 0, NULL, 0) < 0 && errno != EPERM)
    return hg_fail (err, HG_ERR_IO, "the peer process is gone");
  if (r < 0)
    return hg_fail (err, HG_ERR_IO,
                     "cannot read the login uid of the peer (pid %d): is /proc mounted with "
                     "hidepid=? refused",
                     (int) pid);
  p->login_uid = login;
  return 0;
}

void
hg_peer_clear (struct hg_peer *p)
{
  free (p->groups);
  p->groups = NULL;
  p->n_groups = 0;
}

bool
hg_peer_in_group (const struct hg_peer *p, gid_t gid)
{
  if (p->gid == gid)
    return true;
  for (size_t i = 0; i < p->n_groups; i++)
    if (p->groups[i] == gid)
      return true;
  return false;
}

bool
hg_same_person (uid_t a_uid, uid_t a_login, uid_t b_uid, uid_t b_login)
{
  uid_t a[2] = { a_uid, a_login }, b[2] = { b_uid, b_login };
  for (int i = 0; i < 2; i++)
    for (int j = 0; j < 2; j++)
      if (a[i] != UNSET && a[i] == b[j])
        return true;
  return false;
}
