// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc-rpc's untyped half (FASTIPC_RPC_0.2, issue 13), against the
 * module. One server serves rpc_test.proto's Test (typed, rt_ handlers),
 * Aux (typed; its handler reports the metadata it was given) and, from
 * a hand-built fastipc.rpc.Description, a raw service rpctest.Absent
 * whose handler unpacks Req and answers a Rep with reply_raw():
 *  - a generic client lists what the server described and calls a typed
 *    method by full name with packed bytes (with or without the leading
 *    '/'); statuses arrive as they were set; fastipc_rpc_call() on it is
 *    UNIMPLEMENTED; a method not described is UNIMPLEMENTED and no call
 *    reaches the server;
 *  - metadata reach a typed handler (ctx_md() by key, ctx_md_at() in the
 *    order sent); bad metadata are refused by the client before any call;
 *  - hand-built RPC2 requests with bad metadata (fastipc_call2()) are
 *    INVALID_ARGUMENT, counted in bad_requests, and the server goes on;
 *  - the raw service answers a typed fastipc_rpc_bind() client of the
 *    same .proto (the hash check passes) and a generic one (its metadata
 *    reach the raw handler); requests that break the description's
 *    schema are refused before the handler runs; a second reply_raw() is
 *    -EALREADY; the describe reply lists the raw service and its types;
 *  - add_raw refuses a served name, a dotted type name, a running server;
 *  - a raw request above the connection's threshold is written once,
 *    into a record reserved in the ring: one region request of exactly
 *    its wire size, no fallback, and no allocation of that size on the
 *    calling thread (before, it was built in a malloc'd buffer that
 *    fastipc_call2() copied into the ring).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "rpc_svc.h"

/*
 * malloc() of this executable: glibc's, counting the calling thread's
 * allocations of exactly watch_size bytes. glibc lets a program replace
 * malloc, free, calloc and realloc together.
 */
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);
extern void __libc_free(void *p);

static size_t watch_size;
static __thread unsigned int watched;

void *malloc(size_t size)
{
	if (watch_size && size == watch_size)
		watched++;
	return __libc_malloc(size);
}

void *calloc(size_t n, size_t size)
{
	return __libc_calloc(n, size);
}

void *realloc(void *p, size_t size)
{
	if (watch_size && size == watch_size)
		watched++;
	return __libc_realloc(p, size);
}

void free(void *p)
{
	__libc_free(p);
}

static atomic_int g_second_reply;	/* what the second reply_raw() gave */
static atomic_int g_raw_runs;		/* raw handler runs */

/* Aux.Name: Rep.method = "k=v;..." (ctx_md_at order), Rep.data = "x-a". */
static void g_name(Rpctest__Aux_Service *svc, const Rpctest__Req *req,
		   Rpctest__Rep_Closure closure, void *data)
{
	struct fastipc_rpc_ctx *ctx = fastipc_rpc_ctx_of(data);
	Rpctest__Rep rep = RPCTEST__REP__INIT;
	const char *k, *v, *a;
	char buf[1024] = "";
	size_t off = 0;
	unsigned int i;

	(void)svc;
	for (i = 0; !fastipc_rpc_ctx_md_at(ctx, i, &k, &v); i++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s=%s;",
					k, v);
	a = fastipc_rpc_ctx_md(ctx, "x-a");
	rep.method = buf;
	rep.data.data = (uint8_t *)(a ? a : "(none)");
	rep.data.len = strlen((const char *)rep.data.data);
	rep.tag = req->tag;
	closure(&rep, data);
}

static Rpctest__Aux_Service g_aux = RPCTEST__AUX__INIT(g_);

