#define _GNU_SOURCE
#include "run_request.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "datadir.h"
#include "mapping.h"
#include "options.h"
#include "placement.h"
#include "resume.h"
#include "util.h"

static const struct cmd_option run_options[] = {
	{ "config", 'c', "FILE", "a sweep config (see configs/); options below override it" },
	{ "set", 0, "KEY=VALUE", "override a config key (keys below)" },
	{ "op", 0, "LIST", "munmap,madv_dontneed,exit,flush_cost (default munmap)" },
	{ "backing", 0, "LIST", "anon,shmem,file,thp,hugetlb (default shmem)" },
	{ "touch", 0, "LIST", "dirty,clean (default dirty)" },
	{ "populate", 0, "LIST", "fault (each page faulted by its own access, default) or madvise\n"
				 "(MADV_POPULATE_* first: the zap then activates every folio)" },
	{ "dirty-tables", 0, "LIST", "dose-response: fault clean, then dirty the first page of this\n"
				     "share (50%) or count (64) of the page tables; shmem and file" },
	{ "size", 0, "LIST", "sizes with K/M/G suffixes (default 1G)" },
	{ "cpus", 0, "LIST", "CPU counts: 1,2,all or ranges 1-4 (default 1)" },
	{ "placement", 0, "LIST", "compact,scatter,smt,cross-llc,cross-numa or pus:0+2+5 (default compact)" },
	{ "remote", 0, "LIST", "spin,touch,idle: what the remote threads do (default spin)" },
	{ "events", 0, "LIST", "perf events for libpfm4, or 'default' (see 'tlbbench events')" },
	{ "event", 'e', "LIST", "the same, as perf spells it; lists given more than once add up" },
	{ "iterations", 0, "N", "measured samples per case (default 10)" },
	{ "warmup", 0, "N", "unmeasured samples first (default 2)" },
	{ "ci-target", 0, "P", "sample until the median's 95 % CI half-width is within P (e.g. 2%);\n"
			       "--iterations is then the minimum, and sampling stops at\n"
			       "--max-iterations or --max-time at the latest" },
	{ "max-iterations", 0, "N", "with --ci-target: at most N samples per case (default 100)" },
	{ "max-time", 0, "T", "with --ci-target: at most T per case (e.g. 90s, 5m; default none)" },
	{ "dir", 0, "DIR", "directory for the file backing (default $TMPDIR or /var/tmp)" },
	{ "order", 0, "ORDER", "sequential (each case's samples in a row, default) or interleave\n"
			       "(one sample of every case per round: drift spreads over all cases)" },
	{ "output", 'o', "DIR", "result directory (default results/YYYYmmdd-HHMMSS)" },
	{ "field-separator", 'x', "SEP", "CSV on stdout as perf stat -x: a line per case and metric,\n"
					 "CASE,VALUE,UNIT,METRIC,SAMPLES,RUNNING%, instead of the table" },
	{ "dry-run", 0, NULL, "list the cases and exit" },
	{ "resume", 0, "DIR", "go on with the interrupted run in DIR: its sweep (from meta.json),\n"
			      "the samples it took kept; refused when tlbbench, the kernel or the\n"
			      "config changed since (no other option is taken with it)" },
	{ NULL, 0, NULL, NULL },
};

static void run_more_help(FILE *f)
{
	fprintf(f, "Lists are comma-separated; every combination is a case.\nConfig keys (--set): %s\n", sweep_keys);
}

static const struct cmd_spec run_spec = {
	.name = "run", .about = "Measure teardown ops case by case; results go to -o DIR, sample by sample.",
	.opts = run_options, .more_help = run_more_help,
};

