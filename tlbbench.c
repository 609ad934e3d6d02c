/* tlbbench: what TLB flushing costs the kernel when it tears down large mappings.
 * Subcommands in a table, as perf does. */
#define _GNU_SOURCE
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "workload.h"
#include "commands.h"
#include "revision.h"
#include "analyze.h"
#include "compare.h"
#include "datadir.h"
#include "kstat.h"
#include "meta.h"
#include "model.h"
#include "options.h"
#include "plot.h"
#include "pmu.h"
#include "sysinfo.h"
#include "placement.h"
#include "util.h"

static const char *const placement_descriptions[PLACE_POLICY_COUNT] = {
	[PLACE_COMPACT] = "logical PU order: SMT siblings first",
	[PLACE_SCATTER] = "one PU per core, across packages and L3s first, SMT siblings last",
	[PLACE_SMT] = "the measuring PU's SMT sibling first, then one PU per core",
	[PLACE_CROSS_LLC] = "remote threads in other L3 domains first",
	[PLACE_CROSS_NUMA] = "remote threads in other NUMA nodes first",
	[PLACE_LIST] = "these PUs (OS indexes), the measuring thread on the first",
};

/* Commands that take no option and no argument: the usage line, --help, refusals. */
static void no_arguments(const char *name, const char *about, int argc, char **argv)
{
	const struct cmd_spec spec = { .name = name, .about = about };

	options_parse(&spec, argc, argv, options_none, NULL);
}

static int cmd_list(int argc, char **argv)
{
	no_arguments("list", "The ops, backings, touch patterns, remote modes and placements a sweep takes.", argc,
		     argv);
	printf("ops (workloads):\n");
	for (int i = 0; i < workload_count; i++)
		printf("  %-14s %s\n", workloads[i]->name, workloads[i]->description);
	printf("backings:\n");
	for (int b = 0; b < BACKING_COUNT; b++)
		printf("  %-14s %s\n", backing_name(b), backing_description(b));
	printf("touch:\n  %-14s %s\n  %-14s %s\n", "dirty", "a store to every page through the mapping", "clean",
	       "a load from every page (a file is filled by write() and fsync first; private anon maps the zero page)");
	printf("populate (how pages are faulted in before the op):\n");
	for (int p = 0; p < POPULATE_COUNT; p++)
		printf("  %-14s %s\n", populate_name(p), populate_description(p));
	printf("dirty_tables:\n  %-14s %s\n", "50%, 64", "dose-response: fault clean, then dirty the first page of "
	       "this share or count of the page tables (shmem, file)");
	printf("remote modes:\n  %-14s %s\n  %-14s %s\n  %-14s %s\n", "spin", "busy loop on its CPU", "touch",
	       "loads from the mapping until the op starts (TLB holds its entries)", "idle",
	       "asleep: the CPU is in lazy-TLB mode");
	printf("placements (measuring thread first, then the remote threads):\n");
	for (int p = 0; p < PLACE_POLICY_COUNT; p++)
		printf("  %-14s %s\n", p == PLACE_LIST ? "pus:0+2+5" : placement_policy_name(p), placement_descriptions[p]);
	return 0;
}

/* meta.json keeps a boolean and why not; on screen a counter source is said as perf says an event. */
static void counter_on_screen(json_t *counters, const char *key)
{
	char why_key[64];
	const char *why;

	snprintf(why_key, sizeof(why_key), "%s_why_not", key);
	why = json_string_value(json_object_get(counters, why_key));
	json_object_set_new(counters, key, why ? json_sprintf("<not supported> (%s)", why) : json_string("supported"));
	json_object_del(counters, why_key);
}

static int cmd_info(int argc, char **argv)
{
	struct kernel_model model;
	struct kstat k;
	json_t *info;

	no_arguments("info", "The kernel, CPU, hypervisor, THP, mitigations, and which counters work here.", argc,
		     argv);
	kstat_open(&k);
	model_probe(&model, &k);
	info = sysinfo_collect();
	json_object_set_new(info, "counters", counters_probe_json(&k));
	counter_on_screen(json_object_get(info, "counters"), "interrupts_tlb");
	counter_on_screen(json_object_get(info, "counters"), "vmstat_nr_tlb");
	json_object_set_new(info, "kernel_model", model_json(&model));
	kstat_close(&k);
	sysinfo_print(info, stdout);
	json_decref(info);
	return 0;
}

static int cmd_version(int argc, char **argv)
{
	no_arguments("version", "The version and git revision, and where the configs and plot scripts are.", argc, argv);
	printf("tlbbench %s (%s)\ndata: %s\n", TLBBENCH_VERSION, TLBBENCH_GIT_REV, data_dir());
	return 0;
}

static int cmd_help(int argc, char **argv);

static const struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{ "run", cmd_run, "measure teardown ops: wall time, flushes by reason, IPIs, perf events" },
	{ "list", cmd_list, "list ops, backings, touch patterns, remote modes and placements" },
	{ "events", cmd_events, "which perf events open here (thread and CPU scope), and why not" },
	{ "compare", cmd_compare, "compare two result directories; --signoff RULES gives the verdict" },
	{ "analyze", cmd_analyze, "what the forced flushes cost: dirty against clean shmem, priced; --counts: at more CPUs" },
	{ "plot", cmd_plot, "gnuplot plots of a result directory (and of NEW against it)" },
	{ "report", cmd_report, "one Markdown sign-off report of BASE against NEW, with its plots, for a posting" },
	{ "race", cmd_race, "race detector: zaps racing writeback (--dir), hole punches or F_SEAL_WRITE" },
	{ "info", cmd_info, "kernel, CPU, hypervisor, THP, mitigations, and which counters work" },
	{ "version", cmd_version, "print version and git revision" },
	{ "help", cmd_help, "this text; 'tlbbench COMMAND --help' for a command's options" },
};

static int cmd_help(int argc, char **argv)
{
	if (argv)
		no_arguments("help", "The commands; 'tlbbench COMMAND --help' for a command's options.", argc, argv);
	printf("usage: tlbbench COMMAND [OPTIONS]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		printf("  %-8s %s\n", commands[i].name, commands[i].summary);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		cmd_help(0, NULL);
		return EXIT_BAD_INPUT;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].fn(argc - 1, argv + 1);
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		return cmd_help(0, NULL);
	if (strcmp(argv[1], "--version") == 0)
		return cmd_version(0, NULL);
	die_bad_input("unknown command '%s' (try 'tlbbench help')", argv[1]);
}
