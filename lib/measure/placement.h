/* Placement policies: the PUs the measuring thread and the remote threads
 * run on, picked from the topology by policy or given as a list. */
#ifndef TLBBENCH_PLACEMENT_H
#define TLBBENCH_PLACEMENT_H

#include <hwloc.h>
#include <stddef.h>

#include "topo.h"

#define PLACEMENT_MAX_PUS 4096

enum placement_policy {
	PLACE_COMPACT,    /* logical PU order: SMT siblings first */
	PLACE_SCATTER,    /* one PU per core, spread across packages and L3s first, SMT siblings last */
	PLACE_SMT,        /* the measuring PU's SMT siblings first */
	PLACE_CROSS_LLC,  /* remote threads in other L3 domains first */
	PLACE_CROSS_NUMA, /* remote threads in other NUMA nodes first */
	PLACE_LIST,       /* an explicit list of PUs (OS indexes) */
	PLACE_POLICY_COUNT
};

/* A policy, or a PU list kept as its text: placement_pus makes the list,
 * sized to it, for the case that uses it. */
struct placement {
	enum placement_policy policy;
	int npus;      /* PLACE_LIST only: how many PUs the list names */
	char text[256]; /* as written, e.g. "scatter" or "pus:0+2+5" */
};

/* "compact", "scatter", "smt", "cross-llc", "cross-numa", "pus" ("unknown" out of range) */
const char *placement_policy_name(enum placement_policy p);
/*
 * "compact" | "scatter" | "smt" | "cross-llc" | "cross-numa" | "pus:LIST"
 * where LIST is OS indexes joined by '+', with ranges a-b allowed:
 * "pus:0+2+5", "pus:0-3+8". -1 with a one-line reason in why for anything
 * else (unknown policy, empty list, bad number, reversed range, duplicate
 * PU, more than PLACEMENT_MAX_PUS, text of 256 characters or more).
 */
int placement_parse(const char *text, struct placement *out, char *why, size_t len);
/* A PLACE_LIST placement's PUs (OS indexes, measuring PU first), malloc'd,
 * p->npus of them; NULL with why otherwise. */
unsigned *placement_pus(const struct placement *p, char *why, size_t len);
/*
 * The n PUs a placement gives on this topology: out[0] for the measuring
 * thread, out[1..n-1] for the remote threads. Returns 0, or -1 with why (n
 * larger than the PUs available or than the list; any listed PU that is not
 * in the topology, even one past n). n >= 1.
 */
int placement_pick(const struct topo *t, const struct placement *p, int n, hwloc_obj_t *out,
		   char *why, size_t len);
#endif
