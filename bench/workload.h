/* A workload is one teardown operation. Each fills one struct workload; the
 * harness (lib/measure/harness.c) owns threads, placement, counters and timing. */
#ifndef TLBBENCH_WORKLOAD_H
#define TLBBENCH_WORKLOAD_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "mapping.h"
#include "model.h"
#include "remote.h"

struct placement;

/* One point of a sweep: what to tear down, how big, with how many CPUs where. */
struct case_params {
	const struct workload *workload;
	enum backing backing;
	enum touch touch;
	enum populate populate;
	long dirty_tables;        /* dose-response: page tables whose first page is dirtied; DIRTY_TABLES_NONE */
	size_t size;
	int cpus;                 /* measuring thread + cpus-1 remote threads */
	enum remote_mode remote;
	const struct placement *placement;
	const char *file_dir;
	int iterations, warmup;   /* with ci_target, iterations is the minimum */
	double ci_target;         /* sample until the median's 95 % CI half-width is this fraction; 0: off */
	int max_iterations;       /* ... or this many samples */
	double max_time_s;        /* ... or this long (0: no limit) */
	const char *sweep_name;   /* "sweep" or a config's [case NAME] */
};

struct wl_ctx {
	const struct case_params *params;
	const struct topo *topo;
	const hwloc_obj_t *pus;   /* params->cpus PUs: [0] the measuring thread's, then the remote threads' */
	const int *cpu_ids;       /* their OS indexes */
	struct mapping map;       /* map.smaps: the state setup left (the exit child's, copied) */
	pid_t measured_pid;       /* task the per-thread counters follow: 0 = the harness's thread */
	uint64_t op_start_ns;     /* set by workloads that stamp the op's start themselves */
	uint64_t op_ns;           /* set by workloads that time only part of run_once themselves */
	uint64_t reference_ns;    /* set by workloads that time a reference inside run_once */
	void *priv;
	char why[512];            /* reason for a -1 from setup or run_once */
};

/* From setup, run_once or baseline: this sample failed (ctx->why says how, e.g.
 * a child killed by a signal); it is recorded as failed and the case goes on.
 * -1 refuses the case. */
#define WL_SAMPLE_FAILED 1

struct workload {
	const char *name;
	const char *description;
	bool owns_remote_threads; /* the workload starts them itself (in a child) */
	/* Map and touch; not timed. -1 with ctx->why: the case is refused;
	 * WL_SAMPLE_FAILED: this sample is. */
	int (*setup)(struct wl_ctx *ctx);
	/* The timed operation. */
	int (*run_once)(struct wl_ctx *ctx);
	void (*teardown)(struct wl_ctx *ctx);
	/* Optional reference timed alone each sample (exit with no mapping). */
	int (*baseline)(struct wl_ctx *ctx, uint64_t *ns);
	/* The sample field of the reference, from baseline or ctx->reference_ns. */
	const char *baseline_label;
	/* How lib/measure/model.c predicts its flushes (MODEL_ZAP_NONE: it does not). */
	enum model_zap model_zap;
	/* It sets its own page state, so a dose-response (dirty_tables) cannot apply. */
	bool own_page_state;
};

extern const struct workload *const workloads[];
extern const int workload_count;

/* The workload of that name: its index in workloads[] (-1), or itself (NULL). */
int workload_index(const char *name);
const struct workload *workload_find(const char *name);

/* The case's mapping as mapping_create takes it. */
struct mapping_spec case_mapping_spec(const struct case_params *p);

/* Setup and teardown shared by the in-process workloads: the case's mapping. */
int workload_map_setup(struct wl_ctx *ctx);
void workload_map_teardown(struct wl_ctx *ctx);

#endif
