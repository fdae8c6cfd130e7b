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
 * One message's handling is in smsg.c, the pending reply in sreply.c.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "serve.h"

_Static_assert(sizeof(struct fastipc_server_stats) ==
	       FASTIPC_SERVER_STATS_SIZE_VER0,
	       "fastipc_server_stats grows by appending a new size");

#define FIPC_THREADS_MAX	1024
#define FIPC_STOP_POLL_NS	100000000ULL	/* 100 ms */
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

__public __cold int fastipc_server_create(int chan_fd, unsigned int nthreads,
					  const struct fastipc_server_opts *opts,
					  struct fastipc_server **srvp)
{
	struct fastipc_server *srv;
	size_t i;
	int ret;

	if (chan_fd < 0 || !nthreads || nthreads > FIPC_THREADS_MAX)
		return -EINVAL;
	if (opts) {
		for (i = 0; i < ARRAY_SIZE(opts->resv); i++)
			if (opts->resv[i])
				return -EINVAL;
		if (opts->msg_max > UINT32_MAX)
			return -EINVAL;
	}
	ret = fipc_chan_fd_check(chan_fd);
	if (ret < 0)
		return ret;
	srv = calloc(1, sizeof(*srv));
	if (!srv)
		return -ENOMEM;
	srv->chan_fd = chan_fd;
	srv->nthreads = nthreads;
	srv->msg_max = opts && opts->msg_max ? opts->msg_max :
		       FASTIPC_MSG_MAX_DEFAULT;
	srv->stop_poll_ns = opts && opts->stop_poll_ns ? opts->stop_poll_ns :
			    FIPC_STOP_POLL_NS;
	srv->reply_threshold = opts && opts->reply_threshold ?
			       opts->reply_threshold : FASTIPC_THRESHOLD_DEFAULT;
	if (fipc_sconns_init(&srv->sconns, chan_fd) < 0) {
		free(srv);
		return -ENOMEM;
	}
	*srvp = srv;
	return 0;
}

__public __cold int fastipc_server_register(struct fastipc_server *srv,
					    uint32_t op, fastipc_handler_t fn,
					    void *ctx)
{
	struct fipc_route *routes;
	size_t i;

	if (!fn)
		return -EINVAL;
	if (atomic_load(&srv->running))
		return -EBUSY;
	if (fipc_route_find(srv, op))
		return -EEXIST;
	routes = realloc(srv->routes, (srv->nroutes + 1) * sizeof(*routes));
	if (!routes)
		return -ENOMEM;
	srv->routes = routes;
	for (i = srv->nroutes; i > 0 && routes[i - 1].op > op; i--)
		routes[i] = routes[i - 1];
	routes[i] = (struct fipc_route){ .op = op, .fn = fn, .ctx = ctx };
	srv->nroutes++;
	return 0;
}

__public __cold int fastipc_server_on_conn(struct fastipc_server *srv,
					   fastipc_conn_cb_t fn, void *ctx)
{
	if (atomic_load(&srv->running))
		return -EBUSY;
	srv->conn_fn = fn;
	srv->conn_ctx = ctx;
	return 0;
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

__public int fastipc_server_stats(struct fastipc_server *srv,
				  struct fastipc_server_stats *st, size_t size)
{
	struct fastipc_server_stats all;
	struct fipc_sconns_stats tab;

	if (size < FASTIPC_SERVER_STATS_SIZE_VER0)
		return -EINVAL;
	fipc_sconns_stats(&srv->sconns, &tab);
	memset(&all, 0, sizeof(all));
	all.requests = atomic_load(&srv->requests);
	all.rep_shm = atomic_load(&srv->rep_shm);
	all.rep_fallbacks = atomic_load(&srv->rep_fallbacks);
	all.rep_refused = atomic_load(&srv->rep_refused);
	all.ring_errors = tab.ring_errors;
	all.map_errors = tab.map_errors;
	all.notify_errors = tab.notify_errors;
	all.regions = tab.regions;
	if (size > sizeof(all)) {
		memset((char *)st + sizeof(all), 0, size - sizeof(all));
		size = sizeof(all);
	}
	memcpy(st, &all, size);
	return 0;
}

__public void fastipc_server_stop(struct fastipc_server *srv)
{
	atomic_store(&srv->stop, 1);
}

__public __cold void fastipc_server_destroy(struct fastipc_server *srv)
{
	if (!srv)
		return;
	fipc_sconns_fini(&srv->sconns);
	free(srv->routes);
	free(srv);
}
