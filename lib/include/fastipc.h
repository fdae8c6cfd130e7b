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
#define FASTIPC_VERSION_MINOR	1

/* Timeout value meaning "wait as long as it takes" (no FASTIPC_F_TIMEOUT). */
#define FASTIPC_TIMEOUT_INF	UINT64_MAX

struct fastipc_dev;
struct fastipc_conn;
struct fastipc_server;

/*
 * Version of the library that is running (not the one compiled against,
 * which is FASTIPC_VERSION_MAJOR/MINOR): "MAJOR.MINOR.PATCH", and its major
 * and minor numbers.
 */
const char *fastipc_version(void);
int fastipc_version_major(void);
int fastipc_version_minor(void);

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
 *	FASTIPC_TIMEOUT_INF. 0 never waits and always ends -ETIMEDOUT.
 *
 * Return: the server's reply status (fastipc_serve.reply_status: by the
 * convention of fastipc_server, 0 or a negative errno chosen by the
 * handler) once the call completed, or a negative errno when the call
 * failed: -ECONNRESET (server closed the channel), -EIDRM (channel
 * removed), -ETIMEDOUT, -EINTR (signal; the call is cancelled),
 * -EMSGSIZE (@req_len above msg_max), -EAGAIN (queue full, O_NONBLOCK fd),
 * -EFAULT, -EINVAL, -ENOMEM. Use fastipc_call_raw() when a server status
 * must be told apart from a transport error.
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
 * fastipc_send() - Queue a one-way message for procedure @op
 * (FASTIPC_IOC_SEND); no reply. @timeout_ns bounds the wait for queue room
 * (FASTIPC_TIMEOUT_INF: wait as long as needed).
 *
 * Return: 0, or -ECONNRESET, -EIDRM, -ETIMEDOUT, -EINTR, -EMSGSIZE,
 * -EAGAIN, -EFAULT, -EINVAL, -ENOMEM.
 */
int fastipc_send(struct fastipc_conn *conn, uint32_t op,
		 const void *req, size_t req_len, uint64_t timeout_ns);

/* ---------------------------------------------------------------------- */
/* Server: a thread pool dispatching by procedure number                   */
/* ---------------------------------------------------------------------- */

/*
 * fastipc_handler_t - Serves one request or one-way message.
 * @ctx: the pointer given to fastipc_server_register().
 * @hdr: the message header (ids, type, op, sender pid/uid/gid).
 * @req: the payload, @req_len bytes (valid during the call only).
 * @rep: reply buffer of @rep_cap bytes: the caller's reply_max, capped at
 *	the server's msg_max. NULL with 0 for a one-way message.
 * @rep_len: out: reply length in bytes; starts at 0.
 *
 * Return: the status delivered to the caller (ignored for one-way); by
 * convention 0 or a negative errno. A @rep_len above @rep_cap makes the
 * caller see -EOVERFLOW with no payload. Handlers run concurrently on the
 * pool threads, also for one connection.
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
 *	receive buffer; set it to the channel's msg_max (default
 *	FASTIPC_MSG_MAX_DEFAULT). The receive buffer grows on demand.
 * @stop_poll_ns: how often an idle thread wakes to check for
 *	fastipc_server_stop(), in nanoseconds (default 100 ms).
 * @resv: must be 0.
 */
struct fastipc_server_opts {
	uint64_t msg_max;
	uint64_t stop_poll_ns;
	uint64_t resv[4];
};

/*
 * fastipc_server_create() - Prepare a server for @chan_fd.
 * @chan_fd: a channel fd from fastipc_chan_create(); still owned (and to
 *	be closed) by the caller, after fastipc_server_destroy().
 * @nthreads: pool size, 1..1024.
 * @opts: settings, or NULL for the defaults.
 * @srvp: out: the server.
 *
 * Return: 0, or -EINVAL (bad fd, thread count or reserved field), -ENOMEM.
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
 * previous request and waits for the next message in one syscall, with a
 * receive timeout of stop_poll_ns so that it sees fastipc_server_stop().
 * A buffer too small for a message (-EMSGSIZE) is grown and the receive
 * retried; -EINTR, -EAGAIN and -ETIMEDOUT are retried.
 *
 * Return: 0 after fastipc_server_stop(), or the negative errno that ended
 * the pool: -EIDRM (channel removed), -ECONNRESET, -EBADF, -ENOMEM, or
 * -EAGAIN (a thread could not be started), -EBUSY (already running).
 */
int fastipc_server_run(struct fastipc_server *srv);

/*
 * fastipc_server_stop() - Ask the pool to stop: each thread returns after
 * its current message, at the latest stop_poll_ns later when idle.
 * Async-signal-safe (a SIGTERM handler may call it); may be called before
 * or during fastipc_server_run(), which then returns 0. Removing the
 * channel (fastipc_chan_rmid()) stops the pool at once, with -EIDRM.
 */
void fastipc_server_stop(struct fastipc_server *srv);

/* Free @srv (NULL is a no-op). Not while fastipc_server_run() runs. */
void fastipc_server_destroy(struct fastipc_server *srv);

#ifdef __cplusplus
}
#endif

#endif /* _FASTIPC_H */
