/* SPDX-License-Identifier: LGPL-2.1 OR MIT */
/*
 * libfastipc-rpc internals shared by the client (client.c, call.c,
 * status.c) and the server (server.c, sdispatch.c, describe.c) and the
 * wire validator (scan.c).
 */
#ifndef _FASTIPC_RPC_INT_H
#define _FASTIPC_RPC_INT_H

#include <stdarg.h>
#include <stdbool.h>
#include "fastipc-rpc.h"

#define __public	__attribute__((visibility("default")))

/* Bytes of the request header (struct fastipc_rpc_req_hdr). */
#define FRPC_HDR_LEN	sizeof(struct fastipc_rpc_req_hdr)

/* How deep a client lets a server's reply nest (as the server's default). */
#define FRPC_CLIENT_DEPTH	FASTIPC_RPC_DEPTH_DEFAULT

/*
 * frpc_status_set() - Fill @st (NULL is a no-op) with @code, the positive
 * errno @err (0 for none) and a printf-style message. Return: @code.
 */
int frpc_status_set(struct fastipc_rpc_status *st, int code, int err,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* As frpc_status_set(), with a va_list. */
int frpc_status_vset(struct fastipc_rpc_status *st, int code, int err,
		     const char *fmt, va_list ap);

/*
 * The most memory a message may unpack into, as frpc_validate() estimates
 * it: FRPC_UNPACK_RATIO times its wire size plus FRPC_UNPACK_SLACK, and at
 * most the larger of FRPC_UNPACK_MAX and twice its size (so that one large
 * bytes field always passes).
 */
#define FRPC_UNPACK_RATIO	32
#define FRPC_UNPACK_SLACK	(64ULL << 10)
#define FRPC_UNPACK_MAX		(256ULL << 20)

/*
 * frpc_validate() - Walk the protobuf wire bytes @buf (@len bytes) as a
 * message of type @d, without allocating: every tag, wire type, varint
 * and length must be well formed and inside the buffer, fields of known
 * numbers must have the wire type their type allows (a packed repeated
 * scalar may also come length-delimited), and nested messages may nest
 * at most @max_depth deep (the top level is depth 1). Unknown fields are
 * skipped (protobuf's evolution rules). A non-repeated message field may
 * occur once per message (protobuf-c merges repeats at a quadratic cost),
 * and the estimated unpacked size is bounded (FRPC_UNPACK_*). Reads each
 * byte once and keeps no pointer into @buf.
 *
 * Return: 0, -EBADMSG (malformed: truncated, bad varint, length past the
 * end, wrong wire type, group wire types, a repeated single message
 * field), -ELOOP (nested deeper than @max_depth), -E2BIG (would unpack
 * into more than the bound) or -ENOMEM.
 */
int frpc_validate(const ProtobufCMessageDescriptor *d, const uint8_t *buf,
		  size_t len, unsigned int max_depth);

/*
 * frpc_unpack() - frpc_validate() then protobuf_c_message_unpack() with
 * the default allocator. @buf must be memory the peer cannot write.
 * Return: the message, or NULL with *@err set to -EBADMSG, -ELOOP,
 * -E2BIG or -ENOMEM.
 */
ProtobufCMessage *frpc_unpack(const ProtobufCMessageDescriptor *d,
			      const uint8_t *buf, size_t len,
			      unsigned int max_depth, int *err);

/*
 * frpc_arena_take() - The calling thread's arena (scan.c) as a protobuf-c
 * allocator in @a, for one message that lives for one call: unpack with
 * frpc_unpack_with(), give it back with frpc_arena_free(). Return: false
 * when the arena is in use on this thread already, or there is no memory
 * for it (then unpack with the default allocator, NULL).
 */
bool frpc_arena_take(ProtobufCAllocator *a);

/*
 * frpc_arena_free() - Free @msg (may be NULL), unpacked with @a, and give
 * the arena back; @a NULL: the default allocator, nothing to give back.
 */
void frpc_arena_free(ProtobufCMessage *msg, ProtobufCAllocator *a);

/*
 * frpc_unpack_with() - frpc_unpack() into the memory of @a, a taken
 * arena (the same checks first); @a NULL: frpc_unpack().
 */
ProtobufCMessage *frpc_unpack_with(const ProtobufCMessageDescriptor *d,
				   const uint8_t *buf, size_t len,
				   unsigned int max_depth, ProtobufCAllocator *a,
				   int *err);

/* ---- Request metadata (md.c) ---- */

/* Whether @key is 1..128 bytes of [a-z0-9-_.] (NULL: no). */
bool frpc_md_key_ok(const char *key);

/* Whether the NUL-terminated @s is well-formed UTF-8 (shortest forms). */
bool frpc_utf8_ok(const char *s);

/*
 * frpc_md_size() - Check @n entries @md against the rule (keys, UTF-8
 * values, FASTIPC_RPC_MD_ENTRIES_MAX, FASTIPC_RPC_MD_MAX) and give their
 * packed size in *@lenp (0 for none). Return: 0, or -EINVAL / -E2BIG with
 * a sentence in @why (@whylen bytes).
 */
int frpc_md_size(const struct fastipc_rpc_md *md, uint32_t n, size_t *lenp,
		 char *why, size_t whylen);

/* Pack @n entries @md (checked by frpc_md_size()) into @out. */
void frpc_md_pack(const struct fastipc_rpc_md *md, uint32_t n, uint8_t *out);

/*
 * frpc_md_offset() - Where the request message starts in an "RPC2"
 * payload whose metadata take @md_len bytes: after the request header,
 * struct fastipc_rpc_md_hdr and the metadata, rounded up to 8.
 */
size_t frpc_md_offset(size_t md_len);

/*
 * frpc_md_parse() - Unpack @len bytes of packed fastipc.rpc.Metadata at
 * @buf (private memory) and check every entry against the rule.
 * Return: 0 with *@mp (free with protobuf_c_message_free_unpacked()),
 * or -EBADMSG, -ELOOP (malformed), -E2BIG (too big, too many entries),
 * -EINVAL (an entry breaks the rule), -ENOMEM; @why says what.
 */
int frpc_md_parse(const uint8_t *buf, size_t len,
		  Fastipc__Rpc__Metadata **mp, char *why, size_t whylen);

#endif /* _FASTIPC_RPC_INT_H */
