/* int80 PROGRAM ARG: execve(PROGRAM, [PROGRAM, ARG]) through the i386
 * system call gate (int $0x80) from x86-64 code: the way around a filter
 * that only knows the 64-bit syscall table.  Prints what the call
 * returned if it returns at all. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

int
main (int argc, char **argv)
{
  if (argc != 3)
    return fprintf (stderr, "usage: int80 PROGRAM ARG\n"), 2;
  /* The i386 ABI takes 32-bit pointers: everything below 4 GiB. */
  char *low = mmap (NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
  if (low == MAP_FAILED)
    return perror ("mmap"), 2;
  uint32_t *vec = (uint32_t *) low;
  char *p = low + 64;
  strcpy (p, argv[1]);
  char *a = p + strlen (p) + 1;
  strcpy (a, argv[2]);
  vec[0] = (uint32_t) (uintptr_t) p;
  vec[1] = (uint32_t) (uintptr_t) a;
  vec[2] = 0;
  long ret;
  __asm__ volatile ("int $0x80"
                    : "=a"(ret)
                    : "a"(11L), "b"((long) (uintptr_t) p), "c"((long) (uintptr_t) vec), "d"(0L)
                    : "memory", "r8", "r9", "r10", "r11");
  printf ("int80 execve returned %ld\n", ret);
  return 1;
}
