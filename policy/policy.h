/* hostguard policy library.
 *
 * Turns a policy file into rules, and a command (argv, program path, cwd,
 * user, host) into a verdict (decision, rule, message).  It knows nothing of
 * processes, terminals or logs; it never prints and never exits.
 *
 * Errors: every fallible function returns 0 on success or a negative
 * enum hg_status, and on failure stores in *err a message the caller frees
 * with hg_error_free().  Policy errors read "FILE:LINE: message".  See
 * docs/error_handling.md. */
#ifndef HOSTGUARD_POLICY_H
#define HOSTGUARD_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "util/util.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- actions, ordered from the most lenient to the strictest ---- */

enum hg_action
{
  HG_ACTION_ALLOW = 0,
  HG_ACTION_LOG,
  HG_ACTION_CONFIRM,
  HG_ACTION_APPROVE,
  HG_ACTION_DENY,
};

/* "allow", "log", "confirm", "approve", "deny". */
const char *hg_action_name (enum hg_action a);
/* Returns 0 and sets *out, or -1 for an unknown name. */
int hg_action_parse (const char *name, enum hg_action *out);

/* ---- loading ---- */

typedef struct hg_policy hg_policy;

enum hg_load_flags
{
  /* run and shell: every file (the policy and each include) must be a
   * regular file owned by root and not writable by group or others. */
  HG_LOAD_TRUSTED_ONLY = 1u << 0,
  /* fuzzing: an `include` is validated but not followed. */
  HG_LOAD_NO_INCLUDES = 1u << 1,
};

int hg_policy_load_file (const char *path, unsigned flags, hg_policy **out, hg_error **err);
/* The same, through a cache of pre-validated snapshots in cache_dir (NULL:
 * none), so that a start whose policy files have not changed parses
 * nothing.  A snapshot is used only when root owns it and its directory,
 * and every file it came from is unchanged and passes the checks `flags`
 * ask for; root writes one after a load from the files.  The result, and
 * every error, is the same as hg_policy_load_file's.  `policy lint` should
 * not use it: it is the validator. */
int hg_policy_load_file_cached (const char *path, unsigned flags, const char *cache_dir,
                                hg_policy **out, hg_error **err);
/* From a snapshot only, for a program that must not parse: 0 and *out when
 * hg_policy_load_file_cached would take this very policy from a snapshot
 * and accept it; -1 otherwise, with no message (the caller then calls
 * hg_policy_load_file_cached, which says why). */
int hg_policy_load_snapshot (const char *path, unsigned flags, const char *cache_dir,
                             hg_policy **out);
/* `name` is used as FILE in error messages; includes are resolved as from a
 * file of that name. */
int hg_policy_load_buffer (const char *name, const char *text, size_t len, unsigned flags,
                           hg_policy **out, hg_error **err);
void hg_policy_free (hg_policy *p);

/* The built-in fallback policy, for a session whose own policy cannot be
 * loaded (a broken policy never locks anyone out): every host guarded,
 * `shell` as the session's shell, and the rule packs (the *.conf files of
 * rules_dir, the shipped ones; loaded as trusted files) when there are any.
 * The supervisor then asks about what a rule lets through.  Returns 0 with
 * the packs, HG_FALLBACK_BARE with a policy without rules when there are no
 * usable packs (*err then says why, if there were packs that failed to
 * load: free it), or a negative hg_status when not even that loads. */
enum
{
  HG_FALLBACK_BARE = 1,
};
int hg_policy_fallback (const char *rules_dir, const char *shell, hg_policy **out, hg_error **err);

/* The top-level settings.  Pointers stay valid as long as the policy. */
struct hg_settings
{
  const char *const *hosts;
  size_t n_hosts;
  enum hg_action default_action; /* allow or log */
  const char *approvers;         /* group name */
  unsigned approval_timeout;     /* seconds */
  const char *spool;
  const char *log_dir;
  const char *shell;
  enum hg_action noninteractive; /* allow or deny */
  bool supervise_unprivileged;
  const char *const *redact; /* POSIX ERE, validated at load */
  size_t n_redact;
  const char *notify;      /* NULL when unset */
  const char *break_glass; /* "%group" or user name, NULL when unset */
  bool verify_exec_all;    /* verify_exec = all (default: risky) */
  /* A program with no path (memfd, deleted, O_TMPFILE) whose content is
   * none of the rules' programs: allow, confirm (default) or deny. */
  enum hg_action anonymous_exec;
};

const struct hg_settings *hg_policy_settings (const hg_policy *p);

/* Whether the policy guards a host: its `hosts` globs, case-insensitive, on
 * the short name and on the FQDN (either may be NULL). */
bool hg_policy_guards_host (const hg_policy *p, const char *short_name, const char *fqdn);

/* Number of rules, for diagnostics and benchmarks. */
size_t hg_policy_rule_count (const hg_policy *p);

/* ---- deciding ---- */

