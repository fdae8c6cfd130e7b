/* SPDX-License-Identifier: LGPL-2.1 OR MIT */
/*
 * libfastipc: local procedure calls over /dev/fastipc.
 *
 * Conventions (as liburing):
 *  - Every function that can fail returns a negative errno value and never
 *    sets errno as part of its contract. 0 (or a file descriptor, or a
 *    server status, as documented) means success.
 *  - Lengths are in bytes, times in nanoseconds (relative).
 *  - The kernel ABI is <linux/fastipc.h>; its structs are used as they are
 *    where a wrapper would add nothing (fastipc_chan_stat, fastipc_msg_hdr).
 *
 * Objects:
 *  struct fastipc_dev     an open /dev/fastipc after the API handshake
 *  channel fd             (int) the server side of a channel
 *  struct fastipc_conn    a client connection to a channel
 *  struct fastipc_server  a thread pool serving a channel fd
 *  struct fastipc_stream  a one-way record stream over a connection's region
 *
 * Shared memory (since 0.2): a connection made with fastipc_connect_opts()
 * and a region_size owns a region. fastipc_call() then sends a request
 * larger than the connection's threshold through the client->server ring
 * (the server's handler reads it in place, read-only) and a server replies
 * through the server->client ring when the caller's reply buffer is larger
 * than the server's threshold; the client copies the reply out (or, with
 * fastipc_call_zc(), reads it in place). Small payloads keep the copy path.
 */
#ifndef _FASTIPC_H
#define _FASTIPC_H

#include <stddef.h>
#include <stdint.h>
#include <linux/fastipc.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FASTIPC_VERSION_MAJOR	0
#define FASTIPC_VERSION_MINOR	7

/*
 * Timeouts. Every function with a timeout_ns argument follows one rule,
 * the kernel's (FASTIPC_F_TIMEOUT):
 *  - 0: do not wait at all (unlike SO_RCVTIMEO, where 0 is forever). What
 *    would have to wait for room or data fails at once with -EAGAIN and
 *    has done nothing; fastipc_call() and fastipc_call_zc(), whose request
 *    is then queued, end with -ETIMEDOUT unless the reply is already
 *    there (the call is cancelled).
 *  - FASTIPC_TIMEOUT_INF (UINT64_MAX, also (uint64_t)-1): wait as long as
 *    it takes; so does a timeout too large to represent from now on.
 *  - anything else: a relative timeout for the whole operation; when it
 *    runs out the function fails with -ETIMEDOUT.
 */
#define FASTIPC_TIMEOUT_INF	UINT64_MAX

/*
 * No room for a reply. libfastipc's server never waits for room in a
 * caller's server->client ring: a reply larger than the copy path takes
 * (msg_max) that finds the ring full (the caller's other calls still hold
 * their replies) ends the call in one of two ways, which fastipc_call2()
 * and asynchronous completions tell apart:
 *  - not run: a fastipc_handler_t is refused before it runs. fastipc_call()
 *    and fastipc_call2() send the request again after a short backoff
 *    until their timeout (2 s without one), then fail with -ENOBUFS (the
 *    call's result, not a status); fastipc_call2_buf(), fastipc_call_zc()
 *    and asynchronous calls (completion @error) fail with -ENOBUFS at once,
 *    as their request is gone.
 *  - ran, reply lost (since 0.7): a fastipc_handler2_t asks for room after
 *    it may have done its work, so its call is never sent again: the reply
 *    is dropped and the call completes with the server status -ENOBUFS and
 *    no reply (fastipc_call2() returns 0 with @status -ENOBUFS, rep_len 0;
 *    a completion has @error 0, @status -ENOBUFS). The handler's own
 *    status is not delivered; a handler runs at most once per call. (A
 *    handler that returns -ENOBUFS itself has run too.) A server before
 *    0.7 refused such a call as for a fastipc_handler_t, after running
 *    the handler, and the caller's library ran it again.
 * fastipc_call() and fastipc_call_zc() return a server status and their
 * own errors alike: -ENOBUFS from them is either; use fastipc_call2().
 */

struct fastipc_dev;
struct fastipc_conn;
struct fastipc_server;
struct fastipc_stream;

/*
 * Version of the library that is running (not the one compiled against,
 * which is FASTIPC_VERSION_MAJOR/MINOR): "MAJOR.MINOR.PATCH", and its major
 * and minor numbers.
 */
const char *fastipc_version(void);
int fastipc_version_major(void);
int fastipc_version_minor(void);

/*
 * fastipc_strerror() - Describe an error of libfastipc in words (since 0.3).
 * @err: a negative errno as the library returns it, or a positive errno.
 *
 * Says what the error means for fastipc where the C library's text does
 * not (EDQUOT: the region quota region_user_max; EOVERFLOW: a reply larger
 * than the caller's rep_cap; EIDRM: the channel was removed; EMSGSIZE:
 * above the channel's msg_max or the region's largest record; ...); other
 * values get the C library's description. -ENOENT means no such channel,
 * or, from fastipc_open(), no /dev/fastipc (the module is not loaded): the
 * text names both, so print which call failed beside it.
 *
 * Return: a constant string (never NULL, never to be freed, not changed by
 * later calls: safe from any thread).
 */
const char *fastipc_strerror(int err);

/* ---------------------------------------------------------------------- */
/* Device: /dev/fastipc and the handshake                                  */
/* ---------------------------------------------------------------------- */

/*
 * fastipc_open() - Open /dev/fastipc and perform the API handshake.
 * @devp: out: the new device handle, to be freed with fastipc_close().
 *
 * Opens the device O_RDWR | O_CLOEXEC and issues FASTIPC_IOC_API with
 * api = FASTIPC_API_VERSION. The kernel's answer (features, supported
 * ioctls, limits) is kept and available through fastipc_dev_api().
 *
 * Return: 0, or -ENOENT (no device node: module not loaded), -EACCES,
 * -ENOMEM, -EINVAL (the kernel speaks another API version),
 * -EOPNOTSUPP (the copy path, FASTIPC_FEAT_COPY, is missing), or any other
 * error of open(2) or FASTIPC_IOC_API.
 */
int fastipc_open(struct fastipc_dev **devp);

/*
 * fastipc_close() - Close the control fd and free @dev (NULL is a no-op).
 * Channel and connection fds made from it stay valid.
 */
void fastipc_close(struct fastipc_dev *dev);

/* The control fd, for poll() or raw ioctls. Owned by @dev. */
int fastipc_dev_fd(const struct fastipc_dev *dev);

/*
 * The handshake result (FASTIPC_IOC_API): api version, features, ioctls
 * bitmap, msg_max_cap / msg_max_default (bytes), queue caps. Owned by @dev.
 */
const struct fastipc_api *fastipc_dev_api(const struct fastipc_dev *dev);

/* ---------------------------------------------------------------------- */
/* Channels (server side) and their administration                         */
/* ---------------------------------------------------------------------- */

/*
 * struct fastipc_chan_opts - Limits of a new channel; 0 means the default.
 * @msg_max: largest inline payload in bytes, both directions (default
 *	FASTIPC_MSG_MAX_DEFAULT, at most fastipc_api.msg_max_cap).
 * @queue_msgs: most messages queued and not yet received.
 * @queue_bytes: most payload bytes queued (not below @msg_max).
 * @flags: must be 0.
 * @resv: must be 0.
 */
struct fastipc_chan_opts {
	uint32_t msg_max;
	uint32_t queue_msgs;
	uint32_t queue_bytes;
	uint32_t flags;
	uint64_t resv[4];
};

