// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc: FASTIPC_F_REPLY_NEED and fastipc_call.rep_need (CALL VER2):
 * a server that cannot fit its reply tells the caller the length it needs.
 * Raw ioctls: a background thread calls, the test answers.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <string.h>

#include "kselftest_harness.h"
#include "fastipc_util.h"

/* CALL as a program compiled against VER1 (88 bytes) issues it. */
#define IOC_CALL_VER1	_IOC(_IOC_READ | _IOC_WRITE, FASTIPC_IOC_MAGIC, 0x20, \
			     FASTIPC_CALL_SIZE_VER1)

FIXTURE(need) {
	FIPC_TRIO;
};

FIXTURE_SETUP(need)
{
	FIPC_REQUIRE_DEV();
	ASSERT_EQ(0, fipc_setup(self->fd, &self->conn_id, self->name, "need",
				0, 0, 0));
}

FIXTURE_TEARDOWN(need)
{
	fipc_trio_close(self->fd);
}

/* REPLY or REPLY_RECV to @id with FASTIPC_F_REPLY_NEED and @need. */
static int reply_need(int chan, unsigned long cmd, __u64 id, __u32 need,
		      __s32 status, struct fastipc_serve *out)
{
	struct fastipc_serve s;
	int ret;

	memset(&s, 0, sizeof(s));
	s.reply_id = id;
	s.reply_len = need;
	s.reply_status = status;
	s.flags = FASTIPC_F_REPLY_NEED;
	if (cmd == FASTIPC_IOC_REPLY_RECV)
		s.flags |= FASTIPC_F_NONBLOCK;
	ret = fipc_ioctl(chan, cmd, &s);
	if (out)
		*out = s;
	return ret;
}

/* Start a CALL of @c in @b and receive its request: its id, 0 on error. */
static __u64 start_call(int conn, int chan, struct fipc_bg *b,
			unsigned long cmd, void *c)
{
	struct fastipc_msg_hdr h;

	if (fipc_bg_start(b, conn, cmd, c))
		return 0;
	if (fipc_recv_type(chan, FASTIPC_MSG_REQUEST, NULL, 0, &h) < 0)
		return 0;
	return h.msg_id;
}

static void on_usr1(int sig)
{
	(void)sig;
}

TEST_F(need, caller_sees_need)
{
	struct fastipc_chan_stat st;
	struct fastipc_serve s;
	struct fastipc_call c;
	unsigned char rep[16];
	struct fipc_bg b;
	__u64 id;

	memset(rep, 0xee, sizeof(rep));
	fipc_call_init(&c, 5, NULL, 0, rep, sizeof(rep));
	c.rep_need = 0x5a5a;	/* an out field: whatever it held */
	id = start_call(self->conn, self->chan, &b, FASTIPC_IOC_CALL, &c);
	ASSERT_NE(0ULL, id);
	/* Above msg_max and the caller's rep_cap: a need is not a payload. */
	ASSERT_EQ(0, reply_need(self->chan, FASTIPC_IOC_REPLY, id, 1U << 24,
				-77, &s));
	EXPECT_EQ(FASTIPC_SERVE_REPLIED, s.out_flags);
	ASSERT_EQ(0, fipc_bg_join(&b));
	EXPECT_EQ(-77, c.status);
	EXPECT_EQ(0U, c.rep_len);
	EXPECT_EQ(1U << 24, c.rep_need);
	EXPECT_EQ(0U, c.rep_desc.area);
	EXPECT_EQ(0U, c.rep_desc.len);
	EXPECT_EQ(0ULL, c.rep_desc.offset);
	EXPECT_EQ(id, c.msg_id);
	for (unsigned int i = 0; i < sizeof(rep); i++)
		EXPECT_EQ(0xee, rep[i]);
	/* Counted as a reply; the request is gone from the table. */
	ASSERT_EQ(0, fipc_stat(self->ctl, self->name, &st));
	EXPECT_EQ(1ULL, st.counters.replies);
	EXPECT_EQ(0ULL, st.counters.errors);
	EXPECT_EQ(-ENOENT, reply_need(self->chan, FASTIPC_IOC_REPLY, id, 1, 0,
				      NULL));
}

