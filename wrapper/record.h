/* The audit record as JSON: built in one place, read back in the same
 * file, so that escaping and unescaping can never disagree. */
#ifndef HOSTGUARD_RECORD_H
#define HOSTGUARD_RECORD_H

#include <stddef.h>

#include "cmd.h"

struct json_object;

/* One record line (no trailing newline) for `event`, with the given seq and
 * prev (64 hex digits), from an already redacted argv.  NULL on ENOMEM. */
char *hg_record_build (const struct hg_cmd *cmd, const char *event, const char *const *redacted_argv,
                       size_t argc, unsigned long long seq, const char *prev);

/* `s` as a JSON string literal, quotes included, written as the record
 * writes its text fields (invalid UTF-8 as U+FFFD); "null" for NULL.
 * malloc'd; NULL on ENOMEM.  For other JSON output (check --json), so that
 * hostguard escapes JSON in one place. */
char *hg_json_string (const char *s);

/* The exact argv bytes of a parsed record, honouring `argv_bytes`.
 * NULL-terminated (free with strv_free); NULL when the record has no valid
 * argv. */
char **hg_record_argv (struct json_object *record, size_t *argc);

#endif
