// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc: close() racing everything else (reliability checklist cases
 * 22, 26, 27 and 28).
 *
 *  - close() from another thread while a thread sleeps in RECV or CALL on
 *    that fd: as for any Linux file, the sleeping ioctl keeps its file
 *    until it returns (it still gets its message, reply or timeout), and
 *    the object is released right after.
 *  - epoll registrations on connection, channel and region fds whose
 *    object dies (server closes, RMID, peer death), with the epoll fd
 *    closed before or after the fastipc fd: EPOLLHUP is reported, and
 *    nothing is used after free (the debug kernel's KASAN says).
 *  - Two threads closing one fd while others poll, mmap and ioctl it.
 *  - Fd-returning ioctls (CHAN_CREATE, CONNECT, CONN_REGION) while another
 *    thread closes fd numbers at random: nothing is leaked or half made.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "fastipc_util.h"
#include "region_util.h"

#define RACE_ROUNDS	100
#define FD_ROUNDS	300

FIXTURE(cr) {
	FIPC_TRIO;
};

FIXTURE_SETUP(cr)
{
	ASSERT_EQ(0, fipc_setup(self->fd, &self->conn_id, self->name, "cr",
				0, 0, 0));
}

FIXTURE_TEARDOWN(cr)
{
	fipc_trio_close(self->fd);
}

static void recv_init(struct fastipc_serve *s, void *buf, __u32 cap,
		      __u64 timeout_ns)
{
	memset(s, 0, sizeof(*s));
	s->buf_ptr = (uintptr_t)buf;
	s->buf_cap = cap;
	s->flags = FASTIPC_F_TIMEOUT;
	s->timeout_ns = timeout_ns;
}

/* The channel's file went with its last user: the connection sees it. */
static int server_gone(int conn)
{
	return fipc_send(conn, 1, NULL, 0, FASTIPC_F_NONBLOCK) == -ECONNRESET;
}

TEST_F(cr, close_chan_while_recv_blocked_gets_message)
{
	struct fastipc_serve s;
	struct fipc_bg bg;
	char buf[8];

	recv_init(&s, buf, sizeof(buf), FIPC_WAIT_NS);
	ASSERT_EQ(0, fipc_bg_start(&bg, self->chan, FASTIPC_IOC_RECV, &s));
	ASSERT_EQ(0, fipc_bg_blocked(&bg));
	ASSERT_EQ(0, close(self->chan));
	self->chan = -1;
	usleep(50 * 1000);
	EXPECT_EQ(-EINPROGRESS, bg.ret);
	/* The sleeping RECV still holds the channel: the message reaches it. */
	ASSERT_EQ(0, fipc_send(self->conn, 7, "late", 4, 0));
	EXPECT_EQ(0, fipc_bg_join(&bg));
	EXPECT_EQ(4U, s.hdr.len);
	EXPECT_EQ(7U, s.hdr.op);
	EXPECT_TRUE(server_gone(self->conn));
}

TEST_F(cr, close_chan_while_recv_blocked_times_out)
{
	struct fastipc_serve s;
	struct fipc_bg bg;

	recv_init(&s, NULL, 0, 300 * FIPC_MS);
	ASSERT_EQ(0, fipc_bg_start(&bg, self->chan, FASTIPC_IOC_RECV, &s));
	ASSERT_EQ(0, fipc_bg_blocked(&bg));
	ASSERT_EQ(0, close(self->chan));
	self->chan = -1;
	EXPECT_EQ(-ETIMEDOUT, fipc_bg_join(&bg));
	EXPECT_TRUE(server_gone(self->conn));
}

TEST_F(cr, close_conn_while_call_blocked_gets_reply)
{
	struct fastipc_msg_hdr h;
	struct fastipc_call c;
	struct fipc_bg bg;
	char rep[8], buf[8];

	fipc_call_init(&c, 3, "req", 3, rep, sizeof(rep));
	ASSERT_EQ(0, fipc_bg_start(&bg, self->conn, FASTIPC_IOC_CALL, &c));
	ASSERT_EQ(0, fipc_bg_blocked(&bg));
	ASSERT_EQ(0, close(self->conn));
	self->conn = -1;
	ASSERT_EQ(3, fipc_recv_type(self->chan, FASTIPC_MSG_REQUEST, buf,
				    sizeof(buf), &h));
	EXPECT_EQ(0, fipc_reply(self->chan, h.msg_id, "rep", 3, 5, NULL));
	EXPECT_EQ(0, fipc_bg_join(&bg));
	EXPECT_EQ(5, c.status);
	EXPECT_EQ(3U, c.rep_len);
	/* Then the connection is released. */
	EXPECT_EQ(0, fipc_recv_type(self->chan, FASTIPC_MSG_DISCONNECT, NULL,
				    0, &h));
	EXPECT_EQ(self->conn_id, h.conn_id);
}

/* ---- epoll on objects that die (case 26) ---- */

static int ep_add(int fd, __u32 events)
{
	struct epoll_event ev = { .events = events, .data.fd = fd };
	int ep = epoll_create1(EPOLL_CLOEXEC);

	if (ep < 0)
		return -errno;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev)) {
		close(ep);
		return -errno;
	}
	return ep;
}

