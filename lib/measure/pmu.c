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

#include "util.h"

/* perf's names, which libpfm4 encodes too. */
const char *const pmu_default_events[] = {
	"cycles", "instructions", "dTLB-load-misses", "dTLB-store-misses", "iTLB-load-misses",
	"task-clock", "page-faults", "context-switches", "cpu-migrations",
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

/* Why perf_event_open said no, in the words a perf user expects after
 * "<not supported>": the errno's name, then what it means here. */
static void open_failure(int err, char *why, size_t len)
{
	long paranoid = -9;

	switch (err) {
	case ENOENT:
		snprintf(why, len, "ENOENT: no such event on this CPU; no hardware PMU in a VM?");
		break;
	case EOPNOTSUPP:
		snprintf(why, len, "EOPNOTSUPP: this PMU cannot count it (or has no interrupt)");
		break;
	case EACCES:
	case EPERM:
		read_long_file("/proc/sys/kernel/perf_event_paranoid", &paranoid);
		snprintf(why, len, "%s: perf_event_paranoid is %ld; run as root or lower it",
			 err == EACCES ? "EACCES" : "EPERM", paranoid);
		break;
	default:
		snprintf(why, len, "%s: %s", strerrorname_np(err) ? strerrorname_np(err) : "error", strerror(err));
	}
}

/* The leader for a new event: software events share one group, hardware
 * events fill groups of PMU_GROUP_HW_MAX. -1: it leads a new group. */
static int pick_leader(const struct pmu_set *s, int idx, bool software)
{
	for (int i = 0; i < idx; i++) {
		const struct pmu_event *lead = &s->ev[i];
		int members = 0;

		if (lead->fd < 0 || lead->leader != i || lead->software != software)
			continue;
		for (int j = i; j < idx; j++)
			members += s->ev[j].fd >= 0 && s->ev[j].leader == i;
		if (software || members < PMU_GROUP_HW_MAX)
			return i;
	}
	return -1;
}

static void open_event(struct pmu_set *s, int idx, pid_t pid, int cpu)
{
	struct pmu_event *ev = &s->ev[idx];
	struct perf_event_attr attr;
	int leader;

	if (encode_event(ev->name, &attr, ev->unsupported, sizeof(ev->unsupported)) < 0)
		return;
	ev->software = attr.type == PERF_TYPE_SOFTWARE;
	leader = pick_leader(s, idx, ev->software);
	attr.disabled = leader < 0;
	attr.read_format = PERF_FORMAT_GROUP | PERF_FORMAT_ID | PERF_FORMAT_TOTAL_TIME_ENABLED |
			   PERF_FORMAT_TOTAL_TIME_RUNNING;
	ev->fd = (int)syscall(SYS_perf_event_open, &attr, pid, cpu, leader < 0 ? -1 : s->ev[leader].fd,
			      PERF_FLAG_FD_CLOEXEC);
	if (ev->fd < 0) {
		open_failure(errno, ev->unsupported, sizeof(ev->unsupported));
		return;
	}
	ev->leader = leader < 0 ? idx : leader;
}

void pmu_open(struct pmu_set *s, const char *const *names, int n, pid_t pid, int cpu)
{
	memset(s, 0, sizeof(*s));
	s->count = n < PMU_MAX_EVENTS ? n : PMU_MAX_EVENTS;
	for (int i = 0; i < s->count; i++) {
		snprintf(s->ev[i].name, sizeof(s->ev[i].name), "%s", names[i]);
		s->ev[i].fd = -1;
		s->ev[i].leader = -1;
		open_event(s, i, pid, cpu);
	}
}

void pmu_close(struct pmu_set *s)
{
	for (int i = 0; i < s->count; i++)
		if (s->ev[i].fd >= 0)
			close(s->ev[i].fd);
	s->count = 0;
}

static bool is_leader(const struct pmu_set *s, int i)
{
	return s->ev[i].fd >= 0 && s->ev[i].leader == i;
}

void pmu_start(struct pmu_set *s)
{
	for (int i = 0; i < s->count; i++)
		if (is_leader(s, i)) {
			ioctl(s->ev[i].fd, PERF_EVENT_IOC_RESET, PERF_IOC_FLAG_GROUP);
			ioctl(s->ev[i].fd, PERF_EVENT_IOC_ENABLE, PERF_IOC_FLAG_GROUP);
		}
}

/* One group's values, matched to their events by id. */
static void read_group(struct pmu_set *s, int lead, struct pmu_sample *out)
{
	uint64_t buf[3 + 2 * PMU_MAX_EVENTS];
	ssize_t got = read(s->ev[lead].fd, buf, sizeof(buf));
	double running;

	/* A group that never got a counter has no value: not counted, not 0. */
	if (got < (ssize_t)(3 * sizeof(uint64_t)) || buf[1] == 0 || buf[2] == 0)
		return;
	running = (double)buf[2] / (double)buf[1];
	for (uint64_t k = 0; k < buf[0] && k < PMU_MAX_EVENTS; k++) {
		for (int i = 0; i < s->count; i++) {
			uint64_t id;

			if (s->ev[i].fd < 0 || s->ev[i].leader != lead ||
			    ioctl(s->ev[i].fd, PERF_EVENT_IOC_ID, &id) < 0 || id != buf[4 + 2 * k])
				continue;
			out->ok[i] = true;
			out->value[i] = (double)buf[3 + 2 * k] / running;
			out->running[i] = running;
		}
	}
}

void pmu_stop(struct pmu_set *s, struct pmu_sample *out)
{
	memset(out, 0, sizeof(*out));
	out->count = s->count;
	for (int i = 0; i < s->count; i++)
		if (is_leader(s, i))
			ioctl(s->ev[i].fd, PERF_EVENT_IOC_DISABLE, PERF_IOC_FLAG_GROUP);
	for (int i = 0; i < s->count; i++)
		if (is_leader(s, i))
			read_group(s, i, out);
}

void pmu_sample_add(struct pmu_sample *sum, const struct pmu_sample *add)
{
	for (int i = 0; i < sum->count && i < add->count; i++) {
		sum->ok[i] = sum->ok[i] && add->ok[i];
		sum->value[i] += add->value[i];
		sum->running[i] = add->running[i] < sum->running[i] ? add->running[i] : sum->running[i];
	}
}
