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
 * Locking: fipc_quota_lock (a spinlock) protects the table and every
 * entry's counters.
 */
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
 * @used: charges, indexed by enum fipc_quota_kind.
 */
struct fipc_quota {
	struct hlist_node node;
	kuid_t uid;
	u64 used[FIPC_QUOTA_KINDS];
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

static bool fipc_quota_empty(const struct fipc_quota *q)
{
	int i;

	for (i = 0; i < FIPC_QUOTA_KINDS; i++)
		if (q->used[i])
			return false;
	return true;
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

/*
 * Charge the entry of @uid, adding @new as that entry if there is none;
 * *@used tells whether @new was taken.
 */
static int fipc_quota_charge_locked(kuid_t uid, enum fipc_quota_kind kind,
				    u64 amount, struct fipc_quota *new,
				    bool *used)
{
	struct fipc_quota *q;
	u64 sum;

	lockdep_assert_held(&fipc_quota_lock);
	q = fipc_quota_find(uid);
	if (!q) {
		if (!new)
			return -ENOENT;
		q = new;
		q->uid = uid;
		hash_add(fipc_quota_table, &q->node, __kuid_val(uid));
		*used = true;
	}
	if (check_add_overflow(q->used[kind], amount, &sum) ||
	    sum > fipc_quota_limit(kind)) {
		if (fipc_quota_empty(q)) {
			hash_del(&q->node);
			*used = false;
		}
		return fipc_quota_error(kind);
	}
	q->used[kind] += amount;
	return 0;
}

/**
 * fipc_quota_charge() - Charge something to a user.
 * @uid: the user.
 * @kind: what (channels, connections, region bytes, queued bytes).
 * @amount: how much: 1, or bytes.
 *
 * Allocates only for a user with no charge yet, so that charging queued
 * bytes on the send path costs one spinlock round for active users.
 *
 * Return: 0, -ENOSPC beyond user_chans_max or user_conns_max, -EDQUOT
 * beyond region_user_max, -EAGAIN beyond user_queue_bytes_max, -ENOMEM.
 */
int fipc_quota_charge(kuid_t uid, enum fipc_quota_kind kind, u64 amount)
{
	struct fipc_quota *new;
	bool used = false;
	int ret;

	spin_lock(&fipc_quota_lock);
	ret = fipc_quota_charge_locked(uid, kind, amount, NULL, &used);
	spin_unlock(&fipc_quota_lock);
	if (ret != -ENOENT)
		return ret;

	new = kzalloc(sizeof(*new), GFP_KERNEL_ACCOUNT);
	if (!new)
		return -ENOMEM;
	spin_lock(&fipc_quota_lock);
	ret = fipc_quota_charge_locked(uid, kind, amount, new, &used);
	spin_unlock(&fipc_quota_lock);
	if (!used)
		kfree(new);
	return ret;
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
	if (!WARN_ON_ONCE(!q || q->used[kind] < amount)) {
		q->used[kind] -= amount;
		if (fipc_quota_empty(q)) {
			hash_del(&q->node);
			free = q;
		}
	}
	spin_unlock(&fipc_quota_lock);
	kfree(free);
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
 * that spans several reads.
 *
 * Return: 0 once every user was reported, or what @fn returned.
 */
int fipc_quota_walk(int (*fn)(kuid_t uid, const u64 *used, void *arg),
		    void *arg, unsigned long *pos)
{
	struct fipc_quota *q;
	unsigned long i = 0;
	int bkt, ret = 0;

	spin_lock(&fipc_quota_lock);
	hash_for_each(fipc_quota_table, bkt, q, node) {
		if (i++ < *pos)
			continue;
		ret = fn(q->uid, q->used, arg);
		if (ret < 0)
			break;
		(*pos)++;
	}
	spin_unlock(&fipc_quota_lock);
	return ret < 0 ? ret : 0;
}
