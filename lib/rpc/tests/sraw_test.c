// SPDX-License-Identifier: GPL-2.0
/*
 * Description: fastipc_rpc_server_add_raw() without a kernel (a server
 * struct made here): methods get the server's next ops and the hashes of
 * their names, written into the describe reply with the raw services
 * after the typed ones and each type name once; what cannot be served is
 * refused (-EINVAL: no types, a dotted name, a group field, a repeated
 * field number; -EEXIST: a name served or listed twice) and leaves the
 * server as it was; raw requests are checked against the description's
 * schema; fastipc_rpc_ctx_reply_raw() refuses a typed method's call.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "server-int.h"
#include "scantest_svc.h"

static Scantest__Test_Service impl = {
	SCANTEST__TEST__BASE_INIT, echo, walk, NULL
};

static void raw_fn(struct fastipc_rpc_ctx *ctx, const uint8_t *req,
		   size_t len, void *data)
{
	(void)ctx, (void)req, (void)len, (void)data;
}

/* r.Svc { Get(r.In) returns (scantest.Node) }; r.In { uint32 a = 1; r.In child = 2; } */
struct rdesc {
	Fastipc__Rpc__Field f[2], *fp[2];
	Fastipc__Rpc__MessageType t[2], *tp[2];
	Fastipc__Rpc__Method m, *mp[1];
	Fastipc__Rpc__Service s[2], *sp[2];
	Fastipc__Rpc__Description d;
};

static void rdesc_init(struct rdesc *r)
{
	int i;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < 2; i++) {
		fastipc__rpc__field__init(&r->f[i]);
		r->fp[i] = &r->f[i];
		fastipc__rpc__message_type__init(&r->t[i]);
		r->tp[i] = &r->t[i];
		fastipc__rpc__service__init(&r->s[i]);
		r->sp[i] = &r->s[i];
	}
	r->f[0].name = "a";
	r->f[0].number = 1;
	r->f[0].label = 1;
	r->f[0].type = 13;
	r->f[1].name = "child";
	r->f[1].number = 2;
	r->f[1].label = 1;
	r->f[1].type = 11;
	r->f[1].type_name = ".r.In";	/* descriptor-set style */
	r->t[0].name = "r.In";
	r->t[0].n_fields = 2;
	r->t[0].fields = r->fp;
	r->t[1].name = "scantest.Node";	/* given out already: once */
	fastipc__rpc__method__init(&r->m);
	r->m.name = "Get";
	r->m.input_type = "r.In";
	r->m.output_type = "scantest.Node";
	r->m.op = 7;		/* ignored */
	r->mp[0] = &r->m;
	r->s[0].name = "r.Svc";
	r->s[0].n_methods = 1;
	r->s[0].methods = r->mp;
	r->s[1].name = "r.Other";
	fastipc__rpc__description__init(&r->d);
	r->d.n_services = 1;
	r->d.services = r->sp;
	r->d.n_types = 2;
	r->d.types = r->tp;
}

FIXTURE(raw) {
	struct fastipc_rpc_server *srv;
	struct rdesc r;
};

FIXTURE_SETUP(raw)
{
	self->srv = calloc(1, sizeof(*self->srv));
	ASSERT_NE(NULL, self->srv);
	self->srv->max_depth = 3;
	self->srv->max_message = FASTIPC_RPC_SERVER_MAX_MESSAGE_DEFAULT;
	ASSERT_EQ(0, frpc_describe_build(self->srv));
	ASSERT_EQ(0, fastipc_rpc_server_add(self->srv, &impl.base));
	rdesc_init(&self->r);
}

FIXTURE_TEARDOWN(raw)
{
	fastipc_rpc_server_destroy(self->srv);
}

TEST_F(raw, ops_hashes_and_the_describe_reply)
{
	struct fastipc_rpc_server *srv = self->srv;
	Fastipc__Rpc__Description *d;
	const Fastipc__Rpc__Method *m;
	unsigned int typed = srv->nmethods;
	size_t i, nodes = 0, ins = 0;
	int err = 0;

	ASSERT_EQ(0, fastipc_rpc_server_add_raw(srv, &self->r.d, raw_fn, NULL));
	ASSERT_EQ(typed + 1, srv->nmethods);
	EXPECT_STREQ("/r.Svc/Get", srv->methods[typed]->name);
	EXPECT_EQ(fastipc_rpc_hash_names("r.Svc", "Get", "r.In",
					 "scantest.Node"),
		  srv->methods[typed]->hash);
	d = (Fastipc__Rpc__Description *)
		frpc_unpack(&fastipc__rpc__description__descriptor, srv->desc,
			    srv->desc_len, 4, &err);
	ASSERT_NE(NULL, d);
	ASSERT_EQ(2, d->n_services);
	EXPECT_STREQ("scantest.Test", d->services[0]->name);
	EXPECT_STREQ("r.Svc", d->services[1]->name);
	m = d->services[1]->methods[0];
	EXPECT_EQ(FASTIPC_RPC_OP_BASE + typed, m->op);
	EXPECT_EQ(srv->methods[typed]->hash, m->hash);
	for (i = 0; i < d->n_types; i++) {
		nodes += !strcmp(d->types[i]->name, "scantest.Node");
		if (!strcmp(d->types[i]->name, "r.In")) {
			ins++;
			EXPECT_STREQ("r.In", d->types[i]->fields[1]->type_name);
		}
	}
	EXPECT_EQ(1, nodes);
	EXPECT_EQ(1, ins);
	fastipc__rpc__description__free_unpacked(d, NULL);
}

