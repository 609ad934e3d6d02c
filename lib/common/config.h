/* Parsing what the user gives on the command line: sizes, CPU counts, lists. */
#ifndef TLBBENCH_CONFIG_H
#define TLBBENCH_CONFIG_H

#include <stddef.h>

#define LIST_MAX 64

/* "4096", "64K", "256M", "1G", "1.5G" (binary units) -> bytes.
 * -1 with a reason in why for 0, garbage, overflow or a size that isn't whole 4 KiB pages. */
int parse_size(const char *text, size_t *bytes, char *why, size_t len);

/* "3%" or "0.03" -> 0.03: a decimal number, a % sign optional, in [0, max];
 * -1 otherwise (no exponents, blanks, signs or "inf"). */
int parse_fraction(const char *text, double max, double *out);

/* "1,2,all" or "1-4" -> CPU counts; "all" is max. -1 with a reason in why. */
int parse_cpu_counts(const char *text, int max, int *counts, int *n, char *why, size_t len);

/* Split a comma-separated list in place; returns the number of items, or -1
 * when there are more than max. */
int split_list(char *text, char **items, int max);

/* Refuse a size the machine can't hold: over MemAvailable minus a margin. */
int size_fits_memory(size_t bytes, char *why, size_t len);

#endif
