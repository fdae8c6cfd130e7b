// SPDX-License-Identifier: LGPL-2.1 OR MIT
/*
 * libfastipc-oncrpc server: (prog, vers, dispatch) registrations served
 * on a fastipc channel by libfastipc's thread pool. See
 * <fastipc-oncrpc.h>.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "svc-int.h"
#include "wire.h"

#define FIPC_ONC_EXPORT __attribute__((visibility("default")))
#define FIPC_ONC_THREADS_MAX 1024

struct fipc_onc_reg {
	uint32_t prog, vers;
	svc_fastipc_dispatch_t dispatch;
};

struct svc_fastipc {
	struct fastipc_dev *dev;	/* when we made the channel */
	int chan_fd;
	int own_fd;
	struct fastipc_server *srv;
	struct fipc_onc_reg *regs;	/* read-only once running */
	size_t nregs;
	atomic_int running;
	char chan[64];
};

extern const struct xp_ops fipc_onc_xp_ops;

/*
 * Find @prog/@vers. Return: the registration, or NULL with *@stat
 * PROG_UNAVAIL or PROG_MISMATCH and the versions of @prog in *@low and *@high.
 */
static const struct fipc_onc_reg *fipc_onc_find(const struct svc_fastipc *s,
						uint32_t prog, uint32_t vers,
						uint32_t *stat, uint32_t *low,
						uint32_t *high)
{
	size_t i;

	*stat = FIPC_ONC_PROG_UNAVAIL;
	*low = UINT32_MAX;
	*high = 0;
	for (i = 0; i < s->nregs; i++) {
		if (s->regs[i].prog != prog)
			continue;
		if (s->regs[i].vers == vers)
			return &s->regs[i];
		*stat = FIPC_ONC_PROG_MISMATCH;
		if (s->regs[i].vers < *low)
			*low = s->regs[i].vers;
		if (s->regs[i].vers > *high)
			*high = s->regs[i].vers;
	}
	if (*stat == FIPC_ONC_PROG_UNAVAIL)
		*low = 0;
	return NULL;
}

/* The request's header, read once; NULL when it is not one of ours. */
static const char *fipc_onc_hdr(struct fastipc_req *req,
				struct fipc_onc_req *q, size_t *len)
{
	const char *data = fastipc_req_data(req, len);

	if (*len < sizeof(*q))
		return NULL;
	memcpy(q, data, sizeof(*q));
	if (q->magic != FIPC_ONC_MAGIC)
		return NULL;
	return data;
}

/*
 * A one-way message (FASTIPC_IOC_SEND) has no one to answer: nothing runs
 * for it, or a client could queue work without waiting for any of it.
 */
static bool fipc_onc_oneway(struct fastipc_req *req)
{
	return fastipc_req_hdr(req)->type != FASTIPC_MSG_REQUEST;
}

static int fipc_onc_probe_h(void *ctx, struct fastipc_req *req)
{
	struct svc_fastipc *s = ctx;
	struct fipc_onc_req q;
	uint32_t stat, low, high;
	size_t len;

	if (fipc_onc_oneway(req))
		return 0;
	if (!fipc_onc_hdr(req, &q, &len))
		return -EPROTO;
	if (fipc_onc_find(s, q.prog, q.vers, &stat, &low, &high))
		stat = FIPC_ONC_SUCCESS;
	return fipc_onc_reply_stat(req, stat, low, high);
}

static void fipc_onc_serve(struct svc_fastipc *s, struct fastipc_req *req,
			   const struct fipc_onc_reg *r,
			   const struct fipc_onc_req *q,
			   const char *args, size_t args_len)
{
	struct fipc_onc_call c;

	fipc_onc_call_init(&c, req, q->prog, q->vers, q->proc, args, args_len,
			   s->chan);
	r->dispatch(&c.rq, &c.xprt);
	if (!c.replied)	/* the service chose not to answer */
		fipc_onc_reply_stat(req, FIPC_ONC_SYSTEM_ERR, ENODATA, 0);
}

static int fipc_onc_call_h(void *ctx, struct fastipc_req *req)
{
	struct svc_fastipc *s = ctx;
	const struct fipc_onc_reg *r;
	struct fipc_onc_req q;
	uint32_t stat, low, high;
	const char *data;
	char *copy = NULL;
	size_t len;

	if (fipc_onc_oneway(req))
		return 0;
	data = fipc_onc_hdr(req, &q, &len);
	if (!data)
		return -EPROTO;
	r = fipc_onc_find(s, q.prog, q.vers, &stat, &low, &high);
	if (!r)
		return fipc_onc_reply_stat(req, stat, low, high);
	data += sizeof(q);
	len -= sizeof(q);
	if (fastipc_req_shared(req) && len) {
		/* The client can still write its region: decode a copy. */
		copy = malloc(len);
		if (!copy)
			return fipc_onc_reply_stat(req, FIPC_ONC_SYSTEM_ERR,
						   ENOMEM, 0);
		memcpy(copy, data, len);
		data = copy;
	}
	fipc_onc_serve(s, req, r, &q, data, len);
	free(copy);
	return 0;
}

