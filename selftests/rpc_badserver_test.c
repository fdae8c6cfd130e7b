// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc-rpc (issue 12): a hostile SERVER against the RPC client. A raw
 * libfastipc server (no libfastipc-rpc) answers the describe op and the
 * method ops itself; the client binds to rpc_test.proto's Bad service
 * (Good, Ill, Deep) and must end every bind and call with a status, never
 * crash, never call an op the description did not give it properly, and
 * keep working afterwards (a call of Good, served well, is OK):
 *  - a description that does not unpack (garbage, cut, wrong wire types, a
 *    group, one that would unpack into > 32 times its size): the bind is
 *    INTERNAL; a describe answered -ENOSYS, 99, INT32_MIN or UNAVAILABLE:
 *    UNIMPLEMENTED, UNKNOWN, UNKNOWN, UNAVAILABLE; an empty one:
 *    UNIMPLEMENTED, "serves: nothing";
 *  - a method given an op outside the RPC range: its calls are INTERNAL
 *    and reach no server;
 *  - duplicate service or method entries: the first one counts;
 *  - a method whose types or hash differ: its calls are FAILED_PRECONDITION
 *    and reach no server; hash 0 is not checked;
 *  - replies with status INT32_MIN, 17, 99 (UNKNOWN, err 0), -ENOSYS
 *    (UNIMPLEMENTED), -EACCES, errno-like and non-errno negatives; OK
 *    replies that do not unpack (INTERNAL, EBADMSG) or nest deeper than 32
 *    (INTERNAL, ELOOP; 100000 deep too); a status message of 4000 or
 *    200000 bytes with NULs: the code kept, the message cut to
 *    FASTIPC_RPC_MSG_MAX - 1 bytes and NUL-terminated, nothing written
 *    past the status; through fastipc_rpc_call() and the stubs.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "rpc_svc.h"

#define OP_GOOD		(FASTIPC_RPC_OP_BASE + 0)
#define OP_ILL		(FASTIPC_RPC_OP_BASE + 1)
#define OP_DEEP		(FASTIPC_RPC_OP_BASE + 2)
#define SVC		"rpctest.Bad"

/*
 * What the raw server answers; set by the test thread before the call
 * (the call's syscalls order it before the pool thread's read).
 */
static struct {
	uint8_t *desc;			/* the describe reply (malloc'd) */
	size_t desc_len;
	int32_t desc_status;
	int32_t ill_status;		/* Ill's reply: this status, */
	const uint8_t *ill_data;	/* with this payload */
	size_t ill_len;
	size_t deep;			/* Deep's reply: a Node this deep */
	atomic_int hits[3];		/* requests per op (GOOD, ILL, DEEP) */
	atomic_uint good_hash;		/* the hash the last Good call carried */
} bad;

static int describe_h(void *ctx, struct fastipc_req *req)
{
	(void)ctx;
	if (bad.desc_len && fastipc_req_reply(req, bad.desc, bad.desc_len))
		return -EOVERFLOW;
	return bad.desc_status;
}

/* A well-behaved Good: echo the request's tag. */
static int good_h(void *ctx, struct fastipc_req *req)
{
	Rpctest__Rep rep = RPCTEST__REP__INIT;
	struct fastipc_rpc_req_hdr h;
	uint8_t copy[4096];
	const uint8_t *p;
	Rpctest__Req *in;
	size_t len, n;
	void *buf;

	(void)ctx;
	atomic_fetch_add(&bad.hits[0], 1);
	p = fastipc_req_data(req, &len);
	if (len < sizeof(h) || len - sizeof(h) > sizeof(copy))
		return FASTIPC_RPC_INVALID_ARGUMENT;
	memcpy(&h, p, sizeof(h));
	memcpy(copy, p + sizeof(h), len - sizeof(h));
	if (h.magic != FASTIPC_RPC_REQ_MAGIC)
		return FASTIPC_RPC_INVALID_ARGUMENT;
	atomic_store(&bad.good_hash, h.method_hash);
	in = rpctest__req__unpack(NULL, len - sizeof(h), copy);
	if (!in)
		return FASTIPC_RPC_INVALID_ARGUMENT;
	rep.tag = in->tag;
	rep.method = "Good";
	rpctest__req__free_unpacked(in, NULL);
	n = rpctest__rep__get_packed_size(&rep);
	if (fastipc_req_reply_buf(req, n, &buf))
		return FASTIPC_RPC_RESOURCE_EXHAUSTED;
	rpctest__rep__pack(&rep, buf);
	return 0;
}

