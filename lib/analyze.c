#define _GNU_SOURCE
#include "analyze.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "util.h"

static const char *param(const struct result_case *c, const char *key)
{
	const char *v = json_string_value(json_object_get(c->params, key));

	return v ? v : "";
}

static json_int_t param_int(const struct result_case *c, const char *key)
{
	return json_integer_value(json_object_get(c->params, key));
}

/* Median of one metric of a case; NAN when it was never read. */
static double median_of(const struct result_set *rs, const struct result_case *c, const char *metric)
{
	double *v = malloc(sizeof(double) * (c->n ? c->n : 1)), m = NAN;
	size_t n = v ? results_values(c, results_metric_index(rs, metric), v) : 0;

	if (n)
		m = stats_median(v, n);
	free(v);
	return m;
}

/* The price of a flush from one flush_cost case: per sample, the time the
 * zaps of the present page took beyond the same zaps of the absent page,
 * over the flushes counted. */
static int price_case(const struct result_set *rs, const struct result_case *c, struct flush_price *p)
{
	int wall = results_metric_index(rs, "wall_ns"), absent = results_metric_index(rs, "absent_page_ns");
	int flushes = results_metric_index(rs, "flushes"), ipis = results_metric_index(rs, "ipis");
	double *per_flush = calloc(c->n ? c->n : 1, sizeof(double)), *ipi = calloc(c->n ? c->n : 1, sizeof(double));
	size_t n = 0;

	for (size_t i = 0; per_flush && ipi && wall >= 0 && absent >= 0 && flushes >= 0 && i < c->n; i++) {
		double f = c->values[flushes][i];

		if (isnan(f) || f <= 0 || isnan(c->values[absent][i]))
			continue;
		per_flush[n] = (c->values[wall][i] - c->values[absent][i]) / f;
		ipi[n++] = ipis >= 0 ? c->values[ipis][i] / f : NAN;
	}
	memset(p, 0, sizeof(*p));
	p->cpus = (int)param_int(c, "cpus");
	snprintf(p->placement, sizeof(p->placement), "%s", param(c, "placement"));
	snprintf(p->remote, sizeof(p->remote), "%s", param(c, "remote_mode"));
	p->samples = n;
	if (n) {
		p->ns_per_flush = stats_median(per_flush, n);
		p->ipis_per_flush = stats_median(ipi, n);
	}
	free(per_flush);
	free(ipi);
	return n ? 0 : -1;
}

static const struct flush_price *price_for(const struct analysis *a, const struct result_case *c)
{
	for (int i = 0; i < a->nprices; i++)
		if (a->prices[i].cpus == param_int(c, "cpus") && strcmp(a->prices[i].placement, param(c, "placement")) == 0 &&
		    strcmp(a->prices[i].remote, param(c, "remote_mode")) == 0)
			return &a->prices[i];
	return NULL;
}

/* The clean shmem case run like this dirty one. */
static const struct result_case *clean_twin(const struct result_set *rs, const struct result_case *dirty)
{
	static const char *const same[] = { "op", "size_bytes", "cpus", "placement", "remote_mode", "backing" };

	for (int i = 0; i < rs->ncases; i++) {
		const struct result_case *c = &rs->cases[i];
		bool match = strcmp(param(c, "touch"), "clean") == 0;

		for (size_t k = 0; match && k < sizeof(same) / sizeof(same[0]); k++)
			match = json_equal(json_object_get(c->params, same[k]), json_object_get(dirty->params, same[k]));
		if (match)
			return c;
	}
	return NULL;
}

static void add_row(const struct result_set *rs, struct analysis *a, const struct result_case *dirty,
		    const struct result_case *clean, const struct flush_price *price)
{
	struct analysis_row *r = &a->rows[a->nrows++];

	*r = (struct analysis_row){ .dirty = dirty, .clean = clean, .price = price };
	r->flushes_dirty = median_of(rs, dirty, "flushes");
	r->flushes_clean = median_of(rs, clean, "flushes");
	r->time_dirty = median_of(rs, dirty, "wall_ns");
	r->time_clean = median_of(rs, clean, "wall_ns");
	r->flush_cost_ns = (r->flushes_dirty - r->flushes_clean) * price->ns_per_flush;
	r->projected_ns = r->time_dirty - r->flush_cost_ns;
	r->share = r->flush_cost_ns / r->time_dirty;
}

