// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc per-user quotas.
 *
 * Shared-memory region bytes are charged to the effective uid that
 * connected, for root and non-root alike, against the region_user_max
 * module parameter.
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
 * @region_bytes: region bytes charged.
 */
struct fipc_quota {
	struct hlist_node node;
	kuid_t uid;
	u64 region_bytes;
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

/**
 * fipc_quota_charge_region() - Charge region bytes to a user.
 * @uid: the user.
 * @bytes: the region's size.
 *
 * Return: 0, -EDQUOT beyond region_user_max, -ENOMEM.
 */
int fipc_quota_charge_region(kuid_t uid, u64 bytes)
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
	if (q->region_bytes + bytes > READ_ONCE(fipc_region_user_max))
		ret = -EDQUOT;
	else
		q->region_bytes += bytes;
	if (!q->region_bytes) {
		hash_del(&q->node);
		new = q;
	}
	spin_unlock(&fipc_quota_lock);
	kfree(new);
	return ret;
}

/**
 * fipc_quota_uncharge_region() - Return region bytes charged to a user.
 * @uid: the user.
 * @bytes: what fipc_quota_charge_region() charged.
 */
void fipc_quota_uncharge_region(kuid_t uid, u64 bytes)
{
	struct fipc_quota *q, *free = NULL;

	spin_lock(&fipc_quota_lock);
	q = fipc_quota_find(uid);
	if (!WARN_ON_ONCE(!q || q->region_bytes < bytes)) {
		q->region_bytes -= bytes;
		if (!q->region_bytes) {
			hash_del(&q->node);
			free = q;
		}
	}
	spin_unlock(&fipc_quota_lock);
	kfree(free);
}
