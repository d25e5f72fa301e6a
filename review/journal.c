/* The local journal as the witness: `journalctl -q --no-pager -o json
 * SYSLOG_IDENTIFIER=hostguard`, its output streamed line by line into the
 * journal-export reader of wscan.c. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"
#include "audit/audit.h"
#include "policy/policy.h"
#include "util/util.h"

/* What the local journal can vouch for; one journal a run.  Each host or
 * uid outside its view is noted once (the first 64), not at every record. */
static struct
{
  char *host;
  long long uid; /* -1: the whole journal is visible */
  char **said;
  size_t nsaid;
  char why[2048];
} scope = { NULL, -1, NULL, 0, "" };

/* Whether `key` was noted already (or too many were); remembers it. */
static bool
said_before (const char *key)
{
  for (size_t i = 0; i < scope.nsaid; i++)
    if (strcmp (scope.said[i], key) == 0)
      return true;
  if (scope.nsaid >= 64)
    return true;
  char **v = realloc (scope.said, (scope.nsaid + 1) * sizeof *v);
  if (!v || !(v[scope.nsaid] = strdup (key)))
    abort ();
  scope.said = v;
  scope.nsaid++;
  return false;
}

static const char *
in_scope (void *ctx, const char *host, size_t host_len, bool has_uid, unsigned long long uid,
          bool *fatal)
{
  (void) ctx;
  char key[256];
  /* The host is what the record says, and its writer says it: a record of
   * another host may be one respelled to escape the check, so it is a
   * break, told once a host, with what to do for an honest copy. */
  if (scope.host && (!host || host_len != strlen (scope.host) || strncasecmp (host, scope.host, host_len) != 0))
    {
      cleanup_free char *h = host ? hg_escape (host, host_len) : strdup ("?");
      snprintf (key, sizeof key, "host %s", h ? h : "?");
      if (said_before (key))
        return "";
      *fatal = true;
      snprintf (scope.why, sizeof scope.why,
                "a record of host %s, and the local journal witnesses this host (%s) only: a copy "
                "from %s is verified against %s's own witness (--witness FILE), or with "
                "--witness none (later records of %s: not told again)",
                h ? h : "?", scope.host, h ? h : "?", h ? h : "?", h ? h : "?");
      return scope.why;
    }
  /* A caller who sees only their own journal is told what it does not
   * show them; they verify for themselves. */
  if (scope.uid >= 0 && (!has_uid || uid != (unsigned long long) scope.uid))
    {
      snprintf (key, sizeof key, has_uid ? "uid %llu" : "no uid", uid);
      if (said_before (key))
        return "";
      snprintf (scope.why, sizeof scope.why,
                "a record of %s, and journalctl shows you (uid %lld) only your own messages "
                "(later records of %s: not noted again)",
                key, scope.uid, key);
      return scope.why;
    }
  return NULL;
}

/* Whether journalctl shows this caller the whole journal: root, or a
 * member of the groups journald's files are readable by. */
static bool
whole_journal (void)
{
  if (geteuid () == 0)
    return true;
  int n = getgroups (0, NULL);
  cleanup_free gid_t *gids = n > 0 ? calloc ((size_t) n, sizeof *gids) : NULL;
  if (gids && (n = getgroups (n, gids)) < 0)
    n = 0;
  static const char *const names[] = { "systemd-journal", "adm", "wheel" };
  for (size_t i = 0; i < N_ELEMENTS (names); i++)
    {
      struct group *g = getgrnam (names[i]);
      if (!g)
        continue;
      if (g->gr_gid == getegid ())
        return true;
      for (int k = 0; gids && k < n; k++)
        if (gids[k] == g->gr_gid)
          return true;
    }
  return false;
}

/* The first line of what journalctl said on stderr, escaped. */
static char *
first_error_line (int fd)
{
  char buf[512];
  ssize_t got = pread (fd, buf, sizeof buf - 1, 0);
  if (got <= 0)
    return strdup ("(it said nothing)");
  buf[got] = '\0';
  buf[strcspn (buf, "\n")] = '\0';
  return hg_escape_str (buf);
}

