/* Result files, written sample by sample so an interrupted run keeps what it
 * measured: samples.jsonl, samples.csv, meta.json; and the terminal table. */
#ifndef TLBBENCH_REPORT_H
#define TLBBENCH_REPORT_H

#include <jansson.h>
#include <stdio.h>

#include "sample.h"

#define REPORT_MAX_CSV_SCALARS 64

struct report {
	FILE *jsonl, *csv, *cases;
	const struct kstat *kstat;
	const struct event_set *events;
	/* samples.csv's scalar columns, named once when the report opens */
	int ncsv_scalars;
	const char *csv_scalars[REPORT_MAX_CSV_SCALARS];
};

/* Create dir (and parents), write meta.json, open the sample files with their
 * CSV header; with append (a resumed run), add to the sample files instead.
 * cases.jsonl is written anew either way. -1 with a reason in why. */
int report_open(struct report *r, const char *dir, const json_t *meta, const struct kstat *k,
		const struct event_set *events, bool append, char *why, size_t len);
/* The parameters that identify a case, first in samples and in cases alike. */
void case_params_json(json_t *o, const struct case_params *p);
void report_sample(struct report *r, const struct sample *s);
/* A sample that failed: its case's parameters, iteration and why, in samples.jsonl only. */
void report_failed_sample(struct report *r, const struct sample *s, const char *why);
/* A case's summary line in cases.jsonl: statistics of each metric and why sampling stopped. */
void report_case(struct report *r, const struct case_summary *sum);
void report_close(struct report *r);
/* The harness's sink bound to r: samples, failed samples and case summaries
 * go to report_sample, report_failed_sample and report_case. */
struct sample_sink report_sink(struct report *r);

/* One row per case (lib/measure/report_table.c): medians of time, ns/GiB, flushes/GiB (and the model), IPIs/GiB;
 * <not supported> for a counter not read, with the reason from k under the table. */
void report_table(FILE *out, const struct case_summary *sums, int n, const struct kstat *k);

#endif
