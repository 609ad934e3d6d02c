/* exit_group of a forked child that mapped and touched the memory, with its
 * remote threads running. The time runs from the child's stamp just before
 * exit_group to the parent's wake-up on the child's pidfd. Each sample also
 * times a child with no mapping, so the mapping's share is visible. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

#include "workload.h"
#include "util.h"

struct exit_shared {
	uint64_t exit_start_ns;
	struct smaps_vma smaps; /* the child's mapping as set up */
	char why[512];
};

struct exit_child {
	struct exit_shared *shared;
	pid_t pid;
	int pidfd, ready_fd, go_fd;
};

static void child_fail(struct exit_shared *shared, const char *why)
{
	snprintf(shared->why, sizeof(shared->why), "exit child: %s", why);
	_exit(3);
}

/* The child: map, start remote threads, report ready, wait for go, exit. */
static void __attribute__((noreturn)) child_main(struct wl_ctx *ctx, bool with_mapping, int ready_fd, int go_fd,
						   struct exit_shared *shared)
{
	const struct case_params *p = ctx->params;
	struct remote_set remotes;
	struct mapping_spec spec = case_mapping_spec(p);
	struct mapping map;
	char why[512], go;

	if (with_mapping && mapping_create(&map, &spec, why, sizeof(why)) < 0)
		child_fail(shared, why);
	if (with_mapping)
		shared->smaps = map.smaps;
	if (remote_start(&remotes, p->remote, ctx->topo, &ctx->pus[1], p->cpus - 1, why, sizeof(why)) < 0)
		child_fail(shared, why);
	if (remote_ready(&remotes, with_mapping ? map.addr : NULL, with_mapping ? map.size : 0, why, sizeof(why)) < 0)
		child_fail(shared, why);
	if (write(ready_fd, "R", 1) != 1 || read(go_fd, &go, 1) != 1)
		_exit(4);
	shared->exit_start_ns = monotonic_raw_ns();
	syscall(SYS_exit_group, 0);
	_exit(0);
}

/* How the child ended, once it has (it stays a zombie for child_reap):
 * NULL for exit status 0, else "killed by signal 9 (Killed)" or "exited with
 * status 4" in buf. */
static const char *child_end(const struct exit_child *c, char *buf, size_t len)
{
	siginfo_t info;

	memset(&info, 0, sizeof(info));
	if (waitid(P_PIDFD, (id_t)c->pidfd, &info, WEXITED | WNOWAIT) < 0)
		snprintf(buf, len, "waitid: %s", strerror(errno));
	else if (info.si_code == CLD_EXITED && info.si_status == 0)
		return NULL;
	else if (info.si_code == CLD_EXITED)
		snprintf(buf, len, "exited with status %d", info.si_status);
	else
		snprintf(buf, len, "killed by signal %d (%s)", info.si_status, strsignal(info.si_status));
	return buf;
}

/* The child died: a refusal when it said why (its mapping is not what was
 * asked), else a failed sample. */
static int child_died(struct wl_ctx *ctx, struct exit_child *c, const char *when)
{
	char how[128];

	if (c->shared->why[0]) {
		snprintf(ctx->why, sizeof(ctx->why), "%s", c->shared->why);
		return -1;
	}
	snprintf(ctx->why, sizeof(ctx->why), "exit child %s %s", child_end(c, how, sizeof(how)) ?: "exited", when);
	return WL_SAMPLE_FAILED;
}

static int child_start(struct wl_ctx *ctx, struct exit_child *c, bool with_mapping)
{
	int ready[2], go[2];
	char byte;

	memset(c, 0, sizeof(*c));
	c->shared = mmap(NULL, sizeof(*c->shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (c->shared == MAP_FAILED || pipe2(ready, O_CLOEXEC) < 0 || pipe2(go, O_CLOEXEC) < 0) {
		snprintf(ctx->why, sizeof(ctx->why), "exit: shared memory or pipes: %s", strerror(errno));
		return -1;
	}
	c->pid = fork();
	if (c->pid == 0) {
		close(ready[0]);
		close(go[1]);
		child_main(ctx, with_mapping, ready[1], go[0], c->shared);
	}
	close(ready[1]);
	close(go[0]);
	c->ready_fd = ready[0];
	c->go_fd = go[1];
	c->pidfd = c->pid > 0 ? (int)syscall(SYS_pidfd_open, c->pid, 0) : -1;
	if (c->pid < 0 || c->pidfd < 0) {
		snprintf(ctx->why, sizeof(ctx->why), "exit: fork or pidfd_open: %s", strerror(errno));
		return -1;
	}
	if (read(c->ready_fd, &byte, 1) != 1)
		return child_died(ctx, c, "before it was ready");
	return 0;
}

/* Let the child exit; return when its pidfd says it has. A child that died
 * first closed its end of the pipe: EPIPE (SIGPIPE is ignored for that). */
static int child_release(struct wl_ctx *ctx, struct exit_child *c)
{
	struct pollfd pfd = { .fd = c->pidfd, .events = POLLIN };

	signal(SIGPIPE, SIG_IGN);
	if (write(c->go_fd, "G", 1) != 1)
		return errno == EPIPE ? child_died(ctx, c, "before it was told to exit") : -1;
	while (poll(&pfd, 1, -1) < 0)
		if (errno != EINTR) {
			snprintf(ctx->why, sizeof(ctx->why), "exit: poll on pidfd: %s", strerror(errno));
			return -1;
		}
	return child_end(c, ctx->why, sizeof(ctx->why)) ? child_died(ctx, c, "instead of exiting") : 0;
}

static void child_reap(struct exit_child *c)
{
	if (c->pid > 0) {
		if (c->go_fd > 0)
			close(c->go_fd);
		waitpid(c->pid, NULL, 0);
	}
	if (c->pidfd > 0)
		close(c->pidfd);
	if (c->ready_fd > 0)
		close(c->ready_fd);
	if (c->shared && c->shared != MAP_FAILED)
		munmap(c->shared, sizeof(*c->shared));
	memset(c, 0, sizeof(*c));
}

static int exit_setup(struct wl_ctx *ctx)
{
	struct exit_child *c = calloc(1, sizeof(*c));
	int ret;

	ctx->priv = c;
	ret = c ? child_start(ctx, c, true) : -1;
	if (ret)
		return ret;
	ctx->measured_pid = c->pid;
	ctx->map.size = ctx->params->size;
	ctx->map.smaps = c->shared->smaps;
	return 0;
}

static int exit_run(struct wl_ctx *ctx)
{
	struct exit_child *c = ctx->priv;
	int ret = child_release(ctx, c);

	ctx->op_start_ns = c->shared->exit_start_ns;
	return ret;
}

static void exit_teardown(struct wl_ctx *ctx)
{
	if (ctx->priv)
		child_reap(ctx->priv);
	free(ctx->priv);
	ctx->priv = NULL;
}

static int exit_baseline(struct wl_ctx *ctx, uint64_t *ns)
{
	struct exit_child c;
	int ret = child_start(ctx, &c, false);

	if (ret == 0)
		ret = child_release(ctx, &c);
	if (ret == 0)
		*ns = monotonic_raw_ns() - c.shared->exit_start_ns;
	child_reap(&c);
	return ret;
}

const struct workload workload_exit = {
	.name = "exit",
	.description = "exit_group(2) of a child holding the mapping, timed to the parent's pidfd wake-up",
	.owns_remote_threads = true,
	.setup = exit_setup,
	.run_once = exit_run,
	.teardown = exit_teardown,
	.baseline = exit_baseline,
	.baseline_label = "exit_no_mapping_ns",
};
