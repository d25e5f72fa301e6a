/* Post-exec verification (see execcheck.h).  The tracer is the thread that
 * handles the notification: it seizes, answers, and waits for its one
 * tracee with __WNOTHREAD, so threads never take each other's stops. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/util.h"
#include "internal.h"

#define BINPRM_BUF 256 /* what the kernel reads of a #! line */
#define MAX_INTERP 4   /* BINPRM_MAX_RECURSION */

static int
strv_push (char ***v, size_t *n, const char *s)
{
  char **nv = realloc (*v, (*n + 2) * sizeof **v);
  if (!nv)
    return -1;
  *v = nv;
  if (!(nv[*n] = strdup (s)))
    return -1;
  nv[++*n] = NULL;
  return 0;
}

/* The #! line of the file at path, if it has one: *name and *arg (may be
 * NULL) as the kernel splits them.  1 when a script, 0 when not. */
static int
shebang (const char *path, dev_t dev, ino_t ino, char **name, char **arg)
{
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  struct stat st;
  if (fd < 0 || fstat (fd, &st) < 0 || !S_ISREG (st.st_mode) || st.st_dev != dev || st.st_ino != ino)
    return 0; /* not readable by us, or not the same file: the exe check decides */
  char buf[BINPRM_BUF];
  ssize_t n = pread (fd, buf, BINPRM_BUF, 0);
  if (n < 0)
    return 0;
  /* Split as the kernel splits it: one parser for the policy and this. */
  return hg_shebang_parse (buf, (size_t) n, name, arg) == HG_SHEBANG_SCRIPT ? 1 : 0;
}

int
hg_expect_build (const struct hg_target *t, struct hg_expect *e, hg_error **err)
{
  memset (e, 0, sizeof *e);
  e->dev = t->dev;
  e->ino = t->ino;
  if (!(e->cwd = strdup (t->cwd)))
    return hg_fail (err, HG_ERR_NOMEM, "out of memory");
  cleanup_free char *path = strdup (t->exe);
  cleanup_free char *prev = strdup (t->filename);
  for (size_t i = 0; i < t->argc; i++)
    if (strv_push (&e->argv, &e->argc, t->argv[i]) < 0)
      return hg_fail (err, HG_ERR_NOMEM, "out of memory");
  if (!path || !prev || (!e->argv && strv_push (&e->argv, &e->argc, "") < 0))
    return hg_fail (err, HG_ERR_NOMEM, "out of memory");
  if (t->argc == 0)
    e->argc = 0, free (e->argv[0]), e->argv[0] = NULL;

  /* A script: the kernel runs its interpreter, with the argv
   * [interp, arg?, name given, argv[1]...], as many levels deep as it goes. */
  for (int level = 0; level < MAX_INTERP; level++)
    {
      cleanup_free char *name = NULL, *arg = NULL;
      if (!shebang (path, e->dev, e->ino, &name, &arg))
        break;
      cleanup_strv char **nv = NULL;
      size_t nn = 0;
      if (strv_push (&nv, &nn, name) < 0 || (arg && strv_push (&nv, &nn, arg) < 0)
          || strv_push (&nv, &nn, prev) < 0)
        return hg_fail (err, HG_ERR_NOMEM, "out of memory");
      for (size_t i = 1; i < e->argc; i++)
        if (strv_push (&nv, &nn, e->argv[i]) < 0)
          return hg_fail (err, HG_ERR_NOMEM, "out of memory");
      strv_free (e->argv);
      e->argv = steal_pointer (&nv);
      e->argc = nn;

      cleanup_close int fd = hg_target_open (t->pid, AT_FDCWD, name, false);
      struct stat st;
      if (fd < 0 || fstat (fd, &st) < 0)
        break; /* the exec will fail (ENOENT): nothing runs */
      e->dev = st.st_dev;
      e->ino = st.st_ino;
      free (path);
      free (prev);
      path = hg_fd_path (fd);
      prev = steal_pointer (&name);
      if (!path)
        return hg_fail (err, HG_ERR_NOMEM, "out of memory");
    }
  return 0;
}

void
hg_expect_clear (struct hg_expect *e)
{
  strv_free (e->argv);
  free (e->cwd);
  memset (e, 0, sizeof *e);
}

char *
hg_execcheck_eperm_reason (pid_t pid, int yama_scope, bool cap_sys_ptrace)
{
  char *s = NULL;
  int r;
  if (yama_scope >= 3)
    r = asprintf (&s, "process %d cannot be verified: Yama's kernel.yama.ptrace_scope = 3 forbids "
                      "every ptrace attach, root's included, so it is not run",
                  pid);
  else if (yama_scope == 2 && !cap_sys_ptrace)
    r = asprintf (&s, "process %d cannot be verified: Yama's kernel.yama.ptrace_scope = 2 lets "
                      "only CAP_SYS_PTRACE attach, so it is not run",
                  pid);
  else
    r = asprintf (&s, "process %d is already traced (a debugger?): it cannot be verified, so it "
                      "is not run",
                  pid);
  return r < 0 ? NULL : s;
}

/* kernel.yama.ptrace_scope, or -1 without Yama. */
static int
yama_scope (void)
{
  char buf[16] = "";
  cleanup_close int fd = open ("/proc/sys/kernel/yama/ptrace_scope", O_RDONLY | O_CLOEXEC);
  if (fd < 0 || read (fd, buf, sizeof buf - 1) <= 0)
    return -1;
  return atoi (buf);
}

