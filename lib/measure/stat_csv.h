/* `tlbbench run -x SEP`: a line per case and metric on standard output, as
 * `perf stat -x` prints one per event. It sits between the harness and the
 * report: every sample goes on to the report, and its values are kept, by
 * the case's index in the run, until its case is done, when the case's lines
 * are printed. */
#ifndef TLBBENCH_STAT_CSV_H
#define TLBBENCH_STAT_CSV_H

#include <stdio.h>

#include "sample.h"

struct stat_csv_case;

struct stat_csv {
	FILE *out;
	const char *sep;
	const struct event_set *events;
	bool local_mm_known;    /* the tracepoint names the reason a CPU gives its own flushes */
	struct sample_sink next; /* the report */
	int ncases;
	struct stat_csv_case *cases;
};

/* -1 when out of memory. */
int stat_csv_init(struct stat_csv *c, FILE *out, const char *sep, const struct event_set *events,
		  bool local_mm_known, struct sample_sink next, int ncases);
/* The samples an interrupted run kept, priors[i] for case i: a resumed case's
 * lines describe every sample its cases.jsonl line does. -1 when out of memory. */
int stat_csv_seed(struct stat_csv *c, const struct case_prior *priors);
struct sample_sink stat_csv_sink(struct stat_csv *c);
void stat_csv_free(struct stat_csv *c);

#endif