/*
 * fastipc_chan_create() - Create a channel (FASTIPC_IOC_CHAN_CREATE).
 * @dev: the device.
 * @name: channel name, 1..63 printable ASCII bytes (0x21..0x7e) except '/'.
 * @key: numeric key, or 0 for none.
 * @mode: permission bits, at most 0777 (w: may connect, r: may stat).
 * @opts: limits, or NULL for the defaults.
 *
 * Return: the channel fd (O_CLOEXEC; close it to end the channel and all
 * its connections), or -EEXIST (name or key in use), -EINVAL (bad name,
 * mode, limits or non-zero reserved fields), -ENAMETOOLONG (name of 64
 * bytes or more), -ENOMEM, -EMFILE.
 */
int fastipc_chan_create(struct fastipc_dev *dev, const char *name,
			uint64_t key, uint32_t mode,
			const struct fastipc_chan_opts *opts);

/*
 * The three functions below name a channel by @name (and @key = 0), or by
 * @key (and @name = NULL). Both, or neither, is -EINVAL from the kernel.
 * A name of 64 bytes or more is -ENAMETOOLONG. An unknown channel is
 * -ENOENT.
 */

/*
 * fastipc_chan_stat() - Read a channel's state (FASTIPC_IOC_CHAN_STAT).
 * @st: out: perm, creator pid, connections, queue depth (messages, bytes),
 *	limits (bytes, messages), creation time (ns), counters. Every field
 *	is overwritten.
 *
 * Return: 0, or -ENOENT, -EACCES (no r permission), -EINVAL,
 * -ENAMETOOLONG.
 */
int fastipc_chan_stat(struct fastipc_dev *dev, const char *name, uint64_t key,
		      struct fastipc_chan_stat *st);

/*
 * fastipc_chan_set() - Change owner and mode (FASTIPC_IOC_CHAN_SET).
 * @flags: FASTIPC_SET_UID | FASTIPC_SET_GID | FASTIPC_SET_MODE, at least
 *	one; fields not selected are ignored (passed as 0).
 * @uid: new owner uid; @gid: new group; @mode: new bits, at most 0777.
 *
 * Return: 0, or -ENOENT, -EPERM (not owner, creator or CAP_SYS_ADMIN),
 * -EINVAL (no or unknown flags, unmapped id, bad mode), -ENAMETOOLONG.
 */
int fastipc_chan_set(struct fastipc_dev *dev, const char *name, uint64_t key,
		     uint32_t flags, uint32_t uid, uint32_t gid, uint32_t mode);

/*
 * fastipc_chan_rmid() - Remove a channel (FASTIPC_IOC_CHAN_RMID): unlink
 * its name and key; every waiter wakes with -EIDRM and later calls and
 * receives fail with -EIDRM.
 *
 * Return: 0, or -ENOENT, -EPERM, -EINVAL, -ENAMETOOLONG.
 */
int fastipc_chan_rmid(struct fastipc_dev *dev, const char *name, uint64_t key);

/* ---------------------------------------------------------------------- */
/* Connections (client side)                                               */
/* ---------------------------------------------------------------------- */

/*
 * fastipc_connect() / fastipc_connect_key() - Connect to a channel by name
 * or by non-zero key (FASTIPC_IOC_CONNECT). The server receives a
 * FASTIPC_MSG_CONNECT message.
 * @connp: out: the connection, to be freed with fastipc_disconnect().
 *
 * Return: 0, or -ENOENT (no such channel), -EACCES (no w permission),
 * -EINVAL (bad name, key 0), -ENAMETOOLONG, -ENOMEM, -EMFILE.
 */
int fastipc_connect(struct fastipc_dev *dev, const char *name,
		    struct fastipc_conn **connp);
int fastipc_connect_key(struct fastipc_dev *dev, uint64_t key,
			struct fastipc_conn **connp);

/*
 * fastipc_disconnect() - Close the connection fd and free @conn (NULL is a
 * no-op). The server receives FASTIPC_MSG_DISCONNECT after everything this
 * connection sent.
 */
void fastipc_disconnect(struct fastipc_conn *conn);

/* The connection fd (for poll(): EPOLLOUT room, EPOLLHUP server gone). */
int fastipc_conn_fd(const struct fastipc_conn *conn);

/* The connection id, as the server sees it in fastipc_msg_hdr.conn_id. */
uint64_t fastipc_conn_id(const struct fastipc_conn *conn);

/*
 * fastipc_call() - Call procedure @op and wait for the reply, in one
 * syscall (FASTIPC_IOC_CALL).
 * @req: request payload, @req_len bytes (at most the channel's msg_max).
 * @rep: reply buffer of @rep_cap bytes (NULL with 0 if no reply payload).
 * @rep_len: out: reply length in bytes; may be NULL.
 * @timeout_ns: relative timeout for the whole call in nanoseconds, or
 *	FASTIPC_TIMEOUT_INF. 0 never waits (see "Timeouts" above): a full
 *	queue is -EAGAIN (since 0.3; -ETIMEDOUT before), else the request
 *	is queued and the call ends -ETIMEDOUT unless the reply is there.
 *
 * Return: the server's reply status (fastipc_serve.reply_status: by the
 * convention of fastipc_server, 0 or a negative errno chosen by the
 * handler) once the call completed, or a negative errno when the call
 * failed: -ECONNRESET (server closed the channel), -EIDRM (channel
 * removed), -ETIMEDOUT, -EINTR (signal; the call is cancelled),
 * -EMSGSIZE (@req_len above msg_max), -EAGAIN (queue full, O_NONBLOCK fd
 * or @timeout_ns 0; or the caller's uid has the module's user_queue_bytes_max queued),
 * -ENOBUFS (since 0.3: the server had no room in the connection's
 * server->client ring for a reply larger than msg_max until the timeout,
 * at most 2 s without one, and the handler did not run; or, since 0.7,
 * the status of a fastipc_handler2_t that ran and whose reply found no
 * room: see "No room for a reply" above), -EFAULT, -EINVAL,
 * -ENOMEM. Use fastipc_call2() (since 0.4) when a server status must be
 * told apart from a transport error.
 */
int fastipc_call(struct fastipc_conn *conn, uint32_t op,
		 const void *req, size_t req_len,
		 void *rep, size_t rep_cap, size_t *rep_len,
		 uint64_t timeout_ns);

/*
 * fastipc_call_raw() - FASTIPC_IOC_CALL with a caller-built argument
 * (flags such as FASTIPC_F_NONBLOCK, pointers as __u64). On success
 * @args->status, @args->rep_len and @args->msg_id are filled in.
 *
 * Return: 0 when the call completed (whatever the server's status), or a
 * negative errno as for fastipc_call().
 */
int fastipc_call_raw(struct fastipc_conn *conn, struct fastipc_call *args);

/*
 * Size limits, as fastipc_call_args.limit names the one a call hit
 * (since 0.4). fastipc_limit_name() gives each in words.
 */
enum fastipc_limit {
	FASTIPC_LIMIT_NONE = 0,
	FASTIPC_LIMIT_MSG_MAX,		/* the channel's msg_max (copy path) */
	FASTIPC_LIMIT_SHM_MAX,		/* one record of the connection's ring */
	FASTIPC_LIMIT_REP_CAP,		/* the caller's rep_cap */
	FASTIPC_LIMIT_REPLY_MAX,	/* the largest reply the caller takes */
};

