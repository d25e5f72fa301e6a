/* hg_look_through: table-driven.  Each row is an argv and the commands it
 * runs, item 0 first, rendered one per string: words joined by spaces (a
 * dynamic word as <word>, a static one holding a space as 'word'), then
 * " @USER" for as_user, " +args" for more_args, " [VIA]" for the trail,
 * " {cwd DIR}" (or {cwd ?}) and " {root DIR}" for where it runs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "policy/internal.h"

#define MAX_WORDS 32
#define MAX_CMDS 12
#define U16 "abcdefghijklmnop"
#define LONG_USER U16 U16 U16 U16 U16 U16 U16 U16 U16 U16 U16 U16 U16 U16 U16 U16

struct row
{
  const char *argv[MAX_WORDS]; /* NULL-terminated */
  const char *want[MAX_CMDS];  /* NULL-terminated; item 0 first */
  const char *unknowable;      /* a part of the expected explanation; NULL: none */
};

static const struct row rows[] = {
  /* not launchers */
  { { "rm", "-rf", "/" }, { "rm -rf /" }, NULL },
  { { "/usr/bin/mysql", "-e", "drop database x" }, { "/usr/bin/mysql -e 'drop database x'" }, NULL },
  { { "ls", "-l" }, { "ls -l" }, NULL },
  { { "sudoedit", "/etc/passwd" }, { "sudoedit /etc/passwd" }, NULL },
  /* sudo */
  { { "sudo", "rm", "-rf", "/" }, { "sudo rm -rf /", "rm -rf / @root [sudo]" }, NULL },
  { { "sudo", "-u", "mysql", "mysql", "-e", "drop database x" },
    { "sudo -u mysql mysql -e 'drop database x'", "mysql -e 'drop database x' @mysql [sudo -u mysql]" },
    NULL },
  { { "/usr/bin/sudo", "-umysql", "id" }, { "/usr/bin/sudo -umysql id", "id @mysql [sudo -u mysql]" }, NULL },
  { { "sudo", "--user=bob", "id" }, { "sudo --user=bob id", "id @bob [sudo -u bob]" }, NULL },
  { { "sudo", "--user", "bob", "id" }, { "sudo --user bob id", "id @bob [sudo -u bob]" }, NULL },
  { { "sudo", "--us", "bob", "id" }, { "sudo --us bob id", "id @bob [sudo -u bob]" }, NULL },
  { { "sudo", "-Eu", "#1001", "id" }, { "sudo -Eu #1001 id", "id @#1001 [sudo -u #1001]" }, NULL },
  { { "sudo", "-nHE", "-g", "adm", "-h", "db1", "-p", "pw:", "-C", "5", "-D", "/srv", "ls" },
    { "sudo -nHE -g adm -h db1 -p pw: -C 5 -D /srv ls", "ls [sudo cwd /srv] {cwd /srv}" }, NULL },
  { { "sudo", "-g", "adm", "-u", "bob", "ls" }, { "sudo -g adm -u bob ls", "ls @bob [sudo -u bob]" }, NULL },
  { { "sudo", "-r", "role", "-t", "type", "-T", "10", "-U", "x", "-R", "/c", "ls" },
    { "sudo -r role -t type -T 10 -U x -R /c ls", "ls @root [sudo]" }, NULL },
  { { "sudo", "-i", "rm", "x" }, { "sudo -i rm x", "rm x @root [sudo] {cwd ?}" }, NULL },
  { { "sudo", "-s", "rm", "x" }, { "sudo -s rm x", "rm x @root [sudo]" }, NULL },
  { { "sudo", "-i" }, { "sudo -i", "sh -i @root [sudo] {cwd ?}" }, "standard input" },
  { { "sudo", "-s" }, { "sudo -s", "sh -i @root [sudo]" }, "standard input" },
  { { "sudo", "--chdir=/srv", "-u", "mysql", "rm", "x" },
    { "sudo --chdir=/srv -u mysql rm x", "rm x @mysql [sudo -u mysql cwd /srv] {cwd /srv}" }, NULL },
  { { "sudo", "--", "-weird" }, { "sudo -- -weird", "-weird @root [sudo]" }, NULL },
  { { "sudo", "A=1", "B=2", "rm", "x" }, { "sudo A=1 B=2 rm x", "rm x @root [sudo]" }, NULL },
  { { "sudo", "--preserve-env=PATH", "rm", "x" }, { "sudo --preserve-env=PATH rm x", "rm x @root [sudo]" }, NULL },
  { { "sudo", "-l" }, { "sudo -l" }, NULL },
  { { "sudo", "-l", "rm", "x" }, { "sudo -l rm x" }, NULL },
  { { "sudo", "-v" }, { "sudo -v" }, NULL },
  { { "sudo", "-e", "/etc/hosts" }, { "sudo -e /etc/hosts" }, NULL },
  { { "sudo", "-K" }, { "sudo -K" }, NULL },
  { { "sudo", "--list", "rm" }, { "sudo --list rm" }, NULL },
  { { "sudo", "-k" }, { "sudo -k" }, NULL },
  /* sudo(8): -k with a command runs it */
  { { "sudo", "-k", "rm", "x" }, { "sudo -k rm x", "rm x @root [sudo]" }, NULL },
  { { "sudo", "-u" }, { "sudo -u" }, NULL },
  /* user names: sudo refuses past LOGIN_NAME_MAX; trails show 32 bytes */
  { { "sudo", "-u", "u123456789012345678901234567890123456789", "id" },
    { "sudo -u u123456789012345678901234567890123456789 id",
      "id @u123456789012345678901234567890123456789 [sudo -u u1234567890123456789012345678901...]" }, NULL },
  { { "sudo", "-u", LONG_USER, "id" }, { "sudo -u " LONG_USER " id" }, NULL },
  /* env */
  { { "env", "-i", "PATH=/x", "rm", "-rf", "/" }, { "env -i PATH=/x rm -rf /", "rm -rf / [env]" }, NULL },
  { { "env", "-u", "HOME", "-uPATH", "--unset=X", "-C", "/srv", "--", "A=1", "rm" },
    { "env -u HOME -uPATH --unset=X -C /srv -- A=1 rm", "rm [env cwd /srv] {cwd /srv}" }, NULL },
  { { "env", "--chdir=/srv", "rm", "-rf", "mariadb" },
    { "env --chdir=/srv rm -rf mariadb", "rm -rf mariadb [env cwd /srv] {cwd /srv}" }, NULL },
  { { "env", "-C", "srv", "env", "-C", "../x", "rm" },
    { "env -C srv env -C ../x rm", "env -C ../x rm [env cwd srv] {cwd srv}",
      "rm [env cwd srv > env cwd ../x] {cwd srv/../x}" }, NULL },
  { { "sh", "-c", "env -C $d rm x" },
    { "sh -c 'env -C $d rm x'", "env -C <$d> rm x [sh -c]", "<$d> rm x [sh -c > env] {cwd ?}" }, NULL },
  { { "env", "-", "A=1", "id" }, { "env - A=1 id", "id [env]" }, NULL },
  { { "env" }, { "env" }, NULL },
  { { "env", "A=1" }, { "env A=1" }, NULL },
  { { "env", "-S", "rm -rf /" }, { "env -S 'rm -rf /'", "env rm -rf / [env]", "rm -rf / [env > env]" }, NULL },
  { { "env", "-C", "/srv", "--split-string=-i 'A=1 2' rm", "-rf", "x" },
    { "env -C /srv '--split-string=-i '\\''A=1 2'\\'' rm' -rf x", "env -i 'A=1 2' rm -rf x [env cwd /srv] {cwd /srv}",
      "rm -rf x [env cwd /srv > env] {cwd /srv}" }, NULL },
  { { "env", "-S", "rm \\x ${HOME}" }, { "env -S 'rm \\x ${HOME}'" }, "env -S" },
  { { "env", "-S", "rm 'x" }, { "env -S 'rm '\\''x'" }, "unterminated" },
  /* nice, ionice, nohup, timeout, stdbuf */
  { { "nice", "rm" }, { "nice rm", "rm [nice]" }, NULL },
  { { "nice", "-n", "10", "rm" }, { "nice -n 10 rm", "rm [nice]" }, NULL },
  { { "nice", "-n5", "--adjustment=3", "rm" }, { "nice -n5 --adjustment=3 rm", "rm [nice]" }, NULL },
  { { "nice", "-10", "rm" }, { "nice -10 rm", "rm [nice]" }, NULL },
  { { "nice", "--5", "rm" }, { "nice --5 rm", "rm [nice]" }, NULL },
  { { "ionice", "-c", "3", "-n", "7", "-t", "rm" }, { "ionice -c 3 -n 7 -t rm", "rm [ionice]" }, NULL },
  { { "ionice", "-c2", "rm" }, { "ionice -c2 rm", "rm [ionice]" }, NULL },
  { { "ionice", "-p", "1", "2" }, { "ionice -p 1 2" }, NULL },
  { { "nohup", "rm", "x" }, { "nohup rm x", "rm x [nohup]" }, NULL },
  { { "nohup", "--", "rm" }, { "nohup -- rm", "rm [nohup]" }, NULL },
  { { "timeout", "-s", "KILL", "10", "rm", "-rf", "/srv" },
    { "timeout -s KILL 10 rm -rf /srv", "rm -rf /srv [timeout]" }, NULL },
  { { "timeout", "--kill-after=5", "-k", "1", "--foreground", "-v", "1m", "rm" },
    { "timeout --kill-after=5 -k 1 --foreground -v 1m rm", "rm [timeout]" }, NULL },
  { { "timeout", "10" }, { "timeout 10" }, NULL },
  { { "stdbuf", "-oL", "-e", "0", "--input=0", "rm" }, { "stdbuf -oL -e 0 --input=0 rm", "rm [stdbuf]" }, NULL },
  /* chrt, taskset, setsid */
  { { "chrt", "-f", "10", "rm" }, { "chrt -f 10 rm", "rm [chrt]" }, NULL },
  { { "chrt", "--rr", "-T", "100", "5", "rm" }, { "chrt --rr -T 100 5 rm", "rm [chrt]" }, NULL },
  { { "chrt", "-p", "10", "1" }, { "chrt -p 10 1" }, NULL },
  { { "chrt", "-m" }, { "chrt -m" }, NULL },
  { { "taskset", "0x3", "rm" }, { "taskset 0x3 rm", "rm [taskset]" }, NULL },
  { { "taskset", "-c", "0-3", "rm" }, { "taskset -c 0-3 rm", "rm [taskset]" }, NULL },
  { { "taskset", "-p", "3", "1" }, { "taskset -p 3 1" }, NULL },
  { { "setsid", "-c", "-f", "-w", "rm" }, { "setsid -c -f -w rm", "rm [setsid]" }, NULL },
  { { "setsid", "-fw", "rm" }, { "setsid -fw rm", "rm [setsid]" }, NULL },
  /* xargs */
  { { "xargs", "-0", "rm", "-f" }, { "xargs -0 rm -f", "rm -f +args [xargs]" }, NULL },
  { { "xargs" }, { "xargs", "echo +args [xargs]" }, NULL },
  { { "xargs", "-n", "1", "-P4", "-d", "\\n", "-a", "list", "-E", "END", "-L", "2", "-s", "100", "rm" },
    { "xargs -n 1 -P4 -d \\n -a list -E END -L 2 -s 100 rm", "rm +args [xargs]" }, NULL },
  { { "xargs", "--arg-file=x", "--max-procs", "2", "-r", "-t", "-x", "rm" },
    { "xargs --arg-file=x --max-procs 2 -r -t -x rm", "rm +args [xargs]" }, NULL },
  { { "xargs", "-e", "rm" }, { "xargs -e rm", "rm +args [xargs]" }, NULL },
  { { "xargs", "-I", "{}", "mv", "{}", "{}.bak" }, { "xargs -I {} mv {} {}.bak", "mv <{}> <{}.bak> +args [xargs]" }, NULL },
  { { "xargs", "-i", "rm", "{}" }, { "xargs -i rm {}", "rm <{}> +args [xargs]" }, NULL },
  { { "xargs", "nice", "rm" }, { "xargs nice rm", "nice rm +args [xargs]", "rm +args [xargs > nice]" }, NULL },
  { { "xargs", "sudo" }, { "xargs sudo", "sudo +args [xargs]" }, "run time" },
  /* sh -c */
  { { "bash", "-c", "cd /srv && rm -rf *" },
    { "bash -c 'cd /srv && rm -rf *'", "cd /srv [bash -c]", "rm -rf <*> [bash -c] {cwd /srv}" }, NULL },
  { { "/bin/sh", "-c", "x=rm; $x -rf /" }, { "/bin/sh -c 'x=rm; $x -rf /'", "<$x> -rf / [sh -c]" }, NULL },
  { { "dash", "-ec", "ls" }, { "dash -ec ls", "ls [dash -c]" }, NULL },
  { { "bash", "-lc", "ls", "name", "a", "b" }, { "bash -lc ls name a b", "ls [bash -c]" }, NULL },
  { { "bash", "-xc", "ls" }, { "bash -xc ls", "ls [bash -c]" }, NULL },
  { { "bash", "-c", "-e", "ls" }, { "bash -c -e ls", "ls [bash -c]" }, NULL },
  { { "bash", "-o", "pipefail", "--norc", "-c", "a|b" }, { "bash -o pipefail --norc -c a|b", "a [bash -c]", "b [bash -c]" }, NULL },
  { { "sh", "script.sh" }, { "sh script.sh" }, "script file" },
  { { "bash", "-x", "--", "script.sh" }, { "bash -x -- script.sh" }, "script file" },
  { { "bash", "-s", "arg" }, { "bash -s arg" }, "standard input" },
  { { "sh" }, { "sh" }, "standard input" },
  { { "bash", "--version" }, { "bash --version" }, NULL },
  { { "sh", "-c", "curl -s x | sudo bash" },
    { "sh -c 'curl -s x | sudo bash'", "curl -s x [sh -c]", "sudo bash [sh -c]", "bash @root [sh -c > sudo]" },
    "standard input" },
  { { "sh", "-c", ". ./env.sh; rm x" }, { "sh -c '. ./env.sh; rm x'", ". ./env.sh [sh -c]", "rm x [sh -c]" }, "source" },
  { { "bash", "-c", "source /etc/x" }, { "bash -c 'source /etc/x'", "source /etc/x [bash -c]" }, "source" },
  { { "sh", "-c", "alias ls='rm -rf'; ls /srv" },
    { "sh -c 'alias ls='\\''rm -rf'\\''; ls /srv'", "alias 'ls=rm -rf' [sh -c]", "ls /srv [sh -c]" }, "alias" },
  { { "sh", "-c", "alias; alias ll" }, { "sh -c 'alias; alias ll'", "alias [sh -c]", "alias ll [sh -c]" }, NULL },
  { { "sh", "-c", "trap 'rm -rf /srv' EXIT" },
    { "sh -c 'trap '\\''rm -rf /srv'\\'' EXIT'", "trap 'rm -rf /srv' EXIT [sh -c]" }, "trap" },
  { { "sh", "-c", "trap - EXIT; trap '' INT; trap -l; trap 0 1" },
    { "sh -c 'trap - EXIT; trap '\\'''\\'' INT; trap -l; trap 0 1'", "trap - EXIT [sh -c]", "trap '' INT [sh -c]",
      "trap -l [sh -c]", "trap 0 1 [sh -c]" }, NULL },
  { { "bash", "-c", "enable -f ./x.so x" }, { "bash -c 'enable -f ./x.so x'", "enable -f ./x.so x [bash -c]" }, "enable -f" },
  { { "sh", "-c", "command rm -rf /srv; builtin cd /x" },
    { "sh -c 'command rm -rf /srv; builtin cd /x'", "rm -rf /srv [sh -c]", "cd /x [sh -c]" }, NULL },
  { { "rbash", "-c", "rm x" }, { "rbash -c 'rm x'", "rm x [rbash -c]" }, NULL },
  { { "zsh", "-c", "rm x" }, { "zsh -c 'rm x'", "rm x [zsh -c]" }, NULL },
  { { "ksh", "-c", "rm x" }, { "ksh -c 'rm x'", "rm x [ksh -c]" }, NULL },
  { { "ash", "-c", "rm x" }, { "ash -c 'rm x'", "rm x [ash -c]" }, NULL },
  { { "busybox", "sh", "-c", "rm x" }, { "busybox sh -c 'rm x'", "sh -c 'rm x' [busybox]", "rm x [busybox > sh -c]" }, NULL },
  { { "busybox", "rm", "-rf", "/srv" }, { "busybox rm -rf /srv", "rm -rf /srv [busybox]" }, NULL },
  { { "busybox", "--list" }, { "busybox --list" }, NULL },
  { { "toybox", "rm", "-rf", "/srv" }, { "toybox rm -rf /srv", "rm -rf /srv [toybox]" }, NULL },
  { { "env", "-S", "rm", "a=b", "c" }, { "env -S rm a=b c", "env rm a=b c [env]", "rm a=b c [env > env]" }, NULL },
  { { "chroot", "/", "rm", "-rf", "srv" }, { "chroot / rm -rf srv", "rm -rf srv [chroot root /] {cwd /} {root /}" }, NULL },
  { { "sh", "-c" }, { "sh -c" }, NULL },
  { { "sh", "-c", "case x in *) rm;; esac" }, { "sh -c 'case x in *) rm;; esac'" }, "case" },
  { { "sh", "-c", "" }, { "sh -c ''" }, NULL },
  { { "sh", "-c", "sh -c \"$0\"" }, { "sh -c 'sh -c \"$0\"'", "sh -c <$0> [sh -c]" }, "run time" },
  /* time, su, runuser, setpriv */
  { { "time", "-f", "%e", "-o", "/tmp/t", "-a", "-p", "rm", "x" }, { "time -f %e -o /tmp/t -a -p rm x", "rm x [time]" }, NULL },
  { { "/usr/bin/time", "--format=%e", "--output", "t", "--verbose", "-q", "rm" },
    { "/usr/bin/time --format=%e --output t --verbose -q rm", "rm [time]" }, NULL },
  { { "time", "--version", "rm" }, { "time --version rm" }, NULL },
  /* in a string: bash's keyword takes -p; with -f it is /usr/bin/time (dash) */
  { { "sh", "-c", "time -f %e rm -rf /srv; time -p ls" },
    { "sh -c 'time -f %e rm -rf /srv; time -p ls'", "time -f %e rm -rf /srv [sh -c]", "rm -rf /srv [sh -c > time]", "ls [sh -c]" }, NULL },
  { { "su", "-c", "rm -rf /" }, { "su -c 'rm -rf /'", "sh -c 'rm -rf /' @root [su root]", "rm -rf / @root [su root > sh -c]" }, NULL },
  { { "su", "-", "mysql", "-c", "rm -rf data" },
    { "su - mysql -c 'rm -rf data'", "sh -c 'rm -rf data' @mysql [su mysql] {cwd ?}",
      "rm -rf data @mysql [su mysql > sh -c] {cwd ?}" }, NULL },
  { { "su", "--command=rm x", "-s", "/bin/bash", "bob" },
    { "su '--command=rm x' -s /bin/bash bob", "/bin/bash -c 'rm x' @bob [su bob]", "rm x @bob [su bob > bash -c]" }, NULL },
  { { "su", "--session-command", "rm x" },
    { "su --session-command 'rm x'", "sh -c 'rm x' @root [su root]", "rm x @root [su root > sh -c]" }, NULL },
  { { "su", "-l" }, { "su -l", "sh -i @root [su root] {cwd ?}" }, "standard input" },
  { { "su", "bob", "script.sh" }, { "su bob script.sh", "sh script.sh @bob [su bob]" }, "script file" },
  { { "su", "-s", "/bin/rm", "root", "--", "-rf", "/srv" }, { "su -s /bin/rm root -- -rf /srv", "/bin/rm -rf /srv @root [su root]" }, NULL },
  { { "su", "-u", "bob", "rm" }, { "su -u bob rm" }, NULL },
  { { "su", "--help" }, { "su --help" }, NULL },
  { { "runuser", "-u", "mysql", "--", "rm", "-rf", "/srv" },
    { "runuser -u mysql -- rm -rf /srv", "rm -rf /srv @mysql [runuser -u mysql]" }, NULL },
  { { "runuser", "-l", "mysql", "-c", "rm x" },
    { "runuser -l mysql -c 'rm x'", "sh -c 'rm x' @mysql [runuser mysql] {cwd ?}",
      "rm x @mysql [runuser mysql > sh -c] {cwd ?}" }, NULL },
  { { "setpriv", "--reuid=mysql", "--regid", "mysql", "--init-groups", "--nnp", "rm", "x" },
    { "setpriv --reuid=mysql --regid mysql --init-groups --nnp rm x", "rm x @mysql [setpriv -u mysql]" }, NULL },
  { { "setpriv", "-d" }, { "setpriv -d" }, NULL },
  /* chroot, unshare, nsenter */
  { { "chroot", "/srv", "rm", "-rf", "/mariadb", "--x=/y", "of=/z", "rel" },
    { "chroot /srv rm -rf /mariadb --x=/y of=/z rel",
      "rm -rf /srv/mariadb --x=/srv/y of=/srv/z rel [chroot root /srv] {cwd /srv} {root /srv}" }, NULL },
  { { "chroot", "--userspec=a:b", "--skip-chdir", "/", "rm", "/x" },
    { "chroot --userspec=a:b --skip-chdir / rm /x", "rm /x [chroot root /] {root /}" }, NULL },
  { { "chroot", "/jail/" }, { "chroot /jail/", "sh -i [chroot root /jail/] {cwd /jail/} {root /jail/}" }, "standard input" },
  { { "chroot", "/a", "chroot", "/b", "sh", "-c", "rm /x" },
    { "chroot /a chroot /b sh -c 'rm /x'", "chroot /a/b sh -c 'rm /x' [chroot root /a] {cwd /a} {root /a}",
      "sh -c 'rm /x' [chroot root /a > chroot root /a/b] {cwd /a/b} {root /a/b}",
      "rm /a/b/x [chroot root /a > chroot root /a/b > sh -c] {cwd /a/b} {root /a/b}" }, NULL },
  { { "sh", "-c", "chroot $r rm x" }, { "sh -c 'chroot $r rm x'", "chroot <$r> rm x [sh -c]" }, "root directory" },
  { { "unshare", "-m", "--mount-proc", "-fpr", "--wd=/srv", "rm", "x" },
    { "unshare -m --mount-proc -fpr --wd=/srv rm x", "rm x [unshare cwd /srv] {cwd /srv}" }, NULL },
  { { "unshare", "-R", "/mnt", "-w", "/srv", "rm", "/x" },
    { "unshare -R /mnt -w /srv rm /x", "rm /mnt/x [unshare root /mnt cwd /srv] {cwd /mnt/srv} {root /mnt}" }, NULL },
  { { "unshare", "-U" }, { "unshare -U", "sh -i [unshare]" }, "standard input" },
  { { "nsenter", "-t", "1", "-m", "-u", "--net=/run/netns/x", "-W", "/srv", "rm", "x" },
    { "nsenter -t 1 -m -u --net=/run/netns/x -W /srv rm x", "rm x [nsenter cwd /srv] {cwd /srv}" }, NULL },
  { { "nsenter", "-t", "1", "-w", "rm", "x" }, { "nsenter -t 1 -w rm x", "rm x [nsenter] {cwd ?}" }, NULL },
  { { "nsenter", "-t", "1", "-r", "rm", "/x" }, { "nsenter -t 1 -r rm /x" }, "root directory" },
  /* flock, strace, ltrace, script, fakeroot, watch */
  { { "flock", "-n", "-w", "5", "/run/x.lock", "rm", "-rf", "/srv" },
    { "flock -n -w 5 /run/x.lock rm -rf /srv", "rm -rf /srv [flock]" }, NULL },
  { { "flock", "/tmp", "-c", "rm -rf /srv" },
    { "flock /tmp -c 'rm -rf /srv'", "sh -c 'rm -rf /srv' [flock]", "rm -rf /srv [flock > sh -c]" }, NULL },
  { { "flock", "--exclusive", "x", "--command", "rm y", "extra" }, { "flock --exclusive x --command 'rm y' extra" }, NULL },
  { { "flock", "9" }, { "flock 9" }, NULL },
  { { "strace", "-f", "-o", "/tmp/t", "-e", "trace=file", "-s", "200", "-u", "mysql", "rm", "x" },
    { "strace -f -o /tmp/t -e trace=file -s 200 -u mysql rm x", "rm x @mysql [strace -u mysql]" }, NULL },
  { { "strace", "-p", "1" }, { "strace -p 1" }, NULL },
  { { "strace", "-o", "|rm -rf /srv", "true" },
    { "strace -o '|rm -rf /srv' true", "sh -c 'rm -rf /srv' [strace]", "rm -rf /srv [strace > sh -c]", "true [strace]" }, NULL },
  { { "strace", "--trace=file", "--output=x", "--", "rm" }, { "strace --trace=file --output=x -- rm", "rm [strace]" }, NULL },
  { { "ltrace", "-o", "x", "-e", "malloc", "-n", "2", "rm" }, { "ltrace -o x -e malloc -n 2 rm", "rm [ltrace]" }, NULL },
  { { "script", "-qc", "rm -rf /srv", "/dev/null" },
    { "script -qc 'rm -rf /srv' /dev/null", "sh -c 'rm -rf /srv' [script]", "rm -rf /srv [script > sh -c]" }, NULL },
  { { "script", "out.log", "--command=rm x", "-q" },
    { "script out.log '--command=rm x' -q", "sh -c 'rm x' [script]", "rm x [script > sh -c]" }, NULL },
  { { "script", "-q" }, { "script -q", "sh -i [script]" }, "standard input" },
  { { "fakeroot", "-u", "--", "rm", "x" }, { "fakeroot -u -- rm x", "rm x [fakeroot]" }, NULL },
  { { "fakeroot", "-f", "/tmp/evil", "true" }, { "fakeroot -f /tmp/evil true", "/tmp/evil [fakeroot]", "true [fakeroot]" }, NULL },
  { { "fakeroot", "-l", "$(rm -rf /srv)", "true" }, { "fakeroot -l '$(rm -rf /srv)' true" }, "run time" },
  { { "fakeroot" }, { "fakeroot", "sh -i [fakeroot]" }, "standard input" },
  { { "watch", "-n", "1", "rm", "-rf", "/srv/x;", "reboot" },
    { "watch -n 1 rm -rf /srv/x; reboot", "sh -c 'rm -rf /srv/x; reboot' [watch]", "rm -rf /srv/x [watch > sh -c]",
      "reboot [watch > sh -c]" }, NULL },
  { { "watch", "-x", "--differences", "rm", "a;b" }, { "watch -x --differences rm a;b", "rm a;b [watch]" }, NULL },
  /* recursion, trails and users */
  { { "sudo", "env", "nice", "sh", "-c", "sudo rm -rf /" },
    { "sudo env nice sh -c 'sudo rm -rf /'", "env nice sh -c 'sudo rm -rf /' @root [sudo]",
      "nice sh -c 'sudo rm -rf /' @root [sudo > env]", "sh -c 'sudo rm -rf /' @root [sudo > env > nice]",
      "sudo rm -rf / @root [sudo > env > nice > sh -c]", "rm -rf / @root [sudo > env > nice > sh -c > sudo]" },
    NULL },
  { { "sudo", "-u", "mysql", "sh", "-c", "mysql -e 'drop database x'; sudo -u bob id" },
    { "sudo -u mysql sh -c 'mysql -e '\\''drop database x'\\''; sudo -u bob id'",
      "sh -c 'mysql -e '\\''drop database x'\\''; sudo -u bob id' @mysql [sudo -u mysql]",
      "mysql -e 'drop database x' @mysql [sudo -u mysql > sh -c]",
      "sudo -u bob id @mysql [sudo -u mysql > sh -c]", "id @bob [sudo -u mysql > sh -c > sudo -u bob]" },
    NULL },
  { { "sudo", "-g", "adm", "id" }, { "sudo -g adm id", "id [sudo]" }, NULL },
  { { "sudo", "sudo", "-g", "adm", "id" }, { "sudo sudo -g adm id", "sudo -g adm id @root [sudo]", "id @root [sudo > sudo]" }, NULL },
  { { "sh", "-c", "echo $(sudo rm x)" }, { "sh -c 'echo $(sudo rm x)'", "sudo rm x [sh -c]", "rm x @root [sh -c > sudo]", "echo <$(sudo rm x)> [sh -c]" }, NULL },
  /* a dynamic word before the program: kept as the program */
  { { "sh", "-c", "sudo $cmd x" }, { "sh -c 'sudo $cmd x'", "sudo <$cmd> x [sh -c]", "<$cmd> x @root [sh -c > sudo]" }, NULL },
  { { "sh", "-c", "env A=$x rm y" }, { "sh -c 'env A=$x rm y'", "env <A=$x> rm y [sh -c]", "<A=$x> rm y [sh -c > env]" }, NULL },
  { { "sh", "-c", "timeout $t rm z" }, { "sh -c 'timeout $t rm z'", "timeout <$t> rm z [sh -c]", "<$t> rm z [sh -c > timeout]" }, NULL },
  { { "sh", "-c", "$SUDO rm z" }, { "sh -c '$SUDO rm z'", "<$SUDO> rm z [sh -c]" }, NULL },
  { { "sh", "-c", "bash -c \"$x\"" }, { "sh -c 'bash -c \"$x\"'", "bash -c <$x> [sh -c]" }, "run time" },
  { { "xargs", "-I{}", "sh", "-c", "rm {}" }, { "xargs -I{} sh -c 'rm {}'", "sh -c <rm {}> +args [xargs]" }, "run time" },
};

