/* Small helpers shared by lib/: reading proc/sys files, clocks, errors. */
#ifndef TLBBENCH_UTIL_H
#define TLBBENCH_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

/* Exit status for bad input (usage, configs, sizes): a one-line error, then exit 2. */
#define EXIT_BAD_INPUT 2
/* Exit status when the system failed (out of memory, a file that cannot be
 * written, a child that died): not the input's fault, nor a result. */
#define EXIT_SYSTEM 3

/* Whole text file in a malloc'd NUL-terminated buffer; NULL with errno set on failure. */
char *read_text_file(const char *path);

/* First line of a file, trailing newline removed, into buf; -1 with errno on failure. */
int read_first_line(const char *path, char *buf, size_t len);

/* A file holding one integer (sysfs/procfs knobs); -1 with errno on failure. */
int read_long_file(const char *path, long *value);

static inline uint64_t monotonic_raw_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* mkdir -p: 0, or -1 with errno. */
int mkdir_p(const char *dir);

/* Print "tlbbench: <msg>" to stderr and exit with EXIT_BAD_INPUT. */
void die_bad_input(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* Print "tlbbench: <msg>" to stderr and exit EXIT_SYSTEM (the system failed us, not the user). */
void die_system(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