/* fastipc_call_args.flags */
#define FASTIPC_CALL_ALLOC	0x1U	/* the library allocates the reply */

/*
 * struct fastipc_call_args - One call of fastipc_call2() (since 0.4).
 * @op: in: procedure number (fastipc_msg_hdr.op).
 * @flags: in: FASTIPC_CALL_ALLOC or 0; other bits are -EINVAL.
 * @req: in: the request payload, @req_len bytes: any size up to the
 *	connection's max_payload (fastipc_conn_info()); above the copy
 *	threshold it goes through the region, else by copy.
 * @rep: in: buffer for the reply, @rep_cap bytes, or NULL with 0. Without
 *	FASTIPC_CALL_ALLOC, @rep_cap is the largest reply accepted. With it,
 *	a reply that fits @rep is written there, and a larger one, up to the
 *	connection's max_payload, into memory the library allocates
 *	(@rep_alloc): one round trip whatever the reply's size. When @rep_cap
 *	is below the channel's msg_max, the call also allocates a copy
 *	buffer of msg_max bytes for its duration (per call: any number of
 *	threads may call on one connection).
 * @timeout_ns: in: as for fastipc_call(): one deadline for the whole call.
 * @status: out: the server's reply status (the handler's return value),
 *	valid when fastipc_call2() returned 0. -ENOBUFS with no reply: the
 *	handler ran and its reply found no room in the connection's
 *	server->client ring (see "No room for a reply" above).
 * @limit: out: on -EMSGSIZE or -EOVERFLOW, the enum fastipc_limit hit;
 *	else FASTIPC_LIMIT_NONE.
 * @rep_len: out: the reply's length in bytes; on -EOVERFLOW, the length
 *	the reply needs (0 if the server did not say).
 * @rep_data: out: where the reply is: @rep, @rep_alloc, or NULL when
 *	@rep_len is 0.
 * @rep_alloc: out: with FASTIPC_CALL_ALLOC, the reply when it did not fit
 *	@rep (the caller frees it with free()), else NULL.
 * @limit_bytes: out: the value of @limit, in bytes.
 * @resv: in: must be 0.
 */
struct fastipc_call_args {
	uint32_t op;
	uint32_t flags;
	const void *req;
	size_t req_len;
	void *rep;
	size_t rep_cap;
	uint64_t timeout_ns;
	int32_t status;
	uint32_t limit;
	size_t rep_len;
	void *rep_data;
	void *rep_alloc;
	uint64_t limit_bytes;
	uint64_t resv[4];
};

/* The first version's size: 120 bytes on LP64 (pointers and size_t vary). */
#define FASTIPC_CALL_ARGS_SIZE_VER0	\
	(offsetof(struct fastipc_call_args, resv) + 4 * sizeof(uint64_t))

/*
 * fastipc_call2() - Call procedure @args->op and wait for the reply, with
 * the server's status kept apart from the call's own errors (since 0.4).
 * Small payloads go by copy (FASTIPC_IOC_CALL, one syscall), large ones
 * through the connection's region, as fastipc_call() does.
 * @args: in/out: the call, see struct fastipc_call_args.
 * @size: sizeof(*@args) as the caller was compiled.
 *
 * Return: 0 when the server answered, whatever its status (in
 * @args->status: a handler's -EINVAL is a status, never a return value);
 * or a negative errno when the call itself failed, and then no handler
 * status exists: -EMSGSIZE (@req_len above max_payload; @args->limit and
 * @limit_bytes say which limit), -EOVERFLOW (the reply did not fit: @rep_len
 * is the length it needs, @limit the limit), -ECONNRESET, -EIDRM,
 * -ETIMEDOUT, -EINTR, -EAGAIN, -ENOMEM (no memory for the reply), -ENOBUFS
 * (no room for the reply, the handler did not run: see "No room for a
 * reply" above), -EFAULT,
 * -EINVAL (bad flags, non-zero @resv, @size below
 * FASTIPC_CALL_ARGS_SIZE_VER0), -EBADMSG (the server corrupted the
 * region), or another error of fastipc_call(). fastipc_call_strerror()
 * turns the result into a sentence.
 */
int fastipc_call2(struct fastipc_conn *conn, struct fastipc_call_args *args,
		  size_t size);

/*
 * fastipc_call2_buf() - fastipc_call2() with the request built in place
 * in the connection's region (since 0.6): pack or write the request
 * straight into a buffer of fastipc_call_buf_get(), and receive the
 * reply as fastipc_call2() does (with FASTIPC_CALL_ALLOC, any size in one
 * round trip). The request goes by descriptor whatever its size; its
 * bytes are not copied by the library.
 * @args: as for fastipc_call2(), except @args->req: a buffer of
 *	fastipc_call_buf_get() on @conn, reserved and not yet sent or given
 *	back, and @args->req_len: the request's length in bytes, at most the
 *	length reserved (0 is allowed). The buffer is consumed whatever the
 *	result: sent, or given back on an error; never use it afterwards.
 * @size: sizeof(*@args) as the caller was compiled.
 *
 * Return: as fastipc_call2(), plus -EOPNOTSUPP (@conn has no region for
 * calls: none, or a stream owns it), -EINVAL (@args->req is not a
 * reserved buffer of @conn's, e.g. another connection's, one already
 * sent or given back; or @args->req_len is above the length reserved),
 * -ENOBUFS (the server had no room in the server->client ring for the
 * reply: a fastipc_handler_t did not run and the request is gone, it is
 * not sent again; for a fastipc_handler2_t that ran, 0 with @status
 * -ENOBUFS, see "No room for a reply" above). -EMSGSIZE does not occur: the reservation bounded the request.
 */
int fastipc_call2_buf(struct fastipc_conn *conn,
		      struct fastipc_call_args *args, size_t size);

/*
 * fastipc_limit_name() - The limit @limit (enum fastipc_limit) in words,
 * e.g. "the channel's msg_max". Return: a constant string, never NULL.
 */
const char *fastipc_limit_name(unsigned int limit);

/*
 * fastipc_call_strerror() - Say what happened to a call of fastipc_call2()
 * in one sentence, naming a size limit and its value when one was hit
 * (e.g. "request of 5000000 bytes is above the largest payload of the
 * connection's region, 4194296 bytes (region_size 16777216): connect with
 * fastipc_conn_opts.max_payload"), or the server's status.
 * @err: what fastipc_call2() returned.
 * @args: the call, as fastipc_call2() left it.
 * @buf: out: the sentence, NUL-terminated, truncated to @len bytes.
 *
 * Return: @buf.
 */
char *fastipc_call_strerror(int err, const struct fastipc_call_args *args,
			    char *buf, size_t len);

/*
 * fastipc_send() - Queue a one-way message for procedure @op
 * (FASTIPC_IOC_SEND); no reply. @timeout_ns bounds the wait for queue room
 * (FASTIPC_TIMEOUT_INF: wait as long as needed; 0: not at all).
 *
 * Return: 0, or -ECONNRESET, -EIDRM, -ETIMEDOUT, -EINTR, -EMSGSIZE,
 * -EAGAIN (queue full and non-blocking or @timeout_ns 0, since 0.3:
 * -ETIMEDOUT before; or the caller's uid has the
 * module's user_queue_bytes_max queued), -EFAULT, -EINVAL, -ENOMEM.
 */
int fastipc_send(struct fastipc_conn *conn, uint32_t op,
		 const void *req, size_t req_len, uint64_t timeout_ns);

/* ---------------------------------------------------------------------- */
/* Shared memory: regions, zero-copy calls (FASTIPC_FEAT_REGION)           */
/* ---------------------------------------------------------------------- */

