/* Kernel-side flush statistics for one sample: the tlb:tlb_flush tracepoint
 * counted per CPU by reason and the TLB line of /proc/interrupts. Whether
 * /proc/vmstat has the nr_tlb_* counters (CONFIG_DEBUG_TLBFLUSH only) is found
 * here; their values come from the sample's vmstat delta (lib/measure/vmstat.c). */
#ifndef TLBBENCH_KSTAT_H
#define TLBBENCH_KSTAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "kstat_parse.h"

#define UNSUPPORTED_LEN 400

struct kstat {
	char tracefs[128];
	int tracepoint_id;
	struct tlb_reasons reasons;
	char tracepoint_unsupported[UNSUPPORTED_LEN]; /* empty when the counters work */
	int ncpus;
	int cpu[KSTAT_MAX_CPUS];
	int *group_fd; /* per CPU: a group with one counter per reason */
	int task_fd[2]; /* on the op's task: initiated flushes, and the full ones among them */
	bool have_interrupts, have_vmstat;
	uint64_t irq_before[KSTAT_MAX_CPUS];
};

struct kstat_sample {
	bool tracepoint_ok, flushes_ok, interrupts_ok;
	uint64_t by_reason[TLB_REASON_MAX]; /* all CPUs */
	uint64_t flushes;                   /* initiated by the op's task (local_mm reason) */
	uint64_t flushes_full;              /* of those, flushes of the whole TLB (pages = -1) */
	uint64_t flushes_all_cpus;          /* local_mm events on all CPUs, whoever caused them */
	uint64_t ipis;                      /* TLB shootdowns received, all CPUs */
	uint64_t ipis_cpu[KSTAT_MAX_CPUS];  /* indexed by CPU number */
};


/* Open everything that can be opened; what can't is recorded, never fatal. */
void kstat_open(struct kstat *k);
void kstat_close(struct kstat *k);
/* Count the flushes that task initiates (0 = the calling thread) from the
 * next kstat_start on: exact even when other tasks flush meanwhile. */
void kstat_follow_task(struct kstat *k, pid_t tid);
/* Bracket the op: counters reset and enabled, /proc/interrupts read. */
void kstat_start(struct kstat *k);
void kstat_stop(struct kstat *k, struct kstat_sample *out);

/* Say once, on stderr, which counters are not supported and why. */
void kstat_report_unsupported(const struct kstat *k);
/* Why the TLB line of /proc/interrupts, or /proc/vmstat's nr_tlb_*, cannot be read; NULL when it can. */
const char *kstat_interrupts_why_not(const struct kstat *k);
const char *kstat_vmstat_why_not(const struct kstat *k);

#endif
