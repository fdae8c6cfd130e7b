// SPDX-License-Identifier: LGPL-2.1 OR MIT
/*
 * Calls on a bound client: fastipc_rpc_call() by method name, the
 * ProtobufCService that protoc-c's generated stubs call through
 * (fastipc_rpc_service()), and how a reply or a transport error becomes a
 * status.
 *
 * A request that goes through the connection's region is packed straight
 * into a record reserved in its ring (fastipc_call_buf_get(), sent with
 * fastipc_call2_buf()): packing is the only pass over its bytes on the
 * client. When the ring has no room at once, it is packed into malloc'd
 * memory and fastipc_call2() carries it (by copy, or into the ring once
 * there is room).
 *
 * The small-message path allocates nothing but the unpacked reply: the
 * header and the packed request go into a stack buffer, and the reply is
 * copied into a per-thread buffer of the channel's msg_max, reused by
 * every call of the thread (fastipc_call2() with FASTIPC_CALL_ALLOC then
 * needs no memory of its own). Replies are unpacked from that private
 * memory (or from the library's allocation for a large one), never from
 * the region the server can write.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"

/* Requests up to this many bytes, header included, are packed on the stack. */
#define FRPC_STACK_MAX	4096

/* The status of the calling thread's last stub call. */
static __thread struct fastipc_rpc_status frpc_last;

/* The calling thread's reply buffer, freed at thread exit. */
static __thread uint8_t *frpc_rep;
static __thread size_t frpc_rep_cap;
static pthread_key_t frpc_rep_key;
static pthread_once_t frpc_rep_once = PTHREAD_ONCE_INIT;
static int frpc_rep_keyed;

/* At thread exit: free the buffer and forget it (a later call reallocates). */
static void frpc_rep_free(void *p)
{
	free(p);
	frpc_rep = NULL;
	frpc_rep_cap = 0;
}

static void frpc_rep_key_init(void)
{
	frpc_rep_keyed = !pthread_key_create(&frpc_rep_key, frpc_rep_free);
}

/*
 * A reply buffer of at least @want bytes for this thread, in *@cap; NULL
 * with *@cap 0 when there is no memory (fastipc_call2() then allocates).
 */
static uint8_t *frpc_rep_buf(size_t want, size_t *cap)
{
	uint8_t *p;

	if (frpc_rep_cap >= want) {
		*cap = frpc_rep_cap;
		return frpc_rep;
	}
	pthread_once(&frpc_rep_once, frpc_rep_key_init);
	*cap = 0;
	if (!frpc_rep_keyed)
		return NULL;
	p = malloc(want);
	if (!p)
		return NULL;
	free(frpc_rep);
	frpc_rep = p;
	frpc_rep_cap = want;
	pthread_setspecific(frpc_rep_key, p);
	*cap = want;
	return p;
}

/*
 * The reply of a stub call lives only while its closure runs: it is
 * unpacked into a per-thread arena (FRPC_ARENA_SIZE bytes, allocated at
 * the thread's first stub call and freed at its exit) instead of by a
 * malloc() and free() per field. What does not fit comes from malloc()
 * and goes back to free(); a stub called from inside a closure, with the
 * arena in use, unpacks with malloc().
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

/* This thread's arena as an allocator, or NULL (in use, or no memory). */
static bool frpc_ar_take(ProtobufCAllocator *a)
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

/* Free @msg, unpacked with @a (NULL: the default allocator). */
static void frpc_msg_free(ProtobufCMessage *msg, ProtobufCAllocator *a)
{
	if (msg)
		protobuf_c_message_free_unpacked(msg, a);
	if (a)
		frpc_ar.busy = false;
}

/*
 * frpc_unpack() with @a: the same checks (frpc_validate()), then
 * protobuf-c's unpack into @a's memory. @a NULL: frpc_unpack().
 */
static ProtobufCMessage *frpc_unpack_with(const ProtobufCMessageDescriptor *d,
					  const uint8_t *buf, size_t len,
					  ProtobufCAllocator *a, int *err)
{
	ProtobufCMessage *m;

	if (!a)
		return frpc_unpack(d, buf, len, FRPC_CLIENT_DEPTH, err);
	*err = frpc_validate(d, buf, len, FRPC_CLIENT_DEPTH);
	if (*err)
		return NULL;
	m = protobuf_c_message_unpack(d, a, len, buf);
	if (!m)
		*err = frpc_ar.oom ? -ENOMEM : -EBADMSG;
	return m;
}