/* The raw handler of rpctest.Absent/Ping. */
static void g_raw(struct fastipc_rpc_ctx *ctx, const uint8_t *req, size_t len,
		  void *data)
{
	Rpctest__Req *in;
	Rpctest__Rep rep = RPCTEST__REP__INIT;
	const char *peer = fastipc_rpc_ctx_md(ctx, "x-fastipc-peer");
	uint8_t out[1024];
	size_t n;

	(void)data;
	atomic_fetch_add(&g_raw_runs, 1);
	in = rpctest__req__unpack(NULL, len, req);
	if (!in) {
		fastipc_rpc_ctx_set_status(ctx, FASTIPC_RPC_INTERNAL,
					   "checked bytes did not unpack");
		return;
	}
	if (in->mode == RT_STATUS) {
		fastipc_rpc_ctx_set_status(ctx, in->code, "%s", in->message);
	} else {
		rep.method = (char *)fastipc_rpc_ctx_method(ctx);
		rep.tag = in->tag;
		rep.data.data = (uint8_t *)(peer ? peer : "(none)");
		rep.data.len = strlen((const char *)rep.data.data);
		n = rpctest__rep__pack(&rep, out);
		fastipc_rpc_ctx_reply_raw(ctx, out, n);
		atomic_store(&g_second_reply,
			     fastipc_rpc_ctx_reply_raw(ctx, out, n));
	}
	rpctest__req__free_unpacked(in, NULL);
}

/* A Description field. */
static Fastipc__Rpc__Field *fld(Fastipc__Rpc__Field *f, const char *name,
				uint32_t num, uint32_t label, uint32_t type,
				bool packed)
{
	fastipc__rpc__field__init(f);
	f->name = (char *)name;
	f->number = num;
	f->label = label;
	f->type = type;
	f->packed = packed;
	return f;
}

/*
 * rpctest.Absent { Ping(rpctest.Req) returns (rpctest.Rep) }, with part
 * of Req's schema (mode, code, message, data, nums, tag), Rep's, and a
 * type only the raw set has (rawonly.Extra). Built in static storage.
 */
static const Fastipc__Rpc__Description *g_desc(const char *svc_name,
					       const char *type_name)
{
	static Fastipc__Rpc__Field f[10], *fp[10];
	static Fastipc__Rpc__MessageType t[3], *tp[3];
	static Fastipc__Rpc__Method m, *mp[1];
	static Fastipc__Rpc__Service s, *sp[1];
	static Fastipc__Rpc__Description d;
	int i;

	fp[0] = fld(&f[0], "mode", 1, 1, 13, false);
	fp[1] = fld(&f[1], "code", 2, 1, 5, false);
	fp[2] = fld(&f[2], "message", 3, 1, 9, false);
	fp[3] = fld(&f[3], "data", 4, 1, 12, false);
	fp[4] = fld(&f[4], "nums", 8, 3, 13, true);
	fp[5] = fld(&f[5], "tag", 9, 1, 13, false);
	fp[6] = fld(&f[6], "method", 1, 1, 9, false);
	fp[7] = fld(&f[7], "data", 2, 1, 12, false);
	fp[8] = fld(&f[8], "tag", 11, 1, 13, false);
	fp[9] = fld(&f[9], "n", 1, 1, 13, false);
	for (i = 0; i < 3; i++) {
		fastipc__rpc__message_type__init(&t[i]);
		tp[i] = &t[i];
	}
	t[0].name = (char *)type_name;
	t[0].n_fields = 6;
	t[0].fields = &fp[0];
	t[1].name = "rpctest.Rep";
	t[1].n_fields = 3;
	t[1].fields = &fp[6];
	t[2].name = "rawonly.Extra";
	t[2].n_fields = 1;
	t[2].fields = &fp[9];
	fastipc__rpc__method__init(&m);
	m.name = "Ping";
	m.input_type = "rpctest.Req";
	m.output_type = "rpctest.Rep";
	mp[0] = &m;
	fastipc__rpc__service__init(&s);
	s.name = (char *)svc_name;
	s.n_methods = 1;
	s.methods = mp;
	sp[0] = &s;
	fastipc__rpc__description__init(&d);
	d.n_services = 1;
	d.services = sp;
	d.n_types = 3;
	d.types = tp;
	return &d;
}

FIXTURE(gen) {
	struct rt_srv s;
	struct fastipc_rpc_client *cl;
};

