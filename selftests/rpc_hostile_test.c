// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc-rpc (issue 12): a hostile client, with raw libfastipc calls to
 * the RPC ops of a server of rpc_test.proto (max_depth 8), against the
 * module. Each bad request must be answered, never crash the server, and
 * be counted; a good call afterwards is OK:
 *  - no header, a short one, bad magic: INVALID_ARGUMENT; a stale method
 *    hash: FAILED_PRECONDITION; an op past the method table: UNIMPLEMENTED;
 *  - a truncated message, a length varint of 4 GiB, an overlong varint,
 *    wrong wire types, a group: INVALID_ARGUMENT, bad_requests counted;
 *  - nesting: depth 8 is served, 9 and 100000 are INVALID_ARGUMENT;
 *  - a request in the connection's region whose packed field a second
 *    thread keeps rewriting while the server copies it: each call is OK
 *    or INVALID_ARGUMENT, the counters add up, and the server serves on;
 *  - a non-repeated message field that occurs twice in one message (at
 *    the top, nested, or 20000 times): INVALID_ARGUMENT, bad_requests;
 *  - empty submessages of a wide type (2 bytes each, a 200-byte message
 *    each unpacked): RESOURCE_EXHAUSTED and too_large just past the
 *    server's estimate of 32 times the size, OK just below it;
 *  - one-way messages to a method op, the describe op and an op past the
 *    table run nothing and count nothing; a call afterwards runs.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "rpc_svc.h"

#define DEPTH		8
#define MIB		(1ULL << 20)

FIXTURE(ho) {
	struct rt_srv s;
	struct fastipc_conn *conn;
	struct fastipc_conn *rconn;	/* with a region of 1 MiB payloads */
	uint32_t op_call, op_nest, op_wide;	/* from the describe call */
	uint32_t hash_call, hash_nest, hash_wide;
	uint8_t buf[4096];
};

static struct fastipc_conn *rgn_connect(struct fastipc_dev *dev,
				       const char *name)
{
	struct fastipc_conn_opts co;
	struct fastipc_conn *c = NULL;

	memset(&co, 0, sizeof(co));
	co.max_payload = MIB;
	co.threshold = 1;	/* every request through the region */
	return fastipc_connect_opts(dev, name, 0, &co, &c) ? NULL : c;
}

FIXTURE_SETUP(ho)
{
	struct fastipc_rpc_server_opts o;
	Fastipc__Rpc__Description *d = NULL;
	struct fastipc_rpc_status rs;
	size_t i, j;

	memset(&o, 0, sizeof(o));
	o.max_depth = DEPTH;
	ASSERT_EQ(0, rt_srv_start(&self->s, "rpcho", 2, 0, 0600, &o));
	ASSERT_EQ(0, fastipc_connect(self->s.dev, self->s.name, &self->conn));
	self->rconn = rgn_connect(self->s.dev, self->s.name);
	ASSERT_NE(NULL, self->rconn);
	ASSERT_EQ(FASTIPC_RPC_OK,
		  fastipc_rpc_describe(self->conn, RT_CALL_NS, &d, &rs));
	for (i = 0; i < d->n_services; i++) {
		if (strcmp(d->services[i]->name, "rpctest.Test"))
			continue;
		for (j = 0; j < d->services[i]->n_methods; j++) {
			Fastipc__Rpc__Method *m = d->services[i]->methods[j];

			if (!strcmp(m->name, "Call")) {
				self->op_call = m->op;
				self->hash_call = m->hash;
			} else if (!strcmp(m->name, "Nest")) {
				self->op_nest = m->op;
			} else if (!strcmp(m->name, "Items")) {
				self->op_wide = m->op;
			}
		}
	}
	fastipc_rpc_free(&d->base);
	ASSERT_NE(0, self->op_call);
	ASSERT_NE(0, self->op_nest);
	ASSERT_NE(0, self->op_wide);
	self->hash_nest = fastipc_rpc_hash("rpctest.Test",
					   &rpctest__test__descriptor.methods[1]);
	self->hash_wide = fastipc_rpc_hash("rpctest.Test",
					   &rpctest__test__descriptor.methods[3]);
	ASSERT_STREQ("Items", rpctest__test__descriptor.methods[3].name);
	ASSERT_EQ(fastipc_rpc_hash("rpctest.Test",
				   &rpctest__test__descriptor.methods[0]),
		  self->hash_call);
}

