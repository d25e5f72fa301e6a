/* The launchers that the prefix form looks through, and how each reads
 * its options: one entry a launcher, its long options beside it.  To add
 * one, write its option tables from the program's own getopt call (not
 * from its manual alone), add its entry, and, if it does more than start
 * the words after its options, a kind (launchers.h) and its few lines in
 * launchers.c. */
#include <string.h>

#include "util/util.h"
#include "launchers.h"

#define HELP_VERSION { "help", NO_ARG, V_NOTHING }, { "version", NO_ARG, V_NOTHING }

static const struct long_opt sudo_longs[] = {
  { "askpass", NO_ARG, 'A' },         { "auth-type", REQUIRED_ARG, 'a' },
  { "background", NO_ARG, 'b' },      { "bell", NO_ARG, 'B' },
  { "close-from", REQUIRED_ARG, 'C' }, { "login-class", REQUIRED_ARG, 'c' },
  { "chdir", REQUIRED_ARG, 'D' },     { "preserve-env", OPTIONAL_ARG, 'E' },
  { "edit", NO_ARG, 'e' },            { "group", REQUIRED_ARG, 'g' },
  { "set-home", NO_ARG, 'H' },        { "host", REQUIRED_ARG, 'h' },
  { "login", NO_ARG, 'i' },           { "remove-timestamp", NO_ARG, 'K' },
  { "reset-timestamp", NO_ARG, 'k' }, { "list", NO_ARG, 'l' },
  { "no-update", NO_ARG, 'N' },       { "non-interactive", NO_ARG, 'n' },
  { "preserve-groups", NO_ARG, 'P' }, { "prompt", REQUIRED_ARG, 'p' },
  { "chroot", REQUIRED_ARG, 'R' },    { "role", REQUIRED_ARG, 'r' },
  { "stdin", NO_ARG, 'S' },           { "shell", NO_ARG, 's' },
  { "type", REQUIRED_ARG, 't' },      { "command-timeout", REQUIRED_ARG, 'T' },
  { "other-user", REQUIRED_ARG, 'U' }, { "user", REQUIRED_ARG, 'u' },
  { "validate", NO_ARG, 'v' },        HELP_VERSION,
  { NULL, 0, 0 },
};

static const struct long_opt env_longs[] = {
  { "argv0", REQUIRED_ARG, 'a' },
  { "chdir", REQUIRED_ARG, 'C' },
  { "ignore-environment", NO_ARG, 'i' },
  { "null", NO_ARG, '0' },
  { "split-string", REQUIRED_ARG, 'S' },
  { "unset", REQUIRED_ARG, 'u' },
  { "debug", NO_ARG, 'v' },
  { "block-signal", OPTIONAL_ARG, V_LONG_ONLY },
  { "default-signal", OPTIONAL_ARG, V_LONG_ONLY },
  { "ignore-signal", OPTIONAL_ARG, V_LONG_ONLY },
  { "list-signal-handling", NO_ARG, V_LONG_ONLY },
  HELP_VERSION,
  { NULL, 0, 0 },
};

static const struct long_opt nice_longs[] = {
  { "adjustment", REQUIRED_ARG, 'n' },
  HELP_VERSION,
  { NULL, 0, 0 },
};

static const struct long_opt ionice_longs[] = {
  { "class", REQUIRED_ARG, 'c' }, { "classdata", REQUIRED_ARG, 'n' },
  { "ignore", NO_ARG, 't' },      { "pid", REQUIRED_ARG, 'p' },
  { "pgid", REQUIRED_ARG, 'P' },  { "uid", REQUIRED_ARG, 'u' },
  HELP_VERSION,                   { NULL, 0, 0 },
};

static const struct long_opt nohup_longs[] = {
  HELP_VERSION,
  { NULL, 0, 0 },
};

static const struct long_opt timeout_longs[] = {
  { "foreground", NO_ARG, 'f' },      { "kill-after", REQUIRED_ARG, 'k' },
  { "preserve-status", NO_ARG, 'p' }, { "signal", REQUIRED_ARG, 's' },
  { "verbose", NO_ARG, 'v' },         HELP_VERSION,
  { NULL, 0, 0 },
};

static const struct long_opt stdbuf_longs[] = {
  { "input", REQUIRED_ARG, 'i' },
  { "output", REQUIRED_ARG, 'o' },
  { "error", REQUIRED_ARG, 'e' },
  HELP_VERSION,
  { NULL, 0, 0 },
};

