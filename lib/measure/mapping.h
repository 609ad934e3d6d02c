/* Large mappings to tear down: backings, touch patterns, and checks that the
 * kernel gave us what we asked for (via /proc/self/smaps). */
#ifndef TLBBENCH_MAPPING_H
#define TLBBENCH_MAPPING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "units.h"

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

/* How the pages are faulted in before the op: the page state the zap meets. */
enum populate {
	POPULATE_FAULT,   /* each page faulted by its own store or load, as applications do */
	POPULATE_MADVISE, /* MADV_POPULATE_WRITE/READ first: GUP marks every folio referenced,
			     so a zap that finds a young PTE activates the folio */
	POPULATE_COUNT
};

/* dirty_tables when the touch pattern alone sets the state. */
#define DIRTY_TABLES_NONE (-1L)


/* What smaps says about one VMA, in bytes. */
struct smaps_vma {
	uint64_t size, rss, referenced, shared_clean, shared_dirty, private_clean, private_dirty;
	uint64_t anon_huge, shmem_pmd, file_pmd, shared_hugetlb, private_hugetlb;
};

/* What to map and the state to leave it in. */
struct mapping_spec {
	enum backing backing;
	enum touch touch;
	enum populate populate;
	/* Dose-response: faulted clean, then the first page of this many page
	 * tables (spread evenly) dirtied; DIRTY_TABLES_NONE: touch alone. */
	long dirty_tables;
	size_t size;
	const char *file_dir;
};

struct mapping {
	enum backing backing;
	enum touch touch;
	enum populate populate;
	long dirty_tables;
	size_t size;
	char *addr;  /* 2 MiB aligned, so the page-table count is exact */
	int fd;      /* shmem/file backing, -1 otherwise */
	struct smaps_vma smaps; /* the VMA as set up, before the op */
};

const char *backing_name(enum backing b);
const char *touch_name(enum touch t);
const char *populate_name(enum populate p);
int backing_from_name(const char *name);  /* -1 if unknown */
int touch_from_name(const char *name);    /* -1 if unknown */
int populate_from_name(const char *name); /* -1 if unknown */
const char *backing_description(enum backing b);
const char *populate_description(enum populate p);

/* Page tables a mapping of size bytes spans (2 MiB aligned). */
size_t page_tables_of(size_t size);
/* Does the k-th of n page tables get its first page dirtied, k of n spread evenly? */
bool dose_table_dirty(size_t table, size_t tables, long dirty_tables);
/* Why a dose-response means nothing on this backing, or NULL: only shared
 * file pages are force-flushed when their PTE is dirty. */
const char *dose_backing_refusal(enum backing b);

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

/* Map, fault in with the touch pattern (and the dose), and verify. Returns 0,
 * or -1 with a one-line reason in why (the mapping is then released). Not timed. */
int mapping_create(struct mapping *m, const struct mapping_spec *spec, char *why, size_t len);
/* Release whatever of the mapping is left (the op may have unmapped it). */
void mapping_destroy(struct mapping *m);

/* Parse the smaps block of the VMA starting at start from smaps text; -1 if absent. */
int smaps_parse_vma(const char *smaps_text, uintptr_t start, struct smaps_vma *out);
/* Is this VMA what was asked for? NULL if so, else why not (into why). */
const char *mapping_verify(const struct mapping *m, const struct smaps_vma *vma, char *why, size_t len);
/* Read the mapping's smaps into m->smaps and verify it, and that every page
 * is resident: NULL if it is what was asked, else why not (lib/measure/smaps.c). */
const char *mapping_check(struct mapping *m, char *why, size_t len);

#endif
