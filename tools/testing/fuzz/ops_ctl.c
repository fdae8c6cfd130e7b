// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc-fuzz: operations on the control fd (open, API, CHAN_CREATE,
 * CONNECT, CHAN_STAT/SET/RMID) and the table of all operations.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "fuzz.h"

#define SIZED(cmd, sz) _IOC(_IOC_DIR(cmd), _IOC_TYPE(cmd), _IOC_NR(cmd), (sz))

const struct fz_op_desc fz_ops[NR_OPS] = {
	[OP_OPEN]	 = { "open",	    op_open,	    30, 10, true },
	[OP_API]	 = { "api",	    op_api,	    20, 5,  true },
	[OP_CREATE]	 = { "chan_create", op_create,	    30, 30, true },
	[OP_CONNECT]	 = { "connect",	    op_connect,	    60, 20, true },
	[OP_STAT]	 = { "chan_stat",   op_stat,	    20, 10, true },
	[OP_SET]	 = { "chan_set",    op_set,	    10, 5,  true },
	[OP_RMID]	 = { "chan_rmid",   op_rmid,	    8,  8,  true },
	[OP_RECV]	 = { "recv",	    op_recv,	    30, 80, true },
	[OP_REPLY]	 = { "reply",	    op_reply,	    15, 40, true },
	[OP_REPLY_RECV]	 = { "reply_recv",  op_reply_recv,  15, 60, true },
	[OP_SERVE]	 = { "serve",	    op_serve,	    20, 150, false },
	[OP_CONN_REGION] = { "conn_region", op_conn_region, 20, 40, true },
	[OP_CHAN_INFO]	 = { "chan_info",   op_chan_info,   10, 15, true },
	[OP_CHAN_SHUTDOWN] = { "chan_shut", op_chan_shutdown, 5, 10, true },
	[OP_CALL]	 = { "call",	    op_call,	    100, 20, true },
	[OP_SEND]	 = { "send",	    op_send,	    50, 10, true },
	[OP_NOTIFY]	 = { "notify",	    op_notify,	    30, 30, true },
	[OP_WAIT]	 = { "wait",	    op_wait,	    30, 30, true },
	[OP_REAP]	 = { "reap",	    op_reap,	    40, 5,  true },
	[OP_CANCEL]	 = { "cancel",	    op_cancel,	    15, 5,  true },
	[OP_RAW_IOCTL]	 = { "raw_ioctl",   op_raw_ioctl,   30, 10, true },
	[OP_MMAP]	 = { "mmap",	    op_mmap,	    40, 40, false },
	[OP_MUNMAP]	 = { "munmap",	    op_munmap,	    15, 15, false },
	[OP_MPROTECT]	 = { "mprotect",    op_mprotect,    10, 10, false },
	[OP_MADVISE]	 = { "madvise",	    op_madvise,	    10, 10, false },
	[OP_SCRIBBLE]	 = { "scribble",    op_scribble,    60, 60, false },
	[OP_POLL]	 = { "poll",	    op_poll,	    25, 25, true },
	[OP_EPOLL]	 = { "epoll",	    op_epoll,	    25, 25, true },
	[OP_CLOSE]	 = { "close",	    op_close,	    45, 20, true },
	[OP_DUP]	 = { "dup",	    op_dup,	    8,  4,  true },
	[OP_FORK]	 = { "fork",	    op_fork,	    2,  1,  false },
	[OP_SIGNAL]	 = { "signal",	    op_signal,	    8,  4,  false },
	[OP_KILL]	 = { "kill",	    op_kill,	    1,  0,  false },
	[OP_EXIT]	 = { "exit",	    op_exit,	    1,  0,  false },
};

/* A control fd from the table, or a new one. */
static int ctl_fd(struct fz_thr *t)
{
	struct fz_slot s;
	int fd = fz_slot_pick(t, FZ_CTL, &s);

	if (fd >= 0 || fz_chance(t, 10))
		return fd;
	fd = open("/dev/fastipc", O_RDWR | O_CLOEXEC);
	if (fd >= 0)
		fz_slot_add(t, fd, FZ_CTL, 0, NULL);
	return fd;
}

int op_open(struct fz_thr *t)
{
	static const int modes[] = { O_RDWR, O_RDWR, O_RDWR, O_RDONLY, O_WRONLY };
	int flags = modes[fz_below(t, 5)];
	int fd;

	if (fz_chance(t, 20))
		flags |= O_NONBLOCK;
	if (fz_chance(t, 50))
		flags |= O_CLOEXEC;
	fd = open("/dev/fastipc", flags);
	if (fd < 0)
		return -errno;
	if (fz_chance(t, 60)) {
		struct fastipc_api a = { .api = FASTIPC_API_VERSION };

		ioctl(fd, FASTIPC_IOC_API, &a);
	}
	fz_slot_add(t, fd, FZ_CTL, 0, NULL);
	return fd;
}

int op_api(struct fz_thr *t)
{
	struct fastipc_api a;

	memset(&a, 0, sizeof(a));
	a.api = fz_chance(t, 80) ? FASTIPC_API_VERSION : 0;
	if (fz_chance(t, 5))
		a.api = (uint32_t)fz_rand(t);
	a.flags = fz_flags(t, 0);
	if (fz_chance(t, 5))
		fz_fill(t, &a.features, sizeof(a) - 8);	/* out fields */
	return fz_ioctl(t, ctl_fd(t), FASTIPC_IOC_API, &a, sizeof(a),
			FASTIPC_API_SIZE_VER0);
}

