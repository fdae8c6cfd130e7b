// SPDX-License-Identifier: GPL-2.0
/*
 * Description: frpc_validate() and frpc_unpack(), libfastipc-rpc's wire
 * validator, accept what protobuf-c packs (every field type, packed and
 * unpacked repeated fields, maps, oneofs, unknown fields) and refuse,
 * with the right errno, what a hostile client sends instead: truncation
 * at every byte offset, an 11-byte varint, lengths past the end, wrong
 * and group wire types, field number 0, bad packed payloads, and nesting
 * one deeper than max_depth (a self-recursive type, also 200000 deep,
 * which protobuf-c alone would recurse through).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "rpc-int.h"
#include "scantest.pb-c.h"
#include "scantest2.pb-c.h"

#define ALL	(&scantest__all__descriptor)
#define NODE	(&scantest__node__descriptor)
#define WRAP	(&scantest__wrap__descriptor)
#define WIDE	(&scantest__wide__descriptor)

/* A byte string built by hand. */
struct bytes {
	uint8_t b[1 << 12];
	size_t n;
};

static void put(struct bytes *w, uint8_t c)
{
	if (w->n < sizeof(w->b))
		w->b[w->n++] = c;
}

static void put_varint(struct bytes *w, uint64_t v)
{
	do {
		put(w, (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0)));
		v >>= 7;
	} while (v);
}

static void put_tag(struct bytes *w, uint32_t field, unsigned int wt)
{
	put_varint(w, (uint64_t)field << 3 | wt);
}

static uint8_t *pack(const ProtobufCMessage *m, size_t *len)
{
	uint8_t *buf;

	*len = protobuf_c_message_get_packed_size(m);
	buf = malloc(*len ? *len : 1);
	if (buf)
		protobuf_c_message_pack(m, buf);
	return buf;
}

/* A chain of @n Nodes (n deep), packed; NULL when @n is 0. */
static uint8_t *node_chain(unsigned int n, size_t *len)
{
	Scantest__Node *nodes = calloc(n + 1, sizeof(*nodes));
	uint8_t *buf;
	unsigned int i;

	if (!nodes)
		return NULL;
	for (i = 0; i < n; i++) {
		scantest__node__init(&nodes[i]);
		nodes[i].v = (int32_t)i + 1;
		nodes[i].child = i + 1 < n ? &nodes[i + 1] : NULL;
	}
	buf = pack(&nodes[0].base, len);
	free(nodes);
	return buf;
}

/*
 * A chain of @n Nodes encoded from the inside out into @len bytes
 * without protobuf-c (whose pack would recurse @n deep).
 */
