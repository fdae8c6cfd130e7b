/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the namespace kselftests (ns_test, userns_test): each
 * check runs in a forked child whose exit code is 0 on success, the errno
 * of the checked call on failure, or SETUP_FAILED when its setup failed.
 */
#ifndef FASTIPC_NS_UTIL_H
#define FASTIPC_NS_UTIL_H

#include <errno.h>
#include <unistd.h>

#include "fastipc_util.h"

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

#endif /* FASTIPC_NS_UTIL_H */
