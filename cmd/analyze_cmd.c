/* `tlbbench analyze DIR`: the analysis of lib/analyze/analyze.c, printed. */
#define _GNU_SOURCE
#include "commands.h"
#include "analyze.h"

#include <math.h>
#include <stdio.h>

#include "options.h"
#include "project.h"
#include "util.h"

/* The one-CPU price: a flush with nobody to interrupt. */
static const struct flush_price *local_price(const struct analysis *a)
{
	for (int i = 0; i < a->nprices; i++)
		if (a->prices[i].cpus == 1)
			return &a->prices[i];
	return NULL;
}

static void print_prices(const struct analysis *a)
{
	const struct flush_price *local = local_price(a);

	if (!a->nprices) {
		printf("Calibrated cost of one forced flush: none (the run has no flush_cost case)\n");
		return;
	}
	printf("Calibrated cost of one forced flush (flush_cost: MADV_DONTNEED of a dirty page, minus the same call on "
	       "the absent page, per flush);\nper IPI: the extra over the 1-CPU price, per IPI sent:\n");
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
}

static void print_fits(const struct analysis *a)
{
	bool bent = false;

	if (!a->nfits) {
		printf("\nIn-situ cost of one forced flush: none (the run has no dose-response: --dirty-tables)\n");
		return;
	}
	printf("\nIn-situ cost of one forced flush (dose-response: time per GiB against forced flushes per GiB, least "
	       "squares;\n95 %% CI of the slope by a seeded wild bootstrap-t; ends: highest dose against lowest; lof_p: "
	       "lack-of-fit F test),\nbeside the calibrated price:\n");
	printf("%-13s %-7s %-8s %6s %4s %-10s %-6s %5s %7s %10s %10s %10s %6s %8s %10s %12s %7s\n", "op", "backing",
	       "populate", "size", "cpus", "placement", "remote", "doses", "samples", "ns/flush", "ci_lo", "ci_hi", "r2",
	       "lof_p", "ends", "flush_cost", "ratio");
	for (int i = 0; i < a->nfits; i++) {
		const struct dose_fit *f = &a->fits[i];

		bent |= !dose_fit_straight(f);
		printf("%-13s %-7s %-8s %5" JSON_INTEGER_FORMAT "M %4" JSON_INTEGER_FORMAT " %-10s %-6s %5d %7zu %10.0f "
		       "%10.0f %10.0f %6.3f %8.2g %10.0f ", case_param(f->first, "op"), case_param(f->first, "backing"),
		       case_param(f->first, "populate"),
		       json_integer_value(json_object_get(f->first->params, "size_bytes")) >> 20,
		       json_integer_value(json_object_get(f->first->params, "cpus")),
		       case_param(f->first, "placement"), case_param(f->first, "remote_mode"), f->doses, f->fit.n,
		       f->fit.slope, f->fit.slope_lo, f->fit.slope_hi, f->fit.r2, f->fit.lack_of_fit_p,
		       f->ends_ns_per_flush);
		if (f->calibrated)
			printf("%12.0f %7.2f%s\n", f->calibrated->ns_per_flush, f->fit.slope / f->calibrated->ns_per_flush,
			       dose_fit_straight(f) ? "" : " *");
		else
			printf("%12s %7s%s\n", "-", "-", dose_fit_straight(f) ? "" : " *");
	}
	printf("(ratio: in-situ / calibrated)\n");
	if (bent)
		printf("* lof_p < 0.01: the time is no straight line in the flushes (see dose.png). The slope is then an "
		       "average, not the\n  price of one flush: forced flushes also shorten the gather batch (docs/method.md, "
		       "Dose-response).\n");
}

