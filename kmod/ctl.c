// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc control fd: the API handshake and the channel factory.
 *
 * /dev/fastipc is only a factory (the KVM pattern): it creates channel and
 * connection fds and answers the msgctl()-like STAT, SET and RMID by name
 * or key. It holds no state of its own. New fds are published last: after
 * fd_install() nothing touches the new object.
 */
#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/string.h>

#include "fastipc.h"

#define FIPC_IOCTL_BIT(cmd)	(1ULL << _IOC_NR(cmd))
#define FIPC_IOCTLS	(FIPC_IOCTL_BIT(FASTIPC_IOC_API) |		\
			 FIPC_IOCTL_BIT(FASTIPC_IOC_CHAN_CREATE) |	\
			 FIPC_IOCTL_BIT(FASTIPC_IOC_CONNECT) |		\
			 FIPC_IOCTL_BIT(FASTIPC_IOC_CHAN_STAT) |	\
			 FIPC_IOCTL_BIT(FASTIPC_IOC_CHAN_SET) |		\
			 FIPC_IOCTL_BIT(FASTIPC_IOC_CHAN_RMID) |	\
			 FIPC_IOCTL_BIT(FASTIPC_IOC_RECV) |		\
			 FIPC_IOCTL_BIT(FASTIPC_IOC_REPLY) |		\
			 FIPC_IOCTL_BIT(FASTIPC_IOC_REPLY_RECV) |	\
			 FIPC_IOCTL_BIT(FASTIPC_IOC_CONN_REGION) |	\
			 FIPC_IOCTL_BIT(FASTIPC_IOC_CHAN_INFO) |	\
			 FIPC_IOCTL_BIT(FASTIPC_IOC_CHAN_SHUTDOWN) |	\
			 FIPC_IOCTL_BIT(FASTIPC_IOC_CALL) |		\
			 FIPC_IOCTL_BIT(FASTIPC_IOC_SEND) |		\
			 FIPC_IOCTL_BIT(FASTIPC_IOC_NOTIFY) |		\
			 FIPC_IOCTL_BIT(FASTIPC_IOC_WAIT) |		\
			 FIPC_IOCTL_BIT(FASTIPC_IOC_REAP) |		\
			 FIPC_IOCTL_BIT(FASTIPC_IOC_CANCEL))
#define FIPC_SET_FLAGS	(FASTIPC_SET_UID | FASTIPC_SET_GID | FASTIPC_SET_MODE)

static u32 fipc_msg_max_default(void)
{
	return min_t(u32, FASTIPC_MSG_MAX_DEFAULT, READ_ONCE(fipc_msg_max_cap));
}

static long fipc_ctl_api(unsigned int cmd, unsigned long arg)
{
	struct fastipc_api a;
	int ret;

	ret = fipc_args_in(&a, sizeof(a), FASTIPC_API_SIZE_VER0, cmd, arg);
	if (ret)
		return ret;
	if (a.flags || (a.api && a.api != FASTIPC_API_VERSION))
		return -EINVAL;
	memset(&a, 0, sizeof(a));
	a.api = FASTIPC_API_VERSION;
	a.features = FASTIPC_FEAT_COPY | FASTIPC_FEAT_PERM |
		     FASTIPC_FEAT_REGION | FASTIPC_FEAT_DOORBELL;
	a.ioctls = FIPC_IOCTLS;
	a.msg_max_cap = READ_ONCE(fipc_msg_max_cap);
	a.msg_max_default = fipc_msg_max_default();
	a.queue_msgs_cap = READ_ONCE(fipc_queue_msgs_cap);
	a.queue_bytes_cap = READ_ONCE(fipc_queue_bytes_cap);
	return fipc_args_out(cmd, arg, &a, sizeof(a));
}

/* Replace 0 limits by their defaults and check them against the caps. */
static int fipc_create_limits(struct fastipc_chan_create *c)
{
	u32 bytes_cap = READ_ONCE(fipc_queue_bytes_cap);
	u32 msgs_cap = READ_ONCE(fipc_queue_msgs_cap);

	if (!c->msg_max)
		c->msg_max = fipc_msg_max_default();
	if (!c->queue_msgs)
		c->queue_msgs = min_t(u32, FASTIPC_QUEUE_MSGS_DEFAULT, msgs_cap);
	if (!c->queue_bytes)
		c->queue_bytes = min(max_t(u32, FASTIPC_QUEUE_BYTES_DEFAULT,
					   c->msg_max), bytes_cap);
	if (c->msg_max > READ_ONCE(fipc_msg_max_cap) ||
	    c->queue_msgs > msgs_cap || !c->queue_msgs ||
	    c->queue_bytes > bytes_cap || c->queue_bytes < c->msg_max)
		return -EINVAL;
	return 0;
}

