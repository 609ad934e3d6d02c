#define _GNU_SOURCE
#include "mapping.h"
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

#define SMALL_PAGE 4096ul
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

const char *backing_name(enum backing b) { return backing_names[b]; }
const char *backing_description(enum backing b) { return backing_descriptions[b]; }
const char *touch_name(enum touch t) { return touch_names[t]; }

static int index_of(const char *const *names, int count, const char *name)
{
	for (int i = 0; i < count; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return -1;
}

int backing_from_name(const char *name) { return index_of(backing_names, BACKING_COUNT, name); }
int touch_from_name(const char *name) { return index_of(touch_names, TOUCH_COUNT, name); }

const char *default_file_dir(void)
{
	const char *dir = getenv("TMPDIR");

	return dir && *dir ? dir : "/var/tmp";
}

static int meminfo_kb(const char *key, uint64_t *kb)
{
	char *text = read_text_file("/proc/meminfo"), *line;
	size_t keylen = strlen(key);
	int ret = -1;

	for (line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		if (strncmp(line, key, keylen) == 0 && line[keylen] == ':') {
			*kb = strtoull(line + keylen + 1, NULL, 10);
			ret = 0;
			break;
		}
	}
	free(text);
	return ret;
}

const char *backing_unavailable(enum backing b, size_t size, char *why, size_t len)
{
	uint64_t free_pages, page_kb;

	if (b != BACKING_HUGETLB)
		return NULL;
	if (meminfo_kb("HugePages_Free", &free_pages) < 0 || meminfo_kb("Hugepagesize", &page_kb) < 0) {
		snprintf(why, len, "hugetlb: no HugePages_Free in /proc/meminfo (kernel without hugetlbfs)");
		return why;
	}
	if (page_kb != PAGE_TABLE_SPAN / 1024) {
		snprintf(why, len, "hugetlb: default huge page size is %" PRIu64 " kB, 2048 kB needed", page_kb);
		return why;
	}
	if (free_pages * page_kb * 1024 < size) {
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

static void touch_pages(struct mapping *m)
{
	volatile char *p = m->addr;
	char sink = 0;

	/* Fault everything in at once (5.14+; an error just leaves it to the
	 * loop); the store or load to every page below still sets the state. */
	madvise(m->addr, m->size, m->touch == TOUCH_DIRTY ? MADV_POPULATE_WRITE : MADV_POPULATE_READ);

	if (m->touch == TOUCH_DIRTY) {
		for (size_t off = 0; off < m->size; off += SMALL_PAGE)
			p[off] = (char)off | 1;
		return;
	}
	for (size_t off = 0; off < m->size; off += SMALL_PAGE)
		sink ^= p[off];
	__asm__ volatile("" : : "r"(sink));
}

int smaps_parse_vma(const char *text, uintptr_t start, struct smaps_vma *out)
{
	static const struct { const char *key; size_t off; } fields[] = {
		{ "Rss:", offsetof(struct smaps_vma, rss) },
		{ "Shared_Clean:", offsetof(struct smaps_vma, shared_clean) },
		{ "Shared_Dirty:", offsetof(struct smaps_vma, shared_dirty) },
		{ "Private_Clean:", offsetof(struct smaps_vma, private_clean) },
		{ "Private_Dirty:", offsetof(struct smaps_vma, private_dirty) },
		{ "AnonHugePages:", offsetof(struct smaps_vma, anon_huge) },
		{ "ShmemPmdMapped:", offsetof(struct smaps_vma, shmem_pmd) },
		{ "FilePmdMapped:", offsetof(struct smaps_vma, file_pmd) },
		{ "Shared_Hugetlb:", offsetof(struct smaps_vma, shared_hugetlb) },
		{ "Private_Hugetlb:", offsetof(struct smaps_vma, private_hugetlb) },
	};
	const char *line = text;
	bool inside = false;

	memset(out, 0, sizeof(*out));
	for (; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		uintptr_t lo, hi;
		char dash;

		/* A VMA header is "lo-hi perms ..."; field lines start with a letter key. */
		if (sscanf(line, "%" SCNxPTR "%c%" SCNxPTR, &lo, &dash, &hi) == 3 && dash == '-') {
			if (inside)
				return 0;
			inside = lo == start;
			out->size = hi - lo;
			continue;
		}
		if (!inside)
			continue;
		for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
			size_t klen = strlen(fields[i].key);

			if (strncmp(line, fields[i].key, klen) == 0)
				*(uint64_t *)((char *)out + fields[i].off) = strtoull(line + klen, NULL, 10) * 1024;
		}
	}
	return inside ? 0 : -1;
}

/* Private anon mappings that were only read map the shared zero page: no Rss. */
static bool maps_zero_page(const struct mapping *m)
{
	return m->touch == TOUCH_CLEAN && (m->backing == BACKING_ANON || m->backing == BACKING_THP);
}

const char *mapping_verify(const struct mapping *m, const struct smaps_vma *v, char *why, size_t len)
{
	uint64_t dirty = v->shared_dirty + v->private_dirty;
	uint64_t want_rss = maps_zero_page(m) ? 0 : m->size;
	uint64_t pmd = v->anon_huge + v->shmem_pmd + v->file_pmd;

	if (v->size != m->size)
		snprintf(why, len, "the VMA spans %" PRIu64 " bytes, %zu were mapped", v->size, m->size);
	else if (m->backing == BACKING_HUGETLB) {
		if (v->shared_hugetlb + v->private_hugetlb != m->size)
			snprintf(why, len, "hugetlb: %" PRIu64 " of %zu bytes backed by huge pages",
				 v->shared_hugetlb + v->private_hugetlb, m->size);
		else
			return NULL;
	} else if (m->backing == BACKING_THP && !maps_zero_page(m) && v->anon_huge != m->size)
		snprintf(why, len, "thp: only %" PRIu64 " of %zu bytes are huge pages (AnonHugePages)",
			 v->anon_huge, m->size);
	else if (m->backing != BACKING_THP && pmd)
		snprintf(why, len, "%s: %" PRIu64 " bytes are PMD-mapped huge pages where 4 KiB pages were asked "
			 "(check /sys/kernel/mm/transparent_hugepage/shmem_enabled)", backing_name(m->backing), pmd);
	else if (v->rss != want_rss)
		snprintf(why, len, "%s %s: Rss is %" PRIu64 " bytes, %" PRIu64 " expected (%s)",
			 touch_name(m->touch), backing_name(m->backing), v->rss, want_rss,
			 v->rss < want_rss ? "pages missing" : "pages where the zero page was expected");
	else if (m->touch == TOUCH_DIRTY && dirty != v->rss)
		snprintf(why, len, "dirty %s: only %" PRIu64 " of %" PRIu64 " resident bytes are dirty",
			 backing_name(m->backing), dirty, v->rss);
	/* smaps counts a page dirty if its PTE or its folio is: 0 proves clean PTEs. */
	else if (m->touch == TOUCH_CLEAN && dirty)
		snprintf(why, len, "clean %s: %" PRIu64 " bytes are dirty", backing_name(m->backing), dirty);
	else
		return NULL;
	return why;
}

/* Every page must be present: covers the zero-page cases smaps can't see. */
static const char *check_resident(const struct mapping *m, char *why, size_t len)
{
	size_t pages = m->size / SMALL_PAGE, missing = 0;
	unsigned char *vec = malloc(pages);

	if (!vec || mincore(m->addr, m->size, vec) < 0) {
		snprintf(why, len, "mincore: %s", strerror(vec ? errno : ENOMEM));
		free(vec);
		return why;
	}
	for (size_t i = 0; i < pages; i++)
		missing += !(vec[i] & 1);
	free(vec);
	if (!missing)
		return NULL;
	snprintf(why, len, "%zu of %zu pages are not resident after touching", missing, pages);
	return why;
}

static const char *verify_from_smaps(const struct mapping *m, char *why, size_t len)
{
	char *text = read_text_file("/proc/self/smaps");
	struct smaps_vma vma;
	const char *bad;

	if (!text) {
		snprintf(why, len, "cannot read /proc/self/smaps: %s", strerror(errno));
		return why;
	}
	if (smaps_parse_vma(text, (uintptr_t)m->addr, &vma) < 0) {
		snprintf(why, len, "no VMA starts at %p in /proc/self/smaps", (void *)m->addr);
		bad = why;
	} else {
		bad = mapping_verify(m, &vma, why, len);
	}
	free(text);
	return bad ? bad : check_resident(m, why, len);
}

int mapping_create(struct mapping *m, enum backing b, enum touch t, size_t size,
		   const char *file_dir, char *why, size_t len)
{
	*m = (struct mapping){ .backing = b, .touch = t, .size = size, .fd = -1 };
	if (open_backing_fd(m, file_dir, why, len) < 0)
		goto fail;
	if (m->fd >= 0) {
		if (ftruncate(m->fd, (off_t)size) < 0) {
			snprintf(why, len, "ftruncate to %zu bytes: %s", size, strerror(errno));
			goto fail;
		}
		if (m->backing == BACKING_FILE && fill_backing(m, why, len) < 0)
			goto fail;
	}
	if (map_backing(m, why, len) < 0)
		goto fail;
	touch_pages(m);
	if (verify_from_smaps(m, why, len))
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