static void print_rows(const struct analysis *a)
{
	bool bent = false;

	if (!a->nrows) {
		printf("\nNo dirty shmem munmap or madv_dontneed case with a clean twin and a price at the same CPUs.\n");
		return;
	}
	printf("\nForced flushing, dirty against clean shmem (medians per op). ESTIMATES, not measurements:\n"
	       "flush cost = (flushes dirty - flushes clean) x ns/flush, priced in situ where the run has a dose-response\n"
	       "(price in-situ, or in-situ@SIZE from a dose-response of another size), else by flush_cost; kept = (time\n"
	       "dirty - time clean) - flush cost, the dirty-PTE handling the deferred variant keeps; deferred = time dirty\n"
	       "- flush cost.\n");
	printf("%-13s %6s %4s %-10s %-6s %-8s %9s %9s %10s %10s %10s %12s %10s %12s %7s %s\n", "op", "size", "cpus",
	       "placement", "remote", "populate", "fl_dirty", "fl_clean", "ms_dirty", "ms_clean", "ms_delta",
	       "est_flush_ms", "kept_ms", "est_defer_ms", "share", "price");
	for (int i = 0; i < a->nrows; i++) {
		const struct analysis_row *r = &a->rows[i];
		char price[40];

		analysis_price_label(r, price, sizeof(price));
		bent |= r->in_situ && !dose_fit_straight(r->in_situ);
		printf("%-13s %5" JSON_INTEGER_FORMAT "M %4" JSON_INTEGER_FORMAT " %-10s %-6s %-8s %9.0f %9.0f %10.3f "
		       "%10.3f %10.3f %12.3f %10.3f %12.3f %6.1f%% %s\n",
		       case_param(r->dirty, "op"), json_integer_value(json_object_get(r->dirty->params, "size_bytes")) >> 20,
		       json_integer_value(json_object_get(r->dirty->params, "cpus")), case_param(r->dirty, "placement"),
		       case_param(r->dirty, "remote_mode"), case_param(r->dirty, "populate"), r->flushes_dirty,
		       r->flushes_clean, r->time_dirty / 1e6, r->time_clean / 1e6, (r->time_dirty - r->time_clean) / 1e6,
		       r->flush_cost_ns / 1e6, r->kept_ns / 1e6, r->projected_ns / 1e6, r->share * 100, price);
	}
	if (bent)
		printf("* priced by a dose-response that is no line (lof_p < 0.01, above): read that flush cost as an "
		       "average.\n");
}

static const struct cmd_option analyze_options[] = {
	{ "counts", 0, "COUNTS", "project the forced-flush cost onto COUNTS' CPU counts (a run of more CPUs,\n"
				 "a guest's: its flush and IPI counts, priced by DIR's 1- and 2-CPU prices)" },
	{ NULL, 0, NULL, NULL },
};

static const struct cmd_spec analyze_spec = {
	.name = "analyze", .args = "DIR", .min_args = 1, .max_args = 1, .opts = analyze_options,
	.about = "What the forced flushes cost in DIR's run: the price of one forced flush (in situ from a\n"
		 "dose-response, calibrated by flush_cost), and the dirty-minus-clean difference split.",
};

static void on_analyze_option(void *ctx, int opt, const char *arg)
{
	(void)opt; /* --counts, the only one */
	*(const char **)ctx = arg;
}

/* The projection onto COUNTS; EXIT_BAD_INPUT when it cannot be made. */
static int print_projection(const struct analysis *a, const struct result_set *rs, const char *counts_dir)
{
	struct result_set counts;
	struct projection p;
	char why[1024];
	int status = 0;

	if (results_load(counts_dir, &counts, why, sizeof(why)) < 0) {
		fprintf(stderr, "tlbbench: --counts: %s\n", why);
		return EXIT_BAD_INPUT;
	}
	if (projection_compute(a, rs, &counts, &p, why, sizeof(why)) < 0) {
		fprintf(stderr, "tlbbench: %s\n", why);
		status = EXIT_BAD_INPUT;
	} else {
		projection_print(&p, &counts);
	}
	projection_free(&p);
	results_free(&counts);
	return status;
}

int cmd_analyze(int argc, char **argv)
{
	struct result_set rs;
	struct analysis a;
	const char *counts_dir = NULL;
	char why[1024];
	int status = 0, first = options_parse(&analyze_spec, argc, argv, on_analyze_option, &counts_dir);

	if (results_load(argv[first], &rs, why, sizeof(why)) < 0)
		die_bad_input("%s", why);
	if (analysis_compute(&rs, &a, why, sizeof(why)) < 0) {
		fprintf(stderr, "tlbbench: %s\n", why);
		status = EXIT_BAD_INPUT;
	} else {
		print_prices(&a);
		print_fits(&a);
		print_rows(&a);
		if (counts_dir)
			status = print_projection(&a, &rs, counts_dir);
	}
	analysis_free(&a);
	results_free(&rs);
	return status;
}
