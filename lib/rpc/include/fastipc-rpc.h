/* SPDX-License-Identifier: LGPL-2.1 OR MIT */
/*
 * fastipc-rpc.h - typed procedure calls over fastipc: services described in
 * .proto files, compiled by protoc-c, called through the generated stubs.
 *
 * Model (the classic one: register, bind, call, marshal, return):
 *  - a server creates a channel (fastipc_chan_create()), registers one or
 *    more protoc-c generated service implementations on it
 *    (fastipc_rpc_server_add()) and runs libfastipc's thread pool;
 *  - a client binds to the channel by name with the generated service
 *    descriptor (fastipc_rpc_bind()): the library asks the server what it
 *    serves (the describe call) and checks every method of the
 *    descriptor by full name and message type names;
 *  - it calls methods with fastipc_rpc_call(), or through the generated
 *    pkg__svc__method() stubs on fastipc_rpc_service();
 *  - every call ends with a status: a gRPC canonical code and a message,
 *    kept apart from the errno of the transport (fastipc_rpc_status.err).
 *
 * Marshalling picks copy or shared memory by size, as libfastipc does:
 * a request up to the connection's threshold (FASTIPC_THRESHOLD_DEFAULT,
 * 4 KiB) goes by copy (one FASTIPC_IOC_CALL), a larger one through the
 * connection's region (by copy when the region is full and it fits the
 * channel's msg_max); a reply by copy up to the server's reply_threshold,
 * else through the region. The region is sized from
 * fastipc_rpc_bind_opts.max_message. A reply of any size up to that arrives
 * in one round trip (fastipc_call2() with FASTIPC_CALL_ALLOC).
 *
 * The wire format (method ops, the request header, the status encoding,
 * the describe call) is in Documentation/userspace-api/fastipc-rpc.rst.
 *
 * Link with `pkg-config --cflags --libs fastipc-rpc` (libfastipc-rpc,
 * libfastipc, libprotobuf-c).
 */
#ifndef _FASTIPC_RPC_H
#define _FASTIPC_RPC_H

#include <stddef.h>
#include <stdint.h>
#include <protobuf-c/protobuf-c.h>
#include <fastipc.h>
#include <fastipc-rpc-describe.pb-c.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * enum fastipc_rpc_code - Canonical status codes, with the numbers and
 * meanings of gRPC's (grpc/status.h, google.rpc.Code).
 */
enum fastipc_rpc_code {
	FASTIPC_RPC_OK = 0,
	FASTIPC_RPC_CANCELLED = 1,
	FASTIPC_RPC_UNKNOWN = 2,
	FASTIPC_RPC_INVALID_ARGUMENT = 3,
	FASTIPC_RPC_DEADLINE_EXCEEDED = 4,
	FASTIPC_RPC_NOT_FOUND = 5,
	FASTIPC_RPC_ALREADY_EXISTS = 6,
	FASTIPC_RPC_PERMISSION_DENIED = 7,
	FASTIPC_RPC_RESOURCE_EXHAUSTED = 8,
	FASTIPC_RPC_FAILED_PRECONDITION = 9,
	FASTIPC_RPC_ABORTED = 10,
	FASTIPC_RPC_OUT_OF_RANGE = 11,
	FASTIPC_RPC_UNIMPLEMENTED = 12,
	FASTIPC_RPC_INTERNAL = 13,
	FASTIPC_RPC_UNAVAILABLE = 14,
	FASTIPC_RPC_DATA_LOSS = 15,
	FASTIPC_RPC_UNAUTHENTICATED = 16,
};

#define FASTIPC_RPC_CODE_MAX	16

/* Longest status message kept, in bytes with the terminating NUL. */
#define FASTIPC_RPC_MSG_MAX	512

/*
 * struct fastipc_rpc_status - How a call, a bind or a describe ended.
 * @code: enum fastipc_rpc_code; FASTIPC_RPC_OK on success.
 * @err: the positive errno behind a status the library made from a
 *	transport error (fastipc_call2()'s return, e.g. ETIMEDOUT for
 *	DEADLINE_EXCEEDED, ECONNRESET for UNAVAILABLE) or from a raw
 *	(non-RPC) negative handler status; 0 when the server's RPC layer or
 *	handler gave the status, and on OK.
 * @message: NUL-terminated text: the handler's message, or one the
 *	library wrote that names what failed (the method, the channel, the
 *	limit); "" on OK. Longer messages are truncated to
 *	FASTIPC_RPC_MSG_MAX - 1 bytes.
 */
