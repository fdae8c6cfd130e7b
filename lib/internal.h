/* SPDX-License-Identifier: LGPL-2.1 OR MIT */
/*
 * libfastipc internals: object layouts and helpers shared by the .c files.
 * Nothing here is part of the ABI.
 */
#ifndef _FASTIPC_INTERNAL_H
#define _FASTIPC_INTERNAL_H

#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <sys/ioctl.h>

#include "fastipc.h"
#include "region.h"

#define __public	__attribute__((visibility("default")))
#define __cold		__attribute__((cold))
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

struct fastipc_dev {
	int fd;
	struct fastipc_api api;
};

struct fipc_conn_counters {
	atomic_uint_fast64_t calls;
	atomic_uint_fast64_t bytes_copy;
	atomic_uint_fast64_t bytes_shm;
	atomic_uint_fast64_t req_shm;
	atomic_uint_fast64_t rep_shm;
	atomic_uint_fast64_t fallbacks;
	atomic_uint_fast64_t ring_errors;
};

struct fastipc_conn {
	int fd;
	uint64_t conn_id;
	uint32_t msg_max;		/* the channel's, 0 if unknown */
	uint64_t threshold;		/* shared memory above this */
	struct fipc_region *reg;	/* NULL without a region */
	struct fipc_conn_counters cnt;
	struct fipc_async *async;	/* asynchronous calls, NULL before any */
};

static inline void fipc_count(atomic_uint_fast64_t *c, uint64_t n)
{
	atomic_fetch_add_explicit(c, n, memory_order_relaxed);
}

/* ioctl(2) with the library's error convention: result or -errno. */
static inline int fipc_ioctl(int fd, unsigned long cmd, void *arg)
{
	int ret = ioctl(fd, cmd, arg);

	return ret < 0 ? -errno : ret;
}

/*
 * fipc_rep_claim() - Claim the reply record descriptor @d names in the
 * server->client ring, for a reply buffer of @rep_cap bytes. A bad
 * descriptor is counted once in ring_errors (by the ring when it finds
 * the record bad, else here). Return: 0 or -EBADMSG.
 */
int fipc_rep_claim(struct fastipc_conn *conn, const struct fastipc_desc *d,
		   uint32_t rep_cap);

/*
 * fipc_rep_copy() - Take the reply record @d names in the server->client
 * ring (claimed as fipc_rep_claim() does, for a caller that accepts
 * @rep_cap bytes), copy it out and release it. A reply of at most
 * @rep_size bytes goes into @rep; a larger one into memory malloc'd here
 * and returned in *@allocp (NULL when @rep took it), or, without @allocp,
 * it is -EBADMSG. The record is released whatever happens, once claimed.
 * Shared by the synchronous and asynchronous calls.
 * Return: 0, -EBADMSG (bad descriptor or record) or -ENOMEM.
 */
int fipc_rep_copy(struct fastipc_conn *conn, const struct fastipc_desc *d,
		  uint32_t rep_cap, void *rep, size_t rep_size, void **allocp);

/*
 * struct fipc_call_io - One synchronous call, as fastipc_call() and
 * fastipc_call2() make it (fipc_call_run()).
 * @op, @req, @req_len, @timeout_ns: in: as for fastipc_call().
 * @rep, @rep_cap: in: the caller's reply buffer.
 * @reply_max: in: the largest reply accepted, told to the server
 *	(fastipc_call.rep_cap): @rep_cap, or with @alloc up to max_payload.
 * @alloc: in: FASTIPC_CALL_ALLOC: a reply larger than @rep_cap goes into
 *	malloc'd memory (@rep_alloc) instead of being refused.
 * @req_buf: in: @req is a buffer of fastipc_call_buf_get() (checked by
 *	fipc_req_buf_check()), sent by descriptor and consumed whatever the
 *	result; a request the server refuses is not sent again (-ENOBUFS).
 * @c: out: the CALL as it completed (status, rep_need, msg_id).
 * @rep_len, @rep_data, @rep_alloc: out: the reply, as in
 *	struct fastipc_call_args.
 * @cbuf, @cbuf_cap, @own: internal: the buffer a copied reply lands in.
 */
struct fipc_call_io {
	uint32_t op;
	const void *req;
	size_t req_len;
	void *rep;
	size_t rep_cap;
	uint64_t timeout_ns;
	uint32_t reply_max;
	bool alloc;
	bool req_buf;
	struct fastipc_call c;
	size_t rep_len;
	void *rep_data;
	void *rep_alloc;
	void *cbuf;
	size_t cbuf_cap;
	void *own;
};

