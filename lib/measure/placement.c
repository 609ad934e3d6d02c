/* Placement policies: which PUs of the topology the measuring and remote threads get. */
#define _GNU_SOURCE
#include "placement.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Indexed by enum placement_policy. */
static const char *const policy_names[PLACE_POLICY_COUNT] = {
	"compact", "scatter", "smt", "cross-llc", "cross-numa", "pus"
};

const char *placement_policy_name(enum placement_policy p)
{
	return (unsigned)p < PLACE_POLICY_COUNT ? policy_names[p] : "unknown";
}

/* A plain decimal number: no sign, no blanks, at most INT_MAX. */
static int parse_pu_number(const char *s, char **end, unsigned *value)
{
	unsigned long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, end, 10);
	if (errno || v > INT_MAX)
		return -1;
	*value = (unsigned)v;
	return 0;
}

/* A PU list being parsed, in room for PLACEMENT_MAX_PUS (shrunk to fit once parsed). */
struct pu_list {
	unsigned *pu;
	int n;
};

/* Append PUs a..b; -1 with why on a duplicate or on too many PUs. */
static int add_pu_range(struct pu_list *l, unsigned a, unsigned b, const char *text, char *why, size_t len)
{
	if (b - a >= (unsigned)(PLACEMENT_MAX_PUS - l->n)) {
		snprintf(why, len, "bad placement '%s': more than %d PUs", text, PLACEMENT_MAX_PUS);
		return -1;
	}
	for (unsigned pu = a; pu <= b; pu++) {
		for (int i = 0; i < l->n; i++) {
			if (l->pu[i] == pu) {
				snprintf(why, len, "bad placement '%s': PU %u listed twice", text, pu);
				return -1;
			}
		}
		l->pu[l->n++] = pu;
	}
	return 0;
}

/* LIST: "a" or "a-b" items joined by '+'. On failure l->pu is freed. */
static int parse_pu_list(const char *s, struct pu_list *l, const char *text, char *why, size_t len)
{
	char *end;
	unsigned a, b;

	*l = (struct pu_list){ .pu = malloc(sizeof(unsigned) * PLACEMENT_MAX_PUS) };
	if (!l->pu) {
		snprintf(why, len, "placement '%s': out of memory", text);
		return -1;
	}
	if (!*s) {
		snprintf(why, len, "bad placement '%s': empty PU list", text);
		goto fail;
	}
	do {
		if (parse_pu_number(s, &end, &a) < 0)
			goto bad;
		b = a;
		if (*end == '-' && parse_pu_number(end + 1, &end, &b) < 0)
			goto bad;
		if (*end != '\0' && *end != '+')
			goto bad;
		if (b < a) {
			snprintf(why, len, "bad placement '%s': reversed range %u-%u", text, a, b);
			goto fail;
		}
		if (add_pu_range(l, a, b, text, why, len) < 0)
			goto fail;
		s = end + 1;
	} while (*end);
	l->pu = realloc(l->pu, sizeof(unsigned) * (size_t)l->n) ?: l->pu;
	return 0;
bad:
	snprintf(why, len, "bad placement '%s': '%.*s' is not a PU number or range a-b",
		 text, (int)strcspn(s, "+"), s);
fail:
	free(l->pu);
	l->pu = NULL;
	return -1;
}

unsigned *placement_pus(const struct placement *p, char *why, size_t len)
{
	struct pu_list l;

	if (p->policy != PLACE_LIST) {
		snprintf(why, len, "placement %s is a policy, not a PU list", p->text);
		return NULL;
	}
	return parse_pu_list(p->text + 4, &l, p->text, why, len) < 0 ? NULL : l.pu;
}

