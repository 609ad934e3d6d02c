/* `tlbbench events`: which perf events open here, in which scope, and why not. */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "pmu.h"
#include "run.h"
#include "sweep.h"
#include "util.h"

static void print_scope(const char *scope, const struct pmu_set *s, int i)
{
	printf("    %-7s %s\n", scope, s->ev[i].fd >= 0 ? "supported" : s->ev[i].unsupported);
}

int cmd_events(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "events", required_argument, NULL, 'e' }, { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	struct event_set requested;
	struct pmu_set thread, cpu;
	char why[256];
	int opt;

	event_set_defaults(&requested);
	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (opt == 'e' && event_set_parse(&requested, optarg, why, sizeof(why)) < 0)
			die_bad_input("--events: %s", why);
		if (opt == 'h') {
			printf("usage: tlbbench events [--events LIST]\n"
			       "Opens each event on this thread and CPU-wide on CPU 0, and says why not.\n");
			return 0;
		}
		if (opt == '?')
			return EXIT_BAD_INPUT;
	}
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
