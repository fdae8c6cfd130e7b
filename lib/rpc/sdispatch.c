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

void frpc_ctx_vset(struct fastipc_rpc_ctx *ctx, int code, const char *fmt,
		   va_list ap)
{
	int n = 0;

	ctx->msg[0] = '\0';
	if (fmt)
		n = vsnprintf(ctx->msg, sizeof(ctx->msg), fmt, ap);
	if (n < 0)
		n = 0;
	ctx->msg_len = (size_t)n < sizeof(ctx->msg) ? (size_t)n :
		       sizeof(ctx->msg) - 1;
	ctx->status = code;
}

/*
 * The caller's ring had no room for a reply of @len bytes above the copy
 * buffer. The handler has run; libfastipc would drop the reply and answer
 * a bare status -ENOBUFS (never sending the call again: a handler runs at
 * most once per call). Answer RESOURCE_EXHAUSTED by copy instead, with a
 * message that names the reply's size, so that the caller knows what
 * found no room; it is not sent again either.
 */
void frpc_ctx_no_room(struct fastipc_rpc_ctx *ctx, size_t len)
{
	frpc_ctx_fail(ctx, FASTIPC_RPC_RESOURCE_EXHAUSTED,
		      "no room in the caller's region for the %zu-byte reply of %s (the handler ran; not sent again)",
		      len, ctx->m->name);
}

