/* log --verify's chain check on crafted in-memory logs: each kind of
 * break found at the right line, intact chains (across rotation, through a
 * .gz) pass. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include <cmocka.h>
#include <nettle/sha2.h>
#include <zlib.h>

#include "review/review.h"
#include "util/util.h"

#define N 6

static char lines[N + 1][512]; /* lines[i] has seq i (1..N) */
static char hashes[N + 1][65]; /* 64 hex digits and NUL */

static void
hex (const char *s, char out[65])
{
  uint8_t d[SHA256_DIGEST_SIZE];
  struct sha256_ctx h;
  sha256_init (&h);
  sha256_update (&h, strlen (s), (const uint8_t *) s);
  sha256_digest (&h, sizeof d, d);
  for (int i = 0; i < SHA256_DIGEST_SIZE; i++)
    sprintf (out + 2 * i, "%02x", d[i]);
}

static int
setup (void **state)
{
  strcpy (hashes[0], "0000000000000000000000000000000000000000000000000000000000000000");
  for (int i = 1; i <= N; i++)
    {
      snprintf (lines[i], sizeof lines[i],
                "{\"v\":1,\"seq\":%d,\"user\":\"alice\",\"uid\":1000,\"argv\":[\"rm\",\"x%d\"],"
                "\"note\":{\"a\":[1,\"}\"]},\"prev\":\"%.64s\"}",
                i, i, hashes[i - 1]);
      hex (lines[i], hashes[i]);
    }
  return 0;
}

/* Breaks collected as "FILE:LINE: what", one per line. */
static char out[8192];

static void
collect (void *ctx, const char *file, unsigned long line, const char *what)
{
  size_t n = strlen (out);
  snprintf (out + n, sizeof out - n, "%s:%lu: %s\n", file, line, what);
}

/* Runs one file of the given lines (seqs, 0 = a raw text) with an optional
 * head of seq `head` (0: none); returns the breaks. */
static const char *
run (const int *seqs, size_t n, const char *raw, int head)
{
  out[0] = '\0';
  struct hg_chain *c = hg_chain_new (collect, NULL);
  hg_chain_begin (c);
  hg_chain_file (c, "a", true, 1000);
  for (size_t i = 0; i < n; i++)
    {
      const char *l = seqs[i] ? lines[seqs[i]] : raw;
      hg_chain_line (c, l, strlen (l));
    }
  if (head)
    {
      char h[128];
      snprintf (h, sizeof h, "{\"seq\":%d,\"hash\":\"%s\"}", head, hashes[head]);
      hg_chain_head (c, "a.head", h, strlen (h));
    }
  hg_chain_end (c);
  hg_chain_free (c);
  return out;
}

static void
test_intact (void **state)
{
  int s[] = { 1, 2, 3, 4, 5, 6 };
  assert_string_equal (run (s, 6, NULL, 6), "");
  int mid[] = { 3, 4, 5 }; /* no seq 1: the start is cut (or its file not given) */
  assert_string_equal (run (mid, 3, NULL, 5),
                       "a:1: cut: the chain starts at seq 3, not at seq 1 with a genesis prev: 2 "
                       "earlier record(s) are not in the files given (removed, or in a rotated "
                       "file not given)\n");
}

static void
test_edited (void **state)
{
  char edited[512];
  strcpy (edited, lines[3]);
  memcpy (strstr (edited, "x3"), "y3", 2);
  out[0] = '\0';
  struct hg_chain *c = hg_chain_new (collect, NULL);
  hg_chain_begin (c);
  hg_chain_file (c, "a", false, 0);
  for (int i = 1; i <= N; i++)
    hg_chain_line (c, i == 3 ? edited : lines[i], strlen (i == 3 ? edited : lines[i]));
  hg_chain_end (c);
  hg_chain_free (c);
  assert_non_null (strstr (out, "a:3: edited"));
  assert_int_equal (strchr (out, '\n') - out + 1, (long) strlen (out)); /* exactly one */
}

