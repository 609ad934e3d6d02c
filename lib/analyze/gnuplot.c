/* Running gnuplot on the scripts in plots/ with variables, and the data
 * columns the plots share. */
#define _GNU_SOURCE
#include "gnuplot.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "datadir.h"
#include "stats.h"

/* snprintf for strings bounded by the result directory's path: paths fit in
 * PATH_MAX; a message that does not fit is cut, never overrun. */
void bounded(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

void drawn(int rc, const char *one_why, bool *failed, char *why, size_t len)
{
	size_t used = *failed ? strlen(why) : 0;

	if (rc >= 0)
		return;
	snprintf(why + used, len - used, "%s%s", used ? "; " : "", one_why);
	*failed = true;
}

void var(struct gnuplot_vars *v, const char *name, const char *value)
{
	if (v->count < MAX_VARS)
		bounded(v->text[v->count++], sizeof(v->text[0]), "%s='%s'", name, value);
}

/* Median and bootstrap CI of a metric, as three data columns ("NaN" when unread). */
void write_stat(FILE *f, const struct result_case *c, const struct result_set *rs, const char *metric)
{
	size_t n;
	double *v = results_values(c, results_metric_index(rs, metric), &n);
	struct summary s;

	if (n) {
		stats_summarise(v, n, 1, &s);
		fprintf(f, " %.6g %.6g %.6g", s.median, s.ci_lo, s.ci_hi);
	} else {
		fprintf(f, " NaN NaN NaN");
	}
	free(v);
}

/* The scripts live in the data directory's plots/, or where TLBBENCH_PLOT_DIR says. */
static void script_path(const char *name, char *path, size_t len)
{
	const char *dir = getenv("TLBBENCH_PLOT_DIR");

	if (dir)
		bounded(path, len, "%s/%s", dir, name);
	else
		bounded(path, len, "%s/plots/%s", data_dir(), name);
}

/* gnuplot's messages, less its "empty x range [1:1], adjusting" warnings: a
 * single CPU count or an all-zero IPI panel is what was measured, and gnuplot
 * widens the axis itself. */
static void relay_messages(int fd)
{
	FILE *in = fdopen(fd, "r");
	char line[1024];

	if (!in) {
		close(fd);
		return;
	}
	while (fgets(line, sizeof(line), in))
		if (!(strncmp(line, "Warning: empty ", 15) == 0 && strstr(line, " range [")))
			fputs(line, stderr);
	fclose(in);
}

int run_gnuplot(const char *script, const struct gnuplot_vars *v, char *why, size_t len)
{
	char path[PATH_MAX * 2];
	const char *argv[2 * MAX_VARS + 3];
	int argc = 0, status = 0, err[2];
	pid_t pid;

	script_path(script, path, sizeof(path));
	argv[argc++] = "gnuplot";
	for (int i = 0; i < v->count; i++) {
		argv[argc++] = "-e";
		argv[argc++] = v->text[i];
	}
	argv[argc++] = path;
	argv[argc] = NULL;
	if (pipe2(err, O_CLOEXEC) < 0) {
		bounded(why, len, "gnuplot %s: %s", path, strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid == 0) {
		dup2(err[1], STDERR_FILENO);
		execvp("gnuplot", (char *const *)argv);
		_exit(127);
	}
	close(err[1]);
	relay_messages(err[0]);
	if (pid < 0 || waitpid(pid, &status, 0) < 0) {
		bounded(why, len, "gnuplot %s: %s", path, strerror(errno));
		return -1;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		bounded(why, len, "gnuplot %s failed (%s)", path,
			 WIFEXITED(status) && WEXITSTATUS(status) == 127 ? "gnuplot is not installed" :
											"see its messages above");
		return -1;
	}
	return 0;
}

int make_dir(const char *dir, char *why, size_t len)
{
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		bounded(why, len, "cannot create %s: %s", dir, strerror(errno));
		return -1;
	}
	return 0;
}


int gnuplot_draw(struct gnuplot_vars *v, const char *script, const char *dir, const char *name, char *why, size_t len)
{
	char path[PATH_MAX];

	bounded(path, sizeof(path), "%s/%s", dir, name);
	var(v, "outbase", path);
	if (run_gnuplot(script, v, why, len) < 0)
		return -1;
	printf("%s.png\n", path);
	return 0;
}
