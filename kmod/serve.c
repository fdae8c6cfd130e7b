// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc server side: RECV, REPLY and REPLY_RECV on a channel fd.
 *
 * A received request moves from the channel's queue to its in-progress
 * table, where REPLY finds it by id. Payloads are copied outside the
 * channel lock; a receive whose copy-out faults puts the message back at
 * the head of the queue, so bad input loses nothing. While the channel's
 * receives are shut down (chanctl.c), a receive fails with -ESHUTDOWN and
 * leaves the queue alone.
 *
 * A receiver with nothing to receive goes idle: it puts a struct fipc_idle
 * at the head of chan->idle and sleeps on it. A sender that queues a
 * message while a receiver is idle hands the head of the queue to the
 * receiver that went idle last (last in, first out, as Binder picks its
 * threads: the pool keeps using the threads whose caches and CPUs are
 * warm, and the others stay asleep) and wakes that one alone. Among the
 * few most recently idle, one that last ran on the sender's CPU is taken
 * first: the wake-up then needs no other CPU (no IPI, no remote runqueue)
 * and the receiver runs where the sender is about to sleep. The handed
 * message is dequeued exactly as the receiver would have dequeued it, so
 * that whoever runs first cannot take it from it. poll() and epoll readers
 * are not idle receivers: they are woken on chan->recv_wq when a message
 * is queued and no idle receiver took it.
 *
 * The channel keeps an estimate of its servers' service time
 * (chan->stats.service_ns): a request is stamped when a server thread runs
 * with it and measured when it is answered, so that a caller can
 * tell whether busy-waiting for the reply would pay (conn.c).
 *
 * Locking: chan->lock, as described in chan.c; it protects chan->idle,
 * every struct fipc_idle on it, and the service time estimate. A struct
 * fipc_idle lives on its receiver's stack: its receiver unlinks it under
 * the lock before returning, so a sender holding the lock may touch it.
 */
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/hashtable.h>
#include <linux/lockdep.h>
#include <linux/mm.h>
#include <linux/poll.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "fastipc.h"
#include "wait.h"

#define FIPC_WAIT_FLAGS	(FASTIPC_F_NONBLOCK | FASTIPC_F_TIMEOUT)

/**
 * struct fipc_idle - A receiver asleep for want of a message.
 * @node: entry on &fipc_chan.idle, most recently idle first; empty once a
 *	sender picked it (or before it first sleeps).
 * @wq: where the receiver sleeps; woken only for it.
 * @task: the receiver, whose CPU picks it before the others
 *	(fipc_idle_pick_locked()).
 * @cap: the capacity of its receive buffer, in bytes: a message that does
 *	not fit is not handed over, only announced, and the receiver finds
 *	it at the head of the queue (and fails with -EMSGSIZE, leaving it).
 * @msg: the message handed to it, dequeued by fipc_dequeue_locked() with a
 *	reference for the receiver; NULL if none.
 *
 * All under the channel lock.
 */
struct fipc_idle {
	struct list_head node;
	wait_queue_head_t wq;
	struct task_struct *task;
	u32 cap;
	struct fipc_msg *msg;
};

/* How many of the most recently idle receivers are looked at for a CPU. */
#define FIPC_IDLE_PICK_SCAN	4

static struct fipc_msg *fipc_inflight_find_locked(struct fipc_chan *chan,
						  u64 id)
{
	struct fipc_msg *msg;

	lockdep_assert_held(&chan->lock);
	hash_for_each_possible(chan->inflight, msg, hnode, id)
		if (msg->id == id)
			return msg;
	return NULL;
}

/*
 * The receivers' wait condition: a message, or an end to waiting. The
 * shutdown state is part of it, so that CHAN_SHUTDOWN, which sets it under
 * the lock and then wakes, cannot slip between a receiver's test and its
 * sleep; the spin path polls the same condition.
 */
static bool fipc_chan_readable(void *arg)
{
	const struct fipc_chan *chan = arg;

	return READ_ONCE(chan->dead) ||
	       (READ_ONCE(chan->shut) & FASTIPC_SHUT_RECV) ||
	       !list_empty(&chan->queue);
}