struct fastipc_rpc_status {
	int32_t code;
	int32_t err;
	char message[FASTIPC_RPC_MSG_MAX];
};

/*
 * fastipc_rpc_code_name() - The code's name as gRPC spells it
 * ("OK", "INVALID_ARGUMENT", ...), or "UNKNOWN_CODE" for a value outside
 * 0..FASTIPC_RPC_CODE_MAX. Return: a constant string, never NULL.
 */
const char *fastipc_rpc_code_name(int code);

/*
 * fastipc_rpc_code_from_errno() - The status code for a transport errno
 * (positive or negative): ETIMEDOUT -> DEADLINE_EXCEEDED; ECONNRESET,
 * EIDRM, ESHUTDOWN, ENOENT (no such channel), ECONNREFUSED, EPIPE ->
 * UNAVAILABLE; EACCES, EPERM -> PERMISSION_DENIED; EINTR, ECANCELED ->
 * CANCELLED; ENOMEM, ENOSPC, EAGAIN, ENOBUFS, EDQUOT, EMSGSIZE, EOVERFLOW
 * -> RESOURCE_EXHAUSTED; ENOSYS -> UNIMPLEMENTED; EINVAL ->
 * INVALID_ARGUMENT; EBADMSG, EPROTO -> INTERNAL; 0 -> OK; anything else
 * -> UNKNOWN. Return: an enum fastipc_rpc_code.
 */
int fastipc_rpc_code_from_errno(int err);

/*
 * fastipc_rpc_strerror() - @st in one line: "CODE: message" (with the
 * errno's text when @st->err is set), in @buf of @len bytes, always
 * NUL-terminated. Return: @buf.
 */
char *fastipc_rpc_strerror(const struct fastipc_rpc_status *st, char *buf,
			   size_t len);

/* ---------------------------------------------------------------------- */
/* Wire format (Documentation/userspace-api/fastipc-rpc.rst)              */
/* ---------------------------------------------------------------------- */

/*
 * Ops: the describe call is FASTIPC_RPC_OP_DESCRIBE (empty request; the
 * reply is a packed fastipc.rpc.Description); the server's n-th method
 * (in the order fastipc_rpc_server_add() saw them, n <
 * FASTIPC_RPC_METHODS_MAX) is FASTIPC_RPC_OP_BASE + n. A client learns
 * the ops from the describe call, never from declaration order.
 */
#define FASTIPC_RPC_OP_DESCRIBE		0x52500000U
#define FASTIPC_RPC_OP_BASE		0x52500001U
#define FASTIPC_RPC_WIRE_VERSION	1

/* fastipc_rpc_req_hdr.magic: the bytes "RPC1" */
#define FASTIPC_RPC_REQ_MAGIC		0x31435052U

/*
 * struct fastipc_rpc_req_hdr - Leads every method request (host byte
 * order: both ends are on one machine); the packed request message
 * follows it.
 * @magic: FASTIPC_RPC_REQ_MAGIC.
 * @method_hash: FNV-1a 32 of the method's signature
 *	"/pkg.Svc/Method pkg.InputType pkg.OutputType" (fastipc_rpc_hash());
 *	the server answers FAILED_PRECONDITION when it is not the hash of the
 *	method the op routes to (a stale binding).
 * @deadline_ns: the time the caller has left, in nanoseconds, when it
 *	sent the call; FASTIPC_TIMEOUT_INF for none.
 *
 * The reply's status (fastipc_call_args.status) is 0 for OK, with the
 * packed reply message as payload; 1..FASTIPC_RPC_CODE_MAX for another
 * code, with the status message as payload (UTF-8, no NUL, shorter than
 * FASTIPC_RPC_MSG_MAX); a negative errno when libfastipc's server
 * answered without the RPC layer (-ENOSYS: no handler for the op),
 * mapped with fastipc_rpc_code_from_errno().
 */
