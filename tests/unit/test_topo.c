/* Unit tests for lib/measure/topo.c and lib/measure/placement.c: every policy's PU order on synthetic machines, PU lists,
 * the real machine (placement parsing: test_placement_parse.c). */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "placement.h"

/*
 * How hwloc 2.9 synthetic descriptions attach NUMA nodes (checked by
 * check_shape below on every machine these tests load):
 * - "[numa]" after a level attaches one NUMA node, as a memory child, to each
 *   object of that level: "pack:2 [numa] l3:2 core:8 pu:2" has 2 NUMA nodes,
 *   each with its package's cpuset;
 * - without "[numa]" there is a single NUMA node covering the whole machine
 *   (attached to the root, or to the only package when there is one).
 * PUs get OS index == logical index, also checked by check_shape.
 */

/* A regular synthetic machine: P packages of L L3s (l3 false: no L3 level) of C cores of T PUs. */
struct shape {
	const char *desc;
	int P, L, C, T;
	bool l3, numa_per_pack, cores;
};

static int npus(const struct shape *s)
{
	return s->P * s->L * s->C * s->T;
}

/* Logical index of PU t of core c of L3 l of package p. */
static int pu_at(const struct shape *s, int p, int l, int c, int t)
{
	return ((p * s->L + l) * s->C + c) * s->T + t;
}

/* Core i of the scatter order: package i % P, L3 (i / P) % L, core i / (P * L); all 1st PUs, then 2nd PUs. */
static void expect_scatter(const struct shape *s, int *out)
{
	int ncores = s->P * s->L * s->C, t, i, n = 0;

	for (t = 0; t < s->T; t++)
		for (i = 0; i < ncores; i++)
			out[n++] = pu_at(s, i % s->P, (i / s->P) % s->L, i / (s->P * s->L), t);
}

/* The first core's PUs, the first PU of cores 1.., then PUs t >= 1 of cores 1.. */
static void expect_smt(const struct shape *s, int *out)
{
	int ncores = s->P * s->L * s->C, i, n = 0;

	for (i = 0; i < s->T; i++)
		out[n++] = i;
	for (i = 1; i < ncores; i++)
		out[n++] = i * s->T;
	for (i = s->T; i < npus(s); i++)
		if (i % s->T)
			out[n++] = i;
}

/*
 * ndom domains of per cores each, laid out in logical order: PU 0; then core q
 * of domains 1.. for q = 0, 1, ...; then cores 1.. of domain 0; then every PU
 * that is not a core's first, in logical order.
 */
static void expect_cross(const struct shape *s, int ndom, int per, int *out)
{
	int q, d, i, n = 0;

	out[n++] = 0;
	for (q = 0; q < per; q++)
		for (d = 1; d < ndom; d++)
			out[n++] = (d * per + q) * s->T;
	for (q = 1; q < per; q++)
		out[n++] = q * s->T;
	for (i = 0; i < npus(s); i++)
		if (i % s->T)
			out[n++] = i;
}

static void expect(const struct shape *s, enum placement_policy p, int *out)
{
	int ncores = s->P * s->L * s->C, i;

	for (i = 0; i < npus(s); i++)	/* compact */
		out[i] = i;
	if (p == PLACE_SCATTER)
		expect_scatter(s, out);
	else if (p == PLACE_SMT)
		expect_smt(s, out);
	else if (p == PLACE_CROSS_LLC)
		expect_cross(s, s->l3 ? s->P * s->L : 1, s->l3 ? s->C : ncores, out);
	else if (p == PLACE_CROSS_NUMA)
		expect_cross(s, s->numa_per_pack ? s->P : 1, s->numa_per_pack ? s->L * s->C : ncores, out);
}

static void load(struct topo *t, const char *desc)
{
	char why[256] = "";

	if (topo_load_synthetic(t, desc, why, sizeof(why)) < 0)
		fail_msg("%s: %s", desc, why);
}

