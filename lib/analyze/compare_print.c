/* compare's rows printed as a table, Markdown or CSV, for `tlbbench compare`
 * and `tlbbench report`. */
#define _GNU_SOURCE
#include "compare_print.h"

#include <math.h>
#include <string.h>

static const char *marker(const struct compare_row *r)
{
	if (!r->tested)
		return "";
	return r->c.mw_p < 0.001 ? "***" : r->c.mw_p < 0.01 ? "**" : r->c.mw_p < 0.05 ? "*" : "";
}

/* A median or shift for a reader: 2106470, not 2.10647e+06; small values keep 6 digits. */
static const char *readable(char *buf, size_t len, double v)
{
	snprintf(buf, len, fabs(v) >= 1e5 && fabs(v) < 1e15 ? "%.0f" : "%.6g", v);
	return buf;
}

static void print_row(FILE *out, enum compare_format f, const struct compare_row *r)
{
	const struct comparison *c = &r->c;
	char a[32], b[32], shift[32];

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
	if (f == FORMAT_CSV) {
		fprintf(out, "\"%s\",%s,%.9g,%.9g,%.6f,%.6f,%.6f,%.6g,%.6g,%.9g,%s\n", r->base->label, r->metric,
			c->median_a, c->median_b, c->change, c->change_lo, c->change_hi, c->mw_p, c->welch_p, c->hl_shift,
			marker(r));
		return;
	}
	readable(a, sizeof(a), c->median_a);
	readable(b, sizeof(b), c->median_b);
	readable(shift, sizeof(shift), c->hl_shift);
	if (isnan(c->change)) {
		fprintf(out, f == FORMAT_MD ? "| %s | %s | %s | %s | n/a (base 0) | | %.2g | %.2g | %s | |\n" :
					      "%-46s %-24s %14s %14s   n/a (base median is 0)        %8.2g %8.2g %12s\n",
			r->base->label, r->metric, a, b, c->mw_p, c->welch_p, shift);
		return;
	}
	fprintf(out, f == FORMAT_MD ? "| %s | %s | %s | %s | %+.2f%% | [%+.2f%%, %+.2f%%] | %.2g | %.2g | %s | %s |\n" :
				      "%-46s %-24s %14s %14s %+8.2f%% [%+7.2f%%, %+7.2f%%] %8.2g %8.2g %12s %-3s\n",
		r->base->label, r->metric, a, b, c->change * 100, c->change_lo * 100, c->change_hi * 100, c->mw_p,
		c->welch_p, shift, marker(r));
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

static bool unread_in(const struct compare_row *r)
{
	return !r->na && !r->nb;
}

/* A perf event can be unsupported; other metrics null on both sides are not
 * the case's (absent_page_ns outside flush_cost) and get no row. */
static bool is_counter(const char *metric)
{
	return strncmp(metric, "events.", 7) == 0;
}

/* A perf event no case of either run could read: said once, as perf says it,
 * not a row per case. */
static void print_unread(FILE *out, const struct compare_row *rows, int n)
{
	bool any = false;

	for (int i = 0; i < n; i++) {
		bool first = true, everywhere = true;

		for (int j = 0; j < n && everywhere; j++)
			if (strcmp(rows[j].metric, rows[i].metric) == 0) {
				first = first && j >= i;
				everywhere = unread_in(&rows[j]);
			}
		if (!first || !everywhere || !is_counter(rows[i].metric))
			continue;
		fprintf(out, "%s%s", any ? ", " : "<not supported> in both runs, every case: ", rows[i].metric);
		any = true;
	}
	if (any)
		fputc('\n', out);
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
		if (!unread_in(&rows[i]) || (f == FORMAT_CSV && is_counter(rows[i].metric)))
			print_row(out, f, &rows[i]);
	if (f != FORMAT_CSV) {
		if (f == FORMAT_MD)
			fputc('\n', out);
		print_unread(out, rows, n);
		print_unmatched(out, a, b, "base");
		print_unmatched(out, b, a, "new");
	}
}
