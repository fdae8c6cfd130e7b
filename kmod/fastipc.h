/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fastipc internal definitions.
 *
 * Objects: a channel (struct fipc_chan) lives as long as its channel fd and
 * the connections that still point at it (kref); a connection (struct
 * fipc_conn) lives as long as its connection fd and its CONNECT and
 * DISCONNECT messages not yet received (refcount), so that what those
 * messages pin stays charged to the connecting user; a message (struct
 * fipc_msg) is refcounted by whoever holds it: the calling thread (or, for
 * an asynchronous call, its connection), the channel's queue or its table
 * of requests in progress, a receiving thread.
 *
 * Locking overview (outermost first):
 *   fipc_registry.lock (mutex)  name and key tables, registry seq
 *   fipc_chan.lock (spinlock)   everything mutable in a channel: its state,
 *                               queue, in-progress table, connection list,
 *                               perm, counters, every message's state, and
 *                               its connections' asynchronous calls
 *                               (async.c)
 *   fipc_region.lock (spinlock) a region's doorbell state
 *   fipc_quota_lock (spinlock)  the per-user charge table (taken alone;
 *                               a pinned entry is charged without it)
 *   wait queue locks            taken inside fipc_chan.lock by wake-ups
 * No fastipc lock is held across copy_{to,from}_user() or an allocation,
 * and the last reference to a message is never dropped under a spinlock
 * (it may be vmalloc memory).
 *
 * Busy-waiting (wait.h, fipc_spin()): before sleeping, a CALL polls its
 * message's state and a REPLY_RECV the channel's queue, without any lock,
 * for at most the spin_ns module parameter; what they see is only a hint,
 * rechecked under fipc_chan.lock. Fields read that way are written with
 * WRITE_ONCE() (and read with READ_ONCE()): fipc_msg.state,
 * fipc_msg.server, fipc_chan.dead, fipc_chan.shut.
 */
#ifndef _FASTIPC_INTERNAL_H
#define _FASTIPC_INTERNAL_H

#include <linux/hashtable.h>
#include <linux/kref.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/poll.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/uidgid.h>
#include <linux/wait.h>

#include <uapi/linux/fastipc.h>

struct cred;
struct fipc_quota;
struct file;
struct genl_family;
struct genl_info;
struct sk_buff;
struct task_struct;
struct user_namespace;
struct vm_area_struct;

/* Module parameters (main.c). */
extern unsigned int fipc_msg_max_cap;
extern unsigned int fipc_queue_msgs_cap;
extern unsigned int fipc_queue_bytes_cap;
extern unsigned int fipc_region_max;
extern unsigned long fipc_region_user_max;
extern unsigned int fipc_user_chans_max;
extern unsigned int fipc_user_conns_max;
extern unsigned long fipc_user_queue_bytes_max;
extern unsigned int fipc_spin_ns;
extern int fipc_access;
extern unsigned int fipc_access_gid;

/* Live object counts, checked at module exit (main.c). */
extern atomic_t fipc_nr_chans;
extern atomic_t fipc_nr_conns;
extern atomic_t fipc_nr_msgs;
extern atomic_t fipc_nr_regions;

/* The two sides of a connection, indexing a region's halves. */
enum {
	FIPC_SIDE_CLIENT = 0,
	FIPC_SIDE_SERVER = 1,
};

/**
 * struct fipc_region - A connection's shared memory.
 * @ref: references: the connection, every region fd and every mapping's
 *	file.
 * @shmem: the backing shmem file.
 * @size: bytes in both halves.
 * @half_size: bytes in each half: a control page and the area.
 * @area_size: bytes in each data area, a power of two.
 * @uid: the user charged for it.
 * @ctl_page: the halves' control pages, pinned while the region lives.
 * @ctl: their kernel mappings; read only for comparisons.
 * @lock: protects @dead and @notify.
 * @dead: 0, or -ECONNRESET once a side is gone.
 * @notify: NOTIFYs received by each side.
 * @wq: each side's doorbell waiters and pollers.
 */
