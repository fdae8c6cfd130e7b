// SPDX-License-Identifier: LGPL-2.1 OR MIT
/*
 * libfastipc-oncrpc client: a libtirpc CLIENT whose clnt_call() runs over
 * fastipc_call2(). See <fastipc-oncrpc.h>.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <fastipc.h>
#include "fastipc-oncrpc.h"
#include "wire.h"

#define FIPC_ONC_EXPORT __attribute__((visibility("default")))
#define FIPC_ONC_PROBE_NS_DEFAULT (25ULL * 1000000000ULL)
#define FIPC_ONC_REP_INLINE 512

struct fipc_onc_clnt {
	CLIENT cl;
	struct fastipc_dev *dev;	/* NULL when the caller's */
	struct fastipc_dev *own_dev;
	struct fastipc_conn *conn;
	uint32_t prog, vers;
	uint64_t max_payload;
	pthread_mutex_t lock;		/* timeout, timeout_set, err */
	struct timeval timeout;
	int timeout_set;
	struct rpc_err err;		/* the last call's, any thread */
	struct netbuf svc_addr;		/* the channel's name */
	uint64_t gen;			/* unique among this process's clients */
};

/*
 * The last error of the calling thread, and the CLIENT it was on: by
 * address and generation, since a client destroyed in another thread can
 * leave its address to a new one.
 */
static __thread struct {
	const CLIENT *cl;
	uint64_t gen;
	struct rpc_err err;
} fipc_onc_last;
static _Atomic uint64_t fipc_onc_gen;

static struct fipc_onc_clnt *to_fc(CLIENT *cl)
{
	return (struct fipc_onc_clnt *)cl->cl_private;
}

static enum clnt_stat fipc_onc_set_err(struct fipc_onc_clnt *fc,
				       const struct rpc_err *e)
{
	fipc_onc_last.cl = &fc->cl;
	fipc_onc_last.gen = fc->gen;
	fipc_onc_last.err = *e;
	pthread_mutex_lock(&fc->lock);
	fc->err = *e;
	pthread_mutex_unlock(&fc->lock);
	return e->re_status;
}

/* A transport error of fastipc_call2() as ONC RPC's status and errno. */
static void fipc_onc_call_err(int ret, struct rpc_err *e)
{
	memset(e, 0, sizeof(*e));
	e->re_errno = -ret;
	switch (ret) {
	case -ETIMEDOUT:
		e->re_status = RPC_TIMEDOUT;
		break;
	case -EINTR:
		e->re_status = RPC_INTR;
		break;
	case -ECONNRESET:
	case -EIDRM:
	case -EOVERFLOW:
	case -EBADMSG:
	case -EPROTO:
		e->re_status = RPC_CANTRECV;
		break;
	default:
		e->re_status = RPC_CANTSEND;
		break;
	}
}

/* The reply header @h (of a reply of @len bytes) as ONC RPC's status. */
static void fipc_onc_rep_err(const struct fipc_onc_rep *h, size_t len,
			     struct rpc_err *e)
{
	memset(e, 0, sizeof(*e));
	if (len < sizeof(*h) || h->magic != FIPC_ONC_MAGIC) {
		e->re_status = RPC_CANTDECODERES;
		return;
	}
	switch (h->stat) {
	case FIPC_ONC_SUCCESS:
		e->re_status = RPC_SUCCESS;
		break;
	case FIPC_ONC_PROG_UNAVAIL:
		e->re_status = RPC_PROGUNAVAIL;
		break;
	case FIPC_ONC_PROG_MISMATCH:
		e->re_status = RPC_PROGVERSMISMATCH;
		e->re_vers.low = h->low;
		e->re_vers.high = h->high;
		break;
	case FIPC_ONC_PROC_UNAVAIL:
		e->re_status = RPC_PROCUNAVAIL;
		break;
	case FIPC_ONC_GARBAGE_ARGS:
		e->re_status = RPC_CANTDECODEARGS;
		break;
	case FIPC_ONC_SYSTEM_ERR:
		e->re_status = RPC_SYSTEMERROR;
		e->re_errno = h->low ? (int)h->low : EREMOTEIO;
		break;
	case FIPC_ONC_DENIED_AUTH:
		e->re_status = RPC_AUTHERROR;
		e->re_why = (enum auth_stat)h->low;
		break;
	default:
		e->re_status = RPC_CANTDECODERES;
		break;
	}
}

