/* One measured sample of a case (lib/measure/measure.c), for the case loop in lib/measure/harness.c. */
#ifndef TLBBENCH_MEASURE_H
#define TLBBENCH_MEASURE_H

#include "workload.h"
#include "kstat.h"
#include "pmu.h"
#include "remote.h"
#include "sample.h"
#include "vmstat.h"

/* What a sample is measured with, the harness's: the counters and the
 * vmstat snapshots around the op. */
struct sampler {
	struct kstat *kstat;
	const struct event_set *events;
	struct vmstat_snapshot *vm_before, *vm_after;
};

/* CPU-wide counters on each remote CPU, where the shootdowns are handled. */
struct remote_pmu {
	int count;
	struct pmu_set *sets;
};

void remote_pmu_open(struct remote_pmu *r, const struct event_set *e, const int *cpu_ids, int count);
void remote_pmu_close(struct remote_pmu *r);

/* One sample: baseline, setup, the measured op, teardown, filling s. 0,
 * WL_SAMPLE_FAILED, or -1 (the case is refused), with ctx->why. */
int take_sample(const struct sampler *h, struct wl_ctx *ctx, struct remote_set *remotes, struct remote_pmu *remote_pmu,
		struct sample *s);

#endif
