// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc: the channel fd's own control ioctls. CHAN_INFO tells a server
 * its channel's limits, key, name, connections and shutdown state with no
 * permission check; CHAN_SHUTDOWN makes receives fail with -ESHUTDOWN and
 * wakes every receiver, sleeping or busy-waiting, while messages stay
 * queued and calls keep coming.
 *
 * Where a test makes sure a thread sleeps before the shutdown, it only
 * helps the test exercise the wake-up: a shutdown that comes first must
 * give the same -ESHUTDOWN, so no outcome depends on the timing.
 */
#define _GNU_SOURCE
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#include "kselftest_harness.h"
#include "fastipc_util.h"

#define SIZED(cmd, sz) _IOC(_IOC_DIR(cmd), _IOC_TYPE(cmd), _IOC_NR(cmd), (sz))
#define NR_RECEIVERS	4

/* CHAN_INFO with every output field preset to garbage: all are written. */
static int chan_info(int fd, struct fastipc_chan_info *ci)
{
	memset(ci, 0xa5, sizeof(*ci));
	ci->flags = 0;
	return fipc_ioctl(fd, FASTIPC_IOC_CHAN_INFO, ci);
}

static int chan_shut(int fd, __u32 shut)
{
	struct fastipc_chan_shutdown cs = { .shut = shut };

	return fipc_ioctl(fd, FASTIPC_IOC_CHAN_SHUTDOWN, &cs);
}

/* The shutdown state CHAN_INFO reports, or -errno. */
static int info_shut(int fd)
{
	struct fastipc_chan_info ci;
	int ret = chan_info(fd, &ci);

	return ret < 0 ? ret : (int)ci.shut;
}

static int nr_conns(int fd)
{
	struct fastipc_chan_info ci;
	int ret = chan_info(fd, &ci);

	return ret < 0 ? ret : (int)ci.nr_conns;
}

/* The name field as the kernel must give it: @name, NUL-padded. */
static int name_is(const struct fastipc_chan_info *ci, const char *name)
{
	size_t len = strnlen(name, FASTIPC_NAME_MAX - 1);
	size_t i;

	if (memcmp(ci->name, name, len))
		return 0;
	for (i = len; i < FASTIPC_NAME_MAX; i++)
		if (ci->name[i])
			return 0;
	return 1;
}

/* A receive or REPLY_RECV argument: a timeout of @timeout_ns if not 0. */
static void serve_init(struct fastipc_serve *s, void *buf, __u32 cap,
		       __u64 timeout_ns)
{
	memset(s, 0, sizeof(*s));
	s->buf_ptr = (uintptr_t)buf;
	s->buf_cap = cap;
	if (timeout_ns) {
		s->flags = FASTIPC_F_TIMEOUT;
		s->timeout_ns = timeout_ns;
	}
}

static __u64 recv_polls(int ctl, const char *name)
{
	struct fastipc_chan_stat st;

	if (fipc_stat(ctl, name, &st))
		return ~0ULL;
	return st.counters.recv_polls_hit + st.counters.recv_polls_missed;
}

FIXTURE(chanctl) {
	FIPC_TRIO;
};

FIXTURE_SETUP(chanctl)
{
	self->fd[0] = self->fd[1] = self->fd[2] = -1;
	FIPC_REQUIRE_DEV();
	ASSERT_EQ(0, fipc_setup(self->fd, &self->conn_id, self->name,
				"chanctl", 0, 0, 0));
}

FIXTURE_TEARDOWN(chanctl)
{
	fipc_trio_close(self->fd);
}

/* The handshake lists both ioctls. */
TEST_F(chanctl, api_lists_ioctls)
{
	struct fastipc_api api;

	ASSERT_EQ(0, fipc_api(self->ctl, &api));
	EXPECT_TRUE(api.ioctls & (1ULL << _IOC_NR(FASTIPC_IOC_CHAN_INFO)));
	EXPECT_TRUE(api.ioctls & (1ULL << _IOC_NR(FASTIPC_IOC_CHAN_SHUTDOWN)));
}

