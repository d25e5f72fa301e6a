/* Shared by the files of policy/; not installed, not seen by wrapper/. */
#ifndef HOSTGUARD_POLICY_INTERNAL_H
#define HOSTGUARD_POLICY_INTERNAL_H

#include <regex.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lazyre.h"
#include "policy.h"

/* Nesting deeper than this in a policy is refused before libconfuse sees it
 * (Debian 12's libconfuse recurses without bound on nested sections). */
#define HG_MAX_BRACE_DEPTH 2
#define HG_MAX_INCLUDE_DEPTH 8
/* A policy file larger than this is refused before it is parsed. */
#define HG_MAX_POLICY_BYTES (4u << 20)
/* Rules in one file: libconfuse takes quadratic time over them. */
#define HG_MAX_RULES_PER_FILE 10000
/* The policy and all its includes together. */
#define HG_MAX_POLICY_FILES 1024

/* Grows *vp (an array of `size`-byte items, *cap of them) to hold `need`. */
static inline bool
hg_grow (void *vp, size_t *cap, size_t need, size_t size)
{
  void **v = vp;
  if (need <= *cap)
    return true;
  size_t c = *cap ? *cap : 8;
  while (c < need)
    c *= 2;
  void *nv = realloc (*v, c * size);
  if (!nv)
    return false;
  *v = nv;
  *cap = c;
  return true;
}

struct hg_rule
{
  char *name;
  char *file; /* where it was defined, for messages */
  int line;
  char **commands; /* globs; NULL-terminated; empty: any program */
  size_t n_commands;
  char **args_src; /* ERE as written, NULL-terminated */
  struct hg_lazy_re *args; /* HG_ARGS_REGFLAGS, compiled at load or on first use */
  size_t n_args;
  char **paths; /* path globs, NULL-terminated */
  size_t n_paths;
  char **users; /* user names or %group, NULL-terminated */
  size_t n_users;
  uint64_t sql; /* statement kinds (sqlkind.h), a bit each; 0: no sql condition */
  enum hg_action action;
  unsigned approvals; /* >= 1 when action is approve, else 0 */
  char *message;      /* may be NULL */
};

struct hg_rule_index; /* decide.c: rules by program name */

struct hg_policy
{
  struct hg_settings settings; /* points into the storage below */
  char **hosts;                /* NULL-terminated */
  char **redact;               /* NULL-terminated */
  char *approvers, *spool, *log_dir, *shell, *notify, *break_glass;
  struct hg_rule *rules;
  size_t n_rules;
  struct hg_rule_index *index;
  /* From a snapshot: every string and string vector above lives in this
   * one block (a few mallocs instead of thousands); NULL when parsed. */
  char *arena;
};

/* decide.c: built once at the end of loading, freed with the policy. */
int hg_index_build (struct hg_policy *p, hg_error **err);
void hg_index_free (struct hg_rule_index *idx);

/* ---- glob.c ---- */

/* A glob on a name (program name, user, host): fnmatch(3) semantics. */
bool hg_glob_name (const char *pattern, const char *name, bool casefold);
/* Exact match of an absolute path against a path glob: `*`, `?`, `[...]`
 * stay within one component; a component `**` matches zero or more
 * components. */
bool hg_glob_path (const char *pattern, const char *path);
/* True when `path` lies inside, on, or above something `pattern` matches
 * (`rm -rf /srv` touches the glob /srv/mariadb and all below it). */
bool hg_glob_path_related (const char *pattern, const char *path);
/* Whether a pattern holds glob characters. */
bool hg_glob_is_literal (const char *pattern);

static inline const char *
hg_base_name (const char *path)
{
  const char *slash = strrchr (path, '/');
  return slash ? slash + 1 : path;
}

/* A login shell's name (-bash, as sudo -i runs it) without its dash. */
static inline const char *
hg_login_name (const char *name)
{
  return name[0] == '-' && name[1] ? name + 1 : name;
}

/* ---- paths.c ---- */

/* The forms of `arg` that path rules are matched against: the argument
 * itself when absolute, its absolute form against cwd with `.`, `..` and
 * repeated slashes folded, and that form with the symlinks of its existing
 * components resolved.  Returns a NULL-terminated vector of distinct
 * strings (at least one), or NULL on ENOMEM. */
char **hg_path_forms (const char *arg, const char *cwd);

/* ---- shell.c: the commands of a `sh -c STRING` ---- */

/* One simple command found in a shell string or looked through. */
struct hg_simple_cmd
{
  char **argv;    /* NULL-terminated, quotes removed */
  size_t argc;
  bool *dynamic;  /* argc flags: the word holds $, `...`, $(...), a glob or ~ */
  bool more_args; /* arguments are appended at run time (xargs) */
  char *as_user;  /* sudo -u USER (or "root" for a bare sudo); NULL otherwise */
  char *via;      /* the launchers looked through, "sudo -u mysql > sh -c", or NULL */
  /* After a `cd DIR` earlier in the same shell string: DIR, absolute or
   * relative to the request's cwd; NULL otherwise. */
  char *cwd;
  bool cwd_unknown; /* after a cd whose target is only known at run time */
  bool applet;      /* an applet of a multi-call program (realexec.c) */
  bool script;      /* a #! interpreter running a script file (realexec.c) */
  /* Under chroot ROOT (unshare -R...): ROOT, absolute or relative to the
   * request's cwd.  The absolute arguments are already rewritten below
   * it; kept for the commands of a shell string run there. */
  char *root;
};

