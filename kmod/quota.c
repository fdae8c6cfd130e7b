// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc per-user quotas.
 *
 * Channels and connections are charged to the effective uid that created
 * them, shared-memory region bytes to the uid that connected, and the
 * payload bytes of queued messages (requests and one-way messages, from
 * send until the message is received or freed) and the reply room of
 * asynchronous calls (from submit to reap, async.c) to the effective uid
 * that sent them,
 * for root and non-root alike: user_chans_max and user_conns_max give
 * -ENOSPC, like msgget() at msgmni, region_user_max gives -EDQUOT, and
 * user_queue_bytes_max gives -EAGAIN (the sender may retry once its
 * messages have been received; it does not wait for that).
 *
 * Each user's charges are atomic64 counters in one entry (struct
 * fipc_quota), changed with a compare-and-exchange loop so that a limit is
 * never passed, not even for a moment, by two users of one entry at once.
 * Whoever holds a pin on an entry (fipc_quota_pin(): a connection, for its
 * life, and each message charged through it) may charge and uncharge it
 * without any lock: that is the call path, whose messages are charged to
 * the connection's pinned entry when the caller's effective uid is still
 * the connection's (fipc_msg_charge()); a caller that changed its euid
 * since it connected pins its own user's entry, under the lock.
 *
 * Which pin a charge uses. A charge is returned by whoever drops the
 * message's last reference, or by the receive (fipc_msg_received()); it
 * must be made through a pin that lasts until then, or the entry could be
 * freed (or left behind empty) under a lockless uncharge. The connection's
 * own pin is not enough, not even for a synchronous call: the call's
 * message can be charged after its caller has returned and the connection
 * has been freed (the channel dies with the request queued: the caller
 * wakes and leaves while fipc_chan_shutdown() still holds it; or a server
 * has dequeued it and faults copying it out after the caller gave up), so
 * a message allocated for one call pins the entry itself (two atomics per
 * call). A connection's request slot (msg.c) pins the connection's entry
 * once, for the slot's whole life, which outlasts each of its uses and the
 * connection too when a server still holds its request: a slot call made
 * with the connection's euid is charged through that pin, with no pin of
 * its own.
 *
 * Locking: fipc_quota_lock (a spinlock) protects the table: finding,
 * adding and removing entries, and an entry's pin count going from 0 to 1
 * or from 1 to 0. An entry is freed when it has neither pins nor charges;
 * charges of an unpinned entry change only under the lock, so that test
 * is stable there.
 */
#include <linux/atomic.h>
#include <linux/hashtable.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uidgid.h>

#include "fastipc.h"

#define FIPC_QUOTA_BITS	6

/**
 * struct fipc_quota - What one user has charged.
 * @node: entry in fipc_quota_table.
 * @uid: the user.
 * @pins: connections and charged messages that hold the entry.
 * @used: charges, indexed by enum fipc_quota_kind.
 */
struct fipc_quota {
	struct hlist_node node;
	kuid_t uid;
	atomic_t pins;
	atomic64_t used[FIPC_QUOTA_KINDS];
};

static DEFINE_SPINLOCK(fipc_quota_lock);
static DEFINE_HASHTABLE(fipc_quota_table, FIPC_QUOTA_BITS);

static struct fipc_quota *fipc_quota_find(kuid_t uid)
{
	struct fipc_quota *q;

	lockdep_assert_held(&fipc_quota_lock);
	hash_for_each_possible(fipc_quota_table, q, node, __kuid_val(uid))
		if (uid_eq(q->uid, uid))
			return q;
	return NULL;
}

static u64 fipc_quota_limit(enum fipc_quota_kind kind)
{
	switch (kind) {
	case FIPC_QUOTA_CHANS:
		return READ_ONCE(fipc_user_chans_max);
	case FIPC_QUOTA_CONNS:
		return READ_ONCE(fipc_user_conns_max);
	case FIPC_QUOTA_QUEUED:
		return READ_ONCE(fipc_user_queue_bytes_max);
	default:
		return READ_ONCE(fipc_region_user_max);
	}
}

static bool fipc_quota_empty(struct fipc_quota *q)
{
	int i;

	for (i = 0; i < FIPC_QUOTA_KINDS; i++)
		if (atomic64_read(&q->used[i]))
			return false;
	return true;
}

