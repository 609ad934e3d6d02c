/* Unit tests for lib/measure/model.c against the table in ../shared/KERNEL-NOTES.md. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "model.h"
#include "workload.h"


/* 6.12: MADV_DONTNEED leaves the page tables. */
static const struct kernel_model k612 = { .dontneed_frees_page_tables = false };
/* 6.14+ with CONFIG_PT_RECLAIM: it frees them, one more flush. */
static const struct kernel_model k614 = { .dontneed_frees_page_tables = true };

static void both(enum model_zap op, enum backing b, enum touch t, size_t size, long want)
{
	assert_int_equal(model_flushes(&k612, op, b, t, DIRTY_TABLES_NONE, size), want);
	assert_int_equal(model_flushes(&k614, op, b, t, DIRTY_TABLES_NONE, size), want);
}

/* Dirty shared: a forced flush per page table (T), + 1 when tables are freed.
 * munmap of 1 GiB frees 512 page tables after the zap: past one 509-entry
 * table batch, which costs a flush too (KERNEL-NOTES.md's 513 omits it;
 * measured here: 514). */
static void test_dirty_shared_gib(void **state)
{
	(void)state;
	assert_int_equal(MMU_TABLE_BATCH, 509);
	both(MODEL_ZAP_UNMAP, BACKING_SHMEM, TOUCH_DIRTY, GIB, 514);
	both(MODEL_ZAP_UNMAP, BACKING_FILE, TOUCH_DIRTY, GIB, 514);
	both(MODEL_ZAP_UNMAP, BACKING_SHMEM, TOUCH_DIRTY, 2 * GIB, 1024 + 2 + 1);
	assert_int_equal(model_flushes(&k612, MODEL_ZAP_DONTNEED, BACKING_SHMEM, TOUCH_DIRTY, DIRTY_TABLES_NONE, GIB), 512);
	assert_int_equal(model_flushes(&k614, MODEL_ZAP_DONTNEED, BACKING_SHMEM, TOUCH_DIRTY, DIRTY_TABLES_NONE, GIB), 513);
	assert_int_equal(model_flushes(&k612, MODEL_ZAP_DONTNEED, BACKING_FILE, TOUCH_DIRTY, DIRTY_TABLES_NONE, GIB), 512);
	assert_int_equal(model_flushes(&k614, MODEL_ZAP_DONTNEED, BACKING_FILE, TOUCH_DIRTY, DIRTY_TABLES_NONE, GIB), 513);
}

/* Batched: floor(P / 9678) + 1; 262144 pages per GiB -> 27 + 1; munmap adds
 * the full table batch's flush (measured here: 29). */
static void test_batched_gib(void **state)
{
	(void)state;
	assert_int_equal(MMU_GATHER_BATCH_PAGES, 9678);
	both(MODEL_ZAP_UNMAP, BACKING_ANON, TOUCH_DIRTY, GIB, 29);
	both(MODEL_ZAP_UNMAP, BACKING_SHMEM, TOUCH_CLEAN, GIB, 29);
	both(MODEL_ZAP_DONTNEED, BACKING_ANON, TOUCH_DIRTY, GIB, 28);
	both(MODEL_ZAP_DONTNEED, BACKING_SHMEM, TOUCH_CLEAN, GIB, 28);
}

static void test_256m(void **state)
{
	(void)state;
	both(MODEL_ZAP_UNMAP, BACKING_SHMEM, TOUCH_DIRTY, 256 * MIB, 129);
	assert_int_equal(model_flushes(&k612, MODEL_ZAP_DONTNEED, BACKING_SHMEM, TOUCH_DIRTY, DIRTY_TABLES_NONE, 256 * MIB), 128);
	assert_int_equal(model_flushes(&k614, MODEL_ZAP_DONTNEED, BACKING_SHMEM, TOUCH_DIRTY, DIRTY_TABLES_NONE, 256 * MIB), 129);
	/* 65536 pages: 6 + 1. */
	both(MODEL_ZAP_UNMAP, BACKING_ANON, TOUCH_DIRTY, 256 * MIB, 7);
	both(MODEL_ZAP_UNMAP, BACKING_SHMEM, TOUCH_CLEAN, 256 * MIB, 7);
	both(MODEL_ZAP_DONTNEED, BACKING_ANON, TOUCH_DIRTY, 256 * MIB, 7);
}

