// SPDX-License-Identifier: GPL-2.0
/*
 * libfastipc's server since 0.4 (issue 11, items 3 to 6), against the
 * module, counted with fastipc_server_stats():
 *  - s2.*: fastipc_handler2_t replies of 0 bytes, small (copy), large
 *    (the caller's region, no copy, also above msg_max), exactly
 *    fastipc_req_reply_max() and one byte more (the raw caller sees
 *    rep_need); a fastipc_handler_t that writes more than rep_cap gives
 *    rep_need too; the handler's status passes through unchanged; a v1
 *    handler whose caller's region is smaller than the reply it accepts
 *    gets the copy buffer (the 64 KiB region / 20,000-byte echo);
 *  - msg_max_*: a server with default options takes the channel's own
 *    msg_max (1 MiB), and a larger opts->msg_max is capped to it;
 *    create_errors: fastipc_server_create() tells a channel fd from others;
 *  - pool.*: an idle pool sleeps (context switches counted, not time),
 *    stop() wakes it, from a signal handler too, stop() before run(), and
 *    run() after a stop() serves again, also calls queued meanwhile;
 *  - ev.*: fastipc_server_fd() + fastipc_server_dispatch() in an epoll
 *    loop with no pool threads.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <fastipc.h>

#include "kselftest_harness.h"
#include "fastipc_util.h"

#include "libserve2.h"

/* ------------------------------------------------------------------ */
/* A pool with handler2 and v1 handlers; a plain and a region client */

FIXTURE(s2) {
	struct fastipc_dev *dev;
	struct fastipc_server *srv;
	struct fastipc_conn *plain, *big;
	int chan;
	pthread_t th;
	char name[FASTIPC_NAME_MAX];
};

FIXTURE_SETUP(s2)
{
	ASSERT_EQ(0, fastipc_open(&self->dev));
	fipc_unique_name(self->name, "libserve2");
	self->chan = fastipc_chan_create(self->dev, self->name, 0, 0600, NULL);
	ASSERT_LE(0, self->chan);
	ASSERT_EQ(0, fastipc_server_create(self->chan, 2, NULL, &self->srv));
	ASSERT_EQ(0, register_all(self->srv));
	ASSERT_EQ(0, pthread_create(&self->th, NULL, run_main, self->srv));
	ASSERT_EQ(0, fastipc_connect(self->dev, self->name, &self->plain));
	self->big = connect_rgn(self->dev, self->name, 4ULL << 20);
	ASSERT_NE(NULL, self->big);
	/* one record of its rings takes a reply above msg_max */
	ASSERT_LE(200000, fastipc_conn_shm_max(self->big));
}

FIXTURE_TEARDOWN(s2)
{
	fastipc_disconnect(self->plain);
	fastipc_disconnect(self->big);
	EXPECT_EQ(0, pool_end(self->srv, self->th));
	close(self->chan);
	fastipc_close(self->dev);
}

