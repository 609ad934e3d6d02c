/* munmap of the whole mapping: zap, free page tables, final flush. */
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <sys/mman.h>

#include "workload.h"

static int munmap_run(struct wl_ctx *ctx)
{
	if (munmap(ctx->map.addr, ctx->map.size) < 0) {
		snprintf(ctx->why, sizeof(ctx->why), "munmap: %s", strerror(errno));
		return -1;
	}
	ctx->map.addr = NULL; /* gone: teardown must not unmap the range again */
	return 0;
}

const struct workload workload_munmap = {
	.name = "munmap",
	.model_zap = MODEL_ZAP_UNMAP,
	.description = "munmap(2) of the whole mapping",
	.setup = workload_map_setup,
	.run_once = munmap_run,
	.teardown = workload_map_teardown,
};