static uint8_t *deep_chain(unsigned int n, size_t *len)
{
	size_t cap = (size_t)n * 12 + 16, at = cap, inner = 0;
	uint8_t *buf = malloc(cap);
	unsigned int i;

	if (!buf)
		return NULL;
	for (i = 1; i < n; i++) {	/* wrap the n-1 inner nodes */
		uint8_t hdr[11];
		size_t h = 0;
		uint64_t v = inner;

		hdr[h++] = 0x0a;	/* field 1, length-delimited */
		do {
			hdr[h++] = (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
			v >>= 7;
		} while (v);
		at -= h;
		memcpy(buf + at, hdr, h);
		inner += h;
	}
	memmove(buf, buf + at, inner);
	*len = inner;
	return buf;
}

static void fill_all(Scantest__All *a, Scantest__Inner *in,
		     Scantest__All__MEntry **ents)
{
	static int32_t r_i32[] = { 0, 1, -1, 300, INT32_MIN, INT32_MAX };
	static int64_t r_s64[] = { -1, 1, INT64_MIN, INT64_MAX };
	static uint32_t r_f32[] = { 7, 0xffffffffU };
	static double r_db[] = { 1.5, -2.25 };
	static protobuf_c_boolean r_b[] = { 1, 0, 1 };
	static Scantest__Color r_color[] = { SCANTEST__COLOR__BLUE,
					     SCANTEST__COLOR__GREEN };
	static char *r_s[] = { "a", "", "ccc" };
	static uint32_t r_u32[] = { 1, 128, 0xffffffffU };
	static Scantest__Inner *r_inner[2];

	scantest__inner__init(in);
	in->v = -5;
	in->data.data = (uint8_t *)"\x00\x01\x02";
	in->data.len = 3;
	r_inner[0] = in;
	r_inner[1] = in;
	a->i32 = -1;
	a->i64 = INT64_MIN;
	a->u32 = UINT32_MAX;
	a->u64 = UINT64_MAX;
	a->s32 = INT32_MIN;
	a->s64 = INT64_MAX;
	a->f32 = 0xdeadbeef;
	a->f64 = 0x0123456789abcdefULL;
	a->sf32 = -3;
	a->sf64 = -4;
	a->fl = 1.25f;
	a->db = -0.5;
	a->b = 1;
	a->s = "string";
	a->by.data = (uint8_t *)"by\0tes";
	a->by.len = 6;
	a->color = SCANTEST__COLOR__BLUE;
	a->inner = in;
	a->n_r_i32 = 6, a->r_i32 = r_i32;
	a->n_r_s64 = 4, a->r_s64 = r_s64;
	a->n_r_f32 = 2, a->r_f32 = r_f32;
	a->n_r_db = 2, a->r_db = r_db;
	a->n_r_b = 3, a->r_b = r_b;
	a->n_r_color = 2, a->r_color = r_color;
	a->n_r_s = 3, a->r_s = r_s;
	a->n_r_inner = 2, a->r_inner = r_inner;
	a->n_r_u32_unpacked = 3, a->r_u32_unpacked = r_u32;
	scantest__all__mentry__init(ents[0]);
	ents[0]->key = "k";
	ents[0]->value = in;
	a->n_m = 1, a->m = ents;
	a->choice_case = SCANTEST__ALL__CHOICE_C_INNER;
	a->c_inner = in;
	a->top = 42;
}

/* Every field set, packed; the caller frees. */
static uint8_t *packed_all(size_t *len)
{
	Scantest__All a = SCANTEST__ALL__INIT;
	Scantest__Inner in;
	Scantest__All__MEntry ent, *ents[1] = { &ent };

	fill_all(&a, &in, ents);
	return pack(&a.base, len);
}

/* Validate and unpack; return the errno (0: both accepted). */
static int both(const ProtobufCMessageDescriptor *d, const uint8_t *b,
		size_t len, unsigned int depth)
{
	int v = frpc_validate(d, b, len, depth), err = 12345;
	ProtobufCMessage *m = frpc_unpack(d, b, len, depth, &err);

	if (m) {
		protobuf_c_message_free_unpacked(m, NULL);
		err = 0;
	}
	return v == err ? v : 99999;	/* the two must agree */
}

TEST(every_field_type_passes_and_round_trips)
{
	size_t len, len2;
	uint8_t *buf = packed_all(&len), *again;
	ProtobufCMessage *m;
	int err = 0;

	ASSERT_NE(NULL, buf);
	ASSERT_LT(200, len);
	/* All -> m entry -> Inner is 3 deep */
	ASSERT_EQ(0, frpc_validate(ALL, buf, len, 3));
	ASSERT_EQ(-ELOOP, frpc_validate(ALL, buf, len, 2));
	m = frpc_unpack(ALL, buf, len, 3, &err);
	ASSERT_NE(NULL, m);
	ASSERT_EQ(0, err);
	again = pack(m, &len2);
	ASSERT_EQ(len, len2);
	ASSERT_EQ(0, memcmp(buf, again, len));
	ASSERT_EQ(42, ((Scantest__All *)m)->top);
	ASSERT_EQ(6, ((Scantest__All *)m)->n_r_i32);
	protobuf_c_message_free_unpacked(m, NULL);
	free(again);
	free(buf);
}

TEST(empty_message_passes)
{
	ASSERT_EQ(0, both(ALL, (const uint8_t *)"", 0, 1));
	ASSERT_EQ(0, both(NODE, NULL, 0, 1));
}

/* Bytes of field @f's member in the generated struct. */
static size_t member_size(const ProtobufCFieldDescriptor *f)
{
	if (f->label == PROTOBUF_C_LABEL_REPEATED)
		return sizeof(void *);
	switch (f->type) {
	case PROTOBUF_C_TYPE_STRING:
	case PROTOBUF_C_TYPE_MESSAGE:
		return sizeof(void *);
	case PROTOBUF_C_TYPE_BYTES:
		return sizeof(ProtobufCBinaryData);
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
	case PROTOBUF_C_TYPE_DOUBLE:
		return 8;
	case PROTOBUF_C_TYPE_BOOL:
		return sizeof(protobuf_c_boolean);
	default:
		return 4;
	}
}

TEST(each_single_field_passes)
{
	unsigned int i;

	/* each field alone, from a message where only it is set */
	for (i = 0; i < ALL->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &ALL->fields[i];
		Scantest__All full = SCANTEST__ALL__INIT;
		Scantest__All one = SCANTEST__ALL__INIT;
		Scantest__Inner in;
		Scantest__All__MEntry ent, *ents[1] = { &ent };
		uint8_t *src = (uint8_t *)&full, *dst = (uint8_t *)&one;
		uint8_t *buf;
		size_t len;

		fill_all(&full, &in, ents);
		memcpy(dst + f->offset, src + f->offset, member_size(f));
		if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF)
			one.choice_case = (Scantest__All__ChoiceCase)f->id;
		else if (f->quantifier_offset)
			memcpy(dst + f->quantifier_offset,
			       src + f->quantifier_offset, sizeof(size_t));
		buf = pack(&one.base, &len);
		ASSERT_NE(NULL, buf);
		EXPECT_LT(0, len) TH_LOG("field %s packs to nothing", f->name);
		EXPECT_EQ(0, both(ALL, buf, len, 3)) {
			TH_LOG("field %s (%zu bytes)", f->name, len);
		}
		free(buf);
	}
}

