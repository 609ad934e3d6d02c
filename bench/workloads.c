/* The workload table: adding a workload is one file in bench/ and one line here. */
#include <string.h>

#include "workload.h"

extern const struct workload workload_munmap;
extern const struct workload workload_madv_dontneed;
extern const struct workload workload_exit;
extern const struct workload workload_flush_cost;

const struct workload *const workloads[] = {
	&workload_munmap,
	&workload_madv_dontneed,
	&workload_exit,
	&workload_flush_cost,
};
const int workload_count = sizeof(workloads) / sizeof(workloads[0]);

int workload_index(const char *name)
{
	for (int i = 0; i < workload_count; i++)
		if (strcmp(workloads[i]->name, name) == 0)
			return i;
	return -1;
}

const struct workload *workload_find(const char *name)
{
	int i = workload_index(name);

	return i < 0 ? NULL : workloads[i];
}

struct mapping_spec case_mapping_spec(const struct case_params *p)
{
	return (struct mapping_spec){ .backing = p->backing, .touch = p->touch, .populate = p->populate,
				      .dirty_tables = p->dirty_tables, .size = p->size, .file_dir = p->file_dir };
}

int workload_map_setup(struct wl_ctx *ctx)
{
	struct mapping_spec spec = case_mapping_spec(ctx->params);

	return mapping_create(&ctx->map, &spec, ctx->why, sizeof(ctx->why));
}

void workload_map_teardown(struct wl_ctx *ctx)
{
	mapping_destroy(&ctx->map);
}
