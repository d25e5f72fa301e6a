/* The approval protocol's two messages, and the request digest. */
#include <json-c/json.h>
#include <nettle/sha2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "approval.h"
#include "audit/audit.h"
#include "util/util.h"

static void
hash_field (struct sha256_ctx *h, const char *s)
{
  /* NULL and "" differ: a missing rule is not an empty one. */
  uint8_t len[9] = { s ? 1 : 0 };
  uint64_t n = s ? strlen (s) : 0;
  for (int i = 0; i < 8; i++)
    len[1 + i] = (uint8_t) (n >> (8 * i));
  sha256_update (h, sizeof len, len);
  if (s)
    sha256_update (h, n, (const uint8_t *) s);
}

static void
hex_of (struct sha256_ctx *h, char out[65])
{
  uint8_t d[SHA256_DIGEST_SIZE];
  sha256_digest (h, sizeof d, d);
  for (size_t i = 0; i < sizeof d; i++)
    snprintf (out + 2 * i, 3, "%02x", d[i]);
}

static void
hash_argv (struct sha256_ctx *h, const char *const *argv, size_t argc)
{
  char count[32];
  snprintf (count, sizeof count, "%zu", argc);
  hash_field (h, count);
  for (size_t i = 0; i < argc; i++)
    hash_field (h, argv[i]);
}

void
hg_argv_sha256 (const char *const *argv, size_t argc, char out[65])
{
  struct sha256_ctx h;
  sha256_init (&h);
  static const char tag[] = "hostguard argv v1";
  sha256_update (&h, sizeof tag, (const uint8_t *) tag);
  hash_argv (&h, argv, argc);
  hex_of (&h, out);
}

void
hg_request_digest (const struct hg_digest_in *in, char out[65])
{
  struct sha256_ctx h;
  sha256_init (&h);
  static const char tag[] = "hostguard approval v2";
  sha256_update (&h, sizeof tag, (const uint8_t *) tag);
  char uid[32];
  snprintf (uid, sizeof uid, "%lld", in->uid);
  hash_field (&h, in->host);
  hash_field (&h, in->user);
  hash_field (&h, uid);
  hash_field (&h, in->cwd);
  hash_field (&h, in->rule);
  hash_field (&h, in->exe);
  hash_argv (&h, in->shown_argv, in->argc);
  hash_field (&h, in->argv_sha256);
  const long long nums[] = { in->login_uid, in->approvals, in->expires };
  for (size_t i = 0; i < sizeof nums / sizeof *nums; i++)
    {
      char num[32];
      snprintf (num, sizeof num, "%lld", nums[i]);
      hash_field (&h, num);
    }
  hash_field (&h, in->login_user);
  hash_field (&h, in->tty);
  hash_field (&h, in->message);
  hash_field (&h, in->reason);
  hex_of (&h, out);
}

int
hg_record_digest (json_object *rec, char out[65])
{
  size_t argc = 0;
  cleanup_strv char **argv = hg_record_argv (rec, &argc);
  const char *sha = hg_rec_str (rec, "argv_sha256");
  int64_t uid = hg_rec_int (rec, "uid", INT64_MIN);
  if (!argv || !sha || uid == INT64_MIN)
    return -1;
  struct hg_digest_in in = { .host = hg_rec_str (rec, "host"),
                             .user = hg_rec_str (rec, "user"),
                             .uid = (long long) uid,
                             .cwd = hg_rec_str (rec, "cwd"),
                             .rule = hg_rec_str (rec, "rule"),
                             .exe = hg_rec_str (rec, "exe"),
                             .shown_argv = (const char *const *) argv,
                             .argc = argc,
                             .argv_sha256 = sha,
                             .login_uid = (long long) hg_rec_int (rec, "login_uid", -1),
                             .approvals = (long long) hg_rec_int (rec, "approvals", -1),
                             .expires = (long long) hg_rec_int (rec, "expires", -1),
                             .login_user = hg_rec_str (rec, "login_user"),
                             .tty = hg_rec_str (rec, "tty"),
                             .message = hg_rec_str (rec, "message"),
                             .reason = hg_rec_str (rec, "reason") };
  hg_request_digest (&in, out);
  return 0;
}

static bool
lower_hex (const char *s, size_t n)
{
  if (strlen (s) != n)
    return false;
  for (size_t i = 0; i < n; i++)
    if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
      return false;
  return true;
}

bool
hg_request_id_valid (const char *s)
{
  return s && lower_hex (s, 32);
}

/* One line of JSON from an object: json-c escapes every string (our
 * inputs are valid UTF-8: ids, hex, and reasons checked on the way in). */
static char *
line_of (json_object *o)
{
  const char *s = json_object_to_json_string_ext (o, JSON_C_TO_STRING_PLAIN);
  char *line = NULL;
  if (!s || asprintf (&line, "%s\n", s) < 0)
    return NULL;
  return line;
}