int
hg_journal_witness (struct hg_witness **out, hg_error **err)
{
  *out = NULL;
  cleanup_free char *path = hg_locate_program ("journalctl", NULL);
  if (!path || access (path, X_OK) < 0)
    return hg_fail (err, HG_ERR_IO, "journalctl not found in %s", HG_SECURE_PATH);
  /* What it says decides the verdict: it must be root's alone. */
  if (!hg_path_root_only (path))
    return hg_fail (err, HG_ERR_UNTRUSTED, "%s is not root's alone (it, or a directory above it, "
                                           "is writable by another user): not a witness", path);
  cleanup_close int errfd = memfd_create ("journalctl-stderr", MFD_CLOEXEC);
  int pfd[2];
  if (errfd < 0 || pipe2 (pfd, O_CLOEXEC) < 0)
    return hg_fail (err, HG_ERR_IO, "journalctl: %s", strerror (errno));
  /* -a: without it, json shows a field of 4096 bytes or more as null, and
   * a long record would look never sent. */
  char *const argv[] = { (char *) "journalctl", (char *) "-q", (char *) "--no-pager", (char *) "-a",
                         (char *) "-o", (char *) "json",
                         (char *) "--output-fields=MESSAGE,SYSLOG_IDENTIFIER,_UID",
                         (char *) "SYSLOG_IDENTIFIER=hostguard", NULL };
  char *const envp[] = { (char *) "PATH=" HG_SECURE_PATH, (char *) "LC_ALL=C", NULL };
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t attr;
  sigset_t none, dfl;
  sigemptyset (&none);
  sigemptyset (&dfl);
  sigaddset (&dfl, SIGPIPE);
  posix_spawn_file_actions_init (&fa);
  posix_spawn_file_actions_addopen (&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2 (&fa, pfd[1], 1);
  posix_spawn_file_actions_adddup2 (&fa, errfd, 2);
  posix_spawn_file_actions_addclosefrom_np (&fa, 3); /* nothing else of ours */
  posix_spawnattr_init (&attr);
  posix_spawnattr_setsigmask (&attr, &none);
  posix_spawnattr_setsigdefault (&attr, &dfl);
  posix_spawnattr_setflags (&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  /* With SIGCHLD ignored (inherited), the child would be reaped unseen and
   * a failure read as success. */
  struct sigaction chld = { .sa_handler = SIG_DFL }, old_chld;
  sigemptyset (&chld.sa_mask);
  sigaction (SIGCHLD, &chld, &old_chld);
  pid_t pid;
  int rc = posix_spawn (&pid, path, &fa, &attr, argv, envp);
  posix_spawn_file_actions_destroy (&fa);
  posix_spawnattr_destroy (&attr);
  close (pfd[1]);
  if (rc != 0)
    {
      close (pfd[0]);
      sigaction (SIGCHLD, &old_chld, NULL);
      return hg_fail (err, HG_ERR_IO, "%s: %s", path, strerror (rc));
    }
  bool whole = whole_journal ();
  cleanup_free char *shortn = NULL, *fqdn = NULL;
  if (hg_host_names (&shortn, &fqdn) < 0)
    shortn = NULL;
  cleanup_free char *name = NULL;
  if ((whole ? asprintf (&name, "local journal (%s)", path)
             : asprintf (&name, "local journal (%s; uid %lld's own messages only: not root, nor in group "
                                "systemd-journal, adm or wheel)",
                         path, (long long) geteuid ()))
      < 0)
    abort ();
  struct hg_witness *w = hg_witness_new (name);
  /* Streamed: the lines are parsed as they come, never held twice. */
  struct hg_lines *r = hg_lines_from_fd (pfd[0], false);
  /* Any local user can log under our name: an entry longer than any of
   * ours (16 KiB, audit/syslog.c) is not ours, and must not stop the
   * check.  It is counted, and said. */
  if (r)
    hg_lines_skip_long (r);
  const char *line;
  size_t len, found = 0;
  int got = r ? 0 : -1;
  while (r && (got = hg_lines_next (r, &line, &len)) > 0)
    found += hg_witness_add_line (w, line, len, hg_lines_lineno (r));
  int read_errno = errno;
  size_t skipped = r ? hg_lines_skipped (r) : 0;
  hg_lines_free (r); /* closes the pipe: a journalctl still writing gets SIGPIPE */
  if (skipped)
    hg_warn ("the journal holds %zu entr%s under our name longer than any record of ours: "
             "skipped, not ours", skipped, skipped == 1 ? "y" : "ies");
  int st = 0, waited;
  while ((waited = waitpid (pid, &st, 0)) < 0 && errno == EINTR)
    ;
  sigaction (SIGCHLD, &old_chld, NULL);
  if (waited < 0)
    got = -1, read_errno = errno; /* its end unknown: the output may be cut */
  cleanup_free char *said = first_error_line (errfd);
  if (got < 0 || !WIFEXITED (st) || WEXITSTATUS (st) != 0)
    {
      hg_witness_free (w);
      /* A journal read in part (journalctl failing after hostguard
       * records, its output unreadable, its end unknown) is not "no
       * witness": the caller fails. */
      int status = got < 0 || found ? HG_ERR_UNTRUSTED : HG_ERR_IO;
      if (got < 0)
        return hg_fail (err, status, "reading %s's output, after %zu hostguard record(s): %s", path,
                         found, strerror (read_errno));
      if (WIFSIGNALED (st))
        return hg_fail (err, status, "%s killed by signal %d: %s", path, WTERMSIG (st), said);
      return hg_fail (err, status, "%s failed (exit %d): %s%s", path, WEXITSTATUS (st), said,
                       whole ? "" : " (an ordinary user, not in group systemd-journal or adm, "
                                    "can read only their own journal, and only when journald "
                                    "keeps it on disk)");
    }
  if (found == 0)
    {
      hg_witness_free (w);
      if (access ("/run/log/journal", F_OK) < 0 && access ("/var/log/journal", F_OK) < 0)
        return hg_fail (err, HG_ERR_IO, "%s found no journal on this host (no /run/log/journal "
                                         "nor /var/log/journal: is systemd-journald running?)", path);
      return hg_fail (err, HG_ERR_IO, "the journal %sholds no hostguard records",
                       whole ? "" : "you can read (your own) ");
    }
  free (scope.host);
  scope.host = shortn ? strdup (shortn) : NULL;
  scope.uid = whole ? -1 : (long long) geteuid ();
  hg_witness_set_local (w, in_scope, NULL);
  hg_witness_index (w);
  *out = w;
  return 0;
}
