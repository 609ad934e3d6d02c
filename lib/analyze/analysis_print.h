/* The analysis as `tlbbench analyze` prints it: the calibrated price of one
 * forced flush, the in-situ price from a dose-response, and the dirty-minus-
 * clean rows split into flush cost and what the deferred variant keeps. */
#ifndef TLBBENCH_ANALYSIS_PRINT_H
#define TLBBENCH_ANALYSIS_PRINT_H

#include <stdio.h>

#include "analyze.h"

void analysis_print(FILE *out, const struct analysis *a);

#endif
