/* `tlbbench compare BASE NEW`: cases matched by their parameters, each
 * metric's medians, % change with a bootstrap CI, rank and t tests; and the
 * sign-off verdict against a rule file. */
#ifndef TLBBENCH_COMPARE_H
#define TLBBENCH_COMPARE_H

#include "results.h"
#include "stats.h"

struct compare_row {
	const struct result_case *base, *new;
	char metric[64];
	int na, nb;
	bool tested;  /* both sides have 2 or more values */
	struct comparison c;
};

/* 0 pass (or no rules), 1 a rule failed, 2 bad input. */
int cmd_compare(int argc, char **argv);

/* Rows for every case in both sets and every metric in both; caller frees. */
int compare_rows(const struct result_set *base, const struct result_set *new, uint64_t seed,
		 struct compare_row **rows);

#endif
