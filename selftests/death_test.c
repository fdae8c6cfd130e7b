// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc: peer death in both directions at every stage of a call, RMID
 * while blocked, poll() on channel and connection fds, and exits with
 * thousands of messages pending.
 */
#define _GNU_SOURCE
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>

#include "kselftest_harness.h"
#include "fastipc_util.h"

FIXTURE(death) {
	FIPC_TRIO;
};

FIXTURE_SETUP(death)
{
	FIPC_REQUIRE_DEV();
	ASSERT_EQ(0, fipc_setup(self->fd, &self->conn_id, self->name, "death",
				0, 0, 0));
}

FIXTURE_TEARDOWN(death)
{
	fipc_trio_close(self->fd);
}

static short revents(int fd, short events, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = events };

	if (poll(&p, 1, timeout_ms) < 0)
		return -1;
	return p.revents;
}

/* After the server is gone: everything on the connection is -ECONNRESET. */
static void check_server_gone(struct __test_metadata *_metadata,
			      FIXTURE_DATA(death) *self)
{
	int fd;

	EXPECT_EQ(-ECONNRESET, fipc_call_timeout(self->conn, 1, NULL, 0,
						 FIPC_SEC, NULL));
	EXPECT_EQ(-ECONNRESET, fipc_send(self->conn, 1, NULL, 0, 0));
	EXPECT_TRUE(revents(self->conn, POLLOUT, 0) & POLLHUP);
	/* The name is free again. */
	EXPECT_EQ(-ENOENT, fipc_connect(self->ctl, self->name, NULL));
	fd = fipc_create(self->ctl, self->name, 0, 0600);
	EXPECT_LE(0, fd);
	close(fd);
}

TEST_F(death, server_closes_before_receive)
{
	struct fastipc_call c;
	struct fipc_bg b;

	fipc_call_init(&c, 1, "x", 1, NULL, 0);
	ASSERT_EQ(0, fipc_bg_start(&b, self->conn, FASTIPC_IOC_CALL, &c));
	ASSERT_EQ(0, fipc_bg_blocked(&b));
	close(self->chan);
	self->chan = -1;
	EXPECT_EQ(-ECONNRESET, fipc_bg_join(&b));
	check_server_gone(_metadata, self);
}

TEST_F(death, server_closes_after_receive)
{
	struct fastipc_msg_hdr h;
	char buf[4];
	struct fastipc_call c;
	struct fipc_bg b;

	fipc_call_init(&c, 1, "x", 1, NULL, 0);
	ASSERT_EQ(0, fipc_bg_start(&b, self->conn, FASTIPC_IOC_CALL, &c));
	ASSERT_EQ(1, fipc_recv_type(self->chan, FASTIPC_MSG_REQUEST, buf,
				    sizeof(buf), &h));
	ASSERT_EQ(0, fipc_bg_blocked(&b));
	close(self->chan);
	self->chan = -1;
	EXPECT_EQ(-ECONNRESET, fipc_bg_join(&b));
	check_server_gone(_metadata, self);
}

TEST_F(death, server_closes_idle)
{
	close(self->chan);
	self->chan = -1;
	check_server_gone(_metadata, self);
}

/* Server in a child process that is SIGKILLed at a given stage. */
struct killed_server {
	char name[FASTIPC_NAME_MAX];
	int ready[2];
	int receive;	/* receive the request before waiting to die */
};

static int killed_server_run(void *arg)
{
	struct killed_server *k = arg;
	struct fastipc_msg_hdr h;
	int ctl, chan;
	char x = 1;

	close(k->ready[0]);
	ctl = fipc_open();
	CHILD_CHECK(ctl >= 0);
	chan = fipc_create(ctl, k->name, 0, 0600);
	CHILD_CHECK(chan >= 0);
	CHILD_CHECK(write(k->ready[1], &x, 1) == 1);
	if (k->receive) {
		CHILD_CHECK(fipc_recv_type(chan, FASTIPC_MSG_REQUEST, NULL, 0,
					   &h) == 0);
		CHILD_CHECK(write(k->ready[1], &x, 1) == 1);
	}
	for (;;)
		pause();
	return 0;
}

