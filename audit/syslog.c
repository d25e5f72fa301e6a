/* Each record, with its hash, to syslog (LOG_AUTHPRIV): a second copy kept
 * by someone else, against which a cut tail of the file shows.  Our own
 * socket rather than syslog(3): it must never block for long, and never
 * touch the process's openlog() state. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "util/util.h"

#define MAX_DATAGRAM (16 * 1024)
#define WAIT_MS 100

const char *hg_syslog_path = "/dev/log";

static int
connect_log (void)
{
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  if (strlen (hg_syslog_path) >= sizeof sa.sun_path)
    return -1;
  strcpy (sa.sun_path, hg_syslog_path);
  int fd = socket (AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -1;
  if (connect (fd, (struct sockaddr *) &sa, sizeof sa) < 0)
    {
      close (fd);
      return -1;
    }
  return fd;
}

static long
ms_since (const struct timespec *t0)
{
  struct timespec t;
  clock_gettime (CLOCK_MONOTONIC, &t);
  return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

void
hg_syslog_send (int *fd, bool alert, const char *hash, const char *line)
{
  static const char cut[] = " [truncated: the log file holds the whole record]";
  cleanup_free char *msg = malloc (MAX_DATAGRAM + 1);
  char stamp[32];
  struct timespec t0;
  struct tm tm;
  time_t now = time (NULL);
  if (!msg)
    return;
  localtime_r (&now, &tm);
  strftime (stamp, sizeof stamp, "%b %e %H:%M:%S", &tm);
  int n = snprintf (msg, MAX_DATAGRAM + 1, "<%d>%s hostguard[%d]: sha256=%s %s",
                    LOG_AUTHPRIV | (alert ? LOG_ALERT : LOG_NOTICE), stamp, (int) getpid (), hash, line);
  size_t len = n < 0 ? 0 : (size_t) n;
  if (len > MAX_DATAGRAM)
    {
      /* Cut on a character boundary, then say so. */
      len = MAX_DATAGRAM - (sizeof cut - 1);
      while (len > 0 && ((unsigned char) msg[len] & 0xc0) == 0x80)
        len--;
      memcpy (msg + len, cut, sizeof cut - 1);
      len += sizeof cut - 1;
    }
  clock_gettime (CLOCK_MONOTONIC, &t0);
  for (int attempt = 0; attempt < 2; attempt++)
    {
      if (*fd < 0 && (*fd = connect_log ()) < 0)
        return; /* no syslog here: fine, the file is the record of truth */
      for (;;)
        {
          if (send (*fd, msg, len, MSG_NOSIGNAL) >= 0)
            return;
          long left = WAIT_MS - ms_since (&t0);
          if ((errno != EAGAIN && errno != EINTR) || left <= 0)
            break;
          struct pollfd p = { .fd = *fd, .events = POLLOUT };
          if (poll (&p, 1, (int) left) <= 0 && ms_since (&t0) >= WAIT_MS)
            return;
        }
      if (errno == EAGAIN || errno == EINTR)
        return;
      /* The daemon restarted (ECONNREFUSED, ENOTCONN): reconnect once. */
      close (*fd);
      *fd = -1;
    }
}
