/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libserve2_test's handlers and helpers: handler2 and v1 handlers by
 * procedure number, counters they leave for the test to assert on, and
 * bounded waits for the pool's thread.
 */
#ifndef LIBSERVE2_H
#define LIBSERVE2_H

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include <fastipc.h>

#include "fastipc_util.h"

#define OP_FILL2	1	/* handler2: reply of h2_req.len bytes */
#define OP_ECHO2	2	/* handler2: reply the request */
#define OP_OVER		3	/* v1: *rep_len = rep_cap + OVER_BY, status 7 */
#define OP_CAP		4	/* v1: records rep_cap, replies h2_req.len */
#define OP_ECHO		5	/* v1: reply the request */
#define OP_COUNT	6	/* one-way: counted */
#define NS		1000000000ULL
#define CALL_NS		(60 * NS)	/* an upper bound, never a measure */
#define OVER_BY		100
#define H2_MAX		0x1U	/* h2_req.flags: len is added to reply_max */

struct h2_req {
	__u32 len;
	__u32 seed;
	__s32 status;
	__u32 flags;
};

static atomic_int h2_ret;		/* what reply_buf() last returned */
static atomic_int h2_runs, v1_runs;	/* OP_FILL2 and OP_CAP handlers run */
static atomic_ulong h2_max;		/* what reply_max() last said */
static atomic_ulong v1_cap;		/* the rep_cap a v1 handler last saw */
static atomic_int counted;		/* OP_COUNT messages */
static atomic_int connects, disconnects;

static int h2_fill(void *ctx, struct fastipc_req *req)
{
	struct h2_req q;
	size_t n, len, max;
	const void *data;
	void *buf;
	int ret;

	(void)ctx;
	atomic_fetch_add(&h2_runs, 1);
	data = fastipc_req_data(req, &n);
	if (n != sizeof(q))
		return -EPROTO;
	memcpy(&q, data, sizeof(q));
	max = fastipc_req_reply_max(req);
	atomic_store(&h2_max, max);
	len = q.len + (q.flags & H2_MAX ? max : 0);
	ret = fastipc_req_reply_buf(req, len, &buf);
	atomic_store(&h2_ret, ret);
	if (ret == 0)
		fipc_fill(buf, len, q.seed);
	return q.status;
}

static int h2_echo(void *ctx, struct fastipc_req *req)
{
	const void *data;
	size_t n;

	(void)ctx;
	data = fastipc_req_data(req, &n);
	return fastipc_req_reply(req, data, n);
}

static int h1_over(void *ctx, const struct fastipc_msg_hdr *hdr,
		   const void *req, size_t req_len, void *rep, size_t rep_cap,
		   size_t *rep_len)
{
	(void)ctx;
	(void)hdr;
	(void)req;
	(void)req_len;
	(void)rep;
	*rep_len = rep_cap + OVER_BY;
	return 7;
}

static int h1_cap(void *ctx, const struct fastipc_msg_hdr *hdr,
		  const void *req, size_t req_len, void *rep, size_t rep_cap,
		  size_t *rep_len)
{
	struct h2_req q;

	(void)ctx;
	(void)hdr;
	atomic_fetch_add(&v1_runs, 1);
	atomic_store(&v1_cap, rep_cap);
	if (req_len != sizeof(q))
		return -EPROTO;
	memcpy(&q, req, sizeof(q));
	if (q.len > rep_cap)
		return -ENOBUFS;
	fipc_fill(rep, q.len, q.seed);
	*rep_len = q.len;
	return 0;
}

static int h1_echo(void *ctx, const struct fastipc_msg_hdr *hdr,
		   const void *req, size_t req_len, void *rep, size_t rep_cap,
		   size_t *rep_len)
{
	(void)ctx;
	(void)hdr;
	atomic_store(&v1_cap, rep_cap);
	if (req_len > rep_cap)
		return -ENOBUFS;
	memcpy(rep, req, req_len);
	*rep_len = req_len;
	return 0;
}

