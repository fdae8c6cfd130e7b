// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc-rpc (issue 12): a request that goes through the connection's
 * region is packed straight into a record reserved in its ring
 * (fastipc_call_buf_get() + fastipc_call2_buf()), with the copy path as
 * the fallback. What the client's connection counts
 * (fastipc_conn_stats()) says which way each request went:
 *  - in_ring: requests of 256 KiB and 1 MiB are each one region request
 *    of exactly their wire size (header + packed message), with no
 *    fallback, and the handler sees their bytes intact.
 *  - threshold: a request whose wire size is the connection's threshold
 *    goes by copy, one byte more through the region.
 *  - ring_full: with the ring held full by reservations of the client's
 *    own, a request above the threshold (but within msg_max) goes by
 *    copy, counted in fallbacks, packed into one allocation of its wire
 *    size, and arrives intact; once the ring is given back, the same
 *    request goes through the ring again, with no allocation.
 *  - reply_no_room: with the server->client ring held full by zero-copy
 *    replies not yet released, a call whose reply is above msg_max finds
 *    no reply room after its handler ran: it is answered
 *    RESOURCE_EXHAUSTED "no room" by copy, once (the handler ran exactly
 *    once, one call was sent: never a second run of a handler for one
 *    call); once the held replies are released, the same call succeeds
 *    with the whole reply.
 *  - server_arena: a warm stub call whose request carries 64 bytes makes
 *    no small allocation (below SMALL bytes: what protobuf-c's unpack
 *    makes per field) in any thread of the process, the server's pool
 *    thread included: its request is unpacked into the thread's arena
 *    (whose own 16 KiB come once per thread, at its first call).
 *  - stub_arena: a call through the generated stub (fastipc_rpc_service())
 *    whose small reply lives only while the closure runs makes no
 *    malloc() on the calling thread once warm (the reply is unpacked into
 *    the thread's arena); a stub call made from inside a closure gets its
 *    own reply, and the outer reply is intact after it (tags and method
 *    names checked).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "rpc_svc.h"

#define MIB		(1ULL << 20)
#define MSG_MAX		65536U		/* the channel's: FASTIPC_MSG_MAX_DEFAULT */
#define HDR		sizeof(struct fastipc_rpc_req_hdr)

/*
 * malloc() of this executable: glibc's, counting the calling thread's
 * allocations of exactly watch_size bytes (the server's threads have
 * their own count). glibc lets a program replace malloc, free, calloc
 * and realloc together.
 */
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);
extern void __libc_free(void *p);

static size_t watch_size;		/* SIZE_MAX: every size */
static __thread unsigned int watched;
/* Allocations below SMALL bytes by every thread (the server's too). */
#define SMALL		1024
static atomic_bool watch_small;
static atomic_uint small_all;

void *malloc(size_t size)
{
	if (watch_size && (size == watch_size || watch_size == SIZE_MAX))
		watched++;
	if (atomic_load(&watch_small) && size < SMALL)
		atomic_fetch_add(&small_all, 1);
	return __libc_malloc(size);
}

void *calloc(size_t n, size_t size)
{
	if (watch_size == SIZE_MAX)
		watched++;
	if (atomic_load(&watch_small) && n * size < SMALL)
		atomic_fetch_add(&small_all, 1);
	return __libc_calloc(n, size);
}

void *realloc(void *p, size_t size)
{
	if (watch_size == SIZE_MAX)
		watched++;
	if (atomic_load(&watch_small) && size < SMALL)
		atomic_fetch_add(&small_all, 1);
	return __libc_realloc(p, size);
}

void free(void *p)
{
	__libc_free(p);
}

FIXTURE(ring) {
	struct rt_srv s;
	struct fastipc_rpc_client *cl;
	struct fastipc_conn *conn;
	struct fastipc_conn_info in;
};

FIXTURE_SETUP(ring)
{
	struct fastipc_rpc_status rs;

	ASSERT_EQ(0, rt_srv_start(&self->s, "rpcring", 2, MSG_MAX, 0600,
				  NULL));
	ASSERT_EQ(FASTIPC_RPC_OK, rt_bind(self->s.dev, self->s.name, 2 * MIB,
					  &self->cl, &rs)) {
		TH_LOG("bind: %d %s", rs.code, rs.message);
	}
	self->conn = fastipc_rpc_client_conn(self->cl);
	ASSERT_EQ(0, fastipc_conn_info(self->conn, &self->in,
				       sizeof(self->in)));
	ASSERT_LT(self->in.threshold, self->in.shm_max);
	ASSERT_LE(2 * MIB, self->in.shm_max);
}