static uint64_t fipc_onc_tv_ns(struct timeval tv)
{
	uint64_t sec, usec;

	if (tv.tv_sec < 0 || tv.tv_usec < 0)
		return FASTIPC_TIMEOUT_INF;
	/* A tv_usec of a second or more counts as the seconds it is. */
	sec = (uint64_t)tv.tv_sec + (uint64_t)tv.tv_usec / 1000000;
	usec = (uint64_t)tv.tv_usec % 1000000;
	if (sec > UINT64_MAX / 2000000000ULL)
		return FASTIPC_TIMEOUT_INF;
	return sec * 1000000000ULL + usec * 1000ULL;
}

/* The request: header and XDR arguments, in memory the caller frees. */
static enum clnt_stat fipc_onc_encode(struct fipc_onc_clnt *fc, rpcproc_t proc,
				      xdrproc_t xargs, void *argsp,
				      void **bufp, size_t *lenp, int *err)
{
	struct fipc_onc_req h = {
		.magic = FIPC_ONC_MAGIC, .prog = fc->prog, .vers = fc->vers,
		.proc = (uint32_t)proc,
	};
	unsigned long n = xargs ? xdr_sizeof(xargs, argsp) : 0;
	char *buf;
	XDR x;

	*err = 0;
	if (n > fc->max_payload - sizeof(h)) {
		*err = EMSGSIZE;
		return RPC_CANTSEND;
	}
	buf = malloc(sizeof(h) + n + 1);
	if (!buf) {
		*err = ENOMEM;
		return RPC_SYSTEMERROR;
	}
	memcpy(buf, &h, sizeof(h));
	xdrmem_create(&x, buf + sizeof(h), (u_int)n, XDR_ENCODE);
	if (xargs && !xargs(&x, argsp)) {
		xdr_destroy(&x);
		free(buf);
		return RPC_CANTENCODEARGS;
	}
	*lenp = sizeof(h) + xdr_getpos(&x);
	xdr_destroy(&x);
	*bufp = buf;
	return RPC_SUCCESS;
}

static enum clnt_stat fipc_onc_decode(const void *rep, size_t len,
				      xdrproc_t xres, void *resp)
{
	enum clnt_stat st = RPC_SUCCESS;
	XDR x;

	if (!xres)
		return RPC_SUCCESS;
	xdrmem_create(&x, (char *)rep + sizeof(struct fipc_onc_rep),
		      (u_int)(len - sizeof(struct fipc_onc_rep)), XDR_DECODE);
	if (!xres(&x, resp))
		st = RPC_CANTDECODERES;
	xdr_destroy(&x);
	return st;
}

static enum clnt_stat fipc_onc_call(CLIENT *cl, rpcproc_t proc, xdrproc_t xargs,
				    void *argsp, xdrproc_t xres, void *resp,
				    struct timeval tmo)
{
	struct fipc_onc_clnt *fc = to_fc(cl);
	char inl[FIPC_ONC_REP_INLINE] __attribute__((aligned(8)));
	struct fastipc_call_args a;
	struct fipc_onc_rep h;
	struct rpc_err e;
	void *req = NULL;
	size_t req_len = 0;
	int ret;

	memset(&e, 0, sizeof(e));
	e.re_status = fipc_onc_encode(fc, proc, xargs, argsp, &req, &req_len,
				      &e.re_errno);
	if (e.re_status != RPC_SUCCESS)
		return fipc_onc_set_err(fc, &e);
	pthread_mutex_lock(&fc->lock);
	if (fc->timeout_set)
		tmo = fc->timeout;
	pthread_mutex_unlock(&fc->lock);

	memset(&a, 0, sizeof(a));
	a.op = FIPC_ONC_OP_CALL;
	a.flags = FASTIPC_CALL_ALLOC;
	a.req = req;
	a.req_len = req_len;
	a.rep = inl;
	a.rep_cap = sizeof(inl);
	a.timeout_ns = fipc_onc_tv_ns(tmo);
	ret = fastipc_call2(fc->conn, &a, sizeof(a));
	free(req);
	if (ret < 0) {
		fipc_onc_call_err(ret, &e);
		return fipc_onc_set_err(fc, &e);
	}
	if (a.status != 0) {
		/* The server answered without an ONC reply (not one of ours,
		 * or the dispatch function sent nothing). */
		e.re_status = RPC_SYSTEMERROR;
		e.re_errno = a.status < 0 ? -a.status : EPROTO;
		free(a.rep_alloc);
		return fipc_onc_set_err(fc, &e);
	}
	memset(&h, 0, sizeof(h));
	if (a.rep_len >= sizeof(h))
		memcpy(&h, a.rep_data, sizeof(h));
	fipc_onc_rep_err(&h, a.rep_len, &e);
	if (e.re_status == RPC_SUCCESS)
		e.re_status = fipc_onc_decode(a.rep_data, a.rep_len, xres, resp);
	free(a.rep_alloc);
	return fipc_onc_set_err(fc, &e);
}

