/* A least-squares line with a wild bootstrap-t interval of its slope and a
 * lack-of-fit test: the in-situ price of a forced flush (lib/analyze/analyze.c). */
#include "fit.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_fit.h>
#include <gsl/gsl_rng.h>

#include "bootstrap.h"

static int fit_slope(const double *x, const double *y, size_t n, double *slope, double *intercept, double *sumsq)
{
	double cov00, cov01, cov11;

	return gsl_fit_linear(x, 1, y, 1, n, intercept, slope, &cov00, &cov01, &cov11, sumsq);
}

/* The design's leverages, for the slope's HC2 standard error: residuals
 * scaled by 1/sqrt(1 - h) are unbiased for their variance under any spread. */
struct design {
	size_t n;
	const double *x;
	double mean_x, sxx, *h;
};

static int design_init(struct design *d, const double *x, size_t n)
{
	*d = (struct design){ .n = n, .x = x };
	d->h = alloc_doubles(n);
	if (!d->h)
		return -1;
	for (size_t i = 0; i < n; i++)
		d->mean_x += x[i] / (double)n;
	for (size_t i = 0; i < n; i++)
		d->sxx += (x[i] - d->mean_x) * (x[i] - d->mean_x);
	for (size_t i = 0; i < n; i++) {
		double h = 1.0 / (double)n + (x[i] - d->mean_x) * (x[i] - d->mean_x) / d->sxx;

		d->h[i] = h < 1 - 1e-12 ? h : 1 - 1e-12;
	}
	return 0;
}

/* HC2 standard error of the slope of y on the design, given the line. */
static double hc2_se(const struct design *d, const double *y, double slope, double intercept)
{
	double sum = 0;

	for (size_t i = 0; i < d->n; i++) {
		double e = y[i] - intercept - slope * d->x[i], dx = d->x[i] - d->mean_x;

		sum += dx * dx * e * e / (1 - d->h[i]);
	}
	return sqrt(sum) / d->sxx;
}

/* Wild bootstrap-t: y* = line + v * e / sqrt(1 - h), v = +-1 (Rademacher);
 * each resample's slope is studentised by its own HC2 error, and the
 * interval is slope - t*(0.975, 0.025) x HC2 error. The doses stay as
 * designed and a spread that grows with the dose is kept. */
static int slope_ci(const double *x, const double *y, size_t n, uint64_t seed, struct line_fit *f)
{
	double *scaled = alloc_doubles(n), se, slope, intercept, sumsq, t_lo = 0, t_hi = 0;
	struct design d = { .h = NULL };
	struct boot bt;

	if (!scaled || design_init(&d, x, n) < 0 || boot_init(&bt, seed, n) < 0) {
		free(scaled);
		free(d.h);
		return -1;
	}
	se = hc2_se(&d, y, f->slope, f->intercept);
	for (size_t i = 0; i < n; i++)
		scaled[i] = (y[i] - f->intercept - f->slope * x[i]) / sqrt(1 - d.h[i]);
	for (size_t b = 0; se > 0 && b < STATS_BOOTSTRAP; b++) {
		for (size_t i = 0; i < n; i++)
			bt.buf[i] = f->intercept + f->slope * x[i] + (gsl_rng_uniform(bt.rng) < 0.5 ? -scaled[i] : scaled[i]);
		if (fit_slope(x, bt.buf, n, &slope, &intercept, &sumsq) != 0)
			bt.est[b] = NAN;
		else
			bt.est[b] = (slope - f->slope) / hc2_se(&d, bt.buf, slope, intercept);
	}
	/* A perfect line has no spread to resample: the interval is the slope. */
	if (se > 0)
		boot_ci(&bt, &t_lo, &t_hi);
	f->slope_lo = f->slope - t_hi * se;
	f->slope_hi = f->slope - t_lo * se;
	boot_free(&bt);
	free(scaled);
	free(d.h);
	return 0;
}

/* The model the line is tested against: a mean per group plus one common
 * slope within groups (only the group means when x is constant inside each).
 * Its residual squares; *groups and *params get its size. */
static double group_model_ss(const double *x, const double *y, const int *group, size_t n, size_t *groups,
			     size_t *params)
{
	double *mx = alloc_doubles(n), *my = alloc_doubles(n), sxy = 0, sxx = 0, slope, sum = NAN;

	*groups = *params = 0;
	for (size_t i = 0; mx && my && i < n; i++) {
		size_t k = 0, first = i;

		mx[i] = my[i] = 0;
		for (size_t j = 0; j < n; j++)
			if (group[j] == group[i]) {
				first = j < first ? j : first;
				mx[i] += x[j];
				my[i] += y[j];
				k++;
			}
		mx[i] /= (double)k;
		my[i] /= (double)k;
		*groups += first == i;
	}
	for (size_t i = 0; mx && my && i < n; i++) {
		sxy += (x[i] - mx[i]) * (y[i] - my[i]);
		sxx += (x[i] - mx[i]) * (x[i] - mx[i]);
	}
	slope = sxx > 0 ? sxy / sxx : 0;
	*params = *groups + (sxx > 0);
	for (size_t i = 0; mx && my && i < n; i++) {
		double e = y[i] - my[i] - slope * (x[i] - mx[i]);

		sum = (i ? sum : 0) + e * e;
	}
	free(mx);
	free(my);
	return sum;
}

/* Lack-of-fit F test: the line (2 parameters) against the group model. */
static double lack_of_fit_p(const double *x, const double *y, const int *group, size_t n, double line_ss)
{
	size_t m = 0, params = 0;
	double full = group ? group_model_ss(x, y, group, n, &m, &params) : NAN, extra;

	if (!group || m < 3 || n <= params || params <= 2 || !(full > 0))
		return NAN;
	extra = line_ss > full ? line_ss - full : 0; /* rounding can make it a hair negative */
	return gsl_cdf_fdist_Q((extra / (double)(params - 2)) / (full / (double)(n - params)), (double)(params - 2),
			       (double)(n - params));
}

int stats_fit_line(const double *x, const double *y, const int *group, size_t n, uint64_t seed, struct line_fit *f)
{
	double sumsq, mean_y = 0, total = 0, lo = INFINITY, hi = -INFINITY;

	for (size_t i = 0; i < n; i++) {
		lo = x[i] < lo ? x[i] : lo;
		hi = x[i] > hi ? x[i] : hi;
		mean_y += y[i] / (double)n;
	}
	if (n < 3 || !(hi > lo))
		return -1;
	*f = (struct line_fit){ .n = n };
	if (fit_slope(x, y, n, &f->slope, &f->intercept, &sumsq) != 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		total += (y[i] - mean_y) * (y[i] - mean_y);
	f->r2 = total > 0 ? 1 - sumsq / total : NAN;
	f->lack_of_fit_p = lack_of_fit_p(x, y, group, n, sumsq);
	return slope_ci(x, y, n, seed, f);
}

