/* Unit tests for lib/common/inifile.c, the one INI reader of sweeps and sign-off
 * rules: sections and entries with their lines, and the problem earliest in
 * the file kept whatever order the problems are found in. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "inifile.h"

static char path[64];

static struct ini_doc *read_text(const char *text)
{
	char why[256];
	FILE *f;
	struct ini_doc *d;

	snprintf(path, sizeof(path), "/tmp/test_inifile.XXXXXX");
	close(mkstemp(path));
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	d = ini_doc_read(path, "config", "'key = value' or '[NAME]'", why, sizeof(why));
	unlink(path);
	assert_non_null(d);
	return d;
}

static void test_sections_and_lines(void **state)
{
	struct ini_doc *d = read_text("; a comment\nearly = 1\n[sweep]\nop = munmap\n\n[case a b]\nsize = 1G\n");
	char why[256];

	(void)state;
	assert_int_equal(d->nsections, 2);
	assert_string_equal(d->sections[0].name, "sweep");
	assert_int_equal(d->sections[0].line, 3);
	assert_string_equal(d->sections[1].name, "case a b");
	assert_int_equal(d->sections[1].line, 6);
	assert_int_equal(d->nentries, 3);
	assert_int_equal(d->entries[0].section, -1); /* before any header: the reader's caller decides */
	assert_int_equal(d->entries[0].line, 2);
	assert_string_equal(d->entries[1].key, "op");
	assert_string_equal(d->entries[1].value, "munmap");
	assert_int_equal(d->entries[1].section, 0);
	assert_int_equal(d->entries[1].line, 4);
	assert_int_equal(d->entries[2].section, 1);
	assert_int_equal(d->entries[2].line, 7);
	assert_int_equal(d->lines, 7);
	assert_int_equal(ini_failed(d, why, sizeof(why)), 0);
	ini_doc_free(d);
}

static void test_reader_problems(void **state)
{
	struct ini_doc *d;
	char why[1100], want[128], long_line[300];

	(void)state;
	d = read_text("[sweep]\nop = a\nop = b\n");
	assert_int_equal(ini_failed(d, why, sizeof(why)), 1);
	snprintf(want, sizeof(want), "%s:3: 'op' is set twice in this section", path);
	assert_string_equal(why, want);
	ini_doc_free(d);

	d = read_text("[sweep]\nno equals sign\n");
	assert_int_equal(ini_failed(d, why, sizeof(why)), 1);
	snprintf(want, sizeof(want), "%s:2: syntax error: want 'key = value' or '[NAME]'", path);
	assert_string_equal(why, want);
	ini_doc_free(d);

	memset(long_line, 'x', sizeof(long_line) - 2);
	long_line[sizeof(long_line) - 2] = '\n';
	long_line[sizeof(long_line) - 1] = '\0';
	d = read_text(long_line);
	assert_int_equal(ini_failed(d, why, sizeof(why)), 1);
	assert_non_null(strstr(why, ":1: line longer than 198 characters"));
	ini_doc_free(d);
}

/* A caller's problem at an earlier line replaces the reader's; a later one does not. */
static void test_earliest_problem_wins(void **state)
{
	struct ini_doc *d = read_text("[sweep]\na = 1\n[x]\nb = 2\nb = 3\n");
	char why[1100], want[128];

	(void)state;
	ini_problem(d, 6, "later: %s", "ignored");
	ini_problem(d, 3, "unknown section [%s]", d->sections[1].name);
	ini_problem(d, 4, "%s", "also later");
	assert_int_equal(ini_failed(d, why, sizeof(why)), 1);
	snprintf(want, sizeof(want), "%s:3: unknown section [x]", path);
	assert_string_equal(why, want);
	ini_doc_free(d);
}

static void test_unreadable(void **state)
{
	char why[256];

	(void)state;
	assert_null(ini_doc_read("/nonexistent/x.ini", "sign-off rules", "x", why, sizeof(why)));
	assert_string_equal(why, "cannot read sign-off rules '/nonexistent/x.ini': No such file or directory");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sections_and_lines),
		cmocka_unit_test(test_reader_problems),
		cmocka_unit_test(test_earliest_problem_wins),
		cmocka_unit_test(test_unreadable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