static int h1_count(void *ctx, const struct fastipc_msg_hdr *hdr,
		    const void *req, size_t req_len, void *rep, size_t rep_cap,
		    size_t *rep_len)
{
	(void)ctx;
	(void)hdr;
	(void)req;
	(void)req_len;
	(void)rep;
	(void)rep_cap;
	(void)rep_len;
	atomic_fetch_add(&counted, 1);
	return 0;
}

static void on_conn(void *ctx, const struct fastipc_msg_hdr *hdr)
{
	(void)ctx;
	if (hdr->type == FASTIPC_MSG_CONNECT)
		atomic_fetch_add(&connects, 1);
	else if (hdr->type == FASTIPC_MSG_DISCONNECT)
		atomic_fetch_add(&disconnects, 1);
}

static int register_all(struct fastipc_server *srv)
{
	int ret = 0;

	ret |= fastipc_server_register2(srv, OP_FILL2, h2_fill, NULL);
	ret |= fastipc_server_register2(srv, OP_ECHO2, h2_echo, NULL);
	ret |= fastipc_server_register(srv, OP_OVER, h1_over, NULL);
	ret |= fastipc_server_register(srv, OP_CAP, h1_cap, NULL);
	ret |= fastipc_server_register(srv, OP_ECHO, h1_echo, NULL);
	ret |= fastipc_server_register(srv, OP_COUNT, h1_count, NULL);
	ret |= fastipc_server_on_conn(srv, on_conn, NULL);
	return ret;
}

static void *run_main(void *arg)
{
	return (void *)(long)fastipc_server_run(arg);
}

/* Join @th, waiting at most 60 s (a hang detector); its result in *@ret. */
static int join_bounded(pthread_t th, long *ret)
{
	struct timespec ts;
	void *r = NULL;
	int err;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 60;
	err = pthread_timedjoin_np(th, &r, &ts);
	*ret = (long)r;
	return err;
}

/*
 * Stop @srv, whose run() @th runs, join it (at most 60 s) and destroy
 * @srv. Return: what run() returned (0), or the join's error, negated.
 */
static inline long pool_end(struct fastipc_server *srv, pthread_t th)
{
	long ret = -1;
	int err;

	fastipc_server_stop(srv);
	err = join_bounded(th, &ret);
	fastipc_server_destroy(srv);
	return err ? -err : ret;
}

static struct fastipc_server_stats srv_stats(struct fastipc_server *srv)
{
	struct fastipc_server_stats st;

	if (fastipc_server_stats(srv, &st, sizeof(st)))
		memset(&st, 0xff, sizeof(st));
	return st;
}

/* A raw CALL (struct fastipc_call VER2: rep_need) of h2_req @q. */
static int raw_call(struct fastipc_conn *c, __u32 op, const struct h2_req *q,
		    void *rep, __u32 cap, struct fastipc_call *a)
{
	memset(a, 0, sizeof(*a));
	a->op = op;
	a->req_ptr = (uintptr_t)q;
	a->req_len = sizeof(*q);
	a->rep_ptr = (uintptr_t)rep;
	a->rep_cap = cap;
	a->flags = FASTIPC_F_TIMEOUT;
	a->timeout_ns = CALL_NS;
	return fastipc_call_raw(c, a);
}

static struct fastipc_conn *connect_rgn(struct fastipc_dev *dev,
					const char *name, uint64_t size)
{
	struct fastipc_conn_opts o;
	struct fastipc_conn *c = NULL;

	memset(&o, 0, sizeof(o));
	o.region_size = size;
	if (fastipc_connect_opts(dev, name, 0, &o, &c))
		return NULL;
	return c;
}

static int echo_ok(struct fastipc_conn *c, __u32 seed)
{
	unsigned char req[64], rep[64];
	size_t got = 0;
	int ret;

	fipc_fill(req, sizeof(req), seed);
	ret = fastipc_call(c, OP_ECHO, req, sizeof(req), rep, sizeof(rep),
			   &got, CALL_NS);
	if (ret)
		return ret;
	return got == sizeof(rep) && fipc_mismatch(rep, got, seed) < 0 ?
	       0 : -EBADMSG;
}

#endif /* LIBSERVE2_H */
