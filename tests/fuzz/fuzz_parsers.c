/* The parsers of single values: the first byte picks one, the rest is its
 * text. Sizes, CPU counts, comma lists, placements, event lists, and every
 * sweep key as --set or a config gives it. */
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "fuzz.h"
#include "sweep.h"
#include "placement.h"

static const char *const keys[] = {
	"op", "backing", "touch", "populate", "dirty_tables", "size", "cap_size_to_memory", "cpus", "placement",
	"remote", "iterations", "warmup", "ci_target", "max_iterations", "max_time", "dir",
};
#define KEYS (int)(sizeof(keys) / sizeof(keys[0]))

static void one_sweep_key(int k, const char *text)
{
	static struct sweep s;
	char why[512];

	sweep_defaults(&s, 4);
	if (sweep_set(&s, keys[k], text, why, sizeof(why)) == 0)
		sweep_finish(&s, why, sizeof(why));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct event_set events;
	struct placement placement;
	char why[512], *items[LIST_MAX], *text;
	int counts[LIST_MAX], n;
	size_t bytes;

	if (size < 1)
		return 0;
	text = fuzz_string(data + 1, size - 1);
	switch (data[0] % (5 + KEYS)) {
	case 0: parse_size(text, &bytes, why, sizeof(why)); break;
	case 1: parse_cpu_counts(text, 1 + data[0] / 8, counts, &n, why, sizeof(why)); break;
	case 2: split_list(text, items, LIST_MAX); break;
	case 3: placement_parse(text, &placement, why, sizeof(why)); break;
	case 4: event_set_parse(&events, text, why, sizeof(why)); break;
	default: one_sweep_key(data[0] % (5 + KEYS) - 5, text); break;
	}
	free(text);
	return 0;
}
