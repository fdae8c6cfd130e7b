/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * fastipc: local procedure calls through /dev/fastipc.
 *
 * This header is the only definition of the fastipc ABI. The kernel module,
 * libfastipc, the tools and the kselftests all include it.
 *
 * Object model (one file descriptor per object, the KVM pattern):
 *
 *   open("/dev/fastipc")             control fd: FASTIPC_IOC_API first, then
 *     FASTIPC_IOC_CHAN_CREATE        -> channel fd (server side, O_CLOEXEC)
 *     FASTIPC_IOC_CONNECT            -> connection fd (client side, O_CLOEXEC)
 *     FASTIPC_IOC_CHAN_STAT/SET/RMID    by name or key (the msgctl() of fastipc)
 *   channel fd:    FASTIPC_IOC_RECV, FASTIPC_IOC_REPLY, FASTIPC_IOC_REPLY_RECV,
 *                  FASTIPC_IOC_CONN_REGION -> region fd of one connection,
 *                  FASTIPC_IOC_CHAN_INFO, FASTIPC_IOC_CHAN_SHUTDOWN,
 *                  poll() (EPOLLIN: a message is queued; EPOLLHUP: removed)
 *   connection fd: FASTIPC_IOC_CALL, FASTIPC_IOC_SEND, mmap() of its region,
 *                  FASTIPC_IOC_NOTIFY, FASTIPC_IOC_WAIT,
 *                  FASTIPC_IOC_REAP, FASTIPC_IOC_CANCEL (asynchronous calls),
 *                  poll() (EPOLLOUT: the queue has room; EPOLLIN: the server's
 *                  ring has records, or an asynchronous call has completed;
 *                  EPOLLHUP: server gone)
 *   region fd:     mmap(), FASTIPC_IOC_NOTIFY, FASTIPC_IOC_WAIT (server side),
 *                  poll() (EPOLLIN: the client's ring has records; EPOLLHUP)
 *
 * Conventions:
 *  - Every argument struct is versioned by size: the size encoded in the
 *    ioctl number is the size userspace compiled against. The kernel reads
 *    it with copy_struct_from_user(): a size below _VER0 is -EINVAL, a larger
 *    size whose tail is not zero is -E2BIG. New fields are only appended,
 *    64-bit aligned.
 *  - Unknown ioctl numbers are -ENOTTY; unknown flag bits are -EINVAL;
 *    reserved and padding fields must be zero (-EINVAL).
 *  - Fields marked "out" are ignored on input and always written on
 *    success; a failed ioctl writes nothing back unless its struct says so.
 *  - Pointers travel as __u64. Lengths are in bytes, times in nanoseconds.
 *  - Every blocking ioctl accepts FASTIPC_F_NONBLOCK (as does O_NONBLOCK on
 *    the fd) and FASTIPC_F_TIMEOUT with a relative timeout_ns. A signal ends
 *    the wait with -EINTR (never restarted: the timeout is relative).
 */
#ifndef _UAPI_LINUX_FASTIPC_H
#define _UAPI_LINUX_FASTIPC_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* Bumped only for incompatible changes; extensions use feature bits. */
#define FASTIPC_API_VERSION	1

#define FASTIPC_DEVICE_NAME	"fastipc"

/* Channel names: 1..63 printable ASCII bytes (0x21..0x7e, no '/'), NUL-padded. */
#define FASTIPC_NAME_MAX	64

/* Defaults applied when a channel is created with 0 in a limit field. */
#define FASTIPC_MSG_MAX_DEFAULT		65536		/* bytes */
#define FASTIPC_QUEUE_MSGS_DEFAULT	256		/* messages */
#define FASTIPC_QUEUE_BYTES_DEFAULT	(4U << 20)	/* bytes */

/* Features reported by FASTIPC_IOC_API in fastipc_api.features. */
#define FASTIPC_FEAT_COPY	0x1ULL	/* CALL/SEND/RECV/REPLY copy path */
#define FASTIPC_FEAT_PERM	0x2ULL	/* fastipc_perm, STAT/SET/RMID */
#define FASTIPC_FEAT_REGION	0x4ULL	/* shared-memory regions, descriptors */
#define FASTIPC_FEAT_DOORBELL	0x8ULL	/* NOTIFY/WAIT eventcount doorbell */

/* Flags shared by the blocking ioctls (fastipc_call, fastipc_serve). */
#define FASTIPC_F_NONBLOCK	0x1U	/* never sleep: -EAGAIN */
#define FASTIPC_F_TIMEOUT	0x2U	/* timeout_ns is valid */
#define FASTIPC_F_ASYNC		0x4U	/* CALL only: do not wait for the reply */
#define FASTIPC_F_REPLY_NEED	0x8U	/* REPLY, REPLY_RECV: reply_len is a need */

/*
 * Most asynchronous calls (FASTIPC_F_ASYNC) one connection may have
 * submitted and not yet reaped.
 */
#define FASTIPC_ASYNC_MAX	64

/**
 * enum fastipc_msg_type - What a received message is.
 * @FASTIPC_MSG_REQUEST: a CALL; the caller waits for exactly one REPLY.
 * @FASTIPC_MSG_ONEWAY: a SEND; no reply is expected (a REPLY is -ENOENT).
 * @FASTIPC_MSG_CONNECT: a client connected; conn_id names it. No payload.
 * @FASTIPC_MSG_DISCONNECT: the client closed its connection fd or died; it
 *	is queued after every message that connection sent. No payload.
 */
enum fastipc_msg_type {
	FASTIPC_MSG_REQUEST = 1,
	FASTIPC_MSG_ONEWAY = 2,
	FASTIPC_MSG_CONNECT = 3,
	FASTIPC_MSG_DISCONNECT = 4,
};

/**
 * struct fastipc_api - FASTIPC_IOC_API: the handshake.
 * @api: in: FASTIPC_API_VERSION, or 0 to only query; any other value is
 *	-EINVAL. out: the kernel's FASTIPC_API_VERSION.
 * @flags: in: must be 0.
 * @features: out: FASTIPC_FEAT_* bits this module implements.
 * @ioctls: out: bit n is set when the ioctl with _IOC_NR() n is implemented.
 * @msg_max_cap: out: largest inline payload a channel may be given, in
 *	bytes (the msg_max_cap module parameter).
 * @msg_max_default: out: inline payload limit of a channel created with
 *	msg_max = 0, in bytes.
 * @queue_msgs_cap: out: largest queue_msgs a channel may be given.
 * @queue_bytes_cap: out: largest queue_bytes a channel may be given, bytes.
 */
struct fastipc_api {
	__u32 api;
	__u32 flags;
	__u64 features;
	__u64 ioctls;
	__u32 msg_max_cap;
	__u32 msg_max_default;
	__u32 queue_msgs_cap;
	__u32 queue_bytes_cap;
};

#define FASTIPC_API_SIZE_VER0	40

/**
 * struct fastipc_chan_ref - Names a channel: exactly one of @name or @key.
 * @name: NUL-padded channel name, or all zero to select by @key.
 * @key: numeric key (the SysV key_t of fastipc), or 0 to select by @name.
 *	At creation both may be given; a lookup with both, or neither, is
 *	-EINVAL.
 */
struct fastipc_chan_ref {
	char name[FASTIPC_NAME_MAX];
	__u64 key;
};

/**
 * struct fastipc_perm - The SysV ipc_perm of a channel.
 * @uid: owner user id, in the caller's user namespace (overflowuid if
 *	unmapped).
 * @gid: owner group id, likewise.
 * @cuid: creator user id, likewise.
 * @cgid: creator group id, likewise.
 * @mode: the 9 permission bits: w = may connect and call, r = may stat.
 * @seq: sequence number: the value of a counter bumped on every channel
 *	creation, so a reused name or key is told apart.
 * @key: the channel's key (0 if none).
 */
struct fastipc_perm {
	__u32 uid;
	__u32 gid;
	__u32 cuid;
	__u32 cgid;
	__u32 mode;
	__u32 seq;
	__u64 key;
};

/**
 * struct fastipc_chan_create - FASTIPC_IOC_CHAN_CREATE on the control fd.
 * @ref: name (required) and key (optional, 0 for none) of the new channel.
 *	A live channel with the same name or key is -EEXIST.
 * @mode: permission bits, at most 0777 (-EINVAL otherwise).
 * @flags: must be 0.
 * @msg_max: largest inline payload in bytes, both directions; 0 for
 *	FASTIPC_MSG_MAX_DEFAULT; above the msg_max_cap parameter is -EINVAL.
 * @queue_msgs: most messages queued and not yet received; 0 for the default;
 *	above the queue_msgs_cap parameter is -EINVAL.
 * @queue_bytes: most payload bytes queued; 0 for the default (never less
 *	than @msg_max). Below @msg_max or above the queue_bytes_cap parameter
 *	is -EINVAL.
 * @pad: must be 0.
 *
 * Names and keys are scoped to the caller's IPC namespace.
 *
 * Return: a channel fd (O_CLOEXEC) on success; -EEXIST, -EINVAL,
 * -ENAMETOOLONG, -ENOSPC (the caller's euid has user_chans_max channels),
 * -EPERM (refused by the access module parameter), -EMFILE, -ENOMEM.
 */
struct fastipc_chan_create {
	struct fastipc_chan_ref ref;
	__u32 mode;
	__u32 flags;
	__u32 msg_max;
	__u32 queue_msgs;
	__u32 queue_bytes;
	__u32 pad;
};

#define FASTIPC_CHAN_CREATE_SIZE_VER0	96

/*
 * Shared-memory regions.
 *
 * A connection may own one region, asked for at CONNECT. It has two
 * halves, one per side; each half is a control page followed by a data
 * area, and is written only by its owner:
 *
 *   client half (mmap offset client_off):  control page | client->server area
 *   server half (mmap offset server_off):  control page | server->client area
 *
 * The client maps its half read-write and the server's half read-only from
 * the connection fd; the server maps the region fd of the connection
 * (FASTIPC_IOC_CONN_REGION) the other way round. Writable access to the
 * peer's half is refused, now (mmap: -EACCES) and later (mprotect,
 * remap_file_pages, mremap, /proc/PID/mem and the other generic paths
 * fail); mappings are not inherited across fork (unless the owner asks
 * with madvise(MADV_DOFORK)) and cannot grow; mmap() of a connection
 * without a region is -ENODEV.
 *
 * Each data area is a ring of records produced by the half's owner and
 * consumed by the peer. The owner's control page holds the producer index
 * of its own ring and the consumer index of the peer's ring, each on a
 * cache line of its own, plus the owner's eventcount and waiting word. The
 * field offsets are returned in struct fastipc_region_layout; the values
 * below are version 1's.
 *
 * Indices are free-running __u32 byte counts; an index's position in the
 * area is index & (area_size - 1) (area_size is a power of two). A record
 * is a struct fastipc_rec header followed by its payload, padded to
 * FASTIPC_REC_ALIGN. A record never wraps: when it does not fit before the
 * end of the area, the producer writes a FASTIPC_REC_PAD record covering
 * the rest and starts at offset 0. A record its producer abandoned after
 * writing it (a call that failed, a reply the kernel dropped) is marked
 * FASTIPC_REC_SKIP, and its consumer steps over it.
 *
 * Memory ordering (the one argument every barrier cites):
 *
 *   producer                           consumer
 *   LOAD consumer          (A)         LOAD producer (acquire)   (C)
 *   STORE record, payload              LOAD record, payload
 *   STORE producer (release) (B)       STORE consumer (release)  (D)
 *   STORE eventcount + 1 (release)     STORE waiting = 1
 *   full barrier           (E)         full barrier              (F)
 *   LOAD peer waiting                  LOAD producer, eventcount
 *   if set: FASTIPC_IOC_NOTIFY         if unchanged: FASTIPC_IOC_WAIT
 *
 *   (B) pairs with (C): a consumer that sees an index sees the record.
 *   (D) pairs with (A): a producer reuses space only after the consumer
 *   has finished reading it. (E) pairs with (F): either the producer sees
 *   waiting set and rings the doorbell, or the consumer sees the new
 *   eventcount and does not sleep; FASTIPC_IOC_WAIT rechecks the
 *   eventcount after queueing the waiter, so no wake-up is lost.
 *
 * Everything in a region is written by an untrusted peer. Readers read
 * each index, offset and length once and bounds-check it before use; the
 * kernel only ever compares values it reads from a region (eventcount,
 * indices for poll) and never indexes memory with them.
 */
#define FASTIPC_REGION_VERSION	1
#define FASTIPC_REC_ALIGN	8
#define FASTIPC_REC_PAD		0x1U	/* fastipc_rec.flags: skip to offset 0 */
#define FASTIPC_REC_SKIP	0x2U	/* abandoned by its producer: skip it */

/**
 * struct fastipc_region_ctl - Version 1 layout of a half's control page.
 * @magic: FASTIPC_REGION_MAGIC, written by the kernel at creation.
 * @version: FASTIPC_REGION_VERSION, written by the kernel.
 * @size: the region's size in bytes, written by the kernel.
 * @area_size: each data area's size in bytes, written by the kernel.
 * @resv0: reserved.
 * @producer: producer index of the owner's ring (owner writes).
 * @pad1: keeps @producer on its own cache line.
 * @consumer: consumer index of the peer's ring (owner writes).
 * @pad2: keeps @consumer on its own cache line.
 * @eventcount: bumped by the owner after it produces, and after it
 *	consumes when the peer may be waiting for room (owner writes).
 * @waiting: non-zero while the owner sleeps waiting for the peer.
 * @pad3: reserved.
 *
 * The header words are informational: the owner can overwrite them, so
 * nobody trusts them; the layout returned by the kernel is authoritative.
 */
struct fastipc_region_ctl {
	__u32 magic;
	__u32 version;
	__u64 size;
	__u64 area_size;
	__u8 resv0[40];
	__u32 producer;
	__u8 pad1[60];
	__u32 consumer;
	__u8 pad2[60];
	__u32 eventcount;
	__u32 waiting;
	__u8 pad3[56];
};

#define FASTIPC_REGION_MAGIC	0x46495043U	/* "FIPC" */

/**
 * struct fastipc_rec - Header of a record in a ring.
 * @len: payload length in bytes (the record takes
 *	ALIGN(sizeof(struct fastipc_rec) + len, FASTIPC_REC_ALIGN) bytes).
 * @flags: FASTIPC_REC_PAD, or 0.
 */
struct fastipc_rec {
	__u32 len;
	__u32 flags;
};

/**
 * struct fastipc_region_layout - Where everything in a region is.
 * @size: region size in bytes, both halves.
 * @version: FASTIPC_REGION_VERSION.
 * @flags: 0.
 * @client_off: mmap offset of the client half.
 * @server_off: mmap offset of the server half.
 * @half_size: bytes in each half: one page of control, then the area.
 * @area_off: offset of the data area within a half.
 * @area_size: bytes in each data area (a power of two).
 * @producer_off: offset of the producer index within a control page.
 * @consumer_off: offset of the consumer index within a control page.
 * @eventcount_off: offset of the eventcount within a control page.
 * @waiting_off: offset of the waiting word within a control page.
 * @resv: 0.
 */
struct fastipc_region_layout {
	__u64 size;
	__u32 version;
	__u32 flags;
	__u64 client_off;
	__u64 server_off;
	__u64 half_size;
	__u32 area_off;
	__u32 area_size;
	__u32 producer_off;
	__u32 consumer_off;
	__u32 eventcount_off;
	__u32 waiting_off;
	__u64 resv;
};

/* fastipc_desc.area: which data area a descriptor points into. */
#define FASTIPC_AREA_NONE	0
#define FASTIPC_AREA_C2S	1	/* client->server: the client's half */
#define FASTIPC_AREA_S2C	2	/* server->client: the server's half */

/**
 * struct fastipc_desc - A payload in a region, carried by a message.
 * @offset: byte offset within the data area.
 * @len: length in bytes; @offset + @len must not pass the area's end.
 * @area: FASTIPC_AREA_*: NONE, or the sender's own area (a client sends
 *	C2S, a server replies S2C); anything else is -EINVAL.
 *
 * The kernel checks the bounds and delivers the descriptor; it never reads
 * or writes what it points to.
 */
struct fastipc_desc {
	__u64 offset;
	__u32 len;
	__u32 area;
};

/**
 * struct fastipc_connect - FASTIPC_IOC_CONNECT on the control fd.
 * @ref: the channel, by name or key. Needs w permission (-EACCES).
 * @flags: must be 0.
 * @pad: must be 0.
 * @conn_id: out: the connection's id, as the server sees it in
 *	fastipc_msg_hdr.conn_id. Unique within the channel, never reused.
 * @region_size: in (VER1): bytes of shared memory wanted for both halves,
 *	0 for none; rounded up so that each area is a power of two of at
 *	least a page. Above the region_max parameter is -EINVAL; beyond the
 *	caller's per-user quota (region_user_max) -EDQUOT.
 * @msg_max: out (VER1): the channel's inline payload limit in bytes.
 * @pad1: must be 0.
 * @layout: out (VER1): the region's layout, all zero without a region.
 *
 * Return: a connection fd (O_CLOEXEC) on success. The server receives a
 * FASTIPC_MSG_CONNECT message. Errors: -ENOENT (no such channel in the
 * caller's IPC namespace), -EACCES, -ENOSPC (the caller's euid has
 * user_conns_max connections, counting closed ones until the server has
 * received their DISCONNECT), -EDQUOT, -EPERM (refused by the access
 * module parameter), -EINVAL, -EMFILE, -ENOMEM.
 */
struct fastipc_connect {
	struct fastipc_chan_ref ref;
	__u32 flags;
	__u32 pad;
	__u64 conn_id;
	__u64 region_size;
	__u32 msg_max;
	__u32 pad1;
	struct fastipc_region_layout layout;
};

#define FASTIPC_CONNECT_SIZE_VER0	88
#define FASTIPC_CONNECT_SIZE_VER1	176

/**
 * struct fastipc_chan_counters - Per-channel counters, since creation.
 * @calls: requests queued by CALL.
 * @oneway: one-way messages queued by SEND.
 * @replies: replies delivered to a waiting caller.
 * @bytes_copied: payload bytes copied in and out by the kernel.
 * @timeouts: calls that ended with -ETIMEDOUT.
 * @cancelled: calls given up by their caller (timeout, signal) and
 *	removed or abandoned.
 * @dropped_replies: replies to a caller that had given up or gone.
 * @errors: calls and sends that failed for any other reason.
 * @bytes_shm: payload bytes passed by descriptor through shared memory
 *	(in STAT VER1).
 * @call_polls_hit: (STAT VER2) CALLs whose reply came while the caller
 *	busy-waited for it (the spin_ns module parameter), without sleeping.
 * @call_polls_missed: (STAT VER2) CALLs whose busy-wait gave up before the
 *	reply (spin_ns ran out, the server went to sleep, a signal, the
 *	timeout, or the caller's CPU was wanted); the caller then slept or
 *	failed. A CALL that did not busy-wait (spin_ns 0, or the reply was
 *	already there) counts in neither.
 * @recv_polls_hit: (STAT VER2) REPLY_RECVs whose next message came while
 *	the server busy-waited for it.
 * @recv_polls_missed: (STAT VER2) REPLY_RECVs whose busy-wait gave up
 *	before a message came; the server then slept or failed. Likewise,
 *	one that did not busy-wait counts in neither (spin_ns 0, or another
 *	receiver was asleep idle: the message would be handed to it).
 * @handoffs: (STAT VER3) messages handed straight to a receiver asleep in
 *	RECV or REPLY_RECV, the one that went to sleep last, without passing
 *	through the queue.
 * @recv_sleeps: (STAT VER3) times a receiver went to sleep for want of a
 *	message (a RECV or REPLY_RECV may sleep more than once).
 * @call_polls_skipped: (STAT VER4) CALLs that did not busy-wait because
 *	the channel's @service_ns was above spin_ns: the reply was not
 *	expected within the poll. They count in neither polls_hit nor
 *	polls_missed.
 * @service_ns: (STAT VER4) not a counter: the channel's estimate of how
 *	long a server takes to answer a request, in nanoseconds, from the
 *	moment a server thread runs with it (took it, or woke with it handed
 *	to it: a wake-up is not counted) to its reply; a moving average of
 *	the answered requests, each weighing 1/8. Measured only while
 *	spin_ns is not 0; 0 before the first measured reply.
 */
struct fastipc_chan_counters {
	__u64 calls;
	__u64 oneway;
	__u64 replies;
	__u64 bytes_copied;
	__u64 timeouts;
	__u64 cancelled;
	__u64 dropped_replies;
	__u64 errors;
	__u64 bytes_shm;
	__u64 call_polls_hit;
	__u64 call_polls_missed;
	__u64 recv_polls_hit;
	__u64 recv_polls_missed;
	__u64 handoffs;
	__u64 recv_sleeps;
	__u64 call_polls_skipped;
	__u64 service_ns;
};

/**
 * struct fastipc_chan_stat - FASTIPC_IOC_CHAN_STAT on the control fd.
 * @ref: in: the channel, by name or key. Needs r permission (-EACCES).
 * @flags: in: must be 0.
 * @pad: must be 0.
 * @perm: out: the channel's fastipc_perm.
 * @cpid: out: the creator's pid in the caller's pid namespace, 0 if none.
 * @nr_conns: out: live connections.
 * @queue_msgs: out: messages queued now (not yet received).
 * @queue_bytes: out: payload bytes queued now.
 * @msg_max: out: the channel's inline payload limit, in bytes.
 * @queue_msgs_max: out: the channel's queue limit, in messages.
 * @queue_bytes_max: out: the channel's queue limit, in bytes.
 * @queue_peak: out: the most messages ever queued at once.
 * @ctime_ns: out: creation time, CLOCK_REALTIME, in nanoseconds.
 * @counters: out: the channel's counters.
 */
struct fastipc_chan_stat {
	struct fastipc_chan_ref ref;
	__u32 flags;
	__u32 pad;
	struct fastipc_perm perm;
	__s32 cpid;
	__u32 nr_conns;
	__u32 queue_msgs;
	__u32 queue_bytes;
	__u32 msg_max;
	__u32 queue_msgs_max;
	__u32 queue_bytes_max;
	__u32 queue_peak;
	__u64 ctime_ns;
	struct fastipc_chan_counters counters;
};

#define FASTIPC_CHAN_STAT_SIZE_VER0	216
#define FASTIPC_CHAN_STAT_SIZE_VER1	224
#define FASTIPC_CHAN_STAT_SIZE_VER2	256	/* the *_polls_* counters */
#define FASTIPC_CHAN_STAT_SIZE_VER3	272	/* handoffs, recv_sleeps */
#define FASTIPC_CHAN_STAT_SIZE_VER4	288	/* call_polls_skipped, service_ns */

/* fastipc_chan_set.flags: which fields to apply. */
#define FASTIPC_SET_UID		0x1U
#define FASTIPC_SET_GID		0x2U
#define FASTIPC_SET_MODE	0x4U

/**
 * struct fastipc_chan_set - FASTIPC_IOC_CHAN_SET on the control fd.
 * @ref: the channel, by name or key.
 * @flags: FASTIPC_SET_* bits, at least one; others are -EINVAL.
 * @uid: new owner, in the caller's user namespace; unmapped is -EINVAL.
 * @gid: new group, likewise.
 * @mode: new permission bits, at most 0777 (-EINVAL).
 *
 * Allowed to the owner, the creator, or CAP_SYS_ADMIN in the user namespace
 * that owns the channel; anyone else gets -EPERM. Fields not selected by
 * @flags must be 0.
 */
struct fastipc_chan_set {
	struct fastipc_chan_ref ref;
	__u32 flags;
	__u32 uid;
	__u32 gid;
	__u32 mode;
};

#define FASTIPC_CHAN_SET_SIZE_VER0	88

/**
 * struct fastipc_chan_rmid - FASTIPC_IOC_CHAN_RMID on the control fd.
 * @ref: the channel, by name or key.
 * @flags: must be 0.
 * @pad: must be 0.
 *
 * Unlinks the name and key and shuts the channel down: every waiter on it
 * (callers, senders, receivers) wakes with -EIDRM, later calls on its
 * connections and receives on its channel fd fail with -EIDRM, and its
 * connection fds poll EPOLLHUP. Same permission rule as CHAN_SET.
 */
struct fastipc_chan_rmid {
	struct fastipc_chan_ref ref;
	__u32 flags;
	__u32 pad;
};

#define FASTIPC_CHAN_RMID_SIZE_VER0	80

/**
 * struct fastipc_call - FASTIPC_IOC_CALL and FASTIPC_IOC_SEND, connection fd.
 * @req_ptr: in: request payload (userspace address).
 * @req_len: in: request length in bytes, at most the channel's msg_max
 *	(-EMSGSIZE).
 * @op: in: procedure number, delivered to the server as fastipc_msg_hdr.op.
 * @rep_ptr: in (CALL): reply buffer. Must be 0 for SEND.
 * @rep_cap: in (CALL): reply buffer size in bytes. Must be 0 for SEND.
 * @rep_len: out (CALL): reply length in bytes.
 * @timeout_ns: in: with FASTIPC_F_TIMEOUT, the relative timeout for the
 *	whole call in nanoseconds; must be 0 without. With 0 the caller does
 *	not sleep: the call ends with -ETIMEDOUT unless the reply is already
 *	there when the caller first checks (exactly one of the two).
 * @flags: in: FASTIPC_F_NONBLOCK (a full queue is -EAGAIN instead of a
 *	wait for room; the reply is still awaited), FASTIPC_F_TIMEOUT.
 * @status: out (CALL): the server's reply status (fastipc_serve.reply_status).
 * @msg_id: out: the id the server sees in fastipc_msg_hdr.msg_id.
 * @req_desc: in (VER1): a request payload in the caller's own area
 *	(FASTIPC_AREA_C2S), delivered beside any inline payload; area
 *	FASTIPC_AREA_NONE for none. Without a region, or out of the area's
 *	bounds, it is -EINVAL.
 * @rep_desc: out (CALL, VER1): the reply's descriptor, area NONE if none.
 * @rep_need: out (CALL, VER2): 0, or the length in bytes of a reply the
 *	server could not send because it did not fit: the server answered
 *	with FASTIPC_F_REPLY_NEED, no payload came (@rep_len 0, @rep_desc
 *	NONE), and @status is the server's. A caller that compiled against
 *	VER0 or VER1 sees the same call with only the status.
 * @resv: must be 0 (VER2).
 *
 * With FASTIPC_F_ASYNC (CALL only), the request is queued and the ioctl
 * returns at once: @msg_id names the call, @rep_len, @status, @rep_need
 * and @rep_desc are written as 0, and the outcome is collected later with
 * FASTIPC_IOC_REAP on the same connection fd. @rep_ptr must then be 0 (the
 * reply buffer is given at REAP) and @rep_cap is the largest reply accepted.
 * FASTIPC_F_NONBLOCK and FASTIPC_F_TIMEOUT bound only the wait for queue
 * room, as for SEND. A connection holds at most FASTIPC_ASYNC_MAX calls
 * submitted and not yet reaped (-EBUSY beyond). From submit to reap, one
 * page (the call's own message, with a request payload small enough to
 * stay in it) plus the smaller of @rep_cap and the channel's msg_max (the
 * most reply bytes the kernel holds for it) is charged to the caller's
 * user against user_queue_bytes_max, so a caller that never reaps is
 * bounded by its own quota. Closing the connection cancels and frees its asynchronous calls.
 *
 * CALL queues the request, wakes one server thread and sleeps until the
 * reply, in one syscall. A call that ends with -ETIMEDOUT or -EINTR is
 * cancelled: removed if no server received it, else its late reply is
 * dropped and counted. Errors: -ECONNRESET (server closed the channel),
 * -EIDRM (channel removed), -EAGAIN (full queue and non-blocking, or,
 * blocking or not, the sender's uid already has user_queue_bytes_max
 * payload bytes queued on all channels), -ETIMEDOUT, -EINTR, -EMSGSIZE,
 * -EFAULT, -EINVAL, -ENOMEM. For SEND and FASTIPC_F_ASYNC, which cannot
 * be taken back once queued, the struct is probed for writing (written
 * back unchanged) before anything is queued, so -EFAULT normally means
 * nothing was sent. A synchronous CALL is not probed (it costs a second
 * copy per call): if its struct cannot be written (read-only memory), the
 * request is delivered, the server's reply is dropped and the CALL fails
 * with -EFAULT, as with a reply buffer that cannot be written; the call
 * is counted in the connection's and the channel's errors. If the final
 * write-back of a SEND or an asynchronous submit fails after all (another
 * thread unmapped or write-protected the struct meanwhile), the message
 * was already queued: for FASTIPC_F_ASYNC, the call is outstanding with
 * an id the caller did not see, and REAP will return it. A call that
 * fails otherwise writes nothing back.
 */
struct fastipc_call {
	__u64 req_ptr;
	__u32 req_len;
	__u32 op;
	__u64 rep_ptr;
	__u32 rep_cap;
	__u32 rep_len;
	__u64 timeout_ns;
	__u32 flags;
	__s32 status;
	__u64 msg_id;
	struct fastipc_desc req_desc;
	struct fastipc_desc rep_desc;
	__u32 rep_need;
	__u32 resv;
};

#define FASTIPC_CALL_SIZE_VER0	56
#define FASTIPC_CALL_SIZE_VER1	88
#define FASTIPC_CALL_SIZE_VER2	96	/* rep_need */

/**
 * struct fastipc_msg_hdr - The header of every received message.
 * @msg_id: message id, unique within the channel; a REPLY names it.
 * @conn_id: the sending connection (fastipc_connect.conn_id).
 * @type: enum fastipc_msg_type.
 * @op: the procedure number the sender gave (0 for CONNECT/DISCONNECT).
 * @len: payload length in bytes. When RECV fails with -EMSGSIZE, the size
 *	of the buffer needed; the message stays queued.
 * @reply_max: for a request, the caller's reply buffer size in bytes.
 * @pid: the sender's thread-group id in the receiver's pid namespace
 *	(0 if not visible there), recorded by the kernel at send time.
 * @uid: the sender's effective uid in the receiver's user namespace.
 * @gid: the sender's effective gid in the receiver's user namespace.
 * @flags: reserved, 0.
 */
struct fastipc_msg_hdr {
	__u64 msg_id;
	__u64 conn_id;
	__u32 type;
	__u32 op;
	__u32 len;
	__u32 reply_max;
	__s32 pid;
	__u32 uid;
	__u32 gid;
	__u32 flags;
};

/* fastipc_serve.out_flags */
#define FASTIPC_SERVE_REPLIED		0x1U /* reply delivered to caller */
#define FASTIPC_SERVE_REPLY_DROPPED	0x2U /* caller had gone; dropped */
#define FASTIPC_SERVE_RECEIVED		0x4U /* hdr and buffer filled */

/**
 * struct fastipc_serve - FASTIPC_IOC_RECV, _REPLY and _REPLY_RECV, channel fd.
 * @reply_id: in (REPLY, REPLY_RECV): msg_id of the request answered; a
 *	message that is not an outstanding request is -ENOENT. 0 for RECV.
 * @reply_ptr: in (REPLY, REPLY_RECV): reply payload. 0 for RECV.
 * @reply_len: in (REPLY, REPLY_RECV): reply length in bytes; above msg_max
 *	is -EMSGSIZE, above the caller's reply_max is -ENOBUFS, and either
 *	way the request stays outstanding. 0 for RECV.
 * @reply_status: in (REPLY, REPLY_RECV): delivered as fastipc_call.status.
 *	0 for RECV.
 * @buf_ptr: in (RECV, REPLY_RECV): buffer for the received payload. 0 for
 *	REPLY.
 * @buf_cap: in (RECV, REPLY_RECV): its size in bytes. 0 for REPLY.
 * @flags: in: FASTIPC_F_NONBLOCK (no message: -EAGAIN), FASTIPC_F_TIMEOUT;
 *	and for REPLY and REPLY_RECV, FASTIPC_F_REPLY_NEED: the reply does not
 *	fit the caller and is not sent; @reply_len is the length it needs
 *	(any value, also above msg_max and the caller's reply_max), @reply_ptr
 *	must be 0 and @reply_desc NONE. The caller's CALL completes with
 *	@reply_status, no payload, and fastipc_call.rep_need = @reply_len.
 * @timeout_ns: in: with FASTIPC_F_TIMEOUT, relative receive timeout in
 *	nanoseconds; must be 0 without.
 * @out_flags: out: FASTIPC_SERVE_* bits saying what was done, so a
 *	REPLY_RECV that fails while receiving still tells whether its reply
 *	went out.
 * @pad: must be 0.
 * @hdr: out: the received message's header.
 * @reply_desc: in (REPLY, REPLY_RECV; VER1): a reply payload in the
 *	server's own area of the caller's connection (FASTIPC_AREA_S2C), or
 *	area NONE. Must be NONE for RECV.
 * @desc: out (VER1): the received message's descriptor, area NONE if none.
 *
 * REPLY_RECV delivers the reply, then waits for the next message, in one
 * syscall; if the reply fails, nothing is received. A reply dropped
 * (FASTIPC_SERVE_REPLY_DROPPED: its caller had gone) ends it too, with 0
 * and nothing received (since 0.7), so that the server learns at once
 * that nobody will read what the reply used (a record of @reply_desc) and
 * can release it: continue with RECV. While receives on the
 * channel are shut down (FASTIPC_IOC_CHAN_SHUTDOWN), RECV and the receive
 * half of REPLY_RECV fail with -ESHUTDOWN at once and every thread waiting
 * in them wakes with -ESHUTDOWN; queued messages stay queued. Replying errors:
 * -ENOENT, -EMSGSIZE, -ENOBUFS, -EFAULT, -ENOMEM (the request stays
 * outstanding for all of these), -EIDRM (channel removed). Receiving
 * errors: -EIDRM, -EAGAIN, -ETIMEDOUT, -EINTR, -EMSGSIZE (buffer too
 * small; hdr.len says the size, the message stays queued), -EFAULT (the
 * message stays queued), -ESHUTDOWN. The struct is written back on success and on
 * error, so out_flags and hdr always tell what happened. It is not probed
 * for writing on entry (since 0.7.3: a second copy per request): if the
 * write-back fails (the struct is read-only, or another thread unmapped
 * it meanwhile), the ioctl fails with -EFAULT, a message it received stays
 * queued (put back at the head), and a reply it delivered stays
 * delivered: REPLY for that id then gives -ENOENT. Fields marked for
 * other ioctls must be 0 (-EINVAL). Return: 0; the payload length is
 * hdr.len.
 */
struct fastipc_serve {
	__u64 reply_id;
	__u64 reply_ptr;
	__u32 reply_len;
	__s32 reply_status;
	__u64 buf_ptr;
	__u32 buf_cap;
	__u32 flags;
	__u64 timeout_ns;
	__u32 out_flags;
	__u32 pad;
	struct fastipc_msg_hdr hdr;
	struct fastipc_desc reply_desc;
	struct fastipc_desc desc;
};

#define FASTIPC_SERVE_SIZE_VER0	104
#define FASTIPC_SERVE_SIZE_VER1	136

/**
 * struct fastipc_conn_region - FASTIPC_IOC_CONN_REGION on a channel fd.
 * @conn_id: in: a live connection of this channel that has a region.
 * @flags: in: must be 0.
 * @pad: must be 0.
 * @layout: out: the region's layout.
 *
 * Return: a region fd (O_CLOEXEC) through which the server maps the region
 * and rings or waits on its doorbell. -ENOENT for an unknown connection,
 * -ENODATA for one without a region.
 */
struct fastipc_conn_region {
	__u64 conn_id;
	__u32 flags;
	__u32 pad;
	struct fastipc_region_layout layout;
};

#define FASTIPC_CONN_REGION_SIZE_VER0	88

/**
 * struct fastipc_chan_info - FASTIPC_IOC_CHAN_INFO on a channel fd.
 * @flags: in: must be 0.
 * @msg_max: out: the channel's inline payload limit, in bytes.
 * @queue_msgs_max: out: the channel's queue limit, in messages.
 * @queue_bytes_max: out: the channel's queue limit, in bytes.
 * @nr_conns: out: live connections.
 * @shut: out: the shutdown state, FASTIPC_SHUT_* bits.
 * @id: out: the channel's id, unique and never reused (FASTIPC_A_CHAN_ID).
 * @key: out: the channel's key, 0 if none.
 * @name: out: the channel's name, NUL-padded.
 *
 * What the server needs to know about its own channel. Holding the channel
 * fd is the permission: no mode bit is checked (CHAN_STAT on the control
 * fd needs r). A removed channel still answers, with its creation values,
 * the connection fds still open on it and the last @shut set.
 * Return: 0, or -EINVAL (non-zero @flags), -EFAULT.
 */
struct fastipc_chan_info {
	__u32 flags;
	__u32 msg_max;
	__u32 queue_msgs_max;
	__u32 queue_bytes_max;
	__u32 nr_conns;
	__u32 shut;
	__u64 id;
	__u64 key;
	char name[FASTIPC_NAME_MAX];
};

#define FASTIPC_CHAN_INFO_SIZE_VER0	104

/* fastipc_chan_shutdown.shut and fastipc_chan_info.shut */
#define FASTIPC_SHUT_RECV	0x1U	/* receives fail with -ESHUTDOWN */

/**
 * struct fastipc_chan_shutdown - FASTIPC_IOC_CHAN_SHUTDOWN on a channel fd.
 * @shut: in: the new shutdown state: FASTIPC_SHUT_RECV, or 0 to receive
 *	again. Other bits are -EINVAL.
 * @flags: in: must be 0.
 *
 * How a server stops its receiving threads without polling: with
 * FASTIPC_SHUT_RECV, every thread waiting in RECV or REPLY_RECV on the
 * channel wakes with -ESHUTDOWN (a REPLY_RECV still delivers its reply
 * first: out_flags says so), and later receives fail with -ESHUTDOWN at
 * once, until the state is set back to 0. Nothing else changes: messages
 * stay queued, clients still connect and call (their calls wait in the
 * queue as for a busy server), REPLY still answers requests in progress,
 * and poll() still reports EPOLLIN for queued messages. Setting the state
 * it already has is not an error. Return: 0, or -EINVAL, -EIDRM (the
 * channel was removed).
 */
struct fastipc_chan_shutdown {
	__u32 shut;
	__u32 flags;
};

#define FASTIPC_CHAN_SHUTDOWN_SIZE_VER0	8

/**
 * struct fastipc_wait - FASTIPC_IOC_WAIT on a connection or region fd.
 * @eventcount: in: the peer's eventcount as last read; the call sleeps
 *	while the peer's eventcount still equals it.
 * @flags: in: FASTIPC_F_NONBLOCK, FASTIPC_F_TIMEOUT.
 * @timeout_ns: in: relative timeout in nanoseconds with FASTIPC_F_TIMEOUT;
 *	must be 0 without.
 *
 * Return: 0 once the peer's eventcount differs or a NOTIFY arrives;
 * -EAGAIN, -ETIMEDOUT, -EINTR; -ECONNRESET when the peer is gone (the
 * connection closed, or the channel closed or removed); -ENODATA without
 * a region.
 */
struct fastipc_wait {
	__u32 eventcount;
	__u32 flags;
	__u64 timeout_ns;
};

#define FASTIPC_WAIT_SIZE_VER0	16

/**
 * struct fastipc_reap - FASTIPC_IOC_REAP on a connection fd: collect one
 * completed asynchronous call (FASTIPC_F_ASYNC), oldest completion first.
 * @rep_ptr: in: buffer for the reply payload (userspace address).
 * @rep_cap: in: its size in bytes. A reply that does not fit is -EMSGSIZE:
 *	@rep_len says the size and the completion stays.
 * @flags: in: FASTIPC_F_NONBLOCK (none completed: -EAGAIN),
 *	FASTIPC_F_TIMEOUT.
 * @timeout_ns: in: with FASTIPC_F_TIMEOUT, the relative time to wait for a
 *	completion, in nanoseconds; must be 0 without.
 * @msg_id: out: the call, as fastipc_call.msg_id returned at submit.
 * @rep_len: out: reply length in bytes.
 * @status: out: the server's reply status, when @error is 0.
 * @error: out: 0 when the server answered, else the negative errno the
 *	call ended with: -ECONNRESET (the server closed the channel), -EIDRM
 *	(channel removed), -ECANCELED (FASTIPC_IOC_CANCEL).
 * @rep_need: out: as fastipc_call.rep_need.
 * @pad: must be 0.
 * @rep_desc: out: the reply's descriptor in the server->client area, area
 *	NONE if none.
 *
 * Return: 0 with a completion filled in, or -EAGAIN, -ETIMEDOUT, -EINTR,
 * -ENOENT (no asynchronous call is outstanding: nothing to wait for),
 * -EMSGSIZE, -EFAULT (the completion stays), -EINVAL.
 */
struct fastipc_reap {
	__u64 rep_ptr;
	__u32 rep_cap;
	__u32 flags;
	__u64 timeout_ns;
	__u64 msg_id;
	__u32 rep_len;
	__s32 status;
	__s32 error;
	__u32 rep_need;
	struct fastipc_desc rep_desc;
	__u32 pad;
	__u32 pad2;
};

#define FASTIPC_REAP_SIZE_VER0	72

/**
 * struct fastipc_cancel - FASTIPC_IOC_CANCEL on a connection fd.
 * @msg_id: in: an asynchronous call of this connection not yet completed.
 * @flags: in: must be 0.
 * @pad: must be 0.
 *
 * A call no server has received is removed from the queue; one in progress
 * has its reply dropped when it comes (counted in dropped_replies). Either
 * way it completes at once with error -ECANCELED, to be reaped as usual.
 * Return: 0, or -ENOENT (no such call, or it has already completed: REAP
 * gives its outcome), -EINVAL.
 */
struct fastipc_cancel {
	__u64 msg_id;
	__u32 flags;
	__u32 pad;
};

#define FASTIPC_CANCEL_SIZE_VER0	16

#define FASTIPC_IOC_MAGIC	0xFA	/* numbers 0x00-0x3f */

/* control fd (/dev/fastipc) */
#define FASTIPC_IOC_API		_IOWR(FASTIPC_IOC_MAGIC, 0x00, struct fastipc_api)
#define FASTIPC_IOC_CHAN_CREATE	_IOW(FASTIPC_IOC_MAGIC, 0x01, struct fastipc_chan_create)
#define FASTIPC_IOC_CONNECT	_IOWR(FASTIPC_IOC_MAGIC, 0x02, struct fastipc_connect)
#define FASTIPC_IOC_CHAN_STAT	_IOWR(FASTIPC_IOC_MAGIC, 0x03, struct fastipc_chan_stat)
#define FASTIPC_IOC_CHAN_SET	_IOW(FASTIPC_IOC_MAGIC, 0x04, struct fastipc_chan_set)
#define FASTIPC_IOC_CHAN_RMID	_IOW(FASTIPC_IOC_MAGIC, 0x05, struct fastipc_chan_rmid)

/* channel fd */
#define FASTIPC_IOC_RECV	_IOWR(FASTIPC_IOC_MAGIC, 0x10, struct fastipc_serve)
#define FASTIPC_IOC_REPLY	_IOWR(FASTIPC_IOC_MAGIC, 0x11, struct fastipc_serve)
#define FASTIPC_IOC_REPLY_RECV	_IOWR(FASTIPC_IOC_MAGIC, 0x12, struct fastipc_serve)
#define FASTIPC_IOC_CONN_REGION	_IOWR(FASTIPC_IOC_MAGIC, 0x13, struct fastipc_conn_region)
#define FASTIPC_IOC_CHAN_INFO	_IOWR(FASTIPC_IOC_MAGIC, 0x14, struct fastipc_chan_info)
#define FASTIPC_IOC_CHAN_SHUTDOWN _IOW(FASTIPC_IOC_MAGIC, 0x15, struct fastipc_chan_shutdown)

/* connection fd */
#define FASTIPC_IOC_CALL	_IOWR(FASTIPC_IOC_MAGIC, 0x20, struct fastipc_call)
#define FASTIPC_IOC_SEND	_IOWR(FASTIPC_IOC_MAGIC, 0x21, struct fastipc_call)

/* connection fd and region fd: the doorbell */
#define FASTIPC_IOC_NOTIFY	_IO(FASTIPC_IOC_MAGIC, 0x22)
#define FASTIPC_IOC_WAIT	_IOW(FASTIPC_IOC_MAGIC, 0x23, struct fastipc_wait)

/* connection fd: asynchronous calls */
#define FASTIPC_IOC_REAP	_IOWR(FASTIPC_IOC_MAGIC, 0x24, struct fastipc_reap)
#define FASTIPC_IOC_CANCEL	_IOW(FASTIPC_IOC_MAGIC, 0x25, struct fastipc_cancel)

/*
 * Generic netlink family "fastipc" (Documentation/netlink/specs/fastipc.yaml).
 *
 * FASTIPC_CMD_GET_CHAN dumps the channels of the caller's network
 * namespace that the caller may read (r permission), or, given
 * FASTIPC_A_CHAN_NAME or FASTIPC_A_CHAN_KEY, answers for one.
 * FASTIPC_CMD_GET_CONN dumps the connections of one channel, named the same
 * way. FASTIPC_CMD_GET_STATS answers with module-wide counts and limits
 * (FASTIPC_A_STATS_*). FASTIPC_CMD_GET_USER dumps what each user has
 * charged against the per-user quotas (FASTIPC_A_USER, all namespaces):
 * every user's entry for a caller with CAP_SYS_ADMIN, else only the entry
 * of the caller's effective uid.
 *
 * Events (FASTIPC_CMD_EVENT_*) are sent, not multicast, to each socket
 * that sent FASTIPC_CMD_SUBSCRIBE, one copy per subscriber, and only about
 * the channels the subscriber could dump: same network and IPC namespace,
 * r permission checked with the credentials the subscribing task had when
 * it subscribed. They carry the channel's name, key and id, and the
 * connection or error involved; pids are in the subscriber's pid
 * namespace (0 if not visible there). FASTIPC_CMD_UNSUBSCRIBE or closing
 * the socket ends the subscription.
 */
#define FASTIPC_GENL_NAME		"fastipc"
#define FASTIPC_GENL_VERSION		1

enum fastipc_cmd {
	FASTIPC_CMD_UNSPEC,
	FASTIPC_CMD_GET_CHAN,
	FASTIPC_CMD_GET_CONN,
	FASTIPC_CMD_GET_STATS,
	FASTIPC_CMD_EVENT_CHAN_CREATED,
	FASTIPC_CMD_EVENT_CHAN_REMOVED,
	FASTIPC_CMD_EVENT_CONNECT,
	FASTIPC_CMD_EVENT_DISCONNECT,
	FASTIPC_CMD_EVENT_CALL_FAILED,
	FASTIPC_CMD_GET_USER,
	FASTIPC_CMD_SUBSCRIBE,
	FASTIPC_CMD_UNSUBSCRIBE,

	__FASTIPC_CMD_MAX,	/* non-ABI */
};

#define FASTIPC_CMD_MAX (__FASTIPC_CMD_MAX - 1)

enum fastipc_attr {
	FASTIPC_A_UNSPEC,
	FASTIPC_A_PAD,
	FASTIPC_A_CHAN_ID,		/* u64: unique, never reused */
	FASTIPC_A_CHAN_NAME,		/* string */
	FASTIPC_A_CHAN_KEY,		/* u64 */
	FASTIPC_A_CHAN_UID,		/* u32, in the reader's user namespace */
	FASTIPC_A_CHAN_GID,		/* u32 */
	FASTIPC_A_CHAN_CUID,		/* u32 */
	FASTIPC_A_CHAN_CGID,		/* u32 */
	FASTIPC_A_CHAN_MODE,		/* u32 */
	FASTIPC_A_CHAN_SEQ,		/* u32 */
	FASTIPC_A_CHAN_CPID,		/* u32: creator pid in the reader's ns */
	FASTIPC_A_CHAN_NR_CONNS,	/* u32 */
	FASTIPC_A_CHAN_QUEUE_MSGS,	/* u32: queued now */
	FASTIPC_A_CHAN_QUEUE_BYTES,	/* u32: queued now, bytes */
	FASTIPC_A_CHAN_QUEUE_PEAK,	/* u32 */
	FASTIPC_A_CHAN_MSG_MAX,		/* u32, bytes */
	FASTIPC_A_CHAN_QUEUE_MSGS_MAX,	/* u32 */
	FASTIPC_A_CHAN_QUEUE_BYTES_MAX,	/* u32, bytes */
	FASTIPC_A_CHAN_CTIME,		/* u64: CLOCK_REALTIME ns */
	FASTIPC_A_CHAN_COUNTERS,	/* nest: FASTIPC_A_CNT_* */
	FASTIPC_A_CONN_ID,		/* u64 */
	FASTIPC_A_CONN_PID,		/* u32: connecting pid, reader's ns */
	FASTIPC_A_CONN_UID,		/* u32 */
	FASTIPC_A_CONN_GID,		/* u32 */
	FASTIPC_A_CONN_REGION_SIZE,	/* u64, bytes; 0 without a region */
	FASTIPC_A_CONN_COUNTERS,	/* nest: FASTIPC_A_CNT_* */
	FASTIPC_A_EVENT_ERROR,		/* u32: the errno, positive */
	FASTIPC_A_STATS,		/* nest: FASTIPC_A_STATS_* */
	FASTIPC_A_USER,			/* nest: FASTIPC_A_USER_* */

	__FASTIPC_A_MAX,	/* non-ABI */
};

#define FASTIPC_A_MAX (__FASTIPC_A_MAX - 1)

enum fastipc_counter_attr {
	FASTIPC_A_CNT_UNSPEC,
	FASTIPC_A_CNT_PAD,
	FASTIPC_A_CNT_CALLS,		/* u64 */
	FASTIPC_A_CNT_ONEWAY,		/* u64 */
	FASTIPC_A_CNT_REPLIES,		/* u64 */
	FASTIPC_A_CNT_BYTES_COPIED,	/* u64 */
	FASTIPC_A_CNT_BYTES_SHM,	/* u64 */
	FASTIPC_A_CNT_TIMEOUTS,		/* u64 */
	FASTIPC_A_CNT_CANCELLED,	/* u64 */
	FASTIPC_A_CNT_DROPPED_REPLIES,	/* u64 */
	FASTIPC_A_CNT_ERRORS,		/* u64 */
	FASTIPC_A_CNT_HANDOFFS,		/* u64, channel only */
	FASTIPC_A_CNT_RECV_SLEEPS,	/* u64, channel only */
	FASTIPC_A_CNT_CALL_POLLS_SKIPPED, /* u64, channel only */
	FASTIPC_A_CNT_SERVICE_NS,	/* u64, ns, channel only: an estimate */
	FASTIPC_A_CNT_SLOT_CALLS,	/* u64, connection only: calls made in
					 * its request slot, no allocation
					 */
	FASTIPC_A_CNT_MSG_ALLOCS,	/* u64, connection only: requests and
					 * one-way messages given a message
					 * allocated for them
					 */

	__FASTIPC_A_CNT_MAX,	/* non-ABI */
};

#define FASTIPC_A_CNT_MAX (__FASTIPC_A_CNT_MAX - 1)

enum fastipc_stats_attr {
	FASTIPC_A_STATS_UNSPEC,
	FASTIPC_A_STATS_PAD,
	FASTIPC_A_STATS_VERSION,	/* string: module version */
	FASTIPC_A_STATS_NR_CHANS,	/* u32: live channels, all namespaces */
	FASTIPC_A_STATS_NR_CONNS,	/* u32 */
	FASTIPC_A_STATS_NR_MSGS,	/* u32: messages allocated */
	FASTIPC_A_STATS_NR_REGIONS,	/* u32 */
	FASTIPC_A_STATS_MSG_MAX_CAP,	/* u32, bytes */
	FASTIPC_A_STATS_QUEUE_MSGS_CAP,	/* u32 */
	FASTIPC_A_STATS_QUEUE_BYTES_CAP, /* u32, bytes */
	FASTIPC_A_STATS_REGION_MAX,	/* u32, bytes */
	FASTIPC_A_STATS_REGION_USER_MAX, /* u64, bytes */
	FASTIPC_A_STATS_USER_CHANS_MAX,	/* u32 */
	FASTIPC_A_STATS_USER_CONNS_MAX,	/* u32 */
	FASTIPC_A_STATS_USER_QUEUE_BYTES_MAX, /* u64, bytes */
	FASTIPC_A_STATS_SPIN_NS,	/* u32, nanoseconds; 0: no busy-wait */

	__FASTIPC_A_STATS_MAX,	/* non-ABI */
};

#define FASTIPC_A_STATS_MAX (__FASTIPC_A_STATS_MAX - 1)

/*
 * One user's charges (FASTIPC_CMD_GET_USER), against user_chans_max,
 * user_conns_max, region_user_max and user_queue_bytes_max. A user with
 * nothing charged has no entry.
 */
enum fastipc_user_attr {
	FASTIPC_A_USER_UNSPEC,
	FASTIPC_A_USER_PAD,
	FASTIPC_A_USER_UID,		/* u32, in the reader's user namespace */
	FASTIPC_A_USER_CHANS,		/* u32: channels it created, live */
	FASTIPC_A_USER_CONNS,		/* u32: connections it opened, live
					 * or with a DISCONNECT not yet
					 * received
					 */
	FASTIPC_A_USER_REGION_BYTES,	/* u64, bytes of its regions */
	FASTIPC_A_USER_QUEUED_BYTES,	/* u64, payload bytes it sent, not
					 * yet received, and the reply room
					 * of its asynchronous calls not yet
					 * reaped
					 */

	__FASTIPC_A_USER_MAX,	/* non-ABI */
};

#define FASTIPC_A_USER_MAX (__FASTIPC_A_USER_MAX - 1)

#endif /* _UAPI_LINUX_FASTIPC_H */
