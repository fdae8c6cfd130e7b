// SPDX-License-Identifier: LGPL-2.1 OR MIT
/*
 * The server loop: a pool of threads, each blocked in FASTIPC_IOC_REPLY_RECV
 * (deliver the previous reply and wait for the next message in one
 * syscall), dispatching by procedure number to registered handlers.
 *
 * Stopping: fastipc_server_stop() sets the stop flag, then shuts receives
 * on the channel down (FASTIPC_IOC_CHAN_SHUTDOWN, one ioctl: safe in a
 * signal handler); every idle thread wakes with -ESHUTDOWN and returns,
 * so idle threads sleep with no timeout. fastipc_server_run() opens
 * receives again, then looks at the flag: a stop() racing with the start
 * either sets the flag before run() looks (run() returns at once) or
 * shuts down after run() opened (the threads wake), never lost. The run
 * consumes the stop: the flag is cleared when run() returns, so the next
 * run() serves again. On a kernel without CHAN_SHUTDOWN (-ENOTTY), every
 * receive carries a timeout (stop_poll_ns) after which an idle thread
 * looks at the flag, as before 0.4.
 *
 * The shutdown is channel-wide and anyone may open receives again (the
 * run() or dispatch() of another server on the channel, in any process):
 * a woken thread of ours may then go back to sleep. So while a stop is in
 * progress, run()'s own thread waits for its workers at most stop_poll_ns
 * at a time and shuts receives down again until every worker has
 * returned. stop() and each returning worker post srv->wake (sem_post()
 * is async-signal-safe); with no stop pending run() sleeps on it with no
 * timeout, so an idle pool makes no periodic wake-ups.
 *
 * One message's handling is in smsg.c, the pending reply in sreply.c,
 * creation and settings in screate.c, the event-loop entry in sdispatch.c.
 */
#define _GNU_SOURCE		/* sem_clockwait() */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "serve.h"

#define FIPC_RECV_ALIGN		4096

/* fastipc_server_stop() is async-signal-safe only with lock-free atomics. */
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "atomic_int must be lock-free");


int fipc_chan_shut(struct fastipc_server *srv, uint32_t shut)
{
	struct fastipc_chan_shutdown arg = { .shut = shut };
	int saved = errno;
	int ret;

	ret = ioctl(srv->chan_fd, FASTIPC_IOC_CHAN_SHUTDOWN, &arg);
	ret = ret < 0 ? -errno : 0;
	errno = saved;
	return ret;
}

void fipc_fail(struct fastipc_server *srv, int err)
{
	int none = 0;

	atomic_compare_exchange_strong(&srv->error, &none, err);
	atomic_store(&srv->stop, 1);
	if (atomic_load(&srv->shut) == FIPC_SHUT_YES)	/* wake the others */
		fipc_chan_shut(srv, FASTIPC_SHUT_RECV);
}

