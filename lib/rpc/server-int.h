/* SPDX-License-Identifier: LGPL-2.1 OR MIT */
/*
 * libfastipc-rpc server internals shared by server.c (create, add, run,
 * stats), sdispatch.c (a method call, the describe call) and describe.c
 * (the packed fastipc.rpc.Description).
 */
#ifndef _FASTIPC_RPC_SERVER_INT_H
#define _FASTIPC_RPC_SERVER_INT_H

#include <stdatomic.h>
#include "rpc-int.h"

/*
 * struct frpc_method - One served method, routed by op
 * FASTIPC_RPC_OP_BASE + its index in fastipc_rpc_server.methods.
 * @srv: the server (for its limits and counters).
 * @service: the user's implementation.
 * @index: the method's index in @service's descriptor (for invoke).
 * @md: its descriptor.
 * @name: "/pkg.Svc/Method".
 * @hash: fastipc_rpc_hash() of its signature.
 * @raw: for a method of fastipc_rpc_server_add_raw(): its set (then
 *	@service and @md are NULL); NULL for a typed method.
 * @check: a raw method's input type, what its requests are checked
 *	against (sraw.c: from the set's schemas, or a type without fields).
 */
struct frpc_method {
	struct fastipc_rpc_server *srv;
	ProtobufCService *service;
	unsigned int index;
	const ProtobufCMethodDescriptor *md;
	char *name;
	uint32_t hash;
	const struct frpc_raw_set *raw;
	const ProtobufCMessageDescriptor *check;
};

/*
 * struct frpc_raw_set - What one fastipc_rpc_server_add_raw() added.
 * @desc: the library's copy of the caller's description; the op and
 *	hash of each of its methods are the server's (the describe reply
 *	gives its services, types and enums out as they are).
 * @fn, @data: the handler of every method of @desc.
 * @schema: request checkers built from @desc's types (sraw.c).
 */
struct frpc_raw_set {
	Fastipc__Rpc__Description *desc;
	fastipc_rpc_raw_fn fn;
	void *data;
	struct frpc_schema *schema;
};

/* The counters of struct fastipc_rpc_server_stats, updated by pool threads. */
struct frpc_counters {
	atomic_uint_fast64_t calls;
	atomic_uint_fast64_t ok;
	atomic_uint_fast64_t failed;
	atomic_uint_fast64_t bad_requests;
	atomic_uint_fast64_t too_large;
	atomic_uint_fast64_t unimplemented;
	atomic_uint_fast64_t no_reply;
	atomic_uint_fast64_t describes;
	atomic_uint_fast64_t extra_replies;
};

/*
 * struct fastipc_rpc_server - A libfastipc server whose ops
 * FASTIPC_RPC_OP_DESCRIBE .. FASTIPC_RPC_OP_BASE + FASTIPC_RPC_METHODS_MAX
 * - 1 all route to sdispatch.c; @methods[n] is NULL for an op not served.
 * @services, @nservices: what fastipc_rpc_server_add() accepted, in order.
 * @desc, @desc_len: the packed description, rebuilt by every add.
 * @running: fastipc_rpc_server_run() is running.
 * @raws, @nraws: the sets of fastipc_rpc_server_add_raw(), in order.
 */
struct fastipc_rpc_server {
	struct fastipc_server *base;
	uint64_t max_message;
	unsigned int max_depth;
	ProtobufCService **services;
	unsigned int nservices;
	struct frpc_method *methods[FASTIPC_RPC_METHODS_MAX];
	unsigned int nmethods;
	uint8_t *desc;
	size_t desc_len;
	atomic_bool running;
	struct frpc_counters cnt;
	struct frpc_raw_set **raws;
	unsigned int nraws;
};

/* fastipc_rpc_ctx.magic: "RPCx" */
#define FRPC_CTX_MAGIC	0x78435052U

/*
 * struct fastipc_rpc_ctx - One call, on the pool thread's stack while the
 * handler runs; the closure_data the handler gets.
 * @magic: FRPC_CTX_MAGIC while valid.
 * @m: the method.
 * @req: the libfastipc request (for the reply buffer).
 * @deadline: absolute CLOCK_MONOTONIC ns, or FASTIPC_TIMEOUT_INF; valid
 *	when @deadline_known (fastipc_rpc_ctx_deadline() computes it once).
 * @deadline_left: the time left the request's header says, in ns.
 * @deadline_known: @deadline is computed.
 * @replies: closure calls so far.
 * @status: what the call answers: 0, an enum fastipc_rpc_code, or a
 *	negative errno from the reply buffer.
 * @msg, @msg_len: the status message (no NUL on the wire).
 * @status_set: fastipc_rpc_ctx_set_status() was called.
 * @md: the request's metadata (an "RPC2" request), or NULL.
 */