/*
 * Payloads larger than this many bytes go through shared memory when the
 * connection has a region; override it per connection
 * (fastipc_conn_opts.threshold) or per server
 * (fastipc_server_opts.reply_threshold).
 *
 * Measured (2026-11-22, TCG guest, 2 vCPUs, client and server on different
 * CPUs, payload written and read, median round trip): copy wins at 512 B
 * (112 vs 119 us), the two are even at 1 KiB (108 vs 102 us), shared
 * memory wins from 4 KiB (146 vs 106 us) and by 1.9x at 16 KiB. Measured
 * with, in the guest with the module loaded:
 *	tools/bench/fastipc-bench -m copy,shm -s 512,1k,4k,16k -p 1
 * On real hardware the kernel's copies are faster and the crossover is
 * likely higher: measure there before lowering it further.
 */
#define FASTIPC_THRESHOLD_DEFAULT	(4U << 10)

/*
 * struct fastipc_conn_opts - Options of fastipc_connect_opts().
 * @region_size: bytes of shared memory for both halves, 0 for none; the
 *	kernel rounds it up so that each area is a power of two of at least a
 *	page. The largest payload one record takes is half an area minus 8.
 * @threshold: payloads above this many bytes use the region; 0 for
 *	FASTIPC_THRESHOLD_DEFAULT, UINT64_MAX to never use it for calls.
 * @flags: must be 0.
 * @pad: must be 0.
 * @max_payload: (since 0.4) the largest request or reply payload, in bytes,
 *	the connection must carry, or 0. Above the channel's msg_max, the
 *	library sizes the region so that one record of each ring holds it
 *	(the smallest such region: each area is a power of two at least
 *	2 * (@max_payload + 8) bytes, plus a control page per half); at most
 *	msg_max, no region is needed and none is made unless @region_size
 *	asks for one (the library reads msg_max with FASTIPC_IOC_CHAN_STAT
 *	before connecting; without the r permission it makes the region).
 *	Above 512 MiB - 8 no region can carry it: -EINVAL. With both set, @region_size must be at least what
 *	@max_payload needs (-EINVAL otherwise). fastipc_conn_info() tells
 *	what came out.
 * @resv: must be 0.
 */
struct fastipc_conn_opts {
	uint64_t region_size;
	uint64_t threshold;
	uint32_t flags;
	uint32_t pad;
	uint64_t max_payload;
	uint64_t resv[3];
};

/*
 * fastipc_connect_opts() - Connect by @name (and @key 0) or by @key (and
 * @name NULL) with options (FASTIPC_IOC_CONNECT, struct version 1); with
 * a region_size, also mmap() the client's half read-write and the
 * server's half read-only from the connection fd, at the offsets the
 * kernel returned (fastipc_region_layout).
 * @opts: options, or NULL (no region: the same as fastipc_connect()).
 *
 * Return: 0, or the errors of fastipc_connect(), and -EDQUOT (region
 * quota), -EINVAL (region above the region_max parameter, non-zero
 * reserved fields), -EOPNOTSUPP (the kernel has no FASTIPC_FEAT_REGION),
 * -EPROTO (the kernel returned a layout the library cannot use), or an
 * mmap(2) error.
 */
int fastipc_connect_opts(struct fastipc_dev *dev, const char *name,
			 uint64_t key, const struct fastipc_conn_opts *opts,
			 struct fastipc_conn **connp);

/*
 * struct fastipc_conn_info - A connection's limits, in payload bytes
 * (since 0.4).
 * @msg_max: the channel's msg_max: the largest payload by copy.
 * @shm_max: the largest payload one record of the region's rings takes
 *	(half an area minus 8), 0 without a region.
 * @max_payload: the largest request, and the largest reply, a call on
 *	this connection can carry: the larger of @msg_max and @shm_max.
 * @region_size: bytes of shared memory the connection holds, both halves
 *	(what counts against region_user_max), 0 without a region.
 * @threshold: payloads above this many bytes go through the region.
 * @resv: 0.
 */
struct fastipc_conn_info {
	uint64_t msg_max;
	uint64_t shm_max;
	uint64_t max_payload;
	uint64_t region_size;
	uint64_t threshold;
	uint64_t resv[3];
};

#define FASTIPC_CONN_INFO_SIZE_VER0	64

/*
 * fastipc_conn_info() - Read @conn's limits (since 0.4), from what the
 * kernel returned at connect: no syscall.
 * @info: out: the limits.
 * @size: sizeof(*@info) as the caller was compiled (appended fields beyond
 *	it are not written; bytes beyond the library's struct are zeroed).
 *
 * Return: 0, or -EINVAL (@size below FASTIPC_CONN_INFO_SIZE_VER0).
 */
int fastipc_conn_info(const struct fastipc_conn *conn,
		      struct fastipc_conn_info *info, size_t size);

/*
 * fastipc_conn_shm_max() - The largest payload in bytes one record of
 * @conn's client->server ring takes (half the area minus 8), that is the
 * largest request fastipc_call() can send through shared memory; 0
 * without a region.
 */
size_t fastipc_conn_shm_max(const struct fastipc_conn *conn);

/*
 * struct fastipc_conn_stats - What a connection's calls did, since
 * connect. Counted by the library, for this process only.
 * @calls: fastipc_call() and fastipc_call_zc() calls that completed, and
 *	(since 0.4) asynchronous calls reaped with error 0.
 * @bytes_copy: request and reply payload bytes passed by copy (for an
 *	asynchronous call, the request's at submit, the reply's at reap).
 * @bytes_shm: request and reply payload bytes passed through the region.
 * @req_shm: requests sent through the region.
 * @rep_shm: replies received through the region.
 * @fallbacks: large requests sent by copy because the ring was full.
 * @ring_errors: protocol errors seen in the region (a corrupt or hostile
 *	server): bad indices, records or descriptors.
 * @notifies: FASTIPC_IOC_NOTIFY syscalls made.
 * @waits: FASTIPC_IOC_WAIT syscalls made.
 */
struct fastipc_conn_stats {
	uint64_t calls;
	uint64_t bytes_copy;
	uint64_t bytes_shm;
	uint64_t req_shm;
	uint64_t rep_shm;
	uint64_t fallbacks;
	uint64_t ring_errors;
	uint64_t notifies;
	uint64_t waits;
};

/* Fill @st with @conn's counters. */
void fastipc_conn_stats(struct fastipc_conn *conn,
			struct fastipc_conn_stats *st);

/*
 * fastipc_call_buf_get() - Reserve @len bytes in the client->server ring
 * for a request built in place, to be sent with fastipc_call_zc() or
 * fastipc_call2_buf() (since 0.6), or given back with
 * fastipc_call_buf_put().
 * @bufp: out: where to write the request (8-byte aligned).
 * @timeout_ns: how long to wait for room (the server releasing earlier
 *	requests), FASTIPC_TIMEOUT_INF, or 0 for not at all.
 *
 * Return: 0, or -EOPNOTSUPP (no region, or a stream owns it), -EMSGSIZE
 * (@len above half the area minus 8), -EAGAIN (full, @timeout_ns 0),
 * -ETIMEDOUT, -EINTR, -ECONNRESET (server gone), -EPROTO (the server
 * corrupted the ring).
 */
int fastipc_call_buf_get(struct fastipc_conn *conn, size_t len, void **bufp,
			 uint64_t timeout_ns);

