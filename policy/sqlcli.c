/* The SQL a MariaDB/MySQL client command line will run: its options read
 * as the client reads them (sqlopts.c), then the statements of -e,
 * --init-command, `source FILE` and a regular file on its standard input,
 * through the lexer, with a cap on what is read.  What cannot be
 * read (a pipe, a file too large or unreadable, PREPARE from a variable)
 * is reported as unknown, for the caller to escalate. */
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "internal.h"
#include "sqlkind.h"

/* ---- reading SQL ---- */

struct reading
{
  struct hg_sql_facts *sf;
  const char *cwd;
  const char *what; /* "-e", "dump.sql", ... */
  uint64_t n_stmt;
  uint64_t budget; /* bytes that may still be read from files */
  unsigned depth;  /* source nesting */
  struct hg_sql_lexer *lx;
  bool oom;
};

#define MAX_SOURCE_DEPTH 8
#define CHUNK (1u << 20)

static int read_file (struct reading *rd, const char *path, const char *name, int fd);

static int
note_unknown (struct reading *rd, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

static int
note_unknown (struct reading *rd, const char *fmt, ...)
{
  if (rd->sf->unknown)
    return 0;
  va_list ap;
  va_start (ap, fmt);
  if (vasprintf (&rd->sf->unknown, fmt, ap) < 0)
    {
      rd->sf->unknown = NULL;
      rd->oom = true;
    }
  va_end (ap);
  return rd->oom ? -1 : 0;
}

static int
source_file (struct reading *rd, const struct hg_sql_stmt *st)
{
  if (st->n < 2 || st->tok[1].truncated)
    return note_unknown (rd, "%s: a source command without a readable file name", rd->what);
  const char *name = st->tok[1].text;
  if (name[0] == '~')
    return note_unknown (rd, "%s: source %s: a home directory is the caller's, not known here",
                         rd->what, name);
  if (rd->depth + 1 >= MAX_SOURCE_DEPTH)
    return note_unknown (rd, "%s: source files nested more than %d deep", rd->what, MAX_SOURCE_DEPTH);
  if (name[0] != '/' && !rd->cwd)
    return note_unknown (rd, "%s: source %s: relative to a directory a `cd` chose at run time",
                         rd->what, name);
  cleanup_free char *path = NULL;
  if (name[0] == '/')
    path = strdup (name);
  else if (asprintf (&path, "%s/%s", rd->cwd, name) < 0)
    path = NULL;
  if (!path)
    return -1;
  return read_file (rd, path, name, -1);
}

static int
on_statement (void *arg, const struct hg_sql_stmt *st)
{
  struct reading *rd = arg;
  rd->n_stmt++;
  const char *unknown = NULL;
  uint64_t kinds = hg_sql_classify (st, &unknown);
  uint64_t fresh = kinds & ~rd->sf->kinds;
  rd->sf->kinds |= kinds;
  if (fresh || unknown)
    {
      cleanup_free char *text = hg_sql_stmt_render (st, 160);
      if (!text)
        return -1;
      for (unsigned k = 0; k < HG_SQLK_COUNT; k++)
        if ((fresh >> k) & 1
            && asprintf (&rd->sf->where[k], "%s, statement %llu, line %llu: %s",
                         rd->what, (unsigned long long) rd->n_stmt, (unsigned long long) st->line,
                         text) < 0)
          return -1;
      if (unknown && note_unknown (rd, "%s, statement %llu, line %llu: %s: %s", rd->what,
                                   (unsigned long long) rd->n_stmt,
                                   (unsigned long long) st->line, text, unknown) < 0)
        return -1;
    }
  if (st->client && st->n > 0 && hg_sql_is (&st->tok[0], "SOURCE"))
    return source_file (rd, st);
  return 0;
}

/* Lexes a whole string: -e, --init-command. */
static int
read_text (struct reading *rd, const char *what, const char *text, unsigned flags,
           const char *delimiter)
{
  struct reading sub = *rd;
  sub.what = what;
  sub.n_stmt = 0;
  sub.lx = hg_sql_lexer_new (flags, on_statement, &sub);
  if (!sub.lx)
    return -1;
  if (delimiter)
    hg_sql_lexer_set_delimiter (sub.lx, delimiter);
  size_t used;
  int r = hg_sql_lex_feed (sub.lx, text, strlen (text), true, &used);
  hg_sql_lexer_free (sub.lx);
  rd->budget = sub.budget;
  rd->oom |= sub.oom;
  return r;
}

/* Reads a regular file (path, or fd when >= 0: from its offset, which is
 * left where it was) in chunks through the lexer. */
static int
read_file (struct reading *rd, const char *path, const char *name, int fd)
{
  int own = -1;
  if (fd < 0)
    {
      own = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
      if (own < 0)
        return note_unknown (rd, "%s: source %s: cannot be read (%m)", rd->what, name);
      fd = own;
    }
  struct stat st;
  off_t pos = own >= 0 ? 0 : lseek (fd, 0, SEEK_CUR);
  int r = 0;
  if (fstat (fd, &st) < 0 || !S_ISREG (st.st_mode))
    r = note_unknown (rd, "%s: %s is not a regular file", rd->what, name);
  else if (pos < 0)
    r = note_unknown (rd, "%s: %s cannot be read from where it stands", rd->what, name);
  else if ((uint64_t) (st.st_size > pos ? st.st_size - pos : 0) > rd->budget)
    r = note_unknown (rd, "%s: %s is larger than %llu MiB: not read", rd->what, name,
                      (unsigned long long) (HG_SQL_READ_CAP >> 20));
  if (r != 0 || rd->sf->unknown)
    {
      if (own >= 0)
        close (own);
      return r;
    }
  struct reading sub = *rd;
  sub.what = name;
  sub.n_stmt = 0;
  sub.depth = rd->depth + 1;
  char *buf = malloc (CHUNK + HG_SQL_LOOKAHEAD);
  sub.lx = hg_sql_lexer_new (HG_SQL_CLIENT, on_statement, &sub);
  size_t have = 0;
  bool eof = false;
  r = buf && sub.lx ? 0 : -1;
  while (r == 0 && !eof)
    {
      ssize_t k = pread (fd, buf + have, CHUNK, pos);
      if (k < 0)
        {
          r = note_unknown (rd, "%s: %s: read error (%m)", rd->what, name);
          break;
        }
      if ((uint64_t) k > sub.budget)
        {
          r = note_unknown (rd, "%s: %s grew past %llu MiB: not read to its end", rd->what, name,
                            (unsigned long long) (HG_SQL_READ_CAP >> 20));
          break;
        }
      sub.budget -= (uint64_t) k;
      pos += k;
      have += (size_t) k;
      eof = k == 0;
      size_t used;
      r = hg_sql_lex_feed (sub.lx, buf, have, eof, &used);
      memmove (buf, buf + used, have - used);
      have -= used;
    }
  hg_sql_lexer_free (sub.lx);
  free (buf);
  if (own >= 0)
    close (own);
  rd->budget = sub.budget;
  rd->oom |= sub.oom;
  return r;
}

/* ---- the command line ---- */

struct cli
{
  struct reading *rd;
  const char **execute; /* every -e, read once the options are all known */
  size_t n_execute;
  const char *delimiter;
};

static int
on_mysql_option (void *arg, int role, const char *value)
{
  struct cli *c = arg;
  if (role == HG_SQL_OPT_DELIMITER)
    c->delimiter = value; /* the last one counts, wherever it stands */
  if (role == HG_SQL_OPT_EXECUTE)
    c->execute[c->n_execute++] = value;
  if (role == HG_SQL_OPT_INIT)
    return read_text (c->rd, "--init-command", value, 0, NULL);
  return 0;
}

/* Whether the command's standard input is the request's: not when a
 * shell string (which may redirect it) or xargs started it. */
static bool
stdin_is_requests (const struct hg_simple_cmd *cmd, bool outer)
{
  if (outer || !cmd->via)
    return true;
  return !strstr (cmd->via, " -c") && !strstr (cmd->via, "xargs");
}

static int
read_stdin (struct reading *rd, const struct hg_simple_cmd *cmd, const struct hg_request *req,
            bool outer)
{
  if (!stdin_is_requests (cmd, outer))
    return note_unknown (rd, "%s reads its SQL from a standard input that a shell string or xargs "
                             "chose",
                         cmd->argv[0]);
  if (!req->has_stdin_fd)
    return 0; /* taken as a terminal: typed by the operator, as it runs */
  struct stat st;
  if (fstat (req->stdin_fd, &st) < 0)
    return note_unknown (rd, "%s reads its SQL from a standard input that cannot be examined",
                         cmd->argv[0]);
  if (S_ISCHR (st.st_mode))
    {
      if (isatty (req->stdin_fd) || st.st_rdev == makedev (1, 3))
        return 0; /* a terminal, or /dev/null */
      return note_unknown (rd, "%s reads its SQL from a device", cmd->argv[0]);
    }
  if (!S_ISREG (st.st_mode))
    return note_unknown (rd, "%s reads its SQL from a pipe or socket, not known before it runs",
                         cmd->argv[0]);
  char link[64], target[PATH_MAX];
  snprintf (link, sizeof link, "/proc/self/fd/%d", req->stdin_fd);
  ssize_t n = readlink (link, target, sizeof target - 1);
  target[n > 0 ? n : 0] = '\0';
  cleanup_free char *name = NULL;
  if (asprintf (&name, "%s (standard input)", n > 0 ? target : "a file") < 0)
    return -1;
  return read_file (rd, NULL, name, req->stdin_fd);
}

int
hg_sql_facts_read (struct hg_sql_facts *sf, const struct hg_simple_cmd *cmd,
                   const char *const *names, size_t n_names, const struct hg_request *req,
                   bool outer)
{
  memset (sf, 0, sizeof *sf);
  enum hg_sql_client kind = hg_sql_client_of (names, n_names);
  if (kind == HG_SQL_NO_CLIENT)
    return 0;
  sf->client = true;
  const char *const *argv = (const char *const *) cmd->argv;
  if (kind == HG_SQL_ADMIN)
    return hg_sql_admin_kinds (argv, cmd->argc, sf);
  cleanup_free char *cwd = NULL;
  if (cmd->cwd && cmd->cwd[0] != '/' && asprintf (&cwd, "%s/%s", req->cwd ? req->cwd : "", cmd->cwd) < 0)
    return -1;
  struct reading rd = { sf, cwd ? cwd : cmd->cwd ? cmd->cwd : req->cwd, "-e", 0, HG_SQL_READ_CAP, 0,
                        NULL, false };
  if (cmd->cwd_unknown)
    rd.cwd = NULL;
  cleanup_free const char **execute = calloc (cmd->argc + 1, sizeof *execute);
  if (!execute)
    return -1;
  struct cli c = { &rd, execute, 0, NULL };
  int r = hg_sql_mysql_options (argv, cmd->argc, on_mysql_option, &c);
  for (size_t i = 0; r == 0 && i < c.n_execute; i++)
    r = read_text (&rd, "-e", execute[i], HG_SQL_CLIENT, c.delimiter);
  /* With -e the client reads nothing from its standard input. */
  if (r == 0 && c.n_execute == 0)
    r = read_stdin (&rd, cmd, req, outer);
  return r < 0 || rd.oom ? -1 : 0;
}

void
hg_sql_facts_free (struct hg_sql_facts *sf)
{
  for (unsigned k = 0; k < HG_SQLK_COUNT; k++)
    free (sf->where[k]);
  free (sf->unknown);
  memset (sf, 0, sizeof *sf);
}

