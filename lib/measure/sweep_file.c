#define _GNU_SOURCE
#include "sweep_file.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SECTION_SWEEP 0 /* cases are 1..ncases */
#define SECTION_OTHER -1 /* before any header, or [rule NAME]: lib/analyze/signoff.c reads those */

/* The sweep and case sections of a doc, checked: their numbers index sweeps. */
struct sweep_sections {
	int of[INI_MAX_SECTIONS]; /* the doc's section i is SECTION_SWEEP, case 1.., or SECTION_OTHER */
	int ncases;
	const char *case_names[CONFIG_MAX_SWEEPS];
	bool saw_sweep;
};

static bool valid_case_name(const char *name)
{
	if (!*name)
		return false;
	for (; *name; name++)
		if (!isalnum((unsigned char)*name) && !strchr("_.-", *name))
			return false;
	return true;
}

/* Only [sweep], [case NAME] and [rule NAME], [sweep] and each case once. */
static void check_section(struct ini_doc *d, int i, struct sweep_sections *ss)
{
	const char *name = d->sections[i].name;
	int line = d->sections[i].line;

	ss->of[i] = SECTION_OTHER;
	if (strncmp(name, "rule ", 5) == 0 && valid_case_name(name + 5))
		return;
	if (strcmp(name, "sweep") == 0) {
		if (ss->saw_sweep)
			ini_problem(d, line, "a second [sweep] section");
		ss->saw_sweep = true;
		ss->of[i] = SECTION_SWEEP;
		return;
	}
	if (strncmp(name, "case ", 5) != 0 || !valid_case_name(name + 5) ||
	    strlen(name + 5) >= sizeof(((struct sweep *)0)->name)) {
		ini_problem(d, line, "unknown section [%s] (want [sweep], [case NAME] or [rule NAME], NAME of up to 63 "
			    "letters, digits, _.-)", name);
		return;
	}
	for (int c = 0; c < ss->ncases; c++)
		if (strcmp(ss->case_names[c], name + 5) == 0)
			ini_problem(d, line, "a second [case %s] section", name + 5);
	if (ss->ncases == CONFIG_MAX_SWEEPS - 1) {
		ini_problem(d, line, "too many [case] sections");
		return;
	}
	ss->case_names[ss->ncases] = name + 5;
	ss->of[i] = ++ss->ncases;
}

static void check_sections(struct ini_doc *d, struct sweep_sections *ss)
{
	for (int i = 0; i < d->nsections; i++)
		check_section(d, i, ss);
	for (int i = 0; i < d->nentries; i++)
		if (d->entries[i].section < 0)
			ini_problem(d, d->entries[i].line, "'%s' is outside any section: start with [sweep]",
				    d->entries[i].key);
}

/* Apply one section's entries to a sweep; run-wide keys only in [sweep] (run set). */
static int apply(struct ini_doc *d, const struct sweep_sections *ss, int section, struct sweep *s,
		 struct run_settings *run)
{
	struct run_settings scratch;
	char why[400];

	for (int i = 0; i < d->nentries; i++) {
		const struct ini_entry *e = &d->entries[i];
		int wide;

		if (e->section < 0 || ss->of[e->section] != section)
			continue;
		wide = run_setting_set(run ? run : &scratch, e->key, e->value, why, sizeof(why));
		if (wide && !run)
			ini_problem(d, e->line, "'%s' applies to the whole run: set it in [sweep]", e->key);
		else if (wide < 0)
			ini_problem(d, e->line, "%s", why);
		else if (wide)
			continue;
		else if (sweep_set(s, e->key, e->value, why, sizeof(why)) < 0) {
			ini_problem(d, e->line, "%s", why);
		} else {
			char origin[600];

			snprintf(origin, sizeof(origin), "%s:%d", d->path, e->line);
			sweep_note_origin(s, e->key, origin);
		}
		if (d->error_line)
			return -1;
	}
	return 0;
}

static int build_sweeps(struct ini_doc *d, const struct sweep_sections *ss, int max_cpus, struct sweep *sweeps,
			int max, int *count, struct run_settings *run)
{
	struct sweep defaults;

	if (!ss->saw_sweep && !ss->ncases) {
		ini_problem(d, d->lines, "no [sweep] or [case NAME] section");
		return -1;
	}
	sweep_defaults(&defaults, max_cpus);
	if (apply(d, ss, SECTION_SWEEP, &defaults, run) < 0)
		return -1;
	if (!ss->ncases) {
		sweeps[0] = defaults;
		*count = 1;
		return 0;
	}
	for (int c = 0; c < ss->ncases && c < max; c++) {
		sweeps[c] = defaults;
		snprintf(sweeps[c].name, sizeof(sweeps[c].name), "%s", ss->case_names[c]);
		if (apply(d, ss, c + 1, &sweeps[c], NULL) < 0)
			return -1;
	}
	*count = ss->ncases < max ? ss->ncases : max;
	return 0;
}

int sweep_config_load(const char *path, int max_cpus, struct sweep *sweeps, int max, int *count,
		      struct run_settings *run, char *why, size_t len)
{
	struct sweep_sections ss = { .ncases = 0 };
	struct ini_doc *d = ini_doc_read(path, "config", "'key = value', '[sweep]' or '[case NAME]'", why, len);
	int ret = -1;

	if (!d)
		return -1;
	check_sections(d, &ss);
	if (!ini_failed(d, why, len) && build_sweeps(d, &ss, max_cpus, sweeps, max, count, run) == 0)
		ret = 0;
	else
		ini_failed(d, why, len);
	ini_doc_free(d);
	return ret;
}
