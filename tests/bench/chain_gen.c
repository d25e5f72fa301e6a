/* chain_gen N FILE [WITNESS]: writes N chained records, built by the real
 * record builder and hashed as the writer hashes them (without its fsyncs),
 * for the `log --verify` benchmark; with WITNESS, also the syslog file a
 * witness would hold (rsyslog's format, each record's hash and text). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/internal.h"
#include "audit/audit.h"

int
main (int argc, char **argv)
{
  if (argc != 3 && argc != 4)
    {
      fprintf (stderr, "usage: chain_gen N FILE [WITNESS]\n");
      return 64;
    }
  long n = strtol (argv[1], NULL, 10);
  FILE *f = fopen (argv[2], "we"), *w = argc == 4 ? fopen (argv[3], "we") : NULL;
  if (!f || n < 1 || (argc == 4 && !w))
    return 1;
  char *cmd_argv[] = { "mysql", "-e", "SELECT COUNT(*) FROM wiki.page", NULL };
  struct hg_cmd c = {
    .mode = HG_MODE_RUN, .argv = cmd_argv, .argc = 3, .exe = "/usr/bin/mysql", .cwd = "/root",
    .host = "db1", .user = "root", .uid = 0, .login_user = "alice", .login_uid = 1000, .pid = 4242,
    .tty = "/dev/pts/3", .boot_id = "0f6b2a0e-6c1d-4d53-9d8a-3c6f9b1f0a11",
    .action = HG_ACTION_LOG, .rule = "bench", .decision = HG_DEC_LOGGED,
    .exit_status = -1, .duration_ms = -1,
  };
  memcpy (c.id, "00112233445566778899aabbccddeeff", 33);
  char prev[HG_HASH_HEX] = "0000000000000000000000000000000000000000000000000000000000000000";
  for (long i = 1; i <= n; i++)
    {
      char *line = hg_record_build (&c, "decision", (const char *const *) cmd_argv, 3,
                                    (unsigned long long) i, prev);
      if (!line)
        return 1;
      size_t len = strlen (line);
      hg_sha256_hex (line, len, prev);
      fputs (line, f);
      fputc ('\n', f);
      if (w)
        fprintf (w, "2026-12-03T09:00:00.000000+00:00 db1 hostguard[4242]: sha256=%s %s\n", prev, line);
      free (line);
    }
  if (w && fclose (w) != 0)
    return 1;
  return fclose (f) == 0 ? 0 : 1;
}
