/* Shared by the libFuzzer harnesses: the parsers under test read files, so
 * each input is written to a file in a directory of the fuzzing process. */
#ifndef TLBBENCH_FUZZ_H
#define TLBBENCH_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* dir/name holding data; the path, valid until the next call with that name. */
const char *fuzz_file(const char *name, const uint8_t *data, size_t size);
/* The directory those files are in (one per process, removed at exit). */
const char *fuzz_dir(void);
/* data as a C string (NUL-terminated copy); caller frees. */
char *fuzz_string(const uint8_t *data, size_t size);

#endif