TEST_F(raw, what_cannot_be_served_is_refused)
{
	struct fastipc_rpc_server *srv = self->srv;
	unsigned int n = srv->nmethods;
	size_t len = srv->desc_len;
	struct rdesc *r = &self->r;

	EXPECT_EQ(-EINVAL, fastipc_rpc_server_add_raw(NULL, &r->d, raw_fn, NULL));
	EXPECT_EQ(-EINVAL, fastipc_rpc_server_add_raw(srv, &r->d, NULL, NULL));
	r->m.input_type = "";
	EXPECT_EQ(-EINVAL, fastipc_rpc_server_add_raw(srv, &r->d, raw_fn, NULL));
	r->m.input_type = ".r.In";
	EXPECT_EQ(-EINVAL, fastipc_rpc_server_add_raw(srv, &r->d, raw_fn, NULL));
	r->m.input_type = "r.In";
	r->f[0].type = 10;	/* group */
	EXPECT_EQ(-EINVAL, fastipc_rpc_server_add_raw(srv, &r->d, raw_fn, NULL));
	r->f[0].type = 13;
	r->f[1].number = 1;	/* twice */
	EXPECT_EQ(-EINVAL, fastipc_rpc_server_add_raw(srv, &r->d, raw_fn, NULL));
	r->f[1].number = 2;
	r->s[1].name = "r.Svc";	/* listed twice */
	r->d.n_services = 2;
	EXPECT_EQ(-EEXIST, fastipc_rpc_server_add_raw(srv, &r->d, raw_fn, NULL));
	r->s[1].name = "scantest.Test";	/* served, typed */
	EXPECT_EQ(-EEXIST, fastipc_rpc_server_add_raw(srv, &r->d, raw_fn, NULL));
	EXPECT_EQ(n, srv->nmethods);
	EXPECT_EQ(len, srv->desc_len);
	EXPECT_EQ(0, srv->nraws);
	r->d.n_services = 1;
	ASSERT_EQ(0, fastipc_rpc_server_add_raw(srv, &r->d, raw_fn, NULL));
	EXPECT_EQ(-EEXIST, fastipc_rpc_server_add_raw(srv, &r->d, raw_fn, NULL));
}

TEST_F(raw, requests_are_checked_against_the_schema)
{
	const ProtobufCMessageDescriptor *in;
	struct fastipc_rpc_ctx ctx;
	static const uint8_t good[] = { 0x08, 0x05, 0x12, 0x02, 0x08, 0x01 };
	static const uint8_t wrong[] = { 0x0a, 0x00 };	/* a as bytes */
	static const uint8_t deep[] = { 0x12, 0x04, 0x12, 0x02, 0x12, 0x00 };

	ASSERT_EQ(0, fastipc_rpc_server_add_raw(self->srv, &self->r.d, raw_fn,
						NULL));
	in = self->srv->methods[self->srv->nmethods - 1]->check;
	EXPECT_STREQ("r.In", in->name);
	EXPECT_EQ(0, frpc_validate(in, good, sizeof(good), 3));
	EXPECT_EQ(-EBADMSG, frpc_validate(in, wrong, sizeof(wrong), 3));
	EXPECT_EQ(-ELOOP, frpc_validate(in, deep, sizeof(deep), 3));
	EXPECT_EQ(0, frpc_validate(in, deep, sizeof(deep), 4));
	/* reply_raw is for raw methods' calls only */
	memset(&ctx, 0, sizeof(ctx));
	ctx.magic = FRPC_CTX_MAGIC;
	ctx.m = self->srv->methods[0];
	EXPECT_EQ(-EINVAL, fastipc_rpc_ctx_reply_raw(&ctx, "x", 1));
	EXPECT_EQ(-EINVAL, fastipc_rpc_ctx_reply_raw(NULL, NULL, 0));
}

TEST_HARNESS_MAIN
