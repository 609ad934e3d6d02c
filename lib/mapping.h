/* Large mappings to tear down: backings, touch patterns, and checks that the
 * kernel gave us what we asked for (via /proc/self/smaps). */
#ifndef TLBBENCH_MAPPING_H
#define TLBBENCH_MAPPING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum backing {
	BACKING_ANON,    /* MAP_PRIVATE|MAP_ANONYMOUS, MADV_NOHUGEPAGE */
	BACKING_SHMEM,   /* memfd_create, MAP_SHARED, MADV_NOHUGEPAGE */
	BACKING_FILE,    /* MAP_SHARED of a file on a real filesystem */
	BACKING_THP,     /* anon + MADV_HUGEPAGE: PMD-mapped */
	BACKING_HUGETLB, /* MAP_HUGETLB, 2 MiB pages */
	BACKING_COUNT
};

enum touch {
	TOUCH_DIRTY, /* a store to every page through the mapping */
	TOUCH_CLEAN, /* a load from every page; a file is filled by write() and fsync first */
	TOUCH_COUNT
};

#define PAGE_TABLE_SPAN (2ul << 20) /* bytes one x86-64 page table maps */

struct mapping {
	enum backing backing;
	enum touch touch;
	size_t size;
	char *addr;  /* 2 MiB aligned, so the page-table count is exact */
	int fd;      /* shmem/file backing, -1 otherwise */
};

/* What smaps says about one VMA, in bytes. */
struct smaps_vma {
	uint64_t size, rss, shared_clean, shared_dirty, private_clean, private_dirty;
	uint64_t anon_huge, shmem_pmd, file_pmd, shared_hugetlb, private_hugetlb;
};

const char *backing_name(enum backing b);
const char *touch_name(enum touch t);
int backing_from_name(const char *name); /* -1 if unknown */
int touch_from_name(const char *name);   /* -1 if unknown */
const char *backing_description(enum backing b);

/* Reserve address space (PROT_NONE) and return a 2 MiB aligned start with
 * unmapped gaps on both sides, so a VMA mapped there with MAP_FIXED can't
 * merge and its page-table count is exact. NULL on failure. */
char *reserve_aligned(size_t size);

/* Default directory for file backings: $TMPDIR, else /var/tmp. */
const char *default_file_dir(void);

/* Why this backing can't run here (hugetlb without reserved pages), or NULL.
 * Written into why (len bytes). */
const char *backing_unavailable(enum backing b, size_t size, char *why, size_t len);

/* Check that dir can hold a backing file of the given size; -1 with a message in why. */
int file_dir_check(const char *dir, char *why, size_t len);

/* Map, populate with the touch pattern, and verify. Returns 0, or -1 with a
 * one-line reason in why (the mapping is then released). Not timed. */
int mapping_create(struct mapping *m, enum backing b, enum touch t, size_t size,
		   const char *file_dir, char *why, size_t len);
/* Release whatever of the mapping is left (the op may have unmapped it). */
void mapping_destroy(struct mapping *m);

/* Parse the smaps block of the VMA starting at start from smaps text; -1 if absent. */
int smaps_parse_vma(const char *smaps_text, uintptr_t start, struct smaps_vma *out);
/* Is this VMA what was asked for? NULL if so, else why not (into why). */
const char *mapping_verify(const struct mapping *m, const struct smaps_vma *vma, char *why, size_t len);

#endif
