// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc waiting: deadlines for the blocking ioctls. The wait loop itself
 * is fipc_wait_locked() in wait.h.
 */
#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/ktime.h>

#include "fastipc.h"

/**
 * fipc_deadline_init() - Turn an ioctl's wait flags into a deadline.
 * @dl: the deadline to fill.
 * @flags: the ioctl's flags (FASTIPC_F_*; others are checked by the caller).
 * @timeout_ns: relative timeout in nanoseconds, used with FASTIPC_F_TIMEOUT.
 * @file: the file the ioctl came through, for O_NONBLOCK.
 *
 * A timeout too large to represent means no timeout.
 *
 * Return: 0, or -EINVAL for a non-zero @timeout_ns without FASTIPC_F_TIMEOUT.
 */
int fipc_deadline_init(struct fipc_deadline *dl, u32 flags, u64 timeout_ns,
		       const struct file *file)
{
	ktime_t now;

	dl->nonblock = (flags & FASTIPC_F_NONBLOCK) ||
		       (file->f_flags & O_NONBLOCK);
	dl->expires = KTIME_MAX;
	if (!(flags & FASTIPC_F_TIMEOUT))
		return timeout_ns ? -EINVAL : 0;
	now = ktime_get();
	if (timeout_ns < (u64)(KTIME_MAX - now))
		dl->expires = ktime_add_ns(now, timeout_ns);
	return 0;
}
