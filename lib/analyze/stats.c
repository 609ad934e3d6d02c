#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "bootstrap.h"

/* Outliers lie further than this many scaled MADs from the median. */
#define OUTLIER_MADS 3.0


double stats_median(double *values, size_t n)
{
	gsl_sort(values, 1, n);
	return gsl_stats_median_from_sorted_data(values, 1, n);
}

static double *sorted_copy(const double *values, size_t n)
{
	double *copy = alloc_doubles(n);

	if (copy) {
		memcpy(copy, values, n * sizeof(*copy));
		gsl_sort(copy, 1, n);
	}
	return copy;
}

/* Distance from the median beyond which a value is an outlier; work holds n doubles. */
static double outlier_fence(const double *values, size_t n, double *work, double *median)
{
	memcpy(work, values, n * sizeof(*work));
	*median = gsl_stats_median(work, 1, n);
	return OUTLIER_MADS * gsl_stats_mad(values, 1, n, work);
}

/* A zero fence (MAD == 0) flags nothing: half the sample is identical, the rest is no outlier. */
static bool beyond_fence(double value, double median, double fence)
{
	return fence > 0 && fabs(value - median) > fence;
}

static size_t count_outliers(const double *values, size_t n, double *work)
{
	double median;
	double fence = outlier_fence(values, n, work, &median);
	size_t count = 0;

	for (size_t i = 0; i < n; i++)
		count += beyond_fence(values[i], median, fence);
	return count;
}

bool stats_is_outlier(const double *values, size_t n, double value)
{
	double *work = alloc_doubles(n);
	double median, fence;

	if (!work)
		return false;
	fence = outlier_fence(values, n, work, &median);
	free(work);
	return beyond_fence(value, median, fence);
}

/* Median of n values drawn with replacement from values. */
static double resample_median(struct boot *bt, const double *values, size_t n)
{
	gsl_ran_sample(bt->rng, bt->buf, n, (void *)values, n, sizeof(*bt->buf));
	return gsl_stats_median(bt->buf, 1, n);
}

static int median_ci(const double *values, size_t n, uint64_t seed, double *lo, double *hi)
{
	struct boot bt;

	if (boot_init(&bt, seed, n) < 0)
		return -1;
	for (size_t i = 0; i < STATS_BOOTSTRAP; i++)
		bt.est[i] = resample_median(&bt, values, n);
	boot_ci(&bt, lo, hi);
	boot_free(&bt);
	return 0;
}

static void summary_clear(struct summary *s, size_t n)
{
	s->n = n;
	s->median = s->mean = s->sd = s->cv = NAN;
	s->min = s->max = s->p5 = s->p95 = NAN;
	s->ci_lo = s->ci_hi = NAN;
	s->outliers = 0;
}

/* The fields that need only the sorted sample. */
static void describe(const double *sorted, size_t n, struct summary *s)
{
	s->median = gsl_stats_median_from_sorted_data(sorted, 1, n);
	s->mean = gsl_stats_mean(sorted, 1, n);
	s->min = sorted[0];
	s->max = sorted[n - 1];
	s->p5 = gsl_stats_quantile_from_sorted_data(sorted, 1, n, 0.05);
	s->p95 = gsl_stats_quantile_from_sorted_data(sorted, 1, n, 0.95);
	/* One value says nothing about spread. */
	if (n < 2)
		return;
	s->sd = gsl_stats_sd_m(sorted, 1, n, s->mean);
	if (s->mean != 0)
		s->cv = s->sd / s->mean;
}

void stats_summarise(const double *values, size_t n, uint64_t seed, struct summary *s)
{
	double *sorted = sorted_copy(values, n);
	double *work = alloc_doubles(n);

	summary_clear(s, n);
	if (!sorted || !work)
		goto out;
	describe(sorted, n, s);
	s->outliers = count_outliers(values, n, work);
	/* Resampling one value gives a zero-width CI that would end adaptive sampling at once. */
	if (n >= 2)
		median_ci(values, n, seed, &s->ci_lo, &s->ci_hi);
out:
	free(sorted);
	free(work);
}