FIXTURE_SETUP(gen)
{
	struct fastipc_rpc_bind_opts o = { .deadline_ns = RT_CALL_NS };
	struct fastipc_rpc_status rs;
	struct rt_srv *s = &self->s;

	memset(s, 0, sizeof(*s));
	s->chan = -1;
	rt_test_impl.unserved = NULL;
	ASSERT_EQ(0, fastipc_open(&s->dev));
	fipc_unique_name(s->name, "rpcgen");
	s->chan = fastipc_chan_create(s->dev, s->name, 0, 0600, NULL);
	ASSERT_LE(0, s->chan);
	ASSERT_EQ(0, fastipc_rpc_server_create(s->chan, 2, NULL, &s->srv));
	ASSERT_EQ(0, fastipc_rpc_server_add(s->srv, &rt_test_impl.base));
	ASSERT_EQ(0, fastipc_rpc_server_add(s->srv, &g_aux.base));
	ASSERT_EQ(0, fastipc_rpc_server_add_raw(s->srv,
						g_desc("rpctest.Absent",
						       "rpctest.Req"),
						g_raw, NULL));
	/* refused: a served name, a dotted type name */
	EXPECT_EQ(-EEXIST, fastipc_rpc_server_add_raw(s->srv,
			g_desc("rpctest.Test", "rpctest.Req"), g_raw, NULL));
	EXPECT_EQ(-EINVAL, fastipc_rpc_server_add_raw(s->srv,
			g_desc("rpctest.Other", ".rpctest.Req"), g_raw, NULL));
	ASSERT_EQ(0, -pthread_create(&s->th, NULL, rt_run_main, s->srv));
	s->running = 1;
	ASSERT_EQ(FASTIPC_RPC_OK, fastipc_rpc_bind_generic(s->dev, s->name, &o,
							   &self->cl, &rs)) {
		TH_LOG("bind_generic: %d %s", rs.code, rs.message);
	}
	/* the bind's describe call has run: the pool runs, add is refused */
	EXPECT_EQ(-EBUSY, fastipc_rpc_server_add_raw(s->srv,
			g_desc("rpctest.Late", "rpctest.Req"), g_raw, NULL));
}

FIXTURE_TEARDOWN(gen)
{
	fastipc_rpc_unbind(self->cl);
	EXPECT_EQ(0, rt_srv_stop(&self->s));
}

/* Pack @req into a malloc'd buffer; its length in *@len. */
static uint8_t *pack_req(const Rpctest__Req *req, size_t *len)
{
	uint8_t *b;

	*len = rpctest__req__get_packed_size(req);
	b = malloc(*len ? *len : 1);
	if (b)
		rpctest__req__pack(req, b);
	return b;
}

/* call_raw @method with @req and @o; the unpacked Rep on OK. */
static int raw_do(struct fastipc_rpc_client *cl, const char *method,
		  const Rpctest__Req *req, const struct fastipc_rpc_call_opts *o,
		  Rpctest__Rep **rep, struct fastipc_rpc_status *st)
{
	size_t len, rlen = 99;
	void *r = (void *)1;
	uint8_t *b = pack_req(req, &len);
	int code;

	*rep = NULL;
	if (!b)
		return -1;
	code = fastipc_rpc_call_raw(cl, method, b, len, o, &r, &rlen, st);
	free(b);
	if (code == FASTIPC_RPC_OK) {
		*rep = rpctest__rep__unpack(NULL, rlen, r);
		free(r);
	} else if (r || rlen) {
		return -2;	/* not OK must leave NULL and 0 */
	}
	return code;
}

static bool described(const Fastipc__Rpc__Description *d, const char *svc,
		      const char *method, const char *type)
{
	bool s = false, t = false;
	size_t i, j;

	for (i = 0; i < d->n_services; i++)
		for (j = 0; j < d->services[i]->n_methods; j++)
			s |= !strcmp(d->services[i]->name, svc) &&
			     !strcmp(d->services[i]->methods[j]->name, method);
	for (i = 0; i < d->n_types; i++)
		t |= !strcmp(d->types[i]->name, type);
	return s && t;
}

TEST_F(gen, describes_typed_and_raw_services)
{
	const Fastipc__Rpc__Description *d;

	d = fastipc_rpc_client_description(self->cl);
	ASSERT_NE(NULL, d);
	EXPECT_EQ(NULL, fastipc_rpc_client_description(NULL));
	EXPECT_EQ(3, d->n_services);
	EXPECT_TRUE(described(d, "rpctest.Test", "Call", "rpctest.Req"));
	EXPECT_TRUE(described(d, "rpctest.Aux", "Name", "rpctest.Rep"));
	EXPECT_TRUE(described(d, "rpctest.Absent", "Ping", "rawonly.Extra"));
}

