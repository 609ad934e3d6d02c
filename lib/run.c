#define _GNU_SOURCE
#include "run.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "harness.h"
#include "report.h"
#include "sysinfo.h"
#include "util.h"

struct run_request {
	const struct workload *ops[LIST_MAX];
	int nops;
	enum backing backings[BACKING_COUNT];
	int nbackings;
	enum touch touches[TOUCH_COUNT];
	int ntouches;
	size_t sizes[LIST_MAX];
	int nsizes;
	int cpus[LIST_MAX];
	int ncpus;
	enum remote_mode remotes[REMOTE_MODE_COUNT];
	int nremotes;
	const char *file_dir, *out_dir;
	struct run_options options;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: tlbbench run [OPTIONS]\n"
		"  --op LIST          munmap,madv_dontneed,exit (default munmap)\n"
		"  --backing LIST     anon,shmem,file,thp,hugetlb (default shmem)\n"
		"  --touch LIST       dirty,clean (default dirty)\n"
		"  --size LIST        sizes with K/M/G suffixes (default 1G)\n"
		"  --cpus LIST        CPU counts: 1,2,all or ranges 1-4 (default 1)\n"
		"  --remote LIST      spin,touch,idle: what the remote threads do (default spin)\n"
		"  --iterations N     measured samples per case (default 10)\n"
		"  --warmup N         unmeasured samples first (default 2)\n"
		"  --dir DIR          directory for the file backing (default $TMPDIR or /var/tmp)\n"
		"  -o, --output DIR   result directory (default results/YYYYmmdd-HHMMSS)\n"
		"Lists are comma-separated; every combination is a case.\n");
}

static int parse_count(const char *opt, const char *text, int min)
{
	char *end;
	long v = strtol(text, &end, 10);

	if (end == text || *end || v < min || v > 1000000)
		die_bad_input("bad %s '%s': want a whole number from %d", opt, text, min);
	return (int)v;
}

/* Each item of a comma list through a name lookup; unknown names are bad input. */
static int parse_names(const char *opt, const char *text, int (*lookup)(const char *), int *out, int max)
{
	char *copy = strdup(text), *items[LIST_MAX];
	int n = copy ? split_list(copy, items, max < LIST_MAX ? max : LIST_MAX) : 0;

	if (n < 0)
		die_bad_input("%s: more than %d values", opt, max < LIST_MAX ? max : LIST_MAX);
	if (!n)
		die_bad_input("empty %s", opt);
	for (int i = 0; i < n; i++) {
		out[i] = lookup(items[i]);
		if (out[i] < 0)
			die_bad_input("unknown %s '%s' (see 'tlbbench list')", opt + 2, items[i]);
	}
	free(copy);
	return n;
}

static int workload_index(const char *name)
{
	for (int i = 0; i < workload_count; i++)
		if (strcmp(workloads[i]->name, name) == 0)
			return i;
	return -1;
}

static void parse_sizes(struct run_request *req, const char *text)
{
	char *copy = strdup(text), *items[LIST_MAX], why[256];

	req->nsizes = copy ? split_list(copy, items, LIST_MAX) : 0;
	if (req->nsizes < 0)
		die_bad_input("--size: more than %d values", LIST_MAX);
	if (!req->nsizes)
		die_bad_input("empty --size");
	for (int i = 0; i < req->nsizes; i++)
		if (parse_size(items[i], &req->sizes[i], why, sizeof(why)) < 0 ||
		    size_fits_memory(req->sizes[i], why, sizeof(why)) < 0)
			die_bad_input("%s", why);
	free(copy);
}

