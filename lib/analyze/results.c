#define _GNU_SOURCE
#include "results.h"

#include <errno.h>
#include <stdbool.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "stats.h"

/* Runs from before meta.json listed its workloads had these. */
static const struct result_workload legacy_workloads[] = {
	{ "munmap", true, false, "" },
	{ "madv_dontneed", true, false, "" },
	{ "exit", false, false, "exit_no_mapping_ns" },
	{ "flush_cost", false, true, "absent_page_ns" },
};
#define VMSTAT_PREFIX "vmstat_delta."

/* Runs before the populate axis always used MADV_POPULATE first. */
static const char *populate_of(const json_t *s)
{
	const char *p = json_string_value(json_object_get(s, "populate"));

	return p ? p : "madvise";
}

static const char *placement_of(const json_t *s)
{
	const char *p = json_string_value(json_object_get(s, "placement"));

	return p ? p : "compact";
}

void results_case_key(const json_t *s, char *key, size_t klen, char *label, size_t llen)
{
	const char *op = json_string_value(json_object_get(s, "op"));
	const char *backing = json_string_value(json_object_get(s, "backing"));
	const char *touch = json_string_value(json_object_get(s, "touch"));
	const char *remote = json_string_value(json_object_get(s, "remote_mode"));
	const json_t *dose = json_object_get(s, "dirty_tables");
	json_int_t size = json_integer_value(json_object_get(s, "size_bytes"));
	json_int_t cpus = json_integer_value(json_object_get(s, "cpus"));
	char dirtied[32] = "-", short_dose[40] = "";

	if (json_is_integer(dose)) {
		snprintf(dirtied, sizeof(dirtied), "%" JSON_INTEGER_FORMAT, json_integer_value(dose));
		snprintf(short_dose, sizeof(short_dose), " d%" JSON_INTEGER_FORMAT, json_integer_value(dose));
	}
	snprintf(key, klen, "op=%s backing=%s touch=%s populate=%s dirty_tables=%s size=%" JSON_INTEGER_FORMAT
		 " cpus=%" JSON_INTEGER_FORMAT " placement=%s remote=%s", op, backing, touch, populate_of(s), dirtied,
		 size, cpus, placement_of(s), remote);
	snprintf(label, llen, "%s %s %s%s %" JSON_INTEGER_FORMAT "M %" JSON_INTEGER_FORMAT "cpu %s %s %s", op,
		 backing, touch, short_dose, size >> 20, cpus, placement_of(s), remote, populate_of(s));
}

static int metric_add(struct result_set *rs, const char *name)
{
	int i = results_metric_index(rs, name);

	if (i >= 0 || rs->nmetrics == RESULTS_MAX_METRICS)
		return i;
	snprintf(rs->metrics[rs->nmetrics], sizeof(rs->metrics[0]), "%s", name);
	return rs->nmetrics++;
}

static struct result_case *case_for(struct result_set *rs, const json_t *s)
{
	char key[256], label[160];
	struct result_case *c;

	results_case_key(s, key, sizeof(key), label, sizeof(label));
	for (int i = 0; i < rs->ncases; i++)
		if (strcmp(rs->cases[i].key, key) == 0)
			return &rs->cases[i];
	c = realloc(rs->cases, sizeof(*c) * (size_t)(rs->ncases + 1));
	if (!c)
		return NULL;
	rs->cases = c;
	c = &rs->cases[rs->ncases++];
	memset(c, 0, sizeof(*c));
	snprintf(c->key, sizeof(c->key), "%s", key);
	snprintf(c->label, sizeof(c->label), "%s", label);
	c->params = json_pack("{s:O, s:O, s:O, s:s, s:O, s:O, s:O, s:O, s:s}", "op", json_object_get(s, "op"), "backing",
			      json_object_get(s, "backing"), "touch", json_object_get(s, "touch"), "populate",
			      populate_of(s), "dirty_tables",
			      json_object_get(s, "dirty_tables") ? json_object_get(s, "dirty_tables") : json_null(),
			      "size_bytes", json_object_get(s, "size_bytes"), "cpus", json_object_get(s, "cpus"),
			      "remote_mode", json_object_get(s, "remote_mode"), "placement", placement_of(s));
	return c;
}

