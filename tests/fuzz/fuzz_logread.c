/* libFuzzer: bytes as a log.  Each line goes through the reader, the
 * record parser (plain or journald), the display escaping, the filters and
 * the chain check; the first line also serves as a head and as a WHEN. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "util/util.h"
#include "review/review.h"
#include "audit/audit.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
on_break (void *ctx, const char *file, unsigned long line, const char *what)
{
  (*(size_t *) ctx)++;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  size_t breaks = 0;
  struct hg_lines *r = hg_lines_from_memory ((const char *) data, size);
  struct hg_chain *c = hg_chain_new (on_break, &breaks);
  if (!r || !c)
    abort ();
  struct hg_filter f = { .grep = "rm", .host = "db*", .decision = "denied,allowed" };
  hg_chain_begin (c);
  hg_chain_file (c, "fuzz.jsonl", true, 0);
  const char *line, *first = NULL;
  size_t len, first_len = 0;
  while (hg_lines_next (r, &line, &len) > 0)
    {
      if (!first)
        first = line, first_len = len;
      hg_chain_line (c, line, len);
      const char *text;
      size_t tlen;
      cleanup_free char *buf = NULL;
      struct json_object *rec = hg_record_from_line (line, len, &text, &tlen, &buf);
      if (!rec)
        continue;
      int64_t ts = hg_record_ts (rec);
      hg_filter_match (&f, rec, ts);
      free (hg_rec_command (rec));
      free (hg_escape (text, tlen));
      free (hg_escape_str (hg_rec_str (rec, "user")));
      json_object_put (rec);
    }
  if (first)
    {
      hg_chain_head (c, "fuzz.jsonl.head", first, first_len);
      cleanup_free char *when = strndup (first, first_len < 64 ? first_len : 64);
      int64_t us;
      if (when)
        hg_when_parse (when, 1700000000, &us);
    }
  hg_chain_end (c);
  if (hg_chain_breaks (c) != breaks)
    abort ();
  hg_chain_free (c);
  hg_lines_free (r);
  return 0;
}
