// SPDX-License-Identifier: LGPL-2.1 OR MIT
/*
 * The client's fast path: CALL (request and reply in one syscall) and
 * SEND (one-way), choosing copy or shared memory by payload size against
 * the connection's threshold, for the request and the reply independently.
 *
 * Ring full: a large request that still fits in msg_max goes by copy at
 * once (counted in fallbacks); a larger one waits on the doorbell for the
 * server to release room. The timeout covers the whole call: its deadline
 * is taken once, the wait for room gets what is left of it and CALL the
 * rest; a call whose deadline passed while it waited for room fails with
 * -ETIMEDOUT before anything is queued. A request larger than
 * half the area minus 8 bytes cannot take the region and goes by copy
 * (the kernel answers -EMSGSIZE above msg_max): split it in calls.
 *
 * Reply ring full: a server that cannot take a reply larger than the
 * copy path in our server->client ring (our other calls still hold
 * theirs) refuses the request before running its handler (a
 * fastipc_handler_t's: the refusal mark); fastipc_call() sends it again
 * after a short backoff, up to its timeout (2 s without one), then gives
 * -ENOBUFS. A fastipc_handler2_t's server has run the handler when it
 * finds no room: it answers the status -ENOBUFS, which is never sent
 * again (a handler runs at most once per call).
 *
 * A request record is released by the server once its handler returns.
 * When CALL fails, the record is abandoned (FASTIPC_REC_SKIP). After
 * -ETIMEDOUT or -EINTR a server may already hold it: its claim keeps the
 * space until its handler returns; a server that claims it after the
 * abandonment is refused (the handler does not run).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

static int fipc_call_prep(struct fastipc_call *c, uint32_t op,
			  const void *req, size_t req_len, uint64_t timeout_ns)
{
	memset(c, 0, sizeof(*c));
	if (req_len > UINT32_MAX)
		return -EMSGSIZE;
	c->req_ptr = (uintptr_t)req;
	c->req_len = (uint32_t)req_len;
	c->op = op;
	fipc_timeout_args(timeout_ns, &c->flags, &c->timeout_ns);
	return 0;
}

static void fipc_set_req_desc(struct fastipc_call *c, uint32_t off,
			      uint32_t len)
{
	c->req_ptr = 0;
	c->req_len = 0;
	c->req_desc.offset = off;
	c->req_desc.len = len;
	c->req_desc.area = FASTIPC_AREA_C2S;
}

/*
 * Put a large request in the ring. Return 1 (c->req_desc set), 0 (send
 * it by copy) or a negative errno.
 */
int fipc_req_shm(struct fastipc_conn *conn, struct fastipc_call *c,
		 const void *req, uint64_t deadline)
{
	struct fipc_region *g = conn->reg;
	uint32_t len = c->req_len, off;
	bool can_copy = !conn->msg_max || len <= conn->msg_max;
	uint64_t wait = 0;
	int ret;

	if (!g || g->stream || len <= conn->threshold ||
	    len > fipc_ring_max_len(g->tx.size))
		return 0;
	if (!can_copy && c->flags & FASTIPC_F_TIMEOUT) {
		wait = fipc_left(deadline);
		if (!wait && c->timeout_ns)
			return -ETIMEDOUT;
	} else if (!can_copy) {
		wait = UINT64_MAX;
	}
	ret = fipc_region_reserve(g, len, &off, wait);
	if (ret == -EAGAIN && can_copy) {
		fipc_count(&conn->cnt.fallbacks, 1);
		return 0;
	}
	if (ret < 0)
		return ret;
	memcpy(fipc_tx_ptr(g, off), req, len);
	fipc_region_commit(g, off);
	fipc_set_req_desc(c, off, len);
	return 1;
}

/*
 * What is left of the call's deadline goes to CALL. Return 0, or
 * -ETIMEDOUT when a positive timeout has run out already (waiting for
 * room): the request is not queued, the server never sees it.
 */
int fipc_call_left(struct fastipc_call *c, uint64_t deadline)
{
	if (!(c->flags & FASTIPC_F_TIMEOUT) || !c->timeout_ns)
		return 0;
	c->timeout_ns = fipc_left(deadline);
	return c->timeout_ns ? 0 : -ETIMEDOUT;
}

int fipc_rep_claim(struct fastipc_conn *conn, const struct fastipc_desc *d,
		   uint32_t rep_cap)
{
	int ret;

	if (d->area != FASTIPC_AREA_S2C || !conn->reg || d->len > rep_cap ||
	    d->offset > UINT32_MAX) {
		fipc_count(&conn->cnt.ring_errors, 1);
		return -EBADMSG;
	}
	/* The ring counts the bad records it finds itself: not again. */
	ret = fipc_region_claim(conn->reg, (uint32_t)d->offset, d->len);
	if (ret == -EAGAIN)
		fipc_count(&conn->cnt.ring_errors, 1);
	return ret < 0 ? -EBADMSG : 0;
}