/* A channel created with 0 limits reports the defaults, as CHAN_STAT does. */
TEST_F(chanctl, info_defaults)
{
	struct fastipc_chan_stat st;
	struct fastipc_chan_info ci;

	ASSERT_EQ(0, chan_info(self->chan, &ci));
	ASSERT_EQ(0, fipc_stat(self->ctl, self->name, &st));
	EXPECT_EQ(0U, ci.flags);
	EXPECT_EQ((__u32)FASTIPC_MSG_MAX_DEFAULT, ci.msg_max);
	EXPECT_EQ((__u32)FASTIPC_QUEUE_MSGS_DEFAULT, ci.queue_msgs_max);
	EXPECT_EQ((__u32)FASTIPC_QUEUE_BYTES_DEFAULT, ci.queue_bytes_max);
	EXPECT_EQ(st.msg_max, ci.msg_max);
	EXPECT_EQ(st.queue_msgs_max, ci.queue_msgs_max);
	EXPECT_EQ(st.queue_bytes_max, ci.queue_bytes_max);
	EXPECT_EQ(1U, ci.nr_conns);
	EXPECT_EQ(0U, ci.shut);
	EXPECT_NE(0ULL, ci.id);
	EXPECT_EQ(0ULL, ci.key);
	EXPECT_TRUE(name_is(&ci, self->name));
}

/* Custom limits and a key come back as CHAN_CREATE was given them. */
TEST_F(chanctl, info_custom_limits_and_key)
{
	struct fastipc_chan_info ci, mine;
	struct fastipc_chan_create c;
	char name[FASTIPC_NAME_MAX];
	__u64 key = fipc_unique_key();
	int fd;

	fipc_unique_name(name, "chanctl-lim");
	memset(&c, 0, sizeof(c));
	fipc_ref_name(&c.ref, name);
	c.ref.key = key;
	c.mode = 0600;
	c.msg_max = 4096;
	c.queue_msgs = 8;
	c.queue_bytes = 65536;
	fd = fipc_ioctl(self->ctl, FASTIPC_IOC_CHAN_CREATE, &c);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, chan_info(fd, &ci));
	EXPECT_EQ(4096U, ci.msg_max);
	EXPECT_EQ(8U, ci.queue_msgs_max);
	EXPECT_EQ(65536U, ci.queue_bytes_max);
	EXPECT_EQ(key, ci.key);
	EXPECT_TRUE(name_is(&ci, name));
	EXPECT_EQ(0U, ci.nr_conns);
	EXPECT_EQ(0U, ci.shut);
	/* Each fd describes its own channel; ids differ. */
	ASSERT_EQ(0, chan_info(self->chan, &mine));
	EXPECT_NE(mine.id, ci.id);
	EXPECT_TRUE(name_is(&mine, self->name));
	close(fd);
}

/* nr_conns follows connects and closes. */
TEST_F(chanctl, info_nr_conns)
{
	int a, b;

	EXPECT_EQ(1, nr_conns(self->chan));
	a = fipc_connect(self->ctl, self->name, NULL);
	ASSERT_LE(0, a);
	EXPECT_EQ(2, nr_conns(self->chan));
	b = fipc_connect(self->ctl, self->name, NULL);
	ASSERT_LE(0, b);
	EXPECT_EQ(3, nr_conns(self->chan));
	close(a);
	EXPECT_EQ(2, nr_conns(self->chan));
	close(b);
	close(self->conn);
	self->conn = -1;
	EXPECT_EQ(0, nr_conns(self->chan));
}

struct noperm {
	int ctl, chan;
	const char *name;
};

/*
 * As another user: CHAN_STAT is refused; CHAN_INFO and CHAN_SHUTDOWN on
 * the fd are not (the fd is the capability, wherever it went).
 */
static int noperm_child(void *arg)
{
	const struct noperm *np = arg;
	struct fastipc_chan_stat st;
	struct fastipc_chan_info ci;

	CHILD_CHECK(fipc_become(65534, 65534, NULL, 0, -1) == 0);
	CHILD_CHECK(fipc_stat(np->ctl, np->name, &st) == -EACCES);
	CHILD_CHECK(chan_info(np->chan, &ci) == 0);
	CHILD_CHECK(ci.msg_max == 4096);
	CHILD_CHECK(ci.queue_msgs_max == 8);
	CHILD_CHECK(name_is(&ci, np->name));
	CHILD_CHECK(ci.nr_conns == 0 && ci.shut == 0);
	CHILD_CHECK(chan_shut(np->chan, FASTIPC_SHUT_RECV) == 0);
	return 0;
}

/* A channel with mode 0: no r bit for anyone, and CHAN_INFO still works. */
TEST_F(chanctl, info_without_read_permission)
{
	struct fastipc_chan_create c;
	char name[FASTIPC_NAME_MAX];
	struct noperm np;
	pid_t pid;
	int fd;

	fipc_unique_name(name, "chanctl-m0");
	memset(&c, 0, sizeof(c));
	fipc_ref_name(&c.ref, name);
	c.mode = 0;
	c.msg_max = 4096;
	c.queue_msgs = 8;
	fd = fipc_ioctl(self->ctl, FASTIPC_IOC_CHAN_CREATE, &c);
	ASSERT_LE(0, fd);
	np.ctl = self->ctl;
	np.chan = fd;
	np.name = name;
	pid = fipc_fork(noperm_child, &np);
	ASSERT_LT(0, pid);
	EXPECT_EQ(0, fipc_wait(pid));
	EXPECT_EQ(FASTIPC_SHUT_RECV, (__u32)info_shut(fd));
	close(fd);
}