/*
 * fastipc_call_buf_put() - Give back a buffer of fastipc_call_buf_get()
 * unsent. Return: 0, or -EINVAL (not such a buffer).
 */
int fastipc_call_buf_put(struct fastipc_conn *conn, void *buf);

/* fastipc_reply.flags */
#define FASTIPC_REPLY_SHM	0x1U	/* @data is in the region */

/*
 * struct fastipc_reply - A reply of fastipc_call_zc(), read in place.
 * @data: the payload: in the server->client ring (read-only, valid until
 *	fastipc_reply_done()) or in the caller's buffer.
 * @len: its length in bytes.
 * @flags: FASTIPC_REPLY_SHM or 0.
 * @off: private.
 */
struct fastipc_reply {
	const void *data;
	size_t len;
	uint32_t flags;
	uint32_t off;
};

/*
 * fastipc_call_zc() - Call @op with the request built in place at @buf
 * (from fastipc_call_buf_get(), consumed whatever the result), @len
 * bytes (at most the length reserved), and receive the reply in place
 * (FASTIPC_IOC_CALL with req_desc; rep_desc out).
 * @rep: buffer for a reply that comes by copy, @rep_cap bytes; @rep_cap is
 *	also the largest reply accepted (the server's reply_max).
 * @out: out: the reply; call fastipc_reply_done() when done with it.
 * @timeout_ns: as for fastipc_call().
 *
 * Return: the server's status, or a negative errno as for fastipc_call(),
 * plus -EINVAL (@buf is not a reserved buffer), -EBADMSG (the server's
 * reply descriptor is bad; counted in ring_errors), -ENOBUFS (since 0.3:
 * no room for a reply larger than msg_max in the server->client ring;
 * a fastipc_handler_t did not run and the request is gone: no retry; or
 * the status of a fastipc_handler2_t that ran, see "No room for a reply"
 * above).
 */
int fastipc_call_zc(struct fastipc_conn *conn, uint32_t op, void *buf,
		    size_t len, void *rep, size_t rep_cap,
		    struct fastipc_reply *out, uint64_t timeout_ns);

/* Release a reply of fastipc_call_zc() (no-op for a copied reply). */
void fastipc_reply_done(struct fastipc_conn *conn, struct fastipc_reply *rep);

/* ---------------------------------------------------------------------- */
/* Asynchronous calls: several outstanding on one connection (since 0.4)   */
/* ---------------------------------------------------------------------- */

/*
 * A thread submits calls without waiting (FASTIPC_IOC_CALL with
 * FASTIPC_F_ASYNC) and collects their outcomes later (FASTIPC_IOC_REAP),
 * in the order they complete, from any thread. The connection fd polls
 * EPOLLIN while a completion waits (or the server's ring has records),
 * so an epoll loop can drive many calls on one connection with one
 * thread. At most FASTIPC_ASYNC_MAX calls are outstanding per connection.
 */

/*
 * struct fastipc_completion - The outcome of an asynchronous call.
 * @id: the call, as fastipc_call_submit() returned it.
 * @user_data: the pointer given at submit.
 * @error: 0 when the server answered; else the negative errno the call
 *	ended with: -ECONNRESET, -EIDRM, -ECANCELED (fastipc_call_cancel()),
 *	-EOVERFLOW (the reply was larger than the @rep_max given at submit;
 *	@rep_len is the length it needs, 0 if the server did not say),
 *	-EBADMSG (the server corrupted the region), -ENOBUFS (a reply
 *	larger than msg_max found no room in the server->client ring, held
 *	by replies not yet reaped: a fastipc_handler_t did not run; submit
 *	again. A fastipc_handler2_t that ran completes with @error 0 and
 *	@status -ENOBUFS instead: see "No room for a reply" above),
 *	-ENOMEM (no memory for a reply that came through the region; the
 *	reply is dropped).
 * @status: the server's reply status, when @error is 0 (-ENOBUFS with no
 *	reply: a fastipc_handler2_t ran and its reply found no room).
 * @rep: the reply, @rep_len bytes, in memory the library allocated
 *	(free() it), or NULL when @rep_len is 0 or @error is set.
 * @rep_len: the reply's length in bytes.
 * @resv: 0.
 */
struct fastipc_completion {
	uint64_t id;
	void *user_data;
	int32_t error;
	int32_t status;
	void *rep;
	size_t rep_len;
	uint64_t resv[2];
};

/*
 * fastipc_call_submit() - Start a call of procedure @op and return without
 * waiting for the reply (since 0.4).
 * @req: the request, @req_len bytes, up to the connection's max_payload:
 *	copied (or written into the region) before the function returns, so
 *	the caller may reuse it at once.
 * @rep_max: the largest reply accepted, in bytes; 0 for the connection's
 *	max_payload. A server of libfastipc may hold that much of the
 *	connection's server->client ring for each call in progress, so give
 *	the size expected when many calls are outstanding.
 * @user_data: returned in the completion.
 * @timeout_ns: how long to wait for queue room (and region room for a
 *	large request): 0 not at all (-EAGAIN), FASTIPC_TIMEOUT_INF.
 * @idp: out: the call's id (may be NULL).
 *
 * Return: 0, or -EBUSY (FASTIPC_ASYNC_MAX calls outstanding: reap some),
 * -EAGAIN (queue full, or the caller's uid has user_queue_bytes_max
 * queued: the reply room counts while the call is outstanding),
 * -EMSGSIZE, -ETIMEDOUT, -EINTR, -ECONNRESET, -EIDRM, -ENOMEM, -EINVAL,
 * -EPROTO (the kernel returned no call id).
 */
int fastipc_call_submit(struct fastipc_conn *conn, uint32_t op,
			const void *req, size_t req_len, size_t rep_max,
			void *user_data, uint64_t timeout_ns, uint64_t *idp);

/*
 * fastipc_call_reap() - Collect one completed asynchronous call (since
 * 0.4), waiting up to @timeout_ns (0: not at all; FASTIPC_TIMEOUT_INF).
 * @c: out: the completion.
 *
 * Return: 0, or -EAGAIN (none completed, @timeout_ns 0), -ETIMEDOUT,
 * -EINTR, -ENOENT (no call is outstanding), -ENOMEM (no memory for the
 * reply: the completion stays, try again). A call submitted with
 * fastipc_call_raw() and FASTIPC_F_ASYNC is reaped too, with @user_data
 * NULL. A call of fastipc_call_submit() that completes while another
 * thread is still inside its submit is matched to its user_data once the
 * submit returns, but the reap waits for that only until its own
 * @timeout_ns runs out, or 1 s if that is longer (a submit waiting for
 * queue room may take any time); a completion still unknown then is
 * delivered with @user_data NULL (its @id is right).
 */
int fastipc_call_reap(struct fastipc_conn *conn, struct fastipc_completion *c,
		      uint64_t timeout_ns);

/*
 * fastipc_call_cancel() - Cancel asynchronous call @id (FASTIPC_IOC_CANCEL):
 * it completes at once with -ECANCELED unless it already completed.
 * Return: 0, or -ENOENT (no such call outstanding, or already completed).
 */
int fastipc_call_cancel(struct fastipc_conn *conn, uint64_t id);

/* ---------------------------------------------------------------------- */
/* Streams: one-way records over a region, no syscall while both run       */
/* ---------------------------------------------------------------------- */

