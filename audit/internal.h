/* The sinks behind audit.c: the hash-chained file (logfile.c), syslog
 * (syslog.c) and the kernel audit log (kaudit.c).  Internal to audit/. */
#ifndef HOSTGUARD_AUDIT_SINKS_H
#define HOSTGUARD_AUDIT_SINKS_H

#include <stdbool.h>
#include <sys/types.h>

#include "policy/policy.h"

#define HG_HASH_HEX 65 /* 64 hex digits and a NUL */

struct hg_logfile;

/* Opens (creating when missing) log_dir/USER.jsonl through a descriptor of
 * log_dir, and refuses a file that is not a regular file owned by uid with
 * one link.  HG_ERR_IO with the reason. */
int hg_logfile_open (const char *log_dir, const char *user, uid_t uid, struct hg_logfile **out,
                     hg_error **err);

/* Builds the line for (seq, prev): malloc'd, no newline; NULL on ENOMEM. */
typedef char *(*hg_line_builder) (void *data, unsigned long long seq, const char *prev);

/* Under flock: follows a rotation, finds seq and prev from the last line
 * (or the head), writes build's line with one write(2), fsyncs it, updates
 * the head.  *hash gets the SHA-256 of the line. */
int hg_logfile_append (struct hg_logfile *lf, hg_line_builder build, void *data,
                       char hash[HG_HASH_HEX], hg_error **err);

void hg_logfile_close (struct hg_logfile *lf);

/* SHA-256 of n bytes, as 64 hex digits. */
void hg_sha256_hex (const void *p, size_t n, char hex[HG_HASH_HEX]);

/* The datagram socket syslog(3) uses; tests point it elsewhere. */
extern const char *hg_syslog_path;

/* Sends "<PRI>TIMESTAMP hostguard[PID]: sha256=HASH LINE" to syslog, waiting
 * at most ~100 ms.  *fd is the socket, opened on first use (-1 before);
 * failures are silent. */
void hg_syslog_send (int *fd, bool alert, const char *hash, const char *line);

/* AUDIT_USER_CMD through libaudit, as root only; *fd is the audit socket
 * (-1 before first use, -2 when audit is not available).  Silent. */
void hg_kaudit_send (int *fd, const char *cmdline, const char *tty, bool success);

#endif