static void fipc_onc_abort(CLIENT *cl)
{
	(void)cl;
}

static void fipc_onc_geterr(CLIENT *cl, struct rpc_err *e)
{
	struct fipc_onc_clnt *fc = to_fc(cl);

	if (fipc_onc_last.cl == cl && fipc_onc_last.gen == fc->gen) {
		*e = fipc_onc_last.err;
		return;
	}
	pthread_mutex_lock(&fc->lock);
	*e = fc->err;
	pthread_mutex_unlock(&fc->lock);
}

static bool_t fipc_onc_freeres(CLIENT *cl, xdrproc_t xres, void *resp)
{
	XDR x;

	(void)cl;
	memset(&x, 0, sizeof(x));
	x.x_op = XDR_FREE;
	return xres(&x, resp);
}

static void fipc_onc_destroy(CLIENT *cl)
{
	struct fipc_onc_clnt *fc = to_fc(cl);

	if (fipc_onc_last.cl == cl)
		fipc_onc_last.cl = NULL;
	fastipc_disconnect(fc->conn);
	fastipc_close(fc->own_dev);
	pthread_mutex_destroy(&fc->lock);
	free(fc->cl.cl_tp);
	free(fc);
}

static bool_t fipc_onc_control(CLIENT *cl, u_int req, void *info)
{
	struct fipc_onc_clnt *fc = to_fc(cl);

	if (!info)
		return FALSE;
	switch (req) {
	case CLSET_TIMEOUT: {
		struct timeval tv = *(struct timeval *)info;

		if (tv.tv_sec < 0 || tv.tv_usec < 0 || tv.tv_usec >= 1000000)
			return FALSE;
		pthread_mutex_lock(&fc->lock);
		fc->timeout = tv;
		fc->timeout_set = 1;
		pthread_mutex_unlock(&fc->lock);
		return TRUE;
	}
	case CLGET_TIMEOUT:
		pthread_mutex_lock(&fc->lock);
		*(struct timeval *)info = fc->timeout;
		pthread_mutex_unlock(&fc->lock);
		return TRUE;
	case CLGET_FD:
		*(int *)info = fastipc_conn_fd(fc->conn);
		return TRUE;
	case CLGET_VERS:
		*(uint32_t *)info = fc->vers;
		return TRUE;
	case CLGET_PROG:
		*(uint32_t *)info = fc->prog;
		return TRUE;
	case CLGET_SVC_ADDR:
		*(struct netbuf *)info = fc->svc_addr;
		return TRUE;
	default:
		return FALSE;
	}
}

static const struct clnt_ops fipc_onc_ops = {
	.cl_call = fipc_onc_call,
	.cl_abort = fipc_onc_abort,
	.cl_geterr = fipc_onc_geterr,
	.cl_freeres = fipc_onc_freeres,
	.cl_destroy = fipc_onc_destroy,
	.cl_control = fipc_onc_control,
};

static void fipc_onc_createerr(enum clnt_stat st, int err, uint32_t low,
			       uint32_t high)
{
	__typeof__(rpc_createerr) *ce = __rpc_createerr();

	memset(ce, 0, sizeof(*ce));
	ce->cf_stat = st;
	ce->cf_error.re_status = st;
	if (st == RPC_PROGVERSMISMATCH) {
		ce->cf_error.re_vers.low = low;
		ce->cf_error.re_vers.high = high;
	} else {
		ce->cf_error.re_errno = err;
	}
}

