/* The approver's commands: `pending`, `approve ID`, `deny ID`.
 *
 * What an approver reads comes from a spool any user may write to, so
 * every entry is checked (spool.c) and every string escaped before it
 * reaches the terminal.  The approver's word goes to the requester over
 * the entry's socket, whose holder must be the entry's owner; the
 * requester, not this client, decides whether the approval counts. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <json-c/json.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "approval/approval.h"
#include "audit/audit.h"
#include "program.h"
#include "util/util.h"
#include "review/review.h"

#define ANSWER_TIMEOUT_MS 10000
#define EXIT_GONE 1 /* no such request, or its requester is gone */

static void
approver_usage (FILE *out)
{
  fputs ("usage: hostguard pending [--json] [-f POLICY]\n"
         "       hostguard approve ID [--reason TEXT] [-f POLICY]\n"
         "       hostguard deny ID [--reason TEXT] [-f POLICY]\n",
         out);
}

struct approver_opts
{
  bool json;
  const char *reason, *policy;
};

/* The options of pending (`shortopts` "+jf:h") and of approve and deny
 * ("r:f:h": options may follow the ID): -1 to go on, else the exit
 * status. */
static int
parse_opts (int argc, char **argv, const char *shortopts, struct approver_opts *o)
{
  static const struct option opts[] = { { "json", no_argument, NULL, 'j' },
                                        { "reason", required_argument, NULL, 'r' },
                                        { "policy", required_argument, NULL, 'f' },
                                        { "help", no_argument, NULL, 'h' },
                                        { NULL, 0, NULL, 0 } };
  *o = (struct approver_opts) { 0 };
  optind = 0;
  opterr = 0;
  int c;
  while ((c = getopt_long (argc, argv, shortopts, opts, NULL)) != -1)
    {
      /* A long option of the other commands is refused like an unknown one. */
      const char *bad = argv[optind - 1];
      if (c != '?' && c != ':' && !strchr (shortopts, c))
        {
          if (optarg && optarg == argv[optind - 1] && optind >= 2)
            bad = argv[optind - 2]; /* "--reason TEXT": name the option */
          c = '?';
        }
      switch (c)
        {
        case 'j':
          o->json = true;
          break;
        case 'r':
          o->reason = optarg;
          break;
        case 'f':
          o->policy = optarg;
          break;
        case 'h':
          approver_usage (stdout);
          return 0;
        default:
          hg_warn ("unknown or incomplete option '%s'", bad);
          approver_usage (stderr);
          return HG_EXIT_USAGE;
        }
    }
  return -1;
}

static int
load (const char *path, hg_policy **pol, int *dirfd)
{
  cleanup_error hg_error *err = NULL;
  if (hg_policy_load_file (hg_policy_path (path), HG_LOAD_TRUSTED_ONLY, pol, &err) < 0)
    return hg_report_error (err);
  if (hg_spool_open (hg_policy_settings (*pol)->spool, dirfd, &err) < 0)
    {
      hg_warn ("%s", hg_error_message (err));
      return EXIT_GONE;
    }
  return 0;
}

/* What the approver is shown must be what the approval binds: the digest
 * is computed here from the file, and a file whose own digest differs
 * (edited after it was made: its owner may) is refused.  The requester
 * compares what is sent with the digest of what it will run. */
static int
shown_digest (json_object *rec, const char *id, char out[65], hg_error **err)
{
  const char *claimed = hg_rec_str (rec, "digest");
  if (!claimed || hg_record_digest (rec, out) < 0)
    return hg_fail (err, HG_ERR_INVALID, "request %s lacks its command or its digest: refused",
                     id);
  if (strcmp (out, claimed) != 0)
    return hg_fail (err, HG_ERR_INVALID,
                     "request %s does not match its digest (changed after it was made?): refused",
                     id);
  return 0;
}

/* The names shown must be the uids' as this host knows them: a request
 * may not show one person's name for another's uid, as its user (the name
 * the approver types) or as its login user. */