TEST(repeated_scalars_packed_or_not_both_pass)
{
	struct bytes w = { 0 };
	ProtobufCMessage *m;
	int err;

	/* r_i32 (packed in proto3) sent unpacked, two elements */
	put_tag(&w, 18, 0);
	put_varint(&w, 7);
	put_tag(&w, 18, 0);
	put_varint(&w, 300);
	/* r_u32_unpacked ([packed=false]) sent packed */
	put_tag(&w, 26, 2);
	put_varint(&w, 3);
	put_varint(&w, 1);
	put_varint(&w, 200);
	/* r_f32 packed, two values */
	put_tag(&w, 20, 2);
	put_varint(&w, 8);
	for (int i = 0; i < 8; i++)
		put(&w, (uint8_t)i);
	ASSERT_EQ(0, frpc_validate(ALL, w.b, w.n, 1));
	m = frpc_unpack(ALL, w.b, w.n, 1, &err);
	ASSERT_NE(NULL, m);
	ASSERT_EQ(2, ((Scantest__All *)m)->n_r_i32);
	ASSERT_EQ(300, ((Scantest__All *)m)->r_i32[1]);
	ASSERT_EQ(2, ((Scantest__All *)m)->n_r_u32_unpacked);
	ASSERT_EQ(200, ((Scantest__All *)m)->r_u32_unpacked[1]);
	ASSERT_EQ(2, ((Scantest__All *)m)->n_r_f32);
	protobuf_c_message_free_unpacked(m, NULL);
}

TEST(truncated_at_every_offset_fails)
{
	Scantest__All a = SCANTEST__ALL__INIT;
	Scantest__Wrap wrap = SCANTEST__WRAP__INIT;
	Scantest__Inner in;
	Scantest__All__MEntry ent, *ents[1] = { &ent };
	size_t len, i;
	uint8_t *buf;

	fill_all(&a, &in, ents);
	wrap.all = &a;
	buf = pack(&wrap.base, &len);
	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, both(WRAP, buf, len, 4));
	for (i = 1; i < len; i++) {
		/* a heap copy of exactly i bytes: ASan sees any overread */
		uint8_t *cut = malloc(i);

		ASSERT_NE(NULL, cut);
		memcpy(cut, buf, i);
		EXPECT_EQ(-EBADMSG, both(WRAP, cut, i, 4)) {
			TH_LOG("prefix of %zu of %zu bytes", i, len);
		}
		free(cut);
	}
	free(buf);
}

TEST(varint_of_eleven_bytes_fails_ten_passes)
{
	struct bytes w = { 0 };
	int i;

	put_tag(&w, 2, 0);	/* i64 = -1: ten bytes */
	for (i = 0; i < 9; i++)
		put(&w, 0xff);
	put(&w, 0x01);
	ASSERT_EQ(0, both(ALL, w.b, w.n, 1));

	w.n = 0;
	put_tag(&w, 2, 0);	/* eleven bytes */
	for (i = 0; i < 10; i++)
		put(&w, 0xff);
	put(&w, 0x01);
	ASSERT_EQ(-EBADMSG, both(ALL, w.b, w.n, 1));

	w.n = 0;
	put_tag(&w, 999, 0);	/* the same in an unknown field */
	for (i = 0; i < 10; i++)
		put(&w, 0x80);
	put(&w, 0x00);
	ASSERT_EQ(-EBADMSG, both(ALL, w.b, w.n, 1));

	w.n = 0;		/* a tag that never ends */
	for (i = 0; i < 12; i++)
		put(&w, 0x88);
	ASSERT_EQ(-EBADMSG, both(ALL, w.b, w.n, 1));

	w.n = 0;		/* a packed varint that never ends */
	put_tag(&w, 18, 2);
	put_varint(&w, 2);
	put(&w, 0x01);
	put(&w, 0x80);
	ASSERT_EQ(-EBADMSG, both(ALL, w.b, w.n, 1));
}

