/* tlbbench race: the lost-write detector (see bench/race.c). */
#ifndef TLBBENCH_RACE_H
#define TLBBENCH_RACE_H

/* Exit status: 0 no loss found, 1 lost writes (or the system failed us), 2 bad input. */
int cmd_race(int argc, char **argv);

#endif
