/* Unit tests for lib/measure/harness.c through a fake sink: the harness hands
 * over every measured sample and no warm-up, in iteration order, each case's
 * summary once at its end, each tagged with its case's index in the run, and
 * a skipped case as a summary with why. A small
 * real case runs (munmap of 2 MiB of anonymous memory at 1 CPU). */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "pmu.h"
#include "sysinfo_parse.h"

#define MAX_SEEN 64

struct fake_sink {
	int samples, failed, cases;
	int iteration[MAX_SEEN];
	const struct case_params *sample_case[MAX_SEEN];
	int sample_index[MAX_SEEN], summary_index[MAX_SEEN];
	int summary_samples[MAX_SEEN];
	bool summary_skipped_or_failed[MAX_SEEN];
	char summary_why[MAX_SEEN][512];
};

static void fake_sample(void *ctx, const struct sample *s)
{
	struct fake_sink *f = ctx;

	assert_true(f->samples < MAX_SEEN);
	f->sample_case[f->samples] = s->params;
	f->sample_index[f->samples] = s->case_index;
	f->iteration[f->samples++] = s->iteration;
}

static void fake_failed_sample(void *ctx, const struct sample *s, const char *why)
{
	(void)s;
	(void)why;
	((struct fake_sink *)ctx)->failed++;
}

static void fake_case_done(void *ctx, const struct case_summary *sum)
{
	struct fake_sink *f = ctx;

	assert_true(f->cases < MAX_SEEN);
	f->summary_index[f->cases] = sum->case_index;
	f->summary_samples[f->cases] = sum->samples;
	f->summary_skipped_or_failed[f->cases] = sum->skipped || sum->failed;
	snprintf(f->summary_why[f->cases++], sizeof(f->summary_why[0]), "%s", sum->why);
}

static struct sweep sweep;
static char why[512];

static void set(const char *key, const char *value)
{
	assert_int_equal(sweep_set(&sweep, key, value, why, sizeof(why)), 0);
	sweep_note_origin(&sweep, key, key);
}

/* The cases of one small sweep: munmap of 2 MiB, 1 CPU, warmup 1, iterations 3. */
static int small_cases(struct case_params *cases, int max, const char *backing, const char *size)
{
	sweep_defaults(&sweep, 1);
	set("op", "munmap");
	set("backing", backing);
	set("size", size);
	set("cpus", "1");
	set("warmup", "1");
	set("iterations", "3");
	assert_int_equal(sweep_finish(&sweep, why, sizeof(why)), 0);
	return sweep_expand(&sweep, cases, max);
}

static int run_with_fake(const struct case_params *cases, int n, struct fake_sink *f, struct case_summary *sums)
{
	struct sample_sink sink = { .ctx = f, .sample = fake_sample, .failed_sample = fake_failed_sample,
				    .case_done = fake_case_done };
	struct run_settings run;
	struct progress progress;
	struct harness h;
	struct topo topo;
	int status;

	assert_int_equal(topo_load(&topo, why, sizeof(why)), 0);
	assert_int_equal(pmu_init(why, sizeof(why)), 0);
	run_settings_defaults(&run);
	harness_init(&h, &topo, &run.events, sink, &progress);
	progress_start(&progress, n, 0);
	status = harness_run(&h, cases, n, false, sums);
	harness_close(&h);
	topo_destroy(&topo);
	return status;
}

static void test_samples_and_summary(void **state)
{
	struct case_params cases[2];
	struct case_summary sums[2];
	struct fake_sink f = { 0 };

	(void)state;
	assert_int_equal(small_cases(cases, 2, "anon", "2M"), 1);
	assert_int_equal(run_with_fake(cases, 1, &f, sums), 0);
	assert_int_equal(f.samples, 3); /* the warm-up is not handed over */
	for (int i = 0; i < 3; i++) {
		assert_int_equal(f.iteration[i], i);
		assert_ptr_equal(f.sample_case[i], &cases[0]);
	}
	assert_int_equal(f.failed, 0);
	assert_int_equal(f.cases, 1);
	assert_int_equal(f.summary_samples[0], 3);
	assert_false(f.summary_skipped_or_failed[0]);
	assert_int_equal(sums[0].samples, 3);
	assert_string_equal(sums[0].stop_reason, "iterations");
}

/* Two cases: each sample and summary carries its case's index, which a sink keys on. */
static void test_case_index(void **state)
{
	struct case_params cases[2];
	struct case_summary sums[2];
	struct fake_sink f = { 0 };

	(void)state;
	assert_int_equal(small_cases(cases, 2, "anon", "2M,4M"), 2);
	assert_int_equal(run_with_fake(cases, 2, &f, sums), 0);
	assert_int_equal(f.samples, 6);
	for (int i = 0; i < 6; i++)
		assert_int_equal(f.sample_index[i], f.sample_case[i] - cases);
	assert_int_equal(f.cases, 2);
	assert_int_equal(f.summary_index[0], 0);
	assert_int_equal(f.summary_index[1], 1);
}

/* A case the machine cannot run (hugetlb without reserved huge pages) is skipped, and
 * the run goes on: no sample, its summary says why. */
static void test_skipped_case(void **state)
{
	struct case_params cases[2];
	struct case_summary sums[2];
	struct fake_sink f = { 0 };
	uint64_t reserved;

	(void)state;
	if (meminfo_number(NULL, "HugePages_Total", false, &reserved) < 0 || reserved > 0)
		skip();
	assert_int_equal(small_cases(cases, 2, "hugetlb", "2M"), 1);
	assert_int_equal(run_with_fake(cases, 1, &f, sums), 0);
	assert_int_equal(f.samples, 0);
	assert_int_equal(f.cases, 1);
	assert_true(f.summary_skipped_or_failed[0]);
	assert_true(sums[0].skipped);
	assert_non_null(strstr(f.summary_why[0], "huge pages reserved"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_samples_and_summary),
		cmocka_unit_test(test_case_index),
		cmocka_unit_test(test_skipped_case),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
