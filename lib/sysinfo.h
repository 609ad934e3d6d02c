/* What the machine and kernel look like: the context tlbbench's numbers need. */
#ifndef TLBBENCH_SYSINFO_H
#define TLBBENCH_SYSINFO_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
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

/*
 * The bracketed choice in a sysfs multiple-choice file such as
 * "always [madvise] never"; NULL if none. Returns a malloc'd string.
 */
char *sysinfo_bracketed_choice(const char *text);

/*
 * Value of a "Key:   value" line in /proc/cpuinfo- or /proc/meminfo-style
 * text (first match), malloc'd with surrounding blanks trimmed; NULL if
 * absent. The key must match exactly: "model" does not match "model name".
 */
char *sysinfo_field(const char *text, const char *key);

/*
 * A /proc/meminfo number: in bytes for a "kB" field when in_bytes
 * (MemAvailable), else a bare count (HugePages_Free); -1 when the field is
 * absent, has the other unit or overflows. meminfo: the file's text, or NULL
 * to read /proc/meminfo.
 */
int meminfo_number(const char *meminfo, const char *key, bool in_bytes, uint64_t *value);

#endif
