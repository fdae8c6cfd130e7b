// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc: the API handshake and ioctl dispatch (-ENOTTY) on every fd kind.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "kselftest_harness.h"
#include "fastipc_util.h"

#define NR_BIT(cmd)	(1ULL << _IOC_NR(cmd))

static const unsigned long ctl_cmds[] = {
	FASTIPC_IOC_API, FASTIPC_IOC_CHAN_CREATE, FASTIPC_IOC_CONNECT,
	FASTIPC_IOC_CHAN_STAT, FASTIPC_IOC_CHAN_SET, FASTIPC_IOC_CHAN_RMID,
};
static const unsigned long chan_cmds[] = {
	FASTIPC_IOC_RECV, FASTIPC_IOC_REPLY, FASTIPC_IOC_REPLY_RECV,
	FASTIPC_IOC_CHAN_INFO, FASTIPC_IOC_CHAN_SHUTDOWN,
};
static const unsigned long conn_cmds[] = {
	FASTIPC_IOC_CALL, FASTIPC_IOC_SEND, FASTIPC_IOC_REAP, FASTIPC_IOC_CANCEL,
};

TEST(handshake_current)
{
	struct fastipc_api api;
	unsigned int i;
	int fd;

	fd = open(FIPC_DEV, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	memset(&api, 0, sizeof(api));
	api.api = FASTIPC_API_VERSION;
	ASSERT_EQ(0, fipc_ioctl(fd, FASTIPC_IOC_API, &api));
	EXPECT_EQ(FASTIPC_API_VERSION, api.api);
	EXPECT_EQ(0U, api.flags);
	EXPECT_EQ(FASTIPC_FEAT_COPY | FASTIPC_FEAT_PERM,
		  api.features & (FASTIPC_FEAT_COPY | FASTIPC_FEAT_PERM));
	for (i = 0; i < ARRAY_SIZE(ctl_cmds); i++)
		EXPECT_TRUE(api.ioctls & NR_BIT(ctl_cmds[i]));
	for (i = 0; i < ARRAY_SIZE(chan_cmds); i++)
		EXPECT_TRUE(api.ioctls & NR_BIT(chan_cmds[i]));
	for (i = 0; i < ARRAY_SIZE(conn_cmds); i++)
		EXPECT_TRUE(api.ioctls & NR_BIT(conn_cmds[i]));
	/* Nothing outside the implemented numbers is claimed. */
	EXPECT_EQ(0ULL, api.ioctls & ~(0x3fULL | (0x3fULL << 0x10) |
				       (0x3fULL << 0x20)));
	close(fd);
}

TEST(handshake_limits)
{
	struct fastipc_api api;
	unsigned long long cap;
	int fd;

	fd = open(FIPC_DEV, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, fipc_api(fd, &api));
	EXPECT_EQ((__u32)FASTIPC_MSG_MAX_DEFAULT, api.msg_max_default);
	EXPECT_LE(api.msg_max_default, api.msg_max_cap);
	EXPECT_LE((__u32)FASTIPC_QUEUE_MSGS_DEFAULT, api.queue_msgs_cap);
	EXPECT_LE((__u32)FASTIPC_QUEUE_BYTES_DEFAULT, api.queue_bytes_cap);
	ASSERT_EQ(0, read_param("msg_max_cap", &cap));
	EXPECT_EQ(cap, api.msg_max_cap);
	ASSERT_EQ(0, read_param("queue_msgs_cap", &cap));
	EXPECT_EQ(cap, api.queue_msgs_cap);
	ASSERT_EQ(0, read_param("queue_bytes_cap", &cap));
	EXPECT_EQ(cap, api.queue_bytes_cap);
	close(fd);
}

TEST(handshake_query)
{
	struct fastipc_api api;
	int fd;

	fd = open(FIPC_DEV, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	memset(&api, 0, sizeof(api));
	api.api = 0;
	ASSERT_EQ(0, fipc_ioctl(fd, FASTIPC_IOC_API, &api));
	EXPECT_EQ(FASTIPC_API_VERSION, api.api);
	EXPECT_NE(0ULL, api.features);
	close(fd);
}

TEST(handshake_future_version)
{
	struct fastipc_api api;
	int fd;

	fd = open(FIPC_DEV, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	memset(&api, 0, sizeof(api));
	api.api = FASTIPC_API_VERSION + 1;
	EXPECT_EQ(-EINVAL, fipc_ioctl(fd, FASTIPC_IOC_API, &api));
	api.api = ~0U;
	EXPECT_EQ(-EINVAL, fipc_ioctl(fd, FASTIPC_IOC_API, &api));
	/* The fd is still usable for a correct handshake afterwards. */
	EXPECT_EQ(0, fipc_api(fd, &api));
	close(fd);
}

TEST(handshake_flags)
{
	struct fastipc_api api;
	int fd;

	fd = open(FIPC_DEV, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	memset(&api, 0, sizeof(api));
	api.api = FASTIPC_API_VERSION;
	api.flags = 1;
	EXPECT_EQ(-EINVAL, fipc_ioctl(fd, FASTIPC_IOC_API, &api));
	close(fd);
}

FIXTURE(fds) {
	int ctl, chan, conn;
	char name[FASTIPC_NAME_MAX];
	unsigned char arg[4096];
};

FIXTURE_SETUP(fds)
{
	FIPC_REQUIRE_DEV();
	self->ctl = fipc_open();
	ASSERT_LE(0, self->ctl);
	fipc_unique_name(self->name, "api");
	self->chan = fipc_create(self->ctl, self->name, 0, 0600);
	ASSERT_LE(0, self->chan);
	self->conn = fipc_connect(self->ctl, self->name, NULL);
	ASSERT_LE(0, self->conn);
}

FIXTURE_TEARDOWN(fds)
{
	close(self->conn);
	close(self->chan);
	close(self->ctl);
}

/* An ioctl that must be -ENOTTY with a zeroed, page-sized argument. */
static int notty(int fd, unsigned long cmd, unsigned char *arg)
{
	memset(arg, 0, 4096);
	return fipc_ioctl(fd, cmd, arg) == -ENOTTY;
}

static int all_notty(int fd, unsigned char *arg)
{
	int ok = 1;

	ok &= notty(fd, _IOWR(FASTIPC_IOC_MAGIC, 0x3f, struct fastipc_api), arg);
	ok &= notty(fd, _IOWR(FASTIPC_IOC_MAGIC, 0x40, struct fastipc_api), arg);
	ok &= notty(fd, _IOWR(FASTIPC_IOC_MAGIC, 0x06, struct fastipc_api), arg);
	ok &= notty(fd, _IOWR(FASTIPC_IOC_MAGIC, 0x1f, struct fastipc_serve), arg);
	ok &= notty(fd, _IOWR(FASTIPC_IOC_MAGIC, 0x26, struct fastipc_call), arg);
	ok &= notty(fd, _IO(FASTIPC_IOC_MAGIC, 0x3e), arg);
	ok &= notty(fd, _IOWR('X', 0x00, struct fastipc_api), arg);
	ok &= notty(fd, _IOWR(0xFB, 0x10, struct fastipc_serve), arg);
	ok &= notty(fd, _IOWR(0xF9, 0x20, struct fastipc_call), arg);
	ok &= notty(fd, TCGETS, arg);
	ok &= notty(fd, FIONREAD, arg);
	return ok;
}

TEST_F(fds, unknown_nr_and_magic)
{
	EXPECT_TRUE(all_notty(self->ctl, self->arg));
	EXPECT_TRUE(all_notty(self->chan, self->arg));
	EXPECT_TRUE(all_notty(self->conn, self->arg));
}

/* Right number, wrong direction bits in the command. */
static unsigned long redir(unsigned long cmd, unsigned int dir)
{
	return _IOC(dir, _IOC_TYPE(cmd), _IOC_NR(cmd), _IOC_SIZE(cmd));
}

static int wrong_dirs(int fd, unsigned long cmd, unsigned char *arg)
{
	static const unsigned int dirs[] = {
		_IOC_NONE, _IOC_READ, _IOC_WRITE, _IOC_READ | _IOC_WRITE,
	};
	unsigned int i;
	int ok = 1;

	for (i = 0; i < ARRAY_SIZE(dirs); i++) {
		if (dirs[i] == _IOC_DIR(cmd))
			continue;
		ok &= notty(fd, redir(cmd, dirs[i]), arg);
		ok &= notty(fd, _IOC(dirs[i], FASTIPC_IOC_MAGIC, _IOC_NR(cmd), 0),
			    arg);
	}
	return ok;
}

TEST_F(fds, wrong_direction_ctl)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ctl_cmds); i++)
		EXPECT_TRUE(wrong_dirs(self->ctl, ctl_cmds[i], self->arg))
			TH_LOG("ctl cmd nr %#x", _IOC_NR(ctl_cmds[i]));
}

TEST_F(fds, wrong_direction_chan)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(chan_cmds); i++)
		EXPECT_TRUE(wrong_dirs(self->chan, chan_cmds[i], self->arg))
			TH_LOG("chan cmd nr %#x", _IOC_NR(chan_cmds[i]));
}

