// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc: IPC namespaces (reliability checklist case 36).
 *
 * Channel names and keys belong to the IPC namespace they were created in:
 * from another one CONNECT, STAT, SET and RMID by that name or key are
 * -ENOENT, the same name and key can be created again, netlink dumps
 * show only the reader's channels, and a namespace that dies with live
 * channels tears down cleanly. User namespaces are in userns_test.c.
 *
 * Needs root. Each check runs in a forked child that unshares; the child
 * exits with 0 on success, the errno of the checked call on failure, or
 * 100 when its setup failed.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "ns_util.h"

/* ---- IPC namespaces ---- */

FIXTURE(ipcns) {
	int ctl;
	int chan;
	char name[FASTIPC_NAME_MAX];
	__u64 key;
};

FIXTURE_SETUP(ipcns)
{
	FIPC_REQUIRE_DEV();
	FIPC_REQUIRE_ROOT();
	self->ctl = fipc_open();
	ASSERT_LE(0, self->ctl);
	fipc_unique_name(self->name, "ns");
	self->key = fipc_unique_key();
	self->chan = fipc_create(self->ctl, self->name, self->key, 0666);
	ASSERT_LE(0, self->chan);
}

FIXTURE_TEARDOWN(ipcns)
{
	if (self->chan > 0)
		close(self->chan);
	if (self->ctl > 0)
		close(self->ctl);
}

enum ns_op { OP_CONNECT, OP_CONNECT_KEY, OP_STAT, OP_SET, OP_RMID,
	     OP_CREATE, OP_CREATE_KEY };

struct ns_arg {
	const char *name;
	__u64 key;
	enum ns_op op;
};

/* One operation on the parent's channel from a new IPC namespace. */
static int ns_op_child(void *p)
{
	struct ns_arg *a = p;
	struct fastipc_chan_stat st;
	char other[FASTIPC_NAME_MAX];
	int ctl;

	CHILD_CHECK(unshare(CLONE_NEWIPC) == 0);
	ctl = fipc_open();
	CHILD_CHECK(ctl >= 0);
	switch (a->op) {
	case OP_CONNECT:
		return result(fipc_connect(ctl, a->name, NULL));
	case OP_CONNECT_KEY:
		return result(fipc_connect_key(ctl, a->key, NULL));
	case OP_STAT:
		return result(fipc_stat(ctl, a->name, &st));
	case OP_SET:
		return result(fipc_set(ctl, a->name, FASTIPC_SET_MODE, 0, 0,
				       0600));
	case OP_RMID:
		return result(fipc_rmid(ctl, a->name));
	case OP_CREATE:
		return result(fipc_create(ctl, a->name, a->key, 0600));
	case OP_CREATE_KEY:
		fipc_unique_name(other, "nsk");
		return result(fipc_create(ctl, other, a->key, 0600));
	}
	return SETUP_FAILED;
}

static int ns_op(FIXTURE_DATA(ipcns) *self, enum ns_op op)
{
	struct ns_arg a = { .name = self->name, .key = self->key, .op = op };

	return run_child(ns_op_child, &a);
}

/* The parent's channel is still there and unchanged. */
static void parent_intact(struct __test_metadata *_metadata,
			  FIXTURE_DATA(ipcns) *self)
{
	struct fastipc_chan_stat st;

	ASSERT_EQ(0, fipc_stat(self->ctl, self->name, &st));
	EXPECT_EQ(0666U, st.perm.mode);
	EXPECT_EQ(0U, st.nr_conns);
}

TEST_F(ipcns, connect_by_name_enoent)
{
	if (SETUP_SKIPPED())
		return;
	EXPECT_EQ(ENOENT, ns_op(self, OP_CONNECT));
	parent_intact(_metadata, self);
}

TEST_F(ipcns, connect_by_key_enoent)
{
	if (SETUP_SKIPPED())
		return;
	EXPECT_EQ(ENOENT, ns_op(self, OP_CONNECT_KEY));
	parent_intact(_metadata, self);
}

TEST_F(ipcns, stat_enoent)
{
	if (SETUP_SKIPPED())
		return;
	EXPECT_EQ(ENOENT, ns_op(self, OP_STAT));
}

TEST_F(ipcns, set_enoent)
{
	if (SETUP_SKIPPED())
		return;
	EXPECT_EQ(ENOENT, ns_op(self, OP_SET));
	parent_intact(_metadata, self);
}

