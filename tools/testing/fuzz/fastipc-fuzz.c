// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc-fuzz: a seeded random-ioctl fuzzer for /dev/fastipc.
 *
 *   fastipc-fuzz [-s SEED] [-t SECONDS] [-n OPS] [-p PROCS] [-j THREADS]
 *                [-u UID] [-f N] [-v]
 *
 * Prints "seed N" first. PROCS worker processes (default 4) of THREADS
 * threads (default 3) run random operations with typed random arguments
 * until SECONDS (default 60) have passed or OPS operations were made. A
 * worker killed on purpose (by another worker, through this supervisor) or
 * that exited on purpose is respawned. Errors returned by the kernel are
 * expected: they are counted and summarized. Exit status: 0 if the run
 * went to the end, 1 if the fuzzer itself failed (a worker crashed, an
 * operation hung, a process could not be stopped), 2 on bad usage or
 * setup. Kernel splats are judged from the kernel log by the caller.
 *
 * -u UID runs the odd-numbered workers as UID (and its gid, no groups);
 * -f N arms the thread's fail-nth before one operation in N (inject.c).
 *
 * Scheduling makes runs with the same seed differ in detail; the seed
 * fixes every random choice each thread makes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fuzz.h"

#define STOP_GRACE_S	90
#define KILL_GRACE_S	60

struct worker {
	pid_t pid;
	int gen;
	int expect_kill;
};

static struct worker workers[FZ_MAX_PROCS];
static unsigned long respawns, kills;

static void usage(const char *me)
{
	fprintf(stderr, "usage: %s [-s SEED] [-t SECONDS] [-n OPS] [-p PROCS] [-j THREADS] [-u UID] [-f N] [-v]\n",
		me);
	exit(2);
}

static uint64_t num(const char *s, const char *what, uint64_t max)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || !*s || *end || v > max) {
		fprintf(stderr, "fastipc-fuzz: bad %s '%s'\n", what, s);
		exit(2);
	}
	return v;
}

static void sleep_ms(long ms)
{
	nanosleep(&(struct timespec){ ms / 1000, (ms % 1000) * 1000000 }, NULL);
}

static int spawn(struct fz_shared *sh, int i)
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		fz_fail(sh, "fork of worker %d: %s", i, strerror(errno));
		return -1;
	}
	if (pid == 0)
		_exit(fz_worker(sh, i, workers[i].gen));
	workers[i].pid = pid;
	workers[i].expect_kill = 0;
	__atomic_store_n(&sh->pids[i], pid, __ATOMIC_RELEASE);
	return 0;
}

static int worker_of(struct fz_shared *sh, pid_t pid)
{
	int i;

	for (i = 0; i < sh->nprocs; i++)
		if (workers[i].pid == pid)
			return i;
	return -1;
}

/* A worker ended: say whether that was expected; respawn if asked. */
static void ended(struct fz_shared *sh, pid_t pid, int st, bool respawn)
{
	int i = worker_of(sh, pid);

	if (i < 0)
		return;		/* an orphaned fork child we adopted */
	workers[i].pid = 0;
	__atomic_store_n(&sh->pids[i], 0, __ATOMIC_RELEASE);
	if (WIFEXITED(st) && (WEXITSTATUS(st) == 0 || WEXITSTATUS(st) == FZ_EXIT_OP)) {
		/* finished, or left on purpose */
	} else if (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL && workers[i].expect_kill) {
		/* killed on request */
	} else if (WIFSIGNALED(st)) {
		fz_fail(sh, "worker %d (pid %d) killed by signal %d (%s)", i, pid,
			WTERMSIG(st), strsignal(WTERMSIG(st)));
	} else {
		fz_fail(sh, "worker %d (pid %d) exited with status %d", i, pid,
			WEXITSTATUS(st));
	}
	if (respawn) {
		workers[i].gen++;
		respawns++;
		spawn(sh, i);
	}
}

static void reap(struct fz_shared *sh, bool respawn)
{
	pid_t pid;
	int st;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0)
		ended(sh, pid, st, respawn);
}

static int alive(struct fz_shared *sh)
{
	int i, n = 0;

	for (i = 0; i < sh->nprocs; i++)
		n += workers[i].pid != 0;
	return n;
}

static void supervise(struct fz_shared *sh)
{
	int i;

	while (fz_now_ns() < sh->deadline_ns &&
	       __atomic_load_n(&sh->ops_done, __ATOMIC_RELAXED) < sh->max_ops) {
		for (i = 0; i < sh->nprocs; i++) {
			if (!__atomic_exchange_n(&sh->kill_req[i], 0, __ATOMIC_ACQ_REL))
				continue;
			if (workers[i].pid && !workers[i].expect_kill) {
				workers[i].expect_kill = 1;
				kill(workers[i].pid, SIGKILL);
				kills++;
			}
		}
		reap(sh, true);
		sleep_ms(10);
	}
	__atomic_store_n(&sh->stop, 1, __ATOMIC_RELEASE);
}

