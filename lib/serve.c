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
 * A pool thread never waits on one connection's behalf: a reply ring
 * with no room (a client that holds its replies) means a copied reply
 * at once, or, for a reply larger than the copy path takes, a refusal
 * before the handler runs (the client library sends the request again),
 * so that one connection's misbehaviour costs that connection only
 * (counted in fastipc_server_stats()).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "sconn.h"

_Static_assert(sizeof(struct fastipc_server_stats) ==
	       FASTIPC_SERVER_STATS_SIZE_VER0,
	       "fastipc_server_stats grows by appending a new size");

#define FIPC_THREADS_MAX	1024
#define FIPC_STOP_POLL_NS	100000000ULL	/* 100 ms */
#define FIPC_RECV_ALIGN		4096

/* fastipc_server_stop() is async-signal-safe only with lock-free atomics. */
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "atomic_int must be lock-free");

struct fipc_route {
	uint32_t op;
	fastipc_handler_t fn;
	void *ctx;
};

struct fastipc_server {
	int chan_fd;
	unsigned int nthreads;
	size_t msg_max;
	uint64_t stop_poll_ns;
	uint64_t reply_threshold;
	struct fipc_sconns sconns;	/* connections' regions */
	struct fipc_route *routes;	/* sorted by op; read-only while running */
	size_t nroutes;
	fastipc_conn_cb_t conn_fn;
	void *conn_ctx;
	atomic_int stop;
	atomic_int running;
	atomic_int error;		/* first error that ended the pool */
	atomic_uint_fast64_t requests;	/* fastipc_server_stats() */
	atomic_uint_fast64_t rep_shm;
	atomic_uint_fast64_t rep_fallbacks;
	atomic_uint_fast64_t rep_refused;
};

struct fipc_worker {
	struct fastipc_server *srv;
	pthread_t tid;
	void *buf;			/* receive buffer, buf_cap bytes */
	size_t buf_cap;
	void *rep;			/* reply buffer, srv->msg_max bytes */
	bool pending;			/* sv.reply_* hold an undelivered reply */
	struct fipc_sconn *rep_sc;	/* the pending reply is in its ring */
	struct fastipc_serve sv;
};

/* A request's payload and reply room, in place or in the buffers. */
struct fipc_call_ctx {
	struct fipc_sconn *sc;		/* with a reference, or NULL */
	const void *req;
	size_t req_len;
	bool req_claimed;		/* req is in the client's ring */
	void *rep;
	size_t rep_cap;
	bool rep_ring;			/* rep is reserved in our ring */
	uint32_t rep_off;
};

static bool fipc_stopping(struct fastipc_server *srv)
{
	return atomic_load_explicit(&srv->stop, memory_order_relaxed);
}

static void fipc_fail(struct fastipc_server *srv, int err)
{
	int none = 0;

	atomic_compare_exchange_strong(&srv->error, &none, err);
	atomic_store(&srv->stop, 1);
}