struct fipc_region {
	struct kref ref;
	struct file *shmem;
	u64 size;
	u64 half_size;
	u32 area_size;
	kuid_t uid;
	struct page *ctl_page[2];
	struct fastipc_region_ctl *ctl[2];
	spinlock_t lock;	/* protects dead and notify */
	int dead;
	u32 notify[2];
	wait_queue_head_t wq[2];
};

/**
 * struct fipc_perm - Kernel form of struct fastipc_perm.
 * @uid: owner.
 * @gid: owner group.
 * @cuid: creator.
 * @cgid: creator group.
 * @mode: the 9 permission bits.
 * @seq: registry sequence number at creation.
 * @key: the channel's key, 0 if none.
 */
struct fipc_perm {
	kuid_t uid;
	kgid_t gid;
	kuid_t cuid;
	kgid_t cgid;
	u32 mode;
	u32 seq;
	u64 key;
};

/**
 * struct fipc_chan - A channel: a named endpoint served through its fd.
 * @ref: references: the channel fd and every connection.
 * @name: the channel's name (invariant).
 * @name_node: entry in the registry's name table (registry lock).
 * @key_node: entry in the registry's key table, if @perm.key (registry lock).
 * @registered: whether it is in the registry (registry lock).
 * @reg_node: entry on the registry's list in creation order (registry lock).
 * @id: unique id, never reused (set by the registry, then invariant).
 * @net: network namespace of the creator, where its netlink events go and
 *	whose dumps show it (invariant; holds a reference).
 * @ipc_ns: the creator's IPC namespace, as the identity ns.c gives it: the
 *	only one whose lookups and dumps find the channel (invariant; holds a
 *	reference).
 * @user_ns: user namespace owning the channel, for capability checks
 *	(invariant; holds a reference).
 * @cpid: the creator's thread group (invariant; holds a reference).
 * @ctime: creation time, CLOCK_REALTIME (invariant).
 * @msg_max: inline payload limit in bytes (invariant).
 * @queue_msgs_max: queue limit in messages (invariant).
 * @queue_bytes_max: queue limit in payload bytes (invariant).
 * @lock: protects every field below.
 * @perm: ownership and mode.
 * @dead: 0 while live, else the error its waiters and users get:
 *	-ECONNRESET (channel fd closed) or -EIDRM (removed).
 * @shut: the receive-shutdown state, FASTIPC_SHUT_* bits
 *	(FASTIPC_IOC_CHAN_SHUTDOWN): while FASTIPC_SHUT_RECV is set, receives
 *	fail with -ESHUTDOWN. Part of the receivers' wait condition.
 * @queue: messages not yet received, in order.
 * @inflight: requests received and not yet answered, by id.
 * @nr_queued: messages on @queue.
 * @bytes_queued: payload bytes on @queue; 64 bits, as every sum of lengths
 *	checked against a limit.
 * @queue_peak: the largest @nr_queued seen.
 * @conns: live connections.
 * @nr_conns: entries on @conns.
 * @next_msg_id: id of the next message queued.
 * @next_conn_id: id of the next connection.
 * @stats: counters reported by CHAN_STAT.
 * @recv_wq: poll()/epoll readers of the channel fd, woken when a message
 *	is queued and no idle receiver took it.
 * @space_wq: senders waiting for room, and connection poll.
 * @idle: receivers asleep in RECV or REPLY_RECV, most recently idle first
 *	(struct fipc_idle, serve.c): a new message is handed straight to the
 *	first, whose caches are the warmest (last in, first out), or to one
 *	of the first few that last ran on the sender's CPU.
 */
struct fipc_chan {
	struct kref ref;
	char name[FASTIPC_NAME_MAX];
	struct hlist_node name_node;
	struct hlist_node key_node;
	bool registered;
	struct list_head reg_node;
	u64 id;
	struct net *net;
	struct vfsmount *ipc_ns;
	struct user_namespace *user_ns;
	struct pid *cpid;
	u64 ctime;
	u32 msg_max;
	u32 queue_msgs_max;
	u32 queue_bytes_max;