TEST_F(ipcns, rmid_enoent)
{
	if (SETUP_SKIPPED())
		return;
	EXPECT_EQ(ENOENT, ns_op(self, OP_RMID));
	parent_intact(_metadata, self);
}

TEST_F(ipcns, same_name_and_key_created_again)
{
	if (SETUP_SKIPPED())
		return;
	EXPECT_EQ(0, ns_op(self, OP_CREATE));
	parent_intact(_metadata, self);
}

TEST_F(ipcns, same_key_other_name_created_again)
{
	if (SETUP_SKIPPED())
		return;
	EXPECT_EQ(0, ns_op(self, OP_CREATE_KEY));
}

/* Same name in a new namespace: the connection reaches the child's own. */
static int own_channel_child(void *p)
{
	struct ns_arg *a = p;
	struct fastipc_msg_hdr h;
	struct fastipc_chan_stat st;
	int ctl, chan, conn;
	__u64 id;

	CHILD_CHECK(unshare(CLONE_NEWIPC) == 0);
	ctl = fipc_open();
	CHILD_CHECK(ctl >= 0);
	chan = fipc_create(ctl, a->name, a->key, 0600);
	CHILD_CHECK(chan >= 0);
	conn = fipc_connect_key(ctl, a->key, &id);
	if (conn < 0)
		return -conn;
	CHILD_CHECK(fipc_recv_type(chan, FASTIPC_MSG_CONNECT, NULL, 0, &h) == 0);
	CHILD_CHECK(h.conn_id == id);
	CHILD_CHECK(fipc_stat(ctl, a->name, &st) == 0);
	CHILD_CHECK(st.perm.mode == 0600 && st.cpid == getpid());
	return 0;
}

TEST_F(ipcns, same_name_connects_to_own_channel)
{
	struct ns_arg a = { .name = self->name, .key = self->key };

	if (SETUP_SKIPPED())
		return;
	EXPECT_EQ(0, run_child(own_channel_child, &a));
	/* Nothing reached the parent's channel of the same name. */
	EXPECT_EQ(-EAGAIN, fipc_recv(self->chan, NULL, 0, FASTIPC_F_NONBLOCK,
				     0, NULL));
	parent_intact(_metadata, self);
}

/* A child that holds a channel in its own namespace until released. */
struct holder {
	char name[FASTIPC_NAME_MAX];
	__u64 key;
	pid_t pid;
	int ready[2];
	int hold[2];
};

static int holder_child(void *p)
{
	struct holder *h = p;
	int ctl, chan;
	char x = 1;

	close(h->ready[0]);
	close(h->hold[1]);
	CHILD_CHECK(unshare(CLONE_NEWIPC) == 0);
	ctl = fipc_open();
	CHILD_CHECK(ctl >= 0);
	chan = fipc_create(ctl, h->name, h->key, 0666);
	CHILD_CHECK(chan >= 0);
	CHILD_CHECK(write(h->ready[1], &x, 1) == 1);
	while (read(h->hold[0], &x, 1) > 0)
		;
	return 0;
}

static int holder_start(struct holder *h)
{
	char x;

	fipc_unique_name(h->name, "nsh");
	h->key = fipc_unique_key();
	if (pipe(h->ready) || pipe(h->hold))
		return -errno;
	h->pid = fipc_fork(holder_child, h);
	if (h->pid < 0)
		return -errno;
	close(h->ready[1]);
	close(h->hold[0]);
	if (read(h->ready[0], &x, 1) != 1)
		return -EIO;
	return 0;
}

static int holder_stop(struct holder *h)
{
	close(h->hold[1]);
	close(h->ready[0]);
	return fipc_wait(h->pid);
}

TEST_F(ipcns, child_channel_invisible_by_name)
{
	struct holder h;

	if (SETUP_SKIPPED())
		return;
	ASSERT_EQ(0, holder_start(&h));
	EXPECT_EQ(-ENOENT, fipc_connect(self->ctl, h.name, NULL));
	EXPECT_EQ(0, holder_stop(&h));
}

TEST_F(ipcns, child_channel_invisible_by_key)
{
	struct holder h;

	if (SETUP_SKIPPED())
		return;
	ASSERT_EQ(0, holder_start(&h));
	EXPECT_EQ(-ENOENT, fipc_connect_key(self->ctl, h.key, NULL));
	EXPECT_EQ(0, holder_stop(&h));
}