static void add_override(struct run_request *req, bool from_set, const char *key, const char *value)
{
	struct override *ov;

	if (req->noverrides == MAX_OVERRIDES)
		die_bad_input("more than %d settings on the command line", MAX_OVERRIDES);
	ov = &req->overrides[req->noverrides++];
	/* --ci-target sets the key ci_target */
	snprintf(ov->key, sizeof(ov->key), "%s", key);
	for (char *c = ov->key; *c; c++)
		*c = *c == '-' ? '_' : *c;
	ov->value = value;
	snprintf(ov->origin, sizeof(ov->origin), from_set ? "--set %s=%s" : "--%s %s", key, value);
}

static void parse_set(struct run_request *req, char *arg)
{
	char *eq = strchr(arg, '=');

	if (!eq || eq == arg)
		die_bad_input("--set '%s': want KEY=VALUE (keys: %s)", arg, sweep_keys);
	*eq = '\0';
	add_override(req, true, arg, eq + 1);
}

/* The lists of -e and --events as one events setting, in the place of the first. */
static void add_events(struct run_request *req, const char *list)
{
	char why[128];

	if (event_list_append(req->events, sizeof(req->events), list, why, sizeof(why)) < 0)
		die_bad_input("%s", why);
	if (req->events_override < 0) {
		req->events_override = req->noverrides;
		add_override(req, false, "events", req->events);
	}
	/* The origin is for messages: a long list is cut there (origin holds 160). */
	snprintf(req->overrides[req->events_override].origin, sizeof(req->overrides[0].origin), "--events %.150s",
		 req->events);
}

static void find_config(struct run_request *req, const char *arg)
{
	char why[PATH_MAX + 64];

	free(req->config);
	req->config = data_file(arg, "configs", why, sizeof(why));
	if (!req->config)
		die_bad_input("-c %s", why);
}

static void on_run_option(void *ctx, int opt, const char *arg)
{
	struct run_request *req = ctx;
	const char *name = run_options[opt].name;

	req->noptions++;
	if (strcmp(name, "config") == 0)
		find_config(req, arg);
	else if (strcmp(name, "events") == 0 || strcmp(name, "event") == 0)
		add_events(req, arg);
	else if (strcmp(name, "field-separator") == 0 && !arg[0])
		die_bad_input("-x: an empty separator: the fields would run together");
	else if (strcmp(name, "field-separator") == 0)
		req->field_separator = arg;
	else if (strcmp(name, "set") == 0)
		parse_set(req, (char *)arg);
	else if (strcmp(name, "output") == 0)
		req->out_dir = arg;
	else if (strcmp(name, "dry-run") == 0)
		req->dry_run = true;
	else if (strcmp(name, "resume") == 0)
		req->resume_dir = arg;
	else
		add_override(req, false, name, arg);
}

static void parse_run_args(struct run_request *req, int argc, char **argv)
{
	req->events_override = -1;
	req->events[0] = '\0';
	req->noptions = 0;
	options_parse(&run_spec, argc, argv, on_run_option, req);
	if (req->resume_dir && req->noptions != 1)
		die_bad_input("--resume DIR takes no other option: the sweep is the one in DIR/meta.json");
}

/* --resume DIR: the request the run in DIR was started with, its output DIR,
 * read in the directory it was started from (its relative paths mean the same). */
static void resume_request(struct run_request *req)
{
	char why[1024];
	const char *cwd;

	req->resumed_meta = resume_meta(req->resume_dir, why, sizeof(why));
	if (!req->resumed_meta)
		die_bad_input("cannot resume: %s", why);
	req->resumed_argv = resume_argv(req->resumed_meta, &req->resumed_argc, why, sizeof(why));
	if (!req->resumed_argv)
		die_bad_input("cannot resume: %s", why);
	if (!realpath(req->resume_dir, req->resumed_dir))
		die_bad_input("cannot resume %s: %s", req->resume_dir, strerror(errno));
	cwd = json_string_value(json_object_get(req->resumed_meta, "cwd"));
	if (cwd && chdir(cwd) < 0)
		die_bad_input("cannot resume: the run's directory %s: %s", cwd, strerror(errno));
	req->resume_dir = NULL;
	parse_run_args(req, req->resumed_argc, req->resumed_argv);
	if (req->resume_dir || req->dry_run)
		die_bad_input("cannot resume: the run's command line has --resume or --dry-run");
	req->out_dir = req->resume_dir = req->resumed_dir;
}

