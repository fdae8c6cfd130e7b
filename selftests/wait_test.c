// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc: timeouts (their edges included), non-blocking mode, -EINTR,
 * full queues, cancellation of calls whose caller gave up, and dropped
 * late replies.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>

#include "kselftest_harness.h"
#include "fastipc_util.h"

FIXTURE(wait) {
	FIPC_TRIO;
};

FIXTURE_SETUP(wait)
{
	FIPC_REQUIRE_DEV();
	ASSERT_EQ(0, fipc_setup(self->fd, &self->conn_id, self->name, "wait",
				0, 0, 0));
}

FIXTURE_TEARDOWN(wait)
{
	fipc_trio_close(self->fd);
}

static __u64 mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * FIPC_SEC + ts.tv_nsec;
}

static void on_signal(int sig)
{
	(void)sig;
}

/* SIGUSR1 interrupts system calls: no SA_RESTART. */
static int install_sigusr1(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	return sigaction(SIGUSR1, &sa, NULL);
}

TEST_F(wait, call_timeouts)
{
	static const __u64 tmo[] = { 0, 1, 10 * FIPC_MS };
	struct fastipc_chan_stat st;
	unsigned int i;
	__u64 t0;

	for (i = 0; i < ARRAY_SIZE(tmo); i++) {
		t0 = mono_ns();
		EXPECT_EQ(-ETIMEDOUT, fipc_call_timeout(self->conn, i, "x", 1,
							tmo[i], NULL))
			TH_LOG("timeout %llu ns", (unsigned long long)tmo[i]);
		EXPECT_LE(t0 + tmo[i], mono_ns());
	}
	/* The cancelled requests were taken off the queue. */
	EXPECT_EQ(-EAGAIN, fipc_recv(self->chan, NULL, 0, FASTIPC_F_NONBLOCK,
				     0, NULL));
	ASSERT_EQ(0, fipc_stat(self->ctl, self->name, &st));
	EXPECT_EQ(0U, st.queue_msgs);
	EXPECT_EQ(0U, st.queue_bytes);
	EXPECT_EQ(3ULL, st.counters.timeouts);
	EXPECT_EQ(3ULL, st.counters.cancelled);
	EXPECT_EQ(0ULL, st.counters.replies);
}

TEST_F(wait, recv_timeouts)
{
	static const __u64 tmo[] = { 0, 1, 10 * FIPC_MS };
	unsigned int i;
	__u64 t0;

	for (i = 0; i < ARRAY_SIZE(tmo); i++) {
		t0 = mono_ns();
		EXPECT_EQ(-ETIMEDOUT, fipc_recv(self->chan, NULL, 0,
						FASTIPC_F_TIMEOUT, tmo[i], NULL))
			TH_LOG("timeout %llu ns", (unsigned long long)tmo[i]);
		EXPECT_LE(t0 + tmo[i], mono_ns());
	}
}

TEST_F(wait, timeout_value_without_flag)
{
	struct fastipc_call c;

	fipc_call_init(&c, 1, NULL, 0, NULL, 0);
	c.flags = 0;
	c.timeout_ns = 5;
	EXPECT_EQ(-EINVAL, fipc_ioctl(self->conn, FASTIPC_IOC_CALL, &c));
	fipc_call_init(&c, 1, NULL, 0, NULL, 0);
	c.flags = FASTIPC_F_NONBLOCK;
	c.timeout_ns = 5;
	EXPECT_EQ(-EINVAL, fipc_ioctl(self->conn, FASTIPC_IOC_CALL, &c));
	EXPECT_EQ(-EINVAL, fipc_recv(self->chan, NULL, 0, FASTIPC_F_NONBLOCK,
				     5, NULL));
	EXPECT_EQ(-EINVAL, fipc_recv(self->chan, NULL, 0, 0, FIPC_SEC, NULL));
	/* Nothing was queued by the rejected calls. */
	EXPECT_EQ(-EAGAIN, fipc_recv(self->chan, NULL, 0, FASTIPC_F_NONBLOCK,
				     0, NULL));
}