FIXTURE_TEARDOWN(ho)
{
	fastipc_disconnect(self->conn);
	fastipc_disconnect(self->rconn);
	EXPECT_EQ(0, rt_srv_stop(&self->s));
}

/*
 * Raw call of @op with @len bytes: the server's status, or -1000 + errno;
 * a reply that fits @cap - 1 bytes in @msg, NUL-terminated, else "".
 */
static int raw(struct fastipc_conn *conn, uint32_t op, const void *req,
	       size_t len, char *msg, size_t cap)
{
	const uint8_t *data;
	size_t n;
	void *big;
	int st;

	st = rt_raw(conn, op, req, len, msg, cap - 1, &data, &n, &big);
	msg[big ? 0 : n] = '\0';
	free(big);
	return st;
}

/* Header for @hash, then @len bytes of @body, into @out; the total. */
static size_t with_hdr(uint8_t *out, uint32_t magic, uint32_t hash,
		       const void *body, size_t len)
{
	struct fastipc_rpc_req_hdr h = {
		.magic = magic,
		.method_hash = hash,
		.deadline_ns = RT_CALL_NS,
	};

	memcpy(out, &h, sizeof(h));
	memcpy(out + sizeof(h), body, len);
	return sizeof(h) + len;
}

/* A good call of Call still works; its tag comes back. */
static int good_call(FIXTURE_DATA(ho) *self, uint32_t tag)
{
	Rpctest__Req req = RPCTEST__REQ__INIT;
	uint8_t body[64], rep[256];
	struct fastipc_call_args a;
	Rpctest__Rep *r;
	size_t n;
	int ret;

	req.tag = tag;
	n = rpctest__req__pack(&req, body);
	n = with_hdr(self->buf, FASTIPC_RPC_REQ_MAGIC, self->hash_call, body, n);
	memset(&a, 0, sizeof(a));
	a.op = self->op_call;
	a.req = self->buf;
	a.req_len = n;
	a.rep = rep;
	a.rep_cap = sizeof(rep);
	a.timeout_ns = RT_CALL_NS;
	ret = fastipc_call2(self->conn, &a, sizeof(a));
	if (ret || a.status)
		return ret ? ret : a.status;
	r = rpctest__rep__unpack(NULL, a.rep_len, rep);
	if (!r)
		return -EBADMSG;
	ret = r->tag == tag ? 0 : -EBADMSG;
	rpctest__rep__free_unpacked(r, NULL);
	return ret;
}

TEST_F(ho, bad_headers)
{
	struct fastipc_rpc_server_stats s0, s1;
	uint8_t body[16] = { 0 };
	char msg[FASTIPC_RPC_MSG_MAX];
	size_t n;
	int st;

	s0 = rt_stats(self->s.srv);
	/* no header at all, half a header */
	EXPECT_EQ(FASTIPC_RPC_INVALID_ARGUMENT,
		  raw(self->conn, self->op_call, NULL, 0, msg, sizeof(msg)));
	n = with_hdr(self->buf, FASTIPC_RPC_REQ_MAGIC, self->hash_call, body, 0);
	EXPECT_EQ(FASTIPC_RPC_INVALID_ARGUMENT,
		  raw(self->conn, self->op_call, self->buf, n / 2, msg,
		      sizeof(msg)));
	/* bad magic */
	n = with_hdr(self->buf, 0x12345678, self->hash_call, body, 0);
	EXPECT_EQ(FASTIPC_RPC_INVALID_ARGUMENT,
		  raw(self->conn, self->op_call, self->buf, n, msg,
		      sizeof(msg)));
	/* a stale binding: another method's hash */
	n = with_hdr(self->buf, FASTIPC_RPC_REQ_MAGIC, self->hash_call + 1,
		     body, 0);
	EXPECT_EQ(FASTIPC_RPC_FAILED_PRECONDITION,
		  raw(self->conn, self->op_call, self->buf, n, msg,
		      sizeof(msg)));
	EXPECT_NE(0, msg[0]);
	s1 = rt_stats(self->s.srv);
	EXPECT_EQ(s0.bad_requests + 4, s1.bad_requests);
	EXPECT_EQ(s0.ok, s1.ok);

	/* an op past the method table (but in the RPC range) */
	n = with_hdr(self->buf, FASTIPC_RPC_REQ_MAGIC, self->hash_call, body, 0);
	st = raw(self->conn, FASTIPC_RPC_OP_BASE + 900, self->buf, n, msg,
		 sizeof(msg));
	EXPECT_TRUE(st == FASTIPC_RPC_UNIMPLEMENTED || st == -ENOSYS) {
		TH_LOG("op past the table: status %d", st);
	}
	EXPECT_EQ(0, good_call(self, 1));
}

