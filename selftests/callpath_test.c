// SPDX-License-Identifier: GPL-2.0
/*
 * The call path's bookkeeping (issue 15): queued bytes are charged to the
 * connection's pinned per-user entry without the global quota lock, and
 * must still be exact: -EAGAIN exactly at user_queue_bytes_max, the user's
 * counters (netlink GET_USER) back to 0 once everything is received or
 * closed, and a caller that changed its euid after connecting charged as
 * itself, not as the connection's user.
 *
 * A synchronous CALL's struct is not probed for writing any more: one in
 * read-only memory gets -EFAULT once its reply is dropped, and leaves
 * nothing behind.
 *
 * Assertions are on what the module counts (GET_USER, GET_STATS) and on
 * ioctl results, never on time.
 */
#define _GNU_SOURCE
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "fastipc_util.h"
#include "modstat.h"

/* The 6.1 harness runs the test body even when its setup skipped. */
#define SETUP_SKIPPED()	(_metadata->skip)

#define LEN		1000U		/* payload of each message */
#define NFIT		3U		/* messages that fit in the quota */
#define QUOTA		(NFIT * LEN + LEN / 2)
#define OTHER_UID	54321U		/* the setuid caller */

FIXTURE(callpath) {
	unsigned long long saved_quota;
	int have;
	int sock;
	FIPC_TRIO;
};

FIXTURE_SETUP(callpath)
{
	self->ctl = self->chan = self->conn = -1;
	self->sock = -1;
	FIPC_REQUIRE_DEV();
	if (geteuid())
		SKIP(return, "needs root (module parameters, setuid)");
	if (read_param("user_queue_bytes_max", &self->saved_quota))
		SKIP(return, "module parameter user_queue_bytes_max missing");
	self->sock = modstat_open();
	ASSERT_LE(0, self->sock);
	/* fipc_setup() takes the CONNECT. */
	ASSERT_EQ(0, fipc_setup(self->fd, &self->conn_id, self->name, "cpath",
				4096, 64, 64 * 4096));
	/* Last: a failed ASSERT here would skip the teardown that restores. */
	ASSERT_EQ(0, write_param("user_queue_bytes_max", QUOTA));
	self->have = 1;
}

FIXTURE_TEARDOWN(callpath)
{
	fipc_trio_close(self->fd);
	modstat_close(self->sock);
	if (self->have)
		write_param("user_queue_bytes_max", self->saved_quota);
}

static __u64 queued(struct __test_metadata *_metadata, int sock, __u32 uid)
{
	struct modstat_user u;

	EXPECT_EQ(0, modstat_user(sock, uid, &u));
	return u.found ? u.queued_bytes : 0;
}

/* Send one-way messages until the quota refuses; return how many went. */
static unsigned int fill(int conn, const char *buf, int *err)
{
	unsigned int n = 0;

	while (n < 100 && !(*err = fipc_send(conn, 1, buf, LEN,
					      FASTIPC_F_NONBLOCK)))
		n++;
	return n;
}

TEST_F(callpath, quota_exact_at_limit_and_back_to_zero)
{
	static char buf[LEN];
	struct modstat_user u;
	int err;

	if (SETUP_SKIPPED())
		return;
	EXPECT_EQ(0, queued(_metadata, self->sock, 0));
	EXPECT_EQ(NFIT, fill(self->conn, buf, &err));
	EXPECT_EQ(-EAGAIN, err);
	EXPECT_EQ(NFIT * LEN, queued(_metadata, self->sock, 0));
	/* One received: exactly one more fits. */
	ASSERT_EQ((int)LEN, fipc_recv(self->chan, buf, LEN, FASTIPC_F_NONBLOCK,
				      0, NULL));
	EXPECT_EQ((NFIT - 1) * LEN, queued(_metadata, self->sock, 0));
	EXPECT_EQ(1U, fill(self->conn, buf, &err));
	EXPECT_EQ(-EAGAIN, err);
	/* Queued one-way messages outlive their connection, and its pin. */
	close(self->conn);
	self->conn = -1;
	EXPECT_EQ(NFIT * LEN, queued(_metadata, self->sock, 0));
	ASSERT_EQ((int)LEN, fipc_recv(self->chan, buf, LEN, FASTIPC_F_NONBLOCK,
				      0, NULL));
	EXPECT_EQ((NFIT - 1) * LEN, queued(_metadata, self->sock, 0));
	/* The rest go with the channel: nothing left charged. */
	close(self->chan);
	self->chan = -1;
	ASSERT_EQ(0, modstat_user(self->sock, 0, &u));
	if (u.found) {	/* another root-owned object may exist meanwhile */
		EXPECT_EQ(0, u.queued_bytes);
	}
}

