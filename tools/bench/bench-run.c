// SPDX-License-Identifier: GPL-2.0
/*
 * One run of a mechanism: the lifecycle of mech.h.
 *
 * The parent makes the context (shared memory per pair, then prepare()),
 * forks the server process (server_init(), a thread per pair running
 * serve(), then ready) and a client process per pair. Each client runs
 * setup() and its warm-up round trips, waits at a barrier for the others,
 * then times each measured round trip with CLOCK_MONOTONIC into shared
 * memory. The parent reaps the clients (a server that ends first, a
 * failed client or the timeout ends the run), kills the server, and
 * calls cleanup().
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "bench-run.h"

/* What a client process reports. */
struct client_res {
	int ret;
	unsigned long done;		/* measured round trips */
	uint64_t t0, t1;
	uint64_t nvcsw, nivcsw, minflt;
	/* CPU ns of this client process and of the server, at t0 and t1. */
	uint64_t cpu0, cpu1, srv0, srv1;
	bool srv_cpu;			/* the server's clock was readable */
	/* The mechanism's helper processes' CPU ns (helper_cpu_ns()). */
	uint64_t hlp0, hlp1;
	uint64_t sflt0, sflt1;		/* the server's minor faults */
	char note[256];
};

/* Shared by the parent and the clients of one run. */
struct run_shared {
	pthread_barrier_t start;
	pid_t srv;			/* the server process, for its CPU clock */
	struct client_res res[MECH_MAX_PAIRS];
	uint64_t ns[];			/* pairs * rounds */
};

struct serve_arg {
	const struct mech *m;
	struct mech_ctx *c;
	unsigned int pair;
};

static volatile sig_atomic_t run_timed_out;

static void on_alarm(int sig)
{
	(void)sig;
	run_timed_out = 1;
}

int run_usable(const struct run_params *p)
{
	struct mech_ctx c = { .size = p->size, .pairs = p->pairs };

	return p->m->usable ? p->m->usable(&c) : 0;
}

/* ---- server process ----------------------------------------------------- */

/* serve() returns only on an error: report it and end the process. */
static void *serve_thread(void *arg)
{
	struct serve_arg *a = arg;
	int ret = a->m->serve(a->c, a->pair);

	bench_err(ret < 0 ? ret : -EPROTO, "%s, %zu bytes: server thread %u "
		  "ended", a->m->name, a->c->size, a->pair);
	_exit(1);
}

static int server_main(void *arg, int ready_fd)
{
	struct serve_arg *a = arg, sa[MECH_MAX_PAIRS];
	const struct mech *m = a->m;
	pthread_t tid;
	unsigned int i;
	int ret;

	if (m->server_init) {
		ret = m->server_init(a->c);
		if (ret < 0)
			return bench_err(ret, "%s: server_init", m->name);
	}
	for (i = 0; i < a->c->pairs; i++) {
		sa[i] = (struct serve_arg){ m, a->c, i };
		ret = -pthread_create(&tid, NULL, serve_thread, &sa[i]);
		if (ret < 0)
			return bench_err(ret, "%s: server thread %u", m->name,
					 i);
	}
	bench_ready(ready_fd);
	for (;;)
		pause();	/* until the parent's SIGKILL */
}

/* ---- client processes --------------------------------------------------- */

/*
 * @n round trips (timed into @ns unless NULL), or fewer if the clock
 * passes @end (0: no end); *@done says how many.
 */
static int timed_rounds(const struct run_params *p, void *state,
			unsigned int pair, unsigned long n, uint64_t seed,
			uint64_t *ns, uint64_t end, unsigned long *done)
{
	unsigned long i;
	uint64_t t0, t1;
	int ret;

	for (i = 0; i < n; i++) {
		t0 = bench_now_ns();
		ret = p->m->round(state, seed + i);
		t1 = bench_now_ns();
		if (ns)
			ns[i] = t1 - t0;
		*done = i + 1;
		if (ret == 0 && end && t1 > end)
			break;
		if (ret == -EBADMSG) {
			fprintf(stderr, "%s: %s, %zu bytes, pair %u: round trip"
				" %lu: checksum mismatch\n", bench_prog,
				p->m->name, p->size, pair, i);
			return ret;
		}
		if (ret < 0)
			return bench_err(ret, "%s, %zu bytes, pair %u: round "
					 "trip %lu", p->m->name, p->size, pair,
					 i);
	}
	return 0;
}

