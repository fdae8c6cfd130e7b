// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc-fuzz: fault injection and unprivileged workers.
 *
 * With -f N, a thread arms its fail-nth file (Documentation/fault-injection
 * in the kernel: /proc/thread-self/fail-nth, present when the kernel
 * has CONFIG_FAULT_INJECTION) before one operation in N, so that the 1st
 * to 8th fault site that operation reaches fails (an allocation, with
 * failslab set up by run.sh, or a user copy), and disarms it after. Only
 * operations that stay in this thread are armed: not fork, exit, kill or
 * signals, whose failures would be the fuzzer's, not the kernel's. A
 * signal that arrives while armed may find its frame unwritable (the user
 * copy failed on purpose): the kernel then forces SIGSEGV (SI_KERNEL),
 * which the worker's handler takes as a planned exit (fz_inject_armed()).
 *
 * With -u UID, odd-numbered workers give up root (groups, gid, uid) before
 * they start, so permission checks, quotas and foreign objects are fuzzed
 * from an unprivileged user against root's channels and back.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "fuzz.h"

/* fail-nth of this thread is armed (read by the SIGSEGV handler). */
static __thread volatile sig_atomic_t armed_now;

bool fz_inject_armed(void)
{
	return armed_now;
}

/*
 * The fd is moved to a number at or above FZ_PRIVATE_FD, out of reach of
 * the fd operations: they pick numbers from the table, the stale list and
 * other workers' tables (fz_slot_pick()), all given out lowest first, and
 * one of them, dup3()'d over this fd, would make disarming write to a
 * fastipc file (ESPIPE) instead. A forked child calls this again: the
 * inherited fd names its parent's thread, which it would arm.
 */
void fz_inject_open(struct fz_thr *t)
{
	int fd;

	if (t->failnth_fd >= 0)
		close(t->failnth_fd);
	t->failnth_fd = -1;
	if (!t->p->sh->fault_every)
		return;
	fd = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return;
	t->failnth_fd = fcntl(fd, F_DUPFD_CLOEXEC, FZ_PRIVATE_FD);
	close(fd);
}

static bool fz_injectable(int op)
{
	switch (op) {
	case OP_FORK:
	case OP_SIGNAL:
	case OP_KILL:
	case OP_EXIT:
	case OP_SCRIBBLE:
		return false;
	default:
		return true;
	}
}

bool fz_inject_arm(struct fz_thr *t, int op)
{
	char buf[8];
	int n;

	if (t->failnth_fd < 0 || !fz_injectable(op) ||
	    fz_below(t, t->p->sh->fault_every))
		return false;
	n = snprintf(buf, sizeof(buf), "%u", 1 + (unsigned int)fz_below(t, 8));
	/*
	 * Armed from before the write: a signal delivered on the way back
	 * from it may already lose its frame to the count.
	 */
	armed_now = 1;
	if (pwrite(t->failnth_fd, buf, (size_t)n, 0) != n) {
		armed_now = 0;
		return false;
	}
	__atomic_fetch_add(&t->p->sh->faults_armed, 1, __ATOMIC_RELAXED);
	return true;
}

void fz_inject_disarm(struct fz_thr *t)
{
	char buf[8] = "";
	int i;

	/* What is left: 0 when the armed fault site was reached. */
	if (pread(t->failnth_fd, buf, sizeof(buf) - 1, 0) > 0 && buf[0] == '0')
		__atomic_fetch_add(&t->p->sh->faults_hit, 1, __ATOMIC_RELAXED);
	/*
	 * Writing fail-nth copies from user space, itself a fault site: a
	 * write made while a count is left may consume it and fail. Each
	 * try lowers the count, so at most 8 fail before one gets through.
	 */
	for (i = 0; i < 10; i++)
		if (pwrite(t->failnth_fd, "0", 1, 0) == 1) {
			armed_now = 0;
			return;
		}
	fz_fail(t->p->sh, "fail-nth of thread %d: cannot disarm: %s",
		(int)t->tid, strerror(errno));
}

int fz_drop_privs(struct fz_shared *sh, int idx)
{
	uid_t uid = (uid_t)sh->drop_uid;

	if (!sh->drop_uid || !(idx % 2))
		return 0;
	if (setgroups(0, NULL) || setgid((gid_t)uid) || setuid(uid))
		return -1;
	/* The uid change made us undumpable: /proc/self would be root's. */
	return prctl(PR_SET_DUMPABLE, 1);
}
