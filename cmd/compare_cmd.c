/* `tlbbench compare BASE NEW`: its options, and the rows and the sign-off
 * verdict of lib/analyze/compare.c printed as a table, markdown or CSV. */
#define _GNU_SOURCE
#include "commands.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare_print.h"
#include "config.h"
#include "options.h"
#include "signoff.h"
#include "util.h"

/* Rows a rule covers: its metric, its cases, tested on both sides. */
static void parse_metrics(struct metric_choice *choice, char *list, const struct result_set *a,
			  const struct result_set *b)
{
	char *items[COMPARE_MAX_METRICS];
	int n = split_list(list, items, COMPARE_MAX_METRICS);

	if (n <= 0)
		die_bad_input("--metric: %s", n < 0 ? "too many metrics" : "no metric");
	choice->only_named = true;
	for (int i = 0; i < n; i++) {
		if (results_metric_index(a, items[i]) < 0 && results_metric_index(b, items[i]) < 0)
			die_bad_input("--metric: neither run has '%s' (metrics are samples.jsonl's numbers: wall_ns, "
				      "flushes_per_gib, events.NAME, vmstat_delta.NAME, ...)", items[i]);
		snprintf(choice->names[choice->count++], sizeof(choice->names[0]), "%s", items[i]);
	}
}

static enum compare_format parse_format(const char *text)
{
	if (strcmp(text, "table") == 0)
		return FORMAT_TABLE;
	if (strcmp(text, "md") == 0)
		return FORMAT_MD;
	if (strcmp(text, "csv") == 0)
		return FORMAT_CSV;
	die_bad_input("--format '%s': want table, md or csv", text);
}

static const struct cmd_option compare_options[] = {
	{ "format", 0, "FORMAT", "table (default), md or csv" },
	{ "signoff", 0, "RULES", "the [rule NAME] sections of RULES give the verdict (configs/signoff.ini)" },
	{ "metric", 0, "LIST", "compare only these metrics (samples.jsonl's numbers: wall_ns,\n"
			       "flushes_per_gib, events.NAME, vmstat_delta.NAME, ...); default: all\n"
			       "but the /proc/vmstat counters, of which vmstat_delta.pgactivate" },
	{ NULL, 0, NULL, NULL },
};

static const struct cmd_spec compare_spec = {
	.name = "compare", .args = "BASE NEW", .min_args = 2, .max_args = 2, .opts = compare_options,
	.about = "Cases matched by their parameters; each metric's medians, % change with a bootstrap CI,\n"
		 "Mann-Whitney and Welch p, the Hodges-Lehmann shift; exit 1 when a sign-off rule fails.",
};

struct compare_request {
	enum compare_format format;
	const char *rules_path;
	char *metrics;
};

static void on_compare_option(void *ctx, int opt, const char *arg)
{
	struct compare_request *req = ctx;

	if (opt == 0)
		req->format = parse_format(arg);
	else if (opt == 1)
		req->rules_path = arg;
	else
		req->metrics = (char *)arg;
}

int cmd_compare(int argc, char **argv)
{
	struct compare_request req = { .format = FORMAT_TABLE };
	static struct metric_choice choice;
	static struct rule_set rules;
	struct result_set base, new;
	struct compare_row *rows;
	char why[1024];
	int n, status = 0, first = options_parse(&compare_spec, argc, argv, on_compare_option, &req);

	if (req.rules_path && signoff_load(req.rules_path, &rules, why, sizeof(why)) < 0)
		die_bad_input("%s", why);
	if (results_load(argv[first], &base, why, sizeof(why)) < 0 ||
	    results_load(argv[first + 1], &new, why, sizeof(why)) < 0)
		die_bad_input("%s", why);
	if (req.metrics)
		parse_metrics(&choice, req.metrics, &base, &new);
	if (req.rules_path)
		metric_choice_add_rules(&choice, &rules);
	n = compare_rows(&base, &new, 1, &choice, &rows);
	if (n < 0)
		die_system("out of memory comparing results");
	compare_print(stdout, req.format, &base, &new, rows, n);
	if (req.rules_path)
		status = signoff_verdict(stdout, &rules, rows, n);
	if (status < 0)
		die_system("out of memory checking sign-off rules");
	free(rows);
	results_free(&base);
	results_free(&new);
	return status;
}
