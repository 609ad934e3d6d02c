#define _GNU_SOURCE
#include "mapping.h"
#include "sysinfo_parse.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

#define FILL_CHUNK (1ul << 20)

static const char *const backing_names[BACKING_COUNT] = {
	[BACKING_ANON] = "anon", [BACKING_SHMEM] = "shmem", [BACKING_FILE] = "file",
	[BACKING_THP] = "thp", [BACKING_HUGETLB] = "hugetlb",
};

static const char *const backing_descriptions[BACKING_COUNT] = {
	[BACKING_ANON] = "MAP_PRIVATE|MAP_ANONYMOUS, 4 KiB pages (MADV_NOHUGEPAGE)",
	[BACKING_SHMEM] = "memfd_create + MAP_SHARED, 4 KiB pages (MADV_NOHUGEPAGE)",
	[BACKING_FILE] = "MAP_SHARED of a file in --dir (default $TMPDIR or /var/tmp)",
	[BACKING_THP] = "MAP_PRIVATE|MAP_ANONYMOUS + MADV_HUGEPAGE, PMD-mapped 2 MiB pages",
	[BACKING_HUGETLB] = "MAP_HUGETLB 2 MiB pages (needs vm.nr_hugepages)",
};

static const char *const touch_names[TOUCH_COUNT] = {
	[TOUCH_DIRTY] = "dirty", [TOUCH_CLEAN] = "clean",
};

static const char *const populate_names[POPULATE_COUNT] = {
	[POPULATE_FAULT] = "fault", [POPULATE_MADVISE] = "madvise",
};

static const char *const populate_descriptions[POPULATE_COUNT] = {
	[POPULATE_FAULT] = "each page faulted in by its own store or load, as applications do (default)",
	[POPULATE_MADVISE] = "MADV_POPULATE_WRITE/READ first: GUP marks every folio referenced, so the zap "
			     "activates it (pgactivate)",
};

const char *backing_name(enum backing b) { return backing_names[b]; }
const char *backing_description(enum backing b) { return backing_descriptions[b]; }
const char *touch_name(enum touch t) { return touch_names[t]; }
const char *populate_name(enum populate p) { return populate_names[p]; }
const char *populate_description(enum populate p) { return populate_descriptions[p]; }

