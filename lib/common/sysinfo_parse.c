/* The "key: value" text of /proc/cpuinfo and /proc/meminfo and sysfs's
 * "[choice]" files, read into values (lib/measure/sysinfo.c's parsers). */
#define _GNU_SOURCE
#include "sysinfo_parse.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

bool proc_blank(char c)
{
	return c == ' ' || c == '\t';
}

char *sysinfo_bracketed_choice(const char *text)
{
	const char *open, *close;

	if (!text)
		return NULL;
	open = strchr(text, '[');
	if (!open)
		return NULL;
	close = strpbrk(open + 1, "[]\n");
	if (!close || *close != ']' || close == open + 1)
		return NULL;
	return strndup(open + 1, (size_t)(close - open - 1));
}

char *sysinfo_field(const char *text, const char *key)
{
	size_t klen = key ? strlen(key) : 0;
	const char *line = text;

	if (!text || !klen)
		return NULL;
	while (line && *line) {
		const char *p = line, *end, *nl = strchr(line, '\n');

		while (proc_blank(*p))
			p++;
		if (!strncmp(p, key, klen)) {
			p += klen;
			while (proc_blank(*p))
				p++;
			if (*p == ':') {
				p++;
				end = nl ? nl : p + strlen(p);
				while (p < end && proc_blank(*p))
					p++;
				while (end > p && (proc_blank(end[-1]) || end[-1] == '\r'))
					end--;
				return strndup(p, (size_t)(end - p));
			}
		}
		line = nl ? nl + 1 : NULL;
	}
	return NULL;
}

int meminfo_number(const char *meminfo, const char *key, bool in_bytes, uint64_t *value)
{
	char *text = meminfo ? NULL : read_text_file("/proc/meminfo");
	char *s = sysinfo_field(meminfo ? meminfo : text, key), *end;
	unsigned long long v;
	int ret = -1;

	free(text);
	if (!s)
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *s == '-')
		goto out;
	while (proc_blank(*end))
		end++;
	if (in_bytes) {
		if (strcmp(end, "kB") || v > (unsigned long long)INT64_MAX / 1024)
			goto out;
		v *= 1024;
	} else if (*end || v > (unsigned long long)INT64_MAX) {
		goto out;
	}
	*value = v;
	ret = 0;
out:
	free(s);
	return ret;
}
