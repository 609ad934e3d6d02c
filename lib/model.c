#define _GNU_SOURCE
#include "model.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "util.h"

#define PROBE_SIZE (4ul << 20)

/* VmPTE of this process in kB, or -1. */
static long vm_pte_kb(void)
{
	char *status = read_text_file("/proc/self/status");
	char *line = status ? strstr(status, "VmPTE:") : NULL;
	long kb = line ? strtol(line + strlen("VmPTE:"), NULL, 10) : -1;

	free(status);
	return kb;
}

void model_probe(struct kernel_model *km)
{
	char *p = mmap(NULL, PROBE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	long before, after;

	memset(km, 0, sizeof(*km));
	if (p == MAP_FAILED)
		return;
	madvise(p, PROBE_SIZE, MADV_NOHUGEPAGE);
	for (size_t off = 0; off < PROBE_SIZE; off += 4096)
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
	return json_pack("{s:b, s:i, s:i}", "madv_dontneed_frees_page_tables", km->dontneed_frees_page_tables,
			 "mmu_gather_batch_pages", MMU_GATHER_BATCH_PAGES, "mmu_table_batch", MMU_TABLE_BATCH);
}

long model_flushes(const struct kernel_model *km, const char *op, enum backing b, enum touch t, size_t size)
{
	long pages = (long)(size / 4096), tables = (long)((size + PAGE_TABLE_SPAN - 1) / PAGE_TABLE_SPAN);
	bool unmap = strcmp(op, "munmap") == 0;
	bool dirty_shared = t == TOUCH_DIRTY && (b == BACKING_SHMEM || b == BACKING_FILE);
	bool zero_page = t == TOUCH_CLEAN && b == BACKING_ANON;
	long zap;

	if (!unmap && strcmp(op, "madv_dontneed") != 0)
		return -1;
	/* PMD-mapped pages are never force-flushed: one flush at the end. */
	if (b == BACKING_THP || b == BACKING_HUGETLB)
		return 1;
	/* A clean file's page cache may hold large folios (ext4 since 6.16), each
	 * one batch entry however many pages: the count depends on folio sizes. */
	if (t == TOUCH_CLEAN && b == BACKING_FILE)
		return -1;
	/* Flushes during the zap: one per page table holding a dirty shared PTE
	 * (forced before the page-table lock is dropped), else one each time the
	 * gather batch fills; the zero page is never gathered. */
	zap = dirty_shared ? tables : zero_page ? 0 : pages / MMU_GATHER_BATCH_PAGES;
	/* munmap frees the page tables after the zap, filling table batches,
	 * then flushes once more at the end. */
	if (unmap)
		return zap + tables / MMU_TABLE_BATCH + 1;
	/* MADV_DONTNEED without page-table reclaim: the last forced flush leaves
	 * nothing pending; a batched zap ends with one flush. */
	if (!km->dontneed_frees_page_tables)
		return dirty_shared ? zap : zap + 1;
	/* With reclaim each emptied table is freed as the zap goes: the zap's own
	 * flushes empty the table batch, so only a flush-free zap fills it. */
	return zap + 1 + (zap == 0 ? tables / MMU_TABLE_BATCH : 0);
}
