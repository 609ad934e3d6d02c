#define _GNU_SOURCE
#include "sample.h"

#include <stdio.h>

#include "units.h"

const enum metric_id case_metric_of[CASE_METRICS] = {
	[CM_WALL_NS] = METRIC_WALL_NS, [CM_NS_PER_GIB] = METRIC_NS_PER_GIB, [CM_FLUSHES] = METRIC_FLUSHES,
	[CM_FLUSHES_PER_GIB] = METRIC_FLUSHES_PER_GIB, [CM_IPIS_PER_GIB] = METRIC_IPIS_PER_GIB,
	[CM_BASELINE_NS] = METRICS, [CM_ACTIVATIONS_PER_GIB] = METRIC_ACTIVATIONS_PER_GIB,
};

const char *case_metric_name(enum case_metric m)
{
	return case_metric_of[m] == METRICS ? "baseline_ns" : sample_metrics[case_metric_of[m]].name;
}

const char *const case_stop_reasons[CASE_STOPS] = {
	[STOP_ITERATIONS] = "iterations", [STOP_CI_TARGET] = "ci_target", [STOP_MAX_ITERATIONS] = "max_iterations",
	[STOP_MAX_TIME] = "max_time",
};

void derive(const struct sample *s, struct derived *d)
{
	double gib = (double)s->params->size / GIB;
	uint64_t remote_ipis = 0;
	int64_t activations;
	int nremote = s->params->cpus - 1;

	d->ns_per_gib = (double)s->wall_ns / gib;
	d->flushes_per_gib = (double)s->kstat.flushes / gib;
	d->ipis_per_gib = (double)s->kstat.ipis / gib;
	for (int i = 1; i <= nremote; i++)
		remote_ipis += s->kstat.ipis_cpu[s->cpu_ids[i]];
	d->ipis_per_remote_ok = s->kstat.interrupts_ok && nremote > 0;
	d->ipis_per_remote_cpu = d->ipis_per_remote_ok ? (double)remote_ipis / nremote : 0;
	d->activations_ok = vmstat_delta_get(&s->vmstat, "pgactivate", &activations);
	d->activations_per_gib = (double)activations / gib;
}

bool sample_metric_value(const struct sample *s, const struct derived *d, bool local_mm_known, enum metric_id id,
			 double *v)
{
	const struct kstat_sample *ks = &s->kstat;

	switch (id) {
	case METRIC_WALL_NS: *v = (double)s->wall_ns; return true;
	case METRIC_FLUSHES: *v = (double)ks->flushes; return ks->flushes_ok;
	case METRIC_FLUSHES_FULL: *v = (double)ks->flushes_full; return ks->flushes_ok;
	case METRIC_FLUSHES_RANGED: *v = (double)(ks->flushes - ks->flushes_full); return ks->flushes_ok;
	case METRIC_FLUSHES_ALL_CPUS: *v = (double)ks->flushes_all_cpus; return ks->tracepoint_ok && local_mm_known;
	case METRIC_MODEL_FLUSHES: *v = (double)s->model_flushes; return s->model_flushes >= 0;
	case METRIC_IPIS: *v = (double)ks->ipis; return ks->interrupts_ok;
	case METRIC_IPIS_PER_REMOTE_CPU: *v = d->ipis_per_remote_cpu; return d->ipis_per_remote_ok;
	case METRIC_NS_PER_GIB: *v = d->ns_per_gib; return true;
	case METRIC_FLUSHES_PER_GIB: *v = d->flushes_per_gib; return ks->flushes_ok;
	case METRIC_IPIS_PER_GIB: *v = d->ipis_per_gib; return ks->interrupts_ok;
	case METRIC_ACTIVATIONS_PER_GIB: *v = d->activations_per_gib; return d->activations_ok;
	case METRICS: break;
	}
	return false;
}

/* Exactly: "0 MiB" would hide a 512 KiB case, and two sizes would read alike. */
static void size_text(size_t size, char *buf, size_t len)
{
	if (size % MIB)
		snprintf(buf, len, "%zu KiB", size >> 10);
	else
		snprintf(buf, len, "%zu MiB", size >> 20);
}

char *case_label(const struct case_params *p, char *buf, size_t len)
{
	char dose[48] = "", size[32];

	size_text(p->size, size, sizeof(size));
	if (p->dirty_tables != DIRTY_TABLES_NONE)
		snprintf(dose, sizeof(dose), " dirty_tables=%ld/%zu", p->dirty_tables, page_tables_of(p->size));
	snprintf(buf, len, "%s %s %s %s cpus=%d %s remote=%s populate=%s%s", p->workload->name,
		 backing_name(p->backing), touch_name(p->touch), size, p->cpus, p->placement->text,
		 remote_mode_name(p->remote), populate_name(p->populate), dose);
	return buf;
}

char *case_name(const struct case_params *p, char *buf, size_t len)
{
	char label[200];

	snprintf(buf, len, "%s: %s", p->sweep_name, case_label(p, label, sizeof(label)));
	return buf;
}
