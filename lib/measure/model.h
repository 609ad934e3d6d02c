/* The kernel's expected flush count for a case, from ../shared/KERNEL-NOTES.md
 * (x86-64, 4 KiB pages) and what a probe of the running kernel shows: the
 * suite checks itself against it. */
#ifndef TLBBENCH_MODEL_H
#define TLBBENCH_MODEL_H

#include <stdbool.h>
#include <jansson.h>
#include <stddef.h>

#include "mapping.h"

/* How a workload zaps, as the model predicts it: munmap's zap and page-table
 * free, MADV_DONTNEED's zap, or nothing the model knows (exit, the calibration). */
enum model_zap { MODEL_ZAP_NONE, MODEL_ZAP_UNMAP, MODEL_ZAP_DONTNEED };

/* The mmu_gather page batch (mm/mmu_gather.c, 6.12): entries on the stack,
 * then up to 19 batch pages of 509 (each keeps one of its 510 slots free). */
#define MMU_GATHER_LOCAL 7
#define MMU_GATHER_PER_BATCH 509
#define MMU_GATHER_BATCHES 19
/* Pages one mmu_gather batch chain holds before it must flush: 9,678. */
#define MMU_GATHER_BATCH_PAGES (MMU_GATHER_LOCAL + MMU_GATHER_BATCHES * MMU_GATHER_PER_BATCH)
/* Page tables one mmu_table_batch holds ((4096 - 24) / 8); a full batch is
 * freed only after a TLB flush (tlb_table_invalidate). */
#define MMU_TABLE_BATCH 509

struct kernel_model {
	/* CONFIG_PT_RECLAIM (6.14+): MADV_DONTNEED frees emptied page tables,
	 * which costs one more flush at the end, as munmap has. */
	bool dontneed_frees_page_tables;
	/* Freed page tables go into the page batch (x86 without PARAVIRT, so
	 * without MMU_GATHER_TABLE_FREE, as in a tinyconfig kernel), not into
	 * a 509-entry table batch. */
	bool tables_in_page_batch;
	/* Dirty shmem PTEs are zapped without a forced flush
	 * (kernel/patches/deferred-dirty.patch). */
	bool shmem_dirty_deferred;
	/* ... and flushed at the end of the VMA (v2, before free_pgtables()
	 * unlinks it): munmap flushes once more than anon does. */
	bool shmem_dirty_flushed_at_vma_end;
	/* The probes above were counted with the tracepoint; else mainline's
	 * paravirt x86 is assumed. */
	bool flush_probes_ran;
};

struct kstat;

/* Probe the running kernel (a few MiB mapped and zapped, flushes counted
 * with k's tracepoint where it works; not timed). k is open; the task it
 * follows is left on the calling thread. */
void model_probe(struct kernel_model *km, struct kstat *k);
/* What the probe found and the constants the model uses, for meta.json and info. */
json_t *model_json(const struct kernel_model *km);

/* Expected initiated flushes for a zap (the workload's model_zap) on a 2 MiB
 * aligned mapping, touched by t or, for a dose (dirty_tables not
 * DIRTY_TABLES_NONE), faulted clean with the first page of dirty_tables page
 * tables dirtied; -1 where the model makes no prediction (MODEL_ZAP_NONE). */
long model_flushes(const struct kernel_model *km, enum model_zap zap, enum backing b, enum touch t,
		   long dirty_tables, size_t size);

#endif
