/* share.png and dose.png: the plots of `tlbbench analyze`'s numbers. */
#ifndef TLBBENCH_PLOT_ANALYSIS_H
#define TLBBENCH_PLOT_ANALYSIS_H

#include <stddef.h>

#include "results.h"

/* Both plots into dir, where the run has what they need (else a note); -1 with why. */
int plot_analysis(const struct result_set *rs, const char *subtitle_text, const char *dir, char *why, size_t len);

#endif