static int ill_h(void *ctx, struct fastipc_req *req)
{
	(void)ctx;
	atomic_fetch_add(&bad.hits[1], 1);
	if (bad.ill_len && fastipc_req_reply(req, bad.ill_data, bad.ill_len))
		return -EOVERFLOW;
	return bad.ill_status;
}

/* Deep: a Node nested bad.deep deep, status OK. */
static int deep_h(void *ctx, struct fastipc_req *req)
{
	size_t cap = bad.deep * 6 + 16;
	uint8_t *mem = malloc(cap), *start;
	int ret = 0;

	(void)ctx;
	atomic_fetch_add(&bad.hits[2], 1);
	if (!mem)
		return -ENOMEM;
	start = rt_nest_bytes(mem + cap, bad.deep);
	if (mem + cap > start &&
	    fastipc_req_reply(req, start, (size_t)(mem + cap - start)))
		ret = -EOVERFLOW;
	free(mem);
	return ret;
}

/* ---- descriptions ---- */

/* Up to 2 services of up to 4 methods, "rpctest.Bad" by default. */
struct dbuild {
	Fastipc__Rpc__Description d;
	Fastipc__Rpc__Service s[2], *sp[2];
	Fastipc__Rpc__Method m[2][4], *mp[2][4];
};

/* Method @name of Bad served at @op, with the right types and hash. */
static void db_method(Fastipc__Rpc__Method *m, const char *name, uint32_t op)
{
	const ProtobufCMethodDescriptor *md =
		protobuf_c_service_descriptor_get_method_by_name(
			&rpctest__bad__descriptor, name);

	fastipc__rpc__method__init(m);
	m->name = (char *)name;
	m->op = op;
	m->input_type = (char *)md->input->name;
	m->output_type = (char *)md->output->name;
	m->hash = fastipc_rpc_hash(SVC, md);
}

/* @nsvc services, each Bad with Good, Ill, Deep at OP_GOOD, _ILL, _DEEP. */
static void db_init(struct dbuild *b, size_t nsvc)
{
	size_t i, j;

	memset(b, 0, sizeof(*b));
	fastipc__rpc__description__init(&b->d);
	b->d.version = FASTIPC_RPC_WIRE_VERSION;
	b->d.n_services = nsvc;
	b->d.services = b->sp;
	for (i = 0; i < nsvc; i++) {
		fastipc__rpc__service__init(&b->s[i]);
		b->sp[i] = &b->s[i];
		b->s[i].name = SVC;
		b->s[i].methods = b->mp[i];
		b->s[i].n_methods = 3;
		for (j = 0; j < 4; j++)
			b->mp[i][j] = &b->m[i][j];
		db_method(&b->m[i][0], "Good", OP_GOOD);
		db_method(&b->m[i][1], "Ill", OP_ILL);
		db_method(&b->m[i][2], "Deep", OP_DEEP);
	}
}

/* The describe call answers @len bytes of @data with @status. */
static void set_desc_raw(const void *data, size_t len, int32_t status)
{
	free(bad.desc);
	bad.desc = malloc(len ? len : 1);
	if (bad.desc && len)
		memcpy(bad.desc, data, len);
	bad.desc_len = bad.desc ? len : 0;
	bad.desc_status = status;
}

/* The describe call answers @b's description, packed. */
static void set_desc(const struct dbuild *b)
{
	size_t n = fastipc__rpc__description__get_packed_size(&b->d);
	uint8_t *buf = malloc(n ? n : 1);

	if (buf)
		fastipc__rpc__description__pack(&b->d, buf);
	set_desc_raw(buf, buf ? n : 0, 0);
	free(buf);
}