static long fipc_ctl_create(unsigned int cmd, unsigned long arg)
{
	struct fastipc_chan_create c;
	struct fipc_chan *chan;
	int ret, fd;

	ret = fipc_args_in(&c, sizeof(c), FASTIPC_CHAN_CREATE_SIZE_VER0, cmd,
			   arg);
	if (ret)
		return ret;
	if (c.flags || c.pad || c.mode & ~0777U)
		return -EINVAL;
	ret = fipc_name_check(c.ref.name);
	if (!ret)
		ret = fipc_create_limits(&c);
	if (!ret)
		ret = fipc_access_check();
	if (!ret)
		ret = fipc_quota_charge(current_euid(), FIPC_QUOTA_CHANS, 1);
	if (ret)
		return ret;
	/* From here on, freeing the channel returns the charge. */
	chan = fipc_chan_alloc(&c);
	if (!chan) {
		fipc_quota_uncharge(current_euid(), FIPC_QUOTA_CHANS, 1);
		return -ENOMEM;
	}
	ret = fipc_registry_add(chan);
	if (ret) {
		fipc_chan_put(chan);
		return ret;
	}
	fipc_nl_chan_event(chan, FASTIPC_CMD_EVENT_CHAN_CREATED);
	fd = fipc_chan_create_fd(chan);
	if (fd < 0) {
		fipc_chan_shutdown(chan, -ECONNRESET);
		fipc_chan_put(chan);
	}
	return fd;
}

/*
 * Write CONNECT's results back, then join the channel. If the channel died
 * meanwhile, the caller's struct is restored from @orig, what it passed
 * in: a failed CONNECT writes nothing back.
 */
static int fipc_connect_finish(unsigned int cmd, unsigned long arg,
			       const struct fastipc_connect *c,
			       const struct fastipc_connect *orig,
			       struct file *file)
{
	int ret;

	/* The server hears of the connection only once it is returned. */
	ret = fipc_args_out(cmd, arg, c, sizeof(*c));
	if (ret)
		return ret;
	ret = fipc_conn_publish(file);
	if (ret)
		fipc_args_out(cmd, arg, orig, sizeof(*orig));
	return ret;
}

static long fipc_ctl_connect(unsigned int cmd, unsigned long arg)
{
	struct fastipc_connect c, orig;
	struct fipc_region *reg = NULL;
	struct fipc_chan *chan;
	struct file *file;
	int ret, fd;

	ret = fipc_args_in(&c, sizeof(c), FASTIPC_CONNECT_SIZE_VER0, cmd, arg);
	if (ret)
		return ret;
	if (c.flags || c.pad || c.pad1)
		return -EINVAL;
	ret = fipc_ref_check(&c.ref);
	if (!ret)
		ret = fipc_access_check();
	if (ret)
		return ret;
	orig = c;
	chan = fipc_registry_find(&c.ref);
	if (IS_ERR(chan))
		return PTR_ERR(chan);
	ret = fipc_perm_check(chan, FIPC_MAY_WRITE);
	if (!ret && c.region_size) {
		reg = fipc_region_create(c.region_size);
		ret = PTR_ERR_OR_ZERO(reg);
	}
	if (ret) {
		fipc_chan_put(chan);
		return ret;
	}
	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		fipc_region_put(reg);
		fipc_chan_put(chan);
		return fd;
	}
	c.msg_max = chan->msg_max;
	fipc_region_layout(reg, &c.layout);
	/* Every failure point but the channel's death precedes write-back. */
	file = fipc_conn_open(chan, reg, &c.conn_id);
	ret = PTR_ERR_OR_ZERO(file);
	if (!ret)
		ret = fipc_connect_finish(cmd, arg, &c, &orig, file);
	if (ret) {
		if (!IS_ERR(file))
			fput(file);
		put_unused_fd(fd);
		return ret;
	}
	fd_install(fd, file);
	return fd;
}

