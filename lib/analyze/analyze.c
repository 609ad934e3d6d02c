#define _GNU_SOURCE
#include "analyze.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "util.h"

/* Fields that make one dose-response. Sizes are not pooled: the fixed cost
 * of an op per GiB differs by size and would bend the line. */
static const char *const fit_fields[] = { "op", "backing", "populate", "size_bytes", "cpus", "placement",
					  "remote_mode" };
#define FIT_FIELDS (sizeof(fit_fields) / sizeof(fit_fields[0]))

const char *case_param(const struct result_case *c, const char *key)
{
	const char *v = json_string_value(json_object_get(c->params, key));

	return v ? v : "";
}

json_int_t case_param_int(const struct result_case *c, const char *key)
{
	return json_integer_value(json_object_get(c->params, key));
}

static bool is_dose(const struct result_case *c)
{
	return json_is_integer(json_object_get(c->params, "dirty_tables"));
}

bool cases_agree(const struct result_case *a, const struct result_case *b, const char *const *fields, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (!json_equal(json_object_get(a->params, fields[k]), json_object_get(b->params, fields[k])))
			return false;
	return true;
}

bool dose_fit_holds(const struct dose_fit *f, const struct result_case *c)
{
	return is_dose(c) && cases_agree(f->first, c, fit_fields, FIT_FIELDS);
}

/* The price of a flush from one flush_cost case: per sample, the time the
 * zaps of the present page took beyond the same zaps of the absent page,
 * over the flushes counted. */
static int price_case(const struct result_set *rs, const struct result_case *c, const char *reference,
		      struct flush_price *p)
{
	int wall = results_metric_index(rs, "wall_ns"), absent = results_metric_index(rs, reference);
	int flushes = results_metric_index(rs, "flushes"), ipis = results_metric_index(rs, "ipis");
	double *per_flush = calloc(c->n ? c->n : 1, sizeof(double)), *ipi = calloc(c->n ? c->n : 1, sizeof(double));
	size_t n = 0;

	for (size_t i = 0; per_flush && ipi && wall >= 0 && absent >= 0 && flushes >= 0 && i < c->n; i++) {
		double f = c->values[flushes][i];

		if (isnan(f) || f <= 0 || isnan(c->values[absent][i]))
			continue;
		per_flush[n] = (c->values[wall][i] - c->values[absent][i]) / f;
		ipi[n++] = ipis >= 0 ? c->values[ipis][i] / f : NAN;
	}
	memset(p, 0, sizeof(*p));
	p->cpus = (int)case_param_int(c, "cpus");
	snprintf(p->placement, sizeof(p->placement), "%s", case_param(c, "placement"));
	snprintf(p->remote, sizeof(p->remote), "%s", case_param(c, "remote_mode"));
	p->samples = n;
	if (n) {
		p->ns_per_flush = stats_median(per_flush, n);
		p->ipis_per_flush = stats_median(ipi, n);
	}
	free(per_flush);
	free(ipi);
	return n ? 0 : -1;
}

static const struct flush_price *price_for(const struct analysis *a, const struct result_case *c)
{
	for (int i = 0; i < a->nprices; i++)
		if (a->prices[i].cpus == case_param_int(c, "cpus") &&
		    strcmp(a->prices[i].placement, case_param(c, "placement")) == 0 &&
		    strcmp(a->prices[i].remote, case_param(c, "remote_mode")) == 0)
			return &a->prices[i];
	return NULL;
}

/* Distinct dose levels among f's cases (a case per level, unless two were run apart). */
static int dose_levels(const struct result_set *rs, const struct dose_fit *f)
{
	int levels = 0;

	for (int i = 0; i < rs->ncases; i++) {
		bool seen = false;

		if (!dose_fit_holds(f, &rs->cases[i]))
			continue;
		for (int j = 0; j < i && !seen; j++)
			seen = dose_fit_holds(f, &rs->cases[j]) &&
			       json_equal(json_object_get(rs->cases[j].params, "dirty_tables"),
					  json_object_get(rs->cases[i].params, "dirty_tables"));
		levels += !seen;
	}
	return levels;
}

