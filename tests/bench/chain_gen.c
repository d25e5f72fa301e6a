/* chain_gen N FILE: writes N chained records, built by the real record
 * builder and hashed as the writer hashes them (without its fsyncs), for
 * the `log --verify` benchmark. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_sinks.h"
#include "cmd.h"
#include "record.h"

int
main (int argc, char **argv)
{
  if (argc != 3)
    {
      fprintf (stderr, "usage: chain_gen N FILE\n");
      return 64;
    }
  long n = strtol (argv[1], NULL, 10);
  FILE *f = fopen (argv[2], "we");
  if (!f || n < 1)
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
      free (line);
    }
  return fclose (f) == 0 ? 0 : 1;
}
