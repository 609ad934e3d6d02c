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
	for (int i = 0; i < nremote; i++)
		remote_ipis += s->kstat.ipis_cpu[s->remote_cpus[i]];
	d->ipis_per_remote_ok = s->kstat.interrupts_ok && nremote > 0;
	d->ipis_per_remote_cpu = d->ipis_per_remote_ok ? (double)remote_ipis / nremote : 0;
}

void harness_init(struct harness *h, struct report *report, const struct run_options *options)
{
	memset(h, 0, sizeof(*h));
	h->report = report;
	h->options = options;
	h->nallowed = allowed_cpus(h->allowed, MAX_CPUS);
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

/* One measured op: counters, opened on the task doing the op, around run_once only. */
static int measure_once(struct harness *h, struct wl_ctx *ctx, struct sample *s)
{
	struct pmu_group pmu;
	uint64_t t0, t1;
	int ret;

	pmu_open(&pmu, h->options->events, h->options->nevents, ctx->measured_pid);
	kstat_follow_task(&h->kstat, ctx->measured_pid);
	ctx->op_start_ns = 0;
	kstat_start(&h->kstat);
	pmu_start(&pmu);
	t0 = monotonic_raw_ns();
	ret = ctx->params->workload->run_once(ctx);
	t1 = monotonic_raw_ns();
	pmu_stop(&pmu, &s->pmu);
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
		       struct case_summary *sum, double *m[M_COUNT])
{
	const struct case_params *p = ctx->params;
	const struct workload *w = p->workload;
	int total = h->options->warmup + h->options->iterations, i;

	for (i = 0; i < total; i++) {
		struct sample s = { .params = p, .iteration = i - h->options->warmup,
				    .measure_cpu = ctx->measure_cpu, .remote_cpus = ctx->remote_cpus,
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
			ret = measure_once(h, ctx, &s);
		w->teardown(ctx);
		if (ret < 0)
			goto fail;
		if (s.iteration < 0)
			continue;
		report_sample(h->report, &s);
		record(sum, m, s.iteration, &s);
	}
	summarise(sum, m, h->options->iterations);
	return 0;
fail:
	summarise(sum, m, i - h->options->warmup > 0 ? i - h->options->warmup : 0);
	snprintf(sum->why, sizeof(sum->why), "%s", ctx->why);
	return -1;
}

static int case_check(struct harness *h, const struct case_params *p, struct case_summary *sum)
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
	if (p->cpus > h->nallowed) {
		snprintf(sum->why, sizeof(sum->why), "%d CPUs asked, %d available", p->cpus, h->nallowed);
		sum->failed = true;
		return -1;
	}
	return 0;
}

void harness_run_case(struct harness *h, const struct case_params *p, struct case_summary *sum)
{
	struct wl_ctx ctx = { .params = p, .measure_cpu = h->allowed[0], .remote_cpus = &h->allowed[1] };
	struct remote_set remotes;
	double *m[M_COUNT];
	int n = h->options->iterations;

	memset(sum, 0, sizeof(*sum));
	sum->params = *p;
	sum->model_flushes = model_flushes(&h->model, p->workload->name, p->backing, p->touch, p->size);
	if (case_check(h, p, sum) < 0)
		return;
	for (int i = 0; i < M_COUNT; i++)
		m[i] = calloc((size_t)n, sizeof(double));
	if (pin_self(ctx.measure_cpu) < 0)
		fprintf(stderr, "tlbbench: cannot pin the measuring thread to CPU %d\n", ctx.measure_cpu);
	/* The exit workload starts its remote threads in its child. */
	if (remote_start(&remotes, p->remote, ctx.remote_cpus, p->workload->owns_remote_threads ? 0 : p->cpus - 1,
			 sum->why, sizeof(sum->why)) < 0)
		sum->failed = true;
	else if (run_samples(h, &ctx, &remotes, sum, m) < 0)
		sum->failed = true;
	remote_stop(&remotes);
	for (int i = 0; i < M_COUNT; i++)
		free(m[i]);
}