static int index_of(const char *const *names, int count, const char *name)
{
	for (int i = 0; i < count; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return -1;
}

int backing_from_name(const char *name) { return index_of(backing_names, BACKING_COUNT, name); }
int touch_from_name(const char *name) { return index_of(touch_names, TOUCH_COUNT, name); }
int populate_from_name(const char *name) { return index_of(populate_names, POPULATE_COUNT, name); }

size_t page_tables_of(size_t size)
{
	return (size + PAGE_TABLE_SPAN - 1) / PAGE_TABLE_SPAN;
}

/* Table t is the i-th dirtied one when t == floor(i * tables / k): k tables
 * spread evenly, the first at 0. */
bool dose_table_dirty(size_t table, size_t tables, long dirty_tables)
{
	size_t k = dirty_tables < 0 ? 0 : (size_t)dirty_tables, i;

	if (!k || table >= tables)
		return false;
	i = (table * k + tables - 1) / tables; /* the smallest i with floor(i * tables / k) >= table */
	return i < k && i * tables / k == table;
}

const char *dose_backing_refusal(enum backing b)
{
	switch (b) {
	case BACKING_ANON:
		return "anon pages are never force-flushed (a dirty anon PTE needs no set_page_dirty), so dirtying "
		       "page tables doses nothing: use backing shmem or file";
	case BACKING_THP:
	case BACKING_HUGETLB:
		return "PMD-mapped pages have no page table to dirty and are never force-flushed: use backing shmem "
		       "or file";
	default:
		return NULL;
	}
}

const char *default_file_dir(void)
{
	const char *dir = getenv("TMPDIR");

	return dir && *dir ? dir : "/var/tmp";
}

const char *backing_unavailable(enum backing b, size_t size, char *why, size_t len)
{
	uint64_t free_pages, page_bytes;

	if (b != BACKING_HUGETLB)
		return NULL;
	if (meminfo_number(NULL, "HugePages_Free", false, &free_pages) < 0 ||
	    meminfo_number(NULL, "Hugepagesize", true, &page_bytes) < 0) {
		snprintf(why, len, "hugetlb: no HugePages_Free in /proc/meminfo (kernel without hugetlbfs)");
		return why;
	}
	if (page_bytes != PAGE_TABLE_SPAN) {
		snprintf(why, len, "hugetlb: default huge page size is %" PRIu64 " kB, 2048 kB needed", page_bytes / 1024);
		return why;
	}
	if (free_pages * page_bytes < size) {
		snprintf(why, len,
			 "hugetlb: %" PRIu64 " free 2 MiB huge pages reserved, %zu needed "
			 "(reserve them with: echo %zu > /proc/sys/vm/nr_hugepages)",
			 free_pages, size / PAGE_TABLE_SPAN, size / PAGE_TABLE_SPAN);
		return why;
	}
	return NULL;
}

int file_dir_check(const char *dir, char *why, size_t len)
{
	int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	struct statfs fs;

	if (fd < 0) {
		snprintf(why, len, "cannot create a backing file in '%s': %s", dir, strerror(errno));
		return -1;
	}
	if (fstatfs(fd, &fs) == 0 && fs.f_type == TMPFS_MAGIC)
		fprintf(stderr, "tlbbench: note: '%s' is tmpfs; the file backing then behaves like shmem\n", dir);
	close(fd);
	return 0;
}

/* Room for size bytes in dir's filesystem? */
static int file_dir_has_room(const char *dir, size_t size, char *why, size_t len)
{
	struct statvfs vfs;

	if (statvfs(dir, &vfs) == 0 && (uint64_t)vfs.f_bavail * vfs.f_frsize < size) {
		snprintf(why, len, "'%s' has %" PRIu64 " MiB free, %zu MiB needed", dir,
			 (uint64_t)vfs.f_bavail * vfs.f_frsize >> 20, size >> 20);
		return -1;
	}
	return 0;
}

static int open_backing_fd(struct mapping *m, const char *file_dir, char *why, size_t len)
{
	if (m->backing == BACKING_SHMEM) {
		m->fd = memfd_create("tlbbench", MFD_CLOEXEC);
		if (m->fd < 0) {
			snprintf(why, len, "memfd_create: %s", strerror(errno));
			return -1;
		}
	} else if (m->backing == BACKING_FILE) {
		if (file_dir_has_room(file_dir, m->size, why, len) < 0)
			return -1;
		m->fd = open(file_dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
		if (m->fd < 0) {
			snprintf(why, len, "cannot create a backing file in '%s': %s", file_dir, strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* Fill a real file through write() and fsync it, so its blocks exist and its
 * page cache starts clean. shmem is not filled: a written shmem folio stays
 * dirty, and the kernel maps a dirty folio with a dirty PTE even on a read
 * fault, so clean shmem PTEs only come from reading holes. */
static int fill_backing(struct mapping *m, char *why, size_t len)
{
	char *chunk = malloc(FILL_CHUNK);
	off_t off = 0;

	if (!chunk) {
		snprintf(why, len, "out of memory");
		return -1;
	}
	memset(chunk, 0x5a, FILL_CHUNK);
	while ((size_t)off < m->size) {
		size_t n = m->size - (size_t)off < FILL_CHUNK ? m->size - (size_t)off : FILL_CHUNK;
		ssize_t done = pwrite(m->fd, chunk, n, off);

		if (done <= 0) {
			snprintf(why, len, "filling the %s backing: %s", backing_name(m->backing),
				 done < 0 ? strerror(errno) : "short write");
			free(chunk);
			return -1;
		}
		off += done;
	}
	free(chunk);
	if (fsync(m->fd) < 0) {
		snprintf(why, len, "fsync of the backing file: %s", strerror(errno));
		return -1;
	}
	return 0;
}

char *reserve_aligned(size_t size)
{
	size_t span = size + 2 * PAGE_TABLE_SPAN;
	char *base = mmap(NULL, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	char *start;

	if (base == MAP_FAILED)
		return NULL;
	start = (char *)(((uintptr_t)base + PAGE_TABLE_SPAN) & ~(PAGE_TABLE_SPAN - 1));
	munmap(base, (size_t)(start - base));
	munmap(start + size, (size_t)(base + span - (start + size)));
	return start;
}

static int map_backing(struct mapping *m, char *why, size_t len)
{
	int prot = PROT_READ | PROT_WRITE, flags = MAP_FIXED;
	int advice = MADV_NOHUGEPAGE;
	char *want = reserve_aligned(m->size);

	if (!want) {
		snprintf(why, len, "cannot reserve %zu bytes of address space: %s", m->size, strerror(errno));
		return -1;
	}
	switch (m->backing) {
	case BACKING_SHMEM:
	case BACKING_FILE:
		flags |= MAP_SHARED;
		break;
	case BACKING_THP:
		advice = MADV_HUGEPAGE;
		/* fall through */
	case BACKING_ANON:
		flags |= MAP_PRIVATE | MAP_ANONYMOUS;
		break;
	case BACKING_HUGETLB:
		flags |= MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB;
		advice = -1;
		break;
	default:
		break;
	}
	m->addr = mmap(want, m->size, prot, flags, m->fd, 0);
	if (m->addr == MAP_FAILED) {
		m->addr = NULL;
		munmap(want, m->size);
		snprintf(why, len, "mmap of %zu bytes (%s): %s", m->size, backing_name(m->backing), strerror(errno));
		return -1;
	}
	if (advice >= 0 && madvise(m->addr, m->size, advice) < 0) {
		snprintf(why, len, "madvise(%s): %s", advice == MADV_HUGEPAGE ? "MADV_HUGEPAGE" : "MADV_NOHUGEPAGE",
			 strerror(errno));
		return -1;
	}
	return 0;
}

/* MADV_POPULATE_* (5.14+) goes through GUP, which marks each folio
 * referenced: the zap then finds a young PTE on a referenced folio and
 * activates it. Applications fault their memory by touching it. */
static int populate_pages(struct mapping *m, char *why, size_t len)
{
	int advice = m->touch == TOUCH_DIRTY ? MADV_POPULATE_WRITE : MADV_POPULATE_READ;

	if (m->populate != POPULATE_MADVISE || madvise(m->addr, m->size, advice) == 0)
		return 0;
	snprintf(why, len, "populate=madvise: madvise(%s): %s (the kernel needs 5.14+; use populate=fault)",
		 advice == MADV_POPULATE_WRITE ? "MADV_POPULATE_WRITE" : "MADV_POPULATE_READ", strerror(errno));
	return -1;
}

/* The store or load to every page sets the PTE state; a dose then dirties
 * the first page of its page tables. */
static void touch_pages(struct mapping *m)
{
	volatile char *p = m->addr;
	size_t tables = page_tables_of(m->size);
	char sink = 0;

	if (m->touch == TOUCH_DIRTY) {
		for (size_t off = 0; off < m->size; off += SMALL_PAGE_SIZE)
			p[off] = (char)off | 1;
		return;
	}
	for (size_t off = 0; off < m->size; off += SMALL_PAGE_SIZE)
		sink ^= p[off];
	__asm__ volatile("" : : "r"(sink));
	for (size_t t = 0; m->dirty_tables > 0 && t < tables; t++)
		if (dose_table_dirty(t, tables, m->dirty_tables))
			p[t * PAGE_TABLE_SPAN] = 1;
}

/* A dose needs a clean start on a backing whose dirty PTEs force flushes. */
static int dose_check(const struct mapping *m, char *why, size_t len)
{
	const char *refusal = dose_backing_refusal(m->backing);

	if (m->dirty_tables == DIRTY_TABLES_NONE)
		return 0;
	if (refusal)
		snprintf(why, len, "dirty_tables on %s: %s", backing_name(m->backing), refusal);
	else if (m->touch != TOUCH_CLEAN)
		snprintf(why, len, "dirty_tables needs touch=clean: the pages are faulted clean, then dirtied table by table");
	else if (m->dirty_tables < 0 || (size_t)m->dirty_tables > page_tables_of(m->size))
		snprintf(why, len, "dirty_tables %ld: the mapping has %zu page tables", m->dirty_tables,
			 page_tables_of(m->size));
	else
		return 0;
	return -1;
}

int mapping_create(struct mapping *m, const struct mapping_spec *spec, char *why, size_t len)
{
	*m = (struct mapping){ .backing = spec->backing, .touch = spec->touch, .populate = spec->populate,
			       .dirty_tables = spec->dirty_tables, .size = spec->size, .fd = -1 };
	if (dose_check(m, why, len) < 0 || open_backing_fd(m, spec->file_dir, why, len) < 0)
		goto fail;
	if (m->fd >= 0) {
		if (ftruncate(m->fd, (off_t)m->size) < 0) {
			snprintf(why, len, "ftruncate to %zu bytes: %s", m->size, strerror(errno));
			goto fail;
		}
		if (m->backing == BACKING_FILE && fill_backing(m, why, len) < 0)
			goto fail;
	}
	if (map_backing(m, why, len) < 0 || populate_pages(m, why, len) < 0)
		goto fail;
	touch_pages(m);
	if (mapping_check(m, why, len))
		goto fail;
	return 0;
fail:
	mapping_destroy(m);
	return -1;
}

void mapping_destroy(struct mapping *m)
{
	if (m->addr)
		munmap(m->addr, m->size);
	if (m->fd >= 0)
		close(m->fd);
	m->addr = NULL;
	m->fd = -1;
}