static void server_killed(struct __test_metadata *_metadata, int ctl,
			  int receive)
{
	struct killed_server k = { .receive = receive };
	struct fastipc_call c;
	struct fipc_bg b;
	pid_t pid;
	int conn;
	char x;

	fipc_unique_name(k.name, "killsrv");
	ASSERT_EQ(0, pipe(k.ready));
	pid = fipc_fork(killed_server_run, &k);
	ASSERT_LE(0, pid);
	close(k.ready[1]);
	ASSERT_EQ(1, read(k.ready[0], &x, 1));
	conn = fipc_connect(ctl, k.name, NULL);
	ASSERT_LE(0, conn);
	fipc_call_init(&c, 1, NULL, 0, NULL, 0);
	ASSERT_EQ(0, fipc_bg_start(&b, conn, FASTIPC_IOC_CALL, &c));
	if (receive)
		ASSERT_EQ(1, read(k.ready[0], &x, 1));
	ASSERT_EQ(0, fipc_bg_blocked(&b));
	ASSERT_EQ(0, kill(pid, SIGKILL));
	EXPECT_EQ(-ECONNRESET, fipc_bg_join(&b));
	EXPECT_EQ(128 + SIGKILL, fipc_wait(pid));
	EXPECT_EQ(-ECONNRESET, fipc_send(conn, 1, NULL, 0, 0));
	EXPECT_TRUE(revents(conn, POLLIN, 0) & POLLHUP);
	EXPECT_EQ(-ENOENT, fipc_connect(ctl, k.name, NULL));
	close(conn);
	close(k.ready[0]);
}

TEST_F(death, server_killed_before_receive)
{
	server_killed(_metadata, self->ctl, 0);
}

TEST_F(death, server_killed_after_receive)
{
	server_killed(_metadata, self->ctl, 1);
}

/* Client child: connects and makes one CALL that never returns. */
static int stuck_client_run(void *arg)
{
	const char *name = arg;
	int ctl, conn;

	ctl = fipc_open();
	CHILD_CHECK(ctl >= 0);
	conn = fipc_connect(ctl, name, NULL);
	CHILD_CHECK(conn >= 0);
	fipc_call_timeout(conn, 7, "req", 3, 60 * FIPC_SEC, NULL);
	return 1;
}

TEST_F(death, client_killed_after_receive)
{
	struct fastipc_chan_stat st;
	struct fastipc_msg_hdr h, req;
	__u32 out = 0;
	pid_t pid;

	pid = fipc_fork(stuck_client_run, self->name);
	ASSERT_LE(0, pid);
	ASSERT_EQ(0, fipc_recv_type(self->chan, FASTIPC_MSG_CONNECT, NULL, 0, &h));
	EXPECT_EQ(pid, h.pid);
	ASSERT_EQ(3, fipc_recv_type(self->chan, FASTIPC_MSG_REQUEST, &out, 3,
				    &req));
	EXPECT_EQ(h.conn_id, req.conn_id);
	ASSERT_EQ(0, fipc_wait_blocked(pid, pid));
	ASSERT_EQ(0, kill(pid, SIGKILL));
	EXPECT_EQ(128 + SIGKILL, fipc_wait(pid));
	ASSERT_EQ(0, fipc_recv_type(self->chan, FASTIPC_MSG_DISCONNECT, NULL, 0,
				    &h));
	EXPECT_EQ(req.conn_id, h.conn_id);
	EXPECT_EQ(0, fipc_reply(self->chan, req.msg_id, "rep", 3, 0, &out));
	EXPECT_EQ(FASTIPC_SERVE_REPLY_DROPPED, out);
	ASSERT_EQ(0, fipc_stat(self->ctl, self->name, &st));
	EXPECT_EQ(1ULL, st.counters.dropped_replies);
	EXPECT_EQ(0ULL, st.counters.replies);
	EXPECT_EQ(1U, st.nr_conns);	/* the fixture's own connection */
}

/*
 * The client dies with its request still queued: the server sees the
 * request (whose reply is then dropped) or nothing, then DISCONNECT.
 */