int placement_parse(const char *text, struct placement *out, char *why, size_t len)
{
	struct pu_list l;
	int i;

	text = text ? text : "";
	memset(out, 0, sizeof(*out));
	if (strlen(text) >= sizeof(out->text)) {
		snprintf(why, len, "bad placement '%.40s...': longer than %zu characters (ranges such as pus:0-63 say more)",
			 text, sizeof(out->text) - 1);
		return -1;
	}
	snprintf(out->text, sizeof(out->text), "%s", text);
	for (i = 0; i < PLACE_LIST; i++) {
		if (!strcmp(text, policy_names[i])) {
			out->policy = (enum placement_policy)i;
			return 0;
		}
	}
	if (!strncmp(text, "pus:", 4)) {
		out->policy = PLACE_LIST;
		/* Checked whole now; placement_pus makes the list again for the case that uses it. */
		if (parse_pu_list(text + 4, &l, text, why, len) < 0)
			return -1;
		out->npus = l.n;
		free(l.pu);
		return 0;
	}
	snprintf(why, len, "unknown placement '%s': want compact, scatter, smt, cross-llc, cross-numa or pus:LIST",
		 text);
	return -1;
}

/*
 * Each policy gives every PU a sort key; its order is the PUs sorted by key.
 * TIER separates the stages of a policy, PAIR orders by a, then b.
 */
#define TIER(t) ((long long)(t) << 42)
#define PAIR(a, b) (((long long)(a) << 21) + (b))

struct keyed_pu {
	long long key;
	hwloc_obj_t pu;
};

/* Keying one policy, walking the PUs in logical order; "unit": the current PU's core. */
struct keyer {
	hwloc_topology_t topo;
	enum placement_policy policy;
	hwloc_obj_type_t domain;	/* cross-*: L3 or NUMA node */
	int ndom, home, dom, dom_rank;	/* cross-*: M's domain, the unit's, the unit's rank in it */
	int *seen;			/* cross-*: units seen per domain, [ndom] for units in none */
	int scatter_pos;		/* scatter: the unit's place in the core order */
};

/* A "unit" is a core, or a PU where hwloc knows no core above it. */
static bool is_unit(hwloc_obj_t obj)
{
	return obj->type == HWLOC_OBJ_CORE || obj->type == HWLOC_OBJ_PU;
}

static hwloc_obj_t unit_of(hwloc_topology_t topo, hwloc_obj_t pu)
{
	hwloc_obj_t core = hwloc_get_ancestor_obj_by_type(topo, HWLOC_OBJ_CORE, pu);

	return core ? core : pu;
}

/* Logical index of obj's first PU: the PUs under one object have consecutive logical indexes. */
static int first_pu(hwloc_obj_t obj)
{
	while (obj->arity)
		obj = obj->children[0];
	return (int)obj->logical_index;
}

/* Units under obj; like PUs, the units under one object have consecutive logical indexes. */
static int unit_count(hwloc_obj_t obj)
{
	hwloc_obj_t first = obj, last = obj;

	while (!is_unit(first))
		first = first->children[0];
	while (!is_unit(last))
		last = last->children[last->arity - 1];
	return (int)(last->logical_index - first->logical_index) + 1;
}

/*
 * The unit's place in the scatter core order. Each object interleaves its
 * children's orders, so the j-th unit of child i comes after min(n, j) units
 * of every child (n units each), and after one more of each earlier child
 * that has more than j.
 */
static int scatter_pos(hwloc_obj_t unit)
{
	hwloc_obj_t child, obj;
	int j = 0, next, n;
	unsigned c;

	for (child = unit, obj = unit->parent; obj; child = obj, obj = obj->parent) {
		for (next = 0, c = 0; c < obj->arity; c++) {
			n = unit_count(obj->children[c]);
			next += (n < j ? n : j) + (c < child->sibling_rank && n > j);
		}
		j = next;
	}
	return j;
}

/* Index of the first domain that holds the unit; ndom when none does. */
static int domain_of(const struct keyer *k, hwloc_obj_t unit)
{
	hwloc_obj_t dom;
	int d;

	for (d = 0; d < k->ndom; d++) {
		dom = hwloc_get_obj_by_type(k->topo, k->domain, (unsigned)d);
		if (hwloc_bitmap_isincluded(unit->cpuset, dom->cpuset))
			return d;
	}
	return k->ndom;
}

/*
 * Called for every PU in logical order, so a unit's first PU comes first.
 * cross-*: M; the first PU of each core outside M's domain, round-robin over
 * those domains, i.e. by (rank in its domain, domain); the first PU of each
 * other core in M's domain; the rest. Units in no domain form one more
 * domain, so a machine without any is a single domain.
 */
