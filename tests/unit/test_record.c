/* The audit record: field set and order, JSON validity, escaping, exact
 * argv bytes back through hg_record_argv, big records, decision names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "util/util.h"
#include "audit/audit.h"

static const char zeros[] = "0000000000000000000000000000000000000000000000000000000000000000";

static void
fake_cmd (struct hg_cmd *c, char **argv)
{
  memset (c, 0, sizeof *c);
  strcpy (c->id, "0123456789abcdef0123456789abcdef");
  c->mode = HG_MODE_RUN;
  c->argv = argv;
  while (argv[c->argc])
    c->argc++;
  c->host = "db1";
  c->user = "alice";
  c->uid = 1000;
  c->pid = 42;
  c->tty = "/dev/pts/3";
  c->cwd = "/srv";
  c->boot_id = "5f1c0e4a-0000-4000-8000-000000000000";
  c->action = HG_ACTION_CONFIRM;
  c->rule = "drop-database";
  c->decision = HG_DEC_CONFIRMED;
  c->login_uid = (uid_t) -1;
  c->exit_status = -1;
  c->duration_ms = -1;
}

static char *
build (const struct hg_cmd *c)
{
  char *line = hg_record_build (c, "decision", (const char *const *) c->argv, c->argc, 7, zeros);
  assert_non_null (line);
  assert_null (strchr (line, '\n'));
  return line;
}

static json_object *
parse (const char *line)
{
  json_object *o = json_tokener_parse (line);
  if (!o)
    fail_msg ("not JSON: %.200s", line);
  return o;
}

static void
test_fields_in_order (void **state)
{
  static const char *const want[]
    = { "v",    "seq",    "ts",   "boot_id", "id",     "event",    "host",      "user",
        "uid",  "login_user", "pid", "tty",  "cwd",    "mode",     "argv",      "exe",
        "rule", "action", "decision", "approvers", "reason", "message", "note", "exit",
        "signal", "duration_ms", "prev" };
  char *argv[] = { "mysql", "-e", "drop database x", NULL };
  struct hg_cmd c;
  fake_cmd (&c, argv);
  cleanup_free char *line = build (&c);
  json_object *o = parse (line);
  size_t i = 0;
  json_object_object_foreach (o, key, val)
    {
      (void) val;
      assert_true (i < N_ELEMENTS (want));
      assert_string_equal (key, want[i]);
      i++;
    }
  assert_int_equal (i, N_ELEMENTS (want));
  assert_int_equal (json_object_get_int (json_object_object_get (o, "seq")), 7);
  assert_string_equal (json_object_get_string (json_object_object_get (o, "decision")), "confirmed");
  assert_string_equal (json_object_get_string (json_object_object_get (o, "action")), "confirm");
  assert_null (json_object_object_get (o, "login_user"));
  assert_true (json_object_object_get_ex (o, "login_user", NULL));
  /* ts: UTC with microseconds */
  const char *ts = json_object_get_string (json_object_object_get (o, "ts"));
  assert_int_equal (strlen (ts), strlen ("2026-11-24T14:26:44.123456Z"));
  assert_int_equal (ts[10], 'T');
  assert_int_equal (ts[19], '.');
  assert_int_equal (ts[26], 'Z');
  assert_non_null (strstr (line, "{\"v\":1,\"seq\":7,\"ts\":\""));
  json_object_put (o);
}

static void
test_exit_fields_and_break_glass (void **state)
{
  char *argv[] = { "rm", "-rf", "/srv/x", NULL };
  char *approvers[] = { "bob", "carol", NULL };
  struct hg_cmd c;
  fake_cmd (&c, argv);
  c.exit_status = 137;
  c.signal = 9;
  c.duration_ms = 1234;
  c.break_glass = true;
  c.approvers = approvers;
  c.decision = HG_DEC_NONE;
  cleanup_free char *line = build (&c);
  json_object *o = parse (line);
  assert_int_equal (json_object_get_int (json_object_object_get (o, "exit")), 137);
  assert_int_equal (json_object_get_int (json_object_object_get (o, "signal")), 9);
  assert_int_equal (json_object_get_int (json_object_object_get (o, "duration_ms")), 1234);
  assert_true (json_object_get_boolean (json_object_object_get (o, "break_glass")));
  assert_int_equal (json_object_array_length (json_object_object_get (o, "approvers")), 2);
  assert_null (json_object_object_get (o, "decision")); /* not decided yet */
  assert_non_null (strstr (line, "\"note\":null,\"break_glass\":true,\"exit\":137"));
  json_object_put (o);
}