/* The loaded machine is what the shape says: counts, NUMA attachment, OS == logical PU indexes. */
static void check_shape(const struct topo *t, const struct shape *s)
{
	hwloc_topology_t topo = t->topology;
	int i, nnuma = s->numa_per_pack ? s->P : 1;

	assert_int_equal(topo_pu_count(t), npus(s));
	assert_int_equal(hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PACKAGE), s->P);
	assert_int_equal(hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_L3CACHE), s->l3 ? s->P * s->L : 0);
	assert_int_equal(hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE), s->cores ? s->P * s->L * s->C : 0);
	assert_int_equal(hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_NUMANODE), nnuma);
	for (i = 0; i < nnuma; i++) {
		hwloc_obj_t node = hwloc_get_obj_by_type(topo, HWLOC_OBJ_NUMANODE, (unsigned)i);
		hwloc_obj_t owner = s->numa_per_pack ? hwloc_get_obj_by_type(topo, HWLOC_OBJ_PACKAGE, (unsigned)i)
						     : hwloc_get_root_obj(topo);

		assert_true(hwloc_bitmap_isequal(node->cpuset, owner->cpuset));
		assert_true(!s->numa_per_pack || node->parent == owner);
	}
	for (i = 0; i < npus(s); i++)
		assert_int_equal(hwloc_get_obj_by_type(topo, HWLOC_OBJ_PU, (unsigned)i)->os_index, i);
}

/* For every policy and every n, placement_pick gives the first n of the expected order; n + 1 fails. */
static void check_all_policies(const struct shape *s)
{
	int N = npus(s), p, n, i, *want = malloc((size_t)N * sizeof(*want));
	hwloc_obj_t *got = malloc(((size_t)N + 1) * sizeof(*got));
	struct placement pl;
	char why[256], num[16];
	struct topo t;

	assert_true(want && got);
	load(&t, s->desc);
	check_shape(&t, s);
	for (p = 0; p < PLACE_LIST; p++) {
		assert_int_equal(placement_parse(placement_policy_name(p), &pl, why, sizeof(why)), 0);
		expect(s, p, want);
		for (n = 1; n <= N; n++) {
			memset(got, 0, (size_t)N * sizeof(*got));
			if (placement_pick(&t, &pl, n, got, why, sizeof(why)) < 0)
				fail_msg("%s %s n=%d: %s", s->desc, pl.text, n, why);
			for (i = 0; i < n; i++)
				if ((int)got[i]->logical_index != want[i])
					fail_msg("%s %s n=%d: [%d] is PU %u, want %d", s->desc, pl.text, n, i,
						 got[i]->logical_index, want[i]);
		}
		why[0] = '\0';
		assert_int_equal(placement_pick(&t, &pl, N + 1, got, why, sizeof(why)), -1);
		snprintf(num, sizeof(num), "only %d", N);
		assert_non_null(strstr(why, num));
	}
	topo_destroy(&t);
	free(want);
	free(got);
}

/* One test per machine: every policy, every n. */
#define MACHINE_TEST(name, ...)						\
	static void name(void **state)					\
	{								\
		const struct shape s = { __VA_ARGS__ };			\
		(void)state;						\
		check_all_policies(&s);					\
	}

MACHINE_TEST(test_two_packages, "pack:2 [numa] l3:2 core:8 pu:2", 2, 2, 8, 2, true, true, true)
MACHINE_TEST(test_1024_pus, "pack:4 [numa] l3:8 core:16 pu:2", 4, 8, 16, 2, true, true, true)
MACHINE_TEST(test_no_smt, "pack:1 core:4 pu:1", 1, 1, 4, 1, false, false, true)
/* No L3: cross-llc is one domain. One NUMA node: cross-numa is one domain too. */
MACHINE_TEST(test_no_l3_one_node, "pack:2 core:4 pu:2", 2, 1, 4, 2, false, false, true)
MACHINE_TEST(test_no_l3, "pack:3 [numa] core:3 pu:2", 3, 1, 3, 2, false, true, true)
/* No Core objects: each PU counts as a core. */
MACHINE_TEST(test_no_cores, "pack:2 pu:4", 2, 1, 4, 1, false, false, false)

/* Hand-written expectations for one small case, as a check on the expect_* helpers themselves. */
static void test_small_by_hand(void **state)
{
	static const int want[][16] = {
		[PLACE_COMPACT] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 },
		[PLACE_SCATTER] = { 0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15 },
		[PLACE_SMT] = { 0, 1, 2, 4, 6, 8, 10, 12, 14, 3, 5, 7, 9, 11, 13, 15 },
		[PLACE_CROSS_LLC] = { 0, 4, 8, 12, 6, 10, 14, 2, 1, 3, 5, 7, 9, 11, 13, 15 },
		[PLACE_CROSS_NUMA] = { 0, 8, 10, 12, 14, 2, 4, 6, 1, 3, 5, 7, 9, 11, 13, 15 },
	};
	const struct shape s = { "pack:2 [numa] l3:2 core:2 pu:2", 2, 2, 2, 2, true, true, true };
	int p, i, got[16];

	(void)state;
	for (p = 0; p < PLACE_LIST; p++) {
		expect(&s, p, got);
		for (i = 0; i < 16; i++)
			assert_int_equal(got[i], want[p][i]);
	}
}

