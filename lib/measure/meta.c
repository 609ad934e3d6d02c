/* meta.json: what a result directory records of the run that made it. */
#define _GNU_SOURCE
#include "meta.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "results.h"
#include "revision.h"
#include "sysinfo.h"
#include "util.h"
#include "workload.h"

json_t *counters_json(const struct kstat *k, const struct pmu_set *g)
{
	json_t *o = json_object(), *tp = json_object(), *reasons = json_object(), *events = json_object();

	for (int i = 0; i < k->reasons.count; i++)
		json_object_set_new(reasons, k->reasons.name[i], json_integer(k->reasons.code[i]));
	json_object_set_new(tp, "supported", json_boolean(k->tracepoint_id >= 0));
	if (k->tracepoint_id < 0)
		json_object_set_new(tp, "why_not", json_string(k->tracepoint_unsupported));
	json_object_set_new(tp, "tracefs", k->tracefs[0] ? json_string(k->tracefs) : json_null());
	json_object_set_new(tp, "reasons", reasons);
	json_object_set_new(o, "tlb_flush_tracepoint", tp);
	json_object_set_new(o, "interrupts_tlb", json_boolean(k->have_interrupts));
	if (!k->have_interrupts)
		json_object_set_new(o, "interrupts_tlb_why_not", json_string(kstat_interrupts_why_not(k)));
	json_object_set_new(o, "vmstat_nr_tlb", json_boolean(k->have_vmstat));
	if (!k->have_vmstat)
		json_object_set_new(o, "vmstat_nr_tlb_why_not", json_string(kstat_vmstat_why_not(k)));
	for (int i = 0; i < g->count; i++)
		json_object_set_new(events, g->ev[i].name,
				    g->ev[i].fd >= 0 ? json_string("supported")
						     : json_sprintf("<not supported> (%s)", g->ev[i].unsupported));
	json_object_set_new(o, "events", events);
	return o;
}

json_t *counters_probe_json(const struct kstat *k)
{
	struct pmu_set g;
	char why[256];
	json_t *o;

	if (pmu_init(why, sizeof(why)) < 0)
		fprintf(stderr, "tlbbench: %s\n", why);
	pmu_open(&g, pmu_default_events, pmu_default_event_count, 0, -1);
	o = counters_json(k, &g);
	pmu_close(&g);
	return o;
}

/* The config as read, so a resumed run can tell it has not changed. */
static json_t *config_json(const char *path)
{
	char full[PATH_MAX];
	char *text = read_text_file(path);
	json_t *o;

	if (!text || !realpath(path, full)) {
		free(text);
		return json_null();
	}
	o = json_pack("{s:s, s:s}", "path", full, "text", text);
	free(text);
	return o ? o : json_null();
}

/* Now, as meta.json's timestamps are written. */
static void utc_now(char *buf, size_t len)
{
	time_t now = time(NULL);

	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
}

/* The workloads and what the analysis needs to know of them (lib/analyze/results.c):
 * how the model predicts their zap, their reference field, whether they set
 * their own page state (the calibration). */
static json_t *workloads_json(void)
{
	static const char *const zaps[] = { [MODEL_ZAP_NONE] = "none", [MODEL_ZAP_UNMAP] = "unmap",
					    [MODEL_ZAP_DONTNEED] = "dontneed" };
	json_t *a = json_array();

	for (int w = 0; w < workload_count; w++) {
		const struct workload *wl = workloads[w];

		json_array_append_new(a, json_pack("{s:s, s:s, s:s?, s:b}", "name", wl->name, "model_zap", zaps[wl->model_zap],
						   "reference", wl->baseline_label, "own_page_state", wl->own_page_state));
	}
	return a;
}

json_t *meta_json(int argc, char **argv, const char *config, bool interleave, const struct harness *h,
		  const struct pmu_set *g)
{
	char cwd[PATH_MAX];
	json_t *meta = json_object(), *cmd = json_array(), *scopes;
	char when[64];

	utc_now(when, sizeof(when));
	for (int i = 0; i < argc; i++)
		json_array_append_new(cmd, json_string(argv[i]));
	scopes = json_pack("{s:s, s:s}", "events", "the task doing the op (per thread, user+kernel)",
			   "events_remote_cpus", "CPU-wide on the remote CPUs, summed (all tasks there)");
	json_object_set_new(meta, "tlbbench_version", json_string(TLBBENCH_VERSION));
	json_object_set_new(meta, "results_format", json_integer(RESULTS_FORMAT));
	json_object_set_new(meta, "git_revision", json_string(TLBBENCH_GIT_REV));
	json_object_set_new(meta, "started", json_string(when));
	json_object_set_new(meta, "command_line", cmd);
	json_object_set_new(meta, "cwd", getcwd(cwd, sizeof(cwd)) ? json_string(cwd) : json_null());
	json_object_set_new(meta, "config", config ? config_json(config) : json_null());
	json_object_set_new(meta, "order", json_string(interleave ? "interleave" : "sequential"));
	json_object_set_new(meta, "info", sysinfo_collect());
	json_object_set_new(meta, "topology", json_string(h->topo->summary));
	json_object_set_new(meta, "counters", counters_json(&h->kstat, g));
	json_object_set_new(meta, "event_scopes", scopes);
	json_object_set_new(meta, "kernel_model", model_json(&h->model));
	json_object_set_new(meta, "workloads", workloads_json());
	return meta;
}

void meta_note_resumed(json_t *meta)
{
	json_t *resumed = json_object_get(meta, "resumed");
	char when[64];

	utc_now(when, sizeof(when));
	if (!json_is_array(resumed)) {
		resumed = json_array();
		json_object_set_new(meta, "resumed", resumed);
	}
	json_array_append_new(resumed, json_string(when));
}