TEST_F(wait, send_timeout_value_without_flag)
{
	struct fastipc_call c;

	memset(&c, 0, sizeof(c));
	c.timeout_ns = 5;
	EXPECT_EQ(-EINVAL, fipc_ioctl(self->conn, FASTIPC_IOC_SEND, &c));
	EXPECT_EQ(-EAGAIN, fipc_recv(self->chan, NULL, 0, FASTIPC_F_NONBLOCK,
				     0, NULL));
}

/* EAGAIN, not a wait: a blocking RECV without a timeout never returns. */
TEST_F(wait, recv_nonblock_flag)
{
	EXPECT_EQ(-EAGAIN, fipc_recv(self->chan, NULL, 0, FASTIPC_F_NONBLOCK,
				     0, NULL));
}

TEST_F(wait, recv_nonblock_fd)
{
	int fl = fcntl(self->chan, F_GETFL);

	ASSERT_LE(0, fl);
	ASSERT_EQ(0, fcntl(self->chan, F_SETFL, fl | O_NONBLOCK));
	EXPECT_EQ(-EAGAIN, fipc_recv(self->chan, NULL, 0, 0, 0, NULL));
	ASSERT_EQ(0, fcntl(self->chan, F_SETFL, fl & ~O_NONBLOCK));
	EXPECT_EQ(-ETIMEDOUT, fipc_recv(self->chan, NULL, 0, FASTIPC_F_TIMEOUT,
					FIPC_MS, NULL));
}

TEST_F(wait, call_eintr)
{
	struct fastipc_chan_stat st;
	struct fastipc_call c;
	struct fipc_bg b;

	ASSERT_EQ(0, install_sigusr1());
	fipc_call_init(&c, 1, "x", 1, NULL, 0);
	ASSERT_EQ(0, fipc_bg_start(&b, self->conn, FASTIPC_IOC_CALL, &c));
	ASSERT_EQ(0, fipc_bg_blocked(&b));
	ASSERT_EQ(0, pthread_kill(b.th, SIGUSR1));
	/* EINTR, not ETIMEDOUT: the signal ended it, not the timeout. */
	EXPECT_EQ(-EINTR, fipc_bg_join(&b));
	/* Cancelled before any server saw it: removed from the queue. */
	EXPECT_EQ(-EAGAIN, fipc_recv(self->chan, NULL, 0, FASTIPC_F_NONBLOCK,
				     0, NULL));
	ASSERT_EQ(0, fipc_stat(self->ctl, self->name, &st));
	EXPECT_EQ(1ULL, st.counters.cancelled);
	EXPECT_EQ(0ULL, st.counters.timeouts);
	EXPECT_EQ(0U, st.queue_msgs);
}

TEST_F(wait, recv_eintr)
{
	struct fastipc_serve s;
	struct fipc_bg b;

	ASSERT_EQ(0, install_sigusr1());
	memset(&s, 0, sizeof(s));
	s.flags = FASTIPC_F_TIMEOUT;
	s.timeout_ns = FIPC_WAIT_NS;
	ASSERT_EQ(0, fipc_bg_start(&b, self->chan, FASTIPC_IOC_RECV, &s));
	ASSERT_EQ(0, fipc_bg_blocked(&b));
	ASSERT_EQ(0, pthread_kill(b.th, SIGUSR1));
	EXPECT_EQ(-EINTR, fipc_bg_join(&b));	/* not -ETIMEDOUT */
	EXPECT_EQ(0U, s.out_flags);
}

