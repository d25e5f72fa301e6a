/* Getting a yes: the typed hostname at the terminal, or a second approver
 * (the spool, its messages, peer credentials, the requester's wait, the
 * approvers' notify program). */
#ifndef HOSTGUARD_APPROVAL_H
#define HOSTGUARD_APPROVAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "audit/audit.h"

/* The requester's side of a second approval (DESIGN.md, "Second
 * approver"): the request is put in the spool, the approvers are told, and
 * approvals are taken only from peers whose kernel credentials show
 * another person in the approvers group, bound to the request's digest,
 * before it expires. */

enum hg_approval_result
{
  HG_APPROVAL_APPROVED,
  HG_APPROVAL_DENIED,
  HG_APPROVAL_TIMEOUT,
  HG_APPROVAL_WITHDRAWN,
};

struct hg_approval_opts
{
  const struct hg_settings *settings;
  /* Appends the `request` record; -1 when it could not be written (the
   * request is then withdrawn: nothing runs unrecorded). */
  int (*record) (void *ctx, struct hg_cmd *c, const char *event);
  /* Whether the command still waits (a supervised exec: its notification
   * is still valid).  NULL: always. */
  bool (*waiting) (void *ctx);
  void *ctx;
  /* The prefix form: SIGINT (Ctrl-C), SIGTERM and SIGHUP withdraw. */
  bool own_signals;
  /* The requester's uid and login uid as a process (the supervisor's may
   * differ from the command's user): neither may approve either. */
  uid_t self_uid, self_login_uid;
};

/* Makes the request for c (action approve, c->approvals_needed people)
 * and waits.  Sets c->digest, c->expires, c->approvers_group; on approval
 * c->approvers; c->note says what happened (who denied and why, notify's
 * failure).  Returns the outcome (>= 0), or -1 with *err when no request
 * could be made (spool, group, record): the command is then refused. */
int hg_approval_request (struct hg_cmd *c, const struct hg_approval_opts *o, hg_error **err);

/* The `decision` an approval's outcome is recorded as. */
enum hg_decision hg_approval_decision (enum hg_approval_result r);

/* What an approver's client and a requester say to each other over the
 * request's socket: one line of JSON each way.  Parsed here and nowhere
 * else (tests/fuzz/fuzz_approval.c). */

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

/* The spool where approval requests wait (DESIGN.md, "Second approver").
 *
 * The directory is owned by root and sticky (1777, like /tmp, or 0755 so
 * that only root may ask): anyone may create an entry, nobody but its
 * owner and root may remove or rename it.  An entry is a directory named
 * by the request's ID (128 random bits), made with mkdir, which fails
 * when the name exists: nobody can squat a name inside it, since only
 * its owner may write there.  In it: `socket`, where the requester
 * listens, then `request.json` (an audit record line), renamed into place
 * once whole and once the socket listens; the directory is opened to
 * readers (0755) last.  Readers trust an entry only when the directory
 * and the file belong to one owner, root or the uid the file names, the
 * file is a regular file with one link, and the socket is held by a
 * process of that owner (SO_PEERCRED). */

struct json_object;

/* A request shows the whole command: ARG_MAX is 2 MiB by default, and
 * escaping rarely doubles it.  Larger, and json-c's tree of a forged file
 * would cost hundreds of MB before its owner is even checked. */
#define HG_REQUEST_FILE_MAX (6u << 20)

/* Opens the spool directory without following a symlink and checks it:
 * owned by root, and sticky if group or others may write to it.  When it
 * is missing and we are root, creates it (1777). */
int hg_spool_open (const char *path, int *dirfd, hg_error **err);

/* Creates the entry ID: the directory, the socket listening (mode 0666:
 * who connects is checked by kernel credentials, not by file modes), then
 * the request.  *listen_fd is non-blocking and close-on-exec. */
int hg_spool_create (int dirfd, const char *id, const char *json, size_t len, int *listen_fd,
                     hg_error **err);
/* Removes the entry (quietly: it may be gone). */
void hg_spool_remove (int dirfd, const char *id);
/* The same, only if ID is still the directory `seen` describes: a dead
 * entry that `pending` found, which its owner may have swapped since. */
void hg_spool_remove_seen (int dirfd, const char *id, const struct stat *seen);

/* Reads and checks the request: *rec is the parsed request, *owner the
 * entry's owner.  *gone when there is no such request (or not yet). */
int hg_spool_read (int dirfd, const char *id, struct json_object **rec, uid_t *owner,
                   bool *gone, hg_error **err);

/* Connects to the entry's socket, which must be a socket owned by `owner`
 * and held by a process of that uid.  *fd is non-blocking, close-on-exec;
 * a requester too busy to accept is an error (try again). */
int hg_spool_connect (int dirfd, const char *id, uid_t owner, int *fd, hg_error **err);

/* Whether a requester still listens on the entry's socket: 1 yes, 0 no (a
 * stale entry from a requester that died). */
int hg_spool_alive (int dirfd, const char *id);

