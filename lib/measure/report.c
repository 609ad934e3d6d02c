#define _GNU_SOURCE
#include "report.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>

#include "units.h"
#include "workload.h"
#include "util.h"


static json_t *u64_or_null(bool ok, uint64_t v)
{
	return ok ? json_integer((json_int_t)v) : json_null();
}

static json_t *real_or_null(bool ok, double v)
{
	return ok ? json_real(v) : json_null();
}

static json_t *reasons_json(const struct kstat *k, const struct kstat_sample *ks)
{
	json_t *o;

	if (!ks->tracepoint_ok)
		return json_null();
	o = json_object();
	for (int i = 0; i < k->reasons.count; i++)
		json_object_set_new(o, k->reasons.name[i], json_integer((json_int_t)ks->by_reason[i]));
	return o;
}

static json_t *ipis_by_cpu_json(const struct kstat *k, const struct kstat_sample *ks)
{
	json_t *o;

	if (!ks->interrupts_ok)
		return json_null();
	o = json_object();
	for (int c = 0; c < k->ncpus; c++) {
		char key[16];

		snprintf(key, sizeof(key), "%d", k->cpu[c]);
		json_object_set_new(o, key, json_integer((json_int_t)ks->ipis_cpu[k->cpu[c]]));
	}
	return o;
}

/* One value per event, keyed like perf's names; running ratios if asked. */
static json_t *events_json(const struct report *r, const struct pmu_sample *p, bool ratios)
{
	json_t *o = json_object();

	for (int i = 0; i < r->events->count; i++) {
		char key[PMU_NAME_LEN];

		pmu_event_key(r->events->list[i], key, sizeof(key));
		json_object_set_new(o, key, real_or_null(i < p->count && p->ok[i], ratios ? p->running[i] : p->value[i]));
	}
	return o;
}

void case_params_json(json_t *o, const struct case_params *p)
{
	json_object_set_new(o, "op", json_string(p->workload->name));
	json_object_set_new(o, "backing", json_string(backing_name(p->backing)));
	json_object_set_new(o, "touch", json_string(touch_name(p->touch)));
	json_object_set_new(o, "populate", json_string(populate_name(p->populate)));
	json_object_set_new(o, "dirty_tables",
			    p->dirty_tables == DIRTY_TABLES_NONE ? json_null() : json_integer(p->dirty_tables));
	json_object_set_new(o, "page_tables", json_integer((json_int_t)page_tables_of(p->size)));
	json_object_set_new(o, "size_bytes", json_integer((json_int_t)p->size));
	json_object_set_new(o, "cpus", json_integer(p->cpus));
	json_object_set_new(o, "remote_mode", json_string(remote_mode_name(p->remote)));
	json_object_set_new(o, "placement", json_string(p->placement->text));
	json_object_set_new(o, "sweep", json_string(p->sweep_name));
}

/* The mapping as setup left it, in bytes: the state the op met. */
static json_t *smaps_json(const struct sample *s)
{
	const struct smaps_vma *v = &s->smaps;

	if (!s->smaps_ok)
		return json_null();
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "rss", (json_int_t)v->rss, "referenced",
			 (json_int_t)v->referenced, "dirty", (json_int_t)(v->shared_dirty + v->private_dirty),
			 "shared_dirty", (json_int_t)v->shared_dirty, "private_dirty", (json_int_t)v->private_dirty,
			 "anon_huge", (json_int_t)v->anon_huge, "pmd_mapped", (json_int_t)(v->shmem_pmd + v->file_pmd));
}

/* Every /proc/vmstat counter the op changed (system-wide, whoever changed it). */
static json_t *vmstat_delta_json(const struct vmstat_delta *d)
{
	json_t *o;

	if (!d->ok)
		return json_null();
	o = json_object();
	for (int i = 0; i < d->n; i++)
		json_object_set_new(o, d->name[i], json_integer((json_int_t)d->delta[i]));
	return o;
}

