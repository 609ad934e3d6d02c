/* The metrics of a sample, in one table for the writer of samples.jsonl and
 * samples.csv (lib/measure/report.c) and the reader behind compare, analyze
 * and plot (lib/analyze/results.c). A workload's reference field (its
 * baseline_label: exit_no_mapping_ns, absent_page_ns) is a metric too: a run
 * lists its workloads, and their references, in meta.json's workloads. */
#ifndef TLBBENCH_METRICS_H
#define TLBBENCH_METRICS_H

#include <stdbool.h>

enum metric_id {
	METRIC_WALL_NS,
	METRIC_FLUSHES,
	METRIC_FLUSHES_FULL,
	METRIC_FLUSHES_RANGED,
	METRIC_FLUSHES_ALL_CPUS,
	METRIC_MODEL_FLUSHES,
	METRIC_IPIS,
	METRIC_IPIS_PER_REMOTE_CPU,
	METRIC_NS_PER_GIB,
	METRIC_FLUSHES_PER_GIB,
	METRIC_IPIS_PER_GIB,
	METRIC_ACTIVATIONS_PER_GIB,
	METRICS
};

struct metric_def {
	const char *name;      /* the samples.jsonl key and samples.csv column */
	bool integer;          /* a count or nanoseconds; else a real */
	int compare_order;     /* its place among the metrics read back (1 first); 0: not read back */
	const char *null_when; /* when a sample holds null instead */
};

/* In samples.csv's order; the workloads' references go after wall_ns. */
extern const struct metric_def sample_metrics[METRICS];

#endif
