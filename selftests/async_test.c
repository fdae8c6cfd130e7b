// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc: asynchronous calls: CALL with FASTIPC_F_ASYNC, FASTIPC_IOC_REAP
 * and FASTIPC_IOC_CANCEL on a connection fd, its EPOLLIN, its limits
 * (FASTIPC_ASYNC_MAX, the reply charge against user_queue_bytes_max), and
 * what the channel's end and the connection's close do to calls in flight.
 * Raw ioctls; the test thread is the server.
 */
#define _GNU_SOURCE
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "fastipc_util.h"
#include "region_util.h"
#include "modstat.h"

#define NCALLS	8

FIXTURE(async) {
	FIPC_TRIO;
};

FIXTURE_SETUP(async)
{
	FIPC_REQUIRE_DEV();
	/* Room in the queue for FASTIPC_ASYNC_MAX + 1 calls. */
	ASSERT_EQ(0, fipc_setup(self->fd, &self->conn_id, self->name, "async",
				0, 2 * FASTIPC_ASYNC_MAX, 0));
}

FIXTURE_TEARDOWN(async)
{
	fipc_trio_close(self->fd);
}

/* Submit an asynchronous call of @op; its id into *@id. */
static int submit(int conn, __u32 op, const void *req, __u32 len,
		  __u32 rep_cap, __u64 *id)
{
	struct fastipc_call c;
	int ret;

	memset(&c, 0, sizeof(c));
	c.req_ptr = (uintptr_t)req;
	c.req_len = len;
	c.op = op;
	c.rep_cap = rep_cap;
	c.flags = FASTIPC_F_ASYNC | FASTIPC_F_NONBLOCK;
	c.rep_need = 0x1234;	/* out: overwritten */
	c.status = 99;
	ret = fipc_ioctl(conn, FASTIPC_IOC_CALL, &c);
	if (!ret && (c.rep_len || c.status || c.rep_need || !c.msg_id))
		return -EPROTO;
	if (id)
		*id = c.msg_id;
	return ret;
}

/* REAP with @flags; a blocking reap is bounded by FIPC_WAIT_NS. */
static int reap(int conn, void *buf, __u32 cap, __u32 flags,
		struct fastipc_reap *out)
{
	struct fastipc_reap r;
	int ret;

	memset(&r, 0, sizeof(r));
	r.rep_ptr = (uintptr_t)buf;
	r.rep_cap = cap;
	r.flags = flags;
	if (!flags) {
		r.flags = FASTIPC_F_TIMEOUT;
		r.timeout_ns = FIPC_WAIT_NS;
	}
	ret = fipc_ioctl(conn, FASTIPC_IOC_REAP, &r);
	if (out)
		*out = r;
	return ret;
}

static int cancel(int conn, __u64 id)
{
	struct fastipc_cancel c = { .msg_id = id };

	return fipc_ioctl(conn, FASTIPC_IOC_CANCEL, &c);
}

/* The next request's header, skipping CONNECT/DISCONNECT; 0 or -errno. */
/* What the kernel charges an asynchronous call's message: a page. */
static unsigned long long page(void)
{
	return (unsigned long long)sysconf(_SC_PAGESIZE);
}

static int take(int chan, void *buf, __u32 cap, struct fastipc_msg_hdr *h)
{
	int ret = fipc_recv_type(chan, FASTIPC_MSG_REQUEST, buf, cap, h);

	return ret < 0 ? ret : 0;
}

static short revents(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLOUT };

	return poll(&p, 1, 0) == 1 ? p.revents : 0;
}

TEST_F(async, submit_n_reap_n)
{
	static unsigned char req[512], rep[512], buf[512];
	struct fastipc_msg_hdr h[NCALLS];
	struct fastipc_chan_stat st;
	struct fastipc_reap r;
	__u64 id[NCALLS];
	int i;

	for (i = 0; i < NCALLS; i++) {
		fipc_fill(req, 10 * i, 100 + i);
		ASSERT_EQ(0, submit(self->conn, 100 + i, req, 10 * i,
				    sizeof(rep), &id[i]));
		if (i)
			EXPECT_LT(id[i - 1], id[i]);
	}
	for (i = 0; i < NCALLS; i++) {
		ASSERT_EQ(0, take(self->chan, buf, sizeof(buf), &h[i]));
		EXPECT_EQ(id[i], h[i].msg_id);
		EXPECT_EQ(100U + i, h[i].op);
		EXPECT_EQ(sizeof(rep), h[i].reply_max);
		EXPECT_EQ(-1, fipc_mismatch(buf, h[i].len, h[i].op));
	}
	/* Answer in reverse: completions come in the order of the replies. */
	for (i = NCALLS - 1; i >= 0; i--) {
		fipc_fill(rep, 3 * i + 1, h[i].op + 1);
		ASSERT_EQ(0, fipc_reply(self->chan, h[i].msg_id, rep, 3 * i + 1,
					(__s32)h[i].op, NULL));
	}
	for (i = NCALLS - 1; i >= 0; i--) {
		memset(buf, 0xee, sizeof(buf));
		ASSERT_EQ(0, reap(self->conn, buf, sizeof(buf), 0, &r));
		EXPECT_EQ(id[i], r.msg_id);
		EXPECT_EQ(0, r.error);
		EXPECT_EQ(100 + i, r.status);
		EXPECT_EQ(3U * i + 1, r.rep_len);
		EXPECT_EQ(0U, r.rep_need);
		EXPECT_EQ(0U, r.rep_desc.area);
		EXPECT_EQ(-1, fipc_mismatch(buf, r.rep_len, 100 + i + 1));
		EXPECT_EQ(0xee, buf[r.rep_len]);
	}
	EXPECT_EQ(-ENOENT, reap(self->conn, buf, sizeof(buf), 0, NULL));
	ASSERT_EQ(0, fipc_stat(self->ctl, self->name, &st));
	EXPECT_EQ((__u64)NCALLS, st.counters.calls);
	EXPECT_EQ((__u64)NCALLS, st.counters.replies);
}

