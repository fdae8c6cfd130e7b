// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc messages: allocation, references and the received header.
 *
 * A message, a small payload and its inline reply room are one allocation;
 * a payload that would take the allocation past a page gets its own, so
 * that neither is rounded up to the next power of two by the other (a
 * 64 KiB payload with its header would take 128 KiB). The last reference
 * must be dropped outside any spinlock: a payload may come from vmalloc.
 *
 * The request slot: a synchronous CALL does not allocate. Its connection
 * keeps one message (struct fipc_conn.slot), allocated by its first
 * synchronous call that fits and recycled by every later one, with room
 * for a request and its inline reply room together (fipc_slot_room(): at
 * least FIPC_SLOT_MIN_ROOM, 512 B, and whatever else the kmalloc bucket
 * holds: a 1 KiB object, so requests up to about 500 B with the whole
 * FIPC_REPLY_INLINE reply room). A larger request, up to FIPC_SLOT_BUF_MAX,
 * goes in the slot's payload buffer (slot_buf), allocated by the first
 * such call and grown to the next power of two that holds a larger one,
 * then kept for the slot's life: charged to the caller's memory cgroup,
 * at most FIPC_SLOT_BUF_MAX per connection, and touched only by the call
 * that holds the slot BUSY. Above that the copy costs more than the
 * allocation. Taking the slot is one cmpxchg of its state, FREE to BUSY;
 * a caller that loses it to another thread of the same connection, or
 * whose request does not fit, allocates as before. While BUSY the slot is
 * referenced like any message (the caller, the queue, the in-progress
 * table, a receiving thread); the put that drops the last of those
 * references returns what the call held (its charge, its server's task, a reply
 * buffer) and makes it FREE again (fipc_msg_slot_release()): so a request
 * whose caller gave up (ABANDONED) is not reused before the server has
 * let go of it. Closing the connection (fipc_msg_slot_drop()) frees a
 * FREE slot at once and marks a BUSY one ORPHAN, which its last put then
 * frees. The sender's pid stays referenced across uses, changed only when
 * another process calls. Asynchronous calls and one-way messages can
 * outlive the call that sent them: they always allocate.
 *
 * Locking: none of its own. A message's fields are protected as struct
 * fipc_msg says (the channel lock); the slot's state is an atomic_t,
 * changed only by cmpxchg()/xchg(): acquire when a call takes it, release
 * when its last reference returns it.
 */
#include <linux/cred.h>
#include <linux/list.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/pid.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/user_namespace.h>

#include "fastipc.h"

/* Least request + reply room in a slot: a request with the whole reply room. */
#define FIPC_SLOT_MIN_ROOM	(2 * FIPC_REPLY_INLINE)

/*
 * The largest request a slot's payload buffer takes (a power of two): four
 * times the library's copy threshold. Kept per connection, so a user can
 * hold up to user_conns_max of them (68 MiB at the defaults with the
 * slots), as many pipes' buffers hold 64 MiB at pipe-user-pages-soft.
 */
#define FIPC_SLOT_BUF_MAX	(16 * 1024)

/* The room of a slot: what its kmalloc bucket holds after the header. */
static size_t fipc_slot_room(void)
{
	size_t hdr = offsetof(struct fipc_msg, room);

	return kmalloc_size_roundup(hdr + FIPC_SLOT_MIN_ROOM) - hdr;
}

/*
 * Point the payload of @msg at @apart, or with @apart NULL at its inline
 * room, and its reply room at the inline room after the payload there.
 */
static void fipc_msg_set_room(struct fipc_msg *msg, u32 len, u32 reply_room,
			      u8 *apart)
{
	msg->len = len;
	msg->data = apart ?: msg->room;
	msg->reply_room = reply_room;
	msg->reply = reply_room ? msg->room + (apart ? 0 : len) : NULL;
}

/* Set up a zeroed message header with one reference. */
static void fipc_msg_init(struct fipc_msg *msg, u32 type)
{
	memset(msg, 0, sizeof(*msg));
	INIT_LIST_HEAD(&msg->node);
	INIT_HLIST_NODE(&msg->hnode);
	INIT_LIST_HEAD(&msg->async_node);
	refcount_set(&msg->ref, 1);
	init_waitqueue_head(&msg->wq);
	msg->type = type;
	msg->state = FIPC_MSG_NEW;
	atomic_inc(&fipc_nr_msgs);
}