/* The whole order of a policy, as OS indexes. */
static void check_order(const struct topo *t, const char *policy, int n, const unsigned *os)
{
	struct placement p;
	hwloc_obj_t got[8];
	char why[256] = "";
	int i;

	assert_int_equal(placement_parse(policy, &p, why, sizeof(why)), 0);
	if (placement_pick(t, &p, n, got, why, sizeof(why)) < 0)
		fail_msg("%s: %s", policy, why);
	for (i = 0; i < n; i++)
		if (got[i]->os_index != os[i])
			fail_msg("%s: [%d] is PU %u, want %u", policy, i, got[i]->os_index, os[i]);
}

/* Restricted so that the tree is uneven: a child that runs out is skipped; cores differ in PUs. */
static void test_uneven(void **state)
{
	static const unsigned scatter[] = { 0, 4, 2, 1 }, cross_llc[] = { 0, 2, 4, 1 }, all[] = { 0, 1, 2, 4 };
	static const unsigned smt_scatter[] = { 0, 2, 4, 1, 5 }, smt[] = { 0, 1, 2, 4, 5 };
	hwloc_bitmap_t set = hwloc_bitmap_alloc();
	struct topo t;

	(void)state;
	assert_non_null(set);
	/* pack0: L3 {PU 0, PU 1} and L3 {PU 2}; pack1: L3 {PU 4} */
	load(&t, "pack:2 l3:2 core:2 pu:1");
	hwloc_bitmap_list_sscanf(set, "0-2,4");
	assert_int_equal(hwloc_topology_restrict(t.topology, set, HWLOC_RESTRICT_FLAG_REMOVE_CPULESS), 0);
	check_order(&t, "scatter", 4, scatter);
	check_order(&t, "cross-llc", 4, cross_llc);
	check_order(&t, "cross-numa", 4, all);
	check_order(&t, "smt", 4, all);
	topo_destroy(&t);
	/* cores {0, 1}, {2}, {4, 5} */
	load(&t, "pack:1 core:3 pu:2");
	hwloc_bitmap_list_sscanf(set, "0-2,4-5");
	assert_int_equal(hwloc_topology_restrict(t.topology, set, HWLOC_RESTRICT_FLAG_REMOVE_CPULESS), 0);
	check_order(&t, "scatter", 5, smt_scatter);
	check_order(&t, "cross-llc", 5, smt_scatter);
	check_order(&t, "smt", 5, smt);
	check_order(&t, "compact", 5, smt);
	topo_destroy(&t);
	hwloc_bitmap_free(set);
}

static void test_pick_list(void **state)
{
	struct placement p;
	hwloc_obj_t got[4];
	char why[256] = "";
	struct topo t;

	(void)state;
	load(&t, "pack:2 [numa] l3:2 core:8 pu:2");
	/* synthetic PUs: OS index == logical index (check_shape checks it for every PU) */
	assert_int_equal(hwloc_get_pu_obj_by_os_index(t.topology, 5)->logical_index, 5);
	assert_int_equal(placement_parse("pus:5+1", &p, why, sizeof(why)), 0);
	assert_int_equal(placement_pick(&t, &p, 2, got, why, sizeof(why)), 0);
	assert_int_equal(got[0]->os_index, 5);
	assert_int_equal(got[1]->os_index, 1);
	assert_int_equal(placement_pick(&t, &p, 3, got, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "only 2 PUs listed"));

	assert_int_equal(placement_parse("pus:0+200", &p, why, sizeof(why)), 0);
	assert_int_equal(placement_pick(&t, &p, 2, got, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "PU 200"));
	why[0] = '\0';
	/* an unknown PU fails even past n, so every run of a sweep fails alike */
	assert_int_equal(placement_pick(&t, &p, 1, got, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "PU 200"));

	assert_int_equal(placement_parse("compact", &p, why, sizeof(why)), 0);
	assert_int_equal(placement_pick(&t, &p, 0, got, why, sizeof(why)), -1);
	topo_destroy(&t);
}

