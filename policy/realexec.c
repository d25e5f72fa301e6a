/* What the kernel really runs: the interpreter of a `#!` script, the applet
 * of a multi-call program (busybox, toybox), the program the dynamic loader
 * loads.  A rule about `rm` must see `rm` whichever of these started it.
 *
 * The `#!` line is split exactly as Linux's binfmt_script splits it (the
 * first 256 bytes; the interpreter ends at a space, tab or NUL; the rest of
 * the line, trimmed, is one argument), so that the policy decides on the
 * argv the kernel builds, not on a guess. */
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#define BINPRM_BUF_SIZE 256

static bool
spacetab (char c)
{
  return c == ' ' || c == '\t';
}

static char *
next_non_spacetab (char *first, char *last)
{
  for (; first <= last; first++)
    if (!spacetab (*first))
      return first;
  return NULL;
}

static char *
next_terminator (char *first, char *last)
{
  for (; first <= last; first++)
    if (spacetab (*first) || !*first)
      return first;
  return NULL;
}

int
hg_shebang_parse (const char *head, size_t n, char **interp, char **arg)
{
  *interp = *arg = NULL;
  if (n < 2 || head[0] != '#' || head[1] != '!')
    return HG_SHEBANG_NONE;
  char buf[BINPRM_BUF_SIZE];
  memset (buf, 0, sizeof buf);
  memcpy (buf, head, n < sizeof buf ? n : sizeof buf);
  char *buf_end = buf + sizeof buf - 1;
  char *i_end = memchr (buf, '\n', sizeof buf);
  if (!i_end)
    {
      /* A line longer than the buffer: the kernel accepts it only when
       * the interpreter's name ends inside it. */
      i_end = next_non_spacetab (buf + 2, buf_end);
      if (!i_end || !next_terminator (i_end, buf_end))
        return HG_SHEBANG_ENOEXEC;
      i_end = buf_end;
    }
  while (i_end > buf + 2 && spacetab (i_end[-1]))
    i_end--;
  *i_end = '\0';
  char *i_name = next_non_spacetab (buf + 2, i_end);
  if (!i_name || i_name == i_end || !*i_name)
    return HG_SHEBANG_ENOEXEC;
  char *i_arg = NULL;
  char *i_sep = next_terminator (i_name, i_end);
  if (i_sep && *i_sep)
    i_arg = next_non_spacetab (i_sep, i_end);
  if (i_sep)
    *i_sep = '\0';
  /* An argument that starts with a NUL is passed, empty, as the kernel
   * passes it. */
  if (!(*interp = strdup (i_name)) || (i_arg && !(*arg = strdup (i_arg))))
    {
      free (*interp);
      *interp = NULL;
      return -1;
    }
  return HG_SHEBANG_SCRIPT;
}

/* ---- programs that start another one ---- */

enum real_kind
{
  MULTICALL, /* busybox APPLET ..., or a link named after the applet */
  LOADER,    /* ld-linux-x86-64.so.2 [--options] PROGRAM ... */
};

/* Globs on the base name of the program's real path (or of a file with the
 * same content, see identity.c).  Add a row for another one. */
static const struct
{
  const char *glob;
  enum real_kind kind;
} real_launchers[] = {
  { "busybox*", MULTICALL },     { "toybox*", MULTICALL },   { "ld-linux*.so*", LOADER },
  { "ld-*.so*", LOADER },        { "ld.so", LOADER },        { "ld64.so*", LOADER },
};

/* Options of glibc's loader (elf/rtld.c), which stops at the first word
 * that is not one of them. */
static const struct
{
  const char *name;
  bool has_arg;
  bool runs_nothing;
} loader_opts[] = {
  { "--list", false, true },          { "--verify", false, true },
  { "--help", false, true },          { "--version", false, true },
  { "--list-tunables", false, true }, { "--list-diagnostics", false, true },
  { "--inhibit-cache", false, false }, { "--library-path", true, false },
  { "--inhibit-rpath", true, false }, { "--audit", true, false },
  { "--preload", true, false },       { "--argv0", true, false },
  { "--glibc-hwcaps-prepend", true, false }, { "--glibc-hwcaps-mask", true, false },
};

static int
real_kind_of (const char *const *programs, size_t n, enum real_kind *kind)
{
  for (size_t i = 0; i < n; i++)
    for (size_t k = 0; k < sizeof real_launchers / sizeof *real_launchers; k++)
      if (fnmatch (real_launchers[k].glob, hg_base_name (programs[i]), 0) == 0)
        {
          *kind = real_launchers[k].kind;
          return 1;
        }
  return 0;
}

