// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc namespaces and the admin switch.
 *
 * Channel names and keys are scoped to the IPC namespace of the task that
 * creates or looks them up. A module cannot hold a reference to an
 * ipc_namespace (put_ipc_ns() is not exported), and a bare pointer could
 * be reused by a later namespace while a channel from a dead one still
 * lives on its fd. So a namespace is identified by its mqueue mount
 * (ipc_namespace.mq_mnt, one per namespace), which a channel pins with
 * mntget(): while any channel of a namespace lives, no other namespace
 * can have that identity. The mount outliving its namespace is a state
 * mqueue already supports (an mqd kept open across the namespace's end).
 *
 * The access parameter is the admin switch, as io_uring_disabled: 0 lets
 * everyone use fastipc, 1 only members of access_gid (and CAP_SYS_ADMIN),
 * 2 nobody. It is checked at open and again at every CHAN_CREATE and
 * CONNECT, so flipping it takes effect on fds already open.
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/ipc_namespace.h>
#include <linux/mount.h>
#include <linux/nsproxy.h>
#include <linux/sched.h>

#include "fastipc.h"

/**
 * fipc_ns_current() - The identity of the current IPC namespace.
 *
 * Only to compare with a channel's: no reference is taken. Called from
 * ioctl and netlink context, where the task has its namespaces.
 *
 * Return: the namespace's mqueue mount.
 */
struct vfsmount *fipc_ns_current(void)
{
	return current->nsproxy->ipc_ns->mq_mnt;
}

/**
 * fipc_ns_get() - Pin the identity of the current IPC namespace.
 *
 * Return: the identity, to be released with fipc_ns_put().
 */
struct vfsmount *fipc_ns_get(void)
{
	return mntget(fipc_ns_current());
}

/**
 * fipc_ns_put() - Release an identity pinned by fipc_ns_get().
 * @ns: the identity. Must be called from process context.
 */
void fipc_ns_put(struct vfsmount *ns)
{
	mntput(ns);
}

/**
 * fipc_access_check() - The admin switch, for the current task.
 *
 * Return: 0 if the task may use fastipc, else -EPERM.
 */
int fipc_access_check(void)
{
	switch (READ_ONCE(fipc_access)) {
	case 0:
		return 0;
	case 1:
		if (in_group_p(make_kgid(&init_user_ns,
					 READ_ONCE(fipc_access_gid))) ||
		    capable(CAP_SYS_ADMIN))
			return 0;
		return -EPERM;
	default:
		return -EPERM;
	}
}
