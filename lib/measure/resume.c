#define _GNU_SOURCE
#include "resume.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "report.h"
#include "results.h"
#include "revision.h"
#include "util.h"

#include "version.h"

/* Both strings, or both absent, and equal. */
static bool same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* The config the run read must read the same now. */
static int config_unchanged(const json_t *config, char *why, size_t len)
{
	const char *path = json_string_value(json_object_get(config, "path"));
	const char *text = json_string_value(json_object_get(config, "text"));
	char *now;

	if (!config || json_is_null(config))
		return 0; /* the run had no config file */
	if (!path || !text) {
		snprintf(why, len, "meta.json: 'config' has no path or text");
		return -1;
	}
	now = read_text_file(path);
	if (!now) {
		snprintf(why, len, "the run's config %s cannot be read: %s", path, strerror(errno));
		return -1;
	}
	if (strcmp(now, text) != 0) {
		snprintf(why, len, "the run's config %s has changed since the run started: resume would mix two sweeps",
			 path);
		free(now);
		return -1;
	}
	free(now);
	return 0;
}

json_t *resume_meta(const char *dir, char *why, size_t len)
{
	char path[4096];
	json_error_t err;
	json_t *meta, *kernel;
	struct utsname u;
	const char *rev;

	snprintf(path, sizeof(path), "%s/meta.json", dir);
	meta = json_load_file(path, 0, &err);
	if (!meta || !json_is_object(meta) || !json_is_array(json_object_get(meta, "command_line"))) {
		snprintf(why, len, "%s: %s", path, meta ? "no command_line: not a tlbbench run" : err.text);
		json_decref(meta);
		return NULL;
	}
	rev = json_string_value(json_object_get(meta, "git_revision"));
	kernel = json_object_get(json_object_get(meta, "info"), "kernel");
	uname(&u);
	if (!same(rev, TLBBENCH_GIT_REV) || !same(json_string_value(json_object_get(meta, "tlbbench_version")),
						  TLBBENCH_VERSION)) {
		snprintf(why, len, "%s was written by tlbbench %s, this is %s: resume with the same build", dir,
			 rev ? rev : "(unknown revision)", TLBBENCH_GIT_REV);
	} else if (!same(json_string_value(json_object_get(kernel, "release")), u.release) ||
		   !same(json_string_value(json_object_get(kernel, "version")), u.version)) {
		snprintf(why, len, "%s was measured on kernel %s %s, this is %s %s: resume on the same kernel", dir,
			 json_string_value(json_object_get(kernel, "release")),
			 json_string_value(json_object_get(kernel, "version")), u.release, u.version);
	} else if (config_unchanged(json_object_get(meta, "config"), why, len) == 0) {
		return meta;
	}
	json_decref(meta);
	return NULL;
}

char **resume_argv(const json_t *meta, int *argc, char *why, size_t len)
{
	const json_t *cmd = json_object_get(meta, "command_line");
	size_t n = json_array_size(cmd);
	char **argv;

	if (n < 2 || !same(json_string_value(json_array_get(cmd, 1)), "run")) {
		snprintf(why, len, "meta.json: command_line is not a 'tlbbench run'");
		return NULL;
	}
	argv = calloc(n, sizeof(*argv));
	*argc = (int)n - 1;
	for (size_t i = 1; argv && i < n; i++) {
		const char *arg = json_string_value(json_array_get(cmd, i));

		argv[i - 1] = strdup(arg ? arg : "");
		if (!argv[i - 1]) {
			resume_argv_free(argv, *argc);
			argv = NULL;
		}
	}
	if (!argv)
		snprintf(why, len, "out of memory");
	return argv;
}

void resume_argv_free(char **argv, int argc)
{
	for (int i = 0; argv && i < argc; i++)
		free(argv[i]);
	free(argv);
}

/* A case's identity in both files: its parameters and its sweep. */
static void key_of(const json_t *params, char *key, size_t len)
{
	char label[160];
	size_t used;

	results_case_key(params, key, len, label, sizeof(label));
	used = strlen(key);
	snprintf(key + used, len - used, " sweep=%s", json_string_value(json_object_get(params, "sweep")));
}

static int case_index(char (*keys)[320], int n, const json_t *line)
{
	char key[320];

	key_of(line, key, sizeof(key));
	for (int i = 0; i < n; i++)
		if (strcmp(keys[i], key) == 0)
			return i;
	return -1;
}

static double number_or_zero(const json_t *v, bool *ok)
{
	*ok = json_is_number(v);
	return *ok ? json_number_value(v) : 0;
}

