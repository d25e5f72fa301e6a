/* ptyrun: runs a command on a new pseudo-terminal, as the controlling
 * terminal of a new session, and plays a script against it.  For tests of
 * prompts, Ctrl-C and job control.
 *
 *   ptyrun [-t SECONDS] [STEP...] -- COMMAND [ARG...]
 *
 * Steps, in order:
 *   -e TEXT   wait until TEXT appears in the output (after the last match)
 *   -s TEXT   type TEXT (\n \r \t \\ \xHH are decoded)
 *   -c        type Ctrl-C      -z  Ctrl-Z      -d  Ctrl-D (EOF)
 *   -p MS     pause
 * Then waits for the command to end.  The whole transcript goes to stdout.
 * Exit status: the command's (128+N if killed by signal N), 124 on timeout
 * (the command's process group is killed), 125 on a usage or system error. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct step
{
  char kind; /* e, s, p */
  char *text;
  size_t len;
};

static char *out; /* the transcript */
static size_t out_len, out_cap, matched;
static int master = -1;
static pid_t child;
static struct timespec deadline;

static void
die (const char *what)
{
  fprintf (stderr, "ptyrun: %s: %s\n", what, strerror (errno));
  exit (125);
}

static int
ms_left (void)
{
  struct timespec now;
  clock_gettime (CLOCK_MONOTONIC, &now);
  long ms = (deadline.tv_sec - now.tv_sec) * 1000 + (deadline.tv_nsec - now.tv_nsec) / 1000000;
  return ms < 0 ? 0 : ms > 100 ? 100 : (int) ms;
}

static bool
expired (void)
{
  struct timespec now;
  clock_gettime (CLOCK_MONOTONIC, &now);
  return now.tv_sec > deadline.tv_sec
         || (now.tv_sec == deadline.tv_sec && now.tv_nsec >= deadline.tv_nsec);
}

static void
finish (int status)
{
  fwrite (out, 1, out_len, stdout);
  fflush (stdout);
  exit (status);
}

static void
timeout (const char *what)
{
  fprintf (stderr, "ptyrun: timed out %s\n", what);
  kill (-child, SIGKILL);
  kill (child, SIGKILL);
  finish (124);
}

/* Reads what is there (waiting up to 100 ms).  False at EOF: every holder
 * of the terminal has closed it. */
static bool
pump (void)
{
  struct pollfd p = { .fd = master, .events = POLLIN };
  if (poll (&p, 1, ms_left ()) <= 0)
    return true;
  if (out_cap - out_len < 4096)
    {
      out_cap = out_cap * 2 + 8192;
      if (!(out = realloc (out, out_cap)))
        die ("realloc");
    }
  ssize_t n = read (master, out + out_len, out_cap - out_len - 1);
  if (n < 0 && (errno == EINTR || errno == EAGAIN))
    return true;
  if (n <= 0)
    return false; /* EIO: the slave side is closed */
  out_len += (size_t) n;
  out[out_len] = '\0';
  return true;
}

static void
type (const char *s, size_t n)
{
  while (n > 0)
    {
      ssize_t w = write (master, s, n);
      if (w < 0 && errno == EINTR)
        continue;
      if (w < 0)
        die ("write");
      s += w;
      n -= (size_t) w;
    }
}

static size_t
unescape (char *s)
{
  char *o = s;
  for (char *p = s; *p; p++)
    {
      if (*p != '\\' || !p[1])
        {
          *o++ = *p;
          continue;
        }
      p++;
      switch (*p)
        {
        case 'n': *o++ = '\n'; break;
        case 'r': *o++ = '\r'; break;
        case 't': *o++ = '\t'; break;
        case 'x':
          {
            char hex[3] = { p[1], p[1] ? p[2] : 0, 0 };
            *o++ = (char) strtoul (hex, NULL, 16);
            p += strlen (hex);
            break;
          }
        default: *o++ = *p; break;
        }
    }
  return (size_t) (o - s);
}

int
main (int argc, char **argv)
{
  struct step *steps = calloc ((size_t) argc, sizeof *steps);
  size_t n = 0;
  long seconds = 10;
  int c;
  while ((c = getopt (argc, argv, "+t:e:s:czdp:")) != -1)
    switch (c)
      {
      case 't': seconds = strtol (optarg, NULL, 10); break;
      case 'e': steps[n++] = (struct step){ 'e', optarg, strlen (optarg) }; break;
      case 's': steps[n] = (struct step){ 's', optarg, unescape (optarg) }; n++; break;
      case 'c': steps[n++] = (struct step){ 's', "\003", 1 }; break;
      case 'z': steps[n++] = (struct step){ 's', "\032", 1 }; break;
      case 'd': steps[n++] = (struct step){ 's', "\004", 1 }; break;
      case 'p': steps[n++] = (struct step){ 'p', optarg, 0 }; break;
      default:
        fprintf (stderr, "usage: ptyrun [-t SECONDS] [-e TEXT|-s TEXT|-c|-z|-d|-p MS]... -- CMD [ARG...]\n");
        return 125;
      }
  if (optind >= argc)
    {
      fprintf (stderr, "ptyrun: no command\n");
      return 125;
    }
  clock_gettime (CLOCK_MONOTONIC, &deadline);
  deadline.tv_sec += seconds;

  struct winsize ws = { .ws_row = 24, .ws_col = 200 };
  child = forkpty (&master, NULL, NULL, &ws);
  if (child < 0)
    die ("forkpty");
  if (child == 0)
    {
      execvp (argv[optind], argv + optind);
      fprintf (stderr, "ptyrun: %s: %s\n", argv[optind], strerror (errno));
      _exit (127);
    }
  fcntl (master, F_SETFD, FD_CLOEXEC);

  bool open = true;
  for (size_t i = 0; i < n; i++)
    {
      struct step *s = &steps[i];
      if (s->kind == 'e')
        {
          char *hit;
          while (!(hit = out ? memmem (out + matched, out_len - matched, s->text, s->len) : NULL))
            {
              if (expired () || !open)
                {
                  char what[256];
                  snprintf (what, sizeof what, "waiting for '%s'", s->text);
                  timeout (what);
                }
              open = pump ();
            }
          matched = (size_t) (hit - out) + s->len;
        }
      else if (s->kind == 's')
        type (s->text, s->len);
      else
        {
          struct timespec ts = { .tv_sec = atol (s->text) / 1000, .tv_nsec = atol (s->text) % 1000 * 1000000 };
          nanosleep (&ts, NULL);
        }
    }

  /* The command's end: its status, then what it left in the terminal. */
  int st = 0;
  for (;;)
    {
      pid_t w = waitpid (child, &st, WNOHANG);
      if (w == child)
        break;
      if (expired ())
        timeout ("waiting for the command to end");
      if (open)
        open = pump ();
      else
        poll (NULL, 0, 20);
    }
  int fl = fcntl (master, F_GETFL);
  fcntl (master, F_SETFL, fl | O_NONBLOCK);
  while (open && !expired ())
    {
      size_t before = out_len;
      open = pump ();
      if (out_len == before)
        break;
    }
  finish (WIFSIGNALED (st) ? 128 + WTERMSIG (st) : WEXITSTATUS (st));
}
