// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc wake order: a message queued while server threads sleep in RECV
 * is handed to the thread that went to sleep last (last in, first out),
 * which alone is woken; the others stay asleep. Among the four most
 * recently idle, a thread that last ran on the sender's CPU goes first.
 *
 * Every wait is on what the module counts (CHAN_STAT VER3: recv_sleeps,
 * the times a receiver went to sleep, and handoffs, the messages handed
 * straight to a sleeping receiver) or on what the threads report, never on
 * time: a receiver is on the idle list, in order, once recv_sleeps counted
 * it. The tests also check that the hand-off loses and duplicates nothing
 * (many clients and threads; receivers that time out or take a signal
 * while a message is handed to them), that shutdown and removal wake every
 * idle receiver with their documented errors, and that NONBLOCK RECV and
 * epoll still see messages.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>

#include "kselftest_harness.h"
#include "fastipc_util.h"

#define NSRV		4
#define NSRV_MAX	6	/* threads a test may start */
#define IDLE_SCAN	4	/* idle receivers looked at for a CPU */
#define MSG		64
#define OP_TID		1	/* reply with the server thread's tid */
#define OP_ECHO		2	/* reply with the request */

struct srv {
	int chan;
	int reply_recv;		/* serve with REPLY_RECV, else RECV + REPLY */
	int cpu;		/* the CPU it runs on, or -1 for any */
	pid_t tid;
	int ret;		/* the error that ended it */
	unsigned int answered;
	pthread_t th;
};

FIXTURE(wake) {
	FIPC_TRIO;
	struct srv srv[NSRV_MAX];
	int nsrv;
};

static int counters(FIXTURE_DATA(wake) *self, struct fastipc_chan_counters *c)
{
	struct fastipc_chan_stat st;
	int ret = fipc_stat(self->ctl, self->name, &st);

	if (!ret)
		*c = st.counters;
	return ret;
}

/* Wait until recv_sleeps reaches @n; 0 or -errno. */
static int wait_sleeps(FIXTURE_DATA(wake) *self, __u64 n)
{
	struct timespec ts = { 0, FIPC_MS };
	struct fastipc_chan_counters c;
	int i, ret;

	for (i = 0; i < 10000; i++) {
		ret = counters(self, &c);
		if (ret)
			return ret;
		if (c.recv_sleeps >= n)
			return 0;
		nanosleep(&ts, NULL);
	}
	return -ETIMEDOUT;
}

/* Answer requests until the channel says stop; skip other messages. */
static void *srv_fn(void *arg)
{
	struct srv *s = arg;
	unsigned char buf[MSG];
	struct fastipc_serve sv;
	__u64 reply_id = 0;
	__u32 rep_len = 0;
	int ret;

	s->tid = fipc_gettid();
	if (s->cpu >= 0 && fipc_pin_cpu(s->cpu)) {
		s->ret = -errno;
		return NULL;
	}
	for (;;) {
		memset(&sv, 0, sizeof(sv));
		sv.buf_ptr = (uintptr_t)buf;
		sv.buf_cap = sizeof(buf);
		sv.flags = FASTIPC_F_TIMEOUT;
		sv.timeout_ns = FIPC_WAIT_NS;
		if (reply_id && s->reply_recv) {
			sv.reply_id = reply_id;
			sv.reply_ptr = (uintptr_t)buf;
			sv.reply_len = rep_len;
			ret = fipc_ioctl(s->chan, FASTIPC_IOC_REPLY_RECV, &sv);
		} else {
			if (reply_id && fipc_reply(s->chan, reply_id, buf,
						   rep_len, 0, NULL)) {
				ret = -EPROTO;
				break;
			}
			ret = fipc_ioctl(s->chan, FASTIPC_IOC_RECV, &sv);
		}
		reply_id = 0;
		if (ret < 0)
			break;
		if (sv.hdr.type != FASTIPC_MSG_REQUEST)
			continue;
		s->answered++;
		reply_id = sv.hdr.msg_id;
		rep_len = sv.hdr.len;
		if (sv.hdr.op == OP_TID) {
			memcpy(buf, &s->tid, sizeof(s->tid));
			rep_len = sizeof(s->tid);
		}
	}
	s->ret = ret;
	return NULL;
}

