/* `log --verify --witness SOURCE`: the record hashes a witness the writer
 * cannot edit received (a syslog file, plain, rotated or .gz, local or on
 * the central host; a `journalctl -o json` export; standard input), and
 * the local files checked against them (docs/audit-record.md, "The
 * witness"). */
#ifndef HOSTGUARD_WITNESS_H
#define HOSTGUARD_WITNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct hg_witness;
struct hg_chain;

/* Reads SOURCE ("-": standard input); NULL with a message on stderr. */
struct hg_witness *hg_witness_load (const char *source);
/* An empty witness named `name`. */
struct hg_witness *hg_witness_new (const char *name);
/* Adds one line of a source (the fuzzer's way in). */
void hg_witness_add_line (struct hg_witness *w, const char *line, size_t len, unsigned long lineno);
/* Indexes what was added; call before checking. */
void hg_witness_index (struct hg_witness *w);
void hg_witness_free (struct hg_witness *w);

/* Checks every chain `c` goes through against the witness. */
void hg_witness_attach (struct hg_witness *w, struct hg_chain *c);

/* "SOURCE: N record hash(es) from TS to TS..." for the summary. */
void hg_witness_summary (const struct hg_witness *w, FILE *to);

#endif
