// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc: what the module charges, and when it gives it back (issue 10,
 * items 2, 3, 5 and 6):
 *
 *  - CONNECT and DISCONNECT messages a server has not received keep their
 *    connection charged to the connecting user (user_conns_max), so a
 *    connect/close loop against a server that does not receive stops at
 *    the quota instead of queueing without bound; the server still gets
 *    both messages of every connection, in order.
 *  - A channel closed or removed returns its owner's slot
 *    (user_chans_max) at once, even while a connection to it or an unread
 *    netlink dump of it still holds it.
 *  - The queued-bytes check of a channel does not wrap at 32 bits (needs a
 *    guest with more than 4 GiB free; skipped otherwise).
 *  - A CONNECT or CALL that fails leaves the caller's struct as it was.
 *
 * Needs root. Every fixture saves the module parameters it changes and
 * restores them in its teardown, which also runs after a failed assertion.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include "kselftest_harness.h"
#include "fastipc_util.h"
#include "modstat.h"

/* The 6.1 harness runs the test body even when its setup skipped. */
#define SETUP_SKIPPED()	(_metadata->skip)

#define LIMIT		4	/* user_conns_max under test */
#define TRIES		1000	/* connect/close rounds: far beyond LIMIT */

static const char *const params[] = {
	"user_chans_max", "user_conns_max", "msg_max_cap", "queue_bytes_cap",
	"user_queue_bytes_max",
};

#define NPARAMS		(sizeof(params) / sizeof(params[0]))

FIXTURE(acct) {
	unsigned long long saved[NPARAMS];
	int have;
	int ctl;
	int chan;
	char name[FASTIPC_NAME_MAX];
};

FIXTURE_SETUP(acct)
{
	unsigned int i;

	self->ctl = -1;
	self->chan = -1;
	FIPC_REQUIRE_DEV();
	if (geteuid())
		SKIP(return, "needs root (module parameters)");
	for (i = 0; i < NPARAMS; i++)
		if (read_param(params[i], &self->saved[i]))
			SKIP(return, "module parameter %s missing", params[i]);
	self->have = 1;
	self->ctl = fipc_open();
	ASSERT_LE(0, self->ctl);
	fipc_unique_name(self->name, "acct");
}

FIXTURE_TEARDOWN(acct)
{
	int i;

	if (self->chan >= 0)
		close(self->chan);
	if (self->ctl >= 0)
		close(self->ctl);
	if (!self->have)
		return;
	for (i = NPARAMS - 1; i >= 0; i--)
		if (write_param(params[i], self->saved[i]))
			fprintf(stderr, "# restoring %s=%llu: %s\n", params[i],
				self->saved[i], strerror(errno));
}

/*
 * Connect to @name and close at once, up to TRIES times; the ids made go
 * to @ids. Returns how many succeeded; *err is the refusal, 0 if none.
 */
static int churn(int ctl, const char *name, __u64 *ids, int *err)
{
	int n, fd;

	*err = 0;
	for (n = 0; n < TRIES; n++) {
		fd = fipc_connect(ctl, name, &ids[n]);
		if (fd < 0) {
			*err = fd;
			break;
		}
		close(fd);
	}
	return n;
}

/* ---- item 2: CONNECT/DISCONNECT are bounded and charged ---- */

