/* The seeded bootstrap the statistics share: a generator, one estimate per
 * resample, a resample buffer, and the percentile interval of the estimates. */
#ifndef TLBBENCH_BOOTSTRAP_H
#define TLBBENCH_BOOTSTRAP_H

#include <stddef.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

/* Bootstrap resamples per confidence interval. */
#define STATS_BOOTSTRAP 2000

/* malloc'd array of n doubles; NULL for n == 0 too, so callers have one failure path. */
double *alloc_doubles(size_t n);

/* Bootstrap state: a seeded generator, one estimate per resample, one resample buffer. */
struct boot {
	gsl_rng *rng;
	double *est;
	double *buf;
};

/* buf holds n values; -1 when out of memory. */
int boot_init(struct boot *bt, uint64_t seed, size_t n);
void boot_free(struct boot *bt);
/* Percentile 95 % interval of the STATS_BOOTSTRAP estimates; NAN if any is not finite. */
void boot_ci(struct boot *bt, double *lo, double *hi);

#endif