/*
 * Take @msg off the queue for the receiving task @server, or for an idle
 * receiver not yet running (@server NULL: it records itself when it wakes,
 * fipc_msg_set_server_locked(), and until then a busy-waiting caller
 * counts it as on its way, as a queued request). A request enters the
 * in-progress table, which takes over the queue's reference, and the
 * receiver gets a new one; any other message hands the queue's reference
 * to the receiver.
 *
 * A request's service time is measured from the moment its server runs
 * with it, not from its hand-off: the wake-up of a sleeping server is not
 * the server's slowness, and counting it would keep a caller that slept
 * (so that the server slept too) from ever polling again.
 */
static void fipc_msg_set_server_locked(struct fipc_chan *chan,
				       struct fipc_msg *msg,
				       struct task_struct *server)
{
	lockdep_assert_held(&chan->lock);
	if (msg->type == FASTIPC_MSG_REQUEST && !msg->server) {
		WRITE_ONCE(msg->server, get_task_struct(server));
		msg->recv_ns = READ_ONCE(fipc_spin_ns) ? fipc_clock_ns() : 0;
	}
}

static void fipc_dequeue_locked(struct fipc_chan *chan, struct fipc_msg *msg,
				struct task_struct *server)
{
	lockdep_assert_held(&chan->lock);
	list_del_init(&msg->node);
	chan->nr_queued--;
	chan->bytes_queued -= msg->len;
	if (msg->type == FASTIPC_MSG_REQUEST) {
		if (server)
			fipc_msg_set_server_locked(chan, msg, server);
		WRITE_ONCE(msg->state, FIPC_MSG_INFLIGHT);
		hash_add(chan->inflight, &msg->hnode, msg->id);
		refcount_inc(&msg->ref);
	}
	fipc_chan_wake_space_locked(chan);
}

/**
 * fipc_chan_wake_space_locked() - Tell the senders and pollers waiting for
 * room in the queue that a message left it.
 * @chan: the channel, locked.
 *
 * Every such waiter joins chan->space_wq before it looks for room under
 * chan->lock (fipc_wait_locked(), fipc_conn_poll()), so with the lock held
 * an empty wait queue means no one to tell: skip the wake-up, and its
 * interrupt-disabling lock, which every received message would otherwise
 * take.
 */
void fipc_chan_wake_space_locked(struct fipc_chan *chan)
{
	lockdep_assert_held(&chan->lock);
	/* Ordered by chan->lock, which the waiter holds to join space_wq. */
	if (waitqueue_active(&chan->space_wq))
		wake_up_interruptible_poll(&chan->space_wq,
					   EPOLLOUT | EPOLLWRNORM);
}

/*
 * The idle receiver to hand a message to, from a sender running on @cpu:
 * the most recently idle one whose task last ran on @cpu, among the first
 * FIPC_IDLE_PICK_SCAN, else the most recently idle. task_cpu() of a
 * sleeping task is where the scheduler will first try to wake it; waking
 * it there from the same CPU is a local runqueue operation, where waking
 * one on the other CPU is an IPI (and, if that CPU idles, its way out of
 * idle). The scan is bounded so that a large pool costs no more than a
 * small one, and it keeps the order's point: among receivers on this
 * CPU, the one idle last is still the warmest.
 */
static struct fipc_idle *fipc_idle_pick_locked(struct fipc_chan *chan,
					       int cpu)
{
	struct fipc_idle *idle;
	int n = 0;

	lockdep_assert_held(&chan->lock);
	list_for_each_entry(idle, &chan->idle, node) {
		if (task_cpu(idle->task) == cpu)
			return idle;
		if (++n == FIPC_IDLE_PICK_SCAN)
			break;
	}
	return list_first_entry_or_null(&chan->idle, struct fipc_idle, node);
}

/**
 * fipc_chan_wake_recv_locked() - Tell the receivers the queue has a message.
 * @chan: the channel, locked, its queue not empty.
 * @sync: whether the waker is about to sleep (a caller that will wait for
 *	its reply), a hint to run the receiver on the waker's CPU.
 *
 * Picks an idle receiver (fipc_idle_pick_locked(): the one that went
 * idle last, preferring one on this CPU) and hands it the head of the
 * queue if its buffer can take it; either way that receiver alone is
 * woken. With no idle receiver, or while receives are shut down, the
 * poll()/epoll readers are woken.
 */
