// SPDX-License-Identifier: GPL-2.0
/*
 * The per-connection request slot (issue 15): a synchronous CALL whose
 * request and reply room fit reuses its connection's slot instead of
 * allocating a message. What the module counts says which: the
 * connection's slot_calls and msg_allocs (netlink GET_CONN), the module's
 * live messages (GET_STATS), the channel's dropped replies (CHAN_STAT).
 *
 * - sequential calls all use the slot: no allocation after the first;
 * - a request past the slot's inline room, up to 16 KiB, goes in the
 *   slot's payload buffer: no allocation, the buffer kept for the next;
 * - a request too large for the slot allocates, and is answered right;
 * - two threads calling at once on one connection: every reply right,
 *   slot_calls + msg_allocs == calls;
 * - a caller that times out while the server holds its request: the slot
 *   is not reused until the late reply is dropped (the next call
 *   allocates, with the right reply), then it is again;
 * - the connection closed while the server holds the slot's request: the
 *   slot lives until the late reply is dropped, then nothing is left;
 * - the channel closed with the slot's request queued: nothing is left
 *   allocated or charged.
 *
 * Never on time: a timeout only makes a caller give up, and the test
 * retries with a longer one if it gave up before the server took it.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <string.h>

#include "kselftest_harness.h"
#include "fastipc_util.h"
#include "modstat.h"

#define SMALL		64U		/* fits the slot with its reply */
#define BIG		3000U		/* past the 1 KiB slot: its buffer */
#define HUGE		(16U * 1024 + 1) /* past the buffer's 16 KiB */
#define MSG_MAX		(32U * 1024)
#define ROUNDS		200U		/* per thread in the concurrent test */

FIXTURE(slot) {
	int sock;
	FIPC_TRIO;
};

FIXTURE_SETUP(slot)
{
	self->ctl = self->chan = self->conn = -1;
	self->sock = -1;
	FIPC_REQUIRE_DEV();
	self->sock = modstat_open();
	ASSERT_LE(0, self->sock);
	/* fipc_setup() takes the CONNECT. */
	ASSERT_EQ(0, fipc_setup(self->fd, &self->conn_id, self->name, "slot",
				MSG_MAX, 64, 2 * MSG_MAX));
}

FIXTURE_TEARDOWN(slot)
{
	fipc_trio_close(self->fd);
	modstat_close(self->sock);
}

static struct modstat_conn counters(struct __test_metadata *_metadata,
				    int sock, const char *name, __u64 id)
{
	struct modstat_conn c;

	EXPECT_EQ(0, modstat_conn(sock, name, id, &c));
	EXPECT_EQ(1, c.found);
	return c;
}

static __u32 live_msgs(struct __test_metadata *_metadata, int sock)
{
	struct modstat st;

	EXPECT_EQ(0, modstat_get(sock, &st));
	return st.msgs;
}

/*
 * One call of @len bytes (pattern @seed) through a background thread,
 * answered by the test with the request's own bytes and status @seed.
 */
static void echo_call(struct __test_metadata *_metadata, int conn, int chan,
		      __u32 len, __u32 seed)
{
	static char req[HUGE], buf[HUGE], rep[HUGE];
	struct fastipc_msg_hdr h;
	struct fastipc_call c;
	struct fipc_bg bg;

	fipc_fill(req, len, seed);
	memset(rep, 0, sizeof(rep));
	fipc_call_init(&c, seed, req, len, rep, len);
	ASSERT_EQ(0, fipc_bg_start(&bg, conn, FASTIPC_IOC_CALL, &c));
	ASSERT_EQ((int)len, fipc_recv_type(chan, FASTIPC_MSG_REQUEST, buf,
					   sizeof(buf), &h));
	EXPECT_EQ(seed, h.op);
	EXPECT_EQ(0, fipc_reply(chan, h.msg_id, buf, len, (int)seed, NULL));
	ASSERT_EQ(0, fipc_bg_join(&bg));
	EXPECT_EQ(len, c.rep_len);
	EXPECT_EQ((int)seed, c.status);
	EXPECT_EQ(-1, fipc_mismatch(rep, len, seed));
}