/* Ask the server whether it serves prog/vers. 0, or -1 with rpc_createerr. */
static int fipc_onc_probe(struct fipc_onc_clnt *fc, uint64_t timeout_ns)
{
	struct fipc_onc_req q = {
		.magic = FIPC_ONC_MAGIC, .prog = fc->prog, .vers = fc->vers,
	};
	struct fipc_onc_rep h;
	struct fastipc_call_args a;
	struct rpc_err e;
	int ret;

	memset(&a, 0, sizeof(a));
	memset(&h, 0, sizeof(h));
	a.op = FIPC_ONC_OP_PROBE;
	a.req = &q;
	a.req_len = sizeof(q);
	a.rep = &h;
	a.rep_cap = sizeof(h);
	a.timeout_ns = timeout_ns;
	ret = fastipc_call2(fc->conn, &a, sizeof(a));
	if (ret < 0) {
		fipc_onc_call_err(ret, &e);
		fipc_onc_createerr(e.re_status, e.re_errno, 0, 0);
		return -1;
	}
	if (a.status != 0) {	/* -ENOSYS: not an ONC RPC server */
		fipc_onc_createerr(RPC_PROGUNAVAIL, -a.status, 0, 0);
		return -1;
	}
	fipc_onc_rep_err(&h, a.rep_len, &e);
	if (e.re_status == RPC_SUCCESS)
		return 0;
	fipc_onc_createerr(e.re_status, e.re_errno, e.re_vers.low,
			   e.re_vers.high);
	return -1;
}

static int fipc_onc_connect(struct fipc_onc_clnt *fc, const char *channel)
{
	struct fastipc_conn_opts co;
	struct fastipc_dev *dev = fc->dev;
	int ret;

	if (!dev) {
		ret = fastipc_open(&fc->own_dev);
		if (ret < 0)
			return ret;
		dev = fc->own_dev;
	}
	memset(&co, 0, sizeof(co));
	co.max_payload = fc->max_payload;
	return fastipc_connect_opts(dev, channel, 0, &co, &fc->conn);
}

FIPC_ONC_EXPORT
CLIENT *clnt_fastipc_create_opts(const char *channel, rpcprog_t prog,
				 rpcvers_t vers,
				 const struct clnt_fastipc_opts *opts)
{
	struct clnt_fastipc_opts o;
	struct fipc_onc_clnt *fc;
	int ret;

	memset(&o, 0, sizeof(o));
	if (opts)
		o = *opts;
	if (!channel || o.resv[0] || o.resv[1] || o.resv[2] || o.resv[3] ||
	    (o.max_payload && o.max_payload <= sizeof(struct fipc_onc_req))) {
		fipc_onc_createerr(RPC_SYSTEMERROR, EINVAL, 0, 0);
		return NULL;
	}
	fc = calloc(1, sizeof(*fc));
	if (!fc) {
		fipc_onc_createerr(RPC_SYSTEMERROR, ENOMEM, 0, 0);
		return NULL;
	}
	pthread_mutex_init(&fc->lock, NULL);
	fc->gen = atomic_fetch_add(&fipc_onc_gen, 1) + 1;
	fc->dev = o.dev;
	fc->prog = (uint32_t)prog;
	fc->vers = (uint32_t)vers;
	fc->max_payload = o.max_payload ? o.max_payload :
			  FASTIPC_ONCRPC_MAX_PAYLOAD_DEFAULT;
	fc->timeout.tv_sec = 25;
	fc->cl.cl_ops = (struct clnt_ops *)&fipc_onc_ops;
	fc->cl.cl_private = fc;
	fc->cl.cl_netid = (char *)FASTIPC_ONCRPC_NETID;
	fc->cl.cl_tp = strdup(channel);
	if (!fc->cl.cl_tp) {
		fipc_onc_createerr(RPC_SYSTEMERROR, ENOMEM, 0, 0);
		goto fail;
	}
	fc->svc_addr.buf = fc->cl.cl_tp;
	fc->svc_addr.len = fc->svc_addr.maxlen = (unsigned int)strlen(channel);
	ret = fipc_onc_connect(fc, channel);
	if (ret < 0) {
		fipc_onc_createerr(RPC_SYSTEMERROR, -ret, 0, 0);
		goto fail;
	}
	if (fipc_onc_probe(fc, o.timeout_ns ? o.timeout_ns :
			   FIPC_ONC_PROBE_NS_DEFAULT) < 0)
		goto fail;
	fc->cl.cl_auth = authnone_create();
	return &fc->cl;
fail:
	fastipc_disconnect(fc->conn);
	fastipc_close(fc->own_dev);
	pthread_mutex_destroy(&fc->lock);
	free(fc->cl.cl_tp);
	free(fc);
	return NULL;
}

FIPC_ONC_EXPORT
CLIENT *clnt_fastipc_create(const char *channel, rpcprog_t prog,
			    rpcvers_t vers)
{
	return clnt_fastipc_create_opts(channel, prog, vers, NULL);
}