struct fastipc_rpc_ctx {
	uint32_t magic;
	const struct frpc_method *m;
	struct fastipc_req *req;
	uint64_t deadline;
	uint64_t deadline_left;
	bool deadline_known;
	unsigned int replies;
	int status;
	bool status_set;
	size_t msg_len;
	char msg[FASTIPC_RPC_MSG_MAX];
	Fastipc__Rpc__Metadata *md;
};

/* sdispatch.c: the fastipc_handler2_t of every op in the RPC range. */
int frpc_dispatch(void *srv, struct fastipc_req *req);

/*
 * frpc_decode() - The request of @ctx->m from a method op's payload @data
 * (@len bytes, the header first; @shared: in the client's region, which
 * it can still write): header, signature hash and size checked, copied to
 * private memory when @shared, validated and unpacked with the server's
 * max_depth; counted in the server's bad_requests and too_large. Free the
 * message with protobuf_c_message_free_unpacked(msg, NULL).
 * Return: the message, or NULL with @ctx->status and message set.
 */
ProtobufCMessage *frpc_decode(struct fastipc_rpc_ctx *ctx,
			      const uint8_t *data, size_t len, bool shared);

/*
 * frpc_req_body() - The request message of @ctx's call from a method
 * op's payload @data (@len bytes, as frpc_decode()): header, signature
 * hash, metadata (into @ctx->md), size bound, and a private copy in
 * *@copyp when @shared (else NULL). Return: true with *@msgp, *@lenp;
 * false with the call's status set.
 */
bool frpc_req_body(struct fastipc_rpc_ctx *ctx, const uint8_t *data,
		   size_t len, bool shared, const uint8_t **msgp,
		   size_t *lenp, uint8_t **copyp);

/* Set the call's status @code and its message (@fmt may be NULL). */
void frpc_ctx_vset(struct fastipc_rpc_ctx *ctx, int code, const char *fmt,
		   va_list ap);
void frpc_ctx_no_room(struct fastipc_rpc_ctx *ctx, size_t len);
void frpc_ctx_fail(struct fastipc_rpc_ctx *ctx, int code, const char *fmt,
		   ...) __attribute__((format(printf, 3, 4)));

/* sraw.c: run the raw handler of @ctx->m for the payload of @ctx->req. */
void frpc_raw_invoke(struct fastipc_rpc_ctx *ctx);

/* sraw.c: free a set (and what it owns); NULL is a no-op. */
void frpc_raw_set_free(struct frpc_raw_set *set);

/* server.c: for sraw.c's add. */
bool frpc_server_busy(struct fastipc_rpc_server *srv);
/* Whether a typed or raw service of full name @name is served. */
bool frpc_service_known(const struct fastipc_rpc_server *srv,
			const char *name);
/* Undo the methods from index @from on (an add that failed). */
void frpc_methods_drop(struct fastipc_rpc_server *srv, unsigned int from);

struct frpc_schema;

/*
 * schema.c: checkers of the wire format of @d's message types:
 * protobuf-c message descriptors built from the description, good for
 * frpc_validate() only (never for unpacking). Return: 0 with *@sp (NULL
 * when @d has no types), or -EINVAL (a field that names no type),
 * -ENOMEM.
 */
int frpc_schema_build(const Fastipc__Rpc__Description *d,
		      struct frpc_schema **sp);
/*
 * The checker of type @name in @s, or one without fields (any
 * well-formed wire format) when @s does not describe it. Never NULL.
 */
const ProtobufCMessageDescriptor *frpc_schema_type(const struct frpc_schema *s,
						   const char *name);
void frpc_schema_free(struct frpc_schema *s);

/* Add @n to counter @c. */
static inline void frpc_count(atomic_uint_fast64_t *c, uint64_t n)
{
	atomic_fetch_add_explicit(c, n, memory_order_relaxed);
}

/*
 * frpc_describe_build() - Pack what @srv serves now (its services, the
 * served methods, the schemas of every message and enum type reachable
 * from their input and output types) into @srv->desc, replacing the old
 * one. Return: 0 or -ENOMEM (the old description is kept).
 */
int frpc_describe_build(struct fastipc_rpc_server *srv);

#endif /* _FASTIPC_RPC_SERVER_INT_H */
