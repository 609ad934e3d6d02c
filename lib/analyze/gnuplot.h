/* Helpers for `tlbbench plot`: gnuplot runs on the scripts in plots/ (or
 * $TLBBENCH_PLOT_DIR) with -e variables, and the data columns plots share. */
#ifndef TLBBENCH_GNUPLOT_H
#define TLBBENCH_GNUPLOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "results.h"

#define MAX_VARS 64

struct gnuplot_vars {
	int count;
	char text[MAX_VARS][4096];
};

/* snprintf for strings bounded by the result directory's path: paths fit in
 * PATH_MAX; a message that does not fit is cut, never overrun. */
void bounded(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* A drawing's result into a run of them: each is drawn whatever the others
 * did; why gathers every failure ("a; b"), and *failed says there was one. */
void drawn(int rc, const char *one_why, bool *failed, char *why, size_t len);
/* name='value' for gnuplot -e. */
void var(struct gnuplot_vars *v, const char *name, const char *value);
/* Median and bootstrap CI of a metric, as three data columns ("NaN" when unread). */
void write_stat(FILE *f, const struct result_case *c, const struct result_set *rs, const char *metric);
int run_gnuplot(const char *script, const struct gnuplot_vars *v, char *why, size_t len);
int make_dir(const char *dir, char *why, size_t len);
/* Run plots/SCRIPT.gp with outbase DIR/NAME and say where DIR/NAME.png is. */
int gnuplot_draw(struct gnuplot_vars *v, const char *script, const char *dir, const char *name, char *why, size_t len);

#endif
