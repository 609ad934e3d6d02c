/* `tlbbench plot`: gnuplot plots of result directories, with the scripts in plots/. */
#ifndef TLBBENCH_PLOT_H
#define TLBBENCH_PLOT_H

#include <stddef.h>

#include "results.h"

/* time, flushes, share and dose into DIR/plots; -1 with why. */
int plot_run(const struct result_set *rs, char *why, size_t len);
/* compare.png in NEW/plots: each case's change of time per GiB against BASE. */
int plot_compare(const struct result_set *base, const struct result_set *new, char *why, size_t len);
/* ab-counts.png in NEW/plots: flushes and IPIs per GiB of every case of both, base beside new. */
int plot_ab_counts(const struct result_set *base, const struct result_set *new, char *why, size_t len);
/* What `tlbbench plot BASE [NEW]` draws: each run's plots, then (new not NULL)
 * NEW against BASE; each drawn whatever the others did, -1 with every failure in why. */
int plot_all(const struct result_set *base, const struct result_set *new, char *why, size_t len);

#endif
