// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc client side: connections, CALL and SEND.
 *
 * CALL queues a request and waits for the reply in one syscall: it first
 * busy-waits a bounded time while a server is on its way to the answer
 * (fipc_spin()), then sleeps. It does not busy-wait at all when the
 * channel's servers are known to take longer than the spin would last
 * (the service time estimate, serve.c). A caller that gives up (timeout, signal)
 * cancels under the channel lock, which is also where a reply completes a
 * request, so exactly one of the two wins:
 * a queued request is removed; one a server already holds is abandoned and
 * its reply will be dropped and counted.
 *
 * CALL with FASTIPC_F_ASYNC only queues the request: the connection keeps
 * it until REAP collects its outcome (async.c).
 *
 * A connection may own a shared-memory region (region.c): its fd maps the
 * region and rings or waits on its doorbell as the client side, and its
 * calls may carry descriptors into the client's area.
 *
 * Locking: chan->lock, as described in chan.c.
 */
#include <linux/anon_inodes.h>
#include <linux/cred.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/lockdep.h>
#include <linux/poll.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "fastipc.h"
#include "wait.h"

#define FIPC_WAIT_FLAGS	(FASTIPC_F_NONBLOCK | FASTIPC_F_TIMEOUT)

static bool fipc_msg_done(void *arg)
{
	const struct fipc_msg *msg = arg;

	return READ_ONCE(msg->state) == FIPC_MSG_DONE;
}

/*
 * Whether a caller should go on busy-waiting: while its request is queued
 * or was handed to an idle server thread that has not run yet (a server is
 * being woken or about to take it), or while the server that
 * took it is running on a CPU, as a mutex waiter spins on its owner.
 */
static bool fipc_call_spin_worth(void *arg)
{
	const struct fipc_msg *msg = arg;
	struct task_struct *server;

	switch (READ_ONCE(msg->state)) {
	case FIPC_MSG_QUEUED:
		return true;
	case FIPC_MSG_INFLIGHT:
		/* No server yet: handed to an idle one still waking up. */
		server = READ_ONCE(msg->server);
		return !server || fipc_task_on_cpu(server);
	default:
		return false;
	}
}

/**
 * fipc_call_cancel_locked() - Give up a request not yet complete.
 * @chan: its channel, locked.
 * @msg: a QUEUED or INFLIGHT request, held by the caller.
 *
 * A queued request leaves the queue (CANCELLED); one a server holds is
 * ABANDONED, so that its reply is dropped and counted. Counted in
 * cancelled.
 */
void fipc_call_cancel_locked(struct fipc_chan *chan, struct fipc_msg *msg)
{
	lockdep_assert_held(&chan->lock);
	if (msg->state == FIPC_MSG_QUEUED) {
		list_del_init(&msg->node);
		chan->nr_queued--;
		chan->bytes_queued -= msg->len;
		WRITE_ONCE(msg->state, FIPC_MSG_CANCELLED);
		refcount_dec(&msg->ref);	/* the queue's; ours remains */
		fipc_chan_wake_space_locked(chan);
	} else {
		/* In progress: the table keeps it until the reply comes. */
		WRITE_ONCE(msg->state, FIPC_MSG_ABANDONED);
	}
	chan->stats.cancelled++;
}

/*
 * Whether a busy-wait would not pay: the channel's servers take longer to
 * answer, by its estimate, than spin_ns would let the caller poll. Every
 * answered request is measured, whether its caller polled or not, so a
 * server that turns fast again is seen without polling to find out.
 * Read without the lock: a stale estimate costs one poll or one sleep.
 */
static bool fipc_call_spin_skip(const struct fipc_chan *chan)
{
	u32 ns = READ_ONCE(fipc_spin_ns);

	return ns && READ_ONCE(chan->stats.service_ns) > ns;
}

static int fipc_call_wait(struct fipc_chan *chan, struct fipc_msg *msg,
			  const struct fipc_deadline *dl)
{
	enum fipc_spin_result spun = FIPC_SPIN_SKIP;
	int ret;

	/* The message holds its server's task, and we hold the message. */
	if (!fipc_call_spin_skip(chan))
		spun = fipc_spin(fipc_msg_done, fipc_call_spin_worth, msg, dl);
	spin_lock(&chan->lock);
	fipc_spin_count(&chan->lock, spun, &chan->stats.call_polls_hit,
			&chan->stats.call_polls_missed);
	if (spun == FIPC_SPIN_SKIP)
		chan->stats.call_polls_skipped++;
	ret = fipc_wait_locked(&msg->wq, &chan->lock, fipc_msg_done, msg, dl,
			       false, false);
	if (ret)
		fipc_call_cancel_locked(chan, msg);
	else
		ret = msg->result;
	spin_unlock(&chan->lock);
	return ret;
}

