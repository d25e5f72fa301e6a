/* rawapprove: speaks the approval protocol directly, as a hostile or
 * flaky approver's client would, for the tests of the requester's side.
 *
 *   rawapprove [-n TRIES] [-d DROP_PERCENT] [-t] SOCKET LINE
 *
 * Each try connects to SOCKET and sends LINE (a newline is added).  With
 * probability DROP_PERCENT/100 a try drops the connection in the middle of
 * the message, and with the same probability after sending it without
 * reading the answer.  Every answer read is printed on its own line.
 * -t prints "sent_ns=N" (CLOCK_REALTIME) just before each message is sent.
 * Exit status: 0 when every try that read an answer got one, 1 otherwise,
 * 2 on a usage error. */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static unsigned
roll (void)
{
  unsigned v = 0;
  if (getrandom (&v, sizeof v, 0) != sizeof v)
    return 0;
  return v % 100;
}

int
main (int argc, char **argv)
{
  int tries = 1, drop = 0, c;
  bool stamp = false;
  while ((c = getopt (argc, argv, "n:d:t")) != -1)
    {
      if (c == 't')
        stamp = true;
      else if (c == 'n')
        tries = atoi (optarg);
      else if (c == 'd')
        drop = atoi (optarg);
      else
        return 2;
    }
  if (argc - optind != 2)
    {
      fprintf (stderr, "usage: rawapprove [-n TRIES] [-d DROP_PERCENT] [-t] SOCKET LINE\n");
      return 2;
    }
  const char *path = argv[optind];
  char *line = NULL;
  if (asprintf (&line, "%s\n", argv[optind + 1]) < 0)
    return 2;
  size_t len = strlen (line);
  int status = 0;
  for (int i = 0; i < tries; i++)
    {
      struct sockaddr_un a = { .sun_family = AF_UNIX };
      snprintf (a.sun_path, sizeof a.sun_path, "%s", path);
      int s = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
      if (s < 0 || connect (s, (struct sockaddr *) &a, sizeof a) < 0)
        {
          printf ("connect: %s\n", strerror (errno));
          status = 1;
          if (s >= 0)
            close (s);
          continue;
        }
      if ((int) roll () < drop)
        {
          send (s, line, len / 2, MSG_NOSIGNAL);
          close (s);
          printf ("dropped mid-message\n");
          continue;
        }
      if (stamp)
        {
          struct timespec ts;
          clock_gettime (CLOCK_REALTIME, &ts);
          printf ("sent_ns=%lld\n", (long long) ts.tv_sec * 1000000000LL + ts.tv_nsec);
          fflush (stdout);
        }
      /* A refusal may already be waiting (a non-member is answered as it
       * connects): a failed send still reads it. */
      if (send (s, line, len, MSG_NOSIGNAL) != (ssize_t) len)
        printf ("send: %s\n", strerror (errno));
      if ((int) roll () < drop)
        {
          close (s);
          printf ("dropped after sending\n");
          continue;
        }
      char buf[4096];
      size_t n = 0;
      struct pollfd p = { .fd = s, .events = POLLIN };
      while (n < sizeof buf - 1 && !memchr (buf, '\n', n) && poll (&p, 1, 10000) > 0)
        {
          ssize_t r = recv (s, buf + n, sizeof buf - 1 - n, 0);
          if (r <= 0)
            break;
          n += (size_t) r;
        }
      buf[n] = '\0';
      if (!memchr (buf, '\n', n))
        {
          printf ("no answer\n");
          status = 1;
        }
      else
        fputs (buf, stdout);
      fflush (stdout);
      close (s);
    }
  free (line);
  return status;
}