TEST_F_TIMEOUT(s2, h2_copy, 120)
{
	static unsigned char rep[65536];
	struct h2_req q = { .seed = 1 };
	struct fastipc_call a;

	/* 0 bytes, and the handler's status as it returned it */
	q.len = 0;
	q.status = 5;
	ASSERT_EQ(0, raw_call(self->plain, OP_FILL2, &q, rep, 64, &a));
	EXPECT_EQ(5, a.status);
	EXPECT_EQ(0, a.rep_len);
	EXPECT_EQ(0, a.rep_need);
	EXPECT_EQ(0, atomic_load(&h2_ret));

	/* small, by copy; a negative status is a status too */
	q.len = 100;
	q.status = -EINVAL;
	ASSERT_EQ(0, raw_call(self->plain, OP_FILL2, &q, rep, 4096, &a));
	EXPECT_EQ(-EINVAL, a.status);
	ASSERT_EQ(100, a.rep_len);
	EXPECT_EQ(FASTIPC_AREA_NONE, a.rep_desc.area);
	EXPECT_GT(0, fipc_mismatch(rep, 100, 1));

	/* above the reply threshold, no region: still by copy */
	q.len = 40000;
	q.status = 0;
	ASSERT_EQ(0, raw_call(self->plain, OP_FILL2, &q, rep, sizeof(rep),
			      &a));
	EXPECT_EQ(0, a.status);
	ASSERT_EQ(40000, a.rep_len);
	EXPECT_GT(0, fipc_mismatch(rep, 40000, 1));

	/* exactly reply_max: the caller's rep_cap */
	q.len = 0;
	q.flags = H2_MAX;
	q.seed = 2;
	ASSERT_EQ(0, raw_call(self->plain, OP_FILL2, &q, rep, 3000, &a));
	EXPECT_EQ(3000, atomic_load(&h2_max));
	EXPECT_EQ(0, a.status);
	ASSERT_EQ(3000, a.rep_len);
	EXPECT_GT(0, fipc_mismatch(rep, 3000, 2));

	/* one byte more: -EOVERFLOW, and the caller learns the need */
	q.len = 1;
	q.status = 9;
	ASSERT_EQ(0, raw_call(self->plain, OP_FILL2, &q, rep, 3000, &a));
	EXPECT_EQ(-EOVERFLOW, atomic_load(&h2_ret));
	EXPECT_EQ(-EOVERFLOW, a.status);
	EXPECT_EQ(0, a.rep_len);
	EXPECT_EQ(3001, a.rep_need);
}

TEST_F_TIMEOUT(s2, h2_region, 120)
{
	struct fastipc_server_stats st0, st1;
	struct h2_req q = { .seed = 3 };
	unsigned char *rep;
	size_t got = 0;

	rep = malloc(200000);
	ASSERT_NE(NULL, rep);
	/* small reply to a region client: by copy, not the ring */
	q.len = 100;
	st0 = srv_stats(self->srv);
	ASSERT_EQ(0, fastipc_call(self->big, OP_FILL2, &q, sizeof(q), rep,
				  200000, &got, CALL_NS));
	ASSERT_EQ(100, got);
	EXPECT_GT(0, fipc_mismatch(rep, 100, 3));
	st1 = srv_stats(self->srv);
	EXPECT_EQ(st0.rep_shm, st1.rep_shm);

	/* above the threshold: a ring record of exactly its size */
	q.len = 40000;
	ASSERT_EQ(0, fastipc_call(self->big, OP_FILL2, &q, sizeof(q), rep,
				  200000, &got, CALL_NS));
	ASSERT_EQ(40000, got);
	EXPECT_GT(0, fipc_mismatch(rep, 40000, 3));
	st0 = srv_stats(self->srv);
	EXPECT_EQ(st1.rep_shm + 1, st0.rep_shm);

	/* above the channel's msg_max (64 KiB): only the ring carries it */
	q.len = 150000;
	q.seed = 4;
	ASSERT_EQ(0, fastipc_call(self->big, OP_FILL2, &q, sizeof(q), rep,
				  200000, &got, CALL_NS));
	ASSERT_EQ(150000, got);
	EXPECT_GT(0, fipc_mismatch(rep, 150000, 4));
	EXPECT_LE(200000, atomic_load(&h2_max));
	st1 = srv_stats(self->srv);
	EXPECT_EQ(st0.rep_shm + 1, st1.rep_shm);
	free(rep);
}

TEST_F_TIMEOUT(s2, v1_need, 120)
{
	unsigned char rep[1000];
	struct h2_req q = { 0 };
	struct fastipc_call a;
	size_t got = 1;

	ASSERT_EQ(0, raw_call(self->plain, OP_OVER, &q, rep, sizeof(rep), &a));
	EXPECT_EQ(-EOVERFLOW, a.status);
	EXPECT_EQ(0, a.rep_len);
	EXPECT_EQ(sizeof(rep) + OVER_BY, a.rep_need);

	/* fastipc_call() sees what it saw before 0.4 */
	EXPECT_EQ(-EOVERFLOW, fastipc_call(self->plain, OP_OVER, &q, sizeof(q),
					   rep, sizeof(rep), &got, CALL_NS));
	EXPECT_EQ(0, got);
}

