/* perf_event counters of the measuring thread, event strings encoded by
 * libpfm4, read as one group and scaled for multiplexing. */
#ifndef TLBBENCH_PMU_H
#define TLBBENCH_PMU_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define PMU_MAX_EVENTS 16
#define PMU_NAME_LEN 96

struct pmu_event {
	char name[PMU_NAME_LEN];     /* as the user wrote it */
	char unsupported[200];       /* empty when the event opened */
	int fd;
};

struct pmu_group {
	int count;
	struct pmu_event ev[PMU_MAX_EVENTS];
	int leader; /* index of the group leader, -1 if nothing opened */
};

struct pmu_sample {
	int count;
	bool ok[PMU_MAX_EVENTS];
	double value[PMU_MAX_EVENTS]; /* scaled: raw * enabled / running */
	double running_ratio;         /* running / enabled: 1.0 when not multiplexed */
};

extern const char *const pmu_default_events[];
extern const int pmu_default_event_count;

/* Initialise libpfm4; -1 with a message in why. */
int pmu_init(char *why, size_t len);
/* Open events on one task (0 = the calling thread); what fails is kept with its reason. */
void pmu_open(struct pmu_group *g, const char *const *names, int n, pid_t pid);
void pmu_close(struct pmu_group *g);
void pmu_start(struct pmu_group *g);
void pmu_stop(struct pmu_group *g, struct pmu_sample *out);
/* "task-clock" -> "task_clock": a key for JSON and CSV. */
void pmu_event_key(const char *name, char *key, size_t len);

#endif
