/* The sections of `tlbbench report`'s Markdown: the runs side by side (kernel,
 * machine, how each was run), the sign-off rules, the analysis of each run
 * labelled as estimates, and the plots' links. */
#define _GNU_SOURCE
#include "report_md.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "analysis_print.h"

/* A meta.json value at a dotted path ("info.cpu.model"), or NULL. */
static const json_t *meta_at(const struct result_set *rs, const char *path)
{
	const json_t *v = rs->meta;
	char copy[128], *save, *key;

	snprintf(copy, sizeof(copy), "%s", path);
	for (key = strtok_r(copy, ".", &save); key && v; key = strtok_r(NULL, ".", &save))
		v = json_object_get(v, key);
	return v;
}

/* A value as a table cell: "-" when the run does not say; '|' would split the cell. */
static void cell(FILE *out, const json_t *v)
{
	char *text = NULL;

	if (!v || json_is_null(v)) {
		fputs(" - |", out);
		return;
	}
	if (json_is_string(v))
		text = strdup(json_string_value(v));
	else if (json_is_true(v) || json_is_false(v))
		text = strdup(json_is_true(v) ? "yes" : "no");
	else
		text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	fputc(' ', out);
	for (const char *c = text ? text : "?"; *c; c++) {
		if (*c == '|')
			fputc('\\', out);
		fputc(*c == '\n' ? ' ' : *c, out);
	}
	fputs(" |", out);
	free(text);
}

static void row(FILE *out, const char *what, const struct result_set *a, const struct result_set *b, const char *path)
{
	fprintf(out, "| %s |", what);
	cell(out, meta_at(a, path));
	cell(out, meta_at(b, path));
	fputc('\n', out);
}

/* "2 of 2 (AMD EPYC, AuthenticAMD)", "24.0 GiB", a command line: cells made of several values. */
static void made_row(FILE *out, const char *what, json_t *va, json_t *vb)
{
	fprintf(out, "| %s |", what);
	cell(out, va);
	cell(out, vb);
	fputc('\n', out);
	json_decref(va);
	json_decref(vb);
}

static json_t *cpu_text(const struct result_set *rs)
{
	return json_sprintf("%s (%s), %" JSON_INTEGER_FORMAT " CPUs online",
			    json_string_value(meta_at(rs, "info.cpu.model")) ?: "?",
			    json_string_value(meta_at(rs, "info.cpu.vendor")) ?: "?",
			    json_integer_value(meta_at(rs, "info.cpu.online")));
}

static json_t *memory_text(const struct result_set *rs)
{
	const json_t *total = meta_at(rs, "info.memory.total_bytes");

	return total ? json_sprintf("%.1f GiB", (double)json_integer_value(total) / (1 << 30)) : NULL;
}

static json_t *hypervisor_text(const struct result_set *rs)
{
	const json_t *present = meta_at(rs, "info.hypervisor.present");
	const char *sig = json_string_value(meta_at(rs, "info.hypervisor.cpuid_signature"));

	if (!present)
		return NULL;
	if (!json_is_true(present))
		return json_string("none");
	return json_sprintf("%s%s", sig ? sig : "present",
			    json_is_true(meta_at(rs, "info.hypervisor.kvm_pv_tlb_flush")) ? ", kvm_pv_tlb_flush" : "");
}

static json_t *command_text(const struct result_set *rs)
{
	const json_t *argv = meta_at(rs, "command_line");
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	size_t i;
	const json_t *arg;
	json_t *out;

	if (!f || !json_is_array(argv)) {
		if (f)
			fclose(f);
		free(text);
		return NULL;
	}
	fputc('`', f);
	json_array_foreach(argv, i, arg)
		fprintf(f, "%s%s", i ? " " : "", json_string_value(arg) ?: "?");
	fputc('`', f);
	fclose(f);
	out = json_string(text);
	free(text);
	return out;
}

/* A kernel counter source the run could not read, with the reason it recorded (older runs: none). */
static void source_unsupported(FILE *f, const struct result_set *rs, const char *key, const char *what)
{
	char path[96];
	const char *why;

	snprintf(path, sizeof(path), "counters.%s", key);
	if (!json_is_false(meta_at(rs, path)))
		return;
	snprintf(path, sizeof(path), "counters.%s_why_not", key);
	why = json_string_value(meta_at(rs, path));
	fprintf(f, "%s%s <not supported>%s%s%s", ftell(f) ? "; " : "", what, why ? " (" : "", why ?: "", why ? ")" : "");
}

/* The counters a run could not read, as perf says them: "cycles, instructions
 * <not supported> (ENOENT: ...)", names of one reason together; "none". */