/* The events of the one registration, 0 on timeout, -errno on error. */
static int ep_events(int ep, int timeout_ms)
{
	struct epoll_event ev;
	int n = epoll_wait(ep, &ev, 1, timeout_ms);

	if (n < 0)
		return -errno;
	return n ? (int)ev.events : 0;
}

TEST_F(cr, epoll_conn_server_closes_then_epoll_closed_last)
{
	int ep = ep_add(self->conn, EPOLLIN | EPOLLOUT);

	ASSERT_LE(0, ep);
	EXPECT_EQ(EPOLLOUT, ep_events(ep, 0));
	closefd(&self->chan);
	EXPECT_TRUE(ep_events(ep, 1000) & EPOLLHUP);
	closefd(&self->conn);
	EXPECT_EQ(0, ep_events(ep, 0));
	close(ep);
}

TEST_F(cr, epoll_conn_rmid_then_epoll_closed_first)
{
	int ep = ep_add(self->conn, EPOLLIN | EPOLLOUT | EPOLLET);

	ASSERT_LE(0, ep);
	EXPECT_EQ(0, fipc_rmid(self->ctl, self->name));
	closefd(&self->chan);
	EXPECT_TRUE(ep_events(ep, 1000) & EPOLLHUP);
	close(ep);
	closefd(&self->conn);
}

struct ep_waiter {
	int ep;
	int timeout_ms;
	int events;
	pthread_t th;
};

static void *ep_wait_fn(void *p)
{
	struct ep_waiter *w = p;

	w->events = ep_events(w->ep, w->timeout_ms);
	return NULL;
}

/* A thread asleep in epoll_wait() while the object goes away. */
TEST_F(cr, epoll_waiter_woken_when_server_dies)
{
	struct ep_waiter w = { .events = -1, .timeout_ms = 10000 };

	w.ep = ep_add(self->conn, EPOLLIN);
	ASSERT_LE(0, w.ep);
	ASSERT_EQ(0, pthread_create(&w.th, NULL, ep_wait_fn, &w));
	usleep(100 * 1000);
	closefd(&self->chan);
	pthread_join(w.th, NULL);
	EXPECT_TRUE(w.events > 0 && (w.events & EPOLLHUP));
	closefd(&self->conn);
	close(w.ep);
}

/* The channel's last fd goes while registered and while polled. */
TEST_F(cr, epoll_chan_closed_while_polled)
{
	struct ep_waiter w = { .events = -1, .timeout_ms = 1000 };
	int d = dup(self->chan);

	ASSERT_LE(0, d);
	w.ep = ep_add(d, EPOLLIN);
	ASSERT_LE(0, w.ep);
	ASSERT_EQ(0, pthread_create(&w.th, NULL, ep_wait_fn, &w));
	usleep(100 * 1000);
	close(d);
	closefd(&self->chan);
	/* A message to a closed channel is refused, and wakes nobody. */
	EXPECT_EQ(-ECONNRESET, fipc_send(self->conn, 1, NULL, 0, 0));
	closefd(&self->conn);
	pthread_join(w.th, NULL);
	EXPECT_EQ(0, w.events);
	close(w.ep);
}