TEST_F(async, reply_need)
{
	struct fastipc_msg_hdr h;
	struct fastipc_serve s;
	struct fastipc_reap r;
	char buf[8];
	__u64 id;

	ASSERT_EQ(0, submit(self->conn, 1, NULL, 0, sizeof(buf), &id));
	ASSERT_EQ(0, take(self->chan, NULL, 0, &h));
	memset(&s, 0, sizeof(s));
	s.reply_id = h.msg_id;
	s.reply_len = 5000;
	s.reply_status = 4;
	s.flags = FASTIPC_F_REPLY_NEED;
	ASSERT_EQ(0, fipc_ioctl(self->chan, FASTIPC_IOC_REPLY, &s));
	ASSERT_EQ(0, reap(self->conn, buf, sizeof(buf), 0, &r));
	EXPECT_EQ(id, r.msg_id);
	EXPECT_EQ(0, r.error);
	EXPECT_EQ(4, r.status);
	EXPECT_EQ(0U, r.rep_len);
	EXPECT_EQ(5000U, r.rep_need);
}

TEST_F(async, rep_cap_too_small_at_reap)
{
	unsigned char rep[300], buf[300];
	struct fastipc_msg_hdr h;
	struct fastipc_reap r;
	__u64 id;

	/* Above the kernel's inline reply room: an allocated reply. */
	ASSERT_EQ(0, submit(self->conn, 2, NULL, 0, sizeof(rep), &id));
	ASSERT_EQ(0, take(self->chan, NULL, 0, &h));
	fipc_fill(rep, sizeof(rep), 7);
	ASSERT_EQ(0, fipc_reply(self->chan, h.msg_id, rep, sizeof(rep), 1,
				NULL));
	EXPECT_EQ(-EMSGSIZE, reap(self->conn, buf, sizeof(rep) - 1,
				  FASTIPC_F_NONBLOCK, &r));
	EXPECT_EQ(sizeof(rep), r.rep_len);
	EXPECT_EQ(id, r.msg_id);
	/* A buffer we cannot write: -EFAULT, the completion stays too. */
	EXPECT_EQ(-EFAULT, reap(self->conn, (void *)8, sizeof(rep),
				FASTIPC_F_NONBLOCK, &r));
	EXPECT_TRUE(revents(self->conn) & POLLIN);
	ASSERT_EQ(0, reap(self->conn, buf, sizeof(buf), FASTIPC_F_NONBLOCK,
			  &r));
	EXPECT_EQ(id, r.msg_id);
	EXPECT_EQ(sizeof(rep), r.rep_len);
	EXPECT_EQ(-1, fipc_mismatch(buf, sizeof(rep), 7));
	EXPECT_EQ(-ENOENT, reap(self->conn, buf, sizeof(buf),
				FASTIPC_F_NONBLOCK, NULL));
}

TEST_F(async, ebusy_beyond_max)
{
	struct fastipc_msg_hdr h;
	struct fastipc_reap r;
	__u64 id, first = 0;
	int i;

	for (i = 0; i < FASTIPC_ASYNC_MAX; i++) {
		ASSERT_EQ(0, submit(self->conn, 1, NULL, 0, 0, &id));
		if (!i)
			first = id;
	}
	EXPECT_EQ(-EBUSY, submit(self->conn, 1, NULL, 0, 0, NULL));
	/* Completed but not reaped still counts. */
	ASSERT_EQ(0, take(self->chan, NULL, 0, &h));
	ASSERT_EQ(first, h.msg_id);
	ASSERT_EQ(0, fipc_reply(self->chan, h.msg_id, NULL, 0, 0, NULL));
	EXPECT_EQ(-EBUSY, submit(self->conn, 1, NULL, 0, 0, NULL));
	ASSERT_EQ(0, reap(self->conn, NULL, 0, FASTIPC_F_NONBLOCK, &r));
	EXPECT_EQ(first, r.msg_id);
	/* A slot is free again: exactly one. */
	EXPECT_EQ(0, submit(self->conn, 1, NULL, 0, 0, NULL));
	EXPECT_EQ(-EBUSY, submit(self->conn, 1, NULL, 0, 0, NULL));
	/* A sync call is not limited by them. */
	EXPECT_EQ(-ETIMEDOUT, fipc_call_timeout(self->conn, 1, NULL, 0,
						FIPC_MS, NULL));
}

