// SPDX-License-Identifier: GPL-2.0
/*
 * Description: request metadata without a kernel (md.c and the "RPC2"
 * path of sdispatch.c's frpc_decode(), on a server struct made here):
 *  - the client's check and packing, and the server's parse, round trip
 *    entries in order (ctx_md() by key, the first of a repeated key;
 *    ctx_md_at() in order, -ENOENT past the end);
 *  - both ends refuse a key outside [a-z0-9-_.] or longer than 128
 *    bytes, an empty key, a value that is not UTF-8, more than
 *    FASTIPC_RPC_MD_ENTRIES_MAX entries, more than FASTIPC_RPC_MD_MAX
 *    bytes; the server also a non-zero md_hdr.resv, metadata or headers
 *    cut short, non-zero padding and malformed bytes, each
 *    INVALID_ARGUMENT counted in bad_requests, shared or not.
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

FIXTURE(md) {
	struct fastipc_rpc_server *srv;
	struct fastipc_rpc_ctx ctx;
	char why[256];
};

FIXTURE_SETUP(md)
{
	self->srv = calloc(1, sizeof(*self->srv));
	ASSERT_NE(NULL, self->srv);
	self->srv->max_depth = FASTIPC_RPC_DEPTH_DEFAULT;
	self->srv->max_message = FASTIPC_RPC_SERVER_MAX_MESSAGE_DEFAULT;
	ASSERT_EQ(0, frpc_describe_build(self->srv));
	ASSERT_EQ(0, fastipc_rpc_server_add(self->srv, &impl.base));
}

FIXTURE_TEARDOWN(md)
{
	if (self->ctx.md)
		protobuf_c_message_free_unpacked(&self->ctx.md->base, NULL);
	self->ctx.md = NULL;
	fastipc_rpc_server_destroy(self->srv);
}

/*
 * An RPC2 request to method 0 in @buf: header, md_hdr {@md_len, @resv},
 * @n bytes of @md, padding (@pad in its first byte), message "\x08\x07".
 * Return: its length less @cut.
 */
static size_t rpc2(const struct frpc_method *m, uint8_t *buf,
		   uint32_t md_len, uint32_t resv, const void *md, size_t n,
		   uint8_t pad, size_t cut)
{
	struct fastipc_rpc_req_hdr h = {
		.magic = FASTIPC_RPC_REQ_MAGIC_MD,
		.method_hash = m->hash,
		.deadline_ns = FASTIPC_TIMEOUT_INF,
	};
	struct fastipc_rpc_md_hdr mh = { .md_len = md_len, .resv = resv };
	size_t off = frpc_md_offset(n);

	memset(buf, 0, off + 2);
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + 16, &mh, sizeof(mh));
	memcpy(buf + 24, md, n);
	if (pad && off > 24 + n)
		buf[24 + n] = pad;
	memcpy(buf + off, "\x08\x07", 2);
	return off + 2 - cut;
}

static ProtobufCMessage *decode(struct fastipc_rpc_ctx *ctx,
				const struct frpc_method *m,
				const uint8_t *buf, size_t len, bool shared)
{
	if (ctx->md)
		protobuf_c_message_free_unpacked(&ctx->md->base, NULL);
	memset(ctx, 0, sizeof(*ctx));
	ctx->magic = FRPC_CTX_MAGIC;
	ctx->m = m;
	return frpc_decode(ctx, buf, len, shared);
}