TEST_F(gen, call_raw_reaches_a_typed_method)
{
	Rpctest__Req req = RPCTEST__REQ__INIT;
	struct fastipc_rpc_status rs;
	ProtobufCMessage *m = (ProtobufCMessage *)1;
	Rpctest__Rep *rep;

	ASSERT_EQ(0, rt_req_data(&req, 300, 11));
	req.tag = 7;
	ASSERT_EQ(FASTIPC_RPC_OK, raw_do(self->cl, "/rpctest.Test/Call", &req,
					 NULL, &rep, &rs)) {
		TH_LOG("%s", rs.message);
	}
	ASSERT_NE(NULL, rep);
	EXPECT_EQ(7, rep->tag);
	EXPECT_EQ(300, rep->data_len);
	EXPECT_TRUE(rep->data_ok);
	EXPECT_STREQ("/rpctest.Test/Call", rep->method);
	rpctest__rep__free_unpacked(rep, NULL);
	/* without the leading '/' */
	req.tag = 8;
	ASSERT_EQ(FASTIPC_RPC_OK, raw_do(self->cl, "rpctest.Test/Call", &req,
					 NULL, &rep, &rs));
	EXPECT_EQ(8, rep->tag);
	rpctest__rep__free_unpacked(rep, NULL);
	/* a status as the handler set it */
	req.mode = RT_STATUS;
	req.code = FASTIPC_RPC_ABORTED;
	req.message = "handler aborts";
	EXPECT_EQ(FASTIPC_RPC_ABORTED, raw_do(self->cl, "/rpctest.Test/Call",
					      &req, NULL, &rep, &rs));
	EXPECT_STREQ("handler aborts", rs.message);
	/* typed calls on a generic client find no method */
	EXPECT_EQ(FASTIPC_RPC_UNIMPLEMENTED,
		  fastipc_rpc_call(self->cl, "Call", &req.base, &m, 0, &rs));
	EXPECT_EQ(NULL, m);
	rt_req_free(&req);
}

TEST_F(gen, method_not_described_is_unimplemented)
{
	static const char *const names[] = {
		"/rpctest.Test/Nope", "/rpctest.Test/Unserved", "/nope.Svc/Call",
		"Call", "/rpctest.Test", "",
	};
	struct fastipc_rpc_server_stats s0, s1;
	Rpctest__Req req = RPCTEST__REQ__INIT;
	struct fastipc_rpc_status rs;
	Rpctest__Rep *rep;
	size_t i;

	s0 = rt_stats(self->s.srv);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		EXPECT_EQ(FASTIPC_RPC_UNIMPLEMENTED,
			  raw_do(self->cl, names[i], &req, NULL, &rep, &rs)) {
			TH_LOG("%s: %s", names[i], rs.message);
		}
	}
	s1 = rt_stats(self->s.srv);
	EXPECT_EQ(s0.calls, s1.calls);	/* refused before sending */
}

TEST_F(gen, metadata_reach_a_typed_handler)
{
	const struct fastipc_rpc_md md[] = {
		{ "x-b", "2" }, { "x-a", "one" },
		{ "x-fastipc-peer", "ipv4:127.0.0.1:4242" },
	};
	struct fastipc_rpc_call_opts o = { .md = md, .n_md = 3 };
	Rpctest__Req req = RPCTEST__REQ__INIT;
	struct fastipc_rpc_status rs;
	Rpctest__Rep *rep;

	req.tag = 3;
	ASSERT_EQ(FASTIPC_RPC_OK, raw_do(self->cl, "/rpctest.Aux/Name", &req,
					 &o, &rep, &rs)) {
		TH_LOG("%s", rs.message);
	}
	EXPECT_STREQ("x-b=2;x-a=one;x-fastipc-peer=ipv4:127.0.0.1:4242;",
		     rep->method);
	EXPECT_EQ(3, rep->data.len);
	EXPECT_EQ(0, memcmp("one", rep->data.data, 3));
	EXPECT_EQ(3, rep->tag);
	rpctest__rep__free_unpacked(rep, NULL);
	/* none */
	ASSERT_EQ(FASTIPC_RPC_OK, raw_do(self->cl, "/rpctest.Aux/Name", &req,
					 NULL, &rep, &rs));
	EXPECT_STREQ("", rep->method);
	EXPECT_EQ(6, rep->data.len);	/* "(none)" */
	rpctest__rep__free_unpacked(rep, NULL);
}

