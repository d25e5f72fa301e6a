/* cwd_race SAFE PROT PROG N
 *
 * The check-then-exec race on the working directory, N times: a child
 * execs PROG with the relative argument "mark-I" from SAFE while a second
 * thread (sharing its cwd) keeps switching it between SAFE and PROT, so
 * that the supervisor may decide "in SAFE" and the kernel then run PROG in
 * PROT.  PROG is expected to create its argument (touch).  Prints
 * "tries N"; the caller counts what appeared in PROT. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *safe, *prot;

static void *
flip (void *arg)
{
  (void) arg;
  for (unsigned i = 0;; i++)
    if (chdir ((i & 1) ? prot : safe) < 0)
      _exit (3);
  return NULL;
}

int
main (int argc, char **argv)
{
  if (argc != 5)
    {
      fprintf (stderr, "usage: cwd_race SAFE PROT PROG N\n");
      return 2;
    }
  safe = argv[1];
  prot = argv[2];
  int n = atoi (argv[4]);
  for (int i = 0; i < n; i++)
    {
      pid_t pid = fork ();
      if (pid < 0)
        return perror ("fork"), 2;
      if (pid == 0)
        {
          if (chdir (safe) < 0)
            _exit (3);
          char mark[64];
          snprintf (mark, sizeof mark, "mark-%d", i);
          char *args[] = { argv[3], mark, NULL };
          pthread_t t;
          pthread_create (&t, NULL, flip, NULL);
          usleep (50);
          execv (argv[3], args);
          _exit (127);
        }
      int st;
      waitpid (pid, &st, 0);
    }
  printf ("tries %d\n", n);
  return 0;
}