TEST(length_past_the_end_fails)
{
	static const uint64_t lens[] = { 4, 5, 1000, 1ULL << 31, 1ULL << 32,
					 UINT64_MAX };
	static const uint32_t fields[] = { 14, 17, 18, 900 };
	struct bytes w;
	size_t i, f;

	for (f = 0; f < sizeof(fields) / sizeof(fields[0]); f++) {
		for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
			w.n = 0;
			put_tag(&w, fields[f], 2);
			put_varint(&w, lens[i]);
			put(&w, 0x12);	/* Inner.data = "A" */
			put(&w, 0x01);
			put(&w, 0x41);
			EXPECT_EQ(-EBADMSG, both(ALL, w.b, w.n, 2)) {
				TH_LOG("field %u length %llu", fields[f],
				       (unsigned long long)lens[i]);
			}
		}
		w.n = 0;	/* the exact length is fine */
		put_tag(&w, fields[f], 2);
		put_varint(&w, 3);
		put(&w, 0x12);
		put(&w, 0x01);
		put(&w, 0x41);
		EXPECT_EQ(0, both(ALL, w.b, w.n, 2)) {
			TH_LOG("field %u length 3", fields[f]);
		}
	}
	w.n = 0;			/* a fixed64 cut short */
	put_tag(&w, 8, 1);
	put(&w, 1);
	ASSERT_EQ(-EBADMSG, both(ALL, w.b, w.n, 1));
	w.n = 0;			/* a fixed32 cut short */
	put_tag(&w, 7, 5);
	put(&w, 1);
	ASSERT_EQ(-EBADMSG, both(ALL, w.b, w.n, 1));
}

TEST(wrong_wire_type_fails)
{
	static const struct { uint32_t field; unsigned int wt; } bad[] = {
		{ 1, 2 },	/* int32 length-delimited (not repeated) */
		{ 1, 1 }, { 1, 5 },
		{ 7, 0 },	/* fixed32 as varint */
		{ 7, 1 },
		{ 8, 5 },	/* fixed64 as fixed32 */
		{ 11, 1 },	/* float as fixed64 */
		{ 12, 5 },
		{ 14, 0 },	/* string as varint */
		{ 15, 5 },
		{ 17, 0 },	/* message as varint */
		{ 17, 1 },
		{ 24, 0 },	/* repeated string as varint */
		{ 25, 5 },	/* repeated message as fixed32 */
		{ 20, 0 },	/* repeated fixed32 as varint */
	};
	struct bytes w;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		w.n = 0;
		put_tag(&w, bad[i].field, bad[i].wt);
		/* a value that would be well formed for the wire type */
		if (bad[i].wt == 0 || bad[i].wt == 2)
			put(&w, 0);
		for (int k = 0; bad[i].wt == 1 && k < 8; k++)
			put(&w, 0);
		for (int k = 0; bad[i].wt == 5 && k < 4; k++)
			put(&w, 0);
		EXPECT_EQ(-EBADMSG, both(ALL, w.b, w.n, 1)) {
			TH_LOG("field %u wire type %u", bad[i].field,
			       bad[i].wt);
		}
	}
}

TEST(group_and_reserved_wire_types_fail)
{
	static const uint32_t fields[] = { 1, 17, 999 };
	struct bytes w;
	unsigned int wt;
	size_t i;

	for (i = 0; i < 3; i++) {
		for (wt = 3; wt <= 7; wt++) {
			if (wt == 5)
				continue;
			w.n = 0;
			put_tag(&w, fields[i], wt);
			put_tag(&w, fields[i], 4);	/* an end group */
			EXPECT_EQ(-EBADMSG, both(ALL, w.b, w.n, 1)) {
				TH_LOG("field %u wire type %u", fields[i], wt);
			}
		}
	}
}

