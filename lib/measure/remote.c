#define _GNU_SOURCE
#include "remote.h"
#include "units.h"
#include "util.h"

#include <errno.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SYNC_TIMEOUT_NS (10ull * 1000000000ull)

static const char *const mode_names[REMOTE_MODE_COUNT] = {
	[REMOTE_SPIN] = "spin", [REMOTE_TOUCH] = "touch", [REMOTE_IDLE] = "idle",
};

const char *remote_mode_name(enum remote_mode m) { return mode_names[m]; }

int remote_mode_from_name(const char *name)
{
	for (int i = 0; i < REMOTE_MODE_COUNT; i++)
		if (strcmp(mode_names[i], name) == 0)
			return i;
	return -1;
}

static void load_region(struct remote_set *set)
{
	const volatile char *addr = atomic_load(&set->touch_addr);
	size_t len = atomic_load(&set->touch_len);
	char sink = 0;

	for (size_t off = 0; addr && off < len; off += SMALL_PAGE_SIZE)
		sink ^= addr[off];
	__asm__ volatile("" : : "r"(sink));
}

static void confirm(struct remote_thread *t, unsigned gen)
{
	atomic_store(&t->seen_cpu, topo_current_pu(t->set->topo));
	atomic_store(&t->acked, gen);
}

static void *remote_main(void *arg)
{
	struct remote_thread *t = arg;
	struct remote_set *set = t->set;
	unsigned done = 0;
	if (topo_bind_thread(set->topo, t->pu->cpuset, t->why, sizeof(t->why)) < 0) {
		atomic_store(&t->seen_cpu, -2);
		return NULL;
	}
	while (!atomic_load(&set->stop)) {
		unsigned gen = atomic_load(&set->generation);

		if (set->mode == REMOTE_IDLE) {
			pthread_mutex_lock(&set->lock);
			while (atomic_load(&set->generation) == done && !atomic_load(&set->stop))
				pthread_cond_wait(&set->wake, &set->lock);
			gen = atomic_load(&set->generation);
			pthread_mutex_unlock(&set->lock);
		} else if (set->mode == REMOTE_TOUCH) {
			/* A full pass after the request, or none once touching stopped. */
			load_region(set);
		}
		if (gen != done) {
			confirm(t, gen);
			done = gen;
		}
	}
	return NULL;
}

static int remote_sync(struct remote_set *set, char *why, size_t len);

int remote_start(struct remote_set *set, enum remote_mode mode, const struct topo *topo, const hwloc_obj_t *pus,
		 int count, char *why, size_t len)
{
	memset(set, 0, sizeof(*set));
	set->mode = mode;
	set->topo = topo;
	pthread_mutex_init(&set->lock, NULL);
	pthread_cond_init(&set->wake, NULL);
	if (count == 0)
		return 0;
	set->threads = calloc((size_t)count, sizeof(*set->threads));
	if (!set->threads) {
		snprintf(why, len, "out of memory");
		return -1;
	}
	for (int i = 0; i < count; i++) {
		struct remote_thread *t = &set->threads[i];
		int err;

		t->pu = pus[i];
		t->set = set;
		atomic_store(&t->seen_cpu, -1);
		err = pthread_create(&t->thread, NULL, remote_main, t);
		if (err) {
			snprintf(why, len, "pthread_create: %s", strerror(err));
			set->count = i;
			remote_stop(set);
			return -1;
		}
		set->count = i + 1;
	}
	return remote_sync(set, why, len);
}

/* The region touch-mode threads load from (NULL: stop touching). */
static void remote_set_touch_region(struct remote_set *set, const char *addr, size_t len)
{
	atomic_store(&set->touch_len, len);
	atomic_store(&set->touch_addr, addr);
}

/* Wait until every thread confirms, after this call, that it runs on its CPU
 * (and, in touch mode, has finished a pass or stopped touching). */
static int remote_sync(struct remote_set *set, char *why, size_t len)
{
	unsigned gen;
	uint64_t deadline = monotonic_raw_ns() + SYNC_TIMEOUT_NS;

	if (set->count == 0)
		return 0;
	pthread_mutex_lock(&set->lock);
	gen = atomic_fetch_add(&set->generation, 1) + 1;
	pthread_cond_broadcast(&set->wake);
	pthread_mutex_unlock(&set->lock);
	for (int i = 0; i < set->count; i++) {
		struct remote_thread *t = &set->threads[i];

		while (atomic_load(&t->acked) != gen) {
			int seen = atomic_load(&t->seen_cpu);

			if (seen < -1) {
				snprintf(why, len, "remote thread for CPU %u: %s", t->pu->os_index, t->why);
				return -1;
			}
			if (monotonic_raw_ns() > deadline) {
				snprintf(why, len, "remote thread for CPU %u did not confirm within 10 s", t->pu->os_index);
				return -1;
			}
			sched_yield();
		}
		if (atomic_load(&t->seen_cpu) != (int)t->pu->os_index) {
			snprintf(why, len, "remote thread runs on CPU %d, not on its CPU %u",
				 atomic_load(&t->seen_cpu), t->pu->os_index);
			return -1;
		}
	}
	return 0;
}

int remote_ready(struct remote_set *set, const char *addr, size_t len, char *why, size_t why_len)
{
	if (set->mode == REMOTE_TOUCH && addr) {
		remote_set_touch_region(set, addr, len);
		if (remote_sync(set, why, why_len) < 0)
			return -1;
		remote_set_touch_region(set, NULL, 0);
	}
	return remote_sync(set, why, why_len);
}

void remote_stop(struct remote_set *set)
{
	pthread_mutex_lock(&set->lock);
	atomic_store(&set->stop, true);
	pthread_cond_broadcast(&set->wake);
	pthread_mutex_unlock(&set->lock);
	for (int i = 0; i < set->count; i++)
		pthread_join(set->threads[i].thread, NULL);
	free(set->threads);
	set->threads = NULL;
	set->count = 0;
}