/* Malformed protobuf after a good header: each INVALID_ARGUMENT. */
TEST_F(ho, malformed_messages)
{
	static const struct { const char *what; uint8_t b[12]; size_t n; }
	cases[] = {
		/* data (4, bytes) whose length says 4 GiB */
		{ "huge length", { 0x22, 0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2 }, 8 },
		/* an 11-byte varint */
		{ "overlong varint", { 0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
				       0x80, 0x80, 0x80, 0x80, 0x01 }, 12 },
		/* a varint cut short */
		{ "cut varint", { 0x08, 0x80 }, 2 },
		/* data (4) as a varint: wrong wire type */
		{ "bytes as varint", { 0x20, 0x05 }, 2 },
		/* mode (1, uint32) length-delimited */
		{ "varint as bytes", { 0x0a, 0x01, 0x00 }, 3 },
		/* tag (9, uint32) as fixed64, cut */
		{ "fixed64 cut", { 0x49, 1, 2, 3 }, 4 },
		/* a group (wire type 3) */
		{ "group", { 0x0b, 0x08, 0x01, 0x0c }, 4 },
		/* field number 0 */
		{ "field 0", { 0x00, 0x01 }, 2 },
	};
	struct fastipc_rpc_server_stats s0, s1;
	Rpctest__Req req = RPCTEST__REQ__INIT;
	char msg[FASTIPC_RPC_MSG_MAX];
	uint8_t body[256];
	size_t i, n, len;

	s0 = rt_stats(self->s.srv);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		n = with_hdr(self->buf, FASTIPC_RPC_REQ_MAGIC, self->hash_call,
			     cases[i].b, cases[i].n);
		EXPECT_EQ(FASTIPC_RPC_INVALID_ARGUMENT,
			  raw(self->conn, self->op_call, self->buf, n, msg,
			      sizeof(msg))) {
			TH_LOG("%s", cases[i].what);
		}
	}
	/* A good message cut anywhere in its data field. */
	ASSERT_EQ(0, rt_req_data(&req, 100, 3));
	req.tag = 7;
	len = rpctest__req__pack(&req, body);
	rt_req_free(&req);
	for (i = 1; i < 40; i += 7) {
		n = with_hdr(self->buf, FASTIPC_RPC_REQ_MAGIC, self->hash_call,
			     body, len - i);
		EXPECT_EQ(FASTIPC_RPC_INVALID_ARGUMENT,
			  raw(self->conn, self->op_call, self->buf, n, msg,
			      sizeof(msg))) {
			TH_LOG("cut by %zu", i);
		}
	}
	s1 = rt_stats(self->s.srv);
	EXPECT_EQ(s0.bad_requests + 8 + 6, s1.bad_requests);
	EXPECT_EQ(s0.ok, s1.ok);
	EXPECT_EQ(0, good_call(self, 2));
}