/* One measured sample into its prior: the values record() would have kept. */
static int add_measured(struct case_prior *pr, const struct case_params *p, const json_t *s)
{
	bool ok[CASE_METRICS];
	int *iteration = realloc(pr->iteration, sizeof(int) * (size_t)(pr->n + 1));

	if (!iteration)
		return -1;
	pr->iteration = iteration;
	iteration[pr->n] = (int)json_integer_value(json_object_get(s, "iteration"));
	for (int m = 0; m < CASE_METRICS; m++) {
		/* samples.jsonl names each metric as the summary does, but the baseline by its workload's label */
		const char *field = m == CM_BASELINE_NS ? p->workload->baseline_label : case_metric_name((enum case_metric)m);
		double *grown = realloc(pr->v[m], sizeof(double) * (size_t)(pr->n + 1));

		if (!grown)
			return -1;
		pr->v[m] = grown;
		grown[pr->n] = number_or_zero(field ? json_object_get(s, field) : NULL, &ok[m]);
	}
	pr->flushes_ok = ok[CM_FLUSHES];
	pr->ipis_ok = json_is_number(json_object_get(s, "ipis"));
	pr->baseline_ok = ok[CM_BASELINE_NS];
	pr->activations_ok = ok[CM_ACTIVATIONS_PER_GIB] && (pr->n == 0 || pr->activations_ok);
	pr->n++;
	return 0;
}

/* Its metrics and the run's perf events as -x prints them (lib/measure/stat_csv.c): NAN where null. */
static int add_printed(struct case_prior *pr, const struct event_set *events, const json_t *s)
{
	const json_t *value = json_object_get(s, "events"), *ratio = json_object_get(s, "events_running_ratio");

	for (int m = 0; m < METRICS + (events ? events->count : 0); m++) {
		char key[PMU_NAME_LEN];
		const json_t *v;
		double *grown = realloc(pr->printed[m], sizeof(double) * (size_t)(pr->n + 1));

		if (!grown)
			return -1;
		pr->printed[m] = grown;
		if (m < METRICS) {
			v = json_object_get(s, sample_metrics[m].name);
		} else {
			pmu_event_key(events->list[m - METRICS], key, sizeof(key));
			v = json_object_get(value, key);
			if (json_is_number(v))
				pr->printed_running[m - METRICS] += json_number_value(json_object_get(ratio, key));
		}
		grown[pr->n] = json_is_number(v) ? json_number_value(v) : NAN;
	}
	return 0;
}

static int read_sample_line(struct case_prior *priors, char (*keys)[320], const struct case_params *cases, int n,
			    const struct event_set *events, const json_t *s)
{
	int i = case_index(keys, n, s);
	json_int_t it = json_integer_value(json_object_get(s, "iteration"));

	if (i < 0)
		return 1;
	if (it + 1 > priors[i].next_iteration && it < 1 << 30)
		priors[i].next_iteration = (int)it + 1;
	if (json_is_string(json_object_get(s, "failed"))) {
		priors[i].failed_samples++;
		return 0;
	}
	/* Before add_measured, which counts the sample in. */
	if (add_printed(&priors[i], events, s) < 0)
		return -1;
	return add_measured(&priors[i], &cases[i], s);
}

/* The harness's own string for a stop reason read back. */
static const char *stop_reason_of(const char *text)
{
	for (int i = 0; text && i < CASE_STOPS; i++)
		if (strcmp(text, case_stop_reasons[i]) == 0)
			return case_stop_reasons[i];
	return NULL;
}

static void read_case_line(struct case_prior *priors, char (*keys)[320], int n, const json_t *c)
{
	const char *status = json_string_value(json_object_get(c, "status"));
	const char *why = json_string_value(json_object_get(c, "why"));
	int i = case_index(keys, n, c);

	if (i < 0 || !status || strcmp(status, "interrupted") == 0)
		return;
	priors[i].finished = true;
	priors[i].skipped = strcmp(status, "skipped") == 0;
	priors[i].failed = strcmp(status, "failed") == 0;
	priors[i].stop_reason = stop_reason_of(json_string_value(json_object_get(c, "stop_reason")));
	snprintf(priors[i].why, sizeof(priors[i].why), "%s", why ? why : "");
}

