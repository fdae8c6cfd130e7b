// SPDX-License-Identifier: LGPL-2.1 OR MIT
/*
 * One RPC call on a pool thread: the request header, the size bound, a
 * private copy of a request that sits in the client's region, the
 * validated unpack, the handler through service->invoke, and its reply or
 * status; plus the describe call and the call context a handler sees.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "server-int.h"

/* Answer @ctx's call with @code and a printf-style message. */
static void __attribute__((format(printf, 3, 4)))
ctx_fail(struct fastipc_rpc_ctx *ctx, int code, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(ctx->msg, sizeof(ctx->msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	ctx->msg_len = (size_t)n < sizeof(ctx->msg) ? (size_t)n :
		       sizeof(ctx->msg) - 1;
	ctx->status = code;
}

/*
 * The closure the handler calls: pack @msg straight into the reply buffer
 * of the size it needs. Only the first call counts.
 */
static void reply_closure(const ProtobufCMessage *msg, void *data)
{
	struct fastipc_rpc_ctx *ctx = fastipc_rpc_ctx_of(data);
	struct frpc_counters *c;
	size_t len;
	void *buf;
	int ret;

	if (!ctx)
		return;
	c = &ctx->m->srv->cnt;
	if (ctx->replies++) {
		frpc_count(&c->extra_replies, 1);
		return;
	}
	if (ctx->status_set)
		return;		/* the status the handler set answers */
	if (!msg) {
		frpc_count(&c->no_reply, 1);
		ctx_fail(ctx, FASTIPC_RPC_UNKNOWN,
			 "handler of %s replied no message and no status",
			 ctx->m->name);
		return;
	}
	if (msg->descriptor != ctx->m->md->output) {
		frpc_count(&c->no_reply, 1);
		ctx_fail(ctx, FASTIPC_RPC_INTERNAL,
			 "handler of %s replied a %s, not a %s", ctx->m->name,
			 msg->descriptor ? msg->descriptor->name : "(null)",
			 ctx->m->md->output->name);
		return;
	}
	len = protobuf_c_message_get_packed_size(msg);
	ret = fastipc_req_reply_buf(ctx->req, len, &buf);
	if (ret) {
		ctx->status = ret;	/* the caller sees the size it needs */
		return;
	}
	if (len && protobuf_c_message_pack(msg, buf) != len)
		ctx_fail(ctx, FASTIPC_RPC_INTERNAL,
			 "reply of %s packed to another size", ctx->m->name);
	ctx->status = 0;
}

static uint64_t deadline_at(uint64_t left_ns)
{
	struct timespec ts;
	uint64_t now;

	if (left_ns == FASTIPC_TIMEOUT_INF ||
	    clock_gettime(CLOCK_MONOTONIC, &ts))
		return FASTIPC_TIMEOUT_INF;
	now = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
	if (left_ns >= FASTIPC_TIMEOUT_INF - now)
		return FASTIPC_TIMEOUT_INF;
	return now + left_ns;
}

/*
 * Check the header in front of the request and find the message after
 * it. Return: true, or false with the call's status set.
 */
static bool parse_hdr(struct fastipc_rpc_ctx *ctx, const uint8_t *data,
		      size_t len, const uint8_t **msgp, size_t *lenp)
{
	const struct frpc_method *m = ctx->m;
	struct fastipc_rpc_req_hdr h;

	if (len < FRPC_HDR_LEN) {
		frpc_count(&m->srv->cnt.bad_requests, 1);
		ctx_fail(ctx, FASTIPC_RPC_INVALID_ARGUMENT,
			 "request to %s: %zu bytes, shorter than the header",
			 m->name, len);
		return false;
	}
	memcpy(&h, data, sizeof(h));	/* read once: it may be shared */
	if (h.magic != FASTIPC_RPC_REQ_MAGIC) {
		frpc_count(&m->srv->cnt.bad_requests, 1);
		ctx_fail(ctx, FASTIPC_RPC_INVALID_ARGUMENT,
			 "request to %s: bad header magic 0x%08x", m->name,
			 h.magic);
		return false;
	}
	if (h.method_hash != m->hash) {
		frpc_count(&m->srv->cnt.bad_requests, 1);
		ctx_fail(ctx, FASTIPC_RPC_FAILED_PRECONDITION,
			 "stale binding: %s has signature hash 0x%08x here, the call was bound to 0x%08x; bind again",
			 m->name, m->hash, h.method_hash);
		return false;
	}
	ctx->deadline = deadline_at(h.deadline_ns);
	*msgp = data + FRPC_HDR_LEN;
	*lenp = len - FRPC_HDR_LEN;
	return true;
}

/*
 * Unpack the request message @buf (@len bytes; private memory).
 * Return: the message, or NULL with the call's status set.
 */
static ProtobufCMessage *unpack_req(struct fastipc_rpc_ctx *ctx,
				    const uint8_t *buf, size_t len)
{
	const struct frpc_method *m = ctx->m;
	ProtobufCMessage *in;
	int err = 0;

	in = frpc_unpack(m->md->input, buf, len, m->srv->max_depth, &err);
	if (in)
		return in;
	if (err == -ENOMEM) {
		ctx_fail(ctx, FASTIPC_RPC_RESOURCE_EXHAUSTED,
			 "request to %s: out of memory unpacking %zu bytes",
			 m->name, len);
		return NULL;
	}
	if (err == -E2BIG) {
		frpc_count(&m->srv->cnt.too_large, 1);
		ctx_fail(ctx, FASTIPC_RPC_RESOURCE_EXHAUSTED,
			 "request to %s: %zu bytes that would unpack into more than %u times their size",
			 m->name, len, FRPC_UNPACK_RATIO);
		return NULL;
	}
	frpc_count(&m->srv->cnt.bad_requests, 1);
	if (err == -ELOOP)
		ctx_fail(ctx, FASTIPC_RPC_INVALID_ARGUMENT,
			 "request to %s: %s nested deeper than %u messages",
			 m->name, m->md->input->name, m->srv->max_depth);
	else
		ctx_fail(ctx, FASTIPC_RPC_INVALID_ARGUMENT,
			 "request to %s is not a valid %s (%zu bytes: malformed wire format or missing required field)",
			 m->name, m->md->input->name, len);
	return NULL;
}

/*
 * The request message in memory the client cannot write: the pool
 * thread's receive buffer as it is, a payload in the client's region
 * (@shared) copied first (protobuf-c reads packed fields twice).
 * Return: the message, or NULL with the status set.
 */
static ProtobufCMessage *private_unpack(struct fastipc_rpc_ctx *ctx,
					const uint8_t *msg, size_t len,
					bool shared)
{
	const struct frpc_method *m = ctx->m;
	ProtobufCMessage *in;
	uint8_t *copy = NULL;

	if (len > m->srv->max_message) {
		frpc_count(&m->srv->cnt.too_large, 1);
		ctx_fail(ctx, FASTIPC_RPC_RESOURCE_EXHAUSTED,
			 "request to %s: %zu bytes, above the server's max_message %llu",
			 m->name, len,
			 (unsigned long long)m->srv->max_message);
		return NULL;
	}
	if (shared && len) {
		copy = malloc(len);
		if (!copy) {
			ctx_fail(ctx, FASTIPC_RPC_RESOURCE_EXHAUSTED,
				 "request to %s: out of memory copying %zu bytes",
				 m->name, len);
			return NULL;
		}
		memcpy(copy, msg, len);
		msg = copy;
	}
	in = unpack_req(ctx, msg, len);
	free(copy);
	return in;
}

ProtobufCMessage *frpc_decode(struct fastipc_rpc_ctx *ctx,
			      const uint8_t *data, size_t len, bool shared)
{
	const uint8_t *msg;
	size_t msg_len;

	if (!parse_hdr(ctx, data, len, &msg, &msg_len))
		return NULL;
	return private_unpack(ctx, msg, msg_len, shared);
}

static void invoke(struct fastipc_rpc_ctx *ctx)
{
	const struct frpc_method *m = ctx->m;
	ProtobufCMessage *in;
	const uint8_t *data;
	size_t len;

	data = fastipc_req_data(ctx->req, &len);
	in = frpc_decode(ctx, data, len, fastipc_req_shared(ctx->req));
	if (!in)
		return;
	m->service->invoke(m->service, m->index, in, reply_closure, ctx);
	protobuf_c_message_free_unpacked(in, NULL);
	if (!ctx->replies) {
		frpc_count(&m->srv->cnt.no_reply, 1);
		ctx_fail(ctx, FASTIPC_RPC_UNKNOWN, "handler of %s did not reply",
			 m->name);
	}
}

/* The status of a call as its reply: the code, the message as payload. */
static int answer(struct fastipc_rpc_ctx *ctx, struct frpc_counters *c)
{
	if (ctx->status == 0) {
		frpc_count(&c->ok, 1);
		return 0;
	}
	frpc_count(&c->failed, 1);
	/* the message replaces any reply the handler packed before */
	if (ctx->status > 0 &&
	    fastipc_req_reply(ctx->req, ctx->msg, ctx->msg_len))
		fastipc_req_reply(ctx->req, NULL, 0);	/* code alone */
	return ctx->status;
}

static int describe(struct fastipc_rpc_server *srv, struct fastipc_req *req)
{
	int ret;

	frpc_count(&srv->cnt.describes, 1);
	ret = fastipc_req_reply(req, srv->desc, srv->desc_len);
	return ret == -EOVERFLOW ? 0 : ret;
}

int frpc_dispatch(void *arg, struct fastipc_req *req)
{
	struct fastipc_rpc_server *srv = arg;
	uint32_t op = fastipc_req_hdr(req)->op;
	struct fastipc_rpc_ctx ctx = {
		.magic = FRPC_CTX_MAGIC,
		.req = req,
		.deadline = FASTIPC_TIMEOUT_INF,
		.status = FASTIPC_RPC_UNKNOWN,
	};
	int status;

	/*
	 * A one-way message has no one to answer: no handler runs for it (a
	 * client could otherwise queue work without waiting for any of it).
	 */
	if (fastipc_req_hdr(req)->type != FASTIPC_MSG_REQUEST)
		return 0;
	if (op == FASTIPC_RPC_OP_DESCRIBE)
		return describe(srv, req);
	frpc_count(&srv->cnt.calls, 1);
	if (op - FASTIPC_RPC_OP_BASE < FASTIPC_RPC_METHODS_MAX)
		ctx.m = srv->methods[op - FASTIPC_RPC_OP_BASE];
	if (ctx.m) {
		invoke(&ctx);
	} else {
		frpc_count(&srv->cnt.unimplemented, 1);
		ctx_fail(&ctx, FASTIPC_RPC_UNIMPLEMENTED,
			 "this server serves no method with op 0x%08x", op);
	}
	status = answer(&ctx, &srv->cnt);
	/*
	 * A handler that kept closure_data finds no context after this
	 * (volatile: the store must not be dropped as dead). Best effort: the
	 * thread's next call puts a live context in the same place.
	 */
	*(volatile uint32_t *)&ctx.magic = 0;
	return status;
}

/* ---------------------------------------------------------------------- */
/* The call context                                                       */
/* ---------------------------------------------------------------------- */

__public struct fastipc_rpc_ctx *fastipc_rpc_ctx_of(void *closure_data)
{
	struct fastipc_rpc_ctx *ctx = closure_data;

	if (!ctx || ctx->magic != FRPC_CTX_MAGIC)
		return NULL;
	return ctx;
}

__public const struct fastipc_msg_hdr *
fastipc_rpc_ctx_hdr(const struct fastipc_rpc_ctx *ctx)
{
	return fastipc_req_hdr(ctx->req);
}

__public const char *fastipc_rpc_ctx_method(const struct fastipc_rpc_ctx *ctx)
{
	return ctx->m->name;
}

__public uint64_t fastipc_rpc_ctx_deadline(const struct fastipc_rpc_ctx *ctx)
{
	return ctx->deadline;
}

__public int fastipc_rpc_ctx_set_status(struct fastipc_rpc_ctx *ctx, int code,
					const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!ctx || code <= FASTIPC_RPC_OK || code > FASTIPC_RPC_CODE_MAX)
		return -EINVAL;
	n = 0;
	ctx->msg[0] = '\0';
	if (fmt) {
		va_start(ap, fmt);
		n = vsnprintf(ctx->msg, sizeof(ctx->msg), fmt, ap);
		va_end(ap);
	}
	if (n < 0)
		n = 0;
	ctx->msg_len = (size_t)n < sizeof(ctx->msg) ? (size_t)n :
		       sizeof(ctx->msg) - 1;
	ctx->status = code;
	ctx->status_set = true;
	return 0;
}
