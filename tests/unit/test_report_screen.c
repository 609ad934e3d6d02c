/* Unit tests for what run prints on screen: the table (lib/measure/report_table.c)
 * says <not supported> for a counter it could not read, with the reason under
 * the table, as perf does; -x (lib/measure/stat_csv.c) prints a line per case
 * and metric, the median of the measured samples, <not supported> for an event
 * that never opened, and the share of time a multiplexed event ran; each case
 * by its index, a resumed one with the samples kept before, <not counted> for
 * one that took none, nothing for an interrupted one. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "stat_csv.h"

static struct sweep sweep;
static struct case_params cases[4];
static char why[512];

/* One case: munmap of 2 MiB of shmem, 1 CPU. */
static int setup_case(void **state)
{
	(void)state;
	sweep_defaults(&sweep, 1);
	assert_int_equal(sweep_set(&sweep, "size", "2M", why, sizeof(why)), 0);
	assert_int_equal(sweep_finish(&sweep, why, sizeof(why)), 0);
	assert_int_equal(sweep_expand(&sweep, cases, 4), 1);
	return 0;
}

static void test_table_not_supported(void **state)
{
	struct case_summary sum = { .params = cases[0], .samples = 3, .model_flushes = 1, .flushes_ok = true,
				    .ipis_ok = false, .activations_ok = true };
	struct kstat k = { 0 };
	char *text;
	size_t len;
	FILE *out = open_memstream(&text, &len);

	(void)state;
	report_table(out, &sum, 1, &k);
	fclose(out);
	assert_non_null(strstr(text, "<not supported>"));
	assert_non_null(strstr(text, "IPIs/GiB <not supported> (no TLB line in /proc/interrupts)\n"));
	/* Only the unread column says so. */
	assert_null(strstr(text, "flush/GiB <not supported>"));
	assert_null(strstr(text, "n/s"));
	free(text);
}

static void null_sample(void *ctx, const struct sample *s) { (void)ctx; (void)s; }
static void null_failed(void *ctx, const struct sample *s, const char *w) { (void)ctx; (void)s; (void)w; }
static void null_case(void *ctx, const struct case_summary *s) { (void)ctx; (void)s; }

static void test_csv_lines(void **state)
{
	static const uint64_t walls[] = { 30, 10, 20 };
	struct event_set events = { .count = 2, .names = { "task-clock", "cycles" } };
	struct sample_sink next = { .sample = null_sample, .failed_sample = null_failed, .case_done = null_case };
	struct case_summary sum = { .params = cases[0], .samples = 3 };
	struct stat_csv csv;
	struct sample_sink sink;
	char *text, line[512];
	size_t len;
	FILE *out = open_memstream(&text, &len);
	int cpu_ids[1] = { 0 };

	(void)state;
	events.list[0] = events.names[0];
	events.list[1] = events.names[1];
	assert_int_equal(stat_csv_init(&csv, out, ";", &events, true, next, 1), 0);
	sink = stat_csv_sink(&csv);
	for (int i = 0; i < 3; i++) {
		struct sample s = { .params = &cases[0], .iteration = i, .cpu_ids = cpu_ids, .wall_ns = walls[i],
				    .model_flushes = -1 };

		s.kstat.flushes_ok = s.kstat.tracepoint_ok = true;
		s.kstat.flushes = 1;
		s.pmu.count = 2;
		s.pmu.ok[0] = true;
		s.pmu.value[0] = 100.0 * (i + 1);
		s.pmu.running[0] = 0.5;
		sink.sample(sink.ctx, &s);
	}
	sink.case_done(sink.ctx, &sum);
	fclose(out);
	case_label(&cases[0], line, sizeof(line));
	assert_non_null(strstr(text, line));
	assert_non_null(strstr(text, ";20;ns;wall_ns;3;\n"));
	assert_non_null(strstr(text, ";512;flushes/GiB;flushes_per_gib;3;\n"));
	assert_non_null(strstr(text, ";<not supported>;flushes;model_flushes;0;\n"));
	assert_non_null(strstr(text, ";200;;task-clock;3;50.00\n"));
	assert_non_null(strstr(text, ";<not supported>;;cycles;0;\n"));
	/* One CPU: no line for IPIs per remote CPU. */
	assert_null(strstr(text, "ipis_per_remote_cpu"));
	stat_csv_free(&csv);
	free(text);
}

static void sample_of(struct sample_sink sink, int case_index, uint64_t wall_ns)
{
	static int cpu_ids[1];
	struct sample s = { .params = &cases[0], .case_index = case_index, .cpu_ids = cpu_ids, .wall_ns = wall_ns,
			    .model_flushes = -1 };

	sink.sample(sink.ctx, &s);
}

/* Three cases of the same params: resumed (2 kept samples, 1 new), skipped, interrupted. */
static void test_csv_cases(void **state)
{
	struct event_set events = { .count = 0 };
	struct sample_sink next = { .sample = null_sample, .failed_sample = null_failed, .case_done = null_case };
	struct case_summary sums[3] = { { .params = cases[0], .case_index = 0 },
					{ .params = cases[0], .case_index = 1, .skipped = true },
					{ .params = cases[0], .case_index = 2, .interrupted = true } };
	struct case_prior priors[3] = { { .n = 2 } };
	double kept[METRICS][2];
	struct stat_csv csv;
	struct sample_sink sink;
	char *text;
	size_t len;
	FILE *out = open_memstream(&text, &len);

	(void)state;
	for (int m = 0; m < METRICS; m++) {
		kept[m][0] = kept[m][1] = NAN;
		priors[0].printed[m] = kept[m];
	}
	kept[METRIC_WALL_NS][0] = 10;
	kept[METRIC_WALL_NS][1] = 30;
	assert_int_equal(stat_csv_init(&csv, out, ",", &events, true, next, 3), 0);
	assert_int_equal(stat_csv_seed(&csv, priors), 0);
	sink = stat_csv_sink(&csv);
	sample_of(sink, 0, 20);
	sample_of(sink, 2, 99);
	for (int i = 0; i < 3; i++)
		sink.case_done(sink.ctx, &sums[i]);
	fclose(out);
	assert_int_equal(strncmp(text, "sweep: munmap", 13), 0);
	assert_non_null(strstr(text, ",20,ns,wall_ns,3,\n"));
	assert_non_null(strstr(text, ",<not supported>,flushes,flushes,0,\n"));
	assert_non_null(strstr(text, ",<not counted>,ns,wall_ns,0,\n"));
	assert_non_null(strstr(text, ",<not counted>,flushes,flushes,0,\n"));
	assert_null(strstr(text, ",99,"));
	stat_csv_free(&csv);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_table_not_supported, setup_case),
		cmocka_unit_test_setup(test_csv_lines, setup_case),
		cmocka_unit_test_setup(test_csv_cases, setup_case),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
