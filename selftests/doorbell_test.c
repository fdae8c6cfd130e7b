// SPDX-License-Identifier: GPL-2.0
/*
 * The fastipc region doorbell: WAIT on the eventcount word and NOTIFY of
 * the peer, from either side (connection fd or region fd), timeouts and
 * non-blocking waits, -EINTR on a signal, waiters woken by the peer's
 * death or RMID, poll() on the ring words, and fds or mappings going away
 * while a thread waits.
 *
 * Each test plays both sides in one process over the region fixture; the
 * waits run in a background thread while the test wakes them.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "fastipc_util.h"
#include "region_util.h"
#include "region_fixture.h"

static void on_signal(int sig)
{
	(void)sig;
}

/* ------------------------------------------------------------------ */
/* The doorbell */

TEST_F(region, wait_eventcount_differs)
{
	struct rgn *r = &self->r;

	WORD(r, smine, eventcount) = 5;
	EXPECT_EQ(0, do_wait(r->conn, 0, FASTIPC_F_NONBLOCK, 0));
	EXPECT_EQ(0, do_wait(r->conn, 4, 0, 0));
	EXPECT_EQ(-EAGAIN, do_wait(r->conn, 5, FASTIPC_F_NONBLOCK, 0));
	WORD(r, cmine, eventcount) = 9;
	EXPECT_EQ(0, do_wait(r->rfd, 0, FASTIPC_F_NONBLOCK, 0));
	EXPECT_EQ(0, do_wait(r->rfd, 10, 0, 0));
	EXPECT_EQ(-EAGAIN, do_wait(r->rfd, 9, FASTIPC_F_NONBLOCK, 0));
}

TEST_F(region, wait_timeout)
{
	int fds[] = { self->r.conn, self->r.rfd };
	unsigned int i;
	__u64 t0;

	for (i = 0; i < ARRAY_SIZE(fds); i++) {
		t0 = mono_ns();
		EXPECT_EQ(-ETIMEDOUT, do_wait(fds[i], 0, FASTIPC_F_TIMEOUT,
					      FIPC_MS));
		EXPECT_LE(t0 + FIPC_MS, mono_ns());
		EXPECT_EQ(-ETIMEDOUT, do_wait(fds[i], 0, FASTIPC_F_TIMEOUT, 0));
	}
}

TEST_F(region, wait_nonblock)
{
	int fds[] = { self->r.conn, self->r.rfd };
	unsigned int i;
	int fl;

	for (i = 0; i < ARRAY_SIZE(fds); i++) {
		EXPECT_EQ(-EAGAIN, do_wait(fds[i], 0, FASTIPC_F_NONBLOCK, 0));
		fl = fcntl(fds[i], F_GETFL);
		ASSERT_EQ(0, fcntl(fds[i], F_SETFL, fl | O_NONBLOCK));
		EXPECT_EQ(-EAGAIN, do_wait(fds[i], 0, 0, 0));
		ASSERT_EQ(0, fcntl(fds[i], F_SETFL, fl));
		EXPECT_EQ(-EINVAL, do_wait(fds[i], 0, 0x4, 0));
		EXPECT_EQ(-EINVAL, do_wait(fds[i], 0, FASTIPC_F_NONBLOCK, 5));
	}
}

/* A WAIT on @fd blocks; @wake (run by the test) must end it with @want. */
static void wait_woken(struct __test_metadata *_metadata, int fd, __u32 ev,
		       int (*wake)(struct rgn *r), struct rgn *r, int want)
{
	struct fastipc_wait w = {
		.eventcount = ev, .flags = FASTIPC_F_TIMEOUT,
		.timeout_ns = FIPC_WAIT_NS,
	};
	struct fipc_bg bg;

	ASSERT_EQ(0, fipc_bg_start(&bg, fd, FASTIPC_IOC_WAIT, &w));
	ASSERT_EQ(0, fipc_bg_blocked(&bg));
	EXPECT_EQ(-EINPROGRESS, bg.ret);
	EXPECT_EQ(0, wake(r));
	EXPECT_EQ(want, fipc_bg_join(&bg));
}