void fipc_chan_wake_recv_locked(struct fipc_chan *chan, bool sync)
{
	struct fipc_idle *idle;
	struct fipc_msg *msg;

	lockdep_assert_held(&chan->lock);
	/*
	 * While receives are shut down, the idle receivers were all woken
	 * to fail with -ESHUTDOWN and some may not have run yet: handing
	 * one a message would have it receive after the shutdown. The
	 * message stays queued for whoever opens receives again.
	 */
	idle = chan->shut & FASTIPC_SHUT_RECV ? NULL :
	       fipc_idle_pick_locked(chan, smp_processor_id());
	if (!idle) {
		if (sync)
			wake_up_interruptible_sync_poll(&chan->recv_wq,
							EPOLLIN | EPOLLRDNORM);
		else
			wake_up_interruptible_poll(&chan->recv_wq,
						   EPOLLIN | EPOLLRDNORM);
		return;
	}
	list_del_init(&idle->node);
	msg = list_first_entry(&chan->queue, struct fipc_msg, node);
	if (msg->len <= idle->cap) {
		fipc_dequeue_locked(chan, msg, NULL);
		idle->msg = msg;
		chan->stats.handoffs++;
	}
	if (sync)
		wake_up_interruptible_sync(&idle->wq);
	else
		wake_up_interruptible(&idle->wq);
}

/**
 * fipc_chan_wake_idle_all_locked() - Wake every idle receiver.
 * @chan: the channel, locked, whose shutdown state (or death) the
 *	receivers will find in their wait condition.
 *
 * They stay on the idle list until they unlink themselves.
 */
void fipc_chan_wake_idle_all_locked(struct fipc_chan *chan)
{
	struct fipc_idle *idle;

	lockdep_assert_held(&chan->lock);
	list_for_each_entry(idle, &chan->idle, node)
		wake_up_interruptible(&idle->wq);
}

/*
 * Sleep, idle, until a message is handed to us or the channel becomes
 * readable (a message we could not take, shutdown, death), as
 * fipc_wait_locked() but on our own entry at the head of chan->idle.
 * A message handed to us wins over a signal or the deadline, so none is
 * lost; one that is announced only is still on the queue for the next.
 */
static int __must_hold(&chan->lock)
fipc_recv_idle_locked(struct fipc_chan *chan, struct fipc_idle *idle,
		      const struct fipc_deadline *dl)
{
	ktime_t expires = dl->expires;
	bool expired = false;
	DEFINE_WAIT(wait);
	int ret = 0;

	lockdep_assert_held(&chan->lock);
	for (;;) {
		prepare_to_wait(&idle->wq, &wait, TASK_INTERRUPTIBLE);
		if (idle->msg || fipc_chan_readable(chan))
			break;
		ret = fipc_wait_stop(expired);
		if (ret)
			break;
		/* First sleep, or picked for a message another receiver took. */
		if (list_empty(&idle->node))
			list_add(&idle->node, &chan->idle);
		chan->stats.recv_sleeps++;
		expired = fipc_sleep_locked(&chan->lock, &expires);
	}
	list_del_init(&idle->node);
	finish_wait(&idle->wq, &wait);
	return ret;
}

/*
 * Wait for something to receive: on success *@msgp is a message handed to
 * us (dequeued, with our reference), or NULL to take the head of the queue.
 * On failure it may still be a handed message (the channel died since),
 * for the caller to put after unlocking.
 */
static int __must_hold(&chan->lock)
fipc_recv_wait_locked(struct fipc_chan *chan, const struct fipc_deadline *dl,
		      u32 cap, struct fipc_msg **msgp)
{
	struct fipc_idle idle = { .task = current, .cap = cap };
	int ret = 0;

	lockdep_assert_held(&chan->lock);
	*msgp = NULL;
	if (!fipc_chan_readable(chan)) {
		if (dl->nonblock)
			return -EAGAIN;
		INIT_LIST_HEAD(&idle.node);
		init_waitqueue_head(&idle.wq);
		ret = fipc_recv_idle_locked(chan, &idle, dl);
		*msgp = idle.msg;
		if (idle.msg) {
			fipc_msg_set_server_locked(chan, idle.msg, current);
			return chan->dead;
		}
	}
	if (!ret)
		ret = chan->dead;
	if (!ret && chan->shut & FASTIPC_SHUT_RECV)
		ret = -ESHUTDOWN;
	return ret;
}