static void srv_start_on(struct __test_metadata *_metadata,
			 FIXTURE_DATA(wake) *self, int reply_recv, int cpu)
{
	struct srv *s = &self->srv[self->nsrv];

	ASSERT_GT(NSRV_MAX, self->nsrv);
	*s = (struct srv){ .chan = self->chan, .reply_recv = reply_recv,
			   .cpu = cpu };
	ASSERT_EQ(0, pthread_create(&s->th, NULL, srv_fn, s));
	self->nsrv++;
}

static void srv_start(struct __test_metadata *_metadata,
		      FIXTURE_DATA(wake) *self, int reply_recv)
{
	srv_start_on(_metadata, self, reply_recv, -1);
}

/* End the servers (receive shutdown); each must have stopped on it. */
static void srv_stop(struct __test_metadata *_metadata,
		     FIXTURE_DATA(wake) *self)
{
	struct fastipc_chan_shutdown cs = { .shut = FASTIPC_SHUT_RECV };
	int i;

	if (!self->nsrv)
		return;
	ASSERT_EQ(0, fipc_ioctl(self->chan, FASTIPC_IOC_CHAN_SHUTDOWN, &cs));
	for (i = 0; i < self->nsrv; i++) {
		pthread_join(self->srv[i].th, NULL);
		EXPECT_EQ(-ESHUTDOWN, self->srv[i].ret);
	}
	self->nsrv = 0;
}

/* One OP_TID call: the answering thread's tid, or -errno. */
static pid_t tid_call(int conn)
{
	struct fastipc_call c;
	pid_t tid = 0;
	int ret;

	fipc_call_init(&c, OP_TID, NULL, 0, &tid, sizeof(tid));
	ret = fipc_ioctl(conn, FASTIPC_IOC_CALL, &c);
	if (ret < 0)
		return ret;
	return c.rep_len == sizeof(tid) ? tid : -EBADMSG;
}

FIXTURE_SETUP(wake)
{
	self->nsrv = 0;
	self->fd[0] = self->fd[1] = self->fd[2] = -1;
	FIPC_REQUIRE_DEV();
	ASSERT_EQ(0, fipc_setup(self->fd, &self->conn_id, self->name, "wake",
				0, 0, 0));
}

FIXTURE_TEARDOWN(wake)
{
	if (self->chan >= 0)
		srv_stop(_metadata, self);
	fipc_trio_close(self->fd);
}

/*
 * Start threads that sleep in RECV one after the other, the i-th on
 * @cpus[i]; each is on the idle list, most recent first, when this
 * returns, and *@sleeps is the channel's recv_sleeps then.
 */
static void srv_idle_on(struct __test_metadata *_metadata,
			FIXTURE_DATA(wake) *self, const int *cpus, int n,
			__u64 *sleeps)
{
	struct fastipc_chan_counters c;
	int i;

	ASSERT_EQ(0, counters(self, &c));
	*sleeps = c.recv_sleeps;
	for (i = 0; i < n; i++) {
		srv_start_on(_metadata, self, 0, cpus[i]);
		ASSERT_EQ(0, wait_sleeps(self, ++*sleeps));
	}
}

/*
 * NSRV threads go to sleep in RECV one after the other: each request goes
 * to the last one, which is back asleep (first on the idle list) before
 * the next request, and each was handed over. Every thread and the caller
 * run on CPU 0, so that the CPU preference has nothing to choose.
 */
TEST_F(wake, last_idle_gets_the_request)
{
	static const int cpus[NSRV] = { 0 };	/* all on CPU 0 */
	struct fastipc_chan_counters c0, c;
	__u64 sleeps;
	int i;

	ASSERT_EQ(0, fipc_pin_cpu(0));
	ASSERT_EQ(0, counters(self, &c0));
	srv_idle_on(_metadata, self, cpus, NSRV, &sleeps);
	for (i = 0; i < 8; i++) {
		ASSERT_EQ(self->srv[NSRV - 1].tid, tid_call(self->conn));
		ASSERT_EQ(0, wait_sleeps(self, ++sleeps));
	}
	ASSERT_EQ(0, counters(self, &c));
	EXPECT_EQ(8, c.handoffs - c0.handoffs);
	EXPECT_EQ(8, self->srv[NSRV - 1].answered);
	for (i = 0; i < NSRV - 1; i++)
		EXPECT_EQ(0, self->srv[i].answered);
}

