/* Unit tests for lib/common/config.c: sizes, CPU counts and lists from the command line. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "config.h"

static void check_size(const char *text, size_t want)
{
	char why[256] = "";
	size_t got = 0;

	assert_int_equal(parse_size(text, &got, why, sizeof(why)), 0);
	assert_int_equal(got, want);
}

/* Refused, and the message quotes the input so the user sees which item failed. */
static void check_bad_size(const char *text, const char *why_contains)
{
	char why[256] = "", quoted[128];
	size_t got = 12345;

	assert_int_equal(parse_size(text, &got, why, sizeof(why)), -1);
	assert_int_equal(got, 12345);
	snprintf(quoted, sizeof(quoted), "'%s'", text);
	assert_non_null(strstr(why, quoted));
	if (why_contains)
		assert_non_null(strstr(why, why_contains));
}

static void test_parse_size(void **state)
{
	(void)state;
	check_size("4096", 4096);
	check_size("64K", 64 << 10);
	check_size("64k", 64 << 10);
	check_size("256M", 256ul << 20);
	check_size("1G", 1ul << 30);
	check_size("1g", 1ul << 30);
	check_size("1.5G", 3ul << 29);
	check_size("2GiB", 2ul << 30);
	check_size("2GB", 2ul << 30);
	check_size("1T", 1ul << 40);
}

static void test_parse_size_errors(void **state)
{
	(void)state;
	check_bad_size("0", "zero");
	check_bad_size("", NULL);
	check_bad_size("abc", NULL);
	check_bad_size("12Q", "suffix");
	check_bad_size("-1G", NULL);
	check_bad_size("1.5K", "4 KiB pages");
	check_bad_size("4095", "4 KiB pages");
	check_bad_size("100000000T", "too large");
	check_bad_size("inf", NULL);
	check_bad_size("nan", NULL);
	check_bad_size(" 4096", NULL);
	check_bad_size("1G ", NULL);
	/* Decimal with a unit letter only: no hex, exponents or a stray "iB". */
	check_bad_size("0x1000", NULL);
	check_bad_size("4e3K", NULL);
	check_bad_size("1Gi", "suffix");
	check_bad_size("4096iB", "suffix");
}

static void check_counts(const char *text, int max, const int *want, int nwant)
{
	int counts[LIST_MAX], n = -1;
	char why[256] = "";

	assert_int_equal(parse_cpu_counts(text, max, counts, &n, why, sizeof(why)), 0);
	assert_int_equal(n, nwant);
	for (int i = 0; i < nwant; i++)
		assert_int_equal(counts[i], want[i]);
}

static void check_bad_counts(const char *text, int max, const char *why_contains)
{
	int counts[LIST_MAX], n = -1;
	char why[256] = "";

	assert_int_equal(parse_cpu_counts(text, max, counts, &n, why, sizeof(why)), -1);
	assert_true(why[0] != '\0');
	if (why_contains)
		assert_non_null(strstr(why, why_contains));
}

static void test_parse_cpu_counts(void **state)
{
	(void)state;
	check_counts("1", 4, (const int[]){ 1 }, 1);
	check_counts("all", 4, (const int[]){ 4 }, 1);
	check_counts("1,2,all", 4, (const int[]){ 1, 2, 4 }, 3);
	check_counts("1-3", 4, (const int[]){ 1, 2, 3 }, 3);
	check_counts("2-all", 4, (const int[]){ 2, 3, 4 }, 3);
	check_counts("1,3-4", 4, (const int[]){ 1, 3, 4 }, 3);
	check_counts("4", 4, (const int[]){ 4 }, 1);
}

static void test_parse_cpu_counts_errors(void **state)
{
	(void)state;
	check_bad_counts("0", 4, "'0'");
	check_bad_counts("5", 4, "only 4 CPUs");
	check_bad_counts("1-5", 4, "only 4 CPUs");
	check_bad_counts("x", 4, "'x'");
	check_bad_counts("", 4, "empty");
	check_bad_counts(",", 4, "empty");
	check_bad_counts("1x", 4, "'1x'");
	check_bad_counts("-1", 4, NULL);
}

/* A reversed range names no CPU count at all: it must be refused, not
 * accepted as an empty list (which runs nothing). */
static void test_parse_cpu_counts_reversed_range(void **state)
{
	(void)state;
	check_bad_counts("3-1", 4, NULL);
}

static void test_split_list(void **state)
{
	char text[64], *items[LIST_MAX];

	(void)state;
	strcpy(text, "munmap,madv_dontneed,exit");
	assert_int_equal(split_list(text, items, LIST_MAX), 3);
	assert_string_equal(items[0], "munmap");
	assert_string_equal(items[1], "madv_dontneed");
	assert_string_equal(items[2], "exit");

	strcpy(text, "one");
	assert_int_equal(split_list(text, items, LIST_MAX), 1);
	assert_string_equal(items[0], "one");

	strcpy(text, ",a,,b,");
	assert_int_equal(split_list(text, items, LIST_MAX), 2);
	assert_string_equal(items[0], "a");
	assert_string_equal(items[1], "b");

	strcpy(text, "");
	assert_int_equal(split_list(text, items, LIST_MAX), 0);

	/* More items than room: refused, never silently cut. */
	strcpy(text, "a,b,c,d");
	assert_int_equal(split_list(text, items, 2), -1);
	strcpy(text, "a,b");
	assert_int_equal(split_list(text, items, 2), 2);
	assert_string_equal(items[1], "b");
}

static void test_parse_cpu_counts_too_many(void **state)
{
	int counts[LIST_MAX], n;
	char why[256] = "";

	(void)state;
	assert_int_equal(parse_cpu_counts("1-64", 1024, counts, &n, why, sizeof(why)), 0);
	assert_int_equal(n, 64);
	assert_int_equal(parse_cpu_counts("1-65", 1024, counts, &n, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "more than 64"));
}

static void test_parse_fraction(void **state)
{
	static const char *const bad[] = { "", "%", "3%%", " 3%", "3 %", "-1%", "1e-2", "inf", "nan", "0x1", "150%", "1.5" };
	double v = -1;

	(void)state;
	assert_int_equal(parse_fraction("3%", 1, &v), 0);
	assert_true(fabs(v - 0.03) < 1e-15);
	assert_int_equal(parse_fraction("0.03", 1, &v), 0);
	assert_true(fabs(v - 0.03) < 1e-15);
	assert_int_equal(parse_fraction("0", 1, &v), 0);
	assert_true(v == 0);
	assert_int_equal(parse_fraction("100%", 1, &v), 0);
	assert_true(v == 1);
	assert_int_equal(parse_fraction("250%", HUGE_VAL, &v), 0);
	assert_true(v == 2.5);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = -1;
		assert_int_equal(parse_fraction(bad[i], 1, &v), -1);
		assert_true(v == -1); /* untouched on refusal */
	}
}

static void test_size_fits_memory_refuses_huge(void **state)
{
	char why[256] = "";

	(void)state;
	assert_int_equal(size_fits_memory(1ull << 50, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "MemAvailable"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_size),
		cmocka_unit_test(test_parse_size_errors),
		cmocka_unit_test(test_parse_cpu_counts),
		cmocka_unit_test(test_parse_cpu_counts_errors),
		cmocka_unit_test(test_parse_cpu_counts_reversed_range),
		cmocka_unit_test(test_split_list),
		cmocka_unit_test(test_parse_cpu_counts_too_many),
		cmocka_unit_test(test_parse_fraction),
		cmocka_unit_test(test_size_fits_memory_refuses_huge),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
