// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc registry: channel names and keys.
 *
 * Locking: fipc_registry.lock (a mutex) protects both tables, every
 * channel's name_node, key_node and registered, and the sequence counter.
 * A channel found in the registry is returned with a reference taken under
 * the lock, so it cannot be freed between lookup and use.
 */
#include <linux/err.h>
#include <linux/hashtable.h>
#include <linux/lockdep.h>
#include <linux/mutex.h>
#include <linux/string.h>
#include <linux/stringhash.h>

#include "fastipc.h"

#define FIPC_REGISTRY_BITS	8

static struct {
	struct mutex lock;	/* protects everything here */
	DECLARE_HASHTABLE(by_name, FIPC_REGISTRY_BITS);
	DECLARE_HASHTABLE(by_key, FIPC_REGISTRY_BITS);
	struct list_head all;
	u64 next_id;
	u32 seq;
} fipc_registry = {
	.lock = __MUTEX_INITIALIZER(fipc_registry.lock),
	.all = LIST_HEAD_INIT(fipc_registry.all),
	.next_id = 1,
};

static u32 fipc_name_hash(const char *name)
{
	return full_name_hash(NULL, name, strlen(name));
}

static struct fipc_chan *fipc_find_name(const struct vfsmount *ns,
					const char *name)
{
	struct fipc_chan *chan;

	lockdep_assert_held(&fipc_registry.lock);
	hash_for_each_possible(fipc_registry.by_name, chan, name_node,
			       fipc_name_hash(name))
		if (chan->ipc_ns == ns && !strcmp(chan->name, name))
			return chan;
	return NULL;
}

static struct fipc_chan *fipc_find_key(const struct vfsmount *ns, u64 key)
{
	struct fipc_chan *chan;

	lockdep_assert_held(&fipc_registry.lock);
	hash_for_each_possible(fipc_registry.by_key, chan, key_node, key)
		if (chan->ipc_ns == ns && chan->perm.key == key)
			return chan;
	return NULL;
}

/**
 * fipc_registry_add() - Publish a channel's name and key.
 * @chan: a new channel; its name and key are valid and invariant.
 *
 * Also assigns the channel's sequence number.
 *
 * Return: 0, or -EEXIST if a live channel of the same IPC namespace has
 * the same name or key.
 */
int fipc_registry_add(struct fipc_chan *chan)
{
	u64 key = chan->perm.key;

	mutex_lock(&fipc_registry.lock);
	if (fipc_find_name(chan->ipc_ns, chan->name) ||
	    (key && fipc_find_key(chan->ipc_ns, key))) {
		mutex_unlock(&fipc_registry.lock);
		return -EEXIST;
	}
	chan->perm.seq = fipc_registry.seq++;
	chan->id = fipc_registry.next_id++;
	list_add_tail(&chan->reg_node, &fipc_registry.all);
	hash_add(fipc_registry.by_name, &chan->name_node,
		 fipc_name_hash(chan->name));
	if (key)
		hash_add(fipc_registry.by_key, &chan->key_node, key);
	chan->registered = true;
	mutex_unlock(&fipc_registry.lock);
	return 0;
}

/**
 * fipc_registry_del() - Unlink a channel's name and key, if published.
 * @chan: the channel. Idempotent.
 *
 * Return: whether it was published until now.
 */
bool fipc_registry_del(struct fipc_chan *chan)
{
	bool was;

	mutex_lock(&fipc_registry.lock);
	was = chan->registered;
	if (chan->registered) {
		hash_del(&chan->name_node);
		if (chan->perm.key)
			hash_del(&chan->key_node);
		list_del_init(&chan->reg_node);
		chan->registered = false;
	}
	mutex_unlock(&fipc_registry.lock);
	return was;
}

/**
 * fipc_registry_for_each() - Walk published channels in creation order.
 * @cursor: id of the last channel visited; updated as @fn accepts them.
 * @fn: called for each channel with an id above *@cursor, with the
 *	registry lock held; returns 0 to go on or an error to stop there.
 * @arg: its argument.
 *
 * Return: 0 after the last channel, or @fn's error.
 */
int fipc_registry_for_each(u64 *cursor,
			   int (*fn)(struct fipc_chan *chan, void *arg),
			   void *arg)
{
	struct fipc_chan *chan;
	int ret = 0;

	mutex_lock(&fipc_registry.lock);
	list_for_each_entry(chan, &fipc_registry.all, reg_node) {
		if (chan->id <= *cursor)
			continue;
		ret = fn(chan, arg);
		if (ret)
			break;
		*cursor = chan->id;
	}
	mutex_unlock(&fipc_registry.lock);
	return ret;
}

/**
 * fipc_registry_find() - Look a live channel of the current IPC namespace
 * up by name or key.
 * @ref: a reference that passed fipc_ref_check().
 *
 * Return: the channel with a reference the caller must drop with
 * fipc_chan_put(), or ERR_PTR(-ENOENT).
 */
struct fipc_chan *fipc_registry_find(const struct fastipc_chan_ref *ref)
{
	const struct vfsmount *ns = fipc_ns_current();
	struct fipc_chan *chan;

	mutex_lock(&fipc_registry.lock);
	if (ref->name[0])
		chan = fipc_find_name(ns, ref->name);
	else
		chan = fipc_find_key(ns, ref->key);
	if (chan)
		fipc_chan_get(chan);
	mutex_unlock(&fipc_registry.lock);
	return chan ?: ERR_PTR(-ENOENT);
}
