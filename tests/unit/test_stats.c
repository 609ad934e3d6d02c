/* Unit tests for lib/analyze/stats.c: medians, summaries, outliers, the bootstrap, the CI target
 * (the two-sample comparison: test_stats_compare.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "stats.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Tolerance for values known to double precision; results come from a few rounded operations. */
#define EPS 1e-12

static void test_median_odd(void **state)
{
	double v[] = { 5, 1, 3 };

	(void)state;
	assert_float_equal(stats_median(v, N(v)), 3.0, 0.0);
}

static void test_median_even(void **state)
{
	double v[] = { 4, 1, 3, 2 };

	(void)state;
	assert_float_equal(stats_median(v, N(v)), 2.5, 0.0);
}

static void test_median_single(void **state)
{
	double v[] = { 42.25 };

	(void)state;
	assert_float_equal(stats_median(v, 1), 42.25, 0.0);
}

static void test_median_duplicates(void **state)
{
	double a[] = { 7, 2, 7, 7, 1 };
	double b[] = { 3, 3, 3, 3 };
	double c[] = { 9, 1, 1, 9 };

	(void)state;
	assert_float_equal(stats_median(a, N(a)), 7.0, 0.0);
	assert_float_equal(stats_median(b, N(b)), 3.0, 0.0);
	assert_float_equal(stats_median(c, N(c)), 5.0, 0.0);
}

/* Unsorted and reverse-sorted input, negative values; the array ends up sorted. */
static void test_median_unsorted(void **state)
{
	double a[] = { 10, 9, 8, 7, 6, 5, 4 };
	double b[] = { 0.5, -3, 100, 2, -1, 7 };
	double sorted_b[] = { -3, -1, 0.5, 2, 7, 100 };

	(void)state;
	assert_float_equal(stats_median(a, N(a)), 7.0, 0.0);
	assert_float_equal(stats_median(b, N(b)), 1.25, 0.0);
	for (size_t i = 0; i < N(b); i++)
		assert_float_equal(b[i], sorted_b[i], 0.0);
}

/*
 * Known values below were recomputed independently in Python 3 with only the
 * standard library (statistics, math, fractions, itertools): exact rationals
 * where possible, enumeration of every rank split for exact Mann-Whitney
 * p-values, erfc for normal tails, and both a continued-fraction incomplete
 * beta and Simpson integration of the t density for Welch's p.
 */

/* Classic example: mean 5, population sd 2, so sample sd = sqrt(32/7). */
static void test_summary_known(void **state)
{
	double v[] = { 4, 9, 2, 5, 4, 7, 4, 5 };
	double copy[N(v)];
	struct summary s;

	(void)state;
	memcpy(copy, v, sizeof(v));
	stats_summarise(v, N(v), 1, &s);
	assert_memory_equal(v, copy, sizeof(v));
	assert_int_equal(s.n, 8);
	assert_float_equal(s.mean, 5.0, EPS);
	/* sum (x - 5)^2 = 9+1+1+1+0+0+4+16 = 32; / (n - 1) = 32/7. */
	assert_float_equal(s.sd, sqrt(32.0 / 7), EPS);
	assert_float_equal(s.sd, 2.138089935299395, EPS);
	assert_float_equal(s.cv, 2.138089935299395 / 5, EPS);
	/* Sorted 2 4 4 4 5 5 7 9: (4 + 5) / 2. */
	assert_float_equal(s.median, 4.5, 0.0);
	assert_float_equal(s.min, 2.0, 0.0);
	assert_float_equal(s.max, 9.0, 0.0);
	/* GSL: d = (n-1) f, i = floor(d), q = (1 - (d-i)) x[i] + (d-i) x[i+1]. */
	/* p5: d = 7 * 0.05 = 0.35, q = 0.65 * 2 + 0.35 * 4 = 2.7. */
	assert_float_equal(s.p5, 2.7, EPS);
	/* p95: d = 7 * 0.95 = 6.65, q = 0.35 * 7 + 0.65 * 9 = 8.3. */
	assert_float_equal(s.p95, 8.3, EPS);
	/* |x - 4.5| = 2.5 .5 .5 .5 .5 .5 2.5 4.5: MAD .5, fence 3 * 1.4826 * .5 = 2.22: 2, 7, 9 lie beyond. */
	assert_int_equal(s.outliers, 3);
	assert_true(s.ci_lo <= s.median && s.median <= s.ci_hi);
}

static void test_summary_single(void **state)
{
	double v[] = { 42 };
	struct summary s;

	(void)state;
	stats_summarise(v, 1, 1, &s);
	assert_int_equal(s.n, 1);
	assert_float_equal(s.median, 42.0, 0.0);
	assert_float_equal(s.mean, 42.0, 0.0);
	assert_float_equal(s.p5, 42.0, 0.0);
	assert_float_equal(s.p95, 42.0, 0.0);
	assert_true(isnan(s.sd) && isnan(s.cv));
	/* No CI from one value, so adaptive sampling never stops on it. */
	assert_true(isnan(s.ci_lo) && isnan(s.ci_hi));
	assert_false(stats_ci_within(&s, 0.5));
	assert_int_equal(s.outliers, 0);
}

