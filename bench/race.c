/* tlbbench race: the lost-write detector, the correctness side of deferring
 * folio_mark_dirty() past the TLB flush. On a file with real writeback, a
 * writer thread stores a counter to page 0 and reads it back, a dirtier keeps
 * the other 511 pages of the page table dirty (so each zap is long), a zapper
 * zaps the table again and again (MADV_DONTNEED or a MAP_FIXED re-map), and a
 * forked child loops msync(MS_SYNC) + posix_fadvise(DONTNEED) on page 0, so
 * writeback cleans and drops the page while stale TLB entries may still be
 * written through. A kernel that loses the dirty bit shows a read-back that
 * goes backwards, or a file that after fsync and a cache drop holds less than
 * the last value read back; ext4 may also warn in the kernel log. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <linux/magic.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "race.h"
#include "../lib/mapping.h"
#include "../lib/options.h"
#include "../lib/topo.h"
#include "../lib/util.h"

#define RACE_WARNINGS_KEPT 16

enum zap_mode { ZAP_MADV, ZAP_REMAP };

struct race {
	struct mapping map;
	enum zap_mode zap;
	struct topo topo;
	bool have_topo;
	atomic_bool stop;
	atomic_uint_fast64_t acked;   /* last value the writer stored and read back */
	uint64_t writer_rounds, dirtier_rounds, zaps, syncs;
	/* the writer's page faults: page 0 zapped under it, and re-read from the file after an eviction */
	long writer_faults, writer_major_faults;
	uint64_t mismatches, first_expected, first_seen;
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

/* Bind the calling thread to PU index i (logical), if the topology loaded. */
static void bind_to_pu(struct race *r, int i)
{
	char why[256];
	hwloc_obj_t pu;

	if (!r->have_topo)
		return;
	pu = hwloc_get_obj_by_type(r->topo.topology, HWLOC_OBJ_PU, (unsigned)i);
	if (pu && topo_bind_thread(&r->topo, pu->cpuset, why, sizeof(why)) < 0)
		fprintf(stderr, "tlbbench race: note: %s\n", why);
}

static int last_pu(const struct race *r)
{
	return r->have_topo ? topo_pu_count(&r->topo) - 1 : 0;
}

static void *writer(void *arg)
{
	struct race *r = arg;
	volatile uint64_t *counter = (volatile uint64_t *)r->map.addr;
	uint64_t expected = atomic_load(&r->acked);
	struct rusage usage;

	bind_to_pu(r, 0);
	while (!atomic_load_explicit(&r->stop, memory_order_relaxed)) {
		uint64_t seen = *counter;

		/* Only this thread writes page 0: any other value is a lost store. */
		if (seen != expected && r->mismatches++ == 0) {
			r->first_expected = expected;
			r->first_seen = seen;
		}
		*counter = ++expected;
		if (*counter == expected)
			atomic_store_explicit(&r->acked, expected, memory_order_relaxed);
		r->writer_rounds++;
	}
	if (getrusage(RUSAGE_THREAD, &usage) == 0) {
		r->writer_faults = usage.ru_minflt + usage.ru_majflt;
		r->writer_major_faults = usage.ru_majflt;
	}
	return NULL;
}

static void *dirtier(void *arg)
{
	struct race *r = arg;
	volatile char *p = r->map.addr;

	bind_to_pu(r, last_pu(r));
	while (!atomic_load_explicit(&r->stop, memory_order_relaxed)) {
		for (size_t off = SMALL_PAGE_SIZE; off < r->map.size; off += SMALL_PAGE_SIZE)
			p[off] = (char)r->dirtier_rounds;
		r->dirtier_rounds++;
	}
	return NULL;
}

static void *zapper(void *arg)
{
	struct race *r = arg;

	bind_to_pu(r, last_pu(r));
	while (!atomic_load_explicit(&r->stop, memory_order_relaxed)) {
		int failed = r->zap == ZAP_MADV
				     ? madvise(r->map.addr, r->map.size, MADV_DONTNEED) < 0
				     : mmap(r->map.addr, r->map.size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
					    r->map.fd, 0) == MAP_FAILED;

		if (failed) {
			r->zap_errno = errno;
			break;
		}
		r->zaps++;
	}
	return NULL;
}

