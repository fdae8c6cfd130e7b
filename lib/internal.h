/* SPDX-License-Identifier: LGPL-2.1 OR MIT */
/*
 * libfastipc internals: object layouts and helpers shared by the .c files.
 * Nothing here is part of the ABI.
 */
#ifndef _FASTIPC_INTERNAL_H
#define _FASTIPC_INTERNAL_H

#include <errno.h>
#include <sys/ioctl.h>

#include "fastipc.h"

#define __public	__attribute__((visibility("default")))
#define __cold		__attribute__((cold))
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

struct fastipc_dev {
	int fd;
	struct fastipc_api api;
};

struct fastipc_conn {
	int fd;
	uint64_t conn_id;
};

/* ioctl(2) with the library's error convention: result or -errno. */
static inline int fipc_ioctl(int fd, unsigned long cmd, void *arg)
{
	int ret = ioctl(fd, cmd, arg);

	return ret < 0 ? -errno : ret;
}

/* Fill a channel reference from @name (may be NULL) and @key. */
int fipc_ref_fill(struct fastipc_chan_ref *ref, const char *name,
		  uint64_t key);

#endif /* _FASTIPC_INTERNAL_H */
