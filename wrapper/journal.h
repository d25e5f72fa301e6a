/* The default witness of `log --verify`: the local journal, read with
 * journalctl (docs/audit-record.md, "The witness"). */
#ifndef HOSTGUARD_JOURNAL_H
#define HOSTGUARD_JOURNAL_H

#include "policy.h"
#include "witness.h"

/* Runs journalctl (found in the secure PATH, never the caller's; no shell;
 * a minimal environment) for the hostguard entries of the local journal
 * and reads them as a witness, scoped to this host and, when the caller
 * sees only their own journal, to the caller's uid.  0 with *out holding
 * at least one record hash; else negative, *err saying why there is none:
 * HG_ERR_IO, journalctl absent, failed, or the journal holds no hostguard
 * records (no witness); HG_ERR_UNTRUSTED, the journal could be read only in
 * part (its output unreadable, or journalctl failed after hostguard
 * records): a witness there but unusable, an error even by default. */
int hg_journal_witness (struct hg_witness **out, hg_error **err);

#endif
