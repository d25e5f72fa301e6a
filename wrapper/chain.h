/* `log --verify`: the hash chain of each user's records (docs/audit-record.md,
 * "The chain and the head"). */
#ifndef HOSTGUARD_CHAIN_H
#define HOSTGUARD_CHAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Called for each break, in file order then line order within one chain:
 * `file` as given to hg_chain_file, `line` from 1 (0: the file as a whole). */
typedef void (*hg_break_fn) (void *ctx, const char *file, unsigned long line, const char *what);

struct hg_chain;
struct hg_recfields;

/* Called for each line with its SHA-256 and, for a record, its fields
 * (NULL: not a record); the hook may add notes at the current line. */
typedef void (*hg_line_hook) (void *ctx, struct hg_chain *c, const uint8_t *hash, const char *line,
                              size_t len, const struct hg_recfields *f);
/* Called at hg_chain_end, before the breaks are reported. */
typedef void (*hg_end_hook) (void *ctx, struct hg_chain *c);

struct hg_chain *hg_chain_new (hg_break_fn fn, void *ctx);
void hg_chain_free (struct hg_chain *c);

/* Starts a new chain (one user's records). */
void hg_chain_begin (struct hg_chain *c);
/* The next file of the chain, in chain order; its records must carry
 * `owner` as uid when `owner_known`. */
void hg_chain_file (struct hg_chain *c, const char *name, bool owner_known, uid_t owner);
/* The next line of the current file (no newline).  The line may also be a
 * journald JSON entry carrying a record. */
void hg_chain_line (struct hg_chain *c, const char *line, size_t len);
/* The file could not be read to its end. */
void hg_chain_read_error (struct hg_chain *c, const char *what);
/* The head sidecar's content (NULL: unparsable), checked at hg_chain_end. */
void hg_chain_head (struct hg_chain *c, const char *head_name, const char *text, size_t len);
/* Ends the chain: reports what only the whole chain shows (removed lines,
 * the tail against the head). */
void hg_chain_end (struct hg_chain *c);

/* Hooks that see every line of every chain (the witness check). */
void hg_chain_set_hooks (struct hg_chain *c, hg_line_hook line, hg_end_hook end, void *ctx);
/* The current position: index of the file in this chain, line in it. */
void hg_chain_where (const struct hg_chain *c, size_t *file, unsigned long *line);
/* A finding at (file, line) of this chain, reported in order with the
 * rest; a break when is_break, else a note (counted apart). */
void hg_chain_note (struct hg_chain *c, size_t file, unsigned long line, bool is_break,
                    const char *fmt, ...) __attribute__ ((format (printf, 5, 6)));
/* The last line was cut short, but the witness saw it whole: not torn. */
void hg_chain_refute_torn (struct hg_chain *c);
/* The last line given ended its file without a newline. */
void hg_chain_unterminated (struct hg_chain *c);

/* Totals since hg_chain_new. */
size_t hg_chain_breaks (const struct hg_chain *c);
size_t hg_chain_records (const struct hg_chain *c);
size_t hg_chain_files (const struct hg_chain *c);
size_t hg_chain_notes (const struct hg_chain *c); /* torn writes, unwitnessed-but-outside notes */

/* The first seq of a line, for ordering files; false when it has none. */
bool hg_chain_line_seq (const char *line, size_t len, unsigned long long *seq);

/* `hostguard log --verify`: args are the FILE... operands (n may be 0:
 * then `log_dir`); `witness`: the --witness SOURCE, or NULL.  Returns the
 * exit status. */
int hg_verify_main (char *const *paths, size_t n, const char *log_dir, const char *witness);

#endif