/* The case: a 64 KiB region, an echo of 20,000 bytes. */
TEST_F_TIMEOUT(s2, small_region_copy, 120)
{
	struct fastipc_server_stats st0, st1;
	static unsigned char req[20000], rep[20000];
	struct fastipc_conn *c;
	size_t got = 0;

	c = connect_rgn(self->dev, self->name, 64ULL << 10);
	ASSERT_NE(NULL, c);
	ASSERT_GT(sizeof(rep), fastipc_conn_shm_max(c));
	fipc_fill(req, sizeof(req), 5);
	st0 = srv_stats(self->srv);
	ASSERT_EQ(0, fastipc_call(c, OP_ECHO, req, sizeof(req), rep,
				  sizeof(rep), &got, CALL_NS));
	ASSERT_EQ(sizeof(rep), got);
	EXPECT_GT(0, fipc_mismatch(rep, sizeof(rep), 5));
	EXPECT_EQ(sizeof(rep), atomic_load(&v1_cap));
	st1 = srv_stats(self->srv);
	EXPECT_EQ(st0.rep_fallbacks + 1, st1.rep_fallbacks);
	EXPECT_EQ(st0.rep_shm, st1.rep_shm);
	EXPECT_EQ(st0.rep_refused, st1.rep_refused);

	/* and the same for a handler2 */
	memset(rep, 0, sizeof(rep));
	ASSERT_EQ(0, fastipc_call(c, OP_ECHO2, req, sizeof(req), rep,
				  sizeof(rep), &got, CALL_NS));
	ASSERT_EQ(sizeof(rep), got);
	EXPECT_GT(0, fipc_mismatch(rep, sizeof(rep), 5));
	fastipc_disconnect(c);
}

/* ------------------------------------------------------------------ */
/* msg_max from the channel */

/* Serve @chan with @opts; a plain client asks for 1 MiB. */
static void msg_max_check(struct __test_metadata *_metadata,
			  struct fastipc_dev *dev, const char *name, int chan,
			  const struct fastipc_server_opts *opts)
{
	struct fastipc_server *srv;
	struct h2_req q = { .len = 1U << 20, .seed = 6 };
	struct fastipc_conn *c;
	struct fastipc_call a;
	unsigned char *rep;
	pthread_t th;

	rep = malloc(4U << 20);
	ASSERT_NE(NULL, rep);
	ASSERT_EQ(0, fastipc_server_create(chan, 1, opts, &srv));
	ASSERT_EQ(0, register_all(srv));
	ASSERT_EQ(0, pthread_create(&th, NULL, run_main, srv));
	ASSERT_EQ(0, fastipc_connect(dev, name, &c));
	atomic_store(&v1_cap, 0);
	ASSERT_EQ(0, raw_call(c, OP_CAP, &q, rep, 4U << 20, &a));
	EXPECT_EQ(1U << 20, atomic_load(&v1_cap));
	EXPECT_EQ(0, a.status);
	EXPECT_EQ(1U << 20, a.rep_len);
	EXPECT_GT(0, fipc_mismatch(rep, 1U << 20, 6));
	fastipc_disconnect(c);
	EXPECT_EQ(0, pool_end(srv, th));
	free(rep);
}

FIXTURE(solo) {
	struct fastipc_dev *dev;
};

FIXTURE_SETUP(solo)
{
	ASSERT_EQ(0, fastipc_open(&self->dev));
}

FIXTURE_TEARDOWN(solo)
{
	fastipc_close(self->dev);
}