static void usage_now(struct rusage *ru)
{
	if (getrusage(RUSAGE_SELF, ru))
		memset(ru, 0, sizeof(*ru));
}

/* CPU time of clock @clk in ns; 0 if it cannot be read (*@ok false). */
static uint64_t cpu_ns(clockid_t clk, bool *ok)
{
	struct timespec ts;

	if (clock_gettime(clk, &ts)) {
		*ok = false;
		return 0;
	}
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* The minor page faults of process @pid so far (/proc/PID/stat), or 0. */
static uint64_t proc_minflt(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long v = 0;
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* After "pid (comm)": state ppid pgrp session tty tpgid flags minflt */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %llu", &v) != 1)
		return 0;
	return v;
}

/*
 * The CPU time of the measured round trips: this client process's own
 * (every thread of it, e.g. a library's), and the server process's, read
 * through its CPU clock at the same two moments; collect() takes the
 * server's over the whole window of all clients. The kernel adds a
 * thread's pending run time to another process's clock only at a tick or
 * a context switch, so a server thread that never sleeps (spin) is
 * undercounted by up to a tick at each end of the window; servers that
 * sleep between requests are counted exactly.
 */
static int client_measure(const struct run_params *p, struct mech_ctx *c,
			  void *state, unsigned int pair,
			  struct run_shared *sh)
{
	uint64_t (*helper)(const struct mech_ctx *, unsigned int, bool *) =
		p->m->helper_cpu_ns;
	struct client_res *cr = &sh->res[pair];
	uint64_t seed = ((uint64_t)pair << 40) + 1;
	struct rusage r0, r1;
	unsigned long warm = 0;
	clockid_t srv_clk;
	bool own_ok = true;
	int ret;

	cr->srv_cpu = clock_getcpuclockid(sh->srv, &srv_clk) == 0;
	ret = timed_rounds(p, state, pair, p->warm, seed, NULL, 0, &warm);
	pthread_barrier_wait(&sh->start);
	if (ret < 0)
		return ret;
	usage_now(&r0);
	cr->sflt0 = proc_minflt(sh->srv);
	if (cr->srv_cpu)
		cr->srv0 = cpu_ns(srv_clk, &cr->srv_cpu);
	if (cr->srv_cpu && helper)
		cr->hlp0 = helper(c, pair, &cr->srv_cpu);
	cr->cpu0 = cpu_ns(CLOCK_PROCESS_CPUTIME_ID, &own_ok);
	cr->t0 = bench_now_ns();
	ret = timed_rounds(p, state, pair, p->rounds, seed + p->warm,
			   sh->ns + (size_t)pair * p->rounds,
			   p->budget_ns ? cr->t0 + p->budget_ns : 0, &cr->done);
	cr->t1 = bench_now_ns();
	cr->cpu1 = cpu_ns(CLOCK_PROCESS_CPUTIME_ID, &own_ok);
	if (cr->srv_cpu)
		cr->srv1 = cpu_ns(srv_clk, &cr->srv_cpu);
	if (cr->srv_cpu && helper)
		cr->hlp1 = helper(c, pair, &cr->srv_cpu);
	if (!own_ok)
		cr->cpu1 = cr->cpu0;
	cr->sflt1 = proc_minflt(sh->srv);
	usage_now(&r1);
	cr->nvcsw = (uint64_t)(r1.ru_nvcsw - r0.ru_nvcsw);
	cr->nivcsw = (uint64_t)(r1.ru_nivcsw - r0.ru_nivcsw);
	cr->minflt = (uint64_t)(r1.ru_minflt - r0.ru_minflt);
	return ret;
}

static void client_main(const struct run_params *p, struct mech_ctx *c,
			unsigned int pair, struct run_shared *sh)
{
	struct client_res *cr = &sh->res[pair];
	void *state = NULL;
	int ret, ret2;

	if (p->pairs == 1 && bench_pin(p->cpu_client) < 0)
		_exit(1);
	ret = p->m->setup(c, pair, &state);
	if (ret < 0) {
		bench_err(ret, "%s, %zu bytes: client %u: setup", p->m->name,
			  p->size, pair);
		pthread_barrier_wait(&sh->start);
		cr->ret = ret;
		_exit(1);
	}
	ret = client_measure(p, c, state, pair, sh);
	ret2 = p->m->teardown(state, ret < 0 ? 0 : p->warm + cr->done,
			      cr->note, sizeof(cr->note));
	if (ret2 < 0 && ret == 0)
		ret = bench_err(ret2, "%s, %zu bytes: client %u: teardown",
				p->m->name, p->size, pair);
	cr->ret = ret;
	_exit(ret < 0 ? 1 : 0);
}

/* ---- parent ------------------------------------------------------------- */

static void kill_all(pid_t *pids, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (pids[i] > 0)
			kill(pids[i], SIGKILL);
}

/*
 * Wait for the @n clients in @pids; 0 if all exited 0, else -1. A server
 * that ends first fails the run and is reaped here (*@srv = -1).
 */
static int reap_clients(const struct run_params *p, pid_t *srv, pid_t *pids,
			unsigned int n)
{
	unsigned int left = n, i;
	int status, ret = 0;
	pid_t pid;

	while (left) {
		pid = waitpid(-1, &status, 0);
		if (pid < 0 && errno == EINTR && run_timed_out) {
			fprintf(stderr, "%s: %s, %zu bytes, %u pairs: no end "
				"after %u s: killed\n", bench_prog, p->m->name,
				p->size, p->pairs, p->timeout_s);
			kill_all(pids, n);
			run_timed_out = 0;
			ret = -1;
			continue;
		}
		if (pid < 0 && errno == EINTR)
			continue;
		if (pid < 0)
			return bench_err(-errno, "waitpid");
		if (pid == *srv) {
			fprintf(stderr, "%s: %s, %zu bytes: the server process "
				"ended (status 0x%x)\n", bench_prog,
				p->m->name, p->size, status);
			*srv = -1;
			kill_all(pids, n);
			ret = -1;
			continue;
		}
		for (i = 0; i < n; i++)
			if (pids[i] == pid)
				break;
		if (i == n)
			continue;
		pids[i] = -1;
		left--;
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			if (WIFSIGNALED(status))
				fprintf(stderr, "%s: %s, %zu bytes: client %u "
					"killed by signal %d\n", bench_prog,
					p->m->name, p->size, i,
					WTERMSIG(status));
			ret = -1;
		}
	}
	return ret;
}

