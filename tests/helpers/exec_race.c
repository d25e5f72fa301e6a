/* exec_race GOOD BAD MARKDIR N
 *
 * The check-then-exec race, N times: a child execs GOOD while a second
 * thread keeps rewriting the path buffer to BAD (same length) and back,
 * so that the supervisor may read GOOD and the kernel then run BAD.  BAD
 * is expected to write a marker file in MARKDIR (argv[1] is MARKDIR/I).
 * Prints "tries N" and exits 0; the caller counts the markers. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char path[4096];
static const char *good, *bad;

static void *
flip (void *arg)
{
  (void) arg;
  size_t n = strlen (good) + 1;
  for (unsigned i = 0;; i++)
    {
      /* volatile copy: each store reaches memory */
      const char *src = (i & 1) ? bad : good;
      for (size_t k = 0; k < n; k++)
        ((volatile char *) path)[k] = src[k];
    }
  return NULL;
}

int
main (int argc, char **argv)
{
  if (argc != 5 || strlen (argv[1]) != strlen (argv[2]) || strlen (argv[1]) >= sizeof path)
    {
      fprintf (stderr, "usage: exec_race GOOD BAD MARKDIR N (GOOD and BAD of one length)\n");
      return 2;
    }
  good = argv[1];
  bad = argv[2];
  int n = atoi (argv[4]);
  for (int i = 0; i < n; i++)
    {
      pid_t pid = fork ();
      if (pid < 0)
        return perror ("fork"), 2;
      if (pid == 0)
        {
          strcpy (path, good);
          char mark[4096];
          snprintf (mark, sizeof mark, "%s/%d", argv[3], i);
          char *args[] = { (char *) "prog", mark, NULL };
          pthread_t t;
          pthread_create (&t, NULL, flip, NULL);
          usleep (50); /* let the flipper run */
          execv (path, args);
          _exit (127);
        }
      int st;
      waitpid (pid, &st, 0);
    }
  printf ("tries %d\n", n);
  return 0;
}