TEST_F_TIMEOUT(solo, msg_max_chan, 120)
{
	struct fastipc_dev *dev = self->dev;
	struct fastipc_server_opts opts;
	struct fastipc_chan_opts co;
	char name[FASTIPC_NAME_MAX];
	int chan;

	fipc_unique_name(name, "libserve2mm");
	memset(&co, 0, sizeof(co));
	co.msg_max = 1U << 20;
	chan = fastipc_chan_create(dev, name, 0, 0600, &co);
	ASSERT_LE(0, chan);
	/* default options: the channel's msg_max, not 64 KiB */
	msg_max_check(_metadata, dev, name, chan, NULL);
	/* a larger msg_max is capped to the channel's */
	memset(&opts, 0, sizeof(opts));
	opts.msg_max = 4U << 20;
	msg_max_check(_metadata, dev, name, chan, &opts);
	close(chan);
}

TEST(create_errors)
{
	struct fastipc_server *srv = NULL;
	struct fastipc_dev *dev;
	struct fastipc_conn *c;
	char name[FASTIPC_NAME_MAX];
	int p[2], chan, closed;

	ASSERT_EQ(0, pipe(p));
	EXPECT_EQ(-ENOTTY, fastipc_server_create(p[0], 1, NULL, &srv));
	closed = p[1];
	close(p[0]);
	close(p[1]);
	EXPECT_EQ(-EBADF, fastipc_server_create(closed, 1, NULL, &srv));
	ASSERT_EQ(0, fastipc_open(&dev));
	EXPECT_EQ(-ENOTTY, fastipc_server_create(fastipc_dev_fd(dev), 1, NULL,
						 &srv));
	fipc_unique_name(name, "libserve2ce");
	chan = fastipc_chan_create(dev, name, 0, 0600, NULL);
	ASSERT_LE(0, chan);
	ASSERT_EQ(0, fastipc_connect(dev, name, &c));
	EXPECT_EQ(-ENOTTY, fastipc_server_create(fastipc_conn_fd(c), 1, NULL,
						 &srv));
	EXPECT_EQ(NULL, srv);
	ASSERT_EQ(0, fastipc_server_create(chan, 1, NULL, &srv));
	fastipc_server_destroy(srv);
	fastipc_disconnect(c);
	close(chan);
	fastipc_close(dev);
}

/* ------------------------------------------------------------------ */
/* Stopping: a 4-thread pool that sleeps when idle */

#define POOL_THREADS	4

FIXTURE(pool) {
	struct fastipc_dev *dev;
	struct fastipc_server *srv;
	struct fastipc_conn *c;
	int chan;
	char name[FASTIPC_NAME_MAX];
};

FIXTURE_SETUP(pool)
{
	ASSERT_EQ(0, fastipc_open(&self->dev));
	fipc_unique_name(self->name, "libserve2p");
	self->chan = fastipc_chan_create(self->dev, self->name, 0, 0600, NULL);
	ASSERT_LE(0, self->chan);
	ASSERT_EQ(0, fastipc_server_create(self->chan, POOL_THREADS, NULL,
					   &self->srv));
	ASSERT_EQ(0, register_all(self->srv));
	ASSERT_EQ(0, fastipc_connect(self->dev, self->name, &self->c));
}

FIXTURE_TEARDOWN(pool)
{
	fastipc_disconnect(self->c);
	fastipc_server_destroy(self->srv);
	close(self->chan);
	fastipc_close(self->dev);
}

/*
 * Voluntary context switches of every thread of this process but the
 * calling one, and how many threads that was.
 */
static long long ctxt_switches(int *nthreads)
{
	char path[300], line[128];
	long long sum = 0, v;
	struct dirent *d;
	pid_t self = fipc_gettid();
	DIR *dir;
	FILE *f;

	*nthreads = 0;
	dir = opendir("/proc/self/task");
	if (!dir)
		return -1;
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.' || atoi(d->d_name) == self)
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/status",
			 d->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "voluntary_ctxt_switches: %lld",
				   &v) == 1)
				sum += v;
		fclose(f);
		(*nthreads)++;
	}
	closedir(dir);
	return sum;
}

