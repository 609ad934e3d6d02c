#define _GNU_SOURCE
#include "signoff.h"
#include "config.h"
#include "datadir.h"
#include "inifile.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void set_filter(struct ini_doc *d, const struct ini_entry *e, char *dst, size_t n)
{
	if (strlen(e->value) >= n)
		ini_problem(d, e->line, "'%s': value too long", e->key);
	else
		snprintf(dst, n, "%s", e->value);
}

static void rule_entry(struct ini_doc *d, const struct ini_entry *e, struct rule *r)
{
	if (strcmp(e->key, "metric") == 0)
		set_filter(d, e, r->metric, sizeof(r->metric));
	else if (strcmp(e->key, "max_regression") == 0) {
		if (parse_fraction(e->value, HUGE_VAL, &r->max_regression) < 0)
			ini_problem(d, e->line, "bad max_regression '%s': want a percentage such as 3%%", e->value);
	} else if (strcmp(e->key, "p_below") == 0) {
		if (parse_fraction(e->value, 1, &r->p_below) < 0 || r->p_below <= 0)
			ini_problem(d, e->line, "bad p_below '%s': want a probability above 0, at most 1", e->value);
	} else if (strcmp(e->key, "op") == 0)
		set_filter(d, e, r->op, sizeof(r->op));
	else if (strcmp(e->key, "backing") == 0)
		set_filter(d, e, r->backing, sizeof(r->backing));
	else if (strcmp(e->key, "touch") == 0)
		set_filter(d, e, r->touch, sizeof(r->touch));
	else
		ini_problem(d, e->line, "unknown rule key '%s' (keys: metric, max_regression, p_below, op, backing, touch)",
			    e->key);
}

/* One [rule NAME] section, doc section i, as rule r. */
static void read_rule(struct ini_doc *d, int i, struct rule *r)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", d->sections[i].name + 5);
	r->line = d->sections[i].line;
	r->max_regression = NAN;
	r->p_below = 0.01;
	for (int k = 0; k < d->nentries; k++)
		if (d->entries[k].section == i)
			rule_entry(d, &d->entries[k], r);
}

int signoff_load(const char *name, struct rule_set *rs, char *why, size_t len)
{
	char *path = data_file(name, "configs", why, len);
	struct ini_doc *d = path ? ini_doc_read(path, "sign-off rules", "'key = value' or '[rule NAME]'", why, len) : NULL;
	int failed;

	memset(rs, 0, sizeof(*rs));
	snprintf(rs->path, sizeof(rs->path), "%s", path ? path : name);
	free(path);
	if (!d)
		return -1;
	/* The other sections are the sweep's. */
	for (int i = 0; i < d->nsections; i++) {
		if (strncmp(d->sections[i].name, "rule ", 5) != 0)
			continue;
		if (rs->count == SIGNOFF_MAX_RULES) {
			ini_problem(d, d->sections[i].line, "more than %d rules", SIGNOFF_MAX_RULES);
			break;
		}
		read_rule(d, i, &rs->rules[rs->count++]);
	}
	/* A rule's own keys are checked before what it lacks. */
	for (int i = 0; !d->error_line && i < rs->count; i++)
		if (!rs->rules[i].metric[0] || isnan(rs->rules[i].max_regression))
			ini_problem(d, rs->rules[i].line, "[rule %s] needs 'metric' and 'max_regression'", rs->rules[i].name);
	failed = ini_failed(d, why, len);
	if (!failed && !rs->count) {
		snprintf(why, len, "%s: no [rule NAME] section", rs->path);
		failed = 1;
	}
	ini_doc_free(d);
	return failed ? -1 : 0;
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