int analysis_compute(const struct result_set *rs, struct analysis *a, char *why, size_t len)
{
	memset(a, 0, sizeof(*a));
	a->prices = calloc((size_t)rs->ncases + 1, sizeof(*a->prices));
	a->rows = calloc((size_t)rs->ncases + 1, sizeof(*a->rows));
	if (!a->prices || !a->rows) {
		snprintf(why, len, "out of memory");
		return -1;
	}
	for (int i = 0; i < rs->ncases; i++)
		if (strcmp(param(&rs->cases[i], "op"), "flush_cost") == 0 &&
		    price_case(rs, &rs->cases[i], &a->prices[a->nprices]) == 0)
			a->nprices++;
	if (!a->nprices) {
		snprintf(why, len, "%s has no flush_cost calibration with counted flushes: run it with --op flush_cost "
			 "--size 8K and the same --cpus", rs->dir);
		return -1;
	}
	for (int i = 0; i < rs->ncases; i++) {
		const struct result_case *c = &rs->cases[i], *clean;
		const struct flush_price *price;
		const char *op = param(c, "op");

		if ((strcmp(op, "munmap") != 0 && strcmp(op, "madv_dontneed") != 0) ||
		    strcmp(param(c, "backing"), "shmem") != 0 || strcmp(param(c, "touch"), "dirty") != 0)
			continue;
		clean = clean_twin(rs, c);
		price = price_for(a, c);
		if (clean && price)
			add_row(rs, a, c, clean, price);
	}
	if (!a->nrows) {
		snprintf(why, len, "%s has no dirty shmem munmap or madv_dontneed case with a clean twin and a "
			 "calibration at the same CPUs", rs->dir);
		return -1;
	}
	return 0;
}

void analysis_free(struct analysis *a)
{
	free(a->prices);
	free(a->rows);
	memset(a, 0, sizeof(*a));
}

/* The one-CPU price: a flush with nobody to interrupt. */
static const struct flush_price *local_price(const struct analysis *a)
{
	for (int i = 0; i < a->nprices; i++)
		if (a->prices[i].cpus == 1)
			return &a->prices[i];
	return NULL;
}

static void print_analysis(const struct analysis *a)
{
	const struct flush_price *local = local_price(a);

	printf("Cost of one forced flush (flush_cost: MADV_DONTNEED of a dirty page, minus the same call on the absent "
	       "page, per flush);\nper IPI: the extra over the 1-CPU price, per IPI sent:\n");
	printf("%5s %-10s %-6s %12s %14s %10s %8s\n", "cpus", "placement", "remote", "ns/flush", "IPIs/flush", "ns/IPI",
	       "samples");
	for (int i = 0; i < a->nprices; i++) {
		const struct flush_price *p = &a->prices[i];

		printf("%5d %-10s %-6s %12.0f %14.2f ", p->cpus, p->placement, p->remote, p->ns_per_flush,
		       p->ipis_per_flush);
		if (local && p->cpus > 1 && p->ipis_per_flush > 0)
			printf("%10.0f", (p->ns_per_flush - local->ns_per_flush) / p->ipis_per_flush);
		else
			printf("%10s", "-");
		printf(" %8zu\n", p->samples);
	}
	printf("\nForced flushing, dirty against clean shmem (medians per op). ESTIMATES, not measurements:\n"
	       "flush cost = (flushes dirty - flushes clean) x ns/flush; deferred = time dirty - flush cost.\n");
	printf("%-13s %6s %4s %-10s %-6s %9s %9s %10s %10s %10s %12s %12s %7s\n", "op", "size", "cpus", "placement",
	       "remote", "fl_dirty", "fl_clean", "ms_dirty", "ms_clean", "ms_delta", "est_flush_ms", "est_defer_ms",
	       "share");
	for (int i = 0; i < a->nrows; i++) {
		const struct analysis_row *r = &a->rows[i];

		printf("%-13s %5" JSON_INTEGER_FORMAT "M %4d %-10s %-6s %9.0f %9.0f %10.3f %10.3f %10.3f %12.3f %12.3f %6.1f%%\n",
		       param(r->dirty, "op"), param_int(r->dirty, "size_bytes") >> 20, r->price->cpus, r->price->placement,
		       r->price->remote, r->flushes_dirty, r->flushes_clean, r->time_dirty / 1e6, r->time_clean / 1e6,
		       (r->time_dirty - r->time_clean) / 1e6, r->flush_cost_ns / 1e6, r->projected_ns / 1e6,
		       r->share * 100);
	}
}

int cmd_analyze(int argc, char **argv)
{
	struct result_set rs;
	struct analysis a;
	char why[1024];
	int status = 0;

	if (argc != 2 || argv[1][0] == '-')
		die_bad_input("usage: tlbbench analyze DIR");
	if (results_load(argv[1], &rs, why, sizeof(why)) < 0)
		die_bad_input("%s", why);
	if (analysis_compute(&rs, &a, why, sizeof(why)) < 0) {
		fprintf(stderr, "tlbbench: %s\n", why);
		status = EXIT_BAD_INPUT;
	} else {
		print_analysis(&a);
	}
	analysis_free(&a);
	results_free(&rs);
	return status;
}