struct fastipc_rpc_req_hdr {
	uint32_t magic;
	uint32_t method_hash;
	uint64_t deadline_ns;
};

/* fastipc_rpc_req_hdr.magic of a request that carries metadata: "RPC2" */
#define FASTIPC_RPC_REQ_MAGIC_MD	0x32435052U

/*
 * struct fastipc_rpc_md_hdr - With FASTIPC_RPC_REQ_MAGIC_MD, follows the
 * request header: @md_len bytes of a packed fastipc.rpc.Metadata come
 * next, then zero bytes up to a multiple of 8 (from the start of the
 * payload), then the packed request message.
 * @md_len: bytes of the packed metadata, at most FASTIPC_RPC_MD_MAX.
 * @resv: must be 0.
 *
 * Metadata are what the caller asserts about a call (a gateway: the
 * remote peer's address); the server's RPC layer checks their size and
 * form and gives them to handlers (fastipc_rpc_ctx_md()), never as
 * credentials. A server answers a request with larger or malformed
 * metadata INVALID_ARGUMENT.
 */
struct fastipc_rpc_md_hdr {
	uint32_t md_len;
	uint32_t resv;
};

/* Largest packed metadata of a request, in bytes (gRPC's default, 8 KiB). */
#define FASTIPC_RPC_MD_MAX		8192
/* Most metadata entries of one request. */
#define FASTIPC_RPC_MD_ENTRIES_MAX	64

/*
 * fastipc_rpc_hash() - FNV-1a 32 (offset basis 2166136261, prime
 * 16777619) of the signature of method @m of the service whose full name
 * is @service ("pkg.Svc"). Return: the hash.
 */
uint32_t fastipc_rpc_hash(const char *service,
			  const ProtobufCMethodDescriptor *m);

/*
 * fastipc_rpc_hash_names() - fastipc_rpc_hash() from names: @service
 * ("pkg.Svc"), @method ("Get"), @input and @output (full type names,
 * "pkg.GetRequest", without a leading dot). Return: the hash. (Since
 * FASTIPC_RPC_0.2.)
 */
uint32_t fastipc_rpc_hash_names(const char *service, const char *method,
				const char *input, const char *output);

/* ---------------------------------------------------------------------- */
/* Client                                                                 */
/* ---------------------------------------------------------------------- */

struct fastipc_rpc_client;

/*
 * Default largest request or reply of a client, in bytes: 1 MiB less the
 * 16-byte request header, so that a request with its header fills a
 * 1 MiB ring record exactly (one byte more would double the region).
 */
#define FASTIPC_RPC_MAX_MESSAGE_DEFAULT	((1ULL << 20) - 16)
/* Default deadline of a bind and of each call: none. */
#define FASTIPC_RPC_DEADLINE_DEFAULT	FASTIPC_TIMEOUT_INF

/*
 * struct fastipc_rpc_bind_opts - Client settings; 0 means the default.
 * @deadline_ns: the deadline of the bind and the default of each call, in
 *	nanoseconds from its start (FASTIPC_TIMEOUT_INF: none, the default).
 * @max_message: largest request or reply message in bytes (packed size),
 *	default FASTIPC_RPC_MAX_MESSAGE_DEFAULT. The connection's region is
 *	sized to carry it and the 16-byte request header
 *	(fastipc_conn_opts.max_payload = @max_message + 16); when that is
 *	at most the channel's msg_max no region is made.
 * @key: with a NULL channel name, bind to the channel with this key.
 * @resv: must be 0.
 */
struct fastipc_rpc_bind_opts {
	uint64_t deadline_ns;
	uint64_t max_message;
	uint64_t key;
	uint64_t resv[5];
};

