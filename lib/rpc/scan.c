// SPDX-License-Identifier: LGPL-2.1 OR MIT
/*
 * The wire validator: walks protobuf wire bytes against a protoc-c message
 * descriptor before protobuf_c_message_unpack() sees them. protobuf-c's
 * unpack recurses into nested messages without a limit, so a request
 * nested a few hundred thousand deep would exhaust a pool thread's stack;
 * the walk here bounds the depth (and recurses at most max_depth deep
 * itself), and rejects malformed bytes without allocating.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include "rpc-int.h"

/* Protobuf wire types (the low three bits of a tag). */
enum {
	WT_VARINT = 0,
	WT_FIXED64 = 1,
	WT_LEN = 2,
	WT_SGROUP = 3,
	WT_EGROUP = 4,
	WT_FIXED32 = 5,
};

#define VARINT_MAX_BYTES	10
#define FIELD_NUMBER_MAX	((1U << 29) - 1)

/* A cursor over the bytes of one message (or one packed field). */
struct cur {
	const uint8_t *p;
	const uint8_t *end;
};

static size_t cur_left(const struct cur *c)
{
	return (size_t)(c->end - c->p);
}

/*
 * get_varint() - Read a varint of at most VARINT_MAX_BYTES bytes that
 * ends inside @c. Bits past 64 of a 10-byte varint are ignored, as
 * protobuf does. Return: 0, or -EBADMSG.
 */
static int get_varint(struct cur *c, uint64_t *v)
{
	uint64_t val = 0;
	unsigned int i;

	for (i = 0; i < VARINT_MAX_BYTES && c->p < c->end; i++) {
		uint8_t b = *c->p++;

		val |= (uint64_t)(b & 0x7f) << (7 * i);
		if (!(b & 0x80)) {
			*v = val;
			return 0;
		}
	}
	return -EBADMSG;
}

static int skip(struct cur *c, uint64_t n)
{
	if (n > cur_left(c))
		return -EBADMSG;
	c->p += n;
	return 0;
}

/* The wire type a (non-packed) value of type @t has. */
static unsigned int wire_type_of(ProtobufCType t)
{
	switch (t) {
	case PROTOBUF_C_TYPE_SFIXED32:
	case PROTOBUF_C_TYPE_FIXED32:
	case PROTOBUF_C_TYPE_FLOAT:
		return WT_FIXED32;
	case PROTOBUF_C_TYPE_SFIXED64:
	case PROTOBUF_C_TYPE_FIXED64:
	case PROTOBUF_C_TYPE_DOUBLE:
		return WT_FIXED64;
	case PROTOBUF_C_TYPE_STRING:
	case PROTOBUF_C_TYPE_BYTES:
	case PROTOBUF_C_TYPE_MESSAGE:
		return WT_LEN;
	default:	/* the integer types, bool, enum */
		return WT_VARINT;
	}
}

/*
 * check_packed() - The payload of a packed repeated field of scalar wire
 * type @wt: a whole number of fixed-size values, or well-formed varints
 * that all end inside it. Return: 0, or -EBADMSG.
 */
static int check_packed(struct cur *c, unsigned int wt)
{
	uint64_t v;
	int ret;

	if (wt == WT_FIXED32)
		return cur_left(c) % 4 ? -EBADMSG : 0;
	if (wt == WT_FIXED64)
		return cur_left(c) % 8 ? -EBADMSG : 0;
	while (c->p < c->end) {
		ret = get_varint(c, &v);
		if (ret)
			return ret;
	}
	return 0;
}

/* Skip the value of an unknown field of wire type @wt. */
static int skip_value(struct cur *c, unsigned int wt)
{
	uint64_t v;

	switch (wt) {
	case WT_VARINT:
		return get_varint(c, &v);
	case WT_FIXED64:
		return skip(c, 8);
	case WT_FIXED32:
		return skip(c, 4);
	case WT_LEN:
		if (get_varint(c, &v))
			return -EBADMSG;
		return skip(c, v);
	default:	/* groups (unsupported by protobuf-c), 6, 7 */
		return -EBADMSG;
	}
}