int fipc_call_ioctl(struct fastipc_conn *conn, struct fastipc_call *c)
{
	uint32_t off = (uint32_t)c->req_desc.offset, idx = 0;
	int ret;

	if (c->req_desc.area)
		idx = fipc_async_rec_idx(conn->reg, off);
	ret = fipc_ioctl(conn->fd, FASTIPC_IOC_CALL, c);
	if (ret < 0 && c->req_desc.area &&
	    fipc_async_rec_abandon(conn->reg, off, idx) < 0)
		fipc_count(&conn->cnt.ring_errors, 1);
	return ret;
}

/* FASTIPC_IOC_CALL and its counters. */
static int fipc_do_call(struct fastipc_conn *conn, struct fastipc_call *c)
{
	int ret = fipc_call_ioctl(conn, c);
	uint32_t n;

	if (c->req_desc.area) {
		if (ret < 0)
			return ret;
		fipc_count(&conn->cnt.req_shm, 1);
		fipc_count(&conn->cnt.bytes_shm, c->req_desc.len);
	} else if (ret >= 0) {
		fipc_count(&conn->cnt.bytes_copy, c->req_len);
	}
	if (ret < 0)
		return ret;
	fipc_count(&conn->cnt.calls, 1);
	n = c->rep_desc.area ? c->rep_desc.len : c->rep_len;
	fipc_count(c->rep_desc.area ? &conn->cnt.bytes_shm :
		   &conn->cnt.bytes_copy, n);
	if (c->rep_desc.area)
		fipc_count(&conn->cnt.rep_shm, 1);
	return 0;
}

__public int fastipc_call_raw(struct fastipc_conn *conn,
			      struct fastipc_call *args)
{
	return fipc_ioctl(conn->fd, FASTIPC_IOC_CALL, args);
}

/* Sending a refused request again: backoff and, without a timeout, limit. */
#define FIPC_RETRY_MIN_NS	20000ULL		/* 20 us */
#define FIPC_RETRY_MAX_NS	5000000ULL		/* 5 ms */
#define FIPC_RETRY_FOR_NS	2000000000ULL		/* 2 s */

int fipc_rep_copy(struct fastipc_conn *conn, const struct fastipc_desc *d,
		  uint32_t rep_cap, void *rep, size_t rep_size, void **allocp)
{
	uint32_t off = (uint32_t)d->offset;
	void *dst = rep;
	int ret;

	ret = fipc_rep_claim(conn, d, rep_cap);
	if (ret < 0)
		return ret;
	if (d->len > rep_size) {
		dst = allocp ? malloc(d->len) : NULL;
		ret = allocp ? (dst ? 0 : -ENOMEM) : -EBADMSG;
	}
	if (dst && d->len)
		memcpy(dst, fipc_rx_ptr(conn->reg, off), d->len);
	fipc_region_release(conn->reg, off);
	if (allocp)
		*allocp = dst != rep ? dst : NULL;
	return ret;
}

/*
 * The copy buffer the kernel writes a copied reply into: the caller's
 * @rep when it takes any reply the copy path can bring (at most msg_max
 * and reply_max bytes), else, with FASTIPC_CALL_ALLOC, one malloc'd for
 * this call (so that any number of threads may call on one connection).
 */
static int fipc_io_copy_buf(struct fastipc_conn *conn, struct fipc_call_io *io)
{
	size_t need = io->reply_max;

	if (conn->msg_max && conn->msg_max < need)
		need = conn->msg_max;
	io->cbuf = io->rep;
	io->cbuf_cap = io->rep_cap;
	if (!io->alloc || io->rep_cap >= need)
		return 0;
	io->own = malloc(need ? need : 1);
	if (!io->own)
		return -ENOMEM;
	io->cbuf = io->own;
	io->cbuf_cap = need;
	return 0;
}

/* Where the reply came, once CALL has completed: into @io's outputs. */
static int fipc_io_reply(struct fastipc_conn *conn, struct fipc_call_io *io)
{
	struct fastipc_call *c = &io->c;
	int ret;

	if (c->rep_desc.area) {
		ret = fipc_rep_copy(conn, &c->rep_desc, c->rep_cap, io->rep,
				    io->rep_cap, io->alloc ? &io->rep_alloc :
				    NULL);
		if (ret < 0)
			return ret;
		io->rep_len = c->rep_desc.len;
	} else {
		io->rep_len = c->rep_len;
		if (io->cbuf != io->rep && io->rep_len > io->rep_cap) {
			io->rep_alloc = io->own;	/* handed to the caller */
			io->own = NULL;
		} else if (io->cbuf != io->rep && io->rep_len) {
			memcpy(io->rep, io->cbuf, io->rep_len);
		}
	}
	io->rep_data = !io->rep_len ? NULL : io->rep_alloc ? io->rep_alloc :
		       io->rep;
	return 0;
}

