// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc-fuzz: one worker process: M fuzzing threads and a watchdog.
 *
 * The watchdog (the worker's main thread) interrupts, with SIGUSR1, any
 * operation that runs longer than FZ_SLOW_S (every blocking call is bounded
 * to 20 ms, so this only happens when the kernel ignores a timeout or the
 * guest is very slow) and reports a failure when one runs longer than
 * FZ_STUCK_S. An alarm() backstops the whole process.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "fuzz.h"

#define FZ_SLOW_S	5
#define FZ_STUCK_S	90
#define FZ_JOIN_S	60

static struct fz_proc *self;

uint64_t fz_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

void fz_fail(struct fz_shared *sh, const char *fmt, ...)
{
	char msg[sizeof(sh->fail_msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "fastipc-fuzz: FAIL: %s\n", msg);
	if (__atomic_fetch_add(&sh->failures, 1, __ATOMIC_SEQ_CST) == 0)
		memcpy(sh->fail_msg, msg, sizeof(msg));
}

static bool stopping(struct fz_shared *sh)
{
	return __atomic_load_n(&sh->stop, __ATOMIC_RELAXED) ||
	       __atomic_load_n(&sh->ops_done, __ATOMIC_RELAXED) >= sh->max_ops ||
	       fz_now_ns() >= sh->deadline_ns;
}

static int pick_op(struct fz_thr *t)
{
	unsigned int total = 0, r, i, w;

	for (i = 0; i < NR_OPS; i++) {
		if (t->p->in_child && !fz_ops[i].in_child)
			continue;
		total += t->server ? fz_ops[i].server_weight : fz_ops[i].weight;
	}
	r = (unsigned int)fz_below(t, total);
	for (i = 0; i < NR_OPS; i++) {
		if (t->p->in_child && !fz_ops[i].in_child)
			continue;
		w = t->server ? fz_ops[i].server_weight : fz_ops[i].weight;
		if (r < w)
			return (int)i;
		r -= w;
	}
	return OP_CALL;
}

void fz_run_one(struct fz_thr *t)
{
	struct fz_shared *sh = t->p->sh;
	int op = pick_op(t), ret;
	bool armed;

	if (__atomic_fetch_add(&sh->ops_done, 1, __ATOMIC_RELAXED) >= sh->max_ops)
		return;
	t->op_cur = op;
	t->kicked_at = 0;
	__atomic_store_n(&t->op_start, fz_now_ns(), __ATOMIC_RELEASE);
	armed = fz_inject_arm(t, op);
	ret = fz_ops[op].fn(t);
	if (armed)
		fz_inject_disarm(t);
	__atomic_store_n(&t->op_start, 0, __ATOMIC_RELEASE);
	__atomic_fetch_add(&sh->op_count[op], 1, __ATOMIC_RELAXED);
	if (ret >= 0)
		__atomic_fetch_add(&sh->op_ok[op], 1, __ATOMIC_RELAXED);
	else
		__atomic_fetch_add(&sh->op_err[op][-ret < FZ_NERR ? -ret : 0], 1,
				   __ATOMIC_RELAXED);
}

static void *thread_main(void *arg)
{
	struct fz_thr *t = arg;

	t->tid = (pid_t)syscall(SYS_gettid);
	t->failnth_fd = -1;
	fz_inject_open(t);
	while (!stopping(t->p->sh))
		fz_run_one(t);
	return NULL;
}

static void on_usr1(int sig)
{
	(void)sig;
}

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	char msg[160];
	int n;

	(void)uc;
	if (sig == SIGSEGV && si->si_code == SI_KERNEL && fz_inject_armed()) {
		/* An injected fault cost a signal frame: planned. */
		__atomic_fetch_add(&self->sh->frames_lost, 1, __ATOMIC_RELAXED);
		_exit(FZ_EXIT_OP);
	}
	n = snprintf(msg, sizeof(msg),
		     "fastipc-fuzz: worker %d: signal %d (code %d) at address %p%s\n",
		     self ? self->idx : -1, sig, si->si_code, si->si_addr,
		     fz_inject_armed() ? ", fail-nth armed" : "");
	if (write(2, msg, (size_t)n) < 0)
		n = 0;
	signal(sig, SIG_DFL);
	raise(sig);
}

static void atfork_prepare(void)
{
	pthread_mutex_lock(&self->lock);
	pthread_rwlock_wrlock(&self->maplock);
}

static void atfork_release(void)
{
	pthread_rwlock_unlock(&self->maplock);
	pthread_mutex_unlock(&self->lock);
}

static int setup_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;		/* no SA_RESTART: -EINTR */
	if (sigaction(SIGUSR1, &sa, NULL))
		return -1;
	sa.sa_handler = SIG_IGN;
	if (sigaction(SIGPIPE, &sa, NULL) || sigaction(SIGIO, &sa, NULL))
		return -1;
	sa.sa_handler = NULL;
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO;
	if (sigaction(SIGSEGV, &sa, NULL) || sigaction(SIGBUS, &sa, NULL))
		return -1;
	return 0;
}

