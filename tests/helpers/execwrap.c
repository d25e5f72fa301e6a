/* execwrap CMD [ARG...]: execs CMD, nothing else.  make bench's floor for
 * any wrapper: what one more program start costs here. */
#include <stdio.h>
#include <unistd.h>

int
main (int argc, char **argv)
{
  if (argc < 2)
    {
      fputs ("usage: execwrap CMD [ARG...]\n", stderr);
      return 64;
    }
  execv (argv[1], argv + 1);
  perror (argv[1]);
  return 127;
}