FIXTURE(bs) {
	struct fastipc_dev *dev;
	struct fastipc_server *srv;
	int chan;
	int running;
	pthread_t th;
	char name[FASTIPC_NAME_MAX];
};

static void *run_main(void *arg)
{
	return (void *)(long)fastipc_server_run(arg);
}

FIXTURE_SETUP(bs)
{
	struct fastipc_chan_opts co;
	struct dbuild b;
	int i;

	for (i = 0; i < 3; i++)
		atomic_store(&bad.hits[i], 0);
	bad.ill_status = FASTIPC_RPC_NOT_FOUND;
	bad.ill_data = NULL;
	bad.ill_len = 0;
	bad.deep = 1;
	db_init(&b, 1);
	set_desc(&b);
	ASSERT_NE(NULL, bad.desc);
	ASSERT_EQ(0, fastipc_open(&self->dev));
	fipc_unique_name(self->name, "rpcbs");
	memset(&co, 0, sizeof(co));
	self->chan = fastipc_chan_create(self->dev, self->name, 0, 0600, &co);
	ASSERT_LE(0, self->chan);
	ASSERT_EQ(0, fastipc_server_create(self->chan, 2, NULL, &self->srv));
	ASSERT_EQ(0, fastipc_server_register2(self->srv,
					      FASTIPC_RPC_OP_DESCRIBE,
					      describe_h, NULL));
	ASSERT_EQ(0, fastipc_server_register2(self->srv, OP_GOOD, good_h,
					      NULL));
	ASSERT_EQ(0, fastipc_server_register2(self->srv, OP_ILL, ill_h, NULL));
	ASSERT_EQ(0, fastipc_server_register2(self->srv, OP_DEEP, deep_h,
					      NULL));
	ASSERT_EQ(0, pthread_create(&self->th, NULL, run_main, self->srv));
	self->running = 1;
}

FIXTURE_TEARDOWN(bs)
{
	void *r = NULL;

	if (self->running) {
		fastipc_server_stop(self->srv);
		pthread_join(self->th, &r);
		EXPECT_EQ(NULL, r);
	}
	fastipc_server_destroy(self->srv);
	if (self->chan >= 0)
		close(self->chan);
	fastipc_close(self->dev);
	free(bad.desc);
	bad.desc = NULL;
}

static int bind_bad(FIXTURE_DATA(bs) *self, struct fastipc_rpc_client **cl,
		    struct fastipc_rpc_status *st)
{
	struct fastipc_rpc_bind_opts o;

	memset(&o, 0, sizeof(o));
	o.deadline_ns = RT_CALL_NS;
	*cl = NULL;
	return fastipc_rpc_bind(self->dev, self->name, &rpctest__bad__descriptor,
				&o, cl, st);
}

/* Call @method with a Req of @tag; the status code, rep freed. */
static int call(struct fastipc_rpc_client *cl, const char *method,
		uint32_t tag, struct fastipc_rpc_status *st)
{
	Rpctest__Req req = RPCTEST__REQ__INIT;
	ProtobufCMessage *rep = NULL;
	int code;

	req.tag = tag;
	code = fastipc_rpc_call(cl, method, &req.base, &rep, 0, st);
	if (code == FASTIPC_RPC_OK && !rep)
		code = -1;	/* OK must carry a reply */
	if (code != FASTIPC_RPC_OK && rep)
		code = -2;	/* and only OK */
	fastipc_rpc_free(rep);
	return code;
}

/* A good call of Good: 0 when OK with its tag echoed, else what it was. */
static int good(struct fastipc_rpc_client *cl, uint32_t tag)
{
	Rpctest__Req req = RPCTEST__REQ__INIT;
	struct fastipc_rpc_status st;
	ProtobufCMessage *m = NULL;
	Rpctest__Rep *rep;
	int code;

	req.tag = tag;
	code = fastipc_rpc_call(cl, "Good", &req.base, &m, 0, &st);
	if (code)
		return code;
	rep = (Rpctest__Rep *)m;
	code = rep && rep->tag == tag && !strcmp(rep->method, "Good") ? 0 : -1;
	fastipc_rpc_free(m);
	return code;
}