static double number_or_nan(const json_t *v)
{
	return json_is_number(v) ? json_number_value(v) : NAN;
}

/* A metric's value in one sample: "events.X" and "vmstat_delta.X" from their
 * objects (a counter the op did not change is 0), the rest at the top level. */
static double metric_value(const json_t *s, const char *name)
{
	const json_t *vm = json_object_get(s, "vmstat_delta");

	if (strncmp(name, "events.", 7) == 0)
		return number_or_nan(json_object_get(json_object_get(s, "events"), name + 7));
	if (strncmp(name, VMSTAT_PREFIX, strlen(VMSTAT_PREFIX)) != 0)
		return number_or_nan(json_object_get(s, name));
	if (!json_is_object(vm))
		return NAN;
	return json_object_get(vm, name + strlen(VMSTAT_PREFIX)) ?
		       number_or_nan(json_object_get(vm, name + strlen(VMSTAT_PREFIX))) : 0;
}

/* Metrics named by this sample's events and changed vmstat counters. */
static void add_metrics_of(struct result_set *rs, const json_t *s)
{
	const char *key;
	json_t *v;
	char name[64];

	json_object_foreach(json_object_get(s, "events"), key, v) {
		snprintf(name, sizeof(name), "events.%s", key);
		metric_add(rs, name);
	}
	json_object_foreach(json_object_get(s, "vmstat_delta"), key, v) {
		snprintf(name, sizeof(name), VMSTAT_PREFIX "%s", key);
		metric_add(rs, name);
	}
}

/* Append one sample's value of every metric to its case. */
static int add_sample(struct result_set *rs, const json_t *s)
{
	struct result_case *c = case_for(rs, s);
	unsigned char *read;

	if (!c)
		return -1;
	add_metrics_of(rs, s);
	read = realloc(c->vmstat_read, c->n + 1);
	if (!read)
		return -1;
	c->vmstat_read = read;
	read[c->n] = json_is_object(json_object_get(s, "vmstat_delta"));
	for (int m = 0; m < rs->nmetrics; m++) {
		bool first = !c->values[m], vmstat = strncmp(rs->metrics[m], VMSTAT_PREFIX, strlen(VMSTAT_PREFIX)) == 0;
		double *grown = realloc(c->values[m], sizeof(double) * (c->n + 1));

		if (!grown)
			return -1;
		c->values[m] = grown;
		/* A metric first seen now has no values in earlier samples of this
		 * case: unread, or for a vmstat counter read then, unchanged. */
		for (size_t i = 0; first && i < c->n; i++)
			grown[i] = vmstat && read[i] ? 0 : NAN;
		grown[c->n] = metric_value(s, rs->metrics[m]);
	}
	c->n++;
	return 0;
}

/* A vmstat counter that changed only in other cases' samples was 0 in this
 * case's (where vmstat was read). */
static int fill_unchanged_vmstat(struct result_set *rs)
{
	for (int i = 0; i < rs->ncases; i++) {
		struct result_case *c = &rs->cases[i];

		for (int m = 0; m < rs->nmetrics; m++) {
			if (c->values[m] || strncmp(rs->metrics[m], VMSTAT_PREFIX, strlen(VMSTAT_PREFIX)) != 0)
				continue;
			c->values[m] = malloc(sizeof(double) * (c->n ? c->n : 1));
			if (!c->values[m])
				return -1;
			for (size_t k = 0; k < c->n; k++)
				c->values[m][k] = c->vmstat_read[k] ? 0 : NAN;
		}
	}
	return 0;
}

