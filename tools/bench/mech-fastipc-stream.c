// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc-bench: round trips over libfastipc streams (the rings of the
 * shared-memory regions), no CALL at all. Each pair has its own channel
 * (NAME-PAIR) and two connections to it: the first carries the requests
 * (FASTIPC_STREAM_C2S, a region that takes a SIZE-byte record), the
 * second the 8-byte replies (FASTIPC_STREAM_S2C). The client reserves the
 * request in place and writes it, the server peeks it in place, reads it
 * and releases it, and sends the checksum back.
 *
 *  ring-sleep  spin 0: each side sleeps in FASTIPC_IOC_WAIT at once, and
 *              the producer wakes it with FASTIPC_IOC_NOTIFY.
 *  ring-spin   spin RING_SPIN polls of the ring before sleeping: with
 *              client and server on two CPUs a round trip makes no
 *              syscall (compare with the spinning shared-memory floor).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <fastipc.h>

#include "bench.h"
#include "mech-fastipc.h"

#define RING_SPIN	(FASTIPC_STREAM_SPIN_DEFAULT * 256U)

struct ring_srv {
	int chan[MECH_MAX_PAIRS];
	uint32_t spin;
};

struct ring_client {
	struct fastipc_conn *creq, *crep;
	struct fastipc_stream *req, *rep;
	size_t size;
};

static int ring_usable(const struct mech_ctx *c)
{
	return fipc_usable(c, false);
}

static void ring_name(const struct mech_ctx *c, unsigned int pair,
		      char *buf, size_t cap)
{
	snprintf(buf, cap, "%.50s-%u", c->name, pair);
}

static int ring_server_init(struct mech_ctx *c, uint32_t spin)
{
	struct ring_srv *s = calloc(1, sizeof(*s));
	char name[64];
	unsigned int i;

	if (!s)
		return -ENOMEM;
	s->spin = spin;
	for (i = 0; i < c->pairs; i++) {
		ring_name(c, i, name, sizeof(name));
		s->chan[i] = fipc_chan_create(name, 64, 1);
		if (s->chan[i] < 0)
			return s->chan[i];	/* the process ends */
	}
	c->srv = s;
	return 0;
}

static int sleep_server_init(struct mech_ctx *c)
{
	return ring_server_init(c, 0);
}

static int spin_server_init(struct mech_ctx *c)
{
	return ring_server_init(c, RING_SPIN);
}

static int ring_accept(int chan, uint32_t spin, struct fastipc_stream **req,
		       struct fastipc_stream **rep)
{
	struct fastipc_stream_opts so = { .spin = spin };
	uint64_t a, b;
	int ret;

	ret = fipc_next_connect(chan, &a, "ring server");
	if (ret == 0)
		ret = fipc_next_connect(chan, &b, "ring server");
	if (ret == 0)
		ret = fastipc_stream_accept(chan, a, FASTIPC_STREAM_C2S, &so,
					    req);
	if (ret == 0)
		ret = fastipc_stream_accept(chan, b, FASTIPC_STREAM_S2C, &so,
					    rep);
	if (ret < 0)
		bench_err(ret, "ring server: accept the streams");
	return ret;
}

static int ring_serve(struct mech_ctx *c, unsigned int pair)
{
	struct fastipc_stream *req = NULL, *rep = NULL;
	struct ring_srv *s = c->srv;
	const void *p;
	size_t len;
	uint64_t h;
	int ret;

	ret = ring_accept(s->chan[pair], s->spin, &req, &rep);
	while (ret == 0) {
		ret = fastipc_stream_peek(req, &p, &len, FASTIPC_TIMEOUT_INF);
		if (ret == 0 && len != c->size)
			ret = -EPROTO;
		if (ret < 0)
			break;
		h = bench_sum(p, len);
		ret = fastipc_stream_release(req, p);
		if (ret == 0)
			ret = fastipc_stream_send(rep, &h, sizeof(h),
						  FASTIPC_TIMEOUT_INF);
	}
	/* The client is done and gone: wait for the end of the run. */
	while (ret == -ECONNRESET)
		pause();
	return ret;
}

/* Connect to @name with a @size-byte record region, open a stream. */
static int ring_open(struct fastipc_dev *dev, const char *name, size_t size,
		     unsigned int dir, uint32_t spin,
		     struct fastipc_conn **conn, struct fastipc_stream **st)
{
	struct fastipc_conn_opts co = { .region_size = fipc_region_for(size) };
	struct fastipc_stream_opts so = { .spin = spin };
	int ret;

