/* `tlbbench run`: options, validation of every case up front, the sweep. */
#ifndef TLBBENCH_RUN_H
#define TLBBENCH_RUN_H

#include <jansson.h>

#include "kstat.h"
#include "pmu.h"

#include "revision.h"

int cmd_run(int argc, char **argv);
/* `tlbbench events` (lib/events_cmd.c). */
int cmd_events(int argc, char **argv);

/* Which counters work and why not, from an opened kstat and event group. */
json_t *counters_json(const struct kstat *k, const struct pmu_set *g);
/* The same for an opened kstat, opening the default events just to look (for `tlbbench info`). */
json_t *counters_probe_json(const struct kstat *k);

#endif
