#define _GNU_SOURCE
#include "commands.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "datadir.h"
#include "harness.h"
#include "meta.h"
#include "sweep_file.h"
#include "options.h"
#include "report.h"
#include "results.h"
#include "resume.h"
#include "stat_csv.h"
#include "sweep.h"
#include "sysinfo.h"
#include "util.h"

#define MAX_CASES 4096
#define MAX_OVERRIDES 64

/* A setting from the command line, applied after the config file, in order. */
struct override {
	char key[32];
	const char *value;
	char origin[160]; /* as written: "--size 1G" or "--set size=1G" */
};

struct run_request {
	char *config; /* found here or in the data directory's configs/ */
	const char *out_dir;
	const char *field_separator; /* -x: CSV on stdout */
	char events[1024];           /* --events and -e lists, added up */
	int events_override;         /* its index in overrides, -1 before one is given */
	const char *resume_dir; /* --resume: go on with the run in this directory */
	json_t *resumed_meta;   /* its meta.json */
	char **resumed_argv;    /* its command line, which the request points into */
	int resumed_argc;
	char resumed_dir[PATH_MAX];
	bool dry_run;
	struct override overrides[MAX_OVERRIDES];
	int noverrides;
	struct sweep sweeps[CONFIG_MAX_SWEEPS];
	int nsweeps;
	struct run_settings run;
};

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

/* -e a -e b counts a and b, as perf does: one events setting, in the place of the first. */
static void add_events(struct run_request *req, const char *list)
{
	size_t used = strlen(req->events);

	if (used + strlen(list) + 2 > sizeof(req->events))
		die_bad_input("-e/--events: the lists add up to more than %zu characters", sizeof(req->events) - 2);
	snprintf(req->events + used, sizeof(req->events) - used, "%s%s", used ? "," : "", list);
	if (req->events_override < 0) {
		req->events_override = req->noverrides;
		add_override(req, false, "events", req->events);
	}
	snprintf(req->overrides[req->events_override].origin, sizeof(req->overrides[0].origin), "--events %s",
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

	if (strcmp(name, "config") == 0)
		find_config(req, arg);
	else if (strcmp(name, "events") == 0 || strcmp(name, "event") == 0)
		add_events(req, arg);
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
	options_parse(&run_spec, argc, argv, on_run_option, req);
	if (req->resume_dir && argc != 3)
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

/* The config's sweeps (or one default sweep), then the command line's settings on each. */
static void build_sweeps(struct run_request *req, int max_cpus)
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

/* All cases, each checked against the topology before anything runs. */
static int expand_all(const struct run_request *req, const struct topo *topo, struct case_params *cases)
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
		n += got;
	}
	for (int i = 0; i < n; i++)
		if (placement_pick(topo, cases[i].placement, cases[i].cpus, pus, why, sizeof(why)) < 0)
			die_bad_input("placement %s with %d CPUs: %s", cases[i].placement->text, cases[i].cpus, why);
	free(pus);
	return n;
}

static void default_out_dir(char *buf, size_t len)
{
	time_t now = time(NULL);
	char stamp[32];

	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", localtime(&now));
	snprintf(buf, len, "results/%s", stamp);
}

/* Open the result directory: meta.json, the topology, the sample files. */
static void open_results(struct run_request *req, struct harness *h, struct report *report, int argc, char **argv)
{
	struct pmu_set probe;
	char why[512], path[4096];
	json_t *meta;

	kstat_report_unsupported(&h->kstat);
	pmu_open(&probe, req->run.events.list, req->run.events.count, 0, -1);
	for (int i = 0; i < probe.count; i++)
		if (probe.ev[i].fd < 0)
			fprintf(stderr, "tlbbench: %s <not supported> (%s)\n", probe.ev[i].name, probe.ev[i].unsupported);
	if (req->resumed_meta) {
		meta = json_incref(req->resumed_meta);
		meta_note_resumed(meta);
	} else {
		meta = meta_json(argc + 1, argv - 1, req->config, req->run.interleave, h, &probe);
	}
	pmu_close(&probe);
	/* Not bad input: the directory was well named, the system would not make or write it. */
	if (report_open(report, req->out_dir, meta, &h->kstat, &req->run.events, req->resumed_meta != NULL, why,
			sizeof(why)) < 0)
		die_system("%s", why);
	json_decref(meta);
	snprintf(path, sizeof(path), "%s/topology.xml", req->out_dir);
	if (topo_export_xml(h->topo, path, why, sizeof(why)) < 0)
		fprintf(stderr, "tlbbench: %s\n", why);
}

static int run_all(struct harness *h, const struct run_request *req, const struct case_params *cases, int ncases,
		   struct case_summary *sums)
{
	long total = 0;

