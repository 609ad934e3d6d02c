#define _GNU_SOURCE
#include "compare.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "signoff.h"
#include "util.h"

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
			n++;
		}
	}
	return *rows ? n : -1;
}

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

void metric_choice_add_rules(struct metric_choice *choice, const struct rule_set *rules)
{
	for (int i = 0; i < rules->count; i++)
		if (!metric_chosen(choice, rules->rules[i].metric) && choice->count < COMPARE_MAX_METRICS)
			snprintf(choice->names[choice->count++], sizeof(choice->names[0]), "%s", rules->rules[i].metric);
}

int signoff_verdict(FILE *out, const struct rule_set *rules, const struct compare_row *rows, int n)
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
