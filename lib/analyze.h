/* `tlbbench analyze DIR`: what the forced flushing costs, estimated from a
 * run's own numbers: dirty against clean shmem (the same page cache, so the
 * difference is the flushing), priced by the flush_cost calibration. */
#ifndef TLBBENCH_ANALYZE_H
#define TLBBENCH_ANALYZE_H

#include <stddef.h>

#include "results.h"

struct flush_price {
	int cpus;
	char placement[64], remote[16];
	double ns_per_flush;  /* median over samples of (present - absent) / flushes */
	double ipis_per_flush;
	size_t samples;
};

struct analysis_row {
	const struct result_case *dirty, *clean;
	const struct flush_price *price;
	double flushes_dirty, flushes_clean, time_dirty, time_clean; /* medians, per op */
	double flush_cost_ns;  /* (flushes_dirty - flushes_clean) * price */
	double projected_ns;   /* time_dirty - flush_cost_ns: the deferred variant, estimated */
	double share;          /* flush_cost_ns / time_dirty */
};

struct analysis {
	int nprices, nrows;
	struct flush_price *prices;
	struct analysis_row *rows;
};

/* -1 with why when the run has no calibration or no dirty/clean shmem pair. */
int analysis_compute(const struct result_set *rs, struct analysis *a, char *why, size_t len);
void analysis_free(struct analysis *a);
int cmd_analyze(int argc, char **argv);

#endif
