// SPDX-License-Identifier: GPL-2.0
/*
 * fail-nth and the debugfs fault-injection knobs (see failnth.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "failnth.h"
#include "file_util.h"

#define DBG	"/sys/kernel/debug/"

struct knob {
	const char *path;
	const char *want;
	char saved[32];
	int changed;
};

static struct knob knobs[] = {
	{ .path = DBG "failslab/ignore-gfp-wait", .want = "N" },
	{ .path = DBG "failslab/verbose", .want = "0" },
	{ .path = DBG "fail_page_alloc/ignore-gfp-wait", .want = "N" },
	{ .path = DBG "fail_page_alloc/ignore-gfp-highmem", .want = "Y" },
	{ .path = DBG "fail_page_alloc/min-order", .want = "0" },
	{ .path = DBG "fail_page_alloc/verbose", .want = "0" },
	{ .path = DBG "fail_usercopy/verbose", .want = "0" },
};

#define NR_KNOBS	(sizeof(knobs) / sizeof(knobs[0]))

/* A knob's value, without its newline. */
static int get_str(const char *path, char *buf, size_t cap)
{
	int ret = fipc_file_read(path, buf, cap);

	if (!ret)
		buf[strcspn(buf, "\n")] = '\0';
	return ret;
}

static void knobs_restore(void)
{
	unsigned int i;

	for (i = 0; i < NR_KNOBS; i++)
		if (knobs[i].changed)
			fipc_file_write(knobs[i].path, knobs[i].saved);
	for (i = 0; i < NR_KNOBS; i++)
		knobs[i].changed = 0;
}

/* The entry of knobs[] for ignore-gfp-highmem. */
#define KNOB_HIGHMEM	3

static int knobs_set(int highmem)
{
	unsigned int i;
	int ret;

	for (i = 0; i < NR_KNOBS; i++) {
		ret = get_str(knobs[i].path, knobs[i].saved,
			      sizeof(knobs[i].saved));
		if (ret)
			return ret;
	}
	knobs[KNOB_HIGHMEM].want = highmem ? "N" : "Y";
	for (i = 0; i < NR_KNOBS; i++) {
		ret = fipc_file_write(knobs[i].path, knobs[i].want);
		if (ret) {
			knobs_restore();
			return ret;
		}
		knobs[i].changed = 1;
	}
	return 0;
}

int fnth_open(int highmem)
{
	char path[64];
	int fd, ret;

	snprintf(path, sizeof(path), "/proc/self/task/%d/fail-nth",
		 (int)syscall(SYS_gettid));
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = knobs_set(highmem);
	if (ret) {
		close(fd);
		return ret;
	}
	return fd;
}

void fnth_close(int fd)
{
	if (fd < 0)
		return;
	fnth_left(fd);
	knobs_restore();
	close(fd);
}

int fnth_arm(int fd, unsigned int n)
{
	char buf[16];
	int len;

	len = snprintf(buf, sizeof(buf), "%u", n);
	return pwrite(fd, buf, len, 0) == len ? 0 : -errno;
}

int fnth_left(int fd)
{
	char buf[16] = "";
	ssize_t n;
	int i;

	/*
	 * Reading copies the count out, which is itself a usercopy fault
	 * site: a count of 1 fails that copy (-EFAULT) and is used up. Either
	 * way the count read is the one the syscall under test left.
	 */
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n < 0 && errno != EFAULT)
		return -errno;
	/* Writing 0 copies in; if that copy is the fault, the count is 0. */
	for (i = 0; i < 2; i++)
		if (pwrite(fd, "0", 1, 0) == 1)
			break;
	if (i == 2)
		return -errno;
	if (n < 0)
		return 1;
	buf[n] = '\0';
	return (int)strtoul(buf, NULL, 10);
}

int fnth_disarm(int fd)
{
	int left = fnth_left(fd);

	return left < 0 ? left : left == 0;
}