int op_create(struct fz_thr *t)
{
	struct fastipc_chan_create c;
	int ret;

	memset(&c, 0, sizeof(c));
	fz_ref(t, &c.ref, true);
	c.mode = fz_mode(t);
	c.flags = fz_flags(t, 0);
	if (fz_chance(t, 40))
		c.msg_max = (uint32_t)fz_size(t, 4096);
	if (fz_chance(t, 30))
		c.queue_msgs = (uint32_t)fz_size(t, 16);
	if (fz_chance(t, 30))
		c.queue_bytes = (uint32_t)fz_size(t, c.msg_max ? c.msg_max : 65536);
	if (fz_chance(t, 3))
		c.pad = (uint32_t)fz_rand(t);
	ret = fz_ioctl(t, ctl_fd(t), FASTIPC_IOC_CHAN_CREATE, &c, sizeof(c),
		       FASTIPC_CHAN_CREATE_SIZE_VER0);
	if (ret >= 0)
		fz_slot_add(t, ret, FZ_CHAN, 0, NULL);
	return ret;
}

static uint64_t region_size(struct fz_thr *t)
{
	static const uint64_t sizes[] = {
		4096, 8192, 12288, 16384, 65536, 1 << 20, 4 << 20,
	};
	uint64_t r = fz_below(t, 100);

	if (r < 45)
		return 0;
	if (r < 85)
		return sizes[fz_below(t, sizeof(sizes) / sizeof(sizes[0]))];
	return fz_size(t, 8192);
}

int op_connect(struct fz_thr *t)
{
	struct fastipc_connect c;
	size_t size = sizeof(c);
	unsigned long cmd = FASTIPC_IOC_CONNECT;
	int ret;

	memset(&c, 0, sizeof(c));
	fz_ref(t, &c.ref, false);
	c.flags = fz_flags(t, 0);
	c.region_size = region_size(t);
	if (fz_chance(t, 3))
		c.pad = 1;
	if (fz_chance(t, 15)) {
		size = FASTIPC_CONNECT_SIZE_VER0;
		cmd = SIZED(cmd, size);
	}
	ret = fz_ioctl(t, ctl_fd(t), cmd, &c, size, FASTIPC_CONNECT_SIZE_VER0);
	if (ret >= 0) {
		bool lay = size == sizeof(c) && c.layout.size;

		fz_slot_add(t, ret, FZ_CONN, c.conn_id, lay ? &c.layout : NULL);
	}
	return ret;
}

int op_stat(struct fz_thr *t)
{
	struct fastipc_chan_stat s;
	size_t size = fz_chance(t, 80) ? sizeof(s) : FASTIPC_CHAN_STAT_SIZE_VER0;

	memset(&s, 0, sizeof(s));
	fz_ref(t, &s.ref, false);
	s.flags = fz_flags(t, 0);
	if (fz_chance(t, 3))
		s.pad = 1;
	if (fz_chance(t, 5))
		fz_fill(t, &s.perm, sizeof(s) - offsetof(struct fastipc_chan_stat, perm));
	return fz_ioctl(t, ctl_fd(t), SIZED(FASTIPC_IOC_CHAN_STAT, size), &s,
			size, FASTIPC_CHAN_STAT_SIZE_VER0);
}

static uint32_t some_id(struct fz_thr *t)
{
	static const uint32_t ids[] = { 0, 0, 1000, 65534, (uint32_t)-1 };

	if (fz_chance(t, 90))
		return ids[fz_below(t, 5)];
	return (uint32_t)fz_rand(t);
}

int op_set(struct fz_thr *t)
{
	struct fastipc_chan_set s;

	memset(&s, 0, sizeof(s));
	fz_ref(t, &s.ref, false);
	s.flags = fz_flags(t, FASTIPC_SET_UID | FASTIPC_SET_GID | FASTIPC_SET_MODE);
	if ((s.flags & FASTIPC_SET_UID) || fz_chance(t, 3))
		s.uid = some_id(t);
	if ((s.flags & FASTIPC_SET_GID) || fz_chance(t, 3))
		s.gid = some_id(t);
	if ((s.flags & FASTIPC_SET_MODE) || fz_chance(t, 3))
		s.mode = fz_mode(t);
	return fz_ioctl(t, ctl_fd(t), FASTIPC_IOC_CHAN_SET, &s, sizeof(s),
			FASTIPC_CHAN_SET_SIZE_VER0);
}

int op_rmid(struct fz_thr *t)
{
	struct fastipc_chan_rmid r;

	memset(&r, 0, sizeof(r));
	fz_ref(t, &r.ref, false);
	r.flags = fz_flags(t, 0);
	if (fz_chance(t, 3))
		r.pad = 1;
	return fz_ioctl(t, ctl_fd(t), FASTIPC_IOC_CHAN_RMID, &r, sizeof(r),
			FASTIPC_CHAN_RMID_SIZE_VER0);
}
