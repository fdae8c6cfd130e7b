/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A client-side watchdog for mechanisms whose blocking calls cannot time
 * out (a read() of an eventfd, msgrcv()): a thread that looks every
 * period and, when a round trip has been in progress since its last look,
 * calls fire() once to unblock the client (poison a reply, remove a
 * queue), so that a dead server cannot hang the run. The hot path only
 * bumps a counter (bench_watchdog_tick(), twice per round trip).
 */
#ifndef _FASTIPC_BENCH_WATCHDOG_H
#define _FASTIPC_BENCH_WATCHDOG_H

#include <pthread.h>
#include <stdbool.h>

struct bench_watchdog {
	/* Odd while a round trip is in progress; only the client writes. */
	_Atomic unsigned long rounds;
	unsigned int period_s;
	void (*fire)(void *arg);
	void *arg;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool stop;
};

/*
 * Start @wd's thread: fire(@arg) when a round trip has not ended for
 * between @period_s and twice that. Returns 0 or -errno (reported with
 * @what).
 */
int bench_watchdog_start(struct bench_watchdog *wd, unsigned int period_s,
			 void (*fire)(void *arg), void *arg, const char *what);

/* Mark the start or the end of a round trip. */
void bench_watchdog_tick(struct bench_watchdog *wd);

/* Stop and join the thread. */
void bench_watchdog_stop(struct bench_watchdog *wd);

#endif /* _FASTIPC_BENCH_WATCHDOG_H */