TEST_F(ipcns, child_channel_name_free_in_parent)
{
	struct holder h;
	int chan;

	if (SETUP_SKIPPED())
		return;
	ASSERT_EQ(0, holder_start(&h));
	chan = fipc_create(self->ctl, h.name, h.key, 0600);
	EXPECT_LE(0, chan);
	if (chan >= 0)
		close(chan);
	EXPECT_EQ(0, holder_stop(&h));
}

/* ---- netlink dumps (fastipc-stat -j) ---- */

static int stat_tool(char *path, size_t len)
{
	const char *env = getenv("FASTIPC_STAT");
	char exe[PATH_MAX], *slash;
	ssize_t n;

	if (env && *env) {
		snprintf(path, len, "%s", env);
		return access(path, X_OK) ? -ENOENT : 0;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0)
		return -errno;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (slash)
		*slash = '\0';
	if (snprintf(path, len, "%s/../tools/fastipc-stat/fastipc-stat",
		     exe) >= (int)len)
		return -ENAMETOOLONG;
	return access(path, X_OK) ? -ENOENT : 0;
}

/* Run `fastipc-stat -j` in this process's namespaces; output in @buf. */
static int dump_json(const char *tool, char *buf, size_t cap)
{
	size_t got = 0;
	int pfd[2], st;
	ssize_t n;
	pid_t pid;

	if (pipe(pfd))
		return -errno;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		dup2(pfd[1], 1);
		close(pfd[0]);
		execl(tool, tool, "-j", (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	while (got < cap - 1 &&
	       (n = read(pfd[0], buf + got, cap - 1 - got)) > 0)
		got += n;
	buf[got] = '\0';
	close(pfd[0]);
	st = fipc_wait(pid);
	return st ? -EIO : 0;
}

static int json_has(const char *json, const char *name)
{
	char quoted[FASTIPC_NAME_MAX + 2];

	snprintf(quoted, sizeof(quoted), "\"%s\"", name);
	return strstr(json, quoted) != NULL;
}

struct dump_arg {
	const char *tool;
	const char *parent_name;
};

#define DUMP_OWN_MISSING	1
#define DUMP_PARENT_SHOWN	2

static int dump_child(void *p)
{
	static char json[65536];
	struct dump_arg *a = p;
	char name[FASTIPC_NAME_MAX];
	int ctl, chan, res = 0;

	CHILD_CHECK(unshare(CLONE_NEWIPC) == 0);
	ctl = fipc_open();
	CHILD_CHECK(ctl >= 0);
	fipc_unique_name(name, "nsd");
	chan = fipc_create(ctl, name, 0, 0644);
	CHILD_CHECK(chan >= 0);
	CHILD_CHECK(dump_json(a->tool, json, sizeof(json)) == 0);
	if (!json_has(json, name))
		res |= DUMP_OWN_MISSING;
	if (json_has(json, a->parent_name))
		res |= DUMP_PARENT_SHOWN;
	if (res)
		fprintf(stderr, "# dump in the child's namespace:\n%s\n", json);
	return res;
}

TEST_F(ipcns, dump_in_child_shows_only_its_channels)
{
	struct dump_arg a = { .parent_name = self->name };
	char tool[PATH_MAX];

	if (SETUP_SKIPPED())
		return;
	if (stat_tool(tool, sizeof(tool)))
		SKIP(return, "fastipc-stat not built (set FASTIPC_STAT)");
	a.tool = tool;
	EXPECT_EQ(0, run_child(dump_child, &a))
		TH_LOG("1: own channel missing, 2: parent's channel shown");
}

TEST_F(ipcns, dump_in_parent_hides_child_channels)
{
	static char json[65536];
	char tool[PATH_MAX];
	struct holder h;

	if (SETUP_SKIPPED())
		return;
	if (stat_tool(tool, sizeof(tool)))
		SKIP(return, "fastipc-stat not built (set FASTIPC_STAT)");
	ASSERT_EQ(0, holder_start(&h));
	EXPECT_EQ(0, dump_json(tool, json, sizeof(json)));
	EXPECT_TRUE(json_has(json, self->name));
	EXPECT_FALSE(json_has(json, h.name)) TH_LOG("dump: %s", json);
	EXPECT_EQ(0, holder_stop(&h));
}

/* ---- objects that outlive their IPC namespace ---- */

static int send_fds(int sock, const int *fds, int n)
{
	char cbuf[CMSG_SPACE(2 * sizeof(int))];
	struct iovec iov = { .iov_base = "x", .iov_len = 1 };
	struct msghdr m = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = CMSG_SPACE(n * sizeof(int)),
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(n * sizeof(int));
	memcpy(CMSG_DATA(c), fds, n * sizeof(int));
	return sendmsg(sock, &m, 0) == 1 ? 0 : -errno;
}

static int recv_fds(int sock, int *fds, int n)
{
	char cbuf[CMSG_SPACE(2 * sizeof(int))], x;
	struct iovec iov = { .iov_base = &x, .iov_len = 1 };
	struct msghdr m = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c;

	if (recvmsg(sock, &m, MSG_CMSG_CLOEXEC) != 1)
		return -EIO;
	c = CMSG_FIRSTHDR(&m);
	if (!c || c->cmsg_type != SCM_RIGHTS ||
	    c->cmsg_len != CMSG_LEN(n * sizeof(int)))
		return -EPROTO;
	memcpy(fds, CMSG_DATA(c), n * sizeof(int));
	return 0;
}

struct orphan {
	char name[FASTIPC_NAME_MAX];
	int sock[2];
	int chan, conn;
};

/* Create a channel and a connection in a new namespace, hand them over. */
static int orphan_child(void *p)
{
	struct orphan *o = p;
	int ctl, fds[2];

	close(o->sock[0]);
	CHILD_CHECK(unshare(CLONE_NEWIPC) == 0);
	ctl = fipc_open();
	CHILD_CHECK(ctl >= 0);
	fds[0] = fipc_create(ctl, o->name, 0, 0600);
	CHILD_CHECK(fds[0] >= 0);
	fds[1] = fipc_connect(ctl, o->name, NULL);
	CHILD_CHECK(fds[1] >= 0);
	CHILD_CHECK(send_fds(o->sock[1], fds, 2) == 0);
	return 0;
}

/* The namespace is gone when this returns; its objects live on. */
static int orphan_make(struct orphan *o)
{
	int fds[2], ret;
	pid_t pid;

	fipc_unique_name(o->name, "nso");
	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, o->sock))
		return -errno;
	pid = fipc_fork(orphan_child, o);
	close(o->sock[1]);
	if (pid < 0)
		return -errno;
	ret = recv_fds(o->sock[0], fds, 2);
	close(o->sock[0]);
	if (fipc_wait(pid))
		return -ECHILD;
	if (ret)
		return ret;
	o->chan = fds[0];
	o->conn = fds[1];
	return 0;
}