/* Every sample of f's dose cases: (flushes per GiB, ns per GiB), grouped by case. */
static size_t dose_points(const struct result_set *rs, const struct dose_fit *f, double *x, double *y, int *group)
{
	int fx = results_metric_index(rs, "flushes_per_gib"), fy = results_metric_index(rs, "ns_per_gib");
	size_t n = 0;

	for (int i = 0; fx >= 0 && fy >= 0 && i < rs->ncases; i++) {
		const struct result_case *d = &rs->cases[i];

		if (!dose_fit_holds(f, d))
			continue;
		for (size_t k = 0; k < d->n; k++)
			if (!isnan(d->values[fx][k]) && !isnan(d->values[fy][k])) {
				x[n] = d->values[fx][k];
				y[n] = d->values[fy][k];
				group[n++] = i;
			}
	}
	return n;
}

static bool fitted(const struct analysis *a, const struct result_case *c)
{
	for (int i = 0; i < a->nfits; i++)
		if (dose_fit_holds(&a->fits[i], c))
			return true;
	return false;
}

/* The price between the lowest and the highest dose (by their median flushes). */
static double ends_price(const struct result_set *rs, const struct dose_fit *f)
{
	double lo_x = INFINITY, lo_y = NAN, hi_x = -INFINITY, hi_y = NAN;

	for (int i = 0; i < rs->ncases; i++) {
		const struct result_case *d = &rs->cases[i];
		double x = dose_fit_holds(f, d) ? results_median(rs, d, "flushes_per_gib") : NAN;

		if (x < lo_x) {
			lo_x = x;
			lo_y = results_median(rs, d, "ns_per_gib");
		}
		if (x > hi_x) {
			hi_x = x;
			hi_y = results_median(rs, d, "ns_per_gib");
		}
	}
	return (hi_y - lo_y) / (hi_x - lo_x);
}

/* One fit per dose-response with two or more dose levels. */
static int fit_doses(const struct result_set *rs, struct analysis *a)
{
	size_t total = 0;
	double *x, *y;
	int *group, ret = 0;

	for (int i = 0; i < rs->ncases; i++)
		total += rs->cases[i].n;
	x = calloc(total + 1, sizeof(double));
	y = calloc(total + 1, sizeof(double));
	group = calloc(total + 1, sizeof(int));
	for (int i = 0; x && y && group && i < rs->ncases; i++) {
		const struct result_case *c = &rs->cases[i];
		struct dose_fit *f = &a->fits[a->nfits];
		size_t n;

		if (!is_dose(c) || fitted(a, c))
			continue;
		f->first = c;
		n = dose_points(rs, f, x, y, group);
		f->doses = dose_levels(rs, f);
		f->calibrated = price_for(a, c);
		if (f->doses >= 2 && stats_fit_line(x, y, group, n, 1, &f->fit) == 0) {
			f->ends_ns_per_flush = ends_price(rs, f);
			a->nfits++;
		}
	}
	if (!x || !y || !group)
		ret = -1;
	free(x);
	free(y);
	free(group);
	return ret;
}

/* The fit for a teardown row: of its own size, else of the same op, backing,
 * populate, CPUs, placement and remote at another size. */
static const struct dose_fit *fit_for(const struct analysis *a, const struct result_case *c)
{
	static const char *const other_sizes[] = { "op", "backing", "populate", "cpus", "placement", "remote_mode" };

	for (int i = 0; i < a->nfits; i++)
		if (cases_agree(a->fits[i].first, c, fit_fields, FIT_FIELDS))
			return &a->fits[i];
	for (int i = 0; i < a->nfits; i++)
		if (cases_agree(a->fits[i].first, c, other_sizes, sizeof(other_sizes) / sizeof(other_sizes[0])))
			return &a->fits[i];
	return NULL;
}

bool dose_fit_straight(const struct dose_fit *f)
{
	return isnan(f->fit.lack_of_fit_p) || f->fit.lack_of_fit_p >= 0.01;
}

void analysis_price_label(const struct analysis_row *r, char *buf, size_t len)
{
	json_int_t fit_size = r->in_situ ? json_integer_value(json_object_get(r->in_situ->first->params, "size_bytes")) : 0;

	if (!r->in_situ)
		snprintf(buf, len, "flush_cost");
	else if (fit_size == json_integer_value(json_object_get(r->dirty->params, "size_bytes")))
		snprintf(buf, len, "in-situ%s", dose_fit_straight(r->in_situ) ? "" : "*");
	else
		snprintf(buf, len, "in-situ@%" JSON_INTEGER_FORMAT "M%s", fit_size >> 20,
			 dose_fit_straight(r->in_situ) ? "" : "*");
}

