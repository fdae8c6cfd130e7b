// SPDX-License-Identifier: LGPL-2.1 OR MIT
/*
 * fastipc_call2(): the call of fastipc_call() (fipc_call_run(), one
 * implementation for both) with the server's status kept apart from the
 * call's own errors, size errors that name the limit they hit, and with
 * FASTIPC_CALL_ALLOC a reply of any size up to the connection's
 * max_payload in one round trip.
 *
 * Sizes: a request is checked against what the connection can carry
 * before anything is sent, so that -EMSGSIZE can say which limit (the
 * channel's msg_max, or one record of the region's ring) and its value.
 * With FASTIPC_CALL_ALLOC the call tells the server it accepts max_payload
 * bytes: the kernel caps a copied reply at msg_max itself, and a larger
 * one comes through the region by descriptor; either is copied into the
 * caller's buffer when it fits, else into malloc'd memory.
 *
 * A reply that did not fit and that the server could size
 * (FASTIPC_F_REPLY_NEED, fastipc_call.rep_need) is -EOVERFLOW with the
 * length it needs; the old fastipc_call() keeps returning the server's
 * status for it.
 *
 * fastipc_call2_buf() (since 0.6) is the same call with the request built
 * in a buffer of fastipc_call_buf_get(): it goes by descriptor whatever
 * its size, and the buffer is consumed whatever the result.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static size_t fipc_max(size_t a, size_t b)
{
	return a > b ? a : b;
}

/* The largest payload one record of @conn's rings takes, 0 if none. */
static size_t fipc_conn_shm(const struct fastipc_conn *conn)
{
	const struct fipc_region *g = conn->reg;

	return g && !g->stream ? fipc_ring_max_len(g->tx.size) : 0;
}

static int fipc_args_check(const struct fastipc_call_args *a, size_t size)
{
	const unsigned char *p = (const unsigned char *)a;
	size_t i;

	if (!a || size < FASTIPC_CALL_ARGS_SIZE_VER0)
		return -EINVAL;
	/* A newer caller's fields we do not know must be zero. */
	for (i = sizeof(*a); i < size; i++)
		if (p[i])
			return -EINVAL;
	if (a->flags & ~FASTIPC_CALL_ALLOC)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(a->resv); i++)
		if (a->resv[i])
			return -EINVAL;
	if ((!a->req && a->req_len) || (!a->rep && a->rep_cap))
		return -EINVAL;
	return 0;
}

static void fipc_args_clear(struct fastipc_call_args *a)
{
	a->status = 0;
	a->limit = FASTIPC_LIMIT_NONE;
	a->rep_len = 0;
	a->rep_data = NULL;
	a->rep_alloc = NULL;
	a->limit_bytes = 0;
}

static int fipc_limit(struct fastipc_call_args *a, int err,
		      enum fastipc_limit limit, uint64_t bytes)
{
	a->limit = limit;
	a->limit_bytes = bytes;
	return err;
}

/*
 * -EMSGSIZE before anything is sent when the connection cannot carry the
 * request: by copy up to msg_max, through the region up to one record
 * (and only above the connection's threshold).
 */
static int fipc_req_fits(const struct fastipc_conn *conn,
			 struct fastipc_call_args *a)
{
	size_t shm = fipc_conn_shm(conn);

	if (conn->threshold >= shm)	/* calls never use the region */
		shm = 0;
	if (a->req_len <= conn->msg_max || !conn->msg_max)
		return 0;
	if (a->req_len <= shm && a->req_len > conn->threshold)
		return 0;
	if (shm > conn->msg_max)
		return fipc_limit(a, -EMSGSIZE, FASTIPC_LIMIT_SHM_MAX, shm);
	return fipc_limit(a, -EMSGSIZE, FASTIPC_LIMIT_MSG_MAX, conn->msg_max);
}

/* What the server is told the caller accepts (fastipc_call.rep_cap). */
static uint32_t fipc_reply_max(const struct fastipc_conn *conn,
			       const struct fastipc_call_args *a)
{
	size_t max = a->rep_cap;

	if (a->flags & FASTIPC_CALL_ALLOC)
		max = fipc_max(max, fipc_max(conn->msg_max,
					     fipc_conn_shm(conn)));
	return max > UINT32_MAX ? UINT32_MAX : (uint32_t)max;
}

/*
 * The request's checks: against what the connection carries, or for
 * @req_buf against the buffer reserved (given back on any error, so
 * that it is consumed whatever the result).
 */
static int fipc_call2_req(struct fastipc_conn *conn,
			  struct fastipc_call_args *args, size_t size,
			  bool req_buf)
{
	int ret = fipc_args_check(args, size);

	if (ret == 0) {
		fipc_args_clear(args);
		ret = req_buf ? fipc_req_buf_check(conn, args->req,
						   args->req_len) :
		      fipc_req_fits(conn, args);
	}
	if (ret < 0 && req_buf && args && size >= FASTIPC_CALL_ARGS_SIZE_VER0)
		fipc_req_buf_drop(conn, args->req);
	return ret;
}

static int fipc_call2(struct fastipc_conn *conn, struct fastipc_call_args *args,
		      size_t size, bool req_buf)
{
	struct fipc_call_io io;
	int ret;

	ret = fipc_call2_req(conn, args, size, req_buf);
	if (ret < 0)
		return ret;
	memset(&io, 0, sizeof(io));
	io.op = args->op;
	io.req = args->req;
	io.req_len = args->req_len;
	io.req_buf = req_buf;
	io.rep = args->rep;
	io.rep_cap = args->rep_cap;
	io.timeout_ns = args->timeout_ns;
	io.alloc = args->flags & FASTIPC_CALL_ALLOC;
	io.reply_max = fipc_reply_max(conn, args);
	ret = fipc_call_run(conn, &io);
	if (ret == -EMSGSIZE)		/* the kernel's: above msg_max */
		return fipc_limit(args, ret, FASTIPC_LIMIT_MSG_MAX,
				  conn->msg_max);
	if (ret < 0)
		return ret;
	if (io.c.rep_need) {
		free(io.rep_alloc);
		args->rep_len = io.c.rep_need;
		return fipc_limit(args, -EOVERFLOW, io.alloc ?
				  FASTIPC_LIMIT_REPLY_MAX : FASTIPC_LIMIT_REP_CAP,
				  io.alloc ? io.reply_max : args->rep_cap);
	}
	args->status = io.c.status;
	args->rep_len = io.rep_len;
	args->rep_data = io.rep_data;
	args->rep_alloc = io.rep_alloc;
	return 0;
}

__public int fastipc_call2(struct fastipc_conn *conn,
			   struct fastipc_call_args *args, size_t size)
{
	return fipc_call2(conn, args, size, false);
}

__public int fastipc_call2_buf(struct fastipc_conn *conn,
			       struct fastipc_call_args *args, size_t size)
{
	return fipc_call2(conn, args, size, true);
}
