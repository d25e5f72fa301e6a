/* The cost of knowing a program by its content (policy/identity.c), per
 * exec, with a warm cache: a program of no rule's size (the common case:
 * a stat and a binary search), and a copy of rm (same size: its digest,
 * cached by dev/inode/size/mtime/ctime).  Usage: identity_bench POLICY DIR
 * (DIR: a scratch directory for the copies). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "policy/internal.h"

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
median_us (struct hg_identity *id, const hg_policy *p, const char *path)
{
  enum { ROUNDS = 2001, PER = 50 };
  static double t[ROUNDS];
  for (int r = 0; r < ROUNDS; r++)
    {
      struct timespec a, b;
      clock_gettime (CLOCK_MONOTONIC, &a);
      for (int i = 0; i < PER; i++)
        {
          char *same = NULL;
          if (hg_identity_lookup (id, p, path, -1, &same) < 0)
            exit (1);
          free (same);
        }
      clock_gettime (CLOCK_MONOTONIC, &b);
      t[r] = ((double) (b.tv_sec - a.tv_sec) * 1e6 + (double) (b.tv_nsec - a.tv_nsec) / 1e3) / PER;
    }
  qsort (t, ROUNDS, sizeof *t, cmp_double);
  return t[ROUNDS / 2];
}

int
main (int argc, char **argv)
{
  if (argc != 3)
    {
      fprintf (stderr, "usage: identity_bench POLICY DIR\n");
      return 64;
    }
  hg_policy *p = NULL;
  hg_error *err = NULL;
  if (hg_policy_load_file (argv[1], 0, &p, &err) < 0)
    {
      fprintf (stderr, "%s\n", hg_error_message (err));
      return 1;
    }
  struct hg_identity *id = hg_identity_new ();
  char *other = NULL, *rm = NULL, *cmd = NULL;
  if (!id || asprintf (&other, "%s/some-tool", argv[2]) < 0 || asprintf (&rm, "%s/zap", argv[2]) < 0
      || asprintf (&cmd, "cp /bin/true '%s' && cp /bin/rm '%s'", other, rm) < 0 || system (cmd) != 0)
    return 1;
  char *same = NULL;
  int r = hg_identity_lookup (id, p, rm, -1, &same);
  printf ("  a copy of rm is known as: %s\n", r == HG_IDENTITY_FOUND ? same : "(not found!)");
  free (same);
  printf ("  an unmatched program (a copy of true): %.2f us median per exec\n",
          median_us (id, p, other));
  printf ("  a copy of rm (same size, digest cached): %.2f us median per exec\n",
          median_us (id, p, rm));
  hg_identity_free (id);
  hg_policy_free (p);
  free (other);
  free (rm);
  free (cmd);
  return 0;
}