/*
 * The old pool woke every 100 ms: ~40 switches in this second for 4
 * threads. A sleeping pool makes none; a few are allowed for stray
 * wake-ups (page faults on first touch, the scheduler's own).
 */
TEST_F_TIMEOUT(pool, idle_sleeps, 120)
{
	long long before, after;
	int n = 0, tries;
	pthread_t th;
	long ret = -1;

	ASSERT_EQ(0, pthread_create(&th, NULL, run_main, self->srv));
	ASSERT_EQ(0, echo_ok(self->c, 1));	/* the pool is up */
	/* the run() thread and the 4 pool threads, all started */
	for (tries = 0; tries < 1000; tries++) {
		ctxt_switches(&n);
		if (n >= POOL_THREADS + 1)
			break;
		usleep(10000);
	}
	ASSERT_EQ(POOL_THREADS + 1, n);
	usleep(200000);			/* let them settle in RECV */
	before = ctxt_switches(&n);
	sleep(1);
	after = ctxt_switches(&n);
	ASSERT_LE(0, before);
	TH_LOG("idle pool: %lld voluntary switches in the interval",
	       after - before);
	EXPECT_GE(4, after - before);
	/* stop() wakes every sleeping thread: run() returns 0 */
	fastipc_server_stop(self->srv);
	ASSERT_EQ(0, join_bounded(th, &ret));
	EXPECT_EQ(0, ret);
}

TEST_F_TIMEOUT(pool, stop_before_run, 120)
{
	pthread_t th;
	long ret = -1;

	fastipc_server_stop(self->srv);
	EXPECT_EQ(0, fastipc_server_run(self->srv));	/* at once */
	/* that run consumed the stop: the next one serves */
	ASSERT_EQ(0, pthread_create(&th, NULL, run_main, self->srv));
	EXPECT_EQ(0, echo_ok(self->c, 2));
	fastipc_server_stop(self->srv);
	ASSERT_EQ(0, join_bounded(th, &ret));
	EXPECT_EQ(0, ret);
}

static struct fastipc_server *sig_srv;

static void on_sigusr1(int sig)
{
	(void)sig;
	fastipc_server_stop(sig_srv);
}

TEST_F_TIMEOUT(pool, stop_from_signal, 120)
{
	struct sigaction sa;
	pthread_t th;
	long ret = -1;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigusr1;
	sigemptyset(&sa.sa_mask);
	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	sig_srv = self->srv;
	ASSERT_EQ(0, pthread_create(&th, NULL, run_main, self->srv));
	ASSERT_EQ(0, echo_ok(self->c, 3));
	/* to the run() thread: no pool thread's receive is interrupted */
	ASSERT_EQ(0, pthread_kill(th, SIGUSR1));
	ASSERT_EQ(0, join_bounded(th, &ret));
	EXPECT_EQ(0, ret);
}

struct bg_call {
	struct fastipc_conn *c;
	atomic_int done;
	int ret;
};

static void *bg_call_main(void *arg)
{
	struct bg_call *b = arg;

	b->ret = echo_ok(b->c, 4);
	atomic_store(&b->done, 1);
	return NULL;
}

TEST_F_TIMEOUT(pool, restart_serves_queued, 120)
{
	struct fastipc_chan_stat st;
	struct bg_call b = { .c = self->c };
	pthread_t th, cth;
	long ret = -1;
	int tries;

	ASSERT_EQ(0, pthread_create(&th, NULL, run_main, self->srv));
	ASSERT_EQ(0, echo_ok(self->c, 5));
	fastipc_server_stop(self->srv);
	ASSERT_EQ(0, join_bounded(th, &ret));
	ASSERT_EQ(0, ret);
	/* a call while stopped waits in the queue */
	ASSERT_EQ(0, pthread_create(&cth, NULL, bg_call_main, &b));
	for (tries = 0; tries < 3000; tries++) {
		ASSERT_EQ(0, fastipc_chan_stat(self->dev, self->name, 0, &st));
		if (st.queue_msgs)
			break;
		usleep(10000);
	}
	ASSERT_EQ(1, st.queue_msgs);
	EXPECT_EQ(0, atomic_load(&b.done));
	/* run() again: receives open again, the queued call is served */
	ASSERT_EQ(0, pthread_create(&th, NULL, run_main, self->srv));
	ASSERT_EQ(0, join_bounded(cth, &ret));
	EXPECT_EQ(1, atomic_load(&b.done));
	EXPECT_EQ(0, b.ret);
	EXPECT_EQ(0, echo_ok(self->c, 6));
	fastipc_server_stop(self->srv);
	ASSERT_EQ(0, join_bounded(th, &ret));
	EXPECT_EQ(0, ret);
}

