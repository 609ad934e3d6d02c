/* Parsers of the text lib/measure/sysinfo.c reads: "key: value" lines of
 * /proc/cpuinfo and /proc/meminfo, and sysfs's "[choice]" files. */
#ifndef TLBBENCH_SYSINFO_PARSE_H
#define TLBBENCH_SYSINFO_PARSE_H

#include <stdbool.h>
#include <stdint.h>

/* A space or a tab: what separates the fields of /proc text. */
bool proc_blank(char c);

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
