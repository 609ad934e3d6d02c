/* The plots of `tlbbench analyze`'s numbers: share.png (the forced flushes'
 * estimated share of a dirty shmem teardown) and dose.png (time against
 * forced flushes, with the fitted in-situ price). */
#define _GNU_SOURCE
#include "plot_analysis.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "gnuplot.h"

/* Each series' title is one gnuplot -e variable, beside datafile, linefile,
 * subtitle, the array and outbase. */
#define DOSE_PLOT_MAX_FITS (MAX_VARS - 6)

/* share.png: the estimated flush cost of each dirty/clean shmem pair. */
static int plot_share(const struct analysis *a, const char *subtitle_text, const char *dir, char *why, size_t len)
{
	struct gnuplot_vars *v;
	char path[PATH_MAX];
	FILE *f;
	int ret;

	if (!a->nrows) {
		printf("(no share.png: no dirty/clean shmem pair with a flush price)\n");
		return 0;
	}
	bounded(path, sizeof(path), "%s/share.dat", dir);
	f = fopen(path, "we");
	if (!f) {
		bounded(why, len, "cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	/* The bar is the measured dirty time; its red part a positive flush cost.
	 * A negative cost (at 1 CPU a forced flush can save time) shows only in
	 * the deferred estimate above the bar. */
	fprintf(f, "# label flush_ms_shown rest_ms clean_ms deferred_ms (est. flush cost = dirty - deferred)\n");
	for (int i = 0; i < a->nrows; i++) {
		const struct analysis_row *r = &a->rows[i];
		double shown = r->flush_cost_ns > 0 ? r->flush_cost_ns : 0;
		char price[40];

		analysis_price_label(r, price, sizeof(price));
		fprintf(f, "\"%s %" JSON_INTEGER_FORMAT "M %" JSON_INTEGER_FORMAT "cpu %s (%s)\" %.4f %.4f %.4f %.4f\n",
			case_param(r->dirty, "op"), json_integer_value(json_object_get(r->dirty->params, "size_bytes")) >> 20,
			json_integer_value(json_object_get(r->dirty->params, "cpus")), case_param(r->dirty, "populate"),
			price, shown / 1e6, (r->time_dirty - shown) / 1e6,
			r->time_clean / 1e6, r->projected_ns / 1e6);
	}
	fclose(f);
	v = calloc(1, sizeof(*v));
	if (!v) {
		bounded(why, len, "out of memory");
		return -1;
	}
	var(v, "datafile", path);
	var(v, "subtitle", subtitle_text);
	ret = gnuplot_draw(v, "share.gp", dir, "share", why, len);
	free(v);
	return ret;
}


/* "munmap shmem fault, 2 CPUs: 11.2 us/flush [9.8, 12.5]" */
static void fit_title(const struct dose_fit *f, char *buf, size_t len)
{
	bounded(buf, len, "%s %s %s, %" JSON_INTEGER_FORMAT " CPU%s %s %s: %.2f us/flush [%.2f, %.2f]",
		case_param(f->first, "op"), case_param(f->first, "backing"), case_param(f->first, "populate"),
		json_integer_value(json_object_get(f->first->params, "cpus")),
		json_integer_value(json_object_get(f->first->params, "cpus")) > 1 ? "s" : "",
		case_param(f->first, "placement"), case_param(f->first, "remote_mode"), f->fit.slope / 1e3,
		f->fit.slope_lo / 1e3, f->fit.slope_hi / 1e3);
}

/* dose.dat: per fit one block of its dose cases (flushes/GiB and ns/GiB,
 * median and CI); dose-line.dat: the fitted line over the same range. */
static int write_dose(const struct result_set *rs, const struct analysis *a, FILE *points, FILE *line)
{
	int fx = results_metric_index(rs, "flushes_per_gib");

	fprintf(points, "# flushes_per_gib lo hi ns_per_gib lo hi (median, 95 %% CI), one block per fit\n");
	for (int i = 0; i < a->nfits; i++) {
		const struct dose_fit *f = &a->fits[i];
		double lo = INFINITY, hi = -INFINITY;

		fprintf(points, "%s# fit %d\n", i ? "\n\n" : "", i + 1);
		for (int c = 0; c < rs->ncases; c++) {
			const struct result_case *d = &rs->cases[c];
			size_t n;
			double *v;

			if (!dose_fit_holds(f, d))
				continue;
			v = results_values(d, fx, &n);
			if (!v)
				return -1;
			if (!n) {
				free(v);
				continue;
			}
			for (size_t k = 0; k < n; k++) {
				lo = v[k] < lo ? v[k] : lo;
				hi = v[k] > hi ? v[k] : hi;
			}
			free(v);
			write_stat(points, d, rs, "flushes_per_gib");
			write_stat(points, d, rs, "ns_per_gib");
			fputc('\n', points);
		}
		fprintf(line, "%s%.6g %.6g\n%.6g %.6g\n", i ? "\n\n" : "", lo, f->fit.intercept + f->fit.slope * lo, hi,
			f->fit.intercept + f->fit.slope * hi);
	}
	return 0;
}

/* dose.png when the run holds a dose-response. */
static int plot_dose(const struct result_set *rs, const struct analysis *a, const char *subtitle_text,
		     const char *dir, char *why, size_t len)
{
	struct gnuplot_vars *v;
	char points[PATH_MAX], line[PATH_MAX], title[512];
	FILE *fp, *fl;
	int ret = -1;

	if (!a->nfits) {
		printf("(no dose.png: the run has no dose-response; see --dirty-tables)\n");
		return 0;
	}
	if (a->nfits > DOSE_PLOT_MAX_FITS)
		printf("(dose.png shows the first %d of %d dose-responses; analyze lists them all)\n", DOSE_PLOT_MAX_FITS,
		       a->nfits);
	bounded(points, sizeof(points), "%s/dose.dat", dir);
	bounded(line, sizeof(line), "%s/dose-line.dat", dir);
	fp = fopen(points, "we");
	fl = fopen(line, "we");
	v = calloc(1, sizeof(*v));
	if (!fp || !fl || !v || write_dose(rs, a, fp, fl) < 0)
		bounded(why, len, "cannot write %s: %s", points, strerror(errno));
	else
		ret = 0;
	if (fp)
		fclose(fp);
	if (fl)
		fclose(fl);
	if (ret == 0) {
		var(v, "datafile", points);
		var(v, "linefile", line);
		var(v, "subtitle", subtitle_text);
		bounded(v->text[v->count++], sizeof(v->text[0]), "array titles[%d]",
			a->nfits < DOSE_PLOT_MAX_FITS ? a->nfits : DOSE_PLOT_MAX_FITS);
		for (int i = 0; i < a->nfits && i < DOSE_PLOT_MAX_FITS; i++) {
			fit_title(&a->fits[i], title, sizeof(title));
			bounded(v->text[v->count++], sizeof(v->text[0]), "titles[%d]='%s'", i + 1, title);
		}
		ret = gnuplot_draw(v, "dose.gp", dir, "dose", why, len);
	}
	free(v);
	return ret;
}

int plot_analysis(const struct result_set *rs, const char *subtitle_text, const char *dir, char *why, size_t len)
{
	struct analysis a;
	char one[1024];
	bool failed = false;

	if (analysis_compute(rs, &a, one, sizeof(one)) < 0) {
		printf("(no share.png or dose.png: %s)\n", one);
		return 0;
	}
	drawn(plot_share(&a, subtitle_text, dir, one, sizeof(one)), one, &failed, why, len);
	drawn(plot_dose(rs, &a, subtitle_text, dir, one, sizeof(one)), one, &failed, why, len);
	analysis_free(&a);
	return failed ? -1 : 0;
}
