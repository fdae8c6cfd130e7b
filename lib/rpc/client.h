/* SPDX-License-Identifier: LGPL-2.1 OR MIT */
/*
 * libfastipc-rpc client internals shared by client.c (bind, describe) and
 * call.c (calls, the ProtobufCService of the stubs).
 */
#ifndef _FASTIPC_RPC_CLIENT_H
#define _FASTIPC_RPC_CLIENT_H

#include "rpc-int.h"

/*
 * struct frpc_binding - What a client's method maps to at its server.
 * @op: the server's op for the method (FASTIPC_RPC_OP_BASE + n), when
 *	@code is FASTIPC_RPC_OK.
 * @hash: fastipc_rpc_hash() of the method's signature.
 * @code: FASTIPC_RPC_OK when the server serves the method with the same
 *	types; else the status every call of it gets (UNIMPLEMENTED,
 *	FAILED_PRECONDITION), with @message.
 * @message: malloc'd text of that status, NULL on OK.
 */
struct frpc_binding {
	uint32_t op;
	uint32_t hash;
	int code;
	char *message;
};

/*
 * struct fastipc_rpc_client - A bound client.
 * @service: what fastipc_rpc_service() returns (first: the stubs' handle).
 * @conn: the connection.
 * @desc: the service descriptor the client was bound with.
 * @deadline_ns: the bind's deadline, the default of each call.
 * @max_message: largest request or reply message, in bytes.
 * @msg_max: the channel's msg_max (a reply buffer of this size means no
 *	allocation on the copy path).
 * @threshold, @shm_max: the connection's, read at bind: a request above
 *	@threshold and up to @shm_max bytes goes through the region.
 * @where: the channel for messages: "channel 'name'" or "channel key 0x..".
 * @bind: one binding per method of @desc, by method index.
 * @sdesc: the server's describe reply at bind, kept for
 *	fastipc_rpc_call_raw() and fastipc_rpc_client_description().
 */
struct fastipc_rpc_client {
	ProtobufCService service;
	struct fastipc_conn *conn;
	const ProtobufCServiceDescriptor *desc;
	uint64_t deadline_ns;
	uint64_t max_message;
	size_t msg_max;
	uint64_t threshold;
	uint64_t shm_max;
	char where[FASTIPC_NAME_MAX + 32];
	struct frpc_binding *bind;
	Fastipc__Rpc__Description *sdesc;
};

/*
 * The descriptor of a generic client (raw.c): no methods, so that
 * fastipc_rpc_call() and the stubs find none; its name says why.
 */
extern const ProtobufCServiceDescriptor frpc_generic_desc;

/*
 * frpc_bind_common() - fastipc_rpc_bind() with @desc, or, when @generic,
 * with frpc_generic_desc and no method table (raw calls only).
 */
int frpc_bind_common(struct fastipc_dev *dev, const char *channel,
		     const ProtobufCServiceDescriptor *desc,
		     const struct fastipc_rpc_bind_opts *opts, bool generic,
		     struct fastipc_rpc_client **clp,
		     struct fastipc_rpc_status *st);

/* The ProtobufCService invoke of fastipc_rpc_service() (call.c). */
void frpc_client_invoke(ProtobufCService *service, unsigned int method_index,
			const ProtobufCMessage *input, ProtobufCClosure closure,
			void *closure_data);

/* Its destroy: a no-op (the client is freed by fastipc_rpc_unbind()). */
void frpc_client_destroy(ProtobufCService *service);

/*
 * frpc_call_error() - @st for a call that fastipc_call2() failed with the
 * negative errno @err (@args as it left them): the code of
 * fastipc_rpc_code_from_errno(), a size error as RESOURCE_EXHAUSTED in
 * fastipc_call_strerror()'s words. @svc and @method name the call
 * (@method NULL: the describe call), @where the channel. Return: the code.
 */
int frpc_call_error(struct fastipc_rpc_status *st, int err,
		    const struct fastipc_call_args *args, const char *svc,
		    const char *method, const char *where);

/*
 * frpc_reply_status() - @st for a reply whose status is @status (not 0):
 * a code with its message in @data (@len bytes), or a raw negative errno
 * of a server without the RPC layer. Return: the code.
 */
int frpc_reply_status(struct fastipc_rpc_status *st, int32_t status,
		      const void *data, size_t len, const char *svc,
		      const char *method, const char *where);

/* Requests up to this many bytes, headers included, are built on the stack. */
#define FRPC_STACK_MAX	4096

/*
 * struct frpc_out - A request to send, typed or raw.
 * @head, @head_len: the bytes in front of the message: the request header
 *	(and, after an "RPC2" one, the metadata and their padding).
 * @msg: the message, packed by the sender into @len bytes; or NULL, and
 *	@bytes are @len packed bytes sent as they are.
 * @op: the server's op of the method.
 * @timeout: the call's timeout in ns (FASTIPC_TIMEOUT_INF: none).
 * @svc, @method: the method's names, for status messages.
 */
struct frpc_out {
	const void *head;
	size_t head_len;
	const ProtobufCMessage *msg;
	const void *bytes;
	size_t len;
	uint32_t op;
	uint64_t timeout;
	const char *svc;
	const char *method;
};

/*
 * frpc_send() - Send @o on @cl and wait for the reply (call.c). A request
 * above the connection's threshold is written once, into a record
 * reserved in the ring (fastipc_call2_buf()); one the server refused for
 * lack of reply room (-ENOBUFS, only by a server whose handler is a
 * fastipc_handler_t, before it runs) is sent again on the copy path,
 * which backs off and resends (fastipc_call2()); lib/rpc's server never
 * refuses (RESOURCE_EXHAUSTED, frpc_ctx_no_room()). Smaller ones are
 * built on the stack, and the reply lands in a per-thread buffer.
 * @a: out: the call's arguments as fastipc_call2() left them.
 * Return: FASTIPC_RPC_OK when the server answered status 0 (the reply in
 * @a->rep_data, @a->rep_len; the caller frees @a->rep_alloc), or the
 * call's status code, with @st set (nothing to free).
 */
int frpc_send(struct fastipc_rpc_client *cl, const struct frpc_out *o,
	      struct fastipc_call_args *a, struct fastipc_rpc_status *st);

/* @st set to OK with an empty message (NULL is a no-op). */
static inline int frpc_status_ok(struct fastipc_rpc_status *st)
{
	if (st) {
		st->code = FASTIPC_RPC_OK;
		st->err = 0;
		st->message[0] = '\0';
	}
	return FASTIPC_RPC_OK;
}

#endif /* _FASTIPC_RPC_CLIENT_H */
