/* memfd_exec FILE ARGV0 [ARG...]: copies FILE's bytes into a memfd and
 * runs them with execveat(fd, "", argv, AT_EMPTY_PATH): a program with no
 * path, as an attacker would run a copy of rm.  With -d it runs a deleted
 * file instead (a copy in the cwd, unlinked, still open).  On failure
 * prints "exec: ERROR" and exits 126. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

extern char **environ;

static int
copy (int from, int to)
{
  char buf[65536];
  ssize_t n;
  while ((n = read (from, buf, sizeof buf)) > 0)
    if (write (to, buf, (size_t) n) != n)
      return -1;
  return n < 0 ? -1 : 0;
}

int
main (int argc, char **argv)
{
  int deleted = argc > 1 && strcmp (argv[1], "-d") == 0;
  if (argc < 3 + deleted)
    {
      fprintf (stderr, "usage: memfd_exec [-d] FILE ARGV0 [ARG...]\n");
      return 64;
    }
  argv += deleted;
  int in = open (argv[1], O_RDONLY | O_CLOEXEC);
  int fd;
  if (deleted)
    {
      fd = open ("memfd_exec.tmp", O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
    }
  else
    fd = memfd_create ("payload", MFD_CLOEXEC);
  if (in < 0 || fd < 0 || copy (in, fd) < 0)
    {
      perror ("memfd_exec");
      return 1;
    }
  close (in);
  if (deleted)
    {
      /* A file cannot be exec'd while open for writing: reopen it read-only. */
      int ro = open ("memfd_exec.tmp", O_RDONLY | O_CLOEXEC);
      close (fd);
      fd = ro;
      unlink ("memfd_exec.tmp");
    }
  syscall (SYS_execveat, fd, "", argv + 2, environ, AT_EMPTY_PATH);
  printf ("exec: %s\n", strerror (errno));
  fflush (stdout);
  return 126;
}