static long long pu_key(struct keyer *k, hwloc_obj_t pu)
{
	hwloc_obj_t unit = unit_of(k->topo, pu);
	int i = (int)pu->logical_index, first = first_pu(unit);
	bool cross = k->policy == PLACE_CROSS_LLC || k->policy == PLACE_CROSS_NUMA;

	if (i == first && k->policy == PLACE_SCATTER)
		k->scatter_pos = scatter_pos(unit);
	if (i == first && cross) {
		k->dom = domain_of(k, unit);
		k->dom_rank = k->seen[k->dom]++;
		k->home = i == 0 ? k->dom : k->home;
	}
	if (k->policy == PLACE_SCATTER)	/* each core's 1st PU in core order, then each one's 2nd, ... */
		return PAIR(i - first, k->scatter_pos);
	if (k->policy == PLACE_SMT)	/* M's core, each other core's first PU, the rest */
		return TIER(first == 0 ? 0 : i == first ? 1 : 2) + i;
	if (!cross || i == 0)
		return i;
	if (i != first)
		return TIER(3) + i;
	return k->dom == k->home ? TIER(2) + i : TIER(1) + PAIR(k->dom_rank, k->dom);
}

static int by_key(const void *a, const void *b)
{
	long long ka = ((const struct keyed_pu *)a)->key, kb = ((const struct keyed_pu *)b)->key;

	return (ka > kb) - (ka < kb);
}

/* The first n PUs of the policy's order into out; -1 with why. */
static int pick_policy(const struct topo *t, enum placement_policy policy, int n, hwloc_obj_t *out,
		       char *why, size_t len)
{
	struct keyer k = { .topo = t->topology, .policy = policy };
	int i, npu = topo_pu_count(t), ret = -1;
	struct keyed_pu *pus;

	if (n > npu) {
		snprintf(why, len, "%d CPUs asked, only %d PUs available", n, npu);
		return -1;
	}
	k.domain = policy == PLACE_CROSS_LLC ? HWLOC_OBJ_L3CACHE : HWLOC_OBJ_NUMANODE;
	k.ndom = topo_count_type(k.topo, k.domain);
	k.seen = calloc((size_t)k.ndom + 1, sizeof(*k.seen));
	pus = malloc((size_t)npu * sizeof(*pus));
	if (!pus || !k.seen) {
		snprintf(why, len, "out of memory");
		goto out;
	}
	for (i = 0; i < npu; i++) {
		pus[i].pu = hwloc_get_obj_by_type(k.topo, HWLOC_OBJ_PU, (unsigned)i);
		pus[i].key = pu_key(&k, pus[i].pu);
	}
	qsort(pus, (size_t)npu, sizeof(*pus), by_key);
	for (i = 0; i < n; i++)
		out[i] = pus[i].pu;
	ret = 0;
out:
	free(pus);
	free(k.seen);
	return ret;
}

/* Every listed PU must exist, not only the first n: a typo should fail every run of a sweep alike. */
static int pick_list(const struct topo *t, const struct placement *p, int n, hwloc_obj_t *out,
		     char *why, size_t len)
{
	unsigned *pus;
	int ret = 0;

	if (n > p->npus) {
		snprintf(why, len, "%d CPUs asked, only %d PUs listed", n, p->npus);
		return -1;
	}
	pus = placement_pus(p, why, len);
	if (!pus)
		return -1;
	for (int i = 0; !ret && i < p->npus; i++) {
		hwloc_obj_t pu = hwloc_get_pu_obj_by_os_index(t->topology, pus[i]);

		if (!pu) {
			snprintf(why, len, "PU %u is not in this machine's topology (or not allowed)", pus[i]);
			ret = -1;
		} else if (i < n) {
			out[i] = pu;
		}
	}
	free(pus);
	return ret;
}

int placement_pick(const struct topo *t, const struct placement *p, int n, hwloc_obj_t *out, char *why, size_t len)
{
	if (n < 1) {
		snprintf(why, len, "%d CPUs asked, need at least 1", n);
		return -1;
	}
	if (p->policy == PLACE_LIST)
		return pick_list(t, p, n, out, why, len);
	if ((unsigned)p->policy >= PLACE_LIST) {
		snprintf(why, len, "unknown placement policy %d", (int)p->policy);
		return -1;
	}
	return pick_policy(t, p->policy, n, out, why, len);
}
