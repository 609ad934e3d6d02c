/* `tlbbench report BASE NEW -o report.md`: one Markdown file for a patch
 * posting: both runs, the sign-off verdict with its rules, the compare table,
 * each run's analysis (estimates, labelled), and the plots, drawn as
 * `tlbbench plot BASE NEW` draws them and copied beside the report. */
#define _GNU_SOURCE
#include "commands.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "compare_print.h"
#include "gnuplot.h"
#include "options.h"
#include "plot.h"
#include "report_md.h"
#include "revision.h"
#include "signoff.h"
#include "util.h"

static const struct cmd_option report_options[] = {
	{ "output", 'o', "FILE", "the Markdown file (default report.md); its plots go to FILE's\n"
				 "directory, in STEM-plots/" },
	{ "signoff", 0, "RULES", "the sign-off rules (default signoff.ini of the data directory's configs/)" },
	{ NULL, 0, NULL, NULL },
};

static const struct cmd_spec report_spec = {
	.name = "report", .args = "BASE NEW", .min_args = 2, .max_args = 2, .opts = report_options,
	.about = "One Markdown file for a patch posting: kernels and machines, the sign-off verdict and its\n"
		 "rules, the compare table, the analysis, the plots; exit 1 when a rule fails or a plot is not drawn.",
};

struct report_request {
	const char *output, *rules;
	char plots_dir[PATH_MAX], plots_link[NAME_MAX + 1]; /* where the PNGs go, and that relative to the report */
	time_t start;                                       /* plots drawn before it are another run's */
	int nplots;
};

static void on_report_option(void *ctx, int opt, const char *arg)
{
	struct report_request *req = ctx;

	if (strcmp(report_options[opt].name, "output") == 0)
		req->output = arg;
	else
		req->rules = arg;
}

/* -o names the report's file: not empty, not a directory. */
static void check_output(const char *output)
{
	struct stat st;
	size_t n = strlen(output);

	if (!n)
		die_bad_input("-o: no file name");
	if (output[n - 1] == '/' || (stat(output, &st) == 0 && S_ISDIR(st.st_mode)))
		die_bad_input("-o %s: a directory; give the report's file, as %s%sreport.md", output, output,
			      output[n - 1] == '/' ? "" : "/");
}

/* report.md -> DIR/report-plots, linked as report-plots. */
static void plan_plots(struct report_request *req)
{
	char copy[PATH_MAX], stem[NAME_MAX + 1], *dot;

	snprintf(copy, sizeof(copy), "%s", req->output);
	snprintf(stem, sizeof(stem), "%s", basename(copy));
	dot = strrchr(stem, '.');
	if (dot && dot != stem)
		*dot = '\0';
	snprintf(req->plots_link, sizeof(req->plots_link), "%.*s-plots", NAME_MAX - 7, stem);
	snprintf(copy, sizeof(copy), "%s", req->output);
	snprintf(req->plots_dir, sizeof(req->plots_dir), "%s/%s", dirname(copy), req->plots_link);
}

static int copy_file(const char *from, const char *to, char *why, size_t len)
{
	char buf[65536];
	int in = open(from, O_RDONLY | O_CLOEXEC), out = in < 0 ? -1 : open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ssize_t n = 0;

	while (out >= 0 && (n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n) {
			n = -1;
			break;
		}
	if (in < 0 || out < 0 || n < 0)
		bounded(why, len, "cannot copy %s to %s: %s", from, to, strerror(errno));
	if (in >= 0)
		close(in);
	if (out >= 0 && close(out) < 0 && n >= 0) {
		bounded(why, len, "cannot write %s: %s", to, strerror(errno));
		n = -1;
	}
	return in < 0 || out < 0 || n < 0 ? -1 : 0;
}

static int is_png(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 4 && strcmp(d->d_name + n - 4, ".png") == 0;
}

static bool drawn_against_base(const char *name)
{
	return strcmp(name, "compare.png") == 0 || strcmp(name, "ab-counts.png") == 0;
}

/* The PNGs this report drew in DIR/plots (not older ones), copied as
 * SIDE-NAME and linked: a run's own, or (against_base) NEW's against BASE. */
static int link_plots(FILE *md, struct report_request *req, const char *side, const struct result_set *rs,
		      bool against_base, char *why, size_t len)
{
	char dir[PATH_MAX], from[PATH_MAX * 2], to[PATH_MAX * 2], link[PATH_MAX];
	struct dirent **names;
	struct stat st;
	int n, ret = 0;

	bounded(dir, sizeof(dir), "%s/plots", rs->dir);
	n = scandir(dir, &names, is_png, alphasort);
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;

		bounded(from, sizeof(from), "%s/%s", dir, name);
		if (ret == 0 && drawn_against_base(name) == against_base && stat(from, &st) == 0 &&
		    st.st_mtime >= req->start) {
			bounded(to, sizeof(to), "%s/%s-%s", req->plots_dir, side, name);
			bounded(link, sizeof(link), "%s/%s-%s", req->plots_link, side, name);
			ret = copy_file(from, to, why, len);
			if (!ret) {
				report_md_plot(md, against_base ? "new against base:" : side, name, link);
				req->nplots++;
			}
		}
		free(names[i]);
	}
	if (n >= 0)
		free(names);
	return ret;
}