/*
 * fipc_call_run() - Make the call @io describes: request by copy or
 * through the region, wait, copy the reply out, send again a request the
 * server refused for want of reply room (up to the timeout, 2 s without).
 * Return: 0 when the server answered (@io->c.status is its status), or a
 * negative errno as fastipc_call() returns it.
 */
int fipc_call_run(struct fastipc_conn *conn, struct fipc_call_io *io);

/*
 * The pool's answer, with status -ENOBUFS, to a request whose handler it
 * did not run (a fastipc_handler_t): the caller accepts a reply larger
 * than the copy path takes and its server->client ring had no room. A
 * reply descriptor of offset 0 (never a payload's offset) and length 0
 * says so, so that fastipc_call() knows it may send the request again.
 * Never sent for a handler that ran (a fastipc_handler2_t's reply that
 * found no room is a plain status -ENOBUFS).
 */
static inline bool fipc_desc_refused(const struct fastipc_desc *d)
{
	return d->area == FASTIPC_AREA_S2C && !d->offset && !d->len;
}

/* Fill a channel reference from @name (may be NULL) and @key. */
int fipc_ref_fill(struct fastipc_chan_ref *ref, const char *name,
		  uint64_t key);

/*
 * fipc_chan_fd_check() - Whether @fd is a fastipc channel fd. Asks for the
 * region of connection 0 (FASTIPC_IOC_CONN_REGION), which no connection
 * has: only a channel fd answers it (-ENOENT, or -EIDRM once removed);
 * every other fd, a connection's or /dev/fastipc's too, says -ENOTTY.
 * Nothing is created. Return: 0, -EBADF (not open) or -ENOTTY.
 */
int fipc_chan_fd_check(int fd);

/*
 * fipc_req_shm() - (call.c) Put a large request of @c (req_len bytes at
 * @req) in the client->server ring, waiting for room until @deadline when
 * it cannot go by copy. Return 1 (the record is committed and c->req_desc
 * names it), 0 (send it by copy) or a negative errno.
 */
int fipc_req_shm(struct fastipc_conn *conn, struct fastipc_call *c,
		 const void *req, uint64_t deadline);

/*
 * fipc_req_buf_check() - (zerocopy.c) Whether @buf is a buffer of
 * fastipc_call_buf_get() on @conn, reserved for at least @len bytes.
 * Return: 0, -EOPNOTSUPP (no region, or a stream owns it) or -EINVAL.
 */
int fipc_req_buf_check(struct fastipc_conn *conn, const void *buf,
		       size_t len);

/* Give back @buf if it is a reserved buffer of @conn's (else nothing). */
void fipc_req_buf_drop(struct fastipc_conn *conn, const void *buf);

/*
 * fipc_req_buf_send() - (zerocopy.c) Commit the reserved buffer @buf of
 * @len bytes and name it in c->req_desc. Return: 0, or -EINVAL (not such
 * a buffer, or @len above its reservation: then it is given back).
 */
int fipc_req_buf_send(struct fastipc_conn *conn, struct fastipc_call *c,
		      void *buf, size_t len);

/*
 * fipc_call_left() - (call.c) Give CALL what is left of @deadline. Return
 * 0, or -ETIMEDOUT when a positive timeout ran out already.
 */
int fipc_call_left(struct fastipc_call *c, uint64_t deadline);

/*
 * fipc_call_ioctl() - (call.c) FASTIPC_IOC_CALL for a request that may sit
 * in the client->server ring (c->req_desc): on failure its record is
 * abandoned, unless the server already released it (a call that timed out
 * after the server received it), whose space another thread's request
 * may have taken since: the record's ring index is read before the ioctl,
 * while the record is surely live, and fipc_async_rec_abandon() compares
 * it with the consumer index. Return: as the ioctl.
 */
int fipc_call_ioctl(struct fastipc_conn *conn, struct fastipc_call *c);

/*
 * fipc_async_rec_idx() - (async_rec.c) The free-running ring index of our
 * record at @off in @g's client->server ring, committed and not yet
 * delivered (so live: the consumer cannot have passed it).
 */
uint32_t fipc_async_rec_idx(struct fipc_region *g, uint32_t off);

/*
 * fipc_async_rec_abandon() - (async_rec.c) Mark our record at @off (ring
 * index @idx) FASTIPC_REC_SKIP unless the consumer index has passed it
 * (the server released it and the space may be reused). Return: 1 marked,
 * 0 left alone, -EPROTO (the consumer index is out of range).
 */
int fipc_async_rec_abandon(struct fipc_region *g, uint32_t off, uint32_t idx);

/* Free a connection's table of asynchronous calls (NULL: no-op). */
struct fipc_async;
void fipc_async_free(struct fipc_async *a);

#endif /* _FASTIPC_INTERNAL_H */
