/* `tlbbench run`: options, validation of every case up front, the sweep. */
#ifndef TLBBENCH_RUN_H
#define TLBBENCH_RUN_H

#include "revision.h"

int cmd_run(int argc, char **argv);
/* `tlbbench events` (lib/events_cmd.c). */
int cmd_events(int argc, char **argv);

#endif