static int fork_clients(const struct run_params *p, struct mech_ctx *c,
			struct run_shared *sh, pid_t *pids)
{
	unsigned int i;

	for (i = 0; i < p->pairs; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			client_main(p, c, i, sh);
		if (pids[i] < 0) {
			/* The started ones wait at the barrier: kill them. */
			bench_err(-errno, "fork client %u", i);
			kill_all(pids, i);
			return -1;
		}
	}
	return 0;
}

/* The server and the clients of @p, with @c prepared. */
static int run_procs(const struct run_params *p, struct mech_ctx *c,
		     struct run_shared *sh)
{
	struct serve_arg a = { p->m, c, 0 };
	pid_t srv = -1, pids[MECH_MAX_PAIRS];
	struct sigaction sa = { .sa_handler = on_alarm };
	int ret;

	fflush(NULL);
	ret = bench_spawn(p->pairs == 1 ? p->cpu_server : -1, server_main, &a,
			  &srv);
	if (ret < 0) {
		fprintf(stderr, "%s: %s, %zu bytes: the server did not start"
			"\n", bench_prog, p->m->name, p->size);
		if (srv > 0)
			bench_reap(srv, "server");
		return -1;
	}
	sh->srv = srv;
	sigaction(SIGALRM, &sa, NULL);
	run_timed_out = 0;
	alarm(p->timeout_s);
	ret = fork_clients(p, c, sh, pids);
	if (ret == 0)
		ret = reap_clients(p, &srv, pids, p->pairs);
	else
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
	alarm(0);
	if (srv > 0) {
		kill(srv, SIGKILL);
		while (waitpid(srv, NULL, 0) < 0 && errno == EINTR)
			;
	}
	return ret;
}