/* Wait for every worker; kill the ones that do not stop. 0 if all gone. */
static int stop_all(struct fz_shared *sh)
{
	int i, ms;

	for (ms = 0; alive(sh) && ms < STOP_GRACE_S * 1000; ms += 10) {
		reap(sh, false);
		sleep_ms(10);
	}
	if (alive(sh)) {
		fz_fail(sh, "%d worker(s) did not stop within %ds; killing them",
			alive(sh), STOP_GRACE_S);
		for (i = 0; i < sh->nprocs; i++) {
			if (workers[i].pid) {
				workers[i].expect_kill = 1;
				kill(workers[i].pid, SIGKILL);
			}
		}
	}
	for (ms = 0; alive(sh) && ms < KILL_GRACE_S * 1000; ms += 10) {
		reap(sh, false);
		sleep_ms(10);
	}
	if (alive(sh)) {
		fz_fail(sh, "%d worker(s) survive SIGKILL for %ds (stuck in the kernel?)",
			alive(sh), KILL_GRACE_S);
		return -1;
	}
	/* adopted orphans (fork children of killed workers) */
	for (ms = 0; ms < 30000 && waitpid(-1, NULL, WNOHANG) >= 0; ms += 10)
		sleep_ms(10);
	return 0;
}

static void summary(struct fz_shared *sh, double secs)
{
	uint64_t total = 0, errs[FZ_NERR] = { 0 };
	int i, e;

	for (i = 0; i < NR_OPS; i++)
		total += sh->op_count[i];
	printf("# ops %" PRIu64 " in %.1fs (%.0f/s), %d procs x %d threads, seed %" PRIu64 "\n",
	       total, secs, secs > 0 ? total / secs : 0.0, sh->nprocs,
	       sh->nthreads, sh->seed);
	printf("# respawns %lu (kills %lu), fork children killed %" PRIu64
	       ", watchdog kicks %" PRIu64 "\n", respawns, kills,
	       sh->fork_kills, sh->kicks);
	if (sh->drop_uid)
		printf("# odd workers ran as uid %u\n", sh->drop_uid);
	if (sh->fault_every)
		printf("# fail-nth armed %" PRIu64 " times, its fault site "
		       "reached %" PRIu64 " times, signal frames lost %" PRIu64
		       "\n", sh->faults_armed, sh->faults_hit, sh->frames_lost);
	printf("# messages received %" PRIu64 ", replies delivered %" PRIu64
	       ", scribbles %" PRIu64 "\n", sh->received, sh->replied,
	       sh->scribbles);
	printf("# %-12s %9s %9s  errors\n", "op", "count", "ok");
	for (i = 0; i < NR_OPS; i++) {
		printf("# %-12s %9" PRIu64 " %9" PRIu64 " ", fz_ops[i].name,
		       sh->op_count[i], sh->op_ok[i]);
		for (e = 0; e < FZ_NERR; e++) {
			if (!sh->op_err[i][e])
				continue;
			errs[e] += sh->op_err[i][e];
			printf(" %s:%" PRIu64, e ? strerrorname_np(e) : "?",
			       sh->op_err[i][e]);
		}
		printf("\n");
	}
	printf("# errno histogram:");
	for (e = 0; e < FZ_NERR; e++)
		if (errs[e])
			printf(" %s:%" PRIu64, e ? strerrorname_np(e) : "?", errs[e]);
	printf("\n");
}

static struct fz_shared *setup(int argc, char **argv)
{
	struct fz_shared *sh;
	uint64_t seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 16);
	uint64_t secs = 60, ops = 1ULL << 40;
	int c, procs = 4, threads = 3, verbose = 0, fd;
	uint32_t drop_uid = 0, fault_every = 0;

	while ((c = getopt(argc, argv, "s:t:n:p:j:u:f:vh")) != -1) {
		switch (c) {
		case 's': seed = num(optarg, "seed", UINT64_MAX); break;
		case 't': secs = num(optarg, "seconds", 1 << 24); break;
		case 'n': ops = num(optarg, "op count", UINT64_MAX); break;
		case 'p': procs = (int)num(optarg, "procs", FZ_MAX_PROCS); break;
		case 'j': threads = (int)num(optarg, "threads", FZ_MAX_THREADS); break;
		case 'u': drop_uid = (uint32_t)num(optarg, "uid", UINT32_MAX - 1); break;
		case 'f': fault_every = (uint32_t)num(optarg, "fault rate", UINT32_MAX); break;
		case 'v': verbose = 1; break;
		default: usage(argv[0]);
		}
	}
	if (optind != argc || procs < 1 || threads < 1)
		usage(argv[0]);
	printf("seed %" PRIu64 "\n", seed);
	fflush(stdout);
	fd = open("/dev/fastipc", O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "fastipc-fuzz: open /dev/fastipc: %s\n", strerror(errno));
		exit(2);
	}
	close(fd);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		fprintf(stderr, "fastipc-fuzz: mmap of the shared page: %s\n", strerror(errno));
		exit(2);
	}
	sh->seed = seed;
	sh->max_ops = ops;
	sh->nprocs = procs;
	sh->nthreads = threads;
	sh->verbose = verbose;
	sh->drop_uid = drop_uid;
	sh->fault_every = fault_every;
	sh->deadline_ns = fz_now_ns() + secs * 1000000000ULL;
	alarm((unsigned int)secs + STOP_GRACE_S + KILL_GRACE_S + 300);
	return sh;
}

int main(int argc, char **argv)
{
	struct fz_shared *sh = setup(argc, argv);
	uint64_t start = fz_now_ns();
	int i, ret;

	/* orphaned fork children of killed workers come back to us */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < sh->nprocs; i++)
		if (spawn(sh, i))
			break;
	supervise(sh);
	ret = stop_all(sh);
	summary(sh, (double)(fz_now_ns() - start) / 1e9);
	if (ret || sh->failures) {
		printf("# FAILED: %" PRIu64 " failure(s); first: %s\n",
		       sh->failures, sh->fail_msg);
		return 1;
	}
	printf("# fuzzer ran to the end\n");
	return 0;
}
