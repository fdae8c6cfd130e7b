// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for libfastipc-rpc's request decoder: arbitrary bytes
 * through the path a server's pool thread runs on a method op's payload
 * (frpc_decode(): header, signature hash, size bound, private copy,
 * frpc_validate(), protobuf-c's unpack), and through frpc_unpack() of the
 * describe reply's type, which a client unpacks from a server.
 *
 * The first input byte picks the target (and the rest is the payload):
 *   0: the raw payload of a call to Echo(scantest.All), header included;
 *   1: a scantest.All after a correct header (so that the body is
 *      reached without guessing the hash), private memory;
 *   2: as 1, but marked shared (the decoder's copy);
 *   3: a scantest.Node chain for Walk, with max_depth from byte 1 (1..64);
 *   4: a fastipc.rpc.Description, max_depth 4 and 32;
 *   5: an "RPC2" request to Echo: a correct header, then md_hdr, the
 *      metadata, padding and the message as the input has them;
 *   6: packed fastipc.rpc.Metadata through the server's parser.
 * Oracles beyond the sanitizers: whatever decodes packs again to bytes
 * frpc_validate() accepts at the same depth, and the decoder always sets
 * a status (a code, a message naming the method) when it refuses, and
 * every metadata entry it accepts keeps the key and value rule.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "server-int.h"
#include "scantest.pb-c.h"

static struct fastipc_rpc_server srv;
static struct frpc_method echo_m, walk_m;

static void setup(void)
{
	static int done;

	if (done)
		return;
	done = 1;
	srv.max_depth = FASTIPC_RPC_DEPTH_DEFAULT;
	srv.max_message = 1 << 20;
	echo_m.srv = &srv;
	echo_m.md = &scantest__test__descriptor.methods[0];
	echo_m.name = "/scantest.Test/Echo";
	echo_m.hash = fastipc_rpc_hash("scantest.Test", echo_m.md);
	walk_m = echo_m;
	walk_m.index = 1;
	walk_m.md = &scantest__test__descriptor.methods[1];
	walk_m.name = "/scantest.Test/Walk";
	walk_m.hash = fastipc_rpc_hash("scantest.Test", walk_m.md);
}

/* A packed copy of @m must validate again (what protobuf-c makes is valid). */
static void repack_check(const ProtobufCMessage *m, unsigned int depth)
{
	size_t len = protobuf_c_message_get_packed_size(m);
	uint8_t *buf = malloc(len ? len : 1);

	if (!buf)
		return;
	if (protobuf_c_message_pack(m, buf) != len ||
	    frpc_validate(m->descriptor, buf, len, depth))
		abort();
	free(buf);
}

/* Accepted metadata keep the rule; then they are freed. */
static void md_check(Fastipc__Rpc__Metadata *md)
{
	size_t i;

	if (!md)
		return;
	if (md->n_entries > FASTIPC_RPC_MD_ENTRIES_MAX)
		abort();
	for (i = 0; i < md->n_entries; i++)
		if (!frpc_md_key_ok(md->entries[i]->key) ||
		    !frpc_utf8_ok(md->entries[i]->value))
			abort();
	protobuf_c_message_free_unpacked(&md->base, NULL);
}

static void decode(const struct frpc_method *m, const uint8_t *data,
		   size_t len, bool shared)
{
	struct fastipc_rpc_ctx ctx = {
		.magic = FRPC_CTX_MAGIC,
		.m = m,
		.status = -1,
	};
	ProtobufCMessage *in = frpc_decode(&ctx, data, len, shared);

	md_check(ctx.md);
	if (in) {
		repack_check(in, srv.max_depth);
		protobuf_c_message_free_unpacked(in, NULL);
		return;
	}
	if (ctx.status <= 0 || ctx.status > FASTIPC_RPC_CODE_MAX ||
	    !strstr(ctx.msg, m->name) || strlen(ctx.msg) != ctx.msg_len)
		abort();
}

/* The payload @body after a correct header for @m. */
static void decode_body(const struct frpc_method *m, const uint8_t *body,
			size_t len, bool shared, uint32_t magic)
{
	struct fastipc_rpc_req_hdr h = {
		.magic = magic,
		.method_hash = m->hash,
		.deadline_ns = FASTIPC_TIMEOUT_INF,
	};
	uint8_t *buf = malloc(sizeof(h) + len);

	if (!buf)
		return;
	memcpy(buf, &h, sizeof(h));
	if (len)
		memcpy(buf + sizeof(h), body, len);
	decode(m, buf, sizeof(h) + len, shared);
	free(buf);
}

static void describe(const uint8_t *data, size_t len, unsigned int depth)
{
	const ProtobufCMessageDescriptor *d =
		&fastipc__rpc__description__descriptor;
	ProtobufCMessage *m;
	int err = 0;

	m = frpc_unpack(d, data, len, depth, &err);
	if (m) {
		repack_check(m, depth);
		protobuf_c_message_free_unpacked(m, NULL);
	} else if (err != -EBADMSG && err != -ELOOP && err != -ENOMEM) {
		abort();
	}
}

static void md_parse(const uint8_t *data, size_t len)
{
	Fastipc__Rpc__Metadata *md;
	char why[256];
	int ret = frpc_md_parse(data, len, &md, why, sizeof(why));

	if (ret ? md != NULL || !why[0] : md == NULL)
		abort();
	md_check(md);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned int depth;

	setup();
	if (size < 1)
		return 0;
	switch (data[0] % 7) {
	case 0:
		decode(&echo_m, data + 1, size - 1, false);
		break;
	case 1:
	case 2:
		decode_body(&echo_m, data + 1, size - 1, data[0] % 7 == 2,
			    FASTIPC_RPC_REQ_MAGIC);
		break;
	case 3:
		if (size < 2)
			return 0;
		depth = srv.max_depth;
		srv.max_depth = 1 + data[1] % 64;
		decode_body(&walk_m, data + 2, size - 2, false,
			    FASTIPC_RPC_REQ_MAGIC);
		srv.max_depth = depth;
		break;
	case 4:
		describe(data + 1, size - 1, 4);
		describe(data + 1, size - 1, 32);
		break;
	case 5:
		decode_body(&echo_m, data + 1, size - 1, size & 1,
			    FASTIPC_RPC_REQ_MAGIC_MD);
		break;
	default:
		md_parse(data + 1, size - 1);
		break;
	}
	return 0;
}
