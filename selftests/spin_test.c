// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc busy-waiting (the spin_ns module parameter): a CALL polls for its
 * reply while the server thread that took its request runs on a CPU, and a
 * REPLY_RECV polls for the next request, each for at most spin_ns; a
 * signal, the call's timeout, or a server that goes to sleep ends the
 * poll, and spin_ns=0 turns it off.
 *
 * Whether a thread polled, and how its poll ended, is read from what the
 * module counts (CHAN_STAT VER2): call_polls_hit / call_polls_missed for
 * CALLs, recv_polls_hit / recv_polls_missed for REPLY_RECVs; and (VER4)
 * call_polls_skipped, the CALLs that did not poll because the channel's
 * service time estimate (service_ns) was above spin_ns. No test asserts
 * how long anything took or how much CPU it used: both depend on the
 * host's load. service_ns is asserted on only where the load cannot move
 * it: a handler that sleeps S ms makes every sample at least S ms.
 *
 * The caller runs on one CPU and the server thread on another (skipped on
 * a single CPU). A poll also ends when another task becomes runnable on
 * the poller's CPU, so the tests that need a poll to get its answer make
 * many and need one; the tests that need none allow none.
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
/* This harness runs the test even when its setup skipped. */
#define SETUP_SKIPPED()	(_metadata->skip)

/* What the server thread does between receiving a request and replying. */
enum srv_mode { SRV_BUSY, SRV_SLEEP };

