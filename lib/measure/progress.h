/* Progress of a run on stderr: on a TTY one updating line (case i/N, sample
 * j/M, ETA); otherwise one line per case, so logs stay readable. */
#ifndef TLBBENCH_PROGRESS_H
#define TLBBENCH_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

struct progress {
	bool tty;
	int ncases, case_index;
	long total_samples, done_samples; /* warmup included */
	uint64_t start_ns;
	char label[160];
};

void progress_start(struct progress *p, int ncases, long total_samples);
/* A visit to a case; without a TTY only its first visit gets a line. */
void progress_case(struct progress *p, int case_index, const char *label, bool first_visit);
void progress_sample(struct progress *p, int sample, int samples);
/* Leave the updating line before other output goes to stderr. */
void progress_break(struct progress *p);

#endif
