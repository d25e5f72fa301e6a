/* The audit trail: one struct for a command from the moment it is seen to
 * the moment it is recorded, its records (built and read back), redaction,
 * and the sinks (the hash-chained log file, syslog, kernel audit). */
#ifndef HOSTGUARD_AUDIT_H
#define HOSTGUARD_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "policy/policy.h"
#include "util/util.h"

/* One struct describes a command from the moment it is seen (prefix,
 * supervisor, sudo plugin) to the moment it is recorded. */

enum hg_mode
{
  HG_MODE_RUN,
  HG_MODE_SHELL,
  HG_MODE_SUDO, /* the sudo approval plugin */
};

/* What happened, as recorded in `decision`. */
enum hg_decision
{
  HG_DEC_NONE = 0, /* not decided yet */
  HG_DEC_ALLOWED,
  HG_DEC_LOGGED,
  HG_DEC_CONFIRMED,
  HG_DEC_APPROVED,
  HG_DEC_DENIED,
  HG_DEC_DECLINED,
  HG_DEC_TIMEOUT,
  HG_DEC_ERROR,
  HG_DEC_WITHDRAWN, /* an approval request withdrawn by its requester (Ctrl-C) */
};

const char *hg_decision_name (enum hg_decision d);
int hg_decision_parse (const char *name, enum hg_decision *out);

struct hg_cmd
{
  char id[33]; /* 128 random bits, hex */
  enum hg_mode mode;

  /* What runs: exact bytes, never redacted here (redaction happens when a
   * record or a prompt is built). */
  char **argv; /* NULL-terminated, owned */
  size_t argc;
  char *exe; /* absolute path of the program, or NULL */
  /* The program that really runs and decided, when exe is not it (a #!
   * interpreter, a busybox applet, a copy of a rules' program), or NULL. */
  char *runs;
  char *cwd;
  char *runas; /* sudo: the user the command runs as; NULL otherwise */

  /* Who and where, from the kernel. */
  char *host;      /* short name */
  char *host_fqdn; /* NULL when only the short name is known */
  char *user;
  uid_t uid;
  char *login_user; /* from the login uid; NULL when unset */
  uid_t login_uid;  /* (uid_t) -1 when unset */
  pid_t pid;
  char *tty; /* NULL when none */
  char *boot_id;

  char *reason; /* -r/--reason, or NULL */

  /* The verdict. */
  enum hg_action action;
  char *rule;    /* NULL: no rule */
  char *message; /* NULL: none */
  unsigned approvals_needed;

  /* An approval request (set only while one exists): the digest that
   * approvals must carry, and when it expires (Unix seconds). */
  char *digest;
  char *argv_sha256; /* of the exact argv: the request shows it redacted */
  int64_t expires;
  char *approvers_group;

  /* The outcome. */
  enum hg_decision decision;
  char *note; /* a sentence for the record: "no terminal; noninteractive = allow" */
  char **approvers; /* NULL-terminated names, or NULL */
  bool break_glass;
  int exit_status;     /* -1 until it exited */
  int signal;          /* 0 unless killed by a signal */
  int64_t duration_ms; /* -1 until it exited */
  struct timespec started; /* CLOCK_MONOTONIC, when it was started */
};

/* The user name of uid, or its number when the passwd database has none
 * (containers, deleted users).  malloc'd; NULL on ENOMEM. */
char *hg_user_name (uid_t uid);

/* A process's login uid from /proc (pid 0: our own, through /proc/self),
 * or (uid_t) -1 when unset or unknown. */
uid_t hg_login_uid_of (pid_t pid);
/* The login uid a /proc/PID/loginuid file holds: 0 with *out ((uid_t) -1
 * when unset), or -1 when it cannot be read or is not strictly a uid. */
int hg_read_login_uid (const char *path, uid_t *out);

/* Fills identity (host, user, uid, login user, pid, tty, cwd, boot id, a
 * fresh id) from the kernel for the calling process, and copies argv. */
int hg_cmd_init_self (struct hg_cmd *c, enum hg_mode mode, const char *const *argv, size_t argc,
                      hg_error **err);
void hg_cmd_clear (struct hg_cmd *c);

/* The host's names from the kernel (uname) and local files only: never
 * DNS on the decision path.  *fqdn is NULL when no domain is known. */
int hg_host_names (char **short_name, char **fqdn);

/* The audit record as JSON: built in one place, read back in the same
 * file, so that escaping and unescaping can never disagree. */

struct json_object;

/* One record line (no trailing newline) for `event`, with the given seq and
 * prev (64 hex digits), from an already redacted argv.  NULL on ENOMEM. */
char *hg_record_build (const struct hg_cmd *cmd, const char *event, const char *const *redacted_argv,
                       size_t argc, unsigned long long seq, const char *prev);

