/* What a run measures, as records: one sample of a case (and what is
 * derived from it per GiB), a case's summary, what an interrupted run left
 * of a case, and the sink the harness hands them to. The measuring half
 * (lib/measure/harness.c, lib/measure/measure.c) fills them; the report writes them. */
#ifndef TLBBENCH_SAMPLE_H
#define TLBBENCH_SAMPLE_H

#include <stdbool.h>
#include <stdint.h>

#include "kstat.h"
#include "pmu.h"
#include "mapping.h"
#include "metrics.h"
#include "stats.h"
#include "sweep.h"
#include "vmstat.h"

struct sample {
	const struct case_params *params;
	int case_index;         /* of params among the run's cases: two cases may have the same params */
	int iteration;
	const int *cpu_ids;     /* params->cpus OS indexes: [0] measuring, then remote */
	uint64_t wall_ns;
	bool has_baseline;
	uint64_t baseline_ns;
	long model_flushes;     /* -1: no prediction */
	struct kstat_sample kstat;
	bool smaps_ok;
	struct smaps_vma smaps;       /* the mapping as setup left it */
	struct vmstat_delta vmstat;   /* /proc/vmstat counters the op changed (system-wide) */
	struct pmu_sample pmu;        /* the task doing the op */
	struct pmu_sample pmu_remote; /* CPU-wide on the remote CPUs, summed */
};

/* Values per GiB and per remote CPU, derived the same way everywhere. */
struct derived {
	double ns_per_gib, flushes_per_gib, ipis_per_gib, ipis_per_remote_cpu;
	double activations_per_gib; /* vmstat pgactivate during the op */
	bool ipis_per_remote_ok, activations_ok;
};

#define CASE_MAX_OUTLIERS 32
/* A case stops, failed, after this many failed samples in a row. */
#define CASE_MAX_FAILED_IN_A_ROW 3

/* What a case's summary holds statistics of. */
enum case_metric {
	CM_WALL_NS, CM_NS_PER_GIB, CM_FLUSHES, CM_FLUSHES_PER_GIB, CM_IPIS_PER_GIB, CM_BASELINE_NS,
	CM_ACTIVATIONS_PER_GIB, CASE_METRICS
};
/* The metric of lib/common/metrics.c each one is; METRICS for CM_BASELINE_NS, the
 * workload's reference (its baseline_label). */
extern const enum metric_id case_metric_of[CASE_METRICS];
/* Its name in cases.jsonl: the metric's, or "baseline_ns". */
const char *case_metric_name(enum case_metric m);

/* Why a case stopped sampling, as cases.jsonl's stop_reason says it. */
enum case_stop { STOP_ITERATIONS, STOP_CI_TARGET, STOP_MAX_ITERATIONS, STOP_MAX_TIME, CASE_STOPS };
extern const char *const case_stop_reasons[CASE_STOPS];

struct case_summary {
	struct case_params params;
	int case_index;          /* among the run's cases, as its samples' */
	int samples;
	int failed_samples;      /* recorded as failed, not measured (WL_SAMPLE_FAILED) */
	bool skipped, failed, interrupted;
	char why[512];
	const char *stop_reason; /* one of case_stop_reasons */
	long model_flushes;
	struct summary stat[CASE_METRICS];
	int outlier_at[CASE_METRICS][CASE_MAX_OUTLIERS]; /* iterations of the first outliers */
	bool flushes_ok, ipis_ok, baseline_ok, activations_ok;
};

/* What -x prints of a sample (lib/measure/stat_csv.c): each metric, then each perf event. */
#define PRINTED_VALUES (METRICS + PMU_MAX_EVENTS)

/* A case as an interrupted run left it (lib/measure/resume.c reads it back): the
 * harness goes on from there. */
struct case_prior {
	int n;                  /* measured samples kept */
	double *v[CASE_METRICS];
	int *iteration;         /* of each kept sample */
	double *printed[PRINTED_VALUES]; /* what -x prints of each kept sample: NAN where unread */
	double printed_running[PMU_MAX_EVENTS]; /* each event's running ratios, summed where it was read */
	bool flushes_ok, ipis_ok, baseline_ok, activations_ok; /* as record() sets them */
	int next_iteration;     /* one past the highest iteration taken, failed ones too */
	int failed_samples;
	bool finished;          /* cases.jsonl has it, not interrupted: nothing left to take */
	bool skipped, failed;
	const char *stop_reason;
	char why[512];
};

/* Where the harness hands what it measures, as it measures it: each sample
 * (or a failed one, with why) and each case's summary. run binds it to the
 * report; a test can bind its own. */
struct sample_sink {
	void *ctx;
	void (*sample)(void *ctx, const struct sample *s);
	void (*failed_sample)(void *ctx, const struct sample *s, const char *why);
	void (*case_done)(void *ctx, const struct case_summary *sum);
};

void derive(const struct sample *s, struct derived *d);
/* Metric id of sample s (derived d): false when the sample holds null (the
 * counter could not be read; see sample_metrics[id].null_when). local_mm_known:
 * the tracepoint names the reason a CPU gives its own flushes. */
bool sample_metric_value(const struct sample *s, const struct derived *d, bool local_mm_known, enum metric_id id,
			 double *v);
/* "munmap shmem dirty 1024 MiB cpus=2 compact remote=spin populate=fault"; a size in
 * no whole MiB in KiB ("512 KiB"): sizes are whole pages. */
char *case_label(const struct case_params *p, char *buf, size_t len);
/* "SWEEP: label": a case as --dry-run lists it and -x names it (two sweeps may hold the same params). */
char *case_name(const struct case_params *p, char *buf, size_t len);

#endif