/*
 * The message of a call: a synchronous CALL's is the connection's request
 * slot when it is free and fits (msg.c), else it is allocated, as is
 * every one-way message's and asynchronous call's, which can outlive the
 * call that sent them.
 */
static struct fipc_msg *fipc_call_prepare(struct fipc_conn *conn,
					  const struct fastipc_call *c,
					  bool oneway)
{
	u32 room = min_t(u32, c->rep_cap, FIPC_REPLY_INLINE);
	bool sync = !oneway && !(c->flags & FASTIPC_F_ASYNC);
	struct fipc_msg *msg = NULL;
	int ret;

	if (sync)
		msg = fipc_msg_slot_take(conn, c->req_len, room);
	if (!msg)
		msg = fipc_msg_alloc(oneway ? FASTIPC_MSG_ONEWAY :
				     FASTIPC_MSG_REQUEST, c->req_len, room);
	if (!msg)
		return ERR_PTR(-ENOMEM);
	fipc_msg_set_sender(msg, task_tgid(current), current_euid(),
			    current_egid());
	ret = fipc_msg_charge(msg, conn);
	if (!ret && c->req_len &&
	    copy_from_user(msg->data, u64_to_user_ptr(c->req_ptr), c->req_len))
		ret = -EFAULT;
	if (ret) {
		fipc_msg_put(msg);
		return ERR_PTR(ret);
	}
	msg->op = c->op;
	msg->reply_max = c->rep_cap;
	msg->conn_id = conn->id;
	msg->desc = c->req_desc;
	msg->area_size = conn->region ? conn->region->area_size : 0;
	return msg;
}

static int fipc_call_check(const struct fipc_conn *conn,
			   const struct fastipc_call *c, bool oneway)
{
	const struct fipc_chan *chan = conn->chan;
	u32 area_size = conn->region ? conn->region->area_size : 0;

	u32 flags = oneway ? FIPC_WAIT_FLAGS : FIPC_WAIT_FLAGS | FASTIPC_F_ASYNC;

	if (c->flags & ~flags || c->resv)
		return -EINVAL;
	/* An asynchronous call's reply buffer is given at REAP. */
	if (c->flags & FASTIPC_F_ASYNC && c->rep_ptr)
		return -EINVAL;
	if (fipc_desc_check(&c->req_desc, FASTIPC_AREA_C2S, area_size))
		return -EINVAL;
	if (oneway && (c->rep_ptr || c->rep_cap))
		return -EINVAL;
	if (c->req_len > chan->msg_max)
		return -EMSGSIZE;
	return 0;
}

/*
 * Submit an asynchronous call: reserve its slot and reply charge, then
 * queue it; the connection holds it from then on.
 */
static int fipc_call_async(struct fipc_conn *conn, struct fastipc_call *c,
			   const struct fipc_deadline *dl)
{
	struct fipc_msg *msg;
	u32 charge;
	int ret;

	ret = fipc_async_reserve(conn, c->rep_cap, &charge);
	if (ret)
		return ret;
	msg = fipc_call_prepare(conn, c, false);
	if (IS_ERR(msg)) {
		fipc_async_unreserve(conn, charge);
		return PTR_ERR(msg);
	}
	return fipc_async_submit(conn, msg, charge, dl, &c->msg_id);
}

/* Send a request or one-way message and, for a request, await the reply. */
static int fipc_call_do(struct fipc_conn *conn, struct fastipc_call *c,
			const struct fipc_deadline *dl, bool oneway)
{
	struct fipc_chan *chan = conn->chan;
	struct fipc_msg *msg;
	int ret;

	msg = fipc_call_prepare(conn, c, oneway);
	if (IS_ERR(msg))
		return PTR_ERR(msg);
	ret = fipc_chan_enqueue(chan, conn, msg, dl);
	if (!ret && !oneway)
		ret = fipc_call_wait(chan, msg, dl);
	if (!ret) {
		c->msg_id = msg->id;
		c->rep_len = msg->reply_len;
		c->status = msg->status;
		c->rep_need = msg->reply_need;
		c->rep_desc = msg->reply_desc;
		if (msg->reply_len &&
		    copy_to_user(u64_to_user_ptr(c->rep_ptr), msg->reply,
				 msg->reply_len))
			ret = -EFAULT;
	}
	fipc_msg_put(msg);
	return ret;
}