TEST_F(ipcns, dead_ns_channel_still_works)
{
	struct fastipc_msg_hdr h;
	struct orphan o;
	char buf[16];

	if (SETUP_SKIPPED())
		return;
	ASSERT_EQ(0, orphan_make(&o));
	ASSERT_EQ(0, fipc_send(o.conn, 7, "ping", 4, 0));
	EXPECT_EQ(4, fipc_recv_type(o.chan, FASTIPC_MSG_ONEWAY, buf,
				    sizeof(buf), &h));
	EXPECT_EQ(7U, h.op);
	close(o.conn);
	EXPECT_EQ(0, fipc_recv_type(o.chan, FASTIPC_MSG_DISCONNECT, NULL, 0,
				    &h));
	close(o.chan);
}

TEST_F(ipcns, dead_ns_channel_invisible_in_parent)
{
	struct orphan o;

	if (SETUP_SKIPPED())
		return;
	ASSERT_EQ(0, orphan_make(&o));
	EXPECT_EQ(-ENOENT, fipc_connect(self->ctl, o.name, NULL));
	close(o.conn);
	close(o.chan);
}

/* A later namespace must not inherit the dead one's names. */
static int fresh_ns_connect(void *p)
{
	int ctl;

	CHILD_CHECK(unshare(CLONE_NEWIPC) == 0);
	ctl = fipc_open();
	CHILD_CHECK(ctl >= 0);
	return result(fipc_connect(ctl, p, NULL));
}

TEST_F(ipcns, dead_ns_channel_invisible_in_new_ns)
{
	struct orphan o;
	int i;

	if (SETUP_SKIPPED())
		return;
	ASSERT_EQ(0, orphan_make(&o));
	/* Several namespaces, so that a reused identity would show up. */
	for (i = 0; i < 8; i++)
		EXPECT_EQ(ENOENT, run_child(fresh_ns_connect, o.name));
	close(o.conn);
	close(o.chan);
}

TEST_HARNESS_MAIN
