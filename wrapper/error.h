/* Errors made in wrapper/: the same hg_error as policy/ (see
 * docs/error_handling.md), created through this one helper. */
#ifndef HOSTGUARD_WRAPPER_ERROR_H
#define HOSTGUARD_WRAPPER_ERROR_H

#include "policy.h"

/* Stores a formatted message in *err (when err is not NULL), replacing an
 * older one, and returns status:
 *     return hg_wfail (err, HG_ERR_IO, "%s: %s", path, strerror (errno)); */
int hg_wfail (hg_error **err, int status, const char *fmt, ...)
  __attribute__ ((format (printf, 3, 4)));

#endif