/*
 * Four threads go idle on CPUs 0, 1, 0, 1: a caller on CPU 0 gets the
 * last one on CPU 0 (the third), although the fourth went idle after it;
 * then, with the third back at the head, a caller on CPU 1 gets the
 * fourth. Each request was handed over.
 */
TEST_F(wake, same_cpu_idle_first)
{
	static const int cpus[NSRV] = { 0, 1, 0, 1 };
	struct fastipc_chan_counters c0, c;
	__u64 sleeps;
	int i;

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		SKIP(return, "needs two CPUs");
	ASSERT_EQ(0, counters(self, &c0));
	srv_idle_on(_metadata, self, cpus, NSRV, &sleeps);
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, fipc_pin_cpu(0));
		ASSERT_EQ(self->srv[2].tid, tid_call(self->conn));
		ASSERT_EQ(0, wait_sleeps(self, ++sleeps));
		ASSERT_EQ(0, fipc_pin_cpu(1));
		ASSERT_EQ(self->srv[3].tid, tid_call(self->conn));
		ASSERT_EQ(0, wait_sleeps(self, ++sleeps));
	}
	ASSERT_EQ(0, counters(self, &c));
	EXPECT_EQ(8, c.handoffs - c0.handoffs);
	EXPECT_EQ(4, self->srv[2].answered);
	EXPECT_EQ(4, self->srv[3].answered);
	EXPECT_EQ(0, self->srv[0].answered);
	EXPECT_EQ(0, self->srv[1].answered);
}

/*
 * The preference looks only at the IDLE_SCAN most recently idle: with one
 * thread idle on CPU 0 and, after it, IDLE_SCAN on CPU 1, a caller on
 * CPU 0 gets the most recently idle thread, on CPU 1.
 */
TEST_F(wake, same_cpu_scan_is_bounded)
{
	static const int cpus[IDLE_SCAN + 1] = { 0, 1, 1, 1, 1 };
	__u64 sleeps;
	int i;

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		SKIP(return, "needs two CPUs");
	srv_idle_on(_metadata, self, cpus, IDLE_SCAN + 1, &sleeps);
	ASSERT_EQ(0, fipc_pin_cpu(0));
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(self->srv[IDLE_SCAN].tid, tid_call(self->conn));
		ASSERT_EQ(0, wait_sleeps(self, ++sleeps));
	}
	EXPECT_EQ(0, self->srv[0].answered);
}

struct client {
	int conn;
	unsigned int n, seed;
	int ret;
	pthread_t th;
};

static void *client_fn(void *arg)
{
	struct client *cl = arg;
	unsigned char req[MSG], rep[MSG];
	struct fastipc_call c;
	unsigned int i;

	for (i = 0; i < cl->n; i++) {
		fipc_fill(req, sizeof(req), cl->seed + i);
		fipc_call_init(&c, OP_ECHO, req, sizeof(req), rep, sizeof(rep));
		cl->ret = fipc_ioctl(cl->conn, FASTIPC_IOC_CALL, &c);
		if (cl->ret < 0)
			return NULL;
		if (c.rep_len != sizeof(rep) ||
		    fipc_mismatch(rep, sizeof(rep), cl->seed + i) >= 0) {
			cl->ret = -EBADMSG;
			return NULL;
		}
	}
	return NULL;
}

/*
 * Four clients, each on its own connection, against NSRV REPLY_RECV
 * threads: every call gets its own request back, and the threads answered
 * exactly as many requests as were made.
 */
TEST_F(wake, every_call_answered_once)
{
	struct fastipc_chan_counters c0, c;
	struct client cl[4];
	unsigned int total = 0;
	int i;

	ASSERT_EQ(0, counters(self, &c0));
	for (i = 0; i < NSRV; i++)
		srv_start(_metadata, self, 1);
	for (i = 0; i < 4; i++) {
		cl[i] = (struct client){ .n = 100, .seed = 1000 * i };
		cl[i].conn = fipc_connect(self->ctl, self->name, NULL);
		ASSERT_LE(0, cl[i].conn);
		ASSERT_EQ(0, pthread_create(&cl[i].th, NULL, client_fn, &cl[i]));
	}
	for (i = 0; i < 4; i++) {
		pthread_join(cl[i].th, NULL);
		EXPECT_EQ(0, cl[i].ret);
		close(cl[i].conn);
	}
	srv_stop(_metadata, self);
	for (i = 0; i < NSRV; i++)
		total += self->srv[i].answered;
	EXPECT_EQ(400, total);
	ASSERT_EQ(0, counters(self, &c));
	EXPECT_EQ(400, c.replies - c0.replies);
	TH_LOG("handoffs %llu, recv_sleeps %llu",
	       (unsigned long long)(c.handoffs - c0.handoffs),
	       (unsigned long long)(c.recv_sleeps - c0.recv_sleeps));
}

