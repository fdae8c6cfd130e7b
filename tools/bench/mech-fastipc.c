// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc-bench: what the fastipc call mechanisms share (mech-fastipc.h).
 * The reply is the 8-byte checksum, by copy, in every case.
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

struct fipc_srv {
	int chan;
	struct fastipc_server *pool;
};

/* The kernel's limits, read once (in the parent, before the forks). */
static struct fastipc_api fipc_api;
static int fipc_api_ret = 1;		/* 1: not read yet */

static int fipc_caps(void)
{
	struct fastipc_dev *dev;

	if (fipc_api_ret <= 0)
		return fipc_api_ret;
	fipc_api_ret = fastipc_open(&dev);
	if (fipc_api_ret == 0) {
		fipc_api = *fastipc_dev_api(dev);
		fastipc_close(dev);
	}
	return fipc_api_ret;
}

int fipc_usable(const struct mech_ctx *c, bool copy)
{
	if (fipc_caps() < 0)
		return MECH_SKIP_ABSENT;
	if (copy && c->size > fipc_api.msg_max_cap)
		return MECH_SKIP_SIZE;
	return 0;
}

/* Channel msg_max: the default, or enough for a @size-byte copy. */
static uint32_t fipc_msg_max(size_t size)
{
	if (size <= FASTIPC_MSG_MAX_DEFAULT || fipc_caps() < 0)
		return FASTIPC_MSG_MAX_DEFAULT;
	return size < fipc_api.msg_max_cap ? (uint32_t)size :
		fipc_api.msg_max_cap;
}

int fipc_chan_create(const char *name, size_t size, unsigned int pairs)
{
	struct fastipc_chan_opts o = { .msg_max = fipc_msg_max(size) };
	uint64_t qb = (uint64_t)o.msg_max * pairs;
	struct fastipc_dev *dev;
	int ret;

	/* Room for every client's request at once, within the caps. */
	if (fipc_caps() == 0 && qb > fipc_api.queue_bytes_cap)
		qb = fipc_api.queue_bytes_cap;
	if (qb > FASTIPC_QUEUE_BYTES_DEFAULT && qb >= o.msg_max)
		o.queue_bytes = (uint32_t)qb;
	ret = fastipc_open(&dev);
	if (ret < 0)
		return bench_err(ret, "open /dev/fastipc");
	ret = fastipc_chan_create(dev, name, 0, 0600, &o);
	if (ret < 0)
		bench_err(ret, "create channel %s (msg_max %u, queue_bytes %u)",
			  name, o.msg_max, o.queue_bytes);
	fastipc_close(dev);
	return ret;
}

uint64_t fipc_region_for(size_t size)
{
	uint64_t area = 32768;

	while (area / 2 - 8 < size)
		area <<= 1;
	return 2 * area;
}

/* ---- server ------------------------------------------------------------- */

static int sum_handler(void *ctx, const struct fastipc_msg_hdr *hdr,
		       const void *req, size_t req_len,
		       void *rep, size_t rep_cap, size_t *rep_len)
{
	struct mech_ctx *c = ctx;
	uint64_t h;

	(void)hdr;
	if (req_len != c->size || rep_cap < sizeof(h))
		return -EPROTO;
	h = bench_sum(req, req_len);
	memcpy(rep, &h, sizeof(h));
	*rep_len = sizeof(h);
	return 0;
}

int fipc_server_init(struct mech_ctx *c)
{
	struct fastipc_server_opts o = { .msg_max = fipc_msg_max(c->size) };
	struct fipc_srv *s = calloc(1, sizeof(*s));
	int ret;

	if (!s)
		return -ENOMEM;
	s->chan = fipc_chan_create(c->name, c->size, c->pairs);
	if (s->chan < 0) {
		ret = s->chan;
		free(s);
		return ret;
	}
	ret = fastipc_server_create(s->chan, c->pairs, &o, &s->pool);
	if (ret == 0)
		ret = fastipc_server_register(s->pool, FIPC_OP_SUM, sum_handler,
					      c);
	if (ret < 0) {
		bench_err(ret, "libfastipc server on %s", c->name);
		fastipc_server_destroy(s->pool);
		close(s->chan);
		free(s);
		return ret;
	}
	c->srv = s;
	return 0;
}