/**
 * fipc_msg_alloc() - Allocate a message with room for its payload.
 * @type: enum fastipc_msg_type.
 * @len: payload length in bytes (already checked against the channel).
 * @reply_room: bytes of inline room for the reply, at most
 *	FIPC_REPLY_INLINE; 0 for a message that expects no reply.
 *
 * The allocation is charged to the caller's memory cgroup and fails with
 * NULL rather than invoke the OOM killer (FIPC_GFP_PAYLOAD). The sender is
 * not set: see fipc_msg_set_sender().
 *
 * Return: the message with one reference, or NULL.
 */
struct fipc_msg *fipc_msg_alloc(u32 type, u32 len, u32 reply_room)
{
	size_t size = struct_size_t(struct fipc_msg, room,
				    size_add(len, reply_room));
	struct fipc_msg *msg;
	u8 *apart = NULL;

	if (size > PAGE_SIZE) {
		apart = kvmalloc(len, FIPC_GFP_PAYLOAD);
		if (!apart)
			return NULL;
		size = struct_size_t(struct fipc_msg, room, reply_room);
	}
	msg = kmalloc(size, FIPC_GFP_PAYLOAD);
	if (!msg) {
		kvfree(apart);
		return NULL;
	}
	fipc_msg_init(msg, type);
	fipc_msg_set_room(msg, len, reply_room, apart);
	msg->data_apart = !!apart;
	return msg;
}

/**
 * fipc_msg_set_sender() - Record who sent a message.
 * @msg: the message.
 * @pid: the sender's thread group; a reference is taken unless @msg
 *	already holds one to it (a slot reused by the same process).
 * @uid: the sender's effective uid.
 * @gid: the sender's effective gid.
 */
void fipc_msg_set_sender(struct fipc_msg *msg, struct pid *pid, kuid_t uid,
			 kgid_t gid)
{
	/* A slot keeps the reference of its previous call's sender. */
	if (msg->pid != pid) {
		put_pid(msg->pid);
		msg->pid = get_pid(pid);
	}
	msg->uid = uid;
	msg->gid = gid;
}

/* Return a message's payload charge: no lock in the common case. */
static void fipc_msg_uncharge(struct fipc_msg *msg)
{
	struct fipc_quota *q = msg->quota;
	u32 charged = msg->charged;

	if (!charged)
		return;
	msg->charged = 0;
	msg->quota = NULL;
	fipc_quota_uncharge_pinned(q, FIPC_QUOTA_QUEUED, charged);
	if (msg->quota_own)
		fipc_quota_unpin(q);
	msg->quota_own = false;
}

/* Return what one use of @msg holds: its charge, its server, its reply. */
static void fipc_msg_clear(struct fipc_msg *msg)
{
	fipc_msg_uncharge(msg);
	if (msg->server) {
		put_task_struct(msg->server);
		WRITE_ONCE(msg->server, NULL);
	}
	if (msg->reply_kv) {
		kvfree(msg->reply);
		msg->reply = NULL;
		msg->reply_kv = false;
	}
}

static void fipc_msg_free(struct fipc_msg *msg)
{
	struct fipc_conn *conn = msg->ctl_conn;

	fipc_msg_clear(msg);
	put_pid(msg->pid);
	if (msg->data_apart)
		kvfree(msg->data);
	kvfree(msg->slot_buf);
	fipc_quota_unpin(msg->slot_quota);
	kfree(msg);
	atomic_dec(&fipc_nr_msgs);
	/* A CONNECT or DISCONNECT held its connection: see fipc_conn. */
	if (conn)
		fipc_conn_put(conn);
}

/*
 * The last reference to a busy slot is gone: make it free for its
 * connection's next call, or free it if the connection was closed.
 */
static void fipc_msg_slot_release(struct fipc_msg *msg)
{
	int busy = FIPC_SLOT_BUSY;

	fipc_msg_clear(msg);
	if (!atomic_try_cmpxchg_release(&msg->slot, &busy, FIPC_SLOT_FREE))
		fipc_msg_free(msg);	/* ORPHAN */
}

/**
 * fipc_msg_slot_drop() - Let go of a closing connection's request slot.
 * @conn: the connection, its fd being released (no call in progress).
 *
 * A free slot is freed now; one whose last request a server still holds
 * is freed by the last fipc_msg_put() of that request.
 */