/* meta.json must be tlbbench's, in a format this tlbbench reads. */
static int meta_load(struct result_set *rs, const char *dir, char *why, size_t len)
{
	char path[1024];
	json_error_t err;
	const json_t *format;

	snprintf(path, sizeof(path), "%s/meta.json", dir);
	rs->meta = json_load_file(path, 0, &err);
	if (!rs->meta && err.line < 1) {
		snprintf(why, len, "%s: %s (not a tlbbench result directory?)", dir, err.text);
		return -1;
	}
	if (!rs->meta) {
		snprintf(why, len, "%s:%d: not JSON: %s", path, err.line, err.text);
		return -1;
	}
	if (!json_is_object(rs->meta) || !json_string_value(json_object_get(rs->meta, "tlbbench_version"))) {
		snprintf(why, len, "%s: no tlbbench_version: not a tlbbench meta.json", path);
		return -1;
	}
	format = json_object_get(rs->meta, "results_format");
	if (format && !json_is_integer(format)) {
		snprintf(why, len, "%s: results_format is not a number", path);
		return -1;
	}
	if (format && json_integer_value(format) > RESULTS_FORMAT) {
		snprintf(why, len, "%s: results format %" JSON_INTEGER_FORMAT ", written by tlbbench %s; this tlbbench reads "
			 "formats up to %d", path, json_integer_value(format),
			 json_string_value(json_object_get(rs->meta, "tlbbench_version")), RESULTS_FORMAT);
		return -1;
	}
	return 0;
}

/* The parameters every sample of every case carries. */
static const char *missing_param(const json_t *s)
{
	static const char *const strings[] = { "op", "backing", "touch", "remote_mode" };
	static const char *const numbers[] = { "size_bytes", "cpus" };

	for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++)
		if (!json_is_string(json_object_get(s, strings[i])))
			return strings[i];
	for (size_t i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++)
		if (!json_is_integer(json_object_get(s, numbers[i])))
			return numbers[i];
	return NULL;
}

/* One line of samples.jsonl (size bytes: it may hold a NUL, as a crash can
 * leave): 0, 1 for a cut-off last line (skipped), -1 with why. */
static int read_sample(struct result_set *rs, const char *line, size_t size, bool last, const char *path, int lineno,
		       char *why, size_t len)
{
	json_error_t err;
	json_t *s = json_loads(line, 0, &err);
	const char *missing = json_is_object(s) ? missing_param(s) : NULL;
	int ret = 0;

	if (!s && last && line[size - 1] != '\n') {
		fprintf(stderr, "tlbbench: warning: %s:%d: the last line is cut off (an interrupted run?); skipped\n", path,
			lineno);
		ret = 1;
	} else if (!json_is_object(s)) {
		snprintf(why, len, "%s:%d: not a JSON object: %s", path, lineno, s ? "another JSON value" : err.text);
		ret = -1;
	} else if (json_is_string(json_object_get(s, "failed"))) {
		ret = 0; /* a failed sample: no measurement to read */
	} else if (missing) {
		snprintf(why, len, "%s:%d: not a tlbbench sample (no '%s')", path, lineno, missing);
		ret = -1;
	} else if (add_sample(rs, s) < 0) {
		snprintf(why, len, "out of memory reading %s", path);
		ret = -1;
	}
	json_decref(s);
	return ret;
}

/* The workloads of meta.json, or of tlbbench before it listed them. */
static void load_workloads(struct result_set *rs)
{
	const json_t *list = json_object_get(rs->meta, "workloads");
	size_t i;
	json_t *w;

	if (!json_is_array(list)) {
		rs->nworkloads = (int)(sizeof(legacy_workloads) / sizeof(legacy_workloads[0]));
		memcpy(rs->workloads, legacy_workloads, sizeof(legacy_workloads));
		return;
	}
	json_array_foreach(list, i, w) {
		struct result_workload *rw = &rs->workloads[rs->nworkloads];
		const char *name = json_string_value(json_object_get(w, "name"));
		const char *zap = json_string_value(json_object_get(w, "model_zap"));
		const char *ref = json_string_value(json_object_get(w, "reference"));

		if (!name || rs->nworkloads == RESULTS_MAX_WORKLOADS)
			continue;
		snprintf(rw->name, sizeof(rw->name), "%s", name);
		rw->modelled = zap && strcmp(zap, "none") != 0;
		rw->calibration = json_is_true(json_object_get(w, "own_page_state")) && ref;
		snprintf(rw->reference, sizeof(rw->reference), "%s", ref ? ref : "");
		rs->nworkloads++;
	}
}

