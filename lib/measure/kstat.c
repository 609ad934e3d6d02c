#define _GNU_SOURCE
#include "kstat.h"
#include "util.h"

#include <errno.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#define TRACEFS_DEFAULT "/sys/kernel/tracing"

/* Find tracefs, mounting it at the usual place when it isn't mounted. */
static int tracefs_ready(struct kstat *k)
{
	if (tracefs_mounted(k->tracefs, sizeof(k->tracefs)) == 0)
		return 0;
	if (mount("nodev", TRACEFS_DEFAULT, "tracefs", 0, NULL) < 0) {
		snprintf(k->tracepoint_unsupported, UNSUPPORTED_LEN, "tracefs is not mounted and mounting it failed: %s",
			 strerror(errno));
		return -1;
	}
	snprintf(k->tracefs, sizeof(k->tracefs), "%s", TRACEFS_DEFAULT);
	return 0;
}

static int tracepoint_load(struct kstat *k)
{
	char path[256];
	long id;
	char *format;

	if (tracefs_ready(k) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/events/tlb/tlb_flush/id", k->tracefs);
	if (read_long_file(path, &id) < 0) {
		snprintf(k->tracepoint_unsupported, UNSUPPORTED_LEN, "no tlb:tlb_flush tracepoint (%s: %s)", path,
			 strerror(errno));
		return -1;
	}
	snprintf(path, sizeof(path), "%s/events/tlb/tlb_flush/format", k->tracefs);
	format = read_text_file(path);
	if (!format || tlb_reasons_parse(format, &k->reasons) < 0) {
		snprintf(k->tracepoint_unsupported, UNSUPPORTED_LEN, "cannot read the reasons from %s", path);
		free(format);
		return -1;
	}
	free(format);
	k->tracepoint_id = (int)id;
	return 0;
}

static int open_filtered(struct kstat *k, pid_t pid, int cpu, int leader, const char *filter)
{
	struct perf_event_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_TRACEPOINT;
	attr.config = (uint64_t)k->tracepoint_id;
	attr.disabled = leader < 0;
	attr.read_format = PERF_FORMAT_GROUP | PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
	fd = (int)syscall(SYS_perf_event_open, &attr, pid, cpu, leader, PERF_FLAG_FD_CLOEXEC);
	if (fd < 0)
		return -1;
	if (ioctl(fd, PERF_EVENT_IOC_SET_FILTER, filter) < 0) {
		int saved = errno;

		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

static void full_flush_filter(const struct kstat *k, char *filter, size_t len)
{
	snprintf(filter, len, "reason == %d && pages == %s", k->reasons.code[k->reasons.local_mm],
		 k->reasons.pages_signed ? "-1" : "18446744073709551615");
}

static void close_task(struct kstat *k)
{
	for (int i = 0; i < 2; i++) {
		if (k->task_fd[i] >= 0)
			close(k->task_fd[i]);
		k->task_fd[i] = -1;
	}
}

void kstat_follow_task(struct kstat *k, pid_t tid)
{
	char filter[96];

	close_task(k);
	if (k->tracepoint_id < 0 || k->reasons.local_mm < 0)
		return;
	snprintf(filter, sizeof(filter), "reason == %d", k->reasons.code[k->reasons.local_mm]);
	k->task_fd[0] = open_filtered(k, tid, -1, -1, filter);
	full_flush_filter(k, filter, sizeof(filter));
	k->task_fd[1] = k->task_fd[0] >= 0 ? open_filtered(k, tid, -1, k->task_fd[0], filter) : -1;
	if (k->task_fd[1] < 0)
		close_task(k);
}

static int counters_per_cpu(const struct kstat *k)
{
	return k->reasons.count;
}

/* One group per CPU: a counter per reason. */
static int open_cpu_group(struct kstat *k, int idx)
{
	int n = counters_per_cpu(k), *fds = &k->group_fd[idx * n];
	char filter[96];

	for (int i = 0; i < n; i++) {
		snprintf(filter, sizeof(filter), "reason == %d", k->reasons.code[i]);
		fds[i] = open_filtered(k, -1, k->cpu[idx], i ? fds[0] : -1, filter);
		if (fds[i] < 0)
			return -1;
	}
	return 0;
}

static void close_groups(struct kstat *k)
{
	int total = k->ncpus * (k->tracepoint_id >= 0 ? counters_per_cpu(k) : 0);

	for (int i = 0; k->group_fd && i < total; i++)
		if (k->group_fd[i] >= 0)
			close(k->group_fd[i]);
	free(k->group_fd);
	k->group_fd = NULL;
}

static void tracepoint_open(struct kstat *k)
{
	long paranoid = -9;
	int n;

	k->tracepoint_id = -1;
	if (tracepoint_load(k) < 0)
		return;
	n = counters_per_cpu(k);
	k->group_fd = malloc(sizeof(int) * (size_t)(k->ncpus * n));
	for (int i = 0; k->group_fd && i < k->ncpus * n; i++)
		k->group_fd[i] = -1;
	for (int c = 0; k->group_fd && c < k->ncpus; c++) {
		if (open_cpu_group(k, c) == 0)
			continue;
		read_long_file("/proc/sys/kernel/perf_event_paranoid", &paranoid);
		snprintf(k->tracepoint_unsupported, UNSUPPORTED_LEN,
			 "perf_event_open(tlb:tlb_flush, cpu %d): %s (perf_event_paranoid is %ld; needs root or -1)",
			 k->cpu[c], strerror(errno), paranoid);
		close_groups(k);
		k->tracepoint_id = -1;
		return;
	}
}

void kstat_open(struct kstat *k)
{
	uint64_t scratch[KSTAT_MAX_CPUS], vm[VMSTAT_TLB_COUNT];
	long online = sysconf(_SC_NPROCESSORS_CONF);
	char *text;

	memset(k, 0, sizeof(*k));
	k->task_fd[0] = k->task_fd[1] = -1;
	for (int cpu = 0; cpu < online && cpu < KSTAT_MAX_CPUS; cpu++) {
		char path[64];

		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/online", cpu);
		long up = 1;

		if (access(path, F_OK) == 0 && read_long_file(path, &up) == 0 && !up)
			continue;
		k->cpu[k->ncpus++] = cpu;
	}
	tracepoint_open(k);
	text = read_text_file("/proc/interrupts");
	k->have_interrupts = text && interrupts_parse_tlb(text, scratch, KSTAT_MAX_CPUS) == 0;
	free(text);
	text = read_text_file("/proc/vmstat");
	k->have_vmstat = text && vmstat_parse_tlb(text, vm) == 0;
	free(text);
}

void kstat_close(struct kstat *k)
{
	close_task(k);
	close_groups(k);
}

void kstat_report_unsupported(const struct kstat *k)
{
	if (k->tracepoint_id < 0)
		fprintf(stderr, "tlbbench: tlb:tlb_flush counts <not supported> (%s)\n", k->tracepoint_unsupported);
	else if (k->reasons.local_mm < 0)
		fprintf(stderr, "tlbbench: initiated flushes <not supported> (tlb:tlb_flush has no "
				"'local MM shootdown' reason)\n");
	if (!k->have_interrupts)
		fprintf(stderr, "tlbbench: shootdown IPIs <not supported> (%s)\n", kstat_interrupts_why_not(k));
	if (!k->have_vmstat)
		fprintf(stderr, "tlbbench: /proc/vmstat nr_tlb_* <not supported> (%s)\n", kstat_vmstat_why_not(k));
}

const char *kstat_interrupts_why_not(const struct kstat *k)
{
	return k->have_interrupts ? NULL : "no TLB line in /proc/interrupts";
}

const char *kstat_vmstat_why_not(const struct kstat *k)
{
	return k->have_vmstat ? NULL : "kernel built without CONFIG_DEBUG_TLBFLUSH";
}

static void read_interrupts(struct kstat *k, uint64_t *irq)
{
	char *text;

	if (!k->have_interrupts)
		return;
	text = read_text_file("/proc/interrupts");
	memset(irq, 0, sizeof(uint64_t) * KSTAT_MAX_CPUS);
	if (!text || interrupts_parse_tlb(text, irq, KSTAT_MAX_CPUS) < 0)
		k->have_interrupts = false;
	free(text);
}

void kstat_start(struct kstat *k)
{
	int n = k->tracepoint_id >= 0 ? counters_per_cpu(k) : 0;

	read_interrupts(k, k->irq_before);
	for (int c = 0; n && c < k->ncpus; c++) {
		ioctl(k->group_fd[c * n], PERF_EVENT_IOC_RESET, PERF_IOC_FLAG_GROUP);
		ioctl(k->group_fd[c * n], PERF_EVENT_IOC_ENABLE, PERF_IOC_FLAG_GROUP);
	}
	if (k->task_fd[0] >= 0) {
		ioctl(k->task_fd[0], PERF_EVENT_IOC_RESET, PERF_IOC_FLAG_GROUP);
		ioctl(k->task_fd[0], PERF_EVENT_IOC_ENABLE, PERF_IOC_FLAG_GROUP);
	}
}

/* The op's task's own flushes; false if they can't be read. */
static bool read_task(struct kstat *k, struct kstat_sample *out)
{
	uint64_t buf[3 + 2];

	if (k->task_fd[0] < 0)
		return false;
	ioctl(k->task_fd[0], PERF_EVENT_IOC_DISABLE, PERF_IOC_FLAG_GROUP);
	if (read(k->task_fd[0], buf, sizeof(buf)) != (ssize_t)sizeof(buf) || buf[0] != 2)
		return false;
	out->flushes = buf[3];
	out->flushes_full = buf[4];
	return true;
}

static bool read_groups(struct kstat *k, struct kstat_sample *out)
{
	int n = counters_per_cpu(k);
	uint64_t buf[3 + TLB_REASON_MAX];

	for (int c = 0; c < k->ncpus; c++)
		ioctl(k->group_fd[c * n], PERF_EVENT_IOC_DISABLE, PERF_IOC_FLAG_GROUP);
	for (int c = 0; c < k->ncpus; c++) {
		ssize_t want = (ssize_t)sizeof(uint64_t) * (3 + n);

		if (read(k->group_fd[c * n], buf, sizeof(buf)) != want || buf[0] != (uint64_t)n)
			return false;
		/* buf: nr, time_enabled, time_running, values; tracepoints never multiplex. */
		for (int i = 0; i < k->reasons.count; i++)
			out->by_reason[i] += buf[3 + i];
		if (k->reasons.local_mm >= 0)
			out->flushes_all_cpus += buf[3 + k->reasons.local_mm];
	}
	return true;
}

void kstat_stop(struct kstat *k, struct kstat_sample *out)
{
	uint64_t irq_after[KSTAT_MAX_CPUS];

	memset(out, 0, sizeof(*out));
	if (k->tracepoint_id >= 0)
		out->tracepoint_ok = read_groups(k, out);
	out->flushes_ok = out->tracepoint_ok && read_task(k, out);
	read_interrupts(k, irq_after);
	out->interrupts_ok = k->have_interrupts;
	for (int c = 0; out->interrupts_ok && c < k->ncpus; c++) {
		int cpu = k->cpu[c];

		out->ipis_cpu[cpu] = irq_after[cpu] - k->irq_before[cpu];
		out->ipis += out->ipis_cpu[cpu];
	}
}