/*
 * A stream uses one ring of a connection's region: FASTIPC_STREAM_C2S
 * (client writes, server reads) or FASTIPC_STREAM_S2C. Records are
 * delivered in order. The producer enters the kernel (FASTIPC_IOC_NOTIFY)
 * only when the consumer announced that it sleeps; the consumer polls
 * the ring @spin times before it announces that and sleeps in
 * FASTIPC_IOC_WAIT. A connection whose region carries a stream sends its
 * calls by copy: do not mix them with shared-memory calls on the server
 * side either (use a connection per stream).
 */
#define FASTIPC_STREAM_C2S	1
#define FASTIPC_STREAM_S2C	2

#define FASTIPC_STREAM_SPIN_DEFAULT	4096

/*
 * struct fastipc_stream_opts - Stream settings.
 * @spin: polls of the ring before sleeping (bounded); 0 sleeps at once.
 * @flags: must be 0.
 * @resv: must be 0.
 */
struct fastipc_stream_opts {
	uint32_t spin;
	uint32_t flags;
	uint64_t resv[3];
};

/*
 * fastipc_stream_open() - Client side: a stream in direction @dir
 * (FASTIPC_STREAM_C2S: we send) over @conn's region.
 * @opts: settings, or NULL for spin = FASTIPC_STREAM_SPIN_DEFAULT.
 * Return: 0, or -EOPNOTSUPP (no region), -EBUSY (a stream already),
 * -EINVAL, -ENOMEM.
 */
int fastipc_stream_open(struct fastipc_conn *conn, unsigned int dir,
			const struct fastipc_stream_opts *opts,
			struct fastipc_stream **stp);

/*
 * fastipc_stream_accept() - Server side: map the region of connection
 * @conn_id of channel @chan_fd (FASTIPC_IOC_CONN_REGION) and open the
 * stream in direction @dir (FASTIPC_STREAM_C2S: we receive).
 * Return: 0, or -ENOENT (no such connection), -ENODATA (it has no
 * region), -EPROTO (bad layout), -EINVAL, -ENOMEM, or an mmap(2) error.
 */
int fastipc_stream_accept(int chan_fd, uint64_t conn_id, unsigned int dir,
			  const struct fastipc_stream_opts *opts,
			  struct fastipc_stream **stp);

/* Close a stream (NULL is a no-op); a server's also unmaps the region. */
void fastipc_stream_close(struct fastipc_stream *st);

/*
 * fastipc_stream_send() - Copy @len bytes into the ring as one record and
 * publish it, waiting (spin, then FASTIPC_IOC_WAIT) for room up to
 * @timeout_ns (FASTIPC_TIMEOUT_INF: forever; 0: not at all).
 * Return: 0, -EMSGSIZE (@len above half the area minus 8), -EAGAIN (full,
 * @timeout_ns 0), -ETIMEDOUT, -EINTR, -ECONNRESET (peer gone), -EPROTO
 * (the peer corrupted the ring), -EBADF (wrong direction).
 */
int fastipc_stream_send(struct fastipc_stream *st, const void *buf,
			size_t len, uint64_t timeout_ns);

/*
 * fastipc_stream_recv() - Copy the next record into @buf (@cap bytes)
 * and release it, waiting for one up to @timeout_ns (FASTIPC_TIMEOUT_INF:
 * forever; 0: not at all, -EAGAIN when none is there).
 * @len: out: the record's length.
 * Return: 0, -EMSGSIZE (@cap too small: *@len says the size, the record
 * stays), -EAGAIN, -ETIMEDOUT, -EINTR, -ECONNRESET, -EPROTO / -EBADMSG
 * (the peer corrupted the ring; counted), -EBADF (wrong direction).
 */
int fastipc_stream_recv(struct fastipc_stream *st, void *buf, size_t cap,
			size_t *len, uint64_t timeout_ns);

/*
 * Zero-copy forms. fastipc_stream_reserve() returns room for a @len-byte
 * record in *@bufp; fastipc_stream_commit() publishes it (reservations
 * may be committed in any order; they are delivered in reservation
 * order). fastipc_stream_peek() returns the next record in place
 * (read-only); fastipc_stream_release() gives it back (in any order).
 * Same errors as send/recv, and for peek -ENOBUFS when 256 records are
 * held unreleased; commit and release: -EINVAL for a pointer that is not
 * an outstanding record.
 */
int fastipc_stream_reserve(struct fastipc_stream *st, size_t len,
			   void **bufp, uint64_t timeout_ns);
int fastipc_stream_commit(struct fastipc_stream *st, void *buf);
int fastipc_stream_peek(struct fastipc_stream *st, const void **bufp,
			size_t *len, uint64_t timeout_ns);
int fastipc_stream_release(struct fastipc_stream *st, const void *buf);

/* Protocol errors the stream has seen (a corrupt or hostile peer). */
uint64_t fastipc_stream_errors(struct fastipc_stream *st);

/* ---------------------------------------------------------------------- */
/* Server: a thread pool dispatching by procedure number                   */
/* ---------------------------------------------------------------------- */

/*
 * fastipc_handler_t - Serves one request or one-way message.
 * @ctx: the pointer given to fastipc_server_register().
 * @hdr: the message header (ids, type, op, sender pid/uid/gid).
 * @req: the payload, @req_len bytes (valid during the call only). A large
 *	request is read in place in the client's half of the region: the
 *	mapping is read-only, but the client can still change the bytes
 *	while the handler runs, so read each field once.
 * @rep: reply buffer of @rep_cap bytes, the larger of the two paths a
 *	reply can take: the copy buffer (the caller's reply_max, capped at
 *	the server's msg_max), or, when the connection has a region and the
 *	caller's reply_max is above the server's reply_threshold, room in
 *	the server->client ring of up to reply_max bytes (sent by descriptor,
 *	no copy). Since 0.4, a ring record smaller than the copy buffer
 *	(a small region) means the copy buffer (counted in rep_fallbacks).
 *	When that ring is full, the copy buffer at once, or, if the caller
 *	accepts more than it takes, the handler does not run and the caller
 *	gets -ENOBUFS (fastipc_call() retries; the pool never waits for
 *	room; see "No room for a reply" above). NULL with 0 for a one-way
 *	message.
 * @rep_len: out: reply length in bytes; starts at 0.
 *
 * Return: the status delivered to the caller (ignored for one-way); by
 * convention 0 or a negative errno. A @rep_len above @rep_cap makes the
 * caller see -EOVERFLOW with no payload; since 0.4 the reply also says
 * @rep_len as the length needed (FASTIPC_F_REPLY_NEED: rep_need of a raw
 * call, rep_len of fastipc_call2()). Handlers run concurrently on the
 * pool threads, also for one connection. A handler that can size its
 * reply before writing it is better written as a fastipc_handler2_t.
 */
typedef int (*fastipc_handler_t)(void *ctx, const struct fastipc_msg_hdr *hdr,
				 const void *req, size_t req_len,
				 void *rep, size_t rep_cap, size_t *rep_len);

/*
 * fastipc_conn_cb_t - Told about FASTIPC_MSG_CONNECT and
 * FASTIPC_MSG_DISCONNECT (hdr->type); hdr->conn_id names the connection.
 * A DISCONNECT is received after every message of that connection, but
 * another pool thread may still be running a handler for one of them.
 */
typedef void (*fastipc_conn_cb_t)(void *ctx, const struct fastipc_msg_hdr *hdr);