static void on_usr1(int sig)
{
	(void)sig;
}

struct lossy {
	int chan;
	unsigned int n;
	unsigned int got;		/* messages received, in order */
	volatile unsigned int timeouts, eintrs;
	int bad;			/* out of order, or another error */
	pid_t tid;
	pthread_t th;
};

/* Receive @n one-way messages 0..n-1 in order with a 1 ms timeout. */
static void *lossy_fn(void *arg)
{
	struct lossy *l = arg;
	struct fastipc_serve sv;
	__u32 seq;
	int ret;

	l->tid = fipc_gettid();
	while (l->got < l->n) {
		ret = fipc_recv(l->chan, &seq, sizeof(seq), FASTIPC_F_TIMEOUT,
				FIPC_MS, &sv);
		if (ret == -ETIMEDOUT) {
			l->timeouts++;
			continue;
		}
		if (ret == -EINTR) {
			l->eintrs++;
			continue;
		}
		if (ret != sizeof(seq) || sv.hdr.type != FASTIPC_MSG_ONEWAY ||
		    seq != l->got) {
			l->bad = ret < 0 ? ret : -EBADMSG;
			return NULL;
		}
		l->got++;
	}
	return NULL;
}

static int wait_above(volatile unsigned int *v, unsigned int old)
{
	struct timespec ts = { 0, FIPC_MS };
	int i;

	for (i = 0; i < 10000; i++) {
		if (*v > old)
			return 0;
		nanosleep(&ts, NULL);
	}
	return -ETIMEDOUT;
}

/*
 * A receiver that keeps timing out and taking signals while one-way
 * messages are sent to it, some just as it gives up: it gets each message
 * once, in order; none is lost on the way.
 */
TEST_F(wake, timeout_and_signal_lose_nothing)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	struct fastipc_chan_counters c0, c;
	struct lossy l = { .chan = self->chan, .n = 200 };
	unsigned int i, t;
	__u32 seq;

	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));	/* no SA_RESTART */
	ASSERT_EQ(0, counters(self, &c0));
	ASSERT_EQ(0, pthread_create(&l.th, NULL, lossy_fn, &l));
	for (i = 0; i < l.n; i++) {
		if (i % 8 == 0) {
			t = l.timeouts;
			ASSERT_EQ(0, wait_above(&l.timeouts, t));
		}
		if (i % 8 == 4) {
			t = l.eintrs;
			while (l.eintrs == t && !l.bad && l.got < l.n) {
				pthread_kill(l.th, SIGUSR1);
				sched_yield();
			}
		}
		seq = i;
		ASSERT_EQ(0, fipc_send(self->conn, 1, &seq, sizeof(seq), 0));
	}
	pthread_join(l.th, NULL);
	EXPECT_EQ(0, l.bad);
	EXPECT_EQ(l.n, l.got);
	EXPECT_LT(0, l.timeouts);
	EXPECT_LT(0, l.eintrs);
	ASSERT_EQ(0, counters(self, &c));
	EXPECT_EQ(l.n, c.oneway - c0.oneway);
	TH_LOG("handoffs %llu, timeouts %u, signals %u",
	       (unsigned long long)(c.handoffs - c0.handoffs), l.timeouts,
	       l.eintrs);
}

/* Receive shutdown wakes every idle receiver with -ESHUTDOWN. */
TEST_F(wake, shutdown_wakes_all_idle)
{
	struct fastipc_chan_counters c0;
	int i;

	ASSERT_EQ(0, counters(self, &c0));
	for (i = 0; i < NSRV; i++)
		srv_start(_metadata, self, 0);
	ASSERT_EQ(0, wait_sleeps(self, c0.recv_sleeps + NSRV));
	srv_stop(_metadata, self);	/* asserts -ESHUTDOWN for each */
}

