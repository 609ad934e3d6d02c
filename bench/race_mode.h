/* The modes of tlbbench race (cmd/race_cmd.c runs them): what each needs, how
 * it runs, and what it counts. Each mode is one file, race_MODE.c. */
#ifndef TLBBENCH_RACE_MODE_H
#define TLBBENCH_RACE_MODE_H

#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "topo.h"

enum zap_mode { ZAP_MADV, ZAP_REMAP };

/* What every mode is given: the request, the CPUs, the stop flag. */
struct race_env {
	const char *dir; /* a file on DIR; NULL: a memfd */
	double seconds;
	enum zap_mode zap;
	bool inject_loss;
	struct topo topo;
	bool have_topo;
	atomic_bool stop;
};

struct race_mode {
	const char *name; /* --race NAME */
	/* Why this mode means nothing with env's backing (dir or memfd), or NULL. */
	const char *(*refusal)(const struct race_env *env);
	/*
	 * Run for env->seconds, adding the mode's counts to res. *failures:
	 * what the mode itself found wrong (lost writes, seal violations),
	 * left 0 by a mode that has nothing of its own to find; *failure_label
	 * names them for the verdict. -1 with why when the run
	 * itself failed (a thread, a call, the file).
	 */
	int (*run)(struct race_env *env, json_t *res, uint64_t *failures, const char **failure_label, char *why,
		   size_t len);
};

extern const struct race_mode race_writeback, race_truncate, race_seal;

/* Bind the calling thread to logical PU i (the last PU when there are fewer), if the topology loaded. */
void race_bind(struct race_env *env, int i);
/* Zap a shared mapping of fd as env->zap says (MADV_DONTNEED, or MAP_FIXED
 * over it); 0, or errno (env->stop set). */
int race_zap(struct race_env *env, void *addr, size_t size, int fd);
/* Logical index of the last PU (0 without a topology). */
int race_last_pu(const struct race_env *env);
/* The mode named --race NAME, or NULL. */
const struct race_mode *race_mode_find(const char *name);
/* /dev/kmsg opened at its end, so only what the run makes the kernel say is read; -1 with why. */
int race_kmsg_open(char *why, size_t len);
/* The kernel log lines since race_kmsg_open that are failures (WARNING, BUG, Oops, Bad page, ext4). */
json_t *race_kmsg_warnings(int fd);
/* /proc/sys/kernel/tainted, or -1. */
long race_kernel_taint(void);
#define RACE_MAX_THREADS 8
/*
 * Start n (at most RACE_MAX_THREADS) threads fns[i](arg), wait env->seconds (or until one of them
 * sets env->stop), set env->stop and join them. -1 with why if one could
 * not be started (those started are joined).
 */
int race_threads(struct race_env *env, void *(*const fns[])(void *), int n, void *arg, char *why, size_t len);

#endif
