/* Unit tests for lib/measure/placement.c's parser: every policy name, PU lists and
 * ranges, and a clear refusal naming the bad item. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "placement.h"

static void check_parse(const char *text, enum placement_policy policy, int n, const unsigned *pus)
{
	struct placement p;
	char why[256] = "";
	unsigned *list;
	int i;

	if (placement_parse(text, &p, why, sizeof(why)) < 0)
		fail_msg("'%s': %s", text, why);
	assert_int_equal(p.policy, policy);
	assert_string_equal(p.text, text);
	assert_string_equal(placement_policy_name(policy), policy == PLACE_LIST ? "pus" : text);
	if (policy != PLACE_LIST)
		return;
	assert_int_equal(p.npus, n);
	list = placement_pus(&p, why, sizeof(why));
	assert_non_null(list);
	for (i = 0; i < n; i++)
		assert_int_equal(list[i], pus[i]);
	free(list);
}

static void check_parse_error(const char *text, const char *mention)
{
	struct placement p;
	char why[256] = "";

	assert_int_equal(placement_parse(text, &p, why, sizeof(why)), -1);
	assert_null(strchr(why, '\n'));
	if (!strstr(why, mention))
		fail_msg("'%s': '%s' does not mention '%s'", text, why, mention);
}

static void test_parse(void **state)
{
	static const unsigned three[] = { 0, 2, 5 }, range[] = { 0, 1, 2, 3, 8 }, rev[] = { 7, 3, 4 };
	/* text, what the message must mention */
	static const char *const errors[][2] = {
		{ "", "unknown placement" }, { "tight", "tight" }, { "Compact", "unknown placement" },
		{ "pus", "unknown placement" }, { "pus:", "empty" }, { "pus:a", "'a'" }, { "pus:1+", "''" },
		{ "pus:+1", "''" }, { "pus:-1", "'-1'" }, { "pus:1-", "'1-'" }, { "pus:1 ", "'1 '" },
		{ "pus:99999999999", "99999999999" }, { "pus:3-1", "reversed range 3-1" },
		{ "pus:1+1", "PU 1 listed twice" }, { "pus:0-3+2", "PU 2 listed twice" },
		{ "pus:0-99999", "more than 4096" }, { "pus:0-4096", "more than 4096" },
	};
	struct placement p;
	char why[256];
	unsigned *list;
	int i;

	(void)state;
	check_parse("compact", PLACE_COMPACT, 0, NULL);
	check_parse("scatter", PLACE_SCATTER, 0, NULL);
	check_parse("smt", PLACE_SMT, 0, NULL);
	check_parse("cross-llc", PLACE_CROSS_LLC, 0, NULL);
	check_parse("cross-numa", PLACE_CROSS_NUMA, 0, NULL);
	check_parse("pus:0+2+5", PLACE_LIST, 3, three);
	check_parse("pus:0-3+8", PLACE_LIST, 5, range);
	check_parse("pus:7+3-4", PLACE_LIST, 3, rev);
	assert_int_equal(placement_parse("pus:0-4095", &p, why, sizeof(why)), 0);
	list = placement_pus(&p, why, sizeof(why));
	assert_true(p.npus == PLACEMENT_MAX_PUS && list && list[4095] == 4095);
	free(list);
	/* A struct placement is small whatever the list: the PUs are made when a case needs them. */
	assert_true(sizeof(struct placement) < 300);
	assert_int_equal(placement_parse("scatter", &p, why, sizeof(why)), 0);
	assert_null(placement_pus(&p, why, sizeof(why)));
	assert_non_null(strstr(why, "not a PU list"));
	assert_string_equal(placement_policy_name(PLACE_POLICY_COUNT), "unknown");

	for (i = 0; i < (int)(sizeof(errors) / sizeof(errors[0])); i++)
		check_parse_error(errors[i][0], errors[i][1]);

	/* A long list is kept whole; a text of 256 characters or more is refused, not cut. */
	assert_int_equal(placement_parse("pus:0+1+2+3+4+5+6+7+8+9+10+11+12+13+14+15+16+17+18+19+20+21+22+23+24+25",
					 &p, why, sizeof(why)), 0);
	assert_int_equal(p.npus, 26);
	assert_string_equal(p.text, "pus:0+1+2+3+4+5+6+7+8+9+10+11+12+13+14+15+16+17+18+19+20+21+22+23+24+25");
	{
		char longer[300] = "pus:0";

		for (i = 1; strlen(longer) < 256; i++)
			snprintf(longer + strlen(longer), sizeof(longer) - strlen(longer), "+%d", i);
		check_parse_error(longer, "longer than 255 characters");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
