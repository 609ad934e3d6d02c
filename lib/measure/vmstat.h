/* /proc/vmstat around the op: every counter that changed, read outside the
 * timed region. The page state the op met shows here (pgactivate: folios the
 * zap activated; pgfree; thp_*; nr_tlb_* with CONFIG_DEBUG_TLBFLUSH). */
#ifndef TLBBENCH_VMSTAT_H
#define TLBBENCH_VMSTAT_H

#include <stdbool.h>
#include <stdint.h>

#define VMSTAT_MAX 384
#define VMSTAT_NAME_LEN 48

struct vmstat_snapshot {
	int n;
	char name[VMSTAT_MAX][VMSTAT_NAME_LEN];
	int64_t value[VMSTAT_MAX];
};

/* The counters that changed; names point into the "before" snapshot. */
struct vmstat_delta {
	bool ok; /* both reads worked */
	const struct vmstat_snapshot *before; /* which counters the kernel has */
	int n;
	const char *name[VMSTAT_MAX];
	int64_t delta[VMSTAT_MAX]; /* nr_* gauges may fall: signed */
};

/* "name value" lines; -1 when there are none. */
int vmstat_parse(const char *text, struct vmstat_snapshot *s);
/* /proc/vmstat now; -1 if unreadable. */
int vmstat_read(struct vmstat_snapshot *s);
/* after - before, counter by counter, for counters in both. */
void vmstat_diff(const struct vmstat_snapshot *before, const struct vmstat_snapshot *after, struct vmstat_delta *d);
/* The change of one counter (0 when it did not change); false when the
 * kernel has no such counter (pgactivate needs CONFIG_VM_EVENT_COUNTERS). */
bool vmstat_delta_get(const struct vmstat_delta *d, const char *name, int64_t *value);

#endif
