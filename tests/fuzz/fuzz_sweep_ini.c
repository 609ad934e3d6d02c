/* The sweep INI reader, and what run does next with what it read: each
 * sweep finished and expanded into cases. */
#include <stdlib.h>

#include "fuzz.h"
#include "sweep_file.h"

#define MAX_CASES 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sweep sweeps[CONFIG_MAX_SWEEPS];
	static struct case_params cases[MAX_CASES];
	struct run_settings run;
	char why[512];
	int n = 0;

	run_settings_defaults(&run);
	if (sweep_config_load(fuzz_file("sweep.ini", data, size), 4, sweeps, CONFIG_MAX_SWEEPS, &n, &run, why,
			      sizeof(why)) < 0)
		return 0;
	for (int s = 0; s < n; s++)
		if (sweep_finish(&sweeps[s], why, sizeof(why)) == 0)
			sweep_expand(&sweeps[s], cases, MAX_CASES);
	return 0;
}
