/* The command struct: who runs what, where, taken from the kernel only
 * (never from the caller's environment). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <termios.h>
#include <unistd.h>

#include "audit.h"
#include "util/util.h"

char *
hg_user_name (uid_t uid)
{
  struct passwd pw, *res = NULL;
  char buf[4096];
  if (getpwuid_r (uid, &pw, buf, sizeof buf, &res) != 0 || !res)
    {
      /* A uid without a passwd entry (containers, deleted users) still
       * gets a name the log file can carry. */
      char *s = NULL;
      return asprintf (&s, "%u", (unsigned) uid) < 0 ? NULL : s;
    }
  return strdup (res->pw_name);
}

/* The first line of a small kernel file, without its newline. */
static char *
read_line (const char *path)
{
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return NULL;
  char buf[256];
  ssize_t n = read (fd, buf, sizeof buf - 1);
  if (n <= 0)
    return NULL;
  buf[n] = '\0';
  buf[strcspn (buf, "\n")] = '\0';
  return strdup (buf);
}

static int
login_uid (uid_t *out)
{
  uid_t u = hg_login_uid_of (0); /* the strict reader peer.c uses for approvers */
  if (u == (uid_t) -1) /* never set, or unreadable */
    return -1;
  *out = u;
  return 0;
}

/* The controlling terminal's name: a standard descriptor that is our
 * controlling tty, else nothing (a tty we merely hold open is not the
 * session's). */
static char *
controlling_tty (void)
{
  pid_t sid = getsid (0);
  for (int fd = 0; fd <= 2; fd++)
    {
      if (!isatty (fd) || tcgetsid (fd) != sid)
        continue;
      char buf[PATH_MAX];
      if (ttyname_r (fd, buf, sizeof buf) == 0)
        return strdup (buf);
    }
  /* No standard descriptor on it: the kernel still knows it. */
  cleanup_close int fd = open ("/dev/tty", O_RDONLY | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0)
    return NULL;
  char buf[PATH_MAX];
  if (ttyname_r (fd, buf, sizeof buf) == 0 && strcmp (buf, "/dev/tty") != 0)
    return strdup (buf);
  return NULL;
}

static int
random_id (char out[33])
{
  unsigned char b[16];
  size_t got = 0;
  while (got < sizeof b)
    {
      ssize_t n = getrandom (b + got, sizeof b - got, 0);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return -1;
      got += (size_t) n;
    }
  for (size_t i = 0; i < sizeof b; i++)
    snprintf (out + 2 * i, 3, "%02x", b[i]);
  return 0;
}

int
hg_cmd_init_self (struct hg_cmd *c, enum hg_mode mode, const char *const *argv, size_t argc,
                  hg_error **err)
{
  memset (c, 0, sizeof *c);
  c->mode = mode;
  c->login_uid = (uid_t) -1;
  c->exit_status = -1;
  c->duration_ms = -1;
  c->decision = HG_DEC_NONE;
  clock_gettime (CLOCK_MONOTONIC, &c->started);

  if (random_id (c->id) < 0)
    return hg_fail (err, HG_ERR_IO, "cannot read random bytes for the record id: %s",
                    strerror (errno));

  c->argv = calloc (argc + 1, sizeof *c->argv);
  if (!c->argv)
    goto nomem;
  for (size_t i = 0; i < argc; i++)
    if (!(c->argv[i] = strdup (argv[i])))
      goto nomem;
  c->argc = argc;

  if (hg_host_names (&c->host, &c->host_fqdn) < 0)
    return hg_fail (err, HG_ERR_IO, "cannot read the host name: %s", strerror (errno));

  c->uid = getuid ();
  if (!(c->user = hg_user_name (c->uid)))
    goto nomem;
  uid_t luid;
  if (login_uid (&luid) == 0)
    {
      c->login_uid = luid;
      if (!(c->login_user = hg_user_name (luid)))
        goto nomem;
    }
  c->pid = getpid ();
  c->tty = controlling_tty ();
  c->cwd = getcwd (NULL, 0);
  if (!c->cwd && errno == ENOMEM)
    goto nomem;
  /* A directory removed under the caller: the record says so, the
   * decision (from the kernel's or sudo's word for the cwd) goes on. */
  if (!c->cwd && !(c->cwd = strdup ("(unreachable)")))
    goto nomem;
  c->boot_id = read_line ("/proc/sys/kernel/random/boot_id");
  return 0;

nomem:
  return hg_fail (err, HG_ERR_NOMEM, "out of memory");
}

void
hg_cmd_clear (struct hg_cmd *c)
{
  strv_free (c->argv);
  strv_free (c->approvers);
  free (c->exe);
  free (c->cwd);
  free (c->host);
  free (c->host_fqdn);
  free (c->user);
  free (c->login_user);
  free (c->tty);
  free (c->boot_id);
  free (c->reason);
  free (c->rule);
  free (c->message);
  free (c->note);
  free (c->runs);
  free (c->runas);
  free (c->digest);
  free (c->argv_sha256);
  free (c->approvers_group);
  memset (c, 0, sizeof *c);
  c->login_uid = (uid_t) -1;
  c->exit_status = -1;
  c->duration_ms = -1;
}

/* Strict: decimal digits only, no sign, no spaces, fits a uid_t. */
static int
parse_uid (const char *s, uid_t *out)
{
  if (!*s)
    return -1;
  uint64_t v = 0;
  for (; *s && *s != '\n'; s++)
    {
      if (*s < '0' || *s > '9')
        return -1;
      v = v * 10 + (uint64_t) (*s - '0');
      if (v > UINT32_MAX)
        return -1;
    }
  if (*s == '\n' && s[1])
    return -1;
  *out = (uid_t) v;
  return 0;
}

/* 0 with *out (((uid_t) -1) when the file says so), or -1 when it cannot be
 * read or says something that is not a uid. */
int
hg_read_login_uid (const char *path, uid_t *out)
{
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return -1;
  char buf[32];
  ssize_t n = read (fd, buf, sizeof buf - 1);
  if (n <= 0)
    return -1;
  buf[n] = '\0';
  return parse_uid (buf, out);
}

uid_t
hg_login_uid_of (pid_t pid)
{
  char path[64] = "/proc/self/loginuid";
  if (pid)
    snprintf (path, sizeof path, "/proc/%d/loginuid", (int) pid);
  uid_t u;
  return hg_read_login_uid (path, &u) == 0 ? u : ((uid_t) -1);
}
