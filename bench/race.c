/* tlbbench race: the correctness side of batching the TLB flush of dirty
 * file PTEs. Each mode (bench/race_MODE.c) races zaps against what could
 * go wrong if a zapped PTE's stale TLB entry outlived the page-table lock:
 * writeback (a lost write on a filesystem with writeback), truncate (hole
 * punches meeting still-mapped folios) and seal (a memfd changed after a
 * successful F_SEAL_WRITE). This file takes the options, watches the kernel
 * log and the taint flags, and gives the verdict. */
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

#include "race.h"
#include "race_mode.h"
#include "options.h"
#include "util.h"

#define RACE_WARNINGS_KEPT 16

static const struct race_mode *const race_modes[] = { &race_writeback, &race_truncate, &race_seal };
#define RACE_MODES (int)(sizeof(race_modes) / sizeof(race_modes[0]))

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
		if ((strstr(text, "WARNING") || strstr(text, "BUG") || strstr(text, "Oops") ||
		     strstr(text, "EXT4-fs error") || strstr(text, "ext4_dirty_folio")) &&
		    json_array_size(lines) < RACE_WARNINGS_KEPT)
			json_array_append_new(lines, json_string(text));
	}
	return lines;
}

/* /proc/sys/kernel/tainted, or -1 when it cannot be read. */
static long kernel_taint(void)
{
	long v;

	return read_long_file("/proc/sys/kernel/tainted", &v) < 0 ? -1 : v;
}

struct race_opts {
	const struct race_mode *mode;
	const char *out_dir;
	bool zap_given;
};

static const struct cmd_option race_options[] = {
	{ "race", 'r', "MODE", "writeback (default): lost writes on a file with writeback (needs --dir);\n"
			       "truncate: hole punches and refills racing the zaps (memfd, or a file on --dir);\n"
			       "seal: F_SEAL_WRITE racing the unmap of a memfd being written" },
	{ "dir", 'd', "DIR", "a file on DIR (writeback: ext4 or xfs, not tmpfs) instead of a memfd" },
	{ "time", 't', "SECONDS", "time budget (default 10)" },
	{ "zap", 'z', "MODE", "madv: MADV_DONTNEED of the mapping; remap: mmap MAP_FIXED over it\n"
			      "(writeback and truncate; seal always re-maps)" },
	{ "output", 'o', "DIR", "where race.json goes (default results/race)" },
	{ "inject-loss", 0, NULL, "check the writeback detector: in the second half the child writes an\n"
				  "old value to page 0 with pwrite(), as a lost write would leave it" },
	{ NULL, 0, NULL, NULL },
};

static void race_more_help(FILE *f)
{
	fprintf(f, "Kernel log lines (WARNING, BUG, Oops, Bad page, ext4) and a new taint flag\n"
		   "are failures in every mode.\n"
		   "Exit status: 0 nothing found, 1 lost writes, a seal violated, kernel warnings\n"
		   "or a taint, 2 bad input, 3 the run itself failed (a thread, the child, the file).\n");
}

static const struct cmd_spec race_spec = {
	.name = "race", .opts = race_options, .more_help = race_more_help,
	.about = "Races zaps against writeback, truncation or sealing, and reports what went wrong.",
};

static const struct race_mode *mode_find(const char *name)
{
	for (int i = 0; i < RACE_MODES; i++)
		if (strcmp(race_modes[i]->name, name) == 0)
			return race_modes[i];
	return NULL;
}

struct race_args {
	struct race_opts *o;
	struct race_env *env;
};

static void on_race_option(void *ctx, int opt, const char *arg)
{
	struct race_args *a = ctx;
	char *end;

	switch (race_options[opt].short_name) {
	case 'r':
		a->o->mode = mode_find(arg);
		if (!a->o->mode)
			die_bad_input("race: --race is writeback, truncate or seal, not '%s'", arg);
		break;
	case 'd': a->env->dir = arg; break;
	case 'o': a->o->out_dir = arg; break;
	case 't':
		a->env->seconds = strtod(arg, &end);
		if (*end || end == arg || !(a->env->seconds > 0))
			die_bad_input("race: --time wants a number of seconds above 0, not '%s'", arg);
		break;
	case 'z':
		if (strcmp(arg, "madv") && strcmp(arg, "remap"))
			die_bad_input("race: --zap is madv or remap, not '%s'", arg);
		a->env->zap = strcmp(arg, "madv") ? ZAP_REMAP : ZAP_MADV;
		a->o->zap_given = true;
		break;
	default: a->env->inject_loss = true; break;
	}
}

