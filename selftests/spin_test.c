// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc busy-waiting (the spin_ns module parameter): a CALL polls for its
 * reply while the server thread that took its request runs on a CPU, and a
 * REPLY_RECV polls for the next request, each for at most spin_ns; a
 * signal, the call's timeout, or a server that goes to sleep ends the
 * poll, and spin_ns=0 turns it off.
 *
 * Whether a thread polled is read from its CPU time (CLOCK_THREAD_CPUTIME_
 * ID, which counts the time spent in the ioctl): a thread that sleeps
 * through a 100 ms wait uses well under 10 ms of CPU, one that polls uses
 * most of it. No test asserts how long anything took.
 *
 * The caller runs on one CPU and the server thread on another (skipped on
 * a single CPU). A poll also ends when another task becomes runnable on
 * the poller's CPU, so the tests that need a poll to happen measure many
 * polls, or the longest of a few; the tests that need none allow none.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "kselftest_harness.h"
#include "fastipc_util.h"

#define MSG		64
#define TRIES		5
/* This harness runs the test even when its setup skipped. */
#define SETUP_SKIPPED()	(_metadata->skip)

/* What the server thread does between receiving a request and replying. */
enum srv_mode { SRV_BUSY, SRV_SLEEP };

struct srv {
	int chan;
	enum srv_mode mode;
	unsigned int ms;	/* how long it does it */
	unsigned int n;		/* requests to answer */
	pthread_t th;
};

FIXTURE(spin) {
	FIPC_TRIO;
	unsigned long long saved;
	int have_saved;
	struct srv srv;
	int started;
};

static __u64 now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (__u64)ts.tv_sec * FIPC_SEC + (__u64)ts.tv_nsec;
}

#define cpu_ns()	now_ns(CLOCK_THREAD_CPUTIME_ID)

static int pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? -errno : 0;
}

/* Receive, stay on the CPU or sleep for ms, echo; n times. */
static void *srv_fn(void *arg)
{
	struct srv *s = arg;
	unsigned char buf[MSG];
	struct fastipc_msg_hdr hdr;
	sigset_t all;
	unsigned int i;
	__u64 end;
	int len;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);	/* signals are the caller's */
	if (pin(1))
		return NULL;
	for (i = 0; i < s->n; i++) {
		len = fipc_recv_type(s->chan, FASTIPC_MSG_REQUEST, buf,
				     sizeof(buf), &hdr);
		if (len < 0)
			break;
		if (s->mode == SRV_SLEEP) {
			usleep(s->ms * 1000);
		} else {
			end = now_ns(CLOCK_MONOTONIC) + s->ms * FIPC_MS;
			while (now_ns(CLOCK_MONOTONIC) < end)
				;
		}
		/* A caller that gave up makes this fail: not our concern. */
		fipc_reply(s->chan, hdr.msg_id, buf, (__u32)len, 0, NULL);
	}
	return NULL;
}

static void srv_start(struct __test_metadata *_metadata,
		      FIXTURE_DATA(spin) *self, enum srv_mode mode,
		      unsigned int ms, unsigned int n)
{
	self->srv = (struct srv){ .chan = self->chan, .mode = mode,
				  .ms = ms, .n = n };
	ASSERT_EQ(0, pthread_create(&self->srv.th, NULL, srv_fn, &self->srv));
	self->started = 1;
}

/* One echo call; returns the caller's CPU time in us, or -errno. */
static long call_cpu_us(int conn, __u32 seed)
{
	unsigned char req[MSG], rep[MSG];
	struct fastipc_call c;
	__u64 t0;
	int ret;

	fipc_fill(req, sizeof(req), seed);
	fipc_call_init(&c, 1, req, sizeof(req), rep, sizeof(rep));
	t0 = cpu_ns();
	ret = fipc_ioctl(conn, FASTIPC_IOC_CALL, &c);
	if (ret < 0)
		return ret;
	if (c.rep_len != sizeof(rep) || fipc_mismatch(rep, sizeof(rep), seed) >= 0)
		return -EBADMSG;
	return (long)((cpu_ns() - t0) / 1000);
}

/* @n echo calls; returns the caller's CPU time over all, in us, or -errno. */
static long calls_cpu_us(int conn, int n)
{
	long us, sum = 0;
	int i;

	for (i = 0; i < n; i++) {
		us = call_cpu_us(conn, (__u32)i);
		if (us < 0)
			return us;
		sum += us;
	}
	return sum;
}