/* Remove @q if nothing holds it any more: the caller frees what is returned. */
static struct fipc_quota *fipc_quota_reap_locked(struct fipc_quota *q)
{
	lockdep_assert_held(&fipc_quota_lock);
	if (atomic_read(&q->pins) || !fipc_quota_empty(q))
		return NULL;
	hash_del(&q->node);
	return q;
}

static int fipc_quota_error(enum fipc_quota_kind kind)
{
	switch (kind) {
	case FIPC_QUOTA_REGION:
		return -EDQUOT;
	case FIPC_QUOTA_QUEUED:
		return -EAGAIN;
	default:
		return -ENOSPC;
	}
}

/* Add @amount to a counter of @q unless that passes the limit; no lock. */
static int fipc_quota_add(struct fipc_quota *q, enum fipc_quota_kind kind,
			  u64 amount)
{
	s64 old = atomic64_read(&q->used[kind]);
	u64 sum;

	do {
		if (check_add_overflow((u64)old, amount, &sum) ||
		    sum > fipc_quota_limit(kind) || sum > S64_MAX)
			return fipc_quota_error(kind);
	} while (!atomic64_try_cmpxchg(&q->used[kind], &old, (s64)sum));
	return 0;
}

static void fipc_quota_sub(struct fipc_quota *q, enum fipc_quota_kind kind,
			   u64 amount)
{
	WARN_ON_ONCE(atomic64_sub_return(amount, &q->used[kind]) < 0);
}

/* The entry of @uid, added as @new if there is none (*@used says so). */
static struct fipc_quota *fipc_quota_get_locked(kuid_t uid,
						struct fipc_quota *new,
						bool *used)
{
	struct fipc_quota *q;

	lockdep_assert_held(&fipc_quota_lock);
	q = fipc_quota_find(uid);
	if (q || !new)
		return q;
	new->uid = uid;
	hash_add(fipc_quota_table, &new->node, __kuid_val(uid));
	*used = true;
	return new;
}

/*
 * Find or add the entry of @uid and run @fn on it under the lock: the
 * entry is removed again if @fn leaves it empty and unpinned. Allocates
 * only for a user the table does not hold.
 */
static int fipc_quota_locked_do(kuid_t uid,
				int (*fn)(struct fipc_quota *q, void *arg),
				void *arg)
{
	struct fipc_quota *q, *new = NULL, *free = NULL;
	bool used = false;
	int ret;

	for (;;) {
		spin_lock(&fipc_quota_lock);
		q = fipc_quota_get_locked(uid, new, &used);
		if (q) {
			ret = fn(q, arg);
			free = fipc_quota_reap_locked(q);
		}
		spin_unlock(&fipc_quota_lock);
		if (q || new)
			break;
		new = kzalloc(sizeof(*new), GFP_KERNEL_ACCOUNT);
		if (!new)
			return -ENOMEM;
	}
	if (!used)
		kfree(new);
	kfree(free);
	return ret;
}

struct fipc_quota_op {
	enum fipc_quota_kind kind;
	u64 amount;
	struct fipc_quota *pinned;
};

static int fipc_quota_charge_fn(struct fipc_quota *q, void *arg)
{
	struct fipc_quota_op *op = arg;

	return fipc_quota_add(q, op->kind, op->amount);
}

/**
 * fipc_quota_charge() - Charge something to a user.
 * @uid: the user.
 * @kind: what (channels, connections, region bytes, queued bytes).
 * @amount: how much: 1, or bytes.
 *
 * Takes fipc_quota_lock to find the user's entry; the call path charges
 * through a pinned entry instead (fipc_quota_charge_pinned()).
 *
 * Return: 0, -ENOSPC beyond user_chans_max or user_conns_max, -EDQUOT
 * beyond region_user_max, -EAGAIN beyond user_queue_bytes_max, -ENOMEM.
 */
int fipc_quota_charge(kuid_t uid, enum fipc_quota_kind kind, u64 amount)
{
	struct fipc_quota_op op = { .kind = kind, .amount = amount };

	return fipc_quota_locked_do(uid, fipc_quota_charge_fn, &op);
}

/**
 * fipc_quota_uncharge() - Return what fipc_quota_charge() charged.
 * @uid: the user.
 * @kind: what.
 * @amount: how much.
 */
void fipc_quota_uncharge(kuid_t uid, enum fipc_quota_kind kind, u64 amount)
{
	struct fipc_quota *q, *free = NULL;

	spin_lock(&fipc_quota_lock);
	q = fipc_quota_find(uid);
	if (!WARN_ON_ONCE(!q)) {
		fipc_quota_sub(q, kind, amount);
		free = fipc_quota_reap_locked(q);
	}
	spin_unlock(&fipc_quota_lock);
	kfree(free);
}