/*
 * fastipc_rpc_bind() - Connect to the server of a channel and check the
 * interface (FASTIPC_IOC_CONNECT, then the describe call).
 * @dev: from fastipc_open(); must outlive the client.
 * @channel: the channel's name, or NULL to use @opts->key.
 * @desc: the protoc-c generated service descriptor (pkg__svc__descriptor).
 * @opts: settings, or NULL for the defaults.
 * @clp: out: the client, on FASTIPC_RPC_OK.
 * @st: out: the status, with a message saying what failed; may be NULL.
 *
 * Each method of @desc is looked up by its full name ("/pkg.Svc/Method")
 * in what the server serves: a method the server does not serve fails
 * when called, with UNIMPLEMENTED; one whose request or reply type differs
 * by full name, with FAILED_PRECONDITION; both messages name the service,
 * the method and the types. The bind itself fails only when the server
 * serves no method of the service at all.
 *
 * Return: an enum fastipc_rpc_code: OK; UNAVAILABLE (no such channel:
 * err ENOENT; channel removed or no server: EIDRM, ECONNRESET);
 * PERMISSION_DENIED (the channel's mode: EACCES); DEADLINE_EXCEEDED (no
 * server answered the describe call in time); UNIMPLEMENTED (the server
 * does not serve the service); INVALID_ARGUMENT (NULL @desc, bad magic,
 * non-zero @resv); RESOURCE_EXHAUSTED (ENOMEM, a limit on connections);
 * INTERNAL (the server's description did not unpack).
 */
int fastipc_rpc_bind(struct fastipc_dev *dev, const char *channel,
		     const ProtobufCServiceDescriptor *desc,
		     const struct fastipc_rpc_bind_opts *opts,
		     struct fastipc_rpc_client **clp,
		     struct fastipc_rpc_status *st);

/* Disconnect and free @cl (NULL is a no-op). No call may be running. */
void fastipc_rpc_unbind(struct fastipc_rpc_client *cl);

/* The client's connection (for fastipc_conn_info(), stats, its fd). */
struct fastipc_conn *fastipc_rpc_client_conn(struct fastipc_rpc_client *cl);

/*
 * fastipc_rpc_call() - Call method @method of the bound service.
 * @method: the method's name as in the .proto ("Get"), or its full name
 *	("/pkg.Svc/Get").
 * @req: the request, a message of the method's input type.
 * @repp: out: on OK, the reply, unpacked into memory the library
 *	allocated: free it with fastipc_rpc_free(). NULL otherwise.
 * @deadline_ns: this call's deadline in nanoseconds from now;
 *	FASTIPC_RPC_DEADLINE_BIND (0) for the bind's @deadline_ns,
 *	FASTIPC_TIMEOUT_INF for none. The server's handler sees it
 *	(fastipc_rpc_ctx_deadline()).
 * @st: out: the status; may be NULL.
 *
 * Any number of threads may call on one client. Small messages go by
 * copy, large ones through the region (the library decides by size).
 *
 * Return: an enum fastipc_rpc_code: OK, the handler's status, or one the
 * library made: UNIMPLEMENTED (no such method here or at the server),
 * FAILED_PRECONDITION (the server's method has other message types),
 * INVALID_ARGUMENT (@req is not of the input type), RESOURCE_EXHAUSTED
 * (request or reply above max_message: the message names the size and
 * the limit), DEADLINE_EXCEEDED, UNAVAILABLE (server gone), CANCELLED
 * (interrupted), INTERNAL (a reply that did not unpack).
 */
#define FASTIPC_RPC_DEADLINE_BIND	0
int fastipc_rpc_call(struct fastipc_rpc_client *cl, const char *method,
		     const ProtobufCMessage *req, ProtobufCMessage **repp,
		     uint64_t deadline_ns, struct fastipc_rpc_status *st);

/* Free a message fastipc_rpc_call() or fastipc_rpc_describe() returned. */
void fastipc_rpc_free(ProtobufCMessage *msg);

/*
 * fastipc_rpc_service() - @cl as a ProtobufCService, for the protoc-c
 * generated stubs: pkg__svc__method(fastipc_rpc_service(cl), &req,
 * closure, data) makes the call synchronously and calls closure(reply,
 * data) before it returns, with reply NULL when the status is not OK
 * (fastipc_rpc_last_status() then says why). The reply is freed when the
 * closure returns. The bind's deadline applies.
 */
ProtobufCService *fastipc_rpc_service(struct fastipc_rpc_client *cl);

/*
 * fastipc_rpc_last_status() - The status of the last call made through
 * fastipc_rpc_service() stubs in the calling thread. Return: a pointer to
 * thread-local storage, valid until the thread's next stub call.
 */
const struct fastipc_rpc_status *fastipc_rpc_last_status(void);