/* Removing the channel wakes every idle receiver with -EIDRM. */
TEST_F(wake, rmid_wakes_all_idle)
{
	struct fastipc_chan_counters c0;
	int i;

	ASSERT_EQ(0, counters(self, &c0));
	for (i = 0; i < NSRV; i++)
		srv_start(_metadata, self, 0);
	ASSERT_EQ(0, wait_sleeps(self, c0.recv_sleeps + NSRV));
	ASSERT_EQ(0, fipc_rmid(self->ctl, self->name));
	for (i = 0; i < NSRV; i++) {
		pthread_join(self->srv[i].th, NULL);
		EXPECT_EQ(-EIDRM, self->srv[i].ret);
	}
	self->nsrv = 0;
}

/*
 * With no receiver asleep, a message is queued and announced to epoll; a
 * NONBLOCK RECV takes it, and the next finds nothing. Nothing was handed.
 */
TEST_F(wake, nonblock_and_epoll_see_messages)
{
	struct fastipc_chan_counters c0, c;
	struct epoll_event ev = { .events = EPOLLIN };
	struct fastipc_serve sv;
	__u32 seq = 7, got = 0;
	int ep;

	ASSERT_EQ(0, counters(self, &c0));
	ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_LE(0, ep);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, self->chan, &ev));
	ASSERT_EQ(0, epoll_wait(ep, &ev, 1, 0));
	ASSERT_EQ(-EAGAIN, fipc_recv(self->chan, &got, sizeof(got),
				     FASTIPC_F_NONBLOCK, 0, NULL));
	ASSERT_EQ(0, fipc_send(self->conn, 1, &seq, sizeof(seq), 0));
	ASSERT_EQ(1, epoll_wait(ep, &ev, 1, 10000));
	EXPECT_TRUE(ev.events & EPOLLIN);
	ASSERT_EQ(sizeof(got), fipc_recv(self->chan, &got, sizeof(got),
					 FASTIPC_F_NONBLOCK, 0, &sv));
	EXPECT_EQ(seq, got);
	EXPECT_EQ(-EAGAIN, fipc_recv(self->chan, &got, sizeof(got),
				     FASTIPC_F_NONBLOCK, 0, NULL));
	ASSERT_EQ(0, counters(self, &c));
	EXPECT_EQ(0, c.handoffs - c0.handoffs);
	close(ep);
}

/*
 * A message too large for the idle receiver's buffer is not handed over:
 * the receiver fails with -EMSGSIZE and the message stays queued for a
 * receive with room.
 */
TEST_F(wake, too_big_is_left_queued)
{
	struct fastipc_chan_counters c0, c;
	unsigned char big[MSG];
	struct fipc_bg bg;
	struct fastipc_serve sv;
	__u32 small;

	memset(&sv, 0, sizeof(sv));
	sv.buf_ptr = (uintptr_t)&small;
	sv.buf_cap = sizeof(small);
	sv.flags = FASTIPC_F_TIMEOUT;
	sv.timeout_ns = FIPC_WAIT_NS;
	ASSERT_EQ(0, counters(self, &c0));
	ASSERT_EQ(0, fipc_bg_start(&bg, self->chan, FASTIPC_IOC_RECV, &sv));
	ASSERT_EQ(0, wait_sleeps(self, c0.recv_sleeps + 1));
	fipc_fill(big, sizeof(big), 3);
	ASSERT_EQ(0, fipc_send(self->conn, 1, big, sizeof(big), 0));
	EXPECT_EQ(-EMSGSIZE, fipc_bg_join(&bg));
	EXPECT_EQ(sizeof(big), sv.hdr.len);
	memset(big, 0, sizeof(big));
	ASSERT_EQ(sizeof(big), fipc_recv(self->chan, big, sizeof(big),
					 FASTIPC_F_NONBLOCK, 0, NULL));
	EXPECT_EQ(-1, fipc_mismatch(big, sizeof(big), 3));
	ASSERT_EQ(0, counters(self, &c));
	EXPECT_EQ(0, c.handoffs - c0.handoffs);
}

TEST_HARNESS_MAIN