static void parse_opts(int argc, char **argv, struct race_opts *o, struct race_env *env)
{
	struct race_args a = { o, env };
	const char *refusal;

	*o = (struct race_opts){ .mode = &race_writeback, .out_dir = "results/race" };
	env->seconds = 10;
	env->zap = ZAP_MADV;
	options_parse(&race_spec, argc, argv, on_race_option, &a);
	refusal = o->mode->refusal(env);
	if (refusal)
		die_bad_input("race: --race %s %s", o->mode->name, refusal);
	if (env->inject_loss && o->mode != &race_writeback)
		die_bad_input("race: --inject-loss checks the writeback detector only, not --race %s", o->mode->name);
	if (o->zap_given && o->mode == &race_seal)
		die_bad_input("race: --race seal always re-maps (MAP_FIXED); --zap is for writeback and truncate");
}

/* What went wrong: the mode's own failures first, then what the kernel said; NULL for nothing. */
static const char *verdict(uint64_t failures, const char *failure_label, const json_t *warnings, bool tainted)
{
	size_t i;
	json_t *line;

	if (failures)
		return failure_label;
	json_array_foreach(warnings, i, line)
		if (strstr(json_string_value(line), "BUG") || strstr(json_string_value(line), "Oops"))
			return "KERNEL BUG";
	if (json_array_size(warnings) || tainted)
		return "KERNEL WARNINGS";
	return NULL;
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

int cmd_race(int argc, char **argv)
{
	struct race_opts o;
	struct race_env env = { 0 };
	struct utsname u;
	char why[512], path[4096];
	const char *failure_label = "FAILED", *found;
	uint64_t failures = 0;
	long taint_before, taint_after;
	bool tainted;
	int kmsg;
	json_t *res, *warnings;

	parse_opts(argc, argv, &o, &env);
	if (mkdir_p(o.out_dir) < 0)
		die_system("race: cannot create '%s': %s", o.out_dir, strerror(errno));
	env.have_topo = topo_load(&env.topo, why, sizeof(why)) == 0;
	uname(&u);
	res = json_pack("{s:s, s:s, s:s, s:s, s:f}", "kernel", u.release, "mode", o.mode->name, "backing",
			env.dir ? "file" : "memfd", "zap",
			o.mode == &race_seal ? "remap" : env.zap == ZAP_MADV ? "madv" : "remap", "budget_s", env.seconds);
	if (!res)
		die_system("race: out of memory");
	if (env.dir)
		json_object_set_new(res, "dir", json_string(env.dir));
	kmsg = kmsg_open(why, sizeof(why));
	taint_before = kernel_taint();
	if (o.mode->run(&env, res, &failures, &failure_label, why, sizeof(why)) < 0)
		die_system("race: %s", why);
	warnings = kmsg >= 0 ? kmsg_warnings(kmsg) : json_string("not supported");
	if (kmsg >= 0)
		close(kmsg);
	json_object_set_new(res, "kernel_warnings", warnings);
	taint_after = kernel_taint();
	tainted = taint_before >= 0 && taint_after >= 0 && (taint_after & ~taint_before);
	json_object_set_new(res, "taint", taint_before < 0 || taint_after < 0 ? json_string("not supported")
					  : json_pack("{s:I, s:I}", "before", (json_int_t)taint_before, "after",
						      (json_int_t)taint_after));
	found = verdict(failures, failure_label, json_is_array(warnings) ? warnings : NULL, tainted);
	json_object_set_new(res, "verdict", json_string(found ? found : "nothing found"));
	print_summary(res);
	snprintf(path, sizeof(path), "%s/race.json", o.out_dir);
	if (json_dump_file(res, path, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6)) < 0)
		fprintf(stderr, "tlbbench race: cannot write %s\n", path);
	json_decref(res);
	if (env.have_topo)
		topo_destroy(&env.topo);
	return found ? 1 : 0;
}