static long fipc_conn_call(struct file *file, unsigned int cmd,
			   unsigned long arg, bool oneway)
{
	struct fipc_conn *conn = file->private_data;
	struct fipc_deadline dl;
	struct fastipc_call c;
	int ret;

	ret = fipc_args_in(&c, sizeof(c), FASTIPC_CALL_SIZE_VER0, cmd, arg);
	if (ret)
		return ret;
	ret = fipc_call_check(conn, &c, oneway);
	if (!ret)
		ret = fipc_deadline_init(&dl, c.flags, c.timeout_ns, file);
	if (ret)
		return ret;
	/*
	 * An argument we could not write back would lose the outcome. A
	 * SEND or an asynchronous submit cannot be taken back once queued,
	 * so probe those first, writing back what the caller passed: a call
	 * that fails changes nothing in it. A synchronous CALL is not probed
	 * (the struct was just read, and the probe is a second user copy on
	 * the hot path): if its outcome cannot be written back, the reply is
	 * dropped and the CALL fails with -EFAULT, as when the reply buffer
	 * cannot be written (counted in errors).
	 */
	if (oneway || c.flags & FASTIPC_F_ASYNC) {
		ret = fipc_args_out(cmd, arg, &c, sizeof(c));
		if (ret)
			return ret;
	}
	c.rep_len = 0;
	c.status = 0;
	c.msg_id = 0;
	c.rep_need = 0;
	memset(&c.rep_desc, 0, sizeof(c.rep_desc));
	if (c.flags & FASTIPC_F_ASYNC)
		ret = fipc_call_async(conn, &c, &dl);
	else
		ret = fipc_call_do(conn, &c, &dl, oneway);
	if (!ret)
		ret = fipc_args_out(cmd, arg, &c, sizeof(c));
	if (ret)
		fipc_chan_count_error(conn->chan, conn, ret);
	return ret;
}

static long fipc_conn_ioctl(struct file *file, unsigned int cmd,
			    unsigned long arg)
{
	struct fipc_conn *conn = file->private_data;

	switch (FIPC_IOC_BASE(cmd)) {
	case FIPC_IOC_BASE(FASTIPC_IOC_NOTIFY):
		if (cmd != FASTIPC_IOC_NOTIFY)
			return -ENOTTY;
		return fipc_region_notify(conn->region, FIPC_SIDE_CLIENT);
	case FIPC_IOC_BASE(FASTIPC_IOC_WAIT):
		return fipc_region_wait(conn->region, FIPC_SIDE_CLIENT, file, cmd,
					arg);
	case FIPC_IOC_BASE(FASTIPC_IOC_CALL):
		return fipc_conn_call(file, cmd, arg, false);
	case FIPC_IOC_BASE(FASTIPC_IOC_SEND):
		return fipc_conn_call(file, cmd, arg, true);
	case FIPC_IOC_BASE(FASTIPC_IOC_REAP):
		return fipc_async_reap(file, cmd, arg);
	case FIPC_IOC_BASE(FASTIPC_IOC_CANCEL):
		return fipc_async_cancel(file, cmd, arg);
	default:
		return -ENOTTY;
	}
}

static __poll_t fipc_conn_poll(struct file *file, poll_table *wait)
{
	struct fipc_conn *conn = file->private_data;
	struct fipc_chan *chan = conn->chan;
	__poll_t mask = 0;

	poll_wait(file, &chan->space_wq, wait);
	poll_wait(file, &conn->async_wq, wait);
	spin_lock(&chan->lock);
	if (chan->dead)
		mask = EPOLLHUP;
	else if (chan->nr_queued < chan->queue_msgs_max &&
		 chan->bytes_queued < chan->queue_bytes_max)
		mask = EPOLLOUT | EPOLLWRNORM;
	if (fipc_async_ready_locked(conn))
		mask |= EPOLLIN | EPOLLRDNORM;
	spin_unlock(&chan->lock);
	return mask | fipc_region_poll(conn->region, FIPC_SIDE_CLIENT, file,
				       wait);
}