/* PMD-mapped: no forced flush, one at the end, whatever the touch. */
static void test_huge_pages(void **state)
{
	static const enum model_zap ops[] = { MODEL_ZAP_UNMAP, MODEL_ZAP_DONTNEED };

	(void)state;
	for (int i = 0; i < 2; i++)
		for (int t = 0; t < TOUCH_COUNT; t++) {
			both(ops[i], BACKING_THP, (enum touch)t, GIB, 1);
			both(ops[i], BACKING_HUGETLB, (enum touch)t, GIB, 1);
		}
}

/* Clean private anon maps the zero page: nothing batched, one flush at the
 * end, and one for a full table batch when 512 tables are freed. */
static void test_zero_page(void **state)
{
	(void)state;
	both(MODEL_ZAP_UNMAP, BACKING_ANON, TOUCH_CLEAN, GIB, 2);
	assert_int_equal(model_flushes(&k612, MODEL_ZAP_DONTNEED, BACKING_ANON, TOUCH_CLEAN, DIRTY_TABLES_NONE, GIB), 1);
	assert_int_equal(model_flushes(&k614, MODEL_ZAP_DONTNEED, BACKING_ANON, TOUCH_CLEAN, DIRTY_TABLES_NONE, GIB), 2);
	both(MODEL_ZAP_UNMAP, BACKING_ANON, TOUCH_CLEAN, 256 * MIB, 1);
}

static void test_no_prediction(void **state)
{
	(void)state;
	for (int b = 0; b < BACKING_COUNT; b++)
		for (int t = 0; t < TOUCH_COUNT; t++)
			both(MODEL_ZAP_NONE, (enum backing)b, (enum touch)t, GIB, -1);
	both(MODEL_ZAP_UNMAP, BACKING_FILE, TOUCH_CLEAN, GIB, -1);
	both(MODEL_ZAP_DONTNEED, BACKING_FILE, TOUCH_CLEAN, GIB, -1);
}

/* Each workload says how the model predicts it: lib/ never compares op names. */
static void test_workloads_declare_their_zap(void **state)
{
	(void)state;
	assert_int_equal(workload_find("munmap")->model_zap, MODEL_ZAP_UNMAP);
	assert_int_equal(workload_find("madv_dontneed")->model_zap, MODEL_ZAP_DONTNEED);
	assert_int_equal(workload_find("exit")->model_zap, MODEL_ZAP_NONE);
	assert_int_equal(workload_find("flush_cost")->model_zap, MODEL_ZAP_NONE);
	assert_true(workload_find("flush_cost")->own_page_state);
	assert_false(workload_find("munmap")->own_page_state);
}

/* A tinyconfig 6.12 (the kernel/ test kernels): no PARAVIRT, so freed page
 * tables go into the page batch. Measured in the guest: 513 for 1 GiB of
 * dirty shmem, 28 for dirty anon. */
static const struct kernel_model k612_tiny = { .tables_in_page_batch = true, .flush_probes_ran = true };
/* The same kernel with deferred-dirty v1 (dirty after the flush, all in one batch). */
static const struct kernel_model k612_deferred = { .tables_in_page_batch = true, .shmem_dirty_deferred = true,
						   .flush_probes_ran = true };
/* ... with v2 (kernel/patches/deferred-dirty.patch): flushed at the VMA end too.
 * Measured in the guest (make ab): munmap 29, MADV_DONTNEED 28 per GiB. */
static const struct kernel_model k612_v2 = { .tables_in_page_batch = true, .shmem_dirty_deferred = true,
					     .shmem_dirty_flushed_at_vma_end = true, .flush_probes_ran = true };

static void test_tables_in_page_batch(void **state)
{
	(void)state;
	assert_int_equal(model_flushes(&k612_tiny, MODEL_ZAP_UNMAP, BACKING_SHMEM, TOUCH_DIRTY, DIRTY_TABLES_NONE, GIB), 513);
	assert_int_equal(model_flushes(&k612_tiny, MODEL_ZAP_DONTNEED, BACKING_SHMEM, TOUCH_DIRTY, DIRTY_TABLES_NONE, GIB), 512);
	/* 262144 pages: 27 full batches, then 832 gathered + 512 tables fit: 28. */
	assert_int_equal(model_flushes(&k612_tiny, MODEL_ZAP_UNMAP, BACKING_ANON, TOUCH_DIRTY, DIRTY_TABLES_NONE, GIB), 28);
	assert_int_equal(model_flushes(&k612_tiny, MODEL_ZAP_UNMAP, BACKING_SHMEM, TOUCH_CLEAN, DIRTY_TABLES_NONE, GIB), 28);
	assert_int_equal(model_flushes(&k612_tiny, MODEL_ZAP_UNMAP, BACKING_ANON, TOUCH_CLEAN, DIRTY_TABLES_NONE, GIB), 1);
	/* 9,000 pages (about 35 MiB) + 18 tables fit one batch; 9,670 + 19 do not. */
	assert_int_equal(model_flushes(&k612_tiny, MODEL_ZAP_UNMAP, BACKING_ANON, TOUCH_DIRTY, DIRTY_TABLES_NONE, 9000 * 4096ul), 1);
	assert_int_equal(model_flushes(&k612_tiny, MODEL_ZAP_UNMAP, BACKING_ANON, TOUCH_DIRTY, DIRTY_TABLES_NONE, 9670 * 4096ul), 2);
}