TEST_F(async, poll_epollin_only_with_completion)
{
	struct fastipc_msg_hdr h;
	struct fastipc_reap r;
	__u64 id;

	EXPECT_FALSE(revents(self->conn) & POLLIN);
	ASSERT_EQ(0, submit(self->conn, 3, NULL, 0, 0, &id));
	EXPECT_FALSE(revents(self->conn) & POLLIN);
	ASSERT_EQ(0, take(self->chan, NULL, 0, &h));
	EXPECT_FALSE(revents(self->conn) & POLLIN);
	ASSERT_EQ(0, fipc_reply(self->chan, h.msg_id, NULL, 0, 0, NULL));
	EXPECT_TRUE(revents(self->conn) & POLLIN);
	EXPECT_TRUE(revents(self->conn) & POLLOUT);
	ASSERT_EQ(0, reap(self->conn, NULL, 0, FASTIPC_F_NONBLOCK, &r));
	EXPECT_EQ(id, r.msg_id);
	EXPECT_FALSE(revents(self->conn) & POLLIN);
}

/* Wait until @pid's main thread sleeps in poll(2): 0 or -ETIMEDOUT. */
static int wait_in_poll(pid_t pid)
{
	struct timespec ts = { 0, 2 * FIPC_MS };
	char path[64], buf[512], *p;
	int i;

	for (i = 0; i < 5000; i++) {
		snprintf(path, sizeof(path), "/proc/%d/stat", pid);
		if (fipc_file_read(path, buf, sizeof(buf)))
			return -ESRCH;
		p = strrchr(buf, ')');
		snprintf(path, sizeof(path), "/proc/%d/syscall", pid);
		if (p && p[1] == ' ' && p[2] == 'S' &&
		    !fipc_file_read(path, buf, sizeof(buf)) &&
		    atoi(buf) == SYS_poll)
			return 0;
		nanosleep(&ts, NULL);
	}
	return -ETIMEDOUT;
}

/* A poll() that sleeps is woken by the completion. */
TEST_F(async, poll_wakes)
{
	struct pollfd p = { .events = POLLIN };
	struct fastipc_msg_hdr h;
	struct fastipc_reap r;

	ASSERT_EQ(0, submit(self->conn, 3, NULL, 0, 0, NULL));
	ASSERT_EQ(0, take(self->chan, NULL, 0, &h));
	p.fd = self->conn;
	{
		pid_t pid = fork();

		ASSERT_LE(0, pid);
		if (!pid) {
			/* The child answers once the parent sleeps in poll. */
			CHILD_CHECK(!wait_in_poll(getppid()));
			CHILD_CHECK(!fipc_reply(self->chan, h.msg_id, NULL, 0,
						0, NULL));
			_exit(0);
		}
		ASSERT_EQ(1, poll(&p, 1, 10000 * 6));
		EXPECT_TRUE(p.revents & POLLIN);
		EXPECT_EQ(0, fipc_wait(pid));
	}
	ASSERT_EQ(0, reap(self->conn, NULL, 0, FASTIPC_F_NONBLOCK, &r));
}

TEST_F(async, cancel_queued)
{
	struct fastipc_chan_stat st;
	struct fastipc_reap r;
	__u64 id;

	ASSERT_EQ(0, submit(self->conn, 4, "abcd", 4, 16, &id));
	ASSERT_EQ(0, fipc_stat(self->ctl, self->name, &st));
	EXPECT_EQ(1U, st.queue_msgs);
	EXPECT_EQ(4U, st.queue_bytes);
	ASSERT_EQ(0, cancel(self->conn, id));
	EXPECT_EQ(-ENOENT, cancel(self->conn, id));
	EXPECT_TRUE(revents(self->conn) & POLLIN);
	ASSERT_EQ(0, reap(self->conn, NULL, 0, FASTIPC_F_NONBLOCK, &r));
	EXPECT_EQ(id, r.msg_id);
	EXPECT_EQ(-ECANCELED, r.error);
	EXPECT_EQ(0U, r.rep_len);
	/* The server never sees it. */
	EXPECT_EQ(-EAGAIN, fipc_recv(self->chan, NULL, 0, FASTIPC_F_NONBLOCK,
				     0, NULL));
	ASSERT_EQ(0, fipc_stat(self->ctl, self->name, &st));
	EXPECT_EQ(0U, st.queue_msgs);
	EXPECT_EQ(0U, st.queue_bytes);
	EXPECT_EQ(1ULL, st.counters.cancelled);
}