static void
render (char *out, size_t size, const struct hg_simple_cmd *c)
{
  out[0] = '\0';
  assert_non_null (c->argv);
  assert_null (c->argv[c->argc]);
  for (size_t i = 0; i < c->argc; i++)
    {
      size_t n = strlen (out);
      const char *w = c->argv[i];
      if (c->dynamic[i])
        snprintf (out + n, size - n, "%s<%s>", i ? " " : "", w);
      else if (!*w || strchr (w, ' '))
        {
          /* quoted as the shell would read it back */
          n += snprintf (out + n, size - n, "%s'", i ? " " : "");
          for (; *w && n + 5 < size; w++)
            n += *w == '\'' ? snprintf (out + n, size - n, "'\\''") : snprintf (out + n, size - n, "%c", *w);
          snprintf (out + n, size - n, "'");
        }
      else
        snprintf (out + n, size - n, "%s%s", i ? " " : "", w);
    }
  size_t n = strlen (out);
  if (c->as_user)
    n += snprintf (out + n, size - n, " @%s", c->as_user);
  if (c->more_args)
    n += snprintf (out + n, size - n, " +args");
  if (c->via)
    n += snprintf (out + n, size - n, " [%s]", c->via);
  if (c->cwd || c->cwd_unknown)
    n += snprintf (out + n, size - n, " {cwd %s}", c->cwd ? c->cwd : "?");
  if (c->root)
    snprintf (out + n, size - n, " {root %s}", c->root);
}