TEST_F(slot, sequential_calls_reuse_the_slot)
{
	struct modstat_conn c0, c1;
	__u32 m0, i;

	echo_call(_metadata, self->conn, self->chan, SMALL, 1);
	c0 = counters(_metadata, self->sock, self->name, self->conn_id);
	EXPECT_EQ(1, c0.slot_calls);
	EXPECT_EQ(0, c0.msg_allocs);
	m0 = live_msgs(_metadata, self->sock);
	for (i = 0; i < 16; i++)
		echo_call(_metadata, self->conn, self->chan, SMALL, 2 + i);
	c1 = counters(_metadata, self->sock, self->name, self->conn_id);
	EXPECT_EQ(16, c1.slot_calls - c0.slot_calls);
	EXPECT_EQ(0, c1.msg_allocs - c0.msg_allocs);
	EXPECT_EQ(16, c1.calls - c0.calls);
	EXPECT_EQ(m0, live_msgs(_metadata, self->sock));
}

TEST_F(slot, too_large_allocates_and_is_answered)
{
	struct modstat_conn c0, c1;

	echo_call(_metadata, self->conn, self->chan, SMALL, 1);
	c0 = counters(_metadata, self->sock, self->name, self->conn_id);
	echo_call(_metadata, self->conn, self->chan, HUGE, 2);
	c1 = counters(_metadata, self->sock, self->name, self->conn_id);
	EXPECT_EQ(0, c1.slot_calls - c0.slot_calls);
	EXPECT_EQ(1, c1.msg_allocs - c0.msg_allocs);
	/* The slot is still there for the next small one. */
	echo_call(_metadata, self->conn, self->chan, SMALL, 3);
	c0 = counters(_metadata, self->sock, self->name, self->conn_id);
	EXPECT_EQ(1, c0.slot_calls - c1.slot_calls);
	EXPECT_EQ(0, c0.msg_allocs - c1.msg_allocs);
}

TEST_F(slot, big_request_uses_the_slot_buffer)
{
	static const __u32 lens[] = { BIG, BIG, 4096, 16384, 8192, SMALL };
	struct modstat_conn c0, c1;
	__u32 m0, i;

	echo_call(_metadata, self->conn, self->chan, SMALL, 1);
	c0 = counters(_metadata, self->sock, self->name, self->conn_id);
	m0 = live_msgs(_metadata, self->sock);
	/* Each answered right, from the buffer grown as needed, or inline. */
	for (i = 0; i < ARRAY_SIZE(lens); i++)
		echo_call(_metadata, self->conn, self->chan, lens[i], 2 + i);
	c1 = counters(_metadata, self->sock, self->name, self->conn_id);
	EXPECT_EQ(ARRAY_SIZE(lens), c1.slot_calls - c0.slot_calls);
	EXPECT_EQ(0, c1.msg_allocs - c0.msg_allocs);
	EXPECT_EQ(m0, live_msgs(_metadata, self->sock));
}

struct caller {
	int conn;
	__u32 id;
	int bad;	/* calls that failed or came back wrong */
	pthread_t th;
};

static void *caller_fn(void *p)
{
	struct caller *a = p;
	char req[SMALL], rep[SMALL];
	struct fastipc_call c;
	__u32 i, op;

	for (i = 0; i < ROUNDS; i++) {
		op = a->id << 16 | i;
		fipc_fill(req, sizeof(req), op);
		memset(rep, 0, sizeof(rep));
		fipc_call_init(&c, op, req, sizeof(req), rep, sizeof(rep));
		if (fipc_ioctl(a->conn, FASTIPC_IOC_CALL, &c) ||
		    c.rep_len != SMALL || c.status != (int)op ||
		    fipc_mismatch(rep, SMALL, op) != -1)
			a->bad++;
	}
	return NULL;
}

/* Answer @n requests with their own payload and their op as status. */
static int serve_echo(int chan, unsigned int n)
{
	struct fastipc_msg_hdr h;
	char buf[SMALL];
	int len;

	while (n--) {
		len = fipc_recv_type(chan, FASTIPC_MSG_REQUEST, buf,
				     sizeof(buf), &h);
		if (len != (int)SMALL)
			return -1;
		if (fipc_reply(chan, h.msg_id, buf, len, (int)h.op, NULL))
			return -1;
	}
	return 0;
}