/*
 * fastipc_rpc_describe() - Ask the server of @conn what it serves: its
 * services, their methods (name, op, message types) and the schemas of
 * the message types (fastipc.rpc.Description, lib/rpc/describe.proto).
 * @timeout_ns: as for fastipc_call().
 * @descp: out: on OK, the description; free with fastipc_rpc_free().
 *
 * Return: an enum fastipc_rpc_code (@st as for fastipc_rpc_call()):
 * UNIMPLEMENTED when the server is not a fastipc-rpc server.
 */
int fastipc_rpc_describe(struct fastipc_conn *conn, uint64_t timeout_ns,
			 Fastipc__Rpc__Description **descp,
			 struct fastipc_rpc_status *st);

/* ---------------------------------------------------------------------- */
/* Untyped calls: gateways and tools that carry packed messages (0.2)     */
/* ---------------------------------------------------------------------- */

/*
 * fastipc_rpc_bind_generic() - fastipc_rpc_bind() without a compiled
 * service descriptor: the client can call every method the server's
 * describe call lists, by full name, with fastipc_rpc_call_raw() (not
 * with fastipc_rpc_call(), which finds no method and answers
 * UNIMPLEMENTED, nor with generated stubs, whose code asserts that the
 * service is theirs). Arguments, @opts and return as fastipc_rpc_bind(),
 * except that a server that serves nothing is not an error. The
 * connection's region also has room for the largest metadata
 * (max_payload = @max_message + 24 + FASTIPC_RPC_MD_MAX).
 */
int fastipc_rpc_bind_generic(struct fastipc_dev *dev, const char *channel,
			     const struct fastipc_rpc_bind_opts *opts,
			     struct fastipc_rpc_client **clp,
			     struct fastipc_rpc_status *st);

/*
 * fastipc_rpc_client_description() - What the server of @cl said it
 * serves at bind (its describe reply), owned by @cl: valid until
 * fastipc_rpc_unbind(). Return: the description, or NULL for NULL @cl.
 */
const Fastipc__Rpc__Description *
fastipc_rpc_client_description(const struct fastipc_rpc_client *cl);

/*
 * struct fastipc_rpc_md - One metadata entry of a call.
 * @key: NUL-terminated; 1..128 bytes of [a-z0-9-_.] (gRPC's rule for
 *	metadata keys; lower case).
 * @value: NUL-terminated UTF-8 text.
 */
struct fastipc_rpc_md {
	const char *key;
	const char *value;
};

/*
 * struct fastipc_rpc_call_opts - Options of fastipc_rpc_call_raw(); 0
 * means the default.
 * @deadline_ns: as fastipc_rpc_call()'s @deadline_ns (0: the bind's).
 * @md: @n_md metadata entries sent with the request (NULL for none);
 *	packed, at most FASTIPC_RPC_MD_MAX bytes and
 *	FASTIPC_RPC_MD_ENTRIES_MAX entries.
 * @n_md: entries in @md.
 * @resv0, @resv: must be 0.
 */
struct fastipc_rpc_call_opts {
	uint64_t deadline_ns;
	const struct fastipc_rpc_md *md;
	uint32_t n_md;
	uint32_t resv0;
	uint64_t resv[4];
};

/*
 * fastipc_rpc_call_raw() - Call a method with a request already packed
 * (protobuf wire bytes), and receive the reply packed; neither is
 * unpacked or re-encoded by the library.
 * @cl: from fastipc_rpc_bind() or fastipc_rpc_bind_generic().
 * @method: the full name, "/pkg.Svc/Method" (the leading '/' optional),
 *	looked up in what the server described at bind.
 * @req: @req_len bytes of the request message (NULL when 0).
 * @opts: deadline and metadata, or NULL for the defaults.
 * @repp: out: on OK, the reply's bytes in memory the library allocated
 *	(free() it; a non-NULL pointer even for an empty reply); NULL
 *	otherwise.
 * @rep_lenp: out: the reply's length in bytes (0 when not OK).
 * @st: out: the status; may be NULL.
 *
 * Return: an enum fastipc_rpc_code: as fastipc_rpc_call(), plus
 * UNIMPLEMENTED when the server did not describe @method, and
 * INVALID_ARGUMENT for bad @opts (a key outside the rule, metadata above
 * FASTIPC_RPC_MD_MAX, non-zero reserved fields). The server validates
 * the request bytes against the method's input type as for any call.
 */