static size_t
count (const char *const *v, size_t max)
{
  size_t n = 0;
  while (n < max && v[n])
    n++;
  return n;
}

static void
check_row (void **state)
{
  const struct row *r = *state;
  struct hg_cmd_list l;
  hg_error *err = NULL;
  char got[4096];
  size_t argc = count (r->argv, MAX_WORDS), want_n = count (r->want, MAX_CMDS);

  assert_int_equal (hg_look_through (r->argv, argc, &l, &err), 0);
  for (size_t k = 0; k < l.n && k < want_n; k++)
    {
      render (got, sizeof got, &l.items[k]);
      assert_string_equal (got, r->want[k]);
    }
  assert_int_equal (l.n, want_n);
  if (r->unknowable)
    {
      assert_non_null (l.unknowable);
      assert_non_null (strstr (l.unknowable, r->unknowable));
    }
  else if (l.unknowable)
    fail_msg ("unexpected unknowable: %s", l.unknowable);
  hg_cmd_list_free (&l);
}

/* `nice nice ... rm`, and the same through sh -c strings. */
static int
nest (size_t n, bool shells, struct hg_cmd_list *l, hg_error **err)
{
  const char *argv[64];
  size_t argc = 0;
  char *script = NULL;
  if (shells)
    {
      /* sh -c 'nice ... sh -c '\''nice ... rm'\''': a few shells among nice */
      char buf[8192] = "rm";
      for (size_t i = 1; i < n; i++)
        {
          char tmp[8192];
          if (i != 5 && i != 10)
            {
              memcpy (tmp, "nice ", 5);
              strcpy (tmp + 5, buf);
            }
          else
            {
              char *p = tmp + sprintf (tmp, "sh -c '");
              for (const char *c = buf; *c; c++)
                p += *c == '\'' ? sprintf (p, "'\\''") : sprintf (p, "%c", *c);
              sprintf (p, "'");
            }
          strcpy (buf, tmp);
        }
      argv[argc++] = "sh";
      argv[argc++] = "-c";
      argv[argc++] = script = strdup (buf);
    }
  else
    {
      for (size_t i = 0; i < n; i++)
        argv[argc++] = "nice";
      argv[argc++] = "rm";
    }
  int r = hg_look_through (argv, argc, l, err);
  free (script);
  return r;
}