/* The forked child: writeback and eviction of page 0 until the deadline. It
 * reports its round count through the pipe; exit 3 when a call fails. */
static void syncer(const struct race *r, double seconds, bool inject_loss, int pipe_fd)
{
	uint64_t start = monotonic_raw_ns(), deadline = start + (uint64_t)(seconds * 1e9), rounds = 0;
	const uint64_t stale = 0;

	while (monotonic_raw_ns() < deadline) {
		/* Every round of the second half: one write may land between the
		 * writer's load and store and be overwritten unseen. */
		if (inject_loss && monotonic_raw_ns() - start > (deadline - start) / 2 &&
		    pwrite(r->map.fd, &stale, sizeof(stale), 0) != sizeof(stale))
			_exit(3);
		if (msync(r->map.addr, SMALL_PAGE_SIZE, MS_SYNC) < 0 ||
		    posix_fadvise(r->map.fd, 0, SMALL_PAGE_SIZE, POSIX_FADV_DONTNEED) != 0)
			_exit(3);
		rounds++;
	}
	_exit(write(pipe_fd, &rounds, sizeof(rounds)) == sizeof(rounds) ? 0 : 3);
}

/* /dev/kmsg from its current end, so only this run's messages are read later. */
static int kmsg_open(char *why, size_t len)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		snprintf(why, len, "/dev/kmsg: %s", strerror(errno));
	else if (lseek(fd, 0, SEEK_END) < 0) {
		snprintf(why, len, "/dev/kmsg: seek: %s", strerror(errno));
		close(fd);
		fd = -1;
	}
	return fd;
}

/* Kernel warnings since kmsg_open: WARNING/BUG reports and anything ext4 said. */
static json_t *kmsg_warnings(int fd)
{
	json_t *lines = json_array();
	char rec[8192];

	for (;;) {
		ssize_t n = read(fd, rec, sizeof(rec) - 1);
		char *text, *end;

		if (n < 0 && errno == EPIPE)
			continue; /* records overwritten before we read them */
		if (n <= 0)
			break;
		rec[n] = '\0';
		text = strchr(rec, ';');
		if (!text)
			continue;
		text++;
		end = strchr(text, '\n');
		if (end)
			*end = '\0';
		if ((strstr(text, "WARNING") || strstr(text, "BUG") || strstr(text, "EXT4-fs error") ||
		     strstr(text, "ext4_dirty_folio")) &&
		    json_array_size(lines) < RACE_WARNINGS_KEPT)
			json_array_append_new(lines, json_string(text));
	}
	return lines;
}

/* After the run: unmap (the zap records the dirty bits), fsync, drop the
 * cache, and read page 0's counter from the file. */
static int durable_value(struct race *r, uint64_t *on_disk, bool *dropped, char *why, size_t len)
{
	int drop = open("/proc/sys/vm/drop_caches", O_WRONLY | O_CLOEXEC);

	munmap(r->map.addr, r->map.size);
	r->map.addr = NULL;
	if (fsync(r->map.fd) < 0) {
		snprintf(why, len, "fsync: %s", strerror(errno));
		return -1;
	}
	posix_fadvise(r->map.fd, 0, 0, POSIX_FADV_DONTNEED);
	*dropped = drop >= 0 && write(drop, "1", 1) == 1;
	if (drop >= 0)
		close(drop);
	if (pread(r->map.fd, on_disk, sizeof(*on_disk), 0) != sizeof(*on_disk)) {
		snprintf(why, len, "re-reading the file: %s", strerror(errno));
		return -1;
	}
	return 0;
}

struct race_opts {
	const char *dir, *out_dir;
	double seconds;
	enum zap_mode zap;
	bool inject_loss;
};

static const struct cmd_option race_options[] = {
	{ "dir", 'd', "DIR", "directory on a filesystem with writeback (ext4, xfs; not tmpfs); required" },
	{ "time", 't', "SECONDS", "time budget (default 10)" },
	{ "zap", 'z', "MODE", "madv: MADV_DONTNEED of the page table; remap: mmap MAP_FIXED over it" },
	{ "output", 'o', "DIR", "where race.json goes (default results/race)" },
	{ "inject-loss", 0, NULL, "check the detector: in the second half the child writes an old value\n"
				  "to page 0 with pwrite(), as a lost write would leave it" },
	{ NULL, 0, NULL, NULL },
};

