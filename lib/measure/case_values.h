/* A case's measured values, metric by metric, grown as its samples come:
 * the case loop (lib/measure/harness.c) books each sample here, asks whether the
 * case has enough, and summarises it. */
#ifndef TLBBENCH_CASE_VALUES_H
#define TLBBENCH_CASE_VALUES_H

#include <stdint.h>

#include "sample.h"

struct case_values {
	double *v[CASE_METRICS];
	int *iteration; /* each value's sample: not its index once a sample failed */
	int n, cap;
};

/* Book a measured sample (and which counters it read into sum); -1 out of memory. */
int case_values_add(struct case_values *cv, struct case_summary *sum, const struct sample *s);
/* The samples an interrupted run kept of the case; -1 out of memory. */
int case_values_add_prior(struct case_values *cv, const struct case_prior *pr);
/* Enough samples? The fixed count, or, with a CI target, the target or a
 * limit: the reason (one of case_stop_reasons), or NULL. */
const char *case_values_stop_reason(const struct case_values *cv, const struct case_params *p, uint64_t start_ns);
/* Statistics per metric, and which samples are outliers: flagged, never dropped. */
void case_values_summarise(const struct case_values *cv, struct case_summary *sum);
void case_values_free(struct case_values *cv);

#endif
