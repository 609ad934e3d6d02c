/* The table `tlbbench run` prints at the end: a line per case, medians and
 * per-GiB figures, n/s where a counter could not be read. */
#define _GNU_SOURCE
#include "report.h"

#include <math.h>
#include <string.h>

#include "units.h"

/* A table cell of width 10: the format given, or %g when that would not fit. */
static void cell(FILE *out, bool ok, const char *fmt, double v)
{
	char text[64];

	if (!ok) {
		fprintf(out, "%10s ", "n/s");
		return;
	}
	snprintf(text, sizeof(text), fmt, v);
	if (strlen(text) > 11) /* fmt ends in a space */
		snprintf(text, sizeof(text), "%10.4g ", v);
	fputs(text, out);
}

static void size_text(size_t bytes, char *buf, size_t len)
{
	if (bytes % (1ul << 30) == 0)
		snprintf(buf, len, "%zuG", bytes >> 30);
	else if (bytes % (1ul << 20) == 0)
		snprintf(buf, len, "%zuM", bytes >> 20);
	else
		snprintf(buf, len, "%zuK", bytes >> 10);
}

/* "dirty", "clean", or a dose as dirtied/all page tables: "64/128". */
static void touch_text(const struct case_params *p, char *buf, size_t len)
{
	if (p->dirty_tables == DIRTY_TABLES_NONE)
		snprintf(buf, len, "%s", touch_name(p->touch));
	else
		snprintf(buf, len, "%ld/%zu", p->dirty_tables, page_tables_of(p->size));
}

void report_table(FILE *out, const struct case_summary *sums, int n)
{
	fprintf(out, "\n%-13s %-7s %-9s %-7s %6s %4s %-10s %-5s %10s %10s %10s %10s %10s %10s %10s %s\n", "op",
		"backing", "touch", "populate", "size", "cpus", "placement", "rmode", "median_ms", "ns/GiB", "flush/GiB",
		"model/GiB", "IPIs/GiB", "act/GiB", "ref_ms", "n");
	for (int i = 0; i < n; i++) {
		const struct case_summary *s = &sums[i];
		const struct case_params *p = &s->params;
		double gib = (double)p->size / GIB;
		char size[24], touch[32];

		size_text(p->size, size, sizeof(size));
		touch_text(p, touch, sizeof(touch));
		fprintf(out, "%-13s %-7s %-9s %-7s %6s %4d %-10s %-5s ", p->workload->name, backing_name(p->backing),
			touch, populate_name(p->populate), size, p->cpus, p->placement->text, remote_mode_name(p->remote));
		if (!s->samples) {
			fprintf(out, "%s: %s\n", s->skipped ? "skipped" : s->interrupted ? "interrupted" : "failed", s->why);
			continue;
		}
		fprintf(out, "%10.3f ", s->stat[CM_WALL_NS].median / 1e6);
		cell(out, true, "%10.0f ", s->stat[CM_NS_PER_GIB].median);
		cell(out, s->flushes_ok, "%10.1f ", s->stat[CM_FLUSHES_PER_GIB].median);
		cell(out, s->model_flushes >= 0, "%10.1f ", s->model_flushes / gib);
		cell(out, s->ipis_ok, "%10.1f ", s->stat[CM_IPIS_PER_GIB].median);
		cell(out, s->activations_ok, "%10.0f ", s->stat[CM_ACTIVATIONS_PER_GIB].median);
		if (s->baseline_ok)
			fprintf(out, "%10.3f ", s->stat[CM_BASELINE_NS].median / 1e6);
		else
			fprintf(out, "%10s ", "-");
		fprintf(out, "%d", s->samples);
		if (s->failed_samples)
			fprintf(out, " (+%d failed)", s->failed_samples);
		fprintf(out, "%s\n", s->failed ? " (stopped: see above)" : s->interrupted ? " (interrupted)" : "");
	}
}
