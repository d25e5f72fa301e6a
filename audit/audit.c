/* The audit trail: redact once, append to the chained file (the record of
 * truth, whose failure fails the call), then copy to syslog and the kernel
 * audit log, which never fail it. */
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "internal.h"
#include "util/util.h"

struct hg_audit
{
  pthread_mutex_t lock; /* one record at a time; guards the lazy opening */
  struct hg_redactor *redactor;
  struct hg_logfile *file;
  bool syslog, kernel_audit;
  int syslog_fd, audit_fd;
  /* What the lazy opening needs. */
  char *log_dir, *user;
  uid_t uid;
  const char *const *redact;
  size_t n_redact;
};

/* The redactor and the file, if not yet there; under a->lock. */
static int
open_sinks (struct hg_audit *a, hg_error **err)
{
  int r;
  if (!a->redactor && (r = hg_redactor_new (a->redact, a->n_redact, &a->redactor, err)) < 0)
    return r;
  if (!a->file && (r = hg_logfile_open (a->log_dir, a->user, a->uid, &a->file, err)) < 0)
    return r;
  return 0;
}

int
hg_audit_open_lazy (const struct hg_audit_config *cfg, const char *user, uid_t uid,
                    struct hg_audit **out, hg_error **err)
{
  struct hg_audit *a = calloc (1, sizeof *a);
  if (!a)
    return hg_fail (err, HG_ERR_NOMEM, "out of memory");
  pthread_mutex_init (&a->lock, NULL);
  a->syslog = cfg->syslog;
  a->kernel_audit = cfg->kernel_audit;
  a->syslog_fd = a->audit_fd = -1;
  a->uid = uid;
  a->redact = cfg->redact;
  a->n_redact = cfg->n_redact;
  a->log_dir = cfg->log_dir ? strdup (cfg->log_dir) : NULL;
  a->user = user ? strdup (user) : NULL;
  if ((cfg->log_dir && !a->log_dir) || (user && !a->user))
    {
      hg_audit_close (a);
      return hg_fail (err, HG_ERR_NOMEM, "out of memory");
    }
  *out = a;
  return 0;
}

int
hg_audit_open (const struct hg_audit_config *cfg, const char *user, uid_t uid, struct hg_audit **out,
               hg_error **err)
{
  struct hg_audit *a = NULL;
  int r = hg_audit_open_lazy (cfg, user, uid, &a, err);
  if (r < 0)
    return r;
  if ((r = open_sinks (a, err)) < 0)
    {
      hg_audit_close (a);
      return r;
    }
  *out = a;
  return 0;
}

void
hg_audit_close (struct hg_audit *a)
{
  if (!a)
    return;
  hg_logfile_close (a->file);
  hg_redactor_free (a->redactor);
  free (a->log_dir);
  free (a->user);
  pthread_mutex_destroy (&a->lock);
  if (a->syslog_fd >= 0)
    close (a->syslog_fd);
  if (a->audit_fd >= 0)
    close (a->audit_fd);
  free (a);
}

struct build_args
{
  const struct hg_cmd *cmd;
  const char *event;
  const char *const *argv;
  size_t argc;
  char *line; /* a copy of what was written, for the other sinks */
};

static char *
build_line (void *data, unsigned long long seq, const char *prev)
{
  struct build_args *b = data;
  char *line = hg_record_build (b->cmd, b->event, b->argv, b->argc, seq, prev);
  free (b->line);
  b->line = line ? strdup (line) : NULL;
  return line;
}

static bool
succeeded (enum hg_decision d)
{
  return d == HG_DEC_ALLOWED || d == HG_DEC_LOGGED || d == HG_DEC_CONFIRMED || d == HG_DEC_APPROVED;
}

static char *
join (const char *const *argv, size_t argc)
{
  size_t len = 1;
  for (size_t i = 0; i < argc; i++)
    len += strlen (argv[i]) + 1;
  char *s = malloc (len), *p = s;
  if (!s)
    return NULL;
  for (size_t i = 0; i < argc; i++)
    {
      if (i)
        *p++ = ' ';
      p = stpcpy (p, argv[i]);
    }
  *p = '\0';
  return s;
}

static int record_locked (struct hg_audit *a, const struct hg_cmd *cmd, const char *event,
                          hg_error **err);

int
hg_audit_record (struct hg_audit *a, const struct hg_cmd *cmd, const char *event, hg_error **err)
{
  pthread_mutex_lock (&a->lock);
  int r = open_sinks (a, err);
  if (r == 0)
    r = record_locked (a, cmd, event, err);
  pthread_mutex_unlock (&a->lock);
  return r;
}

static int
record_locked (struct hg_audit *a, const struct hg_cmd *cmd, const char *event, hg_error **err)
{
  char hash[HG_HASH_HEX];
  static const char *const no_argv[] = { NULL };
  cleanup_strv char **argv
    = hg_redact_argv (a->redactor, cmd->argv ? (const char *const *) cmd->argv : no_argv,
                      cmd->argv ? cmd->argc : 0);
  if (!argv)
    return hg_fail (err, HG_ERR_NOMEM, "out of memory");
  struct build_args b = { cmd, event, (const char *const *) argv, cmd->argv ? cmd->argc : 0, NULL };
  int r = hg_logfile_append (a->file, build_line, &b, hash, err);
  cleanup_free char *line = b.line;
  if (r < 0)
    return r;
  if (a->syslog && line)
    hg_syslog_send (&a->syslog_fd, cmd->break_glass, hash, line);
  /* One kernel record per command: its decision, as sudo logs one. */
  if (a->kernel_audit && strcmp (event, "decision") == 0 && geteuid () == 0)
    {
      cleanup_free char *cmdline = join (b.argv, b.argc);
      if (cmdline)
        hg_kaudit_send (&a->audit_fd, cmdline, cmd->tty, succeeded (cmd->decision));
    }
  return 0;
}
