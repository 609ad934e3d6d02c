/* tlbbench race --race truncate: hole punches racing the zaps. A dirtier
 * keeps every page of a 4-page-table memfd (or file) mapping dirty, a zapper
 * zaps it again and again (MADV_DONTNEED or a MAP_FIXED re-map), and a puncher
 * punches 64 KiB holes in the file and writes them full again. A kernel that
 * keeps a zapped folio mapped past the page-table lock lets the punch remove
 * a still-mapped folio from the page cache: VM_BUG_ON_FOLIO with DEBUG_VM,
 * "BUG: Bad page cache" and a taint without it. The kernel log and the
 * taint flags are the verdict (bench/race.c). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "race_mode.h"
#include "mapping.h"
#include "util.h"

#define TRUNCATE_TABLES 4
#define HOLE_BYTES (64 << 10)

struct truncate_race {
	struct race_env *env;
	struct mapping map;
	atomic_uint_fast64_t dirtier_rounds;
	uint64_t zaps, punches;
	int zap_errno, punch_errno;
	const char *punch_call;
};

static const char *truncate_refusal(const struct race_env *env)
{
	(void)env;
	return NULL; /* a memfd, or a file on any filesystem that punches holes */
}

static void *dirtier(void *arg)
{
	struct truncate_race *t = arg;
	volatile char *p = t->map.addr;

	race_bind(t->env, 0);
	while (!atomic_load_explicit(&t->env->stop, memory_order_relaxed)) {
		for (size_t off = 0; off < t->map.size; off += SMALL_PAGE_SIZE)
			p[off] = (char)off;
		atomic_fetch_add(&t->dirtier_rounds, 1);
	}
	return NULL;
}

static void *zapper(void *arg)
{
	struct truncate_race *t = arg;

	race_bind(t->env, race_last_pu(t->env));
	while (!atomic_load_explicit(&t->env->stop, memory_order_relaxed)) {
		uint64_t round = atomic_load(&t->dirtier_rounds);

		/* One zap per dirtier round, so each zap meets a mapping full of dirty PTEs. */
		while (atomic_load(&t->dirtier_rounds) == round && !atomic_load(&t->env->stop))
			;
		if ((t->zap_errno = race_zap(t->env, t->map.addr, t->map.size, t->map.fd)))
			break;
		t->zaps++;
	}
	return NULL;
}

/* Punch a hole, write it full again, move on to the next 64 KiB. */
static void *puncher(void *arg)
{
	static const char fill[HOLE_BYTES];
	struct truncate_race *t = arg;
	off_t off = 0;

	/* Beside the dirtier when there are 2 PUs: the zapper has the other. */
	race_bind(t->env, race_last_pu(t->env) > 1 ? 1 : 0);
	while (!atomic_load_explicit(&t->env->stop, memory_order_relaxed)) {
		if (fallocate(t->map.fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, off, HOLE_BYTES) < 0) {
			t->punch_call = "fallocate(PUNCH_HOLE)";
		} else if (pwrite(t->map.fd, fill, HOLE_BYTES, off) != HOLE_BYTES) {
			t->punch_call = "pwrite";
		} else {
			t->punches++;
			off = (off + HOLE_BYTES) % (off_t)t->map.size;
			continue;
		}
		t->punch_errno = errno ? errno : EIO;
		atomic_store(&t->env->stop, true);
	}
	return NULL;
}

static int truncate_run(struct race_env *env, json_t *res, uint64_t *failures, const char **failure_label,
			char *why, size_t len)
{
	void *(*const fns[])(void *) = { dirtier, zapper, puncher };
	struct truncate_race t = { .env = env, .map.fd = -1 };
	struct mapping_spec spec = { .backing = env->dir ? BACKING_FILE : BACKING_SHMEM, .touch = TOUCH_DIRTY,
				     .dirty_tables = DIRTY_TABLES_NONE, .size = TRUNCATE_TABLES * PAGE_TABLE_SPAN,
				     .file_dir = env->dir };
	int ret;

	/* Nothing of its own to count as failures: the kernel log and taint decide. */
	(void)failures;
	(void)failure_label;
	if (mapping_create(&t.map, &spec, why, len) < 0)
		return -1;
	ret = race_threads(env, fns, 3, &t, why, len);
	if (!ret && t.zap_errno) {
		snprintf(why, len, "the zapper failed: %s", strerror(t.zap_errno));
		ret = -1;
	} else if (!ret && t.punch_errno) {
		snprintf(why, len, "the puncher's %s failed: %s", t.punch_call, strerror(t.punch_errno));
		ret = -1;
	}
	if (!ret)
		json_object_update_new(res, json_pack("{s:I, s:I, s:I, s:I}", "size_bytes", (json_int_t)t.map.size,
						      "dirtier_rounds", (json_int_t)atomic_load(&t.dirtier_rounds), "zaps",
						      (json_int_t)t.zaps, "punches", (json_int_t)t.punches));
	mapping_destroy(&t.map);
	return ret;
}

const struct race_mode race_truncate = {
	.name = "truncate",
	.refusal = truncate_refusal,
	.run = truncate_run,
};
