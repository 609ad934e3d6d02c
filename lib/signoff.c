#define _GNU_SOURCE
#include "signoff.h"
#include "config.h"

#include <errno.h>
#include <ini.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct rule_state {
	struct rule_set *rs;
	struct rule *current; /* NULL outside a [rule] section */
	int line;
	FILE *file;
	char error[1024];
};

static void fail(struct rule_state *st, const char *fmt, const char *arg)
{
	char msg[400];

	if (st->error[0])
		return;
	snprintf(msg, sizeof(msg), fmt, arg);
	snprintf(st->error, sizeof(st->error), "%s:%d: %s", st->rs->path, st->line, msg);
}

static void set_filter(struct rule_state *st, char *dst, size_t n, const char *value, const char *key)
{
	if (strlen(value) >= n)
		fail(st, "'%s': value too long", key);
	else
		snprintf(dst, n, "%s", value);
}

static int on_entry(void *user, const char *section, const char *key, const char *value)
{
	struct rule_state *st = user;
	struct rule *r = st->current;

	(void)section;
	if (!r || st->error[0])
		return !st->error[0];
	if (strcmp(key, "metric") == 0)
		set_filter(st, r->metric, sizeof(r->metric), value, key);
	else if (strcmp(key, "max_regression") == 0) {
		if (parse_fraction(value, HUGE_VAL, &r->max_regression) < 0)
			fail(st, "bad max_regression '%s': want a percentage such as 3%%", value);
	} else if (strcmp(key, "p_below") == 0) {
		if (parse_fraction(value, 1, &r->p_below) < 0 || r->p_below <= 0)
			fail(st, "bad p_below '%s': want a probability above 0, at most 1", value);
	} else if (strcmp(key, "op") == 0)
		set_filter(st, r->op, sizeof(r->op), value, key);
	else if (strcmp(key, "backing") == 0)
		set_filter(st, r->backing, sizeof(r->backing), value, key);
	else if (strcmp(key, "touch") == 0)
		set_filter(st, r->touch, sizeof(r->touch), value, key);
	else
		fail(st, "unknown rule key '%s' (keys: metric, max_regression, p_below, op, backing, touch)", key);
	return !st->error[0];
}

/* Rule sections start here; the reader sees each line first. */
static char *rule_reader(char *str, int num, void *stream)
{
	struct rule_state *st = stream;
	char *line = fgets(str, num, st->file);
	const char *text = line ? line + strspn(line, " \t") : NULL;

	if (!line)
		return NULL;
	st->line++;
	if (*text != '[')
		return line;
	st->current = NULL;
	if (strncmp(text, "[rule ", 6) == 0 && strchr(text, ']')) {
		struct rule *r;

		if (st->rs->count == SIGNOFF_MAX_RULES) {
			fail(st, "more than %s rules", "32");
			return NULL;
		}
		r = &st->rs->rules[st->rs->count++];
		memset(r, 0, sizeof(*r));
		snprintf(r->name, sizeof(r->name), "%.*s", (int)(strchr(text, ']') - text - 6), text + 6);
		r->line = st->line;
		r->max_regression = NAN;
		r->p_below = 0.01;
		st->current = r;
	}
	return line;
}

int signoff_load(const char *path, struct rule_set *rs, char *why, size_t len)
{
	struct rule_state st = { .rs = rs };
	int syntax;

	memset(rs, 0, sizeof(*rs));
	snprintf(rs->path, sizeof(rs->path), "%s", path);
	st.file = fopen(path, "re");
	if (!st.file) {
		snprintf(why, len, "cannot read sign-off rules '%s': %s", path, strerror(errno));
		return -1;
	}
	syntax = ini_parse_stream(rule_reader, &st, on_entry, &st);
	fclose(st.file);
	if (syntax > 0 && !st.error[0]) {
		st.line = syntax;
		fail(&st, "%s", "syntax error: want 'key = value' or '[rule NAME]'");
	}
	for (int i = 0; !st.error[0] && i < rs->count; i++) {
		st.line = rs->rules[i].line;
		if (!rs->rules[i].metric[0] || isnan(rs->rules[i].max_regression))
			fail(&st, "[rule %s] needs 'metric' and 'max_regression'", rs->rules[i].name);
	}
	if (!st.error[0] && !rs->count)
		snprintf(st.error, sizeof(st.error), "%s: no [rule NAME] section", path);
	if (st.error[0]) {
		snprintf(why, len, "%s", st.error);
		return -1;
	}
	return 0;
}

/* Is word one of the comma-separated items of list (empty list: everything)? */
static bool in_list(const char *list, const char *word)
{
	size_t n = strlen(word);

	if (!*list)
		return true;
	for (const char *p = list; p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (strncmp(p, word, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return true;
	return false;
}

bool rule_applies(const struct rule *r, const char *op, const char *backing, const char *touch)
{
	return in_list(r->op, op) && in_list(r->backing, backing) && in_list(r->touch, touch);
}