static int fipc_quota_pin_fn(struct fipc_quota *q, void *arg)
{
	struct fipc_quota_op *op = arg;

	atomic_inc(&q->pins);
	op->pinned = q;
	return 0;
}

/**
 * fipc_quota_pin() - Hold a user's entry, so that it can be charged
 *	without fipc_quota_lock.
 * @uid: the user.
 *
 * Return: the entry, to be released with fipc_quota_unpin(), or
 * ERR_PTR(-ENOMEM).
 */
struct fipc_quota *fipc_quota_pin(kuid_t uid)
{
	struct fipc_quota_op op = {};
	int ret;

	ret = fipc_quota_locked_do(uid, fipc_quota_pin_fn, &op);
	return ret ? ERR_PTR(ret) : op.pinned;
}

/**
 * fipc_quota_repin() - Take one more pin on an entry.
 * @q: an entry the caller holds a pin on.
 *
 * Return: @q.
 */
struct fipc_quota *fipc_quota_repin(struct fipc_quota *q)
{
	WARN_ON_ONCE(atomic_inc_return(&q->pins) < 2);
	return q;
}

/**
 * fipc_quota_unpin() - Release a pin, freeing the entry if it was the last
 *	and the user has no charges left.
 * @q: the entry, or NULL.
 */
void fipc_quota_unpin(struct fipc_quota *q)
{
	struct fipc_quota *free;

	if (!q || !atomic_dec_and_lock(&q->pins, &fipc_quota_lock))
		return;
	free = fipc_quota_reap_locked(q);
	spin_unlock(&fipc_quota_lock);
	kfree(free);
}

/**
 * fipc_quota_charge_pinned() - Charge a user through a pinned entry,
 *	without a lock.
 * @q: the user's entry, pinned by the caller.
 * @kind: what.
 * @amount: how much.
 *
 * Return: 0, or the error of fipc_quota_charge() for that kind beyond its
 * limit.
 */
int fipc_quota_charge_pinned(struct fipc_quota *q, enum fipc_quota_kind kind,
			     u64 amount)
{
	return fipc_quota_add(q, kind, amount);
}

/**
 * fipc_quota_uncharge_pinned() - Return what fipc_quota_charge_pinned()
 *	charged; the entry stays (its pin holds it).
 * @q: the user's entry, pinned by the caller.
 * @kind: what.
 * @amount: how much.
 */
void fipc_quota_uncharge_pinned(struct fipc_quota *q,
				enum fipc_quota_kind kind, u64 amount)
{
	fipc_quota_sub(q, kind, amount);
}

/**
 * fipc_quota_walk() - Report each user's charges, from the @pos-th on.
 * @fn: called for each user with fipc_quota_lock held, so it must not
 *	sleep; a negative return stops the walk at that user.
 * @arg: the argument of @fn.
 * @pos: in, users to skip; out, users done: where a resumed walk (the
 *	next part of a netlink dump) starts.
 *
 * Users come in table order, which changes only as users come and go; a
 * walk resumed after such a change may skip or repeat one, as any dump
 * that spans several reads. Each counter is read once, atomically: a
 * user's charges are what they were at one moment each, never a torn or
 * over-limit value. A user pinned but with no charge yet (a connection
 * being set up) is not reported, as before it had an entry.
 *
 * Return: 0 once every user was reported, or what @fn returned.
 */
int fipc_quota_walk(int (*fn)(kuid_t uid, const u64 *used, void *arg),
		    void *arg, unsigned long *pos)
{
	u64 used[FIPC_QUOTA_KINDS];
	struct fipc_quota *q;
	unsigned long i = 0;
	int bkt, k, ret = 0;

	spin_lock(&fipc_quota_lock);
	hash_for_each(fipc_quota_table, bkt, q, node) {
		if (fipc_quota_empty(q))
			continue;
		if (i++ < *pos)
			continue;
		for (k = 0; k < FIPC_QUOTA_KINDS; k++)
			used[k] = atomic64_read(&q->used[k]);
		ret = fn(q->uid, used, arg);
		if (ret < 0)
			break;
		(*pos)++;
	}
	spin_unlock(&fipc_quota_lock);
	return ret < 0 ? ret : 0;
}
