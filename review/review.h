/* Reading the trail back: line readers, record sets and filters, the
 * chain and witness verification, the report chart. */
#ifndef HOSTGUARD_REVIEW_H
#define HOSTGUARD_REVIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

#include "audit/audit.h"

/* Reading audit records back: lines from a file, a directory of logs, a
 * .gz, standard input or a memory buffer; a line as a record, whether it is
 * a record as the writer stored it or a `journalctl -o json` entry whose
 * MESSAGE is `sha256=HEX {record}`. */

struct json_object;

/* ---- lines ---- */

struct hg_lines;

/* A reader over `len` bytes at `buf` (not copied: they must outlive it). */
struct hg_lines *hg_lines_from_memory (const char *buf, size_t len);
/* A reader that takes ownership of `fd`; `gz`: decompress (zlib reads plain
 * data through unchanged too). */
struct hg_lines *hg_lines_from_fd (int fd, bool gz);
/* Opens `path` (relative to `dirfd`, AT_FDCWD for none) with O_NOFOLLOW: a
 * symlink is refused (errno ELOOP), so is anything but a regular file.
 * Names ending in .gz are decompressed.  On success *owner is the file's
 * owner.  NULL with errno set on failure. */
struct hg_lines *hg_lines_open (int dirfd, const char *path, uid_t *owner);

/* The next line, without its newline, in *line / *len, valid until the
 * next call.  Returns 1 for a line, 0 at the end, -1 on a read error or a
 * line longer than HG_LINE_MAX (errno set). */
int hg_lines_next (struct hg_lines *r, const char **line, size_t *len);
/* Number of the line last returned, from 1. */
/* From now on a line longer than HG_LINE_MAX is dropped whole instead of
 * failing the read, and counted (a source anyone can write to, where no
 * line of ours is that long). */
void hg_lines_skip_long (struct hg_lines *r);
size_t hg_lines_skipped (const struct hg_lines *r);
unsigned long hg_lines_lineno (const struct hg_lines *r);
/* Whether the line last returned ended the input without a newline. */
bool hg_lines_unterminated (const struct hg_lines *r);
void hg_lines_free (struct hg_lines *r);

#define HG_LINE_MAX (16u << 20)

/* ---- records ---- */

/* The record a line carries, parsed: the line itself when it is a record,
 * or the MESSAGE of a journald JSON entry (a string, or an array of bytes
 * when journald found it not UTF-8), with a leading `sha256=HEX ` removed.
 * *text / *text_len: the record exactly as stored, pointing into `line` or
 * into *buf (malloc'd; the caller frees it).  NULL when the line carries no
 * record (not a JSON object, trailing bytes, invalid UTF-8). */
struct json_object *hg_record_from_line (const char *line, size_t len, const char **text,
                                         size_t *text_len, char **buf);

/* journald's MESSAGE (a string, or an array of bytes): a malloc'd,
 * NUL-terminated copy, its length in *len; NULL when it is neither. */
char *hg_journal_message (struct json_object *msg, size_t *len);

/* The record's `ts` in microseconds since the epoch, INT64_MIN when it
 * has none that parses. */
int64_t hg_record_ts (struct json_object *rec);

/* One record read back for `log` and `report`. */
struct hg_rec
{
  struct json_object *obj;
  char *text; /* exactly as stored */
  size_t len;
  int64_t ts; /* microseconds; INT64_MIN when missing */
  size_t order; /* reading order, to keep the sort stable */
};

struct hg_recset
{
  struct hg_rec *v;
  size_t n, cap;
  size_t skipped; /* lines that carried no record */
  size_t errors;  /* files that could not be read */
};

struct hg_filter;

/* Reads every record of `paths` (files, directories, "-" for standard
 * input) that passes `f` (NULL: all) into `set`, sorted by time.  Problems
 * with single files are warned about and counted in set->errors.  Returns
 * -1 only when memory runs out, with the set emptied. */
int hg_recset_load (struct hg_recset *set, char *const *paths, size_t n,
                    const struct hg_filter *f);
void hg_recset_clear (struct hg_recset *set);

/* The log files of a directory, sorted by name: `*.jsonl`, `*.jsonl.N`,
 * `*.jsonl.N.gz`.  Symlinks are skipped with a warning.  Returns a
 * NULL-terminated vector of names (relative to the directory), or NULL
 * with errno set. */
char **hg_log_dir_list (int dirfd, const char *dirname);

