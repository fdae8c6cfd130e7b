// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc-bench: fastipc-rpc, protobuf-c services over fastipc
 * (lib/rpc), used as its documentation tells a user to.
 *
 * The server process creates a channel with the default msg_max, a
 * fastipc_rpc_server of PAIRS pool threads and registers bench.proto's
 * Bench service (fastipc_rpc_server_add()); serve(pair 0) runs it, the
 * other serve() calls only wait. Each client binds with the generated
 * descriptor (fastipc_rpc_bind(), which checks the interface) and calls
 * Sum through the generated stub on fastipc_rpc_service(): the request
 * Blob carries the SIZE bytes (bench_fill() writes them, the library
 * packs them), the reply Blob their 8-byte checksum. The library picks
 * copy or the connection's region by size; the note counts which.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fastipc.h>
#include <fastipc-rpc.h>

#include "bench.h"
#include "bench.pb-c.h"
#include "mech-fastipc.h"

/* Room for the Blob's tag and length around SIZE bytes, and the header. */
#define RPC_SLACK	64

struct rpc_srv {
	Fastipc__Bench__Bench_Service svc;	/* first: the handler's */
	size_t size;
	int chan;
	struct fastipc_rpc_server *srv;
};

struct rpc_client {
	struct fastipc_dev *dev;
	struct fastipc_rpc_client *cl;
	ProtobufCService *svc;
	size_t size;
	uint8_t *buf;			/* the request bytes */
	int result;			/* set by rpc_done() */
	uint64_t got;
};

static int rpc_usable(const struct mech_ctx *c)
{
	return fipc_usable(c, false);
}

/* The largest packed message a run at @size needs, for both sides. */
static uint64_t rpc_max_message(size_t size, uint64_t dflt)
{
	return size + RPC_SLACK > dflt ? size + RPC_SLACK : dflt;
}

/* Bench.Sum: checksum the request's bytes, answer them in a Blob. */
static void rpc_sum(Fastipc__Bench__Bench_Service *svc,
		    const Fastipc__Bench__Blob *req,
		    Fastipc__Bench__Blob_Closure closure, void *closure_data)
{
	struct rpc_srv *s = (struct rpc_srv *)svc;
	Fastipc__Bench__Blob rep = FASTIPC__BENCH__BLOB__INIT;
	uint64_t h;

	if (req->data.len != s->size) {
		fastipc_rpc_ctx_set_status(fastipc_rpc_ctx_of(closure_data),
					   FASTIPC_RPC_INVALID_ARGUMENT,
					   "%zu bytes, not %zu", req->data.len,
					   s->size);
		closure(NULL, closure_data);
		return;
	}
	h = bench_sum(req->data.data, req->data.len);
	rep.data.data = (uint8_t *)&h;
	rep.data.len = sizeof(h);
	closure(&rep, closure_data);
}

int fipc_rpc_server_init(struct mech_ctx *c)
{
	struct fastipc_rpc_server_opts o = { 0 };
	struct rpc_srv *s = calloc(1, sizeof(*s));
	int ret;

	if (!s)
		return -ENOMEM;
	s->svc = (Fastipc__Bench__Bench_Service)
		FASTIPC__BENCH__BENCH__INIT(rpc_);
	s->size = c->size;
	o.max_message = rpc_max_message(c->size,
					FASTIPC_RPC_SERVER_MAX_MESSAGE_DEFAULT);
	/* The default msg_max, as a user's channel; room for every pair. */
	s->chan = fipc_chan_create(c->name, FASTIPC_MSG_MAX_DEFAULT, c->pairs);
	if (s->chan < 0) {
		ret = s->chan;
		free(s);
		return ret;
	}
	ret = fastipc_rpc_server_create(s->chan, c->pairs, &o, &s->srv);
	if (ret == 0)
		ret = fastipc_rpc_server_add(s->srv, &s->svc.base);
	if (ret < 0) {
		bench_err(ret, "fastipc-rpc server on %s", c->name);
		fastipc_rpc_server_destroy(s->srv);
		close(s->chan);
		free(s);
		return ret;
	}
	c->srv = s;
	return 0;
}

int fipc_rpc_serve(struct mech_ctx *c, unsigned int pair)
{
	struct rpc_srv *s = c->srv;
	int ret;

	if (pair) {
		for (;;)
			pause();
	}
	ret = fastipc_rpc_server_run(s->srv);
	return ret < 0 ? ret : -ECANCELED;
}

