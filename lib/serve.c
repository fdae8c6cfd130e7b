// SPDX-License-Identifier: LGPL-2.1 OR MIT
/*
 * The server loop: a pool of threads, each blocked in FASTIPC_IOC_REPLY_RECV
 * (deliver the previous reply and wait for the next message in one
 * syscall), dispatching by procedure number to registered handlers.
 *
 * Stopping: the uapi has no "wake the receivers" ioctl short of removing
 * the channel, so every receive carries a timeout (stop_poll_ns) after
 * which an idle thread looks at the stop flag. A signal also ends the wait
 * (-EINTR), so a SIGTERM handler calling fastipc_server_stop() stops the
 * thread it interrupted at once and the others within stop_poll_ns.
 *
 * One message's handling is in smsg.c, the pending reply in sreply.c,
 * creation and settings in screate.c.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "serve.h"

#define FIPC_RECV_ALIGN		4096

/* fastipc_server_stop() is async-signal-safe only with lock-free atomics. */
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "atomic_int must be lock-free");


void fipc_fail(struct fastipc_server *srv, int err)
{
	int none = 0;

	atomic_compare_exchange_strong(&srv->error, &none, err);
	atomic_store(&srv->stop, 1);
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


static int fipc_grow_buf(struct fipc_worker *w)
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

/* One FASTIPC_IOC_REPLY_RECV (or RECV when no reply is pending). */
static int fipc_reply_recv(struct fipc_worker *w)
{
	struct fastipc_serve *sv = &w->sv;
	unsigned long cmd;

	sv->buf_ptr = (uintptr_t)w->buf;
	sv->buf_cap = (uint32_t)w->buf_cap;
	sv->flags = FASTIPC_F_TIMEOUT;
	if (w->pending && w->need)
		sv->flags |= FASTIPC_F_REPLY_NEED;
	sv->timeout_ns = w->srv->stop_poll_ns;
	sv->out_flags = 0;
	sv->pad = 0;
	memset(&sv->hdr, 0, sizeof(sv->hdr));
	memset(&sv->desc, 0, sizeof(sv->desc));
	cmd = w->pending ? FASTIPC_IOC_REPLY_RECV : FASTIPC_IOC_RECV;
	return fipc_ioctl(w->srv->chan_fd, cmd, sv);
}


/* Return 0 to go on serving, or the error that ends this thread. */
static int fipc_serve_one(struct fipc_worker *w)
{
	uint32_t out;
	int ret;

	ret = fipc_reply_recv(w);
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
	case -EMSGSIZE:
		return fipc_grow_buf(w);
	default:
		return ret;
	}
}


static void *fipc_worker_main(void *arg)
{
	struct fipc_worker *w = arg;
	int ret;

	memset(&w->sv, 0, sizeof(w->sv));
	w->pending = false;
	w->need = false;
	while (!fipc_stopping(w->srv)) {
		ret = fipc_serve_one(w);
		if (ret < 0) {
			fipc_fail(w->srv, ret);
			break;
		}
	}
	fipc_flush_reply(w);
	return NULL;
}

static int fipc_worker_init(struct fipc_worker *w, struct fastipc_server *srv)
{
	w->srv = srv;
	w->buf_cap = srv->msg_max;
	w->buf = malloc(w->buf_cap);
	w->rep = malloc(srv->msg_max);
	if (!w->buf || !w->rep)
		return -ENOMEM;
	return 0;
}

static void fipc_workers_free(struct fipc_worker *workers, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		free(workers[i].buf);
		free(workers[i].rep);
	}
	free(workers);
}

/* Start @srv->nthreads workers; on failure stop and join those started. */
static int fipc_workers_start(struct fastipc_server *srv,
			      struct fipc_worker *workers)
{
	unsigned int i, j;
	int ret = 0;

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

__public int fastipc_server_run(struct fastipc_server *srv)
{
	struct fipc_worker *workers;
	unsigned int i;
	int ret;

	if (atomic_exchange(&srv->running, 1))
		return -EBUSY;
	workers = calloc(srv->nthreads, sizeof(*workers));
	if (!workers) {
		ret = -ENOMEM;
		goto out;
	}
	ret = fipc_workers_start(srv, workers);
	if (ret >= 0) {
		for (i = 0; i < srv->nthreads; i++)
			pthread_join(workers[i].tid, NULL);
		ret = atomic_load(&srv->error);
	}
	fipc_workers_free(workers, srv->nthreads);
out:
	atomic_store(&srv->running, 0);
	return ret;
}

__public void fastipc_server_stop(struct fastipc_server *srv)
{
	atomic_store(&srv->stop, 1);
}
