/* Unit tests for lib/measure/sysinfo.c: the text parsers, the report format, the key set. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>

#include "sysinfo.h"
#include "sysinfo_parse.h"

static void check_choice(const char *text, const char *want)
{
	char *got = sysinfo_bracketed_choice(text);

	if (want) {
		assert_non_null(got);
		assert_string_equal(got, want);
	} else {
		assert_null(got);
	}
	free(got);
}

static void check_field(const char *text, const char *key, const char *want)
{
	char *got = sysinfo_field(text, key);

	if (want) {
		assert_non_null(got);
		assert_string_equal(got, want);
	} else {
		assert_null(got);
	}
	free(got);
}

static void test_bracketed_choice(void **state)
{
	(void)state;
	check_choice("always [madvise] never", "madvise");
	check_choice("always [madvise] never\n", "madvise");
	check_choice("[never] x", "never");
	check_choice("always within_size advise [never] deny force\n", "never");
	check_choice("always defer defer+madvise [madvise] never", "madvise");
	check_choice("always madvise never", NULL);
	check_choice("", NULL);
	check_choice(NULL, NULL);
	check_choice("always [madvise never", NULL);
	check_choice("always [] never", NULL);
}

static const char cpuinfo[] =
	"processor\t: 0\n"
	"vendor_id\t: AuthenticAMD\n"
	"model\t\t: 1\n"
	"model name\t: AMD EPYC\n"
	"flags\t\t: fpu pcid invpcid hypervisor\n"
	"power management:\n"
	"\n"
	"processor\t: 1\n"
	"model name\t: Other CPU\n";

static void test_field_cpuinfo(void **state)
{
	(void)state;
	check_field("model name\t: AMD EPYC\n", "model name", "AMD EPYC");
	check_field(cpuinfo, "model name", "AMD EPYC");	/* first match */
	check_field(cpuinfo, "model", "1");		/* exact key only */
	check_field(cpuinfo, "vendor_id", "AuthenticAMD");
	check_field(cpuinfo, "flags", "fpu pcid invpcid hypervisor");
	check_field(cpuinfo, "power management", "");
	check_field(cpuinfo, "bugs", NULL);
	check_field(cpuinfo, "model n", NULL);		/* a key prefix is not a key */
	check_field(cpuinfo, "", NULL);
	check_field(NULL, "model", NULL);
	/* "model" only appears as a prefix of "model name": no match */
	check_field("model name\t: AMD EPYC\n", "model", NULL);
}

static void test_field_meminfo(void **state)
{
	(void)state;
	check_field("MemAvailable:   123 kB", "MemAvailable", "123 kB");
	check_field("MemTotal:       24684096 kB\nMemFree:  1 kB\nMemAvailable:   123 kB\n",
		    "MemAvailable", "123 kB");
	check_field("HugePages_Total:       0\n", "HugePages_Total", "0");
	check_field("MemTotal:  5 kB  \r\n", "MemTotal", "5 kB");
	check_field("MemTotal:  5 kB\n", "MemFree", NULL);
	check_field("MemTotal:  5 kB\n", "Mem", NULL);
}

static void test_meminfo_number(void **state)
{
	static const char text[] = "MemTotal:       24684096 kB\nMemAvailableX:  9 kB\nMemAvailable:   123 kB\n"
				   "HugePages_Free:       7\nHugepagesize:       2048 kB\nHuge: 18446744073709551615 kB\n";
	uint64_t v = 0;

	(void)state;
	assert_int_equal(meminfo_number(text, "MemAvailable", true, &v), 0);
	assert_int_equal(v, 123 * 1024);
	assert_int_equal(meminfo_number(text, "HugePages_Free", false, &v), 0);
	assert_int_equal(v, 7);
	assert_int_equal(meminfo_number(text, "Hugepagesize", true, &v), 0);
	assert_int_equal(v, 2048 * 1024);
	/* The unit must be the one asked for, the value must fit, the key must be there. */
	assert_int_equal(meminfo_number(text, "HugePages_Free", true, &v), -1);
	assert_int_equal(meminfo_number(text, "MemTotal", false, &v), -1);
	assert_int_equal(meminfo_number(text, "Huge", true, &v), -1);
	assert_int_equal(meminfo_number(text, "MemFree", true, &v), -1);
	/* NULL reads this machine's /proc/meminfo, which has MemTotal. */
	assert_int_equal(meminfo_number(NULL, "MemTotal", true, &v), 0);
	assert_true(v > 0);
}

static void test_print(void **state)
{
	json_t *info = json_pack("{s:{s:s,s:n},s:b,s:b,s:I,s:n,s:{}}",
				 "kernel", "release", "6.18.44", "version",
				 "yes", 1, "no", 0, "total_bytes", (json_int_t)25276514304LL,
				 "tracefs", "empty");
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	(void)state;
	assert_non_null(info);
	assert_non_null(out);
	sysinfo_print(info, out);
	fclose(out);
	assert_string_equal(buf,
			    "kernel:\n"
			    "  release: 6.18.44\n"
			    "  version: n/s\n"
			    "yes: yes\n"
			    "no: no\n"
			    "total_bytes: 25276514304\n"
			    "tracefs: n/s\n"
			    "empty: {}\n");
	free(buf);
	json_decref(info);
}

static void test_collect_keys(void **state)
{
	static const char *const keys[] = {
		"kernel", "cmdline", "cpu", "hypervisor", "memory", "thp", "mitigations",
		"perf_event_paranoid", "tracefs", "tlb_interrupts", "vmstat_tlb", "lru_gen_enabled", "vmstat_pgactivate",
		"clocksource", "hostname",
	};
	json_t *info = sysinfo_collect();
	const char *key;
	json_t *v;
	size_t i = 0;

	(void)state;
	assert_true(json_is_object(info));
	assert_int_equal(json_object_size(info), sizeof(keys) / sizeof(keys[0]));
	json_object_foreach(info, key, v) {
		assert_string_equal(key, keys[i]);
		i++;
	}
	assert_true(json_is_object(json_object_get(info, "kernel")));
	v = json_object_get(json_object_get(info, "cpu"), "flags");
	assert_true(json_is_object(v));
	assert_non_null(json_object_get(v, "pcid"));
	assert_non_null(json_object_get(v, "invlpgb"));
	json_decref(info);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bracketed_choice),
		cmocka_unit_test(test_field_cpuinfo),
		cmocka_unit_test(test_field_meminfo),
		cmocka_unit_test(test_meminfo_number),
		cmocka_unit_test(test_print),
		cmocka_unit_test(test_collect_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
