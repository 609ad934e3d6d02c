#define _GNU_SOURCE
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "report.h"
#include "stats.h"
#include "util.h"

#define GIB (1024.0 * 1024 * 1024)

enum { M_WALL, M_NS_PER_GIB, M_FLUSHES, M_FLUSHES_PER_GIB, M_IPIS_PER_GIB, M_BASELINE, M_COUNT };

void derive(const struct sample *s, struct derived *d)
{
	double gib = (double)s->params->size / GIB;
	uint64_t remote_ipis = 0;
	int nremote = s->params->cpus - 1;

	d->ns_per_gib = (double)s->wall_ns / gib;
	d->flushes_per_gib = (double)s->kstat.flushes / gib;
	d->ipis_per_gib = (double)s->kstat.ipis / gib;
	for (int i = 1; i <= nremote; i++)
		remote_ipis += s->kstat.ipis_cpu[s->cpu_ids[i]];
	d->ipis_per_remote_ok = s->kstat.interrupts_ok && nremote > 0;
	d->ipis_per_remote_cpu = d->ipis_per_remote_ok ? (double)remote_ipis / nremote : 0;
}

void harness_init(struct harness *h, const struct topo *topo, const struct event_set *events,
		  struct report *report, struct progress *progress)
{
	memset(h, 0, sizeof(*h));
	h->topo = topo;
	h->events = events;
	h->report = report;
	h->progress = progress;
	kstat_open(&h->kstat);
	model_probe(&h->model);
}

void harness_close(struct harness *h)
{
	kstat_close(&h->kstat);
}

/* Remote threads of this process: warm their TLBs in touch mode, then
 * confirm each runs on its CPU right before the op. */
static int remotes_ready(struct remote_set *remotes, const struct wl_ctx *ctx, char *why, size_t len)
{
	if (remotes->mode == REMOTE_TOUCH && ctx->map.addr) {
		remote_set_touch_region(remotes, ctx->map.addr, ctx->map.size);
		if (remote_sync(remotes, why, len) < 0)
			return -1;
		remote_set_touch_region(remotes, NULL, 0);
	}
	return remote_sync(remotes, why, len);
}

/* CPU-wide counters on each remote CPU, where the shootdowns are handled. */
struct remote_pmu {
	int count;
	struct pmu_set *sets;
};

static void remote_pmu_open(struct remote_pmu *r, const struct event_set *e, const int *cpu_ids, int count)
{
	r->count = count;
	r->sets = calloc((size_t)(count ? count : 1), sizeof(*r->sets));
	for (int i = 0; r->sets && i < count; i++)
		pmu_open(&r->sets[i], e->list, e->count, -1, cpu_ids[i]);
}

static void remote_pmu_close(struct remote_pmu *r)
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
static int measure_once(struct harness *h, struct wl_ctx *ctx, struct remote_pmu *remote, struct sample *s)
{
	struct pmu_set pmu;
	uint64_t t0, t1;
	int ret;

	pmu_open(&pmu, h->events->list, h->events->count, ctx->measured_pid, -1);
	kstat_follow_task(&h->kstat, ctx->measured_pid);
	ctx->op_start_ns = 0;
	kstat_start(&h->kstat);
	remote_pmu_start(remote);
	pmu_start(&pmu);
	t0 = monotonic_raw_ns();
	ret = ctx->params->workload->run_once(ctx);
	t1 = monotonic_raw_ns();
	pmu_stop(&pmu, &s->pmu);
	remote_pmu_stop(remote, &s->pmu_remote);
	kstat_stop(&h->kstat, &s->kstat);
	pmu_close(&pmu);
	s->wall_ns = t1 - (ctx->op_start_ns ? ctx->op_start_ns : t0);
	return ret;
}

static void summarise(struct case_summary *sum, double *m[M_COUNT], int n)
{
	sum->samples = n;
	if (!n)
		return;
	sum->wall_ns = stats_median(m[M_WALL], (size_t)n);
	sum->ns_per_gib = stats_median(m[M_NS_PER_GIB], (size_t)n);
	sum->flushes = stats_median(m[M_FLUSHES], (size_t)n);
	sum->flushes_per_gib = stats_median(m[M_FLUSHES_PER_GIB], (size_t)n);
	sum->ipis_per_gib = stats_median(m[M_IPIS_PER_GIB], (size_t)n);
	if (sum->baseline_ok)
		sum->baseline_ns = stats_median(m[M_BASELINE], (size_t)n);
}

static void record(struct case_summary *sum, double *m[M_COUNT], int i, const struct sample *s)
{
	struct derived d;

	derive(s, &d);
	m[M_WALL][i] = (double)s->wall_ns;
	m[M_NS_PER_GIB][i] = d.ns_per_gib;
	m[M_FLUSHES][i] = (double)s->kstat.flushes;
	m[M_FLUSHES_PER_GIB][i] = d.flushes_per_gib;
	m[M_IPIS_PER_GIB][i] = d.ipis_per_gib;
	m[M_BASELINE][i] = (double)s->baseline_ns;
	sum->flushes_ok = s->kstat.flushes_ok;
	sum->ipis_ok = s->kstat.interrupts_ok;
	sum->baseline_ok = s->has_baseline;
}

