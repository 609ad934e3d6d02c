/* The subcommands of tlbbench (tlbbench.c's table): each parses its own
 * options (lib/common/options.c) and calls the measuring half (lib/measure/)
 * or the analysing half (lib/analyze/). Exit: 0, 1 a check or rule failed,
 * 2 bad input, 3 a system failure. */
#ifndef TLBBENCH_COMMANDS_H
#define TLBBENCH_COMMANDS_H

int cmd_run(int argc, char **argv);
int cmd_events(int argc, char **argv);
/* 0 pass (or no rules), 1 a rule failed, 2 bad input. */
int cmd_compare(int argc, char **argv);
int cmd_analyze(int argc, char **argv);
int cmd_plot(int argc, char **argv);
/* 0 written and the sign-off passed, 1 a rule failed or no plot was drawn, 2 bad input. */
int cmd_report(int argc, char **argv);
/* 0 nothing found, 1 lost writes, a seal violated, kernel warnings or a taint, 2 bad input, 3 the run failed. */
int cmd_race(int argc, char **argv);

#endif
