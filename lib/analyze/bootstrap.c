#include "bootstrap.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

/* Two-sided 95 % interval: the 2.5 % and 97.5 % bootstrap quantiles. */
#define CI_TAIL 0.025

/* malloc'd array of n doubles; NULL for n == 0 too, so callers have one failure path. */
double *alloc_doubles(size_t n)
{
	if (n == 0 || n > SIZE_MAX / sizeof(double))
		return NULL;
	return malloc(n * sizeof(double));
}


void boot_free(struct boot *bt)
{
	if (bt->rng)
		gsl_rng_free(bt->rng);
	free(bt->est);
	free(bt->buf);
}

/* buf holds the larger sample; -1 when out of memory. */
int boot_init(struct boot *bt, uint64_t seed, size_t n)
{
	bt->rng = gsl_rng_alloc(gsl_rng_mt19937);
	bt->est = alloc_doubles(STATS_BOOTSTRAP);
	bt->buf = alloc_doubles(n);
	if (!bt->rng || !bt->est || !bt->buf) {
		boot_free(bt);
		return -1;
	}
	gsl_rng_set(bt->rng, (unsigned long)seed);
	return 0;
}

/* Percentile interval of the estimates; NAN if any is not finite (an unbounded ratio). */
void boot_ci(struct boot *bt, double *lo, double *hi)
{
	for (size_t i = 0; i < STATS_BOOTSTRAP; i++) {
		if (!isfinite(bt->est[i])) {
			*lo = *hi = NAN;
			return;
		}
	}
	gsl_sort(bt->est, 1, STATS_BOOTSTRAP);
	*lo = gsl_stats_quantile_from_sorted_data(bt->est, 1, STATS_BOOTSTRAP, CI_TAIL);
	*hi = gsl_stats_quantile_from_sorted_data(bt->est, 1, STATS_BOOTSTRAP, 1 - CI_TAIL);
}