/* Elements that must round-trip exactly; bytes = not UTF-8. */
struct argv_row
{
  const char *arg;
  bool bytes;
};

static const struct argv_row argv_rows[] = {
  { "plain", false },
  { "", false },
  { "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xa7", false }, /* é € 🐧 */
  { "quote\" backslash\\ slash/", false },
  { "\x01\x02\x1b[31mred\x1b[0m\t\n\r\x7f", false },
  { "line\xe2\x80\xa8sep\xe2\x80\xa9para", false }, /* U+2028, U+2029 */
  { "c1\xc2\x85\xc2\x9b", false },                    /* U+0085, U+009B */
  { "caf\xe9", true },                                /* Latin-1 */
  { "\xff\xfe\x80", true },
  { "\xc0\xaf", true },         /* overlong / */
  { "\xed\xa0\x80", true },     /* surrogate */
  { "\xe2\x82", true },         /* truncated */
  { "\xf4\x90\x80\x80", true }, /* past U+10FFFF */
  { "\xe9\x1b\"\\\x85", true }, /* bytes and controls */
};

static void
test_argv_round_trip (void **state)
{
  char *argv[N_ELEMENTS (argv_rows) + 1];
  for (size_t i = 0; i < N_ELEMENTS (argv_rows); i++)
    argv[i] = (char *) argv_rows[i].arg;
  argv[N_ELEMENTS (argv_rows)] = NULL;
  struct hg_cmd c;
  fake_cmd (&c, argv);
  cleanup_free char *line = build (&c);
  /* No raw control character, no raw U+2028/2029, and valid UTF-8 as a whole. */
  for (const unsigned char *p = (const unsigned char *) line; *p; p++)
    if (*p < 0x20 || *p == 0x7f)
      fail_msg ("raw control byte 0x%02x in %s", *p, line);
  assert_null (strstr (line, "\xe2\x80\xa8"));
  assert_null (strstr (line, "\xe2\x80\xa9"));
  assert_null (strstr (line, "\xc2\x85"));
  json_object *o = parse (line);
  json_object *ab = json_object_object_get (o, "argv_bytes");
  assert_non_null (ab);
  size_t k = 0;
  for (size_t i = 0; i < N_ELEMENTS (argv_rows); i++)
    if (argv_rows[i].bytes)
      assert_int_equal (json_object_get_int (json_object_array_get_idx (ab, k++)), i);
  assert_int_equal (json_object_array_length (ab), k);
  size_t n = 0;
  cleanup_strv char **back = hg_record_argv (o, &n);
  assert_non_null (back);
  assert_int_equal (n, N_ELEMENTS (argv_rows));
  for (size_t i = 0; i < n; i++)
    if (strcmp (back[i], argv_rows[i].arg) != 0)
      fail_msg ("row %zu did not round-trip", i);
  json_object_put (o);
}

static void
test_no_argv_bytes_when_utf8 (void **state)
{
  char *argv[] = { "ls", "-l", "\xc3\xa9t\xc3\xa9", NULL };
  struct hg_cmd c;
  fake_cmd (&c, argv);
  cleanup_free char *line = build (&c);
  assert_null (strstr (line, "argv_bytes"));
  assert_non_null (strstr (line, "\"argv\":[\"ls\",\"-l\",\"\xc3\xa9t\xc3\xa9\"],\"exe\""));
}