TEST_F(need, any_u32_by_reply_recv)
{
	struct fastipc_serve s;
	struct fastipc_call c;
	struct fipc_bg b;
	__u64 id;

	fipc_call_init(&c, 6, NULL, 0, NULL, 0);
	id = start_call(self->conn, self->chan, &b, FASTIPC_IOC_CALL, &c);
	ASSERT_NE(0ULL, id);
	/* The reply half delivers; the receive half finds nothing. */
	EXPECT_EQ(-EAGAIN, reply_need(self->chan, FASTIPC_IOC_REPLY_RECV, id,
				      0xffffffffU, 3, &s));
	EXPECT_EQ(FASTIPC_SERVE_REPLIED, s.out_flags);
	ASSERT_EQ(0, fipc_bg_join(&b));
	EXPECT_EQ(3, c.status);
	EXPECT_EQ(0U, c.rep_len);
	EXPECT_EQ(0xffffffffU, c.rep_need);
}

TEST_F(need, ver1_caller_gets_status)
{
	union {
		struct fastipc_call c;
		unsigned char raw[FASTIPC_CALL_SIZE_VER2];
	} u;
	struct fipc_bg b;
	__u64 id;

	ASSERT_EQ(FASTIPC_CALL_SIZE_VER2, sizeof(struct fastipc_call));
	fipc_call_init(&u.c, 7, NULL, 0, NULL, 0);
	/* Past the VER1 struct: the kernel must not write there. */
	memset(u.raw + FASTIPC_CALL_SIZE_VER1, 0xab,
	       FASTIPC_CALL_SIZE_VER2 - FASTIPC_CALL_SIZE_VER1);
	id = start_call(self->conn, self->chan, &b, IOC_CALL_VER1, &u.c);
	ASSERT_NE(0ULL, id);
	ASSERT_EQ(0, reply_need(self->chan, FASTIPC_IOC_REPLY, id, 4096, 11,
				NULL));
	ASSERT_EQ(0, fipc_bg_join(&b));
	EXPECT_EQ(11, u.c.status);
	EXPECT_EQ(0U, u.c.rep_len);
	EXPECT_EQ(id, u.c.msg_id);
	for (int i = FASTIPC_CALL_SIZE_VER1; i < FASTIPC_CALL_SIZE_VER2; i++)
		EXPECT_EQ(0xab, u.raw[i]);
}

TEST_F(need, payload_with_need_einval)
{
	struct fastipc_serve s;
	struct fastipc_call c;
	char rep[8], data[4] = "abc";
	struct fipc_bg b;
	__u32 out;
	__u64 id;

	fipc_call_init(&c, 8, NULL, 0, rep, sizeof(rep));
	id = start_call(self->conn, self->chan, &b, FASTIPC_IOC_CALL, &c);
	ASSERT_NE(0ULL, id);
	memset(&s, 0, sizeof(s));
	s.reply_id = id;
	s.reply_len = 100;
	s.flags = FASTIPC_F_REPLY_NEED;
	s.reply_ptr = (uintptr_t)data;
	EXPECT_EQ(-EINVAL, fipc_ioctl(self->chan, FASTIPC_IOC_REPLY, &s));
	s.reply_ptr = 0;
	s.reply_desc.area = FASTIPC_AREA_S2C;
	EXPECT_EQ(-EINVAL, fipc_ioctl(self->chan, FASTIPC_IOC_REPLY, &s));
	s.reply_desc.area = FASTIPC_AREA_NONE;
	s.reply_desc.len = 1;
	EXPECT_EQ(-EINVAL, fipc_ioctl(self->chan, FASTIPC_IOC_REPLY, &s));
	s.reply_desc.len = 0;
	s.reply_desc.offset = 64;
	EXPECT_EQ(-EINVAL, fipc_ioctl(self->chan, FASTIPC_IOC_REPLY_RECV, &s));
	/* None of them answered: the caller still waits, REPLY works. */
	EXPECT_EQ(0, fipc_bg_blocked(&b));
	ASSERT_EQ(0, fipc_reply(self->chan, id, data, 3, 9, &out));
	EXPECT_EQ(FASTIPC_SERVE_REPLIED, out);
	ASSERT_EQ(0, fipc_bg_join(&b));
	EXPECT_EQ(9, c.status);
	EXPECT_EQ(3U, c.rep_len);
	EXPECT_EQ(0U, c.rep_need);
	EXPECT_EQ(0, memcmp(rep, "abc", 3));
}