static void
test_nesting_limit (void **state)
{
  for (int shells = 0; shells < 2; shells++)
    {
      struct hg_cmd_list l;
      hg_error *err = NULL;
      assert_int_equal (nest (16, shells, &l, &err), 0);
      assert_string_equal (l.items[l.n - 1].argv[0], "rm");
      assert_int_equal (l.n, 17);
      hg_cmd_list_free (&l);
      assert_int_equal (nest (17, shells, &l, &err), HG_ERR_INVALID);
      assert_non_null (strstr (hg_error_message (err), "16"));
      assert_int_equal (l.n, 0);
      assert_null (l.items);
      hg_error_free (err);
    }
}

static void
test_bad_arguments (void **state)
{
  struct hg_cmd_list l;
  hg_error *err = NULL;
  const char *argv[] = { "ls", NULL };
  assert_int_equal (hg_look_through (argv, 0, &l, &err), HG_ERR_INVALID);
  hg_error_free (err);
  err = NULL;
  assert_int_equal (hg_look_through (argv, 2, &l, &err), HG_ERR_INVALID);
  hg_error_free (err);
}

static void
name_add (char *name, size_t *len, size_t size, const char *s)
{
  size_t n = strlen (s);
  if (*len + n + 1 < size)
    {
      memcpy (name + *len, s, n + 1);
      *len += n;
    }
}