TEST_F(gen, client_refuses_bad_metadata_and_options)
{
	static char big[FASTIPC_RPC_MD_MAX + 1];
	struct fastipc_rpc_md many[FASTIPC_RPC_MD_ENTRIES_MAX + 1];
	struct fastipc_rpc_md one = { "x-ok", "v" };
	struct fastipc_rpc_call_opts o;
	struct fastipc_rpc_server_stats s0, s1;
	Rpctest__Req req = RPCTEST__REQ__INIT;
	struct fastipc_rpc_status rs;
	Rpctest__Rep *rep;
	const char *bad_keys[] = { "Upper", "", "sp ace", "x:y" };
	char longkey[130];
	size_t i;

	s0 = rt_stats(self->s.srv);
	for (i = 0; i < 4; i++) {
		struct fastipc_rpc_md b = { bad_keys[i], "v" };

		o = (struct fastipc_rpc_call_opts){ .md = &b, .n_md = 1 };
		EXPECT_EQ(FASTIPC_RPC_INVALID_ARGUMENT,
			  raw_do(self->cl, "/rpctest.Aux/Name", &req, &o, &rep,
				 &rs)) TH_LOG("key '%s'", bad_keys[i]);
	}
	memset(longkey, 'k', 129);
	longkey[129] = '\0';
	one.key = longkey;
	o = (struct fastipc_rpc_call_opts){ .md = &one, .n_md = 1 };
	EXPECT_EQ(FASTIPC_RPC_INVALID_ARGUMENT,
		  raw_do(self->cl, "/rpctest.Aux/Name", &req, &o, &rep, &rs));
	longkey[128] = '\0';		/* 128 bytes: allowed */
	EXPECT_EQ(FASTIPC_RPC_OK,
		  raw_do(self->cl, "/rpctest.Aux/Name", &req, &o, &rep, &rs));
	rpctest__rep__free_unpacked(rep, NULL);
	one = (struct fastipc_rpc_md){ "x-ok", "\xff\xfe" };	/* not UTF-8 */
	EXPECT_EQ(FASTIPC_RPC_INVALID_ARGUMENT,
		  raw_do(self->cl, "/rpctest.Aux/Name", &req, &o, &rep, &rs));
	memset(big, 'v', sizeof(big) - 1);
	one = (struct fastipc_rpc_md){ "x-big", big };
	EXPECT_EQ(FASTIPC_RPC_INVALID_ARGUMENT,
		  raw_do(self->cl, "/rpctest.Aux/Name", &req, &o, &rep, &rs));
	for (i = 0; i <= FASTIPC_RPC_MD_ENTRIES_MAX; i++)
		many[i] = (struct fastipc_rpc_md){ "x-k", "v" };
	o = (struct fastipc_rpc_call_opts){ .md = many,
		.n_md = FASTIPC_RPC_MD_ENTRIES_MAX + 1 };
	EXPECT_EQ(FASTIPC_RPC_INVALID_ARGUMENT,
		  raw_do(self->cl, "/rpctest.Aux/Name", &req, &o, &rep, &rs));
	o = (struct fastipc_rpc_call_opts){ .resv0 = 1 };
	EXPECT_EQ(FASTIPC_RPC_INVALID_ARGUMENT,
		  raw_do(self->cl, "/rpctest.Aux/Name", &req, &o, &rep, &rs));
	o = (struct fastipc_rpc_call_opts){ .resv[3] = 1 };
	EXPECT_EQ(FASTIPC_RPC_INVALID_ARGUMENT,
		  raw_do(self->cl, "/rpctest.Aux/Name", &req, &o, &rep, &rs));
	s1 = rt_stats(self->s.srv);
	EXPECT_EQ(s0.calls + 1, s1.calls);	/* only the 128-byte key */
}