/*
 * struct fastipc_server_opts - Server settings; 0 means the default.
 * @msg_max: size in bytes of each thread's reply buffer and initial
 *	receive buffer; 0 (since 0.4) for the channel's own msg_max, read
 *	from the channel fd (FASTIPC_IOC_CHAN_INFO). Above the channel's, it
 *	is capped to it. The receive buffer grows on demand.
 * @stop_poll_ns: how often an idle thread wakes to check for
 *	fastipc_server_stop(), in nanoseconds (default 100 ms), only on a
 *	kernel without FASTIPC_IOC_CHAN_SHUTDOWN; since 0.4 idle threads
 *	otherwise sleep until a message comes or the server stops.
 * @reply_threshold: (0.2) replies go through the connection's region when
 *	the caller's reply_max is above this many bytes (default
 *	FASTIPC_THRESHOLD_DEFAULT; UINT64_MAX: never).
 * @resv: must be 0.
 *
 * The pool maps the region of each connection that has one when it
 * receives its CONNECT (FASTIPC_IOC_CONN_REGION), closes the region fd at
 * once (it holds no fd per connection; it opens one again only to ring a
 * waiting client's doorbell), and unmaps the region after the
 * DISCONNECT, once no handler uses it.
 */
struct fastipc_server_opts {
	uint64_t msg_max;
	uint64_t stop_poll_ns;
	uint64_t reply_threshold;
	uint64_t resv[3];
};

/*
 * fastipc_server_create() - Prepare a server for @chan_fd.
 * @chan_fd: a channel fd from fastipc_chan_create(); still owned (and to
 *	be closed) by the caller, after fastipc_server_destroy().
 * @nthreads: pool size, 1..1024.
 * @opts: settings, or NULL for the defaults.
 * @srvp: out: the server.
 *
 * Return: 0, or -EINVAL (negative fd, bad thread count or reserved field),
 * -EBADF (@chan_fd is not open), -ENOTTY (since 0.3: @chan_fd is open but
 * not a fastipc channel fd, e.g. a pipe, a connection fd or /dev/fastipc;
 * checked with FASTIPC_IOC_CHAN_INFO since 0.4, which also gives the
 * channel's msg_max, or FASTIPC_IOC_CONN_REGION on a kernel without it),
 * -ENOMEM.
 */
int fastipc_server_create(int chan_fd, unsigned int nthreads,
			  const struct fastipc_server_opts *opts,
			  struct fastipc_server **srvp);

/*
 * fastipc_server_register() - Route requests and one-way messages with
 * fastipc_msg_hdr.op == @op to @fn(@ctx, ...). Requests for unregistered
 * ops are answered with status -ENOSYS (no payload); one-way messages for
 * them are dropped. Only before fastipc_server_run().
 *
 * Return: 0, or -EEXIST (@op already registered), -EINVAL (@fn NULL),
 * -EBUSY (running), -ENOMEM.
 */
int fastipc_server_register(struct fastipc_server *srv, uint32_t op,
			    fastipc_handler_t fn, void *ctx);

/*
 * fastipc_server_on_conn() - Call @fn(@ctx, hdr) for CONNECT and
 * DISCONNECT messages (NULL to ignore them, the default). Only before
 * fastipc_server_run().
 *
 * Return: 0, or -EBUSY (running).
 */
int fastipc_server_on_conn(struct fastipc_server *srv, fastipc_conn_cb_t fn,
			   void *ctx);

/*
 * fastipc_server_run() - Start the pool and block until it ends. Each
 * thread loops in FASTIPC_IOC_REPLY_RECV: it delivers the reply to the
 * previous request and waits for the next message in one syscall. Since
 * 0.4 the wait has no timeout: an idle pool sleeps, and
 * fastipc_server_stop() wakes it (receives shut down: -ESHUTDOWN); run()
 * opens receives again when it starts (FASTIPC_IOC_CHAN_SHUTDOWN with 0),
 * so a run after a stop serves again, messages queued meanwhile first.
 * On a kernel without CHAN_SHUTDOWN, the receive times out every
 * stop_poll_ns to look at the stop request. A buffer too small for a
 * message (-EMSGSIZE) is grown and the receive retried; -EINTR, -EAGAIN
 * and -ETIMEDOUT are retried.
 *
 * The shutdown that stop() makes is channel-wide (like shutdown(2) on a
 * socket that several processes share): a stop() of any server on the
 * channel, in this or another process (the channel fd inherited over
 * fork() or passed), ends this run() too, with 0; and run() opens
 * receives on the whole channel again when it starts.
 *
 * Return: 0 after fastipc_server_stop() of this or of another server on
 * the channel (a stop requested before run()
 * makes it return 0 at once; either way the run consumes the request),
 * or the negative errno that ended the pool: -EIDRM (channel removed),
 * -ECONNRESET, -EBADF, -ENOMEM, or -EAGAIN (a thread could not be
 * started), -EBUSY (already running, or fastipc_server_dispatch() is).
 */
int fastipc_server_run(struct fastipc_server *srv);

/*
 * fastipc_server_stop() - Ask the pool to stop: each thread returns after
 * its current message; idle threads wake at once (since 0.4: the library
 * shuts receives on the channel down with FASTIPC_IOC_CHAN_SHUTDOWN, and
 * fastipc_server_run() opens them again when it starts; on an older
 * kernel, at the latest stop_poll_ns later). Queued messages stay queued
 * for the next run. Async-signal-safe (a SIGTERM handler may call it);
 * may be called before or during fastipc_server_run(), which then
 * returns 0. Removing the
 * channel (fastipc_chan_rmid()) stops the pool at once, with -EIDRM.
 *
 * stop() shuts down receiving on the channel: every pool and dispatcher
 * serving it, in this or another process, stops (their run() returns 0,
 * their dispatch() returns -ESHUTDOWN); run() re-opens receiving when it
 * starts. Whatever another server does meanwhile, the run() of this
 * server returns: until all its threads have returned, it shuts receives
 * down again every stop_poll_ns.
 */
void fastipc_server_stop(struct fastipc_server *srv);

/*
 * struct fastipc_server_stats - What a server pool did since
 * fastipc_server_create() (since 0.3). Counted by the library, for this
 * process only; all counts, no units.
 * @requests: requests received (a handler ran, or an error status was
 *	sent: -ENOSYS, -EBADMSG, or a mapping error as for @map_errors).
 * @rep_shm: replies handed back through a connection's region.
 * @rep_fallbacks: replies the handler wrote in the copy buffer because
 *	the caller's server->client ring had no room (a caller that holds
 *	earlier replies) and the copy buffer takes the reply (all the
 *	caller accepts, for a fastipc_handler_t). The pool never waits for
 *	room, so such a caller slows only itself. Since 0.4 also replies of
 *	a fastipc_handler_t that got the copy buffer because one record of
 *	the caller's ring is smaller than it (a small region).
 * @rep_refused: requests answered -ENOBUFS without running their
 *	fastipc_handler_t because that ring had no room and the caller
 *	accepts a reply larger than the copy buffer (msg_max); fastipc_call()
 *	sends them again. Since 0.7 never a fastipc_handler2_t's (see
 *	@rep_dropped).
 * @ring_errors: protocol errors found in connections' regions (bad
 *	descriptors, indices or records: a corrupt or hostile client), of
 *	regions mapped now and of those already unmapped.
 * @map_errors: times a connection's region could not be mapped
 *	(FASTIPC_IOC_CONN_REGION or mmap(2) failed, e.g. -EMFILE, -ENOMEM).
 *	A request in that region is answered with that error as its status
 *	and its handler does not run; a large reply goes by copy instead.
 * @notify_errors: doorbell rings that failed (a client waiting for room
 *	in its ring may then wake only at its timeout).
 * @regions: connections' regions mapped now. The pool keeps no fd per
 *	region: it maps and closes the region fd at once.
 * @rep_dropped: (since 0.7) replies of a fastipc_handler2_t dropped
 *	because that ring had no room for them and they were larger than the
 *	copy buffer: the handler ran, the call was answered status -ENOBUFS
 *	and is not sent again.
 */
