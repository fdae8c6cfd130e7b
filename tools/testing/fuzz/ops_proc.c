// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc-fuzz: fd and process operations: close, dup, fork (the child
 * runs a few operations on the inherited fds, then exits or is killed),
 * signals that interrupt a sibling's blocking call, killing another
 * worker (the supervisor does it and respawns it) and exiting abruptly.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fuzz.h"

int op_close(struct fz_thr *t)
{
	struct fz_slot sl;
	int fd;

	if (fz_chance(t, 5)) {
		/* a stale number: maybe closed, maybe reused by a sibling */
		fd = t->p->stale[fz_below(t, 16)];
		if (fd < 3)
			return -EBADF;
		return close(fd) ? -errno : 0;
	}
	fd = fz_slot_take(t, &sl);
	if (fd < 0)
		return -EBADF;
	fz_stale_add(t->p, fd);
	return close(fd) ? -errno : 0;
}

int op_dup(struct fz_thr *t)
{
	struct fz_slot src, dst;
	int fd = fz_slot_pick(t, FZ_ANY, &src), nfd;

	if (fd < 0)
		return -EBADF;
	if (fz_chance(t, 25) && fz_slot_pick(t, FZ_ANY, &dst) >= 3) {
		/* replace another entry's file under its number */
		nfd = dup3(fd, dst.fd, fz_chance(t, 50) ? O_CLOEXEC : 0);
		return nfd < 0 ? -errno : 0;
	}
	nfd = fz_chance(t, 50) ? dup(fd) : fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (nfd < 0)
		return -errno;
	fz_slot_add(t, nfd, src.kind == FZ_ANY ? FZ_CTL : src.kind, src.conn_id,
		    src.has_layout ? &src.layout : NULL);
	return 0;
}

static void child_main(struct fz_thr *t)
{
	int i, n = (int)fz_below(t, 12);

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	alarm(10);	/* backstop: every call is bounded anyway */
	t->p->in_child = true;
	t->rng ^= (uint64_t)getpid() << 20;
	t->tid = getpid();
	fz_inject_open(t);
	for (i = 0; i < n; i++)
		fz_run_one(t);
	_exit(0);
}

int op_fork(struct fz_thr *t)
{
	pid_t pid = fork();
	int i;

	if (pid < 0)
		return -errno;
	if (pid == 0)
		child_main(t);
	fz_child_add(t->p, pid);
	if (fz_chance(t, 50)) {
		nanosleep(&(struct timespec){ 0, (long)fz_below(t, 3000000) }, NULL);
		kill(pid, SIGKILL);
		__atomic_fetch_add(&t->p->sh->fork_kills, 1, __ATOMIC_RELAXED);
	}
	for (i = 0; i < 3; i++)
		fz_children_reap(t->p, false);
	return 0;
}

int op_signal(struct fz_thr *t)
{
	struct fz_thr *o = t->p->thr[fz_below(t, t->p->nthreads)];

	if (!o || !o->tid || o == t)
		return -ESRCH;
	if (syscall(SYS_tgkill, getpid(), o->tid, SIGUSR1))
		return -errno;
	return 0;
}

int op_kill(struct fz_thr *t)
{
	struct fz_shared *sh = t->p->sh;
	int j = (int)fz_below(t, sh->nprocs);

	if (sh->nprocs < 2 || j == t->p->idx || !fz_chance(t, 25))
		return -EAGAIN;
	__atomic_store_n(&sh->kill_req[j], 1, __ATOMIC_RELEASE);
	return 0;
}

int op_exit(struct fz_thr *t)
{
	struct fz_shared *sh = t->p->sh;

	if (!fz_chance(t, 20))
		return -EAGAIN;
	/* count it now: the process is gone before fz_run_one returns */
	__atomic_fetch_add(&sh->op_ok[OP_EXIT], 1, __ATOMIC_RELAXED);
	_exit(FZ_EXIT_OP);
}
