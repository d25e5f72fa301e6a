/* log --verify --witness on crafted logs: the witness line parser (syslog,
 * rsyslog's trusted annotation, journal JSON), torn writes told from edits,
 * and each kind of finding against a witness at the right line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <nettle/sha2.h>

#include "review/review.h"
#include "util/util.h"
#include "review/internal.h"

#define N 6

static char lines[N + 1][512];
static char hashes[N + 1][65];

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

static void
make (int i, const char *prev, const char *extra)
{
  snprintf (lines[i], sizeof lines[i],
            "{\"v\":1,\"seq\":%d,\"ts\":\"2026-12-03T09:00:0%dZ\",\"id\":\"id%d%s\",\"host\":\"db1\","
            "\"user\":\"alice\",\"uid\":1000,\"argv\":[\"rm\",\"x\"],\"prev\":\"%.64s\"}",
            i, i, i, extra, prev);
  hex (lines[i], hashes[i]);
}

static int
setup (void **state)
{
  strcpy (hashes[0], "0000000000000000000000000000000000000000000000000000000000000000");
  for (int i = 1; i <= N; i++)
    make (i, hashes[i - 1], "");
  return 0;
}

static char out[8192];

static void
collect (void *ctx, const char *file, unsigned long line, const char *what)
{
  size_t n = strlen (out);
  snprintf (out + n, sizeof out - n, "%s:%lu: %s\n", file, line, what);
}

/* The witness holds the syslog lines of records `wit` (0 ends). */
static struct hg_witness *
witness_of (const int *wit, const char *uid)
{
  char path[] = "/tmp/hg-test-witness-XXXXXX";
  int fd = mkstemp (path);
  assert_true (fd >= 0);
  FILE *f = fdopen (fd, "w");
  for (; *wit; wit++)
    fprintf (f, "Dec  3 09:00:00 db1 hostguard[42]: sha256=%s %s%s\n", hashes[*wit], lines[*wit], uid);
  fprintf (f, "Dec  3 09:00:00 db1 sshd[1]: unrelated\n");
  fclose (f);
  struct hg_witness *w = hg_witness_load (path);
  unlink (path);
  assert_non_null (w);
  return w;
}

static const char *
check (const int *wit, const char *uid, const char *const *file, size_t n, size_t *breaks)
{
  out[0] = '\0';
  struct hg_witness *w = witness_of (wit, uid);
  struct hg_chain *c = hg_chain_new (collect, NULL);
  hg_witness_attach (w, c);
  hg_chain_begin (c);
  hg_chain_file (c, "a", true, 1000);
  for (size_t i = 0; i < n; i++)
    hg_chain_line (c, file[i], strlen (file[i]));
  hg_chain_end (c);
  *breaks = hg_chain_breaks (c);
  hg_chain_free (c);
  hg_witness_free (w);
  return out;
}

static void
test_wscan (void **state)
{
  struct hg_wline w;
  char buf[1024];
  snprintf (buf, sizeof buf, "2026-12-03T09:00:00+00:00 db1 hostguard[7]: sha256=%s %s @[_PID=7 _UID=1000 _GID=1000 _CMDLINE=\"x _UID=0\"]",
            hashes[1], lines[1]);
  assert_int_equal (hg_wscan_line (buf, strlen (buf), &w), HG_WLINE_RECORD);
  assert_int_equal (w.sender_uid, 1000);
  assert_int_equal (w.rec_len, strlen (lines[1]));
  struct hg_wfields f;
  assert_true (hg_wscan_fields (lines[1], 40, &f)); /* cut short: seq still read */
  assert_int_equal (f.seq, 1);
  assert_true (hg_wscan_fields (lines[2], strlen (lines[2]), &f));
  assert_int_equal (f.uid, 1000);
  assert_int_equal (f.host.n, 3);
  assert_memory_equal (f.host.p, "db1", 3);
  snprintf (buf, sizeof buf, "{\"SYSLOG_IDENTIFIER\":\"hostguard\",\"_UID\":\"0\",\"MESSAGE\":\"sha256=%s {\\\"seq\\\":3}\"}",
            hashes[3]);
  assert_int_equal (hg_wscan_line (buf, strlen (buf), &w), HG_WLINE_RECORD);
  assert_int_equal (w.sender_uid, 0);
  free (w.buf);
  snprintf (buf, sizeof buf, "{\"SYSLOG_IDENTIFIER\":\"other\",\"MESSAGE\":\"sha256=%s {}\"}", hashes[3]);
  assert_int_equal (hg_wscan_line (buf, strlen (buf), &w), HG_WLINE_OTHER);
  const char *drop = "Dec  3 09:00:00 db1 rsyslogd[1]: imuxsock[pid 9]: 5 messages lost due to rate-limiting";
  assert_int_equal (hg_wscan_line (drop, strlen (drop), &w), HG_WLINE_DROPPED);
}

