/* The sign-off rule reader, and each rule applied as compare applies it. */
#include "fuzz.h"
#include "signoff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rule_set rules;
	char why[512];

	if (signoff_load(fuzz_file("signoff.ini", data, size), &rules, why, sizeof(why)) < 0)
		return 0;
	for (int i = 0; i < rules.count; i++)
		rule_applies(&rules.rules[i], "munmap", "shmem", "dirty");
	return 0;
}
