/* Sign-off rules: [rule NAME] sections of a config (configs/signoff.ini),
 * each a limit on how much one metric may regress, and how sure we must be. */
#ifndef TLBBENCH_SIGNOFF_H
#define TLBBENCH_SIGNOFF_H

#include <stdbool.h>
#include <stddef.h>

#define SIGNOFF_MAX_RULES 32

struct rule {
	char name[64];
	int line;                 /* where it starts, for messages */
	char metric[64];          /* a compare metric: wall_ns, flushes_per_gib, events.cycles, ... */
	double max_regression;    /* fraction: the new median may exceed the base by this much */
	double p_below;           /* a regression counts only when the rank test's p is below this */
	char op[64], backing[64], touch[64]; /* optional filters, comma lists; empty = all */
};

struct rule_set {
	char path[512];
	int count;
	struct rule rules[SIGNOFF_MAX_RULES];
};

/* Read the [rule NAME] sections of name (other sections are the sweep's),
 * found as given or in the data directory's configs/ (lib/common/datadir.c).
 * -1 with "path:line: reason" in why. */
int signoff_load(const char *name, struct rule_set *rs, char *why, size_t len);
/* Does a case with these parameters fall under the rule? */
bool rule_applies(const struct rule *r, const char *op, const char *backing, const char *touch);

#endif
