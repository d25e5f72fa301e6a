/* Scope-bound cleanup and explicit ownership transfer, after bubblewrap's
 * utils.h.  A variable declared `cleanup_free char *s = ...` is freed when it
 * goes out of scope; `return steal_pointer (&s)` hands it to the caller. */
#ifndef HOSTGUARD_CLEANUP_H
#define HOSTGUARD_CLEANUP_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline void *
steal_pointer_impl (void *pp)
{
  void **p = pp;
  void *v = *p;
  *p = NULL;
  return v;
}
#define steal_pointer(pp) ((__typeof__ (*(pp))) steal_pointer_impl (pp))

static inline int
steal_fd (int *fdp)
{
  int fd = *fdp;
  *fdp = -1;
  return fd;
}

static inline void
cleanup_free_impl (void *p)
{
  free (*(void **) p);
}

static inline void
cleanup_close_impl (int *fd)
{
  if (*fd >= 0)
    {
      int saved = errno;
      close (*fd);
      errno = saved;
    }
}

static inline void
cleanup_fclose_impl (FILE **f)
{
  if (*f)
    fclose (*f);
}

/* Frees a NULL-terminated vector of strings. */
static inline void
strv_free (char **v)
{
  if (!v)
    return;
  for (char **p = v; *p; p++)
    free (*p);
  free (v);
}

static inline void
cleanup_strv_impl (char ***v)
{
  strv_free (*v);
}

#define cleanup_free __attribute__ ((cleanup (cleanup_free_impl)))
#define cleanup_close __attribute__ ((cleanup (cleanup_close_impl)))
#define cleanup_fclose __attribute__ ((cleanup (cleanup_fclose_impl)))
#define cleanup_strv __attribute__ ((cleanup (cleanup_strv_impl)))

#define N_ELEMENTS(a) (sizeof (a) / sizeof ((a)[0]))

#endif