TEST_F(fds, wrong_direction_conn)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(conn_cmds); i++)
		EXPECT_TRUE(wrong_dirs(self->conn, conn_cmds[i], self->arg))
			TH_LOG("conn cmd nr %#x", _IOC_NR(conn_cmds[i]));
}

/* Valid control-fd arguments, sent to the wrong kind of fd. */
static void ctl_args(FIXTURE_DATA(fds) *self, unsigned long cmd)
{
	memset(self->arg, 0, sizeof(self->arg));
	if (cmd == FASTIPC_IOC_API) {
		((struct fastipc_api *)self->arg)->api = FASTIPC_API_VERSION;
		return;
	}
	/* Every other control struct starts with a fastipc_chan_ref. */
	fipc_ref_name((struct fastipc_chan_ref *)self->arg, self->name);
	if (cmd == FASTIPC_IOC_CHAN_CREATE)
		((struct fastipc_chan_create *)self->arg)->mode = 0600;
	if (cmd == FASTIPC_IOC_CHAN_SET) {
		((struct fastipc_chan_set *)self->arg)->flags = FASTIPC_SET_MODE;
		((struct fastipc_chan_set *)self->arg)->mode = 0600;
	}
}

TEST_F(fds, ctl_ioctls_elsewhere)
{
	struct fastipc_chan_stat st;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ctl_cmds); i++) {
		ctl_args(self, ctl_cmds[i]);
		EXPECT_EQ(-ENOTTY, fipc_ioctl(self->chan, ctl_cmds[i], self->arg))
			TH_LOG("nr %#x on channel fd", _IOC_NR(ctl_cmds[i]));
		ctl_args(self, ctl_cmds[i]);
		EXPECT_EQ(-ENOTTY, fipc_ioctl(self->conn, ctl_cmds[i], self->arg))
			TH_LOG("nr %#x on connection fd", _IOC_NR(ctl_cmds[i]));
	}
	/* The channel survived the misdirected RMID. */
	EXPECT_EQ(0, fipc_stat(self->ctl, self->name, &st));
}

