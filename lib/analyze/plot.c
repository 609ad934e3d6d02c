/* `tlbbench plot DIR [NEW]`: per-case medians and CIs written as gnuplot data,
 * then the scripts in plots/ draw them (PNG and SVG) into DIR/plots/. */
#define _GNU_SOURCE
#include "plot.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "analyze.h"
#include "gnuplot.h"
#include "plot_analysis.h"
#include "compare.h"
#include "results.h"
#include "stats.h"
#include "util.h"

#define SERIES_FIELDS 7 /* op backing touch populate size_bytes placement remote_mode */

static const char *const series_fields[SERIES_FIELDS] = {
	"op", "backing", "touch", "populate", "size_bytes", "placement", "remote_mode",
};

static const char *field_text(const struct result_case *c, int f, char *buf, size_t len)
{
	const json_t *v = json_object_get(c->params, series_fields[f]);

	if (json_is_integer(v))
		bounded(buf, len, "%" JSON_INTEGER_FORMAT "M", json_integer_value(v) >> 20);
	else
		bounded(buf, len, "%s", json_is_string(v) ? json_string_value(v) : "?");
	return buf;
}

/* The cases of one series differ only in their CPU count. */
static bool same_series(const struct result_case *a, const struct result_case *b)
{
	for (int f = 0; f < SERIES_FIELDS; f++)
		if (!json_equal(json_object_get(a->params, series_fields[f]), json_object_get(b->params, series_fields[f])))
			return false;
	return true;
}

static int cpus_of(const struct result_case *c)
{
	return (int)json_integer_value(json_object_get(c->params, "cpus"));
}

/* Order: series by their fields, then CPU count, so each series is one run of rows. */
static int by_series_then_cpus(const void *pa, const void *pb)
{
	const struct result_case *a = *(const struct result_case *const *)pa, *b = *(const struct result_case *const *)pb;

	for (int f = 0; f < SERIES_FIELDS; f++) {
		const json_t *x = json_object_get(a->params, series_fields[f]), *y = json_object_get(b->params, series_fields[f]);
		int d = json_is_integer(x) ? (json_integer_value(x) > json_integer_value(y)) -
						     (json_integer_value(x) < json_integer_value(y)) :
					     strcmp(json_string_value(x) ?: "", json_string_value(y) ?: "");

		if (d)
			return d;
	}
	return cpus_of(a) - cpus_of(b);
}

/* A label from the fields that vary across the set: "shmem-dirty", "munmap-shmem-dirty-4096M". */
static void series_label(const struct result_set *rs, const struct result_case *c, bool with_op, char *buf,
			 size_t len)
{
	char part[64];

	buf[0] = '\0';
	for (int f = with_op ? 0 : 1; f < SERIES_FIELDS; f++) {
		bool varies = f == 1 || f == 2;

		for (int i = 0; !varies && i < rs->ncases; i++)
			varies = !json_equal(json_object_get(rs->cases[i].params, series_fields[f]),
					     json_object_get(c->params, series_fields[f]));
		if (varies || (with_op && f == 0))
			bounded(buf + strlen(buf), len - strlen(buf), "%s%s", buf[0] ? "-" : "",
				 field_text(c, f, part, sizeof(part)));
	}
}

#define MAX_OPS 8

/* Gnuplot's word lists, built series by series. */
struct series_lists {
	int nops;
	char ops[MAX_OPS][32];
	char blocks[MAX_OPS][512], titles[MAX_OPS][1024]; /* per op panel */
	char all_blocks[1024], all_titles[2048];          /* every series */
};

static void append_word(char *list, size_t len, const char *word)
{
	size_t used = strlen(list);

	bounded(list + used, len - used, "%s%s", used ? " " : "", word);
}

static int op_slot(struct series_lists *l, const char *op)
{
	for (int i = 0; i < l->nops; i++)
		if (strcmp(l->ops[i], op) == 0)
			return i;
	if (l->nops == MAX_OPS)
		return MAX_OPS - 1;
	bounded(l->ops[l->nops], sizeof(l->ops[0]), "%s", op);
	return l->nops++;
}

static void add_series(struct series_lists *l, const struct result_set *rs, const struct result_case *c, int block)
{
	int slot = op_slot(l, json_string_value(json_object_get(c->params, "op")));
	char label[160], number[16];

	bounded(number, sizeof(number), "%d", block);
	series_label(rs, c, false, label, sizeof(label));
	append_word(l->blocks[slot], sizeof(l->blocks[0]), number);
	append_word(l->titles[slot], sizeof(l->titles[0]), label);
	series_label(rs, c, true, label, sizeof(label));
	append_word(l->all_blocks, sizeof(l->all_blocks), number);
	append_word(l->all_titles, sizeof(l->all_titles), label);
}

static void series_vars(const struct series_lists *l, struct gnuplot_vars *v)
{
	char ops[512] = "", name[32];

	for (int i = 0; i < l->nops; i++) {
		append_word(ops, sizeof(ops), l->ops[i]);
		bounded(name, sizeof(name), "blocks%d", i + 1);
		var(v, name, l->blocks[i]);
		bounded(name, sizeof(name), "titles%d", i + 1);
		var(v, name, l->titles[i]);
	}
	var(v, "ops", ops);
	var(v, "allblocks", l->all_blocks);
	var(v, "alltitles", l->all_titles);
}