TEST_F(chanctl, info_flags_einval)
{
	struct fastipc_chan_info ci;

	memset(&ci, 0, sizeof(ci));
	ci.flags = 1;
	EXPECT_EQ(-EINVAL, fipc_ioctl(self->chan, FASTIPC_IOC_CHAN_INFO, &ci));
	ci.flags = 0x80000000U;
	EXPECT_EQ(-EINVAL, fipc_ioctl(self->chan, FASTIPC_IOC_CHAN_INFO, &ci));
	/* Nothing was written back. */
	EXPECT_EQ(0U, ci.msg_max);
}

/* Both are channel-fd ioctls: not on a connection fd or the control fd. */
TEST_F(chanctl, wrong_fd_enotty)
{
	struct fastipc_chan_shutdown cs = { .shut = FASTIPC_SHUT_RECV };
	struct fastipc_chan_info ci;

	memset(&ci, 0, sizeof(ci));
	EXPECT_EQ(-ENOTTY, fipc_ioctl(self->conn, FASTIPC_IOC_CHAN_INFO, &ci));
	EXPECT_EQ(-ENOTTY, fipc_ioctl(self->ctl, FASTIPC_IOC_CHAN_INFO, &ci));
	EXPECT_EQ(-ENOTTY, fipc_ioctl(self->conn, FASTIPC_IOC_CHAN_SHUTDOWN,
				      &cs));
	EXPECT_EQ(-ENOTTY, fipc_ioctl(self->ctl, FASTIPC_IOC_CHAN_SHUTDOWN,
				      &cs));
	EXPECT_EQ(0, info_shut(self->chan));
}

/* Size versioning: too small -EINVAL, a newer struct's tail must be 0. */
TEST_F(chanctl, info_sizes)
{
	union {
		struct fastipc_chan_info ci;
		char raw[FASTIPC_CHAN_INFO_SIZE_VER0 + 8];
	} u;
	unsigned long big = SIZED(FASTIPC_IOC_CHAN_INFO, sizeof(u.raw));
	static const char zero[8];

	ASSERT_EQ((size_t)FASTIPC_CHAN_INFO_SIZE_VER0,
		  sizeof(struct fastipc_chan_info));
	memset(&u, 0, sizeof(u));
	EXPECT_EQ(-EINVAL, fipc_ioctl(self->chan,
				      SIZED(FASTIPC_IOC_CHAN_INFO,
					    FASTIPC_CHAN_INFO_SIZE_VER0 - 8),
				      &u));
	EXPECT_EQ(-EINVAL, fipc_ioctl(self->chan,
				      SIZED(FASTIPC_IOC_CHAN_INFO, 4), &u));
	u.raw[FASTIPC_CHAN_INFO_SIZE_VER0 + 3] = 1;
	EXPECT_EQ(-E2BIG, fipc_ioctl(self->chan, big, &u));
	EXPECT_EQ(0U, u.ci.msg_max);
	u.raw[FASTIPC_CHAN_INFO_SIZE_VER0 + 3] = 0;
	ASSERT_EQ(0, fipc_ioctl(self->chan, big, &u));
	EXPECT_EQ((__u32)FASTIPC_MSG_MAX_DEFAULT, u.ci.msg_max);
	EXPECT_TRUE(name_is(&u.ci, self->name));
	/* The tail this kernel does not know stays as it was. */
	EXPECT_EQ(0, memcmp(u.raw + FASTIPC_CHAN_INFO_SIZE_VER0, zero,
			    sizeof(zero)));
}

/*
 * A removed channel still answers: its creation values, the connection
 * fds still open on it, and the last shutdown state set.
 */
TEST_F(chanctl, info_after_rmid)
{
	struct fastipc_chan_info before, ci;

	ASSERT_EQ(0, chan_shut(self->chan, FASTIPC_SHUT_RECV));
	ASSERT_EQ(0, chan_info(self->chan, &before));
	ASSERT_EQ(0, fipc_rmid(self->ctl, self->name));
	ASSERT_EQ(0, chan_info(self->chan, &ci));
	EXPECT_EQ(before.msg_max, ci.msg_max);
	EXPECT_EQ(before.queue_msgs_max, ci.queue_msgs_max);
	EXPECT_EQ(before.queue_bytes_max, ci.queue_bytes_max);
	EXPECT_EQ(before.id, ci.id);
	EXPECT_EQ(before.key, ci.key);
	EXPECT_TRUE(name_is(&ci, self->name));
	EXPECT_EQ(1U, ci.nr_conns);
	EXPECT_EQ(FASTIPC_SHUT_RECV, ci.shut);
	close(self->conn);
	self->conn = -1;
	EXPECT_EQ(0, nr_conns(self->chan));
}