TEST_F(death, client_killed_before_receive)
{
	struct fastipc_chan_stat st;
	struct fastipc_msg_hdr h, conn;
	__u32 out = 0;
	pid_t pid;

	pid = fipc_fork(stuck_client_run, self->name);
	ASSERT_LE(0, pid);
	/* Blocked in CALL: the request is queued, nobody received it. */
	ASSERT_EQ(0, fipc_wait_blocked(pid, pid));
	ASSERT_EQ(0, fipc_stat(self->ctl, self->name, &st));
	EXPECT_LE(1U, st.queue_msgs);
	ASSERT_EQ(0, kill(pid, SIGKILL));
	EXPECT_EQ(128 + SIGKILL, fipc_wait(pid));
	ASSERT_EQ(0, fipc_recv_wait(self->chan, NULL, 0, &conn));
	ASSERT_EQ((__u32)FASTIPC_MSG_CONNECT, conn.type);
	ASSERT_LE(0, fipc_recv_wait(self->chan, &out, sizeof(out), &h));
	if (h.type == FASTIPC_MSG_REQUEST) {
		EXPECT_EQ(0, fipc_reply(self->chan, h.msg_id, NULL, 0, 0, &out));
		EXPECT_EQ(FASTIPC_SERVE_REPLY_DROPPED, out);
		ASSERT_EQ(0, fipc_recv_wait(self->chan, NULL, 0, &h));
	}
	EXPECT_EQ((__u32)FASTIPC_MSG_DISCONNECT, h.type);
	EXPECT_EQ(conn.conn_id, h.conn_id);
	EXPECT_EQ(-EAGAIN, fipc_recv(self->chan, NULL, 0, FASTIPC_F_NONBLOCK,
				     0, NULL));
}

TEST_F(death, client_close_after_oneways)
{
	struct fastipc_msg_hdr h;
	char buf[8];
	int i;

	for (i = 1; i <= 3; i++)
		ASSERT_EQ(0, fipc_send(self->conn, i, "abc", 3, 0));
	close(self->conn);
	self->conn = -1;
	for (i = 1; i <= 3; i++) {
		ASSERT_EQ(3, fipc_recv_wait(self->chan, buf, sizeof(buf), &h));
		EXPECT_EQ((__u32)FASTIPC_MSG_ONEWAY, h.type);
		EXPECT_EQ((__u32)i, h.op);
		EXPECT_EQ(self->conn_id, h.conn_id);
	}
	ASSERT_EQ(0, fipc_recv_wait(self->chan, NULL, 0, &h));
	EXPECT_EQ((__u32)FASTIPC_MSG_DISCONNECT, h.type);
	EXPECT_EQ(self->conn_id, h.conn_id);
	EXPECT_EQ(-EAGAIN, fipc_recv(self->chan, NULL, 0, FASTIPC_F_NONBLOCK,
				     0, NULL));
}

TEST_F(death, client_exit_sends_disconnect)
{
	struct fastipc_msg_hdr h;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int ctl = fipc_open();

		CHILD_CHECK(ctl >= 0);
		/* Exit without closing anything. */
		CHILD_CHECK(fipc_connect(ctl, self->name, NULL) >= 0);
		_exit(0);
	}
	EXPECT_EQ(0, fipc_wait(pid));
	ASSERT_EQ(0, fipc_recv_type(self->chan, FASTIPC_MSG_CONNECT, NULL, 0, &h));
	EXPECT_EQ(pid, h.pid);
	ASSERT_EQ(0, fipc_recv_wait(self->chan, NULL, 0, &h));
	EXPECT_EQ((__u32)FASTIPC_MSG_DISCONNECT, h.type);
}

TEST_F(death, rmid_wakes_caller_and_receiver)
{
	struct fastipc_msg_hdr h;
	struct fastipc_serve s;
	struct fastipc_call c;
	struct fipc_bg bc, bs;
	int fd;

	fipc_call_init(&c, 1, NULL, 0, NULL, 0);
	ASSERT_EQ(0, fipc_bg_start(&bc, self->conn, FASTIPC_IOC_CALL, &c));
	ASSERT_EQ(0, fipc_recv_type(self->chan, FASTIPC_MSG_REQUEST, NULL, 0, &h));
	memset(&s, 0, sizeof(s));
	s.flags = FASTIPC_F_TIMEOUT;
	s.timeout_ns = FIPC_WAIT_NS;
	ASSERT_EQ(0, fipc_bg_start(&bs, self->chan, FASTIPC_IOC_RECV, &s));
	ASSERT_EQ(0, fipc_bg_blocked(&bc));
	ASSERT_EQ(0, fipc_bg_blocked(&bs));

	ASSERT_EQ(0, fipc_rmid(self->ctl, self->name));
	EXPECT_EQ(-EIDRM, fipc_bg_join(&bc));
	EXPECT_EQ(-EIDRM, fipc_bg_join(&bs));

	EXPECT_EQ(-EIDRM, fipc_call_timeout(self->conn, 1, NULL, 0, FIPC_SEC,
					    NULL));
	EXPECT_EQ(-EIDRM, fipc_send(self->conn, 1, NULL, 0, 0));
	EXPECT_EQ(-EIDRM, fipc_recv(self->chan, NULL, 0, FASTIPC_F_NONBLOCK, 0,
				    NULL));
	EXPECT_TRUE(revents(self->conn, POLLOUT, 0) & POLLHUP);
	EXPECT_TRUE(revents(self->chan, POLLIN, 0) & POLLHUP);
	EXPECT_EQ(-ENOENT, fipc_connect(self->ctl, self->name, NULL));
	EXPECT_EQ(-ENOENT, fipc_rmid(self->ctl, self->name));
	fd = fipc_create(self->ctl, self->name, 0, 0600);
	EXPECT_LE(0, fd);
	close(fd);
}