FIXTURE_SETUP(spin)
{
	self->fd[0] = self->fd[1] = self->fd[2] = -1;
	FIPC_REQUIRE_DEV();
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		SKIP(return, "needs two CPUs: the poller and the server");
	ASSERT_EQ(0, read_param("spin_ns", &self->saved));
	self->have_saved = 1;
	ASSERT_EQ(0, fipc_setup(self->fd, &self->conn_id, self->name, "spin",
				0, 0, 0));
	ASSERT_EQ(0, pin(0));
}

FIXTURE_TEARDOWN(spin)
{
	if (self->started) {
		/* It may wait for requests that will not come: end them. */
		fipc_rmid(self->ctl, self->name);
		pthread_join(self->srv.th, NULL);
	}
	fipc_trio_close(self->fd);
	if (self->have_saved)
		write_param("spin_ns", self->saved);
}

/*
 * A server on a CPU is polled on: calls that each keep the server running
 * POLL_MS use more of the caller's CPU with spin_ns=400 ms than the same
 * calls with spin_ns=0. A poll also ends as soon as another task becomes
 * runnable on the caller's CPU, which in the debug kernel happens every
 * few ms: hence many short answers, compared with unpolled ones, rather
 * than one long answer.
 */
#define POLL_CALLS	20
#define POLL_MS		5

TEST_F(spin, caller_polls_running_server)
{
	long on, off;

	if (SETUP_SKIPPED())
		return;
	srv_start(_metadata, self, SRV_BUSY, POLL_MS, 2 * POLL_CALLS);
	ASSERT_EQ(0, write_param("spin_ns", 0));
	off = calls_cpu_us(self->conn, POLL_CALLS);
	ASSERT_LE(0, off) TH_LOG("calls: %s", strerror((int)-off));
	ASSERT_EQ(0, write_param("spin_ns", 400 * FIPC_MS));
	on = calls_cpu_us(self->conn, POLL_CALLS);
	ASSERT_LE(0, on) TH_LOG("calls: %s", strerror((int)-on));
	TH_LOG("%d calls answered after %d ms each: %ld us of caller CPU polling, %ld us not",
	       POLL_CALLS, POLL_MS, on, off);
	/* On average at least 1 ms of each 5 ms answer polled. */
	EXPECT_LE(off + POLL_CALLS * 1000L, on);
}

/*
 * With spin_ns @spin_ns, three calls to a server in @mode for @ms each
 * use less than @most_ms of CPU: they slept.
 */
static void calls_sleep(struct __test_metadata *_metadata,
			FIXTURE_DATA(spin) *self, __u64 spin_ns,
			enum srv_mode mode, unsigned int ms, long most_ms)
{
	long used;
	int i;

	ASSERT_EQ(0, write_param("spin_ns", spin_ns));
	srv_start(_metadata, self, mode, ms, 3);
	for (i = 0; i < 3; i++) {
		used = call_cpu_us(self->conn, (__u32)i);
		ASSERT_LE(0, used) TH_LOG("call %d: %s", i, strerror((int)-used));
		EXPECT_GT(most_ms * 1000, used)
			TH_LOG("call %d polled for %ld us", i, used);
	}
}

/* spin_ns=0: the same call sleeps. */
TEST_F(spin, off_caller_sleeps)
{
	if (SETUP_SKIPPED())
		return;
	calls_sleep(_metadata, self, 0, SRV_BUSY, 100, 30);
}

/* A server that sleeps before it answers is not polled on. */
TEST_F(spin, caller_sleeps_when_server_sleeps)
{
	if (SETUP_SKIPPED())
		return;
	calls_sleep(_metadata, self, FIPC_SEC, SRV_SLEEP, 200, 100);
}

/* The call's timeout ends a poll that spin_ns would let go on. */
TEST_F(spin, timeout_ends_poll)
{
	unsigned char req[MSG] = "late";
	__u64 t0;
	int ret;

	if (SETUP_SKIPPED())
		return;
	ASSERT_EQ(0, write_param("spin_ns", FIPC_SEC));
	srv_start(_metadata, self, SRV_BUSY, 600, 1);
	t0 = cpu_ns();
	ret = fipc_call_timeout(self->conn, 1, req, sizeof(req), 20 * FIPC_MS,
				NULL);
	EXPECT_EQ(-ETIMEDOUT, ret);
	EXPECT_GT(300 * FIPC_MS, cpu_ns() - t0);
}