int fastipc_rpc_call_raw(struct fastipc_rpc_client *cl, const char *method,
			 const void *req, size_t req_len,
			 const struct fastipc_rpc_call_opts *opts,
			 void **repp, size_t *rep_lenp,
			 struct fastipc_rpc_status *st);

/* ---------------------------------------------------------------------- */
/* Server                                                                 */
/* ---------------------------------------------------------------------- */

struct fastipc_rpc_server;

/* Defaults of struct fastipc_rpc_server_opts. */
#define FASTIPC_RPC_SERVER_MAX_MESSAGE_DEFAULT	(64ULL << 20)
#define FASTIPC_RPC_DEPTH_DEFAULT		32
/* Largest max_depth: protobuf-c's unpack takes a few KiB of stack a level. */
#define FASTIPC_RPC_DEPTH_MAX			1000
/* Methods one server can serve, over all its services. */
#define FASTIPC_RPC_METHODS_MAX			1024

/*
 * struct fastipc_rpc_server_opts - Server settings; 0 means the default.
 * @max_message: largest request accepted, in bytes (packed size); a
 *	larger one is RESOURCE_EXHAUSTED without being read. Default
 *	FASTIPC_RPC_SERVER_MAX_MESSAGE_DEFAULT.
 * @max_depth: deepest nesting of messages accepted in a request; deeper
 *	is INVALID_ARGUMENT, checked before unpacking (protobuf-c's unpack
 *	recurses without a limit). Default FASTIPC_RPC_DEPTH_DEFAULT, at
 *	most FASTIPC_RPC_DEPTH_MAX.
 * @resv0: must be 0.
 * @base: settings of the underlying libfastipc server, as for
 *	fastipc_server_create().
 * @resv: must be 0.
 */
struct fastipc_rpc_server_opts {
	uint64_t max_message;
	uint32_t max_depth;
	uint32_t resv0;
	struct fastipc_server_opts base;
	uint64_t resv[4];
};

/*
 * fastipc_rpc_server_create() - A server for the channel @chan_fd, with
 * @nthreads pool threads, as fastipc_server_create().
 *
 * Return: 0, or a negative errno as fastipc_server_create(), plus -EINVAL
 * (non-zero reserved field, max_depth above FASTIPC_RPC_DEPTH_MAX).
 */
int fastipc_rpc_server_create(int chan_fd, unsigned int nthreads,
			      const struct fastipc_rpc_server_opts *opts,
			      struct fastipc_rpc_server **srvp);

/*
 * fastipc_rpc_server_add() - Serve @service on the channel: the user's
 * implementation of a protoc-c generated service (a Pkg__Svc_Service
 * initialised with PKG__SVC__INIT(prefix_), passed as &impl.base).
 * Methods whose handler is NULL are not served (a call gets
 * UNIMPLEMENTED). Several services may share one server; each method gets
 * its own op (FASTIPC_RPC_OP_BASE + n). Only before the server runs.
 * @service must stay valid until fastipc_rpc_server_destroy().
 *
 * A handler is called as protoc-c generated code calls it:
 * fn(service, request, closure, closure_data). It must call
 * closure(reply, closure_data) once before it returns: with a message of
 * the method's output type for OK, or with NULL after
 * fastipc_rpc_ctx_set_status() (NULL without a status is UNKNOWN, no call
 * at all is UNKNOWN "handler did not reply"). The request is freed when
 * the handler returns. Handlers run concurrently on the pool threads.
 *
 * Return: 0, or -EINVAL (NULL, bad descriptor magic), -EEXIST (a service
 * of that full name is already served), -E2BIG (more than
 * FASTIPC_RPC_METHODS_MAX methods), -EBUSY (running), -ENOMEM.
 */
int fastipc_rpc_server_add(struct fastipc_rpc_server *srv,
			   ProtobufCService *service);

struct fastipc_rpc_ctx;

