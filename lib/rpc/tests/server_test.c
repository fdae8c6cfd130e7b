// SPDX-License-Identifier: GPL-2.0
/*
 * Description: fastipc_rpc_server_add() builds the method table and the
 * describe reply without a kernel (a server struct made here, no
 * libfastipc server): methods with a NULL generated handler are neither
 * served nor described, ops follow the order of adding, a second service
 * of one name is -EEXIST, more than FASTIPC_RPC_METHODS_MAX methods is
 * -E2BIG and leaves the server as it was, an add while running is
 * -EBUSY; the packed fastipc.rpc.Description lists the services, the
 * served methods with op and signature hash, and every reachable message
 * and enum type once, with FieldDescriptorProto's label and type
 * numbers. The call-context accessors refuse what is not a context.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "server-int.h"
#include "scantest_svc.h"

/* A service with its own invoke: the library cannot see its slots. */
static void own_invoke(ProtobufCService *s, unsigned int i,
		       const ProtobufCMessage *in, ProtobufCClosure closure,
		       void *data)
{
	(void)s, (void)i, (void)in;
	closure(NULL, data);
}

static struct fastipc_rpc_server *fake_server(void)
{
	struct fastipc_rpc_server *srv = calloc(1, sizeof(*srv));

	if (srv) {
		srv->max_depth = FASTIPC_RPC_DEPTH_DEFAULT;
		srv->max_message = FASTIPC_RPC_SERVER_MAX_MESSAGE_DEFAULT;
		if (frpc_describe_build(srv)) {
			free(srv);
			srv = NULL;
		}
	}
	return srv;
}

static Fastipc__Rpc__Description *described(struct fastipc_rpc_server *srv)
{
	int err = 0;

	return (Fastipc__Rpc__Description *)
		frpc_unpack(&fastipc__rpc__description__descriptor, srv->desc,
			    srv->desc_len, 4, &err);
}

static const Fastipc__Rpc__MessageType *
find_type(const Fastipc__Rpc__Description *d, const char *name,
	  unsigned int *count)
{
	const Fastipc__Rpc__MessageType *t = NULL;
	size_t i;

	*count = 0;
	for (i = 0; i < d->n_types; i++) {
		if (!strcmp(d->types[i]->name, name)) {
			t = d->types[i];
			(*count)++;
		}
	}
	return t;
}

static const Fastipc__Rpc__Field *find_field(const Fastipc__Rpc__MessageType *t,
					     const char *name)
{
	size_t i;

	for (i = 0; t && i < t->n_fields; i++)
		if (!strcmp(t->fields[i]->name, name))
			return t->fields[i];
	return NULL;
}

FIXTURE(srv) {
	struct fastipc_rpc_server *srv;
	Scantest__Test_Service impl;
};

FIXTURE_SETUP(srv)
{
	Scantest__Test_Service impl = {
		SCANTEST__TEST__BASE_INIT, echo, walk, NULL /* missing */
	};

	self->impl = impl;
	self->srv = fake_server();
	ASSERT_NE(NULL, self->srv);
}

FIXTURE_TEARDOWN(srv)
{
	fastipc_rpc_server_destroy(self->srv);
}

TEST_F(srv, null_handlers_are_not_served)
{
	struct fastipc_rpc_server *srv = self->srv;

	ASSERT_EQ(0, fastipc_rpc_server_add(srv, &self->impl.base));
	ASSERT_EQ(2, srv->nmethods);
	ASSERT_STREQ("/scantest.Test/Echo", srv->methods[0]->name);
	ASSERT_STREQ("/scantest.Test/Walk", srv->methods[1]->name);
	ASSERT_EQ(0, srv->methods[0]->index);
	ASSERT_EQ(1, srv->methods[1]->index);
	ASSERT_EQ(NULL, srv->methods[2]);
	ASSERT_EQ(fastipc_rpc_hash("scantest.Test",
				   &scantest__test__descriptor.methods[1]),
		  srv->methods[1]->hash);
}

