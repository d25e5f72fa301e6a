/* What an approver's client and a requester say to each other over the
 * request's socket: one line of JSON each way.  Parsed here and nowhere
 * else (tests/fuzz/fuzz_approval.c). */
#ifndef HOSTGUARD_APPROVALMSG_H
#define HOSTGUARD_APPROVALMSG_H

#include <stdbool.h>
#include <stddef.h>


struct json_object;

#define HG_APPROVAL_MSG_MAX 4096 /* bytes, newline included */
#define HG_REASON_MAX 1024

/* What an approval is bound to: what the approver was shown (host, user,
 * uid, cwd, rule, program, the redacted argv) and the SHA-256 of the exact
 * argv, which the approver cannot see but the request carries.  The
 * approver's client computes the digest from the request file it
 * displayed, the requester from what it will run: an edit of the file
 * after it was written, or a command other than the one shown, cannot
 * match. */
struct hg_digest_in
{
  const char *host, *user;
  long long uid;
  const char *cwd, *rule, *exe;
  const char *const *shown_argv; /* redacted */
  size_t argc;
  const char *argv_sha256; /* 64 hex digits, of the exact argv */
  /* Also shown, so also bound: who is logged in, where, why, how many
   * must agree and until when.  -1: absent. */
  long long login_uid, approvals, expires;
  const char *login_user, *tty, *message, *reason;
};

/* SHA-256 in hex of the exact argv (each word length-prefixed). */
void hg_argv_sha256 (const char *const *argv, size_t argc, char out[65]);
/* The digest, 64 hex digits: each field length-prefixed, so that no two
 * requests share an encoding. */
void hg_request_digest (const struct hg_digest_in *in, char out[65]);

/* The digest of a parsed request record, computed from the fields as the
 * record carries them (text fields as written: invalid UTF-8 replaced),
 * so that the requester, which parses back the record it publishes, and
 * the approver, which parses the spool's copy, hash the same bytes.  The
 * requester's argv_sha256 is of the argv it will run, not the record's.
 * 0, or -1 when the record lacks its argv or argv_sha256. */
int hg_record_digest (struct json_object *rec, char out[65]);

/* Whether s is 32 lowercase hex digits (a request ID). */
bool hg_request_id_valid (const char *s);

struct hg_approval_msg
{
  bool approve; /* false: deny */
  char id[33];
  char digest[65];
  char *reason; /* NULL when none; valid UTF-8, at most HG_REASON_MAX bytes */
};

/* One line, newline included; malloc'd, NULL on ENOMEM. */
char *hg_approval_msg_build (const struct hg_approval_msg *m);
/* 0, or -1 with *why set to a static sentence. */
int hg_approval_msg_parse (const char *buf, size_t len, struct hg_approval_msg *m,
                           const char **why);
void hg_approval_msg_clear (struct hg_approval_msg *m);

struct hg_approval_reply
{
  bool ok;
  unsigned have, need; /* approvals counted so far, needed */
  char *message;       /* a sentence for the approver; may be NULL */
};

char *hg_approval_reply_build (const struct hg_approval_reply *r);
int hg_approval_reply_parse (const char *buf, size_t len, struct hg_approval_reply *r,
                             const char **why);
void hg_approval_reply_clear (struct hg_approval_reply *r);

#endif