static void collect(const struct run_params *p, struct run_shared *sh,
		    uint64_t *ns, struct run_result *r)
{
	uint64_t t0 = UINT64_MAX, t1 = 0, s0 = UINT64_MAX, s1 = 0;
	uint64_t f0 = UINT64_MAX, f1 = 0, h0 = UINT64_MAX, h1 = 0;
	unsigned int i;

	memset(r, 0, sizeof(*r));
	r->srv_cpu = true;
	for (i = 0; i < p->pairs; i++) {
		const struct client_res *cr = &sh->res[i];

		t0 = cr->t0 < t0 ? cr->t0 : t0;
		t1 = cr->t1 > t1 ? cr->t1 : t1;
		/* The server's clock only grows: its window is all clients'. */
		s0 = cr->srv0 < s0 ? cr->srv0 : s0;
		s1 = cr->srv1 > s1 ? cr->srv1 : s1;
		h0 = cr->hlp0 < h0 ? cr->hlp0 : h0;
		h1 = cr->hlp1 > h1 ? cr->hlp1 : h1;
		r->srv_cpu = r->srv_cpu && cr->srv_cpu;
		f0 = cr->sflt0 < f0 ? cr->sflt0 : f0;
		f1 = cr->sflt1 > f1 ? cr->sflt1 : f1;
		r->cpu_client_ns += cr->cpu1 - cr->cpu0;
		r->nvcsw += cr->nvcsw;
		r->nivcsw += cr->nivcsw;
		r->minflt += cr->minflt;
		memcpy(ns + r->rounds, sh->ns + (size_t)i * p->rounds,
		       cr->done * sizeof(*ns));
		r->rounds += cr->done;
	}
	r->elapsed_ns = t1 > t0 ? t1 - t0 : 1;
	r->cpu_server_ns = r->srv_cpu && s1 > s0 ? s1 - s0 : 0;
	/* Helpers' CPU (0 without helper_cpu_ns()) counts as the server's. */
	if (r->srv_cpu && h1 > h0)
		r->cpu_server_ns += h1 - h0;
	r->server_minflt = f1 > f0 ? f1 - f0 : 0;
	snprintf(r->note, sizeof(r->note), "%s", sh->res[0].note);
}

static int ctx_init(const struct run_params *p, struct mech_ctx *c)
{
	static unsigned int seq;
	size_t shsz = p->m->shared_size ? p->m->shared_size(p->size) : 0;
	unsigned int i;

	memset(c, 0, sizeof(*c));
	c->size = p->size;
	c->pairs = p->pairs;
	snprintf(c->name, sizeof(c->name), "fastipc-bench-%ld-%u",
		 (long)getpid(), seq++);
	memset(c->fd, -1, sizeof(c->fd));
	for (i = 0; i < MECH_MAX_PAIRS; i++)
		c->id[i] = -1;
	for (i = 0; shsz && i < p->pairs; i++) {
		c->shared[i] = mmap(NULL, shsz, PROT_READ | PROT_WRITE,
				    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (c->shared[i] == MAP_FAILED) {
			c->shared[i] = NULL;
			return bench_err(-errno, "%s: %zu bytes of shared "
					 "memory", p->m->name, shsz);
		}
	}
	return 0;
}

static void ctx_free(const struct run_params *p, struct mech_ctx *c)
{
	size_t shsz = p->m->shared_size ? p->m->shared_size(p->size) : 0;
	unsigned int i;

	for (i = 0; i < MECH_MAX_PAIRS; i++)
		if (c->shared[i])
			munmap(c->shared[i], shsz);
}

static struct run_shared *shared_new(const struct run_params *p, size_t *len)
{
	pthread_barrierattr_t ba;
	struct run_shared *sh;

	*len = sizeof(*sh) + (size_t)p->pairs * p->rounds * sizeof(uint64_t);
	sh = mmap(NULL, *len, PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		bench_err(-errno, "%zu bytes for the samples", *len);
		return NULL;
	}
	pthread_barrierattr_init(&ba);
	pthread_barrierattr_setpshared(&ba, PTHREAD_PROCESS_SHARED);
	pthread_barrier_init(&sh->start, &ba, p->pairs);
	pthread_barrierattr_destroy(&ba);
	return sh;
}

int run_once(const struct run_params *p, uint64_t *ns, struct run_result *r)
{
	struct run_shared *sh;
	struct mech_ctx c;
	size_t shlen;
	int ret;

	sh = shared_new(p, &shlen);
	if (!sh)
		return -1;
	ret = ctx_init(p, &c);
	if (ret == 0 && p->m->prepare) {
		ret = p->m->prepare(&c);
		if (ret < 0)
			bench_err(ret, "%s, %zu bytes: prepare", p->m->name,
				  p->size);
	}
	if (ret == 0)
		ret = run_procs(p, &c, sh);
	if (p->m->cleanup)
		p->m->cleanup(&c);
	ctx_free(p, &c);
	if (ret == 0)
		collect(p, sh, ns, r);
	pthread_barrier_destroy(&sh->start);
	munmap(sh, shlen);
	return ret < 0 ? -1 : 0;
}