/* A signal after the server received the call: the reply is dropped. */
TEST_F(wait, call_eintr_after_receive)
{
	struct fastipc_chan_stat st;
	struct fastipc_msg_hdr h;
	struct fastipc_call c;
	struct fipc_bg b;
	__u32 out = 0;

	ASSERT_EQ(0, install_sigusr1());
	fipc_call_init(&c, 1, "x", 1, NULL, 0);
	ASSERT_EQ(0, fipc_bg_start(&b, self->conn, FASTIPC_IOC_CALL, &c));
	ASSERT_EQ(1, fipc_recv_type(self->chan, FASTIPC_MSG_REQUEST, &out,
				    sizeof(out), &h));
	ASSERT_EQ(0, fipc_bg_blocked(&b));
	ASSERT_EQ(0, pthread_kill(b.th, SIGUSR1));
	EXPECT_EQ(-EINTR, fipc_bg_join(&b));
	EXPECT_EQ(0, fipc_reply(self->chan, h.msg_id, "late", 4, 0, &out));
	EXPECT_EQ(FASTIPC_SERVE_REPLY_DROPPED, out);
	ASSERT_EQ(0, fipc_stat(self->ctl, self->name, &st));
	EXPECT_EQ(1ULL, st.counters.cancelled);
	EXPECT_EQ(1ULL, st.counters.dropped_replies);
	EXPECT_EQ(0ULL, st.counters.replies);
}

TEST_F(wait, late_reply_dropped)
{
	struct fastipc_chan_stat st;
	struct fastipc_msg_hdr h;
	struct fastipc_call c;
	struct fipc_bg b;
	__u32 out = 0;

	fipc_call_init(&c, 1, NULL, 0, NULL, 0);
	c.timeout_ns = 2 * FIPC_SEC;
	ASSERT_EQ(0, fipc_bg_start(&b, self->conn, FASTIPC_IOC_CALL, &c));
	ASSERT_EQ(0, fipc_recv_type(self->chan, FASTIPC_MSG_REQUEST, NULL, 0, &h));
	EXPECT_EQ(-ETIMEDOUT, fipc_bg_join(&b));
	EXPECT_EQ(0, fipc_reply(self->chan, h.msg_id, NULL, 0, 0, &out));
	EXPECT_EQ(FASTIPC_SERVE_REPLY_DROPPED, out);
	/* Dropped once: the id is no longer outstanding. */
	EXPECT_EQ(-ENOENT, fipc_reply(self->chan, h.msg_id, NULL, 0, 0, NULL));
	ASSERT_EQ(0, fipc_stat(self->ctl, self->name, &st));
	EXPECT_EQ(1ULL, st.counters.timeouts);
	EXPECT_EQ(1ULL, st.counters.cancelled);
	EXPECT_EQ(1ULL, st.counters.dropped_replies);
	EXPECT_EQ(0ULL, st.counters.replies);
}

/*
 * A REPLY_RECV whose reply is dropped returns at once and receives
 * nothing, with or without a message queued: the server must learn that
 * nobody reads its reply (it may hold a ring record for it) now, not when
 * it is next handed a message.
 */
static int abandon_one(int conn, int chan, __u64 *id)
{
	struct fastipc_msg_hdr h;
	struct fastipc_call c;
	struct fipc_bg b;
	char x;

	fipc_call_init(&c, 1, "x", 1, NULL, 0);
	if (fipc_bg_start(&b, conn, FASTIPC_IOC_CALL, &c) ||
	    fipc_recv_type(chan, FASTIPC_MSG_REQUEST, &x, 1, &h) != 1 ||
	    fipc_bg_blocked(&b) || pthread_kill(b.th, SIGUSR1))
		return -1;
	*id = h.msg_id;
	return fipc_bg_join(&b) == -EINTR ? 0 : -1;
}

static int reply_recv(int chan, __u64 id, struct fastipc_serve *s,
		      char *buf, __u32 cap)
{
	memset(s, 0, sizeof(*s));
	s->reply_id = id;
	s->buf_ptr = (uintptr_t)buf;
	s->buf_cap = cap;
	s->flags = FASTIPC_F_TIMEOUT;
	s->timeout_ns = FIPC_WAIT_NS;
	return fipc_ioctl(chan, FASTIPC_IOC_REPLY_RECV, s);
}

