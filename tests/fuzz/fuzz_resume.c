/* The reader `run --resume` uses: samples.jsonl, then (after a first NUL
 * byte) cases.jsonl, matched to a sweep's cases. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "resume.h"
#include "sweep.h"

#define CASES 8

static int cases_of_a_sweep(struct case_params *cases)
{
	static struct sweep s;
	char why[512];

	sweep_defaults(&s, 2);
	if (sweep_set(&s, "op", "munmap,exit", why, sizeof(why)) < 0 ||
	    sweep_set(&s, "backing", "anon,shmem", why, sizeof(why)) < 0 ||
	    sweep_set(&s, "size", "2M,4M", why, sizeof(why)) < 0)
		abort();
	return sweep_expand(&s, cases, CASES);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct case_params cases[CASES];
	static struct run_settings run;
	static int n;
	struct case_prior priors[CASES];
	const uint8_t *nul = memchr(data, 0, size);
	size_t samples_size = nul ? (size_t)(nul - data) : size;
	FILE *samples, *case_file = NULL;
	char why[512];

	if (!n) {
		n = cases_of_a_sweep(cases);
		run_settings_defaults(&run); /* the default events, for what -x prints */
	}
	samples = fmemopen((void *)data, samples_size, "r");
	if (nul && size > samples_size + 1)
		case_file = fmemopen((void *)(nul + 1), size - samples_size - 1, "r");
	if (samples && resume_read(samples, case_file, "fuzz", cases, n, &run.events, priors, why, sizeof(why)) == 0)
		resume_priors_free(priors, n);
	if (samples)
		fclose(samples);
	if (case_file)
		fclose(case_file);
	return 0;
}
