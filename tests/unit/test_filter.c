/* log/report filters: WHEN forms, options, matching records; display
 * escaping of what records hold. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "util/util.h"
#include "review/review.h"

#define NOW 1795530404 /* 2026-11-24T14:26:44Z */
#define DAY 1795478400 /* 2026-11-24T00:00:00Z */
#define S 1000000LL

struct when_row
{
  const char *when;
  int64_t want; /* seconds */
};

static const struct when_row good[] = {
  { "2026-11-24", DAY },
  { "2026-11-24T14:26:44Z", NOW },
  { "2026-11-24T14:26:44", NOW },
  { "2026-11-24 14:26:44", NOW },
  { "2026-11-24T14:26", NOW - 44 },
  { "2026-11-24T15:26:44+01:00", NOW },
  { "2026-11-24T13:26:44-0100", NOW },
  { "2024-02-29T12:00Z", 1709208000 },
  { "today", DAY },
  { "yesterday", DAY - 86400 },
  { "30m", NOW - 1800 },
  { "2h", NOW - 7200 },
  { "7d", NOW - 7 * 86400 },
  { "90s", NOW - 90 },
  { "1w", NOW - 7 * 86400 },
};

static const char *const bad[] = {
  "",           "tomorrow",         "2026-13-01",       "2026-02-29",    "2026-11-31",
  "2026-11-24T25:00", "2026-11-24T14:60", "2026-11-24T14:26:44Q", "7x", "-5m",
  "30 m",       "30mm",             "99999999999d",     "2026-1-1",      "2026-11-24T",
  "2026-11-24T14:26:44.",
};

static void
test_when_forms (void **state)
{
  for (size_t i = 0; i < N_ELEMENTS (good); i++)
    {
      int64_t us = 0;
      if (hg_when_parse (good[i].when, NOW, &us) != 0)
        fail_msg ("'%s' rejected", good[i].when);
      if (us != good[i].want * S)
        fail_msg ("'%s': got %lld, want %lld", good[i].when, (long long) us,
                  (long long) good[i].want * S);
    }
  int64_t us;
  assert_int_equal (hg_iso_parse ("2026-11-24T14:26:44.123456Z", &us), 0);
  assert_true (us == NOW * S + 123456);
}

static void
test_when_bad (void **state)
{
  for (size_t i = 0; i < N_ELEMENTS (bad); i++)
    {
      int64_t us;
      if (hg_when_parse (bad[i], NOW, &us) != -1)
        fail_msg ("'%s' accepted", bad[i]);
    }
}

static void
test_options (void **state)
{
  struct hg_filter f = { 0 };
  assert_int_equal (hg_filter_option (&f, "--user", "alice", NOW), 1);
  assert_int_equal (hg_filter_option (&f, "--since", "2h", NOW), 1);
  assert_true (f.has_since && f.since == (NOW - 7200) * S);
  assert_int_equal (hg_filter_option (&f, "--until", "someday", NOW), -1);
  assert_int_equal (hg_filter_option (&f, "--decision", "denied,declined", NOW), 1);
  assert_int_equal (hg_filter_option (&f, "--decision", "deny", NOW), -1);
  assert_int_equal (hg_filter_option (&f, "--decision", ",", NOW), -1);
  assert_int_equal (hg_filter_option (&f, "--colour", "x", NOW), 0);
}

static struct json_object *
rec (const char *text)
{
  struct json_object *o = hg_record_parse (text, strlen (text));
  assert_non_null (o);
  return o;
}

