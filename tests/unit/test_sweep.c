/* Unit tests for lib/measure/sweep.c: the populate axis and the dose-response list,
 * expanded into cases and checked against the rest of the sweep. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "sweep.h"

static struct sweep s;
static char why[512];

static void set(const char *key, const char *value)
{
	assert_int_equal(sweep_set(&s, key, value, why, sizeof(why)), 0);
	sweep_note_origin(&s, key, key);
}

static void test_dose_expansion(void **state)
{
	struct case_params cases[16];
	int n;

	(void)state;
	sweep_defaults(&s, 2);
	set("size", "256M");
	set("dirty_tables", "0,50%,100%,1");
	set("populate", "fault,madvise");
	assert_int_equal(sweep_finish(&s, why, sizeof(why)), 0);
	n = sweep_expand(&s, cases, 16);
	assert_int_equal(n, 8);
	for (int i = 0; i < n; i++)
		assert_int_equal(cases[i].touch, TOUCH_CLEAN);
	assert_int_equal(cases[0].populate, POPULATE_FAULT);
	assert_int_equal(cases[0].dirty_tables, 0);
	assert_int_equal(cases[1].dirty_tables, 64);
	assert_int_equal(cases[2].dirty_tables, 128);
	assert_int_equal(cases[3].dirty_tables, 1);
	assert_int_equal(cases[4].populate, POPULATE_MADVISE);
}

static void test_no_dose(void **state)
{
	struct case_params cases[4];

	(void)state;
	sweep_defaults(&s, 2);
	assert_int_equal(sweep_finish(&s, why, sizeof(why)), 0);
	assert_int_equal(sweep_expand(&s, cases, 4), 1);
	assert_int_equal(cases[0].dirty_tables, DIRTY_TABLES_NONE);
	assert_int_equal(cases[0].touch, TOUCH_DIRTY);
	assert_int_equal(cases[0].populate, POPULATE_FAULT);
}

static void refused(const char *key, const char *value, const char *contains)
{
	sweep_defaults(&s, 2);
	set("size", "64M");
	set("dirty_tables", "50%");
	set(key, value);
	assert_int_equal(sweep_finish(&s, why, sizeof(why)), -1);
	assert_non_null(strstr(why, contains));
}

static void test_dose_refused(void **state)
{
	(void)state;
	refused("backing", "shmem,anon", "dirty_tables on anon: anon pages are never force-flushed");
	refused("backing", "thp", "PMD-mapped pages");
	refused("touch", "dirty", "touch=dirty with dirty_tables");
	refused("op", "munmap,flush_cost", "flush_cost");
	refused("dirty_tables", "33", "only 32 page tables");
	refused("dirty_tables", "50%,16", "dirty_tables 50% and 16 both dirty 16 of the 32 page tables of 64 MiB");
	refused("dirty_tables", "0,1%", "dirty_tables 0 and 1% both dirty 0 of the 32 page tables");
	/* touch=clean said outright is what a dose does anyway */
	sweep_defaults(&s, 2);
	set("dirty_tables", "50%");
	set("touch", "clean");
	assert_int_equal(sweep_finish(&s, why, sizeof(why)), 0);
}

static void test_bad_values(void **state)
{
	static const char *const doses[] = { "half", "101%", "-1", "50%%", "", "5 0" };

	(void)state;
	sweep_defaults(&s, 2);
	for (size_t i = 0; i < sizeof(doses) / sizeof(doses[0]); i++)
		assert_int_equal(sweep_set(&s, "dirty_tables", doses[i], why, sizeof(why)), -1);
	assert_int_equal(sweep_set(&s, "populate", "prefault", why, sizeof(why)), -1);
	assert_non_null(strstr(why, "unknown populate 'prefault'"));
	assert_int_equal(s.ndoses, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dose_expansion),
		cmocka_unit_test(test_no_dose),
		cmocka_unit_test(test_dose_refused),
		cmocka_unit_test(test_bad_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