TEST_F(srv, describe_lists_served_methods_and_reachable_types)
{
	const Fastipc__Rpc__MessageType *all, *t;
	const Fastipc__Rpc__Field *f;
	Fastipc__Rpc__Description *d;
	const Fastipc__Rpc__Service *s;
	unsigned int n;

	ASSERT_EQ(0, fastipc_rpc_server_add(self->srv, &self->impl.base));
	d = described(self->srv);
	ASSERT_NE(NULL, d);
	ASSERT_EQ(FASTIPC_RPC_WIRE_VERSION, d->version);
	ASSERT_EQ(1, d->n_services);
	s = d->services[0];
	ASSERT_STREQ("scantest.Test", s->name);
	ASSERT_EQ(2, s->n_methods);
	ASSERT_STREQ("Echo", s->methods[0]->name);
	ASSERT_EQ(FASTIPC_RPC_OP_BASE, s->methods[0]->op);
	ASSERT_STREQ("scantest.All", s->methods[0]->input_type);
	ASSERT_STREQ("scantest.All", s->methods[0]->output_type);
	ASSERT_EQ(self->srv->methods[0]->hash, s->methods[0]->hash);
	ASSERT_STREQ("Walk", s->methods[1]->name);
	ASSERT_EQ(FASTIPC_RPC_OP_BASE + 1, s->methods[1]->op);
	ASSERT_STREQ("scantest.Node", s->methods[1]->input_type);

	/* All, Inner, the map entry, Node: each once; not Missing's types */
	ASSERT_EQ(4, d->n_types);
	all = find_type(d, "scantest.All", &n);
	ASSERT_EQ(1, n);
	find_type(d, "scantest.Inner", &n);
	ASSERT_EQ(1, n);
	find_type(d, "scantest.All.MEntry", &n);
	ASSERT_EQ(1, n);
	t = find_type(d, "scantest.Node", &n);
	ASSERT_EQ(1, n);
	ASSERT_EQ(2, t->n_fields);
	find_type(d, "scantest.Color2", &n);
	ASSERT_EQ(0, n);
	ASSERT_EQ(1, d->n_enums);
	ASSERT_STREQ("scantest.Color", d->enums[0]->name);
	ASSERT_EQ(3, d->enums[0]->n_values);
	ASSERT_STREQ("BLUE", d->enums[0]->values[2]->name);
	ASSERT_EQ(2, d->enums[0]->values[2]->number);

	ASSERT_EQ(scantest__all__descriptor.n_fields, all->n_fields);
	f = find_field(all, "r_i32");
	ASSERT_NE(NULL, f);
	ASSERT_EQ(18, f->number);
	ASSERT_EQ(3, f->label);		/* LABEL_REPEATED */
	ASSERT_EQ(5, f->type);		/* TYPE_INT32 */
	ASSERT_TRUE(f->packed);
	f = find_field(all, "r_u32_unpacked");
	ASSERT_FALSE(f->packed);
	ASSERT_EQ(13, f->type);		/* TYPE_UINT32 */
	f = find_field(all, "s64");
	ASSERT_EQ(1, f->label);		/* proto3 singular: optional */
	ASSERT_EQ(18, f->type);		/* TYPE_SINT64 */
	ASSERT_FALSE(f->proto3_optional);
	f = find_field(all, "inner");
	ASSERT_EQ(11, f->type);		/* TYPE_MESSAGE */
	ASSERT_STREQ("scantest.Inner", f->type_name);
	f = find_field(all, "color");
	ASSERT_EQ(14, f->type);		/* TYPE_ENUM */
	ASSERT_STREQ("scantest.Color", f->type_name);
	f = find_field(all, "sf64");
	ASSERT_EQ(16, f->type);		/* TYPE_SFIXED64 */
	f = find_field(all, "db");
	ASSERT_EQ(1, f->type);		/* TYPE_DOUBLE */
	ASSERT_STREQ("", f->type_name);
	ASSERT_STREQ("", f->oneof);
	ASSERT_STREQ("oneof_0", find_field(all, "c_s")->oneof);
	ASSERT_STREQ("oneof_0", find_field(all, "c_inner")->oneof);
	ASSERT_EQ(536870911, find_field(all, "top")->number);
	protobuf_c_message_free_unpacked(&d->base, NULL);
}

