/* timeit N LABEL CMD... [::: LABEL CMD...]...
 *
 * Runs each command N times, interleaved (A B C A B C ...) so that drift
 * in the machine's speed hits every command alike, and prints the median
 * and mean wall time of each, and its ratio to the first command's median.
 * Standard output and error of the commands go to /dev/null. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct bench
{
  const char *label;
  char **argv;
  double *us;
};

static double
now_us (void)
{
  struct timespec t;
  clock_gettime (CLOCK_MONOTONIC, &t);
  return (double) t.tv_sec * 1e6 + (double) t.tv_nsec / 1e3;
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
run_once (char **argv, int devnull)
{
  double t0 = now_us ();
  pid_t pid = fork ();
  if (pid < 0)
    {
      perror ("fork");
      exit (2);
    }
  if (pid == 0)
    {
      dup2 (devnull, 1);
      dup2 (devnull, 2);
      execvp (argv[0], argv);
      _exit (127);
    }
  int status;
  if (waitpid (pid, &status, 0) < 0 || !WIFEXITED (status) || WEXITSTATUS (status) == 127)
    {
      fprintf (stderr, "timeit: %s failed (status %d)\n", argv[0], status);
      exit (2);
    }
  return now_us () - t0;
}

int
main (int argc, char **argv)
{
  if (argc < 4)
    {
      fprintf (stderr, "usage: timeit N LABEL CMD... [::: LABEL CMD...]...\n");
      return 64;
    }
  long n = strtol (argv[1], NULL, 10);
  if (n < 1)
    return 64;
  struct bench b[16];
  int nb = 0;
  for (int i = 2; i < argc && nb < 16;)
    {
      b[nb].label = argv[i++];
      b[nb].argv = argv + i;
      while (i < argc && strcmp (argv[i], ":::") != 0)
        i++;
      if (i < argc)
        argv[i++] = NULL;
      b[nb].us = calloc ((size_t) n, sizeof (double));
      if (!b[nb].us)
        return 2;
      nb++;
    }
  int devnull = open ("/dev/null", O_WRONLY | O_CLOEXEC);
  for (int k = 0; k < nb; k++) /* warm up caches */
    run_once (b[k].argv, devnull);
  for (long r = 0; r < n; r++)
    for (int k = 0; k < nb; k++)
      b[k].us[r] = run_once (b[k].argv, devnull);
  double base = 0;
  for (int k = 0; k < nb; k++)
    {
      double sum = 0;
      for (long r = 0; r < n; r++)
        sum += b[k].us[r];
      qsort (b[k].us, (size_t) n, sizeof (double), cmp_double);
      double median = b[k].us[n / 2];
      if (k == 0)
        base = median;
      printf ("  %-44s median %9.1f us  mean %9.1f us  %5.2fx\n", b[k].label, median, sum / (double) n,
              median / base);
    }
  return 0;
}
