// SPDX-License-Identifier: LGPL-2.1 OR MIT
/*
 * libfastipc-oncrpc server: the SVCXPRT of one call, whose xp_ops decode
 * the arguments from the request and write the reply into the fastipc
 * reply buffer, so that rpcgen's dispatch functions (svc_getargs,
 * svc_sendreply, svcerr_*) run unchanged.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <time.h>

#include "svc-int.h"
#include "wire.h"

int fipc_onc_reply_stat(struct fastipc_req *req, uint32_t stat, uint32_t low,
			uint32_t high)
{
	struct fipc_onc_rep h = {
		.magic = FIPC_ONC_MAGIC, .stat = stat, .low = low, .high = high,
	};

	return fastipc_req_reply(req, &h, sizeof(h));
}

static struct fipc_onc_call *to_call(SVCXPRT *xprt)
{
	return (struct fipc_onc_call *)xprt->xp_p1;
}

static bool_t fipc_onc_recv(SVCXPRT *xprt, struct rpc_msg *msg)
{
	(void)xprt;
	(void)msg;
	return FALSE;	/* calls arrive through the pool, never by recv */
}

static enum xprt_stat fipc_onc_stat(SVCXPRT *xprt)
{
	(void)xprt;
	return XPRT_IDLE;
}

static bool_t fipc_onc_getargs(SVCXPRT *xprt, xdrproc_t xargs, void *argsp)
{
	struct fipc_onc_call *c = to_call(xprt);
	bool_t ok;
	XDR x;

	xdrmem_create(&x, (char *)c->args, (u_int)c->args_len, XDR_DECODE);
	ok = xargs(&x, argsp);
	xdr_destroy(&x);
	if (!ok) {
		/*
		 * rpcgen's dispatch answers GARBAGE_ARGS without freeing what
		 * the members before the bad one allocated: free it here, as
		 * libtirpc's svc_dg does.
		 */
		xdrmem_create(&x, NULL, 0, XDR_FREE);
		xargs(&x, argsp);
		xdr_destroy(&x);
	}
	return ok;
}

static bool_t fipc_onc_freeargs(SVCXPRT *xprt, xdrproc_t xargs, void *argsp)
{
	XDR x;

	(void)xprt;
	memset(&x, 0, sizeof(x));
	x.x_op = XDR_FREE;
	return xargs(&x, argsp);
}

/* SUCCESS: the header and the XDR results, sized first. */
static bool_t fipc_onc_reply_results(struct fipc_onc_call *c, xdrproc_t proc,
				     void *where)
{
	struct fipc_onc_rep h = { .magic = FIPC_ONC_MAGIC };
	unsigned long n = proc ? xdr_sizeof(proc, where) : 0;
	char *buf;
	XDR x;
	bool_t ok = TRUE;

	if (fastipc_req_reply_buf(c->req, sizeof(h) + n, (void **)&buf) < 0)
		return FALSE;
	memcpy(buf, &h, sizeof(h));
	if (!proc)
		return TRUE;
	xdrmem_create(&x, buf + sizeof(h), (u_int)n, XDR_ENCODE);
	if (!proc(&x, where))
		ok = FALSE;
	xdr_destroy(&x);
	if (!ok)
		fipc_onc_reply_stat(c->req, FIPC_ONC_SYSTEM_ERR, EPROTO, 0);
	return ok;
}

static bool_t fipc_onc_reply(SVCXPRT *xprt, struct rpc_msg *msg)
{
	struct fipc_onc_call *c = to_call(xprt);
	struct accepted_reply *ar = &msg->rm_reply.rp_acpt;
	struct rejected_reply *rj = &msg->rm_reply.rp_rjct;
	bool_t ok;

	c->replied = 1;
	if (msg->rm_reply.rp_stat == MSG_DENIED) {
		if (rj->rj_stat == AUTH_ERROR)
			return fipc_onc_reply_stat(c->req, FIPC_ONC_DENIED_AUTH,
						   rj->rj_why, 0) == 0;
		return fipc_onc_reply_stat(c->req, FIPC_ONC_PROG_MISMATCH,
					   (uint32_t)rj->rj_vers.low,
					   (uint32_t)rj->rj_vers.high) == 0;
	}
	switch (ar->ar_stat) {
	case SUCCESS:
		ok = fipc_onc_reply_results(c, ar->ar_results.proc,
					    ar->ar_results.where);
		break;
	case PROG_MISMATCH:
		ok = fipc_onc_reply_stat(c->req, FIPC_ONC_PROG_MISMATCH,
					 (uint32_t)ar->ar_vers.low,
					 (uint32_t)ar->ar_vers.high) == 0;
		break;
	default:
		ok = fipc_onc_reply_stat(c->req, (uint32_t)ar->ar_stat,
					 0, 0) == 0;
		break;
	}
	return ok;
}