static void
test_torn (void **state)
{
  char torn[64], next[512], th[65];
  snprintf (torn, sizeof torn, "%.30s", lines[3]);
  hex (torn, th);
  snprintf (next, sizeof next, "{\"v\":1,\"seq\":4,\"uid\":1000,\"prev\":\"%s\"}", th);
  out[0] = '\0';
  struct hg_chain *c = hg_chain_new (collect, NULL);
  hg_chain_begin (c);
  hg_chain_file (c, "a", false, 0);
  const char *l[] = { lines[1], lines[2], torn, next };
  for (int i = 0; i < 4; i++)
    hg_chain_line (c, l[i], strlen (l[i]));
  hg_chain_end (c);
  assert_string_equal (out, "a:3: torn: a record cut short by an interrupted write; the chain goes on from it\n");
  assert_int_equal (hg_chain_breaks (c), 0);
  /* at the very end, without a newline */
  out[0] = '\0';
  hg_chain_begin (c);
  hg_chain_file (c, "a", false, 0);
  for (int i = 0; i < 3; i++)
    hg_chain_line (c, l[i], strlen (l[i]));
  hg_chain_unterminated (c);
  hg_chain_end (c);
  assert_string_equal (out, "a:3: torn: the file ends in a record cut short (an interrupted write)\n");
  assert_int_equal (hg_chain_breaks (c), 0);
  /* torn before its seq: the writer took seq 3 from the head */
  snprintf (torn, sizeof torn, "{\"v\":1,\"se");
  hex (torn, th);
  snprintf (next, sizeof next, "{\"v\":1,\"seq\":3,\"uid\":1000,\"prev\":\"%s\"}", th);
  out[0] = '\0';
  hg_chain_begin (c);
  hg_chain_file (c, "a", false, 0);
  for (int i = 0; i < 4; i++)
    hg_chain_line (c, l[i], strlen (l[i]));
  hg_chain_end (c);
  assert_string_equal (out, "a:3: torn: a record cut short by an interrupted write; the chain goes on from it\n");
  hg_chain_free (c);
}

static void
test_intact (void **state)
{
  int wit[] = { 1, 2, 3, 4, 5, 6, 0 };
  const char *f[] = { lines[1], lines[2], lines[3], lines[4], lines[5], lines[6] };
  size_t b;
  assert_string_equal (check (wit, "", f, 6, &b), "");
  assert_int_equal (b, 0);
}

static void
test_missing_and_unwitnessed (void **state)
{
  int wit[] = { 1, 2, 3, 4, 0 };
  const char *f[] = { lines[1], lines[2], lines[4], lines[5] };
  size_t b;
  const char *r = check (wit, "", f, 4, &b);
  assert_non_null (strstr (r, "a:3: removed: the witness holds seq 3 (record id id3"));
  /* seq 5 is later than anything the witness holds: a shipping gap */
  assert_non_null (strstr (r, "a:4: not witnessed: seq 5 at 2026-12-03T09:00:05Z is outside"));
  assert_int_equal (b, 2); /* the chain's own gap, and the witness's */
}

static void
test_edited_and_set_aside (void **state)
{
  int wit[] = { 1, 2, 3, 4, 5, 6, 0 };
  char edited[512];
  strcpy (edited, lines[3]);
  memcpy (strstr (edited, "\"rm\""), "\"mv\"", 4);
  const char *f[] = { lines[1], lines[2], edited, lines[4], lines[5], lines[6] };
  size_t b;
  const char *r = check (wit, "", f, 6, &b);
  assert_non_null (strstr (r, "a:3: edited: the witness holds another hash for this record (id id3, seq 3"));
  /* a line that neither the record's writer (uid 1000) nor root sent is
   * set aside: no evidence, for or against the file */
  r = check (wit, " @[_PID=42 _UID=1001 _GID=0]", f + 3, 1, &b);
  assert_non_null (strstr (r, "a:1: never witnessed: the witness holds no record hash at all"));
  r = check (wit, " @[_PID=42 _UID=1000 _GID=0]", f + 3, 1, &b);
  assert_null (strstr (r, "never witnessed"));
}

static void
test_rewritten (void **state)
{
  /* never witnessed although inside the witness's time range */
  int wit[] = { 1, 2, 6, 0 };
  char forged[512];
  strcpy (forged, lines[3]);
  memcpy (strstr (forged, "\"id3\""), "\"zz3\"", 5);
  const char *f[] = { forged };
  size_t b;
  const char *r = check (wit, "", f, 1, &b);
  assert_non_null (strstr (r, "a:1: never witnessed, though the witness covers 2026-12-03T09:00:01Z .. "
                              "2026-12-03T09:00:06Z: forged, or the chain rewritten"));
  /* a record in its place with another id: the seq tells */
  int wit3[] = { 3, 0 };
  r = check (wit3, "", f, 1, &b);
  assert_non_null (strstr (r, "a:1: rewritten: the witness holds another hash for seq 3 (record id id3"));
}

/* 50,000 witness lines for one (host, user, seq) and one id, each with its
 * own hash: flagged as conflicts, loaded in linear time. */
static void
test_repeats (void **state)
{
  struct hg_witness *w = hg_witness_new ("repeats");
  char buf[512];
  for (int i = 0; i < 50000; i++)
    {
      char h[65];
      snprintf (buf, sizeof buf, "%d", i);
      hex (buf, h);
      int n = snprintf (buf, sizeof buf, "x hostguard[1]: sha256=%s %s", h, lines[1]);
      hg_witness_add_line (w, buf, (size_t) n, (unsigned long) i + 1);
    }
  hg_witness_index (w);
  out[0] = '\0';
  struct hg_chain *c = hg_chain_new (collect, NULL);
  hg_witness_attach (w, c);
  hg_chain_begin (c);
  hg_chain_file (c, "a", true, 1000);
  hg_chain_line (c, lines[1], strlen (lines[1]));
  hg_chain_end (c);
  assert_non_null (strstr (out, "a:1: edited: the witness holds another hash for this record (id id1"));
  hg_chain_free (c);
  hg_witness_free (w);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_wscan),  cmocka_unit_test (test_torn),
    cmocka_unit_test (test_intact), cmocka_unit_test (test_missing_and_unwitnessed),
    cmocka_unit_test (test_edited_and_set_aside), cmocka_unit_test (test_rewritten),
    cmocka_unit_test (test_repeats),
  };
  return cmocka_run_group_tests (tests, setup, NULL);
}
