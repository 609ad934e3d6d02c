/* The text the flush counters are read from (lib/measure/kstat_parse.c): parsers
 * of the tlb_flush tracepoint's format, /proc/interrupts and /proc/vmstat,
 * and the search for tracefs. */
#ifndef TLBBENCH_KSTAT_PARSE_H
#define TLBBENCH_KSTAT_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define TLB_REASON_MAX 16
#define KSTAT_MAX_CPUS 1024
#define VMSTAT_TLB_COUNT 4

/* The reasons a kernel's tlb_flush tracepoint knows, from its format file. */
struct tlb_reasons {
	int count;
	int code[TLB_REASON_MAX];
	char name[TLB_REASON_MAX][40]; /* "local MM shootdown" -> "local_mm_shootdown" */
	int local_mm; /* index of the reason a CPU records for a flush it initiates; -1 if absent */
	bool pages_signed;
};

extern const char *const vmstat_tlb_names[VMSTAT_TLB_COUNT];

/* The reasons in a tlb_flush format file's print fmt; -1 if it has none. */
int tlb_reasons_parse(const char *format_text, struct tlb_reasons *out);
/* TLB row of /proc/interrupts into per_cpu[cpu number]; -1 if there is none. */
int interrupts_parse_tlb(const char *text, uint64_t *per_cpu, int max_cpus);
/* nr_tlb_* values in vmstat_tlb_names order; -1 if the kernel has none. */
int vmstat_parse_tlb(const char *text, uint64_t *values);
/* Mount point of tracefs in a /proc/self/mounts stream, or -1. */
int tracefs_find(FILE *mounts, char *path, size_t len);

/* Where tracefs is mounted (/proc/self/mounts), or -1 when it is not. */
int tracefs_mounted(char *path, size_t len);

#endif