TEST_F(srv, same_service_name_twice_is_eexist)
{
	Scantest__Test_Service other = self->impl;

	ASSERT_EQ(0, fastipc_rpc_server_add(self->srv, &self->impl.base));
	ASSERT_EQ(-EEXIST, fastipc_rpc_server_add(self->srv, &self->impl.base));
	ASSERT_EQ(-EEXIST, fastipc_rpc_server_add(self->srv, &other.base));
	ASSERT_EQ(2, self->srv->nmethods);
	ASSERT_EQ(1, self->srv->nservices);
}

TEST_F(srv, own_invoke_serves_every_method)
{
	ProtobufCService svc = {
		.descriptor = &scantest__test__descriptor,
		.invoke = own_invoke,
	};
	Fastipc__Rpc__Description *d;

	ASSERT_EQ(0, fastipc_rpc_server_add(self->srv, &svc));
	ASSERT_EQ(3, self->srv->nmethods);
	ASSERT_STREQ("/scantest.Test/Missing", self->srv->methods[2]->name);
	d = described(self->srv);
	ASSERT_NE(NULL, d);
	ASSERT_EQ(3, d->services[0]->n_methods);
	ASSERT_EQ(5, d->n_types);	/* now with Color2 */
	protobuf_c_message_free_unpacked(&d->base, NULL);
}

TEST_F(srv, bad_services_are_einval)
{
	ProtobufCServiceDescriptor bad = scantest__test__descriptor;
	ProtobufCService svc = { .descriptor = &bad, .invoke = own_invoke };

	ASSERT_EQ(-EINVAL, fastipc_rpc_server_add(self->srv, NULL));
	ASSERT_EQ(-EINVAL, fastipc_rpc_server_add(NULL, &self->impl.base));
	bad.magic = 0;
	ASSERT_EQ(-EINVAL, fastipc_rpc_server_add(self->srv, &svc));
	svc.descriptor = NULL;
	ASSERT_EQ(-EINVAL, fastipc_rpc_server_add(self->srv, &svc));
	svc.descriptor = &scantest__test__descriptor;
	svc.invoke = NULL;
	ASSERT_EQ(-EINVAL, fastipc_rpc_server_add(self->srv, &svc));
	ASSERT_EQ(0, self->srv->nmethods);
}

TEST_F(srv, add_while_running_is_ebusy)
{
	atomic_store(&self->srv->running, true);
	ASSERT_EQ(-EBUSY, fastipc_rpc_server_add(self->srv, &self->impl.base));
	atomic_store(&self->srv->running, false);
	ASSERT_EQ(0, fastipc_rpc_server_add(self->srv, &self->impl.base));
}

/* A service descriptor "big.S<id>" with @n methods taking Inner. */
static ProtobufCServiceDescriptor *big_desc(unsigned int n, int id)
{
	ProtobufCServiceDescriptor *d = calloc(1, sizeof(*d));
	ProtobufCMethodDescriptor *m = calloc(n, sizeof(*m));
	char *name = malloc(32), *names = malloc((size_t)n * 16);
	unsigned int i;

	if (!d || !m || !name || !names)
		return NULL;
	snprintf(name, 32, "big.S%d", id);
	for (i = 0; i < n; i++) {
		snprintf(names + i * 16, 16, "M%u", i);
		m[i].name = names + i * 16;
		m[i].input = &scantest__inner__descriptor;
		m[i].output = &scantest__inner__descriptor;
	}
	d->magic = PROTOBUF_C__SERVICE_DESCRIPTOR_MAGIC;
	d->name = name;
	d->n_methods = n;
	d->methods = m;
	return d;
}

static void big_free(ProtobufCServiceDescriptor *d)
{
	free((void *)d->methods[0].name);
	free((void *)d->methods);
	free((void *)d->name);
	free(d);
}