static bool
names_uid (const char *name, int64_t uid)
{
  cleanup_free char *known = hg_user_name ((uid_t) uid);
  return known && strcmp (known, name) == 0;
}

static int
check_user_name (json_object *rec, const char *id, hg_error **err)
{
  const char *user = hg_rec_str (rec, "user"), *login = hg_rec_str (rec, "login_user");
  int64_t uid = hg_rec_int (rec, "uid", -1), login_uid = hg_rec_int (rec, "login_uid", -1);
  if (!user || uid < 0 || uid > (int64_t) UINT32_MAX - 1)
    return hg_fail (err, HG_ERR_INVALID, "request %s names no user: refused", id);
  if (!names_uid (user, uid))
    return hg_fail (err, HG_ERR_INVALID, "request %s: user '%s' is not the name of uid %lld here: "
                     "refused", id, user, (long long) uid);
  if (login && login_uid >= 0 && login_uid < (int64_t) UINT32_MAX && !names_uid (login, login_uid))
    return hg_fail (err, HG_ERR_INVALID,
                     "request %s: login user '%s' is not the name of login uid %lld here: refused",
                     id, login, (long long) login_uid);
  return 0;
}

/* ---- pending ---- */

static void
print_row (json_object *rec, const char *id, int64_t left)
{
  cleanup_free char *user = hg_escape_str (hg_rec_str (rec, "user"));
  cleanup_free char *tty = hg_escape_str (hg_rec_str (rec, "tty"));
  cleanup_free char *rule = hg_escape_str (hg_rec_str (rec, "rule"));
  cleanup_free char *cmd = hg_rec_command (rec);
  printf ("%s  %-10s %-8s %3lld:%02lld  %-20s %s\n", id, user, tty, (long long) left / 60,
          (long long) left % 60, rule, cmd);
}

int
hg_main_pending (int argc, char **argv)
{
  struct approver_opts o;
  int done = parse_opts (argc, argv, "+jf:h", &o);
  if (done >= 0)
    return done;
  bool json = o.json;
  const char *policy = o.policy;
  if (optind < argc)
    {
      hg_warn ("pending takes no arguments");
      approver_usage (stderr);
      return HG_EXIT_USAGE;
    }
  cleanup_policy hg_policy *pol = NULL;
  int dirfd = -1;
  int r = load (policy, &pol, &dirfd);
  if (r)
    return r;
  cleanup_close int dfd = dirfd;
  cleanup_error hg_error *err = NULL;
  cleanup_strv char **ids = NULL;
  if (hg_spool_list (dfd, &ids, &err) < 0)
    {
      hg_warn ("%s", hg_error_message (err));
      return EXIT_GONE;
    }
  time_t now = time (NULL);
  unsigned shown = 0;
  for (size_t i = 0; ids[i]; i++)
    {
      /* Liveness first, from the directory and its socket: a planted
       * entry nobody listens on costs a connect, not the parse of up to
       * 6 MiB.  One still being made (not yet 0755) is left alone. */
      struct stat dst;
      if (fstatat (dfd, ids[i], &dst, AT_SYMLINK_NOFOLLOW) < 0)
        continue; /* gone meanwhile */
      if (!S_ISDIR (dst.st_mode))
        {
          hg_warn ("skipped: request %s: not a directory (a symlink?): refused", ids[i]);
          continue;
        }
      if (!(dst.st_mode & S_IXOTH))
        continue;
      if (!hg_spool_alive (dfd, ids[i]))
        {
          /* A requester that died (kill -9, a reboot of its session)
           * leaves its entry: its owner or root clears it, others skip. */
          if (geteuid () == 0 || geteuid () == dst.st_uid)
            hg_spool_remove_seen (dfd, ids[i], &dst);
          continue;
        }
      cleanup_json json_object *rec = NULL;
      uid_t owner;
      bool gone;
      cleanup_error hg_error *rerr = NULL;
      if (hg_spool_read (dfd, ids[i], &rec, &owner, &gone, &rerr) < 0)
        {
          if (!gone)
            hg_warn ("skipped: %s", hg_error_message (rerr));
          continue;
        }
      char digest[65];
      if (shown_digest (rec, ids[i], digest, &rerr) < 0 || check_user_name (rec, ids[i], &rerr) < 0)
        {
          cleanup_free char *why = hg_escape_str (hg_error_message (rerr));
          hg_warn ("skipped: %s", why);
          continue;
        }
      int64_t left = hg_rec_int (rec, "expires", 0) - (int64_t) now;
      if (left <= 0)
        continue; /* its requester removes it as it gives up */
      if (json)
        {
          json_object_object_add (rec, "left", json_object_new_int64 (left));
          const char *line = json_object_to_json_string_ext (rec, JSON_C_TO_STRING_PLAIN);
          /* JSON may carry any character as itself, a terminal's escape
           * sequences too: escaped when a person reads it. */
          cleanup_free char *escaped = isatty (STDOUT_FILENO) ? hg_escape_str (line) : NULL;
          puts (escaped ? escaped : line);
        }
      else
        {
          if (!shown)
            printf ("%-32s  %-10s %-8s %6s  %-20s %s\n", "ID", "USER", "TTY", "LEFT", "RULE",
                    "COMMAND");
          print_row (rec, ids[i], left);
        }
      shown++;
    }
  if (!json && !shown)
    puts ("no pending requests");
  return 0;
}

