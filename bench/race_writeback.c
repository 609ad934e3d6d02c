/* tlbbench race --race writeback: the lost-write detector. On a file with
 * real writeback, one page table's worth (512 pages) is mapped shared. A
 * writer sweeps the pages, in each reading back the value it stored there
 * last and storing a new, higher one; a zapper zaps the table again and again
 * (MADV_DONTNEED or a MAP_FIXED re-map); a forked child loops msync(MS_SYNC)
 * + posix_fadvise(DONTNEED) over the file, so writeback cleans and drops the
 * pages while stale TLB entries may still be written through. The writer
 * comes back to a page only a sweep later, so a store that writeback missed
 * is not re-dirtied by the next fault first: a kernel that loses it shows a
 * read-back that goes backwards, or a file that after fsync and a cache drop
 * holds less than the last value stored. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "race_mode.h"
#include "mapping.h"
#include "util.h"

#define WB_PAGES (PAGE_TABLE_SPAN / SMALL_PAGE_SIZE)

struct writeback {
	struct race_env *env;
	struct mapping map;
	uint64_t stored[WB_PAGES]; /* the last value the writer stored in each page */
	uint64_t writer_sweeps, zaps;
	/* the writer's page faults: pages zapped under it, and re-read from the file after an eviction */
	long writer_faults, writer_major_faults;
	uint64_t mismatches, first_page, first_expected, first_seen;
	int zap_errno;
};

/* The filesystem must write back, or there is no folio_mkclean() to race with. */
static const char *fs_refusal(const struct statfs *fs)
{
	if (fs->f_type == TMPFS_MAGIC)
		return "is tmpfs, which has no writeback: folio_mkclean() never runs there, so no write can be "
		       "lost this way. Use ext4 or xfs (a RAM disk or a loop device)";
	if (fs->f_type == RAMFS_MAGIC)
		return "is ramfs, which has no writeback. Use ext4 or xfs (a RAM disk or a loop device)";
	return NULL;
}

static const char *fs_name(long type)
{
	switch (type) {
	case EXT4_SUPER_MAGIC: return "ext2/3/4";
	case XFS_SUPER_MAGIC: return "xfs";
	case BTRFS_SUPER_MAGIC: return "btrfs";
	default: return "other";
	}
}

static const char *writeback_refusal(const struct race_env *env)
{
	static char why[512];
	struct statfs fs;
	const char *refusal;

	if (!env->dir)
		return "needs --dir DIR on a filesystem with writeback (ext4, xfs): a memfd has no writeback, so "
		       "folio_mkclean() never runs there";
	if (statfs(env->dir, &fs) < 0) {
		snprintf(why, sizeof(why), "cannot use --dir '%s': %s", env->dir, strerror(errno));
		return why;
	}
	refusal = fs_refusal(&fs);
	if (refusal)
		snprintf(why, sizeof(why), "needs a filesystem with writeback: '%s' %s", env->dir, refusal);
	return refusal ? why : NULL;
}

/* A page's first word: the counter the writer keeps there. */
static volatile uint64_t *page_word(const struct writeback *w, size_t page)
{
	return (volatile uint64_t *)((char *)w->map.addr + page * SMALL_PAGE_SIZE);
}

static void *writer(void *arg)
{
	struct writeback *w = arg;
	uint64_t value = 0;
	struct rusage usage;

	race_bind(w->env, 0);
	while (!atomic_load_explicit(&w->env->stop, memory_order_relaxed)) {
		for (size_t page = 0; page < WB_PAGES; page++) {
			volatile uint64_t *word = page_word(w, page);
			uint64_t seen = *word;

			/* Only this thread writes the pages: any other value is a lost store. */
			if (seen != w->stored[page] && w->mismatches++ == 0) {
				w->first_page = page;
				w->first_expected = w->stored[page];
				w->first_seen = seen;
			}
			*word = w->stored[page] = ++value;
		}
		w->writer_sweeps++;
	}
	if (getrusage(RUSAGE_THREAD, &usage) == 0) {
		w->writer_faults = usage.ru_minflt + usage.ru_majflt;
		w->writer_major_faults = usage.ru_majflt;
	}
	return NULL;
}