TEST_F(srv, more_than_methods_max_is_e2big)
{
	ProtobufCServiceDescriptor *a = big_desc(FASTIPC_RPC_METHODS_MAX - 1, 1);
	ProtobufCServiceDescriptor *b = big_desc(2, 2);
	ProtobufCServiceDescriptor *c = big_desc(1, 3);
	ProtobufCService sa = { .descriptor = a, .invoke = own_invoke };
	ProtobufCService sb = { .descriptor = b, .invoke = own_invoke };
	ProtobufCService sc = { .descriptor = c, .invoke = own_invoke };
	Fastipc__Rpc__Description *d;
	size_t before;

	ASSERT_NE(NULL, a);
	ASSERT_NE(NULL, b);
	ASSERT_NE(NULL, c);
	ASSERT_EQ(0, fastipc_rpc_server_add(self->srv, &sa));
	before = self->srv->desc_len;
	ASSERT_EQ(-E2BIG, fastipc_rpc_server_add(self->srv, &sb));
	ASSERT_EQ(FASTIPC_RPC_METHODS_MAX - 1, self->srv->nmethods);
	ASSERT_EQ(1, self->srv->nservices);
	ASSERT_EQ(before, self->srv->desc_len);
	ASSERT_EQ(0, fastipc_rpc_server_add(self->srv, &sc));	/* exactly full */
	ASSERT_EQ(FASTIPC_RPC_METHODS_MAX, self->srv->nmethods);
	d = described(self->srv);
	ASSERT_NE(NULL, d);
	ASSERT_EQ(2, d->n_services);
	ASSERT_EQ(FASTIPC_RPC_OP_BASE + FASTIPC_RPC_METHODS_MAX - 1,
		  d->services[1]->methods[0]->op);
	ASSERT_EQ(1, d->n_types);	/* Inner, once for 1024 methods */
	protobuf_c_message_free_unpacked(&d->base, NULL);
	ASSERT_EQ(-E2BIG, fastipc_rpc_server_add(self->srv, &self->impl.base));
	fastipc_rpc_server_destroy(self->srv);
	self->srv = NULL;
	big_free(a);
	big_free(b);
	big_free(c);
}

TEST_F(srv, stats_start_at_zero_and_check_size)
{
	struct {
		struct fastipc_rpc_server_stats st;
		uint64_t newer[2];
	} big;

	memset(&big, 0xff, sizeof(big));
	ASSERT_EQ(-EINVAL, fastipc_rpc_server_stats(self->srv, &big.st,
						    FASTIPC_RPC_SERVER_STATS_SIZE_VER0 - 1));
	ASSERT_EQ(0, fastipc_rpc_server_stats(self->srv, &big.st, sizeof(big)));
	ASSERT_EQ(0, big.st.calls);
	ASSERT_EQ(0, big.st.extra_replies);
	ASSERT_EQ(0, big.newer[1]);
	memset(&big, 0xff, sizeof(big));
	ASSERT_EQ(0, fastipc_rpc_server_stats(self->srv, &big.st,
					      FASTIPC_RPC_SERVER_STATS_SIZE_VER0));
	ASSERT_EQ(0, big.st.describes);
	ASSERT_EQ(UINT64_MAX, big.st.extra_replies);	/* not written */
}

/* A request for method @m: the header, then @len bytes of @msg. */
static uint8_t *request(const struct frpc_method *m, uint32_t magic,
			uint64_t deadline, const void *msg, size_t len,
			size_t *outlen)
{
	struct fastipc_rpc_req_hdr h = {
		.magic = magic,
		.method_hash = m->hash,
		.deadline_ns = deadline,
	};
	uint8_t *buf = malloc(sizeof(h) + len + 1);

	if (buf) {
		memcpy(buf, &h, sizeof(h));
		if (len)
			memcpy(buf + sizeof(h), msg, len);
	}
	*outlen = sizeof(h) + len;
	return buf;
}

static ProtobufCMessage *decode(struct fastipc_rpc_ctx *ctx,
				const struct frpc_method *m,
				const uint8_t *buf, size_t len, bool shared)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->magic = FRPC_CTX_MAGIC;
	ctx->m = m;
	return frpc_decode(ctx, buf, len, shared);
}