TEST_F(ho, nesting_depth)
{
	const size_t big = 100000, cap = big * 4 + 64;
	struct fastipc_rpc_server_stats s0, s1;
	char msg[FASTIPC_RPC_MSG_MAX];
	uint8_t *mem, *start, *req;
	uint32_t hash_nest;
	Rpctest__Rep *r;
	struct fastipc_call_args a;
	uint8_t rep[256];
	size_t n, depth;

	hash_nest = fastipc_rpc_hash("rpctest.Test",
				     &rpctest__test__descriptor.methods[1]);
	mem = malloc(cap);
	req = malloc(cap + 16);
	ASSERT_NE(NULL, mem);
	ASSERT_NE(NULL, req);
	s0 = rt_stats(self->s.srv);
	for (depth = DEPTH; depth <= DEPTH + 1; depth++) {
		start = rt_nest_bytes(mem + cap, depth);
		n = with_hdr(req, FASTIPC_RPC_REQ_MAGIC, hash_nest, start,
			     (size_t)(mem + cap - start));
		memset(&a, 0, sizeof(a));
		a.op = self->op_nest;
		a.req = req;
		a.req_len = n;
		a.rep = rep;
		a.rep_cap = sizeof(rep);
		a.timeout_ns = RT_CALL_NS;
		ASSERT_EQ(0, fastipc_call2(self->conn, &a, sizeof(a)));
		if (depth == DEPTH) {
			ASSERT_EQ(0, a.status);
			r = rpctest__rep__unpack(NULL, a.rep_len, rep);
			ASSERT_NE(NULL, r);
			EXPECT_EQ(DEPTH, r->data_len);
			rpctest__rep__free_unpacked(r, NULL);
		} else {
			EXPECT_EQ(FASTIPC_RPC_INVALID_ARGUMENT, a.status);
		}
	}
	/* Far deeper than any stack would take if unpack recursed. */
	start = rt_nest_bytes(mem + cap, big);
	n = with_hdr(req, FASTIPC_RPC_REQ_MAGIC, hash_nest, start,
		     (size_t)(mem + cap - start));
	ASSERT_LT(65536, n);	/* above msg_max: through the region */
	EXPECT_EQ(FASTIPC_RPC_INVALID_ARGUMENT,
		  raw(self->rconn, self->op_nest, req, n, msg, sizeof(msg)));
	s1 = rt_stats(self->s.srv);
	EXPECT_EQ(s0.bad_requests + 2, s1.bad_requests);
	EXPECT_EQ(s0.ok + 1, s1.ok);
	EXPECT_EQ(0, good_call(self, 3));
	free(mem);
	free(req);
}

/* ---- a request rewritten while the server copies it ---- */

#define NUMS		3000
#define ROUNDS		200

struct scribbler {
	uint8_t *_Atomic p;
	size_t off, len;	/* the bytes of the packed field nums */
	atomic_int stop;
	atomic_ulong writes;
	pthread_t th;
};

/* Flip the continuation bits of nums: the count of elements changes. */
static void *scribble_main(void *arg)
{
	struct scribbler *s = arg;
	size_t i;

	while (!atomic_load(&s->stop)) {
		uint8_t *p = atomic_load(&s->p);

		if (!p)
			continue;
		for (i = 0; i < s->len; i += 3)
			((volatile uint8_t *)p)[s->off + i] ^= 0x80;
		atomic_fetch_add(&s->writes, 1);
	}
	return NULL;
}

TEST_F_TIMEOUT(ho, rewritten_while_copied, 120)
{
	struct fastipc_rpc_server_stats s0, s1;
	Rpctest__Req req = RPCTEST__REQ__INIT;
	struct fastipc_conn *rc = self->rconn;
	struct scribbler sc;
	struct fastipc_reply out;
	uint32_t *nums;
	uint8_t *packed, rep[4096];
	size_t len, i;
	int ok = 0, bad = 0, other = 0, st;
	void *buf;

	nums = calloc(NUMS, sizeof(*nums));
	ASSERT_NE(NULL, nums);
	for (i = 0; i < NUMS; i++)
		nums[i] = 1;
	req.nums = nums;
	req.n_nums = NUMS;
	req.tag = 99;
	len = sizeof(struct fastipc_rpc_req_hdr) +
	      rpctest__req__get_packed_size(&req);
	packed = malloc(len);
	ASSERT_NE(NULL, packed);
	with_hdr(packed, FASTIPC_RPC_REQ_MAGIC, self->hash_call, "", 0);
	rpctest__req__pack(&req, packed + sizeof(struct fastipc_rpc_req_hdr));

	memset(&sc, 0, sizeof(sc));
	/* header, tag 0x42, a 2-byte length: the 3000 one-byte varints */
	sc.off = sizeof(struct fastipc_rpc_req_hdr) + 3;
	sc.len = NUMS;
	ASSERT_EQ(0, pthread_create(&sc.th, NULL, scribble_main, &sc));
	s0 = rt_stats(self->s.srv);
	for (i = 0; i < ROUNDS; i++) {
		ASSERT_EQ(0, fastipc_call_buf_get(rc, len, &buf, RT_CALL_NS));
		memcpy(buf, packed, len);
		atomic_store(&sc.p, buf);
		st = fastipc_call_zc(rc, self->op_call, buf, len, rep,
				     sizeof(rep), &out, RT_CALL_NS);
		atomic_store(&sc.p, NULL);
		if (st == 0)
			ok++;
		else if (st == FASTIPC_RPC_INVALID_ARGUMENT)
			bad++;
		else
			other++;
		if (st >= 0)
			fastipc_reply_done(rc, &out);
		if (st < 0)
			break;
	}
	atomic_store(&sc.stop, 1);
	pthread_join(sc.th, NULL);
	s1 = rt_stats(self->s.srv);
	TH_LOG("%d OK, %d INVALID_ARGUMENT, %lu rewrites", ok, bad,
	       atomic_load(&sc.writes));
	EXPECT_EQ(0, other);
	EXPECT_EQ(ROUNDS, ok + bad);
	EXPECT_LT(0, atomic_load(&sc.writes));
	EXPECT_EQ(s0.ok + ok, s1.ok);
	EXPECT_EQ(s0.bad_requests + bad, s1.bad_requests);
	EXPECT_EQ(0, good_call(self, 4));
	free(packed);
	free(nums);
}