TEST_F(fds, chan_ioctls_elsewhere)
{
	struct fastipc_serve *s = (void *)self->arg;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(chan_cmds); i++) {
		memset(self->arg, 0, sizeof(self->arg));
		s->flags = FASTIPC_F_NONBLOCK;
		EXPECT_EQ(-ENOTTY, fipc_ioctl(self->ctl, chan_cmds[i], s));
		memset(self->arg, 0, sizeof(self->arg));
		s->flags = FASTIPC_F_NONBLOCK;
		EXPECT_EQ(-ENOTTY, fipc_ioctl(self->conn, chan_cmds[i], s));
	}
}

TEST_F(fds, conn_ioctls_elsewhere)
{
	struct fastipc_call *c = (void *)self->arg;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(conn_cmds); i++) {
		memset(self->arg, 0, sizeof(self->arg));
		c->flags = FASTIPC_F_TIMEOUT;
		c->timeout_ns = FIPC_MS;
		EXPECT_EQ(-ENOTTY, fipc_ioctl(self->ctl, conn_cmds[i], c));
		memset(self->arg, 0, sizeof(self->arg));
		c->flags = FASTIPC_F_TIMEOUT;
		c->timeout_ns = FIPC_MS;
		EXPECT_EQ(-ENOTTY, fipc_ioctl(self->chan, conn_cmds[i], c));
	}
}

TEST_HARNESS_MAIN