static int wake_notify_client(struct rgn *r)
{
	return notify(r->rfd);
}

static int wake_notify_server(struct rgn *r)
{
	return notify(r->conn);
}

static int wake_bump_client(struct rgn *r)
{
	__atomic_store_n((__u32 *)(r->smine + r->l.eventcount_off),
			 WORD(r, smine, eventcount) + 1, __ATOMIC_RELEASE);
	return notify(r->rfd);
}

static int wake_bump_server(struct rgn *r)
{
	__atomic_store_n((__u32 *)(r->cmine + r->l.eventcount_off),
			 WORD(r, cmine, eventcount) + 1, __ATOMIC_RELEASE);
	return notify(r->conn);
}

static int wake_server_close(struct rgn *r)
{
	closefd(&r->chan);
	return 0;
}

static int wake_client_close(struct rgn *r)
{
	closefd(&r->conn);
	return 0;
}

TEST_F(region, notify_wakes_client)
{
	wait_woken(_metadata, self->r.conn, 0, wake_notify_client, &self->r, 0);
	EXPECT_EQ(0U, WORD(&self->r, cpeer, eventcount));
}

TEST_F(region, notify_wakes_server)
{
	wait_woken(_metadata, self->r.rfd, 0, wake_notify_server, &self->r, 0);
	EXPECT_EQ(0U, WORD(&self->r, speer, eventcount));
}

TEST_F(region, eventcount_bump_wakes)
{
	struct rgn *r = &self->r;

	wait_woken(_metadata, r->conn, 0, wake_bump_client, r, 0);
	EXPECT_EQ(1U, WORD(r, cpeer, eventcount));
	EXPECT_EQ(0, do_wait(r->conn, 0, FASTIPC_F_NONBLOCK, 0));
	wait_woken(_metadata, r->rfd, 0, wake_bump_server, r, 0);
	EXPECT_EQ(1U, WORD(r, speer, eventcount));
	EXPECT_EQ(0, do_wait(r->rfd, 0, FASTIPC_F_NONBLOCK, 0));
}

/* The waiting thread records its tid for the signal. */
struct sig_wait {
	int fd;
	int ret;
	volatile pid_t tid;
};

static void *sig_wait_fn(void *arg)
{
	struct sig_wait *sw = arg;

	sw->tid = fipc_gettid();
	sw->ret = do_wait(sw->fd, 0, FASTIPC_F_TIMEOUT, FIPC_WAIT_NS);
	return NULL;
}

TEST_F(region, wait_eintr)
{
	int fds[] = { self->r.conn, self->r.rfd };
	struct sigaction sa;
	struct sig_wait sw;
	pthread_t th;
	unsigned int i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART */
	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	for (i = 0; i < ARRAY_SIZE(fds); i++) {
		memset(&sw, 0, sizeof(sw));
		sw.fd = fds[i];
		sw.ret = -EINPROGRESS;
		ASSERT_EQ(0, pthread_create(&th, NULL, sig_wait_fn, &sw));
		while (!sw.tid)
			usleep(1000);
		ASSERT_EQ(0, fipc_wait_blocked(getpid(), sw.tid));
		EXPECT_EQ(0, syscall(SYS_tgkill, getpid(), sw.tid, SIGUSR1));
		pthread_join(th, NULL);
		EXPECT_EQ(-EINTR, sw.ret) TH_LOG("fd %u", i);
	}
}

TEST_F(region, server_death_wakes_client)
{
	struct rgn *r = &self->r;

	wait_woken(_metadata, r->conn, 0, wake_server_close, r, -ECONNRESET);
	EXPECT_EQ(-ECONNRESET, do_wait(r->conn, 0, 0, 0));
	EXPECT_EQ(-ECONNRESET, do_wait(r->conn, 7, 0, 0));
	EXPECT_EQ(-ECONNRESET, notify(r->conn));
	EXPECT_EQ(POLLHUP, poll1(r->conn, POLLIN | POLLOUT, 0));
	/* The server's region fd sees the same dead region. */
	EXPECT_EQ(-ECONNRESET, notify(r->rfd));
	EXPECT_EQ(POLLHUP, poll1(r->rfd, POLLIN, 0));
}