/* cv divides by the mean: undefined for a zero mean. sd of {-1, 1} = sqrt(2). */
static void test_summary_zero_mean(void **state)
{
	double v[] = { -1, 1 };
	struct summary s;

	(void)state;
	stats_summarise(v, N(v), 1, &s);
	assert_float_equal(s.sd, sqrt(2.0), EPS);
	assert_true(isnan(s.cv));
}

/* Median 10, MAD 0.1 (|x - 10| = .1 .1 .2 .2 0 0 40), fence 3 * 1.4826 * 0.1 = 0.4448. */
static void test_outliers(void **state)
{
	double v[] = { 10, 10.1, 9.9, 10.2, 9.8, 10, 50 };
	struct summary s;

	(void)state;
	stats_summarise(v, N(v), 1, &s);
	assert_int_equal(s.outliers, 1);
	assert_true(stats_is_outlier(v, N(v), 50));
	assert_false(stats_is_outlier(v, N(v), 10.2));
	/* Either side of the scaled fence: 0.44 inside, 0.45 beyond. */
	assert_false(stats_is_outlier(v, N(v), 10.44));
	assert_true(stats_is_outlier(v, N(v), 10.45));
	assert_true(stats_is_outlier(v, N(v), 9.55));
}

/* Median 5 and MAD 0 (four of five deviations are 0): nothing is an outlier. */
static void test_outliers_mad_zero(void **state)
{
	double v[] = { 5, 5, 9, 5, 5 };
	struct summary s;

	(void)state;
	stats_summarise(v, N(v), 1, &s);
	assert_int_equal(s.outliers, 0);
	assert_false(stats_is_outlier(v, N(v), 9));
	assert_false(stats_is_outlier(v, N(v), 1e9));
}

static void test_bootstrap_repeatable(void **state)
{
	double v[] = { 101, 97, 103, 99, 100, 98, 105, 102, 96, 100, 104, 99 };
	struct summary s1, s2;

	(void)state;
	stats_summarise(v, N(v), 7, &s1);
	stats_summarise(v, N(v), 7, &s2);
	assert_memory_equal(&s1.ci_lo, &s2.ci_lo, sizeof(s1.ci_lo));
	assert_memory_equal(&s1.ci_hi, &s2.ci_hi, sizeof(s1.ci_hi));
	assert_true(s1.ci_lo <= s1.median && s1.median <= s1.ci_hi);
	assert_true(s1.ci_lo < s1.ci_hi);
	/* Resampled medians are medians of data values: the CI stays within the range. */
	assert_true(s1.ci_lo >= s1.min && s1.ci_hi <= s1.max);
}

#define COVERAGE_TRIALS 200
#define COVERAGE_N 30

/*
 * 200 seeded normal(100, 10) samples of 30: the 95 % percentile bootstrap CI
 * of the median should hold the true median 100 about 95 % of the time. The
 * percentile bootstrap of a median is slightly off nominal at n = 30 and 200
 * trials have a binomial sd of 1.5 %, so accept 0.88 (about 4.5 sd below
 * 0.95: a badly narrow CI) to 0.99 (a CI too wide to be a 95 % one).
 */
static void test_bootstrap_coverage(void **state)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	double v[COVERAGE_N];
	struct summary s;
	int hits = 0;
	double coverage;

	(void)state;
	assert_non_null(r);
	gsl_rng_set(r, 2024);
	for (int t = 0; t < COVERAGE_TRIALS; t++) {
		for (int i = 0; i < COVERAGE_N; i++)
			v[i] = 100 + gsl_ran_gaussian(r, 10);
		stats_summarise(v, COVERAGE_N, (uint64_t)t + 1, &s);
		hits += s.ci_lo <= 100 && 100 <= s.ci_hi;
	}
	gsl_rng_free(r);
	coverage = (double)hits / COVERAGE_TRIALS;
	print_message("bootstrap median CI coverage: %.3f\n", coverage);
	assert_true(coverage >= 0.88 && coverage <= 0.99);
}

/* Median 100, CI [98, 102]: half-width 2 = 2 % of the median. */
static void test_ci_within(void **state)
{
	struct summary s = { .n = 10, .median = 100, .ci_lo = 98, .ci_hi = 102 };

	(void)state;
	assert_true(stats_ci_within(&s, 0.021));
	assert_false(stats_ci_within(&s, 0.019));
	/* Asymmetric [99, 103] has the same half-width. */
	s.ci_lo = 99;
	s.ci_hi = 103;
	assert_true(stats_ci_within(&s, 0.021));
	assert_false(stats_ci_within(&s, 0.019));
	/* A negative median (e.g. a baseline-subtracted metric) uses its size. */
	s.median = -100;
	assert_true(stats_ci_within(&s, 0.021));
	s.ci_lo = NAN;
	assert_false(stats_ci_within(&s, 1.0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_median_odd),
		cmocka_unit_test(test_median_even),
		cmocka_unit_test(test_median_single),
		cmocka_unit_test(test_median_duplicates),
		cmocka_unit_test(test_median_unsorted),
		cmocka_unit_test(test_summary_known),
		cmocka_unit_test(test_summary_single),
		cmocka_unit_test(test_summary_zero_mean),
		cmocka_unit_test(test_outliers),
		cmocka_unit_test(test_outliers_mad_zero),
		cmocka_unit_test(test_bootstrap_repeatable),
		cmocka_unit_test(test_bootstrap_coverage),
		cmocka_unit_test(test_ci_within),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
