/* `tlbbench events`: which perf events open here, in which scope, and why not. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "options.h"
#include "pmu.h"
#include "commands.h"
#include "sweep.h"
#include "util.h"

static void print_scope(const char *scope, const struct pmu_set *s, int i)
{
	if (s->ev[i].fd >= 0)
		printf("    %-7s supported\n", scope);
	else
		printf("    %-7s <not supported> (%s)\n", scope, s->ev[i].unsupported);
}

static const struct cmd_option events_options[] = {
	{ "events", 'e', "LIST", "these events (libpfm4 strings) instead of the default set" },
	{ "event", 0, "LIST", "the same as --events" },
	{ NULL, 0, NULL, NULL },
};

static const struct cmd_spec events_spec = {
	.name = "events", .opts = events_options,
	.about = "Opens each event on this thread and CPU-wide on CPU 0, and says why not.",
};

static void on_events_option(void *ctx, int opt, const char *arg)
{
	char why[256];

	(void)opt;
	if (event_set_parse(ctx, arg, why, sizeof(why)) < 0)
		die_bad_input("--events: %s", why);
}

int cmd_events(int argc, char **argv)
{
	struct event_set requested;
	struct pmu_set thread, cpu;
	char why[256];

	event_set_defaults(&requested);
	options_parse(&events_spec, argc, argv, on_events_option, &requested);
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
