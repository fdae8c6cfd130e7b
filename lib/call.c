// SPDX-License-Identifier: LGPL-2.1 OR MIT
/*
 * The client's fast path: CALL (request and reply in one syscall) and
 * SEND (one-way).
 */
#include <string.h>

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
	if (timeout_ns != FASTIPC_TIMEOUT_INF) {
		c->flags = FASTIPC_F_TIMEOUT;
		c->timeout_ns = timeout_ns;
	}
	return 0;
}

__public int fastipc_call_raw(struct fastipc_conn *conn,
			      struct fastipc_call *args)
{
	return fipc_ioctl(conn->fd, FASTIPC_IOC_CALL, args);
}

__public int fastipc_call(struct fastipc_conn *conn, uint32_t op,
			  const void *req, size_t req_len,
			  void *rep, size_t rep_cap, size_t *rep_len,
			  uint64_t timeout_ns)
{
	struct fastipc_call c;
	int ret;

	ret = fipc_call_prep(&c, op, req, req_len, timeout_ns);
	if (ret < 0)
		return ret;
	c.rep_ptr = (uintptr_t)rep;
	c.rep_cap = rep_cap > UINT32_MAX ? UINT32_MAX : (uint32_t)rep_cap;
	ret = fipc_ioctl(conn->fd, FASTIPC_IOC_CALL, &c);
	if (ret < 0)
		return ret;
	if (rep_len)
		*rep_len = c.rep_len;
	return c.status;
}

__public int fastipc_send(struct fastipc_conn *conn, uint32_t op,
			  const void *req, size_t req_len, uint64_t timeout_ns)
{
	struct fastipc_call c;
	int ret;

	ret = fipc_call_prep(&c, op, req, req_len, timeout_ns);
	if (ret < 0)
		return ret;
	return fipc_ioctl(conn->fd, FASTIPC_IOC_SEND, &c);
}
