// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc_server_stop() is channel-wide (FASTIPC_IOC_CHAN_SHUTDOWN), and
 * several servers on one channel must not trip over it:
 *  - forked_sibling: a pool in a forked child, on the inherited channel
 *    fd, stops when the parent stops its own pool: both run()s return 0;
 *  - own_run_returns: pool B's run() restarting in a loop (each restart
 *    opens receives again) never keeps pool A's run() from returning
 *    after A's stop(); repeated, since the race is a window;
 *  - dispatch_keeps_other_stop: after server A's stop(), server B's
 *    dispatch() returns -ESHUTDOWN rather than opening receives; A's own
 *    dispatch() does open them, and then B's serves.
 * A channel hands each message to the receiver that went idle last (or a
 * recent one on the caller's CPU), so a client calling in a loop keeps one server thread busy and never reaches
 * another pool's idle threads. To know that pool A's run() is serving
 * before stopping it, the tests first hold both threads of pool B in a
 * handler that waits on a gate: the next call can then only be A's.
 * Time bounds here only turn a hang into a failure; nothing is timed.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fastipc.h>

#include "kselftest_harness.h"
#include "fastipc_util.h"

/* its handlers and helpers; not every helper is used here */
#pragma GCC diagnostic ignored "-Wunused-function"
#include "libserve2.h"

#define OP_GATE		7	/* pool B only: waits until the gate opens */
#define B_THREADS	2

/* In shared memory: the forked test's pool B runs in its child. */
struct gate {
	atomic_int open;
	atomic_int held;	/* B's threads waiting in h_gate() now */
};

static int h_gate(void *ctx, const struct fastipc_msg_hdr *hdr,
		  const void *req, size_t req_len, void *rep, size_t rep_cap,
		  size_t *rep_len)
{
	struct gate *g = ctx;

	(void)hdr;
	(void)req;
	(void)req_len;
	(void)rep;
	(void)rep_cap;
	(void)rep_len;
	atomic_fetch_add(&g->held, 1);
	while (!atomic_load(&g->open))
		usleep(1000);
	atomic_fetch_sub(&g->held, 1);
	return 0;
}

FIXTURE(two) {
	struct gate *gate;
	struct fastipc_dev *dev;
	struct fastipc_server *a, *b;
	struct fastipc_conn *c;
	int chan;
	char name[FASTIPC_NAME_MAX];
};

FIXTURE_SETUP(two)
{
	ASSERT_EQ(0, fastipc_open(&self->dev));
	fipc_unique_name(self->name, "libstop");
	self->chan = fastipc_chan_create(self->dev, self->name, 0, 0600, NULL);
	ASSERT_LE(0, self->chan);
	ASSERT_EQ(0, fastipc_server_create(self->chan, 2, NULL, &self->a));
	ASSERT_EQ(0, register_all(self->a));
	ASSERT_EQ(0, fastipc_server_create(self->chan, 2, NULL, &self->b));
	ASSERT_EQ(0, register_all(self->b));
	self->gate = mmap(NULL, sizeof(*self->gate), PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->gate);
	ASSERT_EQ(0, fastipc_server_register(self->b, OP_GATE, h_gate,
					     self->gate));
	ASSERT_EQ(0, fastipc_connect(self->dev, self->name, &self->c));
}

FIXTURE_TEARDOWN(two)
{
	atomic_store(&self->gate->open, 1);	/* no call left held */
	fastipc_disconnect(self->c);
	fastipc_server_destroy(self->a);
	fastipc_server_destroy(self->b);
	close(self->chan);
	fastipc_close(self->dev);
	munmap(self->gate, sizeof(*self->gate));
}

struct holder {
	struct fastipc_conn *c;
	pthread_t th;
	int ret;
};

static void *holder_main(void *arg)
{
	struct holder *h = arg;
	size_t got = 0;

	h->ret = fastipc_call(h->c, OP_GATE, NULL, 0, NULL, 0, &got, CALL_NS);
	return NULL;
}

/*
 * Hold both of pool B's threads in h_gate(), B being the only pool
 * serving: its run() serves, and the next call must wait for another
 * pool. Bounded: 0, or -ETIMEDOUT if B never took both.
 */
static int hold_b(struct gate *g, struct fastipc_conn *c, struct holder *h)
{
	int i;

	atomic_store(&g->open, 0);
	for (i = 0; i < B_THREADS; i++) {
		h[i].c = c;
		h[i].ret = -1;
		if (pthread_create(&h[i].th, NULL, holder_main, &h[i]))
			return -EAGAIN;
	}
	for (i = 0; i < 6000 && atomic_load(&g->held) != B_THREADS; i++)
		usleep(10000);
	return atomic_load(&g->held) == B_THREADS ? 0 : -ETIMEDOUT;
}

/* Open the gate and collect the held calls: 0 if all were answered 0. */
static int release_b(struct gate *g, struct holder *h)
{
	long ret;
	int i, err = 0;

	atomic_store(&g->open, 1);
	for (i = 0; i < B_THREADS; i++) {
		if (join_bounded(h[i].th, &ret) || h[i].ret)
			err = -EBADMSG;
	}
	return err;
}

/* Call until @srv has served one more request (its run() is serving). */
static int served_by(struct fastipc_conn *c, struct fastipc_server *srv)
{
	uint64_t before = srv_stats(srv).requests;
	int i, ret;

	for (i = 0; i < 2000; i++) {
		ret = echo_ok(c, (__u32)i);
		if (ret)
			return ret;
		if (srv_stats(srv).requests != before)
			return 0;
	}
	return -ETIMEDOUT;
}

/* Wait at most 60 s for @pid; its exit status in *@status. */
static int wait_bounded(pid_t pid, int *status)
{
	int i;

	for (i = 0; i < 6000; i++) {
		pid_t r = waitpid(pid, status, WNOHANG);

		if (r == pid)
			return 0;
		if (r < 0)
			return -1;
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, status, 0);
	return -ETIMEDOUT;
}

TEST_F_TIMEOUT(two, forked_sibling, 180)
{
	struct holder h[B_THREADS];
	long ret = -1;
	pthread_t th;
	int status = -1;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)	/* the child's own pool on the inherited channel fd */
		_exit(fastipc_server_run(self->b) == 0 ? 0 : 1);
	/* the child's pool serves (nothing else runs yet) */
	ASSERT_EQ(0, echo_ok(self->c, 1));
	ASSERT_EQ(0, hold_b(self->gate, self->c, h));
	ASSERT_EQ(0, pthread_create(&th, NULL, run_main, self->a));
	ASSERT_EQ(0, served_by(self->c, self->a));
	ASSERT_EQ(0, release_b(self->gate, h));
	fastipc_server_stop(self->a);
	ASSERT_EQ(0, join_bounded(th, &ret));
	EXPECT_EQ(0, ret);
	/* channel-wide: the child's run() returns 0 though never stopped */
	ASSERT_EQ(0, wait_bounded(pid, &status));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

struct loop {
	struct fastipc_server *srv;
	atomic_int done;
	atomic_int runs;
	int bad;		/* a run() that returned non-zero */
};

/* run() again each time another server's stop() ends it */
static void *loop_main(void *arg)
{
	struct loop *l = arg;

	while (!atomic_load(&l->done)) {
		if (fastipc_server_run(l->srv))
			l->bad++;
		atomic_fetch_add(&l->runs, 1);
	}
	return NULL;
}

#define STOP_ROUNDS	20

TEST_F_TIMEOUT(two, own_run_returns, 600)
{
	struct loop l = { .srv = self->b };
	struct holder h[B_THREADS];
	pthread_t th, lth;
	long ret = -1;
	int i;

	ASSERT_EQ(0, pthread_create(&lth, NULL, loop_main, &l));
	for (i = 0; i < STOP_ROUNDS; i++) {
		/* A's previous run() ended: B alone takes the held calls */
		ASSERT_EQ(0, hold_b(self->gate, self->c, h))
			TH_LOG("round %d: held %d, calls %d %d, B runs %d", i,
			       atomic_load(&self->gate->held), h[0].ret,
			       h[1].ret, atomic_load(&l.runs));
		ASSERT_EQ(0, pthread_create(&th, NULL, run_main, self->a));
		ASSERT_EQ(0, served_by(self->c, self->a));
		ASSERT_EQ(0, release_b(self->gate, h));
		fastipc_server_stop(self->a);
		/* the upper bound of a hang, not a measure */
		ASSERT_EQ(0, join_bounded(th, &ret));
		EXPECT_EQ(0, ret);
	}
	atomic_store(&l.done, 1);
	fastipc_server_stop(self->b);
	ASSERT_EQ(0, join_bounded(lth, &ret));
	EXPECT_EQ(0, l.bad);
	/* B's run() was ended by A's stops: it ran again at least once */
	EXPECT_LE(2, atomic_load(&l.runs));
}

TEST_F_TIMEOUT(two, dispatch_keeps_other_stop, 120)
{
	long v = 0;

	fastipc_server_stop(self->a);
	/* A's stop shut receives down: B does not open them */
	EXPECT_EQ(-ESHUTDOWN, fastipc_server_dispatch(self->b, 0));
	ASSERT_EQ(0, fastipc_send(self->c, OP_COUNT, &v, sizeof(v), NS));
	EXPECT_EQ(-ESHUTDOWN, fastipc_server_dispatch(self->b, 0));
	/*
	 * A's own dispatch opens them (its stop) and serves what queued
	 * meanwhile: the client's CONNECT and the message.
	 */
	atomic_store(&counted, 0);
	EXPECT_EQ(2, fastipc_server_dispatch(self->a, 0));
	EXPECT_EQ(1, atomic_load(&counted));
	/* open again: B serves */
	ASSERT_EQ(0, fastipc_send(self->c, OP_COUNT, &v, sizeof(v), NS));
	EXPECT_EQ(1, fastipc_server_dispatch(self->b, 0));
	EXPECT_EQ(2, atomic_load(&counted));
	EXPECT_EQ(0, fastipc_server_dispatch(self->b, 0));
}

TEST_HARNESS_MAIN