TEST_F(async, cancel_in_progress)
{
	struct fastipc_chan_stat st;
	struct fastipc_msg_hdr h;
	struct fastipc_reap r;
	__u32 out = 0;
	__u64 id;

	ASSERT_EQ(0, submit(self->conn, 5, NULL, 0, 16, &id));
	ASSERT_EQ(0, take(self->chan, NULL, 0, &h));
	ASSERT_EQ(0, cancel(self->conn, id));
	ASSERT_EQ(0, reap(self->conn, NULL, 0, FASTIPC_F_NONBLOCK, &r));
	EXPECT_EQ(id, r.msg_id);
	EXPECT_EQ(-ECANCELED, r.error);
	EXPECT_EQ(-ENOENT, cancel(self->conn, id));
	/* The late reply is dropped and counted. */
	ASSERT_EQ(0, fipc_reply(self->chan, h.msg_id, "late", 4, 0, &out));
	EXPECT_EQ(FASTIPC_SERVE_REPLY_DROPPED, out);
	ASSERT_EQ(0, fipc_stat(self->ctl, self->name, &st));
	EXPECT_EQ(1ULL, st.counters.dropped_replies);
	EXPECT_EQ(0ULL, st.counters.replies);
	EXPECT_EQ(1ULL, st.counters.cancelled);
	EXPECT_FALSE(revents(self->conn) & POLLIN);
	EXPECT_EQ(-ENOENT, reap(self->conn, NULL, 0, FASTIPC_F_NONBLOCK, NULL));
}

TEST_F(async, cancel_unknown_or_done)
{
	struct fastipc_msg_hdr h;
	struct fastipc_cancel c;
	struct fastipc_reap r;
	__u64 id;

	EXPECT_EQ(-ENOENT, cancel(self->conn, 12345));
	EXPECT_EQ(-ENOENT, cancel(self->conn, 0));
	ASSERT_EQ(0, submit(self->conn, 6, NULL, 0, 0, &id));
	/* Another connection's call is unknown here. */
	{
		__u64 cid;
		int other = fipc_connect(self->ctl, self->name, &cid);

		ASSERT_LE(0, other);
		EXPECT_EQ(-ENOENT, cancel(other, id));
		close(other);
	}
	ASSERT_EQ(0, take(self->chan, NULL, 0, &h));
	ASSERT_EQ(0, fipc_reply(self->chan, h.msg_id, NULL, 0, 8, NULL));
	/* Complete, not reaped: -ENOENT, and REAP gives the reply. */
	EXPECT_EQ(-ENOENT, cancel(self->conn, id));
	memset(&c, 0, sizeof(c));
	c.msg_id = id;
	c.flags = 1;
	EXPECT_EQ(-EINVAL, fipc_ioctl(self->conn, FASTIPC_IOC_CANCEL, &c));
	c.flags = 0;
	c.pad = 1;
	EXPECT_EQ(-EINVAL, fipc_ioctl(self->conn, FASTIPC_IOC_CANCEL, &c));
	ASSERT_EQ(0, reap(self->conn, NULL, 0, FASTIPC_F_NONBLOCK, &r));
	EXPECT_EQ(0, r.error);
	EXPECT_EQ(8, r.status);
}

/* Submit three: one in progress, two queued; then end the channel. */
static void three_then(struct __test_metadata *_metadata, int ctl, int *chan,
		       int conn, const char *name, bool rmid, int err)
{
	struct fastipc_msg_hdr h;
	struct fastipc_reap r;
	__u64 id[3];
	char buf[8];
	int i;

	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, submit(conn, 7, "x", 1, 64, &id[i]));
	ASSERT_EQ(0, take(*chan, buf, sizeof(buf), &h));
	if (rmid) {
		ASSERT_EQ(0, fipc_rmid(ctl, name));
	} else {
		close(*chan);
		*chan = -1;
	}
	EXPECT_TRUE(revents(conn) & POLLIN);
	EXPECT_TRUE(revents(conn) & POLLHUP);
	/* The queued two complete first, then the one in progress. */
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, reap(conn, NULL, 0, FASTIPC_F_NONBLOCK, &r));
		EXPECT_EQ(err, r.error);
		EXPECT_EQ(0U, r.rep_len);
		EXPECT_EQ(id[(i + 1) % 3], r.msg_id);
	}
	EXPECT_EQ(-ENOENT, reap(conn, NULL, 0, FASTIPC_F_NONBLOCK, NULL));
	/* Nothing more can be submitted. */
	EXPECT_EQ(err, submit(conn, 7, NULL, 0, 0, NULL));
}

