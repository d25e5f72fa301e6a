/* The approval protocol: message rows (input -> accepted or the reason
 * refused), the digest's binding, and who counts as the same person. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "approval/approval.h"
#include "audit/audit.h"
#include "review/review.h"

#define ID "0123456789abcdef0123456789abcdef"
#define DG "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

struct row
{
  const char *line;
  const char *why; /* NULL: accepted */
};

static const struct row rows[] = {
  { "{\"v\":1,\"id\":\"" ID "\",\"verdict\":\"approve\",\"digest\":\"" DG "\",\"reason\":null}\n", NULL },
  { "{\"v\":1,\"id\":\"" ID "\",\"verdict\":\"deny\",\"digest\":\"" DG "\",\"reason\":\"no\"}", NULL },
  { "{\"v\":2,\"id\":\"" ID "\",\"verdict\":\"approve\",\"digest\":\"" DG "\",\"reason\":null}\n",
    "unknown message version" },
  { "{\"v\":1,\"id\":\"" ID "\",\"verdict\":\"yes\",\"digest\":\"" DG "\",\"reason\":null}\n",
    "verdict must be approve or deny" },
  { "{\"v\":1,\"id\":\"0123\",\"verdict\":\"approve\",\"digest\":\"" DG "\",\"reason\":null}\n",
    "bad request id" },
  { "{\"v\":1,\"id\":\"0123456789ABCDEF0123456789ABCDEF\",\"verdict\":\"approve\",\"digest\":\"" DG
    "\",\"reason\":null}\n",
    "bad request id" },
  { "{\"v\":1,\"id\":\"" ID "\",\"verdict\":\"approve\",\"digest\":\"xyz\",\"reason\":null}\n",
    "bad digest" },
  { "{\"v\":1,\"id\":\"" ID "\",\"verdict\":\"approve\",\"digest\":\"" DG "\",\"reason\":7}\n",
    "a member has the wrong type" },
  { "{\"v\":1,\"id\":\"" ID "\",\"verdict\":\"approve\",\"digest\":\"" DG "\"}\n",
    "message has unknown or missing members" },
  { "{\"v\":1,\"id\":\"" ID "\",\"verdict\":\"approve\",\"digest\":\"" DG
    "\",\"reason\":null,\"approvals\":9}\n",
    "message has unknown or missing members" },
  { "{\"v\":1,\"id\":\"" ID "\",\"verdict\":\"approve\",\"digest\":\"" DG "\",\"reason\":null}\n{}",
    "message is not one line" },
  { "{\"v\":1,\"id\":\"" ID "\",\"verdict\":\"approve\",\"digest\":\"" DG "\",\"reason\":\"\xff\"}\n",
    "message is not a JSON object" },
  { "", "message empty or too long" },
  { "[1]\n", "message is not a JSON object" },
};

static void
test_rows (void **state)
{
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
    {
      struct hg_approval_msg m;
      const char *why = NULL;
      int r = hg_approval_msg_parse (rows[i].line, strlen (rows[i].line), &m, &why);
      if (!rows[i].why)
        {
          if (r != 0)
            fail_msg ("row %zu refused: %s", i, why);
          assert_string_equal (m.id, ID);
          assert_string_equal (m.digest, DG);
        }
      else
        {
          if (r == 0)
            fail_msg ("row %zu accepted", i);
          assert_string_equal (why, rows[i].why);
        }
      hg_approval_msg_clear (&m);
    }
}

static void
test_reason_limit (void **state)
{
  char reason[HG_REASON_MAX + 2];
  memset (reason, 'x', sizeof reason - 1);
  reason[sizeof reason - 1] = '\0';
  struct hg_approval_msg m = { .approve = true, .id = ID, .digest = DG, .reason = reason }, out;
  char *line = hg_approval_msg_build (&m);
  const char *why = NULL;
  assert_int_equal (hg_approval_msg_parse (line, strlen (line), &out, &why), -1);
  assert_string_equal (why, "reason too long");
  free (line);
  reason[HG_REASON_MAX] = '\0';
  line = hg_approval_msg_build (&m);
  assert_int_equal (hg_approval_msg_parse (line, strlen (line), &out, &why), 0);
  assert_int_equal (strlen (out.reason), HG_REASON_MAX);
  hg_approval_msg_clear (&out);
  free (line);
}

static void
digest_of (const char *host, const char *user, const char *cwd, const char *rule,
           const char *const *argv, size_t argc, char out[65])
{
  char sha[65];
  hg_argv_sha256 (argv, argc, sha);
  struct hg_digest_in in = { .host = host, .user = user, .uid = 1000, .cwd = cwd, .rule = rule,
                             .exe = "/usr/bin/rm", .shown_argv = argv, .argc = argc,
                             .argv_sha256 = sha };
  hg_request_digest (&in, out);
}