static void rpc_client_free(struct rpc_client *rc)
{
	fastipc_rpc_unbind(rc->cl);
	if (rc->dev)
		fastipc_close(rc->dev);
	free(rc->buf);
	free(rc);
}

static int rpc_setup(struct mech_ctx *c, unsigned int pair, void **state)
{
	struct fastipc_rpc_bind_opts o = { 0 };
	struct fastipc_rpc_status st;
	struct rpc_client *rc;
	char msg[FASTIPC_RPC_MSG_MAX + 64];
	int ret;

	(void)pair;
	rc = calloc(1, sizeof(*rc));
	if (!rc || posix_memalign((void **)&rc->buf, 64, c->size)) {
		free(rc);
		return -ENOMEM;
	}
	rc->size = c->size;
	o.max_message = rpc_max_message(c->size,
					FASTIPC_RPC_MAX_MESSAGE_DEFAULT);
	ret = fastipc_open(&rc->dev);
	if (ret < 0) {
		rc->dev = NULL;
		rpc_client_free(rc);
		return bench_err(ret, "open /dev/fastipc");
	}
	ret = fastipc_rpc_bind(rc->dev, c->name,
			       &fastipc__bench__bench__descriptor, &o, &rc->cl,
			       &st);
	if (ret != FASTIPC_RPC_OK) {
		fprintf(stderr, "%s: fastipc_rpc_bind %s: %s\n", bench_prog,
			c->name, fastipc_rpc_strerror(&st, msg, sizeof(msg)));
		rc->cl = NULL;
		rpc_client_free(rc);
		return st.err ? -st.err : -EPROTO;
	}
	rc->svc = fastipc_rpc_service(rc->cl);
	*state = rc;
	return 0;
}

/* The stub's closure: the reply, or NULL when the status is not OK. */
static void rpc_done(const Fastipc__Bench__Blob *rep, void *data)
{
	struct rpc_client *rc = data;

	if (!rep)
		rc->result = -EIO;
	else if (rep->data.len != sizeof(rc->got))
		rc->result = -EPROTO;
	else {
		memcpy(&rc->got, rep->data.data, sizeof(rc->got));
		rc->result = 0;
	}
}

static int rpc_round(void *state, uint64_t seed)
{
	Fastipc__Bench__Blob req = FASTIPC__BENCH__BLOB__INIT;
	struct rpc_client *rc = state;
	uint64_t h = bench_fill(rc->buf, rc->size, seed);
	const struct fastipc_rpc_status *st;
	char msg[FASTIPC_RPC_MSG_MAX + 64];

	req.data.data = rc->buf;
	req.data.len = rc->size;
	rc->result = -EPROTO;		/* the stub never called rpc_done() */
	fastipc__bench__bench__sum(rc->svc, &req, rpc_done, rc);
	if (rc->result == -EIO) {
		st = fastipc_rpc_last_status();
		fprintf(stderr, "%s: Bench.Sum: %s\n", bench_prog,
			fastipc_rpc_strerror(st, msg, sizeof(msg)));
		return st->err ? -st->err : -EIO;
	}
	if (rc->result < 0)
		return rc->result;
	return rc->got == h ? 0 : -EBADMSG;
}

/* The note: how the library carried the requests (copy or region). */
static int rpc_teardown(void *state, unsigned long rounds, char *note,
			size_t cap)
{
	struct rpc_client *rc = state;
	struct fastipc_conn_stats st;
	int ret = 0;

	(void)rounds;
	fastipc_conn_stats(fastipc_rpc_client_conn(rc->cl), &st);
	if (st.ring_errors)
		ret = -EPROTO;
	snprintf(note, cap, "%ju calls (describe included), %ju through "
		 "shared memory, %ju fallbacks", (uintmax_t)st.calls,
		 (uintmax_t)st.req_shm, (uintmax_t)st.fallbacks);
	rpc_client_free(rc);
	return ret;
}

const struct mech mech_fastipc_rpc = {
	.name = "rpc",
	.label = "fastipc-rpc (protobuf-c)",
	.usable = rpc_usable,
	.server_init = fipc_rpc_server_init,
	.serve = fipc_rpc_serve,
	.setup = rpc_setup,
	.round = rpc_round,
	.teardown = rpc_teardown,
	.spins = MECH_SPINS_KMOD,
};