static void parse_run_args(struct run_request *req, int argc, char **argv, int allowed)
{
	static const struct option longopts[] = {
		{ "op", required_argument, NULL, 'O' },      { "backing", required_argument, NULL, 'b' },
		{ "touch", required_argument, NULL, 't' },   { "size", required_argument, NULL, 's' },
		{ "cpus", required_argument, NULL, 'c' },    { "remote", required_argument, NULL, 'r' },
		{ "iterations", required_argument, NULL, 'i' }, { "warmup", required_argument, NULL, 'w' },
		{ "dir", required_argument, NULL, 'd' },     { "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },          { NULL, 0, NULL, 0 },
	};
	const char *op = "munmap", *backing = "shmem", *touch = "dirty", *size = "1G", *cpus = "1",
		   *remote = "spin";
	int idx[LIST_MAX], opt;
	char why[256];

	req->options.iterations = 10;
	req->options.warmup = 2;
	req->file_dir = default_file_dir();
	optind = 1;
	while ((opt = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'O': op = optarg; break;
		case 'b': backing = optarg; break;
		case 't': touch = optarg; break;
		case 's': size = optarg; break;
		case 'c': cpus = optarg; break;
		case 'r': remote = optarg; break;
		case 'i': req->options.iterations = parse_count("--iterations", optarg, 1); break;
		case 'w': req->options.warmup = parse_count("--warmup", optarg, 0); break;
		case 'd': req->file_dir = optarg; break;
		case 'o': req->out_dir = optarg; break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); exit(EXIT_BAD_INPUT);
		}
	}
	if (optind < argc)
		die_bad_input("unexpected argument '%s' (try 'tlbbench run --help')", argv[optind]);
	req->nops = parse_names("--op", op, workload_index, idx, LIST_MAX);
	for (int i = 0; i < req->nops; i++)
		req->ops[i] = workloads[idx[i]];
	req->nbackings = parse_names("--backing", backing, backing_from_name, (int *)req->backings, BACKING_COUNT);
	req->ntouches = parse_names("--touch", touch, touch_from_name, (int *)req->touches, TOUCH_COUNT);
	req->nremotes = parse_names("--remote", remote, remote_mode_from_name, (int *)req->remotes,
				    REMOTE_MODE_COUNT);
	parse_sizes(req, size);
	if (parse_cpu_counts(cpus, allowed, req->cpus, &req->ncpus, why, sizeof(why)) < 0)
		die_bad_input("%s", why);
	for (int i = 0; i < req->nbackings; i++)
		if (req->backings[i] == BACKING_FILE && file_dir_check(req->file_dir, why, sizeof(why)) < 0)
			die_bad_input("--dir: %s", why);
}

json_t *counters_json(const struct kstat *k, const struct pmu_group *g)
{
	json_t *o = json_object(), *tp = json_object(), *reasons = json_object(), *events = json_object();

	for (int i = 0; i < k->reasons.count; i++)
		json_object_set_new(reasons, k->reasons.name[i], json_integer(k->reasons.code[i]));
	json_object_set_new(tp, "supported", json_boolean(k->tracepoint_id >= 0));
	if (k->tracepoint_id < 0)
		json_object_set_new(tp, "why_not", json_string(k->tracepoint_unsupported));
	json_object_set_new(tp, "tracefs", k->tracefs[0] ? json_string(k->tracefs) : json_null());
	json_object_set_new(tp, "reasons", reasons);
	json_object_set_new(o, "tlb_flush_tracepoint", tp);
	json_object_set_new(o, "interrupts_tlb", json_boolean(k->have_interrupts));
	json_object_set_new(o, "vmstat_nr_tlb", json_boolean(k->have_vmstat));
	for (int i = 0; i < g->count; i++)
		json_object_set_new(events, g->ev[i].name,
				    json_string(g->ev[i].fd >= 0 ? "supported" : g->ev[i].unsupported));
	json_object_set_new(o, "events", events);
	return o;
}

json_t *counters_probe_json(void)
{
	struct kstat k;
	struct pmu_group g;
	char why[256];
	json_t *o;

	kstat_open(&k);
	if (pmu_init(why, sizeof(why)) < 0)
		fprintf(stderr, "tlbbench: %s\n", why);
	pmu_open(&g, pmu_default_events, pmu_default_event_count, 0);
	o = counters_json(&k, &g);
	pmu_close(&g);
	kstat_close(&k);
	return o;
}

static json_t *meta_json(int argc, char **argv, const struct kstat *k, const struct pmu_group *g,
			 const struct kernel_model *km)
{
	json_t *meta = json_object(), *cmd = json_array();
	char when[64];
	time_t now = time(NULL);

	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	for (int i = 0; i < argc; i++)
		json_array_append_new(cmd, json_string(argv[i]));
	json_object_set_new(meta, "tlbbench_version", json_string(TLBBENCH_VERSION));
	json_object_set_new(meta, "git_revision", json_string(TLBBENCH_GIT_REV));
	json_object_set_new(meta, "started", json_string(when));
	json_object_set_new(meta, "command_line", cmd);
	json_object_set_new(meta, "info", sysinfo_collect());
	json_object_set_new(meta, "counters", counters_json(k, g));
	json_object_set_new(meta, "kernel_model", model_json(km));
	return meta;
}