static uint64_t srv_requests(struct fastipc_server *srv)
{
	struct fastipc_server_stats st;

	if (fastipc_server_stats(srv, &st, sizeof(st)))
		return UINT64_MAX;
	return st.requests;
}

/* The well-behaved parts: bind, Good (with the client's hash), Deep 32. */
TEST_F(bs, good_parts_bind)
{
	struct fastipc_rpc_client *cl;
	struct fastipc_rpc_status st;
	ProtobufCMessage *m = NULL;
	Rpctest__Req req = RPCTEST__REQ__INIT;
	Rpctest__Node *n;
	size_t depth = 0;

	ASSERT_EQ(FASTIPC_RPC_OK, bind_bad(self, &cl, &st)) {
		TH_LOG("bind: %s", st.message);
	}
	EXPECT_EQ(0, good(cl, 1));
	EXPECT_EQ(fastipc_rpc_hash(SVC, &rpctest__bad__descriptor.methods[0]),
		  atomic_load(&bad.good_hash));
	bad.deep = 32;
	ASSERT_EQ(FASTIPC_RPC_OK,
		  fastipc_rpc_call(cl, "Deep", &req.base, &m, 0, &st)) {
		TH_LOG("Deep 32: %s", st.message);
	}
	for (n = (Rpctest__Node *)m; n; n = n->child)
		depth++;
	EXPECT_EQ(32, depth);
	fastipc_rpc_free(m);
	fastipc_rpc_unbind(cl);
}

/* Descriptions that do not unpack, and describe calls that fail. */
TEST_F(bs, bad_descriptions)
{
	static const struct {
		const char *what;
		uint8_t b[16];
		size_t n;
	} garbage[] = {
		{ "0xff bytes", { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
				  0xff, 0xff, 0xff, 0xff, 0xff }, 12 },
		{ "cut varint", { 0x08, 0x80 }, 2 },
		{ "service name as a varint", { 0x12, 0x02, 0x08, 0x01 }, 4 },
		{ "length of 4 GiB", { 0x12, 0xff, 0xff, 0xff, 0xff, 0x0f }, 6 },
		{ "a group", { 0x13, 0x14 }, 2 },
		{ "a service cut short", { 0x12, 0x05, 0x0a, 0x03, 'r' }, 5 },
	};
	static const struct {
		int32_t status;
		const char *msg;
		int code, err;
	} failing[] = {
		{ -ENOSYS, NULL, FASTIPC_RPC_UNIMPLEMENTED, ENOSYS },
		{ 99, NULL, FASTIPC_RPC_UNKNOWN, 0 },
		{ INT32_MIN, "x", FASTIPC_RPC_UNKNOWN, 0 },
		{ FASTIPC_RPC_UNAVAILABLE, "go away", FASTIPC_RPC_UNAVAILABLE, 0 },
	};
	const size_t nsvc = 5000;	/* empty services: 2 bytes each */
	struct fastipc_rpc_client *cl;
	struct fastipc_rpc_status st;
	struct dbuild b;
	uint8_t *many;
	size_t i;

	for (i = 0; i < sizeof(garbage) / sizeof(garbage[0]); i++) {
		set_desc_raw(garbage[i].b, garbage[i].n, 0);
		EXPECT_EQ(FASTIPC_RPC_INTERNAL, bind_bad(self, &cl, &st)) {
			TH_LOG("%s: %d %s", garbage[i].what, st.code,
			       st.message);
		}
		EXPECT_EQ(NULL, cl);
		EXPECT_EQ(EBADMSG, st.err);
		EXPECT_NE(NULL, strstr(st.message, "does not unpack"));
		fastipc_rpc_unbind(cl);
	}
	/* Well formed, but 10 KB that unpack into > 32 times that. */
	many = malloc(2 * nsvc);
	ASSERT_NE(NULL, many);
	for (i = 0; i < nsvc; i++) {
		many[2 * i] = 0x12;
		many[2 * i + 1] = 0;
	}
	set_desc_raw(many, 2 * nsvc, 0);
	free(many);
	EXPECT_EQ(FASTIPC_RPC_INTERNAL, bind_bad(self, &cl, &st)) {
		TH_LOG("%d %s", st.code, st.message);
	}
	EXPECT_EQ(NULL, cl);
	EXPECT_EQ(E2BIG, st.err);

	for (i = 0; i < sizeof(failing) / sizeof(failing[0]); i++) {
		set_desc_raw(failing[i].msg, failing[i].msg ?
			     strlen(failing[i].msg) : 0, failing[i].status);
		EXPECT_EQ(failing[i].code, bind_bad(self, &cl, &st)) {
			TH_LOG("status %d: %s", failing[i].status, st.message);
		}
		EXPECT_EQ(NULL, cl);
		EXPECT_EQ(failing[i].err, st.err);
		if (failing[i].code == FASTIPC_RPC_UNAVAILABLE)
			EXPECT_STREQ("go away", st.message);
	}
	/* An empty description: the server serves nothing. */
	set_desc_raw(NULL, 0, 0);
	EXPECT_EQ(FASTIPC_RPC_UNIMPLEMENTED, bind_bad(self, &cl, &st));
	EXPECT_EQ(NULL, cl);
	EXPECT_NE(NULL, strstr(st.message, "nothing")) {
		TH_LOG("%s", st.message);
	}
	/* None of it reached a method op; a good description binds. */
	EXPECT_EQ(0, atomic_load(&bad.hits[0]) + atomic_load(&bad.hits[1]) +
		     atomic_load(&bad.hits[2]));
	db_init(&b, 1);
	set_desc(&b);
	ASSERT_EQ(FASTIPC_RPC_OK, bind_bad(self, &cl, &st));
	EXPECT_EQ(0, good(cl, 2));
	fastipc_rpc_unbind(cl);
}

