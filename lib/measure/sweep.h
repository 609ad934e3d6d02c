/* A sweep: the axes of a run (op, backing, touch, size, cpus, placement,
 * remote) and its sampling. The command line, config files and --set all
 * set it through sweep_set, so a value means the same wherever it is given. */
#ifndef TLBBENCH_SWEEP_H
#define TLBBENCH_SWEEP_H

#include <stdbool.h>
#include <stddef.h>

#include "workload.h"
#include "config.h"
#include "pmu.h"
#include "placement.h"

#define SWEEP_PLACEMENTS 8

/* One dose of a dose-response: a share of the page tables, or a count. */
struct dose {
	bool is_share;
	double share; /* 0..1 */
	long count;
};

struct sweep {
	char name[64]; /* "sweep", or the name of a [case NAME] section */
	int max_cpus;  /* what "all" means */
	const struct workload *ops[LIST_MAX];
	int nops;
	int backings[BACKING_COUNT];
	int nbackings;
	int touches[TOUCH_COUNT];
	int ntouches;
	int populates[POPULATE_COUNT];
	int npopulates;
	struct dose doses[LIST_MAX]; /* dirty_tables; none: the touch pattern alone */
	int ndoses;
	size_t sizes[LIST_MAX];
	int nsizes;
	bool cap_sizes;        /* drop sizes over the memory limit instead of refusing them */
	char size_origin[160]; /* where the sizes were set, for messages: "file:line" or "--size" */
	char dir_origin[160];  /* where file_dir was set, likewise: checked once every override is in */
	char dose_origin[160]; /* where dirty_tables was set, likewise */
	char touch_origin[160]; /* where touch was set; empty: the default */
	int cpus[LIST_MAX];
	int ncpus;
	int remotes[REMOTE_MODE_COUNT];
	int nremotes;
	struct placement placements[SWEEP_PLACEMENTS];
	int nplacements;
	int iterations, warmup;
	double ci_target;      /* fraction; 0: a fixed number of samples */
	int max_iterations;
	double max_time_s;
	char file_dir[512];
};

/* The events of a whole run: one CSV header, so one set for every sweep. */
struct event_set {
	char names[PMU_MAX_EVENTS][PMU_NAME_LEN];
	const char *list[PMU_MAX_EVENTS];
	int count;
	bool has_default; /* 'default' was in the list: for messages */
};

/* Settings of the whole run, not of one sweep: one CSV header, one order. */
struct run_settings {
	struct event_set events;
	bool interleave; /* order = interleave: one sample of every case per round */
};

/* The keys sweep_set takes, for messages. sweep_set, run_setting_set and
 * event_set_parse, and the values they take, are in lib/measure/sweep_keys.c. */
extern const char sweep_keys[];

void sweep_defaults(struct sweep *s, int max_cpus);
/* Set key from its text; -1 with a one-line reason in why (unknown key or bad value). */
int sweep_set(struct sweep *s, const char *key, const char *value, char *why, size_t len);

void run_settings_defaults(struct run_settings *r);
/* A run-wide key (events, order): 1 when set, 0 when key is not run-wide,
 * -1 with why for a bad value. */
int run_setting_set(struct run_settings *r, const char *key, const char *value, char *why, size_t len);

/* "default" or a comma list of event strings libpfm4 understands. */
void event_set_defaults(struct event_set *e);
int event_set_parse(struct event_set *e, const char *value, char *why, size_t len);
/* -e a -e b counts a and b, as perf does: more appended to the list (of size
 * bytes) after a comma; -1 with why when the lists add up past it. */
int event_list_append(char *list, size_t size, const char *more, char *why, size_t len);

/* Remember where key was set ("file:line", "--size 1G") for later messages. */
void sweep_note_origin(struct sweep *s, const char *key, const char *origin);

/* Checks that need every key set: the sizes against memory (dropping those
 * over the limit when cap_size_to_memory is on), and a dose-response against
 * the ops, backings, touch and sizes. -1 with why. */
int sweep_finish(struct sweep *s, char *why, size_t len);

/* Every combination of a sweep's axes appended to cases; returns how many, or
 * -1 when they would pass max. */
int sweep_expand(const struct sweep *s, struct case_params *cases, int max);

#endif