/* The op of @svc/@method in the client's description, or 0. */
static uint32_t op_of(struct fastipc_rpc_client *cl, const char *svc,
		      const char *method)
{
	const Fastipc__Rpc__Description *d = fastipc_rpc_client_description(cl);
	size_t i, j;

	for (i = 0; i < d->n_services; i++)
		for (j = 0; j < d->services[i]->n_methods; j++)
			if (!strcmp(d->services[i]->name, svc) &&
			    !strcmp(d->services[i]->methods[j]->name, method))
				return d->services[i]->methods[j]->op;
	return 0;
}

/*
 * Send an RPC2 request to Aux/Name by hand: header, md_hdr {@md_len,
 * @resv}, @md (@n bytes copied), padding @pad (0 for zeros), then @tail
 * (@tail_len bytes). The reply's status, or a negative errno.
 */
static int send_rpc2(struct fastipc_rpc_client *cl, uint32_t md_len,
		     uint32_t resv, const void *md, size_t n, uint8_t pad,
		     size_t total_cut)
{
	uint8_t buf[FASTIPC_RPC_MD_MAX + 64] __attribute__((aligned(8)));
	struct fastipc_rpc_req_hdr h = {
		.magic = FASTIPC_RPC_REQ_MAGIC_MD,
		.method_hash = fastipc_rpc_hash_names("rpctest.Aux", "Name",
						      "rpctest.Req",
						      "rpctest.Rep"),
		.deadline_ns = RT_CALL_NS,
	};
	struct fastipc_rpc_md_hdr mh = { .md_len = md_len, .resv = resv };
	struct fastipc_call_args a = {
		.op = op_of(cl, "rpctest.Aux", "Name"),
		.flags = FASTIPC_CALL_ALLOC,
		.req = buf,
		.timeout_ns = RT_CALL_NS,
	};
	size_t len = 24 + n, end = (len + 7) & ~(size_t)7;
	int ret;

	memset(buf, 0, sizeof(buf));
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + 16, &mh, sizeof(mh));
	memcpy(buf + 24, md, n);
	if (pad && end > len)
		buf[len] = pad;
	a.req_len = end - total_cut;
	ret = fastipc_call2(fastipc_rpc_client_conn(cl), &a, sizeof(a));
	free(a.rep_alloc);
	return ret ? ret : a.status;
}

/* Packed Metadata of @n entries {@key, "v"}, into @out; its length. */
static size_t pack_md(const char *key, unsigned int n, uint8_t *out)
{
	Fastipc__Rpc__MetadataEntry e[80], *ep[80];
	Fastipc__Rpc__Metadata m = FASTIPC__RPC__METADATA__INIT;
	unsigned int i;

	for (i = 0; i < n; i++) {
		fastipc__rpc__metadata_entry__init(&e[i]);
		e[i].key = (char *)key;
		e[i].value = "v";
		ep[i] = &e[i];
	}
	m.n_entries = n;
	m.entries = ep;
	return fastipc__rpc__metadata__pack(&m, out);
}

