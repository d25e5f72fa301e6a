/* Secrets never reach a sink: redaction happens before a record or a
 * prompt is built, in one place. */
#ifndef HOSTGUARD_REDACT_H
#define HOSTGUARD_REDACT_H

#include <stddef.h>

#include "policy.h"

struct hg_redactor;

/* patterns: the policy's `redact` EREs (already validated at load). */
int hg_redactor_new (const char *const *patterns, size_t n, struct hg_redactor **out,
                     hg_error **err);
void hg_redactor_free (struct hg_redactor *r);

/* A redacted copy of argv (NULL-terminated, free with strv_free), or NULL
 * on ENOMEM.  Knows -pSECRET, --password=..., --password SECRET,
 * PGPASSWORD=, MYSQL_PWD=, user:pass@ in URLs, Authorization: and
 * *-Access-Key: headers, IDENTIFIED BY '...', and the extra patterns
 * (matched text replaced by ***). */
char **hg_redact_argv (const struct hg_redactor *r, const char *const *argv, size_t argc);

/* redact_sql.c: the SQL passwords of s[0..n), found by the SQL lexer;
 * each secret's bytes [a, b) are handed to add. */
typedef void (*hg_redact_span_fn) (void *ctx, size_t a, size_t b);
void hg_redact_sql (const char *s, size_t n, hg_redact_span_fn add, void *ctx);

#endif