/* The sample as the JSON object written to samples.jsonl. */
static json_t *sample_json(const struct report *r, const struct sample *s)
{
	const struct case_params *p = s->params;
	const struct kstat_sample *ks = &s->kstat;
	json_t *o = json_object(), *remote = json_array(), *vm = json_null();
	struct derived d;

	derive(s, &d);
	for (int i = 1; i < p->cpus; i++)
		json_array_append_new(remote, json_integer(s->cpu_ids[i]));
	/* nr_tlb_*: from the op's vmstat delta, where the kernel has them. */
	if (r->kstat->have_vmstat && s->vmstat.ok) {
		vm = json_object();
		for (int i = 0; i < VMSTAT_TLB_COUNT; i++) {
			int64_t v;

			vmstat_delta_get(&s->vmstat, vmstat_tlb_names[i], &v);
			json_object_set_new(vm, vmstat_tlb_names[i], json_integer((json_int_t)v));
		}
	}
	case_params_json(o, p);
	json_object_set_new(o, "measure_cpu", json_integer(s->cpu_ids[0]));
	json_object_set_new(o, "remote_cpus", remote);
	json_object_set_new(o, "iteration", json_integer(s->iteration));
	for (int m = 0; m < METRICS; m++) {
		double v;

		if (!sample_metric_value(s, &d, r->kstat->reasons.local_mm >= 0, (enum metric_id)m, &v))
			json_object_set_new(o, sample_metrics[m].name, json_null());
		else
			json_object_set_new(o, sample_metrics[m].name,
					    sample_metrics[m].integer ? json_integer((json_int_t)v) : json_real(v));
	}
	if (p->workload->baseline_label)
		json_object_set_new(o, p->workload->baseline_label, u64_or_null(s->has_baseline, s->baseline_ns));
	json_object_set_new(o, "flushes_by_reason", reasons_json(r->kstat, ks));
	json_object_set_new(o, "ipis_by_cpu", ipis_by_cpu_json(r->kstat, ks));
	json_object_set_new(o, "vmstat", vm);
	json_object_set_new(o, "vmstat_delta", vmstat_delta_json(&s->vmstat));
	json_object_set_new(o, "smaps", smaps_json(s));
	json_object_set_new(o, "events", events_json(r, &s->pmu, false));
	json_object_set_new(o, "events_running_ratio", events_json(r, &s->pmu, true));
	json_object_set_new(o, "events_remote_cpus", p->cpus > 1 ? events_json(r, &s->pmu_remote, false) : json_null());
	return o;
}

