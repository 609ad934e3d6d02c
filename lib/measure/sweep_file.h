/* Sweep configs (INI, lib/common/inifile.c): [sweep] sets the defaults and the
 * run-wide keys; each [case NAME] section is a sweep of its own built on
 * those defaults; without [case] sections, [sweep] is the sweep. */
#ifndef TLBBENCH_SWEEP_FILE_H
#define TLBBENCH_SWEEP_FILE_H

#include <stddef.h>

#include "inifile.h"
#include "sweep.h"

#define CONFIG_MAX_SWEEPS 32

/* Fill sweeps (at most max) and the run-wide settings from path. -1 with
 * "path:line: reason" in why for anything the file gets wrong. */
int sweep_config_load(const char *path, int max_cpus, struct sweep *sweeps, int max, int *count,
		      struct run_settings *run, char *why, size_t len);

#endif
