/* `tlbbench run --resume DIR`: what an interrupted run had measured, read back
 * from its result directory, so the sweep goes on where it stopped. */
#ifndef TLBBENCH_RESUME_H
#define TLBBENCH_RESUME_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "sample.h"

/* Does DIR's meta.json describe a run this tlbbench, on this kernel, with this
 * config can go on with? Its meta.json is returned (caller decrefs); -1 with
 * the reason in why. */
json_t *resume_meta(const char *dir, char *why, size_t len);
/* The run's command line from meta (after "tlbbench run"), as argv; NULL with why. */
char **resume_argv(const json_t *meta, int *argc, char *why, size_t len);
void resume_argv_free(char **argv, int argc);

/* priors[i] for cases[i], from DIR's samples.jsonl and cases.jsonl; the run's
 * events (NULL: none) for what -x prints. A last line of samples.jsonl or
 * samples.csv cut off by a crash is removed from the file first. -1 with why
 * (file:line). */
int resume_priors(const char *dir, const struct case_params *cases, int n, const struct event_set *events,
		  struct case_prior *priors, char *why, size_t len);
/* The same from one open samples.jsonl and cases.jsonl (either may be NULL): the
 * reader itself, for tests and the fuzzer. */
int resume_read(FILE *samples, FILE *cases_file, const char *dir, const struct case_params *cases, int n,
		const struct event_set *events, struct case_prior *priors, char *why, size_t len);
void resume_priors_free(struct case_prior *priors, int n);

#endif