/*
 * Undo fipc_dequeue_locked() after a failed copy-out. A request that left
 * the in-progress table meanwhile (answered, or completed by shutdown) is
 * someone else's; an abandoned one, or any message of a dead channel, is
 * dropped.
 */
static void fipc_requeue(struct fipc_chan *chan, struct fipc_msg *msg)
{
	bool request = msg->type == FASTIPC_MSG_REQUEST;

	spin_lock(&chan->lock);
	if (request) {
		if (hlist_unhashed(&msg->hnode))
			goto unlock;
		hash_del(&msg->hnode);
		if (chan->dead || msg->state == FIPC_MSG_ABANDONED) {
			refcount_dec(&msg->ref);	/* the table's */
			goto unlock;
		}
	} else {
		if (chan->dead)
			goto unlock;
		refcount_inc(&msg->ref);		/* the queue's */
	}
	WRITE_ONCE(msg->state, FIPC_MSG_QUEUED);
	list_add(&msg->node, &chan->queue);
	chan->nr_queued++;
	chan->bytes_queued += msg->len;
	fipc_chan_wake_recv_locked(chan, false);
unlock:
	spin_unlock(&chan->lock);
}

/*
 * Whether a receiver's busy-wait may pay: not while another receiver is
 * asleep on chan->idle. A new message is handed to that one (the receiver
 * idle last), so the queue we poll stays empty: the poll would burn its
 * whole spin_ns and miss. A lockless hint (chan->idle changes under the
 * lock); a receiver that goes idle during the poll ends it.
 */
static bool fipc_recv_spin_worth(void *arg)
{
	struct fipc_chan *chan = arg;

	return list_empty(&chan->idle);
}

/*
 * Receive one message into @s. On success *@msgp keeps a reference to it,
 * so that the caller can put it back if @s cannot be written back. With
 * @spin (a REPLY_RECV, whose caller is likely to call again soon), first
 * busy-wait a bounded time for a message, unless non-blocking or another
 * receiver is idle (fipc_recv_spin_worth()).
 */
static int fipc_serve_recv(struct fipc_chan *chan, struct fastipc_serve *s,
			   const struct fipc_deadline *dl, bool spin,
			   struct fipc_msg **msgp)
{
	enum fipc_spin_result spun = FIPC_SPIN_NONE;
	struct fipc_msg *msg;
	int ret;

	if (spin && !dl->nonblock && fipc_recv_spin_worth(chan))
		spun = fipc_spin(fipc_chan_readable, fipc_recv_spin_worth,
				 chan, dl);
	spin_lock(&chan->lock);
	fipc_spin_count(&chan->lock, spun, &chan->stats.recv_polls_hit,
			&chan->stats.recv_polls_missed);
	ret = fipc_recv_wait_locked(chan, dl, s->buf_cap, &msg);
	if (ret) {
		spin_unlock(&chan->lock);
		fipc_msg_put(msg);
		return ret;
	}
	if (!msg) {
		msg = list_first_entry(&chan->queue, struct fipc_msg, node);
		if (msg->len > s->buf_cap) {
			fipc_msg_fill_hdr(msg, &s->hdr);
			s->desc = msg->desc;
			spin_unlock(&chan->lock);
			return -EMSGSIZE;
		}
		fipc_dequeue_locked(chan, msg, current);
	}
	spin_unlock(&chan->lock);
	/* Ours now, and what the header shows was set before it was queued. */
	fipc_msg_fill_hdr(msg, &s->hdr);
	s->desc = msg->desc;

	if (msg->len && copy_to_user(u64_to_user_ptr(s->buf_ptr), msg->data,
				     msg->len)) {
		fipc_requeue(chan, msg);
		fipc_msg_put(msg);
		return -EFAULT;
	}
	s->out_flags |= FASTIPC_SERVE_RECEIVED;
	*msgp = msg;
	return 0;
}

