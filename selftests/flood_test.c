// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc: one user's flood does not starve another user (reliability
 * checklist case 41).
 *
 *  - Per channel: user A fills its own channel's queue to the cap (and
 *    leaves a sender blocked for room); user B's channel on the same
 *    device still accepts and completes calls.
 *  - Per user (the user_queue_bytes_max module parameter): a user whose
 *    queued payload bytes reach the cap gets -EAGAIN from a non-blocking
 *    SEND and CALL on any of its channels, another user is unaffected,
 *    and receiving frees room.
 *
 * Needs root: each user is a forked child that drops to its uid.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "fastipc_util.h"

/* The 6.1 harness runs the test body even when its setup skipped. */
#define SETUP_SKIPPED()	(_metadata->skip)

#define USER_A		1000
#define USER_B		1001
#define QMSGS		16	/* user A's channel queue, messages */
#define B_CALLS		50
#define MSG		4096
#define QUOTA		(16 * MSG)	/* user_queue_bytes_max under test */

/* Parent and child synchronise over two pipes: one byte each way. */
struct sync {
	int up[2];	/* child -> parent */
	int down[2];	/* parent -> child */
};

static int sync_init(struct sync *s)
{
	if (pipe2(s->up, O_CLOEXEC))
		return -errno;
	if (pipe2(s->down, O_CLOEXEC))
		return -errno;
	return 0;
}

static void sync_close(struct sync *s)
{
	close(s->up[0]);
	close(s->up[1]);
	close(s->down[0]);
	close(s->down[1]);
}

/* Send one byte @c (0 = success, else an error code) the way @fd goes. */
static int sync_put(int fd, char c)
{
	return write(fd, &c, 1) == 1 ? 0 : -EIO;
}

/* The byte the other side sent, or -EIO if it died first. */
static int sync_get(int fd)
{
	char c;

	return read(fd, &c, 1) == 1 ? c : -EIO;
}

/* Drop to @uid, staying dumpable so /proc shows where threads sleep. */
static int become(uid_t uid)
{
	int ret = fipc_become(uid, uid, NULL, 0, -1);

	if (!ret && prctl(PR_SET_DUMPABLE, 1, 0, 0, 0))
		ret = -errno;
	return ret;
}

/* Fill @conn's queue with non-blocking sends: how many fit, or -errno. */
static int fill_queue(int conn, const void *buf, __u32 len, int most)
{
	int n, ret;

	for (n = 0; n < most; n++) {
		ret = fipc_send(conn, 1, buf, len, FASTIPC_F_NONBLOCK);
		if (ret == -EAGAIN)
			return n;
		if (ret < 0)
			return ret;
	}
	return -ENOSPC;	/* never filled: no cap */
}

/* ---- per channel ---- */

struct flood_arg {
	struct sync s;
};

/* User A: fill the queue, block one more sender, wait for the parent. */
static int flooder(void *p)
{
	struct flood_arg *a = p;
	struct fastipc_chan_stat st;
	static char buf[MSG];
	struct fastipc_call c;
	char name[FASTIPC_NAME_MAX];
	struct fipc_bg bg;
	int fd[3], n;

	CHILD_CHECK(become(USER_A) == 0);
	CHILD_CHECK(fipc_setup(fd, NULL, name, "flA", 0, QMSGS, 0) == 0);
	n = fill_queue(fd[2], buf, sizeof(buf), 10 * QMSGS);
	CHILD_CHECK(n == QMSGS);
	/* One sender asleep waiting for room, the whole time. */
	memset(&c, 0, sizeof(c));
	c.req_ptr = (uintptr_t)buf;
	c.req_len = sizeof(buf);
	c.flags = FASTIPC_F_TIMEOUT;
	c.timeout_ns = 60 * FIPC_SEC;
	CHILD_CHECK(fipc_bg_start(&bg, fd[2], FASTIPC_IOC_SEND, &c) == 0);
	CHILD_CHECK(fipc_bg_blocked(&bg) == 0);
	CHILD_CHECK(sync_put(a->s.up[1], 0) == 0);
	CHILD_CHECK(sync_get(a->s.down[0]) == 0);
	CHILD_CHECK(bg.ret == -EINPROGRESS);
	/* Receiving one lets the blocked sender in: the queue is full again. */
	CHILD_CHECK(fipc_recv(fd[1], buf, sizeof(buf), FASTIPC_F_NONBLOCK, 0,
			      NULL) == MSG);
	CHILD_CHECK(fipc_bg_join(&bg) == 0);
	CHILD_CHECK(fipc_stat(fd[0], name, &st) == 0);
	CHILD_CHECK(st.queue_msgs == QMSGS);
	fipc_trio_close(fd);
	return 0;
}