TEST_F(srv, request_path_refuses_bad_requests_with_their_status)
{
	struct fastipc_rpc_server *srv = self->srv;
	struct fastipc_rpc_server_stats st;
	struct fastipc_rpc_ctx ctx;
	const struct frpc_method *echo_m, *walk_m;
	uint8_t deep[64], *buf;
	ProtobufCMessage *in;
	size_t len, i;

	ASSERT_EQ(0, fastipc_rpc_server_add(srv, &self->impl.base));
	echo_m = srv->methods[0];
	walk_m = srv->methods[1];

	/* a good one, private and shared, with its deadline */
	buf = request(echo_m, FASTIPC_RPC_REQ_MAGIC, 5000000000ULL,
		      "\x08\x07", 2, &len);
	ASSERT_NE(NULL, buf);
	in = decode(&ctx, echo_m, buf, len, false);
	ASSERT_NE(NULL, in);
	ASSERT_EQ(7, ((Scantest__All *)in)->i32);
	ASSERT_NE(FASTIPC_TIMEOUT_INF, fastipc_rpc_ctx_deadline(&ctx));
	protobuf_c_message_free_unpacked(in, NULL);
	in = decode(&ctx, echo_m, buf, len, true);
	ASSERT_NE(NULL, in);
	protobuf_c_message_free_unpacked(in, NULL);
	free(buf);
	/* no deadline: none, whenever the handler asks */
	buf = request(echo_m, FASTIPC_RPC_REQ_MAGIC, FASTIPC_TIMEOUT_INF,
		      "\x08\x07", 2, &len);
	ASSERT_NE(NULL, buf);
	in = decode(&ctx, echo_m, buf, len, false);
	ASSERT_NE(NULL, in);
	EXPECT_EQ(FASTIPC_TIMEOUT_INF, fastipc_rpc_ctx_deadline(&ctx));
	protobuf_c_message_free_unpacked(in, NULL);

	/* shorter than the header */
	EXPECT_EQ(NULL, decode(&ctx, echo_m, buf, FRPC_HDR_LEN - 1, false));
	EXPECT_EQ(FASTIPC_RPC_INVALID_ARGUMENT, ctx.status);
	EXPECT_NE(NULL, strstr(ctx.msg, "/scantest.Test/Echo"));
	EXPECT_EQ(strlen(ctx.msg), ctx.msg_len);
	free(buf);

	/* bad magic */
	buf = request(echo_m, 0x12345678, FASTIPC_TIMEOUT_INF, "", 0, &len);
	EXPECT_EQ(NULL, decode(&ctx, echo_m, buf, len, false));
	EXPECT_EQ(FASTIPC_RPC_INVALID_ARGUMENT, ctx.status);
	EXPECT_NE(NULL, strstr(ctx.msg, "magic"));
	free(buf);

	/* another method's hash: a stale binding */
	buf = request(walk_m, FASTIPC_RPC_REQ_MAGIC, FASTIPC_TIMEOUT_INF, "",
		      0, &len);
	EXPECT_EQ(NULL, decode(&ctx, echo_m, buf, len, false));
	EXPECT_EQ(FASTIPC_RPC_FAILED_PRECONDITION, ctx.status);
	EXPECT_NE(NULL, strstr(ctx.msg, "stale binding"));
	free(buf);

	/* malformed message */
	buf = request(echo_m, FASTIPC_RPC_REQ_MAGIC, FASTIPC_TIMEOUT_INF,
		      "\x0b\x0c", 2, &len);
	EXPECT_EQ(NULL, decode(&ctx, echo_m, buf, len, true));
	EXPECT_EQ(FASTIPC_RPC_INVALID_ARGUMENT, ctx.status);
	EXPECT_NE(NULL, strstr(ctx.msg, "scantest.All"));
	free(buf);

	/* 33 Nodes deep: one more than the default max_depth */
	for (i = 0; i < 32; i++) {
		deep[2 * i] = 0x0a;
		deep[2 * i + 1] = (uint8_t)(2 * (31 - i));
	}
	buf = request(walk_m, FASTIPC_RPC_REQ_MAGIC, FASTIPC_TIMEOUT_INF,
		      deep, 64, &len);
	EXPECT_EQ(NULL, decode(&ctx, walk_m, buf, len, false));
	EXPECT_EQ(FASTIPC_RPC_INVALID_ARGUMENT, ctx.status);
	EXPECT_NE(NULL, strstr(ctx.msg, "deeper than 32"));
	in = decode(&ctx, walk_m, buf + 2, len - 2, false);	/* hdr cut */
	EXPECT_EQ(NULL, in);
	free(buf);
	buf = request(walk_m, FASTIPC_RPC_REQ_MAGIC, FASTIPC_TIMEOUT_INF,
		      deep + 2, 62, &len);
	in = decode(&ctx, walk_m, buf, len, true);	/* 32 deep is fine */
	EXPECT_NE(NULL, in);
	if (in)
		protobuf_c_message_free_unpacked(in, NULL);

	/* above max_message: refused without being read */
	srv->max_message = 61;
	EXPECT_EQ(NULL, decode(&ctx, walk_m, buf, len, true));
	EXPECT_EQ(FASTIPC_RPC_RESOURCE_EXHAUSTED, ctx.status);
	EXPECT_NE(NULL, strstr(ctx.msg, "max_message 61"));
	free(buf);

	ASSERT_EQ(0, fastipc_rpc_server_stats(srv, &st, sizeof(st)));
	EXPECT_EQ(6, st.bad_requests);	/* short, magic, stale, bad, deep, cut */
	EXPECT_EQ(1, st.too_large);
	EXPECT_EQ(0, st.calls);		/* counted by the dispatcher only */
}

