/* Private to launchers.c and launcher_table.c: how each launcher reads its
 * words.  The table itself is in launcher_table.c, one entry a launcher. */
#ifndef HOSTGUARD_POLICY_LAUNCHERS_H
#define HOSTGUARD_POLICY_LAUNCHERS_H

#include <stdbool.h>
#include <stddef.h>

#include "internal.h"

/* LOGIN_NAME_MAX: sudo and su refuse longer user names, so they run nothing. */
#define HG_MAX_USER 256

enum
{
  NO_ARG,
  REQUIRED_ARG,
  OPTIONAL_ARG, /* attached only: -e[EOF], --eof[=EOF] */
};

/* Option values beyond the short ones. */
enum
{
  V_NOTHING = 256, /* --help, --version: the launcher runs nothing */
  V_LONG_ONLY,     /* an option without a short form, no effect here */
  V_UNKNOWN,
  V_USER,          /* setpriv --reuid USER: the program runs as USER */
  V_SESSION_CMD,   /* su --session-command CMD: as -c */
  V_SKIP_CHDIR,    /* chroot --skip-chdir: the cwd stays */
};

struct long_opt
{
  const char *name;
  int has_arg;
  int val;
};

enum
{
  L_ASSIGNMENTS = 1u << 0, /* NAME=value operands before the program (sudo, env) */
  L_OPERAND = 1u << 1,     /* one operand before the program (timeout DURATION, chroot ROOT) */
  L_PRIORITY = 1u << 2,    /* chrt PRIO: a number before the program */
  L_NUMERIC = 1u << 3,     /* nice -10, nice --5 */
  L_MORE_ARGS = 1u << 4,   /* xargs: the program gets arguments at run time */
  L_ECHO = 1u << 5,        /* xargs alone runs echo */
  L_PERMUTE = 1u << 6,     /* options anywhere before `--`, as GNU getopt permutes (su, script) */
  L_SESSION = 1u << 7,     /* with no program, an interactive shell runs (chroot, unshare) */
};

/* What a launcher does beyond starting the words after its options: each
 * kind is read by its own few lines in launchers.c. */
enum launcher_kind
{
  K_PLAIN,
  K_SUDO,     /* -u USER, -D DIR, -i: the login's home, -s/-i alone: a shell */
  K_ENV,      /* -C DIR, -S STRING: words split from a string */
  K_XARGS,    /* -I REPL */
  K_TIME,     /* /usr/bin/time */
  K_SU,       /* su and runuser: -c STRING to a shell, as USER; runuser -u USER CMD */
  K_SETPRIV,  /* --reuid USER */
  K_CHROOT,   /* NEWROOT: paths and the program lie under it */
  K_UNSHARE,  /* -R ROOT, -w DIR */
  K_NSENTER,  /* -r[ROOT], -w[DIR], -W DIR */
  K_FLOCK,    /* FILE CMD..., FILE -c STRING, or a descriptor alone */
  K_TRACE,    /* strace and ltrace: -u USER; strace -o '|CMD' pipes through a shell */
  K_SCRIPT,   /* -c STRING, else an interactive shell */
  K_FAKEROOT, /* -f FAKED runs a program, -l LIB is evaluated by a shell */
  K_WATCH,    /* the words joined for sh -c, unless -x */
  K_BUSYBOX,  /* busybox and toybox APPLET ARGS */
};

struct launcher
{
  const char *name;
  const char *shorts; /* getopt(3) syntax, without the leading + */
  const struct long_opt *longs;
  const char *nothing; /* short options after which nothing runs */
  unsigned flags;
  enum launcher_kind kind;
};

/* The launcher called `name` (a base name), or NULL. */
const struct launcher *hg_find_launcher (const char *name);

/* What a launcher command runs. */
struct inner
{
  size_t start;        /* the program's index in argv; argc when none */
  bool nothing;        /* sudo -l, taskset -p...: no program runs */
  bool hidden;         /* a word known only at run time where options may stand */
  const char *user;    /* sudo -u USER, su USER, runuser -u, setpriv --reuid, strace -u */
  bool group_only;     /* sudo -g without -u: runs as the caller */
  const char *replace; /* xargs -I REPL: words holding it change at run time */
  const char *chdir;   /* env -C DIR, sudo -D DIR, unshare -w DIR... */
  bool chdir_unknown;  /* a login's home (su -, sudo -i), nsenter -w, a dynamic DIR */
  const char *root;    /* chroot NEWROOT, unshare -R, nsenter -rDIR */
  bool root_unknown;   /* nsenter -r (another process's root), a dynamic NEWROOT */
  bool skip_chdir;     /* chroot --skip-chdir */
  bool login_shell;    /* sudo -s/-i: with no program, a shell */
  const char *split;   /* env -S STRING */
  bool split_dynamic;
  const char *command; /* su -c, script -c: a string for a shell */
  bool command_dynamic;
  const char *shell;   /* su -s SHELL */
  bool shell_dynamic;
  const char *pipe_to; /* strace -o '|CMD' */
  const char *faked;   /* fakeroot -f FAKED */
  bool faked_dynamic;
  bool runs_direct;    /* runuser -u, watch -x: the words are the command */
  size_t *operands;    /* L_PERMUTE: the operands' indexes, in order */
  size_t n_operands;
};

/* launcher_read.c: reads the words of c, run as launcher l, into *in
 * (zeroed by the caller; in->operands to be freed).  -1 on ENOMEM. */
int hg_launcher_read (const struct launcher *l, const struct hg_simple_cmd *c, struct inner *in);

/* launcher_place.c: where a started command runs. */

/* Gives item (just started by a launcher from parent, read into in) its
 * cwd, cwd_unknown and root, and rewrites its absolute arguments below a
 * new root.  -1 on ENOMEM. */
int hg_place_settle (const struct hg_simple_cmd *parent, struct hg_simple_cmd *item,
                     const struct inner *in);
/* Rewrites item's absolute arguments below root (chroot ROOT).  -1 on ENOMEM. */
int hg_place_under_root (struct hg_simple_cmd *item, const char *root);
/* The commands of a shell string after a `cd` in it run there.  -1 on ENOMEM. */
int hg_place_follow_cd (struct hg_cmd_list *sub, const struct hg_simple_cmd *parent);

#endif