static void *zapper(void *arg)
{
	struct writeback *w = arg;

	race_bind(w->env, race_last_pu(w->env));
	while (!atomic_load_explicit(&w->env->stop, memory_order_relaxed) &&
	       !(w->zap_errno = race_zap(w->env, w->map.addr, w->map.size, w->map.fd)))
		w->zaps++;
	return NULL;
}

/* The forked child: writeback and eviction of the file until the deadline. It
 * reports its round count through the pipe; exit 3 when a call fails. */
static void syncer(const struct writeback *w, int pipe_fd)
{
	uint64_t start = monotonic_raw_ns(), deadline = start + (uint64_t)(w->env->seconds * 1e9), rounds = 0;
	const uint64_t stale = 0;

	/* A PU of its own when there are three: a lost write needs the writer
	 * storing through a stale TLB entry while writeback runs elsewhere and the
	 * zapper is still inside its zap (a switch to this process on the
	 * writer's PU may flush the writer's TLB entries). */
	if (race_last_pu(w->env) >= 2)
		race_bind(w->env, 1);

	while (monotonic_raw_ns() < deadline) {
		/* Every round of the second half: page 0 back to 0; one such write may
		 * land between the writer's load and store and be overwritten unseen. */
		if (w->env->inject_loss && monotonic_raw_ns() - start > (deadline - start) / 2 &&
		    pwrite(w->map.fd, &stale, sizeof(stale), 0) != sizeof(stale))
			_exit(3);
		if (msync(w->map.addr, w->map.size, MS_SYNC) < 0 ||
		    posix_fadvise(w->map.fd, 0, (off_t)w->map.size, POSIX_FADV_DONTNEED) != 0)
			_exit(3);
		rounds++;
	}
	_exit(write(pipe_fd, &rounds, sizeof(rounds)) == sizeof(rounds) ? 0 : 3);
}

/* The child's status: 0 when it ran its rounds, -1 with why. */
static int child_status(pid_t child, char *why, size_t len)
{
	int status = 0;

	if (waitpid(child, &status, 0) < 0) {
		snprintf(why, len, "waitpid of the msync/fadvise child: %s", strerror(errno));
		return -1;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFSIGNALED(status))
		snprintf(why, len, "the msync/fadvise child was killed by signal %d", WTERMSIG(status));
	else
		snprintf(why, len, "the msync/fadvise child exited with status %d", WEXITSTATUS(status));
	return -1;
}

/* The threads for the budget, beside the child; its round count comes back through the pipe. */
static int writeback_race(struct writeback *w, uint64_t *syncs, char *why, size_t len)
{
	void *(*const fns[])(void *) = { writer, zapper };
	int pipefd[2], started;
	pid_t child;

	if (pipe2(pipefd, O_CLOEXEC) < 0 || (child = fork()) < 0) {
		snprintf(why, len, "pipe/fork: %s", strerror(errno));
		return -1;
	}
	if (child == 0)
		syncer(w, pipefd[1]);
	close(pipefd[1]);
	started = race_threads(w->env, fns, 2, w, why, len);
	if (started < 0 || read(pipefd[0], syncs, sizeof(*syncs)) != sizeof(*syncs))
		*syncs = 0;
	close(pipefd[0]);
	if (started < 0) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
		return -1;
	}
	if (child_status(child, why, len) < 0)
		return -1;
	if (w->zap_errno) {
		snprintf(why, len, "the zapper failed: %s", strerror(w->zap_errno));
		return -1;
	}
	return 0;
}

/* After the run: unmap (the zap records the dirty bits), fsync, drop the
 * cache, re-read the file and count the pages holding less than was stored. */
