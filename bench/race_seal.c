/* tlbbench race --race seal: F_SEAL_WRITE racing the unmap of a memfd that
 * is being written. Each round maps a fresh memfd (sealing allowed) at the
 * same address, a writer stores a rising value to every page, and the
 * zapper maps anonymous memory over it with MAP_FIXED while a sealer retries
 * F_SEAL_WRITE, which succeeds once the memfd has no writable mapping left.
 * The sealer then copies the file; the zapper, once its mmap has returned,
 * reads the file again. Nothing may write a sealed file: any difference is
 * a store through a stale TLB entry after the seal, a seal violated.
 * (F_SEAL_WRITE also waits in memfd_wait_for_pins() while the unmap's
 * mmu_gather holds references to the memfd's folios.) */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "race_mode.h"
#include "units.h"

#define SEAL_SIZE PAGE_TABLE_SPAN

enum seal_state { SEAL_IDLE, SEAL_ARMED, SEAL_DONE, SEAL_FAILED };

struct seal_race {
	struct race_env *env;
	char *addr;
	atomic_int fd;
	atomic_int state;
	atomic_bool sealer_gone; /* then nobody else uses the round's memfd */
	atomic_uint_fast64_t writer_passes;
	char *sealed, *later; /* the file as the sealer saw it, and after the unmap */
	uint64_t rounds, seal_busy, violations, first_offset, first_sealed, first_later;
	int errno_seen;
	const char *failed_call;
};

static const char *seal_refusal(const struct race_env *env)
{
	return env->dir ? "seals a memfd (F_SEAL_WRITE): a file on --dir cannot be sealed" : NULL;
}

static void fail_with(struct seal_race *s, const char *call)
{
	s->failed_call = call;
	s->errno_seen = errno;
	atomic_store(&s->state, SEAL_FAILED);
	atomic_store(&s->env->stop, true);
}

/* A rising value into every page, through whatever is mapped there now. */
static void *writer(void *arg)
{
	struct seal_race *s = arg;
	volatile uint64_t *p = (volatile uint64_t *)s->addr;
	uint64_t value = 0;

	race_bind(s->env, 0);
	while (!atomic_load_explicit(&s->env->stop, memory_order_relaxed)) {
		for (size_t page = 0; page < SEAL_SIZE / SMALL_PAGE_SIZE; page++)
			p[page * (SMALL_PAGE_SIZE / sizeof(*p))] = ++value;
		atomic_fetch_add_explicit(&s->writer_passes, 1, memory_order_relaxed);
	}
	return NULL;
}

/* Retry F_SEAL_WRITE until it holds, then copy the sealed file. The sealer
 * alone takes a round out of SEAL_ARMED (done, failed, or given up at the
 * stop) while it runs, so the zapper never closes the memfd under it. */
static void *sealer(void *arg)
{
	struct seal_race *s = arg;

	race_bind(s->env, race_last_pu(s->env) > 1 ? 1 : 0);
	for (;;) {
		int fd;

		if (atomic_load(&s->state) != SEAL_ARMED) {
			if (atomic_load(&s->env->stop))
				break;
			sched_yield(); /* the writer may share this PU */
			continue;
		}
		fd = atomic_load(&s->fd);
		if (fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE) == 0) {
			if (pread(fd, s->sealed, SEAL_SIZE, 0) != (ssize_t)SEAL_SIZE)
				fail_with(s, "pread of the sealed memfd");
			else
				atomic_store(&s->state, SEAL_DONE);
		} else if (errno != EBUSY) {
			fail_with(s, "fcntl(F_ADD_SEALS)");
		} else {
			s->seal_busy++;
			if (atomic_load(&s->env->stop))
				atomic_store(&s->state, SEAL_IDLE);
		}
	}
	atomic_store(&s->sealer_gone, true);
	return NULL;
}

static void compare(struct seal_race *s)
{
	if (!memcmp(s->sealed, s->later, SEAL_SIZE))
		return;
	for (size_t off = 0; off < SEAL_SIZE; off += sizeof(uint64_t)) {
		uint64_t a, b;

		memcpy(&a, s->sealed + off, sizeof(a));
		memcpy(&b, s->later + off, sizeof(b));
		if (a != b && s->violations++ == 0) {
			s->first_offset = off;
			s->first_sealed = a;
			s->first_later = b;
		}
	}
}

