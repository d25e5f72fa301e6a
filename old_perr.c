#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "internal.h"

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

static const char *const action_names[] = {
  [HG_ACTION_ALLOW] = "allow", [HG_ACTION_LOG] = "log", [HG_ACTION_CONFIRM] = "confirm",
  [HG_ACTION_APPROVE] = "approve", [HG_ACTION_DENY] = "deny",
};

const char *
hg_action_name (enum hg_action a)
{
  if ((size_t) a >= N_ELEMENTS (action_names))
    return "?";
  return action_names[a];
}

int
hg_action_parse (const char *name, enum hg_action *out)
{
  for (size_t i = 0; i < N_ELEMENTS (action_names); i++)
    if (strcmp (name, action_names[i]) == 0)
      {
        *out = (enum hg_action) i;
        return 0;
      }
  return -1;
}