const struct result_workload *results_workload(const struct result_set *rs, const struct result_case *c)
{
	const char *op = json_string_value(json_object_get(c->params, "op"));

	for (int i = 0; op && i < rs->nworkloads; i++)
		if (strcmp(rs->workloads[i].name, op) == 0)
			return &rs->workloads[i];
	return NULL;
}

/* The metrics every sample has (lib/common/metrics.c, in their compare order),
 * then the workloads' references; the events and vmstat counters follow as
 * the samples name them. */
static void add_base_metrics(struct result_set *rs)
{
	for (int order = 1; order <= METRICS; order++)
		for (int m = 0; m < METRICS; m++)
			if (sample_metrics[m].compare_order == order)
				metric_add(rs, sample_metrics[m].name);
	for (int w = 0; w < rs->nworkloads; w++)
		if (rs->workloads[w].reference[0])
			metric_add(rs, rs->workloads[w].reference);
}

int results_load(const char *dir, struct result_set *rs, char *why, size_t len)
{
	char path[1024], *line = NULL;
	size_t cap = 0;
	int lineno = 0, ret = 0;
	FILE *f;

	memset(rs, 0, sizeof(*rs));
	snprintf(rs->dir, sizeof(rs->dir), "%s", dir);
	if (meta_load(rs, dir, why, len) < 0) {
		results_free(rs);
		return -1;
	}
	load_workloads(rs);
	add_base_metrics(rs);
	snprintf(path, sizeof(path), "%s/samples.jsonl", dir);
	f = fopen(path, "re");
	if (!f) {
		snprintf(why, len, "cannot read %s: %s", path, strerror(errno));
		results_free(rs);
		return -1;
	}
	for (ssize_t size; ret >= 0 && (size = getline(&line, &cap, f)) > 0;) {
		int c = getc(f);

		if (c != EOF)
			ungetc(c, f);
		ret = read_sample(rs, line, (size_t)size, c == EOF, path, ++lineno, why, len);
	}
	free(line);
	fclose(f);
	if (ret >= 0 && fill_unchanged_vmstat(rs) < 0) {
		snprintf(why, len, "out of memory reading %s", path);
		ret = -1;
	}
	if (ret >= 0 && rs->ncases == 0) {
		snprintf(why, len, "%s holds no samples", path);
		ret = -1;
	}
	if (ret < 0)
		results_free(rs);
	return ret < 0 ? -1 : 0;
}

void results_free(struct result_set *rs)
{
	for (int i = 0; i < rs->ncases; i++) {
		for (int m = 0; m < RESULTS_MAX_METRICS; m++)
			free(rs->cases[i].values[m]);
		free(rs->cases[i].vmstat_read);
		json_decref(rs->cases[i].params);
	}
	free(rs->cases);
	json_decref(rs->meta);
	memset(rs, 0, sizeof(*rs));
}

const struct result_case *results_find(const struct result_set *rs, const char *key)
{
	for (int i = 0; i < rs->ncases; i++)
		if (strcmp(rs->cases[i].key, key) == 0)
			return &rs->cases[i];
	return NULL;
}

int results_metric_index(const struct result_set *rs, const char *metric)
{
	for (int i = 0; i < rs->nmetrics; i++)
		if (strcmp(rs->metrics[i], metric) == 0)
			return i;
	return -1;
}

double *results_values(const struct result_case *c, int metric, size_t *n)
{
	double *out = malloc(sizeof(double) * (c->n ? c->n : 1));

	*n = 0;
	for (size_t i = 0; out && metric >= 0 && c->values[metric] && i < c->n; i++)
		if (!isnan(c->values[metric][i]))
			out[(*n)++] = c->values[metric][i];
	return out;
}

double results_median(const struct result_set *rs, const struct result_case *c, const char *metric)
{
	size_t n;
	double *v = results_values(c, results_metric_index(rs, metric), &n), m = n ? stats_median(v, n) : NAN;

	free(v);
	return m;
}
