/* CPU topology through hwloc: loaded once, restricted to our affinity; binding threads to cpusets. */
#define _GNU_SOURCE
#include "topo.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int topo_count_type(hwloc_topology_t topo, hwloc_obj_type_t type)
{
	int n = hwloc_get_nbobjs_by_type(topo, type);

	return n < 0 ? 0 : n;
}

static const char *plural(int n)
{
	return n == 1 ? "" : "s";
}

/* "1 package, 1 NUMA node, 1 L3, 2 cores, 2 PUs (1 per core)"; "1-2 per core" on hybrid machines. */
static void make_summary(struct topo *t)
{
	hwloc_topology_t topo = t->topology;
	int npack = topo_count_type(topo, HWLOC_OBJ_PACKAGE), nnuma = topo_count_type(topo, HWLOC_OBJ_NUMANODE);
	int nl3 = topo_count_type(topo, HWLOC_OBJ_L3CACHE), ncores = topo_count_type(topo, HWLOC_OBJ_CORE);
	int npus = topo_count_type(topo, HWLOC_OBJ_PU), i, w, lo = INT_MAX, hi = 0;
	char smt[48] = "no core information";

	for (i = 0; i < ncores; i++) {
		w = hwloc_bitmap_weight(hwloc_get_obj_by_type(topo, HWLOC_OBJ_CORE, (unsigned)i)->cpuset);
		lo = w < lo ? w : lo;
		hi = w > hi ? w : hi;
	}
	if (ncores && lo == hi)
		snprintf(smt, sizeof(smt), "%d per core", lo);
	else if (ncores)
		snprintf(smt, sizeof(smt), "%d-%d per core", lo, hi);
	snprintf(t->summary, sizeof(t->summary), "%d package%s, %d NUMA node%s, %d L3%s, %d core%s, %d PU%s (%s)",
		 npack, plural(npack), nnuma, plural(nnuma), nl3, plural(nl3), ncores, plural(ncores),
		 npus, plural(npus), smt);
}

/* Drop PUs outside our affinity (taskset, cgroup cpusets): every policy must pick PUs we can bind to. */
static int restrict_to_affinity(struct topo *t, char *why, size_t len)
{
	hwloc_const_cpuset_t all = hwloc_topology_get_topology_cpuset(t->topology);
	hwloc_bitmap_t set = hwloc_bitmap_alloc();
	int ret = 0;

	if (!set) {
		snprintf(why, len, "out of memory");
		return -1;
	}
	/* When the binding cannot be read, assume we may run anywhere. */
	if (hwloc_get_cpubind(t->topology, set, HWLOC_CPUBIND_PROCESS) == 0)
		hwloc_bitmap_and(set, set, all);
	else
		hwloc_bitmap_copy(set, all);
	/* Without REMOVE_CPULESS, packages whose NUMA node has memory would stay, with no PUs. */
	if (!hwloc_bitmap_iszero(set) && !hwloc_bitmap_isequal(set, all) &&
	    hwloc_topology_restrict(t->topology, set, HWLOC_RESTRICT_FLAG_REMOVE_CPULESS) < 0) {
		snprintf(why, len, "hwloc cannot restrict the topology to our CPUs: %s", strerror(errno));
		ret = -1;
	}
	hwloc_bitmap_free(set);
	return ret;
}

/* The machine's topology, or a synthetic one when description is set. */
static int topo_open(struct topo *t, const char *description, char *why, size_t len)
{
	int ret = -1;

	memset(t, 0, sizeof(*t));
	if (hwloc_topology_init(&t->topology) < 0) {
		t->topology = NULL;
		snprintf(why, len, "hwloc cannot initialise a topology: %s", strerror(errno));
		return -1;
	}
	if (description && hwloc_topology_set_synthetic(t->topology, description) < 0)
		snprintf(why, len, "bad synthetic topology '%s'", description);
	else if (hwloc_topology_load(t->topology) < 0)
		snprintf(why, len, "hwloc cannot load the topology: %s", strerror(errno));
	else
		ret = description ? 0 : restrict_to_affinity(t, why, len);
	if (ret == 0 && topo_pu_count(t) < 1) {
		snprintf(why, len, "hwloc found no PUs");
		ret = -1;
	}
	if (ret < 0)
		topo_destroy(t);
	else
		make_summary(t);
	return ret;
}

int topo_load(struct topo *t, char *why, size_t len)
{
	return topo_open(t, NULL, why, len);
}

int topo_load_synthetic(struct topo *t, const char *description, char *why, size_t len)
{
	return topo_open(t, description, why, len);
}

void topo_destroy(struct topo *t)
{
	if (t->topology)
		hwloc_topology_destroy(t->topology);
	t->topology = NULL;
}

int topo_export_xml(const struct topo *t, const char *path, char *why, size_t len)
{
	if (hwloc_topology_export_xml(t->topology, path, 0) < 0) {
		snprintf(why, len, "cannot write the topology to %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int topo_pu_count(const struct topo *t)
{
	return topo_count_type(t->topology, HWLOC_OBJ_PU);
}

int topo_current_pu(const struct topo *t)
{
	hwloc_bitmap_t set = hwloc_bitmap_alloc();
	int pu = -1;

	if (set && hwloc_get_last_cpu_location(t->topology, set, HWLOC_CPUBIND_THREAD) == 0)
		pu = hwloc_bitmap_first(set);
	hwloc_bitmap_free(set);
	return pu;
}

int topo_bind_thread(const struct topo *t, hwloc_const_cpuset_t set, char *why, size_t len)
{
	char list[128];
	int pu;

	if (hwloc_set_cpubind(t->topology, set, HWLOC_CPUBIND_THREAD) < 0) {
		hwloc_bitmap_list_snprintf(list, sizeof(list), set);
		snprintf(why, len, "cannot bind a thread to PUs %s: %s", list, strerror(errno));
		return -1;
	}
	pu = topo_current_pu(t);
	if (pu < 0)
		snprintf(why, len, "hwloc cannot tell which PU this thread runs on");
	return pu;
}