TEST_F(need, flag_elsewhere_einval)
{
	struct fastipc_serve s;
	struct fastipc_call c;

	fipc_call_init(&c, 1, "x", 1, NULL, 0);
	c.flags |= FASTIPC_F_REPLY_NEED;
	EXPECT_EQ(-EINVAL, fipc_ioctl(self->conn, FASTIPC_IOC_CALL, &c));
	c.flags = FASTIPC_F_REPLY_NEED;
	c.timeout_ns = 0;
	EXPECT_EQ(-EINVAL, fipc_ioctl(self->conn, FASTIPC_IOC_SEND, &c));
	memset(&s, 0, sizeof(s));
	s.flags = FASTIPC_F_REPLY_NEED | FASTIPC_F_NONBLOCK;
	EXPECT_EQ(-EINVAL, fipc_ioctl(self->chan, FASTIPC_IOC_RECV, &s));
	/* Nothing was queued by the rejected CALL and SEND. */
	EXPECT_EQ(-EAGAIN, fipc_recv(self->chan, NULL, 0, FASTIPC_F_NONBLOCK,
				     0, NULL));
}

TEST_F(need, resv_einval)
{
	struct fastipc_call c;

	fipc_call_init(&c, 1, "x", 1, NULL, 0);
	c.resv = 1;
	EXPECT_EQ(-EINVAL, fipc_ioctl(self->conn, FASTIPC_IOC_CALL, &c));
	c.flags = 0;
	c.timeout_ns = 0;
	EXPECT_EQ(-EINVAL, fipc_ioctl(self->conn, FASTIPC_IOC_SEND, &c));
	EXPECT_EQ(-EAGAIN, fipc_recv(self->chan, NULL, 0, FASTIPC_F_NONBLOCK,
				     0, NULL));
}

TEST_F(need, normal_reply_zeroes_need)
{
	struct fastipc_call c;
	char rep[8];
	struct fipc_bg b;
	__u64 id;

	fipc_call_init(&c, 2, NULL, 0, rep, sizeof(rep));
	c.rep_need = 0xdeadbeef;
	id = start_call(self->conn, self->chan, &b, FASTIPC_IOC_CALL, &c);
	ASSERT_NE(0ULL, id);
	ASSERT_EQ(0, fipc_reply(self->chan, id, "hi", 2, 1, NULL));
	ASSERT_EQ(0, fipc_bg_join(&b));
	EXPECT_EQ(0U, c.rep_need);
	EXPECT_EQ(2U, c.rep_len);
	EXPECT_EQ(1, c.status);
}

TEST_F(need, abandoned_need_dropped)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	struct fastipc_chan_stat st;
	struct fastipc_serve s;
	struct fastipc_call c;
	struct fipc_bg b;
	__u64 id;

	/* No SA_RESTART: the signalled CALL gives up with -EINTR. */
	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	fipc_call_init(&c, 4, NULL, 0, NULL, 0);
	id = start_call(self->conn, self->chan, &b, FASTIPC_IOC_CALL, &c);
	ASSERT_NE(0ULL, id);
	ASSERT_EQ(0, fipc_bg_blocked(&b));
	ASSERT_EQ(0, pthread_kill(b.th, SIGUSR1));
	ASSERT_EQ(-EINTR, fipc_bg_join(&b));
	/* The need for an abandoned request is dropped as a reply would be. */
	ASSERT_EQ(0, reply_need(self->chan, FASTIPC_IOC_REPLY, id, 99, 0, &s));
	EXPECT_EQ(FASTIPC_SERVE_REPLY_DROPPED, s.out_flags);
	ASSERT_EQ(0, fipc_stat(self->ctl, self->name, &st));
	EXPECT_EQ(1ULL, st.counters.dropped_replies);
	EXPECT_EQ(0ULL, st.counters.replies);
}

TEST_HARNESS_MAIN