/* "/pkg.Svc/Method", or "the describe call" when @method is NULL. */
static const char *frpc_what(char *buf, size_t len, const char *svc,
			     const char *method)
{
	if (!method)
		return "the describe call";
	snprintf(buf, len, "/%s/%s", svc, method);
	return buf;
}

static const char *frpc_err_words(int err)
{
	switch (err) {
	case ETIMEDOUT:
		return "no reply within the deadline";
	case ECONNRESET:
		return "the server closed the channel";
	case EIDRM:
		return "the channel was removed";
	case EINTR:
		return "interrupted by a signal (the call is cancelled)";
	case EAGAIN:
		return "the channel's queue is full";
	case ENOBUFS:
		return "the server had no room in the region for the reply";
	case EBADMSG:
		return "the server corrupted the connection's region";
	case ENOMEM:
		return "out of memory";
	default:
		return "the call failed";
	}
}

int frpc_call_error(struct fastipc_rpc_status *st, int err,
		    const struct fastipc_call_args *args, const char *svc,
		    const char *method, const char *where)
{
	char wbuf[320], sbuf[FASTIPC_RPC_MSG_MAX];
	const char *what = frpc_what(wbuf, sizeof(wbuf), svc, method);

	if (err > 0)
		err = -err;
	if (err == -EMSGSIZE || err == -EOVERFLOW) {
		fastipc_call_strerror(err, args, sbuf, sizeof(sbuf));
		return frpc_status_set(st, FASTIPC_RPC_RESOURCE_EXHAUSTED,
				       -err, "%s on %s: %s", what, where,
				       sbuf);
	}
	return frpc_status_set(st, fastipc_rpc_code_from_errno(err), -err,
			       "%s on %s: %s", what, where,
			       frpc_err_words(-err));
}

int frpc_reply_status(struct fastipc_rpc_status *st, int32_t status,
		      const void *data, size_t len, const char *svc,
		      const char *method, const char *where)
{
	char wbuf[320];
	const char *what;
	size_t n;

	if (status > 0 && status <= FASTIPC_RPC_CODE_MAX) {
		if (!st)
			return status;
		n = len < FASTIPC_RPC_MSG_MAX - 1 ? len : FASTIPC_RPC_MSG_MAX - 1;
		st->code = status;
		st->err = 0;
		if (n)
			memcpy(st->message, data, n);
		st->message[n] = '\0';
		return status;
	}
	what = frpc_what(wbuf, sizeof(wbuf), svc, method);
	if (status == -ENOSYS)
		return frpc_status_set(st, FASTIPC_RPC_UNIMPLEMENTED, ENOSYS,
				       "%s on %s: the server has no handler for it (not a fastipc-rpc server?)",
				       what, where);
	if (status < 0 && status >= -4095)	/* an errno, as the kernel's */
		return frpc_status_set(st, fastipc_rpc_code_from_errno(status),
				       -status,
				       "%s on %s: the server answered without the RPC layer, status %d",
				       what, where, (int)status);
	return frpc_status_set(st, FASTIPC_RPC_UNKNOWN, 0,
			       "%s on %s: the server answered status %d, which is no status code",
			       what, where, (int)status);
}

/* The index of @name ("Get" or "/pkg.Svc/Get") in @d, or -1. */
static int frpc_method_index(const ProtobufCServiceDescriptor *d,
			     const char *name)
{
	const ProtobufCMethodDescriptor *m;
	size_t n;
	unsigned int i;

	if (name[0] == '/') {
		n = strlen(d->name);
		if (strncmp(name + 1, d->name, n) || name[n + 1] != '/')
			return -1;
		name += n + 2;
	}
	if (d->method_indices_by_name) {
		m = protobuf_c_service_descriptor_get_method_by_name(d, name);
		return m ? (int)(m - d->methods) : -1;
	}
	for (i = 0; i < d->n_methods; i++)
		if (!strcmp(d->methods[i].name, name))
			return (int)i;
	return -1;
}

/* Same message type: the same descriptor, or one of the same full name. */
static bool frpc_same_type(const ProtobufCMessageDescriptor *a,
			   const ProtobufCMessageDescriptor *b)
{
	return a == b || (a && b && !strcmp(a->name, b->name));
}