static int durable_check(struct writeback *w, uint64_t *lost, json_t **first_lost, bool *dropped, char *why,
			 size_t len)
{
	int drop = open("/proc/sys/vm/drop_caches", O_WRONLY | O_CLOEXEC);

	munmap(w->map.addr, w->map.size);
	w->map.addr = NULL;
	if (fsync(w->map.fd) < 0) {
		snprintf(why, len, "fsync: %s", strerror(errno));
		return -1;
	}
	posix_fadvise(w->map.fd, 0, 0, POSIX_FADV_DONTNEED);
	*dropped = drop >= 0 && write(drop, "1", 1) == 1;
	if (drop >= 0)
		close(drop);
	*lost = 0;
	*first_lost = NULL;
	for (size_t page = 0; page < WB_PAGES; page++) {
		uint64_t on_disk;

		if (pread(w->map.fd, &on_disk, sizeof(on_disk), (off_t)(page * SMALL_PAGE_SIZE)) != sizeof(on_disk)) {
			snprintf(why, len, "re-reading the file: %s", strerror(errno));
			return -1;
		}
		if (on_disk < w->stored[page] && (*lost)++ == 0)
			*first_lost = json_pack("{s:I, s:I, s:I}", "page", (json_int_t)page, "stored",
						(json_int_t)w->stored[page], "on_disk", (json_int_t)on_disk);
	}
	return 0;
}

static void writeback_json(const struct writeback *w, json_t *res, uint64_t syncs, uint64_t lost, json_t *first_lost,
			   bool dropped)
{
	struct statfs fs;

	json_object_set_new(res, "filesystem", json_string(statfs(w->env->dir, &fs) == 0 ? fs_name(fs.f_type) : "?"));
	json_object_update_new(res, json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:b, s:b}", "pages",
					      (json_int_t)WB_PAGES, "writer_sweeps", (json_int_t)w->writer_sweeps,
					      "writer_faults", (json_int_t)w->writer_faults, "writer_major_faults",
					      (json_int_t)w->writer_major_faults, "zaps", (json_int_t)w->zaps, "syncs",
					      (json_int_t)syncs, "mismatches", (json_int_t)w->mismatches,
					      "pages_lost_on_disk", (json_int_t)lost, "durable", lost == 0,
					      "cache_dropped", dropped));
	if (w->mismatches)
		json_object_set_new(res, "first_mismatch",
				    json_pack("{s:I, s:I, s:I}", "page", (json_int_t)w->first_page, "expected",
					      (json_int_t)w->first_expected, "seen", (json_int_t)w->first_seen));
	if (first_lost)
		json_object_set_new(res, "first_lost", first_lost);
}

static int writeback_run(struct race_env *env, json_t *res, uint64_t *failures, const char **failure_label,
			 char *why, size_t len)
{
	struct writeback *w = calloc(1, sizeof(*w));
	uint64_t syncs = 0, lost = 0;
	json_t *first_lost = NULL;
	bool dropped = false;
	int ret = -1;

	if (!w) {
		snprintf(why, len, "out of memory");
		return -1;
	}
	w->env = env;
	w->map.fd = -1;
	if (mapping_create(&w->map, &(struct mapping_spec){ .backing = BACKING_FILE, .touch = TOUCH_DIRTY,
			   .dirty_tables = DIRTY_TABLES_NONE, .size = PAGE_TABLE_SPAN, .file_dir = env->dir },
			   why, len) == 0) {
		for (size_t page = 0; page < WB_PAGES; page++)
			*page_word(w, page) = 0;
		if (writeback_race(w, &syncs, why, len) == 0 &&
		    durable_check(w, &lost, &first_lost, &dropped, why, len) == 0) {
			writeback_json(w, res, syncs, lost, first_lost, dropped);
			*failures = w->mismatches + lost;
			*failure_label = "LOST WRITES";
			ret = 0;
		} else {
			json_decref(first_lost);
		}
	}
	mapping_destroy(&w->map);
	free(w);
	return ret;
}

const struct race_mode race_writeback = {
	.name = "writeback",
	.refusal = writeback_refusal,
	.run = writeback_run,
};
