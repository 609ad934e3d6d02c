/* Calibration: the cost of one forced TLB flush. The mapping (at least two
 * pages, dirty shmem by default) stays present; its first page is dirtied and
 * zapped with MADV_DONTNEED again and again. Each zap of the dirty page forces
 * a flush (and IPIs to the remote CPUs); zapping the page again once it is
 * absent flushes nothing. The difference of the two timed calls, divided by
 * the flushes counted, is the cost per flush that `tlbbench analyze` uses.
 * The other pages keep the page table in use, so it is never reclaimed. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "workload.h"
#include "util.h"

#define FLUSH_COST_ROUNDS 1000

static int flush_cost_setup(struct wl_ctx *ctx)
{
	if (ctx->params->size < 2 * SMALL_PAGE_SIZE) {
		snprintf(ctx->why, sizeof(ctx->why), "flush_cost needs a size of at least 8K (two pages)");
		return -1;
	}
	return workload_map_setup(ctx);
}

static int zap_first_page(struct wl_ctx *ctx, uint64_t *ns)
{
	uint64_t t0 = monotonic_raw_ns();

	if (madvise(ctx->map.addr, SMALL_PAGE_SIZE, MADV_DONTNEED) < 0) {
		snprintf(ctx->why, sizeof(ctx->why), "madvise(MADV_DONTNEED): %s", strerror(errno));
		return -1;
	}
	*ns += monotonic_raw_ns() - t0;
	return 0;
}

static int flush_cost_run(struct wl_ctx *ctx)
{
	volatile char *page = ctx->map.addr;
	uint64_t present = 0, absent = 0;

	for (int r = 0; r < FLUSH_COST_ROUNDS; r++) {
		page[0] = (char)r; /* fault the page back in, dirty: not timed */
		if (zap_first_page(ctx, &present) < 0 || zap_first_page(ctx, &absent) < 0)
			return -1;
	}
	ctx->op_ns = present;
	ctx->reference_ns = absent;
	return 0;
}

const struct workload workload_flush_cost = {
	.name = "flush_cost",
	.description = "calibration: MADV_DONTNEED of one dirty page, 1000 times, against the same call on the "
		       "absent page (cost per forced flush)",
	.setup = flush_cost_setup,
	.run_once = flush_cost_run,
	.teardown = workload_map_teardown,
	.baseline_label = "absent_page_ns",
	.own_page_state = true,
};
