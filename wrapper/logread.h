/* Reading audit records back: lines from a file, a directory of logs, a
 * .gz, standard input or a memory buffer; a line as a record, whether it is
 * a record as the writer stored it or a `journalctl -o json` entry whose
 * MESSAGE is `sha256=HEX {record}`. */
#ifndef HOSTGUARD_LOGREAD_H
#define HOSTGUARD_LOGREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

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

/* Parses a record text with json-c, strictly.  NULL unless it is exactly
 * one JSON object. */
struct json_object *hg_record_parse (const char *text, size_t len);

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

#endif
