/* `tlbbench events`: which perf events open here, in which scope, and why not. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "options.h"
#include "pmu.h"
#include "commands.h"
#include "sweep.h"
#include "util.h"

#define EVENTS_LIST_LEN 1024

static void print_scope(const char *scope, const struct pmu_set *s, int i)
{
	if (s->ev[i].fd >= 0)
		printf("    %-7s supported\n", scope);
	else
		printf("    %-7s <not supported> (%s)\n", scope, s->ev[i].unsupported);
}

static const struct cmd_option events_options[] = {
	{ "events", 'e', "LIST", "these events (libpfm4 strings, 'default' for the default set) instead;\n"
				     "lists given more than once add up" },
	{ "event", 0, "LIST", "the same as --events" },
	{ NULL, 0, NULL, NULL },
};

static const struct cmd_spec events_spec = {
	.name = "events", .opts = events_options,
	.about = "Opens each event on this thread and CPU-wide on CPU 0, and says why not.",
};

/* -e a -e b: both lists, as run and perf take them. */
static void on_events_option(void *ctx, int opt, const char *arg)
{
	char why[128];

	(void)opt;
	/* Here an empty list would mean the default set. */
	if (!arg[0])
		die_bad_input("-e/--events: no value");
	if (event_list_append(ctx, EVENTS_LIST_LEN, arg, why, sizeof(why)) < 0)
		die_bad_input("%s", why);
}

int cmd_events(int argc, char **argv)
{
	struct event_set requested;
	struct pmu_set thread, cpu;
	char why[256], list[EVENTS_LIST_LEN] = "";

	options_parse(&events_spec, argc, argv, on_events_option, list);
	if (event_set_parse(&requested, list[0] ? list : "default", why, sizeof(why)) < 0)
		die_bad_input("%s", why);
	if (pmu_init(why, sizeof(why)) < 0)
		die_system("%s", why);
	pmu_open(&thread, requested.list, requested.count, 0, -1);
	pmu_open(&cpu, requested.list, requested.count, -1, 0);
	for (int i = 0; i < requested.count; i++) {
		printf("%s\n", requested.list[i]);
		print_scope("thread", &thread, i);
		print_scope("cpu", &cpu, i);
	}
	pmu_close(&thread);
	pmu_close(&cpu);
	return 0;
}