/* A command about to run, as the wrapper saw it. */
struct hg_request
{
  const char *const *argv; /* argc strings; argv[0] is the program as typed */
  size_t argc;
  const char *exe;        /* absolute path of the program that will run, or NULL */
  const char *cwd;        /* absolute */
  /* The caller's user name; NULL when the caller has not looked it up (it
   * costs an NSS lookup): a decision that depends on it, a `users` item
   * reached for any user, then fails with HG_ERR_NEEDS_USER. */
  const char *user;
  const char *host_short; /* short host name */
  const char *host_fqdn;  /* may be NULL */
  /* Prefix form: look through launchers (sudo, env, nice, sh -c ...).  A
   * supervised exec sees the real programs and leaves this false. */
  bool look_through;
  /* A descriptor of exe (O_PATH will do), to read a program whose path
   * cannot be opened (a memfd, a deleted file); used when has_exe_fd. */
  int exe_fd;
  bool has_exe_fd;
  /* The first stage: a program that root installed (it and every
   * directory above it root's alone) is known by its names, and a decision
   * that must compare the content of another program fails with
   * HG_ERR_NEEDS_CONTENT. */
  bool names_only;
  /* The standard input the program will have: a MariaDB/MySQL client
   * without -e reads its SQL there (`mysql wiki < dump.sql`).  Used when
   * has_stdin_fd: a regular file is read from its current offset with
   * pread (the offset is left as it is), up to 256 MiB; a terminal or
   * /dev/null gives nothing to read; a pipe, socket or other device
   * makes the SQL unknown.  Without it the input is taken as a terminal:
   * what the operator types is not known beforehand, and not escalated.
   * The supervisor passes a duplicate of the task's descriptor 0
   * (pidfd_getfd), which shares its offset. */
  int stdin_fd;
  bool has_stdin_fd;
};

typedef struct hg_verdict hg_verdict;

int hg_policy_decide (const hg_policy *p, const struct hg_request *req, hg_verdict **out,
                      hg_error **err);
/* The same without the name service, for a static program (the first
 * stage), which must link no NSS code and links none through this: a
 * reached rule with a `users` %group item fails with HG_ERR_NEEDS_USER
 * instead of asking who is in the group. */
int hg_policy_decide_no_nss (const hg_policy *p, const struct hg_request *req, hg_verdict **out,
                             hg_error **err);
typedef int hg_decide_fn (const hg_policy *p, const struct hg_request *req, hg_verdict **out,
                          hg_error **err);

enum hg_action hg_verdict_action (const hg_verdict *v);
/* The deciding rule, or NULL when no rule decided (default, unguarded host,
 * or a command that cannot be known statically). */
const char *hg_verdict_rule (const hg_verdict *v);
/* The rule's message, or an explanation, or NULL. */
const char *hg_verdict_message (const hg_verdict *v);
/* Distinct approvers needed; 0 unless the action is approve. */
unsigned hg_verdict_approvals (const hg_verdict *v);
/* The program that really runs and decided, when it is not the one the
 * command names (a #! interpreter, a busybox applet, the loader's program,
 * a launcher's program), or NULL. */
const char *hg_verdict_runs (const hg_verdict *v);
/* False when the host is not guarded: the command runs untouched. */
bool hg_verdict_guarded (const hg_verdict *v);
/* Why: human-readable lines (launchers looked through, which condition of
 * which rule matched which argument, what could not be known). */
size_t hg_verdict_why_count (const hg_verdict *v);
const char *hg_verdict_why (const hg_verdict *v, size_t i);
void hg_verdict_free (hg_verdict *v);

/* ---- what the kernel runs ---- */

enum
{
  HG_SHEBANG_NONE = 0,    /* not a script */
  HG_SHEBANG_SCRIPT = 1,  /* *interp (and *arg, or NULL) set, owned by the caller */
  HG_SHEBANG_ENOEXEC = 2, /* a #! line the kernel refuses */
};
/* Splits the first bytes of a file (head, n of them; the kernel reads 256)
 * as Linux's binfmt_script does.  Returns an HG_SHEBANG_*, or -1 on ENOMEM. */
int hg_shebang_parse (const char *head, size_t n, char **interp, char **arg);

/* Programs named without a slash by a launcher (sudo rm) (and the programs hostguard itself runs) are
 * looked up here, never in the caller's PATH: the policy never depends on the
 * caller's environment. */
#define HG_SECURE_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* Where a command named by a launcher would be found: a slashless name in
 * HG_SECURE_PATH (never the caller's PATH), another against cwd.  NULL
 * when not found, or on ENOMEM (errno then ENOMEM). */
char *hg_locate_program (const char *name, const char *cwd);

/* Whether nobody but root can change what the absolute path `abs` names:
 * every directory on the way root's and writable by nobody else (a sticky
 * one keeps root's entries root's), every symlink root's and followed the
 * same way, the file a regular file of root's that others cannot write.
 * The first stage takes such a program by its names; the supervisor
 * verifies after the exec any other (its path could be swapped between
 * its open and the kernel's). */
bool hg_path_root_only (const char *abs);

/* For variables that own a policy or a verdict: freed at the end of the
 * scope (util/util.h). */
static inline void
cleanup_policy_impl (hg_policy **p)
{
  hg_policy_free (*p);
}
static inline void
cleanup_verdict_impl (hg_verdict **v)
{
  hg_verdict_free (*v);
}
#define cleanup_policy __attribute__ ((cleanup (cleanup_policy_impl)))
#define cleanup_verdict __attribute__ ((cleanup (cleanup_verdict_impl)))

#ifdef __cplusplus
}
#endif

#endif