/* ---- approve, deny ---- */

static void
show (json_object *rec, int64_t left)
{
  static const char *const rows[][2] = {
    { "host:", "host" }, { "user:", "user" },       { "login user:", "login_user" },
    { "tty:", "tty" },   { "cwd:", "cwd" },         { "program:", "exe" },
    { "rule:", "rule" },
    { "message:", "message" }, { "reason:", "reason" },
  };
  cleanup_free char *id = hg_escape_str (hg_rec_str (rec, "id"));
  printf ("request %s\n", id);
  for (size_t i = 0; i < N_ELEMENTS (rows); i++)
    {
      cleanup_free char *v = hg_escape_str (hg_rec_str (rec, rows[i][1]));
      if (strcmp (rows[i][1], "user") == 0)
        printf ("  %-12s %s (uid %lld)\n", rows[i][0], v, (long long) hg_rec_int (rec, "uid", -1));
      else
        printf ("  %-12s %s\n", rows[i][0], v);
    }
  cleanup_free char *cmd = hg_rec_command (rec);
  printf ("  %-12s %s\n", "command:", cmd);
  printf ("  %-12s %lld distinct people\n", "approvals:", (long long) hg_rec_int (rec, "approvals", 1));
  printf ("  %-12s %lld:%02lld\n", "time left:", (long long) left / 60, (long long) left % 60);
  fflush (stdout);
}

/* The approver's own record of what they did. */
static int
open_own_log (const hg_policy *pol, struct hg_cmd *me, json_object *rec, const char *reason,
              struct hg_audit **a, hg_error **err)
{
  size_t argc = 0;
  cleanup_strv char **argv = hg_record_argv (rec, &argc);
  const char *const none[] = { "-", NULL };
  if (hg_cmd_init_self (me, HG_MODE_RUN, argv ? (const char *const *) argv : none,
                        argv ? argc : 1, err)
      < 0)
    return -1;
  snprintf (me->id, sizeof me->id, "%s", hg_rec_str (rec, "id"));
  const char *rule = hg_rec_str (rec, "rule"), *msg = hg_rec_str (rec, "message");
  me->rule = rule ? strdup (rule) : NULL;
  me->message = msg ? strdup (msg) : NULL;
  me->reason = reason ? strdup (reason) : NULL;
  me->action = HG_ACTION_APPROVE;
  const struct hg_settings *s = hg_policy_settings (pol);
  struct hg_audit_config cfg = { .log_dir = s->log_dir, .redact = s->redact,
                                 .n_redact = s->n_redact, .syslog = true, .kernel_audit = true };
  return hg_audit_open (&cfg, me->user, me->uid, a, err);
}

