#define _GNU_SOURCE
#include "sample.h"

#include <stdio.h>

#include "units.h"

const char *const case_metric_names[CASE_METRICS] = {
	"wall_ns", "ns_per_gib", "flushes", "flushes_per_gib", "ipis_per_gib", "baseline_ns", "activations_per_gib",
};

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

char *case_label(const struct case_params *p, char *buf, size_t len)
{
	char dose[48] = "";

	if (p->dirty_tables != DIRTY_TABLES_NONE)
		snprintf(dose, sizeof(dose), " dirty_tables=%ld/%zu", p->dirty_tables, page_tables_of(p->size));
	snprintf(buf, len, "%s %s %s %zu MiB cpus=%d %s remote=%s populate=%s%s", p->workload->name,
		 backing_name(p->backing), touch_name(p->touch), p->size >> 20, p->cpus, p->placement->text,
		 remote_mode_name(p->remote), populate_name(p->populate), dose);
	return buf;
}
