// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc channel control on the channel fd: CHAN_INFO and CHAN_SHUTDOWN.
 *
 * Holding the channel fd is the permission for both: it is the server's
 * capability, whoever it was passed to. Neither checks a mode bit.
 *
 * CHAN_SHUTDOWN sets chan->shut, which is part of the receivers' wait
 * condition (fipc_chan_readable() in serve.c): a receiver tests it under
 * chan->lock after queueing itself on its idle entry (chan->idle; a poller
 * on chan->recv_wq), and the shutdown sets
 * it under the same lock before waking every receiver, so a receiver
 * either sees the state or is woken by it; none sleeps through it. The
 * busy-wait before sleeping reads it with READ_ONCE() as a hint and
 * rechecks it under the lock.
 *
 * Locking: chan->lock, as described in chan.c; nothing else.
 */
#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/wait.h>

#include "fastipc.h"

#define FIPC_SHUT_BITS	FASTIPC_SHUT_RECV

/**
 * fipc_chanctl_info() - FASTIPC_IOC_CHAN_INFO: describe the fd's channel.
 * @file: the channel fd.
 * @cmd: the ioctl number, of any struct size.
 * @arg: pointer to a struct fastipc_chan_info.
 *
 * Also answers for a removed channel: its limits, id, key and name stay
 * those it was created with, @nr_conns counts the connection fds still
 * open on it and @shut the last state set.
 *
 * Return: 0, or -EINVAL (non-zero flags, struct too small), -E2BIG,
 * -EFAULT.
 */
long fipc_chanctl_info(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct fipc_chan *chan = file->private_data;
	struct fastipc_chan_info ci;
	int ret;

	ret = fipc_args_in(&ci, sizeof(ci), FASTIPC_CHAN_INFO_SIZE_VER0, cmd,
			   arg);
	if (ret)
		return ret;
	if (ci.flags)
		return -EINVAL;
	memset(&ci, 0, sizeof(ci));
	ci.msg_max = chan->msg_max;
	ci.queue_msgs_max = chan->queue_msgs_max;
	ci.queue_bytes_max = chan->queue_bytes_max;
	ci.id = chan->id;
	memcpy(ci.name, chan->name, sizeof(ci.name));
	spin_lock(&chan->lock);
	ci.nr_conns = chan->nr_conns;
	ci.shut = chan->shut;
	ci.key = chan->perm.key;
	spin_unlock(&chan->lock);
	return fipc_args_out(cmd, arg, &ci, sizeof(ci));
}

/**
 * fipc_chanctl_shutdown() - FASTIPC_IOC_CHAN_SHUTDOWN: set the channel's
 * receive-shutdown state.
 * @file: the channel fd.
 * @cmd: the ioctl number, of any struct size.
 * @arg: pointer to a struct fastipc_chan_shutdown.
 *
 * With FASTIPC_SHUT_RECV, every receiver sleeping on the channel is woken
 * (every idle receiver, and the pollers) and finds the state in its wait
 * condition; queued messages stay. Clearing the state wakes no one: no
 * receiver can be asleep while it is set.
 *
 * Return: 0, or -EINVAL (unknown bits or flags, struct too small), -E2BIG,
 * -EFAULT, -EIDRM (the channel was removed).
 */
long fipc_chanctl_shutdown(struct file *file, unsigned int cmd,
			   unsigned long arg)
{
	struct fipc_chan *chan = file->private_data;
	struct fastipc_chan_shutdown cs;
	int ret;

	ret = fipc_args_in(&cs, sizeof(cs), FASTIPC_CHAN_SHUTDOWN_SIZE_VER0,
			   cmd, arg);
	if (ret)
		return ret;
	if (cs.flags || cs.shut & ~FIPC_SHUT_BITS)
		return -EINVAL;
	spin_lock(&chan->lock);
	ret = chan->dead;
	if (!ret) {
		WRITE_ONCE(chan->shut, cs.shut);
		if (cs.shut & FASTIPC_SHUT_RECV) {
			fipc_chan_wake_idle_all_locked(chan);
			wake_up_interruptible_all(&chan->recv_wq);
		}
	}
	spin_unlock(&chan->lock);
	/* A channel fd's channel dies only by RMID while the fd is open. */
	return ret;
}