static void race_more_help(FILE *f)
{
	fprintf(f, "Exit status: 0 no loss found, 1 lost writes or kernel warnings, 2 bad input,\n"
		   "3 the run itself failed (a thread, the child, the file).\n");
}

static const struct cmd_spec race_spec = {
	.name = "race", .opts = race_options, .more_help = race_more_help,
	.about = "Lost-write detector: writers, a dirtier and a zapper race writeback on a shared file mapping.",
};

static void on_race_option(void *ctx, int opt, const char *arg)
{
	struct race_opts *o = ctx;
	char *end;

	switch (race_options[opt].short_name) {
	case 'd': o->dir = arg; break;
	case 'o': o->out_dir = arg; break;
	case 't':
		o->seconds = strtod(arg, &end);
		if (*end || end == arg || !(o->seconds > 0))
			die_bad_input("race: --time wants a number of seconds above 0, not '%s'", arg);
		break;
	case 'z':
		if (strcmp(arg, "madv") && strcmp(arg, "remap"))
			die_bad_input("race: --zap is madv or remap, not '%s'", arg);
		o->zap = strcmp(arg, "madv") ? ZAP_REMAP : ZAP_MADV;
		break;
	default: o->inject_loss = true; break;
	}
}

static void parse_opts(int argc, char **argv, struct race_opts *o)
{
	*o = (struct race_opts){ .out_dir = "results/race", .seconds = 10, .zap = ZAP_MADV };
	options_parse(&race_spec, argc, argv, on_race_option, o);
	if (!o->dir)
		die_bad_input("race: --dir DIR is required (a directory on ext4 or xfs)");
}

static void check_dir(const char *dir, struct statfs *fs)
{
	const char *refusal;

	if (statfs(dir, fs) < 0)
		die_bad_input("race: '%s': %s", dir, strerror(errno));
	refusal = fs_refusal(fs);
	if (refusal)
		die_bad_input("race: '%s' %s", dir, refusal);
}

static json_t *race_json(const struct race *r, const struct race_opts *o, const struct statfs *fs, double elapsed)
{
	struct utsname u;

	uname(&u);
	return json_pack("{s:s, s:s, s:s, s:s, s:f, s:f, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "kernel",
			 u.release, "dir", o->dir, "filesystem", fs_name(fs->f_type), "zap",
			 o->zap == ZAP_MADV ? "madv" : "remap", "budget_s", o->seconds, "elapsed_s", elapsed,
			 "writer_rounds", (json_int_t)r->writer_rounds, "writer_faults", (json_int_t)r->writer_faults,
			 "writer_major_faults", (json_int_t)r->writer_major_faults, "dirtier_rounds",
			 (json_int_t)r->dirtier_rounds, "zaps", (json_int_t)r->zaps, "syncs", (json_int_t)r->syncs,
			 "mismatches", (json_int_t)r->mismatches, "acked", (json_int_t)atomic_load(&r->acked));
}

static void print_summary(const json_t *res)
{
	const char *key;
	json_t *value;

	json_object_foreach((json_t *)res, key, value) {
		char *text = json_dumps(value, JSON_ENCODE_ANY | JSON_COMPACT | JSON_REAL_PRECISION(6));

		printf("%-20s %s\n", key, text ? text : "?");
		free(text);
	}
}