/* The IDs of the entries (names that are valid IDs), sorted;
 * NULL-terminated, free with strv_free. */
int hg_spool_list (int dirfd, char ***ids, hg_error **err);

/* Who is at the other end of a Unix socket, as the kernel says: never as
 * the peer says (DESIGN.md, "Second approver"). */

struct hg_peer
{
  pid_t pid;
  uid_t uid;
  gid_t gid;
  uid_t login_uid; /* (uid_t) -1 when unset */
  gid_t *groups;   /* supplementary groups (SO_PEERGROUPS) */
  size_t n_groups;
};

/* Reads the peer's credentials from the kernel: SO_PEERCRED for uid, gid
 * and pid, SO_PEERGROUPS for the supplementary groups.  Cheap, and enough
 * to turn away a non-member before anything else is read. */
int hg_peer_read_creds (int sock, struct hg_peer *out, hg_error **err);
/* Then its login uid, through SO_PEERPIDFD, so that a pid reused meanwhile
 * cannot lend its login uid: the pidfd must still name a live process
 * after the read.  An unset login uid is (uid_t) -1; one that cannot be
 * read (/proc mounted with hidepid=, another pid namespace) is an error:
 * an approver whose login nobody can see is refused, not trusted. */
int hg_peer_read_login (int sock, struct hg_peer *p, hg_error **err);
void hg_peer_clear (struct hg_peer *p);

/* Whether the peer's primary or supplementary groups include gid. */
bool hg_peer_in_group (const struct hg_peer *p, gid_t gid);

/* Whether a and b may be the same person: they share a uid or a login uid
 * (an unset login uid says nothing).  Root reached with `sudo -i` keeps its
 * login uid, so it is the same person as the user who ran sudo. */
bool hg_same_person (uid_t a_uid, uid_t a_login, uid_t b_uid, uid_t b_login);

/* The policy's `notify` program: told of every approval request and every
 * break-glass, so that approvers hear of it.  It runs detached, as the
 * requester, with the request's JSON on standard input and a time limit;
 * it never holds up the request. */

#define HG_NOTIFY_TIMEOUT_S 10

/* Starts `prog` with `json` on its standard input and HOSTGUARD_EVENT=event
 * in its environment.  Returns a descriptor (non-blocking, close-on-exec)
 * on which one line reports how it ended ("exited with status 0",
 * "killed after 10 s", "could not be started: ..."), or -1 when it could
 * not even be forked (errno set).  Its process is not our child: nothing
 * to reap. */
int hg_notify_start (const char *prog, const char *json, size_t len, const char *event);

/* The report, once the descriptor is readable; malloc'd.  "still running"
 * when it has not ended yet.  Closes fd. */
char *hg_notify_result (int fd);

/* The confirmation: asked on the controlling terminal (never on stdin,
 * which a pipe or a script may feed), answered by typing the host's short
 * name exactly, as molly-guard does. */

enum hg_prompt_answer
{
  HG_PROMPT_YES,         /* the host name, typed exactly */
  HG_PROMPT_WRONG,       /* anything else */
  HG_PROMPT_EOF,         /* Ctrl-D, or the terminal went away */
  HG_PROMPT_INTERRUPTED, /* Ctrl-C, Ctrl-\, SIGTERM or SIGHUP while asking */
  HG_PROMPT_NO_TTY,      /* no controlling terminal to ask on */
  HG_PROMPT_ERROR,       /* the terminal failed (*err says how) */
};

struct hg_prompt
{
  const char *host; /* the answer expected: the short host name */
  const char *rule; /* may be NULL */
  const char *message;
  const char *reason;
  const char *const *argv; /* already redacted */
  size_t argc;
  /* The program that will run, or NULL: shown when argv[0] names another
   * (`exec -a touch rm`, a copy renamed). */
  const char *exe;
};

/* The prompt for a command that asks: its argv redacted with the policy's
 * patterns, since secrets never reach the terminal either (scrollback,
 * recordings); without a redactor, only the program's name is shown.
 * *shown holds the redacted argv, or NULL: free it (strv_free) after the
 * prompt. */
void hg_prompt_for_cmd (const struct hg_cmd *c, const struct hg_settings *s, struct hg_prompt *p,
                        char ***shown);

/* Shows the rule, its message, the command and the reason on /dev/tty,
 * flushes pending input (type-ahead never answers), asks, and puts the
 * terminal's settings back as they were. */
enum hg_prompt_answer hg_prompt_confirm (const struct hg_prompt *p, hg_error **err);

/* What hg_prompt_confirm shows before its question, escaped; NULL on
 * ENOMEM.  For a front end that asks its own way (the sudo plugin). */
char *hg_prompt_text (const struct hg_prompt *p);

/* The same question machinery for other answers: shows `text` (already
 * escaped), flushes type-ahead, asks `question`, and says YES only when
 * the line typed is exactly `expected`. */
enum hg_prompt_answer hg_prompt_expect (const char *text, const char *question,
                                        const char *expected, hg_error **err);

#endif
