// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc-pingpong: the fastipc mechanisms.
 *  shm       fastipc_call_zc(): the client writes the request in place in
 *            its ring, the server's handler reads it in place.
 *  shm-call  fastipc_call() with a threshold of 1 byte: the library copies
 *            the request into the ring (what the copy/shm choice weighs).
 *  copy      fastipc_call() without a region: the kernel copies it.
 *  raw       like copy, served by a bare RECV/REPLY_RECV loop instead of
 *            libfastipc's server (the library's own overhead).
 * The reply is the 8-byte checksum, by copy, in every case.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <fastipc.h>

#include "bench.h"
#include "pingpong.h"

uint32_t pp_msg_max_cap = FASTIPC_MSG_MAX_DEFAULT;

struct fipc_client {
	struct fastipc_conn *conn;
	size_t size;
	void *buf;		/* the request, for fastipc_call() */
	bool shm;		/* requests must take the region */
};

/* Channel msg_max: the default, or enough for a @size-byte copy. */
static uint32_t chan_msg_max(size_t size)
{
	if (size <= FASTIPC_MSG_MAX_DEFAULT)
		return FASTIPC_MSG_MAX_DEFAULT;
	return size < pp_msg_max_cap ? (uint32_t)size : pp_msg_max_cap;
}

static bool copy_usable(size_t size)
{
	return size <= pp_msg_max_cap;
}

static int chan_open(struct pp_ctx *c, struct fastipc_dev **dev)
{
	struct fastipc_chan_opts o = { .msg_max = chan_msg_max(c->size) };
	int ret = fastipc_open(dev);

	if (ret < 0)
		return bench_err(ret, "open /dev/fastipc");
	if (o.msg_max > 4U << 20)
		o.queue_bytes = o.msg_max;
	ret = fastipc_chan_create(*dev, c->chan, 0, 0600, &o);
	if (ret < 0) {
		bench_err(ret, "create channel %s (msg_max %u)", c->chan,
			  o.msg_max);
		fastipc_close(*dev);
	}
	return ret;
}

/* ---- servers ------------------------------------------------------------ */

static int sum_handler(void *ctx, const struct fastipc_msg_hdr *hdr,
		       const void *req, size_t req_len,
		       void *rep, size_t rep_cap, size_t *rep_len)
{
	struct pp_ctx *c = ctx;
	uint64_t h;

	(void)hdr;
	if (req_len != c->size || rep_cap < sizeof(h))
		return -EPROTO;
	h = bench_sum(req, req_len);
	memcpy(rep, &h, sizeof(h));
	*rep_len = sizeof(h);
	return 0;
}

static void stop_on_disconnect(void *ctx, const struct fastipc_msg_hdr *hdr)
{
	if (hdr->type == FASTIPC_MSG_DISCONNECT)
		fastipc_server_stop(ctx);
}

static int lib_serve(struct pp_ctx *c, int ready_fd)
{
	struct fastipc_server_opts o = { .msg_max = chan_msg_max(c->size) };
	struct fastipc_server *srv;
	struct fastipc_dev *dev;
	int chan, ret;

	chan = chan_open(c, &dev);
	if (chan < 0)
		return chan;
	ret = fastipc_server_create(chan, 1, &o, &srv);
	if (ret < 0)
		goto out;
	ret = fastipc_server_register(srv, PP_OP_SUM, sum_handler, c);
	if (ret == 0)
		ret = fastipc_server_on_conn(srv, stop_on_disconnect, srv);
	if (ret == 0) {
		bench_ready(ready_fd);
		ret = fastipc_server_run(srv);
	}
	fastipc_server_destroy(srv);
out:
	if (ret < 0)
		bench_err(ret, "libfastipc server on %s", c->chan);
	close(chan);
	fastipc_close(dev);
	return ret;
}

/* Answer the request in @sv (received in @buf) with its checksum. */
static void raw_answer(struct pp_ctx *c, struct fastipc_serve *sv,
		       const void *buf, uint64_t *rep)
{
	uint32_t len = sv->hdr.len;
	uint64_t id = sv->hdr.msg_id;

	*rep = bench_sum(buf, len);
	memset(sv, 0, offsetof(struct fastipc_serve, buf_ptr));
	sv->reply_id = id;
	sv->reply_ptr = (uintptr_t)rep;
	sv->reply_len = sizeof(*rep);
	sv->reply_status = len == c->size ? 0 : -EPROTO;
}

static int raw_serve(struct pp_ctx *c, int ready_fd)
{
	uint32_t cap = chan_msg_max(c->size);
	unsigned long cmd = FASTIPC_IOC_RECV;
	struct fastipc_serve sv = { 0 };
	struct fastipc_dev *dev;
	void *buf = malloc(cap);
	uint64_t rep;
	int chan, ret = -ENOMEM;

	chan = buf ? chan_open(c, &dev) : bench_err(ret, "receive buffer");
	if (chan < 0) {
		free(buf);
		return chan;
	}
	bench_ready(ready_fd);
	for (;;) {
		sv.buf_ptr = (uintptr_t)buf;
		sv.buf_cap = cap;
		sv.out_flags = 0;
		ret = ioctl(chan, cmd, &sv);
		if (ret < 0 && errno == EINTR)
			continue;
		if (ret < 0) {
			ret = bench_err(-errno, "raw server: %s",
					cmd == FASTIPC_IOC_RECV ? "RECV" :
					"REPLY_RECV");
			break;
		}
		if (sv.hdr.type == FASTIPC_MSG_DISCONNECT)
			break;
		cmd = FASTIPC_IOC_RECV;
		if (sv.hdr.type != FASTIPC_MSG_REQUEST) {
			memset(&sv, 0, offsetof(struct fastipc_serve, buf_ptr));
			continue;
		}
		raw_answer(c, &sv, buf, &rep);
		cmd = FASTIPC_IOC_REPLY_RECV;
	}
	close(chan);
	fastipc_close(dev);
	free(buf);
	return ret;
}