TEST_F(md, round_trip_in_order)
{
	const struct fastipc_rpc_md in[] = {
		{ "x-b", "2" }, { "x-a", "één" }, { "x-b", "again" },
		{ "k.e_y-9", "" },
	};
	uint8_t packed[FASTIPC_RPC_MD_MAX], buf[FASTIPC_RPC_MD_MAX + 64];
	const char *k, *v;
	ProtobufCMessage *msg;
	size_t n, len;
	int shared;

	ASSERT_EQ(0, frpc_md_size(in, 4, &n, self->why, sizeof(self->why)));
	ASSERT_LT(0, n);
	frpc_md_pack(in, 4, packed);
	for (shared = 0; shared < 2; shared++) {
		len = rpc2(self->srv->methods[0], buf, n, 0, packed, n, 0, 0);
		msg = decode(&self->ctx, self->srv->methods[0], buf, len,
			     shared);
		ASSERT_NE(NULL, msg) TH_LOG("%s", self->ctx.msg);
		EXPECT_EQ(7, ((Scantest__All *)msg)->i32);
		protobuf_c_message_free_unpacked(msg, NULL);
		EXPECT_STREQ("2", fastipc_rpc_ctx_md(&self->ctx, "x-b"));
		EXPECT_STREQ("één", fastipc_rpc_ctx_md(&self->ctx, "x-a"));
		EXPECT_STREQ("", fastipc_rpc_ctx_md(&self->ctx, "k.e_y-9"));
		EXPECT_EQ(NULL, fastipc_rpc_ctx_md(&self->ctx, "x-c"));
		ASSERT_EQ(0, fastipc_rpc_ctx_md_at(&self->ctx, 2, &k, &v));
		EXPECT_STREQ("x-b", k);
		EXPECT_STREQ("again", v);
		EXPECT_EQ(-ENOENT, fastipc_rpc_ctx_md_at(&self->ctx, 4, &k, &v));
	}
	/* RPC2 with no metadata at all is fine; RPC1 has none */
	len = rpc2(self->srv->methods[0], buf, 0, 0, "", 0, 0, 0);
	msg = decode(&self->ctx, self->srv->methods[0], buf, len, false);
	ASSERT_NE(NULL, msg);
	protobuf_c_message_free_unpacked(msg, NULL);
	EXPECT_EQ(-ENOENT, fastipc_rpc_ctx_md_at(&self->ctx, 0, &k, &v));
	EXPECT_EQ(NULL, fastipc_rpc_ctx_md(NULL, "x"));
}

TEST_F(md, client_refuses_what_breaks_the_rule)
{
	static char big[FASTIPC_RPC_MD_MAX];
	struct fastipc_rpc_md many[FASTIPC_RPC_MD_ENTRIES_MAX + 1];
	char k128[129], k129[130];
	const char *bad[] = { "", "Upper", "a b", "a:b", "é", "x\x7f", NULL };
	struct fastipc_rpc_md e;
	size_t n, i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		e = (struct fastipc_rpc_md){ bad[i], "v" };
		EXPECT_EQ(-EINVAL, frpc_md_size(&e, 1, &n, self->why,
						sizeof(self->why)));
	}
	memset(k128, 'k', 128);
	k128[128] = '\0';
	memset(k129, 'k', 129);
	k129[129] = '\0';
	e = (struct fastipc_rpc_md){ k128, "v" };
	EXPECT_EQ(0, frpc_md_size(&e, 1, &n, self->why, sizeof(self->why)));
	e = (struct fastipc_rpc_md){ k129, "v" };
	EXPECT_EQ(-EINVAL, frpc_md_size(&e, 1, &n, self->why,
					sizeof(self->why)));
	/* not UTF-8: a stray continuation, overlong, a surrogate, NULL */
	const char *vals[] = { "\x80", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
			       "a\xe2\x82", NULL };
	for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		e = (struct fastipc_rpc_md){ "x", vals[i] };
		EXPECT_EQ(-EINVAL, frpc_md_size(&e, 1, &n, self->why,
						sizeof(self->why)))
			TH_LOG("value %zu", i);
	}
	for (i = 0; i <= FASTIPC_RPC_MD_ENTRIES_MAX; i++)
		many[i] = (struct fastipc_rpc_md){ "x", "v" };
	EXPECT_EQ(0, frpc_md_size(many, FASTIPC_RPC_MD_ENTRIES_MAX, &n,
				  self->why, sizeof(self->why)));
	EXPECT_EQ(-E2BIG, frpc_md_size(many, FASTIPC_RPC_MD_ENTRIES_MAX + 1,
				       &n, self->why, sizeof(self->why)));
	memset(big, 'v', sizeof(big) - 1);
	e = (struct fastipc_rpc_md){ "x", big };
	EXPECT_EQ(-E2BIG, frpc_md_size(&e, 1, &n, self->why,
				       sizeof(self->why)));
	EXPECT_NE(NULL, strstr(self->why, "FASTIPC_RPC_MD_MAX"));
	EXPECT_EQ(-EINVAL, frpc_md_size(NULL, 1, &n, self->why,
					sizeof(self->why)));
}

