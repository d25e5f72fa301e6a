/* The confirmation prompt on the controlling terminal. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "util/util.h"
#include "approval.h"

/* One escaper for every terminal hostguard writes to (util/escape.c): the
 * prompt, the approver's display and `log` show the same bytes the same
 * way, bidi and zero-width characters spelled out. */
static void
put_escaped (FILE *out, const char *s, bool quote)
{
  char *const one[] = { (char *) s };
  cleanup_free char *shown = quote ? hg_quote_argv (one, 1) : hg_escape (s, strlen (s));
  fputs (shown ? shown : "?", out);
}

static volatile sig_atomic_t interrupted;

/* HG_PROMPT_ERROR, with errno told in *err. */
static enum hg_prompt_answer
terminal_failed (hg_error **err)
{
  hg_fail (err, HG_ERR_IO, "cannot ask on the terminal: %s", strerror (errno));
  return HG_PROMPT_ERROR;
}

static void
on_signal (int sig)
{
  interrupted = sig;
}

static bool
same_base_name (const char *a, const char *b)
{
  const char *sa = strrchr (a, '/'), *sb = strrchr (b, '/');
  return strcmp (sa ? sa + 1 : a, sb ? sb + 1 : b) == 0;
}

char *
hg_prompt_text (const struct hg_prompt *p)
{
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream (&text, &len);
  if (!f)
    return NULL;
  fputs ("\nhostguard: this command needs confirmation on ", f);
  put_escaped (f, p->host, false);
  if (p->rule)
    {
      fputs (" (rule ", f);
      put_escaped (f, p->rule, false);
      fputc (')', f);
    }
  fputs ("\n", f);
  if (p->message)
    {
      fputs ("  ", f);
      put_escaped (f, p->message, false);
      fputc ('\n', f);
    }
  fputs ("  command:", f);
  for (size_t i = 0; i < p->argc; i++)
    {
      fputc (' ', f);
      put_escaped (f, p->argv[i], true);
    }
  fputc ('\n', f);
  if (p->exe && p->argc > 0 && !same_base_name (p->exe, p->argv[0]))
    {
      fputs ("  runs:    ", f);
      put_escaped (f, p->exe, true);
      fputs (" (not what the command's first word says)\n", f);
    }
  if (p->reason)
    {
      fputs ("  reason:  ", f);
      put_escaped (f, p->reason, false);
      fputc ('\n', f);
    }
  if (fclose (f) != 0)
    {
      free (text);
      return NULL;
    }
  return text;
}

/* Reads one line in canonical mode.  The signals that end the prompt are
 * blocked except inside ppoll, so none is lost between a check and a wait. */
static enum hg_prompt_answer
read_answer (int fd, const sigset_t *waitmask, char *buf, size_t size, hg_error **err)
{
  size_t len = 0;
  for (;;)
    {
      struct pollfd pfd = { .fd = fd, .events = POLLIN };
      int r = ppoll (&pfd, 1, NULL, waitmask);
      if (interrupted)
        return HG_PROMPT_INTERRUPTED;
      if (r < 0 && errno == EINTR)
        continue; /* SIGCONT after Ctrl-Z: ask on */
      if (r < 0)
        return terminal_failed (err);
      ssize_t n = read (fd, buf + len, size - 1 - len);
      if (n < 0 && (errno == EINTR || errno == EAGAIN))
        continue;
      if (n <= 0) /* Ctrl-D, or EIO on a hung-up terminal */
        return HG_PROMPT_EOF;
      len += (size_t) n;
      buf[len] = '\0';
      char *nl = memchr (buf, '\n', len);
      if (nl)
        {
          *nl = '\0';
          return HG_PROMPT_YES; /* an answer; the caller compares it */
        }
      if (len == size - 1)
        return HG_PROMPT_WRONG; /* longer than any host name */
    }
}

enum hg_prompt_answer
hg_prompt_expect (const char *text, const char *question, const char *expected, hg_error **err)
{
  cleanup_close int fd = open ("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (fd < 0)
    return HG_PROMPT_NO_TTY;

  static const int stops[] = { SIGINT, SIGQUIT, SIGTERM, SIGHUP };
  sigset_t block, orig, waitmask;
  sigemptyset (&block);
  for (size_t i = 0; i < N_ELEMENTS (stops); i++)
    sigaddset (&block, stops[i]);
  sigprocmask (SIG_BLOCK, &block, &orig);
  waitmask = orig;
  struct sigaction sa = { .sa_handler = on_signal }, old[N_ELEMENTS (stops)];
  sigemptyset (&sa.sa_mask); /* no SA_RESTART: a signal ends the wait */
  interrupted = 0;
  for (size_t i = 0; i < N_ELEMENTS (stops); i++)
    {
      sigaction (stops[i], &sa, &old[i]);
      sigdelset (&waitmask, stops[i]);
    }

  /* A line with echo, whatever the last program left the terminal in, and
   * Ctrl-C / Ctrl-D working; put back exactly as found. */
  struct termios saved, t;
  bool have_termios = tcgetattr (fd, &saved) == 0;
  if (have_termios)
    {
      t = saved;
      t.c_lflag |= ICANON | ECHO | ISIG;
      t.c_iflag |= ICRNL;
      tcsetattr (fd, TCSANOW, &t);
    }

  enum hg_prompt_answer a;
  char answer[256];
  if (hg_write_all (fd, text, strlen (text)) < 0)
    a = terminal_failed (err);
  else
    {
      /* Type-ahead was meant for something else: it never answers. */
      tcflush (fd, TCIFLUSH);
      if (hg_write_all (fd, question, strlen (question)) < 0)
        a = terminal_failed (err);
      else
        a = read_answer (fd, &waitmask, answer, sizeof answer, err);
    }
  if (a == HG_PROMPT_YES && strcmp (answer, expected) != 0)
    a = HG_PROMPT_WRONG;
  if (a == HG_PROMPT_EOF || a == HG_PROMPT_INTERRUPTED)
    (void) hg_write_all (fd, "\n", 1); /* the refusal must not follow the question on its line */

  if (have_termios)
    tcsetattr (fd, TCSANOW, &saved);
  for (size_t i = 0; i < N_ELEMENTS (stops); i++)
    sigaction (stops[i], &old[i], NULL);
  sigprocmask (SIG_SETMASK, &orig, NULL);
  return a;
}

enum hg_prompt_answer
hg_prompt_confirm (const struct hg_prompt *p, hg_error **err)
{
  cleanup_free char *text = hg_prompt_text (p);
  if (!text)
    {
      hg_fail (err, HG_ERR_NOMEM, "cannot ask on the terminal: out of memory");
      return HG_PROMPT_ERROR;
    }
  return hg_prompt_expect (text, "Type the hostname to continue: ", p->host, err);
}

void
hg_prompt_for_cmd (const struct hg_cmd *c, const struct hg_settings *s, struct hg_prompt *p,
                   char ***shown)
{
  cleanup_error hg_error *rerr = NULL;
  cleanup_redactor struct hg_redactor *red = NULL;
  *shown = NULL;
  if (hg_redactor_new (s->redact, s->n_redact, &red, &rerr) == 0)
    *shown = hg_redact_argv (red, (const char *const *) c->argv, c->argc);
  *p = (struct hg_prompt){ .host = c->host, .rule = c->rule, .message = c->message,
                           .reason = c->reason,
                           .argv = (const char *const *) (*shown ? *shown : c->argv),
                           .argc = *shown ? c->argc : 1, .exe = c->runs ? c->runs : c->exe };
}