static int wake_rmid(struct rgn *r)
{
	return fipc_rmid(r->ctl, r->name);
}

TEST_F(region, rmid_wakes_both)
{
	struct rgn *r = &self->r;
	struct fastipc_wait w = {
		.flags = FASTIPC_F_TIMEOUT, .timeout_ns = FIPC_WAIT_NS,
	};
	struct fipc_bg bg;

	ASSERT_EQ(0, fipc_bg_start(&bg, r->rfd, FASTIPC_IOC_WAIT, &w));
	ASSERT_EQ(0, fipc_bg_blocked(&bg));
	wait_woken(_metadata, r->conn, 0, wake_rmid, r, -ECONNRESET);
	EXPECT_EQ(-ECONNRESET, fipc_bg_join(&bg));
	EXPECT_EQ(POLLHUP, poll1(r->conn, POLLIN, 0));
	EXPECT_EQ(POLLHUP, poll1(r->rfd, POLLIN, 0));
}

TEST_F(region, client_death_wakes_server)
{
	struct rgn *r = &self->r;

	wait_woken(_metadata, r->rfd, 0, wake_client_close, r, -ECONNRESET);
	EXPECT_EQ(-ECONNRESET, do_wait(r->rfd, 0, 0, 0));
	EXPECT_EQ(-ECONNRESET, notify(r->rfd));
	EXPECT_EQ(POLLHUP, poll1(r->rfd, POLLIN, 0));
}

TEST_F(region, poll_rings)
{
	struct rgn *r = &self->r;

	EXPECT_EQ(POLLOUT, poll1(r->conn, POLLIN | POLLOUT, 0));
	EXPECT_EQ(0, poll1(r->rfd, POLLIN | POLLOUT, 0));
	/* The server produced: the client's fd is readable. */
	WORD(r, smine, producer) = 8;
	EXPECT_EQ(POLLIN | POLLOUT, poll1(r->conn, POLLIN | POLLOUT, 0));
	EXPECT_EQ(0, poll1(r->rfd, POLLIN | POLLOUT, 0));
	WORD(r, cmine, consumer) = 8;
	EXPECT_EQ(POLLOUT, poll1(r->conn, POLLIN | POLLOUT, 0));
	/* The client produced: the region fd is readable. */
	WORD(r, cmine, producer) = 16;
	EXPECT_EQ(POLLIN, poll1(r->rfd, POLLIN | POLLOUT, 0));
	EXPECT_EQ(POLLOUT, poll1(r->conn, POLLIN | POLLOUT, 0));
	WORD(r, smine, consumer) = 16;
	EXPECT_EQ(0, poll1(r->rfd, POLLIN | POLLOUT, 0));
}

struct poll_arg {
	int fd;
	short revents;
};

static void *poll_fn(void *arg)
{
	struct poll_arg *pa = arg;

	pa->revents = poll1(pa->fd, POLLIN, 10000);
	return NULL;
}

TEST_F(region, poll_woken_by_notify)
{
	struct rgn *r = &self->r;
	struct poll_arg pa = { .fd = r->rfd, .revents = -2 };
	pthread_t th;

	ASSERT_EQ(0, pthread_create(&th, NULL, poll_fn, &pa));
	usleep(100 * 1000);
	EXPECT_EQ(-2, pa.revents);
	WORD(r, cmine, producer) = 24;
	EXPECT_EQ(0, notify(r->conn));
	pthread_join(th, NULL);
	EXPECT_EQ(POLLIN, pa.revents);
	pa.fd = r->conn;
	pa.revents = -2;
	ASSERT_EQ(0, pthread_create(&th, NULL, poll_fn, &pa));
	usleep(100 * 1000);
	EXPECT_EQ(-2, pa.revents);
	closefd(&r->chan);		/* server death: POLLHUP */
	pthread_join(th, NULL);
	EXPECT_EQ(POLLHUP, pa.revents);
}