/* Packed Metadata of @n entries {@key, @value}, unchecked, into @out. */
static size_t pack_raw(const char *key, const char *value, unsigned int n,
		       uint8_t *out)
{
	Fastipc__Rpc__MetadataEntry e[80], *ep[80];
	Fastipc__Rpc__Metadata m = FASTIPC__RPC__METADATA__INIT;
	unsigned int i;

	for (i = 0; i < n; i++) {
		fastipc__rpc__metadata_entry__init(&e[i]);
		e[i].key = (char *)key;
		e[i].value = (char *)value;
		ep[i] = &e[i];
	}
	m.n_entries = n;
	m.entries = ep;
	return fastipc__rpc__metadata__pack(&m, out);
}

TEST_F(md, server_refuses_each_bad_request)
{
	static uint8_t md[2 * FASTIPC_RPC_MD_MAX], buf[3 * FASTIPC_RPC_MD_MAX];
	static char big[FASTIPC_RPC_MD_MAX];
	const struct frpc_method *m = self->srv->methods[0];
	static const uint8_t junk[] = { 0x0a, 0x7f, 0x01 };
	uint64_t bad0 = atomic_load(&self->srv->cnt.bad_requests);
	unsigned int i;
	size_t n;

	n = pack_raw("x-ok", "v", 1, md);
	/* one at a time: each builds its request in buf */
#define REFUSE(len, what) do {						\
		EXPECT_EQ(NULL, decode(&self->ctx, m, buf, (len), i & 1));	\
		EXPECT_EQ(FASTIPC_RPC_INVALID_ARGUMENT, self->ctx.status)	\
			TH_LOG("%s: %s", what, self->ctx.msg);		\
		EXPECT_EQ(NULL, self->ctx.md);				\
		i++;							\
	} while (0)
	i = 0;
	REFUSE(rpc2(m, buf, n, 1, md, n, 0, 0), "resv");
	REFUSE(rpc2(m, buf, FASTIPC_RPC_MD_MAX + 1, 0, md, n, 0, 0), "md_len");
	REFUSE(rpc2(m, buf, n + 64, 0, md, n, 0, 0), "md past the end");
	REFUSE(rpc2(m, buf, n, 0, md, n, 0, 3), "cut in the padding");
	REFUSE(rpc2(m, buf, 0, 0, md, 0, 0, 2 + 4), "cut in md_hdr");
	REFUSE(rpc2(m, buf, n, 0, md, n, 0x55, 0), "padding");
	REFUSE(rpc2(m, buf, sizeof(junk), 0, junk, sizeof(junk), 0, 0),
	       "malformed");
	n = pack_raw("Bad", "v", 1, md);
	REFUSE(rpc2(m, buf, n, 0, md, n, 0, 0), "key");
	n = pack_raw("", "v", 1, md);
	REFUSE(rpc2(m, buf, n, 0, md, n, 0, 0), "empty key");
	n = pack_raw("x", "\xc0\xaf", 1, md);
	REFUSE(rpc2(m, buf, n, 0, md, n, 0, 0), "value");
	n = pack_raw("x", "v", FASTIPC_RPC_MD_ENTRIES_MAX + 1, md);
	REFUSE(rpc2(m, buf, n, 0, md, n, 0, 0), "too many");
	memset(big, 'v', sizeof(big) - 1);
	n = pack_raw("x", big, 1, md);
	ASSERT_LT(FASTIPC_RPC_MD_MAX, n);
	REFUSE(rpc2(m, buf, n, 0, md, n, 0, 0), "too big");
	EXPECT_EQ(bad0 + i, atomic_load(&self->srv->cnt.bad_requests));
	EXPECT_EQ(12, i);
	/* padding is reached by the cut case only when there is padding */
	n = pack_raw("x-ok", "v", 1, md);
	EXPECT_NE(0, frpc_md_offset(n) - (24 + n));
}

TEST_HARNESS_MAIN