TEST_F(death, rmid_wakes_full_queue_sender)
{
	char name[FASTIPC_NAME_MAX];
	struct fastipc_call c;
	struct fipc_bg b;
	int fd[3];

	ASSERT_EQ(0, fipc_setup(fd, NULL, name, "rmidq", 0, 1, 0));
	ASSERT_EQ(0, fipc_send(fd[2], 1, NULL, 0, 0));
	memset(&c, 0, sizeof(c));
	c.flags = FASTIPC_F_TIMEOUT;
	c.timeout_ns = FIPC_WAIT_NS;
	ASSERT_EQ(0, fipc_bg_start(&b, fd[2], FASTIPC_IOC_SEND, &c));
	ASSERT_EQ(0, fipc_bg_blocked(&b));
	ASSERT_EQ(0, fipc_rmid(fd[0], name));
	EXPECT_EQ(-EIDRM, fipc_bg_join(&b));
	close(fd[2]);
	close(fd[1]);
	close(fd[0]);
}

TEST_F(death, poll_channel)
{
	pid_t pid;

	EXPECT_EQ(0, revents(self->chan, POLLIN, 0));
	ASSERT_EQ(0, fipc_send(self->conn, 1, "a", 1, 0));
	EXPECT_EQ(POLLIN, revents(self->chan, POLLIN, 0) & (POLLIN | POLLHUP));
	ASSERT_EQ(1, fipc_recv(self->chan, &pid, sizeof(pid),
			       FASTIPC_F_NONBLOCK, 0, NULL));
	EXPECT_EQ(0, revents(self->chan, POLLIN, 0));

	/* A sleeping poll() is woken by a message from another process. */
	fflush(NULL);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		usleep(100000);
		_exit(fipc_send(self->conn, 2, NULL, 0, 0) ? 1 : 0);
	}
	EXPECT_EQ(POLLIN, revents(self->chan, POLLIN, 10000));
	EXPECT_EQ(0, fipc_wait(pid));
}

TEST_F(death, poll_connection)
{
	EXPECT_EQ(POLLOUT, revents(self->conn, POLLOUT, 0));
}

/*
 * Exit with thousands of messages and connections pending (checklist case
 * 29): teardown completes and everything goes. PENDING one-way messages
 * and CONNS connections, from a client that exits, then from a server.
 * How long it takes is not asserted (the host may be loaded): the test's
 * timeout bounds it.
 */
#define PENDING		4096
#define CONNS		512

/* In a child: CONNS connections to @name, PENDING messages on one. */
static int flood_and_stay(const char *name, int ready_fd)
{
	struct rlimit rl = { CONNS + 64, CONNS + 64 };
	int ctl, conn = -1, i;

	CHILD_CHECK(setrlimit(RLIMIT_NOFILE, &rl) == 0);
	ctl = fipc_open();
	CHILD_CHECK(ctl >= 0);
	for (i = 0; i < CONNS; i++) {
		conn = fipc_connect(ctl, name, NULL);
		CHILD_CHECK(conn >= 0);
	}
	for (i = 0; i < PENDING; i++)
		CHILD_CHECK(fipc_send(conn, i, &i, sizeof(i), 0) == 0);
	CHILD_CHECK(write(ready_fd, "r", 1) == 1);
	pause();
	return 0;
}

