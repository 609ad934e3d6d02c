#define _GNU_SOURCE
#include "commands.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "meta.h"
#include "report.h"
#include "resume.h"
#include "run_request.h"
#include "stat_csv.h"
#include "util.h"

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
	char name[300];

	for (int i = 0; i < ncases; i++)
		printf("%s, %d+%d samples\n", case_name(&cases[i], name, sizeof(name)), cases[i].warmup,
		       cases[i].iterations);
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
	run_request_parse(req, argc, argv);
	if (topo_load(&topo, why, sizeof(why)) < 0)
		die_system("%s", why);
	run_request_sweeps(req, topo_pu_count(&topo));
	ncases = run_request_cases(req, &topo, cases);
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
	if (priors && resume_priors(req->out_dir, cases, ncases, &req->run.events, priors, why, sizeof(why)) < 0)
		die_bad_input("cannot resume: %s", why);
	if (priors && req->field_separator && stat_csv_seed(&csv, priors) < 0)
		die_system("out of memory");
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