/* Warmup and measured samples; -1 with sum->why when the case must stop. */
static int run_samples(struct harness *h, struct wl_ctx *ctx, struct remote_set *remotes,
		       struct remote_pmu *remote_pmu, struct case_summary *sum, double *m[M_COUNT])
{
	const struct case_params *p = ctx->params;
	const struct workload *w = p->workload;
	int total = p->warmup + p->iterations, i;

	for (i = 0; i < total; i++) {
		struct sample s = { .params = p, .iteration = i - p->warmup, .cpu_ids = ctx->cpu_ids,
				    .model_flushes = sum->model_flushes };
		int ret;

		if (w->baseline) {
			if (w->baseline(ctx, &s.baseline_ns) < 0)
				goto fail;
			s.has_baseline = true;
		}
		ctx->measured_pid = 0;
		if (w->setup(ctx) < 0) {
			w->teardown(ctx);
			goto fail;
		}
		ret = remotes_ready(remotes, ctx, ctx->why, sizeof(ctx->why));
		if (ret == 0)
			ret = measure_once(h, ctx, remote_pmu, &s);
		w->teardown(ctx);
		if (ret < 0)
			goto fail;
		progress_sample(h->progress, i + 1, total);
		if (s.iteration < 0)
			continue;
		report_sample(h->report, &s);
		record(sum, m, s.iteration, &s);
	}
	summarise(sum, m, p->iterations);
	return 0;
fail:
	summarise(sum, m, i - p->warmup > 0 ? i - p->warmup : 0);
	snprintf(sum->why, sizeof(sum->why), "%s", ctx->why);
	return -1;
}

static int case_check(const struct case_params *p, struct case_summary *sum)
{
	if (backing_unavailable(p->backing, p->size, sum->why, sizeof(sum->why))) {
		sum->skipped = true;
		return -1;
	}
	if ((p->backing == BACKING_THP || p->backing == BACKING_HUGETLB) && p->size % PAGE_TABLE_SPAN) {
		snprintf(sum->why, sizeof(sum->why), "%s needs a size that is a multiple of 2 MiB",
			 backing_name(p->backing));
		sum->failed = true;
		return -1;
	}
	return 0;
}

/* Pick the case's PUs and bind the measuring thread to the first. */
static int place(struct harness *h, const struct case_params *p, hwloc_obj_t *pus, int *cpu_ids,
		 struct case_summary *sum)
{
	int ran_on;

	if (placement_pick(h->topo, p->placement, p->cpus, pus, sum->why, sizeof(sum->why)) < 0)
		return -1;
	for (int i = 0; i < p->cpus; i++)
		cpu_ids[i] = (int)pus[i]->os_index;
	ran_on = topo_bind_thread(h->topo, pus[0]->cpuset, sum->why, sizeof(sum->why));
	if (ran_on < 0)
		return -1;
	if (ran_on != cpu_ids[0]) {
		snprintf(sum->why, sizeof(sum->why), "the measuring thread runs on CPU %d, not on CPU %d", ran_on,
			 cpu_ids[0]);
		return -1;
	}
	return 0;
}

void harness_run_case(struct harness *h, const struct case_params *p, struct case_summary *sum)
{
	hwloc_obj_t *pus = calloc((size_t)p->cpus, sizeof(*pus));
	int *cpu_ids = calloc((size_t)p->cpus, sizeof(*cpu_ids));
	struct wl_ctx ctx = { .params = p, .topo = h->topo, .pus = pus, .cpu_ids = cpu_ids };
	struct remote_set remotes;
	struct remote_pmu remote_pmu;
	double *m[M_COUNT];
	/* The exit workload starts its remote threads in its child. */
	int own_remotes = p->workload->owns_remote_threads ? 0 : p->cpus - 1;

	memset(sum, 0, sizeof(*sum));
	sum->params = *p;
	sum->model_flushes = model_flushes(&h->model, p->workload->name, p->backing, p->touch, p->size);
	if (!pus || !cpu_ids || case_check(p, sum) < 0 || place(h, p, pus, cpu_ids, sum) < 0) {
		sum->failed = !sum->skipped;
		free(pus);
		free(cpu_ids);
		return;
	}
	for (int i = 0; i < M_COUNT; i++)
		m[i] = calloc((size_t)p->iterations, sizeof(double));
	remote_pmu_open(&remote_pmu, h->events, &cpu_ids[1], p->cpus - 1);
	if (remote_start(&remotes, p->remote, h->topo, &pus[1], own_remotes, sum->why, sizeof(sum->why)) < 0)
		sum->failed = true;
	else if (run_samples(h, &ctx, &remotes, &remote_pmu, sum, m) < 0)
		sum->failed = true;
	remote_stop(&remotes);
	remote_pmu_close(&remote_pmu);
	for (int i = 0; i < M_COUNT; i++)
		free(m[i]);
	free(pus);
	free(cpu_ids);
}