/* Each line of f as a JSON object to fn; -1 with file:line for one that is not. */
static int each_line(FILE *f, const char *path, int (*fn)(const json_t *, void *), void *arg, char *why, size_t len)
{
	char *line = NULL;
	size_t cap = 0;
	int lineno = 0, ret = 0;

	while (ret >= 0 && getline(&line, &cap, f) > 0) {
		json_t *o = json_loads(line, 0, NULL);

		lineno++;
		if (!json_is_object(o)) {
			snprintf(why, len, "%s:%d: not a JSON object", path, lineno);
			ret = -1;
		} else if (fn(o, arg) < 0) {
			snprintf(why, len, "out of memory reading %s", path);
			ret = -1;
		}
		json_decref(o);
	}
	free(line);
	return ret;
}

struct reader {
	struct case_prior *priors;
	char (*keys)[320];
	const struct case_params *cases;
	const struct event_set *events;
	int n;
};

static int on_sample(const json_t *s, void *arg)
{
	struct reader *r = arg;

	return read_sample_line(r->priors, r->keys, r->cases, r->n, r->events, s) < 0 ? -1 : 0;
}

static int on_case(const json_t *c, void *arg)
{
	struct reader *r = arg;

	read_case_line(r->priors, r->keys, r->n, c);
	return 0;
}

int resume_read(FILE *samples, FILE *cases_file, const char *dir, const struct case_params *cases, int n,
		const struct event_set *events, struct case_prior *priors, char *why, size_t len)
{
	struct reader r = { .priors = priors, .cases = cases, .events = events, .n = n,
			    .keys = calloc((size_t)n + 1, sizeof(*r.keys)) };
	char spath[4096], cpath[4096];
	int ret = 0;

	memset(priors, 0, sizeof(*priors) * (size_t)n);
	if (!r.keys) {
		snprintf(why, len, "out of memory");
		return -1;
	}
	for (int i = 0; i < n; i++) {
		json_t *params = json_object();

		case_params_json(params, &cases[i]);
		key_of(params, r.keys[i], sizeof(r.keys[i]));
		json_decref(params);
	}
	snprintf(spath, sizeof(spath), "%s/samples.jsonl", dir);
	snprintf(cpath, sizeof(cpath), "%s/cases.jsonl", dir);
	if (samples)
		ret = each_line(samples, spath, on_sample, &r, why, len);
	if (ret == 0 && cases_file)
		ret = each_line(cases_file, cpath, on_case, &r, why, len);
	free(r.keys);
	if (ret < 0)
		resume_priors_free(priors, n);
	return ret;
}

/* Cut a last line without its newline (a crash mid-write) off the file. */
static int trim_cut_off_line(const char *path, char *why, size_t len)
{
	char *text = read_text_file(path), *last;
	size_t size;

	if (!text)
		return errno == ENOENT ? 0 : -1;
	size = strlen(text);
	last = size ? memrchr(text, '\n', size) : NULL;
	if (size && text[size - 1] != '\n') {
		size_t keep = last ? (size_t)(last - text) + 1 : 0;

		fprintf(stderr, "tlbbench: %s: the last line is cut off (%zu bytes); removed\n", path, size - keep);
		if (truncate(path, (off_t)keep) < 0) {
			snprintf(why, len, "cannot cut the last line off %s: %s", path, strerror(errno));
			free(text);
			return -1;
		}
	}
	free(text);
	return 0;
}

int resume_priors(const char *dir, const struct case_params *cases, int n, const struct event_set *events,
		  struct case_prior *priors, char *why, size_t len)
{
	char spath[4096], cpath[4096];
	FILE *samples, *cases_file;
	int ret;

	snprintf(spath, sizeof(spath), "%s/samples.jsonl", dir);
	snprintf(cpath, sizeof(cpath), "%s/samples.csv", dir);
	if (trim_cut_off_line(spath, why, len) < 0 || trim_cut_off_line(cpath, why, len) < 0)
		return -1;
	snprintf(cpath, sizeof(cpath), "%s/cases.jsonl", dir);
	samples = fopen(spath, "re");
	if (!samples) {
		snprintf(why, len, "cannot read %s: %s", spath, strerror(errno));
		return -1;
	}
	cases_file = fopen(cpath, "re");
	ret = resume_read(samples, cases_file, dir, cases, n, events, priors, why, len);
	fclose(samples);
	if (cases_file)
		fclose(cases_file);
	return ret;
}

void resume_priors_free(struct case_prior *priors, int n)
{
	for (int i = 0; priors && i < n; i++) {
		for (int m = 0; m < CASE_METRICS; m++) {
			free(priors[i].v[m]);
			priors[i].v[m] = NULL;
		}
		for (int m = 0; m < PRINTED_VALUES; m++) {
			free(priors[i].printed[m]);
			priors[i].printed[m] = NULL;
		}
		free(priors[i].iteration);
		priors[i].iteration = NULL;
	}
}
