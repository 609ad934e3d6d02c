#define _GNU_SOURCE
#include "options.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define MAX_OPTIONS 48
#define HELP_COLUMN 24

static int option_count(const struct cmd_spec *spec)
{
	int n = 0;

	while (spec->opts && spec->opts[n].name)
		n++;
	return n;
}

static void print_option(FILE *f, const struct cmd_option *o)
{
	char head[96];
	const char *line = o->help;
	int used;

	if (o->short_name)
		used = snprintf(head, sizeof(head), "  -%c, --%s", o->short_name, o->name);
	else
		used = snprintf(head, sizeof(head), "  --%s", o->name);
	if (o->arg)
		used += snprintf(head + used, sizeof(head) - (size_t)used, " %s", o->arg);
	fprintf(f, "%s", head);
	if (used >= HELP_COLUMN - 1)
		fprintf(f, "\n%*s", HELP_COLUMN, "");
	else
		fprintf(f, "%*s", HELP_COLUMN - used, "");
	for (const char *nl; (nl = strchr(line, '\n')); line = nl + 1)
		fprintf(f, "%.*s\n%*s", (int)(nl - line), line, HELP_COLUMN, "");
	fprintf(f, "%s\n", line);
}

void options_usage(const struct cmd_spec *spec, FILE *f)
{
	int n = option_count(spec);

	fprintf(f, "usage: tlbbench %s%s%s%s\n", spec->name, n ? " [OPTIONS]" : "", spec->args ? " " : "",
		spec->args ? spec->args : "");
	if (spec->about)
		fprintf(f, "%s\n", spec->about);
	for (int i = 0; i < n; i++)
		print_option(f, &spec->opts[i]);
	print_option(f, &(struct cmd_option){ "help", 'h', NULL, "this text" });
	if (spec->more_help)
		spec->more_help(f);
}

void options_none(void *ctx, int opt, const char *arg)
{
	(void)ctx, (void)opt, (void)arg;
}

/* Refuse, in one line, and point at --help. */
static void refuse(const struct cmd_spec *spec, const char *what, const char *arg)
{
	fprintf(stderr, "tlbbench %s: %s '%s' (try 'tlbbench %s --help')\n", spec->name, what, arg, spec->name);
	exit(EXIT_BAD_INPUT);
}

int options_parse(const struct cmd_spec *spec, int argc, char **argv, void (*fn)(void *ctx, int opt, const char *arg),
		  void *ctx)
{
	struct option longopts[MAX_OPTIONS + 2];
	char shortopts[2 * MAX_OPTIONS + 4] = ":h";
	int n = option_count(spec), c, idx, nargs;

	if (n > MAX_OPTIONS)
		abort(); /* a table too long for this parser: a programming error */
	for (int i = 0; i < n; i++) {
		const struct cmd_option *o = &spec->opts[i];

		/* val 256 + i: the table index, whatever the short letter */
		longopts[i] = (struct option){ o->name, o->arg ? required_argument : no_argument, NULL, 256 + i };
		if (o->short_name) {
			size_t len = strlen(shortopts);

			shortopts[len] = (char)o->short_name;
			shortopts[len + 1] = o->arg ? ':' : '\0';
			shortopts[len + 2] = '\0';
		}
	}
	longopts[n] = (struct option){ "help", no_argument, NULL, 'h' };
	longopts[n + 1] = (struct option){ NULL, 0, NULL, 0 };
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, &idx)) != -1) {
		if (c == 'h') {
			options_usage(spec, stdout);
			exit(0);
		}
		if (c == '?')
			refuse(spec, "unknown option", optopt ? (char[]){ '-', (char)optopt, '\0' } : argv[optind - 1]);
		if (c == ':')
			refuse(spec, "an argument is missing after", argv[optind - 1]);
		for (int i = 0; c < 256 && i < n; i++)
			if (spec->opts[i].short_name == c)
				c = 256 + i;
		fn(ctx, c - 256, optarg);
	}
	nargs = argc - optind;
	if (nargs > spec->max_args)
		refuse(spec, "unexpected argument", argv[optind + spec->max_args]);
	if (nargs < spec->min_args) {
		fprintf(stderr, "tlbbench %s: want %s (try 'tlbbench %s --help')\n", spec->name, spec->args, spec->name);
		exit(EXIT_BAD_INPUT);
	}
	return optind;
}