	spinlock_t lock;	/* protects the fields below */
	struct fipc_perm perm;
	int dead;
	u32 shut;
	struct list_head queue;
	DECLARE_HASHTABLE(inflight, 6);
	u32 nr_queued;
	u64 bytes_queued;
	u32 queue_peak;
	struct list_head conns;
	u32 nr_conns;
	u64 next_msg_id;
	u64 next_conn_id;
	struct fastipc_chan_counters stats;
	wait_queue_head_t recv_wq;
	wait_queue_head_t space_wq;
	struct list_head idle;
};

/**
 * struct fipc_conn_stats - Per-connection counters (chan lock).
 * @calls: requests queued.
 * @oneway: one-way messages queued.
 * @bytes_copied: request payload bytes copied in.
 * @bytes_shm: request payload bytes passed by descriptor.
 * @errors: calls and sends that failed.
 * @slot_calls: requests queued in the connection's request slot.
 * @msg_allocs: requests and one-way messages queued in a message allocated
 *	for them (slot busy or too small, asynchronous calls, SEND):
 *	@slot_calls + @msg_allocs == @calls + @oneway.
 */
struct fipc_conn_stats {
	u64 calls;
	u64 oneway;
	u64 bytes_copied;
	u64 bytes_shm;
	u64 errors;
	u64 slot_calls;
	u64 msg_allocs;
};

/**
 * struct fipc_conn - A client's connection to a channel.
 * @ref: references: the connection fd, and each of its CONNECT and
 *	DISCONNECT messages from the time it is queued until it is freed
 *	(received, or dropped when the channel ends). The connection stays
 *	charged to its user (user_conns_max) until the last one goes, which
 *	bounds the notifications a user can have queued.
 * @chan: its channel (invariant; holds a reference).
 * @id: the connection id (invariant once opened).
 * @node: entry on @chan->conns (chan lock).
 * @attached: whether it is on @chan->conns (chan lock).
 * @pid: the connecting thread group, for CONNECT/DISCONNECT headers.
 * @uid: the connecting task's euid.
 * @gid: the connecting task's egid.
 * @connect: the CONNECT message until the connection joins its channel,
 *	then NULL.
 * @disconnect: the DISCONNECT message, allocated at connect so that a
 *	close never fails to tell the server; NULL once queued.
 * @region: the connection's shared memory, or NULL; dropped when the
 *	connection fd is closed.
 * @stats: its counters (chan lock).
 * @async_pending: asynchronous calls submitted and not yet complete, linked
 *	through &fipc_msg.async_node (chan lock).
 * @async_done: asynchronous calls complete and not yet reaped, oldest
 *	completion first (chan lock).
 * @nr_async: asynchronous calls submitted and not yet reaped, at most
 *	FASTIPC_ASYNC_MAX (chan lock).
 * @async_wq: REAP waiters and pollers, woken when a call completes.
 * @quota: @uid's quota entry, pinned for the connection's life (invariant
 *	once opened): its user_conns_max charge, and the queued bytes of
 *	calls made with that euid, charged without fipc_quota_lock.
 * @slot: the request slot (msg.c), or NULL until the first synchronous
 *	call that fits it; installed once with cmpxchg(), dropped when the
 *	connection fd is closed.
 */
struct fipc_conn {
	refcount_t ref;
	struct fipc_chan *chan;
	u64 id;
	struct list_head node;
	bool attached;
	struct pid *pid;
	kuid_t uid;
	kgid_t gid;
	struct fipc_msg *connect;
	struct fipc_msg *disconnect;
	struct fipc_region *region;
	struct fipc_conn_stats stats;
	struct list_head async_pending;
	struct list_head async_done;
	u32 nr_async;
	wait_queue_head_t async_wq;
	struct fipc_quota *quota;
	struct fipc_msg *slot;
};

