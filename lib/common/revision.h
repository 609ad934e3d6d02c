/* tlbbench's version and the git revision it was built from, which every
 * result's meta.json records and `run --resume` checks. */
#ifndef TLBBENCH_REVISION_H
#define TLBBENCH_REVISION_H

#ifndef TLBBENCH_VERSION
#define TLBBENCH_VERSION "0.1.0"
#endif
#include "version.h" /* TLBBENCH_GIT_REV, written by the Makefile */

#endif
