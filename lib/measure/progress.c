#include "progress.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

void progress_start(struct progress *p, int ncases, long total_samples)
{
	memset(p, 0, sizeof(*p));
	p->tty = isatty(STDERR_FILENO);
	p->ncases = ncases;
	p->total_samples = total_samples;
	p->start_ns = monotonic_raw_ns();
}

void progress_case(struct progress *p, int case_index, const char *label, bool first_visit)
{
	p->case_index = case_index;
	snprintf(p->label, sizeof(p->label), "%s", label);
	if (!p->tty && first_visit)
		fprintf(stderr, "[%d/%d] %s\n", case_index + 1, p->ncases, label);
}

void progress_sample(struct progress *p, int sample, int samples)
{
	double elapsed, eta;

	p->done_samples++;
	if (!p->tty)
		return;
	elapsed = (double)(monotonic_raw_ns() - p->start_ns) / 1e9;
	eta = elapsed / (double)p->done_samples * (double)(p->total_samples - p->done_samples);
	fprintf(stderr, "\r\033[K[case %d/%d] %s  sample %d/%d  ETA %d:%02d", p->case_index + 1, p->ncases, p->label,
		sample, samples, (int)eta / 60, (int)eta % 60);
}

void progress_break(struct progress *p)
{
	if (p->tty)
		fputs("\r\033[K", stderr);
}
