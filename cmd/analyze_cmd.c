/* `tlbbench analyze DIR`: the analysis of lib/analyze/analyze.c, printed. */
#define _GNU_SOURCE
#include "commands.h"
#include "analysis_print.h"

#include <stdio.h>

#include "options.h"
#include "project.h"
#include "util.h"

static const struct cmd_option analyze_options[] = {
	{ "counts", 0, "COUNTS", "project the forced-flush cost onto COUNTS' CPU counts (a run of more CPUs,\n"
				 "a guest's: its flush and IPI counts, priced by DIR's 1- and 2-CPU prices)" },
	{ NULL, 0, NULL, NULL },
};

static const struct cmd_spec analyze_spec = {
	.name = "analyze", .args = "DIR", .min_args = 1, .max_args = 1, .opts = analyze_options,
	.about = "What the forced flushes cost in DIR's run: the price of one forced flush (in situ from a\n"
		 "dose-response, calibrated by flush_cost), and the dirty-minus-clean difference split.",
};

static void on_analyze_option(void *ctx, int opt, const char *arg)
{
	(void)opt; /* --counts, the only one */
	*(const char **)ctx = arg;
}

/* The projection onto COUNTS; EXIT_BAD_INPUT when it cannot be made. */
static int print_projection(const struct analysis *a, const struct result_set *rs, const char *counts_dir)
{
	struct result_set counts;
	struct projection p;
	char why[1024];
	int status = 0;

	if (results_load(counts_dir, &counts, why, sizeof(why)) < 0) {
		fprintf(stderr, "tlbbench: --counts: %s\n", why);
		return EXIT_BAD_INPUT;
	}
	if (projection_compute(a, rs, &counts, &p, why, sizeof(why)) < 0) {
		fprintf(stderr, "tlbbench: %s\n", why);
		status = EXIT_BAD_INPUT;
	} else {
		projection_print(&p, &counts);
	}
	projection_free(&p);
	results_free(&counts);
	return status;
}

int cmd_analyze(int argc, char **argv)
{
	struct result_set rs;
	struct analysis a;
	const char *counts_dir = NULL;
	char why[1024];
	int status = 0, first = options_parse(&analyze_spec, argc, argv, on_analyze_option, &counts_dir);

	if (results_load(argv[first], &rs, why, sizeof(why)) < 0)
		die_bad_input("%s", why);
	if (analysis_compute(&rs, &a, why, sizeof(why)) < 0) {
		fprintf(stderr, "tlbbench: %s\n", why);
		status = EXIT_BAD_INPUT;
	} else {
		analysis_print(stdout, &a);
		if (counts_dir)
			status = print_projection(&a, &rs, counts_dir);
	}
	analysis_free(&a);
	results_free(&rs);
	return status;
}