TEST_F(async, server_close_econnreset)
{
	three_then(_metadata, self->ctl, &self->chan, self->conn, self->name,
		   false, -ECONNRESET);
}

TEST_F(async, rmid_eidrm)
{
	three_then(_metadata, self->ctl, &self->chan, self->conn, self->name,
		   true, -EIDRM);
}

TEST_F(async, reap_nothing_enoent)
{
	EXPECT_EQ(-ENOENT, reap(self->conn, NULL, 0, 0, NULL));
	EXPECT_EQ(-ENOENT, reap(self->conn, NULL, 0, FASTIPC_F_NONBLOCK, NULL));
}

TEST_F(async, reap_nonblock_and_timeout)
{
	struct fastipc_reap r;
	__u64 id;

	ASSERT_EQ(0, submit(self->conn, 8, NULL, 0, 0, &id));
	EXPECT_EQ(-EAGAIN, reap(self->conn, NULL, 0, FASTIPC_F_NONBLOCK, NULL));
	memset(&r, 0, sizeof(r));
	r.flags = FASTIPC_F_TIMEOUT;
	r.timeout_ns = FIPC_MS;
	EXPECT_EQ(-ETIMEDOUT, fipc_ioctl(self->conn, FASTIPC_IOC_REAP, &r));
	EXPECT_EQ(0ULL, r.msg_id);
	ASSERT_EQ(0, cancel(self->conn, id));
	ASSERT_EQ(0, reap(self->conn, NULL, 0, FASTIPC_F_NONBLOCK, &r));
	EXPECT_EQ(id, r.msg_id);
}

static void on_usr1(int sig)
{
	(void)sig;
}

TEST_F(async, reap_eintr_and_wakeup)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	struct fastipc_msg_hdr h;
	struct fastipc_reap r;
	struct fipc_bg b;
	__u64 id;

	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	ASSERT_EQ(0, submit(self->conn, 9, NULL, 0, 0, &id));
	memset(&r, 0, sizeof(r));
	ASSERT_EQ(0, fipc_bg_start(&b, self->conn, FASTIPC_IOC_REAP, &r));
	ASSERT_EQ(0, fipc_bg_blocked(&b));
	ASSERT_EQ(0, pthread_kill(b.th, SIGUSR1));
	EXPECT_EQ(-EINTR, fipc_bg_join(&b));
	/* A sleeping REAP is woken by the reply. */
	memset(&r, 0, sizeof(r));
	ASSERT_EQ(0, fipc_bg_start(&b, self->conn, FASTIPC_IOC_REAP, &r));
	ASSERT_EQ(0, fipc_bg_blocked(&b));
	ASSERT_EQ(0, take(self->chan, NULL, 0, &h));
	ASSERT_EQ(0, fipc_reply(self->chan, h.msg_id, NULL, 0, 3, NULL));
	ASSERT_EQ(0, fipc_bg_join(&b));
	EXPECT_EQ(id, r.msg_id);
	EXPECT_EQ(3, r.status);
}

/* Two sleeping reapers, one completion: one gets it, the other -ENOENT. */
TEST_F(async, two_reapers_one_completion)
{
	struct fastipc_reap r[2];
	struct fastipc_msg_hdr h;
	struct fipc_bg b[2];
	__u64 id;
	int i, got = -1;

	ASSERT_EQ(0, submit(self->conn, 9, NULL, 0, 0, &id));
	for (i = 0; i < 2; i++) {
		memset(&r[i], 0, sizeof(r[i]));
		r[i].flags = FASTIPC_F_TIMEOUT;
		r[i].timeout_ns = FIPC_WAIT_NS;
		ASSERT_EQ(0, fipc_bg_start(&b[i], self->conn, FASTIPC_IOC_REAP,
					   &r[i]));
		ASSERT_EQ(0, fipc_bg_blocked(&b[i]));
	}
	ASSERT_EQ(0, take(self->chan, NULL, 0, &h));
	ASSERT_EQ(0, fipc_reply(self->chan, h.msg_id, NULL, 0, 6, NULL));
	for (i = 0; i < 2; i++) {
		int ret = fipc_bg_join(&b[i]);

		if (!ret) {
			EXPECT_EQ(-1, got);
			got = i;
			EXPECT_EQ(id, r[i].msg_id);
			EXPECT_EQ(6, r[i].status);
		} else {
			/* Nothing left outstanding: not a sleep to the timeout. */
			EXPECT_EQ(-ENOENT, ret);
		}
	}
	EXPECT_NE(-1, got);
}

#define IOC_REAP_SIZED(sz) _IOC(_IOC_READ | _IOC_WRITE, FASTIPC_IOC_MAGIC, \
				0x24, (sz))