const struct result_case *analysis_clean_twin(const struct result_set *rs, const struct result_case *dirty)
{
	static const char *const same[] = { "op", "size_bytes", "cpus", "placement", "remote_mode", "backing", "populate" };

	for (int i = 0; i < rs->ncases; i++) {
		const struct result_case *c = &rs->cases[i];

		if (strcmp(case_param(c, "touch"), "clean") == 0 && !is_dose(c) &&
		    cases_agree(c, dirty, same, sizeof(same) / sizeof(same[0])))
			return c;
	}
	return NULL;
}

static void add_row(const struct result_set *rs, struct analysis *a, const struct result_case *dirty,
		    const struct result_case *clean)
{
	struct analysis_row *r = &a->rows[a->nrows];

	*r = (struct analysis_row){ .dirty = dirty, .clean = clean, .in_situ = fit_for(a, dirty) };
	r->calibrated = r->in_situ ? NULL : price_for(a, dirty);
	if (!r->in_situ && !r->calibrated)
		return;
	a->nrows++;
	r->ns_per_flush = r->in_situ ? r->in_situ->fit.slope : r->calibrated->ns_per_flush;
	r->flushes_dirty = results_median(rs, dirty, "flushes");
	r->flushes_clean = results_median(rs, clean, "flushes");
	r->time_dirty = results_median(rs, dirty, "wall_ns");
	r->time_clean = results_median(rs, clean, "wall_ns");
	r->flush_cost_ns = (r->flushes_dirty - r->flushes_clean) * r->ns_per_flush;
	r->kept_ns = r->time_dirty - r->time_clean - r->flush_cost_ns;
	r->projected_ns = r->time_dirty - r->flush_cost_ns;
	r->share = r->flush_cost_ns / r->time_dirty;
}

bool analysis_teardown_dirty_shmem(const struct result_set *rs, const struct result_case *c)
{
	const struct result_workload *w = results_workload(rs, c);

	return w && w->modelled && !is_dose(c) && strcmp(case_param(c, "backing"), "shmem") == 0 &&
	       strcmp(case_param(c, "touch"), "dirty") == 0;
}

int analysis_compute(const struct result_set *rs, struct analysis *a, char *why, size_t len)
{
	memset(a, 0, sizeof(*a));
	a->prices = calloc((size_t)rs->ncases + 1, sizeof(*a->prices));
	a->fits = calloc((size_t)rs->ncases + 1, sizeof(*a->fits));
	a->rows = calloc((size_t)rs->ncases + 1, sizeof(*a->rows));
	if (!a->prices || !a->fits || !a->rows) {
		snprintf(why, len, "out of memory");
		analysis_free(a);
		return -1;
	}
	for (int i = 0; i < rs->ncases; i++) {
		const struct result_workload *w = results_workload(rs, &rs->cases[i]);

		if (w && w->calibration && price_case(rs, &rs->cases[i], w->reference, &a->prices[a->nprices]) == 0)
			a->nprices++;
	}
	if (fit_doses(rs, a) < 0) {
		snprintf(why, len, "out of memory");
		analysis_free(a);
		return -1;
	}
	if (!a->nprices && !a->nfits) {
		snprintf(why, len, "%s has no flush price: run a dose-response (--dirty-tables 0,50%%,100%% on shmem) or "
			 "the flush_cost calibration (--op flush_cost --size 8K) at the same --cpus", rs->dir);
		analysis_free(a);
		return -1;
	}
	for (int i = 0; i < rs->ncases; i++) {
		const struct result_case *c = &rs->cases[i], *clean;

		if (!analysis_teardown_dirty_shmem(rs, c))
			continue;
		clean = analysis_clean_twin(rs, c);
		if (clean)
			add_row(rs, a, c, clean);
	}
	return 0;
}

void analysis_free(struct analysis *a)
{
	free(a->prices);
	free(a->fits);
	free(a->rows);
	memset(a, 0, sizeof(*a));
}
