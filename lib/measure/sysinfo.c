/*
 * Machine and kernel description for tlbbench: CPU TLB features, hypervisor,
 * THP policy, mitigations, tracing support. Null wherever a thing can't be read.
 */
#define _GNU_SOURCE
#include "sysinfo.h"
#include "sysinfo_parse.h"
#include "kstat.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#define THP_DIR "/sys/kernel/mm/transparent_hugepage/"
#define VULN_DIR "/sys/devices/system/cpu/vulnerabilities"
#define DMI_DIR "/sys/class/dmi/id/"

static json_t *or_null(json_t *v)
{
	return v ? v : json_null();
}

/* Takes ownership of s (may be NULL). Invalid UTF-8 also gives null. */
static json_t *str_take(char *s)
{
	json_t *v = s ? json_string(s) : NULL;

	free(s);
	return or_null(v);
}

static void set(json_t *obj, const char *key, json_t *v)
{
	json_object_set_new(obj, key, or_null(v));
}

/* First line of a file, newline removed; null if unreadable. */
static json_t *file_line(const char *path)
{
	char *text = read_text_file(path);

	if (text)
		text[strcspn(text, "\n")] = '\0';
	return str_take(text);
}

/* Does a line of the file start with prefix (after blanks if skip_blanks)? */
static json_t *file_has_line(const char *path, const char *prefix, bool skip_blanks)
{
	char *text = read_text_file(path);
	const char *line = text;
	bool found = false;

	if (!text)
		return json_null();
	while (!found && line && *line) {
		const char *p = line;

		while (skip_blanks && proc_blank(*p))
			p++;
		found = !strncmp(p, prefix, strlen(prefix));
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	free(text);
	return json_boolean(found);
}

/* Is word one of the blank-separated words of list? */
static bool has_word(const char *list, const char *word)
{
	size_t wlen = strlen(word);
	const char *p = list;

	while (*p) {
		size_t n;

		while (proc_blank(*p))
			p++;
		n = strcspn(p, " \t");
		if (n == wlen && !strncmp(p, word, wlen))
			return true;
		p += n;
	}
	return false;
}

static json_t *kernel_info(const struct utsname *u)
{
	json_t *o = json_object();

	set(o, "sysname", u ? json_string(u->sysname) : NULL);
	set(o, "release", u ? json_string(u->release) : NULL);
	set(o, "version", u ? json_string(u->version) : NULL);
	set(o, "machine", u ? json_string(u->machine) : NULL);
	return o;
}

static json_t *allowed_cpus(void)
{
	int n;

	for (n = 1024; n <= (1 << 20); n *= 2) {
		cpu_set_t *mask = CPU_ALLOC(n);
		size_t size = CPU_ALLOC_SIZE(n);
		int count;

		if (!mask)
			return json_null();
		if (sched_getaffinity(0, size, mask) == 0) {
			count = CPU_COUNT_S(size, mask);
			CPU_FREE(mask);
			return json_integer(count);
		}
		CPU_FREE(mask);
		if (errno != EINVAL)
			break;
	}
	return json_null();
}

static json_t *cpu_info(const char *cpuinfo, const char *flags)
{
	static const char *const tlb_flags[] = { "pcid", "invpcid", "invlpgb", "pti" };
	json_t *o = json_object(), *f = json_object();
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	size_t i;

	set(o, "model", str_take(sysinfo_field(cpuinfo, "model name")));
	set(o, "vendor", str_take(sysinfo_field(cpuinfo, "vendor_id")));
	set(o, "online", online > 0 ? json_integer(online) : NULL);
	set(o, "allowed", allowed_cpus());
	for (i = 0; i < sizeof(tlb_flags) / sizeof(tlb_flags[0]); i++)
		set(f, tlb_flags[i], flags ? json_boolean(has_word(flags, tlb_flags[i])) : NULL);
	set(o, "flags", f);
	set(o, "bugs", str_take(sysinfo_field(cpuinfo, "bugs")));
	return o;
}

/* Vendor signature of CPUID leaf 0x40000000; only meaningful under a hypervisor. */
static json_t *cpuid_signature(void)
{
#if defined(__x86_64__) || defined(__i386__)
	unsigned int eax, regs[3];
	char sig[sizeof(regs) + 1];
	size_t i, len;

	__cpuid(0x40000000, eax, regs[0], regs[1], regs[2]);
	(void)eax;
	memcpy(sig, regs, sizeof(regs));
	sig[sizeof(regs)] = '\0';
	len = strlen(sig);
	while (len && sig[len - 1] == ' ')
		sig[--len] = '\0';
	if (!len)
		return json_null();
	for (i = 0; i < len; i++)
		if (sig[i] < 0x20 || sig[i] > 0x7e)
			return json_null();
	return json_string(sig);
#else
	return json_null();
#endif
}

/* Does KVM offer paravirt remote TLB flushes (arch/x86/kernel/kvm.c
 * pv_tlb_flush_supported)? A preempted vCPU is then flushed on its next entry
 * instead of by IPI, so the TLB row of /proc/interrupts undercounts. */
static json_t *kvm_pv_tlb_flush(json_t *signature)
{
#if defined(__x86_64__) || defined(__i386__)
	unsigned int eax, ebx, ecx, edx;

	if (!json_is_string(signature) || strcmp(json_string_value(signature), "KVMKVMKVM") != 0)
		return json_null();
	__cpuid(0x40000001, eax, ebx, ecx, edx); /* KVM_CPUID_FEATURES */
	(void)ebx;
	(void)ecx;
	/* KVM_FEATURE_PV_TLB_FLUSH (9) and KVM_FEATURE_STEAL_TIME (5), without KVM_HINTS_REALTIME. */
	return json_boolean((eax & (1u << 9)) && (eax & (1u << 5)) && !(edx & 1u) && sysconf(_SC_NPROCESSORS_CONF) > 1);
#else
	(void)signature;
	return json_null();
#endif
}

static json_t *hypervisor_info(const char *flags)
{
	json_t *signature;
	json_t *o = json_object();
	bool present = flags && has_word(flags, "hypervisor");

	set(o, "present", flags ? json_boolean(present) : NULL);
	set(o, "type", file_line("/sys/hypervisor/type"));
	set(o, "vendor", file_line(DMI_DIR "sys_vendor"));
	set(o, "product", file_line(DMI_DIR "product_name"));
	signature = present ? cpuid_signature() : NULL;
	set(o, "kvm_pv_tlb_flush", kvm_pv_tlb_flush(signature));
	set(o, "cpuid_signature", signature);
	return o;
}

static json_t *meminfo_value(const char *meminfo, const char *key, bool in_bytes)
{
	uint64_t v;

	return meminfo_number(meminfo, key, in_bytes, &v) < 0 ? json_null() : json_integer((json_int_t)v);
}

static json_t *memory_info(void)
{
	char *meminfo = read_text_file("/proc/meminfo");
	json_t *o = json_object();

	set(o, "total_bytes", meminfo_value(meminfo, "MemTotal", true));
	set(o, "available_bytes", meminfo_value(meminfo, "MemAvailable", true));
	set(o, "hugepages_total", meminfo_value(meminfo, "HugePages_Total", false));
	set(o, "hugepages_free", meminfo_value(meminfo, "HugePages_Free", false));
	set(o, "hugepage_size_bytes", meminfo_value(meminfo, "Hugepagesize", true));
	free(meminfo);
	return o;
}

static json_t *thp_info(void)
{
	static const char *const knobs[] = { "enabled", "defrag", "shmem_enabled" };
	json_t *o = json_object();
	char path[128], *text;
	size_t i;

	for (i = 0; i < sizeof(knobs) / sizeof(knobs[0]); i++) {
		snprintf(path, sizeof(path), THP_DIR "%s", knobs[i]);
		text = read_text_file(path);
		set(o, knobs[i], str_take(sysinfo_bracketed_choice(text)));
		free(text);
	}
	return o;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* vulnerabilities/<name> -> first line, sorted by name for stable output. */
static json_t *mitigations_info(void)
{
	struct dirent **names;
	char path[512];
	json_t *o;
	int n, i;

	n = scandir(VULN_DIR, &names, NULL, by_name);
	if (n < 0)
		return json_null();
	o = json_object();
	for (i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", VULN_DIR, names[i]->d_name);
			set(o, names[i]->d_name, file_line(path));
		}
		free(names[i]);
	}
	free(names);
	return o;
}

static json_t *perf_paranoid(void)
{
	long v;

	if (read_long_file("/proc/sys/kernel/perf_event_paranoid", &v) < 0)
		return json_null();
	return json_integer(v);
}

static json_t *tracefs_mount(void)
{
	char path[4096];

	return tracefs_mounted(path, sizeof(path)) == 0 ? or_null(json_string(path)) : json_null();
}

json_t *sysinfo_collect(void)
{
	json_t *info = json_object();
	struct utsname uts, *u = uname(&uts) == 0 ? &uts : NULL;
	char *cpuinfo, *flags;

	if (!info)
		return NULL;
	cpuinfo = read_text_file("/proc/cpuinfo");
	flags = sysinfo_field(cpuinfo, "flags");

	set(info, "kernel", kernel_info(u));
	set(info, "cmdline", file_line("/proc/cmdline"));
	set(info, "cpu", cpu_info(cpuinfo, flags));
	set(info, "hypervisor", hypervisor_info(flags));
	set(info, "memory", memory_info());
	set(info, "thp", thp_info());
	set(info, "mitigations", mitigations_info());
	set(info, "perf_event_paranoid", perf_paranoid());
	set(info, "tracefs", tracefs_mount());
	set(info, "tlb_interrupts", file_has_line("/proc/interrupts", "TLB:", true));
	set(info, "vmstat_tlb", file_has_line("/proc/vmstat", "nr_tlb_", false));
	/* MGLRU: folio_mark_accessed() then activates nothing (no pgactivate). */
	set(info, "lru_gen_enabled", file_line("/sys/kernel/mm/lru_gen/enabled"));
	set(info, "vmstat_pgactivate", file_has_line("/proc/vmstat", "pgactivate ", false));
	set(info, "clocksource",
	    file_line("/sys/devices/system/clocksource/clocksource0/current_clocksource"));
	set(info, "hostname", u ? json_string(u->nodename) : NULL);

	free(flags);
	free(cpuinfo);
	return info;
}

/* Strings bare, booleans yes/no, null "n/s", anything else as compact JSON. */
static void print_scalar(const json_t *v, FILE *out)
{
	char *s;

	if (json_is_string(v)) {
		fputs(json_string_value(v), out);
	} else if (json_is_integer(v)) {
		fprintf(out, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	} else if (json_is_boolean(v)) {
		fputs(json_is_true(v) ? "yes" : "no", out);
	} else if (!v || json_is_null(v)) {
		fputs("n/s", out);
	} else if ((s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY))) {
		fputs(s, out);
		free(s);
	}
}

static void print_object(const json_t *obj, int depth, FILE *out)
{
	json_t *o = (json_t *)obj; /* jansson's iterator API is not const-correct */
	void *it;

	for (it = json_object_iter(o); it; it = json_object_iter_next(o, it)) {
		const json_t *v = json_object_iter_value(it);

		fprintf(out, "%*s%s:", depth * 2, "", json_object_iter_key(it));
		if (json_is_object(v) && json_object_size(v)) {
			fputc('\n', out);
			print_object(v, depth + 1, out);
		} else {
			fputc(' ', out);
			print_scalar(v, out);
			fputc('\n', out);
		}
	}
}

void sysinfo_print(const json_t *info, FILE *out)
{
	if (json_is_object(info)) {
		print_object(info, 0, out);
	} else {
		print_scalar(info, out);
		fputc('\n', out);
	}
}
