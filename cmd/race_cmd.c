/* `tlbbench race`: its options, the run of one mode (bench/race_MODE.c) with
 * the kernel log and taint flags watched around it, and the verdict. */
#define _GNU_SOURCE
#include "commands.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "options.h"
#include "race_mode.h"
#include "util.h"

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
		a->o->mode = race_mode_find(arg);
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
	kmsg = race_kmsg_open(why, sizeof(why));
	taint_before = race_kernel_taint();
	if (o.mode->run(&env, res, &failures, &failure_label, why, sizeof(why)) < 0)
		die_system("race: %s", why);
	warnings = kmsg >= 0 ? race_kmsg_warnings(kmsg) : json_string("not supported");
	if (kmsg >= 0)
		close(kmsg);
	json_object_set_new(res, "kernel_warnings", warnings);
	taint_after = race_kernel_taint();
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
