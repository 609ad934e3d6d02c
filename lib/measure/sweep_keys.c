/* The keys of a sweep and of the whole run, and the values each takes: the
 * same from the command line, a config file and --set. */
#define _GNU_SOURCE
#include "sweep.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char sweep_keys[] = "op, backing, touch, populate, dirty_tables, size, cap_size_to_memory, cpus, placement, "
			  "remote, iterations, warmup, ci_target, max_iterations, max_time, dir; for the whole run: events, "
			  "order";

/* Split value at commas and hand each item to parse_item; the item count,
 * or -1 with why for an empty list, too many items or a bad item. */
static int parse_list(const char *key, const char *value, int max,
		      int (*parse_item)(const char *item, int i, void *ctx, char *why, size_t len), void *ctx,
		      char *why, size_t len)
{
	char *copy = strdup(value), *items[LIST_MAX];
	int n = copy ? split_list(copy, items, max < LIST_MAX ? max : LIST_MAX) : 0;

	if (n <= 0)
		snprintf(why, len, n < 0 ? "%s: more than %d values" : "%s: no value", key, max);
	for (int i = 0; n > 0 && i < n; i++)
		if (parse_item(items[i], i, ctx, why, len) < 0)
			n = -1;
	free(copy);
	return n > 0 ? n : -1;
}

/* Names looked up in a table: ops, backings, touch patterns, remote modes. */
struct name_list {
	const char *key;
	int (*lookup)(const char *name);
	int *out;
};

static int name_item(const char *item, int i, void *ctx, char *why, size_t len)
{
	struct name_list *names = ctx;

	names->out[i] = names->lookup(item);
	if (names->out[i] >= 0)
		return 0;
	snprintf(why, len, "unknown %s '%s' (see 'tlbbench list')", names->key, item);
	return -1;
}

static int parse_names(const char *key, const char *value, int (*lookup)(const char *), int *out, int max,
		       int *n, char *why, size_t len)
{
	struct name_list names = { .key = key, .lookup = lookup, .out = out };
	int count = parse_list(key, value, max, name_item, &names, why, len);

	if (count < 0)
		return -1;
	*n = count;
	return 0;
}

static int parse_ops(struct sweep *s, const char *value, char *why, size_t len)
{
	int idx[LIST_MAX], n;

	if (parse_names("op", value, workload_index, idx, LIST_MAX, &n, why, len) < 0)
		return -1;
	for (int i = 0; i < n; i++)
		s->ops[i] = workloads[idx[i]];
	s->nops = n;
	return 0;
}

static int size_item(const char *item, int i, void *ctx, char *why, size_t len)
{
	return parse_size(item, &((size_t *)ctx)[i], why, len);
}

static int placement_item(const char *item, int i, void *ctx, char *why, size_t len)
{
	return placement_parse(item, &((struct placement *)ctx)[i], why, len);
}

/* One event more; twice, in any spelling of it (task-clock, perf::task-clock),
 * would be two columns of one name in samples.csv and one key in samples.jsonl. */
static int event_add(struct event_set *e, const char *name, char *why, size_t len)
{
	char key[PMU_NAME_LEN], other[PMU_NAME_LEN];

	pmu_event_key(name, key, sizeof(key));
	for (int j = 0; j < e->count; j++) {
		pmu_event_key(e->names[j], other, sizeof(other));
		if (strcmp(key, other) != 0)
			continue;
		if (strcmp(name, e->names[j]) == 0)
			snprintf(why, len, "events: %s is in the list twice%s", name,
				 e->has_default ? " ('default' is in it, and holds the default set)" : "");
		else
			snprintf(why, len, "events: %s and %s are one event (both %s in the results)", e->names[j], name,
				 key);
		return -1;
	}
	if (e->count == PMU_MAX_EVENTS) {
		snprintf(why, len, "events: more than %d events", PMU_MAX_EVENTS);
		return -1;
	}
	if (strlen(name) >= PMU_NAME_LEN) {
		snprintf(why, len, "events: '%.40s...': longer than %d characters", name, PMU_NAME_LEN - 1);
		return -1;
	}
	snprintf(e->names[e->count], PMU_NAME_LEN, "%s", name);
	e->list[e->count] = e->names[e->count];
	e->count++;
	return 0;
}

