/* tiocsti [high]: pushes "x" into the input of the terminal on fd 0 with
 * ioctl(TIOCSTI); "high" sets the upper 32 bits of the request (which the
 * kernel ignores, and a filter comparing 64 bits would miss).
 * Exit 0: pushed; 1: EPERM; 2: another error (printed). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int
main (int argc, char **argv)
{
  unsigned long req = TIOCSTI;
  if (argc > 1 && strcmp (argv[1], "high") == 0)
    req |= 1UL << 32;
  char c = 'x';
  long r = syscall (SYS_ioctl, 0, req, &c);
  if (r == 0)
    return puts ("tiocsti: pushed"), 0;
  printf ("tiocsti: %s\n", strerror (errno));
  return errno == EPERM ? 1 : 2;
}
