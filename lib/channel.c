// SPDX-License-Identifier: LGPL-2.1 OR MIT
/*
 * Channels: create (server side) and the msgctl() of fastipc: stat, set,
 * rmid, by name or key. Connections are in conn.c.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

int fipc_ref_fill(struct fastipc_chan_ref *ref, const char *name,
		  uint64_t key)
{
	memset(ref, 0, sizeof(*ref));
	if (name) {
		size_t len = strnlen(name, FASTIPC_NAME_MAX);

		if (len >= FASTIPC_NAME_MAX)
			return -ENAMETOOLONG;
		memcpy(ref->name, name, len);
	}
	ref->key = key;
	return 0;
}

static int fipc_opts_check(const struct fastipc_chan_opts *opts)
{
	size_t i;

	if (opts->flags)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(opts->resv); i++)
		if (opts->resv[i])
			return -EINVAL;
	return 0;
}

__public __cold int fastipc_chan_create(struct fastipc_dev *dev,
					const char *name, uint64_t key,
					uint32_t mode,
					const struct fastipc_chan_opts *opts)
{
	struct fastipc_chan_create arg;
	int ret;

	memset(&arg, 0, sizeof(arg));
	if (!name)
		return -EINVAL;
	ret = fipc_ref_fill(&arg.ref, name, key);
	if (ret < 0)
		return ret;
	arg.mode = mode;
	if (opts) {
		ret = fipc_opts_check(opts);
		if (ret < 0)
			return ret;
		arg.msg_max = opts->msg_max;
		arg.queue_msgs = opts->queue_msgs;
		arg.queue_bytes = opts->queue_bytes;
	}
	return fipc_ioctl(dev->fd, FASTIPC_IOC_CHAN_CREATE, &arg);
}

__public int fastipc_chan_stat(struct fastipc_dev *dev, const char *name,
			       uint64_t key, struct fastipc_chan_stat *st)
{
	int ret;

	memset(st, 0, sizeof(*st));
	ret = fipc_ref_fill(&st->ref, name, key);
	if (ret < 0)
		return ret;
	return fipc_ioctl(dev->fd, FASTIPC_IOC_CHAN_STAT, st);
}

__public int fastipc_chan_set(struct fastipc_dev *dev, const char *name,
			      uint64_t key, uint32_t flags, uint32_t uid,
			      uint32_t gid, uint32_t mode)
{
	struct fastipc_chan_set arg;
	int ret;

	memset(&arg, 0, sizeof(arg));
	ret = fipc_ref_fill(&arg.ref, name, key);
	if (ret < 0)
		return ret;
	arg.flags = flags;
	arg.uid = flags & FASTIPC_SET_UID ? uid : 0;
	arg.gid = flags & FASTIPC_SET_GID ? gid : 0;
	arg.mode = flags & FASTIPC_SET_MODE ? mode : 0;
	return fipc_ioctl(dev->fd, FASTIPC_IOC_CHAN_SET, &arg);
}

__public int fastipc_chan_rmid(struct fastipc_dev *dev, const char *name,
			       uint64_t key)
{
	struct fastipc_chan_rmid arg;
	int ret;

	memset(&arg, 0, sizeof(arg));
	ret = fipc_ref_fill(&arg.ref, name, key);
	if (ret < 0)
		return ret;
	return fipc_ioctl(dev->fd, FASTIPC_IOC_CHAN_RMID, &arg);
}

int fipc_chan_fd_check(int fd)
{
	struct fastipc_conn_region cr;
	int ret;

	memset(&cr, 0, sizeof(cr));
	ret = fipc_ioctl(fd, FASTIPC_IOC_CONN_REGION, &cr);
	if (ret >= 0) {
		/* No connection has id 0: a kernel that says otherwise. */
		close(ret);
		return 0;
	}
	/* A live channel has no such connection; a removed one is dead. */
	if (ret == -ENOENT || ret == -EIDRM || ret == -ECONNRESET)
		return 0;
	return ret == -EBADF ? -EBADF : -ENOTTY;
}
