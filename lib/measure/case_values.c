/* A case's measured values as they come, its summary and its stop rule. */
#define _GNU_SOURCE
#include "case_values.h"

#include <stdlib.h>

#include "util.h"

static int grow(struct case_values *cv)
{
	int cap = cv->cap ? 2 * cv->cap : 16;
	int *iteration = realloc(cv->iteration, sizeof(int) * (size_t)cap);

	if (!iteration)
		return -1;
	cv->iteration = iteration;
	for (int m = 0; m < CASE_METRICS; m++) {
		double *grown = realloc(cv->v[m], sizeof(double) * (size_t)cap);

		if (!grown)
			return -1;
		cv->v[m] = grown;
	}
	cv->cap = cap;
	return 0;
}

int case_values_add(struct case_values *cv, struct case_summary *sum, const struct sample *s)
{
	struct derived d;

	if (cv->n == cv->cap && grow(cv) < 0)
		return -1;
	derive(s, &d);
	cv->iteration[cv->n] = s->iteration;
	/* The value even where the metric is unread: the case's *_ok flags say whether it means anything. */
	for (int m = 0; m < CASE_METRICS; m++)
		if (case_metric_of[m] == METRICS)
			cv->v[m][cv->n] = (double)s->baseline_ns;
		else
			sample_metric_value(s, &d, true, case_metric_of[m], &cv->v[m][cv->n]);
	/* One unread sample makes the case's activations unread: no 0 stands in for it. */
	sum->activations_ok = d.activations_ok && (cv->n == 0 || sum->activations_ok);
	cv->n++;
	sum->flushes_ok = s->kstat.flushes_ok;
	sum->ipis_ok = s->kstat.interrupts_ok;
	sum->baseline_ok = s->has_baseline;
	return 0;
}

void case_values_summarise(const struct case_values *cv, struct case_summary *sum)
{
	sum->samples = cv->n;
	for (int m = 0; cv->n && m < CASE_METRICS; m++) {
		int k = 0;

		stats_summarise(cv->v[m], (size_t)cv->n, 1, &sum->stat[m]);
		for (int i = 0; i < cv->n && k < CASE_MAX_OUTLIERS; i++)
			if (stats_is_outlier(cv->v[m], (size_t)cv->n, cv->v[m][i]))
				sum->outlier_at[m][k++] = cv->iteration[i];
	}
}

const char *case_values_stop_reason(const struct case_values *cv, const struct case_params *p, uint64_t start_ns)
{
	struct summary wall;

	if (p->ci_target <= 0)
		return cv->n >= p->iterations ? case_stop_reasons[STOP_ITERATIONS] : NULL;
	if (cv->n >= p->iterations) {
		stats_summarise(cv->v[CM_WALL_NS], (size_t)cv->n, 1, &wall);
		if (stats_ci_within(&wall, p->ci_target))
			return case_stop_reasons[STOP_CI_TARGET];
	}
	if (cv->n >= p->max_iterations)
		return case_stop_reasons[STOP_MAX_ITERATIONS];
	if (p->max_time_s > 0 && (double)(monotonic_raw_ns() - start_ns) / 1e9 >= p->max_time_s)
		return case_stop_reasons[STOP_MAX_TIME];
	return NULL;
}

int case_values_add_prior(struct case_values *cv, const struct case_prior *pr)
{
	for (int i = 0; i < pr->n; i++) {
		if (cv->n == cv->cap && grow(cv) < 0)
			return -1;
		for (int m = 0; m < CASE_METRICS; m++)
			cv->v[m][cv->n] = pr->v[m][i];
		cv->iteration[cv->n] = pr->iteration[i];
		cv->n++;
	}
	return 0;
}

void case_values_free(struct case_values *cv)
{
	for (int m = 0; m < CASE_METRICS; m++)
		free(cv->v[m]);
	free(cv->iteration);
}