/*
 * fastipc_rpc_raw_fn - The handler of an untyped service
 * (fastipc_rpc_server_add_raw()), called on a pool thread for each call
 * of any of its methods (fastipc_rpc_ctx_method() says which).
 * @ctx: the call context (valid until the handler returns).
 * @req: @len bytes of the request message, packed, in private memory
 *	(valid until the handler returns); already checked as wire format
 *	against the method's input type as far as the description's schema
 *	goes (well-formed, nesting bounded, sizes bounded).
 * @data: as given to fastipc_rpc_server_add_raw().
 *
 * It answers with fastipc_rpc_ctx_reply_raw() (OK) or
 * fastipc_rpc_ctx_set_status() before it returns; neither is UNKNOWN
 * "handler did not reply".
 */
typedef void (*fastipc_rpc_raw_fn)(struct fastipc_rpc_ctx *ctx,
				   const uint8_t *req, size_t len,
				   void *data);

/*
 * fastipc_rpc_server_add_raw() - Serve, without compiled descriptors,
 * every service of @desc (a gateway's: the schemas come from elsewhere,
 * e.g. a protoc --descriptor_set_out file). Each method of
 * @desc->services gets its own op, its hash from its names
 * (fastipc_rpc_hash_names(); the op and hash in @desc are ignored), and
 * is answered by @fn. @desc's types and enums are given out in the
 * describe reply, and are what requests are checked against; a type
 * @desc names but does not describe is checked only for well-formed
 * wire format. The library copies what it needs of @desc. Only before
 * the server runs.
 *
 * Return: 0, or -EINVAL (NULL, a method without name or types, a type
 * name with a leading dot), -EEXIST (a service of that name is already
 * served), -E2BIG (more than FASTIPC_RPC_METHODS_MAX methods in all),
 * -EBUSY (running), -ENOMEM. (Since FASTIPC_RPC_0.2.)
 */
int fastipc_rpc_server_add_raw(struct fastipc_rpc_server *srv,
			       const Fastipc__Rpc__Description *desc,
			       fastipc_rpc_raw_fn fn, void *data);

/*
 * fastipc_rpc_server_base() - The underlying libfastipc server: for
 * fastipc_server_fd(), fastipc_server_dispatch(), fastipc_server_stats()
 * and fastipc_server_on_conn(). Do not register ops in the RPC range.
 */
struct fastipc_server *fastipc_rpc_server_base(struct fastipc_rpc_server *srv);

/* As fastipc_server_run(), fastipc_server_stop(). */
int fastipc_rpc_server_run(struct fastipc_rpc_server *srv);
void fastipc_rpc_server_stop(struct fastipc_rpc_server *srv);

/* Free @srv (NULL is a no-op); not while it runs. */
void fastipc_rpc_server_destroy(struct fastipc_rpc_server *srv);

/*
 * struct fastipc_rpc_server_stats - What the RPC layer of a server did,
 * counted by the library for this process; all counts.
 * @calls: requests for an RPC method op (a handler ran or a status was
 *	made without one).
 * @ok: calls answered OK.
 * @failed: calls answered with another status (the handler's or the
 *	library's).
 * @bad_requests: requests that did not unpack or validate (bad header,
 *	truncated, wrong wire types, too deep, stale method hash), answered
 *	INVALID_ARGUMENT or FAILED_PRECONDITION; the server keeps serving.
 * @too_large: requests above max_message (RESOURCE_EXHAUSTED).
 * @unimplemented: calls of a method op not served (UNIMPLEMENTED).
 * @no_reply: handlers that returned without calling the closure, or
 *	called it with NULL and no status, or with a message of another type.
 * @describes: describe calls answered.
 * @extra_replies: closure calls after a handler's first, ignored (the
 *	first one answers the call).
 */
struct fastipc_rpc_server_stats {
	uint64_t calls;
	uint64_t ok;
	uint64_t failed;
	uint64_t bad_requests;
	uint64_t too_large;
	uint64_t unimplemented;
	uint64_t no_reply;
	uint64_t describes;
	uint64_t extra_replies;
};

#define FASTIPC_RPC_SERVER_STATS_SIZE_VER0	64

/*
 * fastipc_rpc_server_stats() - Read @srv's RPC counters at any time.
 * @size: sizeof(*@st) as the caller was compiled (as fastipc_server_stats()).
 * Return: 0, or -EINVAL (@size below FASTIPC_RPC_SERVER_STATS_SIZE_VER0).
 */