struct hg_cmd_list
{
  struct hg_simple_cmd *items;
  size_t n;
  /* The string holds a construct the parser does not follow (case, a
   * here-document, an unterminated quote...): its commands cannot be known.
   * Set to a human explanation; the commands found so far are kept. */
  char *unknowable;
};

void hg_cmd_list_free (struct hg_cmd_list *l);

/* Splits a shell string into its simple commands, recursing into
 * subshells, { groups }, $(...) and backticks.  Keywords (if, then, do,
 * ...), assignments and redirections are not commands and are dropped.
 * Fails only on ENOMEM or absurd input (HG_ERR_INVALID, e.g. nesting past
 * 64 levels); what it cannot follow goes to list->unknowable. */
int hg_shell_parse (const char *script, struct hg_cmd_list *out, hg_error **err);

/* ---- launchers.c ---- */

/* The commands that argv really runs, looking through the launchers of
 * launcher_table.c (sudo, env, nice, ionice, nohup, timeout, stdbuf, chrt,
 * taskset, setsid, xargs, time, su, runuser, setpriv, chroot, unshare,
 * nsenter, flock, strace, ltrace, script, fakeroot, watch, busybox,
 * toybox) and
 * the shells' -c strings, recursively.  A launcher's new working
 * directory (env -C, sudo -D...) becomes the cwd of what it starts; under
 * a new root (chroot, unshare -R) absolute arguments are rewritten below
 * it.  The outermost command is always item 0; every command found inside
 * follows.  Fails only on ENOMEM or nesting past 16 launchers
 * (HG_ERR_INVALID). */
int hg_look_through (const char *const *argv, size_t argc, struct hg_cmd_list *out,
                     hg_error **err);

/* ---- match.c ---- */

/* ---- realexec.c: what the kernel really runs ---- */

enum
{
  HG_REAL_SELF = 0,    /* the program runs itself */
  HG_REAL_OTHER = 1,   /* *out is the command that really runs */
  HG_REAL_UNKNOWN = 2, /* it cannot be known: *why says why */
};
/* What runs when `cmd` is executed: a #! script's interpreter line, a
 * multi-call program's applet, the dynamic loader's program.  programs:
 * the program's path first, then other names of it (its real path, a file
 * of the same content), whose base names say what kind of program it is;
 * fd: a descriptor of it to read (-1: open programs[0]).  Returns an
 * HG_REAL_* (*out and *why owned by the caller), or -1 on ENOMEM. */
int hg_real_command (const struct hg_simple_cmd *cmd, const char *const *programs, size_t n_programs,
                     int fd, const char *cwd, struct hg_simple_cmd *out, char **why);
void hg_simple_cmd_clear (struct hg_simple_cmd *c);

/* ---- identity.c: programs known by their content ---- */

struct hg_identity;
struct hg_identity *hg_identity_new (void);
void hg_identity_free (struct hg_identity *id);
enum
{
  HG_IDENTITY_FOUND = 0,      /* *out: the path of the rules' program it is a copy of */
  HG_IDENTITY_NONE = 1,       /* the same content as no rule's program */
  HG_IDENTITY_UNREADABLE = 2, /* its size matches one, but it cannot be read */
};
/* Which of the rules' programs the file at path (or open as fd, when fd >=
 * 0) has the content of.  Thread-safe.  -1 on ENOMEM. */
int hg_identity_lookup (struct hg_identity *id, const struct hg_policy *p, const char *path, int fd,
                        char **out);
/* ---- shellcmds.c ---- */

/* sh, bash, dash, rbash, ksh, zsh, ash...: a shell by its base name. */
bool hg_is_shell (const char *name);

enum hg_shell_run
{
  HG_SHELL_NOTHING, /* --version, a -c without its string: runs nothing */
  HG_SHELL_STRING,  /* -c STRING: *string_at is its index */
  HG_SHELL_HIDDEN,  /* a script file, stdin, a string known at run time: *why says which */
};

/* Where the shell command c (argv[0] a shell) gets its commands. */
enum hg_shell_run hg_shell_invocation (const struct hg_simple_cmd *c, size_t *string_at,
                                       const char **why);

/* A builtin that makes later commands differ from what the string shows
 * (alias NAME=..., trap ACTION SIG, . FILE, source FILE, enable -f): why,
 * or NULL. */
const char *hg_hidden_builtin (const struct hg_simple_cmd *c);

/* ---- users.c ---- */

/* Whether `user` matches a `users` item: a glob on the name, or %group
 * (primary or supplementary, through NSS). */
bool hg_user_matches (const char *item, const char *user);

#endif