/* CSV mirrors the JSON: a null becomes an empty cell. */
static void csv_value(FILE *f, const json_t *v)
{
	fputc(',', f);
	if (json_is_integer(v))
		fprintf(f, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	else if (json_is_real(v))
		fprintf(f, "%.6g", json_real_value(v));
	else if (json_is_string(v))
		fputs(json_string_value(v), f);
}

/* The scalar columns: the case's, the sample's, wall_ns, each workload's
 * reference (its baseline_label, from bench/workloads.c), then the other metrics. */
static const char *const csv_before[] = {
	"backing", "touch", "populate", "dirty_tables", "page_tables", "size_bytes", "cpus", "remote_mode", "placement",
	"sweep", "measure_cpu", "iteration",
};
#define N_OF(a) (int)(sizeof(a) / sizeof((a)[0]))

/* The scalar column names in order into r. */
static void name_csv_scalars(struct report *r)
{
	const char **out = r->csv_scalars;
	int n = 0;

	for (int i = 0; i < N_OF(csv_before); i++)
		out[n++] = csv_before[i];
	out[n++] = sample_metrics[METRIC_WALL_NS].name;
	for (int w = 0; w < workload_count && n < REPORT_MAX_CSV_SCALARS - METRICS; w++) {
		bool seen = !workloads[w]->baseline_label;

		for (int j = 0; j < n && !seen; j++)
			seen = strcmp(out[j], workloads[w]->baseline_label) == 0;
		if (!seen)
			out[n++] = workloads[w]->baseline_label;
	}
	for (int m = METRIC_WALL_NS + 1; m < METRICS; m++)
		out[n++] = sample_metrics[m].name;
	r->ncsv_scalars = n;
}
/* Per event: its value on the op's task, its running ratio, its sum on the remote CPUs. */
static const char *const csv_event_groups[] = { "events", "events_running_ratio", "events_remote_cpus" };
static const char *const csv_event_prefixes[] = { "", "running_", "remote_" };

static void csv_header(struct report *r)
{
	char key[PMU_NAME_LEN];

	fputs("op", r->csv);
	for (int i = 0; i < r->ncsv_scalars; i++)
		fprintf(r->csv, ",%s", r->csv_scalars[i]);
	for (int i = 0; r->kstat->tracepoint_id >= 0 && i < r->kstat->reasons.count; i++)
		fprintf(r->csv, ",flushes_%s", r->kstat->reasons.name[i]);
	for (int i = 0; i < VMSTAT_TLB_COUNT; i++)
		fprintf(r->csv, ",%s", vmstat_tlb_names[i]);
	for (int g = 0; g < 3; g++)
		for (int i = 0; i < r->events->count; i++) {
			pmu_event_key(r->events->list[i], key, sizeof(key));
			fprintf(r->csv, ",%s%s", csv_event_prefixes[g], key);
		}
	fputc('\n', r->csv);
	fflush(r->csv);
}

static void csv_row(struct report *r, const json_t *o)
{
	const json_t *reasons = json_object_get(o, "flushes_by_reason");
	const json_t *vm = json_object_get(o, "vmstat");
	char key[PMU_NAME_LEN];

	fputs(json_string_value(json_object_get(o, "op")), r->csv);
	for (int i = 0; i < r->ncsv_scalars; i++)
		csv_value(r->csv, json_object_get(o, r->csv_scalars[i]));
	for (int i = 0; r->kstat->tracepoint_id >= 0 && i < r->kstat->reasons.count; i++)
		csv_value(r->csv, json_object_get(reasons, r->kstat->reasons.name[i]));
	for (int i = 0; i < VMSTAT_TLB_COUNT; i++)
		csv_value(r->csv, json_object_get(vm, vmstat_tlb_names[i]));
	for (int g = 0; g < 3; g++)
		for (int i = 0; i < r->events->count; i++) {
			pmu_event_key(r->events->list[i], key, sizeof(key));
			csv_value(r->csv, json_object_get(json_object_get(o, csv_event_groups[g]), key));
		}
	fputc('\n', r->csv);
}

static FILE *open_in(const char *dir, const char *name, const char *mode, char *why, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, mode);
	if (!f)
		snprintf(why, len, "cannot write %s: %s", path, strerror(errno));
	return f;
}

int report_open(struct report *r, const char *dir, const json_t *meta, const struct kstat *k,
		const struct event_set *events, bool append, char *why, size_t len)
{
	char path[4096];

	memset(r, 0, sizeof(*r));
	r->kstat = k;
	r->events = events;
	name_csv_scalars(r);
	if (mkdir_p(dir) < 0) {
		snprintf(why, len, "cannot create output directory '%s': %s", dir, strerror(errno));
		return -1;
	}
	snprintf(path, sizeof(path), "%s/meta.json", dir);
	if (json_dump_file(meta, path, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0) {
		snprintf(why, len, "cannot write %s", path);
		return -1;
	}
	r->jsonl = open_in(dir, "samples.jsonl", append ? "ae" : "we", why, len);
	r->csv = r->jsonl ? open_in(dir, "samples.csv", append ? "ae" : "we", why, len) : NULL;
	r->cases = r->csv ? open_in(dir, "cases.jsonl", "we", why, len) : NULL;
	if (!r->cases)
		return -1;
	if (!append)
		csv_header(r);
	return 0;
}

void report_sample(struct report *r, const struct sample *s)
{
	json_t *o = sample_json(r, s);
	char *line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);

	fprintf(r->jsonl, "%s\n", line);
	fflush(r->jsonl);
	csv_row(r, o);
	fflush(r->csv);
	free(line);
	json_decref(o);
}

