#define _GNU_SOURCE
#include "pmu.h"

#include <ctype.h>
#include <errno.h>
#include <perfmon/pfmlib_perf_event.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* libpfm4 names of perf's task-clock, page-faults, context-switches, cpu-migrations. */
const char *const pmu_default_events[] = {
	"perf::PERF_COUNT_SW_TASK_CLOCK",
	"perf::PERF_COUNT_SW_PAGE_FAULTS",
	"perf::PERF_COUNT_SW_CONTEXT_SWITCHES",
	"perf::PERF_COUNT_SW_CPU_MIGRATIONS",
};
const int pmu_default_event_count = sizeof(pmu_default_events) / sizeof(pmu_default_events[0]);

int pmu_init(char *why, size_t len)
{
	int ret = pfm_initialize();

	if (ret != PFM_SUCCESS) {
		snprintf(why, len, "libpfm4 initialisation failed: %s", pfm_strerror(ret));
		return -1;
	}
	return 0;
}

void pmu_event_key(const char *name, char *key, size_t len)
{
	const char *base = strstr(name, "::") ? strstr(name, "::") + 2 : name;
	size_t j = 0;

	if (strncmp(base, "PERF_COUNT_SW_", 14) == 0 || strncmp(base, "PERF_COUNT_HW_", 14) == 0)
		base += 14;
	for (; *base && j + 1 < len; base++)
		key[j++] = isalnum((unsigned char)*base) ? (char)tolower((unsigned char)*base) : '_';
	key[j] = '\0';
}

/* Encode one event string into attr with libpfm4; attr.size is set first, as libpfm4 requires. */
static int encode_event(const char *name, struct perf_event_attr *attr, char *why, size_t len)
{
	pfm_perf_encode_arg_t arg;
	int ret;

	memset(attr, 0, sizeof(*attr));
	memset(&arg, 0, sizeof(arg));
	attr->size = sizeof(*attr);
	arg.attr = attr;
	arg.size = sizeof(arg);
	ret = pfm_get_os_event_encoding(name, PFM_PLM0 | PFM_PLM3, PFM_OS_PERF_EVENT_EXT, &arg);
	if (ret != PFM_SUCCESS) {
		snprintf(why, len, "libpfm4 cannot encode it: %s", pfm_strerror(ret));
		return -1;
	}
	return 0;
}

static int open_event(struct pmu_group *g, struct pmu_event *ev, pid_t pid)
{
	struct perf_event_attr attr;

	if (encode_event(ev->name, &attr, ev->unsupported, sizeof(ev->unsupported)) < 0)
		return -1;
	attr.disabled = g->leader < 0;
	attr.read_format = PERF_FORMAT_GROUP | PERF_FORMAT_ID | PERF_FORMAT_TOTAL_TIME_ENABLED |
			   PERF_FORMAT_TOTAL_TIME_RUNNING;
	ev->fd = (int)syscall(SYS_perf_event_open, &attr, pid, -1, g->leader < 0 ? -1 : g->ev[g->leader].fd,
			      PERF_FLAG_FD_CLOEXEC);
	if (ev->fd < 0) {
		snprintf(ev->unsupported, sizeof(ev->unsupported), "perf_event_open: %s", strerror(errno));
		return -1;
	}
	return 0;
}

void pmu_open(struct pmu_group *g, const char *const *names, int n, pid_t pid)
{
	memset(g, 0, sizeof(*g));
	g->leader = -1;
	g->count = n < PMU_MAX_EVENTS ? n : PMU_MAX_EVENTS;
	for (int i = 0; i < g->count; i++) {
		struct pmu_event *ev = &g->ev[i];

		snprintf(ev->name, sizeof(ev->name), "%s", names[i]);
		ev->fd = -1;
		if (open_event(g, ev, pid) == 0 && g->leader < 0)
			g->leader = i;
	}
}

void pmu_close(struct pmu_group *g)
{
	for (int i = 0; i < g->count; i++)
		if (g->ev[i].fd >= 0)
			close(g->ev[i].fd);
	g->leader = -1;
}

void pmu_start(struct pmu_group *g)
{
	if (g->leader < 0)
		return;
	ioctl(g->ev[g->leader].fd, PERF_EVENT_IOC_RESET, PERF_IOC_FLAG_GROUP);
	ioctl(g->ev[g->leader].fd, PERF_EVENT_IOC_ENABLE, PERF_IOC_FLAG_GROUP);
}

void pmu_stop(struct pmu_group *g, struct pmu_sample *out)
{
	/* nr, time_enabled, time_running, then {value, id} per event */
	uint64_t buf[3 + 2 * PMU_MAX_EVENTS];
	ssize_t got;

	memset(out, 0, sizeof(*out));
	out->count = g->count;
	if (g->leader < 0)
		return;
	ioctl(g->ev[g->leader].fd, PERF_EVENT_IOC_DISABLE, PERF_IOC_FLAG_GROUP);
	got = read(g->ev[g->leader].fd, buf, sizeof(buf));
	if (got < (ssize_t)(3 * sizeof(uint64_t)) || buf[2] == 0)
		return;
	out->running_ratio = buf[1] ? (double)buf[2] / (double)buf[1] : 1.0;
	for (uint64_t k = 0; k < buf[0] && 3 + 2 * k + 1 < sizeof(buf) / sizeof(buf[0]); k++) {
		uint64_t value = buf[3 + 2 * k], id = buf[4 + 2 * k];

		for (int i = 0; i < g->count; i++) {
			uint64_t ev_id;

			if (g->ev[i].fd < 0 || ioctl(g->ev[i].fd, PERF_EVENT_IOC_ID, &ev_id) < 0 || ev_id != id)
				continue;
			out->ok[i] = true;
			out->value[i] = (double)value / out->running_ratio;
		}
	}
}