/*
 * Copy the reply payload in: a small one into @stage, on the caller's
 * stack, from where it goes into the request's inline room; a larger one
 * into a new buffer the request will own.
 */
static void *fipc_reply_copy_in(const struct fastipc_serve *s, void *stage)
{
	void *buf;

	if (!s->reply_len)
		return NULL;
	if (s->reply_len <= FIPC_REPLY_INLINE) {
		if (copy_from_user(stage, u64_to_user_ptr(s->reply_ptr),
				   s->reply_len))
			return ERR_PTR(-EFAULT);
		return stage;
	}
	buf = kvmalloc(s->reply_len, FIPC_GFP_PAYLOAD);
	if (!buf)
		return ERR_PTR(-ENOMEM);
	if (copy_from_user(buf, u64_to_user_ptr(s->reply_ptr), s->reply_len)) {
		kvfree(buf);
		return ERR_PTR(-EFAULT);
	}
	return buf;
}

/*
 * Give @msg its reply payload @buf from fipc_reply_copy_in(): a staged one
 * is copied into the inline room, which fits it (@len is at most
 * msg->reply_max and FIPC_REPLY_INLINE); a buffer is handed over.
 * Called under the channel lock, which protects the message.
 */
static void fipc_reply_set(struct fipc_msg *msg, void *buf, u32 len)
{
	msg->reply_len = len;
	if (len <= FIPC_REPLY_INLINE) {
		if (len)
			memcpy(msg->reply, buf, len);
		return;
	}
	msg->reply = buf;
	msg->reply_kv = true;
}

/* A sample larger than this counts as this: slow is slow enough. */
#define FIPC_SERVICE_NS_MAX	(10 * NSEC_PER_SEC)

/*
 * Add the service time of @msg, answered at @now (fipc_clock_ns(), 0 if
 * not read), to the channel's estimate: a moving average in which each
 * answered request weighs 1/8, so that a server that turns slow is seen
 * after a request or two, and one that turns fast after some tens.
 */
static void fipc_service_sample_locked(struct fipc_chan *chan,
				       const struct fipc_msg *msg, u64 now)
{
	s64 est = chan->stats.service_ns;
	u64 ns;

	lockdep_assert_held(&chan->lock);
	if (!now || !msg->recv_ns || now < msg->recv_ns)
		return;
	ns = min_t(u64, now - msg->recv_ns, FIPC_SERVICE_NS_MAX);
	est = est ? est + ((s64)ns - est) / 8 : (s64)ns;
	WRITE_ONCE(chan->stats.service_ns, max_t(s64, est, 1));
}

/*
 * Mark an answered request DONE and wake its caller, or for an
 * asynchronous call, park it on its connection's completions. A caller
 * joins msg->wq under chan->lock before it looks for DONE
 * (fipc_call_wait()), so one that is not on it yet (still polling, or
 * about to take the lock) will see DONE itself: no wake-up to pay for.
 */
static void fipc_reply_complete_locked(struct fipc_chan *chan,
				       struct fipc_msg *msg, bool sync)
{
	lockdep_assert_held(&chan->lock);
	msg->result = 0;
	WRITE_ONCE(msg->state, FIPC_MSG_DONE);
	if (msg->async_conn) {
		fipc_async_done_locked(chan, msg);
		return;
	}
	/* Ordered by chan->lock, which the waiter holds to join msg->wq. */
	if (!waitqueue_active(&msg->wq))
		return;
	if (sync)
		wake_up_interruptible_sync(&msg->wq);
	else
		wake_up_interruptible(&msg->wq);
}

/*
 * Deliver a reply, or with FASTIPC_F_REPLY_NEED only the length the reply
 * needs (no payload: reply_len is not a length to copy, so it is checked
 * against neither msg_max nor the caller's reply_max). The request leaves
 * the in-progress table only when the reply is taken or dropped: on
 * -EMSGSIZE, -ENOBUFS or -EFAULT the server may answer it again.
 */
