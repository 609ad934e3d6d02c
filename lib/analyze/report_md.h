/* `tlbbench report`'s Markdown sections (cmd/report_cmd.c puts them in order
 * with the verdict and the compare table). */
#ifndef TLBBENCH_REPORT_MD_H
#define TLBBENCH_REPORT_MD_H

#include <stdio.h>

#include "results.h"
#include "signoff.h"

/* Both runs side by side: kernel, machine, THP, tlbbench and command line, from meta.json. */
void report_md_runs(FILE *out, const struct result_set *a, const struct result_set *b);
/* The rules as a table, and what failing one means. */
void report_md_rules(FILE *out, const struct rule_set *rules);
/* One run's analysis (prices and estimates), as `tlbbench analyze` prints it, or why there is none. */
void report_md_analysis(FILE *out, const char *side, const struct result_set *rs);
/* A plot: its caption and its image, linked relative to the report. */
void report_md_plot(FILE *out, const char *side, const char *name, const char *link);

#endif
