/* Private to the policy loader: the schema libconfuse parses by (schema.c). */
#ifndef HOSTGUARD_POLICY_SCHEMA_H
#define HOSTGUARD_POLICY_SCHEMA_H

#include "build.h"

/* Parses one policy text and adds what it says to p: its settings (only
 * for the main file; an included file may hold only rules and include) and
 * its rules (names unique across p).  Its include patterns go to *inc, not
 * yet resolved. */
int hg_schema_parse (struct hg_policy *p, size_t *rules_cap, const char *file, const char *text,
                     size_t len, bool included, struct hg_includes *inc, hg_error **err);

#endif