static void on_alarm(int sig)
{
	(void)sig;
}

/*
 * A signal ends the poll: the call fails with EINTR instead of polling on
 * to the reply, 600 ms later. SIGALRM comes every 20 ms, so that one
 * arrives during the call however late the call starts.
 */
TEST_F(spin, signal_ends_poll)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct itimerval it = { .it_value = { 0, 20000 },
				.it_interval = { 0, 20000 } };
	long ms;

	if (SETUP_SKIPPED())
		return;
	ASSERT_EQ(0, sigaction(SIGALRM, &sa, NULL));	/* no SA_RESTART */
	ASSERT_EQ(0, write_param("spin_ns", FIPC_SEC));
	srv_start(_metadata, self, SRV_BUSY, 600, 1);
	ASSERT_EQ(0, setitimer(ITIMER_REAL, &it, NULL));
	ms = call_cpu_us(self->conn, 7);
	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
	EXPECT_EQ(-EINTR, ms);
}

/*
 * A REPLY_RECV polls for the next request for spin_ns, and no longer:
 * here 40 ms, while the next request comes 250 ms later.
 */
static long serve_gap(struct __test_metadata *_metadata,
		      FIXTURE_DATA(spin) *self, unsigned int spin_ms)
{
	unsigned char buf[MSG];
	struct fastipc_serve s;
	struct fastipc_msg_hdr hdr;
	pid_t pid;
	long ms, most = 0;
	int i, len;
	__u64 t0;

	EXPECT_EQ(0, write_param("spin_ns", spin_ms * FIPC_MS));
	/* The client: a process on CPU 0, one call every 250 ms. */
	pid = fork();
	EXPECT_LE(0, pid);
	if (pid < 0)
		return -1;
	if (!pid) {
		for (i = 0; i <= TRIES; i++) {
			if (i)
				usleep(250000);
			CHILD_CHECK(call_cpu_us(self->conn, (__u32)i) >= 0);
		}
		_exit(0);
	}
	EXPECT_EQ(0, pin(1));
	len = fipc_recv_type(self->chan, FASTIPC_MSG_REQUEST, buf, sizeof(buf),
			     &hdr);
	EXPECT_LE(0, len);
	for (i = 0; i < TRIES && len >= 0; i++) {
		memset(&s, 0, sizeof(s));
		s.reply_id = hdr.msg_id;
		s.reply_ptr = (uintptr_t)buf;
		s.reply_len = (__u32)len;
		s.buf_ptr = (uintptr_t)buf;
		s.buf_cap = sizeof(buf);
		s.flags = FASTIPC_F_TIMEOUT;
		s.timeout_ns = FIPC_WAIT_NS;
		t0 = cpu_ns();
		len = fipc_ioctl(self->chan, FASTIPC_IOC_REPLY_RECV, &s);
		ms = (long)((cpu_ns() - t0) / FIPC_MS);
		EXPECT_LE(0, len) TH_LOG("REPLY_RECV %d: %s", i, strerror(-len));
		TH_LOG("REPLY_RECV %d: %ld ms of CPU over a 250 ms gap", i, ms);
		most = ms > most ? ms : most;
		hdr = s.hdr;
		len = len < 0 ? len : (int)s.hdr.len;
	}
	if (len >= 0)
		EXPECT_EQ(0, fipc_reply(self->chan, hdr.msg_id, buf, (__u32)len,
					0, NULL));
	EXPECT_EQ(0, fipc_wait(pid));
	return most;
}

TEST_F(spin, reply_recv_polls_up_to_spin_ns)
{
	long most;

	if (SETUP_SKIPPED())
		return;
	most = serve_gap(_metadata, self, 40);
	EXPECT_LE(20, most);
	EXPECT_GT(150, most);
}

TEST_F(spin, reply_recv_off_sleeps)
{
	long most;

	if (SETUP_SKIPPED())
		return;
	most = serve_gap(_metadata, self, 0);
	EXPECT_LE(0, most);
	EXPECT_GT(10, most);
}

TEST_HARNESS_MAIN