/* ---- well-formed bytes that cost the server far more than their size ---- */

/*
 * Raw call of @op with @len bytes; on status 0 the reply unpacked as a Rep
 * into *@rep (NULL if it does not unpack). The status, or -1000 + errno.
 */
static int raw_rep(struct fastipc_conn *conn, uint32_t op, const void *req,
		   size_t len, Rpctest__Rep **rep)
{
	const uint8_t *data;
	uint8_t buf[4096];
	size_t n;
	void *big;
	int st;

	st = rt_raw(conn, op, req, len, buf, sizeof(buf), &data, &n, &big);
	*rep = st ? NULL : rpctest__rep__unpack(NULL, n, data);
	free(big);
	return st;
}

/* Node.child twice in one message: protobuf-c would merge each repeat. */
TEST_F(ho, repeated_single_field)
{
	static const struct { const char *what; uint8_t b[8]; size_t n; }
	bad[] = {
		{ "child twice", { 0x0a, 0x00, 0x0a, 0x00 }, 4 },
		{ "child twice, a value between",
		  { 0x0a, 0x00, 0x10, 0x05, 0x0a, 0x00 }, 6 },
		{ "the child's child twice",
		  { 0x0a, 0x04, 0x0a, 0x00, 0x0a, 0x00 }, 6 },
	}, good[] = {
		/* a child with a child, then a value: depth 3 */
		{ "child once", { 0x0a, 0x02, 0x0a, 0x00, 0x10, 0x05 }, 6 },
		/* a scalar twice is protobuf's "last one wins": depth 1 */
		{ "value twice", { 0x10, 0x01, 0x10, 0x02 }, 4 },
	};
	static const uint64_t good_depth[] = { 3, 1 };
	const size_t many = 20000;	/* the quadratic case: 40 KB */
	struct fastipc_rpc_server_stats s0, s1;
	char msg[FASTIPC_RPC_MSG_MAX];
	uint8_t *big;
	Rpctest__Rep *r;
	size_t i, n;

	s0 = rt_stats(self->s.srv);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		n = with_hdr(self->buf, FASTIPC_RPC_REQ_MAGIC, self->hash_nest,
			     bad[i].b, bad[i].n);
		EXPECT_EQ(FASTIPC_RPC_INVALID_ARGUMENT,
			  raw(self->conn, self->op_nest, self->buf, n, msg,
			      sizeof(msg))) {
			TH_LOG("%s", bad[i].what);
		}
		EXPECT_NE(0, msg[0]);
	}
	big = malloc(sizeof(struct fastipc_rpc_req_hdr) + 2 * many);
	ASSERT_NE(NULL, big);
	n = with_hdr(big, FASTIPC_RPC_REQ_MAGIC, self->hash_nest, "", 0);
	for (i = 0; i < many; i++) {
		big[n++] = 0x0a;
		big[n++] = 0x00;
	}
	EXPECT_EQ(FASTIPC_RPC_INVALID_ARGUMENT,
		  raw(self->conn, self->op_nest, big, n, msg, sizeof(msg)));
	free(big);
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		n = with_hdr(self->buf, FASTIPC_RPC_REQ_MAGIC, self->hash_nest,
			     good[i].b, good[i].n);
		ASSERT_EQ(0, raw_rep(self->conn, self->op_nest, self->buf, n,
				     &r)) {
			TH_LOG("%s", good[i].what);
		}
		ASSERT_NE(NULL, r);
		EXPECT_EQ(good_depth[i], r->data_len);
		rpctest__rep__free_unpacked(r, NULL);
	}
	s1 = rt_stats(self->s.srv);
	EXPECT_EQ(s0.bad_requests + 4, s1.bad_requests);
	EXPECT_EQ(s0.too_large, s1.too_large);
	EXPECT_EQ(s0.ok + 2, s1.ok);
	EXPECT_EQ(0, good_call(self, 5));
}