static int
send_verdict (int fd, const struct hg_approval_msg *m, struct hg_approval_reply *rep,
              hg_error **err)
{
  cleanup_free char *line = hg_approval_msg_build (m);
  if (!line)
    return hg_fail (err, HG_ERR_NOMEM, "out of memory");
  size_t n = strlen (line);
  /* A refusal may come before our message is read (a non-member is
   * answered as it connects): a failed send still reads that answer. */
  int send_errno = send (fd, line, n, MSG_NOSIGNAL) == (ssize_t) n ? 0 : errno;
  char buf[HG_APPROVAL_MSG_MAX];
  size_t len = 0;
  /* One deadline for the whole answer: a requester that trickles bytes
   * does not hold the approver's terminal. */
  struct timespec t0;
  clock_gettime (CLOCK_MONOTONIC, &t0);
  while (len < sizeof buf && !memchr (buf, '\n', len))
    {
      struct timespec now;
      clock_gettime (CLOCK_MONOTONIC, &now);
      long long spent = (now.tv_sec - t0.tv_sec) * 1000LL + (now.tv_nsec - t0.tv_nsec) / 1000000;
      struct pollfd p = { .fd = fd, .events = POLLIN };
      if (spent >= ANSWER_TIMEOUT_MS || poll (&p, 1, (int) (ANSWER_TIMEOUT_MS - spent)) <= 0)
        return hg_fail (err, HG_ERR_IO, "the requester did not answer");
      ssize_t r = recv (fd, buf + len, sizeof buf - len, 0);
      if (r <= 0 && send_errno)
        return hg_fail (err, HG_ERR_IO, "cannot reach the requester: %s", strerror (send_errno));
      if (r <= 0)
        return hg_fail (err, HG_ERR_IO, "the requester hung up without an answer");
      len += (size_t) r;
    }
  const char *why = NULL;
  if (hg_approval_reply_parse (buf, len, rep, &why) < 0)
    return hg_fail (err, HG_ERR_IO, "the requester's answer is malformed: %s", why);
  return 0;
}

