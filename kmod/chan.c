// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc channels: lifetime, the message queue and shutdown.
 *
 * Locking: chan->lock protects the channel's mutable state, see struct
 * fipc_chan. Functions named *_locked() need it held. Wake-ups are issued
 * under it, so a waiter that rechecks its condition under the lock cannot
 * free what the waker still touches.
 */
#include <linux/anon_inodes.h>
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/ipc_namespace.h>
#include <linux/lockdep.h>
#include <linux/nsproxy.h>
#include <net/net_namespace.h>
#include <linux/poll.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/user_namespace.h>

#include "fastipc.h"
#include "wait.h"

/**
 * fipc_chan_alloc() - Allocate a channel for the current task.
 * @args: a validated CHAN_CREATE whose limit fields hold the final values.
 *
 * The creator becomes owner and creator. The channel is not yet published.
 *
 * Return: the channel with one reference, or NULL.
 */
struct fipc_chan *fipc_chan_alloc(const struct fastipc_chan_create *args)
{
	struct fipc_chan *chan;

	chan = kzalloc(sizeof(*chan), GFP_KERNEL_ACCOUNT);
	if (!chan)
		return NULL;
	kref_init(&chan->ref);
	strscpy(chan->name, args->ref.name, sizeof(chan->name));
	INIT_HLIST_NODE(&chan->name_node);
	INIT_HLIST_NODE(&chan->key_node);
	INIT_LIST_HEAD(&chan->reg_node);
	chan->net = get_net(current->nsproxy->net_ns);
	chan->ipc_ns = fipc_ns_get();
	chan->user_ns = get_user_ns(current->nsproxy->ipc_ns->user_ns);
	chan->cpid = get_pid(task_tgid(current));
	chan->ctime = ktime_get_real_ns();
	chan->msg_max = args->msg_max;
	chan->queue_msgs_max = args->queue_msgs;
	chan->queue_bytes_max = args->queue_bytes;
	spin_lock_init(&chan->lock);
	chan->perm.uid = current_euid();
	chan->perm.cuid = chan->perm.uid;
	chan->perm.gid = current_egid();
	chan->perm.cgid = chan->perm.gid;
	chan->perm.mode = args->mode;
	chan->perm.key = args->ref.key;
	INIT_LIST_HEAD(&chan->queue);
	hash_init(chan->inflight);
	INIT_LIST_HEAD(&chan->conns);
	chan->next_msg_id = 1;
	chan->next_conn_id = 1;
	init_waitqueue_head(&chan->recv_wq);
	init_waitqueue_head(&chan->space_wq);
	INIT_LIST_HEAD(&chan->idle);
	atomic_inc(&fipc_nr_chans);
	return chan;
}

/**
 * fipc_chan_get() - Take a reference to a channel.
 * @chan: the channel.
 */
void fipc_chan_get(struct fipc_chan *chan)
{
	kref_get(&chan->ref);
}

static void fipc_chan_free(struct kref *ref)
{
	struct fipc_chan *chan = container_of(ref, struct fipc_chan, ref);

	WARN_ON(!list_empty(&chan->queue) || !list_empty(&chan->conns) ||
		!list_empty(&chan->idle));
	put_user_ns(chan->user_ns);
	put_net(chan->net);
	fipc_ns_put(chan->ipc_ns);
	/* A channel that was shut down returned its charge then. */
	if (!chan->dead)
		fipc_quota_uncharge(chan->perm.cuid, FIPC_QUOTA_CHANS, 1);
	put_pid(chan->cpid);
	kfree(chan);
	atomic_dec(&fipc_nr_chans);
}

/**
 * fipc_chan_put() - Drop a reference to a channel.
 * @chan: the channel. Must not be called under its lock.
 */
void fipc_chan_put(struct fipc_chan *chan)
{
	kref_put(&chan->ref, fipc_chan_free);
}

static void fipc_msg_complete_locked(struct fipc_chan *chan,
				     struct fipc_msg *msg, int result)
{
	lockdep_assert_held(&chan->lock);
	msg->result = result;
	WRITE_ONCE(msg->state, FIPC_MSG_DONE);
	if (msg->async_conn)
		fipc_async_done_locked(chan, msg);
	else
		wake_up_interruptible(&msg->wq);
}

