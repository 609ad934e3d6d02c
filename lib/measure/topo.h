/* CPU topology (hwloc): loaded once, outside timed code, and threads bound to cpusets. */
#ifndef TLBBENCH_TOPO_H
#define TLBBENCH_TOPO_H

#include <hwloc.h>
#include <stdbool.h>
#include <stddef.h>

struct topo {
	hwloc_topology_t topology;
	char summary[256]; /* one line, e.g. "1 package, 1 NUMA node, 1 L3, 2 cores, 2 PUs (1 per core)" */
};

/*
 * The machine's topology, restricted to the PUs this process may run on
 * (and the NUMA nodes local to them). Load once, outside timed code.
 */
int topo_load(struct topo *t, char *why, size_t len);
/* A synthetic topology (hwloc_topology_set_synthetic), e.g. "pack:2 l3:2 core:8 pu:2", for tests. */
int topo_load_synthetic(struct topo *t, const char *description, char *why, size_t len);
void topo_destroy(struct topo *t);
/* Save the topology as hwloc XML (for result directories). */
int topo_export_xml(const struct topo *t, const char *path, char *why, size_t len);
int topo_pu_count(const struct topo *t);
/* Objects of a type (0 where hwloc knows none, as a VM may have no L3). */
int topo_count_type(hwloc_topology_t topo, hwloc_obj_type_t type);

/*
 * Bind the calling thread to a cpuset, then report the OS index of the PU it
 * is running on, so callers can verify the binding. Returns that OS index, or
 * -1 with why.
 */
int topo_bind_thread(const struct topo *t, hwloc_const_cpuset_t set, char *why, size_t len);
/* OS index of the PU the calling thread last ran on, or -1. */
int topo_current_pu(const struct topo *t);

#endif