static const struct long_opt chrt_longs[] = {
  { "all-tasks", NO_ARG, 'a' },          { "batch", NO_ARG, 'b' },
  { "deadline", NO_ARG, 'd' },           { "fifo", NO_ARG, 'f' },
  { "idle", NO_ARG, 'i' },               { "other", NO_ARG, 'o' },
  { "rr", NO_ARG, 'r' },                 { "reset-on-fork", NO_ARG, 'R' },
  { "sched-runtime", REQUIRED_ARG, 'T' }, { "sched-period", REQUIRED_ARG, 'P' },
  { "sched-deadline", REQUIRED_ARG, 'D' }, { "max", NO_ARG, 'm' },
  { "pid", NO_ARG, 'p' },                { "verbose", NO_ARG, 'v' },
  HELP_VERSION,                          { NULL, 0, 0 },
};

static const struct long_opt taskset_longs[] = {
  { "all-tasks", NO_ARG, 'a' },
  { "cpu-list", NO_ARG, 'c' },
  { "pid", NO_ARG, 'p' },
  HELP_VERSION,
  { NULL, 0, 0 },
};

static const struct long_opt setsid_longs[] = {
  { "ctty", NO_ARG, 'c' },
  { "fork", NO_ARG, 'f' },
  { "wait", NO_ARG, 'w' },
  HELP_VERSION,
  { NULL, 0, 0 },
};

static const struct long_opt xargs_longs[] = {
  { "null", NO_ARG, '0' },
  { "arg-file", REQUIRED_ARG, 'a' },
  { "delimiter", REQUIRED_ARG, 'd' },
  { "eof", OPTIONAL_ARG, 'e' },
  { "replace", OPTIONAL_ARG, 'i' },
  { "max-lines", OPTIONAL_ARG, 'l' },
  { "max-args", REQUIRED_ARG, 'n' },
  { "open-tty", NO_ARG, 'o' },
  { "max-procs", REQUIRED_ARG, 'P' },
  { "interactive", NO_ARG, 'p' },
  { "process-slot-var", REQUIRED_ARG, V_LONG_ONLY },
  { "no-run-if-empty", NO_ARG, 'r' },
  { "max-chars", REQUIRED_ARG, 's' },
  { "verbose", NO_ARG, 't' },
  { "exit", NO_ARG, 'x' },
  { "show-limits", NO_ARG, V_LONG_ONLY },
  HELP_VERSION,
  { NULL, 0, 0 },
};

static const struct long_opt time_longs[] = {
  { "append", NO_ARG, 'a' },      { "format", REQUIRED_ARG, 'f' },
  { "output", REQUIRED_ARG, 'o' }, { "portability", NO_ARG, 'p' },
  { "quiet", NO_ARG, 'q' },       { "verbose", NO_ARG, 'v' },
  HELP_VERSION,                   { NULL, 0, 0 },
};

/* util-linux su-common.c: one table for su and runuser (-u is runuser's). */
static const struct long_opt su_longs[] = {
  { "command", REQUIRED_ARG, 'c' },
  { "session-command", REQUIRED_ARG, V_SESSION_CMD },
  { "fast", NO_ARG, 'f' },
  { "login", NO_ARG, 'l' },
  { "preserve-environment", NO_ARG, 'p' },
  { "pty", NO_ARG, 'P' },
  { "no-pty", NO_ARG, V_LONG_ONLY },
  { "shell", REQUIRED_ARG, 's' },
  { "group", REQUIRED_ARG, 'g' },
  { "supp-group", REQUIRED_ARG, 'G' },
  { "user", REQUIRED_ARG, 'u' },
  { "whitelist-environment", REQUIRED_ARG, 'w' },
  HELP_VERSION,
  { NULL, 0, 0 },
};