struct served {
	int chan;
	int n;
	int ret;
};

/* Answer @n calls with their own payload. */
static void *serve_n(void *p)
{
	struct served *s = p;
	struct fastipc_msg_hdr h;
	char buf[64];
	int i, len;

	for (i = 0; i < s->n; i++) {
		len = fipc_recv_type(s->chan, FASTIPC_MSG_REQUEST, buf,
				     sizeof(buf), &h);
		if (len < 0) {
			s->ret = len;
			return NULL;
		}
		s->ret = fipc_reply(s->chan, h.msg_id, buf, len, 0, NULL);
		if (s->ret)
			return NULL;
	}
	return NULL;
}

/* User B: B_CALLS echo calls on its own channel, each within a second. */
static int caller_b(void *p)
{
	struct served srv = { .n = B_CALLS };
	char name[FASTIPC_NAME_MAX];
	struct fastipc_call out;
	char req[32], rep[64];
	pthread_t th;
	int fd[3], i;

	(void)p;
	CHILD_CHECK(become(USER_B) == 0);
	CHILD_CHECK(fipc_setup(fd, NULL, name, "flB", 0, 0, 0) == 0);
	srv.chan = fd[1];
	CHILD_CHECK(pthread_create(&th, NULL, serve_n, &srv) == 0);
	for (i = 0; i < B_CALLS; i++) {
		snprintf(req, sizeof(req), "call %d", i);
		CHILD_CHECK(fipc_call(fd[2], 2, req, strlen(req), rep,
				      sizeof(rep), &out) == 0);
		CHILD_CHECK(out.rep_len == strlen(req));
		CHILD_CHECK(!memcmp(req, rep, out.rep_len));
	}
	pthread_join(th, NULL);
	CHILD_CHECK(srv.ret == 0);
	fipc_trio_close(fd);
	return 0;
}

TEST(flood_own_queue_other_user_calls)
{
	struct flood_arg a;
	pid_t pa;

	if (geteuid())
		SKIP(return, "needs root (setresuid)");
	ASSERT_EQ(0, sync_init(&a.s));
	pa = fipc_fork(flooder, &a);
	ASSERT_LE(0, pa);
	/* A's queue is full and a sender of A's sleeps; now B works. */
	ASSERT_EQ(0, sync_get(a.s.up[0]));
	EXPECT_EQ(0, fipc_wait(fipc_fork(caller_b, NULL)));
	EXPECT_EQ(0, sync_put(a.s.down[1], 0));
	EXPECT_EQ(0, fipc_wait(pa));
	sync_close(&a.s);
}

/* ---- per user: user_queue_bytes_max ---- */

FIXTURE(uquota) {
	unsigned long long saved;
	int have;
};

FIXTURE_SETUP(uquota)
{
	if (geteuid())
		SKIP(return, "needs root (setresuid, module parameters)");
	ASSERT_EQ(0, read_param("user_queue_bytes_max", &self->saved));
	self->have = 1;
	ASSERT_EQ(0, write_param("user_queue_bytes_max", QUOTA));
}

FIXTURE_TEARDOWN(uquota)
{
	if (self->have && write_param("user_queue_bytes_max", self->saved))
		fprintf(stderr, "# restoring user_queue_bytes_max=%llu failed\n",
			self->saved);
}

/* A non-blocking CALL that must be refused before it is queued. */
static int call_nonblock(int conn, const void *buf, __u32 len)
{
	struct fastipc_call c;

	memset(&c, 0, sizeof(c));
	c.req_ptr = (uintptr_t)buf;
	c.req_len = len;
	c.flags = FASTIPC_F_NONBLOCK | FASTIPC_F_TIMEOUT;
	c.timeout_ns = 100 * FIPC_MS;
	return fipc_ioctl(conn, FASTIPC_IOC_CALL, &c);
}

