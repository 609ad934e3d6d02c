#define _GNU_SOURCE
#include "vmstat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

int vmstat_parse(const char *text, struct vmstat_snapshot *s)
{
	const char *line = text;

	s->n = 0;
	while (line && *line && s->n < VMSTAT_MAX) {
		char name[VMSTAT_NAME_LEN];
		long long value;

		if (sscanf(line, "%47s %lld", name, &value) == 2) {
			snprintf(s->name[s->n], VMSTAT_NAME_LEN, "%s", name);
			s->value[s->n++] = value;
		}
		line = strchr(line, '\n');
		line = line ? line + 1 : NULL;
	}
	return s->n ? 0 : -1;
}

int vmstat_read(struct vmstat_snapshot *s)
{
	char *text = read_text_file("/proc/vmstat");
	int ret = text ? vmstat_parse(text, s) : -1;

	free(text);
	if (ret < 0)
		s->n = 0;
	return ret;
}

static int index_of(const struct vmstat_snapshot *s, const char *name, int hint)
{
	/* The kernel prints the same list every time: the hint is almost always right. */
	if (hint < s->n && strcmp(s->name[hint], name) == 0)
		return hint;
	for (int i = 0; i < s->n; i++)
		if (strcmp(s->name[i], name) == 0)
			return i;
	return -1;
}

void vmstat_diff(const struct vmstat_snapshot *before, const struct vmstat_snapshot *after, struct vmstat_delta *d)
{
	d->n = 0;
	d->ok = before->n && after->n;
	d->before = before;
	for (int i = 0; d->ok && i < before->n; i++) {
		int j = index_of(after, before->name[i], i);

		if (j < 0 || after->value[j] == before->value[i])
			continue;
		d->name[d->n] = before->name[i];
		d->delta[d->n++] = after->value[j] - before->value[i];
	}
}

bool vmstat_delta_get(const struct vmstat_delta *d, const char *name, int64_t *value)
{
	*value = 0;
	if (!d->ok || index_of(d->before, name, 0) < 0)
		return false;
	for (int i = 0; i < d->n; i++)
		if (strcmp(d->name[i], name) == 0)
			*value = d->delta[i];
	return true;
}