static const struct long_opt setpriv_longs[] = {
  { "dump", NO_ARG, 'd' },
  { "nnp", NO_ARG, V_LONG_ONLY },
  { "no-new-privs", NO_ARG, V_LONG_ONLY },
  { "inh-caps", REQUIRED_ARG, V_LONG_ONLY },
  { "ambient-caps", REQUIRED_ARG, V_LONG_ONLY },
  { "list-caps", NO_ARG, V_NOTHING },
  { "ruid", REQUIRED_ARG, V_USER },
  { "euid", REQUIRED_ARG, V_USER },
  { "rgid", REQUIRED_ARG, V_LONG_ONLY },
  { "egid", REQUIRED_ARG, V_LONG_ONLY },
  { "reuid", REQUIRED_ARG, V_USER },
  { "regid", REQUIRED_ARG, V_LONG_ONLY },
  { "clear-groups", NO_ARG, V_LONG_ONLY },
  { "keep-groups", NO_ARG, V_LONG_ONLY },
  { "init-groups", NO_ARG, V_LONG_ONLY },
  { "groups", REQUIRED_ARG, V_LONG_ONLY },
  { "bounding-set", REQUIRED_ARG, V_LONG_ONLY },
  { "securebits", REQUIRED_ARG, V_LONG_ONLY },
  { "pdeathsig", REQUIRED_ARG, V_LONG_ONLY },
  { "ptracer", REQUIRED_ARG, V_LONG_ONLY },
  { "selinux-label", REQUIRED_ARG, V_LONG_ONLY },
  { "apparmor-profile", REQUIRED_ARG, V_LONG_ONLY },
  { "landlock-access", REQUIRED_ARG, V_LONG_ONLY },
  { "landlock-rule", REQUIRED_ARG, V_LONG_ONLY },
  { "seccomp-filter", REQUIRED_ARG, V_LONG_ONLY },
  { "reset-env", NO_ARG, V_LONG_ONLY },
  HELP_VERSION,
  { NULL, 0, 0 },
};

/* coreutils chroot: long options only. */
static const struct long_opt chroot_longs[] = {
  { "groups", REQUIRED_ARG, V_LONG_ONLY },
  { "userspec", REQUIRED_ARG, V_LONG_ONLY },
  { "skip-chdir", NO_ARG, V_SKIP_CHDIR },
  HELP_VERSION,
  { NULL, 0, 0 },
};

static const struct long_opt unshare_longs[] = {
  { "mount", OPTIONAL_ARG, 'm' },     { "uts", OPTIONAL_ARG, 'u' },
  { "ipc", OPTIONAL_ARG, 'i' },       { "net", OPTIONAL_ARG, 'n' },
  { "pid", OPTIONAL_ARG, 'p' },       { "user", OPTIONAL_ARG, 'U' },
  { "cgroup", OPTIONAL_ARG, 'C' },    { "time", OPTIONAL_ARG, 'T' },
  { "fork", NO_ARG, 'f' },            { "kill-child", OPTIONAL_ARG, V_LONG_ONLY },
  { "forward-signals", NO_ARG, V_LONG_ONLY },
  { "mount-proc", OPTIONAL_ARG, V_LONG_ONLY },
  { "mount-binfmt", OPTIONAL_ARG, V_LONG_ONLY },
  { "map-user", REQUIRED_ARG, V_LONG_ONLY },
  { "map-users", REQUIRED_ARG, V_LONG_ONLY },
  { "map-group", REQUIRED_ARG, V_LONG_ONLY },
  { "map-groups", REQUIRED_ARG, V_LONG_ONLY },
  { "map-root-user", NO_ARG, 'r' },   { "map-current-user", NO_ARG, 'c' },
  { "map-auto", NO_ARG, V_LONG_ONLY }, { "map-subids", NO_ARG, V_LONG_ONLY },
  { "owner", REQUIRED_ARG, V_LONG_ONLY },
  { "propagation", REQUIRED_ARG, V_LONG_ONLY },
  { "setgroups", REQUIRED_ARG, V_LONG_ONLY },
  { "keep-caps", NO_ARG, V_LONG_ONLY },
  { "setuid", REQUIRED_ARG, 'S' },    { "setgid", REQUIRED_ARG, 'G' },
  { "root", REQUIRED_ARG, 'R' },      { "wd", REQUIRED_ARG, 'w' },
  { "monotonic", REQUIRED_ARG, V_LONG_ONLY },
  { "boottime", REQUIRED_ARG, V_LONG_ONLY },
  { "load-interp", REQUIRED_ARG, 'l' },
  HELP_VERSION,                       { NULL, 0, 0 },
};

