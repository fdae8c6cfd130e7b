// SPDX-License-Identifier: LGPL-2.1 OR MIT
/*
 * Zero-copy calls: the request is built in the client->server ring, the
 * reply read in place in the server->client ring. fastipc_call2_buf()
 * (call2.c) sends such a request too, with fastipc_call2()'s reply.
 */
#include <string.h>

#include "internal.h"

static struct fipc_region *fipc_zc_region(struct fastipc_conn *conn)
{
	return conn->reg && !conn->reg->stream ? conn->reg : NULL;
}

__public int fastipc_call_buf_get(struct fastipc_conn *conn, size_t len,
				  void **bufp, uint64_t timeout_ns)
{
	struct fipc_region *g = fipc_zc_region(conn);
	uint32_t off;
	int ret;

	if (!g)
		return -EOPNOTSUPP;
	if (len > fipc_ring_max_len(g->tx.size))
		return -EMSGSIZE;
	ret = fipc_region_reserve(g, (uint32_t)len, &off, timeout_ns);
	if (ret < 0)
		return ret;
	*bufp = fipc_tx_ptr(g, off);
	return 0;
}

/*
 * The offset of @buf in @conn's client->server ring and its reserved
 * length, when it is a reservation of ours not yet sent or given back
 * (from our private slot table, nothing the server can write).
 */
static int fipc_req_buf_find(struct fastipc_conn *conn, const void *buf,
			     uint32_t *off, uint32_t *cap)
{
	struct fipc_region *g = fipc_zc_region(conn);
	int64_t o;

	if (!g)
		return -EOPNOTSUPP;
	o = fipc_tx_off(g, buf);
	if (o < 0 || fipc_region_reserved(g, (uint32_t)o, cap) < 0)
		return -EINVAL;
	*off = (uint32_t)o;
	return 0;
}

int fipc_req_buf_check(struct fastipc_conn *conn, const void *buf,
		       size_t len)
{
	uint32_t off, cap;
	int ret = fipc_req_buf_find(conn, buf, &off, &cap);

	return ret < 0 ? ret : len > cap ? -EINVAL : 0;
}

void fipc_req_buf_drop(struct fastipc_conn *conn, const void *buf)
{
	uint32_t off, cap;

	if (fipc_req_buf_find(conn, buf, &off, &cap) == 0)
		fipc_region_cancel(conn->reg, off);
}

/*
 * Only a reservation not yet sent: a pointer into the ring that is not
 * one (a buffer already sent, a stray pointer) must not mark whatever
 * record lies there now as skipped.
 */
__public int fastipc_call_buf_put(struct fastipc_conn *conn, void *buf)
{
	uint32_t off, cap;

	if (fipc_req_buf_find(conn, buf, &off, &cap) < 0)
		return -EINVAL;
	return fipc_region_cancel(conn->reg, off) < 0 ? -EINVAL : 0;
}

int fipc_req_buf_send(struct fastipc_conn *conn, struct fastipc_call *c,
		      void *buf, size_t len)
{
	uint32_t off, cap;

	if (fipc_req_buf_find(conn, buf, &off, &cap) < 0)
		return -EINVAL;
	if (len > cap) {
		fipc_region_cancel(conn->reg, off);
		return -EINVAL;
	}
	if (fipc_region_commit(conn->reg, off) < 0)
		return -EINVAL;
	c->req_ptr = 0;
	c->req_len = 0;
	c->req_desc.offset = off;
	c->req_desc.len = (uint32_t)len;
	c->req_desc.area = FASTIPC_AREA_C2S;
	return 0;
}

static int fipc_zc_reply(struct fastipc_conn *conn, struct fastipc_call *c,
			 void *rep, struct fastipc_reply *out)
{
	const struct fastipc_desc *d = &c->rep_desc;

	memset(out, 0, sizeof(*out));
	if (fipc_desc_refused(d))
		return -ENOBUFS;	/* the request is gone: no retry */
	if (!d->area) {
		out->data = rep;
		out->len = c->rep_len;
		return 0;
	}
	if (fipc_rep_claim(conn, d, c->rep_cap) < 0)
		return -EBADMSG;
	out->data = fipc_rx_ptr(conn->reg, (uint32_t)d->offset);
	out->len = d->len;
	out->off = (uint32_t)d->offset;
	out->flags = FASTIPC_REPLY_SHM;
	return 0;
}

__public int fastipc_call_zc(struct fastipc_conn *conn, uint32_t op,
			     void *buf, size_t len, void *rep, size_t rep_cap,
			     struct fastipc_reply *out, uint64_t timeout_ns)
{
	struct fastipc_call c;
	int ret;

	memset(&c, 0, sizeof(c));
	c.op = op;
	c.rep_ptr = (uintptr_t)rep;
	c.rep_cap = rep_cap > UINT32_MAX ? UINT32_MAX : (uint32_t)rep_cap;
	fipc_timeout_args(timeout_ns, &c.flags, &c.timeout_ns);
	ret = fipc_req_buf_send(conn, &c, buf, len);
	if (ret == 0)
		ret = fipc_call_ioctl(conn, &c);
	if (ret < 0)
		return ret;
	fipc_count(&conn->cnt.calls, 1);
	fipc_count(&conn->cnt.req_shm, 1);
	fipc_count(&conn->cnt.bytes_shm, len);
	ret = fipc_zc_reply(conn, &c, rep, out);
	if (ret < 0)
		return ret;
	fipc_count(out->flags ? &conn->cnt.bytes_shm : &conn->cnt.bytes_copy,
		   out->len);
	if (out->flags)
		fipc_count(&conn->cnt.rep_shm, 1);
	return c.status;
}

__public void fastipc_reply_done(struct fastipc_conn *conn,
				 struct fastipc_reply *rep)
{
	if (rep->flags & FASTIPC_REPLY_SHM)
		fipc_region_release(conn->reg, rep->off);
	memset(rep, 0, sizeof(*rep));
}