static int fipc_serve_reply(struct fipc_chan *chan, struct fastipc_serve *s,
			    bool sync)
{
	struct fipc_msg *msg, *done = NULL;
	u8 stage[FIPC_REPLY_INLINE];
	bool need;
	void *buf;
	int ret = 0;
	u64 now;

	need = s->flags & FASTIPC_F_REPLY_NEED;
	if (!need && s->reply_len > chan->msg_max)
		return -EMSGSIZE;
	buf = need ? NULL : fipc_reply_copy_in(s, stage);
	if (IS_ERR(buf))
		return PTR_ERR(buf);

	now = READ_ONCE(fipc_spin_ns) ? fipc_clock_ns() : 0;
	spin_lock(&chan->lock);
	msg = chan->dead ? NULL : fipc_inflight_find_locked(chan, s->reply_id);
	if (chan->dead) {
		ret = chan->dead;
	} else if (!msg) {
		ret = -ENOENT;
	} else if (msg->state == FIPC_MSG_ABANDONED) {
		hash_del(&msg->hnode);
		chan->stats.dropped_replies++;
		s->out_flags |= FASTIPC_SERVE_REPLY_DROPPED;
		done = msg;
	} else if (!need && s->reply_len > msg->reply_max) {
		ret = -ENOBUFS;
	} else if (fipc_desc_check(&s->reply_desc, FASTIPC_AREA_S2C,
				   msg->area_size)) {
		ret = -EINVAL;
	} else {
		hash_del(&msg->hnode);
		if (need) {
			msg->reply_need = s->reply_len;
		} else {
			fipc_reply_set(msg, buf, s->reply_len);
			buf = NULL;
			chan->stats.bytes_copied += s->reply_len;
		}
		msg->status = s->reply_status;
		msg->reply_desc = s->reply_desc;
		chan->stats.bytes_shm += s->reply_desc.len;
		chan->stats.replies++;
		fipc_service_sample_locked(chan, msg, now);
		/*
		 * Not the last reference: until it sees its request DONE,
		 * its caller (a thread, or an asynchronous call's list) holds
		 * one, and it gives it up only under this lock (abandoning
		 * the request). Dropped before the caller can see DONE, so
		 * that the caller's own put frees a request slot (msg.c) for
		 * its next call.
		 */
		refcount_dec(&msg->ref);	/* the table's */
		fipc_reply_complete_locked(chan, msg, sync);
		s->out_flags |= FASTIPC_SERVE_REPLIED;
	}
	spin_unlock(&chan->lock);
	if (buf != stage)
		kvfree(buf);
	fipc_msg_put(done);
	return ret;
}

static int fipc_serve_check(const struct fastipc_serve *s, bool reply,
			    bool recv)
{
	if (s->flags & ~(FIPC_WAIT_FLAGS | FASTIPC_F_REPLY_NEED) || s->pad)
		return -EINVAL;
	/* A need carries no payload: no pointer, no descriptor. */
	if (s->flags & FASTIPC_F_REPLY_NEED &&
	    (!reply || s->reply_ptr || s->reply_desc.area ||
	     s->reply_desc.offset || s->reply_desc.len))
		return -EINVAL;
	if (!reply && (s->reply_id || s->reply_ptr || s->reply_len ||
		       s->reply_status || s->reply_desc.area ||
		       s->reply_desc.offset || s->reply_desc.len))
		return -EINVAL;
	if (!recv && (s->buf_ptr || s->buf_cap))
		return -EINVAL;
	return 0;
}

