/* tlbbench race: the correctness side of batching the TLB flush of dirty
 * file PTEs. Each mode (bench/race_MODE.c) races zaps against what could
 * go wrong if a zapped PTE's stale TLB entry outlived the page-table lock:
 * writeback (a lost write on a filesystem with writeback), truncate (hole
 * punches meeting still-mapped folios) and seal (a memfd changed after a
 * successful F_SEAL_WRITE). This file holds what the modes share (binding,
 * zapping, their threads) and the watch on the kernel log and taint flags;
 * the command is cmd/race_cmd.c. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "race_mode.h"
#include "util.h"

#define RACE_WARNINGS_KEPT 16

static const struct race_mode *const race_modes[] = { &race_writeback, &race_truncate, &race_seal };
#define RACE_MODES (int)(sizeof(race_modes) / sizeof(race_modes[0]))

const struct race_mode *race_mode_find(const char *name)
{
	for (int i = 0; i < RACE_MODES; i++)
		if (strcmp(race_modes[i]->name, name) == 0)
			return race_modes[i];
	return NULL;
}

void race_bind(struct race_env *env, int i)
{
	char why[256];
	hwloc_obj_t pu;

	if (!env->have_topo)
		return;
	i = i < topo_pu_count(&env->topo) ? i : topo_pu_count(&env->topo) - 1;
	pu = hwloc_get_obj_by_type(env->topo.topology, HWLOC_OBJ_PU, (unsigned)i);
	if (pu && topo_bind_thread(&env->topo, pu->cpuset, why, sizeof(why)) < 0)
		fprintf(stderr, "tlbbench race: note: %s\n", why);
}

int race_zap(struct race_env *env, void *addr, size_t size, int fd)
{
	int failed = env->zap == ZAP_MADV
			     ? madvise(addr, size, MADV_DONTNEED) < 0
			     : mmap(addr, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0) == MAP_FAILED;

	if (!failed)
		return 0;
	atomic_store(&env->stop, true);
	return errno;
}

int race_last_pu(const struct race_env *env)
{
	return env->have_topo ? topo_pu_count(&env->topo) - 1 : 0;
}

int race_threads(struct race_env *env, void *(*const fns[])(void *), int n, void *arg, char *why, size_t len)
{
	pthread_t threads[RACE_MAX_THREADS];
	uint64_t deadline = monotonic_raw_ns() + (uint64_t)(env->seconds * 1e9);
	int started = 0, err = n > RACE_MAX_THREADS ? E2BIG : 0;

	while (!err && started < n && !(err = pthread_create(&threads[started], NULL, fns[started], arg)))
		started++;
	if (err)
		snprintf(why, len, "pthread_create: %s", strerror(err));
	/* Without every thread there is no race to wait out. */
	while (!err && !atomic_load(&env->stop) && monotonic_raw_ns() < deadline)
		usleep(10000);
	atomic_store(&env->stop, true);
	for (int i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	return err ? -1 : 0;
}

/* /dev/kmsg from its current end, so only this run's messages are read later. */
int race_kmsg_open(char *why, size_t len)
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

/* Kernel warnings since race_kmsg_open: WARNING/BUG reports and anything ext4 said. */
json_t *race_kmsg_warnings(int fd)
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
		if ((strstr(text, "WARNING") || strstr(text, "BUG") || strstr(text, "Oops") ||
		     strstr(text, "EXT4-fs error") || strstr(text, "ext4_dirty_folio")) &&
		    json_array_size(lines) < RACE_WARNINGS_KEPT)
			json_array_append_new(lines, json_string(text));
	}
	return lines;
}

/* /proc/sys/kernel/tainted, or -1 when it cannot be read. */
long race_kernel_taint(void)
{
	long v;

	return read_long_file("/proc/sys/kernel/tainted", &v) < 0 ? -1 : v;
}