/**
 * enum fipc_msg_state - Where a message is (chan lock).
 * @FIPC_MSG_NEW: allocated, not queued.
 * @FIPC_MSG_QUEUED: on the channel's queue.
 * @FIPC_MSG_INFLIGHT: a request received by a server, awaiting its reply.
 * @FIPC_MSG_ABANDONED: a request in progress whose caller gave up; its
 *	reply will be dropped.
 * @FIPC_MSG_DONE: a request that is complete: @result says how.
 * @FIPC_MSG_CANCELLED: removed from the queue by its caller.
 */
enum fipc_msg_state {
	FIPC_MSG_NEW,
	FIPC_MSG_QUEUED,
	FIPC_MSG_INFLIGHT,
	FIPC_MSG_ABANDONED,
	FIPC_MSG_DONE,
	FIPC_MSG_CANCELLED,
};

/**
 * struct fipc_msg - A message and, for a request, its completion.
 * @node: entry on the channel queue, or on a private list while freed.
 * @hnode: entry in the channel's in-progress table.
 * @ref: references (see the top of this file).
 * @id: message id (set when queued).
 * @conn_id: sending connection.
 * @type: enum fastipc_msg_type.
 * @op: procedure number.
 * @len: payload length in bytes.
 * @reply_max: the caller's reply buffer size in bytes.
 * @pid: sender's thread group (holds a reference).
 * @uid: sender's euid.
 * @gid: sender's egid.
 * @state: enum fipc_msg_state (chan lock).
 * @result: for a DONE request: 0, or the error the caller gets.
 * @status: the server's reply status.
 * @charged: payload bytes charged to @uid (user_queue_bytes_max) until
 *	the message is received.
 * @ctl_conn: for a queued CONNECT or DISCONNECT, the connection it tells
 *	of (holds a reference), else NULL.
 * @reply: reply payload: the message's own inline room (@reply_room bytes
 *	after the request payload in @data), or a kvmalloc'd buffer owned by
 *	the message if @reply_kv.
 * @reply_len: reply length in bytes.
 * @reply_need: 0, or the length the server said the reply needs
 *	(FASTIPC_F_REPLY_NEED): then there is no reply payload.
 * @reply_room: bytes of inline reply room, min(@reply_max,
 *	FIPC_REPLY_INLINE), so that small replies need no allocation.
 * @reply_kv: whether @reply was kvmalloc'd.
 * @server: for a request, the first thread that received it (holds a
 *	task reference): its caller busy-waits only while it is on a CPU.
 * @area_size: the sending connection's area size, 0 without a region.
 * @desc: the payload descriptor the sender gave.
 * @reply_desc: the reply descriptor the server gave.
 * @wq: the caller waits here for the reply.
 * @async_conn: for an asynchronous call, the connection that holds it
 *	until it is reaped, else NULL; cleared when the connection is closed
 *	(chan lock).
 * @async_node: entry on @async_conn's pending or done list (chan lock);
 *	that list holds the caller's reference.
 * @async_charge: reply bytes charged to @uid (user_queue_bytes_max) from
 *	submit to reap, for an asynchronous call.
 * @data: payload: in @room, in @slot_buf, or its own kvmalloc() if
 *	@data_apart, freed once received.
 * @data_apart: whether @data was kvmalloc'd apart from the message.
 * @quota: while @charged, the pinned quota entry of @uid it is charged to.
 * @recv_ns: for a request, when its server first ran with it
 *	(fipc_clock_ns()), 0 if not measured (spin_ns 0): its reply updates
 *	the channel's service time estimate (chan lock).
 * @quota_own: whether the message holds a pin of @quota of its own (else
 *	it is @slot_quota, pinned by the slot).
 * @slot: enum fipc_slot_state: FIPC_SLOT_NONE for a message allocated for
 *	one use, else the state of a connection's request slot (atomic).
 * @slot_room: for a slot, the bytes of @room: request and reply room.
 * @slot_buf: for a slot, its payload buffer for requests larger than
 *	@room, kvmalloc()ed by the first such call and kept (grown, never
 *	past FIPC_SLOT_BUF_MAX) for the slot's life; NULL until then.
 * @slot_buf_size: the bytes of @slot_buf.
 * @slot_quota: for a slot, its connection's quota entry, pinned for the
 *	slot's life: a slot call made with the connection's euid is charged
 *	to it without a pin of its own (see quota.c).
 * @room: the payload, unless apart, then the inline reply room.
 */
