/* notify_probe OUTDIR EVENT: a notify program for tests/bats/approve.bats.
 * First, before it opens or runs anything that would change them, it
 * notes what it was started with: its open descriptors and its blocked
 * and ignored signals.  Then its uid, the event, and the request from
 * standard input; OUTDIR/notify.done last.  (A shell script cannot look
 * at itself this way: its own pipelines and waits add descriptors and
 * block signals while it looks.) */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int
cmp_int (const void *a, const void *b)
{
  return *(const int *) a - *(const int *) b;
}

static FILE *
out (const char *dir, const char *name)
{
  char path[4096];
  snprintf (path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen (path, "w");
  if (!f)
    exit (1);
  return f;
}

int
main (int argc, char **argv)
{
  if (argc != 3)
    return 64;
  int fds[256], n = 0;
  DIR *d = opendir ("/proc/self/fd");
  if (!d)
    return 1;
  for (struct dirent *e; (e = readdir (d)) && n < 256;)
    if (e->d_name[0] != '.' && atoi (e->d_name) != dirfd (d))
      fds[n++] = atoi (e->d_name);
  closedir (d);
  qsort (fds, (size_t) n, sizeof *fds, cmp_int);
  char status[8192] = "";
  int sfd = open ("/proc/self/status", O_RDONLY);
  ssize_t len = sfd >= 0 ? read (sfd, status, sizeof status - 1) : -1;
  status[len > 0 ? len : 0] = '\0';

  FILE *f = out (argv[1], "notify.fds");
  for (int i = 0; i < n; i++)
    fprintf (f, "%d ", fds[i]);
  fclose (f);
  f = out (argv[1], "notify.sig");
  for (char *line = strtok (status, "\n"); line; line = strtok (NULL, "\n"))
    if (strncmp (line, "SigBlk:", 7) == 0 || strncmp (line, "SigIgn:", 7) == 0)
      fprintf (f, "%s\n", line);
  fclose (f);
  f = out (argv[1], "notify.uid");
  fprintf (f, "%u\n", (unsigned) getuid ());
  fclose (f);
  f = out (argv[1], "notify.event");
  fprintf (f, "%s\n", argv[2]);
  fclose (f);
  f = out (argv[1], "notify.json");
  char buf[65536];
  size_t got;
  while ((got = fread (buf, 1, sizeof buf, stdin)) > 0)
    fwrite (buf, 1, got, f);
  fclose (f);
  fclose (out (argv[1], "notify.done"));
  return 0;
}