int
hg_execcheck_seize (pid_t pid, bool interrupt, hg_error **err)
{
  /* EXITKILL: should the supervisor die while it holds the task, the task
   * dies too rather than run unverified. */
  if (ptrace (PTRACE_SEIZE, pid, 0, PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL) < 0)
    {
      if (errno != EPERM)
        return hg_fail (err, HG_ERR_INVALID, "cannot verify process %d: %s", pid,
                         strerror (errno));
      /* EPERM is Yama as often as another tracer: say which. */
      cleanup_free char *why = hg_execcheck_eperm_reason (pid, yama_scope (), geteuid () == 0);
      return hg_fail (err, HG_ERR_INVALID, "%s", why ? why : "cannot verify the process");
    }
  /* A stop once the syscall returns: the only sign that the execve failed
   * (without it, the task would run on traced).  Needs WAIT_KILLABLE_RECV:
   * otherwise the interrupt would restart the notified syscall. */
  if (interrupt && ptrace (PTRACE_INTERRUPT, pid, 0, 0) < 0)
    return hg_fail (err, HG_ERR_INVALID, "cannot verify process %d: %s", pid, strerror (errno));
  return 0;
}

/* /proc/PID/cmdline equals argv (NUL-separated, NUL-terminated). */
static bool
same_cmdline (pid_t pid, const struct hg_expect *e)
{
  char path[64];
  snprintf (path, sizeof path, "/proc/%d/cmdline", pid);
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return false;
  size_t want = 0;
  for (size_t i = 0; i < e->argc; i++)
    want += strlen (e->argv[i]) + 1;
  cleanup_free char *buf = malloc (want + 1);
  if (!buf)
    return false;
  size_t len = 0;
  for (;;)
    {
      ssize_t n = read (fd, buf + len, want + 1 - len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return false;
      if (n == 0 || (len += (size_t) n) > want)
        break;
    }
  if (len != want)
    return false;
  const char *p = buf;
  for (size_t i = 0; i < e->argc; p += strlen (e->argv[i]) + 1, i++)
    if (strcmp (p, e->argv[i]) != 0)
      return false;
  return true;
}

static char *
mismatch (pid_t pid, const struct hg_expect *e)
{
  char path[64];
  snprintf (path, sizeof path, "/proc/%d/exe", pid);
  struct stat st;
  char *why = NULL;
  if (stat (path, &st) < 0 || st.st_dev != e->dev || st.st_ino != e->ino)
    {
      char buf[4096] = "?";
      ssize_t n = readlink (path, buf, sizeof buf - 1);
      buf[n > 0 ? n : 1] = '\0';
      if (asprintf (&why, "the program was swapped after the check (%s ran instead)", buf) < 0)
        why = NULL;
      return why ? why : strdup ("the program was swapped after the check");
    }
  if (!same_cmdline (pid, e))
    return strdup ("the arguments were changed after the check");
  /* The same string the decision saw: the policy matched paths as the cwd
   * joined with relative arguments, so a different directory (even one
   * renamed into the old name's place would read the same, and then the
   * paths it decided on are the same too) means a different decision. */
  snprintf (path, sizeof path, "/proc/%d/cwd", pid);
  char buf[4096];
  ssize_t n = readlink (path, buf, sizeof buf - 1);
  if (n < 0 || (size_t) n != strlen (e->cwd) || memcmp (buf, e->cwd, (size_t) n) != 0)
    {
      buf[n > 0 ? n : 0] = '\0';
      if (asprintf (&why, "the working directory was changed after the check (%s, not %s)",
                    n > 0 ? buf : "?", e->cwd)
          < 0)
        why = NULL;
      return why ? why : strdup ("the working directory was changed after the check");
    }
  return NULL;
}

/* Reaps our tracee after a kill (the exit is ours to collect first). */
static void
reap (void)
{
  int st;
  while (waitpid (-1, &st, __WALL | __WNOTHREAD) >= 0 || errno == EINTR)
    if (WIFEXITED (st) || WIFSIGNALED (st))
      return;
}

enum hg_execcheck_result
hg_execcheck_wait (pid_t pid, const struct hg_expect *e, char **why)
{
  (void) pid; /* the tracee is this thread's only one: see waitpid below */
  *why = NULL;
  for (;;)
    {
      int st;
      /* -1: a non-leader thread that execs takes its process's pid. */
      pid_t w = waitpid (-1, &st, __WALL | __WNOTHREAD);
      if (w < 0 && errno == EINTR)
        continue;
      if (w < 0 || WIFEXITED (st) || WIFSIGNALED (st))
        return HG_EXECCHECK_DIED;
      if (!WIFSTOPPED (st))
        continue;
      int event = st >> 16;
      if (event == PTRACE_EVENT_EXEC && e)
        {
          *why = mismatch (w, e);
          if (*why)
            {
              kill (w, SIGKILL); /* in the exec stop: not one instruction ran */
              reap ();
              return HG_EXECCHECK_MISMATCH;
            }
          ptrace (PTRACE_DETACH, w, 0, 0);
          return HG_EXECCHECK_OK;
        }
      /* Any other stop before the exec stop: the execve failed and the old
       * program goes on.  A signal that stopped it is handed back. */
      int sig = event == 0 ? WSTOPSIG (st) : 0;
      ptrace (PTRACE_DETACH, w, 0, sig);
      return HG_EXECCHECK_NOEXEC;
    }
}

void
hg_execcheck_release (pid_t pid)
{
  char *why = NULL;
  hg_execcheck_wait (pid, NULL, &why);
  free (why);
}
