/* Unit tests for lib/measure/pmu.c: event keys, and an unsupported event kept apart
 * from the ones that open. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "pmu.h"

static void check_key(const char *name, const char *want)
{
	char key[64];

	memset(key, 'x', sizeof(key));
	pmu_event_key(name, key, sizeof(key));
	assert_string_equal(key, want);
}

static void test_event_key(void **state)
{
	char key[5];

	(void)state;
	check_key("perf::PERF_COUNT_SW_TASK_CLOCK", "task_clock");
	check_key("perf::PERF_COUNT_SW_PAGE_FAULTS", "page_faults");
	check_key("perf::PERF_COUNT_SW_CONTEXT_SWITCHES", "context_switches");
	check_key("perf::PERF_COUNT_HW_CPU_CYCLES", "cpu_cycles");
	check_key("cycles", "cycles");
	check_key("dTLB-load-misses", "dtlb_load_misses");
	check_key("task-clock", "task_clock");
	check_key("", "");
	/* Truncated to the buffer, always terminated. */
	pmu_event_key("perf::PERF_COUNT_SW_TASK_CLOCK", key, sizeof(key));
	assert_string_equal(key, "task");
}

static void init(void)
{
	char why[256] = "";

	if (pmu_init(why, sizeof(why)) < 0)
		fail_msg("pmu_init: %s", why);
}

/* Some work for the task clock to count. */
static void spin(void)
{
	for (volatile unsigned long i = 0; i < 1000000; i++)
		;
}

/* Skip when this machine forbids perf_event_open (not root, paranoid > 1). */
static void skip_if_refused(const struct pmu_set *s, int i)
{
	if (s->ev[i].fd < 0 && (strstr(s->ev[i].unsupported, "EACCES") || strstr(s->ev[i].unsupported, "EPERM"))) {
		print_message("perf_event_open refused here: %s\n", s->ev[i].unsupported);
		skip();
	}
}

static void test_unsupported_event(void **state)
{
	static const char *const names[] = { "perf::PERF_COUNT_SW_TASK_CLOCK", "no_such_event_xyz" };
	struct pmu_set g;
	struct pmu_sample s;

	(void)state;
	init();
	pmu_open(&g, names, 2, 0, -1);
	assert_int_equal(g.count, 2);
	assert_string_equal(g.ev[0].name, names[0]);
	assert_string_equal(g.ev[1].name, names[1]);
	assert_true(g.ev[1].fd < 0);
	assert_non_null(strstr(g.ev[1].unsupported, "libpfm4"));

	/* The sample never passes a missing counter off as a zero. */
	pmu_start(&g);
	spin();
	pmu_stop(&g, &s);
	assert_int_equal(s.count, 2);
	assert_false(s.ok[1]);
	skip_if_refused(&g, 0);
	assert_string_equal(g.ev[0].unsupported, "");
	assert_true(g.ev[0].software);
	assert_int_equal(g.ev[0].leader, 0);
	assert_true(s.ok[0]);
	assert_true(s.value[0] > 0);
	assert_true(s.running[0] > 0 && s.running[0] <= 1.0);
	pmu_close(&g);
}

/* Software events share one group: one leader, read at once. */
static void test_software_group(void **state)
{
	static const char *const names[] = { "task-clock", "no_such_event_xyz", "page-faults", "context-switches" };
	struct pmu_set g;
	struct pmu_sample s;

	(void)state;
	init();
	pmu_open(&g, names, 4, 0, -1);
	skip_if_refused(&g, 0);
	assert_int_equal(g.ev[0].leader, 0);
	assert_int_equal(g.ev[2].leader, 0);
	assert_int_equal(g.ev[3].leader, 0);
	pmu_start(&g);
	spin();
	pmu_stop(&g, &s);
	assert_true(s.ok[0] && s.ok[2] && s.ok[3]);
	assert_false(s.ok[1]);
	/* One group: one running ratio for all its members. */
	assert_true(s.running[0] == s.running[2] && s.running[2] == s.running[3]);
	pmu_close(&g);
}

/* Summing CPUs: values add up; an event missing on one CPU is missing. */
static void test_sample_add(void **state)
{
	struct pmu_sample sum = { .count = 2, .ok = { true, true }, .value = { 10, 5 }, .running = { 1.0, 0.5 } };
	struct pmu_sample add = { .count = 2, .ok = { true, false }, .value = { 4, 0 }, .running = { 0.25, 1.0 } };

	(void)state;
	pmu_sample_add(&sum, &add);
	assert_true(sum.ok[0]);
	assert_true(sum.value[0] == 14);
	assert_true(sum.running[0] == 0.25);
	assert_false(sum.ok[1]);
}

/* Nothing opens: start and stop are harmless and nothing is ok. */
static void test_nothing_opens(void **state)
{
	static const char *const names[] = { "no_such_event_xyz", "perf::NO_SUCH_EVENT" };
	struct pmu_set g;
	struct pmu_sample s;

	(void)state;
	init();
	pmu_open(&g, names, 2, 0, -1);
	for (int i = 0; i < 2; i++) {
		assert_true(g.ev[i].fd < 0);
		assert_non_null(strstr(g.ev[i].unsupported, "libpfm4"));
	}
	pmu_start(&g);
	pmu_stop(&g, &s);
	assert_int_equal(s.count, 2);
	assert_false(s.ok[0]);
	assert_false(s.ok[1]);
	pmu_close(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_event_key),
		cmocka_unit_test(test_unsupported_event),
		cmocka_unit_test(test_software_group),
		cmocka_unit_test(test_sample_add),
		cmocka_unit_test(test_nothing_opens),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