FIXTURE_TEARDOWN(ring)
{
	fastipc_rpc_unbind(self->cl);
	EXPECT_EQ(0, rt_srv_stop(&self->s));
}

/*
 * Call with a request of wire size @total; 0 when the handler saw its
 * pattern intact; the connection's counters before and after in @c0, @c1.
 */
static int call_total(struct fastipc_rpc_client *cl, size_t total,
		      uint32_t seed, struct fastipc_conn_stats *c0,
		      struct fastipc_conn_stats *c1,
		      struct fastipc_rpc_status *rs)
{
	struct fastipc_conn *conn = fastipc_rpc_client_conn(cl);
	Rpctest__Req req = RPCTEST__REQ__INIT;
	Rpctest__Rep *rep = NULL;
	int ret = -EBADMSG, code;

	if (rt_req_exact(&req, total, seed))
		return -ENOMEM;
	if (HDR + rpctest__req__get_packed_size(&req) != total) {
		rt_req_free(&req);
		return -EINVAL;
	}
	fastipc_conn_stats(conn, c0);
	watched = 0;
	watch_size = total;
	code = rt_do(cl, &req, &rep, 0, rs);
	watch_size = 0;
	fastipc_conn_stats(conn, c1);
	if (code != FASTIPC_RPC_OK)
		ret = -1000 - code;
	else if (rep->data_ok && rep->data_len == req.data.len)
		ret = 0;
	fastipc_rpc_free(rep ? &rep->base : NULL);
	rt_req_free(&req);
	return ret;
}

TEST_F(ring, in_ring)
{
	static const size_t sizes[] = { 256 * 1024, MIB };
	struct fastipc_conn_stats c0, c1;
	struct fastipc_rpc_status rs;
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		EXPECT_EQ(0, call_total(self->cl, sizes[i], (uint32_t)i + 1,
					&c0, &c1, &rs)) {
			TH_LOG("%zu bytes: %d %s", sizes[i], rs.code,
			       rs.message);
		}
		EXPECT_EQ(c0.req_shm + 1, c1.req_shm);
		EXPECT_EQ(c0.rep_shm, c1.rep_shm);	/* a small reply */
		EXPECT_EQ(c0.bytes_shm + sizes[i], c1.bytes_shm);
		EXPECT_EQ(c0.fallbacks, c1.fallbacks);
		EXPECT_EQ(c0.calls + 1, c1.calls);
		EXPECT_EQ(0, watched);		/* packed into the ring */
	}
}

TEST_F(ring, threshold)
{
	struct fastipc_conn_stats c0, c1;
	struct fastipc_rpc_status rs;
	size_t t = self->in.threshold;

	EXPECT_EQ(0, call_total(self->cl, t, 7, &c0, &c1, &rs)) {
		TH_LOG("%zu bytes: %d %s", t, rs.code, rs.message);
	}
	EXPECT_EQ(c0.req_shm, c1.req_shm);
	EXPECT_EQ(c0.bytes_shm, c1.bytes_shm);
	EXPECT_EQ(0, call_total(self->cl, t + 1, 8, &c0, &c1, &rs)) {
		TH_LOG("%zu bytes: %d %s", t + 1, rs.code, rs.message);
	}
	EXPECT_EQ(c0.req_shm + 1, c1.req_shm);
	EXPECT_EQ(c0.bytes_shm + t + 1, c1.bytes_shm);
}

#define HOLD_MAX	64

TEST_F(ring, ring_full)
{
	size_t total = MSG_MAX / 2, chunk = self->in.shm_max;
	struct fastipc_conn_stats c0, c1;
	struct fastipc_rpc_status rs;
	void *hold[HOLD_MAX];
	int n = 0, i;

	ASSERT_LT(self->in.threshold, total);
	/* Reserve all we can, down to records smaller than the request. */
	while (n < HOLD_MAX && chunk >= total / 4) {
		if (fastipc_call_buf_get(self->conn, chunk, &hold[n], 0))
			chunk /= 2;
		else
			n++;
	}
	ASSERT_LT(0, n);
	ASSERT_NE(0, fastipc_call_buf_get(self->conn, total, &hold[n], 0));
	EXPECT_EQ(0, call_total(self->cl, total, 9, &c0, &c1, &rs)) {
		TH_LOG("ring full: %d %s", rs.code, rs.message);
	}
	EXPECT_EQ(c0.req_shm, c1.req_shm);
	EXPECT_EQ(c0.fallbacks + 1, c1.fallbacks);
	EXPECT_LE(c0.bytes_copy + total, c1.bytes_copy);	/* by copy */
	EXPECT_EQ(c0.bytes_shm, c1.bytes_shm);
	EXPECT_EQ(1, watched);			/* packed aside first */
	for (i = 0; i < n; i++)
		EXPECT_EQ(0, fastipc_call_buf_put(self->conn, hold[i]));
	EXPECT_EQ(0, call_total(self->cl, total, 10, &c0, &c1, &rs)) {
		TH_LOG("ring free: %d %s", rs.code, rs.message);
	}
	EXPECT_EQ(c0.req_shm + 1, c1.req_shm);
	EXPECT_EQ(c0.fallbacks, c1.fallbacks);
	EXPECT_EQ(0, watched);
}