TEST_F(wait, reply_recv_dropped_returns)
{
	struct fastipc_chan_stat st;
	struct fastipc_serve s;
	char buf[8];
	__u64 id;

	ASSERT_EQ(0, install_sigusr1());
	/* Nothing queued: not a wait for the next message (-ETIMEDOUT). */
	ASSERT_EQ(0, abandon_one(self->conn, self->chan, &id));
	EXPECT_EQ(0, reply_recv(self->chan, id, &s, buf, sizeof(buf)));
	EXPECT_EQ(FASTIPC_SERVE_REPLY_DROPPED, s.out_flags);
	EXPECT_EQ(0U, s.hdr.msg_id);

	/* A message queued stays queued for the next RECV. */
	ASSERT_EQ(0, abandon_one(self->conn, self->chan, &id));
	ASSERT_EQ(0, fipc_send(self->conn, 4, "y", 1, 0));
	EXPECT_EQ(0, reply_recv(self->chan, id, &s, buf, sizeof(buf)));
	EXPECT_EQ(FASTIPC_SERVE_REPLY_DROPPED, s.out_flags);
	EXPECT_EQ(1, fipc_recv(self->chan, buf, sizeof(buf),
			       FASTIPC_F_NONBLOCK, 0, &s));
	EXPECT_EQ(4U, s.hdr.op);
	ASSERT_EQ(0, fipc_stat(self->ctl, self->name, &st));
	EXPECT_EQ(2ULL, st.counters.dropped_replies);
	EXPECT_EQ(0ULL, st.counters.replies);
}

/* NONBLOCK on CALL is about queue room; the reply is still awaited. */
TEST_F(wait, nonblock_call_awaits_reply)
{
	struct fastipc_msg_hdr h;
	struct fastipc_call c;
	struct fipc_bg b;
	char rep[4];

	fipc_call_init(&c, 1, NULL, 0, rep, sizeof(rep));
	c.flags |= FASTIPC_F_NONBLOCK;
	ASSERT_EQ(0, fipc_bg_start(&b, self->conn, FASTIPC_IOC_CALL, &c));
	ASSERT_EQ(0, fipc_recv_type(self->chan, FASTIPC_MSG_REQUEST, NULL, 0, &h));
	EXPECT_EQ(0, fipc_reply(self->chan, h.msg_id, "pong", 4, 3, NULL));
	EXPECT_EQ(0, fipc_bg_join(&b));
	EXPECT_EQ(3, c.status);
	EXPECT_EQ(4U, c.rep_len);
}

/* Small queues: limited by messages, or by bytes. */
FIXTURE(full) {
	union {
		int fd[3];
		struct {
			int ctl, chan, conn;
		};
	};
	__u64 conn_id;
	char name[FASTIPC_NAME_MAX];
};

FIXTURE_VARIANT(full) {
	__u32 queue_msgs;
	__u32 msg_max;
	__u32 queue_bytes;
};

FIXTURE_VARIANT_ADD(full, msgs) {
	.queue_msgs = 2,
};

FIXTURE_VARIANT_ADD(full, bytes) {
	.msg_max = 4096,
	.queue_bytes = 8192,
};

FIXTURE_SETUP(full)
{
	FIPC_REQUIRE_DEV();
	ASSERT_EQ(0, fipc_setup(self->fd, &self->conn_id, self->name, "full",
				variant->msg_max, variant->queue_msgs,
				variant->queue_bytes));
}

FIXTURE_TEARDOWN(full)
{
	close(self->conn);
	close(self->chan);
	close(self->ctl);
}

static short poll_revents(int fd, short events)
{
	struct pollfd p = { .fd = fd, .events = events };

	if (poll(&p, 1, 0) < 0)
		return -1;
	return p.revents;
}

/* Fill the queue to its limit; 0 or -errno. */
static int fill_queue(FIXTURE_DATA(full) *self, const FIXTURE_VARIANT(full) *v,
		      int *sent)
{
	static char buf[4096];
	int ret;

	for (*sent = 0; *sent < 1000; (*sent)++) {
		ret = fipc_send(self->conn, *sent, buf, v->msg_max ? 4096 : 1,
				FASTIPC_F_NONBLOCK);
		if (ret == -EAGAIN)
			return 0;
		if (ret < 0)
			return ret;
	}
	return -ENOSPC;
}

