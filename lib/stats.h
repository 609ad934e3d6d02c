/* Summary statistics over a case's samples (GSL). */
#ifndef TLBBENCH_STATS_H
#define TLBBENCH_STATS_H

#include <stddef.h>

/* Median of n values (n > 0); sorts values in place. */
double stats_median(double *values, size_t n);

#endif