static const struct fipc_route *fipc_route_find(struct fastipc_server *srv,
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

/* Let go of a reply in our ring: the client has it, or nobody will. */
static void fipc_put_ring_reply(struct fipc_worker *w, bool delivered)
{
	struct fipc_sconn *sc = w->rep_sc;
	uint32_t off = (uint32_t)w->sv.reply_desc.offset;

	memset(&w->sv.reply_desc, 0, sizeof(w->sv.reply_desc));
	if (!sc)
		return;
	if (!delivered)
		fipc_region_cancel(sc->reg, off);
	fipc_sconn_put(&w->srv->sconns, sc);
	w->rep_sc = NULL;
}

static void fipc_set_reply(struct fipc_worker *w, uint64_t msg_id, int status,
			   size_t len)
{
	fipc_put_ring_reply(w, false);
	w->sv.reply_id = msg_id;
	w->sv.reply_ptr = len ? (uintptr_t)w->rep : 0;
	w->sv.reply_len = (uint32_t)len;
	w->sv.reply_status = status;
	w->pending = true;
}

/* Reply by descriptor with @len bytes at @cx->rep_off of @cx->sc's ring. */
static void fipc_set_ring_reply(struct fipc_worker *w, struct fipc_call_ctx *cx,
				int status, size_t len)
{
	fipc_set_reply(w, w->sv.hdr.msg_id, status, 0);
	fipc_region_commit(cx->sc->reg, cx->rep_off);
	w->sv.reply_desc.offset = cx->rep_off;
	w->sv.reply_desc.len = (uint32_t)len;
	w->sv.reply_desc.area = FASTIPC_AREA_S2C;
	w->rep_sc = fipc_sconn_hold(&w->srv->sconns, cx->sc);
	cx->rep_ring = false;		/* w owns the record now */
}

static void fipc_clear_reply(struct fipc_worker *w, bool delivered)
{
	fipc_put_ring_reply(w, delivered);
	w->sv.reply_id = 0;
	w->sv.reply_ptr = 0;
	w->sv.reply_len = 0;
	w->sv.reply_status = 0;
	w->pending = false;
}

/*
 * The payload: in the receive buffer, or in place in the client's ring
 * (a descriptor). Return 0, -EBADMSG for a bad descriptor, or the error
 * that kept the region from being mapped (-EMFILE, -ENOMEM, ...).
 */
static int fipc_ctx_req(struct fipc_worker *w, struct fipc_call_ctx *cx)
{
	const struct fastipc_desc *d = &w->sv.desc;
	struct fipc_region *g;
	int err;

	memset(cx, 0, sizeof(*cx));
	cx->req = w->buf;
	cx->req_len = w->sv.hdr.len;
	if (!d->area)
		return 0;
	cx->sc = fipc_sconn_get(&w->srv->sconns, w->sv.hdr.conn_id, &err);
	if (!cx->sc && err < 0 && err != -ENOENT)
		return err;		/* counted in map_errors */
	g = cx->sc ? cx->sc->reg : NULL;
	if (!g || d->area != FASTIPC_AREA_C2S || d->offset > UINT32_MAX ||
	    fipc_region_claim(g, (uint32_t)d->offset, d->len) < 0)
		return -EBADMSG;
	cx->req = fipc_rx_ptr(g, (uint32_t)d->offset);
	cx->req_len = d->len;
	cx->req_claimed = true;
	return 0;
}

/*
 * Reply room: in our ring when the caller accepts a large reply. Return
 * 0, or -ENOBUFS when the ring has no room and the caller accepts more
 * than the copy buffer takes (the handler must not run).
 */
static int fipc_ctx_rep(struct fipc_worker *w, struct fipc_call_ctx *cx)
{
	const struct fastipc_msg_hdr *hdr = &w->sv.hdr;
	struct fipc_region *g;
	uint32_t len;
	int ret;

	cx->rep = w->rep;
	cx->rep_cap = hdr->reply_max < w->srv->msg_max ?
		      hdr->reply_max : w->srv->msg_max;
	if (hdr->reply_max <= w->srv->reply_threshold)
		return 0;
	if (!cx->sc)
		cx->sc = fipc_sconn_get(&w->srv->sconns, hdr->conn_id, NULL);
	g = cx->sc ? cx->sc->reg : NULL;
	if (!g || g->stream)
		return 0;
	len = fipc_ring_max_len(g->tx.size);
	if (hdr->reply_max < len)
		len = hdr->reply_max;
	/*
	 * A full ring is a caller still holding earlier replies (perhaps for
	 * ever, perhaps only until its other threads copied theirs out):
	 * never wait for it in a pool thread, that would stall every other
	 * connection. The copy buffer at once when it takes all the caller
	 * accepts; else refuse before the handler runs, so that the caller
	 * may send the request again.
	 */
	ret = fipc_region_reserve(g, len, &cx->rep_off, 0);
	if (ret == -EAGAIN && hdr->reply_max > cx->rep_cap) {
		fipc_count(&w->srv->rep_refused, 1);
		return -ENOBUFS;
	}
	if (ret == -EAGAIN)
		fipc_count(&w->srv->rep_fallbacks, 1);
	if (ret < 0)
		return 0;
	cx->rep = fipc_tx_ptr(g, cx->rep_off);
	cx->rep_cap = len;
	cx->rep_ring = true;
	return 0;
}

static void fipc_ctx_end(struct fipc_worker *w, struct fipc_call_ctx *cx)
{
	if (cx->req_claimed)
		fipc_region_release(cx->sc->reg, (uint32_t)w->sv.desc.offset);
	if (cx->rep_ring)		/* not handed to a reply */
		fipc_region_cancel(cx->sc->reg, cx->rep_off);
	fipc_sconn_put(&w->srv->sconns, cx->sc);
}

static void fipc_do_request(struct fipc_worker *w, const struct fipc_route *r)
{
	const struct fastipc_msg_hdr *hdr = &w->sv.hdr;
	struct fipc_call_ctx cx;
	size_t len = 0;
	int status;

	fipc_count(&w->srv->requests, 1);
	status = fipc_ctx_req(w, &cx);
	if (status < 0) {
		fipc_set_reply(w, hdr->msg_id, status, 0);
		goto out;
	}
	if (!r) {
		fipc_set_reply(w, hdr->msg_id, -ENOSYS, 0);
		goto out;
	}
	if (fipc_ctx_rep(w, &cx) < 0) {
		fipc_set_reply(w, hdr->msg_id, -ENOBUFS, 0);
		w->sv.reply_desc.area = FASTIPC_AREA_S2C;	/* refused */
		goto out;
	}
	status = r->fn(r->ctx, hdr, cx.req, cx.req_len, cx.rep, cx.rep_cap,
		       &len);
	if (len > cx.rep_cap) {
		status = -EOVERFLOW;
		len = 0;
	}
	if (cx.rep_ring) {
		fipc_set_ring_reply(w, &cx, status, len);
		fipc_count(&w->srv->rep_shm, 1);
	} else {
		fipc_set_reply(w, hdr->msg_id, status, len);
	}
out:
	fipc_ctx_end(w, &cx);
}

static void fipc_do_oneway(struct fipc_worker *w, const struct fipc_route *r)
{
	struct fipc_call_ctx cx;
	size_t len = 0;

	if (fipc_ctx_req(w, &cx) == 0 && r)
		r->fn(r->ctx, &w->sv.hdr, cx.req, cx.req_len, NULL, 0, &len);
	fipc_ctx_end(w, &cx);
}

static void fipc_dispatch(struct fipc_worker *w)
{
	struct fastipc_server *srv = w->srv;
	const struct fastipc_msg_hdr *hdr = &w->sv.hdr;
	struct fipc_sconn *sc;

	switch (hdr->type) {
	case FASTIPC_MSG_REQUEST:
		fipc_do_request(w, fipc_route_find(srv, hdr->op));
		break;
	case FASTIPC_MSG_ONEWAY:
		fipc_do_oneway(w, fipc_route_find(srv, hdr->op));
		break;
	case FASTIPC_MSG_CONNECT:
		sc = fipc_sconn_get(&srv->sconns, hdr->conn_id, NULL);
		fipc_sconn_put(&srv->sconns, sc);
		if (srv->conn_fn)
			srv->conn_fn(srv->conn_ctx, hdr);
		break;
	case FASTIPC_MSG_DISCONNECT:
		if (srv->conn_fn)
			srv->conn_fn(srv->conn_ctx, hdr);
		fipc_sconn_drop(&srv->sconns, hdr->conn_id);
		break;
	default:
		break;	/* a message type from a newer kernel: ignore it */
	}
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

/*
 * The reply part of a REPLY_RECV failed (the request stays outstanding).
 * Return true to retry the same reply, false when it was replaced by an
 * error reply or given up.
 */
static bool fipc_reply_failed(struct fipc_worker *w, int err)
{
	if (err == -EINTR)
		return true;
	if (err == -EINVAL && fipc_desc_refused(&w->sv.reply_desc)) {
		fipc_set_reply(w, w->sv.reply_id, -ENOBUFS, 0);	/* plain */
		return true;
	}
	if ((err == -EMSGSIZE || err == -ENOBUFS) &&
	    (w->sv.reply_len || w->rep_sc)) {
		fipc_set_reply(w, w->sv.reply_id, err, 0);
		return true;
	}
	fipc_clear_reply(w, false);	/* -ENOENT: the request is gone */
	return false;
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
		fipc_dispatch(w);
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

/* Deliver a reply still pending when the thread stops. */
static void fipc_flush_reply(struct fipc_worker *w)
{
	struct fastipc_serve sv;
	int tries = 3;

	int ret;

	while (w->pending && tries--) {
		memset(&sv, 0, sizeof(sv));
		sv.reply_id = w->sv.reply_id;
		sv.reply_ptr = w->sv.reply_ptr;
		sv.reply_len = w->sv.reply_len;
		sv.reply_status = w->sv.reply_status;
		sv.reply_desc = w->sv.reply_desc;
		ret = fipc_ioctl(w->srv->chan_fd, FASTIPC_IOC_REPLY, &sv);
		if (ret >= 0) {
			fipc_clear_reply(w, sv.out_flags & FASTIPC_SERVE_REPLIED);
			return;
		}
		if (!fipc_reply_failed(w, ret))
			break;
	}
	fipc_clear_reply(w, false);
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