TEST_F(full, queue)
{
	struct fastipc_chan_stat st;
	struct fastipc_call c;
	struct fipc_bg b;
	char buf[4096];
	int sent, i, fl;

	ASSERT_EQ(0, fill_queue(self, variant, &sent));
	EXPECT_EQ(2, sent);
	ASSERT_EQ(0, fipc_stat(self->ctl, self->name, &st));
	EXPECT_EQ(2U, st.queue_msgs);
	EXPECT_EQ(2U, st.queue_peak);
	EXPECT_FALSE(poll_revents(self->conn, POLLOUT) & POLLOUT);

	/* A CALL with NONBLOCK does not queue either. */
	fipc_call_init(&c, 99, "x", 1, NULL, 0);
	c.flags |= FASTIPC_F_NONBLOCK;
	EXPECT_EQ(-EAGAIN, fipc_ioctl(self->conn, FASTIPC_IOC_CALL, &c));
	/* Nor a SEND through an O_NONBLOCK fd. */
	fl = fcntl(self->conn, F_GETFL);
	ASSERT_EQ(0, fcntl(self->conn, F_SETFL, fl | O_NONBLOCK));
	EXPECT_EQ(-EAGAIN, fipc_send(self->conn, 98, "x", 1, 0));
	ASSERT_EQ(0, fcntl(self->conn, F_SETFL, fl));
	/* A timed SEND times out. */
	memset(&c, 0, sizeof(c));
	c.op = 97;
	c.req_ptr = (uintptr_t)"x";
	c.req_len = 1;
	c.flags = FASTIPC_F_TIMEOUT;
	c.timeout_ns = 10 * FIPC_MS;
	EXPECT_EQ(-ETIMEDOUT, fipc_ioctl(self->conn, FASTIPC_IOC_SEND, &c));

	/* A blocking SEND waits for room and goes in once a message leaves. */
	memset(&c, 0, sizeof(c));
	c.op = 2;
	c.req_ptr = (uintptr_t)buf;
	c.req_len = variant->msg_max ? 4096 : 1;
	c.flags = FASTIPC_F_TIMEOUT;
	c.timeout_ns = FIPC_WAIT_NS;
	ASSERT_EQ(0, fipc_bg_start(&b, self->conn, FASTIPC_IOC_SEND, &c));
	ASSERT_EQ(0, fipc_bg_blocked(&b));
	ASSERT_LE(0, fipc_recv(self->chan, buf, sizeof(buf), FASTIPC_F_NONBLOCK,
			       0, NULL));
	EXPECT_EQ(0, fipc_bg_join(&b));
	EXPECT_FALSE(poll_revents(self->conn, POLLOUT) & POLLOUT);

	/* The rest arrives in order, nothing from the rejected sends. */
	for (i = 1; i <= 2; i++) {
		struct fastipc_serve s;

		ASSERT_LE(0, fipc_recv(self->chan, buf, sizeof(buf),
				       FASTIPC_F_NONBLOCK, 0, &s));
		EXPECT_EQ((__u32)i, s.hdr.op);
	}
	EXPECT_EQ(-EAGAIN, fipc_recv(self->chan, NULL, 0, FASTIPC_F_NONBLOCK,
				     0, NULL));
	EXPECT_TRUE(poll_revents(self->conn, POLLOUT) & POLLOUT);
}

/* A thread blocked in ppoll() for POLLOUT on a connection. */
struct poll_bg {
	pthread_t th;
	int fd;
	_Atomic pid_t tid;
	int ret;
	short revents;
};

static void *poll_fn(void *arg)
{
	struct poll_bg *p = arg;
	struct pollfd pfd = { .fd = p->fd, .events = POLLOUT };

	p->tid = fipc_gettid();
	p->ret = ppoll(&pfd, 1, NULL, NULL);
	p->revents = pfd.revents;
	return NULL;
}