TEST(field_number_zero_fails)
{
	struct bytes w = { 0 };

	put_tag(&w, 0, 0);
	put(&w, 1);
	ASSERT_EQ(-EBADMSG, both(ALL, w.b, w.n, 1));
	w.n = 0;
	put(&w, 0x80);		/* field 0 in a two-byte tag */
	put(&w, 0x00);
	put(&w, 1);
	ASSERT_EQ(-EBADMSG, both(ALL, w.b, w.n, 1));
}

TEST(bad_packed_payload_fails)
{
	struct bytes w = { 0 };

	put_tag(&w, 20, 2);	/* r_f32: 5 bytes is no whole fixed32 */
	put_varint(&w, 5);
	for (int i = 0; i < 5; i++)
		put(&w, 1);
	ASSERT_EQ(-EBADMSG, both(ALL, w.b, w.n, 1));
	w.n = 0;
	put_tag(&w, 21, 2);	/* r_db: 12 bytes is no whole double */
	put_varint(&w, 12);
	for (int i = 0; i < 12; i++)
		put(&w, 1);
	ASSERT_EQ(-EBADMSG, both(ALL, w.b, w.n, 1));
}

TEST(depth_max_passes_one_more_fails)
{
	static const unsigned int depths[] = { 1, 2, 3, 32, 100 };
	size_t i, len;

	for (i = 0; i < sizeof(depths) / sizeof(depths[0]); i++) {
		unsigned int d = depths[i];
		uint8_t *ok = node_chain(d, &len);
		uint8_t *deep;
		size_t dlen;

		ASSERT_NE(NULL, ok);
		EXPECT_EQ(0, both(NODE, ok, len, d)) TH_LOG("depth %u", d);
		deep = node_chain(d + 1, &dlen);
		ASSERT_NE(NULL, deep);
		EXPECT_EQ(-ELOOP, both(NODE, deep, dlen, d)) {
			TH_LOG("depth %u + 1", d);
		}
		EXPECT_EQ(0, both(NODE, deep, dlen, d + 1));
		free(ok);
		free(deep);
	}
	ASSERT_EQ(-ELOOP, frpc_validate(NODE, NULL, 0, 0));
}

TEST(hand_encoded_chain_unpacks_to_that_depth)
{
	Scantest__Node *n;
	unsigned int depth = 0;
	size_t len;
	uint8_t *buf = deep_chain(40, &len);
	int err = 0;

	ASSERT_NE(NULL, buf);
	ASSERT_EQ(-ELOOP, both(NODE, buf, len, 39));
	n = (Scantest__Node *)frpc_unpack(NODE, buf, len, 40, &err);
	ASSERT_NE(NULL, n);
	for (Scantest__Node *p = n; p; p = p->child)
		depth++;
	ASSERT_EQ(40, depth);
	protobuf_c_message_free_unpacked(&n->base, NULL);
	free(buf);
}

TEST(very_deep_nesting_is_refused_without_recursing)
{
	size_t len;
	uint8_t *buf = deep_chain(200000, &len);
	int err = 0;

	ASSERT_NE(NULL, buf);
	ASSERT_EQ(-ELOOP, frpc_validate(NODE, buf, len,
					FASTIPC_RPC_DEPTH_DEFAULT));
	ASSERT_EQ(NULL, frpc_unpack(NODE, buf, len, FASTIPC_RPC_DEPTH_DEFAULT,
				    &err));
	ASSERT_EQ(-ELOOP, err);
	free(buf);
	/* the largest limit a server takes: the validator alone */
	buf = deep_chain(FASTIPC_RPC_DEPTH_MAX + 1, &len);
	ASSERT_NE(NULL, buf);
	ASSERT_EQ(-ELOOP, frpc_validate(NODE, buf, len, FASTIPC_RPC_DEPTH_MAX));
	free(buf);
	buf = deep_chain(FASTIPC_RPC_DEPTH_MAX, &len);
	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, frpc_validate(NODE, buf, len, FASTIPC_RPC_DEPTH_MAX));
	free(buf);
}