	ret = fastipc_connect_opts(dev, name, 0, &co, conn);
	if (ret < 0)
		return bench_err(ret, "connect to %s with a %ju-byte region",
				 name, (uintmax_t)co.region_size);
	ret = fastipc_stream_open(*conn, dir, &so, st);
	if (ret < 0)
		bench_err(ret, "open a stream on %s", name);
	return ret;
}

static void ring_free(struct ring_client *rc)
{
	fastipc_stream_close(rc->req);
	fastipc_stream_close(rc->rep);
	fastipc_disconnect(rc->creq);
	fastipc_disconnect(rc->crep);
	free(rc);
}

static int ring_setup(struct mech_ctx *c, unsigned int pair, void **state,
		      uint32_t spin)
{
	struct ring_client *rc = calloc(1, sizeof(*rc));
	struct fastipc_dev *dev;
	char name[64];
	int ret;

	if (!rc)
		return -ENOMEM;
	rc->size = c->size;
	ring_name(c, pair, name, sizeof(name));
	ret = fastipc_open(&dev);
	if (ret < 0) {
		free(rc);
		return ret;
	}
	ret = ring_open(dev, name, c->size, FASTIPC_STREAM_C2S, spin,
			&rc->creq, &rc->req);
	if (ret == 0)
		ret = ring_open(dev, name, sizeof(uint64_t), FASTIPC_STREAM_S2C,
				spin, &rc->crep, &rc->rep);
	fastipc_close(dev);
	if (ret < 0) {
		ring_free(rc);
		return ret;
	}
	*state = rc;
	return 0;
}

static int sleep_setup(struct mech_ctx *c, unsigned int pair, void **state)
{
	return ring_setup(c, pair, state, 0);
}

static int spin_setup(struct mech_ctx *c, unsigned int pair, void **state)
{
	return ring_setup(c, pair, state, RING_SPIN);
}

static int ring_round(void *state, uint64_t seed)
{
	struct ring_client *rc = state;
	uint64_t h, got;
	size_t len;
	void *p;
	int ret;

	ret = fastipc_stream_reserve(rc->req, rc->size, &p,
				     FASTIPC_TIMEOUT_INF);
	if (ret < 0)
		return ret;
	h = bench_fill(p, rc->size, seed);
	ret = fastipc_stream_commit(rc->req, p);
	if (ret == 0)
		ret = fastipc_stream_recv(rc->rep, &got, sizeof(got), &len,
					  FASTIPC_TIMEOUT_INF);
	if (ret == 0 && len != sizeof(got))
		ret = -EPROTO;
	if (ret < 0)
		return ret;
	return got == h ? 0 : -EBADMSG;
}

static int ring_teardown(void *state, unsigned long rounds, char *note,
			 size_t cap)
{
	struct ring_client *rc = state;
	struct fastipc_conn_stats a, b;
	uint64_t errors;
	double n = rounds ? (double)rounds : 1;

	errors = fastipc_stream_errors(rc->req) +
		 fastipc_stream_errors(rc->rep);
	fastipc_conn_stats(rc->creq, &a);
	fastipc_conn_stats(rc->crep, &b);
	snprintf(note, cap, "NOTIFY %.2f, WAIT %.2f per round trip",
		 (double)(a.notifies + b.notifies) / n,
		 (double)(a.waits + b.waits) / n);
	ring_free(rc);
	if (errors)
		return bench_err(-EPROTO, "%ju ring protocol errors",
				 (uintmax_t)errors);
	return 0;
}

const struct mech mech_fastipc_stream_sleep = {
	.name = "ring-sleep",
	.label = "fastipc stream rings, sleeping",
	.usable = ring_usable,
	.server_init = sleep_server_init,
	.serve = ring_serve,
	.setup = sleep_setup,
	.round = ring_round,
	.teardown = ring_teardown,
};

const struct mech mech_fastipc_stream_spin = {
	.name = "ring-spin",
	.label = "fastipc stream rings, spinning",
	.usable = ring_usable,
	.server_init = spin_server_init,
	.serve = ring_serve,
	.setup = spin_setup,
	.round = ring_round,
	.teardown = ring_teardown,
	.spins = MECH_SPINS_ALWAYS,
};
