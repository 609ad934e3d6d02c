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

long model_flushes(const struct kernel_model *km, const char *op, enum backing b, enum touch t, size_t size)
{
	size_t pages = size / 4096, tables = (size + PAGE_TABLE_SPAN - 1) / PAGE_TABLE_SPAN;
	bool unmap = strcmp(op, "munmap") == 0;
	bool frees_tables = unmap || km->dontneed_frees_page_tables;
	bool shared = b == BACKING_SHMEM || b == BACKING_FILE;

	if (!unmap && strcmp(op, "madv_dontneed") != 0)
		return -1;
	/* PMD-mapped pages are never force-flushed: one flush at the end. */
	if (b == BACKING_THP || b == BACKING_HUGETLB)
		return 1;
	/* Dirty shared PTEs force a flush at the end of each page table; freeing
	 * the page tables adds the final one. */
	if (shared && t == TOUCH_DIRTY)
		return (long)tables + frees_tables;
	/* A clean file's page cache may hold large folios (ext4 since 6.16), each
	 * one batch entry however many pages: the count depends on folio sizes. */
	if (t == TOUCH_CLEAN && b == BACKING_FILE)
		return -1;
	/* A read-only private mapping holds the zero page: nothing is batched. */
	if (t == TOUCH_CLEAN && b == BACKING_ANON)
		return 1;
	/* Batched: a flush each time the gather batch fills, and the final one. */
	return (long)(pages / MMU_GATHER_BATCH_PAGES) + 1;
}
