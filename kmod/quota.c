// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc per-user quotas.
 *
 * Channels and connections are charged to the effective uid that created
 * them, shared-memory region bytes to the uid that connected, for root and
 * non-root alike: user_chans_max and user_conns_max give -ENOSPC, like
 * msgget() at msgmni, and region_user_max gives -EDQUOT.
 *
 * Locking: fipc_quota_lock (a spinlock) protects the table and every
 * entry's counters.
 */
#include <linux/hashtable.h>
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

/**
 * fipc_quota_charge() - Charge something to a user.
 * @uid: the user.
 * @kind: what (channels, connections, region bytes).
 * @amount: how much: 1, or the region's size in bytes.
 *
 * Return: 0, -ENOSPC beyond user_chans_max or user_conns_max, -EDQUOT
 * beyond region_user_max, -ENOMEM.
 */
int fipc_quota_charge(kuid_t uid, enum fipc_quota_kind kind, u64 amount)
{
	struct fipc_quota *q, *new;
	int ret = 0;

	new = kzalloc(sizeof(*new), GFP_KERNEL_ACCOUNT);
	if (!new)
		return -ENOMEM;
	spin_lock(&fipc_quota_lock);
	q = fipc_quota_find(uid);
	if (!q) {
		q = new;
		new = NULL;
		q->uid = uid;
		hash_add(fipc_quota_table, &q->node, __kuid_val(uid));
	}
	if (q->used[kind] + amount > fipc_quota_limit(kind))
		ret = kind == FIPC_QUOTA_REGION ? -EDQUOT : -ENOSPC;
	else
		q->used[kind] += amount;
	if (fipc_quota_empty(q)) {
		hash_del(&q->node);
		new = q;
	}
	spin_unlock(&fipc_quota_lock);
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