static const struct long_opt nsenter_longs[] = {
  { "all", NO_ARG, 'a' },           { "target", REQUIRED_ARG, 't' },
  { "mount", OPTIONAL_ARG, 'm' },   { "uts", OPTIONAL_ARG, 'u' },
  { "ipc", OPTIONAL_ARG, 'i' },     { "net", OPTIONAL_ARG, 'n' },
  { "net-socket", REQUIRED_ARG, 'N' },
  { "pid", OPTIONAL_ARG, 'p' },     { "cgroup", OPTIONAL_ARG, 'C' },
  { "user", OPTIONAL_ARG, 'U' },    { "time", OPTIONAL_ARG, 'T' },
  { "setuid", REQUIRED_ARG, 'S' },  { "setgid", REQUIRED_ARG, 'G' },
  { "preserve-credentials", NO_ARG, V_LONG_ONLY },
  { "keep-caps", NO_ARG, V_LONG_ONLY },
  { "root", OPTIONAL_ARG, 'r' },    { "wd", OPTIONAL_ARG, 'w' },
  { "wdns", REQUIRED_ARG, 'W' },    { "env", NO_ARG, 'e' },
  { "no-fork", NO_ARG, 'F' },       { "join-cgroup", NO_ARG, 'c' },
  { "user-parent", NO_ARG, V_LONG_ONLY },
  { "follow-context", NO_ARG, 'Z' },
  HELP_VERSION,                     { NULL, 0, 0 },
};

static const struct long_opt flock_longs[] = {
  { "shared", NO_ARG, 's' },       { "exclusive", NO_ARG, 'x' },
  { "unlock", NO_ARG, 'u' },       { "nonblocking", NO_ARG, 'n' },
  { "nb", NO_ARG, 'n' },           { "timeout", REQUIRED_ARG, 'w' },
  { "wait", REQUIRED_ARG, 'w' },   { "conflict-exit-code", REQUIRED_ARG, 'E' },
  { "close", NO_ARG, 'o' },        { "no-fork", NO_ARG, 'F' },
  { "verbose", NO_ARG, V_LONG_ONLY }, { "fcntl", NO_ARG, V_LONG_ONLY },
  HELP_VERSION,                    { NULL, 0, 0 },
};

/* strace 6: every long option, for getopt_long's unique prefixes. */
static const struct long_opt strace_longs[] = {
  { "columns", REQUIRED_ARG, 'a' },
  { "output-append-mode", NO_ARG, 'A' },
  { "detach-on", REQUIRED_ARG, 'b' },
  { "summary-only", NO_ARG, 'c' },
  { "summary", NO_ARG, 'C' },
  { "debug", NO_ARG, 'd' },
  { "daemonize", OPTIONAL_ARG, 'D' },
  { "daemonise", OPTIONAL_ARG, 'D' },
  { "daemonized", OPTIONAL_ARG, 'D' },
  { "env", REQUIRED_ARG, 'E' },
  { "follow-forks", NO_ARG, 'f' },
  { "output-separately", NO_ARG, V_LONG_ONLY },
  { "instruction-pointer", NO_ARG, 'i' },
  { "interruptible", REQUIRED_ARG, 'I' },
  { "kill-on-exit", NO_ARG, V_LONG_ONLY },
  { "stack-trace", OPTIONAL_ARG, 'k' },
  { "stack-traces", OPTIONAL_ARG, 'k' },
  { "stack-trace-frame-limit", REQUIRED_ARG, V_LONG_ONLY },
  { "syscall-limit", REQUIRED_ARG, V_LONG_ONLY },
  { "syscall-number", NO_ARG, 'n' },
  { "arg-names", NO_ARG, V_LONG_ONLY },
  { "output", REQUIRED_ARG, 'o' },
  { "summary-syscall-overhead", REQUIRED_ARG, 'O' },
  { "attach", REQUIRED_ARG, 'p' },
  { "trace-path", REQUIRED_ARG, 'P' },
  { "relative-timestamps", OPTIONAL_ARG, 'r' },
  { "string-limit", REQUIRED_ARG, 's' },
  { "summary-sort-by", REQUIRED_ARG, 'S' },
  { "absolute-timestamps", OPTIONAL_ARG, 't' },
  { "timestamps", OPTIONAL_ARG, 't' },
  { "syscall-times", OPTIONAL_ARG, 'T' },
  { "user", REQUIRED_ARG, 'u' },
  { "summary-columns", REQUIRED_ARG, 'U' },
  { "no-abbrev", NO_ARG, 'v' },
  { "summary-wall-clock", NO_ARG, 'w' },
  { "strings-in-hex", OPTIONAL_ARG, 'x' },
  { "const-print-style", REQUIRED_ARG, 'X' },
  { "pidns-translation", NO_ARG, V_LONG_ONLY },
  { "successful-only", NO_ARG, 'z' },
  { "failed-only", NO_ARG, 'Z' },
  { "failing-only", NO_ARG, 'Z' },
  { "seccomp-bpf", NO_ARG, V_LONG_ONLY },
  { "tips", OPTIONAL_ARG, V_LONG_ONLY },
  { "argv0", REQUIRED_ARG, V_LONG_ONLY },
  { "always-show-pid", NO_ARG, V_LONG_ONLY },
  { "color", REQUIRED_ARG, V_LONG_ONLY },
  { "trace", REQUIRED_ARG, 'e' },
  { "trace-fds", REQUIRED_ARG, 'e' },
  { "abbrev", REQUIRED_ARG, 'e' },
  { "verbose", REQUIRED_ARG, 'e' },
  { "raw", REQUIRED_ARG, 'e' },
  { "signal", REQUIRED_ARG, 'e' },
  { "signals", REQUIRED_ARG, 'e' },
  { "status", REQUIRED_ARG, 'e' },
  { "read", REQUIRED_ARG, 'e' },
  { "write", REQUIRED_ARG, 'e' },
  { "fault", REQUIRED_ARG, 'e' },
  { "inject", REQUIRED_ARG, 'e' },
  { "kvm", REQUIRED_ARG, 'e' },
  { "namespace", OPTIONAL_ARG, V_LONG_ONLY },
  { "quiet", OPTIONAL_ARG, 'q' },
  { "silent", OPTIONAL_ARG, 'q' },
  { "silence", OPTIONAL_ARG, 'q' },
  { "decode-fds", OPTIONAL_ARG, 'y' },
  { "decode-pids", REQUIRED_ARG, 'Y' },
  { "secontext", OPTIONAL_ARG, V_LONG_ONLY },
  HELP_VERSION,
  { NULL, 0, 0 },
};