/*
 * User A, with two channels of its own, each with room for far more than
 * the quota: the sends stop at the quota, on both channels.
 */
static int quota_flooder(void *p)
{
	struct sync *s = p;
	char name[2][FASTIPC_NAME_MAX];
	static char buf[MSG];
	int one[3], two[3], n;

	CHILD_CHECK(become(USER_A) == 0);
	CHILD_CHECK(fipc_setup(one, NULL, name[0], "fqA", MSG, 1024,
			       1024 * MSG) == 0);
	CHILD_CHECK(fipc_setup(two, NULL, name[1], "fqA2", MSG, 1024,
			       1024 * MSG) == 0);
	n = fill_queue(one[2], buf, sizeof(buf), 1024);
	if (n != QUOTA / MSG)
		fprintf(stderr, "# user A queued %d messages of %d bytes, want %d\n",
			n, MSG, QUOTA / MSG);
	CHILD_CHECK(n == QUOTA / MSG);
	/* The quota is the user's, not the channel's. */
	CHILD_CHECK(fipc_send(two[2], 1, buf, sizeof(buf),
			      FASTIPC_F_NONBLOCK) == -EAGAIN);
	CHILD_CHECK(call_nonblock(two[2], buf, sizeof(buf)) == -EAGAIN);
	CHILD_CHECK(call_nonblock(one[2], buf, sizeof(buf)) == -EAGAIN);
	CHILD_CHECK(sync_put(s->up[1], 0) == 0);
	CHILD_CHECK(sync_get(s->down[0]) == 0);
	/* Receiving one message gives its bytes back. */
	CHILD_CHECK(fipc_recv(one[1], buf, sizeof(buf), FASTIPC_F_NONBLOCK, 0,
			      NULL) == MSG);
	CHILD_CHECK(fipc_send(two[2], 1, buf, sizeof(buf),
			      FASTIPC_F_NONBLOCK) == 0);
	CHILD_CHECK(fipc_send(one[2], 1, buf, sizeof(buf),
			      FASTIPC_F_NONBLOCK) == -EAGAIN);
	fipc_trio_close(two);
	fipc_trio_close(one);
	return 0;
}

/* User B queues up to its own quota while A is at A's. */
static int quota_other(void *p)
{
	char name[FASTIPC_NAME_MAX];
	static char buf[MSG];
	int fd[3];

	(void)p;
	CHILD_CHECK(become(USER_B) == 0);
	CHILD_CHECK(fipc_setup(fd, NULL, name, "fqB", MSG, 1024,
			       1024 * MSG) == 0);
	CHILD_CHECK(fill_queue(fd[2], buf, sizeof(buf), 1024) == QUOTA / MSG);
	fipc_trio_close(fd);
	return 0;
}

TEST_F(uquota, user_over_cap_eagain_other_user_unaffected)
{
	struct sync s;
	pid_t pa;

	if (SETUP_SKIPPED())
		return;
	ASSERT_EQ(0, sync_init(&s));
	pa = fipc_fork(quota_flooder, &s);
	ASSERT_LE(0, pa);
	ASSERT_EQ(0, sync_get(s.up[0]));
	EXPECT_EQ(0, fipc_wait(fipc_fork(caller_b, NULL)));
	EXPECT_EQ(0, fipc_wait(fipc_fork(quota_other, NULL)));
	EXPECT_EQ(0, sync_put(s.down[1], 0));
	EXPECT_EQ(0, fipc_wait(pa));
	sync_close(&s);
}

/* The charge goes when the queue does: A can fill its quota again. */
TEST_F(uquota, quota_returned_when_channel_closes)
{
	if (SETUP_SKIPPED())
		return;
	EXPECT_EQ(0, fipc_wait(fipc_fork(quota_other, NULL)));
	EXPECT_EQ(0, fipc_wait(fipc_fork(quota_other, NULL)));
}

TEST_HARNESS_MAIN