TEST_F(async, bad_args_einval)
{
	struct fastipc_reap r;
	struct fastipc_call c;
	char buf[8];

	/* ASYNC with a reply pointer; ASYNC on SEND; with REPLY_NEED. */
	memset(&c, 0, sizeof(c));
	c.flags = FASTIPC_F_ASYNC;
	c.rep_ptr = (uintptr_t)buf;
	c.rep_cap = sizeof(buf);
	EXPECT_EQ(-EINVAL, fipc_ioctl(self->conn, FASTIPC_IOC_CALL, &c));
	c.rep_ptr = 0;
	c.rep_cap = 0;
	EXPECT_EQ(-EINVAL, fipc_ioctl(self->conn, FASTIPC_IOC_SEND, &c));
	c.flags = FASTIPC_F_ASYNC | FASTIPC_F_REPLY_NEED;
	EXPECT_EQ(-EINVAL, fipc_ioctl(self->conn, FASTIPC_IOC_CALL, &c));
	c.flags = FASTIPC_F_ASYNC;
	c.resv = 1;
	EXPECT_EQ(-EINVAL, fipc_ioctl(self->conn, FASTIPC_IOC_CALL, &c));
	c.resv = 0;
	c.timeout_ns = 5;	/* without FASTIPC_F_TIMEOUT */
	EXPECT_EQ(-EINVAL, fipc_ioctl(self->conn, FASTIPC_IOC_CALL, &c));
	/* Nothing was submitted. */
	EXPECT_EQ(-ENOENT, reap(self->conn, NULL, 0, FASTIPC_F_NONBLOCK, NULL));
	EXPECT_EQ(-EAGAIN, fipc_recv(self->chan, NULL, 0, FASTIPC_F_NONBLOCK,
				     0, NULL));

	memset(&r, 0, sizeof(r));
	r.flags = FASTIPC_F_ASYNC;
	EXPECT_EQ(-EINVAL, fipc_ioctl(self->conn, FASTIPC_IOC_REAP, &r));
	r.flags = FASTIPC_F_REPLY_NEED;
	EXPECT_EQ(-EINVAL, fipc_ioctl(self->conn, FASTIPC_IOC_REAP, &r));
	r.flags = 0x100;
	EXPECT_EQ(-EINVAL, fipc_ioctl(self->conn, FASTIPC_IOC_REAP, &r));
	r.flags = 0;
	r.pad = 1;
	EXPECT_EQ(-EINVAL, fipc_ioctl(self->conn, FASTIPC_IOC_REAP, &r));
	r.pad = 0;
	r.pad2 = 1;
	EXPECT_EQ(-EINVAL, fipc_ioctl(self->conn, FASTIPC_IOC_REAP, &r));
	r.pad2 = 0;
	r.timeout_ns = 1;
	EXPECT_EQ(-EINVAL, fipc_ioctl(self->conn, FASTIPC_IOC_REAP, &r));
	r.timeout_ns = 0;
	EXPECT_EQ(-EINVAL, fipc_ioctl(self->conn,
				      IOC_REAP_SIZED(FASTIPC_REAP_SIZE_VER0 - 8),
				      &r));
	/* REAP and CANCEL belong to connection fds. */
	EXPECT_EQ(-ENOTTY, fipc_ioctl(self->chan, FASTIPC_IOC_REAP, &r));
	EXPECT_EQ(-ENOTTY, fipc_ioctl(self->ctl, FASTIPC_IOC_REAP, &r));
	EXPECT_EQ(-ENOENT, fipc_ioctl(self->conn, FASTIPC_IOC_REAP, &r));
}

TEST_F(async, handshake_lists_reap_cancel)
{
	struct fastipc_api a;

	ASSERT_EQ(0, fipc_api(self->ctl, &a));
	EXPECT_TRUE(a.ioctls & (1ULL << _IOC_NR(FASTIPC_IOC_REAP)));
	EXPECT_TRUE(a.ioctls & (1ULL << _IOC_NR(FASTIPC_IOC_CANCEL)));
}