static void
test_unparsable (void **state)
{
  int s[] = { 1, 2, 0, 4 };
  const char *r = run (s, 4, "{\"v\":1,\"seq\":3,", 0);
  assert_string_equal (r, "a:3: edited: not a record (unparsable line)\n");
}

static void
test_removed (void **state)
{
  int s[] = { 1, 2, 4, 5 };
  assert_string_equal (run (s, 4, NULL, 0),
                       "a:3: removed: 1 record(s) missing before this line (seq 3..3)\n");
}

static void
test_reordered (void **state)
{
  int s[] = { 1, 2, 4, 3, 5, 6 };
  assert_string_equal (run (s, 6, NULL, 6), "a:4: reordered: seq 3 comes after seq 4\n");
}

static void
test_truncated (void **state)
{
  int s[] = { 1, 2, 3, 4 };
  assert_string_equal (run (s, 4, NULL, 6),
                       "a:4: truncated tail: the log ends at seq 4, the head names seq 6\n");
  assert_string_equal (run (s, 0, NULL, 6), "a.head:1: truncated: no records, but the head names seq 6\n");
}

static void
test_uid (void **state)
{
  char other[512];
  strcpy (other, lines[1]);
  memcpy (strstr (other, "1000"), "1001", 4);
  int s[] = { 0 };
  const char *r = run (s, 1, other, 0);
  assert_non_null (strstr (r, "a:1: record of uid 1001 in a file owned by uid 1000"));
}

/* Two files and a .gz: a:1-2 (gzip'd, read from disk), b:3-4, c:5-6. */
static const char *
rotation (bool drop_b)
{
  char path[] = "/tmp/hg-test-verify-XXXXXX.gz";
  int fd = mkstemps (path, 3);
  assert_true (fd >= 0);
  gzFile gz = gzdopen (fd, "wb");
  gzprintf (gz, "%s\n%s\n", lines[1], lines[2]);
  gzclose (gz);
  out[0] = '\0';
  struct hg_chain *c = hg_chain_new (collect, NULL);
  hg_chain_begin (c);
  struct hg_lines *r = hg_lines_open (AT_FDCWD, path, NULL);
  assert_non_null (r);
  hg_chain_file (c, "a.gz", false, 0);
  const char *l;
  size_t len;
  while (hg_lines_next (r, &l, &len) > 0)
    hg_chain_line (c, l, len);
  hg_lines_free (r);
  unlink (path);
  for (int f = 0; f < 2; f++)
    {
      if (f == 0 && drop_b)
        continue;
      hg_chain_file (c, f == 0 ? "b" : "c", false, 0);
      for (int i = 3 + 2 * f; i <= 4 + 2 * f; i++)
        hg_chain_line (c, lines[i], strlen (lines[i]));
    }
  hg_chain_end (c);
  assert_int_equal (hg_chain_records (c), drop_b ? 4 : 6);
  hg_chain_free (c);
  return out;
}

static void
test_rotation (void **state)
{
  assert_string_equal (rotation (false), "");
  assert_string_equal (rotation (true), "c:1: gap across rotation: starts at seq 5 but a.gz ends at "
                                        "seq 2 (2 record(s) missing: a rotated file deleted?)\n");
}

static void
test_first_seq (void **state)
{
  unsigned long long seq;
  assert_true (hg_chain_line_seq (lines[5], strlen (lines[5]), &seq));
  assert_int_equal (seq, 5);
  assert_false (hg_chain_line_seq ("{}", 2, &seq));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_intact),     cmocka_unit_test (test_edited),
    cmocka_unit_test (test_unparsable), cmocka_unit_test (test_removed),
    cmocka_unit_test (test_reordered),  cmocka_unit_test (test_truncated),
    cmocka_unit_test (test_uid),        cmocka_unit_test (test_rotation),
    cmocka_unit_test (test_first_seq),
  };
  return cmocka_run_group_tests (tests, setup, NULL);
}
