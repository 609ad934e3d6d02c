/* A result directory read back: samples.jsonl grouped by case, one array of
 * values per metric, for compare, analyze and plot. */
#ifndef TLBBENCH_RESULTS_H
#define TLBBENCH_RESULTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#define RESULTS_MAX_METRICS 320
/* The layout of meta.json and samples.jsonl that run writes (meta.json:
 * results_format); a directory without it is format 1. */
#define RESULTS_FORMAT 1

struct result_case {
	char key[256];   /* the parameters that identify a case across runs */
	char label[160]; /* short form for tables */
	json_t *params;  /* op, backing, touch, populate, dirty_tables, size_bytes, cpus, remote_mode, placement */
	size_t n;
	unsigned char *vmstat_read; /* per sample: vmstat_delta was read (an unchanged counter is 0, not unread) */
	double *values[RESULTS_MAX_METRICS]; /* per metric, n values; NAN where the sample had null */
};

/* A workload as meta.json describes it (older runs: as tlbbench then had them). */
struct result_workload {
	char name[32];
	bool modelled;     /* the model predicts its zap (munmap, MADV_DONTNEED): the forced flush is priced on it */
	bool calibration;  /* it sets its own page state and times a reference beside it (flush_cost) */
	char reference[64]; /* its reference field, a metric ("" none) */
};
#define RESULTS_MAX_WORKLOADS 16

struct result_set {
	char dir[512];
	json_t *meta;
	int nworkloads;
	struct result_workload workloads[RESULTS_MAX_WORKLOADS];
	int nmetrics;
	char metrics[RESULTS_MAX_METRICS][64]; /* "wall_ns", ..., "events.task_clock", "vmstat_delta.pgfree" */
	int ncases;
	struct result_case *cases;
};

/* -1 with why, one line (rs then holds nothing): no directory, no tlbbench
 * meta.json, a newer results format, no samples, a line that is not a tlbbench
 * sample (file:line). A last line cut off by a crash is skipped with one
 * warning on stderr. */
int results_load(const char *dir, struct result_set *rs, char *why, size_t len);
void results_free(struct result_set *rs);

/* The key (parameters that identify a case across runs) and short label of a
 * sample's or case line's parameters. */
void results_case_key(const json_t *params, char *key, size_t klen, char *label, size_t llen);
const struct result_case *results_find(const struct result_set *rs, const char *key);
/* The workload of a case's op, or NULL. */
const struct result_workload *results_workload(const struct result_set *rs, const struct result_case *c);
int results_metric_index(const struct result_set *rs, const char *metric);
/* The non-NAN values of one metric of a case (none when metric < 0), in a
 * malloc'd array of *n the caller frees; NULL only when out of memory. */
double *results_values(const struct result_case *c, int metric, size_t *n);
/* The median of one metric of a case; NAN when it was never read. */
double results_median(const struct result_set *rs, const struct result_case *c, const char *metric);

#endif