/* Start flood_and_stay() in a child; its pid once it is ready. */
static pid_t flooder_start(const char *name)
{
	int p[2];
	pid_t pid;
	char c;

	if (pipe(p))
		return -1;
	fflush(NULL);
	pid = fork();
	if (!pid)
		_exit(flood_and_stay(name, p[1]));
	close(p[1]);
	if (pid > 0 && read(p[0], &c, 1) != 1) {
		kill(pid, SIGKILL);
		fipc_wait(pid);
		pid = -1;
	}
	close(p[0]);
	return pid;
}

TEST_F_TIMEOUT(death, client_exit_with_thousands_pending, 300)
{
	char name[FASTIPC_NAME_MAX];
	struct fastipc_chan_stat st;
	struct fastipc_serve s;
	int chan, n[5] = { 0 }, ret, v;
	pid_t pid;

	fipc_unique_name(name, "pend");
	chan = fipc_create_lim(self->ctl, name, 0, 2 * PENDING + 2 * CONNS, 0);
	ASSERT_LE(0, chan);
	pid = flooder_start(name);
	ASSERT_LT(0, pid);
	kill(pid, SIGKILL);
	EXPECT_EQ(128 + SIGKILL, fipc_wait(pid));
	/* Every message it sent is still delivered, then every goodbye. */
	while ((ret = fipc_recv(chan, &v, sizeof(v), FASTIPC_F_NONBLOCK, 0,
				&s)) >= 0) {
		ASSERT_GT(5U, s.hdr.type);
		n[s.hdr.type]++;
	}
	EXPECT_EQ(-EAGAIN, ret);
	EXPECT_EQ(CONNS, n[FASTIPC_MSG_CONNECT]);
	EXPECT_EQ(PENDING, n[FASTIPC_MSG_ONEWAY]);
	EXPECT_EQ(CONNS, n[FASTIPC_MSG_DISCONNECT]);
	ASSERT_EQ(0, fipc_stat(self->ctl, name, &st));
	EXPECT_EQ(0U, st.nr_conns);
	EXPECT_EQ(0U, st.queue_msgs);
	close(chan);
}

static int serve_and_stay(void *p)
{
	const char *name = p;
	int ctl = fipc_open();

	CHILD_CHECK(ctl >= 0);
	CHILD_CHECK(fipc_create_lim(ctl, name, 0, 2 * PENDING, 0) >= 0);
	pause();
	return 0;
}

TEST_F_TIMEOUT(death, server_exit_with_thousands_pending, 300)
{
	struct rlimit rl = { CONNS + 64, CONNS + 64 }, old;
	int conns[CONNS], i, ok = 0;
	struct fastipc_call c;
	struct fipc_bg bg;
	char name[FASTIPC_NAME_MAX];
	pid_t pid;

	fipc_unique_name(name, "spend");
	pid = fipc_fork(serve_and_stay, name);
	ASSERT_LT(0, pid);
	for (i = 0; i < 500 && fipc_connect(self->ctl, name, NULL) == -ENOENT;
	     i++)
		usleep(10 * 1000);
	ASSERT_EQ(0, getrlimit(RLIMIT_NOFILE, &old));
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &rl));
	for (i = 0; i < CONNS; i++) {
		conns[i] = fipc_connect(self->ctl, name, NULL);
		ASSERT_LE(0, conns[i]);
	}
	for (i = 0; i < PENDING; i++)
		ASSERT_EQ(0, fipc_send(conns[i % CONNS], 1, &i, sizeof(i), 0));
	/* One caller asleep, too. */
	fipc_call_init(&c, 2, "x", 1, NULL, 0);
	ASSERT_EQ(0, fipc_bg_start(&bg, conns[0], FASTIPC_IOC_CALL, &c));
	ASSERT_EQ(0, fipc_bg_blocked(&bg));
	kill(pid, SIGKILL);
	EXPECT_EQ(128 + SIGKILL, fipc_wait(pid));
	EXPECT_EQ(-ECONNRESET, fipc_bg_join(&bg));
	for (i = 0; i < CONNS; i++) {
		ok += fipc_send(conns[i], 1, NULL, 0, 0) == -ECONNRESET;
		close(conns[i]);
	}
	EXPECT_EQ(CONNS, ok);
	EXPECT_EQ(-ENOENT, fipc_connect(self->ctl, name, NULL));
	setrlimit(RLIMIT_NOFILE, &old);
}

TEST_HARNESS_MAIN