static char *map_pages(size_t n, int prot)
{
	void *p = mmap(NULL, n, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static int setup_proc(struct fz_proc *p)
{
	int i;

	for (i = 0; i < FZ_SLOTS; i++)
		p->slots[i].fd = -1;
	for (i = 0; i < 16; i++)
		p->stale[i] = -1;
	pthread_mutex_init(&p->lock, NULL);
	pthread_rwlock_init(&p->maplock, NULL);
	p->none_page = map_pages(4096, PROT_NONE);
	p->ro_page = map_pages(4096, PROT_READ);
	p->rw_page = map_pages(2 * 4096, PROT_READ | PROT_WRITE);
	if (!p->none_page || !p->ro_page || !p->rw_page ||
	    mprotect(p->rw_page + 4096, 4096, PROT_NONE))
		return -1;
	return pthread_atfork(atfork_prepare, atfork_release, atfork_release);
}

static struct fz_thr *new_thread(struct fz_proc *p, int i)
{
	struct fz_shared *sh = p->sh;
	struct fz_thr *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->p = p;
	t->idx = i;
	t->server = i == 0 || (i == 1 && p->idx % 2);
	t->rng = sh->seed ^ ((uint64_t)p->idx << 32) ^ ((uint64_t)p->gen << 48) ^
		 ((uint64_t)i << 16);
	fz_rand(t);
	t->argbuf = map_pages(FZ_ARGBUF, PROT_READ | PROT_WRITE);
	t->payload = map_pages(FZ_PAYLOAD, PROT_READ | PROT_WRITE);
	t->rbuf = map_pages(FZ_PAYLOAD, PROT_READ | PROT_WRITE);
	if (!t->argbuf || !t->payload || !t->rbuf)
		return NULL;
	fz_fill(t, t->payload, FZ_PAYLOAD);
	return t;
}

/* One watchdog pass over the threads. */
static void watch(struct fz_proc *p, uint64_t now)
{
	struct fz_shared *sh = p->sh;
	int i;

	for (i = 0; i < p->nthreads; i++) {
		struct fz_thr *t = p->thr[i];
		uint64_t start = __atomic_load_n(&t->op_start, __ATOMIC_ACQUIRE);
		uint64_t ran = start && now > start ? (now - start) / 1000000000ULL : 0;

		if (ran >= FZ_STUCK_S && t->kicked_at != 1) {
			fz_fail(sh, "worker %d thread %d: op %s still running after %llus (signals do not end it): kernel hang?",
				p->idx, i, fz_ops[t->op_cur].name,
				(unsigned long long)ran);
			t->kicked_at = 1;
		} else if (ran >= FZ_SLOW_S && t->kicked_at != 1 &&
			   now - t->kicked_at > FZ_SLOW_S * 1000000000ULL) {
			t->kicked_at = now;
			__atomic_fetch_add(&sh->kicks, 1, __ATOMIC_RELAXED);
			if (sh->verbose)
				fprintf(stderr, "fastipc-fuzz: worker %d thread %d: op %s slow (%llus), sending SIGUSR1\n",
					p->idx, i, fz_ops[t->op_cur].name,
					(unsigned long long)ran);
			syscall(SYS_tgkill, getpid(), t->tid, SIGUSR1);
		}
	}
}

/* Join every thread, watching them meanwhile; the index of one that hangs. */
static int join_all(struct fz_proc *p, pthread_t *th)
{
	uint64_t end = fz_now_ns() + FZ_JOIN_S * 1000000000ULL;
	struct timespec ts;
	int i = 0;

	while (i < p->nthreads) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 200000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		if (!pthread_timedjoin_np(th[i], NULL, &ts)) {
			i++;
			continue;
		}
		if (fz_now_ns() > end)
			return i;
		watch(p, fz_now_ns());
	}
	return -1;
}

int fz_worker(struct fz_shared *sh, int idx, int gen)
{
	static struct fz_proc proc;
	pthread_t th[FZ_MAX_THREADS];
	struct fz_proc *p = &proc;
	uint64_t now;
	int i;

	if (fz_drop_privs(sh, idx)) {
		fz_fail(sh, "worker %d: dropping to uid %u: %s", idx,
			sh->drop_uid, strerror(errno));
		return 3;
	}
	/* After the uid change, which clears the parent-death signal. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	p->sh = sh;
	p->idx = idx;
	p->gen = gen;
	self = p;
	now = fz_now_ns();
	alarm((unsigned int)((sh->deadline_ns > now ? sh->deadline_ns - now : 0) /
			     1000000000ULL) + FZ_STUCK_S + FZ_JOIN_S + 30);
	if (setup_signals() || setup_proc(p)) {
		fz_fail(sh, "worker %d: setup: %s", idx, strerror(errno));
		return 3;
	}
	for (i = 0; i < sh->nthreads; i++) {
		p->thr[i] = new_thread(p, i);
		if (!p->thr[i] || pthread_create(&th[i], NULL, thread_main, p->thr[i])) {
			fz_fail(sh, "worker %d: thread %d: %s", idx, i, strerror(errno));
			return 3;
		}
		p->nthreads = i + 1;
	}
	while (!stopping(sh)) {
		nanosleep(&(struct timespec){ 0, 100000000 }, NULL);
		watch(p, fz_now_ns());
		fz_children_reap(p, false);
	}
	i = join_all(p, th);
	if (i >= 0) {
		fz_fail(sh, "worker %d: thread %d did not stop within %ds (in op %s)",
			idx, i, FZ_JOIN_S, fz_ops[p->thr[i]->op_cur].name);
		return 3;
	}
	fz_children_reap(p, true);
	fz_close_all(p);
	return 0;
}
