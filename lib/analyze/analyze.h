/* `tlbbench analyze DIR`: what the forced flushing costs, from a run's own
 * numbers. Two prices of one forced flush: in situ, the slope of time against
 * forced flushes over a dose-response (dirty_tables), and calibrated, the
 * flush_cost workload. The dirty-minus-clean difference of a teardown is split
 * into the flushing (priced in situ where the run has it) and the dirty-PTE
 * handling the deferred variant keeps. */
#ifndef TLBBENCH_ANALYZE_H
#define TLBBENCH_ANALYZE_H

#include <stdbool.h>
#include <stddef.h>

#include "fit.h"
#include "results.h"

struct flush_price {
	int cpus;
	char placement[64], remote[16];
	double ns_per_flush;  /* median over samples of (present - absent) / flushes */
	double ipis_per_flush;
	size_t samples;
};

/* The in-situ price: a dose-response of one op x backing x populate x size x
 * CPUs x placement x remote, time per GiB fitted against flushes per GiB. */
struct dose_fit {
	const struct result_case *first; /* one of its cases, for the parameters */
	int doses;                       /* distinct dose levels in the fit */
	struct line_fit fit;             /* slope: ns per forced flush */
	double ends_ns_per_flush;        /* highest dose against lowest, medians: all forced flushes against none */
	const struct flush_price *calibrated; /* flush_cost at the same CPUs, or NULL */
};

struct analysis_row {
	const struct result_case *dirty, *clean;
	const struct dose_fit *in_situ;      /* the price used, when the run has one (same size first) ... */
	const struct flush_price *calibrated; /* ... else this */
	double ns_per_flush;
	double flushes_dirty, flushes_clean, time_dirty, time_clean; /* medians, per op */
	double flush_cost_ns;  /* (flushes_dirty - flushes_clean) * ns_per_flush */
	double kept_ns;        /* (time_dirty - time_clean) - flush_cost_ns: dirty-PTE handling */
	double projected_ns;   /* time_dirty - flush_cost_ns: the deferred variant, estimated */
	double share;          /* flush_cost_ns / time_dirty */
};

struct analysis {
	int nprices, nfits, nrows;
	struct flush_price *prices;
	struct dose_fit *fits;
	struct analysis_row *rows;
};

/* -1 with why when the run has neither a calibration nor a dose-response (a
 * is then freed already; analysis_free on it again is harmless). */
int analysis_compute(const struct result_set *rs, struct analysis *a, char *why, size_t len);
void analysis_free(struct analysis *a);
/* Is c one of the dose cases of f (or of the fit c's fields would make, when f->first is c)? */
bool dose_fit_holds(const struct dose_fit *f, const struct result_case *c);
/* Is the dose-response a line (no lack of fit at p < 0.01, or untestable)? */
bool dose_fit_straight(const struct dose_fit *f);
/* Which price a row used: "flush_cost", "in-situ", "in-situ@256M" (a fit of
 * another size), with "*" when that fit is no line. */
void analysis_price_label(const struct analysis_row *r, char *buf, size_t len);
/* A teardown of dirty shmem the model predicts (munmap, MADV_DONTNEED), no dose:
 * a case the forced flush is priced on. */
bool analysis_teardown_dirty_shmem(const struct result_set *rs, const struct result_case *c);
/* The clean case run like this dirty one (same op, size, CPUs, placement,
 * remote mode, backing and populate; neither a dose), or NULL. */
const struct result_case *analysis_clean_twin(const struct result_set *rs, const struct result_case *dirty);
/* The case's parameter (a string, or "" when absent). */
const char *case_param(const struct result_case *c, const char *key);
/* The case's integer parameter (cpus, size_bytes; 0 when absent). */
json_int_t case_param_int(const struct result_case *c, const char *key);
/* Do a and b have the same value in each of these n parameters? */
bool cases_agree(const struct result_case *a, const struct result_case *b, const char *const *fields, size_t n);

#endif
