/* Remote threads of the measuring process, one pinned per CPU, that keep the
 * mm active there so every TLB flush of the op has to reach them. */
#ifndef TLBBENCH_REMOTE_H
#define TLBBENCH_REMOTE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

#include "topo.h"

enum remote_mode {
	REMOTE_SPIN,  /* busy loop: mm loaded, CPU not lazy */
	REMOTE_TOUCH, /* loads from the mapping until the op, so its TLB holds entries */
	REMOTE_IDLE,  /* asleep: the CPU goes lazy-TLB */
	REMOTE_MODE_COUNT
};

struct remote_thread {
	pthread_t thread;
	hwloc_obj_t pu;    /* where it must run */
	struct remote_set *set;
	atomic_uint acked;   /* last generation this thread confirmed on its CPU */
	atomic_int seen_cpu; /* OS index of the PU it ran on at that confirmation; -2: binding failed */
	char why[160];       /* why binding failed */
};

struct remote_set {
	enum remote_mode mode;
	const struct topo *topo;
	int count;
	struct remote_thread *threads;
	atomic_uint generation;
	atomic_bool stop;
	_Atomic(const char *) touch_addr; /* region to load from, NULL when not touching */
	atomic_size_t touch_len;
	pthread_mutex_t lock; /* idle threads sleep on wake */
	pthread_cond_t wake;
};

const char *remote_mode_name(enum remote_mode m);
int remote_mode_from_name(const char *name); /* -1 if unknown */

/* Start one thread bound to each of pus (count may be 0). -1 with a reason in why. */
int remote_start(struct remote_set *set, enum remote_mode mode, const struct topo *topo, const hwloc_obj_t *pus,
		 int count, char *why, size_t len);
/* Right before an op: in touch mode, one full pass of loads over the mapping
 * (addr may be NULL: no mapping) and then no more touching; in every mode,
 * each thread confirmed on its CPU. -1 with why. */
int remote_ready(struct remote_set *set, const char *addr, size_t len, char *why, size_t why_len);
void remote_stop(struct remote_set *set);

#endif
