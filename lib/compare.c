#define _GNU_SOURCE
#include "compare.h"
#include "options.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "signoff.h"
#include "util.h"

enum format { FORMAT_TABLE, FORMAT_MD, FORMAT_CSV };

static int compare_one(const struct result_case *a, const struct result_case *b, int ma, int mb, uint64_t seed,
		       struct compare_row *row)
{
	size_t na, nb;
	double *va = results_values(a, ma, &na), *vb = results_values(b, mb, &nb);

	if (!va || !vb) {
		free(va);
		free(vb);
		return -1;
	}
	row->na = (int)na;
	row->nb = (int)nb;
	row->tested = stats_compare(va, na, vb, nb, seed, &row->c) == 0;
	free(va);
	free(vb);
	return 0;
}

bool metric_chosen(const struct metric_choice *choice, const char *metric)
{
	for (int i = 0; i < choice->count; i++)
		if (strcmp(choice->names[i], metric) == 0)
			return true;
	return !choice->only_named &&
	       (strncmp(metric, "vmstat_delta.", 13) != 0 || strcmp(metric, "vmstat_delta.pgactivate") == 0);
}

int compare_rows(const struct result_set *base, const struct result_set *new, uint64_t seed,
		 const struct metric_choice *choice, struct compare_row **rows)
{
	int n = 0;

	*rows = calloc((size_t)(base->ncases * base->nmetrics + 1), sizeof(**rows));
	for (int i = 0; *rows && i < base->ncases; i++) {
		const struct result_case *a = &base->cases[i], *b = results_find(new, a->key);

		for (int m = 0; b && m < base->nmetrics; m++) {
			int mb = results_metric_index(new, base->metrics[m]);
			struct compare_row *row = &(*rows)[n];

			if (mb < 0 || (choice && !metric_chosen(choice, base->metrics[m])))
				continue;
			row->base = a;
			row->new = b;
			snprintf(row->metric, sizeof(row->metric), "%s", base->metrics[m]);
			if (compare_one(a, b, m, mb, seed, row) < 0)
				return -1;
			/* A metric neither side could read (null everywhere) is no row. */
			if (row->na || row->nb)
				n++;
		}
	}
	return *rows ? n : -1;
}

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
static int covered_rows(const struct rule *rule, const struct compare_row *rows, int n, int *out)
{
	int k = 0;

	for (int i = 0; i < n; i++) {
		const json_t *p = rows[i].base->params;

		if (strcmp(rows[i].metric, rule->metric) == 0 && rows[i].tested &&
		    rule_applies(rule, json_string_value(json_object_get(p, "op")),
				 json_string_value(json_object_get(p, "backing")),
				 json_string_value(json_object_get(p, "touch"))))
			out[k++] = i;
	}
	return k;
}

/* qsort_r order of row indexes by their rows' Mann-Whitney p. */
static int by_p(const void *a, const void *b, void *rows_arg)
{
	const struct compare_row *rows = rows_arg;
	double pa = rows[*(const int *)a].c.mw_p, pb = rows[*(const int *)b].c.mw_p;

	return (pa > pb) - (pa < pb);
}

/* Holm's step-down adjustment over the rule's cases: a rule tested on many
 * cases at once must not fail by chance on one of them. */
static void holm_adjust(const struct compare_row *rows, int *idx, int m, double *adjusted)
{
	double running = 0;

	qsort_r(idx, (size_t)m, sizeof(*idx), by_p, (void *)rows);
	for (int k = 0; k < m; k++) {
		double p = rows[idx[k]].c.mw_p * (m - k);

		running = p > running ? p : running;
		adjusted[k] = running < 1 ? running : 1;
	}
}

/* The smallest p the rank test can give with these sample sizes: both sides
 * completely apart. */
static double smallest_p(int na, int nb)
{
	double *a = malloc(sizeof(double) * (size_t)na), *b = malloc(sizeof(double) * (size_t)nb);
	struct comparison c = { .mw_p = 1 };

	for (int i = 0; a && b && i < na; i++)
		a[i] = i;
	for (int i = 0; a && b && i < nb; i++)
		b[i] = na + i;
	if (a && b)
		stats_compare(a, (size_t)na, b, (size_t)nb, 1, &c);
	free(a);
	free(b);
	return c.mw_p;
}

/* A rule whose cases have too few samples to ever reach its p bound after
 * Holm's adjustment could never fail: that is no sign-off. */
static bool rule_has_power(FILE *out, const struct rule *rule, const struct compare_row *rows, const int *idx, int m)
{
	for (int k = 0; k < m; k++) {
		const struct compare_row *r = &rows[idx[k]];
		double best = smallest_p(r->na, r->nb) * m;

		if (best >= rule->p_below) {
			fprintf(out, "FAIL  rule %s: with %d and %d samples the smallest possible p is %.2g, %.2g after Holm "
				"over %d cases: no regression could be detected; take more samples\n", rule->name, r->na,
				r->nb, best / m, best, m);
			return false;
		}
	}
	return true;
}

/* FAIL when a covered case regressed by more than the rule allows, with a
 * Holm-adjusted Mann-Whitney p below its bound: 1 pass, 0 fail, -1 out of memory. */
static int check_rule(FILE *out, const struct rule *rule, const struct compare_row *rows, int n)
{
	int *idx = calloc((size_t)(n ? n : 1), sizeof(int)), m, failed = 0;
	double *adjusted = calloc((size_t)(n ? n : 1), sizeof(double));

	if (!idx || !adjusted) {
		free(idx);
		free(adjusted);
		return -1;
	}
	m = covered_rows(rule, rows, n, idx);
	if (m && !rule_has_power(out, rule, rows, idx, m)) {
		free(idx);
		free(adjusted);
		return 0;
	}
	holm_adjust(rows, idx, m, adjusted);
	for (int k = 0; k < m; k++) {
		const struct compare_row *r = &rows[idx[k]];

		if (r->c.change > rule->max_regression && adjusted[k] < rule->p_below) {
			failed++;
			fprintf(out, "  FAIL %s: %s %+.2f%% (limit %+.2f%%), p = %.2g (Holm-adjusted over %d cases %.2g)\n",
				rule->name, r->base->label, r->c.change * 100, rule->max_regression * 100, r->c.mw_p, m,
				adjusted[k]);
		}
	}
	if (!m)
		fprintf(out, "FAIL  rule %s: no case has %s on both sides to check\n", rule->name, rule->metric);
	else
		fprintf(out, "%s  rule %s: %s may not rise more than %.2f%% with Holm-adjusted p < %.2g; %d cases, "
			"%d failed\n", failed ? "FAIL" : "PASS", rule->name, rule->metric, rule->max_regression * 100,
			rule->p_below, m, failed);
	free(idx);
	free(adjusted);
	return m && !failed;
}

/* 0 pass, 1 fail, -1 out of memory. */
static int signoff(FILE *out, const struct rule_set *rules, const struct compare_row *rows, int n)
{
	bool pass = true;

	fprintf(out, "\nsign-off (%s):\n", rules->path);
	for (int i = 0; i < rules->count; i++) {
		int verdict = check_rule(out, &rules->rules[i], rows, n);

		if (verdict < 0)
			return -1;
		pass = verdict && pass;
	}
	fprintf(out, "%s\n", pass ? "PASS" : "FAIL");
	return pass ? 0 : 1;
}

/* --metric LIST: each a metric one of the two runs has. */
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
		status = signoff(stdout, &rules, rows, n);
	if (status < 0)
		die_system("out of memory checking sign-off rules");
	free(rows);
	results_free(&base);
	results_free(&new);
	return status;
}