TEST(create_checks_options_before_the_channel)
{
	struct fastipc_rpc_server_opts o = { .max_depth = FASTIPC_RPC_DEPTH_MAX };
	struct fastipc_rpc_server *srv = NULL;
	int p[2];

	ASSERT_EQ(0, pipe(p));
	/* a pipe is no channel: options that pass reach libfastipc */
	ASSERT_EQ(-ENOTTY, fastipc_rpc_server_create(p[0], 1, &o, &srv));
	o.max_depth = FASTIPC_RPC_DEPTH_MAX + 1;
	ASSERT_EQ(-EINVAL, fastipc_rpc_server_create(p[0], 1, &o, &srv));
	o.max_depth = 0;
	o.resv0 = 1;
	ASSERT_EQ(-EINVAL, fastipc_rpc_server_create(p[0], 1, &o, &srv));
	o.resv0 = 0;
	o.resv[3] = 1;
	ASSERT_EQ(-EINVAL, fastipc_rpc_server_create(p[0], 1, &o, &srv));
	ASSERT_EQ(-EINVAL, fastipc_rpc_server_create(p[0], 1, NULL, NULL));
	ASSERT_EQ(NULL, srv);
	close(p[0]);
	close(p[1]);
}

TEST(ctx_accessors_refuse_what_is_not_a_context)
{
	struct fastipc_rpc_ctx fake;
	uint32_t word = 0;

	memset(&fake, 0, sizeof(fake));
	ASSERT_EQ(NULL, fastipc_rpc_ctx_of(NULL));
	ASSERT_EQ(NULL, fastipc_rpc_ctx_of(&fake));
	ASSERT_EQ(NULL, fastipc_rpc_ctx_of(&word));
	fake.magic = FRPC_CTX_MAGIC;
	ASSERT_EQ(&fake, fastipc_rpc_ctx_of(&fake));
	ASSERT_EQ(-EINVAL, fastipc_rpc_ctx_set_status(&fake, FASTIPC_RPC_OK,
						      "x"));
	ASSERT_EQ(-EINVAL, fastipc_rpc_ctx_set_status(&fake, 17, "x"));
	ASSERT_EQ(-EINVAL, fastipc_rpc_ctx_set_status(NULL, 5, "x"));
	ASSERT_EQ(0, fastipc_rpc_ctx_set_status(&fake, FASTIPC_RPC_NOT_FOUND,
						"key %s", "k1"));
	ASSERT_EQ(FASTIPC_RPC_NOT_FOUND, fake.status);
	ASSERT_STREQ("key k1", fake.msg);
	ASSERT_EQ(6, fake.msg_len);
}

TEST_HARNESS_MAIN