TEST_F(slot, two_threads_on_one_connection)
{
	struct caller a[2] = {
		{ .conn = self->conn, .id = 1 },
		{ .conn = self->conn, .id = 2 },
	};
	struct modstat_conn c0, c1;
	int i;

	c0 = counters(_metadata, self->sock, self->name, self->conn_id);
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_create(&a[i].th, NULL, caller_fn, &a[i]));
	EXPECT_EQ(0, serve_echo(self->chan, 2 * ROUNDS));
	for (i = 0; i < 2; i++) {
		pthread_join(a[i].th, NULL);
		EXPECT_EQ(0, a[i].bad);
	}
	c1 = counters(_metadata, self->sock, self->name, self->conn_id);
	EXPECT_EQ(2 * ROUNDS, c1.calls - c0.calls);
	EXPECT_EQ(2 * ROUNDS, (c1.slot_calls - c0.slot_calls) +
			      (c1.msg_allocs - c0.msg_allocs));
	/* Whoever installed the slot used it. */
	EXPECT_LE(1, c1.slot_calls - c0.slot_calls);
	TH_LOG("slot_calls %llu, msg_allocs %llu",
	       (unsigned long long)(c1.slot_calls - c0.slot_calls),
	       (unsigned long long)(c1.msg_allocs - c0.msg_allocs));
}

/*
 * Make a SMALL call on @conn give up (timeout) while the server holds its
 * request; return that request's id. The caller's timeout starts short
 * and grows until the server took the request before it expired.
 */
static __u64 abandon_call(struct __test_metadata *_metadata, int conn,
			  int chan)
{
	char req[SMALL], buf[SMALL], rep[SMALL];
	__u64 timeout = 50 * FIPC_MS;
	struct fastipc_serve s;
	struct fastipc_call c;
	struct fipc_bg bg;
	int got;

	fipc_fill(req, sizeof(req), 99);
	for (;;) {
		fipc_call_init(&c, 99, req, sizeof(req), rep, sizeof(rep));
		c.flags = FASTIPC_F_TIMEOUT;
		c.timeout_ns = timeout;
		EXPECT_EQ(0, fipc_bg_start(&bg, conn, FASTIPC_IOC_CALL, &c));
		got = fipc_recv(chan, buf, sizeof(buf), FASTIPC_F_TIMEOUT,
				timeout + 2 * FIPC_SEC, &s);
		EXPECT_EQ(-ETIMEDOUT, fipc_bg_join(&bg));
		if (got == (int)SMALL)
			return s.hdr.msg_id;
		/* It gave up while still queued: cancelled, try longer. */
		EXPECT_EQ(-ETIMEDOUT, got);
		if (got != -ETIMEDOUT || timeout > 20 * FIPC_SEC)
			return 0;
		timeout *= 4;
	}
}

static __u64 dropped(struct __test_metadata *_metadata, int ctl,
		     const char *name)
{
	struct fastipc_chan_stat st;

	EXPECT_EQ(0, fipc_stat(ctl, name, &st));
	return st.counters.dropped_replies;
}