/* @req must be a message of @m's input type (checked before packing it). */
static int frpc_check_type(struct fastipc_rpc_client *cl,
			   const ProtobufCMethodDescriptor *m,
			   const ProtobufCMessage *req,
			   struct fastipc_rpc_status *st)
{
	if (!req || !frpc_same_type(req->descriptor, m->input))
		return frpc_status_set(st, FASTIPC_RPC_INVALID_ARGUMENT, 0,
				       "/%s/%s takes %s, not %s",
				       cl->desc->name, m->name, m->input->name,
				       !req ? "NULL" : req->descriptor ?
				       req->descriptor->name :
				       "a message without a descriptor");
	return FASTIPC_RPC_OK;
}

/* A request of @len packed bytes must be within the client's max_message. */
static int frpc_check_size(struct fastipc_rpc_client *cl,
			   const ProtobufCMethodDescriptor *m, size_t len,
			   struct fastipc_rpc_status *st)
{
	if (len > cl->max_message)
		return frpc_status_set(st, FASTIPC_RPC_RESOURCE_EXHAUSTED,
				       EMSGSIZE,
				       "request of %zu bytes to /%s/%s on %s is above the client's max_message, %llu bytes (fastipc_rpc_bind_opts.max_message)",
				       len, cl->desc->name, m->name, cl->where,
				       (unsigned long long)cl->max_message);
	return FASTIPC_RPC_OK;
}

/* The OK reply of @args: unpacked into a message of @m's output type. */
static int frpc_take_reply(struct fastipc_rpc_client *cl,
			   const ProtobufCMethodDescriptor *m,
			   const struct fastipc_call_args *args,
			   ProtobufCAllocator *a, ProtobufCMessage **repp,
			   struct fastipc_rpc_status *st)
{
	static const uint8_t empty[1];
	const uint8_t *data = args->rep_data ? args->rep_data : empty;
	ProtobufCMessage *msg;
	int err = 0;

	if (args->rep_len > cl->max_message)
		return frpc_status_set(st, FASTIPC_RPC_RESOURCE_EXHAUSTED,
				       EMSGSIZE,
				       "reply of %zu bytes from /%s/%s on %s is above the client's max_message, %llu bytes (fastipc_rpc_bind_opts.max_message)",
				       args->rep_len, cl->desc->name, m->name,
				       cl->where,
				       (unsigned long long)cl->max_message);
	msg = frpc_unpack_with(m->output, data, args->rep_len, a, &err);
	if (!msg)
		return frpc_status_set(st, err == -ENOMEM ?
				       FASTIPC_RPC_RESOURCE_EXHAUSTED :
				       FASTIPC_RPC_INTERNAL, -err,
				       "the reply of /%s/%s on %s (%zu bytes) does not unpack as %s",
				       cl->desc->name, m->name, cl->where,
				       args->rep_len, m->output->name);
	if (repp)
		*repp = msg;
	else
		protobuf_c_message_free_unpacked(msg, a);
	return frpc_status_ok(st);
}

/*
 * Send the packed request @buf (@len bytes, header included) and decode.
 * @in_ring: @buf is a buffer of fastipc_call_buf_get(), consumed here.
 * Return: the status code, or -ENOBUFS (@st untouched) when an in-ring
 * request was refused for lack of reply room before any handler ran:
 * fastipc_call2_buf() never sends again, the copy path backs off and does.
 */
static int frpc_exchange(struct fastipc_rpc_client *cl, unsigned int idx,
			 const uint8_t *buf, size_t len, bool in_ring,
			 uint64_t timeout, ProtobufCAllocator *alloc,
			 ProtobufCMessage **repp, struct fastipc_rpc_status *st)
{
	const ProtobufCMethodDescriptor *m = &cl->desc->methods[idx];
	struct fastipc_call_args a = {
		.op = cl->bind[idx].op,
		.flags = FASTIPC_CALL_ALLOC,
		.req = buf,
		.req_len = len,
		.timeout_ns = timeout,
	};
	int ret, code;

	a.rep = frpc_rep_buf(cl->msg_max, &a.rep_cap);
	ret = in_ring ? fastipc_call2_buf(cl->conn, &a, sizeof(a)) :
		  fastipc_call2(cl->conn, &a, sizeof(a));
	if (ret == -ENOBUFS && in_ring)
		return -ENOBUFS;
	if (ret < 0)
		return frpc_call_error(st, ret, &a, cl->desc->name, m->name,
				       cl->where);
	if (a.status)
		code = frpc_reply_status(st, a.status, a.rep_data, a.rep_len,
					 cl->desc->name, m->name, cl->where);
	else
		code = frpc_take_reply(cl, m, &a, alloc, repp, st);
	free(a.rep_alloc);
	return code;
}

