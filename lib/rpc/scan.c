// SPDX-License-Identifier: LGPL-2.1 OR MIT
/*
 * The wire validator: walks protobuf wire bytes against a protoc-c message
 * descriptor before protobuf_c_message_unpack() sees them. protobuf-c's
 * unpack recurses into nested messages without a limit, so a request
 * nested a few hundred thousand deep would exhaust a pool thread's stack;
 * the walk here bounds the depth (and recurses at most max_depth deep
 * itself), and rejects malformed bytes without allocating.
 *
 * Two more shapes of well-formed bytes cost a server far more than their
 * size, and are refused before unpacking:
 *  - a non-repeated message field that occurs again in one message:
 *    protobuf-c merges each repeat into the previous value, copying every
 *    repeated field gathered so far, so K repeats cost K^2 (a 1 MiB request
 *    took minutes). No packer emits repeats, only concatenated messages;
 *  - bytes that unpack into much more memory than they take (empty
 *    submessages of a wide type, unknown fields, each a few bytes): the
 *    walk adds up an estimate of the unpacked size (per field occurrence,
 *    per submessage, per element, per string byte) and refuses more than
 *    FRPC_UNPACK_RATIO times the input (and more than FRPC_UNPACK_MAX for
 *    a large input), -E2BIG.
 *
 * Also the unpack itself (frpc_unpack(), and frpc_unpack_with() into a
 * per-thread arena for messages that live for one call).
 */
#include <errno.h>
#include <pthread.h>
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
/* Estimated unpacked bytes: ScannedMember and slack per field occurrence. */
#define COST_FIELD		40
#define COST_UNKNOWN		sizeof(ProtobufCMessageUnknownField)
/* Fields of a message type tracked on the stack for repeats (else heap). */
#define SEEN_STACK_FIELDS	256
#define FIELD_NUMBER_MAX	((1U << 29) - 1)

/* The walk's limits and what it has counted so far. */
struct scan {
	unsigned int max_depth;
	uint64_t cost;		/* estimated unpacked bytes */
	uint64_t budget;	/* the most cost accepted */
};

static int charge(struct scan *s, uint64_t n)
{
	s->cost += n;
	return s->cost > s->budget ? -E2BIG : 0;
}

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
		unsigned int depth, struct scan *s);

/*
 * check_field() - One value (or packed run) of known field @f, wire type
 * @wt, at @c. A nested message is walked at @depth + 1.
 */
static int check_field(const ProtobufCFieldDescriptor *f, unsigned int wt,
		       struct cur *c, unsigned int depth, struct scan *s)
{
	const ProtobufCMessageDescriptor *sd;
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
		return skip_value(c, wt) ?: charge(s, 8);
	if (get_varint(c, &len) || len > cur_left(c))
		return -EBADMSG;
	sub.p = c->p;
	sub.end = c->p + len;
	c->p = sub.end;
	if (want != WT_LEN)	/* packed: at most 8 bytes per input byte */
		return check_packed(&sub, want) ?: charge(s, 8 * len);
	if (f->type != PROTOBUF_C_TYPE_MESSAGE)
		return charge(s, len + 1);	/* string, bytes */
	if (depth >= s->max_depth)
		return -ELOOP;
	sd = f->descriptor;
	return charge(s, sd->sizeof_message) ?: walk(sd, &sub, depth + 1, s);
}

/*
 * A non-repeated message field seen twice in one message (@seen: a bit
 * per field of @d). Return: true for the second occurrence.
 */
static bool repeat_of_single(const ProtobufCMessageDescriptor *d,
			     const ProtobufCFieldDescriptor *f, uint64_t *seen)
{
	size_t i = (size_t)(f - d->fields);
	uint64_t bit = 1ULL << (i % 64);

	if (f->type != PROTOBUF_C_TYPE_MESSAGE ||
	    f->label == PROTOBUF_C_LABEL_REPEATED)
		return false;
	if (seen[i / 64] & bit)
		return true;
	seen[i / 64] |= bit;
	return false;
}

static int walk_fields(const ProtobufCMessageDescriptor *d, struct cur *c,
		       unsigned int depth, struct scan *s, uint64_t *seen)
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
		ret = charge(s, COST_FIELD);
		if (ret)
			return ret;
		f = protobuf_c_message_descriptor_get_field(d, (unsigned int)tag);
		if (f && repeat_of_single(d, f, seen))
			return -EBADMSG;
		if (f) {
			ret = check_field(f, wt, c, depth, s);
		} else {
			const uint8_t *start = c->p;

			ret = skip_value(c, wt) ?:
			      charge(s, COST_UNKNOWN + (uint64_t)(c->p - start));
		}
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * walk() - The fields of one message of type @d, at nesting @depth
 * (1 for the top level), until @c is used up.
 */