/* deferred-dirty: dirty shmem is batched like anon; files keep the forced flush. */
static void test_shmem_dirty_deferred(void **state)
{
	(void)state;
	assert_int_equal(model_flushes(&k612_deferred, MODEL_ZAP_UNMAP, BACKING_SHMEM, TOUCH_DIRTY, DIRTY_TABLES_NONE, GIB), 28);
	assert_int_equal(model_flushes(&k612_deferred, MODEL_ZAP_DONTNEED, BACKING_SHMEM, TOUCH_DIRTY, DIRTY_TABLES_NONE, GIB), 28);
	assert_int_equal(model_flushes(&k612_deferred, MODEL_ZAP_UNMAP, BACKING_FILE, TOUCH_DIRTY, DIRTY_TABLES_NONE, GIB), 513);
	assert_int_equal(model_flushes(&k612_deferred, MODEL_ZAP_DONTNEED, BACKING_FILE, TOUCH_DIRTY, DIRTY_TABLES_NONE, 128 * MIB), 64);
}

/* v2: the VMA-end flush comes before munmap frees the tables (29), and is
 * MADV_DONTNEED's last flush anyway (28); clean shmem and anon unchanged. */
static void test_shmem_dirty_vma_end_flush(void **state)
{
	(void)state;
	assert_int_equal(model_flushes(&k612_v2, MODEL_ZAP_UNMAP, BACKING_SHMEM, TOUCH_DIRTY, DIRTY_TABLES_NONE, GIB), 29);
	assert_int_equal(model_flushes(&k612_v2, MODEL_ZAP_DONTNEED, BACKING_SHMEM, TOUCH_DIRTY, DIRTY_TABLES_NONE, GIB), 28);
	assert_int_equal(model_flushes(&k612_v2, MODEL_ZAP_UNMAP, BACKING_SHMEM, TOUCH_CLEAN, DIRTY_TABLES_NONE, GIB), 28);
	assert_int_equal(model_flushes(&k612_v2, MODEL_ZAP_UNMAP, BACKING_ANON, TOUCH_DIRTY, DIRTY_TABLES_NONE, GIB), 28);
	assert_int_equal(model_flushes(&k612_v2, MODEL_ZAP_UNMAP, BACKING_FILE, TOUCH_DIRTY, DIRTY_TABLES_NONE, GIB), 513);
	/* The probe's 4 dirty tables: VMA end, then the freed tables. */
	assert_int_equal(model_flushes(&k612_v2, MODEL_ZAP_UNMAP, BACKING_SHMEM, TOUCH_DIRTY, DIRTY_TABLES_NONE, 8 * MIB), 2);
	assert_int_equal(model_flushes(&k612_deferred, MODEL_ZAP_UNMAP, BACKING_SHMEM, TOUCH_DIRTY, DIRTY_TABLES_NONE, 8 * MIB), 1);
	/* A dose whose dirty tables all came before the last full batch flushed adds nothing. */
	assert_int_equal(model_flushes(&k612_v2, MODEL_ZAP_UNMAP, BACKING_SHMEM, TOUCH_CLEAN, 1, GIB), 28);
	assert_int_equal(model_flushes(&k612_v2, MODEL_ZAP_UNMAP, BACKING_SHMEM, TOUCH_CLEAN, 512, GIB), 29);
}

/* A partial last page table still holds dirty PTEs: it counts. */
static void test_partial_table(void **state)
{
	(void)state;
	both(MODEL_ZAP_UNMAP, BACKING_SHMEM, TOUCH_DIRTY, 3 * MIB, 3);
	assert_int_equal(model_flushes(&k612, MODEL_ZAP_DONTNEED, BACKING_SHMEM, TOUCH_DIRTY, DIRTY_TABLES_NONE, 3 * MIB), 2);
	both(MODEL_ZAP_UNMAP, BACKING_SHMEM, TOUCH_DIRTY, 2 * MIB, 2);
	both(MODEL_ZAP_UNMAP, BACKING_SHMEM, TOUCH_DIRTY, 4096, 2);
	both(MODEL_ZAP_UNMAP, BACKING_FILE, TOUCH_DIRTY, 2 * MIB + 4096, 3);
}