bool stats_ci_within(const struct summary *s, double target)
{
	/* NAN (no CI yet) compares false: keep sampling. */
	return (s->ci_hi - s->ci_lo) / 2 <= target * fabs(s->median);
}

static double median_of(const double *values, size_t n)
{
	double *sorted = sorted_copy(values, n);
	double median;

	if (!sorted)
		return NAN;
	median = gsl_stats_median_from_sorted_data(sorted, 1, n);
	free(sorted);
	return median;
}

/* Relative change of the new median over the base one. */
static double ratio_change(double median_a, double median_b)
{
	return median_a == 0 ? NAN : (median_b - median_a) / median_a;
}

static int change_ci(const double *a, size_t na, const double *b, size_t nb, uint64_t seed,
		     struct comparison *c)
{
	struct boot bt;

	if (boot_init(&bt, seed, na > nb ? na : nb) < 0)
		return -1;
	for (size_t i = 0; i < STATS_BOOTSTRAP; i++) {
		double ma = resample_median(&bt, a, na);

		bt.est[i] = ratio_change(ma, resample_median(&bt, b, nb));
	}
	boot_ci(&bt, &c->change_lo, &c->change_hi);
	boot_free(&bt);
	return 0;
}

static int compare_medians(const double *a, size_t na, const double *b, size_t nb, uint64_t seed,
			   struct comparison *c)
{
	c->median_a = median_of(a, na);
	c->median_b = median_of(b, nb);
	if (isnan(c->median_a) || isnan(c->median_b))
		return -1;
	c->change = ratio_change(c->median_a, c->median_b);
	return change_ci(a, na, b, nb, seed, c);
}

static int hodges_lehmann(const double *a, size_t na, const double *b, size_t nb, double *shift)
{
	double *diff = nb <= SIZE_MAX / na ? alloc_doubles(na * nb) : NULL;
	size_t k = 0;

	if (!diff)
		return -1;
	for (size_t i = 0; i < na; i++)
		for (size_t j = 0; j < nb; j++)
			diff[k++] = b[j] - a[i];
	*shift = gsl_stats_median(diff, 1, k);
	free(diff);
	return 0;
}

static double mann_whitney_u(const double *a, size_t na, const double *b, size_t nb)
{
	double u = 0;

	for (size_t i = 0; i < na; i++)
		for (size_t j = 0; j < nb; j++)
			u += a[i] > b[j] ? 1.0 : a[i] == b[j] ? 0.5 : 0.0;
	return u;
}

/* Sum of t^3 - t over runs of t equal values in the pooled sample; -1 when out of memory. */
static double tie_sum(const double *a, size_t na, const double *b, size_t nb)
{
	double *pool = alloc_doubles(na + nb);
	double ties = 0;
	size_t start = 0;

	if (!pool)
		return -1;
	memcpy(pool, a, na * sizeof(*pool));
	memcpy(pool + na, b, nb * sizeof(*pool));
	gsl_sort(pool, 1, na + nb);
	for (size_t i = 1; i <= na + nb; i++) {
		if (i < na + nb && pool[i] == pool[start])
			continue;
		ties += pow((double)(i - start), 3) - (double)(i - start);
		start = i;
	}
	free(pool);
	return ties;
}

/* Normal approximation with tie and continuity corrections. */
static double mw_p_normal(double u, size_t na, size_t nb, double ties)
{
	double n = (double)(na + nb);
	/* (N+1) - T/(N(N-1)) over one denominator, so all-equal samples give exactly 0. */
	double var = (double)na * nb * (n * n * n - n - ties) / (12 * n * (n - 1));
	double z;

	if (var <= 0)
		return 1;
	z = (fabs(u - (double)na * nb / 2) - 0.5) / sqrt(var);
	return fmin(1, 2 * gsl_cdf_ugaussian_Q(z));
}