/* ------------------------------------------------------------------ */
/* An event loop: fastipc_server_fd() and fastipc_server_dispatch() */

FIXTURE(ev) {
	struct fastipc_dev *dev;
	struct fastipc_server *srv;
	int chan;
	char name[FASTIPC_NAME_MAX];
};

FIXTURE_SETUP(ev)
{
	ASSERT_EQ(0, fastipc_open(&self->dev));
	fipc_unique_name(self->name, "libserve2ev");
	self->chan = fastipc_chan_create(self->dev, self->name, 0, 0600, NULL);
	ASSERT_LE(0, self->chan);
	ASSERT_EQ(0, fastipc_server_create(self->chan, 1, NULL, &self->srv));
	ASSERT_EQ(0, register_all(self->srv));
	atomic_store(&connects, 0);
	atomic_store(&disconnects, 0);
	atomic_store(&counted, 0);
}

FIXTURE_TEARDOWN(ev)
{
	fastipc_server_destroy(self->srv);
	if (self->chan >= 0)
		close(self->chan);
	fastipc_close(self->dev);
}

TEST_F(ev, fd_and_empty)
{
	EXPECT_EQ(self->chan, fastipc_server_fd(self->srv));
	EXPECT_EQ(0, fastipc_server_dispatch(self->srv, 0));	/* no wait */
	EXPECT_EQ(0, fastipc_server_dispatch(self->srv, 5));
}

TEST_F(ev, max_and_conn_callbacks)
{
	struct fastipc_conn *c;
	int i;

	ASSERT_EQ(0, fastipc_connect(self->dev, self->name, &c));
	EXPECT_EQ(1, fastipc_server_dispatch(self->srv, 0));	/* CONNECT */
	EXPECT_EQ(1, atomic_load(&connects));
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, fastipc_send(c, OP_COUNT, &i, sizeof(i), NS));
	EXPECT_EQ(1, fastipc_server_dispatch(self->srv, 1));
	EXPECT_EQ(1, atomic_load(&counted));
	EXPECT_EQ(2, fastipc_server_dispatch(self->srv, 0));
	EXPECT_EQ(3, atomic_load(&counted));
	EXPECT_EQ(0, fastipc_server_dispatch(self->srv, 0));
	fastipc_disconnect(c);
	EXPECT_EQ(1, fastipc_server_dispatch(self->srv, 0));
	EXPECT_EQ(1, atomic_load(&disconnects));
}

TEST_F_TIMEOUT(ev, busy_while_running, 120)
{
	struct fastipc_conn *c;
	pthread_t th;
	long ret = -1;

	ASSERT_EQ(0, fastipc_connect(self->dev, self->name, &c));
	ASSERT_EQ(0, pthread_create(&th, NULL, run_main, self->srv));
	ASSERT_EQ(0, echo_ok(c, 7));		/* the pool serves */
	EXPECT_EQ(-EBUSY, fastipc_server_dispatch(self->srv, 0));
	fastipc_server_stop(self->srv);
	ASSERT_EQ(0, join_bounded(th, &ret));
	EXPECT_EQ(0, ret);
	/*
	 * Stopped: dispatch() works again, on receives the stop shut down
	 * (it opens them): the queued one-way message is handled.
	 */
	atomic_store(&counted, 0);
	ASSERT_EQ(0, fastipc_send(c, OP_COUNT, &ret, sizeof(ret), NS));
	EXPECT_EQ(1, fastipc_server_dispatch(self->srv, 0));
	EXPECT_EQ(1, atomic_load(&counted));
	fastipc_disconnect(c);
}

