#define _GNU_SOURCE
#include "inifile.h"

#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ini_read {
	struct ini_doc *doc;
	FILE *file;
	int section; /* the header the reader saw last */
};

void ini_problem(struct ini_doc *d, int line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (d->error_line && d->error_line <= line)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	d->error_line = line;
	snprintf(d->error, sizeof(d->error), "%s:%d: %s", d->path, line, msg);
}

int ini_failed(const struct ini_doc *d, char *why, size_t len)
{
	if (!d->error_line)
		return 0;
	snprintf(why, len, "%s", d->error);
	return 1;
}

/* A section header: its name, between the brackets. */
static void section_header(struct ini_read *r, const char *text)
{
	struct ini_doc *d = r->doc;
	const char *end = strchr(text, ']');
	size_t n = end ? (size_t)(end - text - 1) : 0;

	if (!end)
		return; /* inih reports the syntax error */
	if (d->nsections == INI_MAX_SECTIONS || n >= sizeof(d->sections[0].name)) {
		ini_problem(d, d->lines, "too many sections, or a section name too long");
		return;
	}
	d->sections[d->nsections].line = d->lines;
	snprintf(d->sections[d->nsections].name, sizeof(d->sections[0].name), "%.*s", (int)n, text + 1);
	r->section = d->nsections++;
}

/* inih's line source: counts lines and sees each header first, so every
 * entry knows its line and section. */
static char *counting_reader(char *str, int num, void *stream)
{
	struct ini_read *r = stream;
	char *line = fgets(str, num, r->file);
	const char *text;

	if (!line)
		return NULL;
	r->doc->lines++;
	if (!strchr(line, '\n') && !feof(r->file)) {
		ini_problem(r->doc, r->doc->lines, "line longer than %d characters", INI_LINE_MAX);
		return NULL;
	}
	text = line + strspn(line, " \t");
	if (*text == '[')
		section_header(r, text);
	return line;
}

static int on_entry(void *user, const char *section, const char *key, const char *value)
{
	struct ini_read *r = user;
	struct ini_doc *d = r->doc;
	struct ini_entry *e;

	(void)section; /* the reader knows it, with its line */
	for (int i = 0; i < d->nentries; i++)
		if (d->entries[i].section == r->section && strcmp(d->entries[i].key, key) == 0)
			ini_problem(d, d->lines, "'%s' is set twice in this section", key);
	if (d->nentries == INI_MAX_ENTRIES || strlen(key) >= sizeof(e->key) || strlen(value) >= sizeof(e->value)) {
		ini_problem(d, d->lines, "'%s': too many keys, or a key or value too long", key);
		return 0;
	}
	e = &d->entries[d->nentries++];
	*e = (struct ini_entry){ .section = r->section, .line = d->lines };
	snprintf(e->key, sizeof(e->key), "%s", key);
	snprintf(e->value, sizeof(e->value), "%s", value);
	return 1;
}

struct ini_doc *ini_doc_read(const char *path, const char *what, const char *syntax_hint, char *why, size_t len)
{
	struct ini_read r = { .doc = calloc(1, sizeof(struct ini_doc)), .section = -1 };
	int syntax;

	if (!r.doc) {
		snprintf(why, len, "out of memory");
		return NULL;
	}
	snprintf(r.doc->path, sizeof(r.doc->path), "%s", path);
	r.file = fopen(path, "re");
	if (!r.file) {
		snprintf(why, len, "cannot read %s '%s': %s", what, path, strerror(errno));
		free(r.doc);
		return NULL;
	}
	syntax = ini_parse_stream(counting_reader, &r, on_entry, &r);
	fclose(r.file);
	if (syntax > 0)
		ini_problem(r.doc, syntax, "syntax error: want %s", syntax_hint);
	return r.doc;
}

void ini_doc_free(struct ini_doc *d)
{
	free(d);
}