TEST(unknown_fields_are_skipped)
{
	struct bytes w = { 0 };
	ProtobufCMessage *m;
	int err = 0;

	put_tag(&w, 100, 0);
	put_varint(&w, 1ULL << 60);
	put_tag(&w, 101, 1);
	for (int i = 0; i < 8; i++)
		put(&w, 0xee);
	put_tag(&w, 102, 2);
	put_varint(&w, 3);
	put(&w, 0x08);		/* bytes that would be a group if parsed */
	put(&w, 0x0b);
	put(&w, 0x0c);
	put_tag(&w, 103, 5);
	for (int i = 0; i < 4; i++)
		put(&w, 0xdd);
	put_tag(&w, 1, 0);	/* and a known one: i32 = 9 */
	put_varint(&w, 9);
	put_tag(&w, (1U << 29) - 2, 0);	/* unknown near the top */
	put_varint(&w, 5);
	ASSERT_EQ(0, frpc_validate(ALL, w.b, w.n, 1));
	m = frpc_unpack(ALL, w.b, w.n, 1, &err);
	ASSERT_NE(NULL, m);
	ASSERT_EQ(9, ((Scantest__All *)m)->i32);
	ASSERT_EQ(5, m->n_unknown_fields);
	protobuf_c_message_free_unpacked(m, NULL);
	w.n = 0;		/* field numbers above 2^29 - 1 do not exist */
	put_tag(&w, 1U << 29, 0);
	put_varint(&w, 5);
	ASSERT_EQ(-EBADMSG, both(ALL, w.b, w.n, 1));
}

/*
 * A non-repeated message field twice in one message: protobuf-c would
 * merge the two (a quadratic cost over many repeats), so it is refused;
 * a repeated one, or the same single field in two messages, passes.
 */
TEST(repeated_single_message_field_is_refused)
{
	struct bytes w = { .n = 0 };

	put_tag(&w, 17, 2);	/* inner {} */
	put(&w, 0);
	ASSERT_EQ(0, both(ALL, w.b, w.n, 2));
	put_tag(&w, 17, 2);	/* inner {} again */
	put(&w, 0);
	ASSERT_EQ(-EBADMSG, both(ALL, w.b, w.n, 2));
	w.n = 0;		/* a oneof's message member twice */
	put_tag(&w, 29, 2);
	put(&w, 0);
	put_tag(&w, 29, 2);
	put(&w, 0);
	ASSERT_EQ(-EBADMSG, both(ALL, w.b, w.n, 2));
	w.n = 0;		/* repeated Inner: any number */
	for (int i = 0; i < 100; i++) {
		put_tag(&w, 25, 2);
		put(&w, 0);
	}
	ASSERT_EQ(0, both(ALL, w.b, w.n, 2));
	w.n = 0;		/* Wrap{All{inner}} and Wrap{All{inner}}: merged
				 * at the top, so refused there too */
	for (int i = 0; i < 2; i++) {
		put_tag(&w, 1, 2);
		put(&w, 3);
		put_tag(&w, 17, 2);
		put(&w, 0);
	}
	ASSERT_EQ(-EBADMSG, both(WRAP, w.b, w.n, 3));
}

/*
 * Bytes that would unpack into far more memory than they take: empty
 * items of a wide message type, 2 bytes each, an All each. A few pass;
 * 1500 (3000 bytes, a few hundred KiB unpacked) are -E2BIG.
 */
TEST(unpacked_size_is_bounded)
{
	struct bytes w = { .n = 0 };

	for (int i = 0; i < 10; i++) {
		put_tag(&w, 1, 2);
		put(&w, 0);
	}
	ASSERT_EQ(0, both(WIDE, w.b, w.n, 2));
	w.n = 0;
	for (int i = 0; i < 1500; i++) {
		put_tag(&w, 1, 2);
		put(&w, 0);
	}
	ASSERT_EQ(3000, w.n);
	ASSERT_EQ(-E2BIG, both(WIDE, w.b, w.n, 2));
}

TEST(unpack_refused_after_validation_is_ebadmsg)
{
	struct bytes w = { 0 };
	ProtobufCMessage *m;
	int err = 0;

	put_tag(&w, 2, 2);	/* name only: the required id is missing */
	put_varint(&w, 1);
	put(&w, 'x');
	ASSERT_EQ(0, frpc_validate(&scantest2__req__descriptor, w.b, w.n, 1));
	m = frpc_unpack(&scantest2__req__descriptor, w.b, w.n, 1, &err);
	ASSERT_EQ(NULL, m);
	ASSERT_EQ(-EBADMSG, err);
	put_tag(&w, 1, 0);
	put_varint(&w, 77);
	m = frpc_unpack(&scantest2__req__descriptor, w.b, w.n, 1, &err);
	ASSERT_NE(NULL, m);
	ASSERT_EQ(77, ((Scantest2__Req *)m)->id);
	protobuf_c_message_free_unpacked(m, NULL);
}

TEST_HARNESS_MAIN