/* Answer @ctx's call with @code and a printf-style message. */
void frpc_ctx_fail(struct fastipc_rpc_ctx *ctx, int code, const char *fmt,
		   ...)
{
	va_list ap;

	va_start(ap, fmt);
	frpc_ctx_vset(ctx, code, fmt, ap);
	va_end(ap);
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
		frpc_ctx_fail(ctx, FASTIPC_RPC_UNKNOWN,
			      "handler of %s replied no message and no status",
			      ctx->m->name);
		return;
	}
	if (msg->descriptor != ctx->m->md->output) {
		frpc_count(&c->no_reply, 1);
		frpc_ctx_fail(ctx, FASTIPC_RPC_INTERNAL,
			      "handler of %s replied a %s, not a %s", ctx->m->name,
			      msg->descriptor ? msg->descriptor->name : "(null)",
			      ctx->m->md->output->name);
		return;
	}
	len = protobuf_c_message_get_packed_size(msg);
	ret = fastipc_req_reply_buf(ctx->req, len, &buf);
	if (ret == -ENOBUFS) {
		frpc_ctx_no_room(ctx, len);
		return;
	}
	if (ret) {
		ctx->status = ret;	/* the caller sees the size it needs */
		return;
	}
	if (len && protobuf_c_message_pack(msg, buf) != len)
		frpc_ctx_fail(ctx, FASTIPC_RPC_INTERNAL,
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
 * The metadata of an "RPC2" request: struct fastipc_rpc_md_hdr after the
 * header, the packed metadata copied out of @data (it may be shared)
 * before they are parsed into @ctx->md, zero padding. Return: the
 * offset of the message, or 0 with the call's status set.
 */
static size_t parse_md(struct fastipc_rpc_ctx *ctx, const uint8_t *data,
		       size_t len)
{
	const struct frpc_method *m = ctx->m;
	struct fastipc_rpc_md_hdr mh;
	uint8_t copy[FASTIPC_RPC_MD_MAX];
	char why[256];
	size_t off, i;
	int ret;

	if (len < FRPC_HDR_LEN + sizeof(mh)) {
		snprintf(why, sizeof(why), "%zu bytes, shorter than the headers",
			 len);
		goto bad;
	}
	memcpy(&mh, data + FRPC_HDR_LEN, sizeof(mh));
	if (mh.resv || mh.md_len > FASTIPC_RPC_MD_MAX) {
		snprintf(why, sizeof(why), mh.resv ?
			 "metadata header resv 0x%08x is not 0" :
			 "metadata of %u bytes, above FASTIPC_RPC_MD_MAX",
			 mh.resv ? mh.resv : mh.md_len);
		goto bad;
	}
	off = frpc_md_offset(mh.md_len);
	if (off > len) {
		snprintf(why, sizeof(why),
			 "%zu bytes, shorter than its %u bytes of metadata",
			 len, mh.md_len);
		goto bad;
	}
	memcpy(copy, data + FRPC_HDR_LEN + sizeof(mh), mh.md_len);
	for (i = FRPC_HDR_LEN + sizeof(mh) + mh.md_len; i < off; i++)
		if (data[i]) {
			snprintf(why, sizeof(why), "non-zero padding at byte %zu",
				 i);
			goto bad;
		}
	ret = frpc_md_parse(copy, mh.md_len, &ctx->md, why, sizeof(why));
	if (ret == -ENOMEM) {
		frpc_ctx_fail(ctx, FASTIPC_RPC_RESOURCE_EXHAUSTED,
			      "request to %s: out of memory for its metadata",
			      m->name);
		return 0;
	}
	if (!ret)
		return off;
bad:
	frpc_count(&m->srv->cnt.bad_requests, 1);
	frpc_ctx_fail(ctx, FASTIPC_RPC_INVALID_ARGUMENT, "request to %s: %s",
		      m->name, why);
	return 0;
}

/*
 * Check the header in front of the request (and the metadata after an
 * "RPC2" one) and find the message after it. Return: true, or false
 * with the call's status set.
 */
static bool parse_hdr(struct fastipc_rpc_ctx *ctx, const uint8_t *data,
		      size_t len, const uint8_t **msgp, size_t *lenp)
{
	const struct frpc_method *m = ctx->m;
	struct fastipc_rpc_req_hdr h;
	size_t off = FRPC_HDR_LEN;

	if (len < FRPC_HDR_LEN) {
		frpc_count(&m->srv->cnt.bad_requests, 1);
		frpc_ctx_fail(ctx, FASTIPC_RPC_INVALID_ARGUMENT,
			      "request to %s: %zu bytes, shorter than the header",
			      m->name, len);
		return false;
	}
	memcpy(&h, data, sizeof(h));	/* read once: it may be shared */
	if (h.magic != FASTIPC_RPC_REQ_MAGIC &&
	    h.magic != FASTIPC_RPC_REQ_MAGIC_MD) {
		frpc_count(&m->srv->cnt.bad_requests, 1);
		frpc_ctx_fail(ctx, FASTIPC_RPC_INVALID_ARGUMENT,
			      "request to %s: bad header magic 0x%08x", m->name,
			      h.magic);
		return false;
	}
	if (h.method_hash != m->hash) {
		frpc_count(&m->srv->cnt.bad_requests, 1);
		frpc_ctx_fail(ctx, FASTIPC_RPC_FAILED_PRECONDITION,
			      "stale binding: %s has signature hash 0x%08x here, the call was bound to 0x%08x; bind again",
			      m->name, m->hash, h.method_hash);
		return false;
	}
	if (h.magic == FASTIPC_RPC_REQ_MAGIC_MD) {
		off = parse_md(ctx, data, len);
		if (!off)
			return false;
	}
	ctx->deadline_left = h.deadline_ns;	/* the clock: when asked */
	*msgp = data + off;
	*lenp = len - off;
	return true;
}

/*
 * Unpack the request message @buf (@len bytes; private memory) into the
 * memory of @a (NULL: malloc()). Return: the message, or NULL with the
 * call's status set.
 */
static ProtobufCMessage *unpack_req(struct fastipc_rpc_ctx *ctx,
				    const uint8_t *buf, size_t len,
				    ProtobufCAllocator *a)
{
	const struct frpc_method *m = ctx->m;
	ProtobufCMessage *in;
	int err = 0;

	in = frpc_unpack_with(m->md->input, buf, len, m->srv->max_depth, a,
			      &err);
	if (in)
		return in;
	if (err == -ENOMEM) {
		frpc_ctx_fail(ctx, FASTIPC_RPC_RESOURCE_EXHAUSTED,
			      "request to %s: out of memory unpacking %zu bytes",
			      m->name, len);
		return NULL;
	}
	if (err == -E2BIG) {
		frpc_count(&m->srv->cnt.too_large, 1);
		frpc_ctx_fail(ctx, FASTIPC_RPC_RESOURCE_EXHAUSTED,
			      "request to %s: %zu bytes that would unpack into more than %u times their size",
			      m->name, len, FRPC_UNPACK_RATIO);
		return NULL;
	}
	frpc_count(&m->srv->cnt.bad_requests, 1);
	if (err == -ELOOP)
		frpc_ctx_fail(ctx, FASTIPC_RPC_INVALID_ARGUMENT,
			      "request to %s: %s nested deeper than %u messages",
			      m->name, m->md->input->name, m->srv->max_depth);
	else
		frpc_ctx_fail(ctx, FASTIPC_RPC_INVALID_ARGUMENT,
			      "request to %s is not a valid %s (%zu bytes: malformed wire format or missing required field)",
			      m->name, m->md->input->name, len);
	return NULL;
}

bool frpc_req_body(struct fastipc_rpc_ctx *ctx, const uint8_t *data,
		   size_t len, bool shared, const uint8_t **msgp,
		   size_t *lenp, uint8_t **copyp)
{
	const struct frpc_method *m = ctx->m;
	const uint8_t *msg;
	size_t msg_len;

	*copyp = NULL;
	if (!parse_hdr(ctx, data, len, &msg, &msg_len))
		return false;
	if (msg_len > m->srv->max_message) {
		frpc_count(&m->srv->cnt.too_large, 1);
		frpc_ctx_fail(ctx, FASTIPC_RPC_RESOURCE_EXHAUSTED,
			      "request to %s: %zu bytes, above the server's max_message %llu",
			      m->name, msg_len,
			      (unsigned long long)m->srv->max_message);
		return false;
	}
	/* in the client's region: copied first (protobuf-c reads twice) */
	if (shared && msg_len) {
		*copyp = malloc(msg_len);
		if (!*copyp) {
			frpc_ctx_fail(ctx, FASTIPC_RPC_RESOURCE_EXHAUSTED,
				      "request to %s: out of memory copying %zu bytes",
				      m->name, msg_len);
			return false;
		}
		memcpy(*copyp, msg, msg_len);
		msg = *copyp;
	}
	*msgp = msg;
	*lenp = msg_len;
	return true;
}

/* frpc_decode(), unpacking into the memory of @a (NULL: malloc()). */
static ProtobufCMessage *decode_with(struct fastipc_rpc_ctx *ctx,
				     const uint8_t *data, size_t len,
				     bool shared, ProtobufCAllocator *a)
{
	ProtobufCMessage *in;
	const uint8_t *msg;
	uint8_t *copy;
	size_t msg_len;

	if (!frpc_req_body(ctx, data, len, shared, &msg, &msg_len, &copy))
		return NULL;
	in = unpack_req(ctx, msg, msg_len, a);
	free(copy);
	return in;
}

ProtobufCMessage *frpc_decode(struct fastipc_rpc_ctx *ctx,
			      const uint8_t *data, size_t len, bool shared)
{
	return decode_with(ctx, data, len, shared, NULL);
}

/*
 * The request lives while the handler runs (protobuf-c's contract): it is
 * unpacked into the pool thread's arena, no malloc() per field.
 */
static void invoke(struct fastipc_rpc_ctx *ctx)
{
	const struct frpc_method *m = ctx->m;
	ProtobufCAllocator ar, *a;
	ProtobufCMessage *in;
	const uint8_t *data;
	size_t len;

	if (m->raw) {
		frpc_raw_invoke(ctx);
		return;
	}
	a = frpc_arena_take(&ar) ? &ar : NULL;
	data = fastipc_req_data(ctx->req, &len);
	in = decode_with(ctx, data, len, fastipc_req_shared(ctx->req), a);
	if (in)
		m->service->invoke(m->service, m->index, in, reply_closure,
				   ctx);
	frpc_arena_free(in, a);
	if (!in)
		return;
	if (!ctx->replies) {
		frpc_count(&m->srv->cnt.no_reply, 1);
		frpc_ctx_fail(ctx, FASTIPC_RPC_UNKNOWN, "handler of %s did not reply",
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

/*
 * Set up @ctx for @req field by field: an initializer would also zero the
 * 512 bytes of ctx->msg on every call, of which only the first is read.
 */
static void ctx_init(struct fastipc_rpc_ctx *ctx, struct fastipc_req *req)
{
	ctx->magic = FRPC_CTX_MAGIC;
	ctx->m = NULL;
	ctx->req = req;
	ctx->deadline = FASTIPC_TIMEOUT_INF;
	ctx->deadline_left = FASTIPC_TIMEOUT_INF;
	ctx->deadline_known = false;
	ctx->replies = 0;
	ctx->status = FASTIPC_RPC_UNKNOWN;
	ctx->status_set = false;
	ctx->msg_len = 0;
	ctx->msg[0] = '\0';
	ctx->md = NULL;
}

int frpc_dispatch(void *arg, struct fastipc_req *req)
{
	struct fastipc_rpc_server *srv = arg;
	uint32_t op = fastipc_req_hdr(req)->op;
	struct fastipc_rpc_ctx ctx;
	int status;

	/*
	 * A one-way message has no one to answer: no handler runs for it (a
	 * client could otherwise queue work without waiting for any of it).
	 */
	if (fastipc_req_hdr(req)->type != FASTIPC_MSG_REQUEST)
		return 0;
	if (op == FASTIPC_RPC_OP_DESCRIBE)
		return describe(srv, req);
	ctx_init(&ctx, req);
	frpc_count(&srv->cnt.calls, 1);
	if (op - FASTIPC_RPC_OP_BASE < FASTIPC_RPC_METHODS_MAX)
		ctx.m = srv->methods[op - FASTIPC_RPC_OP_BASE];
	if (ctx.m) {
		invoke(&ctx);
	} else {
		frpc_count(&srv->cnt.unimplemented, 1);
		frpc_ctx_fail(&ctx, FASTIPC_RPC_UNIMPLEMENTED,
			 "this server serves no method with op 0x%08x", op);
	}
	status = answer(&ctx, &srv->cnt);
	if (ctx.md)
		protobuf_c_message_free_unpacked(&ctx.md->base, NULL);
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

/*
 * The clock is read at the first call, not at receipt: a handler that
 * never asks costs no clock read (a system call, microseconds in a guest
 * whose clock source is the HPET). The context is the dispatcher's own,
 * on its stack: the cast only fills in its cache.
 */
__public uint64_t fastipc_rpc_ctx_deadline(const struct fastipc_rpc_ctx *ctx)
{
	struct fastipc_rpc_ctx *c = (struct fastipc_rpc_ctx *)ctx;

	if (!c->deadline_known) {
		c->deadline = deadline_at(c->deadline_left);
		c->deadline_known = true;
	}
	return c->deadline;
}

__public int fastipc_rpc_ctx_set_status(struct fastipc_rpc_ctx *ctx, int code,
					const char *fmt, ...)
{
	va_list ap;

	if (!ctx || code <= FASTIPC_RPC_OK || code > FASTIPC_RPC_CODE_MAX)
		return -EINVAL;
	va_start(ap, fmt);
	frpc_ctx_vset(ctx, code, fmt, ap);
	va_end(ap);
	ctx->status_set = true;
	return 0;
}
