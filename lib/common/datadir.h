/* Where tlbbench's data is (configs/, plots/, kernel/), so that an installed
 * binary finds it from any directory. */
#ifndef TLBBENCH_DATADIR_H
#define TLBBENCH_DATADIR_H

#include <stddef.h>

/* $TLBBENCH_DATA_DIR; else the binary's own directory when it holds plots/
 * (the source tree); else ../share/tlbbench beside the binary's bin/ (an
 * install, under DESTDIR too); else the directory compiled in (PREFIX). */
const char *data_dir(void);

/* A file named on the command line (`-c quick.ini`): the path as given when it
 * exists; else DATA/SUBDIR/PATH or DATA/PATH, whichever exists. NULL when none
 * does, with the places looked at in why. The result is malloc'd. */
char *data_file(const char *path, const char *subdir, char *why, size_t len);

#endif
