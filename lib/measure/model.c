#define _GNU_SOURCE
#include "model.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "kstat.h"
#include "util.h"

#define PROBE_SIZE (4ul << 20)
/* Page tables the flush probes span: fewer than one table batch holds (509),
 * and with PROBE_PAGES touched, more than the page batch holds (~9,700). */
#define PROBE_TABLES 400
#define PROBE_PAGES_PER_TABLE 24

/* VmPTE of this process in kB, or -1. */
static long vm_pte_kb(void)
{
	char *status = read_text_file("/proc/self/status");
	char *line = status ? strstr(status, "VmPTE:") : NULL;
	long kb = line ? strtol(line + strlen("VmPTE:"), NULL, 10) : -1;

	free(status);
	return kb;
}

/* Flushes this thread initiates while munmap() tears down m; -1 if uncounted. */
static long munmap_flushes(struct kstat *k, struct mapping *m)
{
	struct kstat_sample s;

	kstat_follow_task(k, 0);
	kstat_start(k);
	munmap(m->addr, m->size);
	kstat_stop(k, &s);
	m->addr = NULL;
	mapping_destroy(m);
	return s.flushes_ok ? (long)s.flushes : -1;
}

/* Where freed page tables go: 400 of them after 9,600 gathered pages
 * overflow the page batch (2 flushes) but not a table batch (1 flush). */
static long probe_table_flushes(struct kstat *k)
{
	struct mapping m = { .fd = -1, .size = PROBE_TABLES * PAGE_TABLE_SPAN };
	char *want = reserve_aligned(m.size);

	m.addr = want ? mmap(want, m.size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0)
		      : MAP_FAILED;
	if (m.addr == MAP_FAILED)
		return -1;
	madvise(m.addr, m.size, MADV_NOHUGEPAGE);
	for (size_t t = 0; t < PROBE_TABLES; t++)
		for (size_t i = 0; i < PROBE_PAGES_PER_TABLE; i++)
			m.addr[t * PAGE_TABLE_SPAN + i * SMALL_PAGE_SIZE] = 1;
	return munmap_flushes(k, &m);
}

/* Dirty shmem over 4 page tables: mainline forces a flush per table (5). */
static long probe_shmem_dirty_flushes(struct kstat *k)
{
	struct mapping_spec spec = { .backing = BACKING_SHMEM, .touch = TOUCH_DIRTY,
				     .dirty_tables = DIRTY_TABLES_NONE, .size = 4 * PAGE_TABLE_SPAN };
	struct mapping m = { .fd = -1 };
	char why[256];

	if (mapping_create(&m, &spec, why, sizeof(why)) < 0)
		return -1;
	return munmap_flushes(k, &m);
}

/* The smaller count, where -1 means not counted. */
static long min_count(long a, long b)
{
	return a < 0 || b < 0 ? -1 : a < b ? a : b;
}

static void probe_flushes(struct kernel_model *km, struct kstat *k)
{
	long tables, shmem;

	if (k->tracepoint_unsupported[0])
		return;
	/* The smaller of two tries: a reschedule mid-zap can add a flush. */
	tables = min_count(probe_table_flushes(k), probe_table_flushes(k));
	shmem = min_count(probe_shmem_dirty_flushes(k), probe_shmem_dirty_flushes(k));
	km->flush_probes_ran = tables > 0 && shmem > 0;
	km->tables_in_page_batch = km->flush_probes_ran && tables >= 2;
	km->shmem_dirty_deferred = km->flush_probes_ran && shmem < 4;
	/* 4 dirty tables batched: v2 flushes at the VMA end and after freeing the tables (2), v1 once (1). */
	km->shmem_dirty_flushed_at_vma_end = km->shmem_dirty_deferred && shmem == 2;
}

