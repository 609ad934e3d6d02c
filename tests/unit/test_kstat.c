/* Unit tests for the parsers of lib/measure/kstat.c: the tlb_flush format file,
 * /proc/interrupts, /proc/vmstat and /proc/self/mounts. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "kstat.h"

/* /sys/kernel/tracing/events/tlb/tlb_flush/format on 6.18. */
static const char format_6_18[] =
	"name: tlb_flush\n"
	"ID: 188\n"
	"format:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n"
	"\n"
	"\tfield:int reason;\toffset:8;\tsize:4;\tsigned:1;\n"
	"\tfield:unsigned long pages;\toffset:16;\tsize:8;\tsigned:0;\n"
	"\n"
	"print fmt: \"pages:%ld reason:%s (%d)\", REC->pages, __print_symbolic(REC->reason, "
	"{ 0, \"flush on task switch\" }, { 1, \"remote shootdown\" }, { 2, \"local shootdown\" }, "
	"{ 3, \"local MM shootdown\" }, { 4, \"remote IPI send\" }, { 5, \"remote wrong CPU\" }), "
	"REC->reason\n";

/* 6.1 style: no "remote wrong CPU", pages a signed long. */
static const char format_6_1[] =
	"name: tlb_flush\n"
	"ID: 171\n"
	"format:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n"
	"\n"
	"\tfield:int reason;\toffset:8;\tsize:4;\tsigned:1;\n"
	"\tfield:long pages;\toffset:16;\tsize:8;\tsigned:1;\n"
	"\n"
	"print fmt: \"pages:%ld reason:%s (%d)\", REC->pages, __print_symbolic(REC->reason, "
	"{ 0, \"flush on task switch\" }, { 1, \"remote shootdown\" }, { 2, \"local shootdown\" }, "
	"{ 3, \"local MM shootdown\" }, { 4, \"remote IPI send\" }), REC->reason\n";

static const char format_plain[] =
	"name: tlb_flush\n"
	"ID: 188\n"
	"format:\n"
	"\tfield:int reason;\toffset:8;\tsize:4;\tsigned:1;\n"
	"\tfield:unsigned long pages;\toffset:16;\tsize:8;\tsigned:0;\n"
	"\n"
	"print fmt: \"pages:%ld reason:%d\", REC->pages, REC->reason\n";

static const char *const reason_names[] = {
	"flush_on_task_switch", "remote_shootdown", "local_shootdown",
	"local_mm_shootdown", "remote_ipi_send", "remote_wrong_cpu",
};

/* The reasons parsed from a format file: codes 0..count-1 with perf's names. */
static void check_reasons(const char *format, int count, bool pages_signed)
{
	struct tlb_reasons r;

	assert_int_equal(tlb_reasons_parse(format, &r), 0);
	assert_int_equal(r.count, count);
	for (int i = 0; i < count; i++) {
		assert_int_equal(r.code[i], i);
		assert_string_equal(r.name[i], reason_names[i]);
	}
	assert_int_equal(r.local_mm, 3);
	assert_int_equal(r.pages_signed, pages_signed);
}

static void test_reasons_6_18(void **state)
{
	(void)state;
	check_reasons(format_6_18, 6, false);
}

static void test_reasons_6_1(void **state)
{
	(void)state;
	check_reasons(format_6_1, 5, true);
}

static void test_reasons_absent(void **state)
{
	struct tlb_reasons r;

	(void)state;
	assert_int_equal(tlb_reasons_parse(format_plain, &r), -1);
	assert_int_equal(r.count, 0);
	assert_int_equal(r.local_mm, -1);
	assert_int_equal(tlb_reasons_parse("", &r), -1);
}

static const char interrupts_2cpu[] =
	"           CPU0       CPU1       \n"
	"  0:         38          0   IO-APIC   2-edge      timer\n"
	"  1:          0          9   IO-APIC   1-edge      i8042\n"
	"NMI:          0          0   Non-maskable interrupts\n"
	"LOC:     123456     654321   Local timer interrupts\n"
	"RES:       1000       2000   Rescheduling interrupts\n"
	"CAL:        300        400   Function call interrupts\n"
	"TLB:        563        624   TLB shootdowns\n"
	"TRM:          0          0   Thermal event interrupts\n"
	"ERR:          0\n"
	"MIS:          0\n";

static const char interrupts_offline[] =
	"           CPU0       CPU2       CPU3       \n"
	"  0:         38          0          0   IO-APIC   2-edge      timer\n"
	"NMI:          0          0          0   Non-maskable interrupts\n"
	"TLB:         11         22         33   TLB shootdowns\n"
	"ERR:          0\n";

static const char interrupts_no_tlb[] =
	"           CPU0       CPU1       \n"
	"  0:         38          0   IO-APIC   2-edge      timer\n"
	"NMI:          0          0   Non-maskable interrupts\n"
	"LOC:     123456     654321   Local timer interrupts\n"
	"ERR:          0\n";

#define UNSET 0xdeadbeefull

static void fill_unset(uint64_t *v, int n)
{
	for (int i = 0; i < n; i++)
		v[i] = UNSET;
}

static void test_interrupts(void **state)
{
	uint64_t per_cpu[8];

	(void)state;
	fill_unset(per_cpu, 8);
	assert_int_equal(interrupts_parse_tlb(interrupts_2cpu, per_cpu, 8), 0);
	assert_int_equal(per_cpu[0], 563);
	assert_int_equal(per_cpu[1], 624);
	assert_int_equal(per_cpu[2], UNSET);
}

