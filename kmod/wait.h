/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fastipc wait loop, shared by the blocking ioctls.
 *
 * Locking: fipc_wait_locked() is called and returns with the caller's
 * spinlock held, and drops it only while asleep.
 */
#ifndef _FASTIPC_WAIT_H
#define _FASTIPC_WAIT_H

#include <linux/errno.h>
#include <linux/hrtimer.h>
#include <linux/ktime.h>
#include <linux/lockdep.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/spinlock.h>
#include <linux/wait.h>

#include "fastipc.h"

/*
 * fipc_wait_locked() - Sleep until a condition holds.
 * @wq: the wait queue the condition's changes are announced on.
 * @lock: the spinlock protecting the condition; held on entry and exit.
 * @cond: the condition, evaluated with @lock held.
 * @arg: its argument.
 * @dl: the deadline.
 * @nonblock: whether @dl's non-blocking mode applies to this wait.
 * @exclusive: wait exclusively (one waiter woken per event).
 *
 * An exclusive waiter that gives up while the condition holds passes its
 * wake-up on, so no event is lost.
 *
 * Return: 0 when @cond holds, -EAGAIN if it does not and we may not sleep,
 * -ETIMEDOUT when the deadline passes, -EINTR on a signal.
 */
static inline int __must_hold(lock)
fipc_wait_locked(wait_queue_head_t *wq, spinlock_t *lock,
		 bool (*cond)(void *arg), void *arg,
		 const struct fipc_deadline *dl, bool nonblock, bool exclusive)
{
	ktime_t expires = dl->expires;
	bool expired = false;
	DEFINE_WAIT(wait);
	int ret = 0;

	lockdep_assert_held(lock);
	if (cond(arg))
		return 0;
	if (nonblock && dl->nonblock)
		return -EAGAIN;
	for (;;) {
		if (exclusive)
			prepare_to_wait_exclusive(wq, &wait, TASK_INTERRUPTIBLE);
		else
			prepare_to_wait(wq, &wait, TASK_INTERRUPTIBLE);
		if (cond(arg))
			break;
		if (signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		if (expired) {
			ret = -ETIMEDOUT;
			break;
		}
		spin_unlock(lock);
		if (expires == KTIME_MAX)
			schedule();
		else
			expired = !schedule_hrtimeout_range(&expires,
							    current->timer_slack_ns,
							    HRTIMER_MODE_ABS);
		spin_lock(lock);
	}
	finish_wait(wq, &wait);
	if (ret && exclusive && cond(arg))
		wake_up_interruptible(wq);
	return ret;
}

#endif /* _FASTIPC_WAIT_H */