struct fastipc_server_stats {
	uint64_t requests;
	uint64_t rep_shm;
	uint64_t rep_fallbacks;
	uint64_t rep_refused;
	uint64_t ring_errors;
	uint64_t map_errors;
	uint64_t notify_errors;
	uint64_t regions;
	uint64_t rep_dropped;
};

#define FASTIPC_SERVER_STATS_SIZE_VER0	64
#define FASTIPC_SERVER_STATS_SIZE_VER1	72	/* since 0.7: rep_dropped */

/*
 * fastipc_server_stats() - Read @srv's counters (since 0.3), at any time,
 * also while fastipc_server_run() runs.
 * @st: out: the counters.
 * @size: sizeof(*@st) as the caller was compiled: fields beyond it are not
 *	written, and bytes beyond the library's struct are zeroed, so that
 *	older and newer callers both work (later versions only append).
 *
 * Return: 0, or -EINVAL (@size below FASTIPC_SERVER_STATS_SIZE_VER0).
 */
int fastipc_server_stats(struct fastipc_server *srv,
			 struct fastipc_server_stats *st, size_t size);

/* ---------------------------------------------------------------------- */
/* Server, since 0.4: handlers that size their reply, and event loops      */
/* ---------------------------------------------------------------------- */

/* A request being served by a fastipc_handler2_t (opaque). */
struct fastipc_req;

/*
 * fastipc_handler2_t - Serves one request or one-way message (since 0.4).
 * @ctx: the pointer given to fastipc_server_register2().
 * @req: the request: read it with fastipc_req_hdr() and fastipc_req_data();
 *	reply with fastipc_req_reply_buf() or fastipc_req_reply(). Valid
 *	during the call only.
 *
 * Return: the status delivered to the caller (fastipc_call_args.status;
 * ignored for one-way messages); by convention 0 or a negative errno. A
 * handler that replied nothing sends an empty reply.
 */
typedef int (*fastipc_handler2_t)(void *ctx, struct fastipc_req *req);

/* The message header (ids, type, op, the sender's pid/uid/gid). */
const struct fastipc_msg_hdr *fastipc_req_hdr(const struct fastipc_req *req);

/*
 * fastipc_req_data() - The request payload and its length (*@len, bytes).
 * A large request is read in place in the client's half of the region,
 * which the client can still change while the handler runs: read each
 * field once, or copy it first.
 */
const void *fastipc_req_data(const struct fastipc_req *req, size_t *len);

/*
 * fastipc_req_shared() - Whether the payload of fastipc_req_data() is in
 * the client's half of its region (since 0.5): memory the client can
 * still write while the handler runs. A parser that reads bytes more
 * than once (protobuf-c's unpack does) must copy such a payload to
 * private memory first. Return: 1 when shared, 0 when it is in the
 * pool thread's own receive buffer.
 */
int fastipc_req_shared(const struct fastipc_req *req);

/*
 * fastipc_req_reply_max() - The largest reply in bytes this caller can
 * take, by copy or through its region: the caller's reply_max, capped at
 * the larger of the server's msg_max (copy) and one record of the
 * caller's server->client ring (when the caller's reply_max is above the
 * reply_threshold); 0 for a one-way message.
 */
size_t fastipc_req_reply_max(const struct fastipc_req *req);

/*
 * fastipc_req_reply_buf() - Room for a reply of exactly @len bytes, chosen
 * by size: the copy buffer up to the server's reply_threshold (or when the
 * caller has no region, or one record of its ring is smaller than @len,
 * or it has no room now), else a record in the caller's server->client
 * ring, sent by descriptor without a copy. Calling it again replaces the
 * earlier buffer (its contents are not kept). A handler that calls
 * neither this nor fastipc_req_reply() sends an empty reply.
 * @bufp: out: where to write the reply.
 *
 * Return: 0, or -EOVERFLOW (@len is above fastipc_req_reply_max(): the
 * caller's call ends with -EOVERFLOW and learns @len as the length the
 * reply needs; the handler's status is not delivered), -ENOBUFS (the
 * caller's ring has no room now and the copy buffer is too small: unless
 * a later call here finds room, e.g. for a smaller reply that the copy
 * buffer takes, the caller's call ends with the status -ENOBUFS and no
 * reply, the handler's status is not delivered, and the request is not
 * sent again (since 0.7; before, the caller's library sent it again and
 * the handler ran twice): see "No room for a reply" above, counted in
 * rep_dropped), -EINVAL (a one-way message).
 */
int fastipc_req_reply_buf(struct fastipc_req *req, size_t len, void **bufp);

/*
 * fastipc_req_reply() - fastipc_req_reply_buf() and a copy of @len bytes
 * from @data. Return: as fastipc_req_reply_buf().
 */
int fastipc_req_reply(struct fastipc_req *req, const void *data, size_t len);

/*
 * fastipc_server_register2() - As fastipc_server_register(), for a
 * fastipc_handler2_t (since 0.4). An op has one handler of either kind.
 */
int fastipc_server_register2(struct fastipc_server *srv, uint32_t op,
			     fastipc_handler2_t fn, void *ctx);

/*
 * fastipc_server_fd() - The fd to poll for fastipc_server_dispatch()
 * (since 0.4): the channel fd, EPOLLIN while a message is queued,
 * EPOLLHUP once the channel is removed. Owned by the caller, as the
 * channel fd given to fastipc_server_create().
 */
int fastipc_server_fd(const struct fastipc_server *srv);

/*
 * fastipc_server_dispatch() - Serve what is queued now, in the calling
 * thread, and never block (since 0.4): receive with FASTIPC_F_NONBLOCK,
 * run the handler, reply; at most @max messages (0: until the queue is
 * empty). For a server driven by the caller's own event loop instead of
 * fastipc_server_run(); not while fastipc_server_run() runs (-EBUSY).
 * Handlers run in the caller's thread, so a handler that blocks blocks
 * the loop. CONNECT and DISCONNECT count as messages: they map and unmap
 * the connection's region and call the fastipc_server_on_conn()
 * callback, as in the pool. Each reply is delivered before the next
 * receive (FASTIPC_IOC_REPLY). Several threads may call it at once.
 *
 * fastipc_server_stop() shuts down receiving on the channel: every pool
 * and dispatcher serving it, in this or another process, stops. Receives
 * left shut down by an earlier fastipc_server_stop() of THIS server are
 * opened again (that stop request is consumed, as run() does); a
 * shutdown made by another server's stop() is not undone: -ESHUTDOWN.
 *
 * Return: the number of messages handled (0: none was queued), or a
 * negative errno when none was: -ESHUTDOWN (receives on the channel are
 * shut down by a stop() of another server; a fastipc_server_run() of
 * any server on the channel opens them again), -EIDRM (channel removed), -EBUSY,
 * -ENOMEM, -EBADF (an error after some messages were handled is
 * returned by the next call).
 */
int fastipc_server_dispatch(struct fastipc_server *srv, unsigned int max);

/* Free @srv (NULL is a no-op). Not while fastipc_server_run() runs. */
void fastipc_server_destroy(struct fastipc_server *srv);

#ifdef __cplusplus
}
#endif

#endif /* _FASTIPC_H */