/* cases.dat: one gnuplot block per series, rows by CPU count; the number of
 * cases in it, or -1 with why. */
static int write_cases(const struct result_set *rs, const char *path, struct gnuplot_vars *v, char *why, size_t len)
{
	const struct result_case **sorted = calloc((size_t)rs->ncases, sizeof(*sorted));
	struct series_lists *lists = calloc(1, sizeof(*lists));
	FILE *f = fopen(path, "we");
	int block = -1, n = 0;

	if (!f || !sorted || !lists) {
		bounded(why, len, "cannot write %s: %s", path, strerror(errno));
		free(sorted);
		free(lists);
		if (f)
			fclose(f);
		return -1;
	}
	/* Dose cases have their own plot (dose.png); here they would be series of one dose each. */
	for (int i = 0; i < rs->ncases; i++)
		if (!json_is_integer(json_object_get(rs->cases[i].params, "dirty_tables")))
			sorted[n++] = &rs->cases[i];
	qsort(sorted, (size_t)n, sizeof(*sorted), by_series_then_cpus);
	fprintf(f, "# cpus  ns_per_gib lo hi  flushes_per_gib lo hi  ipis_per_gib lo hi (median, 95 %% CI)\n");
	for (int i = 0; i < n; i++) {
		const struct result_case *c = sorted[i];

		if (i == 0 || !same_series(c, sorted[i - 1])) {
			fprintf(f, "%s# series %s\n", ++block ? "\n\n" : "", c->label);
			add_series(lists, rs, c, block);
		}
		fprintf(f, "%d", cpus_of(c));
		write_stat(f, c, rs, "ns_per_gib");
		write_stat(f, c, rs, "flushes_per_gib");
		write_stat(f, c, rs, "ipis_per_gib");
		fputc('\n', f);
	}
	fclose(f);
	series_vars(lists, v);
	free(sorted);
	free(lists);
	return n;
}

/* "kernel 6.18.44 on AMD EPYC, 2 CPUs (hypervisor), tlbbench 1a2b3c4": what a reader needs to trust a plot. */
static void subtitle(const struct result_set *rs, char *buf, size_t len)
{
	const json_t *info = json_object_get(rs->meta, "info");
	const json_t *cpu = json_object_get(info, "cpu");

	bounded(buf, len, "kernel %s on %s, %" JSON_INTEGER_FORMAT " CPUs%s, tlbbench %s, %s",
		 json_string_value(json_object_get(json_object_get(info, "kernel"), "release")) ?: "?",
		 json_string_value(json_object_get(cpu, "model")) ?: "?",
		 json_integer_value(json_object_get(cpu, "online")),
		 json_is_true(json_object_get(json_object_get(info, "hypervisor"), "present")) ? " (virtual machine)" : "",
		 json_string_value(json_object_get(rs->meta, "git_revision")) ?: "?", rs->dir);
	for (char *p = buf; *p; p++)
		if (*p == '\'' || *p == '"')
			*p = ' '; /* the value goes inside gnuplot quotes */
}

/* time.png and flushes.png of one result directory, and its analysis plots:
 * each drawn whatever the others did. */
int plot_run(const struct result_set *rs, char *why, size_t len)
{
	struct gnuplot_vars *v = calloc(1, sizeof(*v));
	char dir[PATH_MAX], path[PATH_MAX + 32], text[1400], one[1024];
	bool failed = false;
	int series;

	bounded(dir, sizeof(dir), "%s/plots", rs->dir);
	bounded(path, sizeof(path), "%s/cases.dat", dir);
	series = v && make_dir(dir, why, len) == 0 ? write_cases(rs, path, v, why, len) : -1;
	if (series < 0) {
		free(v);
		return -1;
	}
	subtitle(rs, text, sizeof(text));
	if (!series) {
		printf("(no time.png or flushes.png: every case is a dose of a dose-response; see dose.png)\n");
	} else {
		var(v, "datafile", path);
		var(v, "subtitle", text);
		drawn(gnuplot_draw(v, "time.gp", dir, "time", one, sizeof(one)), one, &failed, why, len);
		v->count--; /* outbase again, for the next plot */
		drawn(gnuplot_draw(v, "flushes.gp", dir, "flushes", one, sizeof(one)), one, &failed, why, len);
	}
	free(v);
	drawn(plot_analysis(rs, text, dir, one, sizeof(one)), one, &failed, why, len);
	return failed ? -1 : 0;
}

/* The end of a plot of NEW against BASE: the subtitle naming both, the case
 * count, and the drawing into NEW/plots (or why not, when no case matched). */
