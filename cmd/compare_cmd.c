/* `tlbbench compare BASE NEW`: its options, and the rows and the sign-off
 * verdict of lib/analyze/compare.c printed as a table, markdown or CSV. */
#define _GNU_SOURCE
#include "commands.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "config.h"
#include "options.h"
#include "signoff.h"
#include "util.h"

enum format { FORMAT_TABLE, FORMAT_MD, FORMAT_CSV };

static const char *marker(const struct compare_row *r)
{
	if (!r->tested)
		return "";
	return r->c.mw_p < 0.001 ? "***" : r->c.mw_p < 0.01 ? "**" : r->c.mw_p < 0.05 ? "*" : "";
}

static void print_row(FILE *out, enum format f, const struct compare_row *r)
{
	const struct comparison *c = &r->c;
	static const char *const fmt[] = {
		[FORMAT_TABLE] = "%-46s %-24s %14.6g %14.6g %+8.2f%% [%+7.2f%%, %+7.2f%%] %8.2g %8.2g %12.6g %-3s\n",
		[FORMAT_MD] = "| %s | %s | %.6g | %.6g | %+.2f%% | [%+.2f%%, %+.2f%%] | %.2g | %.2g | %.6g | %s |\n",
		[FORMAT_CSV] = "\"%s\",%s,%.9g,%.9g,%.6f,%.6f,%.6f,%.6g,%.6g,%.9g,%s\n",
	};
	double scale = f == FORMAT_CSV ? 1 : 100;

	if (!r->tested) {
		if (f == FORMAT_CSV)
			fprintf(out, "\"%s\",%s,,,,,,,,,\n", r->base->label, r->metric);
		else
			fprintf(out, f == FORMAT_MD ? "| %s | %s | n/s (%d and %d values) ||||||||\n" :
						      "%-46s %-24s n/s: %d and %d values\n",
				r->base->label, r->metric, r->na, r->nb);
		return;
	}
	if (isnan(c->change) && f != FORMAT_CSV) {
		fprintf(out, f == FORMAT_MD ? "| %s | %s | %.6g | %.6g | n/a (base 0) | | %.2g | %.2g | %.6g | |\n" :
					      "%-46s %-24s %14.6g %14.6g   n/a (base median is 0)        %8.2g %8.2g %12.6g\n",
			r->base->label, r->metric, c->median_a, c->median_b, c->mw_p, c->welch_p, c->hl_shift);
		return;
	}
	fprintf(out, fmt[f], r->base->label, r->metric, c->median_a, c->median_b, c->change * scale,
		c->change_lo * scale, c->change_hi * scale, c->mw_p, c->welch_p, c->hl_shift, marker(r));
}

static void print_header(FILE *out, enum format f, const struct result_set *a, const struct result_set *b)
{
	if (f == FORMAT_CSV) {
		fprintf(out, "case,metric,base_median,new_median,change,change_lo,change_hi,mann_whitney_p,welch_p,"
			     "hl_shift,significance\n");
		return;
	}
	fprintf(out, f == FORMAT_MD ? "Base: `%s`, new: `%s`\n\n" : "base: %s\nnew:  %s\n\n", a->dir, b->dir);
	if (f == FORMAT_MD)
		fprintf(out, "| case | metric | base median | new median | change | 95 %% CI | p (Mann-Whitney) | "
			     "p (Welch) | HL shift | sig |\n|---|---|---|---|---|---|---|---|---|---|\n");
	else
		fprintf(out, "%-46s %-24s %14s %14s %9s %20s %8s %8s %12s %s\n", "case", "metric", "base median",
			"new median", "change", "95% CI", "p(MW)", "p(Welch)", "HL shift", "sig");
}

/* Cases on one side only are listed, never dropped silently. */
static void print_unmatched(FILE *out, const struct result_set *from, const struct result_set *other,
			    const char *side)
{
	for (int i = 0; i < from->ncases; i++)
		if (!results_find(other, from->cases[i].key))
			fprintf(out, "only in %s: %s\n", side, from->cases[i].label);
}

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

/* The rules' metrics are compared whatever --metric says. */
static void add_rule_metrics(struct metric_choice *choice, const struct rule_set *rules)
{
	for (int i = 0; i < rules->count; i++)
		if (!metric_chosen(choice, rules->rules[i].metric) && choice->count < COMPARE_MAX_METRICS)
			snprintf(choice->names[choice->count++], sizeof(choice->names[0]), "%s", rules->rules[i].metric);
}

static enum format parse_format(const char *text)
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
	enum format format;
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
		add_rule_metrics(&choice, &rules);
	n = compare_rows(&base, &new, 1, &choice, &rows);
	if (n < 0)
		die_system("out of memory comparing results");
	print_header(stdout, req.format, &base, &new);
	for (int i = 0; i < n; i++)
		print_row(stdout, req.format, &rows[i]);
	if (req.format != FORMAT_CSV) {
		print_unmatched(stdout, &base, &new, "base");
		print_unmatched(stdout, &new, &base, "new");
	}
	if (req.rules_path)
		status = signoff_verdict(stdout, &rules, rows, n);
	if (status < 0)
		die_system("out of memory checking sign-off rules");
	free(rows);
	results_free(&base);
	results_free(&new);
	return status;
}
