/* libFuzzer: bytes as a witness (syslog lines, journal JSON entries) and,
 * split at the first NUL-free half, as the log checked against it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "review/review.h"
#include "review/internal.h"

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
  struct hg_witness *w = hg_witness_new ("fuzz");
  struct hg_lines *r = hg_lines_from_memory ((const char *) data, size);
  if (!w || !r)
    abort ();
  const char *line;
  size_t len;
  while (hg_lines_next (r, &line, &len) > 0)
    {
      struct hg_wfields f;
      hg_wscan_fields (line, len, &f);
      hg_witness_add_line (w, line, len, hg_lines_lineno (r));
    }
  hg_lines_free (r);
  hg_witness_index (w);
  /* The same lines as a log: records that are their own witness. */
  struct hg_chain *c = hg_chain_new (on_break, &breaks);
  r = hg_lines_from_memory ((const char *) data, size);
  if (!c || !r)
    abort ();
  hg_witness_attach (w, c);
  hg_chain_begin (c);
  hg_chain_file (c, "fuzz.jsonl", true, 1000);
  while (hg_lines_next (r, &line, &len) > 0)
    {
      hg_chain_line (c, line, len);
      if (hg_lines_unterminated (r))
        hg_chain_unterminated (c);
    }
  hg_chain_end (c);
  hg_chain_free (c);
  hg_lines_free (r);
  hg_witness_free (w);
  return 0;
}
