/* What the requester's terminal shows while a request waits: a line at a
 * time, over the countdown. */
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "internal.h"

void
approval_say (struct waiter *w, const char *fmt, ...)
{
  char line[2048];
  va_list ap;
  va_start (ap, fmt);
  /* \r and erase: the countdown line may be on the screen. */
  int n = snprintf (line, sizeof line, "\r\033[Khostguard: ");
  if (w->tty < 0)
    n = snprintf (line, sizeof line, "hostguard: ");
  n += vsnprintf (line + n, sizeof line - (size_t) n - 1, fmt, ap);
  va_end (ap);
  if (n > (int) sizeof line - 2)
    n = (int) sizeof line - 2;
  line[n++] = '\n';
  if (write (w->tty >= 0 ? w->tty : STDERR_FILENO, line, (size_t) n) < 0)
    { /* nowhere to say it */
    }
}

void
approval_countdown (struct waiter *w, int64_t left_ms)
{
  if (w->tty < 0)
    return;
  long s = (long) ((left_ms + 500) / 1000);
  char line[256];
  int n = snprintf (line, sizeof line,
                    "\r\033[K  %ld:%02ld left, %u of %u approval%s; %s", s / 60, s % 60, w->n_got,
                    w->c->approvals_needed, w->c->approvals_needed == 1 ? "" : "s",
                    w->o->own_signals ? "Ctrl-C withdraws the request" : "waiting");
  if (n > 0 && write (w->tty, line, (size_t) n) < 0)
    {
    }
}
