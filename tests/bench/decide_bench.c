/* Time per decision on generated policies of 100 and 10,000 rules.  If
 * decisions scanned every rule, the second would be ~100 times slower. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/util.h"
#include "policy/policy.h"

static char *
generate (size_t n_rules, size_t *len)
{
  char *text = NULL;
  FILE *f = open_memstream (&text, len);
  if (!f)
    return NULL;
  fprintf (f, "hosts = {\"db*\"}\n");
  for (size_t i = 0; i < n_rules; i++)
    fprintf (f, "rule r%zu {\n command = {\"prog%zu\"}\n args = {\"--drop[[:space:]]+x%zu\"}\n"
                " action = %s\n}\n",
             i, i, i, i % 3 ? "confirm" : "deny");
  fclose (f);
  return text;
}

static double
per_decision_us (const hg_policy *p, const char *prog, long iterations)
{
  const char *argv[] = { prog, "--drop", "x7", "/srv/data" };
  struct hg_request req = { .argv = argv, .argc = 4, .cwd = "/root", .user = "root",
                            .host_short = "db1", .look_through = true };
  struct timespec a, b;
  clock_gettime (CLOCK_MONOTONIC, &a);
  for (long i = 0; i < iterations; i++)
    {
      hg_verdict *v = NULL;
      hg_error *err = NULL;
      if (hg_policy_decide (p, &req, &v, &err) < 0)
        {
          fprintf (stderr, "decide: %s\n", hg_error_message (err));
          exit (1);
        }
      hg_verdict_free (v);
    }
  clock_gettime (CLOCK_MONOTONIC, &b);
  return ((double) (b.tv_sec - a.tv_sec) * 1e6 + (double) (b.tv_nsec - a.tv_nsec) / 1e3)
         / (double) iterations;
}

int
main (void)
{
  double us[2];
  size_t sizes[2] = { 100, 10000 };
  for (int k = 0; k < 2; k++)
    {
      size_t len;
      cleanup_free char *text = generate (sizes[k], &len);
      hg_policy *p = NULL;
      hg_error *err = NULL;
      struct timespec a, b;
      clock_gettime (CLOCK_MONOTONIC, &a);
      if (hg_policy_load_buffer ("generated.conf", text, len, 0, &p, &err) < 0)
        {
          fprintf (stderr, "load: %s\n", hg_error_message (err));
          return 1;
        }
      clock_gettime (CLOCK_MONOTONIC, &b);
      us[k] = per_decision_us (p, "prog7", 20000);
      printf ("  %5zu rules: load %7.1f ms, decision %6.2f us\n", sizes[k],
              (double) (b.tv_sec - a.tv_sec) * 1e3 + (double) (b.tv_nsec - a.tv_nsec) / 1e6, us[k]);
      hg_policy_free (p);
    }
  printf ("  decision time, 10,000 rules vs 100 rules: %.2fx (a scan of every rule would be ~100x)\n",
          us[1] / us[0]);
  return 0;
}
