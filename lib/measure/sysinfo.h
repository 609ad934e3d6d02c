/* What the machine and kernel look like: the context tlbbench's numbers need. */
#ifndef TLBBENCH_SYSINFO_H
#define TLBBENCH_SYSINFO_H

#include <jansson.h>
#include <stdio.h>

/*
 * Everything about the machine and kernel that decides what tlbbench's
 * numbers mean. Collected once, outside timed code. Anything that cannot be
 * read is JSON null, never a guessed value. NULL only if out of memory.
 * The caller owns the result (json_decref).
 */
json_t *sysinfo_collect(void);

/*
 * Human-readable "key: value" report of what sysinfo_collect returned, for
 * `tlbbench info`. Prints nested objects indented. Values that are JSON null
 * print as "n/s" (not supported / not available).
 */
void sysinfo_print(const json_t *info, FILE *out);

#endif
