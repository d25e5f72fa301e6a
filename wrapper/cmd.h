/* One struct describes a command from the moment it is seen (prefix,
 * supervisor, sudo plugin) to the moment it is recorded. */
#ifndef HOSTGUARD_CMD_H
#define HOSTGUARD_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "policy.h"

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

/* Fills identity (host, user, uid, login user, pid, tty, cwd, boot id, a
 * fresh id) from the kernel for the calling process, and copies argv. */
/* The user name of uid, or its number when the passwd database has none
 * (containers, deleted users).  malloc'd; NULL on ENOMEM. */
char *hg_user_name (uid_t uid);

int hg_cmd_init_self (struct hg_cmd *c, enum hg_mode mode, const char *const *argv, size_t argc,
                      hg_error **err);
void hg_cmd_clear (struct hg_cmd *c);

#endif