static void test_synthetic_errors(void **state)
{
	char why[256] = "";
	struct topo t;

	(void)state;
	assert_int_equal(topo_load_synthetic(&t, "pack:2 bogus:3", why, sizeof(why)), -1);
	assert_non_null(strstr(why, "bogus"));
	assert_null(t.topology);
	topo_destroy(&t);
	load(&t, "pack:2 [numa] l3:2 core:8 pu:2");
	assert_string_equal(t.summary, "2 packages, 2 NUMA nodes, 4 L3s, 32 cores, 64 PUs (2 per core)");
	topo_destroy(&t);
	load(&t, "pack:2 pu:4");
	assert_string_equal(t.summary, "2 packages, 1 NUMA node, 0 L3s, 0 cores, 8 PUs (no core information)");
	topo_destroy(&t);
}

static void check_xml(const struct topo *t)
{
	char path[] = "/tmp/test_topo_XXXXXX", why[256] = "", head[8] = "";
	int fd = mkstemp(path);
	FILE *f;

	assert_true(fd >= 0);
	close(fd);
	if (topo_export_xml(t, path, why, sizeof(why)) < 0)
		fail_msg("%s", why);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(head, sizeof(head), f));
	fclose(f);
	unlink(path);
	assert_memory_equal(head, "<?xml", 5);
	assert_int_equal(topo_export_xml(t, "/nonexistent/dir/topo.xml", why, sizeof(why)), -1);
	assert_non_null(strstr(why, "/nonexistent/dir/topo.xml"));
}

/* On a real tree (caches, groups), every policy still gives every PU exactly once. */
static void check_real_policies(const struct topo *t)
{
	int npu = topo_pu_count(t), p, i;
	hwloc_obj_t *got = malloc((size_t)npu * sizeof(*got));
	hwloc_bitmap_t seen = hwloc_bitmap_alloc();
	struct placement pl;
	char why[256] = "";

	assert_true(got && seen);
	for (p = 0; p < PLACE_LIST; p++) {
		assert_int_equal(placement_parse(placement_policy_name(p), &pl, why, sizeof(why)), 0);
		assert_int_equal(placement_pick(t, &pl, npu, got, why, sizeof(why)), 0);
		hwloc_bitmap_zero(seen);
		for (i = 0; i < npu; i++)
			hwloc_bitmap_set(seen, got[i]->os_index);
		assert_true(hwloc_bitmap_isequal(seen, hwloc_topology_get_topology_cpuset(t->topology)));
	}
	hwloc_bitmap_free(seen);
	free(got);
}

static void test_real_machine(void **state)
{
	hwloc_obj_t got[2];
	struct placement p;
	char why[256] = "";
	cpu_set_t mask;
	struct topo t;
	int pu;

	(void)state;
	if (topo_load(&t, why, sizeof(why)) < 0)
		fail_msg("%s", why);
	print_message("summary: %s\n", t.summary);
	/* restricted to our affinity, which is every online CPU unless taskset or a cpuset says otherwise */
	assert_int_equal(sched_getaffinity(0, sizeof(mask), &mask), 0);
	assert_int_equal(topo_pu_count(&t), CPU_COUNT(&mask));
	assert_true(strlen(t.summary) > 0);
	check_xml(&t);
	check_real_policies(&t);
	assert_true(topo_current_pu(&t) >= 0);
	if (topo_pu_count(&t) < 2) {
		topo_destroy(&t);
		skip();
	}
	assert_int_equal(placement_parse("compact", &p, why, sizeof(why)), 0);
	assert_int_equal(placement_pick(&t, &p, 2, got, why, sizeof(why)), 0);
	pu = topo_bind_thread(&t, got[1]->cpuset, why, sizeof(why));
	if (pu < 0)
		fail_msg("%s", why);
	assert_int_equal(pu, got[1]->os_index);
	assert_int_equal(topo_current_pu(&t), pu);
	/* back to every PU we had */
	assert_true(topo_bind_thread(&t, hwloc_topology_get_topology_cpuset(t.topology), why, sizeof(why)) >= 0);
	topo_destroy(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_small_by_hand),
		cmocka_unit_test(test_two_packages),
		cmocka_unit_test(test_1024_pus),
		cmocka_unit_test(test_no_smt),
		cmocka_unit_test(test_no_l3_one_node),
		cmocka_unit_test(test_no_l3),
		cmocka_unit_test(test_no_cores),
		cmocka_unit_test(test_uneven),
		cmocka_unit_test(test_pick_list),
		cmocka_unit_test(test_synthetic_errors),
		cmocka_unit_test(test_real_machine),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