struct srv {
	int chan;
	enum srv_mode mode;
	unsigned int ms;	/* how long it does it */
	unsigned int n;		/* requests to answer */
	unsigned int slow;	/* the first that many in @mode; then at once */
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
	if (fipc_pin_cpu(1))
		return NULL;
	for (i = 0; i < s->n; i++) {
		len = fipc_recv_type(s->chan, FASTIPC_MSG_REQUEST, buf,
				     sizeof(buf), &hdr);
		if (len < 0)
			break;
		if (i >= s->slow) {
			/* answer at once */
		} else if (s->mode == SRV_SLEEP) {
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

/* n requests, the first @slow of them in @mode for @ms each. */
static void srv_start_slow(struct __test_metadata *_metadata,
			   FIXTURE_DATA(spin) *self, enum srv_mode mode,
			   unsigned int ms, unsigned int n, unsigned int slow)
{
	self->srv = (struct srv){ .chan = self->chan, .mode = mode,
				  .ms = ms, .n = n, .slow = slow };
	ASSERT_EQ(0, pthread_create(&self->srv.th, NULL, srv_fn, &self->srv));
	self->started = 1;
}

static void srv_start(struct __test_metadata *_metadata,
		      FIXTURE_DATA(spin) *self, enum srv_mode mode,
		      unsigned int ms, unsigned int n)
{
	srv_start_slow(_metadata, self, mode, ms, n, n);
}

/* One echo call; 0 or -errno. */
static int echo_call(int conn, __u32 seed)
{
	unsigned char req[MSG], rep[MSG];
	struct fastipc_call c;
	int ret;

	fipc_fill(req, sizeof(req), seed);
	fipc_call_init(&c, 1, req, sizeof(req), rep, sizeof(rep));
	ret = fipc_ioctl(conn, FASTIPC_IOC_CALL, &c);
	if (ret < 0)
		return ret;
	if (c.rep_len != sizeof(rep) || fipc_mismatch(rep, sizeof(rep), seed) >= 0)
		return -EBADMSG;
	return 0;
}

/* @n echo calls; 0 or the first -errno. */
static int echo_calls(int conn, int n)
{
	int i, ret;

	for (i = 0; i < n; i++) {
		ret = echo_call(conn, (__u32)i);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* The channel's busy-wait counters, as CHAN_STAT (VER4) reports them. */
struct polls {
	__u64 call_hit, call_missed, recv_hit, recv_missed;
	__u64 call_skipped;
	__u64 service_ns;	/* an estimate: only its value, no difference */
};

static int polls_get(FIXTURE_DATA(spin) *self, struct polls *p)
{
	struct fastipc_chan_stat st;
	int ret = fipc_stat(self->ctl, self->name, &st);

	if (ret)
		return ret;
	*p = (struct polls){ st.counters.call_polls_hit,
			     st.counters.call_polls_missed,
			     st.counters.recv_polls_hit,
			     st.counters.recv_polls_missed,
			     st.counters.call_polls_skipped,
			     st.counters.service_ns };
	return 0;
}

/* What was counted since @before, into @d. */
static int polls_since(FIXTURE_DATA(spin) *self, const struct polls *before,
		       struct polls *d)
{
	struct polls now;
	int ret = polls_get(self, &now);

	if (ret)
		return ret;
	d->call_hit = now.call_hit - before->call_hit;
	d->call_missed = now.call_missed - before->call_missed;
	d->recv_hit = now.recv_hit - before->recv_hit;
	d->recv_missed = now.recv_missed - before->recv_missed;
	d->call_skipped = now.call_skipped - before->call_skipped;
	d->service_ns = now.service_ns;
	return 0;
}

#define POLLS_LOG(d)							\
	TH_LOG("polls: call %llu hit %llu missed %llu skipped, "	\
	       "recv %llu hit %llu missed, service_ns %llu",		\
	       (unsigned long long)(d).call_hit,			\
	       (unsigned long long)(d).call_missed,			\
	       (unsigned long long)(d).call_skipped,			\
	       (unsigned long long)(d).recv_hit,			\
	       (unsigned long long)(d).recv_missed,			\
	       (unsigned long long)(d).service_ns)

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
	ASSERT_EQ(0, fipc_pin_cpu(0));
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
 * POLL_MS are not polled at all with spin_ns=0, and with spin_ns=400 ms
 * at least one of them gets its reply by polling. A poll also ends as
 * soon as another task becomes runnable on the caller's CPU, which in the
 * debug kernel happens every few ms: hence many calls, and one hit needed.
 */
#define POLL_CALLS	20
#define POLL_MS		5

TEST_F(spin, caller_polls_running_server)
{
	struct polls p0, off, on;
	int ret;

	if (SETUP_SKIPPED())
		return;
	srv_start(_metadata, self, SRV_BUSY, POLL_MS, 2 * POLL_CALLS);
	ASSERT_EQ(0, write_param("spin_ns", 0));
	ASSERT_EQ(0, polls_get(self, &p0));
	ret = echo_calls(self->conn, POLL_CALLS);
	ASSERT_EQ(0, ret) TH_LOG("calls: %s", strerror(-ret));
	ASSERT_EQ(0, polls_since(self, &p0, &off));
	POLLS_LOG(off);
	EXPECT_EQ(0ULL, off.call_hit + off.call_missed);

	ASSERT_EQ(0, write_param("spin_ns", 400 * FIPC_MS));
	ASSERT_EQ(0, polls_get(self, &p0));
	ret = echo_calls(self->conn, POLL_CALLS);
	ASSERT_EQ(0, ret) TH_LOG("calls: %s", strerror(-ret));
	ASSERT_EQ(0, polls_since(self, &p0, &on));
	POLLS_LOG(on);
	EXPECT_LE(1ULL, on.call_hit);
	EXPECT_GE((__u64)POLL_CALLS, on.call_hit + on.call_missed);
	EXPECT_EQ(0ULL, on.recv_hit + on.recv_missed);	/* plain RECV */
}

/*
 * With spin_ns @spin_ns, three calls to a server in @mode for @ms each;
 * return what was counted.
 */
static void three_calls(struct __test_metadata *_metadata,
			FIXTURE_DATA(spin) *self, __u64 spin_ns,
			enum srv_mode mode, unsigned int ms, struct polls *d)
{
	struct polls p0;
	int i, ret;

	ASSERT_EQ(0, write_param("spin_ns", spin_ns));
	ASSERT_EQ(0, polls_get(self, &p0));
	srv_start(_metadata, self, mode, ms, 3);
	for (i = 0; i < 3; i++) {
		ret = echo_call(self->conn, (__u32)i);
		ASSERT_EQ(0, ret) TH_LOG("call %d: %s", i, strerror(-ret));
	}
	ASSERT_EQ(0, polls_since(self, &p0, d));
	POLLS_LOG(*d);
}

/* spin_ns=0: the same calls do not poll at all. */
TEST_F(spin, off_caller_sleeps)
{
	struct polls d;

	if (SETUP_SKIPPED())
		return;
	three_calls(_metadata, self, 0, SRV_BUSY, 100, &d);
	EXPECT_EQ(0ULL, d.call_hit);
	EXPECT_EQ(0ULL, d.call_missed);
}

/*
 * A server that sleeps before it answers is not polled on: each call's
 * poll gives up (spin_ns would let it run past the answer, 300 ms later)
 * and none gets its reply by polling.
 */
TEST_F(spin, caller_sleeps_when_server_sleeps)
{
	struct polls d;

	if (SETUP_SKIPPED())
		return;
	three_calls(_metadata, self, 2 * FIPC_SEC, SRV_SLEEP, 300, &d);
	EXPECT_EQ(0ULL, d.call_hit);
	EXPECT_LE(1ULL, d.call_missed);
}

/*
 * The call's timeout ends a poll that spin_ns would let go on: the call
 * fails ETIMEDOUT (a poll that ignored it would have run to the reply,
 * 600 ms later, and succeeded), and its one poll counts as given up.
 */
TEST_F(spin, timeout_ends_poll)
{
	unsigned char req[MSG] = "late";
	struct polls p0, d;
	int ret;

	if (SETUP_SKIPPED())
		return;
	ASSERT_EQ(0, write_param("spin_ns", FIPC_SEC));
	ASSERT_EQ(0, polls_get(self, &p0));
	srv_start(_metadata, self, SRV_BUSY, 600, 1);
	ret = fipc_call_timeout(self->conn, 1, req, sizeof(req), 20 * FIPC_MS,
				NULL);
	EXPECT_EQ(-ETIMEDOUT, ret);
	ASSERT_EQ(0, polls_since(self, &p0, &d));
	POLLS_LOG(d);
	EXPECT_EQ(0ULL, d.call_hit);
	EXPECT_EQ(1ULL, d.call_missed);
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
	struct polls p0, d;
	int ret;

	if (SETUP_SKIPPED())
		return;
	ASSERT_EQ(0, sigaction(SIGALRM, &sa, NULL));	/* no SA_RESTART */
	ASSERT_EQ(0, write_param("spin_ns", FIPC_SEC));
	ASSERT_EQ(0, polls_get(self, &p0));
	srv_start(_metadata, self, SRV_BUSY, 600, 1);
	ASSERT_EQ(0, setitimer(ITIMER_REAL, &it, NULL));
	ret = echo_call(self->conn, 7);
	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
	EXPECT_EQ(-EINTR, ret);
	ASSERT_EQ(0, polls_since(self, &p0, &d));
	POLLS_LOG(d);
	EXPECT_EQ(0ULL, d.call_hit);
}

/*
 * A server answers @tries calls with REPLY_RECV, polling for the next one
 * for spin_ms; a client process on CPU 0 makes them @gap_us apart.
 * Returns what was counted in @d.
 */
static void serve_gap(struct __test_metadata *_metadata,
		      FIXTURE_DATA(spin) *self, unsigned int spin_ms,
		      unsigned int gap_us, int tries, struct polls *d)
{
	unsigned char buf[MSG];
	struct fastipc_serve s;
	struct fastipc_msg_hdr hdr;
	struct polls p0;
	pid_t pid;
	int i, len;

	ASSERT_EQ(0, write_param("spin_ns", spin_ms * FIPC_MS));
	ASSERT_EQ(0, polls_get(self, &p0));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		for (i = 0; i <= tries; i++) {
			if (i && gap_us)
				usleep(gap_us);
			CHILD_CHECK(echo_call(self->conn, (__u32)i) == 0);
		}
		_exit(0);
	}
	EXPECT_EQ(0, fipc_pin_cpu(1));
	len = fipc_recv_type(self->chan, FASTIPC_MSG_REQUEST, buf, sizeof(buf),
			     &hdr);
	EXPECT_LE(0, len);
	for (i = 0; i < tries && len >= 0; i++) {
		memset(&s, 0, sizeof(s));
		s.reply_id = hdr.msg_id;
		s.reply_ptr = (uintptr_t)buf;
		s.reply_len = (__u32)len;
		s.buf_ptr = (uintptr_t)buf;
		s.buf_cap = sizeof(buf);
		s.flags = FASTIPC_F_TIMEOUT;
		s.timeout_ns = FIPC_WAIT_NS;
		len = fipc_ioctl(self->chan, FASTIPC_IOC_REPLY_RECV, &s);
		EXPECT_LE(0, len) TH_LOG("REPLY_RECV %d: %s", i, strerror(-len));
		EXPECT_EQ(FASTIPC_MSG_REQUEST, s.hdr.type);
		hdr = s.hdr;
		len = len < 0 ? len : (int)s.hdr.len;
	}
	if (len >= 0)
		EXPECT_EQ(0, fipc_reply(self->chan, hdr.msg_id, buf, (__u32)len,
					0, NULL));
	EXPECT_EQ(0, fipc_wait(pid));
	ASSERT_EQ(0, polls_since(self, &p0, d));
	POLLS_LOG(*d);
}

#define TRIES		5
#define QUICK_TRIES	20

/*
 * A REPLY_RECV polls for the next request for spin_ns, and no longer:
 * with spin_ns 40 ms and the next request 250 ms later, every poll gives
 * up before it comes (none gets it), and at least one poll was made.
 */
TEST_F(spin, reply_recv_polls_up_to_spin_ns)
{
	struct polls d;

	if (SETUP_SKIPPED())
		return;
	serve_gap(_metadata, self, 40, 250000, TRIES, &d);
	EXPECT_EQ(0ULL, d.recv_hit);
	EXPECT_LE(1ULL, d.recv_missed);
	EXPECT_GE((__u64)TRIES, d.recv_missed);
}

/* ... and one whose next request comes at once gets it by polling. */
TEST_F(spin, reply_recv_poll_gets_next_request)
{
	struct polls d;

	if (SETUP_SKIPPED())
		return;
	serve_gap(_metadata, self, 40, 0, QUICK_TRIES, &d);
	EXPECT_LE(1ULL, d.recv_hit);
	EXPECT_GE((__u64)QUICK_TRIES, d.recv_hit + d.recv_missed);
}

/* spin_ns=0: no REPLY_RECV polls. */
TEST_F(spin, reply_recv_off_sleeps)
{
	struct polls d;

	if (SETUP_SKIPPED())
		return;
	serve_gap(_metadata, self, 0, 250000, TRIES, &d);
	EXPECT_EQ(0ULL, d.recv_hit);
	EXPECT_EQ(0ULL, d.recv_missed);
	EXPECT_EQ(0ULL, d.call_hit + d.call_missed);
}

/*
 * A REPLY_RECV does not poll while another receiver sleeps idle: a new
 * message would be handed to that one (LIFO), so the poll could only burn
 * spin_ns and miss. With spin_ns 40 ms, a receiver blocked in RECV and no
 * further request, the REPLY_RECV is counted in neither recv_polls_hit nor
 * recv_polls_missed, and times out asleep.
 */
TEST_F(spin, reply_recv_no_poll_with_idle_receiver)
{
	unsigned char buf[MSG], rep[MSG], other[MSG];
	struct fastipc_serve s, rs;
	struct fastipc_msg_hdr hdr;
	struct fastipc_call c;
	struct fipc_bg cl, idle;
	struct polls p0, d;

	if (SETUP_SKIPPED())
		return;
	ASSERT_EQ(0, write_param("spin_ns", 40 * FIPC_MS));
	fipc_call_init(&c, 1, "ping", 4, rep, sizeof(rep));
	ASSERT_EQ(0, fipc_bg_start(&cl, self->conn, FASTIPC_IOC_CALL, &c));
	ASSERT_EQ(4, fipc_recv_type(self->chan, FASTIPC_MSG_REQUEST, buf,
				    sizeof(buf), &hdr));
	memset(&rs, 0, sizeof(rs));
	rs.buf_ptr = (uintptr_t)other;
	rs.buf_cap = sizeof(other);
	ASSERT_EQ(0, fipc_bg_start(&idle, self->chan, FASTIPC_IOC_RECV, &rs));
	ASSERT_EQ(0, fipc_bg_blocked(&idle));
	ASSERT_EQ(0, polls_get(self, &p0));
	memset(&s, 0, sizeof(s));
	s.reply_id = hdr.msg_id;
	s.reply_ptr = (uintptr_t)buf;
	s.reply_len = 4;
	s.buf_ptr = (uintptr_t)buf;
	s.buf_cap = sizeof(buf);
	s.flags = FASTIPC_F_TIMEOUT;
	s.timeout_ns = 100 * FIPC_MS;
	EXPECT_EQ(-ETIMEDOUT,
		  fipc_ioctl(self->chan, FASTIPC_IOC_REPLY_RECV, &s));
	EXPECT_EQ(FASTIPC_SERVE_REPLIED, s.out_flags);
	ASSERT_EQ(0, polls_since(self, &p0, &d));
	POLLS_LOG(d);
	EXPECT_EQ(0ULL, d.recv_hit);
	EXPECT_EQ(0ULL, d.recv_missed);
	EXPECT_EQ(0, fipc_bg_join(&cl));
	EXPECT_EQ(4U, c.rep_len);
	/* A one-way message ends the idle receiver: it is handed to it. */
	ASSERT_EQ(0, fipc_send(self->conn, 2, "x", 1, 0));
	EXPECT_EQ(0, fipc_bg_join(&idle));
	EXPECT_EQ(2U, rs.hdr.op);
}

/*
 * The adaptive busy-wait. A server whose handler sleeps SLOW_MS makes the
 * channel's service time estimate at least SLOW_MS from its first reply
 * on (every sample is at least that, whatever the load), far above
 * spin_ns (1 ms here): after WARM calls, each of SKIP_CALLS further calls
 * is counted skipped and none polls.
 */
#define SLOW_MS		20
#define WARM		2
#define SKIP_CALLS	8
#define SKIP_SPIN_NS	FIPC_MS

/* @n echo calls with spin_ns @spin_ns; what was counted in @d. */
static void calls_counted(struct __test_metadata *_metadata,
			  FIXTURE_DATA(spin) *self, __u64 spin_ns, int n,
			  struct polls *d)
{
	struct polls p0;
	int ret;

	ASSERT_EQ(0, write_param("spin_ns", spin_ns));
	ASSERT_EQ(0, polls_get(self, &p0));
	ret = echo_calls(self->conn, n);
	ASSERT_EQ(0, ret) TH_LOG("calls: %s", strerror(-ret));
	ASSERT_EQ(0, polls_since(self, &p0, d));
	POLLS_LOG(*d);
}

TEST_F(spin, slow_server_not_polled)
{
	struct polls warm, d;

	if (SETUP_SKIPPED())
		return;
	srv_start(_metadata, self, SRV_SLEEP, SLOW_MS, WARM + SKIP_CALLS);
	calls_counted(_metadata, self, SKIP_SPIN_NS, WARM, &warm);
	ASSERT_LE((__u64)SLOW_MS * FIPC_MS, warm.service_ns);
	calls_counted(_metadata, self, SKIP_SPIN_NS, SKIP_CALLS, &d);
	EXPECT_EQ((__u64)SKIP_CALLS, d.call_skipped);
	EXPECT_EQ(0ULL, d.call_hit + d.call_missed);
	EXPECT_LE((__u64)SLOW_MS * FIPC_MS, d.service_ns);
}

/*
 * spin_ns=0: nothing polls and nothing is skipped, however slow the server
 * is known to be, and the estimate is left as it was (not measured).
 */
TEST_F(spin, off_nothing_skipped)
{
	struct polls warm, d;

	if (SETUP_SKIPPED())
		return;
	srv_start(_metadata, self, SRV_SLEEP, SLOW_MS, 1 + 3);
	calls_counted(_metadata, self, SKIP_SPIN_NS, 1, &warm);
	ASSERT_LE((__u64)SLOW_MS * FIPC_MS, warm.service_ns);
	calls_counted(_metadata, self, 0, 3, &d);
	EXPECT_EQ(0ULL, d.call_skipped);
	EXPECT_EQ(0ULL, d.call_hit + d.call_missed);
	EXPECT_EQ(warm.service_ns, d.service_ns);
}

/*
 * A server that becomes fast again is learned again without polling: its
 * replies are measured while its callers skip the poll. After WARM calls
 * sleeping FAST_SLOW_MS (estimate at least that), FAST_CALLS answered at
 * once bring the estimate below FAST_SLOW_MS: (7/8)^40 leaves 0.5% of
 * the old one, so this holds unless the fast replies themselves average
 * tens of ms. Which of the fast calls polled is up to the load: not
 * asserted.
 */
#define FAST_SLOW_MS	50
#define FAST_CALLS	40

TEST_F(spin, fast_again_estimate_falls)
{
	struct polls warm, d;

	if (SETUP_SKIPPED())
		return;
	srv_start_slow(_metadata, self, SRV_SLEEP, FAST_SLOW_MS,
		       WARM + FAST_CALLS, WARM);
	calls_counted(_metadata, self, SKIP_SPIN_NS, WARM, &warm);
	ASSERT_LE((__u64)FAST_SLOW_MS * FIPC_MS, warm.service_ns);
	calls_counted(_metadata, self, SKIP_SPIN_NS, FAST_CALLS, &d);
	EXPECT_GT((__u64)FAST_SLOW_MS * FIPC_MS, d.service_ns);
	EXPECT_LT(0ULL, d.service_ns);
	/* the first of them at least: the estimate was still high */
	EXPECT_LE(1ULL, d.call_skipped);
}

TEST_HARNESS_MAIN