/*
 * The server's estimate of what a request unpacks into (lib/rpc/scan.c):
 * the top message's size, then per field occurrence SCAN_COST_FIELD plus,
 * for a submessage, its type's size; refused above UNPACK_RATIO times the
 * bytes plus UNPACK_SLACK (lib/rpc/rpc-int.h, the bound of fastipc-rpc.rst
 * section 6).
 */
#define SCAN_COST_FIELD	40
#define UNPACK_RATIO	32
#define UNPACK_SLACK	(64 << 10)

/* Header and @k empty Wide.items (2 bytes each) into @out; the total. */
static size_t wide_req(uint8_t *out, uint32_t hash, size_t k)
{
	size_t n = with_hdr(out, FASTIPC_RPC_REQ_MAGIC, hash, "", 0), i;

	for (i = 0; i < k; i++) {
		out[n++] = 0x0a;
		out[n++] = 0x00;
	}
	return n;
}

TEST_F(ho, wide_unpack_bound)
{
	const size_t w = rpctest__wide__descriptor.sizeof_message;
	const size_t item = rpctest__wide_item__descriptor.sizeof_message;
	const size_t many = 30000, huge = 200000;
	struct fastipc_rpc_server_stats s0, s1;
	char msg[FASTIPC_RPC_MSG_MAX];
	Rpctest__Rep *r;
	uint8_t *req;
	size_t kmax, n;

	/* Each 2 bytes unpack into an item and its pointer: > 32 times. */
	ASSERT_LT(2 * UNPACK_RATIO, item + sizeof(void *));
	kmax = (UNPACK_SLACK - w) /
	       (SCAN_COST_FIELD + item - 2 * UNPACK_RATIO);
	ASSERT_LT(10, kmax);
	req = malloc(sizeof(struct fastipc_rpc_req_hdr) + 2 * huge);
	ASSERT_NE(NULL, req);
	s0 = rt_stats(self->s.srv);
	/* Just below the bound: served, every item there. */
	n = wide_req(req, self->hash_wide, kmax);
	ASSERT_EQ(0, raw_rep(self->conn, self->op_wide, req, n, &r)) {
		TH_LOG("%zu items of %zu bytes", kmax, item);
	}
	ASSERT_NE(NULL, r);
	EXPECT_EQ(kmax, r->data_len);
	rpctest__rep__free_unpacked(r, NULL);
	/* One item more, many more (by copy), far more (in the region). */
	n = wide_req(req, self->hash_wide, kmax + 1);
	EXPECT_EQ(FASTIPC_RPC_RESOURCE_EXHAUSTED,
		  raw(self->conn, self->op_wide, req, n, msg, sizeof(msg)));
	EXPECT_NE(NULL, strstr(msg, "32 times")) {
		TH_LOG("message: %s", msg);
	}
	n = wide_req(req, self->hash_wide, many);
	EXPECT_EQ(FASTIPC_RPC_RESOURCE_EXHAUSTED,
		  raw(self->conn, self->op_wide, req, n, msg, sizeof(msg)));
	n = wide_req(req, self->hash_wide, huge);
	EXPECT_EQ(FASTIPC_RPC_RESOURCE_EXHAUSTED,
		  raw(self->rconn, self->op_wide, req, n, msg, sizeof(msg)));
	s1 = rt_stats(self->s.srv);
	EXPECT_EQ(s0.too_large + 3, s1.too_large);
	EXPECT_EQ(s0.bad_requests, s1.bad_requests);
	EXPECT_EQ(s0.ok + 1, s1.ok);
	EXPECT_EQ(s0.failed + 3, s1.failed);
	EXPECT_EQ(0, good_call(self, 6));
	free(req);
}