TEST_F(gen, server_refuses_bad_metadata_and_goes_on)
{
	struct fastipc_rpc_server_stats s0, s1;
	Rpctest__Req req = RPCTEST__REQ__INIT;
	struct fastipc_rpc_status rs;
	uint8_t md[FASTIPC_RPC_MD_MAX];
	static const uint8_t junk[] = { 0x0a, 0x7f, 0x01 };
	Rpctest__Rep *rep;
	size_t n;

	ASSERT_NE(0, op_of(self->cl, "rpctest.Aux", "Name"));
	n = pack_md("x-good", 1, md);
	/* the good one first: the hand-built layout is right */
	EXPECT_EQ(0, send_rpc2(self->cl, n, 0, md, n, 0, 0));
	s0 = rt_stats(self->s.srv);
	EXPECT_EQ(FASTIPC_RPC_INVALID_ARGUMENT,
		  send_rpc2(self->cl, n, 1, md, n, 0, 0));	/* resv */
	EXPECT_EQ(FASTIPC_RPC_INVALID_ARGUMENT,
		  send_rpc2(self->cl, FASTIPC_RPC_MD_MAX + 1, 0, md, n, 0, 0));
	EXPECT_EQ(FASTIPC_RPC_INVALID_ARGUMENT,		/* truncated */
		  send_rpc2(self->cl, n + 64, 0, md, n, 0, 0));
	EXPECT_EQ(FASTIPC_RPC_INVALID_ARGUMENT,		/* padding */
		  send_rpc2(self->cl, n, 0, md, n, 0x55, 0));
	EXPECT_EQ(FASTIPC_RPC_INVALID_ARGUMENT,		/* malformed */
		  send_rpc2(self->cl, sizeof(junk), 0, junk, sizeof(junk), 0,
			    0));
	n = pack_md("Bad-Key", 1, md);
	EXPECT_EQ(FASTIPC_RPC_INVALID_ARGUMENT,
		  send_rpc2(self->cl, n, 0, md, n, 0, 0));
	n = pack_md("x-many", FASTIPC_RPC_MD_ENTRIES_MAX + 1, md);
	EXPECT_EQ(FASTIPC_RPC_INVALID_ARGUMENT,
		  send_rpc2(self->cl, n, 0, md, n, 0, 0));
	EXPECT_EQ(FASTIPC_RPC_INVALID_ARGUMENT,		/* short of md_hdr */
		  send_rpc2(self->cl, 0, 0, md, 0, 0, 8));
	s1 = rt_stats(self->s.srv);
	EXPECT_EQ(s0.bad_requests + 8, s1.bad_requests);
	EXPECT_EQ(s0.failed + 8, s1.failed);
	/* still serving */
	ASSERT_EQ(FASTIPC_RPC_OK, raw_do(self->cl, "/rpctest.Aux/Name", &req,
					 NULL, &rep, &rs));
	rpctest__rep__free_unpacked(rep, NULL);
}

TEST_F(gen, raw_service_answers_typed_and_generic_clients)
{
	const struct fastipc_rpc_md md[] = { { "x-fastipc-peer", "unix:" } };
	struct fastipc_rpc_call_opts o = { .md = md, .n_md = 1 };
	Rpctest__Req req = RPCTEST__REQ__INIT;
	struct fastipc_rpc_client *tc;
	struct fastipc_rpc_status rs;
	ProtobufCMessage *m = NULL;
	Rpctest__Rep *rep;
	int runs = atomic_load(&g_raw_runs);

	ASSERT_EQ(FASTIPC_RPC_OK,
		  fastipc_rpc_bind(self->s.dev, self->s.name,
				   &rpctest__absent__descriptor, NULL, &tc,
				   &rs)) TH_LOG("%s", rs.message);
	req.tag = 5;
	atomic_store(&g_second_reply, 0);
	ASSERT_EQ(FASTIPC_RPC_OK, fastipc_rpc_call(tc, "Ping", &req.base, &m,
						   0, &rs)) {
		TH_LOG("%s", rs.message);
	}
	rep = (Rpctest__Rep *)m;
	EXPECT_EQ(5, rep->tag);
	EXPECT_STREQ("/rpctest.Absent/Ping", rep->method);
	EXPECT_EQ(6, rep->data.len);	/* "(none)": no metadata */
	EXPECT_EQ(-EALREADY, atomic_load(&g_second_reply));
	fastipc_rpc_free(m);
	req.mode = RT_STATUS;
	req.code = FASTIPC_RPC_NOT_FOUND;
	req.message = "raw says no";
	EXPECT_EQ(FASTIPC_RPC_NOT_FOUND,
		  fastipc_rpc_call(tc, "Ping", &req.base, &m, 0, &rs));
	EXPECT_STREQ("raw says no", rs.message);
	fastipc_rpc_unbind(tc);
	/* generic, with metadata */
	req.mode = 0;
	req.tag = 6;
	ASSERT_EQ(FASTIPC_RPC_OK, raw_do(self->cl, "/rpctest.Absent/Ping",
					 &req, &o, &rep, &rs));
	EXPECT_EQ(6, rep->tag);
	EXPECT_EQ(5, rep->data.len);
	EXPECT_EQ(0, memcmp("unix:", rep->data.data, 5));
	rpctest__rep__free_unpacked(rep, NULL);
	EXPECT_EQ(runs + 3, atomic_load(&g_raw_runs));
}

