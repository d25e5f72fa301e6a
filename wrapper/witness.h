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

#include "chain.h"

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
 * such a record the witness lacks is a note, not a break ("": no note,
 * the reason was given for an earlier record). */
typedef const char *(*hg_witness_scope_fn) (void *ctx, const char *host, size_t host_len, bool has_uid,
                                            unsigned long long uid);
void hg_witness_set_scope (struct hg_witness *w, hg_witness_scope_fn fn, void *ctx);

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