static void
test_match (void **state)
{
  struct json_object *r = rec ("{\"v\":1,\"seq\":1,\"ts\":\"2026-11-24T14:26:44.000000Z\",\"id\":\"ab\","
                               "\"host\":\"DB01\",\"user\":\"alice\",\"argv\":[\"rm\",\"-rf\",\"/srv/a b\"],"
                               "\"rule\":\"rm-srv\",\"decision\":\"denied\",\"prev\":\"00\"}");
  int64_t ts = hg_record_ts (r);
  assert_true (ts == NOW * S);
  struct hg_filter f = { .user = "alice", .host = "db*", .decision = "declined,denied",
                         .grep = "-rf /srv/a b", .rule = "rm-srv", .id = "ab" };
  assert_true (hg_filter_match (&f, r, ts));
  f.has_since = true, f.since = ts;
  f.has_until = true, f.until = ts;
  assert_true (hg_filter_match (&f, r, ts)); /* both ends inclusive */
  f.until = ts - 1;
  assert_false (hg_filter_match (&f, r, ts));
  struct hg_filter g = { .user = "bob" };
  assert_false (hg_filter_match (&g, r, ts));
  struct hg_filter h = { .decision = "allowed,denie" };
  assert_false (hg_filter_match (&h, r, ts));
  struct hg_filter k = { .grep = "/srv/a  b" };
  assert_false (hg_filter_match (&k, r, ts));
  struct hg_filter empty = { 0 };
  assert_true (hg_filter_match (&empty, r, INT64_MIN));
  struct hg_filter since = { .has_since = true };
  assert_false (hg_filter_match (&since, r, INT64_MIN)); /* no time: not in any period */
  json_object_put (r);
}

static void
test_display (void **state)
{
  char *argv1[] = { "rm", "-rf", "/srv/a b", "it's", "", NULL };
  cleanup_free char *q1 = hg_quote_argv (argv1, 5);
  assert_string_equal (q1, "rm -rf '/srv/a b' 'it'\\''s' ''");
  char *argv2[] = { "printf", "\033[2J\n", "\xff", "\xe2\x80\xae" "abc", "caf\xc3\xa9", NULL };
  cleanup_free char *q2 = hg_quote_argv (argv2, 5);
  assert_string_equal (q2, "printf $'\\x1b[2J\\x0a' $'\\xff' $'\\u202eabc' 'caf\xc3\xa9'");
  cleanup_free char *e = hg_escape ("a\033b\\c\xc2\x9b\xe2\x81\xa6", 10);
  assert_string_equal (e, "a\\x1bb\\\\c\\u{009b}\\u{2066}");
}

/* journald: MESSAGE as a string with the sha256= prefix, and as bytes. */
static void
test_journal (void **state)
{
  const char *line = "{\"__CURSOR\":\"x\",\"MESSAGE\":\"sha256=0123456789abcdef0123456789abcdef0123456789abcdef"
                     "0123456789abcdef {\\\"seq\\\":1,\\\"user\\\":\\\"a\\\"}\",\"_UID\":\"0\"}";
  const char *text;
  size_t len;
  cleanup_free char *buf = NULL;
  struct json_object *o = hg_record_from_line (line, strlen (line), &text, &len, &buf);
  assert_non_null (o);
  assert_int_equal (len, strlen ("{\"seq\":1,\"user\":\"a\"}"));
  assert_memory_equal (text, "{\"seq\":1,\"user\":\"a\"}", len);
  json_object_put (o);
  const char *bytes = "{\"MESSAGE\":[123,34,117,34,58,34,255,34,125]}"; /* {"u":"\xff"} */
  cleanup_free char *buf2 = NULL;
  assert_null (hg_record_from_line (bytes, strlen (bytes), &text, &len, &buf2)); /* not UTF-8 JSON */
  const char *ok = "{\"MESSAGE\":[123,34,117,34,58,49,125]}";
  cleanup_free char *buf3 = NULL;
  o = hg_record_from_line (ok, strlen (ok), &text, &len, &buf3);
  assert_non_null (o);
  assert_memory_equal (text, "{\"u\":1}", len);
  json_object_put (o);
  const char *junk = "{\"seq\":1} trailing";
  cleanup_free char *buf4 = NULL;
  assert_null (hg_record_from_line (junk, strlen (junk), &text, &len, &buf4));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_when_forms), cmocka_unit_test (test_when_bad),
    cmocka_unit_test (test_options),    cmocka_unit_test (test_match),
    cmocka_unit_test (test_display),    cmocka_unit_test (test_journal),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