int fipc_serve(struct mech_ctx *c, unsigned int pair)
{
	struct fipc_srv *s = c->srv;
	int ret;

	if (pair) {
		for (;;)
			pause();
	}
	ret = fastipc_server_run(s->pool);
	return ret < 0 ? ret : -ECANCELED;
}

/* ---- client ------------------------------------------------------------- */

int fipc_connect(struct mech_ctx *c, bool region, void **state)
{
	struct fastipc_conn_opts o = { .region_size = fipc_region_for(c->size),
				       .threshold = 1 };
	struct fipc_client *fc;
	struct fastipc_dev *dev;
	int ret;

	fc = calloc(1, sizeof(*fc));
	if (!fc || posix_memalign(&fc->buf, 64, c->size)) {
		free(fc);
		return -ENOMEM;
	}
	fc->size = c->size;
	fc->shm = region;
	ret = fastipc_open(&dev);
	if (ret == 0) {
		ret = fastipc_connect_opts(dev, c->name, 0, region ? &o : NULL,
					   &fc->conn);
		fastipc_close(dev);
	}
	if (ret == 0 && region && fastipc_conn_shm_max(fc->conn) < c->size)
		ret = -EMSGSIZE;
	if (ret == 0) {
		*state = fc;
		return 0;
	}
	bench_err(ret, "connect to %s (region %ju bytes)", c->name,
		  region ? (uintmax_t)o.region_size : 0);
	fastipc_disconnect(fc->conn);
	free(fc->buf);
	free(fc);
	return ret;
}

int fipc_check_sum(int status, size_t len, const void *rep, uint64_t h)
{
	uint64_t got;

	if (status < 0)
		return status;
	if (status > 0 || len != sizeof(got))
		return -EPROTO;
	memcpy(&got, rep, sizeof(got));
	return got == h ? 0 : -EBADMSG;
}

/* One round trip through fastipc_call(): copy or shm, as connected. */
int fipc_call_round(void *state, uint64_t seed)
{
	struct fipc_client *fc = state;
	uint64_t h, rep;
	size_t len = 0;
	int ret;

	h = bench_fill(fc->buf, fc->size, seed);
	ret = fastipc_call(fc->conn, FIPC_OP_SUM, fc->buf, fc->size, &rep,
			   sizeof(rep), &len, FASTIPC_TIMEOUT_INF);
	return fipc_check_sum(ret, len, &rep, h);
}

int fipc_teardown(void *state, unsigned long rounds, char *note, size_t cap)
{
	struct fipc_client *fc = state;
	struct fastipc_conn_stats st;
	int ret = 0;

	fastipc_conn_stats(fc->conn, &st);
	if (st.ring_errors)
		ret = -EPROTO;
	else if (fc->shm && st.req_shm != rounds)
		ret = -EXDEV;
	else if (!fc->shm && st.bytes_shm)
		ret = -EXDEV;
	snprintf(note, cap, "%ju calls, %ju through shared memory, %ju "
		 "fallbacks, NOTIFY %ju, WAIT %ju", (uintmax_t)st.calls,
		 (uintmax_t)st.req_shm, (uintmax_t)st.fallbacks,
		 (uintmax_t)st.notifies, (uintmax_t)st.waits);
	if (ret < 0)
		fprintf(stderr, "%s: %s path: %ju of %lu requests through "
			"shared memory, %ju fallbacks, %ju ring errors\n",
			bench_prog, fc->shm ? "shared-memory" : "copy",
			(uintmax_t)st.req_shm, rounds,
			(uintmax_t)st.fallbacks, (uintmax_t)st.ring_errors);
	fastipc_disconnect(fc->conn);
	free(fc->buf);
	free(fc);
	return ret;
}

int fipc_next_connect(int chan, uint64_t *id, const char *who)
{
	struct fastipc_serve sv;
	uint64_t buf[8];

	for (;;) {
		memset(&sv, 0, sizeof(sv));
		sv.buf_ptr = (uintptr_t)buf;
		sv.buf_cap = sizeof(buf);
		if (ioctl(chan, FASTIPC_IOC_RECV, &sv) < 0) {
			if (errno == EINTR)
				continue;
			return bench_err(-errno, "%s: RECV", who);
		}
		if (sv.hdr.type == FASTIPC_MSG_CONNECT) {
			*id = sv.hdr.conn_id;
			return 0;
		}
	}
}