/* A receiver asleep with no timeout wakes with -ESHUTDOWN. */
TEST_F(chanctl, shut_wakes_blocked_recv)
{
	struct fastipc_serve s;
	struct fipc_bg b;
	char buf[16];

	serve_init(&s, buf, sizeof(buf), 0);
	ASSERT_EQ(0, fipc_bg_start(&b, self->chan, FASTIPC_IOC_RECV, &s));
	EXPECT_EQ(0, fipc_bg_blocked(&b));
	EXPECT_EQ(0, chan_shut(self->chan, FASTIPC_SHUT_RECV));
	ASSERT_EQ(-ESHUTDOWN, fipc_bg_join(&b));
	EXPECT_EQ(0U, s.out_flags);
	EXPECT_EQ(0U, s.hdr.type);
	EXPECT_EQ(FASTIPC_SHUT_RECV, (__u32)info_shut(self->chan));
}

/*
 * Every sleeping receiver wakes, not one: they wait exclusively. A
 * receiver the shutdown did not wake would sleep for ever: the join is
 * bounded (FIPC_WAIT_NS, far beyond a wake-up) only to report that as a
 * failure, and RMID then ends it.
 */
TEST_F(chanctl, shut_wakes_all_receivers)
{
	struct fastipc_serve s[NR_RECEIVERS];
	struct fipc_bg b[NR_RECEIVERS];
	int i, shut = 0, stuck = 0;
	bool joined[NR_RECEIVERS];
	struct timespec end;

	for (i = 0; i < NR_RECEIVERS; i++) {
		serve_init(&s[i], NULL, 0, 0);
		ASSERT_EQ(0, fipc_bg_start(&b[i], self->chan, FASTIPC_IOC_RECV,
					   &s[i]));
	}
	for (i = 0; i < NR_RECEIVERS; i++)
		EXPECT_EQ(0, fipc_bg_blocked(&b[i]));
	EXPECT_EQ(0, chan_shut(self->chan, FASTIPC_SHUT_RECV));
	clock_gettime(CLOCK_REALTIME, &end);
	end.tv_sec += FIPC_WAIT_NS / FIPC_SEC;
	for (i = 0; i < NR_RECEIVERS; i++) {
		joined[i] = !pthread_timedjoin_np(b[i].th, NULL, &end);
		stuck += !joined[i];
	}
	if (stuck)
		fipc_rmid(self->ctl, self->name);
	for (i = 0; i < NR_RECEIVERS; i++) {
		if (!joined[i])
			pthread_join(b[i].th, NULL);
		shut += joined[i] && b[i].ret == -ESHUTDOWN;
	}
	EXPECT_EQ(0, stuck);
	EXPECT_EQ(NR_RECEIVERS, shut);
}

/*
 * Messages sent right after the shutdown, while the receivers it woke have
 * not run yet and so are still idle, are not handed to them: each receiver
 * fails with -ESHUTDOWN having taken nothing, and every message stays
 * queued. A receiver still on the idle list when a send comes is the
 * window; a send straight after the shutdown finds it open in about one
 * round of three without the fix, so the test runs SHUT_ROUNDS of them,
 * receiving the messages after each with receives open again.
 */
#define SHUT_ROUNDS	8

static void shut_round(struct __test_metadata *_metadata, int chan, int conn,
		       int *taken)
{
	struct fastipc_serve s[NR_RECEIVERS];
	struct fipc_bg b[NR_RECEIVERS];
	char buf[NR_RECEIVERS][16];
	int i;

	for (i = 0; i < NR_RECEIVERS; i++) {
		serve_init(&s[i], buf[i], sizeof(buf[i]), 0);
		ASSERT_EQ(0, fipc_bg_start(&b[i], chan, FASTIPC_IOC_RECV, &s[i]));
	}
	for (i = 0; i < NR_RECEIVERS; i++)
		ASSERT_EQ(0, fipc_bg_blocked(&b[i]));
	ASSERT_EQ(0, chan_shut(chan, FASTIPC_SHUT_RECV));
	for (i = 0; i < NR_RECEIVERS; i++)
		ASSERT_EQ(0, fipc_send(conn, 7, "m", 1, 0));
	for (i = 0; i < NR_RECEIVERS; i++) {
		EXPECT_EQ(-ESHUTDOWN, fipc_bg_join(&b[i]));
		*taken += s[i].out_flags != 0;
	}
	ASSERT_EQ(0, chan_shut(chan, 0));
	for (i = 0; i < NR_RECEIVERS - *taken; i++)
		ASSERT_EQ(1, fipc_recv(chan, buf[0], sizeof(buf[0]),
				       FASTIPC_F_NONBLOCK, 0, &s[0]));
}

