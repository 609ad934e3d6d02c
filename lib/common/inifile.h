/* INI files, read with inih, for sweep configs and sign-off rules alike:
 * the sections and entries of a file, each with its line, and the first
 * problem in file order as "path:line: reason". The readers of sweeps
 * (lib/measure/sweep_file.c) and rules (lib/analyze/signoff.c) give the sections their
 * meaning. */
#ifndef TLBBENCH_INIFILE_H
#define TLBBENCH_INIFILE_H

#include <stddef.h>

#define INI_MAX_SECTIONS 96
#define INI_MAX_ENTRIES 512
/* inih reads lines of up to 200 bytes, newline and NUL included. */
#define INI_LINE_MAX 198

struct ini_entry {
	int section; /* index into sections; -1 before the first header */
	int line;
	char key[32];
	char value[256];
};

struct ini_section {
	int line;
	char name[128]; /* between the brackets */
};

struct ini_doc {
	char path[512];
	int lines; /* read so far */
	int nsections, nentries;
	struct ini_section sections[INI_MAX_SECTIONS];
	struct ini_entry entries[INI_MAX_ENTRIES];
	int error_line; /* of the first problem (0: none) */
	char error[1040]; /* path, line and a reason of up to 512 */
};

/* Read path into a new doc; NULL with "cannot read WHAT 'path':
 * reason" when it cannot be opened. A line too long, a syntax error (with
 * SYNTAX_HINT: what a line may be), a key set twice in a section, or too
 * many sections or keys are the doc's problem (ini_failed). */
struct ini_doc *ini_doc_read(const char *path, const char *what, const char *syntax_hint, char *why, size_t len);
void ini_doc_free(struct ini_doc *d);
/* Note a problem at line: the doc keeps the one earliest in the file. */
void ini_problem(struct ini_doc *d, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Has the doc a problem? Then why holds it. */
int ini_failed(const struct ini_doc *d, char *why, size_t len);

#endif
