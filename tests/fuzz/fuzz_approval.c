/* The approval protocol's parsers on arbitrary bytes: the approver's
 * message (read by the requester from any local user) and the requester's
 * reply (read by the approver's client).  What parses must survive a
 * build and a second parse unchanged.  And the request file as the
 * approver reads it: its digest is computed from any record, the same twice. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "approval/approval.h"
#include "review/review.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_msg (const char *buf, size_t size)
{
  struct hg_approval_msg m, again;
  const char *why = NULL;
  if (hg_approval_msg_parse (buf, size, &m, &why) < 0)
    {
      if (!why)
        abort ();
      return;
    }
  if (!hg_request_id_valid (m.id) || strlen (m.digest) != 64
      || (m.reason && strlen (m.reason) > HG_REASON_MAX))
    abort ();
  char *line = hg_approval_msg_build (&m);
  if (!line || hg_approval_msg_parse (line, strlen (line), &again, &why) < 0)
    abort ();
  if (again.approve != m.approve || strcmp (again.id, m.id) != 0
      || strcmp (again.digest, m.digest) != 0 || !again.reason != !m.reason
      || (m.reason && strcmp (again.reason, m.reason) != 0))
    abort ();
  free (line);
  hg_approval_msg_clear (&m);
  hg_approval_msg_clear (&again);
}

static void
check_reply (const char *buf, size_t size)
{
  struct hg_approval_reply r, again;
  const char *why = NULL;
  if (hg_approval_reply_parse (buf, size, &r, &why) < 0)
    return;
  char *line = hg_approval_reply_build (&r);
  if (!line || hg_approval_reply_parse (line, strlen (line), &again, &why) < 0)
    abort ();
  if (again.ok != r.ok || again.have != r.have || again.need != r.need
      || !again.message != !r.message || (r.message && strcmp (again.message, r.message) != 0))
    abort ();
  free (line);
  hg_approval_reply_clear (&r);
  hg_approval_reply_clear (&again);
}

static void
check_request (const char *buf, size_t size)
{
  json_object *rec = hg_record_parse (buf, size);
  if (!rec)
    return;
  char a[65], b[65];
  int ra = hg_record_digest (rec, a), rb = hg_record_digest (rec, b);
  if (ra != rb || (ra == 0 && (strlen (a) != 64 || strcmp (a, b) != 0)))
    abort ();
  json_object_put (rec);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  check_msg ((const char *) data, size);
  check_reply ((const char *) data, size);
  check_request ((const char *) data, size);
  return 0;
}