/**
 * fipc_chan_shutdown() - End a channel: its fd closed or it was removed.
 * @chan: the channel.
 * @err: -ECONNRESET or -EIDRM: what every waiter and later user gets.
 *
 * Unlinks the name, completes every queued and in-progress request with
 * @err, drops queued one-way and control messages, kills the connections'
 * regions, and wakes every waiter and poller. Returns the owner's channel
 * slot (user_chans_max) at once: the channel is gone for its creator even
 * while connections or a netlink dump still hold a reference to it.
 * Idempotent: the first error sticks.
 */
void fipc_chan_shutdown(struct fipc_chan *chan, int err)
{
	struct fipc_msg *msg, *tmp;
	struct hlist_node *next;
	struct fipc_conn *conn;
	LIST_HEAD(drop);
	int bkt;

	if (fipc_registry_del(chan))
		fipc_nl_chan_event(chan, FASTIPC_CMD_EVENT_CHAN_REMOVED);
	spin_lock(&chan->lock);
	if (chan->dead) {
		spin_unlock(&chan->lock);
		return;
	}
	WRITE_ONCE(chan->dead, err);
	list_for_each_entry_safe(msg, tmp, &chan->queue, node) {
		list_move_tail(&msg->node, &drop);
		if (msg->type == FASTIPC_MSG_REQUEST)
			fipc_msg_complete_locked(chan, msg, err);
	}
	chan->nr_queued = 0;
	chan->bytes_queued = 0;
	list_for_each_entry(conn, &chan->conns, node)
		fipc_region_kill(conn->region);
	hash_for_each_safe(chan->inflight, bkt, next, msg, hnode) {
		hash_del(&msg->hnode);
		if (msg->state == FIPC_MSG_INFLIGHT)
			fipc_msg_complete_locked(chan, msg, err);
		list_add_tail(&msg->node, &drop);
	}
	fipc_chan_wake_idle_all_locked(chan);
	wake_up_all(&chan->recv_wq);
	wake_up_all(&chan->space_wq);
	spin_unlock(&chan->lock);
	fipc_quota_uncharge(chan->perm.cuid, FIPC_QUOTA_CHANS, 1);
	fipc_msg_put_list(&drop);
}

/* Queue @msg, handing it the reference the caller gives up. */
static void fipc_chan_queue_locked(struct fipc_chan *chan, struct fipc_msg *msg,
				   bool sync)
{
	lockdep_assert_held(&chan->lock);
	msg->id = chan->next_msg_id++;
	WRITE_ONCE(msg->state, FIPC_MSG_QUEUED);
	list_add_tail(&msg->node, &chan->queue);
	chan->nr_queued++;
	chan->bytes_queued += msg->len;
	chan->queue_peak = max(chan->queue_peak, chan->nr_queued);
	fipc_chan_wake_recv_locked(chan, sync);
}

/**
 * fipc_chan_enqueue_ctl_locked() - Queue a CONNECT or DISCONNECT message.
 * @chan: the live channel, locked.
 * @msg: the message; the queue takes over the caller's reference.
 *
 * Control messages bypass the queue limits: telling the server about a
 * connection must never fail or block. They are bounded instead by the
 * connecting user's user_conns_max, as each holds its connection (see
 * struct fipc_conn).
 */
void fipc_chan_enqueue_ctl_locked(struct fipc_chan *chan, struct fipc_msg *msg)
{
	fipc_chan_queue_locked(chan, msg, false);
}

struct fipc_room {
	struct fipc_chan *chan;
	u32 len;
};

/*
 * Whether @room->len more bytes fit. In 64 bits: the limit may be as high
 * as U32_MAX, where a 32-bit sum would wrap and let any message in.
 */
static bool fipc_room_cond(void *arg)
{
	const struct fipc_room *room = arg;
	const struct fipc_chan *chan = room->chan;

	return chan->dead || (chan->nr_queued < chan->queue_msgs_max &&
			      chan->bytes_queued + (u64)room->len <=
			      chan->queue_bytes_max);
}

/**
 * fipc_chan_enqueue() - Queue a request or one-way message.
 * @chan: the channel.
 * @conn: the sending connection, whose counters move with the channel's.
 * @msg: the message; the queue takes its own reference.
 * @dl: how long to wait for room in a full queue.
 *
 * Hands the message to the server thread that went idle last, or wakes the
 * pollers (fipc_chan_wake_recv_locked()); for a request, with the
 * synchronous hint, as the caller is about to sleep for the reply.
 *
 * Return: 0, -EAGAIN (full and non-blocking), -ETIMEDOUT, -EINTR, or the
 * channel's error if it is dead.
 */