TEST_F(chanctl, shut_then_send_not_handed)
{
	struct fastipc_chan_stat st;
	int round, taken = 0;

	for (round = 0; round < SHUT_ROUNDS && !taken; round++)
		shut_round(_metadata, self->chan, self->conn, &taken);
	EXPECT_EQ(0, taken);
	ASSERT_EQ(0, fipc_stat(self->ctl, self->name, &st));
	EXPECT_EQ(0ULL, st.counters.handoffs);
	EXPECT_EQ(0U, st.queue_msgs);
}

/* A REPLY_RECV asleep after its reply wakes with -ESHUTDOWN. */
TEST_F(chanctl, shut_wakes_reply_recv)
{
	struct fastipc_msg_hdr h;
	struct fastipc_serve s;
	struct fastipc_call c;
	struct fipc_bg call, srv;
	char rep[16], buf[16];

	fipc_call_init(&c, 3, "ping", 4, rep, sizeof(rep));
	ASSERT_EQ(0, fipc_bg_start(&call, self->conn, FASTIPC_IOC_CALL, &c));
	ASSERT_EQ(4, fipc_recv_type(self->chan, FASTIPC_MSG_REQUEST, buf,
				    sizeof(buf), &h));
	serve_init(&s, buf, sizeof(buf), 0);
	s.reply_id = h.msg_id;
	s.reply_ptr = (uintptr_t)"pong";
	s.reply_len = 4;
	s.reply_status = 77;
	ASSERT_EQ(0, fipc_bg_start(&srv, self->chan, FASTIPC_IOC_REPLY_RECV,
				   &s));
	/* The reply is delivered before the receive half waits. */
	ASSERT_EQ(0, fipc_bg_join(&call));
	EXPECT_EQ(77, c.status);
	EXPECT_EQ(4U, c.rep_len);
	EXPECT_EQ(0, memcmp(rep, "pong", 4));
	EXPECT_EQ(0, fipc_bg_blocked(&srv));
	EXPECT_EQ(0, chan_shut(self->chan, FASTIPC_SHUT_RECV));
	ASSERT_EQ(-ESHUTDOWN, fipc_bg_join(&srv));
	EXPECT_EQ(FASTIPC_SERVE_REPLIED, s.out_flags);
}

/*
 * After the shutdown, a REPLY_RECV still replies (the caller gets its
 * reply) and then fails with -ESHUTDOWN; a plain REPLY works as usual.
 */
TEST_F(chanctl, reply_recv_after_shut_replies)
{
	struct fastipc_msg_hdr h1, h2;
	struct fastipc_call c1, c2;
	struct fastipc_serve s;
	struct fipc_bg b1, b2;
	char rep1[16], rep2[16], buf[16];
	__u32 out = 0;

	fipc_call_init(&c1, 1, "one", 3, rep1, sizeof(rep1));
	fipc_call_init(&c2, 2, "two", 3, rep2, sizeof(rep2));
	ASSERT_EQ(0, fipc_bg_start(&b1, self->conn, FASTIPC_IOC_CALL, &c1));
	ASSERT_EQ(3, fipc_recv_type(self->chan, FASTIPC_MSG_REQUEST, buf,
				    sizeof(buf), &h1));
	ASSERT_EQ(0, fipc_bg_start(&b2, self->conn, FASTIPC_IOC_CALL, &c2));
	ASSERT_EQ(3, fipc_recv_type(self->chan, FASTIPC_MSG_REQUEST, buf,
				    sizeof(buf), &h2));
	ASSERT_EQ(0, chan_shut(self->chan, FASTIPC_SHUT_RECV));

	serve_init(&s, buf, sizeof(buf), FIPC_WAIT_NS);
	s.reply_id = h1.msg_id;
	s.reply_ptr = (uintptr_t)"ONE!";
	s.reply_len = 4;
	s.reply_status = 11;
	EXPECT_EQ(-ESHUTDOWN, fipc_ioctl(self->chan, FASTIPC_IOC_REPLY_RECV,
					 &s));
	EXPECT_EQ(FASTIPC_SERVE_REPLIED, s.out_flags);
	EXPECT_EQ(0, fipc_reply(self->chan, h2.msg_id, "TWO", 3, 22, &out));
	EXPECT_EQ(FASTIPC_SERVE_REPLIED, out);

	ASSERT_EQ(0, fipc_bg_join(&b1));
	EXPECT_EQ(h1.msg_id, c1.msg_id);
	EXPECT_EQ(11, c1.status);
	EXPECT_EQ(4U, c1.rep_len);
	EXPECT_EQ(0, memcmp(rep1, "ONE!", 4));
	ASSERT_EQ(0, fipc_bg_join(&b2));
	EXPECT_EQ(22, c2.status);
	EXPECT_EQ(3U, c2.rep_len);
	EXPECT_EQ(0, memcmp(rep2, "TWO", 3));
}