/*
 * One CALL, the reply copied out. Return 0 (io->c.status and the reply
 * set), 1 when the server refused it before running the handler (its
 * reply ring was full), or a negative errno.
 */
static int fipc_call_once(struct fastipc_conn *conn, struct fipc_call_io *io,
			  uint64_t deadline)
{
	struct fastipc_call *c = &io->c;
	int ret;

	ret = fipc_call_prep(c, io->op, io->req, io->req_len, io->timeout_ns);
	if (ret < 0)
		return ret;
	c->rep_ptr = (uintptr_t)io->cbuf;
	c->rep_cap = io->reply_max;
	if (io->req_buf)
		ret = fipc_req_buf_send(conn, c, (void *)io->req, io->req_len);
	else
		ret = fipc_req_shm(conn, c, io->req, deadline);
	if (ret < 0)
		return ret;
	ret = fipc_call_left(c, deadline);
	if (ret < 0) {
		if (c->req_desc.area)
			fipc_region_cancel(conn->reg, (uint32_t)c->req_desc.offset);
		return ret;
	}
	ret = fipc_do_call(conn, c);
	if (ret < 0)
		return ret;
	if (fipc_desc_refused(&c->rep_desc))
		return 1;
	return fipc_io_reply(conn, io);
}

/*
 * The server refused the call (no room for its reply in our ring, held
 * by our other calls): wait a little for them. Return 0 to send it
 * again, or -ENOBUFS when the time (the call's, or at most 2 s without
 * a timeout) is up.
 */
static int fipc_call_backoff(uint64_t *backoff, uint64_t give_up)
{
	uint64_t left = fipc_left(give_up), ns = *backoff;
	struct timespec ts;

	if (!left)
		return -ENOBUFS;
	if (ns > left)
		ns = left;
	ts.tv_sec = (time_t)(ns / 1000000000ULL);
	ts.tv_nsec = (long)(ns % 1000000000ULL);
	nanosleep(&ts, NULL);
	*backoff = *backoff * 2 > FIPC_RETRY_MAX_NS ? FIPC_RETRY_MAX_NS :
		   *backoff * 2;
	return 0;
}

int fipc_call_run(struct fastipc_conn *conn, struct fipc_call_io *io)
{
	uint64_t deadline = fipc_deadline(io->timeout_ns), give_up;
	uint64_t backoff = FIPC_RETRY_MIN_NS;
	bool refused = false;
	int ret;

	give_up = deadline != UINT64_MAX ? deadline :
		  fipc_deadline(FIPC_RETRY_FOR_NS);
	io->own = NULL;
	io->rep_alloc = NULL;
	ret = fipc_io_copy_buf(conn, io);
	if (ret < 0 && io->req_buf)
		fipc_req_buf_drop(conn, io->req);
	while (ret == 0) {
		ret = fipc_call_once(conn, io, deadline);
		if (ret <= 0)
			break;
		refused = true;
		/* A request built in the ring went with the refusal. */
		ret = io->req_buf ? -ENOBUFS :
		      fipc_call_backoff(&backoff, give_up);
	}
	free(io->own);
	io->own = NULL;
	/* Out of time while the server had no room for the reply: say so. */
	if (ret == -ETIMEDOUT && refused)
		return -ENOBUFS;
	return ret;
}

__public int fastipc_call(struct fastipc_conn *conn, uint32_t op,
			  const void *req, size_t req_len,
			  void *rep, size_t rep_cap, size_t *rep_len,
			  uint64_t timeout_ns)
{
	struct fipc_call_io io = {
		.op = op,
		.req = req,
		.req_len = req_len,
		.rep = rep,
		.rep_cap = rep_cap,
		.timeout_ns = timeout_ns,
		.reply_max = rep_cap > UINT32_MAX ? UINT32_MAX :
			     (uint32_t)rep_cap,
	};
	int ret = fipc_call_run(conn, &io);

	if (ret < 0)
		return ret;
	if (rep_len)
		*rep_len = io.rep_len;
	return io.c.status;
}

__public int fastipc_send(struct fastipc_conn *conn, uint32_t op,
			  const void *req, size_t req_len, uint64_t timeout_ns)
{
	struct fastipc_call c;
	int ret;

	ret = fipc_call_prep(&c, op, req, req_len, timeout_ns);
	if (ret < 0)
		return ret;
	ret = fipc_ioctl(conn->fd, FASTIPC_IOC_SEND, &c);
	if (ret >= 0)
		fipc_count(&conn->cnt.bytes_copy, req_len);
	return ret;
}