static long fipc_serve(struct file *file, unsigned int cmd, unsigned long arg,
		       bool reply, bool recv)
{
	struct fipc_chan *chan = file->private_data;
	struct fipc_msg *msg = NULL;
	struct fipc_deadline dl;
	struct fastipc_serve s;
	int ret, out;

	ret = fipc_args_in(&s, sizeof(s), FASTIPC_SERVE_SIZE_VER0, cmd, arg);
	if (ret)
		return ret;
	ret = fipc_serve_check(&s, reply, recv);
	if (!ret)
		ret = fipc_deadline_init(&dl, s.flags, s.timeout_ns, file);
	if (ret)
		return ret;
	s.out_flags = 0;
	memset(&s.hdr, 0, sizeof(s.hdr));
	memset(&s.desc, 0, sizeof(s.desc));
	/*
	 * Not probed for writing: the struct was just read, and a probe is a
	 * second user copy on every request. If the final write-back fails,
	 * a received message is put back at the head of the queue
	 * (fipc_requeue()) and a delivered reply stays delivered.
	 */
	if (reply)
		ret = fipc_serve_reply(chan, &s, recv);
	/*
	 * A dropped reply ends a REPLY_RECV at once: its server may hold what
	 * the reply used (a record of the caller's ring), which nobody will
	 * read, and learns so only when this ioctl returns. An idle receiver
	 * may sleep for as long as the others take every message.
	 */
	if (!ret && recv && !(s.out_flags & FASTIPC_SERVE_REPLY_DROPPED))
		ret = fipc_serve_recv(chan, &s, &dl, reply, &msg);
	out = fipc_args_out(cmd, arg, &s, sizeof(s));
	if (msg) {
		if (out)
			fipc_requeue(chan, msg);
		else
			fipc_msg_received(msg);
		fipc_msg_put(msg);
	}
	return ret ?: out;
}

static long fipc_chan_conn_region(struct file *file, unsigned int cmd,
				  unsigned long arg)
{
	struct fipc_chan *chan = file->private_data;
	struct fastipc_conn_region cr;
	struct fipc_region *reg;
	struct file *rfile;
	int ret, fd;

	ret = fipc_args_in(&cr, sizeof(cr), FASTIPC_CONN_REGION_SIZE_VER0, cmd,
			   arg);
	if (ret)
		return ret;
	if (cr.flags || cr.pad)
		return -EINVAL;
	spin_lock(&chan->lock);
	ret = chan->dead ?: fipc_conn_region_locked(chan, cr.conn_id, &reg);
	spin_unlock(&chan->lock);
	if (ret)
		return ret;
	fipc_region_layout(reg, &cr.layout);
	fd = get_unused_fd_flags(O_CLOEXEC);
	rfile = fd < 0 ? ERR_PTR(fd) : fipc_region_file(reg);
	if (IS_ERR(rfile)) {
		if (fd >= 0)
			put_unused_fd(fd);
		fipc_region_put(reg);
		return PTR_ERR(rfile);
	}
	ret = fipc_args_out(cmd, arg, &cr, sizeof(cr));
	if (ret) {
		fput(rfile);
		put_unused_fd(fd);
		return ret;
	}
	fd_install(fd, rfile);
	return fd;
}

/**
 * fipc_chan_ioctl() - ioctl() on a channel fd.
 * @file: the channel fd.
 * @cmd: FASTIPC_IOC_RECV, FASTIPC_IOC_REPLY, FASTIPC_IOC_REPLY_RECV,
 *	FASTIPC_IOC_CONN_REGION, FASTIPC_IOC_CHAN_INFO or
 *	FASTIPC_IOC_CHAN_SHUTDOWN.
 * @arg: pointer to a struct fastipc_serve, struct fastipc_conn_region,
 *	struct fastipc_chan_info or struct fastipc_chan_shutdown.
 *
 * Return: 0, a region fd for CONN_REGION, or -errno as documented in the
 * uapi header; -ENOTTY for any other ioctl.
 */
long fipc_chan_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	switch (FIPC_IOC_BASE(cmd)) {
	case FIPC_IOC_BASE(FASTIPC_IOC_RECV):
		return fipc_serve(file, cmd, arg, false, true);
	case FIPC_IOC_BASE(FASTIPC_IOC_REPLY):
		return fipc_serve(file, cmd, arg, true, false);
	case FIPC_IOC_BASE(FASTIPC_IOC_REPLY_RECV):
		return fipc_serve(file, cmd, arg, true, true);
	case FIPC_IOC_BASE(FASTIPC_IOC_CONN_REGION):
		return fipc_chan_conn_region(file, cmd, arg);
	case FIPC_IOC_BASE(FASTIPC_IOC_CHAN_INFO):
		return fipc_chanctl_info(file, cmd, arg);
	case FIPC_IOC_BASE(FASTIPC_IOC_CHAN_SHUTDOWN):
		return fipc_chanctl_shutdown(file, cmd, arg);
	default:
		return -ENOTTY;
	}
}
