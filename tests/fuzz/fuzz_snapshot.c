/* libFuzzer target: any bytes as a policy snapshot (policy/snapfmt.c).
 * Only root can write a snapshot that is used, but its reader is a parser
 * and is held to the standard of one.  What decodes is then asked a
 * question, so that a policy the decoder let through is one the rest of
 * the library can use. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "policy/precheck.h"
#include "policy/snapfmt.h"
#include "policy/snapshot.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* The loader refuses these before regcomp sees them; a snapshot holds what
 * the loader accepted, so a forged one is not a regcomp benchmark. */
static bool
regexes_sane (const struct hg_policy *p)
{
  for (size_t i = 0; i < p->n_rules; i++)
    for (size_t j = 0; j < p->rules[i].n_args; j++)
      if (hg_regex_too_complex (p->rules[i].args_src[j]))
        return false;
  return true;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *path = NULL;
  struct hg_sources src;
  struct hg_policy *p = NULL;
  if (hg_snapshot_decode (data, size, &path, &src, &p) < 0)
    return 0;
  (void) hg_policy_guards_host (p, "db1", "db1.example.org");
  if (regexes_sane (p))
    {
      const char *argv[] = { "sudo", "mysql", "-e", "drop database x", "/srv/mariadb" };
      struct hg_request req = { .argv = argv, .argc = 5, .cwd = "/root", .user = "root",
                                .host_short = "db1", .look_through = true };
      hg_verdict *v = NULL;
      if (hg_policy_decide (p, &req, &v, NULL) == 0)
        hg_verdict_free (v);
    }
  free (path);
  hg_sources_clear (&src);
  hg_policy_free (p);
  return 0;
}