TEST_F(async, mixed_with_sync_call)
{
	struct fastipc_msg_hdr ha, hb;
	struct fastipc_call c;
	struct fastipc_reap r;
	char rep[8], buf[8];
	struct fipc_bg b;
	__u64 id;

	ASSERT_EQ(0, submit(self->conn, 10, NULL, 0, sizeof(buf), &id));
	fipc_call_init(&c, 11, NULL, 0, rep, sizeof(rep));
	ASSERT_EQ(0, fipc_bg_start(&b, self->conn, FASTIPC_IOC_CALL, &c));
	ASSERT_EQ(0, take(self->chan, NULL, 0, &ha));
	ASSERT_EQ(0, take(self->chan, NULL, 0, &hb));
	EXPECT_EQ(id, ha.msg_id);
	EXPECT_EQ(11U, hb.op);
	/* The sync call's reply goes to its thread, not to REAP. */
	ASSERT_EQ(0, fipc_reply(self->chan, hb.msg_id, "sync", 4, 2, NULL));
	ASSERT_EQ(0, fipc_bg_join(&b));
	EXPECT_EQ(2, c.status);
	EXPECT_EQ(0, memcmp(rep, "sync", 4));
	EXPECT_EQ(-EAGAIN, reap(self->conn, buf, sizeof(buf),
				FASTIPC_F_NONBLOCK, NULL));
	ASSERT_EQ(0, fipc_reply(self->chan, ha.msg_id, "asyn", 4, 1, NULL));
	ASSERT_EQ(0, reap(self->conn, buf, sizeof(buf), 0, &r));
	EXPECT_EQ(id, r.msg_id);
	EXPECT_EQ(1, r.status);
	EXPECT_EQ(0, memcmp(buf, "asyn", 4));
	/* And a sync call after them works as ever. */
	fipc_call_init(&c, 12, NULL, 0, rep, sizeof(rep));
	ASSERT_EQ(0, fipc_bg_start(&b, self->conn, FASTIPC_IOC_CALL, &c));
	ASSERT_EQ(0, take(self->chan, NULL, 0, &hb));
	ASSERT_EQ(0, fipc_reply(self->chan, hb.msg_id, NULL, 0, 5, NULL));
	ASSERT_EQ(0, fipc_bg_join(&b));
	EXPECT_EQ(5, c.status);
}

/* ---- shared memory: a reply descriptor ---- */

FIXTURE(shm) {
	struct rgn r;
};

FIXTURE_SETUP(shm)
{
	FIPC_REQUIRE_DEV();
	ASSERT_EQ(0, rgn_open(&self->r, "async", RGN_SIZE));
}

FIXTURE_TEARDOWN(shm)
{
	rgn_close(&self->r);
}

TEST_F(shm, reply_desc)
{
	struct rgn *r = &self->r;
	struct fastipc_serve s;
	struct fastipc_desc d;
	struct fastipc_reap rp;
	char buf[16];
	__u64 id;

	ASSERT_EQ(0, submit(r->conn, 1, NULL, 0, sizeof(buf), &id));
	ASSERT_EQ(0, recv_msg(r->chan, NULL, 0, &s));
	EXPECT_EQ(id, s.hdr.msg_id);
	fipc_fill(AREA(r, smine) + 4096, 1000, 42);
	set_desc(&d, 4096, 1000, S2C);
	ASSERT_EQ(0, reply_d(r->chan, s.hdr.msg_id, "inl", 3, &d));
	ASSERT_EQ(0, reap(r->conn, buf, sizeof(buf), 0, &rp));
	EXPECT_EQ(id, rp.msg_id);
	EXPECT_EQ(3U, rp.rep_len);
	EXPECT_EQ(0, memcmp(buf, "inl", 3));
	EXPECT_TRUE(desc_is(&rp.rep_desc, 4096, 1000, S2C));
	EXPECT_EQ(-1, fipc_mismatch(AREA(r, cpeer) + rp.rep_desc.offset,
				    rp.rep_desc.len, 42));
}

/* ---- quota and teardown: module parameters, module-wide counts ---- */

FIXTURE(quota) {
	FIPC_TRIO;
	unsigned long long saved;
	int have;
	int nl;
};

FIXTURE_SETUP(quota)
{
	self->have = 0;
	self->nl = -1;
	self->fd[0] = self->fd[1] = self->fd[2] = -1;
	FIPC_REQUIRE_DEV();
	if (geteuid())
		SKIP(return, "needs root (module parameters)");
	if (read_param("user_queue_bytes_max", &self->saved))
		SKIP(return, "user_queue_bytes_max missing");
	self->have = 1;
	self->nl = modstat_open();
	ASSERT_LE(0, self->nl);
	/* msg_max 1024: a larger rep_cap is charged as 1024. */
	ASSERT_EQ(0, fipc_setup(self->fd, &self->conn_id, self->name, "asq",
				1024, 0, 0));
}

FIXTURE_TEARDOWN(quota)
{
	if (self->nl >= 0)
		modstat_close(self->nl);
	fipc_trio_close(self->fd);
	if (self->have && write_param("user_queue_bytes_max", self->saved))
		fprintf(stderr, "# restoring user_queue_bytes_max: %s\n",
			strerror(errno));
}