struct fipc_msg {
	struct list_head node;
	struct hlist_node hnode;
	refcount_t ref;
	u64 id;
	u64 conn_id;
	u32 type;
	u32 op;
	u32 len;
	u32 reply_max;
	struct pid *pid;
	kuid_t uid;
	kgid_t gid;
	int state;
	int result;
	s32 status;
	u32 charged;
	struct fipc_conn *ctl_conn;
	void *reply;
	u32 reply_len;
	u32 reply_need;
	u32 reply_room;
	bool reply_kv;
	struct task_struct *server;
	u32 area_size;
	struct fastipc_desc desc;
	struct fastipc_desc reply_desc;
	wait_queue_head_t wq;
	struct fipc_conn *async_conn;
	struct list_head async_node;
	u32 async_charge;
	u8 *data;
	bool data_apart;
	struct fipc_quota *quota;
	u64 recv_ns;
	bool quota_own;
	atomic_t slot;
	u32 slot_room;
	u32 slot_buf_size;
	u8 *slot_buf;
	struct fipc_quota *slot_quota;
	u8 room[];
};

/**
 * enum fipc_slot_state - Where a connection's request slot is.
 * @FIPC_SLOT_NONE: not a slot: a message allocated for one use.
 * @FIPC_SLOT_FREE: idle, owned by its connection: the next synchronous
 *	call takes it (cmpxchg to @FIPC_SLOT_BUSY).
 * @FIPC_SLOT_BUSY: a call's message: referenced by its caller, the queue,
 *	the in-progress table, a receiver, until its last reference goes
 *	(fipc_msg_put()), which makes it FREE again.
 * @FIPC_SLOT_ORPHAN: busy when its connection was closed: the last
 *	reference frees it.
 */
enum fipc_slot_state {
	FIPC_SLOT_NONE,
	FIPC_SLOT_FREE,
	FIPC_SLOT_BUSY,
	FIPC_SLOT_ORPHAN,
};

/*
 * Replies up to this many bytes travel in the request's own allocation and
 * are staged on the replying thread's stack: no allocation per reply.
 */
#define FIPC_REPLY_INLINE	256

/*
 * Payload buffers are sized by user space: charge them to its memory
 * cgroup, and let a cgroup at memory.max get -ENOMEM instead of the OOM
 * killer (kvmalloc's vmalloc fallback charges page by page and would
 * otherwise kill the sender), without a warning per failure.
 */
#define FIPC_GFP_PAYLOAD	(GFP_KERNEL_ACCOUNT | __GFP_RETRY_MAYFAIL | \
				 __GFP_NOWARN)

/**
 * struct fipc_deadline - How long a blocking ioctl may wait.
 * @expires: absolute CLOCK_MONOTONIC time, or KTIME_MAX for no limit.
 * @nonblock: FASTIPC_F_NONBLOCK or O_NONBLOCK: never sleep.
 */
struct fipc_deadline {
	ktime_t expires;
	bool nonblock;
};

/* uargs.c */
#define FIPC_IOC_BASE(cmd)	((cmd) & ~(_IOC_SIZEMASK << _IOC_SIZESHIFT))
int fipc_args_in(void *karg, size_t ksize, size_t ver0, unsigned int cmd,
		 unsigned long arg);
int fipc_args_out(unsigned int cmd, unsigned long arg, const void *karg,
		  size_t ksize);
