/* The analysis of lib/analyze/analyze.c as text: for `tlbbench analyze`, and
 * in `tlbbench report`'s Markdown. */
#define _GNU_SOURCE
#include "analysis_print.h"

/* The one-CPU price: a flush with nobody to interrupt. */
static const struct flush_price *local_price(const struct analysis *a)
{
	for (int i = 0; i < a->nprices; i++)
		if (a->prices[i].cpus == 1)
			return &a->prices[i];
	return NULL;
}

static void print_prices(FILE *out, const struct analysis *a)
{
	const struct flush_price *local = local_price(a);

	if (!a->nprices) {
		fprintf(out, "Calibrated cost of one forced flush: none (the run has no flush_cost case)\n");
		return;
	}
	fprintf(out, "Calibrated cost of one forced flush (flush_cost: MADV_DONTNEED of a dirty page, minus the same call on "
	       "the absent page, per flush);\nper IPI: the extra over the 1-CPU price, per IPI sent:\n");
	fprintf(out, "%5s %-10s %-6s %12s %14s %10s %8s\n", "cpus", "placement", "remote", "ns/flush", "IPIs/flush", "ns/IPI",
	       "samples");
	for (int i = 0; i < a->nprices; i++) {
		const struct flush_price *p = &a->prices[i];

		fprintf(out, "%5d %-10s %-6s %12.0f %14.2f ", p->cpus, p->placement, p->remote, p->ns_per_flush,
		       p->ipis_per_flush);
		if (local && p->cpus > 1 && p->ipis_per_flush > 0)
			fprintf(out, "%10.0f", (p->ns_per_flush - local->ns_per_flush) / p->ipis_per_flush);
		else
			fprintf(out, "%10s", "-");
		fprintf(out, " %8zu\n", p->samples);
	}
}

static void print_fits(FILE *out, const struct analysis *a)
{
	bool bent = false;

	if (!a->nfits) {
		fprintf(out, "\nIn-situ cost of one forced flush: none (the run has no dose-response: --dirty-tables)\n");
		return;
	}
	fprintf(out, "\nIn-situ cost of one forced flush (dose-response: time per GiB against forced flushes per GiB, least "
	       "squares;\n95 %% CI of the slope by a seeded wild bootstrap-t; ends: highest dose against lowest; lof_p: "
	       "lack-of-fit F test),\nbeside the calibrated price:\n");
	fprintf(out, "%-13s %-7s %-8s %6s %4s %-10s %-6s %5s %7s %10s %10s %10s %6s %8s %10s %12s %7s\n", "op", "backing",
	       "populate", "size", "cpus", "placement", "remote", "doses", "samples", "ns/flush", "ci_lo", "ci_hi", "r2",
	       "lof_p", "ends", "flush_cost", "ratio");
	for (int i = 0; i < a->nfits; i++) {
		const struct dose_fit *f = &a->fits[i];

		bent |= !dose_fit_straight(f);
		fprintf(out, "%-13s %-7s %-8s %5" JSON_INTEGER_FORMAT "M %4" JSON_INTEGER_FORMAT " %-10s %-6s %5d %7zu %10.0f "
		       "%10.0f %10.0f %6.3f %8.2g %10.0f ", case_param(f->first, "op"), case_param(f->first, "backing"),
		       case_param(f->first, "populate"),
		       json_integer_value(json_object_get(f->first->params, "size_bytes")) >> 20,
		       json_integer_value(json_object_get(f->first->params, "cpus")),
		       case_param(f->first, "placement"), case_param(f->first, "remote_mode"), f->doses, f->fit.n,
		       f->fit.slope, f->fit.slope_lo, f->fit.slope_hi, f->fit.r2, f->fit.lack_of_fit_p,
		       f->ends_ns_per_flush);
		if (f->calibrated)
			fprintf(out, "%12.0f %7.2f%s\n", f->calibrated->ns_per_flush, f->fit.slope / f->calibrated->ns_per_flush,
			       dose_fit_straight(f) ? "" : " *");
		else
			fprintf(out, "%12s %7s%s\n", "-", "-", dose_fit_straight(f) ? "" : " *");
	}
	fprintf(out, "(ratio: in-situ / calibrated)\n");
	if (bent)
		fprintf(out, "* lof_p < 0.01: the time is no straight line in the flushes (see dose.png). The slope is then an "
		       "average, not the\n  price of one flush: forced flushes also shorten the gather batch (docs/method.md, "
		       "Dose-response).\n");
}

static void print_rows(FILE *out, const struct analysis *a)
{
	bool bent = false;

	if (!a->nrows) {
		fprintf(out, "\nNo dirty shmem munmap or madv_dontneed case with a clean twin and a price at the same CPUs.\n");
		return;
	}
	fprintf(out, "\nForced flushing, dirty against clean shmem (medians per op). ESTIMATES, not measurements:\n"
	       "flush cost = (flushes dirty - flushes clean) x ns/flush, priced in situ where the run has a dose-response\n"
	       "(price in-situ, or in-situ@SIZE from a dose-response of another size), else by flush_cost; kept = (time\n"
	       "dirty - time clean) - flush cost, the dirty-PTE handling the deferred variant keeps; deferred = time dirty\n"
	       "- flush cost.\n");
	fprintf(out, "%-13s %6s %4s %-10s %-6s %-8s %9s %9s %10s %10s %10s %12s %10s %12s %7s %s\n", "op", "size", "cpus",
	       "placement", "remote", "populate", "fl_dirty", "fl_clean", "ms_dirty", "ms_clean", "ms_delta",
	       "est_flush_ms", "kept_ms", "est_defer_ms", "share", "price");
	for (int i = 0; i < a->nrows; i++) {
		const struct analysis_row *r = &a->rows[i];
		char price[40];

		analysis_price_label(r, price, sizeof(price));
		bent |= r->in_situ && !dose_fit_straight(r->in_situ);
		fprintf(out, "%-13s %5" JSON_INTEGER_FORMAT "M %4" JSON_INTEGER_FORMAT " %-10s %-6s %-8s %9.0f %9.0f %10.3f "
		       "%10.3f %10.3f %12.3f %10.3f %12.3f %6.1f%% %s\n",
		       case_param(r->dirty, "op"), json_integer_value(json_object_get(r->dirty->params, "size_bytes")) >> 20,
		       json_integer_value(json_object_get(r->dirty->params, "cpus")), case_param(r->dirty, "placement"),
		       case_param(r->dirty, "remote_mode"), case_param(r->dirty, "populate"), r->flushes_dirty,
		       r->flushes_clean, r->time_dirty / 1e6, r->time_clean / 1e6, (r->time_dirty - r->time_clean) / 1e6,
		       r->flush_cost_ns / 1e6, r->kept_ns / 1e6, r->projected_ns / 1e6, r->share * 100, price);
	}
	if (bent)
		fprintf(out, "* priced by a dose-response that is no line (lof_p < 0.01, above): read that flush cost as an "
		       "average.\n");
}

void analysis_print(FILE *out, const struct analysis *a)
{
	print_prices(out, a);
	print_fits(out, a);
	print_rows(out, a);
}