/* Start the threads and the child, wait out the budget, stop them. */
static int race_run(struct race *r, const struct race_opts *o, double *elapsed, char *why, size_t len)
{
	pthread_t threads[3];
	void *(*const fns[3])(void *) = { writer, dirtier, zapper };
	int pipefd[2], status = 0, started = 0;
	uint64_t t0 = monotonic_raw_ns();
	pid_t child;

	if (pipe2(pipefd, O_CLOEXEC) < 0 || (child = fork()) < 0) {
		snprintf(why, len, "pipe/fork: %s", strerror(errno));
		return -1;
	}
	if (child == 0)
		syncer(r, o->seconds, o->inject_loss, pipefd[1]);
	close(pipefd[1]);
	for (int err = 0; started < 3 && !err; started += !err)
		if ((err = pthread_create(&threads[started], NULL, fns[started], r)))
			snprintf(why, len, "pthread_create: %s", strerror(err));
	/* Without all three threads the child's budget is not waited out. */
	if (started < 3 || read(pipefd[0], &r->syncs, sizeof(r->syncs)) != sizeof(r->syncs))
		r->syncs = 0;
	atomic_store(&r->stop, true);
	for (int i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	*elapsed = (double)(monotonic_raw_ns() - t0) / 1e9;
	close(pipefd[0]);
	if (started < 3) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
		return -1;
	}
	if (waitpid(child, &status, 0) < 0) {
		snprintf(why, len, "waitpid of the msync/fadvise child: %s", strerror(errno));
		return -1;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		if (WIFSIGNALED(status))
			snprintf(why, len, "the msync/fadvise child was killed by signal %d", WTERMSIG(status));
		else
			snprintf(why, len, "the msync/fadvise child exited with status %d", WEXITSTATUS(status));
		return -1;
	}
	if (r->zap_errno) {
		snprintf(why, len, "the zapper failed: %s", strerror(r->zap_errno));
		return -1;
	}
	return 0;
}

int cmd_race(int argc, char **argv)
{
	struct race_opts o;
	struct race r = { .map.fd = -1 };
	struct statfs fs;
	char why[512], path[4096];
	uint64_t on_disk = 0;
	bool dropped = false, lost, warned;
	double elapsed = 0;
	int kmsg;
	json_t *res, *warnings;

	parse_opts(argc, argv, &o);
	check_dir(o.dir, &fs);
	if (mkdir_p(o.out_dir) < 0)
		die_system("race: cannot create '%s': %s", o.out_dir, strerror(errno));
	r.zap = o.zap;
	r.have_topo = topo_load(&r.topo, why, sizeof(why)) == 0;
	if (mapping_create(&r.map, &(struct mapping_spec){ .backing = BACKING_FILE, .touch = TOUCH_DIRTY,
			   .dirty_tables = DIRTY_TABLES_NONE, .size = PAGE_TABLE_SPAN, .file_dir = o.dir },
			   why, sizeof(why)) < 0)
		die_system("race: %s", why);
	*(volatile uint64_t *)r.map.addr = 0;
	kmsg = kmsg_open(why, sizeof(why));
	if (race_run(&r, &o, &elapsed, why, sizeof(why)) < 0 ||
	    durable_value(&r, &on_disk, &dropped, why, sizeof(why)) < 0)
		die_system("race: %s", why);
	res = race_json(&r, &o, &fs, elapsed);
	json_object_set_new(res, "on_disk", json_integer((json_int_t)on_disk));
	json_object_set_new(res, "durable", json_boolean(on_disk >= atomic_load(&r.acked)));
	json_object_set_new(res, "cache_dropped", json_boolean(dropped));
	if (r.mismatches)
		json_object_set_new(res, "first_mismatch",
				    json_pack("{s:I, s:I}", "expected", (json_int_t)r.first_expected, "seen",
					      (json_int_t)r.first_seen));
	warnings = kmsg >= 0 ? kmsg_warnings(kmsg) : json_string("not supported");
	if (kmsg >= 0)
		close(kmsg);
	json_object_set_new(res, "kernel_warnings", warnings);
	lost = r.mismatches || on_disk < atomic_load(&r.acked);
	/* A warning is no proof of loss, but a correctness gate must not pass it. */
	warned = json_is_array(warnings) && json_array_size(warnings) > 0;
	json_object_set_new(res, "verdict",
			    json_string(lost ? "LOST WRITES" : warned ? "KERNEL WARNINGS" : "no loss found"));
	print_summary(res);
	snprintf(path, sizeof(path), "%s/race.json", o.out_dir);
	if (json_dump_file(res, path, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6)) < 0)
		fprintf(stderr, "tlbbench race: cannot write %s\n", path);
	json_decref(res);
	mapping_destroy(&r.map);
	if (r.have_topo)
		topo_destroy(&r.topo);
	return lost || warned ? 1 : 0;
}