const struct fipc_route *fipc_route_find(struct fastipc_server *srv,
					 uint32_t op)
{
	size_t lo = 0, hi = srv->nroutes;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (srv->routes[mid].op == op)
			return &srv->routes[mid];
		if (srv->routes[mid].op < op)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int fipc_grow_buf(struct fipc_worker *w)
{
	size_t need = w->sv.hdr.len;
	void *buf;

	if (need <= w->buf_cap)
		need = w->buf_cap * 2;
	need = (need + FIPC_RECV_ALIGN - 1) & ~(size_t)(FIPC_RECV_ALIGN - 1);
	if (need > UINT32_MAX)
		return -ENOMEM;
	buf = realloc(w->buf, need);
	if (!buf)
		return -ENOMEM;
	w->buf = buf;
	w->buf_cap = need;
	return 0;
}

int fipc_srv_recv(struct fipc_worker *w, bool nonblock)
{
	struct fastipc_serve *sv = &w->sv;
	unsigned long cmd;

	sv->buf_ptr = (uintptr_t)w->buf;
	sv->buf_cap = (uint32_t)w->buf_cap;
	sv->flags = 0;
	sv->timeout_ns = 0;
	if (nonblock) {
		sv->flags = FASTIPC_F_NONBLOCK;
	} else if (atomic_load(&w->srv->shut) != FIPC_SHUT_YES) {
		sv->flags = FASTIPC_F_TIMEOUT;
		sv->timeout_ns = w->srv->stop_poll_ns;
	}
	if (w->pending && w->need)
		sv->flags |= FASTIPC_F_REPLY_NEED;
	sv->out_flags = 0;
	sv->pad = 0;
	memset(&sv->hdr, 0, sizeof(sv->hdr));
	memset(&sv->desc, 0, sizeof(sv->desc));
	cmd = w->pending ? FASTIPC_IOC_REPLY_RECV : FASTIPC_IOC_RECV;
	return fipc_ioctl(w->srv->chan_fd, cmd, sv);
}

/*
 * Return 0 to go on serving, 1 when receives are shut down (the thread
 * returns), or the error that ends the pool.
 */
static int fipc_serve_one(struct fipc_worker *w)
{
	uint32_t out;
	int ret;

	ret = fipc_srv_recv(w, false);
	out = w->sv.out_flags;
	if (w->pending) {
		if (out & (FASTIPC_SERVE_REPLIED | FASTIPC_SERVE_REPLY_DROPPED))
			fipc_clear_reply(w, out & FASTIPC_SERVE_REPLIED);
		else if (ret < 0 && fipc_reply_failed(w, ret))
			return 0;
	}
	if (ret >= 0 && (out & FASTIPC_SERVE_RECEIVED)) {
		fipc_handle_msg(w);
		return 0;
	}
	switch (ret) {
	case 0:
	case -EINTR:
	case -EAGAIN:
	case -ETIMEDOUT:
	case -ENOENT:
		return 0;
	case -ESHUTDOWN:
		return 1;
	case -EMSGSIZE:
		return fipc_grow_buf(w);
	default:
		return ret;
	}
}

static void *fipc_worker_main(void *arg)
{
	struct fipc_worker *w = arg;
	int ret = 0;

	memset(&w->sv, 0, sizeof(w->sv));
	w->pending = false;
	w->need = false;
	while (!ret && !fipc_stopping(w->srv))
		ret = fipc_serve_one(w);
	if (ret < 0)
		fipc_fail(w->srv, ret);
	fipc_flush_reply(w);
	atomic_fetch_sub(&w->srv->live, 1);
	sem_post(&w->srv->wake);
	return NULL;
}

int fipc_worker_init(struct fipc_worker *w, struct fastipc_server *srv)
{
	w->srv = srv;
	w->buf_cap = srv->msg_max;
	w->buf = malloc(w->buf_cap);
	w->rep = malloc(srv->msg_max);
	if (!w->buf || !w->rep)
		return -ENOMEM;
	return 0;
}

void fipc_worker_free(struct fipc_worker *w)
{
	free(w->buf);
	free(w->rep);
}

static void fipc_workers_free(struct fipc_worker *workers, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		fipc_worker_free(&workers[i]);
	free(workers);
}

/* Start @srv->nthreads workers; on failure stop and join those started. */
static int fipc_workers_start(struct fastipc_server *srv,
			      struct fipc_worker *workers)
{
	unsigned int i, j;
	int ret = 0;

	atomic_store(&srv->live, (int)srv->nthreads);
	for (i = 0; i < srv->nthreads; i++) {
		ret = fipc_worker_init(&workers[i], srv);
		if (ret < 0)
			break;
		ret = -pthread_create(&workers[i].tid, NULL, fipc_worker_main,
				      &workers[i]);
		if (ret < 0)
			break;
	}
	if (ret < 0) {
		fipc_fail(srv, ret);
		for (j = 0; j < i; j++)
			pthread_join(workers[j].tid, NULL);
	}
	return ret;
}

/*
 * Open receives again (a previous stop() shut them down) and learn
 * whether this kernel can shut them down at all. Then the stop flag:
 * set, a stop() came before or while we opened, and the run ends at once.
 */
static bool fipc_run_open(struct fastipc_server *srv)
{
	int ret;

	atomic_store(&srv->shut_own, 0);
	ret = fipc_chan_shut(srv, 0);
	if (ret == -ENOTTY)
		atomic_store(&srv->shut, FIPC_SHUT_NO);
	else if (ret == 0)
		atomic_store(&srv->shut, FIPC_SHUT_YES);
	return !fipc_stopping(srv);
}

/* Wait for a post on srv->wake, at most @ns. Return: false on timeout. */
static bool fipc_run_sleep(struct fastipc_server *srv, uint64_t ns)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ns += (uint64_t)ts.tv_nsec;
	ts.tv_sec += (time_t)(ns / 1000000000ULL);
	ts.tv_nsec = (long)(ns % 1000000000ULL);
	while (sem_clockwait(&srv->wake, CLOCK_MONOTONIC, &ts) < 0) {
		if (errno == ETIMEDOUT)
			return false;
		if (errno != EINTR)
			return true;
	}
	return true;
}

