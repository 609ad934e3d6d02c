/* Unit tests for lib/analyze/stats.c: the two-sample comparison (Mann-Whitney, Welch,
 * Hodges-Lehmann and its CI) against values computed by hand or by R. */
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

/* Known values were recomputed independently in Python 3 (exact rationals, every rank
 * split enumerated for exact Mann-Whitney p-values, two integrations for Welch's p). */
static void assert_sig3(double got, double want)
{
	/* Agreement to 3 significant digits. */
	assert_true(fabs(got - want) <= 5e-4 * fabs(want));
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

int main(void)
{
	const struct CMUnitTest tests[] = {
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
