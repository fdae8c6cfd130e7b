// SPDX-License-Identifier: LGPL-2.1 OR MIT
/*
 * Calls on a bound client: fastipc_rpc_call() by method name, the
 * ProtobufCService that protoc-c's generated stubs call through
 * (fastipc_rpc_service()), and how a reply or a transport error becomes a
 * status; and frpc_send(), the one send path of typed and raw
 * (raw.c) calls.
 *
 * A request that goes through the connection's region is packed straight
 * into a record reserved in its ring (fastipc_call_buf_get(), sent with
 * fastipc_call2_buf()): packing is the only pass over its bytes on the
 * client (a raw request's bytes are copied there once). When the ring
 * has no room at once, it is built in malloc'd memory and fastipc_call2()
 * carries it (by copy, or into the ring once there is room).
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
	msg = frpc_unpack_with(m->output, data, args->rep_len,
			       FRPC_CLIENT_DEPTH, a, &err);
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
 * Reserve @total bytes (headers included) in the connection's ring when a
 * request that large goes through the region (the limits were read at
 * bind): NULL when it goes by copy, or when the ring has no room now
 * (the copy path then carries it, or waits for room, as fastipc_call2()
 * does).
 */
static uint8_t *frpc_ring_get(struct fastipc_rpc_client *cl, size_t total)
{
	void *buf;

	if (cl->threshold >= cl->shm_max || total <= cl->threshold ||
	    total > cl->shm_max)
		return NULL;
	if (fastipc_call_buf_get(cl->conn, total, &buf, 0) < 0)
		return NULL;
	return buf;
}

/*
 * Write @o into @buf (@o->head_len + @o->len bytes): the headers, then
 * the message packed (through a ProtobufCBuffer into the ring when
 * @in_ring) or the packed bytes copied. Return: 0, or -EBADMSG when the
 * message packed to another size than it was sized at (changed by
 * another thread meanwhile).
 */
static int frpc_out_write(const struct frpc_out *o, uint8_t *buf,
			  bool in_ring)
{
	struct frpc_ring_buf rb = {
		.base.append = frpc_ring_append,
		.p = buf,
		.len = o->head_len,
		.cap = o->head_len + o->len,
	};

	memcpy(buf, o->head, o->head_len);
	if (!o->msg) {
		if (o->len)
			memcpy(buf + o->head_len, o->bytes, o->len);
		return 0;
	}
	if (!in_ring)
		return protobuf_c_message_pack(o->msg, buf + o->head_len) ==
		       o->len ? 0 : -EBADMSG;
	protobuf_c_message_pack_to_buffer(o->msg, &rb.base);
	return rb.over || rb.len != rb.cap ? -EBADMSG : 0;
}

/* The status of a request that could not be built (frpc_out_write()). */
static int frpc_out_error(const struct frpc_out *o, int err,
			  struct fastipc_rpc_status *st)
{
	if (err == -EBADMSG)
		return frpc_status_set(st, FASTIPC_RPC_INTERNAL, EBADMSG,
				       "the request to /%s/%s changed while it was packed (%zu bytes sized)",
				       o->svc, o->method, o->len);
	return frpc_status_set(st, FASTIPC_RPC_RESOURCE_EXHAUSTED, ENOMEM,
			       "no memory for a request of %zu bytes to /%s/%s",
			       o->len, o->svc, o->method);
}

/*
 * Build @o in the ring (when @ring_ok and it goes through the region, and
 * there is room), on the stack (@stackbuf, FRPC_STACK_MAX bytes) or in
 * malloc'd memory, and send it. Return: as frpc_send(), or -ENOBUFS (@st
 * untouched) when an in-ring request was refused for lack of reply room:
 * fastipc_call2_buf() never sends again, the copy path backs off and does.
 * (Only a server that refuses before its handler runs, a fastipc_handler_t,
 * does that; a fastipc_handler2_t has run when it asks for reply room, so
 * libfastipc answers it status -ENOBUFS, and lib/rpc's server
 * RESOURCE_EXHAUSTED, frpc_ctx_no_room(): never sent again.)
 */
