/* compare's rows on paper: a table for the terminal, Markdown for a posting
 * (`tlbbench report`), CSV for a spreadsheet. */
#ifndef TLBBENCH_COMPARE_PRINT_H
#define TLBBENCH_COMPARE_PRINT_H

#include <stdio.h>

#include "compare.h"

enum compare_format { FORMAT_TABLE, FORMAT_MD, FORMAT_CSV };

/* The header (which runs), a row per case and metric, then the cases one side
 * lacks (not in CSV: its rows are all there is). */
void compare_print(FILE *out, enum compare_format f, const struct result_set *a, const struct result_set *b,
		   const struct compare_row *rows, int n);

#endif
