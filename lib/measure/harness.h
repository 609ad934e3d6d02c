/* Runs cases: places the measuring and remote threads, brackets the op with
 * the counters, and hands each sample to a sink as it is taken. */
#ifndef TLBBENCH_HARNESS_H
#define TLBBENCH_HARNESS_H

#include <stdbool.h>
#include <stdint.h>

#include "workload.h"
#include "kstat.h"
#include "measure.h"
#include "model.h"
#include "pmu.h"
#include "progress.h"
#include "sample.h"
#include "sweep.h"
#include "topo.h"
#include "vmstat.h"

struct harness {
	struct kstat kstat;
	struct kernel_model model;
	const struct topo *topo;
	const struct event_set *events;
	struct sample_sink sink;
	struct progress *progress;
	struct vmstat_snapshot vm_before, vm_after;
	struct sampler sampler; /* the above, as lib/measure/measure.c takes a sample with them */
	const struct case_prior *priors; /* per case, when resuming; else NULL */
};


/* SIGINT and SIGTERM: finish the sample in flight, then stop (a second one
 * ends the run at once); harness_run then returns 128 + the signal. */
void harness_catch_interrupts(void);
void harness_init(struct harness *h, const struct topo *topo, const struct event_set *events,
		  struct sample_sink sink, struct progress *progress);
void harness_close(struct harness *h);
/* Run the cases (warmup, then samples until each case's stop reason), filling
 * sums; interleave takes one sample of every case per round. Returns 1 when a
 * case was refused, 128 + the signal when interrupted (every case not done is
 * then in cases.jsonl as interrupted), -1 out of memory, else 0. */
int harness_run(struct harness *h, const struct case_params *cases, int n, bool interleave,
		struct case_summary *sums);

#endif