/*
 * Wait until every worker has returned. No stop pending: sleep until
 * stop() or a returning worker posts. A stop in progress: shut receives
 * down again every stop_poll_ns, in case another server opened them
 * before a woken worker of ours saw the shutdown (see the top of file).
 */
static void fipc_run_wait(struct fastipc_server *srv)
{
	int saved = errno;

	while (atomic_load(&srv->live) > 0) {
		if (!fipc_stopping(srv)) {
			while (sem_wait(&srv->wake) < 0 && errno == EINTR)
				;
			continue;
		}
		if (!fipc_run_sleep(srv, srv->stop_poll_ns) &&
		    atomic_load(&srv->shut) == FIPC_SHUT_YES)
			fipc_chan_shut(srv, FASTIPC_SHUT_RECV);
	}
	errno = saved;
}

static int fipc_run_pool(struct fastipc_server *srv)
{
	struct fipc_worker *workers;
	unsigned int i;
	int ret;

	workers = calloc(srv->nthreads, sizeof(*workers));
	if (!workers)
		return -ENOMEM;
	while (!sem_trywait(&srv->wake))	/* posts of an earlier run */
		;
	ret = fipc_workers_start(srv, workers);
	if (ret >= 0) {
		fipc_run_wait(srv);
		for (i = 0; i < srv->nthreads; i++)
			pthread_join(workers[i].tid, NULL);
		ret = atomic_load(&srv->error);
	}
	fipc_workers_free(workers, srv->nthreads);
	return ret;
}

__public int fastipc_server_run(struct fastipc_server *srv)
{
	int idle = 0;
	int ret = 0;

	if (!atomic_compare_exchange_strong(&srv->running, &idle, -1))
		return -EBUSY;
	atomic_store(&srv->error, 0);
	if (fipc_run_open(srv))
		ret = fipc_run_pool(srv);
	atomic_store(&srv->stop, 0);	/* consumed: the next run serves */
	atomic_store(&srv->running, 0);
	return ret;
}

/*
 * The flag first, then the shutdown: see the top of this file. Only an
 * atomic store, one ioctl (errno kept) and sem_post(), so
 * async-signal-safe.
 */
__public void fastipc_server_stop(struct fastipc_server *srv)
{
	int saved;

	atomic_store(&srv->stop, 1);
	atomic_store(&srv->shut_own, 1);
	if (atomic_load(&srv->shut) != FIPC_SHUT_NO)
		fipc_chan_shut(srv, FASTIPC_SHUT_RECV);
	saved = errno;
	sem_post(&srv->wake);	/* run() watches its workers leave */
	errno = saved;
}