/* The waiter's fd is a dup that the test closes, and the maps go. */
TEST_F(region, munmap_close_during_wait_notify)
{
	struct rgn *r = &self->r;
	struct fipc_bg bg;
	struct fastipc_wait w = {
		.flags = FASTIPC_F_TIMEOUT, .timeout_ns = FIPC_WAIT_NS,
	};
	int d = dup(r->conn);

	ASSERT_LE(0, d);
	ASSERT_EQ(0, fipc_bg_start(&bg, d, FASTIPC_IOC_WAIT, &w));
	ASSERT_EQ(0, fipc_bg_blocked(&bg));
	unmap(&r->cmine, r->l.half_size);
	unmap(&r->cpeer, r->l.half_size);
	close(d);
	usleep(20 * 1000);
	EXPECT_EQ(-EINPROGRESS, bg.ret);
	EXPECT_EQ(0, notify(r->rfd));
	EXPECT_EQ(0, fipc_bg_join(&bg));
}

/* Every region fd and map of the waiting server goes; then the client. */
TEST_F(region, munmap_close_during_wait_death)
{
	struct rgn *r = &self->r;
	struct fipc_bg bg;
	struct fastipc_wait w = {
		.flags = FASTIPC_F_TIMEOUT, .timeout_ns = FIPC_WAIT_NS,
	};
	int d = dup(r->rfd);

	ASSERT_LE(0, d);
	ASSERT_EQ(0, fipc_bg_start(&bg, d, FASTIPC_IOC_WAIT, &w));
	ASSERT_EQ(0, fipc_bg_blocked(&bg));
	unmap(&r->smine, r->l.half_size);
	unmap(&r->speer, r->l.half_size);
	close(d);
	closefd(&r->rfd);
	usleep(20 * 1000);
	EXPECT_EQ(-EINPROGRESS, bg.ret);
	closefd(&r->conn);
	EXPECT_EQ(-ECONNRESET, fipc_bg_join(&bg));
}


struct scribble {
	unsigned char *half;
	size_t len;
	volatile int stop;
};

/* A hostile server: rewrites every word of its own half, control page too. */
static void *scribble_fn(void *arg)
{
	struct scribble *sc = arg;
	__u64 x = 0x9e3779b97f4a7c15ULL;
	size_t i;

	while (!sc->stop) {
		for (i = 0; i + 8 <= sc->len && !sc->stop; i += 64) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			memcpy(sc->half + i, &x, sizeof(x));
		}
	}
	return NULL;
}

/*
 * The kernel only compares what it reads from a region: a peer rewriting
 * its indices, eventcount and waiting word at random cannot make WAIT,
 * poll() or NOTIFY do anything but their documented results, and the
 * connection still works afterwards.
 */
#define SCRIBBLE_ROUNDS	200	/* a count, not a duration: the host may be slow */

TEST_F(region, hostile_peer_scribbles)
{
	struct scribble sc = { .half = self->r.smine,
			       .len = self->r.l.half_size };
	struct fastipc_desc d;
	struct fastipc_serve s;
	pthread_t t;
	int ret, n;
	short ev;

	ASSERT_EQ(0, pthread_create(&t, NULL, scribble_fn, &sc));
	for (n = 0; n < SCRIBBLE_ROUNDS; n++) {
		ret = do_wait(self->r.conn, (__u32)n, FASTIPC_F_TIMEOUT, 100000);
		EXPECT_TRUE(ret == 0 || ret == -ETIMEDOUT) TH_LOG("WAIT %d", ret);
		ev = poll1(self->r.conn, POLLIN, 0);
		EXPECT_EQ(0, ev & ~(POLLIN | POLLOUT));
		EXPECT_EQ(0, notify(self->r.rfd));
		EXPECT_EQ(0, notify(self->r.conn));
	}
	sc.stop = 1;
	pthread_join(t, NULL);
	set_desc(&d, 0, 64, FASTIPC_AREA_C2S);
	ASSERT_EQ(0, send_d(self->r.conn, NULL, 0, &d));
	ASSERT_EQ(0, recv_msg(self->r.chan, NULL, 0, &s));
	EXPECT_TRUE(desc_is(&s.desc, 0, 64, FASTIPC_AREA_C2S));
}

TEST_HARNESS_MAIN