void fipc_msg_slot_drop(struct fipc_conn *conn)
{
	struct fipc_msg *msg = conn->slot;

	if (!msg)
		return;
	conn->slot = NULL;
	if (atomic_xchg(&msg->slot, FIPC_SLOT_ORPHAN) == FIPC_SLOT_FREE)
		fipc_msg_free(msg);
}

/**
 * fipc_msg_put() - Drop a reference to a message, freeing it on the last
 *	(a connection's request slot is made free for its next call instead).
 * @msg: the message, or NULL. Must not be called under a spinlock.
 */
void fipc_msg_put(struct fipc_msg *msg)
{
	if (!msg || !refcount_dec_and_test(&msg->ref))
		return;
	if (atomic_read(&msg->slot) != FIPC_SLOT_NONE)
		fipc_msg_slot_release(msg);
	else
		fipc_msg_free(msg);
}

/*
 * Allocate @conn's slot, BUSY for the caller, and install it unless
 * another thread of the connection did first. It pins the connection's
 * quota entry for its whole life.
 */
static struct fipc_msg *fipc_msg_slot_new(struct fipc_conn *conn)
{
	size_t room = fipc_slot_room();
	struct fipc_msg *msg;

	msg = kmalloc(offsetof(struct fipc_msg, room) + room, FIPC_GFP_PAYLOAD);
	if (!msg)
		return NULL;
	fipc_msg_init(msg, FASTIPC_MSG_REQUEST);
	atomic_set(&msg->slot, FIPC_SLOT_BUSY);
	msg->slot_room = room;
	msg->slot_quota = fipc_quota_repin(conn->quota);
	if (!cmpxchg(&conn->slot, NULL, msg))
		return msg;
	/* Lost to another caller of this connection: allocate as usual. */
	fipc_msg_free(msg);
	return NULL;
}

/*
 * Make the payload buffer of @msg, a slot its caller holds BUSY, hold
 * @len bytes (at most FIPC_SLOT_BUF_MAX): 0, or -ENOMEM.
 */
static int fipc_slot_buf_fit(struct fipc_msg *msg, u32 len)
{
	size_t size;
	u8 *buf;

	if (len <= msg->slot_buf_size)
		return 0;
	size = roundup_pow_of_two(len);
	buf = kvmalloc(size, FIPC_GFP_PAYLOAD);
	if (!buf)
		return -ENOMEM;
	kvfree(msg->slot_buf);
	msg->slot_buf = buf;
	msg->slot_buf_size = size;
	return 0;
}

/**
 * fipc_msg_slot_take() - Take a connection's request slot for a
 *	synchronous call.
 * @conn: the calling connection, whose fd the caller holds.
 * @len: request payload length in bytes.
 * @reply_room: bytes of inline reply room, at most FIPC_REPLY_INLINE.
 *
 * Allocates the slot on the connection's first call that fits it. The
 * request is set up as fipc_msg_alloc() would set up a
 * FASTIPC_MSG_REQUEST; the sender is set by fipc_msg_set_sender(), which
 * keeps the pid of the previous call if it is the same.
 *
 * Return: the slot with one reference, or NULL when the request and its
 * reply room do not fit, another call on the connection holds the slot
 * (or the previous call's request is still held by a server), or it could
 * not be allocated: the caller allocates a message of its own.
 */
struct fipc_msg *fipc_msg_slot_take(struct fipc_conn *conn, u32 len,
				    u32 reply_room)
{
	struct fipc_msg *msg = READ_ONCE(conn->slot);
	size_t room = msg ? msg->slot_room : fipc_slot_room();
	/* The reply room always fits: room is at least FIPC_SLOT_MIN_ROOM. */
	bool apart = size_add(len, reply_room) > room;
	int free = FIPC_SLOT_FREE;

	if (apart && len > FIPC_SLOT_BUF_MAX)
		return NULL;
	if (!msg) {
		msg = fipc_msg_slot_new(conn);
		if (!msg)
			return NULL;
	} else if (atomic_try_cmpxchg_acquire(&msg->slot, &free,
					      FIPC_SLOT_BUSY)) {
		refcount_set(&msg->ref, 1);
	} else {
		return NULL;
	}
	if (apart && fipc_slot_buf_fit(msg, len)) {
		fipc_msg_put(msg);	/* FREE again */
		return NULL;
	}
	/* What a call sets or its reply reads; the rest was reset on release. */
	fipc_msg_set_room(msg, len, reply_room, apart ? msg->slot_buf : NULL);
	WRITE_ONCE(msg->state, FIPC_MSG_NEW);
	msg->result = 0;
	msg->status = 0;
	msg->reply_len = 0;
	msg->reply_need = 0;
	memset(&msg->reply_desc, 0, sizeof(msg->reply_desc));
	return msg;
}