static void default_out_dir(char *buf, size_t len)
{
	time_t now = time(NULL);
	char stamp[32];

	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", localtime(&now));
	snprintf(buf, len, "results/%s", stamp);
}

/* Every combination of the request's axes, in a stable order; -1 if over max. */
static int expand_cases(const struct run_request *req, struct case_params *cases, int max)
{
	int n = 0;

	for (int o = 0; o < req->nops; o++)
		for (int b = 0; b < req->nbackings; b++)
			for (int t = 0; t < req->ntouches; t++)
				for (int s = 0; s < req->nsizes; s++)
					for (int c = 0; c < req->ncpus; c++)
						for (int r = 0; r < req->nremotes; r++) {
							/* With one CPU there is no remote thread to vary. */
							if (req->cpus[c] == 1 && r > 0)
								continue;
							if (n == max)
								return -1;
							cases[n++] = (struct case_params){
								.workload = req->ops[o], .backing = req->backings[b],
								.touch = req->touches[t], .size = req->sizes[s],
								.cpus = req->cpus[c], .remote = req->remotes[r],
								.file_dir = req->file_dir };
						}
	return n;
}

static const char *case_label(const struct case_params *p, char *buf, size_t len)
{
	snprintf(buf, len, "%s %s %s %zu MiB cpus=%d remote=%s", p->workload->name, backing_name(p->backing),
		 touch_name(p->touch), p->size >> 20, p->cpus, remote_mode_name(p->remote));
	return buf;
}

int cmd_run(int argc, char **argv)
{
	static struct case_params cases[4096];
	struct run_request req = { 0 };
	struct case_summary *sums;
	struct harness h;
	struct report report;
	struct pmu_group probe;
	char why[512], dir[256], label[160];
	int allowed[MAX_CPUS], ncases, status = 0;
	json_t *meta;

	parse_run_args(&req, argc, argv, allowed_cpus(allowed, MAX_CPUS));
	if (!req.out_dir) {
		default_out_dir(dir, sizeof(dir));
		req.out_dir = dir;
	}
	if (pmu_init(why, sizeof(why)) < 0)
		die_system("%s", why);
	req.options.events = pmu_default_events;
	req.options.nevents = pmu_default_event_count;
	ncases = expand_cases(&req, cases, (int)(sizeof(cases) / sizeof(cases[0])));
	if (ncases < 0)
		die_bad_input("more than %zu cases: split the sweep", sizeof(cases) / sizeof(cases[0]));
	harness_init(&h, &report, &req.options);
	kstat_report_unsupported(&h.kstat);
	pmu_open(&probe, req.options.events, req.options.nevents, 0);
	for (int i = 0; i < probe.count; i++)
		if (probe.ev[i].fd < 0)
			fprintf(stderr, "tlbbench: event %s not supported: %s\n", probe.ev[i].name, probe.ev[i].unsupported);
	meta = meta_json(argc + 1, argv - 1, &h.kstat, &probe, &h.model);
	pmu_close(&probe);
	if (report_open(&report, req.out_dir, meta, &h.kstat, req.options.events, req.options.nevents, why,
			sizeof(why)) < 0)
		die_bad_input("%s", why);
	json_decref(meta);
	sums = calloc((size_t)ncases, sizeof(*sums));
	for (int i = 0; i < ncases; i++) {
		fprintf(stderr, "[%d/%d] %s\n", i + 1, ncases, case_label(&cases[i], label, sizeof(label)));
		harness_run_case(&h, &cases[i], &sums[i]);
		if (sums[i].skipped)
			fprintf(stderr, "tlbbench: skipped: %s\n", sums[i].why);
		else if (sums[i].failed) {
			fprintf(stderr, "tlbbench: %s: refused: %s\n", label, sums[i].why);
			status = 1;
		}
	}
	report_close(&report);
	report_table(stdout, sums, ncases);
	printf("\nresults: %s/{samples.jsonl,samples.csv,meta.json}\n", req.out_dir);
	free(sums);
	harness_close(&h);
	return status;
}