static int frpc_send_once(struct fastipc_rpc_client *cl,
			  const struct frpc_out *o, bool ring_ok,
			  uint8_t *stackbuf, struct fastipc_call_args *a,
			  struct fastipc_rpc_status *st)
{
	size_t total = o->head_len + o->len;
	uint8_t *buf = ring_ok ? frpc_ring_get(cl, total) : NULL;
	bool in_ring = buf != NULL;
	int ret;

	if (!buf)
		buf = total <= FRPC_STACK_MAX ? stackbuf : malloc(total);
	if (!buf)
		return frpc_out_error(o, -ENOMEM, st);
	ret = frpc_out_write(o, buf, in_ring);
	if (ret) {
		if (in_ring)
			fastipc_call_buf_put(cl->conn, buf);
		else if (buf != stackbuf)
			free(buf);
		return frpc_out_error(o, ret, st);
	}
	memset(a, 0, sizeof(*a));
	a->op = o->op;
	a->flags = FASTIPC_CALL_ALLOC;
	a->req = buf;
	a->req_len = total;
	a->timeout_ns = o->timeout;
	a->rep = frpc_rep_buf(cl->msg_max, &a->rep_cap);
	ret = in_ring ? fastipc_call2_buf(cl->conn, a, sizeof(*a)) :
	      fastipc_call2(cl->conn, a, sizeof(*a));
	if (!in_ring && buf != stackbuf)
		free(buf);
	if (ret == -ENOBUFS && in_ring)
		return -ENOBUFS;
	if (ret < 0)
		return frpc_call_error(st, ret, a, o->svc, o->method,
				       cl->where);
	if (!a->status)
		return FASTIPC_RPC_OK;
	ret = frpc_reply_status(st, a->status, a->rep_data, a->rep_len,
				o->svc, o->method, cl->where);
	free(a->rep_alloc);
	a->rep_alloc = NULL;
	return ret;
}

int frpc_send(struct fastipc_rpc_client *cl, const struct frpc_out *o,
	      struct fastipc_call_args *a, struct fastipc_rpc_status *st)
{
	uint8_t stackbuf[FRPC_STACK_MAX] __attribute__((aligned(8)));
	int code;

	code = frpc_send_once(cl, o, true, stackbuf, a, st);
	if (code == -ENOBUFS)	/* refused for reply room: by copy */
		code = frpc_send_once(cl, o, false, stackbuf, a, st);
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
	struct fastipc_rpc_req_hdr hdr;
	struct fastipc_call_args a;
	struct frpc_out o = {
		.head = &hdr,
		.head_len = FRPC_HDR_LEN,
		.msg = req,
		.op = b->op,
		.svc = cl->desc->name,
		.method = m->name,
	};
	int code;

	if (b->code)
		return frpc_status_set(st, b->code, 0, "%s", b->message);
	/* The type first: packing a message without a descriptor crashes. */
	code = frpc_check_type(cl, m, req, st);
	if (code)
		return code;
	o.len = protobuf_c_message_get_packed_size(req);
	code = frpc_check_size(cl, m, o.len, st);
	if (code)
		return code;
	hdr.magic = FASTIPC_RPC_REQ_MAGIC;
	hdr.method_hash = b->hash;
	hdr.deadline_ns = deadline_ns == FASTIPC_RPC_DEADLINE_BIND ?
			  cl->deadline_ns : deadline_ns;
	o.timeout = hdr.deadline_ns;
	code = frpc_send(cl, &o, &a, st);
	if (code)
		return code;
	code = frpc_take_reply(cl, m, &a, alloc, repp, st);
	free(a.rep_alloc);
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
	ProtobufCAllocator ar, *a = frpc_arena_take(&ar) ? &ar : NULL;

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
	frpc_arena_free(rep, a);
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