/* Ops outside FASTIPC_RPC_OP_BASE + [0, FASTIPC_RPC_METHODS_MAX). */
TEST_F(bs, op_outside_rpc_range)
{
	static const uint32_t ops[][2] = {
		{ 5, FASTIPC_RPC_OP_BASE + FASTIPC_RPC_METHODS_MAX },
		{ FASTIPC_RPC_OP_DESCRIBE, UINT32_MAX },
	};
	struct fastipc_rpc_client *cl;
	struct fastipc_rpc_status st;
	Rpctest__Req req = RPCTEST__REQ__INIT;
	ProtobufCMessage *m;
	struct dbuild b;
	uint64_t r0;
	size_t i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		db_init(&b, 1);
		b.m[0][1].op = ops[i][0];	/* Ill */
		b.m[0][2].op = ops[i][1];	/* Deep */
		set_desc(&b);
		ASSERT_EQ(FASTIPC_RPC_OK, bind_bad(self, &cl, &st)) {
			TH_LOG("bind: %s", st.message);
		}
		r0 = srv_requests(self->srv);
		EXPECT_EQ(FASTIPC_RPC_INTERNAL, call(cl, "Ill", 1, &st));
		EXPECT_EQ(0, st.err);
		EXPECT_NE(NULL, strstr(st.message, "outside the RPC range")) {
			TH_LOG("%s", st.message);
		}
		m = NULL;
		EXPECT_EQ(FASTIPC_RPC_INTERNAL,
			  fastipc_rpc_call(cl, "/rpctest.Bad/Deep", &req.base,
					   &m, 0, &st));
		EXPECT_EQ(NULL, m);
		/* through the stubs too */
		rpctest__bad__ill(fastipc_rpc_service(cl), &req, NULL, NULL);
		EXPECT_EQ(FASTIPC_RPC_INTERNAL, fastipc_rpc_last_status()->code);
		EXPECT_EQ(r0, srv_requests(self->srv));
		EXPECT_EQ(0, good(cl, 3));
		fastipc_rpc_unbind(cl);
	}
	EXPECT_EQ(0, atomic_load(&bad.hits[1]) + atomic_load(&bad.hits[2]));
}

