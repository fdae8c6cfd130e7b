/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fastipc wait loop, shared by the blocking ioctls, and the bounded
 * busy-wait that CALL and REPLY_RECV try first.
 *
 * Locking: fipc_wait_locked() is called and returns with the caller's
 * spinlock held, and drops it only while asleep. fipc_spin() is called
 * without it: its condition is a lockless hint (READ_ONCE()), and the
 * caller rechecks it under the lock, through fipc_wait_locked(), and
 * counts the spin's result there (fipc_spin_count()).
 */
#ifndef _FASTIPC_WAIT_H
#define _FASTIPC_WAIT_H

#include <linux/errno.h>
#include <linux/hrtimer.h>
#include <linux/ktime.h>
#include <linux/lockdep.h>
#include <linux/processor.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/sched/signal.h>
#include <linux/sched/stat.h>
#include <linux/spinlock.h>
#include <linux/wait.h>

#include "fastipc.h"

/*
 * fipc_task_on_cpu() - Whether a task is running on a CPU that is itself
 * running (not a preempted vCPU), as mutex spinning checks its owner.
 * @t: the task; the caller holds a reference.
 *
 * Return: true if @t is on a running CPU.
 */
static inline bool fipc_task_on_cpu(struct task_struct *t)
{
#ifdef CONFIG_SMP
	return READ_ONCE(t->on_cpu) && !vcpu_is_preempted(task_cpu(t));
#else
	return false;
#endif
}

/*
 * fipc_clock_ns() - The clock of busy-waits and of service times.
 *
 * local_clock(), as the network stack's busy polling bounds its polls
 * (busy_loop_current_time()): a TSC read wherever there is a TSC, where
 * ktime_get() reads the clocksource, which is a device read (microseconds)
 * on a machine whose TSC the kernel does not trust, such as a guest under
 * emulation whose clocksource is the HPET. It is monotonic on one CPU and
 * within a bounded drift across CPUs: enough to bound a poll of
 * microseconds and to estimate how long a server takes, never to compare
 * with a deadline (ktime_get()).
 *
 * Return: nanoseconds since boot, by this CPU's clock.
 */
static inline u64 fipc_clock_ns(void)
{
	return local_clock();
}

/* What a bounded busy-wait ended with; counted in the channel's stats. */
enum fipc_spin_result {
	FIPC_SPIN_NONE,		/* no poll: spin_ns 0, or nothing to wait for */
	FIPC_SPIN_HIT,		/* the condition became true while polling */
	FIPC_SPIN_MISS,		/* gave up; the caller sleeps as usual */
	FIPC_SPIN_SKIP,		/* not tried: the answer would come too late */
};

/*
 * fipc_spin() - Busy-wait a bounded time for a condition to become true.
 * @cond: the condition, read without the lock.
 * @worth: whether spinning on may still pay, read without the lock, or
 *	NULL for always (until the time cap).
 * @arg: the argument of both.
 * @dl: the deadline; the spin ends by it too.
 *
 * Sleeping and being woken costs a context switch on each side and, for an
 * idle CPU, an IPI and the way out of the idle state: when the peer answers
 * within microseconds, polling is cheaper, as for optimistic spinning on a
 * mutex or busy polling of a socket. The spin is bounded by the spin_ns
 * module parameter (0 disables it) and ends as soon as this CPU is wanted
 * (need_resched(), or another task runnable here: the peer itself may
 * have been woken onto this CPU), a signal is pending or @worth says the
 * answer is not coming soon.
 *
 * Return: FIPC_SPIN_HIT if @cond became true while polling, FIPC_SPIN_MISS
 * if the poll gave up (then sleep as usual), FIPC_SPIN_NONE if there was
 * no poll (spin_ns is 0, or @cond already held).
 */
static inline enum fipc_spin_result fipc_spin(bool (*cond)(void *arg),
					      bool (*worth)(void *arg),
					      void *arg,
					      const struct fipc_deadline *dl)
{
	u64 ns = READ_ONCE(fipc_spin_ns);
	u64 end;

	if (!ns || cond(arg))
		return FIPC_SPIN_NONE;
	if (dl->expires != KTIME_MAX) {
		/* A timed wait: the poll ends by the deadline too. */
		s64 left = ktime_to_ns(ktime_sub(dl->expires, ktime_get()));

		ns = clamp_t(s64, left, 0, ns);
	}
	end = fipc_clock_ns() + ns;
	while (!cond(arg)) {
		if (need_resched() || !single_task_running() ||
		    signal_pending(current) || (worth && !worth(arg)) ||
		    fipc_clock_ns() > end)
			return FIPC_SPIN_MISS;
		cpu_relax();
	}
	return FIPC_SPIN_HIT;
}

/*
 * fipc_spin_count() - Count a fipc_spin() result in a channel's counters.
 * @lock: the channel's lock, held (it protects the counters).
 * @res: what fipc_spin() returned.
 * @hit: the counter of polls that ended with their condition.
 * @miss: the counter of polls that gave up.
 */
static inline void __must_hold(lock)
fipc_spin_count(spinlock_t *lock, enum fipc_spin_result res, u64 *hit,
		u64 *miss)
{
	lockdep_assert_held(lock);
	if (res == FIPC_SPIN_HIT)
		(*hit)++;
	else if (res == FIPC_SPIN_MISS)
		(*miss)++;
}

/*
 * fipc_wait_stop() - Whether a wait loop must end without its condition.
 * @expired: whether its deadline passed in its last sleep.
 *
 * Return: -EINTR on a signal, -ETIMEDOUT once expired, else 0 (sleep on).
 */
static inline int fipc_wait_stop(bool expired)
{
	if (signal_pending(current))
		return -EINTR;
	return expired ? -ETIMEDOUT : 0;
}

/*
 * fipc_sleep_locked() - Sleep once, with @lock dropped, after the task
 * was put on a wait queue and its condition found false under @lock.
 * @lock: the spinlock protecting the condition; held on entry and exit.
 * @expires: the absolute deadline (CLOCK_MONOTONIC), KTIME_MAX for none.
 *
 * Return: true if the deadline passed.
 */
static inline bool __must_hold(lock)
fipc_sleep_locked(spinlock_t *lock, ktime_t *expires)
{
	bool expired = false;

	lockdep_assert_held(lock);
	spin_unlock(lock);
	if (*expires == KTIME_MAX)
		schedule();
	else
		expired = !schedule_hrtimeout_range(expires,
						    current->timer_slack_ns,
						    HRTIMER_MODE_ABS);
	spin_lock(lock);
	return expired;
}

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
		ret = fipc_wait_stop(expired);
		if (ret)
			break;
		expired = fipc_sleep_locked(lock, &expires);
	}
	finish_wait(wq, &wait);
	if (ret && exclusive && cond(arg))
		wake_up_interruptible(wq);
	return ret;
}

#endif /* _FASTIPC_WAIT_H */
