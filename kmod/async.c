// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc asynchronous calls: CALL with FASTIPC_F_ASYNC, REAP and CANCEL
 * on a connection fd.
 *
 * An asynchronous request moves as a synchronous one does: queue ->
 * in-progress table -> DONE, or CANCELLED/ABANDONED when its caller gives
 * up. What differs is who holds the caller's reference: not a sleeping
 * thread but the connection, on one of two lists linked through
 * fipc_msg.async_node:
 *
 *   async_pending   submitted, not complete (QUEUED or INFLIGHT)
 *   async_done      complete (a reply, the channel's end, or CANCEL), in
 *                   the order they completed, until REAP takes them
 *
 * A reply or the channel's shutdown completes the message as for a sync
 * call and then, instead of waking a caller, moves it to async_done and
 * wakes async_wq (fipc_async_done_locked()). CANCEL completes it at once
 * with -ECANCELED: a queued request leaves the queue, one in progress is
 * ABANDONED, so that its late reply is dropped and counted. Closing the
 * connection cancels what is pending and frees everything: a message
 * still in the in-progress table is left there ABANDONED, without its
 * async_conn, and freed when its reply or the channel's end comes.
 *
 * Charges: a connection holds at most FASTIPC_ASYNC_MAX calls submitted
 * and not reaped (nr_async); each charges FIPC_ASYNC_CALL_COST plus
 * min(rep_cap, msg_max) bytes to its user's queued bytes
 * (user_queue_bytes_max) from submit to reap, so that a caller that never
 * reaps is bounded by its own quota: the message itself, with a request
 * payload small enough to live in it, stays allocated until the reap and
 * takes at most a page (a payload allocated apart is freed when the
 * server receives it), and its reply at most min(rep_cap, msg_max). The
 * request payload is charged besides, as for a sync call, while queued.
 *
 * Locking: no new lock. chan->lock (see chan.c) protects both lists,
 * nr_async and every message's async_conn and async_node, as it already
 * protects a message's state: a completion and a cancel are decided under
 * it, so exactly one wins. async_wq's lock nests inside chan->lock for
 * wake-ups. fipc_quota_lock is never taken under chan->lock: charges are
 * taken before a submit and returned after the lock is dropped. A REAP
 * copies the reply out without any lock, having taken the completion off
 * async_done, and puts it back at the head if the copy fails.
 */
#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/list.h>
#include <linux/lockdep.h>
#include <linux/mm.h>
#include <linux/poll.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "fastipc.h"
#include "wait.h"

#define FIPC_WAIT_FLAGS	(FASTIPC_F_NONBLOCK | FASTIPC_F_TIMEOUT)

/*
 * What an asynchronous call's message costs while it waits to be reaped,
 * besides its reply: the message and an inline request payload, at most
 * a page (fipc_msg_alloc()).
 */
#define FIPC_ASYNC_CALL_COST	((u32)PAGE_SIZE)

/*
 * Give back a call's slot. A REAP sleeping while nothing is left
 * outstanding would sleep for nothing: wake it to fail with -ENOENT.
 */
static void fipc_async_put_slot_locked(struct fipc_conn *conn)
{
	lockdep_assert_held(&conn->chan->lock);
	if (!--conn->nr_async)
		wake_up_interruptible(&conn->async_wq);
}

/**
 * fipc_async_reserve() - Reserve a connection's slot and reply charge for
 *	one asynchronous call.
 * @conn: the connection.
 * @rep_cap: the largest reply the caller accepts, in bytes.
 * @charge: set to the bytes charged to the current euid.
 *
 * Return: 0, -EBUSY at FASTIPC_ASYNC_MAX calls not yet reaped, -EAGAIN
 * when the charge would pass user_queue_bytes_max, -ENOMEM.
 */
int fipc_async_reserve(struct fipc_conn *conn, u32 rep_cap, u32 *charge)
{
	struct fipc_chan *chan = conn->chan;
	int ret = 0;

	spin_lock(&chan->lock);
	if (conn->nr_async >= FASTIPC_ASYNC_MAX)
		ret = -EBUSY;
	else
		conn->nr_async++;
	spin_unlock(&chan->lock);
	if (ret)
		return ret;
	*charge = FIPC_ASYNC_CALL_COST + min(rep_cap, chan->msg_max);
	ret = fipc_quota_charge(current_euid(), FIPC_QUOTA_QUEUED, *charge);
	if (ret) {
		*charge = 0;
		fipc_async_unreserve(conn, 0);
	}
	return ret;
}

/**
 * fipc_async_unreserve() - Undo fipc_async_reserve() for a call that was
 *	not submitted.
 * @conn: the connection.
 * @charge: what fipc_async_reserve() charged to the current euid.
 */
void fipc_async_unreserve(struct fipc_conn *conn, u32 charge)
{
	struct fipc_chan *chan = conn->chan;

	spin_lock(&chan->lock);
	fipc_async_put_slot_locked(conn);
	spin_unlock(&chan->lock);
	if (charge)
		fipc_quota_uncharge(current_euid(), FIPC_QUOTA_QUEUED, charge);
}

/* Return a reaped or freed call's reply charge; no lock held. */
static void fipc_async_uncharge(struct fipc_msg *msg)
{
	if (msg->async_charge)
		fipc_quota_uncharge(msg->uid, FIPC_QUOTA_QUEUED,
				    msg->async_charge);
	msg->async_charge = 0;
}

/**
 * fipc_async_submit() - Queue an asynchronous call.
 * @conn: the calling connection, with a slot reserved.
 * @msg: the prepared request; its reference passes to @conn.
 * @charge: the reply charge fipc_async_reserve() took, now the message's.
 * @dl: how long to wait for room in the queue.
 * @id: set to the call's id.
 *
 * On failure the reservation is undone and the message freed.
 *
 * Return: 0, or as fipc_chan_enqueue().
 */
int fipc_async_submit(struct fipc_conn *conn, struct fipc_msg *msg, u32 charge,
		      const struct fipc_deadline *dl, u64 *id)
{
	struct fipc_chan *chan = conn->chan;
	int ret;

	msg->async_conn = conn;
	msg->async_charge = charge;
	/*
	 * Once queued it may complete, and another thread may reap and
	 * free it, before we link it: hold it across.
	 */
	refcount_inc(&msg->ref);
	ret = fipc_chan_enqueue(chan, conn, msg, dl);
	if (ret) {
		msg->async_conn = NULL;
		msg->async_charge = 0;
		fipc_msg_put(msg);
		fipc_msg_put(msg);
		fipc_async_unreserve(conn, charge);
		return ret;
	}
	spin_lock(&chan->lock);
	*id = msg->id;
	/* Not yet completed onto async_done, nor reaped from there. */
	if (list_empty(&msg->async_node) && msg->state != FIPC_MSG_DONE)
		list_add_tail(&msg->async_node, &conn->async_pending);
	spin_unlock(&chan->lock);
	fipc_msg_put(msg);
	return 0;
}

/**
 * fipc_async_done_locked() - Park a completed asynchronous call on its
 *	connection's completions and wake REAP and poll.
 * @chan: the channel, locked.
 * @msg: the call, its result set; its async_conn is set.
 */
void fipc_async_done_locked(struct fipc_chan *chan, struct fipc_msg *msg)
{
	struct fipc_conn *conn = msg->async_conn;

	lockdep_assert_held(&chan->lock);
	list_move_tail(&msg->async_node, &conn->async_done);
	wake_up_interruptible_poll(&conn->async_wq, EPOLLIN | EPOLLRDNORM);
}

/**
 * fipc_async_ready_locked() - Whether a completion waits to be reaped.
 * @conn: the connection; its channel is locked.
 *
 * Return: true if REAP would find a completion.
 */
bool fipc_async_ready_locked(struct fipc_conn *conn)
{
	lockdep_assert_held(&conn->chan->lock);
	return !list_empty(&conn->async_done);
}

/* REAP's wait: a completion, or nothing outstanding at all. */
static bool fipc_reap_cond(void *arg)
{
	struct fipc_conn *conn = arg;

	return !list_empty(&conn->async_done) || !conn->nr_async;
}

/*
 * Take the oldest completion off @conn's list into *@msgp (the list's
 * reference passes to the caller), or fill @r with why not.
 */
static int fipc_reap_take(struct fipc_conn *conn, struct fastipc_reap *r,
			  const struct fipc_deadline *dl, struct fipc_msg **msgp)
{
	struct fipc_chan *chan = conn->chan;
	struct fipc_msg *msg;
	int ret;

	spin_lock(&chan->lock);
	ret = fipc_wait_locked(&conn->async_wq, &chan->lock, fipc_reap_cond,
			       conn, dl, true, false);
	if (!ret && list_empty(&conn->async_done))
		ret = -ENOENT;
	if (ret)
		goto unlock;
	msg = list_first_entry(&conn->async_done, struct fipc_msg, async_node);
	r->msg_id = msg->id;
	r->error = msg->result;
	if (!msg->result) {
		r->rep_len = msg->reply_len;
		r->status = msg->status;
		r->rep_need = msg->reply_need;
		r->rep_desc = msg->reply_desc;
	}
	if (r->rep_len > r->rep_cap) {
		ret = -EMSGSIZE;
		goto unlock;
	}
	list_del_init(&msg->async_node);
	*msgp = msg;
unlock:
	spin_unlock(&chan->lock);
	return ret;
}

/* Put back a completion whose delivery failed: it is still the oldest. */
static void fipc_reap_putback(struct fipc_conn *conn, struct fipc_msg *msg)
{
	struct fipc_chan *chan = conn->chan;

	spin_lock(&chan->lock);
	list_add(&msg->async_node, &conn->async_done);
	wake_up_interruptible_poll(&conn->async_wq, EPOLLIN | EPOLLRDNORM);
	spin_unlock(&chan->lock);
}

/* The reaped call leaves the connection: its slot, charge and reference. */
static void fipc_reap_finish(struct fipc_conn *conn, struct fipc_msg *msg)
{
	struct fipc_chan *chan = conn->chan;

	spin_lock(&chan->lock);
	fipc_async_put_slot_locked(conn);
	msg->async_conn = NULL;
	spin_unlock(&chan->lock);
	fipc_async_uncharge(msg);
	fipc_msg_put(msg);
}

static int fipc_reap_check(const struct fastipc_reap *r)
{
	if (r->flags & ~FIPC_WAIT_FLAGS || r->pad || r->pad2)
		return -EINVAL;
	return 0;
}

/**
 * fipc_async_reap() - FASTIPC_IOC_REAP: collect the oldest completion.
 * @file: the connection fd.
 * @cmd: the ioctl number.
 * @arg: pointer to a struct fastipc_reap.
 *
 * The struct is written back on success and on error (-EMSGSIZE says the
 * reply's size in rep_len). A completion whose reply or struct cannot be
 * written stays, to be reaped again.
 *
 * Return: 0, or -EAGAIN, -ETIMEDOUT, -EINTR, -ENOENT (nothing
 * outstanding), -EMSGSIZE, -EFAULT, -EINVAL.
 */
long fipc_async_reap(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct fipc_conn *conn = file->private_data;
	struct fipc_msg *msg = NULL;
	struct fipc_deadline dl;
	struct fastipc_reap r;
	int ret, out;

	ret = fipc_args_in(&r, sizeof(r), FASTIPC_REAP_SIZE_VER0, cmd, arg);
	if (ret)
		return ret;
	ret = fipc_reap_check(&r);
	if (!ret)
		ret = fipc_deadline_init(&dl, r.flags, r.timeout_ns, file);
	if (ret)
		return ret;
	r.msg_id = 0;
	r.rep_len = 0;
	r.status = 0;
	r.error = 0;
	r.rep_need = 0;
	memset(&r.rep_desc, 0, sizeof(r.rep_desc));
	/* An argument we could not write back would lose the completion. */
	ret = fipc_args_out(cmd, arg, &r, sizeof(r));
	if (ret)
		return ret;
	ret = fipc_reap_take(conn, &r, &dl, &msg);
	if (!ret && r.rep_len &&
	    copy_to_user(u64_to_user_ptr(r.rep_ptr), msg->reply, r.rep_len))
		ret = -EFAULT;
	out = fipc_args_out(cmd, arg, &r, sizeof(r));
	if (msg) {
		if (ret || out)
			fipc_reap_putback(conn, msg);
		else
			fipc_reap_finish(conn, msg);
	}
	return ret ?: out;
}

/* A call of @conn not yet complete, by id. */
static struct fipc_msg *fipc_async_find_locked(struct fipc_conn *conn, u64 id)
{
	struct fipc_msg *msg;

	lockdep_assert_held(&conn->chan->lock);
	list_for_each_entry(msg, &conn->async_pending, async_node)
		if (msg->id == id)
			return msg;
	return NULL;
}

/**
 * fipc_async_cancel() - FASTIPC_IOC_CANCEL: give up an asynchronous call.
 * @file: the connection fd.
 * @cmd: the ioctl number.
 * @arg: pointer to a struct fastipc_cancel.
 *
 * The call completes at once with -ECANCELED, to be reaped.
 *
 * Return: 0, -ENOENT (no such call, or already complete), -EINVAL,
 * -EFAULT.
 */
long fipc_async_cancel(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct fipc_conn *conn = file->private_data;
	struct fipc_chan *chan = conn->chan;
	struct fastipc_cancel c;
	struct fipc_msg *msg;
	int ret;

	ret = fipc_args_in(&c, sizeof(c), FASTIPC_CANCEL_SIZE_VER0, cmd, arg);
	if (ret)
		return ret;
	if (c.flags || c.pad)
		return -EINVAL;
	spin_lock(&chan->lock);
	msg = fipc_async_find_locked(conn, c.msg_id);
	if (msg) {
		fipc_call_cancel_locked(chan, msg);
		msg->result = -ECANCELED;
		fipc_async_done_locked(chan, msg);
	}
	spin_unlock(&chan->lock);
	return msg ? 0 : -ENOENT;
}

/**
 * fipc_async_release() - Cancel and free a closing connection's
 *	asynchronous calls.
 * @conn: the connection, whose fd is being released: no ioctl runs on it.
 *
 * Queued calls leave the queue; calls in progress stay in the channel's
 * table, ABANDONED and no longer pointing at @conn, until their reply is
 * dropped or the channel ends. Every call's reply charge returns now.
 */
void fipc_async_release(struct fipc_conn *conn)
{
	struct fipc_chan *chan = conn->chan;
	struct fipc_msg *msg, *tmp;
	LIST_HEAD(drop);

	spin_lock(&chan->lock);
	list_for_each_entry(msg, &conn->async_pending, async_node)
		fipc_call_cancel_locked(chan, msg);
	list_splice_init(&conn->async_pending, &drop);
	list_splice_tail_init(&conn->async_done, &drop);
	list_for_each_entry(msg, &drop, async_node)
		msg->async_conn = NULL;
	conn->nr_async = 0;
	spin_unlock(&chan->lock);
	list_for_each_entry_safe(msg, tmp, &drop, async_node) {
		list_del_init(&msg->async_node);
		fipc_async_uncharge(msg);
		fipc_msg_put(msg);
	}
}