static int
answer (int argc, char **argv, bool approving)
{
  struct approver_opts o;
  int done = parse_opts (argc, argv, "r:f:h", &o);
  if (done >= 0)
    return done;
  const char *reason = o.reason, *policy = o.policy;
  if (optind != argc - 1 || !hg_request_id_valid (argv[optind]))
    {
      hg_warn (optind == argc - 1 ? "'%s' is not a request ID (32 hex digits, see hostguard pending)"
                                  : "%s needs exactly one request ID",
               optind == argc - 1 ? argv[optind] : argv[0]);
      approver_usage (stderr);
      return HG_EXIT_USAGE;
    }
  if (reason && strlen (reason) > HG_REASON_MAX)
    {
      hg_warn ("the reason is longer than %d bytes", HG_REASON_MAX);
      return HG_EXIT_USAGE;
    }
  const char *id = argv[optind];
  cleanup_policy hg_policy *pol = NULL;
  int dirfd = -1;
  int r = load (policy, &pol, &dirfd);
  if (r)
    return r;
  cleanup_close int dfd = dirfd;
  cleanup_error hg_error *err = NULL;
  cleanup_json json_object *rec = NULL;
  uid_t owner;
  bool gone;
  if (hg_spool_read (dfd, id, &rec, &owner, &gone, &err) < 0)
    {
      hg_warn ("%s", hg_error_message (err));
      return gone ? EXIT_GONE : HG_EXIT_REFUSED;
    }
  int64_t left = hg_rec_int (rec, "expires", 0) - (int64_t) time (NULL);
  if (left <= 0)
    {
      hg_warn ("request %s has expired", id);
      return HG_EXIT_REFUSED;
    }
  char digest[65];
  if (shown_digest (rec, id, digest, &err) < 0 || check_user_name (rec, id, &err) < 0)
    {
      cleanup_free char *why = hg_escape_str (hg_error_message (err));
      hg_warn ("%s", why);
      return HG_EXIT_REFUSED;
    }
  show (rec, left);

  /* Said here for the person at the keyboard; decided by the requester. */
  uid_t my_login = hg_login_uid_of (0);
  if (hg_same_person (getuid (), my_login, (uid_t) hg_rec_int (rec, "uid", -1),
                      (uid_t) hg_rec_int (rec, "login_uid", -1)))
    {
      hg_warn ("this is your own request (same uid or login uid): someone else must %s it",
               approving ? "approve" : "deny");
      return HG_EXIT_REFUSED;
    }
  if (approving && getuid () == 0)
    {
      hg_warn ("root cannot approve (it could be anyone): approve from your own account");
      return HG_EXIT_REFUSED;
    }
  const char *user = hg_rec_str (rec, "user");
  if (approving)
    {
      cleanup_free char *text = NULL;
      cleanup_free char *u = hg_escape_str (user);
      if (asprintf (&text, "\nApprove this command as %s's second pair of eyes?\n", u) < 0)
        text = NULL;
      cleanup_error hg_error *perr = NULL;
      enum hg_prompt_answer a
          = hg_prompt_expect (text ? text : "", "Type the requester's user name to approve: ",
                              user ? user : "", &perr);
      if (a != HG_PROMPT_YES)
        {
          hg_warn ("not approved: %s",
                   a == HG_PROMPT_NO_TTY  ? "approving needs a terminal to confirm on"
                   : a == HG_PROMPT_ERROR ? hg_error_message (perr)
                                          : "that is not the requester's name");
          return HG_EXIT_REFUSED;
        }
    }

  struct hg_cmd me;
  cleanup_audit struct hg_audit *a = NULL;
  if (open_own_log (pol, &me, rec, reason, &a, &err) < 0)
    {
      hg_cmd_clear (&me);
      hg_warn ("not sent: your %s cannot be recorded: %s", approving ? "approval" : "refusal",
               hg_error_message (err));
      return HG_EXIT_REFUSED;
    }
  int fd = -1;
  struct hg_approval_msg m = { .approve = approving, .reason = (char *) reason };
  snprintf (m.id, sizeof m.id, "%s", id);
  snprintf (m.digest, sizeof m.digest, "%s", digest);
  struct hg_approval_reply rep = { 0 };
  int status = 0;
  if (hg_spool_connect (dfd, id, owner, &fd, &err) < 0 || send_verdict (fd, &m, &rep, &err) < 0)
    {
      hg_warn ("%s", hg_error_message (err));
      status = EXIT_GONE;
    }
  else
    {
      cleanup_free char *msg = hg_escape_str (rep.message);
      if (rep.ok)
        printf ("hostguard: %s: %s (%u of %u)\n", approving ? "approved" : "denied", msg,
                rep.have, rep.need);
      else
        hg_warn ("refused by the requester's hostguard: %s", msg);
      status = rep.ok ? 0 : HG_EXIT_REFUSED;
    }
  if (fd >= 0)
    close (fd);
  me.decision = status == 0 ? (approving ? HG_DEC_APPROVED : HG_DEC_DENIED) : HG_DEC_ERROR;
  if (asprintf (&me.note, "%s of %s's request: %s%s%s", approving ? "approval" : "refusal",
                user ? user : "?", status == 0 ? "accepted" : "not accepted",
                rep.message && status ? ": " : "", rep.message && status ? rep.message : "")
      < 0)
    me.note = NULL;
  cleanup_error hg_error *rerr = NULL;
  if (hg_audit_record (a, &me, "approval", &rerr) < 0)
    hg_warn ("your %s could not be recorded: %s", approving ? "approval" : "refusal",
             hg_error_message (rerr));
  hg_approval_reply_clear (&rep);
  hg_cmd_clear (&me);
  return status;
}

int
hg_main_approve (int argc, char **argv)
{
  return answer (argc, argv, true);
}

int
hg_main_deny (int argc, char **argv)
{
  return answer (argc, argv, false);
}