/**
 * fipc_msg_charge() - Charge a message's payload to its sender.
 * @msg: a message whose sender is set (fipc_msg_set_sender()).
 * @conn: the sending connection.
 *
 * The payload bytes count against user_queue_bytes_max of the sender's
 * effective uid until a server has received the message
 * (fipc_msg_received()) or it is freed unreceived (fipc_msg_put()). When
 * that euid is the connection's (the usual case) the charge goes to the
 * entry the connection pins, without fipc_quota_lock; a sender that
 * changed its euid since it connected (setuid) is charged as itself, and
 * pins its own entry under the lock. The message pins the entry until it
 * is uncharged: it may outlive the connection (a one-way message, or a
 * request whose caller gave up). A connection's request slot pins the
 * connection's entry for its own life, which covers every use: a slot
 * call with the connection's euid takes no pin (see quota.c).
 *
 * Return: 0, -EAGAIN when the sender's queued bytes would pass
 * user_queue_bytes_max, -ENOMEM.
 */
int fipc_msg_charge(struct fipc_msg *msg, struct fipc_conn *conn)
{
	struct fipc_quota *q;
	bool own = true;
	int ret;

	if (!msg->len)
		return 0;
	if (uid_eq(msg->uid, conn->uid) && msg->slot_quota) {
		q = msg->slot_quota;
		own = false;
	} else if (uid_eq(msg->uid, conn->uid)) {
		q = fipc_quota_repin(conn->quota);
	} else {
		q = fipc_quota_pin(msg->uid);
	}
	if (IS_ERR(q))
		return PTR_ERR(q);
	ret = fipc_quota_charge_pinned(q, FIPC_QUOTA_QUEUED, msg->len);
	if (ret) {
		if (own)
			fipc_quota_unpin(q);
		return ret;
	}
	msg->quota = q;
	msg->quota_own = own;
	msg->charged = msg->len;
	return 0;
}

/**
 * fipc_msg_received() - Let go of a payload a server has received.
 * @msg: a message whose receive succeeded for good (copied out, and the
 *	receiver's struct written back), held by the caller.
 *
 * The message has left the queue, so its payload leaves its sender's
 * user_queue_bytes_max charge, and a payload allocated apart is freed: a
 * server that holds requests without answering them pins neither its
 * callers' quota nor their payloads. An inline payload stays in the
 * message's own allocation, at most a page with the message.
 */
void fipc_msg_received(struct fipc_msg *msg)
{
	if (msg->data_apart) {
		kvfree(msg->data);
		msg->data = NULL;
		msg->data_apart = false;
	}
	fipc_msg_uncharge(msg);
}

/**
 * fipc_msg_put_list() - Drop one reference to every message on a list.
 * @list: private list of messages linked through &fipc_msg.node.
 */
void fipc_msg_put_list(struct list_head *list)
{
	struct fipc_msg *msg, *tmp;

	list_for_each_entry_safe(msg, tmp, list, node) {
		list_del_init(&msg->node);
		fipc_msg_put(msg);
	}
}

/**
 * fipc_msg_fill_hdr() - Describe a message to its receiver.
 * @msg: the message.
 * @hdr: the header to fill; every byte is written.
 *
 * Ids are translated into the receiving task's namespaces.
 */
void fipc_msg_fill_hdr(const struct fipc_msg *msg, struct fastipc_msg_hdr *hdr)
{
	struct user_namespace *ns = current_user_ns();

	memset(hdr, 0, sizeof(*hdr));
	hdr->msg_id = msg->id;
	hdr->conn_id = msg->conn_id;
	hdr->type = msg->type;
	hdr->op = msg->op;
	hdr->len = msg->len;
	hdr->reply_max = msg->reply_max;
	hdr->pid = pid_vnr(msg->pid);
	hdr->uid = from_kuid_munged(ns, msg->uid);
	hdr->gid = from_kgid_munged(ns, msg->gid);
}