static void fipc_onc_xdestroy(SVCXPRT *xprt)
{
	(void)xprt;	/* on the pool thread's stack: nothing to free */
}

static bool_t fipc_onc_control(SVCXPRT *xprt, const u_int rq, void *in)
{
	(void)xprt;
	(void)rq;
	(void)in;
	return FALSE;
}

/* Exported for svc_fastipc_getcaller(): it recognises our transports. */
const struct xp_ops fipc_onc_xp_ops = {
	.xp_recv = fipc_onc_recv,
	.xp_stat = fipc_onc_stat,
	.xp_getargs = fipc_onc_getargs,
	.xp_reply = fipc_onc_reply,
	.xp_freeargs = fipc_onc_freeargs,
	.xp_destroy = fipc_onc_xdestroy,
};

static const struct xp_ops2 fipc_onc_xp_ops2 = {
	.xp_control = fipc_onc_control,
};

/* AUTH_NONE-like server authenticator: no wrapping of arguments. */
static int fipc_onc_ah_wrap(SVCAUTH *auth, XDR *xdrs, xdrproc_t f, caddr_t p)
{
	(void)auth;
	return f(xdrs, p);
}

static int fipc_onc_ah_destroy(SVCAUTH *auth)
{
	(void)auth;
	return TRUE;
}

static struct svc_auth_ops fipc_onc_ah_ops = {
	.svc_ah_wrap = fipc_onc_ah_wrap,
	.svc_ah_unwrap = fipc_onc_ah_wrap,
	.svc_ah_destroy = fipc_onc_ah_destroy,
};

/* rq_cred: the AUTH_SYS body of the kernel's uid and gid. */
static void fipc_onc_cred(struct fipc_onc_call *c)
{
	const struct fastipc_msg_hdr *hdr = c->hdr;
	XDR x;

	c->aup.aup_time = (u_long)time(NULL);
	c->aup.aup_machname = (char *)"localhost";
	c->aup.aup_uid = hdr->uid;
	c->aup.aup_gid = hdr->gid;
	c->aup.aup_len = 0;
	c->aup.aup_gids = NULL;
	c->rq.rq_cred.oa_flavor = AUTH_SYS;
	c->rq.rq_cred.oa_base = c->cred;
	c->rq.rq_cred.oa_length = 0;
	xdrmem_create(&x, c->cred, sizeof(c->cred), XDR_ENCODE);
	if (xdr_authunix_parms(&x, &c->aup))
		c->rq.rq_cred.oa_length = xdr_getpos(&x);
	xdr_destroy(&x);
	c->rq.rq_clntcred = (caddr_t)&c->aup;
}

void fipc_onc_call_init(struct fipc_onc_call *c, struct fastipc_req *req,
			uint32_t prog, uint32_t vers, uint32_t proc,
			const char *args, size_t args_len, const char *chan)
{
	memset(c, 0, sizeof(*c));
	c->req = req;
	c->hdr = fastipc_req_hdr(req);
	c->args = args;
	c->args_len = args_len;
	c->ext.xp_auth.svc_ah_ops = &fipc_onc_ah_ops;
	c->xprt.xp_fd = -1;
	c->xprt.xp_ops = &fipc_onc_xp_ops;
	c->xprt.xp_ops2 = &fipc_onc_xp_ops2;
	c->xprt.xp_netid = (char *)FASTIPC_ONCRPC_NETID;
	c->xprt.xp_tp = (char *)chan;
	c->xprt.xp_verf = _null_auth;
	c->xprt.xp_p1 = c;
	c->xprt.xp_p3 = &c->ext;
	c->rq.rq_prog = prog;
	c->rq.rq_vers = vers;
	c->rq.rq_proc = proc;
	c->rq.rq_xprt = &c->xprt;
	c->rq.rq_clntname = NULL;
	c->rq.rq_svcname = NULL;
	fipc_onc_cred(c);
}
