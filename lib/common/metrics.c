#include "metrics.h"

const struct metric_def sample_metrics[METRICS] = {
	[METRIC_WALL_NS] = { "wall_ns", true, 1, "never" },
	[METRIC_FLUSHES] = { "flushes", true, 3, "the tracepoint cannot be counted on the op's task" },
	[METRIC_FLUSHES_FULL] = { "flushes_full", true, 0, "as flushes" },
	[METRIC_FLUSHES_RANGED] = { "flushes_ranged", true, 0, "as flushes" },
	[METRIC_FLUSHES_ALL_CPUS] = { "flushes_all_cpus", true, 0,
				      "the tracepoint cannot be counted per CPU, or has no local MM reason" },
	[METRIC_MODEL_FLUSHES] = { "model_flushes", true, 0, "the model makes no prediction for the case" },
	[METRIC_IPIS] = { "ipis", true, 5, "/proc/interrupts has no TLB line" },
	[METRIC_IPIS_PER_REMOTE_CPU] = { "ipis_per_remote_cpu", false, 0, "no TLB line, or no remote CPU" },
	[METRIC_NS_PER_GIB] = { "ns_per_gib", false, 2, "never" },
	[METRIC_FLUSHES_PER_GIB] = { "flushes_per_gib", false, 4, "as flushes" },
	[METRIC_IPIS_PER_GIB] = { "ipis_per_gib", false, 6, "as ipis" },
	[METRIC_ACTIVATIONS_PER_GIB] = { "activations_per_gib", false, 7, "/proc/vmstat's pgactivate was not read" },
};