/* ---- clients ------------------------------------------------------------ */

/* Region bytes (both halves) so that one record takes @size bytes. */
static uint64_t region_for(size_t size)
{
	uint64_t area = 32768;

	while (area / 2 - 8 < size)
		area <<= 1;
	return 2 * area;
}

static int client_new(struct pp_ctx *c, bool region, void **state)
{
	struct fastipc_conn_opts o = { .region_size = region_for(c->size),
				       .threshold = 1 };
	struct fipc_client *fc;
	struct fastipc_dev *dev;
	int ret;

	fc = calloc(1, sizeof(*fc));
	if (!fc || posix_memalign(&fc->buf, 64, c->size ? c->size : 1)) {
		free(fc);
		return bench_err(-ENOMEM, "client state");
	}
	fc->size = c->size;
	fc->shm = region;
	ret = fastipc_open(&dev);
	if (ret < 0)
		goto fail;
	ret = fastipc_connect_opts(dev, c->chan, 0, region ? &o : NULL,
				   &fc->conn);
	fastipc_close(dev);
	if (ret == 0 && region && fastipc_conn_shm_max(fc->conn) < c->size)
		ret = -EMSGSIZE;
	if (ret == 0) {
		*state = fc;
		return 0;
	}
	fastipc_disconnect(fc->conn);
fail:
	bench_err(ret, "connect to %s (region %ju bytes)", c->chan,
		  region ? (uintmax_t)o.region_size : 0);
	free(fc->buf);
	free(fc);
	return ret;
}

static int setup_copy(struct pp_ctx *c, void **state)
{
	return client_new(c, false, state);
}

static int setup_shm(struct pp_ctx *c, void **state)
{
	return client_new(c, true, state);
}

static int check_sum(int status, size_t len, const void *rep, uint64_t h)
{
	uint64_t got;

	if (status < 0)
		return status;
	if (status > 0 || len != sizeof(got))
		return -EPROTO;
	memcpy(&got, rep, sizeof(got));
	return got == h ? 0 : -EBADMSG;
}

static int round_call(void *state, uint64_t seed)
{
	struct fipc_client *fc = state;
	uint64_t h, rep;
	size_t len = 0;
	int ret;

	h = bench_fill(fc->buf, fc->size, seed);
	ret = fastipc_call(fc->conn, PP_OP_SUM, fc->buf, fc->size, &rep,
			   sizeof(rep), &len, FASTIPC_TIMEOUT_INF);
	return check_sum(ret, len, &rep, h);
}

static int round_zc(void *state, uint64_t seed)
{
	struct fipc_client *fc = state;
	struct fastipc_reply out;
	uint64_t h, rep;
	void *p;
	int ret;

	ret = fastipc_call_buf_get(fc->conn, fc->size, &p, FASTIPC_TIMEOUT_INF);
	if (ret < 0)
		return ret;
	h = bench_fill(p, fc->size, seed);
	ret = fastipc_call_zc(fc->conn, PP_OP_SUM, p, fc->size, &rep,
			      sizeof(rep), &out, FASTIPC_TIMEOUT_INF);
	if (ret < 0)
		return ret;
	ret = check_sum(ret, out.len, out.data, h);
	fastipc_reply_done(fc->conn, &out);
	return ret;
}

/* Every request took the path the mechanism is named after. */
static int teardown(void *state, unsigned long rounds, char *note,
		    size_t cap)
{
	struct fipc_client *fc = state;
	struct fastipc_conn_stats st;
	int ret = 0;

	fastipc_conn_stats(fc->conn, &st);
	if (st.ring_errors)
		ret = -EPROTO;
	else if (fc->shm && fc->size && st.req_shm != rounds)
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

const struct pp_mech pp_fastipc_shm = {
	"shm", "fastipc CALL, shared memory (zero-copy)", 0, NULL,
	lib_serve, setup_shm, round_zc, teardown,
};

const struct pp_mech pp_fastipc_shm_call = {
	"shm-call", "fastipc CALL, shared memory (fastipc_call)", 0, NULL,
	lib_serve, setup_shm, round_call, teardown,
};

const struct pp_mech pp_fastipc_copy = {
	"copy", "fastipc CALL, copy", 0, copy_usable,
	lib_serve, setup_copy, round_call, teardown,
};

const struct pp_mech pp_fastipc_raw = {
	"raw", "fastipc CALL, copy, bare REPLY_RECV", 0, copy_usable,
	raw_serve, setup_copy, round_call, teardown,
};
