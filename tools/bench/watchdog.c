// SPDX-License-Identifier: GPL-2.0
/*
 * The client-side watchdog of the eventfd and SysV mechanisms
 * (watchdog.h).
 */
#include <stdatomic.h>
#include <time.h>

#include "bench.h"
#include "watchdog.h"

static void *watchdog_main(void *arg)
{
	struct bench_watchdog *wd = arg;
	unsigned long seen = 0, now;
	struct timespec at;

	pthread_mutex_lock(&wd->lock);
	while (!wd->stop) {
		clock_gettime(CLOCK_MONOTONIC, &at);
		at.tv_sec += wd->period_s;
		while (!wd->stop &&
		       pthread_cond_timedwait(&wd->cond, &wd->lock, &at) == 0)
			;
		if (wd->stop)
			break;
		now = atomic_load_explicit(&wd->rounds, memory_order_relaxed);
		if ((now & 1) && now == seen) {
			wd->fire(wd->arg);
			break;
		}
		seen = now;
	}
	pthread_mutex_unlock(&wd->lock);
	return NULL;
}

int bench_watchdog_start(struct bench_watchdog *wd, unsigned int period_s,
			 void (*fire)(void *arg), void *arg, const char *what)
{
	pthread_condattr_t attr;
	int ret;

	atomic_init(&wd->rounds, 0);
	wd->period_s = period_s;
	wd->fire = fire;
	wd->arg = arg;
	wd->stop = false;
	pthread_mutex_init(&wd->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&wd->cond, &attr);
	pthread_condattr_destroy(&attr);
	ret = pthread_create(&wd->thread, NULL, watchdog_main, wd);
	if (ret) {
		pthread_cond_destroy(&wd->cond);
		pthread_mutex_destroy(&wd->lock);
		return bench_err(-ret, "%s: watchdog thread", what);
	}
	return 0;
}

void bench_watchdog_tick(struct bench_watchdog *wd)
{
	unsigned long n = atomic_load_explicit(&wd->rounds,
					       memory_order_relaxed);

	atomic_store_explicit(&wd->rounds, n + 1, memory_order_relaxed);
}

void bench_watchdog_stop(struct bench_watchdog *wd)
{
	pthread_mutex_lock(&wd->lock);
	wd->stop = true;
	pthread_cond_signal(&wd->cond);
	pthread_mutex_unlock(&wd->lock);
	pthread_join(wd->thread, NULL);
	pthread_cond_destroy(&wd->cond);
	pthread_mutex_destroy(&wd->lock);
}