/* One round: a fresh memfd written through the mapping, unmapped while being sealed. */
static int seal_round(struct seal_race *s)
{
	int fd = memfd_create("tlbbench-seal", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	uint64_t passes;

	if (fd < 0 || ftruncate(fd, SEAL_SIZE) < 0)
		return fail_with(s, fd < 0 ? "memfd_create" : "ftruncate"), -1;
	if (mmap(s->addr, SEAL_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0) == MAP_FAILED)
		return fail_with(s, "mmap of the memfd"), close(fd), -1;
	/* Two whole passes: every page faulted in and dirty in the writer's TLB. */
	passes = atomic_load(&s->writer_passes);
	while (atomic_load(&s->writer_passes) < passes + 2 && !atomic_load(&s->env->stop))
		;
	if (atomic_load(&s->env->stop))
		return close(fd), 0;
	atomic_store(&s->fd, fd);
	atomic_store(&s->state, SEAL_ARMED);
	if (mmap(s->addr, SEAL_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) ==
	    MAP_FAILED) {
		s->failed_call = "mmap MAP_FIXED over the memfd";
		s->errno_seen = errno;
		atomic_store(&s->env->stop, true); /* the sealer gives the round up */
	}
	while (atomic_load(&s->state) == SEAL_ARMED && !atomic_load(&s->sealer_gone))
		;
	if (s->failed_call)
		return close(fd), -1;
	if (atomic_load(&s->state) == SEAL_DONE) {
		if (pread(fd, s->later, SEAL_SIZE, 0) != (ssize_t)SEAL_SIZE)
			return fail_with(s, "pread after the unmap"), close(fd), -1;
		compare(s);
		s->rounds++;
		atomic_store(&s->state, SEAL_IDLE);
	}
	close(fd);
	return 0;
}

static void *zapper(void *arg)
{
	struct seal_race *s = arg;

	race_bind(s->env, race_last_pu(s->env));
	while (!atomic_load_explicit(&s->env->stop, memory_order_relaxed) && seal_round(s) == 0)
		;
	return NULL;
}

static void seal_json(const struct seal_race *s, json_t *res)
{
	json_object_update_new(res, json_pack("{s:I, s:I, s:I, s:I, s:I}", "size_bytes", (json_int_t)SEAL_SIZE,
					      "rounds", (json_int_t)s->rounds, "seal_busy", (json_int_t)s->seal_busy,
					      "writer_passes", (json_int_t)atomic_load(&s->writer_passes),
					      "violations", (json_int_t)s->violations));
	if (s->violations)
		json_object_set_new(res, "first_violation",
				    json_pack("{s:I, s:I, s:I}", "offset", (json_int_t)s->first_offset, "sealed",
					      (json_int_t)s->first_sealed, "later", (json_int_t)s->first_later));
}

static int seal_run(struct race_env *env, json_t *res, uint64_t *failures, const char **failure_label, char *why,
		    size_t len)
{
	void *(*const fns[])(void *) = { writer, sealer, zapper };
	struct seal_race s = { .env = env };
	int ret = -1;

	s.addr = mmap(NULL, SEAL_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	s.sealed = malloc(SEAL_SIZE);
	s.later = malloc(SEAL_SIZE);
	if (s.addr == MAP_FAILED || !s.sealed || !s.later) {
		snprintf(why, len, "out of memory");
	} else if (race_threads(env, fns, 3, &s, why, len) == 0) {
		if (s.failed_call) {
			snprintf(why, len, "%s: %s", s.failed_call, strerror(s.errno_seen));
		} else {
			seal_json(&s, res);
			*failures = s.violations;
			*failure_label = "SEAL VIOLATED";
			ret = 0;
		}
	}
	if (s.addr != MAP_FAILED)
		munmap(s.addr, SEAL_SIZE);
	free(s.sealed);
	free(s.later);
	return ret;
}

const struct race_mode race_seal = {
	.name = "seal",
	.refusal = seal_refusal,
	.run = seal_run,
};