/*
 * Exact p for tie-free samples. f[i][k] counts orderings of i a's and j b's with U == k,
 * built up over j by f(i,j,k) = f(i-1,j,k-j) + f(i,j-1,k): the largest value is
 * either an a (beating all j b's) or a b (beating nothing).
 */
static double mw_p_exact(double u, size_t m, size_t n)
{
	double f[STATS_MW_EXACT_MAX + 1][STATS_MW_EXACT_MAX * STATS_MW_EXACT_MAX + 1] = { { 0 } };
	size_t kmax = m * n;
	size_t tail = (size_t)fmin(u, (double)kmax - u);
	double below = 0, total = 0;

	for (size_t i = 0; i <= m; i++)
		f[i][0] = 1;
	for (size_t j = 1; j <= n; j++)
		for (size_t i = 1; i <= m; i++)
			for (size_t k = j; k <= kmax; k++)
				f[i][k] += f[i - 1][k - j];
	for (size_t k = 0; k <= kmax; k++) {
		total += f[m][k];
		if (k <= tail)
			below += f[m][k];
	}
	return fmin(1, 2 * below / total);
}

static int mann_whitney(const double *a, size_t na, const double *b, size_t nb, struct comparison *c)
{
	double ties = tie_sum(a, na, b, nb);

	if (ties < 0)
		return -1;
	c->mw_u = mann_whitney_u(a, na, b, nb);
	if (ties == 0 && na <= STATS_MW_EXACT_MAX && nb <= STATS_MW_EXACT_MAX)
		c->mw_p = mw_p_exact(c->mw_u, na, nb);
	else
		c->mw_p = mw_p_normal(c->mw_u, na, nb, ties);
	return 0;
}

#define WELCH_NORMAL_DF 1e7

/* Welch's t test, two-sided; with no variance at all the means either match (p 1) or differ (p 0). */
static void welch(const double *a, size_t na, const double *b, size_t nb, struct comparison *c)
{
	double mean_a = gsl_stats_mean(a, 1, na), mean_b = gsl_stats_mean(b, 1, nb);
	double va = gsl_stats_variance_m(a, 1, na, mean_a) / na;
	double vb = gsl_stats_variance_m(b, 1, nb, mean_b) / nb;
	double diff = mean_a - mean_b;

	if (va + vb == 0) {
		c->welch_t = diff == 0 ? 0 : copysign(INFINITY, diff);
		c->welch_df = NAN;
		c->welch_p = diff == 0 ? 1 : 0;
		return;
	}
	c->welch_t = diff / sqrt(va + vb);
	c->welch_df = (va + vb) * (va + vb) / (va * va / (na - 1) + vb * vb / (nb - 1));
	/* Values near DBL_MAX overflow the variances: no p, rather than GSL's abort. */
	if (!isfinite(c->welch_t) || !isfinite(c->welch_df) || !(c->welch_df > 0))
		c->welch_p = NAN;
	else if (c->welch_df > WELCH_NORMAL_DF) /* GSL's t CDF fails there; t is normal to 1e-6 */
		c->welch_p = fmin(1, 2 * gsl_cdf_ugaussian_Q(fabs(c->welch_t)));
	else
		c->welch_p = fmin(1, 2 * gsl_cdf_tdist_Q(fabs(c->welch_t), c->welch_df));
}

int stats_compare(const double *a, size_t na, const double *b, size_t nb, uint64_t seed,
		  struct comparison *c)
{
	struct comparison out;

	/* Fill a local copy so that a failure leaves the caller's defaults alone. */
	if (na < 2 || nb < 2)
		return -1;
	if (compare_medians(a, na, b, nb, seed, &out) < 0 || hodges_lehmann(a, na, b, nb, &out.hl_shift) < 0 ||
	    mann_whitney(a, na, b, nb, &out) < 0)
		return -1;
	welch(a, na, b, nb, &out);
	*c = out;
	return 0;
}