/*
 * A ProtobufCBuffer that appends into a buffer of @cap bytes (a record
 * reserved in the connection's ring): protobuf_c_message_pack_to_buffer()
 * writes each field once, straight into shared memory, and sizes nested
 * messages first instead of moving them after packing. More bytes than
 * reserved (the message changed since it was sized) set @over.
 */
struct frpc_ring_buf {
	ProtobufCBuffer base;
	uint8_t *p;
	size_t len;
	size_t cap;
	bool over;
};

static void frpc_ring_append(ProtobufCBuffer *b, size_t len,
			     const uint8_t *data)
{
	struct frpc_ring_buf *rb = (struct frpc_ring_buf *)b;

	if (rb->over || len > rb->cap - rb->len) {
		rb->over = true;
		return;
	}
	memcpy(rb->p + rb->len, data, len);
	rb->len += len;
}

/*
 * Reserve @total bytes (header included) in the connection's ring when a
 * request that large goes through the region: NULL when it goes by copy,
 * or when the ring has no room now (the copy path then carries it, or
 * waits for room, as fastipc_call2() does).
 */
static uint8_t *frpc_ring_get(struct fastipc_rpc_client *cl, size_t total)
{
	struct fastipc_conn_info in;
	void *buf;

	if (fastipc_conn_info(cl->conn, &in, sizeof(in)) < 0 ||
	    in.threshold >= in.shm_max || total <= in.threshold ||
	    total > in.shm_max)
		return NULL;
	if (fastipc_call_buf_get(cl->conn, total, &buf, 0) < 0)
		return NULL;
	return buf;
}

/*
 * Pack @req (@len bytes) after the header @hdr into a buffer of its own
 * (*@bufp): the ring's (*@in_ring; only when @ring_ok), the stack's
 * (@stackbuf, @stack_cap) or malloc'd. Return 0, -ENOMEM, or -EBADMSG when the message packed to
 * more bytes than it was sized at (changed by another thread meanwhile).
 */
static int frpc_pack(struct fastipc_rpc_client *cl,
		     const ProtobufCMessage *req, size_t len,
		     const struct fastipc_rpc_req_hdr *hdr, uint8_t *stackbuf,
		     size_t stack_cap, bool ring_ok, uint8_t **bufp,
		     bool *in_ring)
{
	size_t total = FRPC_HDR_LEN + len;
	struct frpc_ring_buf rb = {
		.base.append = frpc_ring_append,
		.len = FRPC_HDR_LEN,
		.cap = total,
	};
	uint8_t *buf = stackbuf;

	*in_ring = false;
	rb.p = ring_ok && total > stack_cap ? frpc_ring_get(cl, total) : NULL;
	if (rb.p) {
		memcpy(rb.p, hdr, sizeof(*hdr));
		protobuf_c_message_pack_to_buffer(req, &rb.base);
		if (rb.over || rb.len != total) {
			fastipc_call_buf_put(cl->conn, rb.p);
			return -EBADMSG;
		}
		*in_ring = true;
		*bufp = rb.p;
		return 0;
	}
	if (total > stack_cap)
		buf = malloc(total);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, hdr, sizeof(*hdr));
	if (protobuf_c_message_pack(req, buf + FRPC_HDR_LEN) != len) {
		if (buf != stackbuf)
			free(buf);
		return -EBADMSG;
	}
	*bufp = buf;
	return 0;
}

/*
 * Pack and send: the status code, or -ENOBUFS from an in-ring request
 * (frpc_exchange()).
 */
static int frpc_send(struct fastipc_rpc_client *cl, unsigned int idx,
		     const ProtobufCMessage *req, size_t len,
		     const struct fastipc_rpc_req_hdr *hdr, uint8_t *stackbuf,
		     size_t stack_cap, bool ring_ok, ProtobufCAllocator *alloc,
		     ProtobufCMessage **repp, struct fastipc_rpc_status *st)
{
	const ProtobufCMethodDescriptor *m = &cl->desc->methods[idx];
	uint8_t *buf = NULL;
	bool in_ring;
	int code;

	code = frpc_pack(cl, req, len, hdr, stackbuf, stack_cap, ring_ok,
			 &buf, &in_ring);
	if (code == -EBADMSG)
		return frpc_status_set(st, FASTIPC_RPC_INTERNAL, EBADMSG,
				       "the request to /%s/%s changed while it was packed (%zu bytes sized)",
				       cl->desc->name, m->name, len);
	if (code)
		return frpc_status_set(st, FASTIPC_RPC_RESOURCE_EXHAUSTED,
				       ENOMEM,
				       "no memory to pack a request of %zu bytes to /%s/%s",
				       len, cl->desc->name, m->name);
	code = frpc_exchange(cl, idx, buf, FRPC_HDR_LEN + len, in_ring,
			     hdr->deadline_ns, alloc, repp, st);
	if (buf != stackbuf && !in_ring)
		free(buf);
	return code;
}