/*
 * A queued message does not let a receive through; it stays queued
 * (poll() still says so) and is received intact once receiving resumes.
 */
TEST_F(chanctl, shut_keeps_queued_message)
{
	struct pollfd pfd = { .fd = self->chan, .events = POLLIN };
	struct fastipc_chan_stat st;
	struct fastipc_serve s;
	char payload[100], buf[128];

	fipc_fill(payload, sizeof(payload), 9);
	ASSERT_EQ(0, fipc_send(self->conn, 5, payload, sizeof(payload), 0));
	ASSERT_EQ(0, chan_shut(self->chan, FASTIPC_SHUT_RECV));

	EXPECT_EQ(-ESHUTDOWN, fipc_recv(self->chan, buf, sizeof(buf),
					FASTIPC_F_TIMEOUT, FIPC_WAIT_NS, &s));
	EXPECT_EQ(0U, s.out_flags);
	EXPECT_EQ(-ESHUTDOWN, fipc_recv(self->chan, buf, sizeof(buf),
					FASTIPC_F_NONBLOCK, 0, &s));
	EXPECT_EQ(-ESHUTDOWN, fipc_recv(self->chan, buf, sizeof(buf), 0, 0,
					&s));
	ASSERT_EQ(0, fipc_stat(self->ctl, self->name, &st));
	EXPECT_EQ(1U, st.queue_msgs);
	EXPECT_EQ(100U, st.queue_bytes);
	EXPECT_EQ(1, poll(&pfd, 1, 0));
	EXPECT_TRUE(pfd.revents & POLLIN);

	ASSERT_EQ(0, chan_shut(self->chan, 0));
	memset(buf, 0, sizeof(buf));
	ASSERT_EQ(100, fipc_recv(self->chan, buf, sizeof(buf),
				 FASTIPC_F_NONBLOCK, 0, &s));
	EXPECT_EQ(FASTIPC_SERVE_RECEIVED, s.out_flags);
	EXPECT_EQ((__u32)FASTIPC_MSG_ONEWAY, s.hdr.type);
	EXPECT_EQ(5U, s.hdr.op);
	EXPECT_EQ(self->conn_id, s.hdr.conn_id);
	EXPECT_EQ(-1, fipc_mismatch(buf, sizeof(payload), 9));
	EXPECT_EQ(-EAGAIN, fipc_recv(self->chan, buf, sizeof(buf),
				     FASTIPC_F_NONBLOCK, 0, NULL));
}

/* A non-blocking receive on an empty channel: -ESHUTDOWN, not -EAGAIN. */
TEST_F(chanctl, shut_nonblock_recv)
{
	EXPECT_EQ(-EAGAIN, fipc_recv(self->chan, NULL, 0, FASTIPC_F_NONBLOCK,
				     0, NULL));
	ASSERT_EQ(0, chan_shut(self->chan, FASTIPC_SHUT_RECV));
	EXPECT_EQ(-ESHUTDOWN, fipc_recv(self->chan, NULL, 0,
					FASTIPC_F_NONBLOCK, 0, NULL));
	ASSERT_EQ(0, chan_shut(self->chan, 0));
	EXPECT_EQ(-EAGAIN, fipc_recv(self->chan, NULL, 0, FASTIPC_F_NONBLOCK,
				     0, NULL));
}

/*
 * Clients keep connecting and calling while receives are shut down; their
 * calls wait in the queue and are served once receiving resumes.
 */
