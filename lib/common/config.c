#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sysinfo_parse.h"
#include "units.h"
#include "util.h"

#define MEMORY_MARGIN_MIN (512ull << 20)

int parse_size(const char *text, size_t *bytes, char *why, size_t len)
{
	static const char units[] = "KMGT";
	size_t digits = strspn(text, "0123456789.");
	const char *unit, *end;
	double value;

	errno = 0;
	value = strtod(text, (char **)&end);
	/* Decimal only: strtod would also take hex, exponents, "inf" and blanks. */
	if (!digits || end != text + digits || errno) {
		snprintf(why, len, "bad size '%s': want a number with an optional K, M, G or T suffix", text);
		return -1;
	}
	unit = *end ? strchr(units, toupper((unsigned char)*end)) : NULL;
	if (unit) {
		value *= pow(1024.0, (double)(unit - units + 1));
		end++;
		if (strcmp(end, "iB") == 0 || strcmp(end, "B") == 0) /* 1GiB, 1GB, 1G alike */
			end += strlen(end);
	}
	if (*end) {
		snprintf(why, len, "bad size '%s': unknown suffix '%s'", text, end);
		return -1;
	}
	if (value < 1) {
		snprintf(why, len, "bad size '%s': must be above zero", text);
		return -1;
	}
	if (value >= 0x1p63) {
		snprintf(why, len, "bad size '%s': too large", text);
		return -1;
	}
	if (fmod(value, (double)SMALL_PAGE_SIZE) != 0) {
		snprintf(why, len, "bad size '%s': must be a whole number of 4 KiB pages", text);
		return -1;
	}
	*bytes = (size_t)value;
	return 0;
}

int split_list(char *text, char **items, int max)
{
	int n = 0;

	for (char *save = NULL, *tok = strtok_r(text, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (n == max)
			return -1;
		items[n++] = tok;
	}
	return n;
}

static int parse_cpu_count(const char *text, int max, int *count, char *why, size_t len)
{
	char *end;
	long v;

	if (strcmp(text, "all") == 0) {
		*count = max;
		return 0;
	}
	errno = 0;
	v = strtol(text, &end, 10);
	if (end == text || *end || errno || v < 1) {
		snprintf(why, len, "bad CPU count '%s': want a number from 1, or 'all'", text);
		return -1;
	}
	if (v > max) {
		snprintf(why, len, "%ld CPUs asked, only %d CPUs are available to this process", v, max);
		return -1;
	}
	*count = (int)v;
	return 0;
}

int parse_fraction(const char *text, double max, double *out)
{
	size_t digits = strspn(text, "0123456789.");
	char *end;
	double v;

	errno = 0;
	v = strtod(text, &end);
	if (!digits || end != text + digits || errno)
		return -1;
	if (*end == '%') {
		v /= 100;
		end++;
	}
	if (*end || !(v <= max))
		return -1;
	*out = v;
	return 0;
}

int parse_cpu_counts(const char *text, int max, int *counts, int *n, char *why, size_t len)
{
	char *copy = strdup(text), *items[LIST_MAX];
	int nitems = copy ? split_list(copy, items, LIST_MAX) : 0, ret = -1;

	*n = 0;
	if (nitems <= 0) {
		snprintf(why, len, nitems < 0 ? "--cpus: more than %d values" : "empty --cpus", LIST_MAX);
		goto out;
	}
	for (int i = 0; i < nitems; i++) {
		char *dash = strchr(items[i], '-');
		int lo, hi;

		if (dash) {
			*dash = '\0';
			if (parse_cpu_count(items[i], max, &lo, why, len) < 0 ||
			    parse_cpu_count(dash + 1, max, &hi, why, len) < 0)
				goto out;
		} else if (parse_cpu_count(items[i], max, &lo, why, len) < 0) {
			goto out;
		} else {
			hi = lo;
		}
		if (lo > hi) {
			snprintf(why, len, "bad CPU range '%d-%d': the first count must not exceed the second", lo, hi);
			goto out;
		}
		if (*n + hi - lo + 1 > LIST_MAX) {
			snprintf(why, len, "--cpus: more than %d CPU counts", LIST_MAX);
			goto out;
		}
		for (int c = lo; c <= hi; c++)
			counts[(*n)++] = c;
	}
	ret = 0;
out:
	free(copy);
	return ret;
}

int size_fits_memory(size_t bytes, char *why, size_t len)
{
	uint64_t avail, margin;

	if (meminfo_number(NULL, "MemAvailable", true, &avail) < 0)
		return 0; /* can't tell: let the kernel decide */
	margin = avail / 20 > MEMORY_MARGIN_MIN ? avail / 20 : MEMORY_MARGIN_MIN;
	if (bytes + margin > avail) {
		snprintf(why, len, "size %zu MiB is larger than this machine can hold: MemAvailable is %" PRIu64
			 " MiB and %" PRIu64 " MiB are kept free", bytes >> 20, avail >> 20, margin >> 20);
		return -1;
	}
	return 0;
}