int fipc_name_check(const char *name);
int fipc_ref_check(const struct fastipc_chan_ref *ref);

/* wait.c */
int fipc_deadline_init(struct fipc_deadline *dl, u32 flags, u64 timeout_ns,
		       const struct file *file);

/* msg.c */
struct fipc_msg *fipc_msg_alloc(u32 type, u32 len, u32 reply_room);
struct fipc_msg *fipc_msg_slot_take(struct fipc_conn *conn, u32 len,
				    u32 reply_room);
void fipc_msg_slot_drop(struct fipc_conn *conn);
void fipc_msg_put(struct fipc_msg *msg);
int fipc_msg_charge(struct fipc_msg *msg, struct fipc_conn *conn);
void fipc_msg_received(struct fipc_msg *msg);
void fipc_msg_put_list(struct list_head *list);
void fipc_msg_set_sender(struct fipc_msg *msg, struct pid *pid, kuid_t uid,
			 kgid_t gid);
void fipc_msg_fill_hdr(const struct fipc_msg *msg, struct fastipc_msg_hdr *hdr);

/* registry.c */
int fipc_registry_add(struct fipc_chan *chan);
bool fipc_registry_del(struct fipc_chan *chan);
struct fipc_chan *fipc_registry_find(const struct fastipc_chan_ref *ref);
int fipc_registry_for_each(u64 *cursor,
			   int (*fn)(struct fipc_chan *chan, void *arg),
			   void *arg);

/* netlink.c */
extern struct genl_family fipc_nl_family;
int fipc_nl_init(void);
void fipc_nl_exit(void);
int fipc_nl_put_ident(struct sk_buff *skb, const struct fipc_chan *chan);

/* nlevents.c */
int fipc_nl_events_init(void);
void fipc_nl_events_exit(void);
int fipc_nl_subscribe(struct sk_buff *skb, struct genl_info *info);
int fipc_nl_unsubscribe(struct sk_buff *skb, struct genl_info *info);
void fipc_nl_chan_event(struct fipc_chan *chan, u8 cmd);
void fipc_nl_conn_event(struct fipc_chan *chan, u8 cmd, u64 conn_id,
			struct pid *pid);
void fipc_nl_error_event(struct fipc_chan *chan, u64 conn_id, int err);

/* perm.c: the rwx triplets fipc_perm_check() tests, as in ipcperms() */
#define FIPC_MAY_READ	0444
#define FIPC_MAY_WRITE	0222
int fipc_perm_check(struct fipc_chan *chan, int flag);
int fipc_perm_check_cred(struct fipc_chan *chan, int flag,
			 const struct cred *cred);
int fipc_perm_owner_check(struct fipc_chan *chan);
void fipc_perm_to_user(struct fipc_chan *chan, struct fastipc_perm *out);
int fipc_perm_set(struct fipc_chan *chan, const struct fastipc_chan_set *set);

/* chan.c */
struct fipc_chan *fipc_chan_alloc(const struct fastipc_chan_create *args);
void fipc_chan_get(struct fipc_chan *chan);
void fipc_chan_put(struct fipc_chan *chan);
void fipc_chan_shutdown(struct fipc_chan *chan, int err);
int fipc_chan_enqueue(struct fipc_chan *chan, struct fipc_conn *conn,
		      struct fipc_msg *msg, const struct fipc_deadline *dl);
void fipc_chan_enqueue_ctl_locked(struct fipc_chan *chan,
				  struct fipc_msg *msg);
void fipc_chan_count_error(struct fipc_chan *chan, struct fipc_conn *conn,
			   int err);
void fipc_chan_stat(struct fipc_chan *chan, struct fastipc_chan_stat *st);
int fipc_chan_create_fd(struct fipc_chan *chan);

/* serve.c */
long fipc_chan_ioctl(struct file *file, unsigned int cmd, unsigned long arg);
void fipc_chan_wake_recv_locked(struct fipc_chan *chan, bool sync);
void fipc_chan_wake_idle_all_locked(struct fipc_chan *chan);
void fipc_chan_wake_space_locked(struct fipc_chan *chan);