/* Call method @idx of @cl's descriptor. */
static int frpc_call_index(struct fastipc_rpc_client *cl, unsigned int idx,
			   const ProtobufCMessage *req, ProtobufCAllocator *alloc,
			   ProtobufCMessage **repp, uint64_t deadline_ns,
			   struct fastipc_rpc_status *st)
{
	const ProtobufCMethodDescriptor *m = &cl->desc->methods[idx];
	const struct frpc_binding *b = &cl->bind[idx];
	uint8_t stackbuf[FRPC_STACK_MAX] __attribute__((aligned(8)));
	struct fastipc_rpc_req_hdr hdr;
	size_t len;
	int code;

	if (b->code)
		return frpc_status_set(st, b->code, 0, "%s", b->message);
	/* The type first: packing a message without a descriptor crashes. */
	code = frpc_check_type(cl, m, req, st);
	if (code)
		return code;
	len = protobuf_c_message_get_packed_size(req);
	code = frpc_check_size(cl, m, len, st);
	if (code)
		return code;
	hdr.magic = FASTIPC_RPC_REQ_MAGIC;
	hdr.method_hash = b->hash;
	hdr.deadline_ns = deadline_ns == FASTIPC_RPC_DEADLINE_BIND ?
			  cl->deadline_ns : deadline_ns;
	code = frpc_send(cl, idx, req, len, &hdr, stackbuf, sizeof(stackbuf),
			 true, alloc, repp, st);
	if (code == -ENOBUFS)	/* refused before any handler ran: by copy */
		code = frpc_send(cl, idx, req, len, &hdr, stackbuf,
				 sizeof(stackbuf), false, alloc, repp, st);
	return code;
}


__public int fastipc_rpc_call(struct fastipc_rpc_client *cl,
			      const char *method, const ProtobufCMessage *req,
			      ProtobufCMessage **repp, uint64_t deadline_ns,
			      struct fastipc_rpc_status *st)
{
	int idx;

	if (repp)
		*repp = NULL;
	if (!cl || !method)
		return frpc_status_set(st, FASTIPC_RPC_INVALID_ARGUMENT, EINVAL,
				       "fastipc_rpc_call: NULL %s",
				       cl ? "method" : "client");
	idx = frpc_method_index(cl->desc, method);
	if (idx < 0)
		return frpc_status_set(st, FASTIPC_RPC_UNIMPLEMENTED, 0,
				       "%s has no method '%s' (client bound to %s)",
				       cl->desc->name, method, cl->where);
	return frpc_call_index(cl, (unsigned int)idx, req, NULL, repp,
			       deadline_ns, st);
}

__public void fastipc_rpc_free(ProtobufCMessage *msg)
{
	if (msg)
		protobuf_c_message_free_unpacked(msg, NULL);
}

void frpc_client_invoke(ProtobufCService *service, unsigned int method_index,
			const ProtobufCMessage *input, ProtobufCClosure closure,
			void *closure_data)
{
	struct fastipc_rpc_client *cl = (struct fastipc_rpc_client *)service;
	ProtobufCMessage *rep = NULL;
	ProtobufCAllocator ar, *a = frpc_ar_take(&ar) ? &ar : NULL;

	if (method_index >= cl->desc->n_methods)
		frpc_status_set(&frpc_last, FASTIPC_RPC_UNIMPLEMENTED, 0,
				"%s has no method of index %u",
				cl->desc->name, method_index);
	else
		frpc_call_index(cl, method_index, input, a, &rep,
				FASTIPC_RPC_DEADLINE_BIND, &frpc_last);
	/* The reply lives while the closure runs (protobuf-c's contract). */
	if (closure)
		closure(rep, closure_data);
	frpc_msg_free(rep, a);
}

void frpc_client_destroy(ProtobufCService *service)
{
	(void)service;
}

__public ProtobufCService *fastipc_rpc_service(struct fastipc_rpc_client *cl)
{
	return cl ? &cl->service : NULL;
}

__public const struct fastipc_rpc_status *fastipc_rpc_last_status(void)
{
	return &frpc_last;
}