static json_t *unsupported_text(const struct result_set *rs)
{
	const json_t *events = meta_at(rs, "counters.events"), *v;
	const char *name, *reason, *last = NULL;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	json_t *out;

	if (!f)
		return NULL;
	json_object_foreach((json_t *)events, name, v) {
		reason = json_string_value(v);
		if (!reason || strncmp(reason, "<not supported>", 15) != 0)
			continue;
		if (last && strcmp(last, reason) != 0)
			fprintf(f, " %s; ", last);
		fprintf(f, "%s%s", last && strcmp(last, reason) == 0 ? ", " : "", name);
		last = reason;
	}
	if (last)
		fprintf(f, " %s", last);
	if (json_is_false(meta_at(rs, "counters.tlb_flush_tracepoint.supported")))
		fprintf(f, "%stlb:tlb_flush <not supported> (%s)", ftell(f) ? "; " : "",
			json_string_value(meta_at(rs, "counters.tlb_flush_tracepoint.why_not")) ?: "?");
	source_unsupported(f, rs, "interrupts_tlb", "/proc/interrupts TLB");
	source_unsupported(f, rs, "vmstat_nr_tlb", "/proc/vmstat nr_tlb_*");
	fclose(f);
	/* A run older than the counters record does not say. */
	out = !meta_at(rs, "counters") ? NULL : json_string(*text ? text : "none");
	free(text);
	return out;
}

void report_md_runs(FILE *out, const struct result_set *a, const struct result_set *b)
{
	fprintf(out, "## Kernels and machines\n\n| | base | new |\n|---|---|---|\n");
	made_row(out, "result directory", json_sprintf("`%s`", a->dir), json_sprintf("`%s`", b->dir));
	row(out, "kernel", a, b, "info.kernel.release");
	row(out, "kernel build", a, b, "info.kernel.version");
	row(out, "dirty shmem flush deferred (probed)", a, b, "kernel_model.shmem_dirty_deferred");
	row(out, "host", a, b, "info.hostname");
	made_row(out, "CPU", cpu_text(a), cpu_text(b));
	made_row(out, "hypervisor", hypervisor_text(a), hypervisor_text(b));
	made_row(out, "memory", memory_text(a), memory_text(b));
	row(out, "THP enabled", a, b, "info.thp.enabled");
	row(out, "THP shmem_enabled", a, b, "info.thp.shmem_enabled");
	row(out, "clocksource", a, b, "info.clocksource");
	row(out, "started", a, b, "started");
	row(out, "tlbbench", a, b, "tlbbench_version");
	row(out, "git revision", a, b, "git_revision");
	made_row(out, "counters not read", unsupported_text(a), unsupported_text(b));
	made_row(out, "command", command_text(a), command_text(b));
	fputc('\n', out);
}

static const char *filter(const char *list)
{
	return *list ? list : "all";
}

void report_md_rules(FILE *out, const struct rule_set *rules)
{
	fprintf(out, "Rules from `%s`: a rule fails when a case it covers got slower (its metric rose) by more than "
		     "its limit with a Mann-Whitney p, Holm-adjusted over its cases, below its bound.\n\n",
		rules->path);
	fprintf(out, "| rule | metric | may rise at most | p below | op | backing | touch |\n"
		     "|---|---|---|---|---|---|---|\n");
	for (int i = 0; i < rules->count; i++) {
		const struct rule *r = &rules->rules[i];

		fprintf(out, "| %s | %s | %.2f%% | %.2g | %s | %s | %s |\n", r->name, r->metric, r->max_regression * 100,
			r->p_below, filter(r->op), filter(r->backing), filter(r->touch));
	}
	fputc('\n', out);
}

void report_md_analysis(FILE *out, const char *side, const struct result_set *rs)
{
	struct analysis a;
	char why[1024];

	fprintf(out, "### %s: `%s`\n\n", side, rs->dir);
	if (analysis_compute(rs, &a, why, sizeof(why)) < 0) {
		fprintf(out, "No analysis: %s\n\n", why);
		return;
	}
	fprintf(out, "```text\n");
	analysis_print(out, &a);
	fprintf(out, "```\n\n");
	analysis_free(&a);
}

/* What each plot `tlbbench plot` draws shows. */
static const struct {
	const char *file, *caption;
} captions[] = {
	{ "time.png", "time per GiB against CPU count, 95 % CI bars" },
	{ "flushes.png", "flushes and shootdown IPIs per GiB against CPU count, beside the model" },
	{ "share.png", "the forced flushes' estimated share of a dirty shmem teardown (estimate)" },
	{ "dose.png", "dose-response: time per GiB against forced flushes per GiB, the fitted price of a flush" },
	{ "compare.png", "change of time per GiB, new against base, with its 95 % CI" },
	{ "ab-counts.png", "flushes and IPIs per GiB of every case, base beside new" },
};

/* A link destination is a URL: a space, a parenthesis, '#' or '?' would cut
 * Markdown's ![..](..), so all but the unreserved characters and '/' are percent-encoded. */
static void print_link(FILE *out, const char *link)
{
	for (const char *c = link; *c; c++)
		if (isalnum((unsigned char)*c) || strchr("/._~-", *c))
			fputc(*c, out);
		else
			fprintf(out, "%%%02X", (unsigned char)*c);
}

void report_md_plot(FILE *out, const char *side, const char *name, const char *link)
{
	const char *caption = "";

	for (size_t i = 0; i < sizeof(captions) / sizeof(captions[0]); i++)
		if (strcmp(captions[i].file, name) == 0)
			caption = captions[i].caption;
	fprintf(out, "**%s %s**: %s\n\n![%s %s](", side, name, caption, side, name);
	print_link(out, link);
	fputs(")\n\n", out);
}