/*
 * The service listed twice, a method listed twice: the client takes the
 * first entry (in both orders, so the test sees which one it took). Ill
 * answers NOT_FOUND, Good OK.
 */
TEST_F(bs, duplicate_entries)
{
	struct fastipc_rpc_client *cl;
	struct fastipc_rpc_status st;
	struct dbuild b;
	int first;

	for (first = 0; first < 2; first++) {
		/* two services; Good at OP_ILL in the first or second */
		db_init(&b, 2);
		b.m[first][0].op = OP_ILL;
		set_desc(&b);
		ASSERT_EQ(FASTIPC_RPC_OK, bind_bad(self, &cl, &st));
		EXPECT_EQ(first ? FASTIPC_RPC_OK : FASTIPC_RPC_NOT_FOUND,
			  call(cl, "Good", 4, &st)) {
			TH_LOG("Good at OP_ILL in service entry %d: %s", first,
			       st.message);
		}
		fastipc_rpc_unbind(cl);

		/* Good twice in one service, at OP_ILL first or second */
		db_init(&b, 1);
		b.s[0].n_methods = 4;
		db_method(&b.m[0][3], "Good", first ? OP_ILL : OP_GOOD);
		if (!first)
			b.m[0][0].op = OP_ILL;
		set_desc(&b);
		ASSERT_EQ(FASTIPC_RPC_OK, bind_bad(self, &cl, &st));
		EXPECT_EQ(first ? FASTIPC_RPC_OK : FASTIPC_RPC_NOT_FOUND,
			  call(cl, "Good", 5, &st)) {
			TH_LOG("Good twice, OP_ILL %s: %s",
			       first ? "second" : "first", st.message);
		}
		/* Ill is still Ill */
		EXPECT_EQ(FASTIPC_RPC_NOT_FOUND, call(cl, "Ill", 6, &st));
		fastipc_rpc_unbind(cl);
	}
	db_init(&b, 1);
	set_desc(&b);
	ASSERT_EQ(FASTIPC_RPC_OK, bind_bad(self, &cl, &st));
	EXPECT_EQ(0, good(cl, 7));
	fastipc_rpc_unbind(cl);
}

/* Good listed with other types or another hash; Ill served by good_h. */
TEST_F(bs, types_or_hash_differ)
{
	static const struct {
		const char *what, *in, *out;
		uint32_t hash_delta;
		int code;
	} cases[] = {
		{ "input type", "rpctest.Node", NULL, 0,
		  FASTIPC_RPC_FAILED_PRECONDITION },
		{ "output type", NULL, "rpctest.Other", 0,
		  FASTIPC_RPC_FAILED_PRECONDITION },
		{ "empty type names", "", "", 0,
		  FASTIPC_RPC_FAILED_PRECONDITION },
		{ "hash", NULL, NULL, 1, FASTIPC_RPC_FAILED_PRECONDITION },
	};
	struct fastipc_rpc_client *cl;
	struct fastipc_rpc_status st;
	struct dbuild b;
	uint64_t r0;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		db_init(&b, 1);
		if (cases[i].in)
			b.m[0][0].input_type = (char *)cases[i].in;
		if (cases[i].out)
			b.m[0][0].output_type = (char *)cases[i].out;
		b.m[0][0].hash += cases[i].hash_delta;
		b.m[0][1].op = OP_GOOD;		/* Ill: served well */
		set_desc(&b);
		ASSERT_EQ(FASTIPC_RPC_OK, bind_bad(self, &cl, &st)) {
			TH_LOG("%s: bind: %s", cases[i].what, st.message);
		}
		r0 = srv_requests(self->srv);
		EXPECT_EQ(cases[i].code, call(cl, "Good", 8, &st)) {
			TH_LOG("%s: %s", cases[i].what, st.message);
		}
		EXPECT_EQ(0, st.err);
		EXPECT_NE(NULL, strstr(st.message, "/rpctest.Bad/Good"));
		if (cases[i].in)
			EXPECT_NE(NULL, strstr(st.message, "rpctest.Req"));
		if (cases[i].in && cases[i].in[0])
			EXPECT_NE(NULL, strstr(st.message, cases[i].in));
		if (cases[i].out && cases[i].out[0])
			EXPECT_NE(NULL, strstr(st.message, cases[i].out));
		EXPECT_EQ(r0, srv_requests(self->srv));
		EXPECT_EQ(FASTIPC_RPC_OK, call(cl, "Ill", 9, &st));
		fastipc_rpc_unbind(cl);
	}
	/* Hash 0: the server gave none, the types alone decide. */
	db_init(&b, 1);
	b.m[0][0].hash = 0;
	set_desc(&b);
	ASSERT_EQ(FASTIPC_RPC_OK, bind_bad(self, &cl, &st));
	EXPECT_EQ(0, good(cl, 10));
	fastipc_rpc_unbind(cl);
}

