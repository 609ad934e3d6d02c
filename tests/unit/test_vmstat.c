/* Unit tests for lib/measure/vmstat.c: the counters an op changed. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "vmstat.h"

static const char before_text[] =
	"nr_free_pages 1000000\n"
	"nr_shmem 500\n"
	"pgfree 77\n"
	"pgactivate 10\n"
	"pgdeactivate 3\n";

static const char after_text[] =
	"nr_free_pages 999000\n"
	"nr_shmem 500\n"
	"pgfree 90\n"
	"pgactivate 262154\n"
	"pgdeactivate 3\n"
	"thp_fault_alloc 1\n";

static struct vmstat_snapshot before, after;

static void test_parse(void **state)
{
	(void)state;
	assert_int_equal(vmstat_parse(before_text, &before), 0);
	assert_int_equal(before.n, 5);
	assert_string_equal(before.name[3], "pgactivate");
	assert_int_equal(before.value[3], 10);
	assert_int_equal(vmstat_parse("", &after), -1);
	assert_int_equal(vmstat_parse("no numbers here\n", &after), -1);
}

/* Only what changed, gauges that fell are negative, counters the kernel added
 * later are not invented, and an unchanged counter reads 0. */
static void test_diff(void **state)
{
	struct vmstat_delta d;
	int64_t v;

	(void)state;
	assert_int_equal(vmstat_parse(before_text, &before), 0);
	assert_int_equal(vmstat_parse(after_text, &after), 0);
	vmstat_diff(&before, &after, &d);
	assert_true(d.ok);
	assert_int_equal(d.n, 3);
	assert_true(vmstat_delta_get(&d, "pgactivate", &v));
	assert_int_equal(v, 262144);
	assert_true(vmstat_delta_get(&d, "nr_free_pages", &v));
	assert_int_equal(v, -1000);
	assert_true(vmstat_delta_get(&d, "pgfree", &v));
	assert_int_equal(v, 13);
	assert_true(vmstat_delta_get(&d, "pgdeactivate", &v));
	assert_int_equal(v, 0);
	assert_false(vmstat_delta_get(&d, "thp_fault_alloc", &v));
	assert_false(vmstat_delta_get(&d, "pgsteal", &v));
}

/* A kernel without CONFIG_VM_EVENT_COUNTERS has no pgactivate: not counted, not 0. */
static void test_no_events(void **state)
{
	struct vmstat_delta d;
	int64_t v;

	(void)state;
	assert_int_equal(vmstat_parse("nr_free_pages 5\n", &before), 0);
	assert_int_equal(vmstat_parse("nr_free_pages 4\n", &after), 0);
	vmstat_diff(&before, &after, &d);
	assert_false(vmstat_delta_get(&d, "pgactivate", &v));
	before.n = 0;
	vmstat_diff(&before, &after, &d);
	assert_false(d.ok);
	assert_false(vmstat_delta_get(&d, "nr_free_pages", &v));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_diff),
		cmocka_unit_test(test_no_events),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