void report_failed_sample(struct report *r, const struct sample *s, const char *why)
{
	json_t *o = json_object();
	char *line;

	case_params_json(o, s->params);
	json_object_set_new(o, "measure_cpu", json_integer(s->cpu_ids[0]));
	json_object_set_new(o, "iteration", json_integer(s->iteration));
	json_object_set_new(o, "failed", json_string(why));
	line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	fprintf(r->jsonl, "%s\n", line);
	fflush(r->jsonl);
	free(line);
	json_decref(o);
}

static void sink_sample(void *ctx, const struct sample *s)
{
	report_sample(ctx, s);
}

static void sink_failed_sample(void *ctx, const struct sample *s, const char *why)
{
	report_failed_sample(ctx, s, why);
}

static void sink_case_done(void *ctx, const struct case_summary *sum)
{
	report_case(ctx, sum);
}

struct sample_sink report_sink(struct report *r)
{
	return (struct sample_sink){ .ctx = r, .sample = sink_sample, .failed_sample = sink_failed_sample,
				     .case_done = sink_case_done };
}

void report_close(struct report *r)
{
	if (r->jsonl)
		fclose(r->jsonl);
	if (r->csv)
		fclose(r->csv);
	if (r->cases)
		fclose(r->cases);
	r->jsonl = r->csv = r->cases = NULL;
}

static json_t *summary_json(const struct summary *s, const int *outlier_at)
{
	json_t *o = json_object(), *at = json_array();
	const struct { const char *name; double value; } f[] = {
		{ "median", s->median }, { "ci_lo", s->ci_lo }, { "ci_hi", s->ci_hi }, { "mean", s->mean },
		{ "sd", s->sd }, { "cv", s->cv }, { "min", s->min }, { "max", s->max }, { "p5", s->p5 },
		{ "p95", s->p95 },
	};

	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		json_object_set_new(o, f[i].name, real_or_null(!isnan(f[i].value), f[i].value));
	json_object_set_new(o, "outliers", json_integer((json_int_t)s->outliers));
	for (size_t i = 0; i < s->outliers && i < CASE_MAX_OUTLIERS; i++)
		json_array_append_new(at, json_integer(outlier_at[i]));
	json_object_set_new(o, "outlier_iterations", at);
	return o;
}

void report_case(struct report *r, const struct case_summary *sum)
{
	const struct case_params *p = &sum->params;
	json_t *o = json_object(), *stats = json_object();
	bool ok[CASE_METRICS] = { true, true, sum->flushes_ok, sum->flushes_ok, sum->ipis_ok, sum->baseline_ok,
				  sum->activations_ok };
	char *line;

	case_params_json(o, p);
	json_object_set_new(o, "samples", json_integer(sum->samples));
	json_object_set_new(o, "failed_samples", json_integer(sum->failed_samples));
	json_object_set_new(o, "stop_reason", sum->stop_reason ? json_string(sum->stop_reason) : json_null());
	json_object_set_new(o, "status", json_string(sum->skipped ? "skipped" : sum->failed ? "failed" :
						     sum->interrupted ? "interrupted" : "ok"));
	json_object_set_new(o, "why", sum->why[0] ? json_string(sum->why) : json_null());
	json_object_set_new(o, "model_flushes", sum->model_flushes < 0 ? json_null() : json_integer(sum->model_flushes));
	for (int m = 0; sum->samples && m < CASE_METRICS; m++)
		if (ok[m])
			json_object_set_new(stats, case_metric_name((enum case_metric)m), summary_json(&sum->stat[m], sum->outlier_at[m]));
	json_object_set_new(o, "stats", stats);
	line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	fprintf(r->cases, "%s\n", line);
	fflush(r->cases);
	free(line);
	json_decref(o);
}