/* ---- one-way messages ---- */

/*
 * One-way messages to Call's op (a valid request), to the describe op and
 * to an op past the table, served by fastipc_server_dispatch() in this
 * thread so that they are surely handled before the counters are read:
 * no handler runs and nothing is counted. Then the pool serves a call.
 */
TEST(oneway_runs_nothing)
{
	struct fastipc_rpc_server_stats s0, s1;
	Rpctest__Req req = RPCTEST__REQ__INIT;
	struct fastipc_rpc_server *srv = NULL;
	struct fastipc_conn *conn = NULL;
	struct fastipc_dev *dev = NULL;
	struct fastipc_chan_opts co;
	uint8_t body[64], buf[128];
	char name[FASTIPC_NAME_MAX];
	uint32_t hash;
	Rpctest__Rep *r;
	pthread_t th;
	int chan, runs;
	void *ret;
	size_t n;

	ASSERT_EQ(0, fastipc_open(&dev));
	fipc_unique_name(name, "rpcow");
	memset(&co, 0, sizeof(co));
	chan = fastipc_chan_create(dev, name, 0, 0600, &co);
	ASSERT_LE(0, chan);
	ASSERT_EQ(0, fastipc_rpc_server_create(chan, 1, NULL, &srv));
	rt_test_impl.unserved = NULL;
	ASSERT_EQ(0, fastipc_rpc_server_add(srv, &rt_test_impl.base));
	ASSERT_EQ(0, fastipc_connect(dev, name, &conn));
	/* the CONNECT */
	ASSERT_LT(0, fastipc_server_dispatch(fastipc_rpc_server_base(srv), 0));

	hash = fastipc_rpc_hash("rpctest.Test",
				&rpctest__test__descriptor.methods[0]);
	req.tag = 11;
	n = rpctest__req__pack(&req, body);
	n = with_hdr(buf, FASTIPC_RPC_REQ_MAGIC, hash, body, n);
	s0 = rt_stats(srv);
	runs = atomic_load(&rt_call_runs);
	/* Test.Call is the server's first method: FASTIPC_RPC_OP_BASE. */
	ASSERT_EQ(0, fastipc_send(conn, FASTIPC_RPC_OP_BASE, buf, n,
				  RT_CALL_NS));
	ASSERT_EQ(0, fastipc_send(conn, FASTIPC_RPC_OP_DESCRIBE, buf, 0,
				  RT_CALL_NS));
	ASSERT_EQ(0, fastipc_send(conn, FASTIPC_RPC_OP_BASE + 900, buf, n,
				  RT_CALL_NS));
	EXPECT_EQ(3, fastipc_server_dispatch(fastipc_rpc_server_base(srv), 0));
	s1 = rt_stats(srv);
	EXPECT_EQ(runs, atomic_load(&rt_call_runs));
	EXPECT_EQ(s0.calls, s1.calls);
	EXPECT_EQ(s0.ok, s1.ok);
	EXPECT_EQ(s0.failed, s1.failed);
	EXPECT_EQ(s0.describes, s1.describes);
	EXPECT_EQ(s0.unimplemented, s1.unimplemented);
	EXPECT_EQ(s0.bad_requests, s1.bad_requests);

	/* The same request as a call, served by the pool: it runs. */
	ASSERT_EQ(0, pthread_create(&th, NULL, rt_run_main, srv));
	EXPECT_EQ(0, raw_rep(conn, FASTIPC_RPC_OP_BASE, buf, n, &r));
	if (r) {
		EXPECT_EQ(11, r->tag);
		rpctest__rep__free_unpacked(r, NULL);
	} else {
		EXPECT_NE(NULL, r);
	}
	s1 = rt_stats(srv);
	EXPECT_EQ(runs + 1, atomic_load(&rt_call_runs));
	EXPECT_EQ(s0.calls + 1, s1.calls);
	EXPECT_EQ(s0.ok + 1, s1.ok);
	fastipc_rpc_server_stop(srv);
	pthread_join(th, &ret);
	EXPECT_EQ(NULL, ret);
	fastipc_disconnect(conn);
	fastipc_rpc_server_destroy(srv);
	close(chan);
	fastipc_close(dev);
}

TEST_HARNESS_MAIN