static void test_interrupts_offline_cpu(void **state)
{
	uint64_t per_cpu[8];

	(void)state;
	fill_unset(per_cpu, 8);
	assert_int_equal(interrupts_parse_tlb(interrupts_offline, per_cpu, 8), 0);
	assert_int_equal(per_cpu[0], 11);
	assert_int_equal(per_cpu[1], UNSET);
	assert_int_equal(per_cpu[2], 22);
	assert_int_equal(per_cpu[3], 33);
	assert_int_equal(per_cpu[4], UNSET);
}

static void test_interrupts_no_tlb(void **state)
{
	uint64_t per_cpu[8];

	(void)state;
	assert_int_equal(interrupts_parse_tlb(interrupts_no_tlb, per_cpu, 8), -1);
	assert_int_equal(interrupts_parse_tlb("", per_cpu, 8), -1);
}

static void test_vmstat(void **state)
{
	/* Out of order, among other counters. */
	static const char text[] =
		"nr_free_pages 123\n"
		"nr_tlb_local_flush_one 40\n"
		"pgfault 99\n"
		"nr_tlb_remote_flush_received 20\n"
		"nr_tlb_local_flush_all 30\n"
		"nr_tlb_remote_flush 10\n"
		"thp_fault_alloc 0\n";
	uint64_t v[VMSTAT_TLB_COUNT];

	(void)state;
	assert_string_equal(vmstat_tlb_names[0], "nr_tlb_remote_flush");
	assert_string_equal(vmstat_tlb_names[1], "nr_tlb_remote_flush_received");
	assert_string_equal(vmstat_tlb_names[2], "nr_tlb_local_flush_all");
	assert_string_equal(vmstat_tlb_names[3], "nr_tlb_local_flush_one");
	assert_int_equal(vmstat_parse_tlb(text, v), 0);
	assert_int_equal(v[0], 10);
	assert_int_equal(v[1], 20);
	assert_int_equal(v[2], 30);
	assert_int_equal(v[3], 40);
}

static void test_vmstat_absent(void **state)
{
	uint64_t v[VMSTAT_TLB_COUNT];

	(void)state;
	assert_int_equal(vmstat_parse_tlb("nr_free_pages 123\npgfault 99\n", v), -1);
	assert_int_equal(vmstat_parse_tlb("", v), -1);
}

/* nr_tlb_remote_flush_received is not nr_tlb_remote_flush. */
static void test_vmstat_prefix(void **state)
{
	static const char missing_remote[] =
		"nr_tlb_remote_flush_received 5\n"
		"nr_tlb_local_flush_all 30\n"
		"nr_tlb_local_flush_one 40\n";
	static const char received_first[] =
		"nr_tlb_remote_flush_received 5\n"
		"nr_tlb_remote_flush 7\n"
		"nr_tlb_local_flush_all 30\n"
		"nr_tlb_local_flush_one 40\n";
	uint64_t v[VMSTAT_TLB_COUNT];

	(void)state;
	assert_int_equal(vmstat_parse_tlb(missing_remote, v), -1);
	v[0] = v[1] = UNSET;
	assert_int_equal(vmstat_parse_tlb(received_first, v), 0);
	assert_int_equal(v[0], 7);
	assert_int_equal(v[1], 5);
}

static int find_in(const char *text, char *path, size_t len)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int found;

	assert_non_null(f);
	found = tracefs_find(f, path, len);
	fclose(f);
	return found;
}

static void test_tracefs_find(void **state)
{
	static const char with[] =
		"sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0\n"
		"proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n"
		"debugfs /sys/kernel/debug debugfs rw,nosuid,nodev,noexec,relatime 0 0\n"
		"tracefs /sys/kernel/tracing tracefs rw,nosuid,nodev,noexec,relatime 0 0\n"
		"tmpfs /run tmpfs rw,nosuid,nodev,size=1024k 0 0\n";
	static const char without[] =
		"sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0\n"
		"proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n"
		"/dev/vda1 /tracefs ext4 rw,relatime 0 0\n";
	static const char escaped[] = "tracefs /sys/kernel/my\\040tracing tracefs rw 0 0\n";
	char path[128] = "";

	(void)state;
	assert_int_equal(find_in(with, path, sizeof(path)), 0);
	assert_string_equal(path, "/sys/kernel/tracing");
	assert_int_equal(find_in(without, path, sizeof(path)), -1);
	assert_int_equal(find_in("", path, sizeof(path)), -1);
	/* A space in the mount point is \040 in /proc/self/mounts. */
	assert_int_equal(find_in(escaped, path, sizeof(path)), 0);
	assert_string_equal(path, "/sys/kernel/my tracing");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reasons_6_18),
		cmocka_unit_test(test_reasons_6_1),
		cmocka_unit_test(test_reasons_absent),
		cmocka_unit_test(test_interrupts),
		cmocka_unit_test(test_interrupts_offline_cpu),
		cmocka_unit_test(test_interrupts_no_tlb),
		cmocka_unit_test(test_vmstat),
		cmocka_unit_test(test_vmstat_absent),
		cmocka_unit_test(test_vmstat_prefix),
		cmocka_unit_test(test_tracefs_find),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
