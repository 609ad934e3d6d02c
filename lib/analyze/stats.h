/* Summary statistics over a case's samples and before/after comparisons (GSL). */
#ifndef TLBBENCH_STATS_H
#define TLBBENCH_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bootstrap.h" /* STATS_BOOTSTRAP */

/* Median of n values (n > 0); sorts values in place. */
double stats_median(double *values, size_t n);

/* Descriptive statistics of one metric over a case's samples. */
struct summary {
	size_t n;
	double median, mean;
	double sd;		/* sample (n - 1); NAN when n < 2 */
	double cv;		/* sd / mean; NAN when mean == 0 or n < 2 */
	double min, max, p5, p95;	/* gsl_stats_quantile_from_sorted_data */
	double ci_lo, ci_hi;	/* seeded bootstrap 95 % CI of the median (percentile); NAN when n < 2 */
	size_t outliers;	/* beyond 3 scaled MADs (gsl_stats_mad) from the median; 0 when MAD == 0 */
};


/*
 * Fill s from n values (not modified). seed makes the bootstrap repeatable.
 * n == 0, or running out of memory, leaves the affected fields NAN.
 */
void stats_summarise(const double *values, size_t n, uint64_t seed, struct summary *s);

/* Is value more than 3 scaled MADs from the median of values? Never when MAD == 0. */
bool stats_is_outlier(const double *values, size_t n, double value);

/* Two-sample tests: a = base, b = new. */
struct comparison {
	double median_a, median_b;
	double change;		/* (median_b - median_a) / median_a; NAN if median_a == 0 */
	double change_lo, change_hi;	/* 95 % percentile bootstrap CI of change (a, b resampled
					   independently); NAN if a resampled median_a is 0 */
	double hl_shift;	/* Hodges-Lehmann shift of b - a: median of all b_j - a_i */
	double mw_u;		/* Mann-Whitney U for a: pairs a_i > b_j, ties count 0.5 */
	double mw_p;		/* two-sided; exact when both n <= 10 and no ties, else normal
				   approximation with tie and continuity corrections */
	double welch_t;		/* (mean_a - mean_b) / se: negative when b is larger */
	double welch_df, welch_p;	/* Welch-Satterthwaite df; two-sided p */
};

/* Mann-Whitney p is exact up to this many values on each side. */
#define STATS_MW_EXACT_MAX 10

/*
 * Compare base a with new b; seed makes the bootstrap repeatable.
 * -1, leaving c untouched, if either side has fewer than 2 values or memory runs out.
 */
int stats_compare(const double *a, size_t na, const double *b, size_t nb, uint64_t seed,
		  struct comparison *c);

/* Adaptive sampling: is the median's CI half-width within target (a fraction of the median)? */
bool stats_ci_within(const struct summary *s, double target);

#endif
