/* meta.json: what a result directory records of the run that made it: the
 * command line, the config as read, the machine (lib/measure/sysinfo.c), the
 * topology, which counters work, and the kernel model. */
#ifndef TLBBENCH_META_H
#define TLBBENCH_META_H

#include <jansson.h>
#include <stdbool.h>

#include "harness.h"
#include "kstat.h"
#include "pmu.h"

/* Which counters work and why not, from an opened kstat and event group. */
json_t *counters_json(const struct kstat *k, const struct pmu_set *g);
/* The same for an opened kstat, opening the default events just to look (for `tlbbench info`). */
json_t *counters_probe_json(const struct kstat *k);
/* The whole of meta.json; config is the config file's path, or NULL. */
json_t *meta_json(int argc, char **argv, const char *config, bool interleave, const struct harness *h,
		  const struct pmu_set *g);
/* A resumed run keeps the first start and adds when each resume began. */
void meta_note_resumed(json_t *meta);

#endif
