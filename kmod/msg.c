// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc messages: allocation, references and the received header.
 *
 * A message, a small payload and its inline reply room are one allocation;
 * a payload that would take the allocation past a page gets its own, so
 * that neither is rounded up to the next power of two by the other (a
 * 64 KiB payload with its header would take 128 KiB). The last reference
 * must be dropped outside any spinlock: a payload may come from vmalloc.
 */
#include <linux/cred.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/pid.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/user_namespace.h>

#include "fastipc.h"

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
	memset(msg, 0, sizeof(*msg));
	INIT_LIST_HEAD(&msg->node);
	INIT_HLIST_NODE(&msg->hnode);
	INIT_LIST_HEAD(&msg->async_node);
	refcount_set(&msg->ref, 1);
	init_waitqueue_head(&msg->wq);
	msg->type = type;
	msg->len = len;
	msg->data = apart ?: msg->room;
	msg->data_apart = apart;
	msg->reply_room = reply_room;
	if (reply_room)
		msg->reply = apart ? msg->room : msg->room + len;
	msg->state = FIPC_MSG_NEW;
	atomic_inc(&fipc_nr_msgs);
	return msg;
}

/**
 * fipc_msg_set_sender() - Record who sent a message.
 * @msg: the message.
 * @pid: the sender's thread group; a reference is taken.
 * @uid: the sender's effective uid.
 * @gid: the sender's effective gid.
 */
void fipc_msg_set_sender(struct fipc_msg *msg, struct pid *pid, kuid_t uid,
			 kgid_t gid)
{
	msg->pid = get_pid(pid);
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
	fipc_quota_unpin(q);
}

/**
 * fipc_msg_put() - Drop a reference to a message, freeing it on the last.
 * @msg: the message, or NULL. Must not be called under a spinlock.
 */
void fipc_msg_put(struct fipc_msg *msg)
{
	struct fipc_conn *conn;

	if (!msg || !refcount_dec_and_test(&msg->ref))
		return;
	conn = msg->ctl_conn;
	fipc_msg_uncharge(msg);
	put_pid(msg->pid);
	if (msg->server)
		put_task_struct(msg->server);
	if (msg->reply_kv)
		kvfree(msg->reply);
	if (msg->data_apart)
		kvfree(msg->data);
	kfree(msg);
	atomic_dec(&fipc_nr_msgs);
	/* A CONNECT or DISCONNECT held its connection: see fipc_conn. */
	if (conn)
		fipc_conn_put(conn);
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
 * is uncharged: it may outlive the connection (a one-way message).
 *
 * Return: 0, -EAGAIN when the sender's queued bytes would pass
 * user_queue_bytes_max, -ENOMEM.
 */
int fipc_msg_charge(struct fipc_msg *msg, struct fipc_conn *conn)
{
	struct fipc_quota *q;
	int ret;

	if (!msg->len)
		return 0;
	if (uid_eq(msg->uid, conn->uid))
		q = fipc_quota_repin(conn->quota);
	else
		q = fipc_quota_pin(msg->uid);
	if (IS_ERR(q))
		return PTR_ERR(q);
	ret = fipc_quota_charge_pinned(q, FIPC_QUOTA_QUEUED, msg->len);
	if (ret) {
		fipc_quota_unpin(q);
		return ret;
	}
	msg->quota = q;
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