static int walk(const ProtobufCMessageDescriptor *d, struct cur *c,
		unsigned int depth, struct scan *s)
{
	uint64_t stack_seen[SEEN_STACK_FIELDS / 64] = { 0 };
	uint64_t *seen = stack_seen;
	int ret;

	if (d->n_fields > SEEN_STACK_FIELDS) {
		seen = calloc((d->n_fields + 63) / 64, sizeof(*seen));
		if (!seen)
			return -ENOMEM;
	}
	ret = walk_fields(d, c, depth, s, seen);
	if (seen != stack_seen)
		free(seen);
	return ret;
}

int frpc_validate(const ProtobufCMessageDescriptor *d, const uint8_t *buf,
		  size_t len, unsigned int max_depth)
{
	struct cur c = { .p = buf, .end = buf + len };
	struct scan s = {
		.max_depth = max_depth,
		.budget = (uint64_t)len * FRPC_UNPACK_RATIO + FRPC_UNPACK_SLACK,
	};

	if (max_depth < 1)
		return -ELOOP;
	if (s.budget > FRPC_UNPACK_MAX && s.budget > 2 * (uint64_t)len)
		s.budget = FRPC_UNPACK_MAX > 2 * (uint64_t)len ?
			   FRPC_UNPACK_MAX : 2 * (uint64_t)len;
	if (!len)
		return 0;
	return charge(&s, d->sizeof_message) ?: walk(d, &c, 1, &s);
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

/*
 * A message that lives for one call only (a stub's reply while its
 * closure runs, a request while its handler runs) is unpacked into a
 * per-thread arena (FRPC_ARENA_SIZE bytes, allocated at the thread's
 * first use and freed at its exit) instead of by a malloc() and free()
 * per field. What does not fit comes from malloc() and goes back to
 * free(); a second user on the same thread (a stub called from inside a
 * closure or a handler) finds the arena busy and unpacks with malloc().
 */
#define FRPC_ARENA_SIZE	(16U << 10)

struct frpc_arena {
	uint8_t *base;
	size_t used;
	bool busy;
	bool oom;
};

static __thread struct frpc_arena frpc_ar;
static pthread_key_t frpc_ar_key;
static pthread_once_t frpc_ar_once = PTHREAD_ONCE_INIT;
static int frpc_ar_keyed;

static void frpc_ar_free(void *p)
{
	free(p);
	frpc_ar.base = NULL;
}

static void frpc_ar_key_init(void)
{
	frpc_ar_keyed = !pthread_key_create(&frpc_ar_key, frpc_ar_free);
}

static void *frpc_ar_alloc(void *data, size_t size)
{
	struct frpc_arena *ar = data;
	size_t n = (size + 15) & ~(size_t)15;
	void *p;

	if (ar->base && n >= size && n <= FRPC_ARENA_SIZE - ar->used) {
		p = ar->base + ar->used;
		ar->used += n;
		return p;
	}
	p = malloc(size ? size : 1);
	if (!p)
		ar->oom = true;
	return p;
}

static void frpc_ar_release(void *data, void *p)
{
	struct frpc_arena *ar = data;
	uint8_t *q = p;

	if (ar->base && q >= ar->base && q < ar->base + FRPC_ARENA_SIZE)
		return;
	free(p);
}

bool frpc_arena_take(ProtobufCAllocator *a)
{
	if (frpc_ar.busy)
		return false;
	if (!frpc_ar.base) {
		pthread_once(&frpc_ar_once, frpc_ar_key_init);
		if (!frpc_ar_keyed)
			return false;
		frpc_ar.base = malloc(FRPC_ARENA_SIZE);
		if (!frpc_ar.base)
			return false;
		pthread_setspecific(frpc_ar_key, frpc_ar.base);
	}
	frpc_ar.busy = true;
	frpc_ar.used = 0;
	frpc_ar.oom = false;
	a->alloc = frpc_ar_alloc;
	a->free = frpc_ar_release;
	a->allocator_data = &frpc_ar;
	return true;
}

void frpc_arena_free(ProtobufCMessage *msg, ProtobufCAllocator *a)
{
	if (msg)
		protobuf_c_message_free_unpacked(msg, a);
	if (a)
		frpc_ar.busy = false;
}

ProtobufCMessage *frpc_unpack_with(const ProtobufCMessageDescriptor *d,
				   const uint8_t *buf, size_t len,
				   unsigned int max_depth, ProtobufCAllocator *a,
				   int *err)
{
	ProtobufCMessage *m;

	if (!a)
		return frpc_unpack(d, buf, len, max_depth, err);
	*err = frpc_validate(d, buf, len, max_depth);
	if (*err)
		return NULL;
	m = protobuf_c_message_unpack(d, a, len, buf);
	if (!m)
		*err = frpc_ar.oom ? -ENOMEM : -EBADMSG;
	return m;
}