TEST_F(gen, raw_requests_are_checked_against_the_schema)
{
	/* tag (9) as length-delimited: the wrong wire type for a uint32 */
	static const uint8_t wrong[] = { 0x4a, 0x01, 0x00 };
	static const uint8_t cut[] = { 0x22, 0x05, 'a' };	/* data past end */
	static const uint8_t unknown[] = { 0xa8, 0x06, 0x01 };	/* field 101 */
	struct fastipc_rpc_server_stats s0, s1;
	struct fastipc_rpc_status rs;
	int runs = atomic_load(&g_raw_runs);
	size_t rlen;
	void *r;

	s0 = rt_stats(self->s.srv);
	EXPECT_EQ(FASTIPC_RPC_INVALID_ARGUMENT,
		  fastipc_rpc_call_raw(self->cl, "/rpctest.Absent/Ping", wrong,
				       sizeof(wrong), NULL, &r, &rlen, &rs));
	EXPECT_EQ(FASTIPC_RPC_INVALID_ARGUMENT,
		  fastipc_rpc_call_raw(self->cl, "/rpctest.Absent/Ping", cut,
				       sizeof(cut), NULL, &r, &rlen, &rs));
	s1 = rt_stats(self->s.srv);
	EXPECT_EQ(s0.bad_requests + 2, s1.bad_requests);
	EXPECT_EQ(runs, atomic_load(&g_raw_runs));
	/* unknown fields pass (protobuf's evolution rules) */
	EXPECT_EQ(FASTIPC_RPC_OK,
		  fastipc_rpc_call_raw(self->cl, "/rpctest.Absent/Ping", unknown,
				       sizeof(unknown), NULL, &r, &rlen, &rs));
	free(r);
	EXPECT_EQ(runs + 1, atomic_load(&g_raw_runs));
}

TEST_F(gen, call_raw_large_goes_into_the_ring)
{
	struct fastipc_conn *conn = fastipc_rpc_client_conn(self->cl);
	size_t len, rlen = 0, total, hdr = sizeof(struct fastipc_rpc_req_hdr);
	Rpctest__Req req = RPCTEST__REQ__INIT;
	struct fastipc_conn_stats c0, c1;
	struct fastipc_conn_info in;
	struct fastipc_rpc_status rs;
	Rpctest__Rep *rep = NULL;
	void *r = NULL;
	uint8_t *b;
	int code;

	ASSERT_EQ(0, fastipc_conn_info(conn, &in, sizeof(in)));
	ASSERT_EQ(0, rt_req_data(&req, 256 * 1024, 31));
	b = pack_req(&req, &len);
	ASSERT_NE(NULL, b);
	total = hdr + len;
	ASSERT_LT(in.threshold, total);
	ASSERT_LE(total, in.shm_max);
	fastipc_conn_stats(conn, &c0);
	watched = 0;
	watch_size = total;
	code = fastipc_rpc_call_raw(self->cl, "/rpctest.Test/Call", b, len,
				    NULL, &r, &rlen, &rs);
	watch_size = 0;
	fastipc_conn_stats(conn, &c1);
	ASSERT_EQ(FASTIPC_RPC_OK, code) {
		TH_LOG("%d %s", rs.code, rs.message);
	}
	rep = rpctest__rep__unpack(NULL, rlen, r);
	ASSERT_NE(NULL, rep);
	EXPECT_TRUE(rep->data_ok);
	EXPECT_EQ(req.data.len, rep->data_len);
	EXPECT_EQ(0, watched);			/* not built aside */
	EXPECT_EQ(c0.req_shm + 1, c1.req_shm);
	EXPECT_EQ(c0.bytes_shm + total, c1.bytes_shm);	/* small reply */
	EXPECT_EQ(c0.fallbacks, c1.fallbacks);
	rpctest__rep__free_unpacked(rep, NULL);
	free(r);
	free(b);
	rt_req_free(&req);
}

TEST_HARNESS_MAIN
