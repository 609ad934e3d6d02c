/* Each case's lines: CASE SEP VALUE SEP UNIT SEP METRIC SEP SAMPLES SEP RUNNING,
 * CASE "SWEEP: label" as --dry-run lists it, VALUE the median of the case's
 * measured samples, <not supported> when none could read it, <not counted>
 * when the case took none (skipped, refused), RUNNING the mean percentage of
 * time a perf event was counted (multiplexing; empty for the kernel's own
 * counters). An interrupted case prints nothing: --resume prints it whole. */
#define _GNU_SOURCE
#include "stat_csv.h"

#include <math.h>
#include <stdlib.h>

/* A case's values, sample by sample: the one at its index in the run. */
struct stat_csv_case {
	int n, cap;
	double *v[PRINTED_VALUES]; /* NAN: not read in that sample */
	double running[PMU_MAX_EVENTS];
};

static const char *const metric_unit[METRICS] = {
	[METRIC_WALL_NS] = "ns", [METRIC_FLUSHES] = "flushes", [METRIC_FLUSHES_FULL] = "flushes",
	[METRIC_FLUSHES_RANGED] = "flushes", [METRIC_FLUSHES_ALL_CPUS] = "flushes",
	[METRIC_MODEL_FLUSHES] = "flushes", [METRIC_IPIS] = "IPIs", [METRIC_IPIS_PER_REMOTE_CPU] = "IPIs/CPU",
	[METRIC_NS_PER_GIB] = "ns/GiB", [METRIC_FLUSHES_PER_GIB] = "flushes/GiB", [METRIC_IPIS_PER_GIB] = "IPIs/GiB",
	[METRIC_ACTIVATIONS_PER_GIB] = "activations/GiB",
};

int stat_csv_init(struct stat_csv *c, FILE *out, const char *sep, const struct event_set *events,
		  bool local_mm_known, struct sample_sink next, int ncases)
{
	*c = (struct stat_csv){ .out = out, .sep = sep, .events = events, .local_mm_known = local_mm_known,
				.next = next, .ncases = ncases };
	c->cases = calloc((size_t)ncases, sizeof(*c->cases));
	return c->cases ? 0 : -1;
}

/* By index, not by label: two cases may read alike (the same params in two sweeps). */
static struct stat_csv_case *slot(struct stat_csv *c, int case_index)
{
	return case_index >= 0 && case_index < c->ncases ? &c->cases[case_index] : NULL;
}

static int grow(struct stat_csv_case *k)
{
	int cap = k->cap ? 2 * k->cap : 16;

	for (int m = 0; m < PRINTED_VALUES; m++) {
		double *v = realloc(k->v[m], (size_t)cap * sizeof(*v));

		if (!v)
			return -1;
		k->v[m] = v;
	}
	k->cap = cap;
	return 0;
}

static void keep_sample(struct stat_csv *c, const struct sample *s)
{
	struct stat_csv_case *k = slot(c, s->case_index);
	struct derived d;

	/* Out of memory: the case's lines lack this sample; samples.jsonl has it. */
	if (!k || (k->n == k->cap && grow(k) < 0))
		return;
	derive(s, &d);
	for (int m = 0; m < METRICS; m++)
		if (!sample_metric_value(s, &d, c->local_mm_known, (enum metric_id)m, &k->v[m][k->n]))
			k->v[m][k->n] = NAN;
	for (int e = 0; e < c->events->count; e++) {
		bool ok = e < s->pmu.count && s->pmu.ok[e];

		k->v[METRICS + e][k->n] = ok ? s->pmu.value[e] : NAN;
		k->running[e] += ok ? s->pmu.running[e] : 0;
	}
	k->n++;
}

int stat_csv_seed(struct stat_csv *c, const struct case_prior *priors)
{
	for (int i = 0; i < c->ncases; i++) {
		struct stat_csv_case *k = &c->cases[i];

		for (int j = 0; j < priors[i].n; j++, k->n++) {
			if (k->n == k->cap && grow(k) < 0)
				return -1;
			for (int m = 0; m < METRICS + c->events->count; m++)
				k->v[m][k->n] = priors[i].printed[m][j];
		}
		for (int e = 0; e < c->events->count; e++)
			k->running[e] += priors[i].printed_running[e];
	}
	return 0;
}

/* The median of the values read, NAN when none was; *read counts them. */
static double median_of_read(const double *v, int n, int *read)
{
	double *copy = malloc((size_t)(n ? n : 1) * sizeof(*copy)), m;

	*read = 0;
	if (!copy)
		return NAN;
	for (int i = 0; i < n; i++)
		if (!isnan(v[i]))
			copy[(*read)++] = v[i];
	m = *read ? stats_median(copy, (size_t)*read) : NAN;
	free(copy);
	return m;
}

static void print_line(struct stat_csv *c, const char *label, const struct stat_csv_case *k, int m,
		       const char *unit, const char *name, double running)
{
	int read;
	double v = median_of_read(k->v[m], k->n, &read);
	const char *s = c->sep;

	fprintf(c->out, "%s%s", label, s);
	if (!k->n)
		fprintf(c->out, "<not counted>");
	else if (isnan(v))
		fprintf(c->out, "<not supported>");
	else
		fprintf(c->out, v == floor(v) && fabs(v) < 1e15 ? "%.0f" : "%.3f", v);
	fprintf(c->out, "%s%s%s%s%s%d%s", s, unit, s, name, s, read, s);
	if (read && !isnan(running))
		fprintf(c->out, "%.2f", 100.0 * running / read);
	fputc('\n', c->out);
}

static void print_case(struct stat_csv *c, const struct case_summary *sum)
{
	struct stat_csv_case *k = slot(c, sum->case_index);
	char label[300]; /* room for the sweep's name (64) */

	/* Not done: lines of part of its samples would pass for the case's. */
	if (!k || sum->interrupted)
		return;
	case_name(&sum->params, label, sizeof(label));
	for (int m = 0; m < METRICS; m++)
		if (m != METRIC_IPIS_PER_REMOTE_CPU || sum->params.cpus > 1) /* no remote CPU: nothing to count */
			print_line(c, label, k, m, metric_unit[m], sample_metrics[m].name, NAN);
	for (int e = 0; e < c->events->count; e++)
		print_line(c, label, k, METRICS + e, "", c->events->list[e], k->running[e]);
	fflush(c->out);
}

static void on_sample(void *ctx, const struct sample *s)
{
	struct stat_csv *c = ctx;

	c->next.sample(c->next.ctx, s);
	keep_sample(c, s);
}

static void on_failed_sample(void *ctx, const struct sample *s, const char *why)
{
	struct stat_csv *c = ctx;

	c->next.failed_sample(c->next.ctx, s, why);
}

static void on_case_done(void *ctx, const struct case_summary *sum)
{
	struct stat_csv *c = ctx;

	c->next.case_done(c->next.ctx, sum);
	print_case(c, sum);
}

struct sample_sink stat_csv_sink(struct stat_csv *c)
{
	return (struct sample_sink){ .ctx = c, .sample = on_sample, .failed_sample = on_failed_sample,
				     .case_done = on_case_done };
}

void stat_csv_free(struct stat_csv *c)
{
	for (int i = 0; i < c->ncases; i++)
		for (int m = 0; m < PRINTED_VALUES; m++)
			free(c->cases[i].v[m]);
	free(c->cases);
}