/* A strict parse of exactly one object on one line; NULL with *why. */
static json_object *
parse_line (const char *buf, size_t len, const char **why)
{
  if (len == 0 || len > HG_APPROVAL_MSG_MAX)
    return *why = "message empty or too long", NULL;
  if (buf[len - 1] == '\n')
    len--;
  if (memchr (buf, '\n', len) || memchr (buf, '\0', len))
    return *why = "message is not one line", NULL;
  struct json_tokener *tok = json_tokener_new_ex (4);
  if (!tok)
    return *why = "out of memory", NULL;
  json_tokener_set_flags (tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
  json_object *o = json_tokener_parse_ex (tok, buf, (int) len);
  bool ok = o && json_tokener_get_error (tok) == json_tokener_success
            && json_tokener_get_parse_end (tok) == len && json_object_is_type (o, json_type_object);
  json_tokener_free (tok);
  if (!ok)
    {
      json_object_put (o);
      return *why = "message is not a JSON object", NULL;
    }
  json_object *v;
  if (!json_object_object_get_ex (o, "v", &v) || !json_object_is_type (v, json_type_int)
      || json_object_get_int64 (v) != 1)
    {
      json_object_put (o);
      return *why = "unknown message version", NULL;
    }
  return o;
}

/* A string member, or NULL when absent or null; *bad when of another type. */
static const char *
get_str (json_object *o, const char *key, bool *bad)
{
  json_object *v;
  if (!json_object_object_get_ex (o, key, &v) || json_object_is_type (v, json_type_null))
    return NULL;
  if (!json_object_is_type (v, json_type_string))
    {
      *bad = true;
      return NULL;
    }
  return json_object_get_string (v);
}

char *
hg_approval_msg_build (const struct hg_approval_msg *m)
{
  cleanup_json json_object *o = json_object_new_object ();
  if (!o)
    return NULL;
  json_object_object_add (o, "v", json_object_new_int (1));
  json_object_object_add (o, "id", json_object_new_string (m->id));
  json_object_object_add (o, "verdict", json_object_new_string (m->approve ? "approve" : "deny"));
  json_object_object_add (o, "digest", json_object_new_string (m->digest));
  json_object_object_add (o, "reason", m->reason ? json_object_new_string (m->reason) : NULL);
  return line_of (o);
}

int
hg_approval_msg_parse (const char *buf, size_t len, struct hg_approval_msg *m, const char **why)
{
  memset (m, 0, sizeof *m);
  cleanup_json json_object *o = parse_line (buf, len, why);
  if (!o)
    return -1;
  if (json_object_object_length (o) != 5)
    return *why = "message has unknown or missing members", -1;
  bool bad = false;
  const char *id = get_str (o, "id", &bad);
  const char *verdict = get_str (o, "verdict", &bad);
  const char *digest = get_str (o, "digest", &bad);
  const char *reason = get_str (o, "reason", &bad);
  if (bad)
    return *why = "a member has the wrong type", -1;
  if (!hg_request_id_valid (id))
    return *why = "bad request id", -1;
  if (!digest || !lower_hex (digest, 64))
    return *why = "bad digest", -1;
  if (!verdict || (strcmp (verdict, "approve") != 0 && strcmp (verdict, "deny") != 0))
    return *why = "verdict must be approve or deny", -1;
  if (reason && strlen (reason) > HG_REASON_MAX)
    return *why = "reason too long", -1;
  m->approve = strcmp (verdict, "approve") == 0;
  memcpy (m->id, id, 33);
  memcpy (m->digest, digest, 65);
  if (reason && !(m->reason = strdup (reason)))
    return *why = "out of memory", -1;
  return 0;
}

void
hg_approval_msg_clear (struct hg_approval_msg *m)
{
  free (m->reason);
  m->reason = NULL;
}

char *
hg_approval_reply_build (const struct hg_approval_reply *r)
{
  cleanup_json json_object *o = json_object_new_object ();
  if (!o)
    return NULL;
  json_object_object_add (o, "v", json_object_new_int (1));
  json_object_object_add (o, "ok", json_object_new_boolean (r->ok));
  json_object_object_add (o, "have", json_object_new_int ((int) r->have));
  json_object_object_add (o, "need", json_object_new_int ((int) r->need));
  json_object_object_add (o, "message", r->message ? json_object_new_string (r->message) : NULL);
  return line_of (o);
}

static int
get_count (json_object *o, const char *key, unsigned *out)
{
  json_object *v;
  if (!json_object_object_get_ex (o, key, &v) || !json_object_is_type (v, json_type_int))
    return -1;
  int64_t n = json_object_get_int64 (v);
  if (n < 0 || n > 1000)
    return -1;
  *out = (unsigned) n;
  return 0;
}

int
hg_approval_reply_parse (const char *buf, size_t len, struct hg_approval_reply *r,
                         const char **why)
{
  memset (r, 0, sizeof *r);
  cleanup_json json_object *o = parse_line (buf, len, why);
  if (!o)
    return -1;
  json_object *ok;
  bool bad = false;
  const char *msg = get_str (o, "message", &bad);
  if (!json_object_object_get_ex (o, "ok", &ok) || !json_object_is_type (ok, json_type_boolean)
      || get_count (o, "have", &r->have) < 0 || get_count (o, "need", &r->need) < 0 || bad)
    return *why = "malformed reply", -1;
  r->ok = json_object_get_boolean (ok);
  if (msg && !(r->message = strdup (msg)))
    return *why = "out of memory", -1;
  return 0;
}

void
hg_approval_reply_clear (struct hg_approval_reply *r)
{
  free (r->message);
  r->message = NULL;
}
