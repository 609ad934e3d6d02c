#define _GNU_SOURCE
#include "project.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cpus_of(const struct result_case *c)
{
	return (int)case_param_int(c, "cpus");
}

/* flush_cost: the 1-CPU price, and the fewest CPUs above 1 with spinning remote threads. */
static bool price_from_flush_cost(const struct analysis *a, struct ipi_price *p)
{
	const struct flush_price *local = NULL, *remote = NULL;

	for (int i = 0; i < a->nprices; i++) {
		const struct flush_price *f = &a->prices[i];

		if (f->cpus == 1 && !local)
			local = f;
		else if (f->cpus > 1 && strcmp(f->remote, "spin") == 0 && f->ipis_per_flush > 0 &&
			 (!remote || f->cpus < remote->cpus))
			remote = f;
	}
	if (!local || !remote)
		return false;
	*p = (struct ipi_price){ .source = "flush_cost", .cpus = remote->cpus, .local_ns = local->ns_per_flush,
				 .at_cpus_ns = remote->ns_per_flush, .ipis_per_flush = remote->ipis_per_flush };
	return true;
}

/* IPIs per flush over a dose-response: its cases' median IPIs over their median flushes. */
static double fit_ipis_per_flush(const struct result_set *rs, const struct dose_fit *f)
{
	double ipis = 0, flushes = 0;

	for (int i = 0; i < rs->ncases; i++)
		if (dose_fit_holds(f, &rs->cases[i])) {
			ipis += results_median(rs, &rs->cases[i], "ipis_per_gib");
			flushes += results_median(rs, &rs->cases[i], "flushes_per_gib");
		}
	return flushes > 0 ? ipis / flushes : NAN;
}

static bool same_dose_but_cpus(const struct dose_fit *x, const struct dose_fit *y)
{
	static const char *const fields[] = { "op", "backing", "populate", "size_bytes", "placement" };

	return cases_agree(x->first, y->first, fields, sizeof(fields) / sizeof(fields[0]));
}

/* In situ: the slopes of a dose-response at 1 CPU and at the fewest CPUs above 1 (spin). */
static bool price_from_fits(const struct analysis *a, const struct result_set *rs, struct ipi_price *p)
{
	for (int i = 0; i < a->nfits; i++) {
		const struct dose_fit *local = &a->fits[i], *remote = NULL;

		if (cpus_of(local->first) != 1)
			continue;
		for (int j = 0; j < a->nfits; j++) {
			const struct dose_fit *f = &a->fits[j];

			if (cpus_of(f->first) > 1 && strcmp(case_param(f->first, "remote_mode"), "spin") == 0 &&
			    same_dose_but_cpus(local, f) && fit_ipis_per_flush(rs, f) > 0 &&
			    (!remote || cpus_of(f->first) < cpus_of(remote->first)))
				remote = f;
		}
		if (remote) {
			*p = (struct ipi_price){ .source = "in-situ", .cpus = cpus_of(remote->first),
						 .local_ns = local->fit.slope, .at_cpus_ns = remote->fit.slope,
						 .ipis_per_flush = fit_ipis_per_flush(rs, remote) };
			return true;
		}
	}
	return false;
}

static void add_row(struct projection *p, const struct result_set *counts, const struct result_case *dirty,
		    const struct result_case *clean)
{
	struct projection_row *r = &p->rows[p->nrows++];
	const struct ipi_price *price = &p->price;

	r->dirty = dirty;
	r->cpus = cpus_of(dirty);
	r->forced_flushes = results_median(counts, dirty, "flushes_per_gib") -
			    results_median(counts, clean, "flushes_per_gib");
	r->forced_ipis = results_median(counts, dirty, "ipis_per_gib") - results_median(counts, clean, "ipis_per_gib");
	/* Parallel: a forced flush that reaches its k - 1 remote CPUs waits for one round trip;
	 * serial: each IPI costs its share of the round trip measured at price->cpus. */
	r->parallel_ns = r->forced_flushes * price->local_ns +
			 (r->cpus > 1 ? r->forced_ipis / (r->cpus - 1) : 0) * price->round_trip_ns;
	r->serial_ns = r->forced_flushes * price->local_ns + r->forced_ipis * price->remote_ns;
}