/* Start a poller on @fd and wait until it sleeps in the kernel. */
static int poll_bg_start(struct poll_bg *p, int fd)
{
	struct timespec ts = { 0, FIPC_MS };
	int ret;

	memset(p, 0, sizeof(*p));
	p->fd = fd;
	ret = pthread_create(&p->th, NULL, poll_fn, p);
	if (ret)
		return -ret;
	while (!p->tid)
		nanosleep(&ts, NULL);
	return fipc_wait_blocked_in(getpid(), p->tid, SYS_ppoll);
}

/*
 * What the poller's ppoll() returned, or -ETIMEDOUT if it is still asleep
 * FIPC_WAIT_NS later. It has no timeout of its own: a timed poll polls
 * once more when it expires, so a lost wake-up would only make it late.
 */
static int poll_bg_join(struct poll_bg *p)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += FIPC_WAIT_NS / FIPC_SEC;
	if (pthread_timedjoin_np(p->th, NULL, &ts)) {
		pthread_cancel(p->th);
		pthread_join(p->th, NULL);
		return -ETIMEDOUT;
	}
	return p->ret;
}

/*
 * Room in a full queue wakes a poller waiting for POLLOUT, whether a
 * receive made it or a queued call gave up (-EINTR). The kernel skips
 * that wake-up when no one waits: a poller asleep must still get it.
 */
TEST_F(full, room_wakes_poller)
{
	__u32 len = variant->msg_max ? 4096 : 1;
	struct fastipc_call c;
	struct poll_bg p;
	struct fipc_bg b;
	char buf[4096];
	int sent;

	ASSERT_EQ(0, install_sigusr1());
	ASSERT_EQ(0, fill_queue(self, variant, &sent));
	ASSERT_EQ(0, poll_bg_start(&p, self->conn));
	ASSERT_LE(0, fipc_recv(self->chan, buf, sizeof(buf), FASTIPC_F_NONBLOCK,
			       0, NULL));
	EXPECT_EQ(1, poll_bg_join(&p));
	EXPECT_TRUE(p.revents & POLLOUT);

	/* A call takes the last room and waits there for a server. */
	memset(buf, 'c', len);
	fipc_call_init(&c, 7, buf, len, NULL, 0);
	ASSERT_EQ(0, fipc_bg_start(&b, self->conn, FASTIPC_IOC_CALL, &c));
	ASSERT_EQ(0, fipc_bg_blocked(&b));
	EXPECT_FALSE(poll_revents(self->conn, POLLOUT) & POLLOUT);
	ASSERT_EQ(0, poll_bg_start(&p, self->conn));
	/* Interrupted while queued, it leaves the queue: room again. */
	ASSERT_EQ(0, pthread_kill(b.th, SIGUSR1));
	EXPECT_EQ(-EINTR, fipc_bg_join(&b));
	EXPECT_EQ(1, poll_bg_join(&p));
	EXPECT_TRUE(p.revents & POLLOUT);
}

/*
 * Timeout edges (checklist case 25): timeouts so large that adding them
 * to the clock would overflow wait like no timeout at all, and a reply
 * racing the caller's timeout ends the call exactly one way.
 */
static const __u64 huge_tmo[] = { (__u64)INT64_MAX, (__u64)INT64_MAX + 1,
				  ~0ULL };

TEST_F(wait, huge_call_timeouts_wait_for_reply)
{
	struct fastipc_msg_hdr h;
	struct fastipc_call c;
	struct fipc_bg b;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(huge_tmo); i++) {
		fipc_call_init(&c, 1, NULL, 0, NULL, 0);
		c.timeout_ns = huge_tmo[i];
		ASSERT_EQ(0, fipc_bg_start(&b, self->conn, FASTIPC_IOC_CALL,
					   &c));
		ASSERT_EQ(0, fipc_recv_type(self->chan, FASTIPC_MSG_REQUEST,
					    NULL, 0, &h));
		usleep(50 * 1000);
		EXPECT_EQ(-EINPROGRESS, b.ret)
			TH_LOG("timeout %llu ns", (unsigned long long)huge_tmo[i]);
		EXPECT_EQ(0, fipc_reply(self->chan, h.msg_id, NULL, 0, i, NULL));
		EXPECT_EQ(0, fipc_bg_join(&b));
		EXPECT_EQ((int)i, c.status);
	}
}

