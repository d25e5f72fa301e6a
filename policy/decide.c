/* STUB, replaced by the matching work: links the tree while it is written. */
#include "internal.h"

struct hg_rule_index
{
  int unused;
};

int
hg_index_build (struct hg_policy *p, hg_error **err)
{
  (void) err;
  p->index = NULL;
  return 0;
}

void
hg_index_free (struct hg_rule_index *idx)
{
  free (idx);
}

int
hg_policy_decide (const hg_policy *p, const struct hg_request *req, hg_verdict **out, hg_error **err)
{
  (void) p; (void) req; (void) out;
  return hg_fail (err, HG_ERR_INVALID, "not implemented");
}
