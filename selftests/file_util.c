// SPDX-License-Identifier: GPL-2.0
/*
 * Small files (sysfs, procfs, debugfs, cgroupfs), see file_util.h. Apart
 * from fastipc_util.c, whose constructor skips a program when the device
 * is absent, so that fault_load can use them with the module unloaded.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "file_util.h"

int fipc_file_read(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

int fipc_file_write(const char *path, const char *s)
{
	ssize_t len = strlen(s);
	int fd, ret = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, s, len) != len)
		ret = -errno;
	close(fd);
	return ret;
}
