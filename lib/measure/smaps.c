/* Checks that the kernel gave us what was asked, from /proc/self/smaps and
 * mincore: backing, huge pages, residency and the dirty state. */
#define _GNU_SOURCE
#include "mapping.h"
#include "util.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

int smaps_parse_vma(const char *text, uintptr_t start, struct smaps_vma *out)
{
	static const struct { const char *key; size_t off; } fields[] = {
		{ "Rss:", offsetof(struct smaps_vma, rss) },
		{ "Referenced:", offsetof(struct smaps_vma, referenced) },
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

/* A dose-response mapping: exactly the dirtied first pages are dirty. A file's
 * large folio is dirty as a whole (smaps counts every page of a dirty folio),
 * so there the dirtied pages are a lower bound. */
static const char *verify_dose(const struct mapping *m, uint64_t dirty, char *why, size_t len)
{
	uint64_t want = (uint64_t)m->dirty_tables * SMALL_PAGE_SIZE;

	if (dirty < want || (m->backing != BACKING_FILE && dirty != want))
		snprintf(why, len, "%s with %ld dirtied page tables: %" PRIu64 " bytes are dirty, %" PRIu64 " expected",
			 backing_name(m->backing), m->dirty_tables, dirty, want);
	else
		return NULL;
	return why;
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
	else if (m->dirty_tables != DIRTY_TABLES_NONE)
		return verify_dose(m, dirty, why, len);
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
	size_t pages = m->size / SMALL_PAGE_SIZE, missing = 0;
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

const char *mapping_check(struct mapping *m, char *why, size_t len)
{
	char *text = read_text_file("/proc/self/smaps");
	const char *bad;

	if (!text) {
		snprintf(why, len, "cannot read /proc/self/smaps: %s", strerror(errno));
		return why;
	}
	if (smaps_parse_vma(text, (uintptr_t)m->addr, &m->smaps) < 0) {
		snprintf(why, len, "no VMA starts at %p in /proc/self/smaps", (void *)m->addr);
		bad = why;
	} else {
		bad = mapping_verify(m, &m->smaps, why, len);
	}
	free(text);
	return bad ? bad : check_resident(m, why, len);
}