TEST_F(ev, removed)
{
	ASSERT_EQ(0, fastipc_chan_rmid(self->dev, self->name, 0));
	EXPECT_EQ(-EIDRM, fastipc_server_dispatch(self->srv, 0));
}

#define EV_CLIENTS	3
#define EV_CALLS	20
#define EV_BIG		40000	/* the region client's payloads */

struct ev_client {
	struct fastipc_conn *c;
	bool region;
	int ok;
	atomic_int *done;
};

static void *ev_client_main(void *arg)
{
	struct ev_client *e = arg;
	size_t len = e->region ? EV_BIG : 256, got;
	unsigned char *req = malloc(len), *rep = malloc(len);
	int i;

	for (i = 0; req && rep && i < EV_CALLS; i++) {
		fipc_fill(req, len, (__u32)i);
		got = 0;
		if (fastipc_call(e->c, e->region ? OP_ECHO2 : OP_ECHO, req,
				 len, rep, len, &got, CALL_NS))
			break;
		if (got != len || fipc_mismatch(rep, len, (__u32)i) >= 0)
			break;
		e->ok++;
	}
	free(req);
	free(rep);
	atomic_fetch_add(e->done, 1);
	return NULL;
}

TEST_F_TIMEOUT(ev, epoll_three_clients, 180)
{
	struct ev_client cl[EV_CLIENTS];
	struct fastipc_server_stats st;
	struct epoll_event ev = { .events = EPOLLIN };
	pthread_t th[EV_CLIENTS];
	atomic_int done = 0;
	int ep, i, n, handled = 0, loops;

	ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_LE(0, ep);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD,
			       fastipc_server_fd(self->srv), &ev));
	for (i = 0; i < EV_CLIENTS; i++) {
		memset(&cl[i], 0, sizeof(cl[i]));
		cl[i].region = i == 0;
		cl[i].done = &done;
		cl[i].c = cl[i].region ?
			  connect_rgn(self->dev, self->name, 1ULL << 20) :
			  NULL;
		if (!cl[i].region)
			ASSERT_EQ(0, fastipc_connect(self->dev, self->name,
						     &cl[i].c));
		ASSERT_NE(NULL, cl[i].c);
		ASSERT_EQ(0, pthread_create(&th[i], NULL, ev_client_main,
					    &cl[i]));
	}
	/* one thread serves all three; the bound only stops a hang */
	for (loops = 0; atomic_load(&done) < EV_CLIENTS && loops < 600000;
	     loops++) {
		n = epoll_wait(ep, &ev, 1, 100);
		ASSERT_LE(0, n);
		n = fastipc_server_dispatch(self->srv, 0);
		ASSERT_LE(0, n);
		handled += n;
	}
	for (i = 0; i < EV_CLIENTS; i++) {
		pthread_join(th[i], NULL);
		EXPECT_EQ(EV_CALLS, cl[i].ok);
		fastipc_disconnect(cl[i].c);
	}
	handled += fastipc_server_dispatch(self->srv, 0);
	/* the calls, and a CONNECT and DISCONNECT per client */
	EXPECT_EQ(EV_CLIENTS * (EV_CALLS + 2), handled);
	EXPECT_EQ(EV_CLIENTS, atomic_load(&connects));
	EXPECT_EQ(EV_CLIENTS, atomic_load(&disconnects));
	/* the region client's large replies went through its ring */
	ASSERT_EQ(0, fastipc_server_stats(self->srv, &st, sizeof(st)));
	EXPECT_EQ(EV_CALLS, st.rep_shm);
	close(ep);
}

TEST_HARNESS_MAIN