void model_probe(struct kernel_model *km, struct kstat *k)
{
	char *p = mmap(NULL, PROBE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	long before, after;

	memset(km, 0, sizeof(*km));
	probe_flushes(km, k);
	if (p == MAP_FAILED)
		return;
	madvise(p, PROBE_SIZE, MADV_NOHUGEPAGE);
	for (size_t off = 0; off < PROBE_SIZE; off += SMALL_PAGE_SIZE)
		p[off] = 1;
	before = vm_pte_kb();
	madvise(p, PROBE_SIZE, MADV_DONTNEED);
	after = vm_pte_kb();
	/* At least one whole page table (4 kB) must have gone. */
	km->dontneed_frees_page_tables = before >= 0 && after >= 0 && before - after >= 4;
	munmap(p, PROBE_SIZE);
}

json_t *model_json(const struct kernel_model *km)
{
	return json_pack("{s:b, s:o, s:o, s:o, s:i, s:i}", "madv_dontneed_frees_page_tables",
			 km->dontneed_frees_page_tables, "page_tables_in_page_batch",
			 km->flush_probes_ran ? json_boolean(km->tables_in_page_batch) : json_string("not probed"),
			 "shmem_dirty_deferred",
			 km->flush_probes_ran ? json_boolean(km->shmem_dirty_deferred) : json_string("not probed"),
			 "shmem_dirty_flushed_at_vma_end",
			 km->flush_probes_ran ? json_boolean(km->shmem_dirty_flushed_at_vma_end) : json_string("not probed"),
			 "mmu_gather_batch_pages", MMU_GATHER_BATCH_PAGES, "mmu_table_batch", MMU_TABLE_BATCH);
}

/* The mmu_gather page batch as zap_pte_range fills it (mm/mmu_gather.c): 7
 * entries on the stack, then up to 19 pages of 509; while a delayed rmap is
 * pending (a dirty shared PTE in this page table) no new batch page is
 * taken. A full batch, or a page table with a dirty shared PTE, flushes. */
struct gather {
	int batch, used;     /* the active batch (0: on the stack) and its entries */
	bool delayed_rmap;   /* a dirty shared PTE since the last flush */
	bool pending;        /* PTEs cleared since the last flush */
	bool dirty_batched;  /* dirty shmem PTEs batched, not force-flushed, since the last flush */
	long gathered;       /* pages in the batch */
	long flushes;
};

static void gather_flush(struct gather *g)
{
	g->flushes++;
	g->batch = g->used = 0;
	g->gathered = 0;
	g->delayed_rmap = g->pending = g->dirty_batched = false;
}

/* One page cleared; true when the batch filled and was flushed. */
static bool gather_page(struct gather *g, bool gathered, bool dirty_shared)
{
	g->pending = true;
	if (!gathered)
		return false; /* the zero page is not freed */
	g->delayed_rmap |= dirty_shared;
	g->gathered++;
	if (++g->used < (g->batch ? MMU_GATHER_PER_BATCH : MMU_GATHER_LOCAL))
		return false;
	if (g->batch == MMU_GATHER_BATCHES || (g->delayed_rmap && g->batch)) {
		gather_flush(g);
		return true;
	}
	g->batch++;
	g->used = 0;
	return false;
}

/* Zap one page table of a file or shmem mapping (dirty PTEs: all, or the
 * first only): a dirty PTE forces a flush before the page-table lock is
 * dropped (forces), unless a full batch already flushed after it, or is
 * batched (deferred-dirty). */
static void zap_table(struct gather *g, long pages, bool gathered, bool all_dirty, bool first_dirty, bool forces)
{
	bool force = false;

	for (long i = 0; i < pages; i++) {
		bool dirty = all_dirty || (first_dirty && i == 0);

		force |= dirty && forces;
		if (gather_page(g, gathered, dirty && forces))
			force = false;
		else if (dirty && !forces)
			g->dirty_batched = true;
	}
	if (force)
		gather_flush(g);
}

long model_flushes(const struct kernel_model *km, enum model_zap zap_kind, enum backing b, enum touch t,
		   long dirty_tables, size_t size)
{
	long pages = (long)(size / SMALL_PAGE_SIZE), tables = (long)page_tables_of(size);
	bool unmap = zap_kind == MODEL_ZAP_UNMAP;
	bool file_backed = b == BACKING_FILE || b == BACKING_SHMEM;
	bool forces = b == BACKING_FILE || !km->shmem_dirty_deferred;
	bool zero_page = t == TOUCH_CLEAN && b == BACKING_ANON;
	bool dose = dirty_tables != DIRTY_TABLES_NONE;
	struct gather g = { 0 };
	long zap;

	if (zap_kind == MODEL_ZAP_NONE)
		return -1;
	/* PMD-mapped pages are never force-flushed: one flush at the end. */
	if (b == BACKING_THP || b == BACKING_HUGETLB)
		return 1;
	/* A clean file's page cache may hold large folios (ext4 since 6.16), each
	 * one batch entry however many pages: the count depends on folio sizes. */
	if (b == BACKING_FILE && (t == TOUCH_CLEAN || dose))
		return -1;
	for (long tb = 0; tb < tables; tb++) {
		long in_table = pages - tb * (long)(PAGE_TABLE_SPAN / SMALL_PAGE_SIZE);

		in_table = in_table < 512 ? in_table : 512;
		zap_table(&g, in_table, !zero_page, file_backed && t == TOUCH_DIRTY && !dose,
			  file_backed && dose && dose_table_dirty((size_t)tb, (size_t)tables, dirty_tables), forces);
	}
	/* deferred-dirty v2 flushes batched dirty shmem PTEs at the end of the VMA. */
	if (km->shmem_dirty_flushed_at_vma_end && g.dirty_batched)
		gather_flush(&g);
	zap = g.flushes;
	/* munmap frees the page tables after the zap, then flushes once more at
	 * the end. In the page batch they join the pages still gathered; a full
	 * batch of either kind costs a flush. */
	if (unmap && km->tables_in_page_batch)
		return zap + (g.gathered + tables) / MMU_GATHER_BATCH_PAGES + 1;
	if (unmap)
		return zap + tables / MMU_TABLE_BATCH + 1;
	/* MADV_DONTNEED without page-table reclaim: one flush at the end if
	 * anything was cleared since the last one. */
	if (!km->dontneed_frees_page_tables)
		return zap + g.pending;
	/* With reclaim each emptied table is freed as the zap goes: the zap's own
	 * flushes empty the table batch, so only a flush-free zap fills it. */
	return zap + 1 + (zap == 0 ? tables / MMU_TABLE_BATCH : 0);
}
