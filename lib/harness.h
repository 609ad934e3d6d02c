/* Runs cases: places the measuring and remote threads, brackets the op with
 * the counters, and hands each sample to the report as it is taken. */
#ifndef TLBBENCH_HARNESS_H
#define TLBBENCH_HARNESS_H

#include <stdbool.h>
#include <stdint.h>

#include "../bench/workload.h"
#include "kstat.h"
#include "model.h"
#include "pmu.h"

#define MAX_CPUS 1024

struct sample {
	const struct case_params *params;
	int iteration;
	int measure_cpu;
	const int *remote_cpus; /* params->cpus - 1 of them */
	uint64_t wall_ns;
	bool has_baseline;
	uint64_t baseline_ns;
	long model_flushes;     /* -1: no prediction */
	struct kstat_sample kstat;
	struct pmu_sample pmu;
};

/* Values per GiB and per remote CPU, derived the same way everywhere. */
struct derived {
	double ns_per_gib, flushes_per_gib, ipis_per_gib, ipis_per_remote_cpu;
	bool ipis_per_remote_ok;
};

struct case_summary {
	struct case_params params;
	int samples;
	bool skipped, failed;
	char why[512];
	long model_flushes;
	double wall_ns, ns_per_gib, flushes, flushes_per_gib, ipis_per_gib, baseline_ns; /* medians */
	bool flushes_ok, ipis_ok, baseline_ok;
};

struct run_options {
	int iterations, warmup;
	const char *const *events;
	int nevents;
};

struct report;

struct harness {
	struct kstat kstat;
	struct kernel_model model;
	struct report *report;
	const struct run_options *options;
	int allowed[MAX_CPUS];
	int nallowed;
};

void derive(const struct sample *s, struct derived *d);

void harness_init(struct harness *h, struct report *report, const struct run_options *options);
void harness_close(struct harness *h);
/* Run one case's warmup and samples; fills sum (skipped/failed with why). */
void harness_run_case(struct harness *h, const struct case_params *p, struct case_summary *sum);

#endif