TEST_F(quota, reply_charge_eagain)
{
	struct fastipc_msg_hdr h;
	struct fastipc_reap r;
	__u64 id;
	int i;

	if (_metadata->skip)
		return;
	ASSERT_EQ(0, write_param("user_queue_bytes_max", 4 * (page() + 1024)));
	/*
	 * A page (the message) + min(rep_cap, msg_max) = 1024 each: four
	 * fit, a fifth does not, even without reply room.
	 */
	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, submit(self->conn, 1, NULL, 0, 1U << 20, &id));
	EXPECT_EQ(-EAGAIN, submit(self->conn, 1, NULL, 0, 1U << 20, NULL));
	EXPECT_EQ(-EAGAIN, submit(self->conn, 1, NULL, 0, 1, NULL));
	EXPECT_EQ(-EAGAIN, submit(self->conn, 1, NULL, 0, 0, NULL));
	/* Received and answered, not reaped: still charged. */
	ASSERT_EQ(0, take(self->chan, NULL, 0, &h));
	ASSERT_EQ(0, fipc_reply(self->chan, h.msg_id, NULL, 0, 0, NULL));
	EXPECT_EQ(-EAGAIN, submit(self->conn, 1, NULL, 0, 1024, NULL));
	/* Reaped: its 1024 bytes return. */
	ASSERT_EQ(0, reap(self->conn, NULL, 0, FASTIPC_F_NONBLOCK, &r));
	EXPECT_EQ(0, submit(self->conn, 1, NULL, 0, 1024, NULL));
	EXPECT_EQ(-EAGAIN, submit(self->conn, 1, NULL, 0, 1, NULL));
}

/*
 * Calls without reply room, answered and never reaped, keep their
 * messages (and a small request payload in them): each is charged a page,
 * so a caller that never reaps stops at its quota.
 */
TEST_F(quota, unreaped_calls_are_charged)
{
	char req[512], got[512];
	struct fastipc_msg_hdr h;
	int i;

	if (_metadata->skip)
		return;
	memset(req, 'q', sizeof(req));
	ASSERT_EQ(0, write_param("user_queue_bytes_max",
				 3 * page() + 2 * sizeof(req)));
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, submit(self->conn, 1, req, sizeof(req), 0, NULL));
		ASSERT_EQ(0, take(self->chan, got, sizeof(got), &h));
		ASSERT_EQ(sizeof(req), h.len);
		ASSERT_EQ(0, fipc_reply(self->chan, h.msg_id, NULL, 0, 0,
					NULL));
	}
	/* Three answered, none reaped: the fourth does not fit. */
	EXPECT_EQ(-EAGAIN, submit(self->conn, 1, req, sizeof(req), 0, NULL));
	EXPECT_EQ(-EAGAIN, submit(self->conn, 1, NULL, 0, 0, NULL));
}

TEST_F(quota, client_close_frees_everything)
{
	struct modstat before, after;
	struct fastipc_chan_stat st;
	struct fastipc_msg_hdr h[2];
	__u32 out = 0;
	int conn, i;
	__u64 cid;

	if (_metadata->skip)
		return;
	ASSERT_EQ(0, write_param("user_queue_bytes_max", 4 * (page() + 1024)));
	conn = fipc_connect(self->ctl, self->name, &cid);
	ASSERT_LE(0, conn);
	ASSERT_EQ(0, fipc_recv_type(self->chan, FASTIPC_MSG_CONNECT, NULL, 0,
				    &h[0]));
	ASSERT_EQ(0, modstat_get(self->nl, &before));
	/* Two in progress (one answered), two queued: the whole quota. */
	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, submit(conn, 1, NULL, 0, 1024, NULL));
	EXPECT_EQ(-EAGAIN, submit(self->conn, 1, NULL, 0, 1, NULL));
	ASSERT_EQ(0, take(self->chan, NULL, 0, &h[0]));
	ASSERT_EQ(0, take(self->chan, NULL, 0, &h[1]));
	ASSERT_EQ(0, fipc_reply(self->chan, h[0].msg_id, "r", 1, 0, NULL));
	close(conn);
	/* The user's whole charge is back at once. */
	for (i = 0; i < 4; i++)
		EXPECT_EQ(0, submit(self->conn, 2, NULL, 0, 1024, NULL));
	EXPECT_EQ(-EAGAIN, submit(self->conn, 2, NULL, 0, 1, NULL));
	/* The queued two left the queue; the late reply is dropped. */
	ASSERT_EQ(0, fipc_recv_type(self->chan, FASTIPC_MSG_DISCONNECT, NULL,
				    0, NULL));
	ASSERT_EQ(0, fipc_stat(self->ctl, self->name, &st));
	EXPECT_EQ(4U, st.queue_msgs);	/* self->conn's four */
	ASSERT_EQ(0, fipc_reply(self->chan, h[1].msg_id, NULL, 0, 0, &out));
	EXPECT_EQ(FASTIPC_SERVE_REPLY_DROPPED, out);
	/* No message of the closed connection is left: its DISCONNECT gone,
	 * self->conn's four calls alive.
	 */
	ASSERT_EQ(0, modstat_get(self->nl, &after));
	EXPECT_EQ(before.msgs - 1 + 4, after.msgs);
	EXPECT_EQ(before.conns - 1, after.conns);
}

TEST_HARNESS_MAIN