/* `s` as a JSON string literal, quotes included, written as the record
 * writes its text fields (invalid UTF-8 as U+FFFD); "null" for NULL.
 * malloc'd; NULL on ENOMEM.  For other JSON output (check --json), so that
 * hostguard escapes JSON in one place. */
char *hg_json_string (const char *s);

/* The exact argv bytes of a parsed record, honouring `argv_bytes`.
 * NULL-terminated (free with strv_free); NULL when the record has no valid
 * argv. */
char **hg_record_argv (struct json_object *record, size_t *argc);

/* Secrets never reach a sink: redaction happens before a record or a
 * prompt is built, in one place. */

struct hg_redactor;

/* patterns: the policy's `redact` EREs (already validated at load). */
int hg_redactor_new (const char *const *patterns, size_t n, struct hg_redactor **out,
                     hg_error **err);
void hg_redactor_free (struct hg_redactor *r);

/* A redacted copy of argv (NULL-terminated, free with strv_free), or NULL
 * on ENOMEM.  Knows -pSECRET, --password=..., --password SECRET,
 * PGPASSWORD=, MYSQL_PWD=, user:pass@ in URLs, Authorization: and
 * *-Access-Key: headers, IDENTIFIED BY '...', and the extra patterns
 * (matched text replaced by ***). */
char **hg_redact_argv (const struct hg_redactor *r, const char *const *argv, size_t argc);

/* redact_sql.c: the SQL passwords of s[0..n), found by the SQL lexer;
 * each secret's bytes [a, b) are handed to add. */
typedef void (*hg_redact_span_fn) (void *ctx, size_t a, size_t b);
void hg_redact_sql (const char *s, size_t n, hg_redact_span_fn add, void *ctx);

/* The audit trail: one record per event, built once (redacted) and sent to
 * every sink: the hash-chained JSON Lines file (the record of truth),
 * syslog, and the kernel audit log. */

struct hg_audit;

struct hg_audit_config
{
  const char *log_dir;
  const char *const *redact; /* the policy's extra patterns */
  size_t n_redact;
  bool syslog;       /* send to syslog (LOG_AUTHPRIV) */
  bool kernel_audit; /* send AUDIT_USER_CMD when permitted */
};

/* Opens the user's log file under log_dir safely.  Fails (HG_ERR_IO with
 * the reason) when the file cannot be trusted or written: the caller then
 * refuses a non-allow command. */
int hg_audit_open (const struct hg_audit_config *cfg, const char *user, uid_t uid,
                   struct hg_audit **out, hg_error **err);

/* The same, but nothing is opened or compiled until the first record: a
 * supervised run whose programs are all allowed creates no log file and
 * pays nothing for it.  A file that cannot be opened then fails that
 * record (and the next one tries again).  cfg->log_dir and user are
 * copied; cfg->redact must live as long as the audit (the policy's). */
int hg_audit_open_lazy (const struct hg_audit_config *cfg, const char *user, uid_t uid,
                        struct hg_audit **out, hg_error **err);

/* event: "decision", "exit", "request", "approval", "policy".  Appends one
 * line under flock, fsyncs it, then tries syslog and kernel audit (which
 * never block for long and never fail the call).  Thread-safe: records of
 * one audit are written one at a time (the supervisor's threads share one,
 * and may still record after the run's own exit record). */
int hg_audit_record (struct hg_audit *a, const struct hg_cmd *cmd, const char *event,
                     hg_error **err);

void hg_audit_close (struct hg_audit *a);

/* For variables that own them: released at the end of the scope. */
static inline void
cleanup_audit_impl (struct hg_audit **a)
{
  if (*a)
    hg_audit_close (*a);
}
static inline void
cleanup_redactor_impl (struct hg_redactor **r)
{
  hg_redactor_free (*r);
}
#define cleanup_audit __attribute__ ((cleanup (cleanup_audit_impl)))
#define cleanup_redactor __attribute__ ((cleanup (cleanup_redactor_impl)))
#define cleanup_cmd __attribute__ ((cleanup (hg_cmd_clear)))

/* ---- reading records back ---- */

struct json_object;

/* Parses a record text with json-c, strictly.  NULL unless it is exactly
 * one JSON object. */
struct json_object *hg_record_parse (const char *text, size_t len);

/* A top-level string field of a record, or NULL. */
const char *hg_rec_str (struct json_object *rec, const char *key);
/* A top-level integer field of a record, or dflt. */
int64_t hg_rec_int (struct json_object *rec, const char *key, int64_t dflt);

/* The record's command (exact argv bytes, hg_record_argv) quoted for
 * display; "-" when it has none.  malloc'd, never NULL (aborts on ENOMEM). */
char *hg_rec_command (struct json_object *rec);

/* For cleanup_json: drops the reference a variable holds. */
void hg_json_put (struct json_object **o);
#define cleanup_json __attribute__ ((cleanup (hg_json_put)))

#endif