/* Ill answers statuses that are no RPC status, or OK with bad bytes. */
TEST_F(bs, bad_reply_statuses)
{
	static const uint8_t garbage[] = { 0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f };
	static const uint8_t wrong_wt[] = { 0x08, 0x01 };  /* method as varint */
	static const uint8_t group[] = { 0x0b, 0x0c };
	static const struct {
		int32_t status;
		const uint8_t *data;
		size_t len;
		int code, err;
	} cases[] = {
		{ INT32_MIN, (const uint8_t *)"x", 1, FASTIPC_RPC_UNKNOWN, 0 },
		{ INT32_MIN, NULL, 0, FASTIPC_RPC_UNKNOWN, 0 },
		{ 99, (const uint8_t *)"ninety-nine", 11, FASTIPC_RPC_UNKNOWN, 0 },
		{ FASTIPC_RPC_CODE_MAX + 1, NULL, 0, FASTIPC_RPC_UNKNOWN, 0 },
		{ INT32_MAX, NULL, 0, FASTIPC_RPC_UNKNOWN, 0 },
		{ -4096, NULL, 0, FASTIPC_RPC_UNKNOWN, 0 },
		{ -ENOSYS, NULL, 0, FASTIPC_RPC_UNIMPLEMENTED, ENOSYS },
		{ -EACCES, NULL, 0, FASTIPC_RPC_PERMISSION_DENIED, EACCES },
		{ -EPROTO, NULL, 0, FASTIPC_RPC_INTERNAL, EPROTO },
		{ 0, garbage, sizeof(garbage), FASTIPC_RPC_INTERNAL, EBADMSG },
		{ 0, wrong_wt, sizeof(wrong_wt), FASTIPC_RPC_INTERNAL, EBADMSG },
		{ 0, group, sizeof(group), FASTIPC_RPC_INTERNAL, EBADMSG },
	};
	struct fastipc_rpc_client *cl;
	struct fastipc_rpc_status st;
	Rpctest__Req req = RPCTEST__REQ__INIT;
	size_t i;
	int hits;

	ASSERT_EQ(FASTIPC_RPC_OK, bind_bad(self, &cl, &st));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bad.ill_status = cases[i].status;
		bad.ill_data = cases[i].data;
		bad.ill_len = cases[i].len;
		hits = atomic_load(&bad.hits[1]);
		EXPECT_EQ(cases[i].code, call(cl, "Ill", 11, &st)) {
			TH_LOG("status %d, %zu bytes: %s", cases[i].status,
			       cases[i].len, st.message);
		}
		EXPECT_EQ(cases[i].err, st.err) {
			TH_LOG("status %d", cases[i].status);
		}
		EXPECT_NE(0, st.message[0]);
		EXPECT_EQ(hits + 1, atomic_load(&bad.hits[1]));
		/* the stubs: closure-less, the thread's last status */
		rpctest__bad__ill(fastipc_rpc_service(cl), &req, NULL, NULL);
		EXPECT_EQ(cases[i].code, fastipc_rpc_last_status()->code);
		EXPECT_EQ(0, good(cl, 100 + i));
	}
	fastipc_rpc_unbind(cl);
}