TEST_F(chanctl, calls_queue_while_shut)
{
	struct fastipc_chan_stat st;
	struct fastipc_msg_hdr h;
	struct fastipc_call c;
	struct fipc_bg b;
	char rep[16], buf[16];
	int conn2;

	ASSERT_EQ(0, chan_shut(self->chan, FASTIPC_SHUT_RECV));
	fipc_call_init(&c, 8, "late", 4, rep, sizeof(rep));
	ASSERT_EQ(0, fipc_bg_start(&b, self->conn, FASTIPC_IOC_CALL, &c));
	EXPECT_EQ(0, fipc_bg_blocked(&b));
	conn2 = fipc_connect(self->ctl, self->name, NULL);
	ASSERT_LE(0, conn2);
	EXPECT_EQ(-ESHUTDOWN, fipc_recv(self->chan, buf, sizeof(buf),
					FASTIPC_F_NONBLOCK, 0, NULL));
	ASSERT_EQ(0, fipc_stat(self->ctl, self->name, &st));
	EXPECT_EQ(2U, st.queue_msgs);	/* the request and a CONNECT */
	EXPECT_EQ(2U, st.nr_conns);

	ASSERT_EQ(0, chan_shut(self->chan, 0));
	ASSERT_EQ(4, fipc_recv_type(self->chan, FASTIPC_MSG_REQUEST, buf,
				    sizeof(buf), &h));
	EXPECT_EQ(0, memcmp(buf, "late", 4));
	EXPECT_EQ(0, fipc_reply(self->chan, h.msg_id, "done", 4, 8, NULL));
	ASSERT_EQ(0, fipc_bg_join(&b));
	EXPECT_EQ(8, c.status);
	EXPECT_EQ(0, memcmp(rep, "done", 4));
	close(conn2);
}

/* Unknown bits, flags and sizes are refused and change nothing. */
TEST_F(chanctl, shut_bad_args)
{
	struct fastipc_chan_shutdown cs = { .shut = 2 };
	union {
		struct fastipc_chan_shutdown cs;
		char raw[16];
	} u;
	unsigned long big = SIZED(FASTIPC_IOC_CHAN_SHUTDOWN, sizeof(u.raw));

	EXPECT_EQ(-EINVAL, fipc_ioctl(self->chan, FASTIPC_IOC_CHAN_SHUTDOWN,
				      &cs));
	cs.shut = 0xffffffffU;
	EXPECT_EQ(-EINVAL, fipc_ioctl(self->chan, FASTIPC_IOC_CHAN_SHUTDOWN,
				      &cs));
	cs.shut = FASTIPC_SHUT_RECV;
	cs.flags = 1;
	EXPECT_EQ(-EINVAL, fipc_ioctl(self->chan, FASTIPC_IOC_CHAN_SHUTDOWN,
				      &cs));
	cs.flags = 0;
	EXPECT_EQ(-EINVAL, fipc_ioctl(self->chan,
				      SIZED(FASTIPC_IOC_CHAN_SHUTDOWN, 4),
				      &cs));
	memset(&u, 0, sizeof(u));
	u.cs.shut = FASTIPC_SHUT_RECV;
	u.raw[12] = 1;
	EXPECT_EQ(-E2BIG, fipc_ioctl(self->chan, big, &u));
	EXPECT_EQ(0, info_shut(self->chan));
	EXPECT_EQ(-EAGAIN, fipc_recv(self->chan, NULL, 0, FASTIPC_F_NONBLOCK,
				     0, NULL));
	/* A newer struct with a zero tail is fine. */
	u.raw[12] = 0;
	EXPECT_EQ(0, fipc_ioctl(self->chan, big, &u));
	EXPECT_EQ(FASTIPC_SHUT_RECV, (__u32)info_shut(self->chan));
}

/* Setting the state it already has is not an error; INFO follows. */
TEST_F(chanctl, shut_twice_and_info)
{
	EXPECT_EQ(0, info_shut(self->chan));
	EXPECT_EQ(0, chan_shut(self->chan, 0));
	EXPECT_EQ(0, chan_shut(self->chan, FASTIPC_SHUT_RECV));
	EXPECT_EQ(0, chan_shut(self->chan, FASTIPC_SHUT_RECV));
	EXPECT_EQ(FASTIPC_SHUT_RECV, (__u32)info_shut(self->chan));
	EXPECT_EQ(-ESHUTDOWN, fipc_recv(self->chan, NULL, 0,
					FASTIPC_F_NONBLOCK, 0, NULL));
	EXPECT_EQ(0, chan_shut(self->chan, 0));
	EXPECT_EQ(0, chan_shut(self->chan, 0));
	EXPECT_EQ(0, info_shut(self->chan));
	EXPECT_EQ(-EAGAIN, fipc_recv(self->chan, NULL, 0, FASTIPC_F_NONBLOCK,
				     0, NULL));
}

