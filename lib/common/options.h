/* One option parser for every subcommand, as perf's parse-options: each
 * command declares its options in a table, and gets --help, the refusal of an
 * unknown option or a stray argument, and its usage text from it. */
#ifndef TLBBENCH_OPTIONS_H
#define TLBBENCH_OPTIONS_H

#include <stdio.h>

/* An option: its long name, a short letter (0: none), the name of its
 * argument (NULL: it takes none), and its help (lines after the first are
 * indented to the help column). */
struct cmd_option {
	const char *name;
	int short_name;
	const char *arg;
	const char *help;
};

struct cmd_spec {
	const char *name;     /* "compare" */
	const char *args;     /* positional arguments for the usage line: "BASE NEW" */
	const char *about;    /* what the command does, printed under the usage line */
	int min_args, max_args;
	const struct cmd_option *opts; /* ends with { NULL } */
	void (*more_help)(FILE *f);    /* printed after the options, or NULL */
};

/* Parse argv (argv[0] is the command's name), calling fn(ctx, i, arg) for
 * each option given, i its index in spec->opts. --help or -h prints the usage
 * and exits 0; an unknown option, a missing argument or a wrong number of
 * arguments prints one line with a hint to --help and exits 2. Returns the
 * index in argv of the first positional argument. */
int options_parse(const struct cmd_spec *spec, int argc, char **argv, void (*fn)(void *ctx, int opt, const char *arg),
		  void *ctx);
/* The fn of a command that has no options of its own. */
void options_none(void *ctx, int opt, const char *arg);
void options_usage(const struct cmd_spec *spec, FILE *f);

#endif