TEST_F(slot, abandoned_request_keeps_the_slot_until_dropped)
{
	struct modstat_conn c0, c1, c2;
	__u32 out = 0;
	__u64 id, d0;

	echo_call(_metadata, self->conn, self->chan, SMALL, 1);
	d0 = dropped(_metadata, self->ctl, self->name);
	c0 = counters(_metadata, self->sock, self->name, self->conn_id);
	id = abandon_call(_metadata, self->conn, self->chan);
	ASSERT_NE(0, id);
	c1 = counters(_metadata, self->sock, self->name, self->conn_id);
	/* The next call cannot have the slot the server holds: it allocates. */
	echo_call(_metadata, self->conn, self->chan, SMALL, 2);
	c2 = counters(_metadata, self->sock, self->name, self->conn_id);
	EXPECT_EQ(0, c2.slot_calls - c1.slot_calls);
	EXPECT_EQ(1, c2.msg_allocs - c1.msg_allocs);
	/* The late reply is dropped and counted, and frees the slot. */
	EXPECT_EQ(0, fipc_reply(self->chan, id, "late", 4, 0, &out));
	EXPECT_EQ(FASTIPC_SERVE_REPLY_DROPPED, out);
	EXPECT_EQ(d0 + 1, dropped(_metadata, self->ctl, self->name));
	echo_call(_metadata, self->conn, self->chan, SMALL, 3);
	c1 = counters(_metadata, self->sock, self->name, self->conn_id);
	EXPECT_EQ(1, c1.slot_calls - c2.slot_calls);
	EXPECT_EQ(0, c1.msg_allocs - c2.msg_allocs);
	/* Every timed-out try was a slot call too. */
	EXPECT_EQ(c1.calls - c0.calls,
		  (c1.slot_calls - c0.slot_calls) +
		  (c1.msg_allocs - c0.msg_allocs));
}

TEST_F(slot, close_while_server_holds_the_slot)
{
	struct modstat before, mid, after;
	__u32 out = 0;
	__u64 cid, id;
	int conn;

	ASSERT_EQ(0, modstat_get(self->sock, &before));
	conn = fipc_connect(self->ctl, self->name, &cid);
	ASSERT_LE(0, conn);
	ASSERT_EQ(0, fipc_recv_type(self->chan, FASTIPC_MSG_CONNECT, NULL, 0,
				    NULL));
	id = abandon_call(_metadata, conn, self->chan);
	ASSERT_NE(0, id);
	EXPECT_EQ(1, counters(_metadata, self->sock, self->name, cid).slot_calls);
	close(conn);
	ASSERT_EQ(0, fipc_recv_type(self->chan, FASTIPC_MSG_DISCONNECT, NULL,
				    0, NULL));
	/* The connection is gone; its slot is not: the server holds it. */
	ASSERT_EQ(0, modstat_get(self->sock, &mid));
	EXPECT_EQ(before.conns, mid.conns);
	EXPECT_EQ(before.msgs + 1, mid.msgs);
	EXPECT_EQ(0, fipc_reply(self->chan, id, "late", 4, 0, &out));
	EXPECT_EQ(FASTIPC_SERVE_REPLY_DROPPED, out);
	ASSERT_EQ(0, modstat_get(self->sock, &after));
	EXPECT_EQ(before.msgs, after.msgs);
	EXPECT_EQ(before.conns, after.conns);
}

TEST_F(slot, channel_closed_with_the_slot_queued)
{
	struct modstat before, after;
	struct modstat_user u;
	char rep[SMALL];
	struct fastipc_call c;
	struct fipc_bg bg;
	__u64 cid;
	int conn;

	ASSERT_EQ(0, modstat_get(self->sock, &before));
	conn = fipc_connect(self->ctl, self->name, &cid);
	ASSERT_LE(0, conn);
	ASSERT_EQ(0, fipc_recv_type(self->chan, FASTIPC_MSG_CONNECT, NULL, 0,
				    NULL));
	fipc_call_init(&c, 5, "queued", 6, rep, sizeof(rep));
	ASSERT_EQ(0, fipc_bg_start(&bg, conn, FASTIPC_IOC_CALL, &c));
	ASSERT_EQ(0, fipc_bg_blocked(&bg));
	/* The request waits in the queue (charged) when the channel ends. */
	close(self->chan);
	self->chan = -1;
	EXPECT_EQ(-ECONNRESET, fipc_bg_join(&bg));
	close(conn);
	ASSERT_EQ(0, modstat_get(self->sock, &after));
	EXPECT_EQ(before.msgs, after.msgs);
	EXPECT_EQ(before.conns, after.conns);
	ASSERT_EQ(0, modstat_user(self->sock, geteuid(), &u));
	if (u.found) {	/* other objects of this user may be charged */
		EXPECT_EQ(0, u.queued_bytes);
	}
}

TEST_HARNESS_MAIN
