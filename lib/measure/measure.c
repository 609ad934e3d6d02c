/* One measured sample of a case: the workload's baseline, setup, the op
 * bracketed by the counters, teardown; and the CPU-wide counters on the
 * remote CPUs. The case loop around it is lib/measure/harness.c. */
#define _GNU_SOURCE
#include "measure.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

void remote_pmu_open(struct remote_pmu *r, const struct event_set *e, const int *cpu_ids, int count)
{
	r->count = count;
	r->sets = calloc((size_t)(count ? count : 1), sizeof(*r->sets));
	for (int i = 0; r->sets && i < count; i++)
		pmu_open(&r->sets[i], e->list, e->count, -1, cpu_ids[i]);
}

void remote_pmu_close(struct remote_pmu *r)
{
	for (int i = 0; r->sets && i < r->count; i++)
		pmu_close(&r->sets[i]);
	free(r->sets);
}

static void remote_pmu_start(struct remote_pmu *r)
{
	for (int i = 0; r->sets && i < r->count; i++)
		pmu_start(&r->sets[i]);
}

static void remote_pmu_stop(struct remote_pmu *r, struct pmu_sample *sum)
{
	struct pmu_sample one;

	memset(sum, 0, sizeof(*sum));
	for (int i = 0; r->sets && i < r->count; i++) {
		pmu_stop(&r->sets[i], &one);
		if (i == 0)
			*sum = one;
		else
			pmu_sample_add(sum, &one);
	}
}

/* One measured op: counters, opened on the task doing the op, around run_once only. */
static int measure_once(const struct sampler *sp, struct wl_ctx *ctx, struct remote_pmu *remote, struct sample *s)
{
	struct pmu_set pmu;
	uint64_t t0, t1;
	int ret;

	pmu_open(&pmu, sp->events->list, sp->events->count, ctx->measured_pid, -1);
	kstat_follow_task(sp->kstat, ctx->measured_pid);
	ctx->op_start_ns = ctx->op_ns = ctx->reference_ns = 0;
	vmstat_read(sp->vm_before);
	kstat_start(sp->kstat);
	remote_pmu_start(remote);
	pmu_start(&pmu);
	t0 = monotonic_raw_ns();
	ret = ctx->params->workload->run_once(ctx);
	t1 = monotonic_raw_ns();
	pmu_stop(&pmu, &s->pmu);
	remote_pmu_stop(remote, &s->pmu_remote);
	kstat_stop(sp->kstat, &s->kstat);
	vmstat_read(sp->vm_after);
	vmstat_diff(sp->vm_before, sp->vm_after, &s->vmstat);
	pmu_close(&pmu);
	s->wall_ns = ctx->op_ns ? ctx->op_ns : t1 - (ctx->op_start_ns ? ctx->op_start_ns : t0);
	if (ctx->reference_ns) {
		s->baseline_ns = ctx->reference_ns;
		s->has_baseline = true;
	}
	return ret;
}

/* One sample: baseline, setup, the measured op, teardown. 0, WL_SAMPLE_FAILED,
 * or -1 (the case is refused), with ctx->why. */
int take_sample(const struct sampler *sp, struct wl_ctx *ctx, struct remote_set *remotes,
		       struct remote_pmu *remote_pmu, struct sample *s)
{
	const struct workload *w = ctx->params->workload;
	int ret;

	if (w->baseline) {
		ret = w->baseline(ctx, &s->baseline_ns);
		if (ret)
			return ret;
		s->has_baseline = true;
	}
	ctx->measured_pid = 0;
	ret = w->setup(ctx);
	if (ret) {
		w->teardown(ctx);
		return ret;
	}
	s->smaps = ctx->map.smaps;
	s->smaps_ok = ctx->map.smaps.size > 0;
	ret = remote_ready(remotes, ctx->map.addr, ctx->map.size, ctx->why, sizeof(ctx->why));
	if (ret == 0)
		ret = measure_once(sp, ctx, remote_pmu, s);
	w->teardown(ctx);
	return ret;
}