static const struct long_opt ltrace_longs[] = {
  { "align", REQUIRED_ARG, 'a' },  { "config", REQUIRED_ARG, 'F' },
  { "debug", REQUIRED_ARG, 'D' },  { "demangle", NO_ARG, 'C' },
  { "indent", REQUIRED_ARG, 'n' }, { "library", REQUIRED_ARG, 'l' },
  { "output", REQUIRED_ARG, 'o' }, { "no-signals", NO_ARG, 'b' },
  { "where", REQUIRED_ARG, 'w' },  HELP_VERSION,
  { NULL, 0, 0 },
};

static const struct long_opt script_longs[] = {
  { "append", NO_ARG, 'a' },              { "command", REQUIRED_ARG, 'c' },
  { "echo", REQUIRED_ARG, 'E' },          { "return", NO_ARG, 'e' },
  { "flush", NO_ARG, 'f' },               { "force", NO_ARG, V_LONG_ONLY },
  { "quiet", NO_ARG, 'q' },               { "log-in", REQUIRED_ARG, 'I' },
  { "log-out", REQUIRED_ARG, 'O' },       { "log-io", REQUIRED_ARG, 'B' },
  { "log-timing", REQUIRED_ARG, 'T' },    { "logging-format", REQUIRED_ARG, 'm' },
  { "output-limit", REQUIRED_ARG, 'o' },  { "timing", OPTIONAL_ARG, 't' },
  HELP_VERSION,                           { NULL, 0, 0 },
};

/* fakeroot is a shell script reading its words with getopt(1). */
static const struct long_opt fakeroot_longs[] = {
  { "lib", REQUIRED_ARG, 'l' },         { "faked", REQUIRED_ARG, 'f' },
  { "unknown-is-real", NO_ARG, 'u' },   { "fd-base", REQUIRED_ARG, 'b' },
  { "version", NO_ARG, V_NOTHING },     { "help", NO_ARG, V_NOTHING },
  { NULL, 0, 0 },
};

/* procps-ng 4 watch. */
static const struct long_opt watch_longs[] = {
  { "beep", NO_ARG, 'b' },             { "color", NO_ARG, 'c' },
  { "no-color", NO_ARG, 'C' },         { "differences", OPTIONAL_ARG, 'd' },
  { "errexit", NO_ARG, 'e' },          { "follow", NO_ARG, 'f' },
  { "chgexit", NO_ARG, 'g' },          { "interval", REQUIRED_ARG, 'n' },
  { "precise", NO_ARG, 'p' },          { "equexit", REQUIRED_ARG, 'q' },
  { "no-rerun", NO_ARG, 'r' },         { "shotsdir", REQUIRED_ARG, 's' },
  { "no-title", NO_ARG, 't' },         { "no-wrap", NO_ARG, 'w' },
  { "exec", NO_ARG, 'x' },             HELP_VERSION,
  { NULL, 0, 0 },
};