TEST(epoll_region_fds_peer_dies)
{
	struct rgn r;
	int ep_c, ep_s;

	ASSERT_EQ(0, rgn_open(&r, "crr", RGN_SIZE));
	ep_c = ep_add(r.conn, EPOLLIN);
	ep_s = ep_add(r.rfd, EPOLLIN);
	ASSERT_LE(0, ep_c);
	ASSERT_LE(0, ep_s);
	/* The client goes (fd and maps): the server's region fd hangs up. */
	unmap(&r.cmine, r.l.half_size);
	unmap(&r.cpeer, r.l.half_size);
	closefd(&r.conn);
	EXPECT_TRUE(ep_events(ep_s, 1000) & EPOLLHUP);
	closefd(&r.chan);
	close(ep_c);
	rgn_close(&r);
	EXPECT_EQ(0, ep_events(ep_s, 0));
	close(ep_s);
}

/*
 * Receive everything queued on @chan without waiting: CONNECTs minus
 * DISCONNECTs, added to @*balance. 0, or the failed RECV's -errno.
 */
static int drain(int chan, int *balance)
{
	struct fastipc_serve s;
	char buf[8];
	int ret;

	for (;;) {
		ret = fipc_recv(chan, buf, sizeof(buf), FASTIPC_F_NONBLOCK, 0,
				&s);
		if (ret == -EAGAIN)
			return 0;
		if (ret < 0)
			return ret;
		if (s.hdr.type == FASTIPC_MSG_CONNECT)
			(*balance)++;
		else if (s.hdr.type == FASTIPC_MSG_DISCONNECT)
			(*balance)--;
	}
}

/* ---- two closers and three users of one fd (case 27) ---- */

struct race {
	int fd;
	size_t len;
	off_t off;
	int go;		/* set once, read with acquire */
	int closed;		/* closes that returned 0 */
	int bad;		/* results no fd could give */
	pthread_mutex_t lock;
};

static void race_note(struct race *r, int ok)
{
	if (ok)
		return;
	pthread_mutex_lock(&r->lock);
	r->bad++;
	pthread_mutex_unlock(&r->lock);
}

static void spin_until_go(struct race *r)
{
	while (!__atomic_load_n(&r->go, __ATOMIC_ACQUIRE))
		sched_yield();
}

