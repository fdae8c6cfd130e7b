/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fastipc-bench's results: one cell per (mechanism, size, pairs), printed
 * as a table, written as JSON lines and as gnuplot data files.
 */
#ifndef _FASTIPC_BENCH_REPORT_H
#define _FASTIPC_BENCH_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "bench.h"
#include "mech.h"

/* cell.status besides MECH_SKIP_*: */
#define CELL_OK		0
#define CELL_FAILED	(-1)

struct cell {
	const struct mech *m;
	size_t size;
	unsigned int pairs;
	int status;			/* CELL_OK, CELL_FAILED, MECH_SKIP_* */
	struct bench_stats st;		/* of every measured round trip */
	unsigned long rounds;		/* measured, all pairs and batches */
	unsigned long planned;		/* fewer measured: the time budget */
	unsigned long warm;		/* unmeasured, likewise */
	unsigned int batches;
	uint64_t elapsed_ns;		/* measured windows, summed */
	uint64_t nvcsw, nivcsw, minflt;	/* clients, measured rounds */
	/* CPU ns of the measured round trips: clients', server's. */
	uint64_t cpu_client_ns, cpu_server_ns;
	bool srv_cpu_missing;		/* a run could not read the server's */
	uint64_t server_minflt;		/* server page faults, measured */
	char note[256];			/* the mechanism's, last batch */
};

/* What the JSON lines say about the run as a whole. */
struct report_env {
	const char *mode;		/* "full", "quick", "check" */
	const char *kernel, *host_kernel, *git;
	char time[32];			/* UTC, ISO 8601 */
	long cpus;
	int cpu_client, cpu_server;	/* -1: not pinned */
	long spin_ns;			/* the module's spin_ns; -1: unknown */
};

/*
 * CPU time per round trip in ns, client and server processes together
 * (every thread of each); 0 unless measured, the client's alone if the
 * server's clock could not be read.
 */
double cell_cpu_per_rt(const struct cell *c);

/* Round trips per second, all pairs together; 0 unless measured. */
double cell_rate(const struct cell *c);

/*
 * report_table() - Print the @n cells of one (size, pairs) to @f: p50,
 * p99, p99.9 and minimum round trip, p99/p50, CPU per round trip, round
 * trips per second, p50 ratio to the "copy" and "seqpacket" cells and
 * throughput ratio to the latter, and whether the mechanism busy-waits.
 */
void report_table(FILE *f, const struct report_env *e, const struct cell *cells,
		  size_t n);

/* report_json() - One JSON line for @c; 0 or -errno. */
int report_json(FILE *f, const struct report_env *e, const struct cell *c);

/*
 * report_dat() - gnuplot data in @dir: latency.dat (p50 and p99 against
 * size at the first of the @npairs pair counts, a block per mechanism)
 * and throughput-SIZE.dat (round trips per second against pairs). @cells
 * is [size][pairs][mechanism]. Return 0 or -errno (reported).
 */
int report_dat(const char *dir, const struct cell *cells, size_t nsizes,
	       size_t npairs, size_t nmechs);

#endif /* _FASTIPC_BENCH_REPORT_H */