static void
test_other_fields_replace_invalid (void **state)
{
  char *argv[] = { "ls", NULL };
  struct hg_cmd c;
  fake_cmd (&c, argv);
  c.cwd = "/srv/caf\xe9\n";
  c.reason = "ticket \"42\" \x01";
  cleanup_free char *line = build (&c);
  json_object *o = parse (line);
  assert_string_equal (json_object_get_string (json_object_object_get (o, "cwd")),
                       "/srv/caf\xef\xbf\xbd\n");
  assert_string_equal (json_object_get_string (json_object_object_get (o, "reason")),
                       "ticket \"42\" \x01");
  json_object_put (o);
}

static void
test_big_record (void **state)
{
  size_t len = 2 * 1024 * 1024;
  cleanup_free char *big = malloc (len + 1);
  for (size_t i = 0; i < len; i++)
    big[i] = (char) ('a' + i % 26);
  big[len / 2] = '\xe9'; /* not UTF-8: byte-per-character path too */
  big[len] = '\0';
  char *argv[] = { "mysql", "-e", big, NULL };
  struct hg_cmd c;
  fake_cmd (&c, argv);
  cleanup_free char *line = build (&c);
  assert_true (strlen (line) > len);
  json_object *o = parse (line);
  cleanup_strv char **back = hg_record_argv (o, NULL);
  assert_non_null (back);
  assert_string_equal (back[2], big);
  json_object_put (o);
}

struct bad_row
{
  const char *json;
};

static const struct bad_row bad_rows[] = {
  { "{}" },
  { "{\"argv\":\"ls\"}" },
  { "{\"argv\":[1]}" },
  { "{\"argv\":[\"a\"],\"argv_bytes\":[1]}" },
  { "{\"argv\":[\"a\"],\"argv_bytes\":[-1]}" },
  { "{\"argv\":[\"a\"],\"argv_bytes\":\"0\"}" },
  { "{\"argv\":[\"\\u20ac\"],\"argv_bytes\":[0]}" }, /* > U+00FF in a byte element */
  { "{\"argv\":[\"a\\u0000b\"]}" },
};

static void
test_argv_rejects (void **state)
{
  for (size_t i = 0; i < N_ELEMENTS (bad_rows); i++)
    {
      json_object *o = parse (bad_rows[i].json);
      char **v = hg_record_argv (o, NULL);
      if (v)
        fail_msg ("row %zu accepted: %s", i, bad_rows[i].json);
      json_object_put (o);
    }
  json_object *o = parse ("{\"argv\":[\"caf\\u00e9\",\"x\"],\"argv_bytes\":[0]}");
  cleanup_strv char **v = hg_record_argv (o, NULL);
  assert_non_null (v);
  assert_string_equal (v[0], "caf\xe9");
  json_object_put (o);
}

static void
test_decision_names (void **state)
{
  static const char *const names[] = { "allowed", "logged", "confirmed", "approved",
                                       "denied",  "declined", "timeout", "error" };
  for (size_t i = 0; i < N_ELEMENTS (names); i++)
    {
      enum hg_decision d;
      assert_string_equal (hg_decision_name ((enum hg_decision) (i + 1)), names[i]);
      assert_int_equal (hg_decision_parse (names[i], &d), 0);
      assert_int_equal (d, i + 1);
    }
  enum hg_decision d;
  assert_int_equal (hg_decision_parse ("allow", &d), -1);
  assert_int_equal (hg_decision_parse ("", &d), -1);
  assert_null (hg_decision_name (HG_DEC_NONE));
  assert_null (hg_decision_name ((enum hg_decision) 99));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_fields_in_order),
    cmocka_unit_test (test_exit_fields_and_break_glass),
    cmocka_unit_test (test_argv_round_trip),
    cmocka_unit_test (test_no_argv_bytes_when_utf8),
    cmocka_unit_test (test_other_fields_replace_invalid),
    cmocka_unit_test (test_big_record),
    cmocka_unit_test (test_argv_rejects),
    cmocka_unit_test (test_decision_names),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