/* chanctl.c */
long fipc_chanctl_info(struct file *file, unsigned int cmd, unsigned long arg);
long fipc_chanctl_shutdown(struct file *file, unsigned int cmd,
			   unsigned long arg);

/* conn.c */
void fipc_call_cancel_locked(struct fipc_chan *chan, struct fipc_msg *msg);
struct file *fipc_conn_open(struct fipc_chan *chan, struct fipc_region *reg,
			    u64 *conn_id);
int fipc_conn_publish(struct file *file);
void fipc_conn_put(struct fipc_conn *conn);
int fipc_conn_region_locked(struct fipc_chan *chan, u64 conn_id,
			    struct fipc_region **regp);

/* async.c */
int fipc_async_reserve(struct fipc_conn *conn, u32 rep_cap, u32 *charge);
void fipc_async_unreserve(struct fipc_conn *conn, u32 charge);
int fipc_async_submit(struct fipc_conn *conn, struct fipc_msg *msg, u32 charge,
		      const struct fipc_deadline *dl, u64 *id);
void fipc_async_done_locked(struct fipc_chan *chan, struct fipc_msg *msg);
bool fipc_async_ready_locked(struct fipc_conn *conn);
long fipc_async_reap(struct file *file, unsigned int cmd, unsigned long arg);
long fipc_async_cancel(struct file *file, unsigned int cmd, unsigned long arg);
void fipc_async_release(struct fipc_conn *conn);

/* region.c */
struct fipc_region *fipc_region_create(u64 want);
void fipc_region_get(struct fipc_region *reg);
void fipc_region_put(struct fipc_region *reg);
void fipc_region_layout(const struct fipc_region *reg,
			struct fastipc_region_layout *layout);
void fipc_region_kill(struct fipc_region *reg);
int fipc_region_mmap(struct fipc_region *reg, struct vm_area_struct *vma,
		     int side);
int fipc_region_notify(struct fipc_region *reg, int side);
int fipc_region_wait(struct fipc_region *reg, int side, struct file *file,
		     unsigned int cmd, unsigned long arg);
__poll_t fipc_region_poll(struct fipc_region *reg, int side, struct file *file,
			  poll_table *wait);
int fipc_desc_check(const struct fastipc_desc *d, u32 area, u32 area_size);
struct file *fipc_region_file(struct fipc_region *reg);

/* quota.c */
enum fipc_quota_kind {
	FIPC_QUOTA_CHANS,
	FIPC_QUOTA_CONNS,
	FIPC_QUOTA_REGION,
	FIPC_QUOTA_QUEUED,
	FIPC_QUOTA_KINDS,
};

int fipc_quota_charge(kuid_t uid, enum fipc_quota_kind kind, u64 amount);
void fipc_quota_uncharge(kuid_t uid, enum fipc_quota_kind kind, u64 amount);
int fipc_quota_walk(int (*fn)(kuid_t uid, const u64 *used, void *arg),
		    void *arg, unsigned long *pos);
struct fipc_quota *fipc_quota_pin(kuid_t uid);
struct fipc_quota *fipc_quota_repin(struct fipc_quota *q);
void fipc_quota_unpin(struct fipc_quota *q);
int fipc_quota_charge_pinned(struct fipc_quota *q, enum fipc_quota_kind kind,
			     u64 amount);
void fipc_quota_uncharge_pinned(struct fipc_quota *q,
				enum fipc_quota_kind kind, u64 amount);

/* ns.c */
struct vfsmount *fipc_ns_current(void);
struct vfsmount *fipc_ns_get(void);
void fipc_ns_put(struct vfsmount *ns);
int fipc_access_check(void);

/* ctl.c */
long fipc_ctl_ioctl(struct file *file, unsigned int cmd, unsigned long arg);

#endif /* _FASTIPC_INTERNAL_H */
