// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc-bench: ONC RPC (rpcgen, libtirpc) over fastipc, the transport of
 * libfastipc-oncrpc, used as fastipc-oncrpc.rst tells a user to.
 *
 * benchrpc.x's BENCH_SUM takes the SIZE bytes as an opaque<> and answers
 * their checksum as an unsigned hyper (the 8-byte reply of mech.h). The
 * stubs, the XDR code and the dispatch function bench_prog_1() are
 * rpcgen -M's, built from benchrpc.x by the Makefile; the service
 * function below is the only server code, and the same objects run over
 * every transport (mech-oncrpc-vc.c has TCP and AF_UNIX):
 *
 *  oncrpc       the server process creates the channel with
 *               svc_fastipc_create() (a pool of PAIRS threads), registers
 *               bench_prog_1 with svc_fastipc_reg() and runs
 *               svc_fastipc_run() in serve(pair 0); each client calls
 *               through clnt_fastipc_create() (max_payload raised above
 *               its 1 MiB + 64 KiB default for larger requests).
 *  oncrpc-null  the same, calling the null procedure (no arguments, no
 *               results) instead: the cost of the RPC layer alone. Only
 *               in tables of requests up to 64 bytes (it sends none).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fastipc-oncrpc.h>

#include "bench.h"
#include "mech-fastipc.h"
#include "mech-oncrpc.h"

/* Room for the ONC header and the opaque's length above SIZE bytes. */
#define ONC_SLACK	4096

struct onc_client {
	CLIENT *cl;
	const char *via;
	bool null;
	size_t size;
	char *buf;			/* the request bytes */
};

/* ---- the service (server processes of every transport) ----------------- */

static size_t onc_size;			/* what BENCH_SUM accepts */

void onc_server_size(size_t size)
{
	onc_size = size;
}

bool_t bench_sum_1_svc(bench_data *argp, u_quad_t *result,
		       struct svc_req *rq)
{
	/* SYSTEM_ERR, and FALSE: the dispatch function sends nothing more. */
	if (argp->bench_data_len != onc_size) {
		svcerr_systemerr(rq->rq_xprt);
		return FALSE;
	}
	*result = bench_sum(argp->bench_data_val, argp->bench_data_len);
	return TRUE;
}

int bench_prog_1_freeresult(SVCXPRT *transp, xdrproc_t xdr_result,
			    caddr_t result)
{
	(void)transp;
	xdr_free(xdr_result, result);
	return 1;
}

/* ---- the client (every transport) --------------------------------------- */

int onc_client_new(const struct mech_ctx *c, CLIENT *cl, const char *via,
		   bool null, void **state)
{
	struct onc_client *oc = calloc(1, sizeof(*oc));

	if (!oc || posix_memalign((void **)&oc->buf, 64, c->size)) {
		free(oc);
		clnt_destroy(cl);
		return -ENOMEM;
	}
	oc->cl = cl;
	oc->via = via;
	oc->null = null;
	oc->size = c->size;
	*state = oc;
	return 0;
}

/* xdr_void() as an xdrproc_t, without casting a function's type. */
static bool_t onc_xdr_void(XDR *xdrs, ...)
{
	(void)xdrs;
	return TRUE;
}

int onc_round(void *state, uint64_t seed)
{
	/* rpcgen's stubs wait 25 s; so does the null call. */
	static const struct timeval tmo = { 25, 0 };
	struct onc_client *oc = state;
	bench_data arg;
	enum clnt_stat st;
	u_quad_t got = 0;
	uint64_t h = 0;

	if (oc->null) {
		st = clnt_call(oc->cl, NULLPROC, onc_xdr_void, NULL,
			       onc_xdr_void, NULL, tmo);
	} else {
		h = bench_fill(oc->buf, oc->size, seed);
		arg.bench_data_len = (u_int)oc->size;
		arg.bench_data_val = oc->buf;
		st = bench_sum_1(&arg, &got, oc->cl);
	}
	if (st != RPC_SUCCESS) {
		fprintf(stderr, "%s: %s\n", bench_prog,
			clnt_sperror(oc->cl, oc->null ? "NULLPROC" :
				     "BENCH_SUM"));
		return -EIO;
	}
	return oc->null || got == h ? 0 : -EBADMSG;
}

