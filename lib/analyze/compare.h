/* `tlbbench compare BASE NEW`: cases matched by their parameters, each
 * metric's medians, % change with a bootstrap CI, rank and t tests; and the
 * sign-off verdict against a rule file. */
#ifndef TLBBENCH_COMPARE_H
#define TLBBENCH_COMPARE_H

#include <stdio.h>

#include "results.h"
#include "signoff.h"
#include "stats.h"

struct compare_row {
	const struct result_case *base, *new;
	char metric[64];
	int na, nb;   /* 0 and 0: neither side read it (compare_print says so once per metric) */
	bool tested;  /* both sides have 2 or more values */
	struct comparison c;
};

#define COMPARE_MAX_METRICS 64

/* Which metrics get rows: the named ones, and unless only_named every metric
 * but the /proc/vmstat counters, of which vmstat_delta.pgactivate. */
struct metric_choice {
	bool only_named;
	int count;
	char names[COMPARE_MAX_METRICS][64];
};

bool metric_chosen(const struct metric_choice *choice, const char *metric);
/* The rules' metrics are compared whatever else was chosen. */
void metric_choice_add_rules(struct metric_choice *choice, const struct rule_set *rules);

/* Rows for every case in both sets and every chosen metric in both (all
 * metrics when choice is NULL); caller frees. */
int compare_rows(const struct result_set *base, const struct result_set *new, uint64_t seed,
		 const struct metric_choice *choice, struct compare_row **rows);

/* Each rule checked against the rows (Holm-adjusted over the cases it covers),
 * printed to out: 0 pass, 1 fail, -1 out of memory. */
int signoff_verdict(FILE *out, const struct rule_set *rules, const struct compare_row *rows, int n);

#endif