int fipc_chan_enqueue(struct fipc_chan *chan, struct fipc_conn *conn,
		      struct fipc_msg *msg, const struct fipc_deadline *dl)
{
	struct fipc_room room = { .chan = chan, .len = msg->len };
	bool request = msg->type == FASTIPC_MSG_REQUEST;
	int ret;

	spin_lock(&chan->lock);
	ret = fipc_wait_locked(&chan->space_wq, &chan->lock, fipc_room_cond,
			       &room, dl, true, false);
	if (!ret)
		ret = chan->dead;
	if (!ret) {
		refcount_inc(&msg->ref);
		fipc_chan_queue_locked(chan, msg, request);
		if (request) {
			chan->stats.calls++;
			conn->stats.calls++;
		} else {
			chan->stats.oneway++;
			conn->stats.oneway++;
		}
		if (atomic_read(&msg->slot) != FIPC_SLOT_NONE)
			conn->stats.slot_calls++;
		else
			conn->stats.msg_allocs++;
		chan->stats.bytes_copied += msg->len;
		chan->stats.bytes_shm += msg->desc.len;
		conn->stats.bytes_copied += msg->len;
		conn->stats.bytes_shm += msg->desc.len;
	}
	spin_unlock(&chan->lock);
	return ret;
}

/**
 * fipc_chan_count_error() - Count a failed call or send, and report it.
 * @chan: the channel.
 * @conn: the connection it failed on.
 * @err: the error the caller gets.
 */
void fipc_chan_count_error(struct fipc_chan *chan, struct fipc_conn *conn,
			   int err)
{
	spin_lock(&chan->lock);
	if (err == -ETIMEDOUT)
		chan->stats.timeouts++;
	else if (err != -EINTR)
		chan->stats.errors++;
	conn->stats.errors++;
	spin_unlock(&chan->lock);
	fipc_nl_error_event(chan, conn->id, err);
}

/**
 * fipc_chan_stat() - Fill the output part of a CHAN_STAT.
 * @chan: the channel.
 * @st: the request, whose flags and pad were checked to be zero; every
 *	field but @st->ref is rewritten.
 */
void fipc_chan_stat(struct fipc_chan *chan, struct fastipc_chan_stat *st)
{
	struct fastipc_chan_ref ref = st->ref;

	memset(st, 0, sizeof(*st));
	st->ref = ref;
	fipc_perm_to_user(chan, &st->perm);
	st->cpid = pid_vnr(chan->cpid);
	st->msg_max = chan->msg_max;
	st->queue_msgs_max = chan->queue_msgs_max;
	st->queue_bytes_max = chan->queue_bytes_max;
	st->ctime_ns = chan->ctime;
	spin_lock(&chan->lock);
	st->nr_conns = chan->nr_conns;
	st->queue_msgs = chan->nr_queued;
	/* Above the limit only for a moment: a failed receive puts back. */
	st->queue_bytes = min_t(u64, chan->bytes_queued, U32_MAX);
	st->queue_peak = chan->queue_peak;
	st->counters = chan->stats;
	spin_unlock(&chan->lock);
}

static int fipc_chan_release(struct inode *inode, struct file *file)
{
	struct fipc_chan *chan = file->private_data;

	fipc_chan_shutdown(chan, -ECONNRESET);
	fipc_chan_put(chan);
	return 0;
}

static __poll_t fipc_chan_poll(struct file *file, poll_table *wait)
{
	struct fipc_chan *chan = file->private_data;
	__poll_t mask = 0;

	poll_wait(file, &chan->recv_wq, wait);
	spin_lock(&chan->lock);
	if (!list_empty(&chan->queue))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (chan->dead)
		mask |= EPOLLHUP;
	spin_unlock(&chan->lock);
	return mask;
}

static const struct file_operations fipc_chan_fops = {
	.owner		= THIS_MODULE,
	.release	= fipc_chan_release,
	.poll		= fipc_chan_poll,
	.unlocked_ioctl	= fipc_chan_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

/**
 * fipc_chan_create_fd() - Give a published channel its channel fd.
 * @chan: the channel; on success the fd owns the caller's reference.
 *
 * Return: the new fd (O_CLOEXEC), or -errno with the reference still the
 * caller's.
 */
int fipc_chan_create_fd(struct fipc_chan *chan)
{
	struct file *file;
	int fd;

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0)
		return fd;
	file = anon_inode_getfile("[fastipc-chan]", &fipc_chan_fops, chan,
				  O_RDWR);
	if (IS_ERR(file)) {
		put_unused_fd(fd);
		return PTR_ERR(file);
	}
	fd_install(fd, file);
	return fd;
}
