/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the namespace kselftests (ns_test, userns_test,
 * rpc_transport_test): each
 * check runs in a forked child whose exit code is 0 on success, the errno
 * of the checked call on failure, or SETUP_FAILED when its setup failed.
 */
#ifndef FASTIPC_NS_UTIL_H
#define FASTIPC_NS_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fastipc_util.h"
#include "file_util.h"

/* The 6.1 harness runs the test body even when its setup skipped. */
#define SETUP_SKIPPED()	(_metadata->skip)

#define SETUP_FAILED	100	/* CHILD_CHECK's exit code */

#define FIPC_REQUIRE_ROOT() do {					\
	if (geteuid())							\
		SKIP(return, "needs root (unshare, setresuid)");	\
} while (0)

/* Exit code of a check: 0 for success, else the errno. */
static inline int result(int ret)
{
	return ret < 0 ? -ret : 0;
}

/* Run @fn(@arg) in a forked child; its exit code, or -errno. */
static inline int run_child(int (*fn)(void *), void *arg)
{
	pid_t pid = fipc_fork(fn, arg);

	return pid < 0 ? -errno : fipc_wait(pid);
}

/*
 * unshare(CLONE_NEWUSER) is -EPERM in a chroot (the test guest runs its
 * command chrooted). Then leave the chroot for pid 1's root while still
 * root, and return to it (fd @*rootfd) once in the new namespace, where
 * CAP_SYS_CHROOT is ours. No-op when / is pid 1's root.
 */
static inline int fipc_leave_chroot(int *rootfd)
{
	struct stat a, b;

	*rootfd = -1;
	if (stat("/", &a) || stat("/proc/1/root", &b))
		return -errno;
	if (a.st_dev == b.st_dev && a.st_ino == b.st_ino)
		return 0;
	*rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (*rootfd < 0)
		return -errno;
	if (chroot("/proc/1/root") || chdir("/"))
		return -errno;
	return 0;
}

static inline int fipc_back_to_chroot(int rootfd)
{
	int ret = 0;

	if (rootfd < 0)
		return 0;
	if (fchdir(rootfd) || chroot(".") || chdir("/"))
		ret = -errno;
	close(rootfd);
	return ret;
}

/*
 * In a child: become @uid (unless 0), enter a new user namespace and, with
 * @map, map its uid and gid 0 to @uid (the only mapping an unprivileged
 * process may write for itself). 0 or -errno.
 */
static inline int fipc_enter_userns(uid_t uid, int map)
{
	char line[32];
	int ret, rootfd;

	ret = fipc_leave_chroot(&rootfd);
	if (ret)
		return ret;
	if (uid) {
		ret = fipc_become(uid, uid, NULL, 0, -1);
		if (ret)
			return ret;
		/* Else /proc/self/uid_map belongs to root. */
		if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0))
			return -errno;
	}
	if (unshare(CLONE_NEWUSER))
		return -errno;
	ret = fipc_back_to_chroot(rootfd);
	if (ret || !map)
		return ret;
	snprintf(line, sizeof(line), "0 %u 1", (unsigned int)uid);
	ret = fipc_file_write("/proc/self/setgroups", "deny");
	if (!ret)
		ret = fipc_file_write("/proc/self/uid_map", line);
	if (!ret)
		ret = fipc_file_write("/proc/self/gid_map", line);
	return ret;
}

#endif /* FASTIPC_NS_UTIL_H */
