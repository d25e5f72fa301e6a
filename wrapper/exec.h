/* Running a guarded command: finding the program as execvp(3) would, and
 * running it in the terminal's foreground so that it behaves as if typed
 * without hostguard (job control, Ctrl-C, Ctrl-Z, exit status). */
#ifndef HOSTGUARD_EXEC_H
#define HOSTGUARD_EXEC_H

#include <stdint.h>

/* The absolute path execvp(3) would run for `name`: a name with a slash
 * as is (made absolute), else the first executable regular file along
 * $PATH.  Returns 0 and sets *out (free it), or an errno: ENOENT when
 * nothing was found, EACCES when only non-executable candidates were, or
 * ENOMEM. */
int hg_exec_resolve (const char *name, char **out);

/* execv(path, argv), and like execvp a file without a #! line or ELF
 * header is run by /bin/sh.  Returns only on failure, with errno set. */
void hg_exec_program (const char *path, char *const argv[]);

/* 127 for ENOENT (and ENOTDIR), else 126; prints "hostguard: NAME: ...". */
int hg_exec_failed (const char *name, int err);

struct hg_exec_result
{
  int status;          /* as a shell reports it: the exit code, or 128+N */
  int exit_code;       /* -1 when killed by a signal */
  int signal;          /* 0 unless killed by a signal */
  int exec_errno;      /* 0, or why the program could not be started */
  int64_t duration_ms; /* from fork to the end */
};

/* Forks; the child gets its own process group, the terminal's foreground
 * when hostguard holds it, and execs `path`.  The parent forwards signals,
 * follows the child's stops (stopping itself, as a shell would see the bare
 * command stop), and waits for it to end.  Returns 0 and fills *r, or -1
 * with errno when the fork itself failed.  On return the forwarded signals
 * stay blocked, so that a late one cannot cut the exit record short. */
int hg_exec_run (const char *path, char *const argv[], struct hg_exec_result *r);

#endif
