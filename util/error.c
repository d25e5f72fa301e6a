#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

struct hg_error
{
  int status;
  char *msg;
};

int
hg_vfail (hg_error **err, int status, const char *fmt, va_list ap)
{
  if (!err)
    return status;
  hg_error *e = calloc (1, sizeof *e);
  if (!e)
    return status;
  if (vasprintf (&e->msg, fmt, ap) < 0)
    e->msg = NULL;
  e->status = status;
  hg_error_free (*err); /* keep the newest: it has the most context */
  *err = e;
  return status;
}

int
hg_fail (hg_error **err, int status, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  hg_vfail (err, status, fmt, ap);
  va_end (ap);
  return status;
}

const char *
hg_error_message (const hg_error *e)
{
  if (!e)
    return "no error";
  return e->msg ? e->msg : "out of memory";
}

int
hg_error_status (const hg_error *e)
{
  return e ? e->status : HG_OK;
}

void
hg_error_free (hg_error *e)
{
  if (!e)
    return;
  free (e->msg);
  free (e);
}

void
hg_warn (const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  fputs ("hostguard: ", stderr);
  vfprintf (stderr, fmt, ap);
  fputc ('\n', stderr);
  va_end (ap);
}
