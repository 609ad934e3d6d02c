/* Unit tests for lib/stats.c. */
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

static void assert_sig3(double got, double want)
{
	/* Agreement to 3 significant digits. */
	assert_true(fabs(got - want) <= 5e-4 * fabs(want));
}

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

/*
 * R's ?wilcox.test permeability data (x: at term, y: 12-26 weeks); no ties, both
 * n <= 10, so exact. R's example gives W = 35, one-sided p = 0.1272. Enumerating all
 * C(15, 10) = 3003 rank splits: P(U <= 15) = 382/3003, two-sided p = 764/3003.
 */
static void test_mw_exact(void **state)
{
	double x[] = { 0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46 };
	double y[] = { 1.15, 0.88, 0.90, 0.74, 1.21 };
	struct comparison c;

	(void)state;
	assert_int_equal(stats_compare(x, N(x), y, N(y), 1, &c), 0);
	assert_float_equal(c.mw_u, 35.0, 0.0);
	assert_float_equal(c.mw_p, 764.0 / 3003, EPS);
	/* Swapped: U = 10 * 5 - 35, same two-sided p (the normal approximation would give 0.2446). */
	assert_int_equal(stats_compare(y, N(y), x, N(x), 1, &c), 0);
	assert_float_equal(c.mw_u, 15.0, 0.0);
	assert_float_equal(c.mw_p, 764.0 / 3003, EPS);
}

/*
 * Hollander & Wolfe depression data (R's ?wilcox.test): y repeats 1.06 and 1.29,
 * so normal approximation. U = 58, T = 2 * (2^3 - 2) = 12,
 * var = 81/12 * (19 - 12/306), z = (17.5 - 0.5) / sqrt(var) = 1.5027, p = 0.13291945818531886
 * (the 0.1329 quoted for R's wilcox.test(x, y), which is this approximation too: R
 * cannot compute an exact p with ties).
 */
static void test_mw_ties(void **state)
{
	double x[] = { 1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30 };
	double y[] = { 0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29 };
	struct comparison c;

	(void)state;
	assert_int_equal(stats_compare(x, N(x), y, N(y), 1, &c), 0);
	assert_float_equal(c.mw_u, 58.0, 0.0);
	assert_float_equal(c.mw_p, 0.13291945818531886, 1e-9);
}

/*
 * Ties across the samples (2 three times, 3 three times): U = 9 (pair count, and
 * rank sum 30 - 21 by midranks), T = 24 + 24 = 48, N = 13,
 * var = 42/12 * (14 - 48/156), z = (|9 - 21| - 0.5) / sqrt(var), p = 0.09667054340670096.
 */
static void test_mw_cross_ties(void **state)
{
	double a[] = { 1, 2, 2, 3, 4, 5 };
	double b[] = { 2, 3, 3, 6, 7, 8, 9 };
	struct comparison c;

	(void)state;
	assert_int_equal(stats_compare(a, N(a), b, N(b), 1, &c), 0);
	assert_float_equal(c.mw_u, 9.0, 0.0);
	assert_float_equal(c.mw_p, 0.09667054340670096, 1e-9);
}

/* Identical samples: U is its mean na * nb / 2, nothing changed. */
static void test_compare_identical(void **state)
{
	double a[] = { 3.5, 1.25, 4, 2 };
	struct comparison c;

	(void)state;
	assert_int_equal(stats_compare(a, N(a), a, N(a), 1, &c), 0);
	assert_float_equal(c.mw_u, 8.0, 0.0);
	assert_float_equal(c.mw_p, 1.0, 0.0);
	assert_float_equal(c.change, 0.0, 0.0);
	assert_float_equal(c.hl_shift, 0.0, 0.0);
	assert_float_equal(c.welch_t, 0.0, 0.0);
	assert_float_equal(c.welch_p, 1.0, EPS);
	assert_true(c.change_lo <= 0 && 0 <= c.change_hi);
}

/* All values equal: the tie-corrected variance is exactly 0 (T = N^3 - N), so p = 1. */
static void test_compare_all_equal(void **state)
{
	double a[] = { 3, 3, 3 };
	double b[] = { 3, 3 };
	struct comparison c;

	(void)state;
	assert_int_equal(stats_compare(a, N(a), b, N(b), 1, &c), 0);
	assert_float_equal(c.mw_u, 3.0, 0.0);
	assert_float_equal(c.mw_p, 1.0, 0.0);
	assert_float_equal(c.welch_t, 0.0, 0.0);
	assert_float_equal(c.welch_p, 1.0, 0.0);
	assert_float_equal(c.change_lo, 0.0, 0.0);
	assert_float_equal(c.change_hi, 0.0, 0.0);
}

/*
 * Wikipedia "Welch's t-test", example 1 (t = -2.46, p = 0.021). Recomputed:
 * t = -2.455356398286006, df = 24.98852929023142 (25.0 to 3 digits),
 * p = 0.02137800146286684 (incomplete beta and Simpson integration agree to 1e-14).
 */
