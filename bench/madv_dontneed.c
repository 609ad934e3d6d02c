/* MADV_DONTNEED of the whole mapping: zap without freeing page tables. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "workload.h"

static int dontneed_run(struct wl_ctx *ctx)
{
	if (madvise(ctx->map.addr, ctx->map.size, MADV_DONTNEED) < 0) {
		snprintf(ctx->why, sizeof(ctx->why), "madvise(MADV_DONTNEED): %s", strerror(errno));
		return -1;
	}
	return 0;
}

const struct workload workload_madv_dontneed = {
	.name = "madv_dontneed",
	.model_zap = MODEL_ZAP_DONTNEED,
	.description = "madvise(MADV_DONTNEED) of the whole mapping (page tables stay)",
	.setup = workload_map_setup,
	.run_once = dontneed_run,
	.teardown = workload_map_teardown,
};