TEST_F(acct, notify_flood_stops_at_conns_quota)
{
	struct fastipc_chan_stat st;
	struct fastipc_msg_hdr h;
	__u64 ids[TRIES];
	int n, err, i, fds[LIMIT + 1];

	if (SETUP_SKIPPED())
		return;
	ASSERT_EQ(0, write_param("user_conns_max", LIMIT));
	self->chan = fipc_create_lim(self->ctl, self->name, 0, 16, 0);
	ASSERT_LE(0, self->chan);
	/* Nobody receives: every closed connection's messages stay queued. */
	n = churn(self->ctl, self->name, ids, &err);
	EXPECT_EQ(LIMIT, n);
	EXPECT_EQ(-ENOSPC, err);
	ASSERT_EQ(0, fipc_stat(self->ctl, self->name, &st));
	EXPECT_EQ(0U, st.nr_conns);
	EXPECT_EQ(2U * (n < LIMIT ? n : LIMIT), st.queue_msgs);
	if (n > LIMIT)
		return;
	/* The server still hears of every connection, in order. */
	for (i = 0; i < n; i++) {
		ASSERT_EQ(0, fipc_recv_wait(self->chan, NULL, 0, &h));
		EXPECT_EQ((__u32)FASTIPC_MSG_CONNECT, h.type);
		EXPECT_EQ(ids[i], h.conn_id);
		ASSERT_EQ(0, fipc_recv_wait(self->chan, NULL, 0, &h));
		EXPECT_EQ((__u32)FASTIPC_MSG_DISCONNECT, h.type);
		EXPECT_EQ(ids[i], h.conn_id);
	}
	EXPECT_EQ(-EAGAIN, fipc_recv(self->chan, NULL, 0, FASTIPC_F_NONBLOCK,
				     0, NULL));
	/* Received, they give the slots back. */
	for (i = 0; i < LIMIT; i++) {
		fds[i] = fipc_connect(self->ctl, self->name, NULL);
		EXPECT_LE(0, fds[i]);
	}
	EXPECT_EQ(-ENOSPC, fipc_connect(self->ctl, self->name, NULL));
	for (i = 0; i < LIMIT; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

TEST_F(acct, notify_live_and_closed_share_the_quota)
{
	struct fastipc_msg_hdr h;
	__u64 live_id, ids[TRIES];
	int live, n, err;

	if (SETUP_SKIPPED())
		return;
	ASSERT_EQ(0, write_param("user_conns_max", LIMIT));
	self->chan = fipc_create(self->ctl, self->name, 0, 0600);
	ASSERT_LE(0, self->chan);
	live = fipc_connect(self->ctl, self->name, &live_id);
	ASSERT_LE(0, live);
	ASSERT_EQ(0, fipc_recv_wait(self->chan, NULL, 0, &h));
	ASSERT_EQ((__u32)FASTIPC_MSG_CONNECT, h.type);
	n = churn(self->ctl, self->name, ids, &err);
	EXPECT_EQ(LIMIT - 1, n);
	EXPECT_EQ(-ENOSPC, err);
	/* The live connection's DISCONNECT comes after the others' pairs. */
	close(live);
	for (err = 0; err < 2 * n; err++) {
		ASSERT_EQ(0, fipc_recv_wait(self->chan, NULL, 0, &h));
		EXPECT_NE(live_id, h.conn_id);
	}
	ASSERT_EQ(0, fipc_recv_wait(self->chan, NULL, 0, &h));
	EXPECT_EQ((__u32)FASTIPC_MSG_DISCONNECT, h.type);
	EXPECT_EQ(live_id, h.conn_id);
}

TEST_F(acct, notify_charge_returned_when_channel_closes)
{
	__u64 ids[TRIES];
	int n, err;

	if (SETUP_SKIPPED())
		return;
	ASSERT_EQ(0, write_param("user_conns_max", LIMIT));
	self->chan = fipc_create(self->ctl, self->name, 0, 0600);
	ASSERT_LE(0, self->chan);
	n = churn(self->ctl, self->name, ids, &err);
	ASSERT_EQ(LIMIT, n);
	/* The queue goes with the channel, and the charge with the queue. */
	close(self->chan);
	fipc_unique_name(self->name, "acc2");
	self->chan = fipc_create(self->ctl, self->name, 0, 0600);
	ASSERT_LE(0, self->chan);
	n = churn(self->ctl, self->name, ids, &err);
	EXPECT_EQ(LIMIT, n);
	EXPECT_EQ(-ENOSPC, err);
}

/* ---- item 3: a closed channel returns its owner's slot at once ---- */

/* Create a channel again with user_chans_max=1; 0 if that succeeded. */
static int create_again(int ctl)
{
	char nm[FASTIPC_NAME_MAX];
	int fd;

	fipc_unique_name(nm, "accn");
	fd = fipc_create(ctl, nm, 0, 0600);
	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

TEST_F(acct, chan_slot_back_on_close_while_connected)
{
	int conn;

	if (SETUP_SKIPPED())
		return;
	ASSERT_EQ(0, write_param("user_chans_max", 1));
	self->chan = fipc_create(self->ctl, self->name, 0, 0666);
	ASSERT_LE(0, self->chan);
	/* Who holds the connection does not matter: it holds the channel. */
	conn = fipc_connect(self->ctl, self->name, NULL);
	ASSERT_LE(0, conn);
	close(self->chan);
	self->chan = -1;
	EXPECT_EQ(0, create_again(self->ctl));
	close(conn);
}

TEST_F(acct, chan_slot_back_on_rmid_while_connected)
{
	int conn;

	if (SETUP_SKIPPED())
		return;
	ASSERT_EQ(0, write_param("user_chans_max", 1));
	self->chan = fipc_create(self->ctl, self->name, 0, 0666);
	ASSERT_LE(0, self->chan);
	conn = fipc_connect(self->ctl, self->name, NULL);
	ASSERT_LE(0, conn);
	ASSERT_EQ(0, fipc_rmid(self->ctl, self->name));
	EXPECT_EQ(0, create_again(self->ctl));
	close(conn);
}

TEST_F(acct, chan_slot_back_on_close_during_unread_dump)
{
	int sock, conn;

	if (SETUP_SKIPPED())
		return;
	ASSERT_EQ(0, write_param("user_chans_max", 1));
	self->chan = fipc_create(self->ctl, self->name, 0, 0600);
	ASSERT_LE(0, self->chan);
	sock = modstat_open();
	if (sock < 0)
		SKIP(return, "fastipc generic netlink family: %s",
		     strerror(-sock));
	/* With a connection to list, the dump stops after its first part. */
	conn = fipc_connect(self->ctl, self->name, NULL);
	ASSERT_LE(0, conn);
	ASSERT_EQ(0, modstat_conn_dump_start(sock, self->name));
	close(conn);
	close(self->chan);
	self->chan = -1;
	EXPECT_EQ(0, create_again(self->ctl));
	modstat_close(sock);
}

/* ---- the same class: a request the server holds ---- */

#define QMSG		(64U << 10)	/* payload, and the user's quota */

/*
 * A server that received a request and sits on it does not hold its
 * caller's user_queue_bytes_max charge: the payload left the queue.
 */
TEST_F(acct, queued_bytes_back_once_request_received)
{
	static char req[QMSG], buf[QMSG];
	struct fastipc_msg_hdr h;
	struct fastipc_call c;
	struct fipc_bg bg;
	int conn;

	if (SETUP_SKIPPED())
		return;
	ASSERT_EQ(0, write_param("user_queue_bytes_max", QMSG));
	self->chan = fipc_create_lim(self->ctl, self->name, QMSG, 16,
				     4 * QMSG);
	ASSERT_LE(0, self->chan);
	conn = fipc_connect(self->ctl, self->name, NULL);
	ASSERT_LE(0, conn);
	ASSERT_EQ(0, fipc_recv_type(self->chan, FASTIPC_MSG_CONNECT, NULL, 0,
				    &h));
	fipc_call_init(&c, 1, req, sizeof(req), NULL, 0);
	ASSERT_EQ(0, fipc_bg_start(&bg, conn, FASTIPC_IOC_CALL, &c));
	ASSERT_EQ((int)QMSG, fipc_recv_type(self->chan, FASTIPC_MSG_REQUEST,
					    buf, sizeof(buf), &h));
	/* The request is in progress; its bytes are no longer queued. */
	EXPECT_EQ(0, fipc_send(conn, 2, req, sizeof(req), FASTIPC_F_NONBLOCK));
	EXPECT_EQ(0, fipc_reply(self->chan, h.msg_id, NULL, 0, 0, NULL));
	EXPECT_EQ(0, fipc_bg_join(&bg));
	close(conn);
}

/* ---- item 5: no 32-bit wrap of the queued bytes ---- */

#define BIG_MSG		(64U << 20)
#define TOP_BYTES	0xffffe000U	/* queued before the last send */
#define GIB		(1ULL << 30)

/* MemAvailable in bytes, 0 if unknown. */
static unsigned long long mem_available(void)
{
	unsigned long long kb = 0;
	char line[128];
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1)
			break;
	fclose(f);
	return kb << 10;
}

/* Queue exactly TOP_BYTES with non-blocking SENDs of @buf. */
static int fill_to_top(int conn, const void *buf)
{
	__u32 left = TOP_BYTES, len;
	int ret;

	while (left) {
		len = left < BIG_MSG ? left : BIG_MSG;
		ret = fipc_send(conn, 1, buf, len, FASTIPC_F_NONBLOCK);
		if (ret)
			return ret;
		left -= len;
	}
	return 0;
}

TEST_F_TIMEOUT(acct, queue_bytes_sum_does_not_wrap, 600)
{
	struct fastipc_chan_stat st;
	struct fastipc_connect c;
	void *buf;
	int conn;

	if (SETUP_SKIPPED())
		return;
	if (mem_available() < 4 * GIB + GIB / 2)
		SKIP(return, "needs 4.5 GiB free to queue 4 GiB (guest: FASTIPC_VM_MEM=6G)");
	ASSERT_EQ(0, write_param("msg_max_cap", BIG_MSG));
	ASSERT_EQ(0, write_param("queue_bytes_cap", 0xffffffffU));
	ASSERT_EQ(0, write_param("user_queue_bytes_max", 8 * GIB));
	self->chan = fipc_create_lim(self->ctl, self->name, BIG_MSG, 1024,
				     0xffffffffU);
	ASSERT_LE(0, self->chan);
	memset(&c, 0, sizeof(c));
	fipc_ref_name(&c.ref, self->name);
	conn = fipc_ioctl(self->ctl, FASTIPC_IOC_CONNECT, &c);
	ASSERT_LE(0, conn);
	/* Zero pages: the kernel's copies take the memory, not this buffer. */
	buf = mmap(NULL, BIG_MSG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		   0);
	ASSERT_NE(MAP_FAILED, buf);
	ASSERT_EQ(0, fill_to_top(conn, buf));
	ASSERT_EQ(0, fipc_stat(self->ctl, self->name, &st));
	EXPECT_EQ(TOP_BYTES, st.queue_bytes);
	/* 8 KiB more is 2^32 bytes: one past the limit, in 32 bits 0. */
	EXPECT_EQ(-EAGAIN, fipc_send(conn, 2, buf, 8192, FASTIPC_F_NONBLOCK));
	ASSERT_EQ(0, fipc_stat(self->ctl, self->name, &st));
	EXPECT_EQ(TOP_BYTES, st.queue_bytes);
	/* One byte less fits exactly. */
	EXPECT_EQ(0, fipc_send(conn, 3, buf, 8191, FASTIPC_F_NONBLOCK));
	ASSERT_EQ(0, fipc_stat(self->ctl, self->name, &st));
	EXPECT_EQ(0xffffffffU, st.queue_bytes);
	munmap(buf, BIG_MSG);
	close(conn);
}

/* ---- item 6: a failed ioctl writes nothing back ---- */

TEST_F(acct, connect_emfile_leaves_struct_alone)
{
	struct fastipc_connect c, before;
	struct rlimit old, lim;
	int fd, ret;

	if (SETUP_SKIPPED())
		return;
	self->chan = fipc_create(self->ctl, self->name, 0, 0600);
	ASSERT_LE(0, self->chan);
	memset(&c, 0, sizeof(c));
	fipc_ref_name(&c.ref, self->name);
	/* Out fields are ignored on input: mark them. */
	c.conn_id = 0x1111111111111111ULL;
	c.msg_max = 0x22222222;
	memset(&c.layout, 0x33, sizeof(c.layout));
	before = c;
	/* Every fd below the lowest free one is taken: cap the table there. */
	fd = fcntl(self->ctl, F_DUPFD, 0);
	ASSERT_LE(0, fd);
	close(fd);
	ASSERT_EQ(0, getrlimit(RLIMIT_NOFILE, &old));
	lim = old;
	lim.rlim_cur = fd;
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &lim));
	ret = fipc_ioctl(self->ctl, FASTIPC_IOC_CONNECT, &c);
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &old));
	if (ret >= 0)
		close(ret);
	EXPECT_EQ(-EMFILE, ret);
	EXPECT_EQ(0, memcmp(&before, &c, sizeof(c)));
	/* And the server heard of nothing. */
	EXPECT_EQ(-EAGAIN, fipc_recv(self->chan, NULL, 0, FASTIPC_F_NONBLOCK,
				     0, NULL));
}

TEST_F(acct, call_timeout_leaves_struct_alone)
{
	struct fastipc_call c, before;
	char rep[8];
	int conn;

	if (SETUP_SKIPPED())
		return;
	self->chan = fipc_create(self->ctl, self->name, 0, 0600);
	ASSERT_LE(0, self->chan);
	conn = fipc_connect(self->ctl, self->name, NULL);
	ASSERT_LE(0, conn);
	fipc_call_init(&c, 1, "x", 1, rep, sizeof(rep));
	/* No server answers: a zero timeout fails at once. */
	c.timeout_ns = 0;
	c.rep_len = 0x44444444;
	c.status = 0x55555555;
	c.msg_id = 0x6666666666666666ULL;
	memset(&c.rep_desc, 0x77, sizeof(c.rep_desc));
	before = c;
	EXPECT_EQ(-ETIMEDOUT, fipc_ioctl(conn, FASTIPC_IOC_CALL, &c));
	EXPECT_EQ(0, memcmp(&before, &c, sizeof(c)));
	close(conn);
}

TEST_HARNESS_MAIN
