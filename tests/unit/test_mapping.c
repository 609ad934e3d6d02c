/* Unit tests for lib/measure/mapping.c: the smaps parser, the backing check, the names. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "mapping.h"

#define KB 1024ull

/* A heap, a 1 GiB dirty memfd and a 2 MiB THP region, as /proc/self/smaps shows them. */
static const char smaps[] =
	"55d0c8a4e000-55d0c8a6f000 rw-p 00000000 00:00 0                          [heap]\n"
	"Size:                132 kB\n"
	"KernelPageSize:        4 kB\n"
	"MMUPageSize:           4 kB\n"
	"Rss:                  12 kB\n"
	"Pss:                  12 kB\n"
	"Pss_Dirty:            12 kB\n"
	"Shared_Clean:          0 kB\n"
	"Shared_Dirty:          0 kB\n"
	"Private_Clean:         0 kB\n"
	"Private_Dirty:        12 kB\n"
	"Referenced:           12 kB\n"
	"Anonymous:            12 kB\n"
	"KSM:                   0 kB\n"
	"LazyFree:              0 kB\n"
	"AnonHugePages:         0 kB\n"
	"ShmemPmdMapped:        0 kB\n"
	"FilePmdMapped:         0 kB\n"
	"Shared_Hugetlb:        0 kB\n"
	"Private_Hugetlb:       0 kB\n"
	"Swap:                  0 kB\n"
	"SwapPss:               0 kB\n"
	"Locked:                0 kB\n"
	"THPeligible:           0\n"
	"VmFlags: rd wr mr mw me ac sd \n"
	"7f3a40000000-7f3a80000000 rw-s 00000000 00:01 2051                       /memfd:tlbbench (deleted)\n"
	"Size:            1048576 kB\n"
	"KernelPageSize:        4 kB\n"
	"MMUPageSize:           4 kB\n"
	"Rss:             1048576 kB\n"
	"Pss:             1048576 kB\n"
	"Pss_Dirty:       1048576 kB\n"
	"Shared_Clean:          0 kB\n"
	"Shared_Dirty:          0 kB\n"
	"Private_Clean:         0 kB\n"
	"Private_Dirty:   1048576 kB\n"
	"Referenced:      1048576 kB\n"
	"Anonymous:             0 kB\n"
	"KSM:                   0 kB\n"
	"LazyFree:              0 kB\n"
	"AnonHugePages:         0 kB\n"
	"ShmemPmdMapped:        0 kB\n"
	"FilePmdMapped:         0 kB\n"
	"Shared_Hugetlb:        0 kB\n"
	"Private_Hugetlb:       0 kB\n"
	"Swap:                  0 kB\n"
	"SwapPss:               0 kB\n"
	"Locked:                0 kB\n"
	"THPeligible:           0\n"
	"VmFlags: rd wr sh mr mw me ms sd nh \n"
	"7f3a80200000-7f3a80400000 rw-p 00000000 00:00 0 \n"
	"Size:               2048 kB\n"
	"KernelPageSize:        4 kB\n"
	"MMUPageSize:           4 kB\n"
	"Rss:                2048 kB\n"
	"Pss:                2048 kB\n"
	"Pss_Dirty:          2048 kB\n"
	"Shared_Clean:          4 kB\n"
	"Shared_Dirty:          8 kB\n"
	"Private_Clean:        16 kB\n"
	"Private_Dirty:      2048 kB\n"
	"Referenced:         2048 kB\n"
	"Anonymous:          2048 kB\n"
	"KSM:                   0 kB\n"
	"LazyFree:              0 kB\n"
	"AnonHugePages:      2048 kB\n"
	"ShmemPmdMapped:       32 kB\n"
	"FilePmdMapped:        64 kB\n"
	"Shared_Hugetlb:      128 kB\n"
	"Private_Hugetlb:     256 kB\n"
	"Swap:                  0 kB\n"
	"SwapPss:               0 kB\n"
	"Locked:                0 kB\n"
	"THPeligible:           1\n"
	"VmFlags: rd wr mr mw me ac sd hg \n";