struct guarded_status {
	struct fastipc_rpc_status st;
	uint8_t canary[64];
};

/* A status message far longer than FASTIPC_RPC_MSG_MAX, with NULs in it. */
TEST_F(bs, long_status_message)
{
	static const size_t lens[] = { 4000, 200000, 0 };
	struct fastipc_rpc_client *cl;
	struct fastipc_rpc_status st0;
	struct guarded_status g;
	uint8_t *msg;
	size_t i, j, k;

	msg = malloc(200000);
	ASSERT_NE(NULL, msg);
	for (j = 0; j < 200000; j++)
		msg[j] = j % 7 == 3 ? 0 : (uint8_t)('a' + j % 26);
	ASSERT_EQ(FASTIPC_RPC_OK, bind_bad(self, &cl, &st0));
	bad.ill_status = FASTIPC_RPC_NOT_FOUND;
	bad.ill_data = msg;
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		bad.ill_len = lens[i];
		memset(&g, 0x5a, sizeof(g));
		EXPECT_EQ(FASTIPC_RPC_NOT_FOUND, call(cl, "Ill", 12, &g.st));
		EXPECT_EQ(FASTIPC_RPC_NOT_FOUND, g.st.code);
		EXPECT_EQ(0, g.st.err);
		k = lens[i] < FASTIPC_RPC_MSG_MAX - 1 ? lens[i] :
		    FASTIPC_RPC_MSG_MAX - 1;
		EXPECT_EQ(0, memcmp(g.st.message, msg, k)) {
			TH_LOG("%zu bytes", lens[i]);
		}
		EXPECT_EQ(0, g.st.message[k]);
		EXPECT_GT(FASTIPC_RPC_MSG_MAX, strlen(g.st.message));
		for (j = 0; j < sizeof(g.canary); j++)
			if (g.canary[j] != 0x5a)
				break;
		EXPECT_EQ(sizeof(g.canary), j);
		/* the stubs' thread-local status: the same */
		rpctest__bad__ill(fastipc_rpc_service(cl),
				  &(Rpctest__Req)RPCTEST__REQ__INIT, NULL, NULL);
		EXPECT_EQ(FASTIPC_RPC_NOT_FOUND, fastipc_rpc_last_status()->code);
		EXPECT_EQ(0, memcmp(fastipc_rpc_last_status()->message, msg, k));
		EXPECT_EQ(0, fastipc_rpc_last_status()->message[k]);
		EXPECT_EQ(0, good(cl, 13));
	}
	fastipc_rpc_unbind(cl);
	free(msg);
}

/* The client unpacks replies at most 32 deep (as a server's default). */
TEST_F(bs, deep_reply)
{
	static const size_t depths[] = { 33, 100000, 32 };
	struct fastipc_rpc_client *cl;
	struct fastipc_rpc_status st;
	Rpctest__Req req = RPCTEST__REQ__INIT;
	ProtobufCMessage *m;
	size_t i;

	ASSERT_EQ(FASTIPC_RPC_OK, bind_bad(self, &cl, &st));
	for (i = 0; i < sizeof(depths) / sizeof(depths[0]); i++) {
		bad.deep = depths[i];
		m = NULL;
		EXPECT_EQ(depths[i] > 32 ? FASTIPC_RPC_INTERNAL : FASTIPC_RPC_OK,
			  fastipc_rpc_call(cl, "Deep", &req.base, &m, 0, &st)) {
			TH_LOG("depth %zu: %s", depths[i], st.message);
		}
		EXPECT_EQ(depths[i] > 32 ? ELOOP : 0, st.err);
		EXPECT_EQ(depths[i] > 32, m == NULL);
		fastipc_rpc_free(m);
		EXPECT_EQ(0, good(cl, 14));
	}
	EXPECT_EQ(3, atomic_load(&bad.hits[2]));
	fastipc_rpc_unbind(cl);
}

TEST_HARNESS_MAIN
