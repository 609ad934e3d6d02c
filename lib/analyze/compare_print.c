/* compare's rows printed as a table, Markdown or CSV, for `tlbbench compare`
 * and `tlbbench report`. */
#define _GNU_SOURCE
#include "compare_print.h"

#include <math.h>

static const char *marker(const struct compare_row *r)
{
	if (!r->tested)
		return "";
	return r->c.mw_p < 0.001 ? "***" : r->c.mw_p < 0.01 ? "**" : r->c.mw_p < 0.05 ? "*" : "";
}

static void print_row(FILE *out, enum compare_format f, const struct compare_row *r)
{
	const struct comparison *c = &r->c;
	static const char *const fmt[] = {
		[FORMAT_TABLE] = "%-46s %-24s %14.6g %14.6g %+8.2f%% [%+7.2f%%, %+7.2f%%] %8.2g %8.2g %12.6g %-3s\n",
		[FORMAT_MD] = "| %s | %s | %.6g | %.6g | %+.2f%% | [%+.2f%%, %+.2f%%] | %.2g | %.2g | %.6g | %s |\n",
		[FORMAT_CSV] = "\"%s\",%s,%.9g,%.9g,%.6f,%.6f,%.6f,%.6g,%.6g,%.9g,%s\n",
	};
	double scale = f == FORMAT_CSV ? 1 : 100;

	if (!r->tested) {
		if (f == FORMAT_CSV)
			fprintf(out, "\"%s\",%s,,,,,,,,,\n", r->base->label, r->metric);
		else
			/* No value on a side: its counter could not be read, as perf says it. */
			fprintf(out, f == FORMAT_MD ? "| %s | %s | %s (%d and %d values) ||||||||\n" :
						      "%-46s %-24s %s: %d and %d values\n",
				r->base->label, r->metric, r->na && r->nb ? "not tested" : "<not supported>", r->na,
				r->nb);
		return;
	}
	if (isnan(c->change) && f != FORMAT_CSV) {
		fprintf(out, f == FORMAT_MD ? "| %s | %s | %.6g | %.6g | n/a (base 0) | | %.2g | %.2g | %.6g | |\n" :
					      "%-46s %-24s %14.6g %14.6g   n/a (base median is 0)        %8.2g %8.2g %12.6g\n",
			r->base->label, r->metric, c->median_a, c->median_b, c->mw_p, c->welch_p, c->hl_shift);
		return;
	}
	fprintf(out, fmt[f], r->base->label, r->metric, c->median_a, c->median_b, c->change * scale,
		c->change_lo * scale, c->change_hi * scale, c->mw_p, c->welch_p, c->hl_shift, marker(r));
}

static void print_header(FILE *out, enum compare_format f, const struct result_set *a, const struct result_set *b)
{
	if (f == FORMAT_CSV) {
		fprintf(out, "case,metric,base_median,new_median,change,change_lo,change_hi,mann_whitney_p,welch_p,"
			     "hl_shift,significance\n");
		return;
	}
	fprintf(out, f == FORMAT_MD ? "Base: `%s`, new: `%s`\n\n" : "base: %s\nnew:  %s\n\n", a->dir, b->dir);
	if (f == FORMAT_MD)
		fprintf(out, "| case | metric | base median | new median | change | 95 %% CI | p (Mann-Whitney) | "
			     "p (Welch) | HL shift | sig |\n|---|---|---|---|---|---|---|---|---|---|\n");
	else
		fprintf(out, "%-46s %-24s %14s %14s %9s %20s %8s %8s %12s %s\n", "case", "metric", "base median",
			"new median", "change", "95% CI", "p(MW)", "p(Welch)", "HL shift", "sig");
}

/* Cases on one side only are listed, never dropped silently. */
static void print_unmatched(FILE *out, const struct result_set *from, const struct result_set *other,
			    const char *side)
{
	for (int i = 0; i < from->ncases; i++)
		if (!results_find(other, from->cases[i].key))
			fprintf(out, "only in %s: %s\n", side, from->cases[i].label);
}

void compare_print(FILE *out, enum compare_format f, const struct result_set *a, const struct result_set *b,
		   const struct compare_row *rows, int n)
{
	print_header(out, f, a, b);
	for (int i = 0; i < n; i++)
		print_row(out, f, &rows[i]);
	if (f != FORMAT_CSV) {
		if (f == FORMAT_MD)
			fputc('\n', out);
		print_unmatched(out, a, b, "base");
		print_unmatched(out, b, a, "new");
	}
}