int fastipc_rpc_server_stats(struct fastipc_rpc_server *srv,
			     struct fastipc_rpc_server_stats *st, size_t size);

/* ---------------------------------------------------------------------- */
/* Inside a handler: the call context                                     */
/* ---------------------------------------------------------------------- */

/*
 * fastipc_rpc_ctx_of() - The call context behind a handler's
 * closure_data. Return: the context, or NULL when @closure_data is not
 * one (e.g. the handler was called by something else).
 */
struct fastipc_rpc_ctx *fastipc_rpc_ctx_of(void *closure_data);

/*
 * fastipc_rpc_ctx_hdr() - The request's message header: hdr->pid, uid and
 * gid are the caller's, recorded by the kernel when it sent the call (in
 * the server's pid and user namespaces; a caller cannot forge them), and
 * hdr->conn_id its connection.
 */
const struct fastipc_msg_hdr *
fastipc_rpc_ctx_hdr(const struct fastipc_rpc_ctx *ctx);

/* The method's full name, "/pkg.Svc/Method". */
const char *fastipc_rpc_ctx_method(const struct fastipc_rpc_ctx *ctx);

/*
 * fastipc_rpc_ctx_deadline() - The caller's deadline as an absolute
 * CLOCK_MONOTONIC time in nanoseconds (the time left that the caller sent,
 * added to the server's clock when the handler first calls this function:
 * a call whose handler never asks reads no clock), or FASTIPC_TIMEOUT_INF.
 */
uint64_t fastipc_rpc_ctx_deadline(const struct fastipc_rpc_ctx *ctx);

/*
 * fastipc_rpc_ctx_set_status() - Make the call end with status @code
 * (not OK) and a printf-style message (@fmt may be NULL); the handler
 * then calls closure(NULL, data) itself. A status set wins over a reply
 * message given to the closure; a second call replaces the first.
 * Return: 0, or -EINVAL (NULL @ctx, @code OK or above
 * FASTIPC_RPC_CODE_MAX).
 */
int fastipc_rpc_ctx_set_status(struct fastipc_rpc_ctx *ctx, int code,
			       const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * fastipc_rpc_ctx_md() - The value of the caller's metadata entry @key
 * (struct fastipc_rpc_md; the first when the caller sent the key more
 * than once), or NULL when the request has none. Metadata
 * are what the caller asserts, not what the kernel recorded: a gateway
 * puts the remote peer's address there ("x-fastipc-peer"), but any
 * caller can send any entry; who called is fastipc_rpc_ctx_hdr()'s.
 * Return: a NUL-terminated string valid until the handler returns.
 * (Since FASTIPC_RPC_0.2.)
 */
const char *fastipc_rpc_ctx_md(const struct fastipc_rpc_ctx *ctx,
			       const char *key);

/*
 * fastipc_rpc_ctx_md_at() - Metadata entry @i (from 0) of the request,
 * in the order the caller sent them, into *@key and *@value (valid until
 * the handler returns). Return: 0, or -ENOENT (no entry @i).
 */
int fastipc_rpc_ctx_md_at(const struct fastipc_rpc_ctx *ctx, unsigned int i,
			  const char **key, const char **value);

/*
 * fastipc_rpc_ctx_reply_raw() - Answer the call of an untyped service
 * (fastipc_rpc_raw_fn) OK with @len bytes of a packed reply message
 * (@buf may be NULL when @len is 0). Once per call; a status set before
 * wins. Return: 0, -EINVAL (NULL @ctx, a typed service's call), -EALREADY
 * (already answered), -EMSGSIZE (@len above what the caller accepts),
 * -ENOBUFS (no room in the caller's region now: the call is answered
 * RESOURCE_EXHAUSTED, never sent again, since the handler has run),
 * -ENOMEM, or another error of fastipc_req_reply_buf().
 */
int fastipc_rpc_ctx_reply_raw(struct fastipc_rpc_ctx *ctx, const void *buf,
			      size_t len);

#ifdef __cplusplus
}
#endif

#endif /* _FASTIPC_RPC_H */