static void test_smaps_middle_vma(void **state)
{
	struct smaps_vma v;

	(void)state;
	assert_int_equal(smaps_parse_vma(smaps, 0x7f3a40000000, &v), 0);
	assert_int_equal(v.size, GIB);
	assert_int_equal(v.rss, GIB);
	assert_int_equal(v.private_dirty, GIB);
	/* Zero here, non-zero in the next VMA: nothing may leak across. */
	assert_int_equal(v.shared_clean, 0);
	assert_int_equal(v.shared_dirty, 0);
	assert_int_equal(v.private_clean, 0);
	assert_int_equal(v.anon_huge, 0);
	assert_int_equal(v.shmem_pmd, 0);
	assert_int_equal(v.file_pmd, 0);
	assert_int_equal(v.shared_hugetlb, 0);
	assert_int_equal(v.private_hugetlb, 0);
}

static void test_smaps_first_and_last_vma(void **state)
{
	struct smaps_vma v;

	(void)state;
	assert_int_equal(smaps_parse_vma(smaps, 0x55d0c8a4e000, &v), 0);
	assert_int_equal(v.size, 132 * KB);
	assert_int_equal(v.rss, 12 * KB);
	assert_int_equal(v.private_dirty, 12 * KB);
	assert_int_equal(v.anon_huge, 0);

	assert_int_equal(smaps_parse_vma(smaps, 0x7f3a80200000, &v), 0);
	assert_int_equal(v.size, 2 * MIB);
	assert_int_equal(v.rss, 2 * MIB);
	assert_int_equal(v.shared_clean, 4 * KB);
	assert_int_equal(v.shared_dirty, 8 * KB);
	assert_int_equal(v.private_clean, 16 * KB);
	assert_int_equal(v.private_dirty, 2 * MIB);
	assert_int_equal(v.anon_huge, 2 * MIB);
	assert_int_equal(v.shmem_pmd, 32 * KB);
	assert_int_equal(v.file_pmd, 64 * KB);
	assert_int_equal(v.shared_hugetlb, 128 * KB);
	assert_int_equal(v.private_hugetlb, 256 * KB);
}

static void test_smaps_absent(void **state)
{
	struct smaps_vma v;

	(void)state;
	/* Inside a VMA but not its start, between VMAs, and past the end. */
	assert_int_equal(smaps_parse_vma(smaps, 0x7f3a40001000, &v), -1);
	assert_int_equal(smaps_parse_vma(smaps, 0x7f3a80000000, &v), -1);
	assert_int_equal(smaps_parse_vma(smaps, 0x7f3a80400000, &v), -1);
	assert_int_equal(smaps_parse_vma("", 0x7f3a40000000, &v), -1);
}

static char why[256];

static const char *verify(enum backing b, enum touch t, size_t size, const struct smaps_vma *v)
{
	struct mapping m = { .backing = b, .touch = t, .dirty_tables = DIRTY_TABLES_NONE, .size = size, .addr = NULL,
			     .fd = -1 };

	why[0] = '\0';
	return mapping_verify(&m, v, why, sizeof(why));
}

static void assert_refused(const char *got, const char *contains)
{
	assert_non_null(got);
	assert_ptr_equal(got, why);
	if (contains)
		assert_non_null(strstr(got, contains));
}

