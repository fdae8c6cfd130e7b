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
 */
struct frpc_method {
	struct fastipc_rpc_server *srv;
	ProtobufCService *service;
	unsigned int index;
	const ProtobufCMethodDescriptor *md;
	char *name;
	uint32_t hash;
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
};

/* fastipc_rpc_ctx.magic: "RPCx" */
#define FRPC_CTX_MAGIC	0x78435052U

/*
 * struct fastipc_rpc_ctx - One call, on the pool thread's stack while the
 * handler runs; the closure_data the handler gets.
 * @magic: FRPC_CTX_MAGIC while valid.
 * @m: the method.
 * @req: the libfastipc request (for the reply buffer).
 * @deadline: absolute CLOCK_MONOTONIC ns, or FASTIPC_TIMEOUT_INF.
 * @replies: closure calls so far.
 * @status: what the call answers: 0, an enum fastipc_rpc_code, or a
 *	negative errno from the reply buffer.
 * @msg, @msg_len: the status message (no NUL on the wire).
 * @status_set: fastipc_rpc_ctx_set_status() was called.
 */
struct fastipc_rpc_ctx {
	uint32_t magic;
	const struct frpc_method *m;
	struct fastipc_req *req;
	uint64_t deadline;
	unsigned int replies;
	int status;
	bool status_set;
	size_t msg_len;
	char msg[FASTIPC_RPC_MSG_MAX];
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