static int fipc_conn_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct fipc_conn *conn = file->private_data;

	if (!conn->region)
		return -ENODEV;
	return fipc_region_mmap(conn->region, vma, FIPC_SIDE_CLIENT);
}

/* Kill and drop the region: the connection is closed for both sides. */
static void fipc_conn_drop_region(struct fipc_conn *conn)
{
	fipc_region_kill(conn->region);
	fipc_region_put(conn->region);
	conn->region = NULL;
}

/**
 * fipc_conn_put() - Drop a reference to a connection, freeing it and
 * returning its user_conns_max charge on the last.
 * @conn: the connection. Must not be called under a spinlock.
 */
void fipc_conn_put(struct fipc_conn *conn)
{
	if (!refcount_dec_and_test(&conn->ref))
		return;
	fipc_conn_drop_region(conn);
	fipc_msg_slot_drop(conn);
	fipc_msg_put(conn->connect);
	fipc_msg_put(conn->disconnect);
	put_pid(conn->pid);
	fipc_quota_uncharge_pinned(conn->quota, FIPC_QUOTA_CONNS, 1);
	fipc_quota_unpin(conn->quota);
	fipc_chan_put(conn->chan);
	kfree(conn);
	atomic_dec(&fipc_nr_conns);
}

/*
 * Queue CONNECT or DISCONNECT @msg, owned by @conn until now. The message
 * holds the connection until it is freed, keeping the connection charged
 * to its user: what a user has queued for servers that do not receive is
 * bounded by user_conns_max.
 */
static void fipc_conn_notify_locked(struct fipc_conn *conn,
				    struct fipc_msg *msg)
{
	lockdep_assert_held(&conn->chan->lock);
	refcount_inc(&conn->ref);
	msg->ctl_conn = conn;
	fipc_chan_enqueue_ctl_locked(conn->chan, msg);
}

static int fipc_conn_release(struct inode *inode, struct file *file)
{
	struct fipc_conn *conn = file->private_data;
	struct fipc_chan *chan = conn->chan;
	bool was_attached;

	fipc_async_release(conn);
	fipc_msg_slot_drop(conn);
	spin_lock(&chan->lock);
	was_attached = conn->attached;
	if (conn->attached) {
		list_del_init(&conn->node);
		conn->attached = false;
		chan->nr_conns--;
		if (!chan->dead) {
			fipc_conn_notify_locked(conn, conn->disconnect);
			conn->disconnect = NULL;
		}
	}
	spin_unlock(&chan->lock);
	if (was_attached)
		fipc_nl_conn_event(chan, FASTIPC_CMD_EVENT_DISCONNECT, conn->id,
				   conn->pid);
	fipc_conn_drop_region(conn);
	fipc_conn_put(conn);
	return 0;
}

