/* Unit tests for lib/stats.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "stats.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_median_odd),
		cmocka_unit_test(test_median_even),
		cmocka_unit_test(test_median_single),
		cmocka_unit_test(test_median_duplicates),
		cmocka_unit_test(test_median_unsorted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