static void test_verify_shmem(void **state)
{
	const size_t S = 64 * MIB;
	struct smaps_vma v = { .size = S, .rss = S, .shared_dirty = S };

	(void)state;
	assert_null(verify(BACKING_SHMEM, TOUCH_DIRTY, S, &v));
	v = (struct smaps_vma){ .size = S, .rss = S, .private_dirty = S };
	assert_null(verify(BACKING_SHMEM, TOUCH_DIRTY, S, &v));
	/* Half dirty. */
	v = (struct smaps_vma){ .size = S, .rss = S, .shared_dirty = S / 2, .shared_clean = S / 2 };
	assert_refused(verify(BACKING_SHMEM, TOUCH_DIRTY, S, &v), "dirty");
	/* Pages missing. */
	v = (struct smaps_vma){ .size = S, .rss = S / 2, .shared_dirty = S / 2 };
	assert_refused(verify(BACKING_SHMEM, TOUCH_DIRTY, S, &v), "missing");
	/* Clean shmem must have no dirty byte. */
	v = (struct smaps_vma){ .size = S, .rss = S, .shared_clean = S };
	assert_null(verify(BACKING_SHMEM, TOUCH_CLEAN, S, &v));
	v = (struct smaps_vma){ .size = S, .rss = S, .shared_clean = S - 4 * KB, .shared_dirty = 4 * KB };
	assert_refused(verify(BACKING_SHMEM, TOUCH_CLEAN, S, &v), "dirty");
	/* PMD-mapped shmem is not the 4 KiB case. */
	v = (struct smaps_vma){ .size = S, .rss = S, .shared_dirty = S, .shmem_pmd = 2 * MIB };
	assert_refused(verify(BACKING_SHMEM, TOUCH_DIRTY, S, &v), "PMD");
}

static void test_verify_anon(void **state)
{
	const size_t S = 64 * MIB;
	struct smaps_vma v = { .size = S, .rss = S, .private_dirty = S, .anon_huge = 2 * MIB };

	(void)state;
	assert_refused(verify(BACKING_ANON, TOUCH_DIRTY, S, &v), "huge pages");
	assert_non_null(strstr(why, "PMD"));
	v.anon_huge = 0;
	assert_null(verify(BACKING_ANON, TOUCH_DIRTY, S, &v));
	/* Read-only private anon maps the zero page: Rss 0. */
	v = (struct smaps_vma){ .size = S };
	assert_null(verify(BACKING_ANON, TOUCH_CLEAN, S, &v));
	v = (struct smaps_vma){ .size = S, .rss = 4 * KB, .private_clean = 4 * KB };
	assert_refused(verify(BACKING_ANON, TOUCH_CLEAN, S, &v), NULL);
}

static void test_verify_thp(void **state)
{
	const size_t S = 64 * MIB;
	struct smaps_vma v = { .size = S, .rss = S, .private_dirty = S, .anon_huge = S };

	(void)state;
	assert_null(verify(BACKING_THP, TOUCH_DIRTY, S, &v));
	v.anon_huge = S - 2 * MIB;
	assert_refused(verify(BACKING_THP, TOUCH_DIRTY, S, &v), "AnonHugePages");
}

static void test_verify_hugetlb(void **state)
{
	const size_t S = 64 * MIB;
	struct smaps_vma v = { .size = S, .private_hugetlb = S };

	(void)state;
	assert_null(verify(BACKING_HUGETLB, TOUCH_DIRTY, S, &v));
	v.private_hugetlb = S - 2 * MIB;
	assert_refused(verify(BACKING_HUGETLB, TOUCH_DIRTY, S, &v), "hugetlb");
}

static void test_verify_size_mismatch(void **state)
{
	const size_t S = 64 * MIB;
	struct smaps_vma v = { .size = S + 2 * MIB, .rss = S, .shared_dirty = S };

	(void)state;
	assert_refused(verify(BACKING_SHMEM, TOUCH_DIRTY, S, &v), "spans");
	v.size = S - 4 * KB;
	assert_refused(verify(BACKING_ANON, TOUCH_CLEAN, S, &v), "spans");
}

/* k of n page tables, the first at 0, spread evenly: gaps differ by at most one. */
static void test_dose_spread(void **state)
{
	static const size_t tables[] = { 1, 7, 128, 512 };

	(void)state;
	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
		size_t n = tables[t];

		for (long k = 0; k <= (long)n; k++) {
			size_t count = 0, last = 0, min_gap = n, max_gap = 0;

			for (size_t i = 0; i < n; i++) {
				if (!dose_table_dirty(i, n, k))
					continue;
				if (count) {
					min_gap = i - last < min_gap ? i - last : min_gap;
					max_gap = i - last > max_gap ? i - last : max_gap;
				}
				last = i;
				count++;
			}
			assert_int_equal(count, k);
			if (k)
				assert_true(dose_table_dirty(0, n, k));
			if (k > 1)
				assert_true(max_gap - min_gap <= 1);
		}
	}
	/* 50 % of 128: every other table. */
	assert_true(dose_table_dirty(126, 128, 64));
	assert_false(dose_table_dirty(127, 128, 64));
	assert_false(dose_table_dirty(0, 128, DIRTY_TABLES_NONE));
	assert_int_equal(page_tables_of(256 * MIB), 128);
	assert_int_equal(page_tables_of(2 * MIB + 4 * KB), 2);
}