static void
test_digest_binds_every_field (void **state)
{
  const char *a[] = { "rm", "-rf", "/srv" }, *b[] = { "rm", "-rf /srv" }, *c[] = { "rm", "-rf", "/srv/" };
  char base[65], d[65];
  digest_of ("db1", "alice", "/", "r", a, 3, base);
  assert_int_equal (strlen (base), 64);
  digest_of ("db1", "alice", "/", "r", a, 3, d);
  assert_string_equal (base, d); /* deterministic */
  digest_of ("db2", "alice", "/", "r", a, 3, d);
  assert_string_not_equal (base, d);
  digest_of ("db1", "bob", "/", "r", a, 3, d);
  assert_string_not_equal (base, d);
  digest_of ("db1", "alice", "/tmp", "r", a, 3, d);
  assert_string_not_equal (base, d);
  digest_of ("db1", "alice", "/", "s", a, 3, d);
  assert_string_not_equal (base, d);
  digest_of ("db1", "alice", "/", NULL, a, 3, d);
  assert_string_not_equal (base, d); /* no rule is not the empty rule */
  digest_of ("db1", "alice", "/", "r", b, 2, d);
  assert_string_not_equal (base, d); /* word boundaries count */
  digest_of ("db1", "alice", "/", "r", c, 3, d);
  assert_string_not_equal (base, d);
  digest_of ("db1alice", "", "/", "r", a, 3, d);
  assert_string_not_equal (base, d); /* fields do not run into each other */

  /* uid, program and the hidden exact argv count too. */
  char sha[65], other[65];
  hg_argv_sha256 (a, 3, sha);
  hg_argv_sha256 (c, 3, other);
  assert_string_not_equal (sha, other);
  struct hg_digest_in in = { .host = "db1", .user = "alice", .uid = 1000, .cwd = "/", .rule = "r",
                             .exe = "/usr/bin/rm", .shown_argv = a, .argc = 3, .argv_sha256 = sha };
  hg_request_digest (&in, d);
  assert_string_equal (base, d);
  in.uid = 0;
  hg_request_digest (&in, d);
  assert_string_not_equal (base, d);
  in.uid = 1000;
  in.exe = "/tmp/rm";
  hg_request_digest (&in, d);
  assert_string_not_equal (base, d);
  in.exe = "/usr/bin/rm";
  in.argv_sha256 = other; /* same redacted argv shown, another one run */
  hg_request_digest (&in, d);
  assert_string_not_equal (base, d);
}

/* Requester and approver hash the record as it is written and read back:
 * text that is not UTF-8 (a cwd) is replaced in the record, and both sides
 * still agree; an edit of any bound field after writing does not. */
static void
test_record_digest_round_trip (void **state)
{
  char *argv[] = { "rm", "-rf", "/srv/\xff", NULL };
  struct hg_cmd c = { 0 };
  c.host = "db1";
  c.user = "alice";
  c.uid = 2001;
  c.cwd = "/home/\xfe";
  c.rule = "r";
  c.exe = "/usr/bin/rm";
  c.argv = argv;
  c.argc = 3;
  char sha[65], dig[65];
  hg_argv_sha256 ((const char *const *) argv, 3, sha);
  c.argv_sha256 = sha;
  c.digest = dig;
  memset (dig, '0', 64);
  dig[64] = '\0';
  char *line = hg_record_build (&c, "request", (const char *const *) argv, 3, 0, NULL);
  assert_non_null (line);
  json_object *rec = hg_record_parse (line, strlen (line));
  assert_non_null (rec);
  char d1[65], d2[65];
  assert_int_equal (hg_record_digest (rec, d1), 0);
  assert_int_equal (hg_record_digest (rec, d2), 0);
  assert_string_equal (d1, d2);
  json_object_object_add (rec, "cwd", json_object_new_string ("/"));
  assert_int_equal (hg_record_digest (rec, d2), 0);
  assert_string_not_equal (d1, d2);
  json_object_object_del (rec, "argv_sha256");
  assert_int_equal (hg_record_digest (rec, d2), -1); /* nothing to bind: refused */
  json_object_put (rec);
  free (line);
}

#define U ((uid_t) -1)
static void
test_same_person (void **state)
{
  struct
  {
    uid_t au, al, bu, bl;
    bool same;
  } t[] = {
    { 1001, 1001, 1001, 1001, true }, /* the same login */
    { 0, 1001, 1001, 1001, true },    /* sudo -i by the requester */
    { 1001, 1001, 0, 1001, true },    /* the requester is root through sudo */
    { 0, 1002, 0, 1001, true },       /* both root: the uid is shared */
    { 1002, 1002, 1001, 1001, false },
    { 1002, U, 1001, U, false },      /* no login uids: the uids decide */
    { 1002, U, 1001, 1002, true },    /* the approver's uid is the requester's login */
    { 1002, 1001, 1003, U, false }, /* sudo by another person: a different login */
  };
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
    if (hg_same_person (t[i].au, t[i].al, t[i].bu, t[i].bl) != t[i].same)
      fail_msg ("row %zu", i);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_rows),
    cmocka_unit_test (test_reason_limit),
    cmocka_unit_test (test_digest_binds_every_field),
    cmocka_unit_test (test_record_digest_round_trip),
    cmocka_unit_test (test_same_person),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
