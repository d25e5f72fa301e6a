/* libFuzzer target: any bytes as a policy text.  Includes are validated
 * but not followed, so the input alone decides what is parsed. */
#include <stddef.h>
#include <stdint.h>

#include "policy/policy.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  hg_policy *p = NULL;
  hg_error *err = NULL;
  if (hg_policy_load_buffer ("fuzz.conf", (const char *) data, size, HG_LOAD_NO_INCLUDES, &p, &err) == 0)
    {
      const struct hg_settings *s = hg_policy_settings (p);
      (void) hg_policy_guards_host (p, "db1", s->n_hosts ? s->hosts[0] : NULL);
      (void) hg_policy_rule_count (p);
    }
  hg_policy_free (p);
  hg_error_free (err);
  return 0;
}