/* Look up the channel @ref names; 0 and a reference, or -errno. */
static int fipc_ctl_lookup(const struct fastipc_chan_ref *ref,
			   struct fipc_chan **chanp)
{
	struct fipc_chan *chan;
	int ret;

	ret = fipc_ref_check(ref);
	if (ret)
		return ret;
	chan = fipc_registry_find(ref);
	if (IS_ERR(chan))
		return PTR_ERR(chan);
	*chanp = chan;
	return 0;
}

static long fipc_ctl_stat(unsigned int cmd, unsigned long arg)
{
	struct fastipc_chan_stat st;
	struct fipc_chan *chan;
	int ret;

	ret = fipc_args_in(&st, sizeof(st), FASTIPC_CHAN_STAT_SIZE_VER0, cmd,
			   arg);
	if (ret)
		return ret;
	if (st.flags || st.pad)
		return -EINVAL;
	ret = fipc_ctl_lookup(&st.ref, &chan);
	if (ret)
		return ret;
	ret = fipc_perm_check(chan, FIPC_MAY_READ);
	if (!ret)
		fipc_chan_stat(chan, &st);
	fipc_chan_put(chan);
	return ret ?: fipc_args_out(cmd, arg, &st, sizeof(st));
}

static long fipc_ctl_set(unsigned int cmd, unsigned long arg)
{
	struct fastipc_chan_set set;
	struct fipc_chan *chan;
	int ret;

	ret = fipc_args_in(&set, sizeof(set), FASTIPC_CHAN_SET_SIZE_VER0, cmd,
			   arg);
	if (ret)
		return ret;
	if (!set.flags || set.flags & ~FIPC_SET_FLAGS ||
	    (!(set.flags & FASTIPC_SET_UID) && set.uid) ||
	    (!(set.flags & FASTIPC_SET_GID) && set.gid) ||
	    (!(set.flags & FASTIPC_SET_MODE) && set.mode))
		return -EINVAL;
	ret = fipc_ctl_lookup(&set.ref, &chan);
	if (ret)
		return ret;
	ret = fipc_perm_set(chan, &set);
	fipc_chan_put(chan);
	return ret;
}

static long fipc_ctl_rmid(unsigned int cmd, unsigned long arg)
{
	struct fastipc_chan_rmid rm;
	struct fipc_chan *chan;
	int ret;

	ret = fipc_args_in(&rm, sizeof(rm), FASTIPC_CHAN_RMID_SIZE_VER0, cmd,
			   arg);
	if (ret)
		return ret;
	if (rm.flags || rm.pad)
		return -EINVAL;
	ret = fipc_ctl_lookup(&rm.ref, &chan);
	if (ret)
		return ret;
	ret = fipc_perm_owner_check(chan);
	if (!ret)
		fipc_chan_shutdown(chan, -EIDRM);
	fipc_chan_put(chan);
	return ret;
}

/**
 * fipc_ctl_ioctl() - ioctl() on the control fd (/dev/fastipc).
 * @file: the control fd.
 * @cmd: a control ioctl (FASTIPC_IOC_API, _CHAN_CREATE, _CONNECT,
 *	_CHAN_STAT, _CHAN_SET or _CHAN_RMID), of any struct size.
 * @arg: pointer to its argument struct.
 *
 * Return: a new fd for CHAN_CREATE and CONNECT, else 0, or -errno as
 * documented in the uapi header; -ENOTTY for any other ioctl.
 */
long fipc_ctl_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	switch (FIPC_IOC_BASE(cmd)) {
	case FIPC_IOC_BASE(FASTIPC_IOC_API):
		return fipc_ctl_api(cmd, arg);
	case FIPC_IOC_BASE(FASTIPC_IOC_CHAN_CREATE):
		return fipc_ctl_create(cmd, arg);
	case FIPC_IOC_BASE(FASTIPC_IOC_CONNECT):
		return fipc_ctl_connect(cmd, arg);
	case FIPC_IOC_BASE(FASTIPC_IOC_CHAN_STAT):
		return fipc_ctl_stat(cmd, arg);
	case FIPC_IOC_BASE(FASTIPC_IOC_CHAN_SET):
		return fipc_ctl_set(cmd, arg);
	case FIPC_IOC_BASE(FASTIPC_IOC_CHAN_RMID):
		return fipc_ctl_rmid(cmd, arg);
	default:
		return -ENOTTY;
	}
}