/* A plot that cannot be drawn is said in the report and on stderr; the others are still drawn. */
static void plot_failed(FILE *md, const char *why, int *failed)
{
	fprintf(md, "Not drawn: %s\n\n", why);
	fprintf(stderr, "tlbbench: %s\n", why);
	*failed = 1;
}

/* STEM-plots/ holds this report's plots only: an older report's would stay there, unlinked. */
static void clear_plots(const char *dir)
{
	char path[PATH_MAX * 2];
	struct dirent **names;
	int n = scandir(dir, &names, is_png, alphasort);

	for (int i = 0; i < n; i++) {
		bounded(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		unlink(path);
		free(names[i]);
	}
	if (n >= 0)
		free(names);
}

/* Draw both runs and new against base, then link what was drawn; -1 when a plot was not drawn. */
static int write_plots(FILE *md, struct report_request *req, const struct result_set *base,
		       const struct result_set *new)
{
	char why[4096] = "";
	int failed = 0;

	fprintf(md, "## Plots\n\nDrawn by `tlbbench plot BASE NEW`; PNG files in `%s/`.\n\n", req->plots_link);
	if (make_dir(req->plots_dir, why, sizeof(why)) < 0) {
		plot_failed(md, why, &failed);
		return -1;
	}
	clear_plots(req->plots_dir);
	if (plot_all(base, new, why, sizeof(why)) < 0)
		plot_failed(md, why, &failed);
	if (link_plots(md, req, "base", base, false, why, sizeof(why)) < 0 ||
	    link_plots(md, req, "new", new, false, why, sizeof(why)) < 0 ||
	    link_plots(md, req, "new", new, true, why, sizeof(why)) < 0)
		plot_failed(md, why, &failed);
	return failed || !req->nplots ? -1 : 0;
}

/* The verdict's lines, and 0 pass, 1 fail. */
static int verdict(FILE *md, const struct rule_set *rules, const struct compare_row *rows, int n)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int status = f ? signoff_verdict(f, rules, rows, n) : -1;

	if (f)
		fclose(f);
	if (status < 0)
		die_system("out of memory checking sign-off rules");
	fprintf(md, "## Sign-off verdict: %s\n\n", status ? "FAIL" : "PASS");
	report_md_rules(md, rules);
	fprintf(md, "```text%s```\n\n", text);
	free(text);
	return status;
}

static void write_report(FILE *md, struct report_request *req, const struct rule_set *rules,
			 const struct result_set *base, const struct result_set *new, int *status, int *plots)
{
	static struct metric_choice choice;
	struct compare_row *rows;
	char stamp[32];
	int n;

	metric_choice_add_rules(&choice, rules);
	n = compare_rows(base, new, 1, &choice, &rows);
	if (n < 0)
		die_system("out of memory comparing results");
	strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M UTC", gmtime(&req->start));
	fprintf(md, "# tlbbench report: %s against %s\n\nWritten by tlbbench %s (%s) on %s.\n\n", new->dir, base->dir,
		TLBBENCH_VERSION, TLBBENCH_GIT_REV, stamp);
	report_md_runs(md, base, new);
	*status = verdict(md, rules, rows, n);
	fprintf(md, "## Compare\n\nEach case's medians, %% change with its bootstrap 95 %% CI, Mann-Whitney and Welch p, "
		    "the Hodges-Lehmann shift; `*` p < 0.05, `**` p < 0.01, `***` p < 0.001.\n\n");
	compare_print(md, FORMAT_MD, base, new, rows, n);
	free(rows);
	fprintf(md, "\n## Analysis (estimates, not measurements)\n\nThe price of one forced flush is measured (flush_cost, "
		    "or in situ from a dose-response); what the forced flushes cost a teardown, and what the deferred "
		    "variant would take, are ESTIMATES made from it and from the dirty-minus-clean difference. A patched "
		    "kernel's own run measures the deferred variant.\n\n");
	report_md_analysis(md, "base", base);
	report_md_analysis(md, "new", new);
	*plots = write_plots(md, req, base, new);
}

int cmd_report(int argc, char **argv)
{
	struct report_request req = { .output = "report.md", .rules = "signoff.ini", .start = time(NULL) };
	static struct rule_set rules;
	struct result_set base, new;
	char why[1024], dir[PATH_MAX];
	int status, plots, first = options_parse(&report_spec, argc, argv, on_report_option, &req);
	FILE *md;

	if (signoff_load(req.rules, &rules, why, sizeof(why)) < 0)
		die_bad_input("%s", why);
	if (results_load(argv[first], &base, why, sizeof(why)) < 0 ||
	    results_load(argv[first + 1], &new, why, sizeof(why)) < 0)
		die_bad_input("%s", why);
	check_output(req.output);
	plan_plots(&req);
	snprintf(dir, sizeof(dir), "%s", req.output);
	if (make_dir(dirname(dir), why, sizeof(why)) < 0)
		die_system("%s", why);
	md = fopen(req.output, "we");
	if (!md)
		die_system("cannot write %s: %s", req.output, strerror(errno));
	write_report(md, &req, &rules, &base, &new, &status, &plots);
	if (fclose(md) != 0)
		die_system("cannot write %s: %s", req.output, strerror(errno));
	printf("report: %s (sign-off %s, %d plots in %s)\n", req.output, status ? "FAIL" : "PASS", req.nplots,
	       req.plots_dir);
	results_free(&base);
	results_free(&new);
	return status || plots < 0 ? 1 : 0;
}