/* On a removed channel: -EIDRM, and receives say -EIDRM, not -ESHUTDOWN. */
TEST_F(chanctl, shut_after_rmid)
{
	ASSERT_EQ(0, chan_shut(self->chan, FASTIPC_SHUT_RECV));
	ASSERT_EQ(0, fipc_rmid(self->ctl, self->name));
	EXPECT_EQ(-EIDRM, chan_shut(self->chan, FASTIPC_SHUT_RECV));
	EXPECT_EQ(-EIDRM, chan_shut(self->chan, 0));
	EXPECT_EQ(-EIDRM, fipc_recv(self->chan, NULL, 0, FASTIPC_F_NONBLOCK,
				    0, NULL));
	EXPECT_EQ(-EIDRM, fipc_recv(self->chan, NULL, 0, 0, 0, NULL));
	/* Bad arguments are still -EINVAL first. */
	EXPECT_EQ(-EINVAL, chan_shut(self->chan, 2));
}

/*
 * The busy-wait of REPLY_RECV tests the shutdown state too. With a long
 * spin_ns, a REPLY_RECV on a shut-down channel must not poll at all (its
 * condition already holds: the poll counters do not move), and one that
 * polls or sleeps when the shutdown comes ends with -ESHUTDOWN.
 */
FIXTURE(chanspin) {
	FIPC_TRIO;
	unsigned long long saved;
	int have_saved;
};

FIXTURE_SETUP(chanspin)
{
	self->fd[0] = self->fd[1] = self->fd[2] = -1;
	FIPC_REQUIRE_DEV();
	if (read_param("spin_ns", &self->saved))
		SKIP(return, "spin_ns parameter not readable");
	self->have_saved = 1;
	ASSERT_EQ(0, write_param("spin_ns", FIPC_SEC));
	ASSERT_EQ(0, fipc_setup(self->fd, &self->conn_id, self->name,
				"chanspin", 0, 0, 0));
}

FIXTURE_TEARDOWN(chanspin)
{
	fipc_trio_close(self->fd);
	if (self->have_saved)
		write_param("spin_ns", self->saved);
}

/* Start a CALL in @b and receive its request; the request's id or -errno. */
static long long call_and_take(int conn, int chan, struct fipc_bg *b,
			       struct fastipc_call *c, char *rep, size_t cap)
{
	struct fastipc_msg_hdr h;
	char buf[16];
	int ret;

	fipc_call_init(c, 4, "spin", 4, rep, cap);
	ret = fipc_bg_start(b, conn, FASTIPC_IOC_CALL, c);
	if (ret)
		return ret;
	ret = fipc_recv_type(chan, FASTIPC_MSG_REQUEST, buf, sizeof(buf), &h);
	return ret < 0 ? ret : (long long)h.msg_id;
}

TEST_F(chanspin, no_poll_when_shut)
{
	struct fastipc_serve s;
	struct fastipc_call c;
	struct fipc_bg b;
	long long id;
	char rep[16];
	__u64 polls;

	id = call_and_take(self->conn, self->chan, &b, &c, rep, sizeof(rep));
	ASSERT_LT(0, id);
	ASSERT_EQ(0, chan_shut(self->chan, FASTIPC_SHUT_RECV));
	polls = recv_polls(self->ctl, self->name);
	ASSERT_NE(~0ULL, polls);
	serve_init(&s, NULL, 0, 0);
	s.reply_id = (__u64)id;
	s.reply_status = 5;
	EXPECT_EQ(-ESHUTDOWN, fipc_ioctl(self->chan, FASTIPC_IOC_REPLY_RECV,
					 &s));
	EXPECT_EQ(FASTIPC_SERVE_REPLIED, s.out_flags);
	EXPECT_EQ(polls, recv_polls(self->ctl, self->name));
	ASSERT_EQ(0, fipc_bg_join(&b));
	EXPECT_EQ(5, c.status);
}

TEST_F(chanspin, shut_ends_polling_reply_recv)
{
	struct fastipc_serve s;
	struct fastipc_call c;
	struct fipc_bg b, srv;
	long long id;
	char rep[16];

	id = call_and_take(self->conn, self->chan, &b, &c, rep, sizeof(rep));
	ASSERT_LT(0, id);
	serve_init(&s, NULL, 0, 0);
	s.reply_id = (__u64)id;
	s.reply_status = 6;
	ASSERT_EQ(0, fipc_bg_start(&srv, self->chan, FASTIPC_IOC_REPLY_RECV,
				   &s));
	ASSERT_EQ(0, fipc_bg_join(&b));
	EXPECT_EQ(6, c.status);
	/* Polling for up to spin_ns, or asleep: either way it must end. */
	EXPECT_EQ(0, chan_shut(self->chan, FASTIPC_SHUT_RECV));
	EXPECT_EQ(-ESHUTDOWN, fipc_bg_join(&srv));
	EXPECT_EQ(FASTIPC_SERVE_REPLIED, s.out_flags);
}

TEST_HARNESS_MAIN