int onc_teardown(void *state, unsigned long rounds, char *note, size_t cap)
{
	struct onc_client *oc = state;

	snprintf(note, cap, "%lu %s calls over %s", rounds,
		 oc->null ? "NULLPROC" : "BENCH_SUM", oc->via);
	clnt_destroy(oc->cl);
	free(oc->buf);
	free(oc);
	return 0;
}

int onc_null_usable(const struct mech_ctx *c)
{
	return c->size <= ONC_NULL_SIZE_MAX ? 0 : MECH_SKIP_SIZE;
}

/* ---- over fastipc -------------------------------------------------------- */

static int onc_fipc_usable(const struct mech_ctx *c)
{
	return fipc_usable(c, false);
}

static int onc_fipc_null_usable(const struct mech_ctx *c)
{
	int ret = onc_null_usable(c);

	return ret ? ret : fipc_usable(c, false);
}

static int onc_fipc_server_init(struct mech_ctx *c)
{
	struct svc_fastipc *srv;
	int ret;

	onc_server_size(c->size);
	ret = svc_fastipc_create(c->name, 0600, c->pairs, &srv);
	if (ret < 0)
		return bench_err(ret, "svc_fastipc_create %s", c->name);
	ret = svc_fastipc_reg(srv, BENCH_PROG, BENCH_V1, bench_prog_1);
	if (ret < 0) {
		svc_fastipc_destroy(srv);
		return bench_err(ret, "svc_fastipc_reg");
	}
	c->srv = srv;
	return 0;
}

static int onc_fipc_serve(struct mech_ctx *c, unsigned int pair)
{
	int ret;

	if (pair) {
		for (;;)
			pause();
	}
	ret = svc_fastipc_run(c->srv);
	return ret < 0 ? ret : -ECANCELED;
}

static int onc_fipc_connect(struct mech_ctx *c, bool null, void **state)
{
	struct clnt_fastipc_opts o = { 0 };
	CLIENT *cl;

	if (c->size + ONC_SLACK > FASTIPC_ONCRPC_MAX_PAYLOAD_DEFAULT)
		o.max_payload = c->size + ONC_SLACK;
	cl = clnt_fastipc_create_opts(c->name, BENCH_PROG, BENCH_V1, &o);
	if (!cl) {
		fprintf(stderr, "%s: %s\n", bench_prog,
			clnt_spcreateerror(c->name));
		return -ECONNREFUSED;
	}
	return onc_client_new(c, cl, "fastipc", null, state);
}

static int onc_fipc_setup(struct mech_ctx *c, unsigned int pair,
			  void **state)
{
	(void)pair;
	return onc_fipc_connect(c, false, state);
}

static int onc_fipc_null_setup(struct mech_ctx *c, unsigned int pair,
			       void **state)
{
	(void)pair;
	return onc_fipc_connect(c, true, state);
}

const struct mech mech_oncrpc = {
	.name = "oncrpc",
	.label = "ONC RPC over fastipc",
	.usable = onc_fipc_usable,
	.server_init = onc_fipc_server_init,
	.serve = onc_fipc_serve,
	.setup = onc_fipc_setup,
	.round = onc_round,
	.teardown = onc_teardown,
	.spins = MECH_SPINS_KMOD,
};

const struct mech mech_oncrpc_null = {
	.name = "oncrpc-null",
	.label = "ONC RPC over fastipc, NULLPROC",
	.usable = onc_fipc_null_usable,
	.server_init = onc_fipc_server_init,
	.serve = onc_fipc_serve,
	.setup = onc_fipc_null_setup,
	.round = onc_round,
	.teardown = onc_teardown,
	.spins = MECH_SPINS_KMOD,
};