static void *closer_fn(void *p)
{
	struct race *r = p;
	int ret;

	spin_until_go(r);
	ret = close(r->fd);
	pthread_mutex_lock(&r->lock);
	if (!ret)
		r->closed++;
	else if (errno != EBADF)
		r->bad++;
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

static void *poller_fn(void *p)
{
	struct pollfd pf;
	struct race *r = p;

	spin_until_go(r);
	pf.fd = r->fd;
	pf.events = POLLIN | POLLOUT;
	race_note(r, poll(&pf, 1, 0) >= 0);
	return NULL;
}

static void *mapper_fn(void *p)
{
	struct race *r = p;
	void *m;

	spin_until_go(r);
	m = mmap(NULL, r->len, PROT_READ | PROT_WRITE, MAP_SHARED, r->fd,
		 r->off);
	if (m != MAP_FAILED) {
		/* It mapped the client half: it must be usable, then goes. */
		__atomic_store_n((char *)m + r->len - 1, 1, __ATOMIC_RELAXED);
		munmap(m, r->len);
	} else {
		race_note(r, errno == EBADF);
	}
	return NULL;
}

static void *ioctler_fn(void *p)
{
	struct race *r = p;
	int ret;

	spin_until_go(r);
	ret = fipc_send(r->fd, 1, "r", 1, FASTIPC_F_NONBLOCK);
	race_note(r, ret == 0 || ret == -EBADF || ret == -EAGAIN);
	return NULL;
}

/* 5 threads a round: slow on the debug kernel under TCG. */
TEST_F_TIMEOUT(cr, concurrent_close_poll_mmap_ioctl, 300)
{
	void *(*fns[])(void *) = {
		closer_fn, closer_fn, poller_fn, mapper_fn, ioctler_fn,
	};
	const int nth = ARRAY_SIZE(fns);
	struct fastipc_connect c;
	struct fastipc_chan_stat st;
	struct race r = { .lock = PTHREAD_MUTEX_INITIALIZER };
	pthread_t th[5];
	int i, t, closed = 0, balance = 0;

	for (i = 0; i < RACE_ROUNDS; i++) {
		r.fd = connect_rgn(self->ctl, self->name, 2 * PG, &c);
		ASSERT_LE(0, r.fd);
		r.len = c.layout.half_size;
		r.off = c.layout.client_off;
		r.go = 0;
		r.closed = 0;
		for (t = 0; t < nth; t++)
			ASSERT_EQ(0, pthread_create(&th[t], NULL, fns[t], &r));
		__atomic_store_n(&r.go, 1, __ATOMIC_RELEASE);
		for (t = 0; t < nth; t++)
			pthread_join(th[t], NULL);
		closed += r.closed;
		ASSERT_EQ(0, drain(self->chan, &balance));
	}
	EXPECT_EQ(RACE_ROUNDS, closed);
	EXPECT_EQ(0, balance);
	EXPECT_EQ(0, r.bad);
	/* Every connection was released: no mapping or ioctl kept one. */
	ASSERT_EQ(0, fipc_stat(self->ctl, self->name, &st));
	EXPECT_EQ(1U, st.nr_conns);
}

/* ---- fd-returning ioctls vs random close (case 28) ---- */

#define FD_LO		3
#define FD_SPAN		64

struct rnd_closer {
	int stop;	/* set once, read with acquire */
	int keep[3];
	unsigned int seed;
};

static void *rnd_close_fn(void *p)
{
	struct rnd_closer *rc = p;
	int fd;

	while (!__atomic_load_n(&rc->stop, __ATOMIC_ACQUIRE)) {
		fd = FD_LO + rand_r(&rc->seed) % FD_SPAN;
		if (fd != rc->keep[0] && fd != rc->keep[1] &&
		    fd != rc->keep[2])
			close(fd);
	}
	return NULL;
}

TEST_F_TIMEOUT(cr, fd_ioctls_vs_random_close, 300)
{
	struct rnd_closer rc = { .seed = (unsigned int)getpid() };
	char names[FD_ROUNDS][FASTIPC_NAME_MAX];
	struct fastipc_connect c;
	struct fastipc_chan_stat st;
	pthread_t th;
	int i, fd, ctl, chan, rfd, balance = 0;

	/* The fds the test needs live above the closer's range. */
	ctl = fcntl(self->ctl, F_DUPFD_CLOEXEC, 512);
	chan = fcntl(self->chan, F_DUPFD_CLOEXEC, 512);
	ASSERT_LE(0, ctl);
	ASSERT_LE(0, chan);
	rc.keep[0] = self->ctl;
	rc.keep[1] = self->chan;
	rc.keep[2] = self->conn;
	ASSERT_EQ(0, pthread_create(&th, NULL, rnd_close_fn, &rc));
	for (i = 0; i < FD_ROUNDS; i++) {
		fd = connect_rgn(ctl, self->name, 2 * PG, &c);
		if (fd >= 0) {
			rfd = conn_region(chan, c.conn_id, &c.layout);
			if (rfd >= 0)
				close(rfd);
			close(fd);
		}
		fipc_unique_name(names[i], "crf");
		fd = fipc_create(ctl, names[i], 0, 0600);
		if (fd >= 0)
			close(fd);
		if (drain(chan, &balance))
			break;
	}
	__atomic_store_n(&rc.stop, 1, __ATOMIC_RELEASE);
	pthread_join(th, NULL);
	EXPECT_EQ(FD_ROUNDS, i);
	/* Every connection came and went; no channel name outlived its fd. */
	EXPECT_EQ(0, drain(chan, &balance));
	EXPECT_EQ(0, balance);
	ASSERT_EQ(0, fipc_stat(ctl, self->name, &st));
	EXPECT_EQ(1U, st.nr_conns);
	for (i = 0; i < FD_ROUNDS; i++)
		EXPECT_EQ(-ENOENT, fipc_stat(ctl, names[i], &st));
	close(chan);
	close(ctl);
}

TEST_HARNESS_MAIN
