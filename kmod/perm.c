// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc permissions: SysV ipc_perm semantics on channels.
 *
 * mode's w bits let a user connect and call, its r bits let a user stat.
 * The check order is ipcperms()'s: owner or creator (effective uid), then
 * owner group or creator group (filesystem gid or a supplementary group,
 * as in_group_p() tests), then other; CAP_IPC_OWNER in the channel's user
 * namespace overrides. Changing or removing a channel takes its owner, its
 * creator or CAP_SYS_ADMIN in the channel's user namespace.
 *
 * Locking: a channel's perm is read and written under its chan->lock; the
 * capability checks run outside it (they may audit).
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/errno.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uidgid.h>
#include <linux/user_namespace.h>

#include "fastipc.h"

static struct fipc_perm fipc_perm_snapshot(struct fipc_chan *chan)
{
	struct fipc_perm perm;

	spin_lock(&chan->lock);
	perm = chan->perm;
	spin_unlock(&chan->lock);
	return perm;
}

static bool fipc_perm_is_owner(const struct fipc_perm *perm)
{
	kuid_t euid = current_euid();

	return uid_eq(euid, perm->uid) || uid_eq(euid, perm->cuid);
}

/* ipcperms() with the current credentials; @audit: may log the capability. */
static int fipc_perm_check_current(struct fipc_chan *chan, int flag,
				   bool audit)
{
	struct fipc_perm perm = fipc_perm_snapshot(chan);
	int requested = (flag >> 6) | (flag >> 3) | flag;
	int granted = perm.mode;

	if (fipc_perm_is_owner(&perm))
		granted >>= 6;
	else if (in_group_p(perm.gid) || in_group_p(perm.cgid))
		granted >>= 3;
	if (!(requested & ~granted & 0007))
		return 0;
	if (audit ? ns_capable(chan->user_ns, CAP_IPC_OWNER) :
		    ns_capable_noaudit(chan->user_ns, CAP_IPC_OWNER))
		return 0;
	return -EACCES;
}

/**
 * fipc_perm_check() - ipcperms() for a channel.
 * @chan: the channel.
 * @flag: FIPC_MAY_READ to stat, FIPC_MAY_WRITE to connect and call.
 *
 * Return: 0 if the current task may, else -EACCES.
 */
int fipc_perm_check(struct fipc_chan *chan, int flag)
{
	return fipc_perm_check_current(chan, flag, true);
}

/**
 * fipc_perm_check_cred() - ipcperms() for a channel, as other credentials.
 * @chan: the channel.
 * @flag: FIPC_MAY_READ or FIPC_MAY_WRITE.
 * @cred: the credentials to check, e.g. an event subscriber's.
 *
 * The same rules as fipc_perm_check(), evaluated with @cred in place of
 * the current task's (override_creds(), as overlayfs checks with its
 * mounter's); the capability check is not audited and does not mark the
 * current task as having used a privilege, since the current task is not
 * the one asking.
 *
 * Return: 0 if @cred may, else -EACCES.
 */
int fipc_perm_check_cred(struct fipc_chan *chan, int flag,
			 const struct cred *cred)
{
	const struct cred *old = override_creds(cred);
	int ret = fipc_perm_check_current(chan, flag, false);

	revert_creds(old);
	return ret;
}

/**
 * fipc_perm_owner_check() - May the current task change or remove @chan?
 * @chan: the channel.
 *
 * Return: 0 for its owner, its creator or CAP_SYS_ADMIN in its user
 * namespace, else -EPERM.
 */
int fipc_perm_owner_check(struct fipc_chan *chan)
{
	struct fipc_perm perm = fipc_perm_snapshot(chan);

	if (fipc_perm_is_owner(&perm) || ns_capable(chan->user_ns, CAP_SYS_ADMIN))
		return 0;
	return -EPERM;
}

/**
 * fipc_perm_to_user() - Report a channel's perm to the current task.
 * @chan: the channel.
 * @out: filled; ids are seen through the caller's user namespace, and
 *	unmapped ones are shown as the overflow ids.
 */
void fipc_perm_to_user(struct fipc_chan *chan, struct fastipc_perm *out)
{
	struct fipc_perm perm = fipc_perm_snapshot(chan);
	struct user_namespace *ns = current_user_ns();

	memset(out, 0, sizeof(*out));
	out->uid = from_kuid_munged(ns, perm.uid);
	out->gid = from_kgid_munged(ns, perm.gid);
	out->cuid = from_kuid_munged(ns, perm.cuid);
	out->cgid = from_kgid_munged(ns, perm.cgid);
	out->mode = perm.mode;
	out->seq = perm.seq;
	out->key = perm.key;
}

/**
 * fipc_perm_set() - Apply a CHAN_SET to a channel.
 * @chan: the channel.
 * @set: the request: flags were checked, unselected fields are zero.
 *
 * Return: 0, -EINVAL for an id not mapped in the caller's user namespace
 * or a mode above 0777, -EPERM unless fipc_perm_owner_check() allows it.
 */
int fipc_perm_set(struct fipc_chan *chan, const struct fastipc_chan_set *set)
{
	struct user_namespace *ns = current_user_ns();
	kuid_t uid = make_kuid(ns, set->uid);
	kgid_t gid = make_kgid(ns, set->gid);
	int ret;

	if ((set->flags & FASTIPC_SET_UID) && !uid_valid(uid))
		return -EINVAL;
	if ((set->flags & FASTIPC_SET_GID) && !gid_valid(gid))
		return -EINVAL;
	if (set->mode & ~0777U)
		return -EINVAL;
	ret = fipc_perm_owner_check(chan);
	if (ret)
		return ret;
	spin_lock(&chan->lock);
	if (set->flags & FASTIPC_SET_UID)
		chan->perm.uid = uid;
	if (set->flags & FASTIPC_SET_GID)
		chan->perm.gid = gid;
	if (set->flags & FASTIPC_SET_MODE)
		chan->perm.mode = set->mode;
	spin_unlock(&chan->lock);
	return 0;
}