/* An item is an event (a libpfm4 string) or 'default', the default set in its place. */
static int event_item(const char *item, int i, void *ctx, char *why, size_t len)
{
	struct event_set *e = ctx;

	(void)i;
	if (strpbrk(item, "{}")) {
		snprintf(why, len, "events: '%s': perf's event groups ({a,b}) are not taken: give the events one by one "
				   "(each is scaled for multiplexing on its own)", item);
		return -1;
	}
	if (strcmp(item, "default") != 0)
		return event_add(e, item, why, len);
	e->has_default = true;
	for (int d = 0; d < pmu_default_event_count; d++)
		if (event_add(e, pmu_default_events[d], why, len) < 0)
			return -1;
	return 0;
}

/* Parse into a scratch copy, so a bad list leaves the sweep as it was. */
static int parse_sizes(struct sweep *s, const char *value, char *why, size_t len)
{
	size_t sizes[LIST_MAX];
	int n = parse_list("size", value, LIST_MAX, size_item, sizes, why, len);

	if (n < 0)
		return -1;
	memcpy(s->sizes, sizes, sizeof(sizes[0]) * (size_t)n);
	s->nsizes = n;
	return 0;
}

static int parse_placements(struct sweep *s, const char *value, char *why, size_t len)
{
	int n = parse_list("placement", value, SWEEP_PLACEMENTS, placement_item, s->placements, why, len);

	if (n < 0)
		return -1;
	s->nplacements = n;
	return 0;
}

static int parse_count(const char *key, const char *value, int min, int *out, char *why, size_t len)
{
	char *end;
	long v = strtol(value, &end, 10);

	if (end == value || *end || v < min || v > 1000000) {
		snprintf(why, len, "bad %s '%s': want a whole number from %d", key, value, min);
		return -1;
	}
	*out = (int)v;
	return 0;
}

/* A dose: "50%" of the page tables, or a count of them ("64"). */
static int dose_item(const char *item, int i, void *ctx, char *why, size_t len)
{
	struct dose *d = &((struct dose *)ctx)[i];
	char *end;
	double v = strtod(item, &end);

	*d = (struct dose){ .is_share = end != item && *end == '%', .share = v / 100 };
	if (d->is_share && !end[1] && v >= 0 && v <= 100)
		return 0;
	d->count = strtol(item, &end, 10);
	if (end != item && !*end && d->count >= 0 && d->count <= 1000000000)
		return 0;
	snprintf(why, len, "bad dirty_tables '%s': want a share of the page tables such as 50%% or a count such as 64",
		 item);
	return -1;
}

static int parse_doses(struct sweep *s, const char *value, char *why, size_t len)
{
	struct dose doses[LIST_MAX];
	int n = parse_list("dirty_tables", value, LIST_MAX, dose_item, doses, why, len);

	if (n < 0)
		return -1;
	memcpy(s->doses, doses, sizeof(doses[0]) * (size_t)n);
	s->ndoses = n;
	return 0;
}

/* "90", "90s", "5m" -> seconds; 0 means no limit. */
static int parse_ci_target(struct sweep *s, const char *value, char *why, size_t len)
{
	if (parse_fraction(value, 1, &s->ci_target) == 0)
		return 0;
	snprintf(why, len, "bad ci_target '%s': want a percentage such as 2%% (0 turns the adaptive stop off)", value);
	return -1;
}

static int parse_seconds(const char *key, const char *value, double *out, char *why, size_t len)
{
	char *end;
	double v = strtod(value, &end);

	if (end != value && (*end == 's' || *end == 'm')) {
		v *= *end == 'm' ? 60 : 1;
		end++;
	}
	if (end == value || *end || !(v >= 0)) {
		snprintf(why, len, "bad %s '%s': want seconds such as 90s or 5m", key, value);
		return -1;
	}
	*out = v;
	return 0;
}

static int parse_yes_no(const char *key, const char *value, bool *out, char *why, size_t len)
{
	if (strcmp(value, "yes") != 0 && strcmp(value, "no") != 0) {
		snprintf(why, len, "bad %s '%s': want yes or no", key, value);
		return -1;
	}
	*out = strcmp(value, "yes") == 0;
	return 0;
}

static int parse_dir(struct sweep *s, const char *value, char *why, size_t len)
{
	if (!*value || strlen(value) >= sizeof(s->file_dir)) {
		snprintf(why, len, "dir: %s", *value ? "path too long" : "no value");
		return -1;
	}
	snprintf(s->file_dir, sizeof(s->file_dir), "%s", value);
	return 0;
}