/* The op and signature hash of Test.Call, as the server described them. */
static int call_op(struct fastipc_rpc_client *cl, uint32_t *op)
{
	const Fastipc__Rpc__Description *d = fastipc_rpc_client_description(cl);
	size_t i, j;

	for (i = 0; d && i < d->n_services; i++)
		for (j = 0; j < d->services[i]->n_methods; j++)
			if (!strcmp(d->services[i]->name, "rpctest.Test") &&
			    !strcmp(d->services[i]->methods[j]->name, "Call")) {
				*op = d->services[i]->methods[j]->op;
				return 0;
			}
	return -ENOENT;
}

/*
 * A zero-copy Test.Call whose reply of about @rep_len bytes stays in the
 * server->client ring until fastipc_reply_done(): the server's status,
 * or a negative errno (RESOURCE_EXHAUSTED: no room left for it).
 */
static int hold_reply(struct fastipc_conn *conn, uint32_t op, size_t rep_len,
		      void *rep, size_t rep_cap, struct fastipc_reply *out)
{
	Rpctest__Req req = RPCTEST__REQ__INIT;
	struct fastipc_rpc_req_hdr h = {
		.magic = FASTIPC_RPC_REQ_MAGIC,
		.method_hash = fastipc_rpc_hash("rpctest.Test",
						&rpctest__test__descriptor.methods[0]),
		.deadline_ns = RT_CALL_NS,
	};
	size_t len;
	void *buf;
	int ret;

	req.reply_len = rep_len;
	len = HDR + rpctest__req__get_packed_size(&req);
	ret = fastipc_call_buf_get(conn, len, &buf, RT_CALL_NS);
	if (ret)
		return ret;
	memcpy(buf, &h, HDR);
	rpctest__req__pack(&req, (uint8_t *)buf + HDR);
	return fastipc_call_zc(conn, op, buf, len, rep, rep_cap, out,
			       RT_CALL_NS);
}

TEST_F(ring, reply_no_room)
{
	size_t total = MSG_MAX / 2, rep_len = self->in.shm_max / 4;
	struct fastipc_reply held[HOLD_MAX];
	Rpctest__Req req = RPCTEST__REQ__INIT;
	struct fastipc_conn_stats c0, c1;
	struct fastipc_rpc_status rs;
	Rpctest__Rep *rep = NULL;
	int ret, code, i, n = 0, runs;
	uint32_t op = 0;
	void *rbuf;

	ASSERT_LT(self->in.threshold, total);
	ASSERT_LT(MSG_MAX, rep_len);
	ASSERT_EQ(0, call_op(self->cl, &op));
	rbuf = malloc(self->in.shm_max);
	ASSERT_NE(NULL, rbuf);
	/* Hold replies of rep_len in the ring until one finds no room. */
	do {
		ret = hold_reply(self->conn, op, rep_len, rbuf,
				 self->in.shm_max, &held[n]);
		if (ret == 0)
			ASSERT_TRUE(held[n].flags & FASTIPC_REPLY_SHM);
	} while (ret == 0 && ++n < HOLD_MAX);
	ASSERT_EQ(FASTIPC_RPC_RESOURCE_EXHAUSTED, ret);
	ASSERT_LT(0, n);

	ASSERT_EQ(0, rt_req_exact(&req, total, 11));
	req.reply_len = rep_len;
	req.reply_seed = 12;
	runs = atomic_load(&rt_call_runs);
	fastipc_conn_stats(self->conn, &c0);
	code = rt_do(self->cl, &req, &rep, 0, &rs);
	fastipc_conn_stats(self->conn, &c1);
	EXPECT_EQ(FASTIPC_RPC_RESOURCE_EXHAUSTED, code);
	EXPECT_NE(NULL, strstr(rs.message, "no room")) {
		TH_LOG("%d %s", rs.code, rs.message);
	}
	EXPECT_EQ(NULL, rep);
	EXPECT_EQ(runs + 1, atomic_load(&rt_call_runs));  /* ran once */
	EXPECT_EQ(c0.calls + 1, c1.calls);		/* sent once */
	EXPECT_EQ(c0.req_shm + 1, c1.req_shm);		/* in the ring */
	fastipc_rpc_free(rep ? &rep->base : NULL);
	rep = NULL;

	for (i = 0; i < n; i++)
		fastipc_reply_done(self->conn, &held[i]);
	code = rt_do(self->cl, &req, &rep, 0, &rs);
	EXPECT_EQ(FASTIPC_RPC_OK, code) {
		TH_LOG("%d %s", rs.code, rs.message);
	}
	if (code == FASTIPC_RPC_OK) {
		EXPECT_TRUE(rep->data_ok);
		EXPECT_EQ(req.data.len, rep->data_len);
		EXPECT_EQ(rep_len, rep->data.len);
		EXPECT_GT(0, fipc_mismatch(rep->data.data, rep->data.len, 12));
	}
	EXPECT_EQ(runs + 2, atomic_load(&rt_call_runs));
	fastipc_rpc_free(rep ? &rep->base : NULL);
	rt_req_free(&req);
	free(rbuf);
}

