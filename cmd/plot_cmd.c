/* `tlbbench plot DIR [NEW]`: each run's plots, and NEW against DIR. */
#define _GNU_SOURCE
#include "commands.h"

#include <stdio.h>

#include "options.h"
#include "plot.h"
#include "results.h"
#include "util.h"

static const struct cmd_spec plot_spec = {
	.name = "plot", .args = "DIR [NEW]", .min_args = 1, .max_args = 2,
	.about = "gnuplot plots (PNG and SVG) of DIR in DIR/plots, and of NEW, and of NEW against DIR.",
};

int cmd_plot(int argc, char **argv)
{
	struct result_set sets[2];
	char why[4096];
	int first = options_parse(&plot_spec, argc, argv, options_none, NULL), n = argc - first, status;

	for (int i = 0; i < n; i++)
		if (results_load(argv[first + i], &sets[i], why, sizeof(why)) < 0)
			die_bad_input("%s", why);
	status = plot_all(&sets[0], n == 2 ? &sets[1] : NULL, why, sizeof(why)) < 0;
	if (status)
		fprintf(stderr, "tlbbench: %s\n", why);
	for (int i = 0; i < n; i++)
		results_free(&sets[i]);
	return status;
}
