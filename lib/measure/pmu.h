/* perf_event counters with event strings encoded by libpfm4: software events
 * in one group, hardware events in groups small enough for any x86 PMU, each
 * group read at once and scaled for multiplexing. */
#ifndef TLBBENCH_PMU_H
#define TLBBENCH_PMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define PMU_MAX_EVENTS 16
#define PMU_NAME_LEN 96
#define PMU_GROUP_HW_MAX 4 /* hardware events per group */

struct pmu_event {
	char name[PMU_NAME_LEN]; /* as the user wrote it */
	char unsupported[240];   /* empty when the event opened */
	int fd;
	int leader;              /* index of its group's leader */
	bool software;
};

struct pmu_set {
	int count;
	struct pmu_event ev[PMU_MAX_EVENTS];
};

struct pmu_sample {
	int count;
	bool ok[PMU_MAX_EVENTS];         /* false: not supported, or never got a counter */
	double value[PMU_MAX_EVENTS];    /* scaled: raw * enabled / running */
	double running[PMU_MAX_EVENTS];  /* running / enabled of its group: 1.0 when not multiplexed */
};

extern const char *const pmu_default_events[];
extern const int pmu_default_event_count;

/* Initialise libpfm4; -1 with a message in why. */
int pmu_init(char *why, size_t len);
/* Open events on a task (pid 0 = the calling thread, cpu -1) or on a CPU
 * (pid -1, cpu N); what fails is kept with its reason. */
void pmu_open(struct pmu_set *s, const char *const *names, int n, pid_t pid, int cpu);
void pmu_close(struct pmu_set *s);
void pmu_start(struct pmu_set *s);
void pmu_stop(struct pmu_set *s, struct pmu_sample *out);
/* sum += add, event by event; an event missing from either is missing from the sum. */
void pmu_sample_add(struct pmu_sample *sum, const struct pmu_sample *add);
/* "dTLB-load-misses" -> "dtlb_load_misses": a key for JSON and CSV. */
void pmu_event_key(const char *name, char *key, size_t len);

#endif