TEST_F(wait, huge_recv_timeouts_wait_for_message)
{
	struct fastipc_serve s;
	struct fipc_bg b;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(huge_tmo); i++) {
		memset(&s, 0, sizeof(s));
		s.flags = FASTIPC_F_TIMEOUT;
		s.timeout_ns = huge_tmo[i];
		ASSERT_EQ(0, fipc_bg_start(&b, self->chan, FASTIPC_IOC_RECV,
					   &s));
		ASSERT_EQ(0, fipc_bg_blocked(&b));
		EXPECT_EQ(-EINPROGRESS, b.ret)
			TH_LOG("timeout %llu ns", (unsigned long long)huge_tmo[i]);
		ASSERT_EQ(0, fipc_send(self->conn, i, NULL, 0, 0));
		EXPECT_EQ(0, fipc_bg_join(&b));
		EXPECT_EQ(i, s.hdr.op);
	}
}

#define RACES	200

/* Replies to each request after about the caller's timeout. */
struct racer {
	int chan;
	int stop;	/* set once, read with acquire */
	int seen, replied, dropped, gone;
};

static void *late_replier(void *p)
{
	struct racer *r = p;
	struct fastipc_serve s;
	__u32 out;
	int ret;

	for (;;) {
		ret = fipc_recv(r->chan, NULL, 0, FASTIPC_F_TIMEOUT,
				100 * FIPC_MS, &s);
		if (ret == -ETIMEDOUT &&
		    !__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE))
			continue;
		if (ret)
			return NULL;
		r->seen++;
		/* Around the caller's timeout: op microseconds. */
		usleep(s.hdr.op);
		out = 0;
		ret = fipc_reply(r->chan, s.hdr.msg_id, NULL, 0, 0, &out);
		if (ret == -ENOENT)
			r->gone++;
		else if (out & FASTIPC_SERVE_REPLY_DROPPED)
			r->dropped++;
		else if (!ret && (out & FASTIPC_SERVE_REPLIED))
			r->replied++;
	}
	return NULL;
}

TEST_F(wait, timeout_racing_reply_exactly_one)
{
	struct racer r = { .chan = self->chan };
	struct fastipc_chan_stat st;
	int i, ret, ok = 0, timedout = 0;
	pthread_t th;

	ASSERT_EQ(0, pthread_create(&th, NULL, late_replier, &r));
	for (i = 0; i < RACES; i++) {
		/* The reply comes 0..2 ms after the request; timeout 1 ms. */
		ret = fipc_call_timeout(self->conn, (i * 37) % 2000, NULL, 0,
					FIPC_MS, NULL);
		if (!ret)
			ok++;
		else if (ret == -ETIMEDOUT)
			timedout++;
		else
			EXPECT_EQ(0, ret);
	}
	__atomic_store_n(&r.stop, 1, __ATOMIC_RELEASE);
	pthread_join(th, NULL);
	TH_LOG("%d replied, %d timed out (%d dropped, %d gone, %d unseen)",
	       ok, timedout, r.dropped, r.gone, RACES - r.seen);
	/* Each call ended one way, and the server saw the same way. */
	EXPECT_EQ(RACES, ok + timedout);
	EXPECT_EQ(ok, r.replied);
	EXPECT_EQ(timedout, r.dropped + r.gone + RACES - r.seen);
	ASSERT_EQ(0, fipc_stat(self->ctl, self->name, &st));
	EXPECT_EQ((__u64)ok, st.counters.replies);
	EXPECT_EQ((__u64)timedout, st.counters.timeouts);
	EXPECT_EQ(0U, st.queue_msgs);
}

TEST_HARNESS_MAIN
