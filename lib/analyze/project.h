/* `tlbbench analyze DIR --counts COUNTS`: the forced-flush cost per GiB
 * projected onto every CPU count of another run (a guest of 16 CPUs, say,
 * whose counts are exact where its times are not), priced by DIR's run: what
 * one forced flush costs at 1 CPU, and what one IPI adds at 2 or more. */
#ifndef TLBBENCH_PROJECT_H
#define TLBBENCH_PROJECT_H

#include "analyze.h"

struct ipi_price {
	const char *source;    /* "flush_cost" or "in-situ" */
	int cpus;              /* the CPU count the remote price was measured at */
	double local_ns;       /* one forced flush at 1 CPU */
	double at_cpus_ns;     /* one forced flush at cpus */
	double ipis_per_flush; /* at cpus */
	double round_trip_ns;  /* what reaching the remote CPUs adds to a flush: at_cpus_ns - local_ns */
	double remote_ns;      /* per IPI: round_trip_ns / ipis_per_flush */
};

struct projection_row {
	const struct result_case *dirty;
	int cpus;
	double forced_flushes, forced_ipis; /* per GiB, medians: dirty shmem less its clean twin */
	double parallel_ns, serial_ns;      /* per GiB */
};

struct projection {
	struct ipi_price price;
	int nrows;
	struct projection_row *rows;
};

/* -1 with why when DIR (a, rs) has no price at 1 CPU and at 2 or more with
 * spinning remote threads, when reaching them costs nothing there (the
 * remote price not above the local one), or COUNTS no dirty and clean shmem
 * twins. */
int projection_compute(const struct analysis *a, const struct result_set *rs, const struct result_set *counts,
		       struct projection *p, char *why, size_t len);
void projection_print(const struct projection *p, const struct result_set *counts);
void projection_free(struct projection *p);

#endif