void run_request_sweeps(struct run_request *req, int max_cpus)
{
	char why[512];

	run_settings_defaults(&req->run);
	if (!req->config) {
		sweep_defaults(&req->sweeps[0], max_cpus);
		req->nsweeps = 1;
	} else if (sweep_config_load(req->config, max_cpus, req->sweeps, CONFIG_MAX_SWEEPS, &req->nsweeps,
				     &req->run, why, sizeof(why)) < 0) {
		die_bad_input("%s", why);
	}
	for (int o = 0; o < req->noverrides; o++) {
		const struct override *ov = &req->overrides[o];
		int wide = run_setting_set(&req->run, ov->key, ov->value, why, sizeof(why)), bad = wide < 0;

		for (int s = 0; !wide && !bad && s < req->nsweeps; s++) {
			bad = sweep_set(&req->sweeps[s], ov->key, ov->value, why, sizeof(why));
			sweep_note_origin(&req->sweeps[s], ov->key, ov->origin);
		}
		if (bad)
			die_bad_input("%s: %s", ov->origin, why);
	}
	for (int s = 0; s < req->nsweeps; s++)
		if (sweep_finish(&req->sweeps[s], why, sizeof(why)) < 0)
			die_bad_input("%s", why);
	for (int s = 0; s < req->nsweeps; s++)
		for (int b = 0; b < req->sweeps[s].nbackings; b++)
			if (req->sweeps[s].backings[b] == BACKING_FILE &&
			    file_dir_check(req->sweeps[s].file_dir, why, sizeof(why)) < 0)
				die_bad_input("%s: %s", req->sweeps[s].dir_origin, why);
}

/* A sweep's case listed twice (--size 64M,64M; cpus = 1,all on one CPU) is
 * measured once: twins would share one identity in resume, compare and analyze. */
static int drop_repeats(struct case_params *cases, int n)
{
	char (*names)[300] = calloc((size_t)n + 1, sizeof(*names));
	int kept = 0;

	if (!names)
		die_system("out of memory");
	for (int i = 0; i < n; i++) {
		bool repeat = false;

		case_name(&cases[i], names[kept], sizeof(names[0]));
		for (int j = 0; j < kept && !repeat; j++)
			repeat = strcmp(names[j], names[kept]) == 0;
		if (repeat)
			fprintf(stderr, "tlbbench: %s is listed twice: measured once\n", names[kept]);
		else
			cases[kept++] = cases[i];
	}
	free(names);
	return kept;
}

int run_request_cases(const struct run_request *req, const struct topo *topo, struct case_params *cases)
{
	hwloc_obj_t *pus = calloc(PLACEMENT_MAX_PUS, sizeof(*pus));
	char why[512];
	int n = 0;

	if (!pus)
		die_system("out of memory");
	for (int s = 0; s < req->nsweeps; s++) {
		int got = sweep_expand(&req->sweeps[s], cases + n, MAX_CASES - n);

		if (got < 0)
			die_bad_input("more than %d cases: split the sweep", MAX_CASES);
		n += drop_repeats(cases + n, got);
	}
	for (int i = 0; i < n; i++)
		if (placement_pick(topo, cases[i].placement, cases[i].cpus, pus, why, sizeof(why)) < 0)
			die_bad_input("placement %s with %d CPUs: %s", cases[i].placement->text, cases[i].cpus, why);
	free(pus);
	return n;
}

void run_request_parse(struct run_request *req, int argc, char **argv)
{
	parse_run_args(req, argc, argv);
	if (req->resume_dir)
		resume_request(req);
}