int projection_compute(const struct analysis *a, const struct result_set *rs, const struct result_set *counts,
		       struct projection *p, char *why, size_t len)
{
	memset(p, 0, sizeof(*p));
	if (!price_from_flush_cost(a, &p->price) && !price_from_fits(a, rs, &p->price)) {
		snprintf(why, len, "%s has no price of a forced flush at 1 CPU and at 2 or more with spinning remote threads: "
			 "run flush_cost (--op flush_cost --size 8K --cpus 1,2) or a dose-response (--dirty-tables 0,50%%,100%% "
			 "--cpus 1,2) there", rs->dir);
		return -1;
	}
	p->price.round_trip_ns = p->price.at_cpus_ns - p->price.local_ns;
	p->price.remote_ns = p->price.round_trip_ns / p->price.ipis_per_flush;
	if (!(p->price.round_trip_ns > 0)) {
		snprintf(why, len, "%s: a forced flush costs %.0f ns at %d CPUs against %.0f ns at 1 (%s): reaching the remote "
			 "CPUs adds nothing to price; measure again on a quieter machine", rs->dir, p->price.at_cpus_ns,
			 p->price.cpus, p->price.local_ns, p->price.source);
		return -1;
	}
	p->rows = calloc((size_t)counts->ncases + 1, sizeof(*p->rows));
	if (!p->rows) {
		snprintf(why, len, "out of memory");
		return -1;
	}
	for (int i = 0; i < counts->ncases; i++) {
		const struct result_case *c = &counts->cases[i], *clean;

		if (analysis_teardown_dirty_shmem(counts, c) && (clean = analysis_clean_twin(counts, c)))
			add_row(p, counts, c, clean);
	}
	if (!p->nrows) {
		snprintf(why, len, "%s has no dirty shmem munmap or madv_dontneed case with a clean shmem twin (same op, size, "
			 "CPUs, placement, remote mode) to take the forced flushes from", counts->dir);
		return -1;
	}
	return 0;
}

static const char *counts_kernel(const struct result_set *counts)
{
	const char *k = json_string_value(json_object_get(json_object_get(json_object_get(counts->meta, "info"), "kernel"),
							  "release"));

	return k ? k : "unknown";
}

void projection_print(const struct projection *p, const struct result_set *counts)
{
	const struct ipi_price *price = &p->price;

	printf("\nPROJECTION across CPUs, not a measurement: the forced-flush cost per GiB at each CPU count of\n%s "
	       "(kernel %s), from its counts (dirty shmem less clean shmem, medians per GiB) priced by this run:\n",
	       counts->dir, counts_kernel(counts));
	printf("  local: %.0f ns per forced flush at 1 CPU (%s); remote: %.0f ns per IPI (%s at %d CPUs, spin: %.0f ns per "
	       "flush with %.2f IPIs: a round trip of %.0f ns)\n", price->local_ns, price->source, price->remote_ns,
	       price->source, price->cpus, price->at_cpus_ns, price->ipis_per_flush, price->round_trip_ns);
	printf("Model used: parallel. x86 sends a flush's IPIs to every remote CPU at once and waits for them all\n"
	       "(flush_tlb_multi, smp_call_function_many_cond); they answer together, so a flush that reaches any remote\n"
	       "CPU costs local + one round trip, at every CPU count. Serial is the upper bound: one round trip per IPI,\n"
	       "as if each remote CPU were waited for in turn. The truth lies between: the sending (an APIC write per\n"
	       "target, a VM exit each in a guest without posted interrupts) and the wait for the slowest grow with\n"
	       "the CPUs, which a price from %d CPUs cannot show. The counts' own times are not used.\n", price->cpus);
	printf("%-13s %6s %4s %-10s %-6s %14s %15s %16s %14s\n", "op", "size", "cpus", "placement", "remote",
	       "forced_fl/GiB", "forced_IPIs/GiB", "parallel_ms/GiB", "serial_ms/GiB");
	for (int i = 0; i < p->nrows; i++) {
		const struct projection_row *r = &p->rows[i];

		printf("%-13s %5" JSON_INTEGER_FORMAT "M %4d %-10s %-6s ", case_param(r->dirty, "op"),
		       case_param_int(r->dirty, "size_bytes") >> 20, r->cpus, case_param(r->dirty, "placement"),
		       case_param(r->dirty, "remote_mode"));
		/* A count the run could not read is not supported, and so is what is made of it. */
		if (isnan(r->forced_flushes) || isnan(r->forced_ipis))
			printf("<not supported> (COUNTS could not read its flushes or IPIs)\n");
		else
			printf("%14.1f %15.1f %16.3f %14.3f\n", r->forced_flushes, r->forced_ipis, r->parallel_ns / 1e6,
			       r->serial_ns / 1e6);
	}
}

void projection_free(struct projection *p)
{
	free(p->rows);
	memset(p, 0, sizeof(*p));
}
