/* The only file of wrapper/ that sees struct hg_error: it builds one through
 * policy/'s hg_vfail, so both halves make errors the same way. */
#include <stdarg.h>

#include "error.h"
#include "internal.h"

int
hg_wfail (hg_error **err, int status, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  hg_vfail (err, status, fmt, ap);
  va_end (ap);
  return status;
}
