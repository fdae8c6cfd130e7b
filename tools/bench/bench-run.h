/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One run of a mechanism (the lifecycle of mech.h): a server process with
 * a thread per pair, a client process per pair, every round trip timed.
 */
#ifndef _FASTIPC_BENCH_RUN_H
#define _FASTIPC_BENCH_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mech.h"

struct run_params {
	const struct mech *m;
	size_t size;			/* request bytes */
	unsigned int pairs;		/* 1..MECH_MAX_PAIRS */
	unsigned long warm;		/* unmeasured round trips per client */
	unsigned long rounds;		/* measured round trips per client */
	int cpu_client, cpu_server;	/* pinning when pairs == 1; -1 none */
	unsigned int timeout_s;		/* the whole run, then SIGKILL */
	/*
	 * 0, or a client stops its measured round trips once this many ns
	 * have passed (a slow mechanism then reports fewer samples).
	 */
	uint64_t budget_ns;
};

struct run_result {
	unsigned long rounds;		/* samples, all pairs (budget) */
	/* Measured window: first client's start to the last one's end. */
	uint64_t elapsed_ns;
	/* Client voluntary and involuntary context switches, page faults. */
	uint64_t nvcsw, nivcsw, minflt;
	/*
	 * CPU time in the measured window (ns): the client processes' own
	 * (CLOCK_PROCESS_CPUTIME_ID, all their threads, summed) and the
	 * server process's (its CPU clock, every thread) plus that of the
	 * mechanism's helper processes (mech->helper_cpu_ns(), e.g. a
	 * gateway), 0 with !srv_cpu when a clock could not be read.
	 */
	uint64_t cpu_client_ns, cpu_server_ns;
	bool srv_cpu;
	/* The server process's minor page faults in that window. */
	uint64_t server_minflt;
	char note[256];			/* the mechanism's note (pair 0) */
};

/*
 * run_usable() - 0 if @p->m can run @p->size with @p->pairs, else a
 * MECH_SKIP_* reason.
 */
int run_usable(const struct run_params *p);

/*
 * run_once() - Run @p once: up to @p->pairs * @p->rounds samples (ns, a
 * round trip each; @r->rounds of them, fewer if the budget ran out) into
 * @ns, the rest into @r.
 * Return: 0, or -1 after reporting on stderr what failed (a client, the
 * server, a checksum, the timeout).
 */
int run_once(const struct run_params *p, uint64_t *ns, struct run_result *r);

#endif /* _FASTIPC_BENCH_RUN_H */