static int walk(const ProtobufCMessageDescriptor *d, struct cur *c,
		unsigned int depth, unsigned int max_depth);

/*
 * check_field() - One value (or packed run) of known field @f, wire type
 * @wt, at @c. A nested message is walked at @depth + 1.
 */
static int check_field(const ProtobufCFieldDescriptor *f, unsigned int wt,
		       struct cur *c, unsigned int depth,
		       unsigned int max_depth)
{
	unsigned int want = wire_type_of(f->type);
	struct cur sub;
	uint64_t len;

	if (wt != want) {
		/* a repeated scalar may come packed, whatever [packed] says */
		if (wt != WT_LEN || want == WT_LEN ||
		    f->label != PROTOBUF_C_LABEL_REPEATED)
			return -EBADMSG;
	}
	if (wt != WT_LEN)
		return skip_value(c, wt);
	if (get_varint(c, &len) || len > cur_left(c))
		return -EBADMSG;
	sub.p = c->p;
	sub.end = c->p + len;
	c->p = sub.end;
	if (want != WT_LEN)
		return check_packed(&sub, want);
	if (f->type != PROTOBUF_C_TYPE_MESSAGE)
		return 0;	/* string, bytes: any content */
	if (depth >= max_depth)
		return -ELOOP;
	return walk(f->descriptor, &sub, depth + 1, max_depth);
}

/*
 * walk() - The fields of one message of type @d, at nesting @depth
 * (1 for the top level), until @c is used up.
 */
static int walk(const ProtobufCMessageDescriptor *d, struct cur *c,
		unsigned int depth, unsigned int max_depth)
{
	while (c->p < c->end) {
		const ProtobufCFieldDescriptor *f;
		uint64_t tag;
		unsigned int wt;
		int ret;

		if (get_varint(c, &tag))
			return -EBADMSG;
		wt = tag & 7;
		tag >>= 3;
		if (tag == 0 || tag > FIELD_NUMBER_MAX)
			return -EBADMSG;
		if (wt == WT_SGROUP || wt == WT_EGROUP || wt > WT_FIXED32)
			return -EBADMSG;
		f = protobuf_c_message_descriptor_get_field(d, (unsigned int)tag);
		if (f)
			ret = check_field(f, wt, c, depth, max_depth);
		else
			ret = skip_value(c, wt);
		if (ret)
			return ret;
	}
	return 0;
}

int frpc_validate(const ProtobufCMessageDescriptor *d, const uint8_t *buf,
		  size_t len, unsigned int max_depth)
{
	struct cur c = { .p = buf, .end = buf + len };

	if (max_depth < 1)
		return -ELOOP;
	if (!len)
		return 0;
	return walk(d, &c, 1, max_depth);
}

/*
 * An allocator that is malloc()/free() (so the message frees with the
 * default allocator) and notes a failed allocation, to tell -ENOMEM from
 * bytes protobuf-c refused.
 */
static void *note_alloc(void *data, size_t size)
{
	void *p = malloc(size ? size : 1);

	if (!p)
		*(bool *)data = true;
	return p;
}

static void note_free(void *data, void *p)
{
	(void)data;
	free(p);
}

ProtobufCMessage *frpc_unpack(const ProtobufCMessageDescriptor *d,
			      const uint8_t *buf, size_t len,
			      unsigned int max_depth, int *err)
{
	bool oom = false;
	ProtobufCAllocator a = {
		.alloc = note_alloc,
		.free = note_free,
		.allocator_data = &oom,
	};
	ProtobufCMessage *m;
	int ret;

	ret = frpc_validate(d, buf, len, max_depth);
	if (ret) {
		*err = ret;
		return NULL;
	}
	m = protobuf_c_message_unpack(d, &a, len, buf);
	if (!m)
		*err = oom ? -ENOMEM : -EBADMSG;
	return m;
}
