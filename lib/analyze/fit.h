/* Fitting a line to a dose-response: the slope is the in-situ price of one
 * forced flush when the response is a line. */
#ifndef TLBBENCH_FIT_H
#define TLBBENCH_FIT_H

#include <stddef.h>
#include <stdint.h>

/* A least-squares line y = intercept + slope * x (gsl_fit_linear). */
struct line_fit {
	size_t n;
	double slope, intercept;
	double slope_lo, slope_hi; /* 95 % CI: seeded wild bootstrap-t with HC2 errors */
	double r2;
	/* Lack-of-fit F test of the line against a mean per group (plus a common
	 * slope within groups where x varies inside them): p small means the
	 * response is not a line. NAN without groups, with fewer than 3 of them,
	 * or without replicates. */
	double lack_of_fit_p;
};

/*
 * Fit y against x; the CI comes from a wild bootstrap-t (Rademacher weights on
 * leverage-scaled residuals, each resample studentised by its HC2 error),
 * which keeps the x as designed (the doses) and allows a spread that changes
 * with x. group[i] names the design point of
 * pair i (NULL: no lack-of-fit test). -1 with fewer than 3 pairs, fewer than
 * 2 distinct x, or out of memory.
 */
int stats_fit_line(const double *x, const double *y, const int *group, size_t n, uint64_t seed, struct line_fit *f);

#endif