TEST_F(callpath, call_charge_returned_when_received)
{
	static char req[LEN], buf[LEN];
	struct fastipc_msg_hdr h;
	struct fastipc_call c;
	struct fipc_bg bg;
	char rep[16];

	if (SETUP_SKIPPED())
		return;
	fipc_fill(req, sizeof(req), 7);
	fipc_call_init(&c, 3, req, sizeof(req), rep, sizeof(rep));
	ASSERT_EQ(0, fipc_bg_start(&bg, self->conn, FASTIPC_IOC_CALL, &c));
	ASSERT_EQ((int)LEN, fipc_recv_type(self->chan, FASTIPC_MSG_REQUEST,
					    buf, sizeof(buf), &h));
	EXPECT_EQ(-1, fipc_mismatch(buf, LEN, 7));
	/* Held by the server, no longer queued: not charged. */
	EXPECT_EQ(0, queued(_metadata, self->sock, 0));
	EXPECT_EQ(0, fipc_reply(self->chan, h.msg_id, "pong", 4, 5, NULL));
	EXPECT_EQ(0, fipc_bg_join(&bg));
	EXPECT_EQ(4U, c.rep_len);
	EXPECT_EQ(5, c.status);
	EXPECT_EQ(0, memcmp(rep, "pong", 4));
	EXPECT_EQ(0, queued(_metadata, self->sock, 0));
}

struct setuid_arg {
	int conn;
	int sent;
};

/* As OTHER_UID, on root's connection: fill OTHER_UID's own quota. */
static int setuid_child(void *p)
{
	static char buf[LEN];
	struct setuid_arg *a = p;
	int err;

	CHILD_CHECK(!fipc_become(OTHER_UID, OTHER_UID, NULL, 0, -1));
	CHILD_CHECK(fill(a->conn, buf, &err) == NFIT);
	CHILD_CHECK(err == -EAGAIN);
	return 0;
}

TEST_F(callpath, setuid_caller_charged_as_itself)
{
	struct setuid_arg a = { .conn = self->conn };
	static char buf[LEN];
	struct modstat_user u;
	unsigned int i;
	int err;

	if (SETUP_SKIPPED())
		return;
	/* Root fills its own quota on the connection first... */
	EXPECT_EQ(NFIT, fill(self->conn, buf, &err));
	EXPECT_EQ(-EAGAIN, err);
	/* ...which does not stop another euid, charged apart. */
	ASSERT_EQ(0, fipc_wait(fipc_fork(setuid_child, &a)));
	EXPECT_EQ(NFIT * LEN, queued(_metadata, self->sock, 0));
	ASSERT_EQ(0, modstat_user(self->sock, OTHER_UID, &u));
	EXPECT_EQ(1, u.found);
	EXPECT_EQ(NFIT * LEN, u.queued_bytes);
	EXPECT_EQ(0U, u.conns);
	for (i = 0; i < 2 * NFIT; i++)
		ASSERT_EQ((int)LEN, fipc_recv(self->chan, buf, LEN,
					      FASTIPC_F_NONBLOCK, 0, NULL));
	EXPECT_EQ(0, queued(_metadata, self->sock, 0));
	/* OTHER_UID has nothing charged and nothing pinned: no entry. */
	ASSERT_EQ(0, modstat_user(self->sock, OTHER_UID, &u));
	EXPECT_EQ(0, u.found);
}

/* One round trip through the bg thread, answered by the test itself. */
static void round_trip(struct __test_metadata *_metadata, int conn, int chan,
		       struct fastipc_call *c, int expect)
{
	static char buf[LEN];
	struct fastipc_msg_hdr h;
	struct fipc_bg bg;

	ASSERT_EQ(0, fipc_bg_start(&bg, conn, FASTIPC_IOC_CALL, c));
	ASSERT_EQ(4, fipc_recv_type(chan, FASTIPC_MSG_REQUEST, buf,
				    sizeof(buf), &h));
	EXPECT_EQ(0, memcmp(buf, "ping", 4));
	EXPECT_EQ(0, fipc_reply(chan, h.msg_id, "pong", 4, 9, NULL));
	EXPECT_EQ(expect, fipc_bg_join(&bg));
}

/*
 * Not probed: a CALL struct in read-only memory is read, the request
 * delivered and answered, then the write-back fails: -EFAULT, the reply
 * dropped with its message, nothing charged, and the connection still
 * works.
 */
TEST_F(callpath, readonly_call_struct_efault_drops_reply)
{
	struct fastipc_call *c, ok;
	struct modstat before, after;
	char rep[16] = "";

	if (SETUP_SKIPPED())
		return;
	c = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, c);
	fipc_call_init(c, 3, "ping", 4, rep, sizeof(rep));
	ASSERT_EQ(0, mprotect(c, 4096, PROT_READ));
	/* A first call allocates the connection's request slot, which stays. */
	fipc_call_init(&ok, 3, "ping", 4, rep, sizeof(rep));
	round_trip(_metadata, self->conn, self->chan, &ok, 0);
	ASSERT_EQ(0, modstat_get(self->sock, &before));
	round_trip(_metadata, self->conn, self->chan, c, -EFAULT);
	/* The reply buffer was written; the struct could not be. */
	EXPECT_EQ(0, c->rep_len);
	EXPECT_EQ(0, c->status);
	ASSERT_EQ(0, modstat_get(self->sock, &after));
	EXPECT_EQ(before.msgs, after.msgs);
	EXPECT_EQ(0, queued(_metadata, self->sock, 0));
	fipc_call_init(&ok, 3, "ping", 4, rep, sizeof(rep));
	round_trip(_metadata, self->conn, self->chan, &ok, 0);
	EXPECT_EQ(4U, ok.rep_len);
	EXPECT_EQ(9, ok.status);
	munmap(c, 4096);
}

TEST_HARNESS_MAIN
