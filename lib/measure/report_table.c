/* The table `tlbbench run` prints at the end: a line per case, medians and
 * per-GiB figures, <not supported> where a counter could not be read, as perf
 * says it, and why under the table. */
#define _GNU_SOURCE
#include "report.h"

#include <math.h>
#include <string.h>

#include "units.h"

#define NOT_SUPPORTED "<not supported>"

/* The columns a counter fills, which may be unread. */
enum counter_column { COL_FLUSHES, COL_MODEL, COL_IPIS, COL_ACTIVATIONS, COUNTER_COLUMNS };

static const char *const column_name[COUNTER_COLUMNS] = { "flush/GiB", "model/GiB", "IPIs/GiB", "act/GiB" };

/* A table cell: the format given, or %g when that would not fit in 10. */
static void cell(FILE *out, int width, bool ok, const char *fmt, double v)
{
	char text[64];

	if (!ok) {
		fprintf(out, "%*s ", width, NOT_SUPPORTED);
		return;
	}
	snprintf(text, sizeof(text), fmt, v);
	if (strlen(text) > 11) /* fmt ends in a space */
		snprintf(text, sizeof(text), "%10.4g ", v);
	fprintf(out, "%*s", width + 1, text);
}

static void counters_read(const struct case_summary *s, bool ok[COUNTER_COLUMNS])
{
	ok[COL_FLUSHES] = s->flushes_ok;
	ok[COL_MODEL] = s->model_flushes >= 0;
	ok[COL_IPIS] = s->ipis_ok;
	ok[COL_ACTIVATIONS] = s->activations_ok;
}

/* Why a column's counter was not read, after <not supported> under the table. */
static const char *why_unread(enum counter_column c, const struct kstat *k)
{
	switch (c) {
	case COL_FLUSHES:
		return k->tracepoint_unsupported[0] ? k->tracepoint_unsupported
						    : "the tlb:tlb_flush count of the op's task could not be read";
	case COL_MODEL:
		return "the kernel model makes no prediction for the case (it needs the tlb:tlb_flush probes)";
	case COL_IPIS:
		return "no TLB line in /proc/interrupts";
	default:
		return "/proc/vmstat's pgactivate was not read";
	}
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

void report_table(FILE *out, const struct case_summary *sums, int n, const struct kstat *k)
{
	bool any_unread[COUNTER_COLUMNS] = { false }, ok[COUNTER_COLUMNS];
	int w[COUNTER_COLUMNS];

	for (int i = 0; i < n; i++) {
		counters_read(&sums[i], ok);
		for (int c = 0; c < COUNTER_COLUMNS; c++)
			any_unread[c] |= sums[i].samples && !ok[c];
	}
	for (int c = 0; c < COUNTER_COLUMNS; c++)
		w[c] = any_unread[c] ? (int)strlen(NOT_SUPPORTED) : 10;
	fprintf(out, "\n%-13s %-7s %-9s %-7s %6s %4s %-10s %-5s %10s %10s %*s %*s %*s %*s %10s %s\n", "op", "backing",
		"touch", "populate", "size", "cpus", "placement", "rmode", "median_ms", "ns/GiB", w[COL_FLUSHES],
		column_name[COL_FLUSHES], w[COL_MODEL], column_name[COL_MODEL], w[COL_IPIS], column_name[COL_IPIS],
		w[COL_ACTIVATIONS], column_name[COL_ACTIVATIONS], "ref_ms", "n");
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
		counters_read(s, ok);
		fprintf(out, "%10.3f ", s->stat[CM_WALL_NS].median / 1e6);
		cell(out, 10, true, "%10.0f ", s->stat[CM_NS_PER_GIB].median);
		cell(out, w[COL_FLUSHES], ok[COL_FLUSHES], "%10.1f ", s->stat[CM_FLUSHES_PER_GIB].median);
		cell(out, w[COL_MODEL], ok[COL_MODEL], "%10.1f ", s->model_flushes / gib);
		cell(out, w[COL_IPIS], ok[COL_IPIS], "%10.1f ", s->stat[CM_IPIS_PER_GIB].median);
		cell(out, w[COL_ACTIVATIONS], ok[COL_ACTIVATIONS], "%10.0f ", s->stat[CM_ACTIVATIONS_PER_GIB].median);
		if (s->baseline_ok)
			fprintf(out, "%10.3f ", s->stat[CM_BASELINE_NS].median / 1e6);
		else
			fprintf(out, "%10s ", "-");
		fprintf(out, "%d", s->samples);
		if (s->failed_samples)
			fprintf(out, " (+%d failed)", s->failed_samples);
		fprintf(out, "%s\n", s->failed ? " (stopped: see above)" : s->interrupted ? " (interrupted)" : "");
	}
	for (int c = 0; c < COUNTER_COLUMNS; c++)
		if (any_unread[c])
			fprintf(out, "%s %s (%s)\n", column_name[c], NOT_SUPPORTED, why_unread(c, k));
}
