/* The result reader compare, analyze and plot use, then compare's rows and
 * analyze's computation on what it read. The input is samples.jsonl; up to a
 * first NUL byte it is meta.json instead, the rest samples.jsonl. */
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "compare.h"
#include "fuzz.h"
#include "results.h"

static const char meta[] = "{\"tlbbench_version\": \"fuzz\", \"results_format\": 1}\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	struct result_set rs;
	struct compare_row *rows = NULL;
	struct analysis a;
	char why[512];

	if (nul) {
		fuzz_file("meta.json", data, (size_t)(nul - data));
		fuzz_file("samples.jsonl", nul + 1, size - (size_t)(nul - data) - 1);
	} else {
		fuzz_file("meta.json", (const uint8_t *)meta, sizeof(meta) - 1);
		fuzz_file("samples.jsonl", data, size);
	}
	if (results_load(fuzz_dir(), &rs, why, sizeof(why)) < 0)
		return 0;
	if (compare_rows(&rs, &rs, 1, NULL, &rows) >= 0)
		free(rows);
	analysis_compute(&rs, &a, why, sizeof(why));
	analysis_free(&a);
	results_free(&rs);
	return 0;
}