/* ---- building the command that really runs ---- */

static int
set_words (struct hg_simple_cmd *out, const char *const *head, size_t n_head,
           const struct hg_simple_cmd *cmd, size_t from)
{
  size_t rest = from < cmd->argc ? cmd->argc - from : 0;
  size_t argc = n_head + rest;
  out->argv = calloc (argc + 1, sizeof *out->argv);
  out->dynamic = calloc (argc ? argc : 1, sizeof *out->dynamic);
  if (!out->argv || !out->dynamic)
    return -1;
  out->argc = argc;
  for (size_t i = 0; i < argc; i++)
    {
      const char *w = i < n_head ? head[i] : cmd->argv[from + i - n_head];
      if (!(out->argv[i] = strdup (w)))
        return -1;
      if (i >= n_head && cmd->dynamic)
        out->dynamic[i] = cmd->dynamic[from + i - n_head];
    }
  out->more_args = cmd->more_args;
  out->cwd_unknown = cmd->cwd_unknown;
  if ((cmd->cwd && !(out->cwd = strdup (cmd->cwd)))
      || (cmd->root && !(out->root = strdup (cmd->root)))
      || (cmd->as_user && !(out->as_user = strdup (cmd->as_user))))
    return -1;
  return 0;
}

static int
set_via (struct hg_simple_cmd *out, const struct hg_simple_cmd *cmd, const char *fmt, ...)
  __attribute__ ((format (printf, 3, 4)));
static int
set_via (struct hg_simple_cmd *out, const struct hg_simple_cmd *cmd, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  cleanup_free char *step = NULL;
  int r = vasprintf (&step, fmt, ap);
  va_end (ap);
  if (r < 0)
    return -1;
  if (cmd->via)
    return asprintf (&out->via, "%s > %s", cmd->via, step) < 0 ? -1 : 0;
  out->via = steal_pointer (&step);
  return 0;
}

static int
unknown (char **why, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));
static int
unknown (char **why, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  int r = vasprintf (why, fmt, ap);
  va_end (ap);
  return r < 0 ? -1 : HG_REAL_UNKNOWN;
}

/* The first bytes of the program: from fd when given (a memfd has no path
 * to open), else from path.  0, or an errno. */
