/* Names of enum hg_decision, as written in the record's `decision`. */
#include <string.h>

#include "util/util.h"
#include "audit.h"

static const char *const decision_names[] = {
  [HG_DEC_ALLOWED] = "allowed",  [HG_DEC_LOGGED] = "logged",   [HG_DEC_CONFIRMED] = "confirmed",
  [HG_DEC_APPROVED] = "approved", [HG_DEC_DENIED] = "denied",   [HG_DEC_DECLINED] = "declined",
  [HG_DEC_TIMEOUT] = "timeout",  [HG_DEC_ERROR] = "error",    [HG_DEC_WITHDRAWN] = "withdrawn",
};

/* NULL for HG_DEC_NONE (not decided yet: the record writes null). */
const char *
hg_decision_name (enum hg_decision d)
{
  if ((size_t) d >= N_ELEMENTS (decision_names))
    return NULL;
  return decision_names[d];
}

/* Returns 0 and sets *out, or -1 for an unknown name. */
int
hg_decision_parse (const char *name, enum hg_decision *out)
{
  if (!name)
    return -1;
  for (size_t i = 1; i < N_ELEMENTS (decision_names); i++)
    if (strcmp (name, decision_names[i]) == 0)
      {
        *out = (enum hg_decision) i;
        return 0;
      }
  return -1;
}