static int fipc_onc_srv_init(struct svc_fastipc *s, unsigned int nthreads)
{
	int ret;

	ret = fastipc_server_create(s->chan_fd, nthreads, NULL, &s->srv);
	if (ret < 0)
		return ret;
	ret = fastipc_server_register2(s->srv, FIPC_ONC_OP_CALL,
				       fipc_onc_call_h, s);
	if (!ret)
		ret = fastipc_server_register2(s->srv, FIPC_ONC_OP_PROBE,
					       fipc_onc_probe_h, s);
	return ret;
}

FIPC_ONC_EXPORT
int svc_fastipc_create_fd(int chan_fd, unsigned int nthreads,
			  struct svc_fastipc **srvp)
{
	struct svc_fastipc *s;
	int ret;

	if (!srvp || nthreads == 0 || nthreads > FIPC_ONC_THREADS_MAX)
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->chan_fd = chan_fd;
	s->own_fd = -1;
	ret = fipc_onc_srv_init(s, nthreads);
	if (ret < 0) {
		svc_fastipc_destroy(s);
		return ret;
	}
	*srvp = s;
	return 0;
}

FIPC_ONC_EXPORT
int svc_fastipc_create(const char *channel, uint32_t mode,
		       unsigned int nthreads, struct svc_fastipc **srvp)
{
	struct svc_fastipc *s = NULL;
	struct fastipc_dev *dev;
	int fd, ret;

	if (!channel || !srvp || nthreads == 0 ||
	    nthreads > FIPC_ONC_THREADS_MAX)
		return -EINVAL;
	ret = fastipc_open(&dev);
	if (ret < 0)
		return ret;
	fd = fastipc_chan_create(dev, channel, 0, mode, NULL);
	if (fd < 0) {
		fastipc_close(dev);
		return fd;
	}
	ret = svc_fastipc_create_fd(fd, nthreads, &s);
	if (ret < 0) {
		close(fd);
		fastipc_close(dev);
		return ret;
	}
	s->dev = dev;
	s->own_fd = fd;
	strncpy(s->chan, channel, sizeof(s->chan) - 1);
	*srvp = s;
	return 0;
}

FIPC_ONC_EXPORT
int svc_fastipc_reg(struct svc_fastipc *s, rpcprog_t prog, rpcvers_t vers,
		    svc_fastipc_dispatch_t dispatch)
{
	struct fipc_onc_reg *r;
	size_t i;

	if (!s || !dispatch)
		return -EINVAL;
	if (atomic_load(&s->running))
		return -EBUSY;
	for (i = 0; i < s->nregs; i++)
		if (s->regs[i].prog == prog && s->regs[i].vers == vers)
			return -EEXIST;
	r = realloc(s->regs, (s->nregs + 1) * sizeof(*r));
	if (!r)
		return -ENOMEM;
	s->regs = r;
	r[s->nregs].prog = (uint32_t)prog;
	r[s->nregs].vers = (uint32_t)vers;
	r[s->nregs].dispatch = dispatch;
	s->nregs++;
	return 0;
}

FIPC_ONC_EXPORT
int svc_fastipc_run(struct svc_fastipc *s)
{
	int ret;

	if (!s)
		return -EINVAL;
	atomic_store(&s->running, 1);
	ret = fastipc_server_run(s->srv);
	atomic_store(&s->running, 0);
	return ret;
}

FIPC_ONC_EXPORT
void svc_fastipc_stop(struct svc_fastipc *s)
{
	if (s)
		fastipc_server_stop(s->srv);
}

FIPC_ONC_EXPORT
void svc_fastipc_destroy(struct svc_fastipc *s)
{
	if (!s)
		return;
	fastipc_server_destroy(s->srv);
	if (s->own_fd >= 0)
		close(s->own_fd);
	fastipc_close(s->dev);
	free(s->regs);
	free(s);
}

FIPC_ONC_EXPORT
int svc_fastipc_getcaller(const SVCXPRT *xprt, struct svc_fastipc_caller *out)
{
	const struct fipc_onc_call *c;

	if (!xprt || !out || xprt->xp_ops != &fipc_onc_xp_ops)
		return -EINVAL;
	c = xprt->xp_p1;
	out->pid = c->hdr->pid;
	out->uid = c->hdr->uid;
	out->gid = c->hdr->gid;
	out->conn_id = c->hdr->conn_id;
	return 0;
}
