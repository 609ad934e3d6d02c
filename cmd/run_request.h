/* tlbbench run's command line: the options, --resume's request read back
 * from meta.json, and the sweeps and cases they make (cmd/run.c runs them). */
#ifndef TLBBENCH_RUN_REQUEST_H
#define TLBBENCH_RUN_REQUEST_H

#include <limits.h>
#include <stdbool.h>

#include <jansson.h>

#include "sweep.h"
#include "sweep_file.h"
#include "topo.h"

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
	int noptions; /* options given: --resume takes no other */
	struct override overrides[MAX_OVERRIDES];
	int noverrides;
	struct sweep sweeps[CONFIG_MAX_SWEEPS];
	int nsweeps;
	struct run_settings run;
};

/* The options (bad input exits 2); with --resume DIR, the request DIR was started with. */
void run_request_parse(struct run_request *req, int argc, char **argv);
/* The config's sweeps (or one default sweep), then the command line's settings on each. */
void run_request_sweeps(struct run_request *req, int max_cpus);
/* All cases (up to MAX_CASES), each checked against the topology before anything runs. */
int run_request_cases(const struct run_request *req, const struct topo *topo, struct case_params *cases);

#endif