static const struct long_opt busybox_longs[] = {
  { "list", NO_ARG, V_NOTHING },
  { "list-full", NO_ARG, V_NOTHING },
  { "install", NO_ARG, V_NOTHING },
  HELP_VERSION,
  { NULL, 0, 0 },
};

/* The option strings are those of the programs' own getopt calls (su,
 * runuser and script permute; the others stop at their first operand).
 * sudo -h takes a host (sudo(8) treats a following word as one); -k with
 * a command runs it, so only -l -v -e -K -V run nothing. */
static const struct launcher launchers[] = {
  { "sudo", "Aa:BbC:c:D:Eeg:Hh:iKklNnPp:R:r:SsT:t:U:u:Vv", sudo_longs, "lveKV", L_ASSIGNMENTS,
    K_SUDO },
  { "env", "0a:C:iS:u:v", env_longs, "", L_ASSIGNMENTS, K_ENV },
  { "nice", "n:", nice_longs, "", L_NUMERIC, K_PLAIN },
  { "ionice", "c:n:p:P:tu:", ionice_longs, "pPu", 0, K_PLAIN },
  { "nohup", "", nohup_longs, "", 0, K_PLAIN },
  { "timeout", "fk:ps:v", timeout_longs, "", L_OPERAND, K_PLAIN },
  { "stdbuf", "i:o:e:", stdbuf_longs, "", 0, K_PLAIN },
  { "chrt", "abdD:fihmoP:prRT:vV", chrt_longs, "hmpV", L_PRIORITY, K_PLAIN },
  { "taskset", "acphV", taskset_longs, "phV", L_OPERAND, K_PLAIN },
  { "setsid", "cfwhV", setsid_longs, "hV", 0, K_PLAIN },
  { "xargs", "0a:d:E:e::I:i::L:l::n:oP:prs:tx", xargs_longs, "", L_MORE_ARGS | L_ECHO, K_XARGS },
  { "time", "af:o:pqvV", time_longs, "V", 0, K_TIME },
  /* su reads -u as runuser does, then refuses it. */
  { "su", "c:fg:G:lmpPs:u:hVw:", su_longs, "hVu", L_PERMUTE, K_SU },
  { "runuser", "c:fg:G:lmpPs:u:hVw:", su_longs, "hV", L_PERMUTE, K_SU },
  { "setpriv", "dhV", setpriv_longs, "dhV", 0, K_SETPRIV },
  { "chroot", "", chroot_longs, "", L_OPERAND | L_SESSION, K_CHROOT },
  { "unshare", "fhVmuinpCTUrR:w:S:G:cl:", unshare_longs, "hV", L_SESSION, K_UNSHARE },
  { "nsenter", "ahVt:m::u::i::n::N:p::C::U::T::S:G:r::w::W:ecFZ", nsenter_longs, "hV", L_SESSION,
    K_NSENTER },
  { "flock", "sexnoFuw:E:hV", flock_longs, "hV", 0, K_FLOCK },
  { "strace", "a:Ab:cCdDe:E:fFhiI:knNo:O:p:P:qrs:S:tTu:U:vVwxX:yYzZ", strace_longs, "hV", 0,
    K_TRACE },
  { "ltrace", "Cw:cfhiLrStTVba:A:D:e:F:l:n:o:p:s:u:x:", ltrace_longs, "hV", 0, K_TRACE },
  { "script", "aB:c:eE:fI:O:o:qm:T:t::Vh", script_longs, "hV", L_PERMUTE, K_SCRIPT },
  { "fakeroot", "l:f:i:s:ub:vh", fakeroot_longs, "vh", L_SESSION, K_FAKEROOT },
  { "watch", "bCcefd::ghq:n:prs:twvx", watch_longs, "hv", 0, K_WATCH },
  { "busybox", "", busybox_longs, "", 0, K_BUSYBOX },
  { "toybox", "", nohup_longs, "", 0, K_BUSYBOX },
};

const struct launcher *
hg_find_launcher (const char *name)
{
  for (size_t k = 0; k < N_ELEMENTS (launchers); k++)
    if (strcmp (name, launchers[k].name) == 0)
      return &launchers[k];
  return NULL;
}
