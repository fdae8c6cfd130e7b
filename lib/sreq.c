// SPDX-License-Identifier: LGPL-2.1 OR MIT
/*
 * What a fastipc_handler2_t sees of its request (struct fastipc_req): the
 * header, the payload, and reply room of the size it asks for, chosen by
 * that size (fipc_ctx_rep_len() in sreply.c).
 */
#include <string.h>

#include "serve.h"

__public const struct fastipc_msg_hdr *
fastipc_req_hdr(const struct fastipc_req *req)
{
	return &req->w->sv.hdr;
}

__public const void *fastipc_req_data(const struct fastipc_req *req,
				      size_t *len)
{
	if (len)
		*len = req->cx->req_len;
	return req->cx->req;
}

__public int fastipc_req_shared(const struct fastipc_req *req)
{
	return req->cx->req_claimed;
}

__public size_t fastipc_req_reply_max(const struct fastipc_req *req)
{
	return req->reply_max;
}

__public int fastipc_req_reply_buf(struct fastipc_req *req, size_t len,
				   void **bufp)
{
	int ret;

	if (!req->reply_max && req->w->sv.hdr.type != FASTIPC_MSG_REQUEST)
		return -EINVAL;		/* one-way: nobody to reply to */
	ret = fipc_ctx_rep_len(req->w, req->cx, len);
	if (ret == 0 && bufp)
		*bufp = req->cx->rep;
	return ret;
}

__public int fastipc_req_reply(struct fastipc_req *req, const void *data,
			       size_t len)
{
	void *buf;
	int ret;

	ret = fastipc_req_reply_buf(req, len, &buf);
	if (ret == 0 && len)
		memcpy(buf, data, len);
	return ret;
}