/* Dose-response: faulted clean, the first page of k page tables dirtied.
 * Each such table forces one flush, unless a full batch flushed after its
 * dirty page; between them the clean pages fill the batch (9,678) as usual.
 * Measured on this project's 6.18 host (table batch, page-table reclaim). */
static void test_dose_256m(void **state)
{
	static const long doses[] = { 0, 1, 13, 32, 64, 96, 128 };
	static const long munmap_6_18[] = { 7, 8, 14, 33, 65, 97, 129 };

	(void)state;
	for (size_t i = 0; i < sizeof(doses) / sizeof(doses[0]); i++) {
		assert_int_equal(model_flushes(&k614, MODEL_ZAP_UNMAP, BACKING_SHMEM, TOUCH_CLEAN, doses[i], 256 * MIB),
				 munmap_6_18[i]);
		assert_int_equal(model_flushes(&k614, MODEL_ZAP_DONTNEED, BACKING_SHMEM, TOUCH_CLEAN, doses[i], 256 * MIB),
				 munmap_6_18[i]);
	}
	/* 50 %: 64 forced, then the last, clean, table is still pending. */
	assert_int_equal(model_flushes(&k612, MODEL_ZAP_DONTNEED, BACKING_SHMEM, TOUCH_CLEAN, 64, 256 * MIB), 65);
	assert_int_equal(model_flushes(&k612, MODEL_ZAP_DONTNEED, BACKING_SHMEM, TOUCH_CLEAN, 128, 256 * MIB), 128);
	/* 0 dirtied tables is the clean case. */
	assert_int_equal(model_flushes(&k614, MODEL_ZAP_UNMAP, BACKING_SHMEM, TOUCH_CLEAN, 0, GIB),
			 model_flushes(&k614, MODEL_ZAP_UNMAP, BACKING_SHMEM, TOUCH_CLEAN, DIRTY_TABLES_NONE, GIB));
}

/* Sparse doses of 1 GiB: 51 clean tables between dirty ones overflow the
 * batch, and a dirty page met while the batch is past its stack entries may
 * flush mid-table (no new batch page with a delayed rmap pending). Measured
 * here: not monotonic in the dose (20 tables: 42, 30 tables: 32). */
static void test_dose_sparse(void **state)
{
	static const long doses[] = { 1, 5, 10, 20, 30 };
	static const long munmap_6_18[] = { 30, 32, 32, 42, 32 };

	(void)state;
	for (size_t i = 0; i < sizeof(doses) / sizeof(doses[0]); i++) {
		assert_int_equal(model_flushes(&k614, MODEL_ZAP_UNMAP, BACKING_SHMEM, TOUCH_CLEAN, doses[i], GIB), munmap_6_18[i]);
		assert_int_equal(model_flushes(&k614, MODEL_ZAP_DONTNEED, BACKING_SHMEM, TOUCH_CLEAN, doses[i], GIB),
				 munmap_6_18[i] - 1);
	}
}

/* The deferred variant and the backings without a prediction. */
static void test_dose_no_force(void **state)
{
	(void)state;
	assert_int_equal(model_flushes(&k612_deferred, MODEL_ZAP_UNMAP, BACKING_SHMEM, TOUCH_CLEAN, 512, GIB), 28);
	assert_int_equal(model_flushes(&k614, MODEL_ZAP_UNMAP, BACKING_FILE, TOUCH_CLEAN, 64, GIB), -1);
	assert_int_equal(model_flushes(&k614, MODEL_ZAP_NONE, BACKING_SHMEM, TOUCH_CLEAN, 64, GIB), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dirty_shared_gib),
		cmocka_unit_test(test_batched_gib),
		cmocka_unit_test(test_256m),
		cmocka_unit_test(test_huge_pages),
		cmocka_unit_test(test_zero_page),
		cmocka_unit_test(test_no_prediction),
		cmocka_unit_test(test_workloads_declare_their_zap),
		cmocka_unit_test(test_partial_table),
		cmocka_unit_test(test_tables_in_page_batch),
		cmocka_unit_test(test_shmem_dirty_deferred),
		cmocka_unit_test(test_shmem_dirty_vma_end_flush),
		cmocka_unit_test(test_dose_256m),
		cmocka_unit_test(test_dose_sparse),
		cmocka_unit_test(test_dose_no_force),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
