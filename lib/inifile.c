#define _GNU_SOURCE
#include "inifile.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ENTRIES 512
#define SECTION_NONE -1
#define SECTION_RULE -2 /* sign-off rules: read by lib/signoff.c, not here */
#define SECTION_SWEEP 0 /* cases are 1..ncases */

struct entry {
	int section;
	int line;
	char key[32];
	char value[256];
};

struct ini_state {
	const char *path;
	FILE *file;
	int line;
	int section;
	int ncases;
	char case_names[CONFIG_MAX_SWEEPS][64];
	int case_lines[CONFIG_MAX_SWEEPS];
	bool saw_sweep;
	struct entry entries[MAX_ENTRIES];
	int nentries;
	char error[512]; /* the first problem, "path:line: ..." */
};

static void fail(struct ini_state *st, int line, const char *fmt, const char *arg)
{
	char msg[400];

	if (st->error[0])
		return;
	snprintf(msg, sizeof(msg), fmt, arg);
	snprintf(st->error, sizeof(st->error), "%s:%d: %s", st->path, line, msg);
}

static bool valid_case_name(const char *name)
{
	if (!*name)
		return false;
	for (; *name; name++)
		if (!isalnum((unsigned char)*name) && !strchr("_.-", *name))
			return false;
	return true;
}

/* A section header: only [sweep] and [case NAME], each once. */
static void section_header(struct ini_state *st, const char *text)
{
	char name[128];
	const char *end = strchr(text, ']');
	size_t n = end ? (size_t)(end - text - 1) : 0;

	if (!end || n >= sizeof(name))
		return; /* inih reports the syntax error */
	memcpy(name, text + 1, n);
	name[n] = '\0';
	if (strncmp(name, "rule ", 5) == 0 && valid_case_name(name + 5)) {
		st->section = SECTION_RULE;
		return;
	}
	if (strcmp(name, "sweep") == 0) {
		if (st->saw_sweep)
			fail(st, st->line, "%s", "a second [sweep] section");
		st->saw_sweep = true;
		st->section = SECTION_SWEEP;
		return;
	}
	if (strncmp(name, "case ", 5) != 0 || !valid_case_name(name + 5) ||
	    strlen(name + 5) >= sizeof(st->case_names[0])) {
		fail(st, st->line, "unknown section [%s] (want [sweep], [case NAME] or [rule NAME], NAME of up to 63 "
		     "letters, digits, _.-)", name);
		return;
	}
	for (int i = 0; i < st->ncases; i++)
		if (strcmp(st->case_names[i], name + 5) == 0)
			fail(st, st->line, "a second [case %s] section", name + 5);
	if (st->ncases == CONFIG_MAX_SWEEPS - 1) {
		fail(st, st->line, "%s", "too many [case] sections");
		return;
	}
	snprintf(st->case_names[st->ncases], sizeof(st->case_names[0]), "%s", name + 5);
	st->case_lines[st->ncases] = st->line;
	st->section = ++st->ncases;
}

/* inih's line source: counts lines, so every message can say where. */
static char *counting_reader(char *str, int num, void *stream)
{
	struct ini_state *st = stream;
	char *line = fgets(str, num, st->file);
	const char *text;

	if (!line || st->error[0])
		return NULL;
	st->line++;
	if (!strchr(line, '\n') && !feof(st->file)) {
		fail(st, st->line, "line longer than %s characters", "198");
		return NULL;
	}
	text = line + strspn(line, " \t");
	if (*text == '[')
		section_header(st, text);
	return line;
}

static int on_entry(void *user, const char *section, const char *key, const char *value)
{
	struct ini_state *st = user;
	struct entry *e;

	(void)section; /* the reader already knows which one, validated */
	if (st->section == SECTION_RULE)
		return 1;
	if (st->section == SECTION_NONE) {
		fail(st, st->line, "'%s' is outside any section: start with [sweep]", key);
		return 0;
	}
	for (int i = 0; i < st->nentries; i++)
		if (st->entries[i].section == st->section && strcmp(st->entries[i].key, key) == 0)
			fail(st, st->line, "'%s' is set twice in this section", key);
	if (st->nentries == MAX_ENTRIES || strlen(key) >= sizeof(e->key) || strlen(value) >= sizeof(e->value)) {
		fail(st, st->line, "'%s': too many keys, or a key or value too long", key);
		return 0;
	}
	e = &st->entries[st->nentries++];
	*e = (struct entry){ .section = st->section, .line = st->line };
	snprintf(e->key, sizeof(e->key), "%s", key);
	snprintf(e->value, sizeof(e->value), "%s", value);
	return !st->error[0];
}

/* Apply one section's entries to a sweep; run-wide keys only in [sweep] (run set). */
static int apply(struct ini_state *st, int section, struct sweep *s, struct run_settings *run)
{
	struct run_settings scratch;
	char why[400];

	for (int i = 0; i < st->nentries; i++) {
		const struct entry *e = &st->entries[i];
		int wide;

		if (e->section != section)
			continue;
		wide = run_setting_set(run ? run : &scratch, e->key, e->value, why, sizeof(why));
		if (wide && !run)
			fail(st, e->line, "'%s' applies to the whole run: set it in [sweep]", e->key);
		else if (wide < 0)
			fail(st, e->line, "%s", why);
		else if (wide)
			continue;
		else if (sweep_set(s, e->key, e->value, why, sizeof(why)) < 0) {
			fail(st, e->line, "%s", why);
		} else {
			char origin[160];

			snprintf(origin, sizeof(origin), "%s:%d", st->path, e->line);
			sweep_note_origin(s, e->key, origin);
		}
		if (st->error[0])
			return -1;
	}
	return 0;
}

static int build_sweeps(struct ini_state *st, int max_cpus, struct sweep *sweeps, int max, int *count,
			struct run_settings *run)
{
	struct sweep defaults;

	if (!st->saw_sweep && !st->ncases) {
		fail(st, st->line, "%s", "no [sweep] or [case NAME] section");
		return -1;
	}
	sweep_defaults(&defaults, max_cpus);
	if (apply(st, SECTION_SWEEP, &defaults, run) < 0)
		return -1;
	if (!st->ncases) {
		sweeps[0] = defaults;
		*count = 1;
		return 0;
	}
	for (int c = 0; c < st->ncases && c < max; c++) {
		sweeps[c] = defaults;
		snprintf(sweeps[c].name, sizeof(sweeps[c].name), "%s", st->case_names[c]);
		if (apply(st, c + 1, &sweeps[c], NULL) < 0)
			return -1;
	}
	*count = st->ncases < max ? st->ncases : max;
	return 0;
}

int sweep_config_load(const char *path, int max_cpus, struct sweep *sweeps, int max, int *count,
		      struct run_settings *run, char *why, size_t len)
{
	struct ini_state *st = calloc(1, sizeof(*st));
	int ret = -1, syntax;

	if (!st) {
		snprintf(why, len, "out of memory");
		return -1;
	}
	st->path = path;
	st->section = SECTION_NONE;
	st->file = fopen(path, "re");
	if (!st->file) {
		snprintf(why, len, "cannot read config '%s': %s", path, strerror(errno));
		free(st);
		return -1;
	}
	syntax = ini_parse_stream(counting_reader, st, on_entry, st);
	fclose(st->file);
	if (syntax > 0 && !st->error[0])
		fail(st, syntax, "%s", "syntax error: want 'key = value', '[sweep]' or '[case NAME]'");
	if (!st->error[0])
		ret = build_sweeps(st, max_cpus, sweeps, max, count, run);
	if (ret < 0)
		snprintf(why, len, "%s", st->error);
	free(st);
	return ret;
}