static const struct file_operations fipc_conn_fops = {
	.owner		= THIS_MODULE,
	.release	= fipc_conn_release,
	.poll		= fipc_conn_poll,
	.mmap		= fipc_conn_mmap,
	.unlocked_ioctl	= fipc_conn_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

/*
 * A connection charged to the current euid, or an ERR_PTR(). It pins the
 * euid's quota entry, so that its calls are charged without a lock.
 */
static struct fipc_conn *fipc_conn_alloc(struct fipc_chan *chan)
{
	struct fipc_quota *q;
	struct fipc_conn *conn;
	int ret;

	q = fipc_quota_pin(current_euid());
	if (IS_ERR(q))
		return ERR_CAST(q);
	ret = fipc_quota_charge_pinned(q, FIPC_QUOTA_CONNS, 1);
	if (ret) {
		fipc_quota_unpin(q);
		return ERR_PTR(ret);
	}
	conn = kzalloc(sizeof(*conn), GFP_KERNEL_ACCOUNT);
	if (conn)
		conn->disconnect = fipc_msg_alloc(FASTIPC_MSG_DISCONNECT, 0, 0);
	if (!conn || !conn->disconnect) {
		kfree(conn);
		fipc_quota_uncharge_pinned(q, FIPC_QUOTA_CONNS, 1);
		fipc_quota_unpin(q);
		return ERR_PTR(-ENOMEM);
	}
	conn->quota = q;
	refcount_set(&conn->ref, 1);
	INIT_LIST_HEAD(&conn->node);
	INIT_LIST_HEAD(&conn->async_pending);
	INIT_LIST_HEAD(&conn->async_done);
	init_waitqueue_head(&conn->async_wq);
	conn->chan = chan;
	conn->pid = get_pid(task_tgid(current));
	conn->uid = current_euid();
	conn->gid = current_egid();
	fipc_msg_set_sender(conn->disconnect, conn->pid, conn->uid, conn->gid);
	atomic_inc(&fipc_nr_conns);
	return conn;
}

/* Join @chan and tell its server: queue CONNECT. */
static int fipc_conn_attach(struct fipc_conn *conn)
{
	struct fipc_chan *chan = conn->chan;
	int ret;

	spin_lock(&chan->lock);
	ret = chan->dead;
	if (!ret) {
		list_add_tail(&conn->node, &chan->conns);
		conn->attached = true;
		chan->nr_conns++;
		fipc_conn_notify_locked(conn, conn->connect);
		conn->connect = NULL;
	}
	spin_unlock(&chan->lock);
	return ret;
}

/**
 * fipc_conn_region_locked() - Find the region of one of a channel's
 * connections.
 * @chan: the channel, locked.
 * @conn_id: the connection's id.
 * @regp: set to the region, with a reference the caller must drop.
 *
 * Return: 0, -ENOENT for no such live connection, -ENODATA if it has no
 * region.
 */
int fipc_conn_region_locked(struct fipc_chan *chan, u64 conn_id,
			    struct fipc_region **regp)
{
	struct fipc_conn *conn;

	lockdep_assert_held(&chan->lock);
	list_for_each_entry(conn, &chan->conns, node) {
		if (conn->id != conn_id)
			continue;
		if (!conn->region)
			return -ENODATA;
		fipc_region_get(conn->region);
		*regp = conn->region;
		return 0;
	}
	return -ENOENT;
}

/**
 * fipc_conn_open() - Open a connection to a channel, not yet joined.
 * @chan: the channel; its reference is consumed, on failure too.
 * @reg: the connection's region or NULL; its reference is consumed too.
 * @conn_id: set to the new connection's id, reserved now.
 *
 * The server hears of the connection only when fipc_conn_publish() joins
 * it, so the caller can first write the id back to userspace; fput() of
 * the file before that undoes everything without a trace on the channel.
 *
 * Return: the connection's file, or an ERR_PTR(): -ENOSPC beyond the
 * user's connection quota, -ENOMEM.
 */
struct file *fipc_conn_open(struct fipc_chan *chan, struct fipc_region *reg,
			    u64 *conn_id)
{
	struct fipc_msg *connect;
	struct fipc_conn *conn;
	struct file *file;

	connect = fipc_msg_alloc(FASTIPC_MSG_CONNECT, 0, 0);
	conn = connect ? fipc_conn_alloc(chan) : ERR_PTR(-ENOMEM);
	if (IS_ERR(conn)) {
		fipc_msg_put(connect);
		fipc_region_put(reg);
		fipc_chan_put(chan);
		return ERR_CAST(conn);
	}
	conn->region = reg;
	conn->connect = connect;
	fipc_msg_set_sender(connect, conn->pid, conn->uid, conn->gid);
	spin_lock(&chan->lock);
	conn->id = chan->next_conn_id++;
	spin_unlock(&chan->lock);
	connect->conn_id = conn->id;
	conn->disconnect->conn_id = conn->id;
	file = anon_inode_getfile("[fastipc-conn]", &fipc_conn_fops, conn,
				  O_RDWR);
	if (IS_ERR(file)) {
		fipc_conn_put(conn);
		return file;
	}
	*conn_id = conn->id;
	return file;
}

/**
 * fipc_conn_publish() - Join a connection from fipc_conn_open() to its
 * channel and queue FASTIPC_MSG_CONNECT for the server.
 * @file: the connection's file.
 *
 * Return: 0, or the channel's error if it is dead (the caller fput()s).
 */
int fipc_conn_publish(struct file *file)
{
	struct fipc_conn *conn = file->private_data;
	int ret;

	ret = fipc_conn_attach(conn);
	if (!ret)
		fipc_nl_conn_event(conn->chan, FASTIPC_CMD_EVENT_CONNECT,
				   conn->id, conn->pid);
	return ret;
}
