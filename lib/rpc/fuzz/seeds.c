// SPDX-License-Identifier: GPL-2.0
/*
 * seeds DIR: write rpc_fuzz's seed corpus into DIR, one file per input
 * (the first byte picks the target, as rpc_fuzz.c says): well-formed
 * requests of every field type, node chains around the depth limit, and
 * the description a server of scantest.Test would send. Generated at
 * build time so that no binary blob is committed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server-int.h"
#include "scantest.pb-c.h"

static const char *dir;
static unsigned int nseeds;

static void put_seed(uint8_t mode, const void *pre, size_t prelen,
		     const void *data, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/seed-%03u", dir, nseeds++);
	f = fopen(path, "wb");
	if (!f || fwrite(&mode, 1, 1, f) != 1 ||
	    (prelen && fwrite(pre, prelen, 1, f) != 1) ||
	    (len && fwrite(data, len, 1, f) != 1) || fclose(f)) {
		perror(path);
		exit(1);
	}
}

static void put_msg(uint8_t mode, const void *pre, size_t prelen,
		    const ProtobufCMessage *m)
{
	size_t len = protobuf_c_message_get_packed_size(m);
	uint8_t *buf = malloc(len + 1);

	if (!buf)
		exit(1);
	protobuf_c_message_pack(m, buf);
	put_seed(mode, pre, prelen, buf, len);
	free(buf);
}

static void all_seeds(void)
{
	static int32_t r_i32[] = { 1, -1, 300 };
	static int64_t r_s64[] = { -2, 1LL << 40 };
	static uint32_t r_f32[] = { 7, 9 };
	static double r_db[] = { 0.5 };
	static protobuf_c_boolean r_b[] = { 1, 0 };
	static Scantest__Color r_color[] = { SCANTEST__COLOR__GREEN };
	static char *r_s[] = { "x", "" };
	static uint32_t r_u32[] = { 5, 1000 };
	Scantest__All a = SCANTEST__ALL__INIT;
	Scantest__Inner in = SCANTEST__INNER__INIT, *r_inner[1] = { &in };
	Scantest__All__MEntry e = SCANTEST__ALL__MENTRY__INIT, *es[1] = { &e };
	struct fastipc_rpc_req_hdr h = { .magic = FASTIPC_RPC_REQ_MAGIC,
					 .deadline_ns = FASTIPC_TIMEOUT_INF };

	put_msg(1, NULL, 0, &a.base);	/* empty */
	in.v = 3;
	in.data.data = (uint8_t *)"ab";
	in.data.len = 2;
	a.i32 = -7, a.i64 = -1, a.u32 = 8, a.u64 = 1ULL << 63;
	a.s32 = -9, a.s64 = 10, a.f32 = 11, a.f64 = 12, a.sf32 = -13;
	a.sf64 = -14, a.fl = 1.5f, a.db = 2.5, a.b = 1, a.s = "str";
	a.by.data = (uint8_t *)"\0\1", a.by.len = 2;
	a.color = SCANTEST__COLOR__BLUE, a.inner = &in;
	a.n_r_i32 = 3, a.r_i32 = r_i32, a.n_r_s64 = 2, a.r_s64 = r_s64;
	a.n_r_f32 = 2, a.r_f32 = r_f32, a.n_r_db = 1, a.r_db = r_db;
	a.n_r_b = 2, a.r_b = r_b, a.n_r_color = 1, a.r_color = r_color;
	a.n_r_s = 2, a.r_s = r_s, a.n_r_inner = 1, a.r_inner = r_inner;
	a.n_r_u32_unpacked = 2, a.r_u32_unpacked = r_u32;
	e.key = "k", e.value = &in;
	a.n_m = 1, a.m = es;
	a.choice_case = SCANTEST__ALL__CHOICE_C_S, a.c_s = "one";
	a.top = 5;
	put_msg(1, NULL, 0, &a.base);
	put_msg(2, NULL, 0, &a.base);
	h.method_hash = fastipc_rpc_hash("scantest.Test",
					 &scantest__test__descriptor.methods[0]);
	put_msg(0, &h, sizeof(h), &a.base);
	a.choice_case = SCANTEST__ALL__CHOICE_C_INNER, a.c_inner = &in;
	put_msg(1, NULL, 0, &a.base);
}

static void node_seeds(void)
{
	static const uint8_t depths[] = { 1, 4, 7, 12 };
	Scantest__Node n[12];
	uint8_t limit;
	size_t i;

	for (i = 0; i < 12; i++) {
		scantest__node__init(&n[i]);
		n[i].v = (int32_t)i;
		n[i].child = i < 11 ? &n[i + 1] : NULL;
	}
	/* a chain of d nodes (n[12 - d] .. n[11]) at limit d and d - 1 */
	for (i = 0; i < sizeof(depths); i++) {
		limit = depths[i];
		put_msg(3, &limit, 1, &n[12 - depths[i]].base);
		limit = (uint8_t)(depths[i] - 1);
		if (limit)
			put_msg(3, &limit, 1, &n[12 - depths[i]].base);
	}
}

static void svc_echo(Scantest__Test_Service *s, const Scantest__All *in,
		     Scantest__All_Closure closure, void *data)
{
	(void)s;
	closure(in, data);
}

static void svc_walk(Scantest__Test_Service *s, const Scantest__Node *in,
		     Scantest__Node_Closure closure, void *data)
{
	(void)s;
	closure(in, data);
}

static void svc_missing(Scantest__Test_Service *s, const Scantest__Inner *in,
			Scantest__Color2_Closure closure, void *data)
{
	(void)s, (void)in;
	closure(NULL, data);
}

static void describe_seed(void)
{
	Scantest__Test_Service impl = SCANTEST__TEST__INIT(svc_);
	struct fastipc_rpc_server *srv = calloc(1, sizeof(*srv));

	if (!srv || frpc_describe_build(srv) ||
	    fastipc_rpc_server_add(srv, &impl.base)) {
		fprintf(stderr, "seeds: describe failed\n");
		exit(1);
	}
	put_seed(4, NULL, 0, srv->desc, srv->desc_len);
	fastipc_rpc_server_destroy(srv);
}

/* An RPC2 request body (mode 5) and its metadata alone (mode 6). */
static void md_seeds(void)
{
	const struct fastipc_rpc_md md[] = {
		{ "x-fastipc-peer", "ipv4:127.0.0.1:50051" },
		{ "x-fastipc-peer-uid", "1000" },
	};
	uint8_t buf[256] = { 0 };
	struct fastipc_rpc_md_hdr mh = { 0 };
	size_t n, off;
	char why[128];

	if (frpc_md_size(md, 2, &n, why, sizeof(why)) || n > 128) {
		fprintf(stderr, "seeds: metadata: %s\n", why);
		exit(1);
	}
	mh.md_len = (uint32_t)n;
	memcpy(buf, &mh, sizeof(mh));
	frpc_md_pack(md, 2, buf + sizeof(mh));
	off = frpc_md_offset(n) - FRPC_HDR_LEN;
	memcpy(buf + off, "\x08\x07", 2);	/* All.i32 = 7 */
	put_seed(5, NULL, 0, buf, off + 2);
	put_seed(6, NULL, 0, buf + sizeof(mh), n);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	dir = argv[1];
	all_seeds();
	node_seeds();
	describe_seed();
	md_seeds();
	printf("%u seeds in %s\n", nseeds, dir);
	return 0;
}
