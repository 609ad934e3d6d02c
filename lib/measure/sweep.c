#define _GNU_SOURCE
#include "sweep.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sweep_defaults(struct sweep *s, int max_cpus)
{
	char why[128];

	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "sweep");
	s->max_cpus = max_cpus;
	s->ops[0] = workload_find("munmap");
	s->nops = 1;
	s->backings[0] = BACKING_SHMEM;
	s->nbackings = 1;
	s->touches[0] = TOUCH_DIRTY;
	s->ntouches = 1;
	s->populates[0] = POPULATE_FAULT;
	s->npopulates = 1;
	s->sizes[0] = 1ul << 30;
	s->nsizes = 1;
	snprintf(s->size_origin, sizeof(s->size_origin), "the default size");
	snprintf(s->dir_origin, sizeof(s->dir_origin), "the default file directory");
	s->cpus[0] = 1;
	s->ncpus = 1;
	s->remotes[0] = REMOTE_SPIN;
	s->nremotes = 1;
	placement_parse("compact", &s->placements[0], why, sizeof(why));
	s->nplacements = 1;
	s->iterations = 10;
	s->warmup = 2;
	s->max_iterations = 100;
	snprintf(s->file_dir, sizeof(s->file_dir), "%s", default_file_dir());
}

/* The page tables a dose dirties in a mapping of size bytes; -1 if more than it has. */
static long dose_tables(const struct dose *d, size_t size)
{
	size_t tables = page_tables_of(size);

	if (d->is_share)
		return (long)(d->share * (double)tables + 0.5);
	return (size_t)d->count <= tables ? d->count : -1;
}

/* "50%" or "64", as given. */
static void dose_text(const struct dose *d, char *buf, size_t len)
{
	if (d->is_share)
		snprintf(buf, len, "%g%%", d->share * 100);
	else
		snprintf(buf, len, "%ld", d->count);
}

/* Each dose fits the mapping and dirties its own number of page tables: two
 * that round to the same count would be one case measured twice. */
static int doses_distinct(const struct sweep *s, size_t size, char *why, size_t len)
{
	char a[32], b[32];

	for (int i = 0; i < s->ndoses; i++) {
		long k = dose_tables(&s->doses[i], size);

		dose_text(&s->doses[i], a, sizeof(a));
		if (k < 0) {
			snprintf(why, len, "%s: dirty_tables %s: a mapping of %zu MiB has only %zu page tables",
				 s->dose_origin, a, size >> 20, page_tables_of(size));
			return -1;
		}
		for (int j = 0; j < i; j++)
			if (dose_tables(&s->doses[j], size) == k) {
				dose_text(&s->doses[j], b, sizeof(b));
				snprintf(why, len, "%s: dirty_tables %s and %s both dirty %ld of the %zu page tables of %zu MiB",
					 s->dose_origin, b, a, k, page_tables_of(size), size >> 20);
				return -1;
			}
	}
	return 0;
}

/* A dose-response is faulted clean, on a shared backing, by an op that zaps it. */
static int doses_check(struct sweep *s, char *why, size_t len)
{
	for (int i = 0; i < s->ntouches; i++)
		if (s->touches[i] != TOUCH_CLEAN && s->touch_origin[0]) {
			snprintf(why, len, "%s: touch=%s with dirty_tables (%s): a dose-response case is faulted clean, "
				 "then the first page of the chosen page tables is dirtied; drop touch or set it to clean",
				 s->touch_origin, touch_name(s->touches[i]), s->dose_origin);
			return -1;
		}
	for (int i = 0; i < s->nbackings; i++)
		if (dose_backing_refusal(s->backings[i])) {
			snprintf(why, len, "%s: dirty_tables on %s: %s", s->dose_origin, backing_name(s->backings[i]),
				 dose_backing_refusal(s->backings[i]));
			return -1;
		}
	for (int i = 0; i < s->nops; i++)
		if (s->ops[i]->own_page_state) {
			snprintf(why, len, "%s: dirty_tables with op %s: it sets its own page state", s->dose_origin,
				 s->ops[i]->name);
			return -1;
		}
	for (int z = 0; z < s->nsizes; z++)
		if (doses_distinct(s, s->sizes[z], why, len) < 0)
			return -1;
	s->touches[0] = TOUCH_CLEAN;
	s->ntouches = 1;
	return 0;
}

int sweep_finish(struct sweep *s, char *why, size_t len)
{
	char reason[256];
	int kept = 0;

	for (int i = 0; i < s->nsizes; i++) {
		if (size_fits_memory(s->sizes[i], reason, sizeof(reason)) == 0) {
			s->sizes[kept++] = s->sizes[i];
			continue;
		}
		if (!s->cap_sizes) {
			snprintf(why, len, "%s: %s", s->size_origin, reason);
			return -1;
		}
		fprintf(stderr, "tlbbench: %s: dropped (cap_size_to_memory): %s\n", s->name, reason);
	}
	if (!kept) {
		snprintf(why, len, "%s: no size fits in memory", s->size_origin);
		return -1;
	}
	s->nsizes = kept;
	return s->ndoses ? doses_check(s, why, len) : 0;
}

int sweep_expand(const struct sweep *s, struct case_params *cases, int max)
{
	int n = 0;

	for (int o = 0; o < s->nops; o++)
	for (int b = 0; b < s->nbackings; b++)
	for (int t = 0; t < s->ntouches; t++)
	for (int po = 0; po < s->npopulates; po++)
	for (int z = 0; z < s->nsizes; z++)
	for (int d = 0; d < (s->ndoses ? s->ndoses : 1); d++)
	for (int c = 0; c < s->ncpus; c++)
	for (int pl = 0; pl < s->nplacements; pl++)
	for (int r = 0; r < s->nremotes; r++) {
		/* With one CPU there is no remote thread to vary or place, except
		 * where an explicit PU list names the measuring CPU. */
		if (s->cpus[c] == 1 && (r > 0 || (pl > 0 && s->placements[pl].policy != PLACE_LIST)))
			continue;
		if (n == max)
			return -1;
		cases[n++] = (struct case_params){
			.workload = s->ops[o], .backing = s->backings[b], .touch = s->touches[t],
			.populate = s->populates[po], .size = s->sizes[z],
			.dirty_tables = s->ndoses ? dose_tables(&s->doses[d], s->sizes[z]) : DIRTY_TABLES_NONE,
			.cpus = s->cpus[c], .remote = s->remotes[r],
			.placement = &s->placements[pl], .file_dir = s->file_dir,
			.iterations = s->iterations, .warmup = s->warmup, .sweep_name = s->name,
			.ci_target = s->ci_target, .max_iterations = s->max_iterations, .max_time_s = s->max_time_s,
		};
	}
	return n;
}