/* Whether `name` is a log file name; *user_len is then the length of the
 * USER part and *rot its rotation number (0 for the current file). */
bool hg_log_name (const char *name, size_t *user_len, unsigned *rot);

/* The filters of `log` and `report` (DESIGN.md, "Commands"). */

struct json_object;

struct hg_filter
{
  const char *user;     /* exact */
  const char *host;     /* glob, case-insensitive */
  const char *rule;     /* exact */
  const char *decision; /* one name or a comma-separated list */
  const char *id;       /* exact */
  const char *grep;     /* substring of the command line (argv joined by spaces) */
  bool has_since, has_until;
  int64_t since, until; /* microseconds since the epoch, both inclusive */
};

/* ISO 8601 date or date-time: YYYY-MM-DD, YYYY-MM-DD[T ]HH:MM[:SS[.frac]]
 * [Z|+HH:MM|-HH:MM|+HHMM]; UTC when no zone is given.  Returns 0, or -1. */
int hg_iso_parse (const char *s, int64_t *us);

/* WHEN: ISO 8601 (see above), `today` / `yesterday` (the start of that UTC
 * day), or a duration ago: N followed by s, m, h, d or w.  `now` in
 * seconds.  Returns 0, or -1 when `s` is none of these. */
int hg_when_parse (const char *s, time_t now, int64_t *us);

/* Applies one filter option (`--user`...) with its argument.  Returns 1
 * when taken, 0 when `opt` is not a filter option, -1 when `arg` is
 * invalid (a bad WHEN, an unknown decision). */
int hg_filter_option (struct hg_filter *f, const char *opt, const char *arg, time_t now);

/* Whether a parsed record (its time in `ts`, INT64_MIN when it has none)
 * passes every filter set in `f`. */
bool hg_filter_match (const struct hg_filter *f, struct json_object *rec, int64_t ts);

/* Whether `name` is one of the recorded decisions. */
bool hg_decision_known (const char *name);

struct hg_recset;

/* report --html: decisions per day as an inline SVG bar chart. */
void hg_report_chart (FILE *f, const struct hg_recset *set);

/* `log --verify`: the hash chain of each user's records (docs/audit-record.md,
 * "The chain and the head"). */

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

/* `log --verify --witness SOURCE`: the record hashes a witness the writer
 * cannot edit received (a syslog file, plain, rotated or .gz, local or on
 * the central host; a `journalctl -o json` export; standard input), and
 * the local files checked against them (docs/audit-record.md, "The
 * witness"). */

struct hg_witness;

/* Reads SOURCE ("-": standard input); NULL with a message on stderr. */
struct hg_witness *hg_witness_load (const char *source);
/* An empty witness named `name`. */
struct hg_witness *hg_witness_new (const char *name);
/* Adds one line of a source (the fuzzer's way in); true when it was a
 * record hash. */
bool hg_witness_add_line (struct hg_witness *w, const char *line, size_t len, unsigned long lineno);
/* Indexes what was added; call before checking. */
void hg_witness_index (struct hg_witness *w);
void hg_witness_free (struct hg_witness *w);

/* What a witness could have seen (the local journal: this host's records,
 * and with a partial view only the caller's own): NULL when it could have
 * seen the record (host, as the record spells it, and uid), else why not;
 * such a record the witness lacks is a note, or a break when the function
 * sets *fatal ("": nothing more, the reason was given for an earlier
 * record). */
typedef const char *(*hg_witness_scope_fn) (void *ctx, const char *host, size_t host_len, bool has_uid,
                                            unsigned long long uid, bool *fatal);
/* The witness is the local journal: fn as above (*fatal: the record is a
 * break all the same), and complete up to now, so that a record later than
 * its last entry is one it never got, not one not shipped yet. */
void hg_witness_set_local (struct hg_witness *w, hg_witness_scope_fn fn, void *ctx);

/* Checks every chain `c` goes through against the witness. */
void hg_witness_attach (struct hg_witness *w, struct hg_chain *c);

/* After every chain: each (host, user) whose records the witness holds
 * but no chain checked (on a host of the chains checked, if any), as a
 * break at DIR/USER.jsonl:0 (a user's whole log deleted).  Returns how
 * many. */
size_t hg_witness_unclaimed (struct hg_witness *w, const char *dir, hg_break_fn fn, void *ctx);

/* "SOURCE: N record hash(es) from TS to TS..." for the summary. */
void hg_witness_summary (const struct hg_witness *w, FILE *to);

#endif