	for (int i = 0; i < ncases; i++)
		if (!h->priors || !h->priors[i].finished)
			total += (cases[i].ci_target > 0 ? cases[i].max_iterations : cases[i].iterations) +
				 cases[i].warmup - (h->priors ? h->priors[i].n : 0);
	progress_start(h->progress, ncases, total);
	return harness_run(h, cases, ncases, req->run.interleave, sums);
}

static int print_cases(const struct run_request *req, const struct case_params *cases, int ncases)
{
	char label[200];

	for (int i = 0; i < ncases; i++)
		printf("%s: %s, %d+%d samples\n", cases[i].sweep_name, case_label(&cases[i], label, sizeof(label)),
		       cases[i].warmup, cases[i].iterations);
	printf("order: %s\n", req->run.interleave ? "interleave" : "sequential");
	printf("%d cases; events:", ncases);
	for (int i = 0; i < req->run.events.count; i++)
		printf(" %s", req->run.events.list[i]);
	printf("\n");
	return 0;
}

static void say_resuming(const char *dir, const struct case_prior *priors, int ncases)
{
	int kept = 0, finished = 0;

	for (int i = 0; i < ncases; i++) {
		kept += priors[i].n;
		finished += priors[i].finished;
	}
	fprintf(stderr, "tlbbench: resuming %s: %d measured samples kept, %d of %d cases finished\n", dir, kept,
		finished, ncases);
}

int cmd_run(int argc, char **argv)
{
	/* On the heap: a request holds up to 32 sweeps, and MAX_CASES cases take over 400 KiB. */
	struct run_request *req = calloc(1, sizeof(*req));
	struct case_params *cases = calloc(MAX_CASES, sizeof(*cases));
	struct case_summary *sums;
	struct case_prior *priors;
	struct topo topo;
	struct harness h;
	struct report report;
	struct progress progress;
	struct stat_csv csv = { 0 };
	char why[512], dir[256];
	int ncases, status;

	if (!req || !cases)
		die_system("out of memory");
	parse_run_args(req, argc, argv);
	if (req->resume_dir)
		resume_request(req);
	if (topo_load(&topo, why, sizeof(why)) < 0)
		die_system("%s", why);
	build_sweeps(req, topo_pu_count(&topo));
	ncases = expand_all(req, &topo, cases);
	if (req->dry_run) {
		status = print_cases(req, cases, ncases);
		topo_destroy(&topo);
		free(cases);
		free(req->config);
		free(req);
		return status;
	}
	if (!req->out_dir) {
		default_out_dir(dir, sizeof(dir));
		req->out_dir = dir;
	}
	if (pmu_init(why, sizeof(why)) < 0)
		die_system("%s", why);
	if (req->field_separator &&
	    stat_csv_init(&csv, stdout, req->field_separator, &req->run.events, true, report_sink(&report), ncases) < 0)
		die_system("out of memory");
	harness_init(&h, &topo, &req->run.events, req->field_separator ? stat_csv_sink(&csv) : report_sink(&report),
		     &progress);
	csv.local_mm_known = h.kstat.reasons.local_mm >= 0;
	sums = calloc((size_t)ncases, sizeof(*sums));
	priors = req->resume_dir ? calloc((size_t)ncases, sizeof(*priors)) : NULL;
	if (!sums || (req->resume_dir && !priors))
		die_system("out of memory");
	if (priors && resume_priors(req->out_dir, cases, ncases, priors, why, sizeof(why)) < 0)
		die_bad_input("cannot resume: %s", why);
	h.priors = priors;
	if (priors)
		say_resuming(req->out_dir, priors, ncases);
	open_results(req, &h, &report, argc, argv);
	harness_catch_interrupts();
	status = run_all(&h, req, cases, ncases, sums);
	if (status < 0)
		die_system("out of memory starting the cases");
	report_close(&report);
	if (!req->field_separator)
		report_table(stdout, sums, ncases, &h.kstat);
	fprintf(req->field_separator ? stderr : stdout,
		"%sresults: %s/{samples.jsonl,samples.csv,cases.jsonl,meta.json,topology.xml}\n",
		req->field_separator ? "tlbbench: " : "\n", req->out_dir);
	if (req->field_separator)
		stat_csv_free(&csv);
	if (status > 128)
		fprintf(stderr, "tlbbench: interrupted by signal %d: what was measured is kept in %s\n", status - 128,
			 req->out_dir);
	free(sums);
	resume_priors_free(priors, ncases);
	free(priors);
	json_decref(req->resumed_meta);
	resume_argv_free(req->resumed_argv, req->resumed_argc);
	harness_close(&h);
	topo_destroy(&topo);
	free(cases);
	free(req->config);
	free(req);
	return status;
}