static int
read_head (const char *path, int fd, char *buf, size_t cap, size_t *n)
{
  cleanup_close int own = -1;
  if (fd < 0)
    {
      own = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
      if (own < 0)
        return errno;
      fd = own;
    }
  else
    {
      /* An O_PATH descriptor cannot be read: open the file it names. */
      char proc[64];
      snprintf (proc, sizeof proc, "/proc/self/fd/%d", fd);
      own = open (proc, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
      if (own < 0)
        return errno;
      fd = own;
    }
  struct stat st;
  if (fstat (fd, &st) < 0)
    return errno;
  if (!S_ISREG (st.st_mode))
    return EACCES; /* the kernel runs regular files only */
  ssize_t r = pread (fd, buf, cap, 0);
  if (r < 0)
    return errno;
  *n = (size_t) r;
  return 0;
}

static int
from_shebang (const struct hg_simple_cmd *cmd, const char *program, const char *head, size_t n,
              const char *cwd, struct hg_simple_cmd *out, char **why)
{
  cleanup_free char *interp = NULL, *arg = NULL;
  int r = hg_shebang_parse (head, n, &interp, &arg);
  if (r < 0)
    return -1;
  if (r == HG_SHEBANG_NONE)
    return HG_REAL_SELF;
  if (r == HG_SHEBANG_ENOEXEC)
    return unknown (why, "%s starts with a #! line the kernel refuses (ENOEXEC): a shell may run "
                         "it as a script instead",
                    program);
  /* The kernel opens the interpreter from the caller's cwd, never through
   * PATH. */
  cleanup_free char *abs = NULL;
  if (interp[0] != '/' && asprintf (&abs, "%s/%s", cwd ? cwd : "", interp) < 0)
    return -1;
  const char *head_words[3];
  size_t nh = 0;
  head_words[nh++] = abs ? abs : interp;
  if (arg)
    head_words[nh++] = arg;
  head_words[nh++] = program;
  if (set_words (out, head_words, nh, cmd, 1) < 0
      || set_via (out, cmd, arg ? "#! %s %s" : "#! %s%s", interp, arg ? arg : "") < 0)
    return -1;
  out->script = true;
  return HG_REAL_OTHER;
}

static bool
is_multicall_name (const char *name)
{
  return strncmp (name, "busybox", 7) == 0 || strncmp (name, "toybox", 6) == 0;
}

static int
from_multicall (const struct hg_simple_cmd *cmd, const char *program, struct hg_simple_cmd *out,
                char **why)
{
  const char *name0 = hg_login_name (hg_base_name (cmd->argv[0])); /* -sh, as busybox reads it */
  size_t from = 1;
  const char *applet = name0;
  if (is_multicall_name (name0))
    {
      if (cmd->argc < 2 || cmd->argv[1][0] == '-')
        return HG_REAL_SELF; /* --list, --install, --help: no applet runs */
      if (cmd->dynamic && cmd->dynamic[1])
        return unknown (why, "cannot know which applet of %s `%s` runs", program, cmd->argv[1]);
      applet = hg_base_name (cmd->argv[1]);
      from = 2;
    }
  if (!*applet)
    return HG_REAL_SELF;
  const char *head_words[1] = { applet };
  if (set_words (out, head_words, 1, cmd, from) < 0
      || set_via (out, cmd, "%s applet %s", hg_base_name (program), applet) < 0)
    return -1;
  out->applet = true;
  return HG_REAL_OTHER;
}

static int
from_loader (const struct hg_simple_cmd *cmd, const char *program, const char *cwd,
             struct hg_simple_cmd *out, char **why)
{
  size_t i = 1;
  while (i < cmd->argc)
    {
      if (cmd->dynamic && cmd->dynamic[i])
        return unknown (why, "cannot know what the loader %s runs: `%s`", program, cmd->argv[i]);
      const char *w = cmd->argv[i];
      size_t k;
      for (k = 0; k < sizeof loader_opts / sizeof *loader_opts; k++)
        if (strcmp (w, loader_opts[k].name) == 0)
          break;
      if (k == sizeof loader_opts / sizeof *loader_opts)
        break;
      if (loader_opts[k].runs_nothing)
        return HG_REAL_SELF;
      i += loader_opts[k].has_arg ? 2 : 1;
    }
  if (i >= cmd->argc)
    return HG_REAL_SELF; /* it prints its usage */
  const char *prog = cmd->argv[i];
  cleanup_free char *abs = NULL;
  if (strchr (prog, '/') && prog[0] != '/' && asprintf (&abs, "%s/%s", cwd ? cwd : "", prog) < 0)
    return -1;
  const char *head_words[1] = { abs ? abs : prog };
  if (set_words (out, head_words, 1, cmd, i + 1) < 0
      || set_via (out, cmd, "loader %s", hg_base_name (program)) < 0)
    return -1;
  return HG_REAL_OTHER;
}

int
hg_real_command (const struct hg_simple_cmd *cmd, const char *const *programs, size_t n_programs,
                 int fd, const char *cwd, struct hg_simple_cmd *out, char **why)
{
  memset (out, 0, sizeof *out);
  *why = NULL;
  if (cmd->argc == 0 || n_programs == 0 || (cmd->dynamic && cmd->dynamic[0]))
    return HG_REAL_SELF;
  const char *program = programs[0];
  char head[BINPRM_BUF_SIZE];
  size_t n = 0;
  int e = read_head (program, fd, head, sizeof head, &n);
  if (e == ENOENT || e == ENOTDIR)
    return HG_REAL_SELF; /* nothing runs: the exec fails */
  if (e == ENOMEM)
    return -1;
  if (e)
    return unknown (why, "cannot read %s to know what it runs: %s", program, strerror (e));

  int r = from_shebang (cmd, program, head, n, cwd, out, why);
  if (r != HG_REAL_SELF)
    return r;
  enum real_kind kind;
  /* An applet is decided on its name, whatever its PATH entry is (a
   * busybox link again, on a busybox system); but `busybox busybox rm`
   * is busybox's own applet running rm. */
  if (cmd->applet)
    {
      const char *n0 = hg_login_name (hg_base_name (cmd->argv[0]));
      return is_multicall_name (n0) ? from_multicall (cmd, program, out, why) : HG_REAL_SELF;
    }
  if (!real_kind_of (programs, n_programs, &kind))
    return HG_REAL_SELF;
  return kind == MULTICALL ? from_multicall (cmd, program, out, why)
                           : from_loader (cmd, program, cwd, out, why);
}

void
hg_simple_cmd_clear (struct hg_simple_cmd *c)
{
  for (size_t i = 0; c->argv && i < c->argc; i++)
    free (c->argv[i]);
  free (c->argv);
  free (c->dynamic);
  free (c->as_user);
  free (c->via);
  free (c->cwd);
  free (c->root);
  memset (c, 0, sizeof *c);
}