int sweep_set(struct sweep *s, const char *key, const char *value, char *why, size_t len)
{
	int counts[LIST_MAX], n;

	if (strcmp(key, "op") == 0)
		return parse_ops(s, value, why, len);
	if (strcmp(key, "backing") == 0)
		return parse_names(key, value, backing_from_name, s->backings, BACKING_COUNT, &s->nbackings, why, len);
	if (strcmp(key, "touch") == 0)
		return parse_names(key, value, touch_from_name, s->touches, TOUCH_COUNT, &s->ntouches, why, len);
	if (strcmp(key, "populate") == 0)
		return parse_names(key, value, populate_from_name, s->populates, POPULATE_COUNT, &s->npopulates, why,
				   len);
	if (strcmp(key, "dirty_tables") == 0)
		return parse_doses(s, value, why, len);
	if (strcmp(key, "remote") == 0)
		return parse_names(key, value, remote_mode_from_name, s->remotes, REMOTE_MODE_COUNT, &s->nremotes,
				   why, len);
	if (strcmp(key, "size") == 0)
		return parse_sizes(s, value, why, len);
	if (strcmp(key, "cap_size_to_memory") == 0)
		return parse_yes_no(key, value, &s->cap_sizes, why, len);
	if (strcmp(key, "placement") == 0)
		return parse_placements(s, value, why, len);
	if (strcmp(key, "cpus") == 0) {
		if (parse_cpu_counts(value, s->max_cpus, counts, &n, why, len) < 0)
			return -1;
		memcpy(s->cpus, counts, sizeof(int) * (size_t)n);
		s->ncpus = n;
		return 0;
	}
	if (strcmp(key, "iterations") == 0)
		return parse_count(key, value, 1, &s->iterations, why, len);
	if (strcmp(key, "warmup") == 0)
		return parse_count(key, value, 0, &s->warmup, why, len);
	if (strcmp(key, "dir") == 0)
		return parse_dir(s, value, why, len);
	if (strcmp(key, "ci_target") == 0)
		return parse_ci_target(s, value, why, len);
	if (strcmp(key, "max_iterations") == 0)
		return parse_count(key, value, 1, &s->max_iterations, why, len);
	if (strcmp(key, "max_time") == 0)
		return parse_seconds(key, value, &s->max_time_s, why, len);
	snprintf(why, len, "unknown key '%s' (keys: %s)", key, sweep_keys);
	return -1;
}

void sweep_note_origin(struct sweep *s, const char *key, const char *origin)
{
	char *to = strcmp(key, "size") == 0 ? s->size_origin : strcmp(key, "dir") == 0 ? s->dir_origin :
		   strcmp(key, "dirty_tables") == 0 ? s->dose_origin : strcmp(key, "touch") == 0 ? s->touch_origin :
		   NULL;

	if (to)
		snprintf(to, sizeof(s->size_origin), "%s", origin);
}

void event_set_defaults(struct event_set *e)
{
	memset(e, 0, sizeof(*e));
	for (int i = 0; i < pmu_default_event_count; i++) {
		snprintf(e->names[i], PMU_NAME_LEN, "%s", pmu_default_events[i]);
		e->list[i] = e->names[i];
	}
	e->count = pmu_default_event_count;
}

int event_set_parse(struct event_set *e, const char *value, char *why, size_t len)
{
	struct event_set parsed;

	memset(&parsed, 0, sizeof(parsed));
	if (parse_list("events", value, PMU_MAX_EVENTS, event_item, &parsed, why, len) < 0)
		return -1;
	*e = parsed;
	/* The copy's list must point at its own names. */
	for (int i = 0; i < e->count; i++)
		e->list[i] = e->names[i];
	return 0;
}

int event_list_append(char *list, size_t size, const char *more, char *why, size_t len)
{
	size_t used = strlen(list);

	if (used + strlen(more) + 2 > size) {
		snprintf(why, len, "-e/--events: the lists add up to more than %zu characters", size - 2);
		return -1;
	}
	snprintf(list + used, size - used, "%s%s", used ? "," : "", more);
	return 0;
}

void run_settings_defaults(struct run_settings *r)
{
	memset(r, 0, sizeof(*r));
	event_set_defaults(&r->events);
}

int run_setting_set(struct run_settings *r, const char *key, const char *value, char *why, size_t len)
{
	if (strcmp(key, "events") == 0)
		return event_set_parse(&r->events, value, why, len) < 0 ? -1 : 1;
	if (strcmp(key, "order") != 0)
		return 0;
	if (strcmp(value, "sequential") != 0 && strcmp(value, "interleave") != 0) {
		snprintf(why, len, "bad order '%s': want sequential or interleave", value);
		return -1;
	}
	r->interleave = strcmp(value, "interleave") == 0;
	return 1;
}