static int draw_against_base(struct gnuplot_vars *v, const struct result_set *base, const struct result_set *new,
			     int ncases, const char *script, const char *name, char *why, size_t len)
{
	char text[1400], dir[PATH_MAX];

	bounded(text, sizeof(text), "base %s, new %s", base->dir, new->dir);
	var(v, "subtitle", text);
	if (v->count < MAX_VARS)
		bounded(v->text[v->count++], sizeof(v->text[0]), "ncases=%d", ncases);
	bounded(dir, sizeof(dir), "%s/plots", new->dir);
	if (!ncases) {
		bounded(why, len, "no case of %s matches one of %s", new->dir, base->dir);
		return -1;
	}
	return gnuplot_draw(v, script, dir, name, why, len);
}

/* compare.png in NEW/plots: each case's change of time per GiB against BASE. */
int plot_compare(const struct result_set *base, const struct result_set *new, char *why, size_t len)
{
	struct gnuplot_vars *v = calloc(1, sizeof(*v));
	struct compare_row *rows = NULL;
	char path[PATH_MAX];
	struct metric_choice choice = { .only_named = true, .count = 1, .names = { "ns_per_gib" } };
	int n = compare_rows(base, new, 1, &choice, &rows), k = 0, ret = -1;
	FILE *f;

	bounded(path, sizeof(path), "%s/plots/compare.dat", new->dir);
	f = n >= 0 && v ? fopen(path, "we") : NULL;
	if (!f) {
		bounded(why, len, "cannot write %s: %s", path, strerror(errno));
		goto out;
	}
	fprintf(f, "# index change%% lo%% hi%% verdict(0 none, 1 faster, 2 slower; Mann-Whitney p < 0.01) label\n");
	for (int i = 0; i < n; i++) {
		const struct compare_row *r = &rows[i];
		int verdict = r->c.mw_p < 0.01 ? (r->c.change < 0 ? 1 : 2) : 0;

		if (strcmp(r->metric, "ns_per_gib") != 0 || !r->tested)
			continue;
		fprintf(f, "%d %.4f %.4f %.4f %d \"%s\"\n", k++, r->c.change * 100, r->c.change_lo * 100,
			r->c.change_hi * 100, verdict, r->base->label);
	}
	fclose(f);
	var(v, "datafile", path);
	ret = draw_against_base(v, base, new, k, "compare.gp", "compare", why, len);
out:
	free(rows);
	free(v);
	return ret;
}

/* A run's short name for a key: its directory, or the one above when that is "results" (a guest's). */
static void run_name(const char *dir, char *buf, size_t len)
{
	char copy[PATH_MAX], *name;

	bounded(copy, sizeof(copy), "%s", dir);
	while (strlen(copy) > 1 && copy[strlen(copy) - 1] == '/')
		copy[strlen(copy) - 1] = '\0';
	name = strrchr(copy, '/');
	if (name && strcmp(name, "/results") == 0 && name != copy) {
		*name = '\0';
		name = strrchr(copy, '/');
	}
	bounded(buf, len, "%s", name ? name + 1 : copy);
}

/* ab-counts.png in NEW/plots: every case both runs have, its flushes and IPIs per GiB, base beside new. */
int plot_ab_counts(const struct result_set *base, const struct result_set *new, char *why, size_t len)
{
	struct gnuplot_vars *v = calloc(1, sizeof(*v));
	char path[PATH_MAX], name[PATH_MAX];
	int k = 0, ret;
	FILE *f;

	bounded(path, sizeof(path), "%s/plots/ab-counts.dat", new->dir);
	f = v ? fopen(path, "we") : NULL;
	if (!f) {
		bounded(why, len, "cannot write %s: %s", path, strerror(errno));
		free(v);
		return -1;
	}
	fprintf(f, "# index, then median lo hi of: base flushes/GiB, new flushes/GiB, base IPIs/GiB, new IPIs/GiB; label\n");
	for (int i = 0; i < new->ncases; i++) {
		const struct result_case *c = &new->cases[i], *b = results_find(base, c->key);

		if (!b)
			continue;
		fprintf(f, "%d", k++);
		write_stat(f, b, base, "flushes_per_gib");
		write_stat(f, c, new, "flushes_per_gib");
		write_stat(f, b, base, "ipis_per_gib");
		write_stat(f, c, new, "ipis_per_gib");
		fprintf(f, " \"%s\"\n", c->label);
	}
	fclose(f);
	var(v, "datafile", path);
	run_name(base->dir, name, sizeof(name));
	var(v, "basename", name);
	run_name(new->dir, name, sizeof(name));
	var(v, "newname", name);
	ret = draw_against_base(v, base, new, k, "ab_counts.gp", "ab-counts", why, len);
	free(v);
	return ret;
}

int plot_all(const struct result_set *base, const struct result_set *new, char *why, size_t len)
{
	char one[1024];
	bool failed = false;

	drawn(plot_run(base, one, sizeof(one)), one, &failed, why, len);
	if (new) {
		drawn(plot_run(new, one, sizeof(one)), one, &failed, why, len);
		drawn(plot_compare(base, new, one, sizeof(one)), one, &failed, why, len);
		drawn(plot_ab_counts(base, new, one, sizeof(one)), one, &failed, why, len);
	}
	return failed ? -1 : 0;
}