/* A dose: exactly the dirtied first pages dirty on shmem; at least those on a
 * file (a large folio is dirty as a whole). */
static void test_verify_dose(void **state)
{
	const size_t S = 256 * MIB;
	struct mapping m = { .backing = BACKING_SHMEM, .touch = TOUCH_CLEAN, .dirty_tables = 64, .size = S, .fd = -1 };
	struct smaps_vma v = { .size = S, .rss = S, .shared_dirty = 64 * 4 * KB };

	(void)state;
	assert_null(mapping_verify(&m, &v, why, sizeof(why)));
	v.shared_dirty = 63 * 4 * KB;
	assert_non_null(mapping_verify(&m, &v, why, sizeof(why)));
	assert_non_null(strstr(why, "64 dirtied page tables"));
	v.shared_dirty = 65 * 4 * KB;
	assert_non_null(mapping_verify(&m, &v, why, sizeof(why)));
	m.backing = BACKING_FILE;
	assert_null(mapping_verify(&m, &v, why, sizeof(why)));
	v.shared_dirty = 63 * 4 * KB;
	assert_non_null(mapping_verify(&m, &v, why, sizeof(why)));
	assert_non_null(dose_backing_refusal(BACKING_ANON));
	assert_non_null(dose_backing_refusal(BACKING_THP));
	assert_non_null(dose_backing_refusal(BACKING_HUGETLB));
	assert_null(dose_backing_refusal(BACKING_SHMEM));
	assert_null(dose_backing_refusal(BACKING_FILE));
}

static void test_names(void **state)
{
	(void)state;
	for (int b = 0; b < BACKING_COUNT; b++) {
		assert_non_null(backing_name((enum backing)b));
		assert_non_null(backing_description((enum backing)b));
		assert_int_equal(backing_from_name(backing_name((enum backing)b)), b);
	}
	for (int t = 0; t < TOUCH_COUNT; t++)
		assert_int_equal(touch_from_name(touch_name((enum touch)t)), t);
	assert_int_equal(backing_from_name("shmem"), BACKING_SHMEM);
	assert_int_equal(backing_from_name("hugetlb"), BACKING_HUGETLB);
	assert_int_equal(touch_from_name("clean"), TOUCH_CLEAN);
	assert_int_equal(backing_from_name("bogus"), -1);
	assert_int_equal(touch_from_name("bogus"), -1);
	assert_int_equal(backing_from_name(""), -1);
	assert_int_equal(touch_from_name("Dirty"), -1);
	for (int p = 0; p < POPULATE_COUNT; p++) {
		assert_int_equal(populate_from_name(populate_name((enum populate)p)), p);
		assert_non_null(populate_description((enum populate)p));
	}
	assert_int_equal(populate_from_name("fault"), POPULATE_FAULT);
	assert_int_equal(populate_from_name("madvise"), POPULATE_MADVISE);
	assert_int_equal(populate_from_name("prefault"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_smaps_middle_vma),
		cmocka_unit_test(test_smaps_first_and_last_vma),
		cmocka_unit_test(test_smaps_absent),
		cmocka_unit_test(test_verify_shmem),
		cmocka_unit_test(test_verify_anon),
		cmocka_unit_test(test_verify_thp),
		cmocka_unit_test(test_verify_hugetlb),
		cmocka_unit_test(test_verify_size_mismatch),
		cmocka_unit_test(test_dose_spread),
		cmocka_unit_test(test_verify_dose),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