/* Values near DBL_MAX (the fuzzer's find): no p, and no abort in GSL. */
static void test_welch_overflow(void **state)
{
	double a[] = { 1e308, -1e308, 1e308, 3 }, b[] = { 1e308, 1e308, -1e308, 1e307 };
	struct comparison c;

	(void)state;
	assert_int_equal(stats_compare(a, N(a), b, N(b), 1, &c), 0);
	assert_true(isnan(c.welch_p) || (c.welch_p >= 0 && c.welch_p <= 1));
}

/* A huge df (nearly equal variances, many values) takes the normal tail. */
static void test_welch_large_df(void **state)
{
	enum { n = 4000 };
	static double a[n], b[n];
	struct comparison c;

	(void)state;
	for (int i = 0; i < n; i++) {
		a[i] = 1e9 + (i % 7);
		b[i] = 1e9 + (i % 7) + 0.01;
	}
	assert_int_equal(stats_compare(a, n, b, n, 1, &c), 0);
	assert_true(c.welch_p >= 0 && c.welch_p <= 1);
}

static void test_welch(void **state)
{
	double a[] = { 27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4 };
	double b[] = { 27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4 };
	struct comparison c;

	(void)state;
	assert_int_equal(stats_compare(a, N(a), b, N(b), 1, &c), 0);
	assert_sig3(c.welch_t, -2.455356398286006);
	assert_sig3(c.welch_df, 24.98852929023142);
	assert_sig3(c.welch_p, 0.02137800146286684);
}

/*
 * b - a over all pairs: {2,4,7} - {1,2,3} = 1 0 -1 3 2 1 6 5 4, median 2;
 * {3,10} - {0,1} = 3 2 10 9, median (3 + 9) / 2 = 6.
 */
static void test_hodges_lehmann(void **state)
{
	double a1[] = { 1, 2, 3 }, b1[] = { 2, 4, 7 };
	double a2[] = { 0, 1 }, b2[] = { 3, 10 };
	struct comparison c;

	(void)state;
	assert_int_equal(stats_compare(a1, N(a1), b1, N(b1), 1, &c), 0);
	assert_float_equal(c.hl_shift, 2.0, 0.0);
	assert_int_equal(stats_compare(a2, N(a2), b2, N(b2), 1, &c), 0);
	assert_float_equal(c.hl_shift, 6.0, 0.0);
}

/* b = a * 1.10: every resampled median scales by 1.10 too, so change is 0.10 with a CI around it. */
static void test_change_ci(void **state)
{
	double a[] = { 100, 102, 98, 101, 99, 103, 97, 100.5, 99.5, 104, 96, 101.5, 98.5, 100, 102.5, 97.5 };
	double b[N(a)];
	struct comparison c1, c2;

	(void)state;
	for (size_t i = 0; i < N(a); i++)
		b[i] = a[i] * 1.10;
	assert_int_equal(stats_compare(a, N(a), b, N(b), 99, &c1), 0);
	assert_float_equal(c1.median_a, 100.0, 0.0);
	assert_float_equal(c1.change, 0.10, EPS);
	assert_true(c1.change_lo < 0.10 && 0.10 < c1.change_hi);
	assert_int_equal(stats_compare(a, N(a), b, N(b), 99, &c2), 0);
	assert_memory_equal(&c1.change_lo, &c2.change_lo, sizeof(c1.change_lo));
	assert_memory_equal(&c1.change_hi, &c2.change_hi, sizeof(c1.change_hi));
}

/* Callers preset defaults (compare.c presets mw_p = 1): a refusal must keep them. */
static void test_compare_too_small(void **state)
{
	double a[] = { 1, 2, 3 }, b[] = { 4 };
	struct comparison c = { .mw_p = 1, .change = 0.5 };

	(void)state;
	assert_int_equal(stats_compare(a, N(a), b, 1, 1, &c), -1);
	assert_int_equal(stats_compare(b, 1, a, N(a), 1, &c), -1);
	assert_int_equal(stats_compare(a, 0, a, N(a), 1, &c), -1);
	assert_float_equal(c.mw_p, 1.0, 0.0);
	assert_float_equal(c.change, 0.5, 0.0);
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
		cmocka_unit_test(test_mw_exact),
		cmocka_unit_test(test_mw_ties),
		cmocka_unit_test(test_mw_cross_ties),
		cmocka_unit_test(test_compare_identical),
		cmocka_unit_test(test_compare_all_equal),
		cmocka_unit_test(test_welch),
		cmocka_unit_test(test_hodges_lehmann),
		cmocka_unit_test(test_change_ci),
		cmocka_unit_test(test_compare_too_small),
		cmocka_unit_test(test_welch_overflow),
		cmocka_unit_test(test_welch_large_df),
		cmocka_unit_test(test_ci_within),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
