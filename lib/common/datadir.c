#define _GNU_SOURCE
#include "datadir.h"

#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "datadir_path.h" /* TLBBENCH_DATADIR, written by the Makefile from PREFIX */

static int has_subdir(const char *dir, const char *sub)
{
	char path[PATH_MAX * 2];

	snprintf(path, sizeof(path), "%s/%s", dir, sub);
	return access(path, X_OK) == 0;
}

const char *data_dir(void)
{
	static char dir[PATH_MAX + 32];
	char exe[PATH_MAX];
	const char *env = getenv("TLBBENCH_DATA_DIR");
	ssize_t n;

	if (env && *env)
		return env;
	if (*dir)
		return dir;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		snprintf(dir, sizeof(dir), "%s", dirname(exe));
		if (has_subdir(dir, "plots"))
			return dir;
		/* PREFIX/bin/tlbbench -> PREFIX/share/tlbbench, wherever PREFIX was copied to */
		strcat(dir, "/../share/tlbbench");
		if (has_subdir(dir, "plots") && realpath(dir, exe))
			return strcpy(dir, exe);
	}
	return strcpy(dir, TLBBENCH_DATADIR);
}

/* 1 a file (or what stands for one: not a directory), 0 absent, -1 a directory. */
static int file_there(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return 0;
	return S_ISDIR(st.st_mode) ? -1 : 1;
}

char *data_file(const char *path, const char *subdir, char *why, size_t len)
{
	const char *data = data_dir();
	char *found;
	int there = file_there(path);

	if (there > 0)
		return strdup(path);
	if (there < 0) {
		snprintf(why, len, "%s: a directory, not a file", path);
		return NULL;
	}
	if (path[0] != '/') {
		if (asprintf(&found, "%s/%s/%s", data, subdir, path) < 0)
			return NULL;
		if (file_there(found) > 0)
			return found;
		free(found);
		if (asprintf(&found, "%s/%s", data, path) < 0)
			return NULL;
		if (file_there(found) > 0)
			return found;
		free(found);
		snprintf(why, len, "%s: no such file, here or in %s/%s", path, data, subdir);
		return NULL;
	}
	snprintf(why, len, "%s: no such file", path);
	return NULL;
}
