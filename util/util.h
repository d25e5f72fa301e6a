/* The smallest things every library of hostguard uses: the one error
 * idiom (docs/error_handling.md), scope-bound cleanup and explicit
 * ownership transfer (after bubblewrap's utils.h), writing whole buffers,
 * and the one escaper of text bound for a terminal. */
#ifndef HOSTGUARD_UTIL_H
#define HOSTGUARD_UTIL_H

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* ---- errors ---- */

/* Every fallible function returns 0 on success or a negative enum
 * hg_status, and on failure stores in *err a message the caller frees with
 * hg_error_free() (or a cleanup_error variable). */
enum hg_status
{
  HG_OK = 0,
  HG_ERR_NOMEM = -1,     /* out of memory */
  HG_ERR_POLICY = -2,    /* the policy text is invalid: FILE:LINE: message */
  HG_ERR_IO = -3,        /* a file could not be opened or read */
  HG_ERR_UNTRUSTED = -4, /* a policy file is not root-owned or is writable by others */
  HG_ERR_INVALID = -5,   /* a caller's argument is invalid */
  /* hg_policy_decide with no user name: the decision depends on who runs
   * the command (a `users` item was reached).  Not a failure of the
   * policy: ask again with the name. */
  HG_ERR_NEEDS_USER = -6,
  /* hg_policy_decide with names_only: the decision needs the content of
   * a program that root did not install.  Ask without names_only. */
  HG_ERR_NEEDS_CONTENT = -7,
};

typedef struct hg_error hg_error;

const char *hg_error_message (const hg_error *e);
int hg_error_status (const hg_error *e);
void hg_error_free (hg_error *e);

/* Stores a formatted message in *err (when err is not NULL) and returns
 * status: the single way a library reports a failure,
 *     return hg_fail (err, HG_ERR_POLICY, "%s:%d: unknown action '%s'", file, line, s);
 * The newest message replaces an older one, so context added on the way up
 * repeats what matters. */
int hg_fail (hg_error **err, int status, const char *fmt, ...) __attribute__ ((format (printf, 3, 4)));
int hg_vfail (hg_error **err, int status, const char *fmt, va_list ap)
  __attribute__ ((format (printf, 3, 0)));

/* A note on standard error ("hostguard: ..."), for what goes on anyway:
 * a skipped file, a failed cleanup.  Failures are returned, not warned. */
void hg_warn (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));

/* The exit statuses of DESIGN.md ("Exit status"), for every command and
 * the supervised session. */
enum
{
  HG_EXIT_USAGE = 64,
  HG_EXIT_REFUSED = 77,
  HG_EXIT_CONFIG = 78,
  HG_EXIT_NOEXEC = 126,
  HG_EXIT_NOTFOUND = 127,
};

/* ---- cleanup and ownership ---- */

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

static inline void
cleanup_error_impl (hg_error **e)
{
  hg_error_free (*e);
}
#define cleanup_error __attribute__ ((cleanup (cleanup_error_impl)))

/* ---- small I/O ---- */

/* Writes all n bytes, again after EINTR and short writes; -1 with errno. */
int hg_write_all (int fd, const void *buf, size_t n);

/* ---- text bound for a terminal ---- */

/* The one escaper, used by the prompt, the approver's display and `log`:
 * nothing reaches a screen unescaped (escape sequences, bidi overrides,
 * invalid UTF-8). */

/* `s` (n bytes) with control characters, invalid UTF-8, C1 controls and
 * bidi/zero-width format characters written as \xHH or \u{HHHH}.  malloc'd;
 * NULL on ENOMEM. */
char *hg_escape (const char *s, size_t n);

/* hg_escape of a NUL-terminated string, "-" for NULL; never NULL. */
char *hg_escape_str (const char *s);

/* argv as a shell would need it typed: plain words bare, others in single
 * quotes, and anything not printable in bash's $'...' form.  malloc'd. */
char *hg_quote_argv (char *const *argv, size_t argc);

#endif
