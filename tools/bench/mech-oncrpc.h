/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the ONC RPC mechanisms share (mech-oncrpc.c): the service behind
 * rpcgen's dispatch function bench_prog_1() (benchrpc.x), written once for
 * every transport, and the client's round trip through rpcgen's stubs on
 * any libtirpc CLIENT.
 */
#ifndef _FASTIPC_BENCH_MECH_ONCRPC_H
#define _FASTIPC_BENCH_MECH_ONCRPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "benchrpc.h"
#include "mech.h"

/* rpcgen's dispatch function (benchrpc_svc.c, generated with -m). */
void bench_prog_1(struct svc_req *rqstp, SVCXPRT *transp);

/*
 * The null-procedure variants run only in tables of requests up to this
 * size: they carry no request, so one table is enough.
 */
#define ONC_NULL_SIZE_MAX	64

/*
 * onc_server_size() - Set the request size BENCH_SUM accepts, in the
 * server process before it serves (every other length is refused).
 */
void onc_server_size(size_t size);

/*
 * onc_client_new() - The client state of a run at @c->size around the
 * CLIENT @cl (which it destroys) over transport @via (for the note);
 * @null: call NULLPROC instead of BENCH_SUM. Destroys @cl and returns
 * -ENOMEM if it cannot allocate.
 */
int onc_client_new(const struct mech_ctx *c, CLIENT *cl, const char *via,
		   bool null, void **state);

/*
 * One round trip through rpcgen's stub (or NULLPROC): 0, -EBADMSG on a
 * wrong checksum, -EIO on an RPC error (reported with clnt_sperror()).
 */
int onc_round(void *state, uint64_t seed);

/* teardown(): destroys the CLIENT; the note says what was called. */
int onc_teardown(void *state, unsigned long rounds, char *note, size_t cap);

/* usable() of the null variants: MECH_SKIP_SIZE above ONC_NULL_SIZE_MAX. */
int onc_null_usable(const struct mech_ctx *c);

#endif /* _FASTIPC_BENCH_MECH_ONCRPC_H */