/* What a stub closure saw, and a stub call it may make in turn. */
struct stub_seen {
	ProtobufCService *svc;
	uint32_t tag;			/* the reply's */
	char method[64];
	bool nested;			/* call again from inside the closure */
	struct stub_seen *inner;
	bool outer_intact;		/* after the inner call */
};

static void stub_closure(const Rpctest__Rep *rep, void *data)
{
	struct stub_seen *s = data;
	Rpctest__Req req = RPCTEST__REQ__INIT;

	if (!rep)
		return;
	s->tag = rep->tag;
	snprintf(s->method, sizeof(s->method), "%s", rep->method);
	if (!s->nested)
		return;
	req.tag = s->tag + 1000;
	rpctest__test__call(s->svc, &req, stub_closure, s->inner);
	s->outer_intact = rep->tag == s->tag && !strcmp(rep->method, s->method);
}

TEST_F(ring, stub_arena)
{
	ProtobufCService *svc = fastipc_rpc_service(self->cl);
	struct stub_seen in = { .svc = svc }, out = { .svc = svc };
	Rpctest__Req req = RPCTEST__REQ__INIT;

	req.tag = 1;
	rpctest__test__call(svc, &req, stub_closure, &out);	/* warm-up */
	ASSERT_EQ(1, out.tag);
	req.tag = 2;
	watched = 0;
	watch_size = SIZE_MAX;
	rpctest__test__call(svc, &req, stub_closure, &out);
	watch_size = 0;
	EXPECT_EQ(0, watched);
	EXPECT_EQ(2, out.tag);
	EXPECT_NE(NULL, strstr(out.method, "Call"));
	/* A stub call inside the closure: each reply its own. */
	req.tag = 3;
	out.nested = true;
	out.inner = &in;
	rpctest__test__call(svc, &req, stub_closure, &out);
	EXPECT_EQ(3, out.tag);
	EXPECT_EQ(1003, in.tag);
	EXPECT_TRUE(out.outer_intact);
	EXPECT_NE(NULL, strstr(in.method, "Call"));
}

TEST_F(ring, server_arena)
{
	ProtobufCService *svc = fastipc_rpc_service(self->cl);
	struct stub_seen out = { .svc = svc };
	Rpctest__Req req = RPCTEST__REQ__INIT;

	ASSERT_EQ(0, rt_req_data(&req, 64, 21));
	req.tag = 1;
	rpctest__test__call(svc, &req, stub_closure, &out);	/* warm-up */
	ASSERT_EQ(1, out.tag);
	req.tag = 2;
	atomic_store(&small_all, 0);
	atomic_store(&watch_small, true);
	rpctest__test__call(svc, &req, stub_closure, &out);
	atomic_store(&watch_small, false);
	EXPECT_EQ(0, atomic_load(&small_all));
	EXPECT_EQ(2, out.tag);
	rt_req_free(&req);
}

TEST_HARNESS_MAIN