int
main (void)
{
  static struct CMUnitTest tests[N_ELEMENTS (rows) + 2];
  static char names[N_ELEMENTS (rows)][96];
  size_t n = 0;

  for (size_t i = 0; i < N_ELEMENTS (rows); i++, n++)
    {
      /* TAP needs one line: the argv with its controls escaped. */
      size_t len = (size_t) snprintf (names[i], sizeof names[i], "row %zu:", i);
      for (const char *const *w = rows[i].argv; *w; w++)
        {
          name_add (names[i], &len, sizeof names[i], " ");
          for (const char *c = *w; *c; c++)
            {
              char esc[8];
              bool ctl = (unsigned char) *c < 0x20 || *c == '#';
              snprintf (esc, sizeof esc, ctl ? "\\x%02x" : "%c", (unsigned char) *c);
              name_add (names[i], &len, sizeof names[i], esc);
            }
        }
      tests[n] = (struct CMUnitTest){ names[i], check_row, NULL, NULL, (void *) &rows[i] };
    }
  tests[n++] = (struct CMUnitTest){ "nesting limit", test_nesting_limit, NULL, NULL, NULL };
  tests[n++] = (struct CMUnitTest){ "bad arguments", test_bad_arguments, NULL, NULL, NULL };
  return _cmocka_run_group_tests ("launchers", tests, n, NULL, NULL);
}
