// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc: IPC and user namespaces (reliability checklist cases 33-36).
 *
 * Channel names and keys belong to the IPC namespace they were created in:
 * from another one CONNECT, STAT, SET and RMID by that name or key are
 * -ENOENT, the same name and key can be created again, and netlink dumps
 * show only the reader's channels. Inside a user namespace, unmapped
 * owners read as the overflow ids, an unmapped owner cannot be set
 * (-EINVAL), and capabilities count only in the user namespace that owns
 * the channel's IPC namespace.
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
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/capability.h>

#include "kselftest_harness.h"
#include "fastipc_util.h"

/* The 6.1 harness runs the test body even when its setup skipped. */
#define SETUP_SKIPPED()	(_metadata->skip)

#define USER		1000	/* the uid a user-namespace child starts as */
#define SETUP_FAILED	100	/* CHILD_CHECK's exit code */

#define FIPC_REQUIRE_ROOT() do {					\
	if (geteuid())							\
		SKIP(return, "needs root (unshare, setresuid)");	\
} while (0)

/* Exit code of a check: 0 for success, else the errno. */
static int result(int ret)
{
	return ret < 0 ? -ret : 0;
}

static int run_child(int (*fn)(void *), void *arg)
{
	pid_t pid = fipc_fork(fn, arg);

	return pid < 0 ? -errno : fipc_wait(pid);
}

static int write_file(const char *path, const char *s)
{
	ssize_t len = strlen(s);
	int fd, ret = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, s, len) != len)
		ret = -errno;
	close(fd);
	return ret;
}

static __u32 read_u32(const char *path)
{
	char buf[32] = "";
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		if (read(fd, buf, sizeof(buf) - 1) < 0)
			buf[0] = '\0';
		close(fd);
	}
	return buf[0] ? (__u32)strtoul(buf, NULL, 10) : 65534;
}

/*
 * unshare(CLONE_NEWUSER) is -EPERM in a chroot (the test guest runs its
 * command chrooted). Then leave the chroot for pid 1's root while still
 * root, and return to it (fd @*rootfd) once in the new namespace, where
 * CAP_SYS_CHROOT is ours. No-op when / is pid 1's root.
 */
static int leave_chroot(int *rootfd)
{
	struct stat a, b;

	*rootfd = -1;
	if (stat("/", &a) || stat("/proc/1/root", &b))
		return -errno;
	if (a.st_dev == b.st_dev && a.st_ino == b.st_ino)
		return 0;
	*rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (*rootfd < 0)
		return -errno;
	if (chroot("/proc/1/root") || chdir("/"))
		return -errno;
	return 0;
}

static int back_to_chroot(int rootfd)
{
	int ret = 0;

	if (rootfd < 0)
		return 0;
	if (fchdir(rootfd) || chroot(".") || chdir("/"))
		ret = -errno;
	close(rootfd);
	return ret;
}

/*
 * In a child: become @uid (unless 0), enter a new user namespace and, with
 * @map, map its uid and gid 0 to @uid (the only mapping an unprivileged
 * process may write for itself). 0 or -errno.
 */
static int enter_userns(uid_t uid, int map)
{
	char line[32];
	int ret, rootfd;

	ret = leave_chroot(&rootfd);
	if (ret)
		return ret;
	if (uid) {
		ret = fipc_become(uid, uid, NULL, 0, -1);
		if (ret)
			return ret;
		/* Else /proc/self/uid_map belongs to root. */
		if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0))
			return -errno;
	}
	if (unshare(CLONE_NEWUSER))
		return -errno;
	ret = back_to_chroot(rootfd);
	if (ret || !map)
		return ret;
	snprintf(line, sizeof(line), "0 %u 1", (unsigned int)uid);
	ret = write_file("/proc/self/setgroups", "deny");
	if (!ret)
		ret = write_file("/proc/self/uid_map", line);
	if (!ret)
		ret = write_file("/proc/self/gid_map", line);
	return ret;
}

/* Does the current task have @cap in its effective set? */
static int has_cap(int cap)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data))
		return 0;
	return !!(data[cap / 32].effective & (1U << (cap % 32)));
}

static int probe_userns(void *arg)
{
	(void)arg;
	return enter_userns(USER, 1) ? 1 : 0;
}

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

/* ---- user namespaces ---- */

FIXTURE(userns) {
	int ctl;
	int chan;
	char name[FASTIPC_NAME_MAX];
	__u32 overflowuid, overflowgid;
};

FIXTURE_SETUP(userns)
{
	FIPC_REQUIRE_DEV();
	FIPC_REQUIRE_ROOT();
	if (run_child(probe_userns, NULL))
		SKIP(return, "user namespaces unavailable");
	self->overflowuid = read_u32("/proc/sys/kernel/overflowuid");
	self->overflowgid = read_u32("/proc/sys/kernel/overflowgid");
	self->ctl = fipc_open();
	ASSERT_LE(0, self->ctl);
	fipc_unique_name(self->name, "us");
	self->chan = fipc_create(self->ctl, self->name, 0, 0600);
	ASSERT_LE(0, self->chan);
}

FIXTURE_TEARDOWN(userns)
{
	if (self->chan > 0)
		close(self->chan);
	if (self->ctl > 0)
		close(self->ctl);
}

struct us_arg {
	const char *name;
	uid_t uid;	/* become this uid first (0: stay root) */
	int map;	/* map namespace root to uid */
	__u32 want[4];	/* expected uid, gid, cuid, cgid from STAT */
	__u32 set_flags, set_uid, set_gid;
	int op;
};

enum { US_STAT, US_SET, US_CONNECT, US_RMID };

static int us_child(void *p)
{
	struct us_arg *a = p;
	struct fastipc_chan_stat st;
	int ctl, ret;

	CHILD_CHECK(enter_userns(a->uid, a->map) == 0);
	ctl = fipc_open();
	CHILD_CHECK(ctl >= 0);
	switch (a->op) {
	case US_STAT:
		ret = fipc_stat(ctl, a->name, &st);
		if (ret < 0)
			return -ret;
		if (st.perm.uid == a->want[0] && st.perm.gid == a->want[1] &&
		    st.perm.cuid == a->want[2] && st.perm.cgid == a->want[3])
			return 0;
		fprintf(stderr, "# stat in userns: uid %u gid %u cuid %u cgid %u, want %u %u %u %u\n",
			st.perm.uid, st.perm.gid, st.perm.cuid, st.perm.cgid,
			a->want[0], a->want[1], a->want[2], a->want[3]);
		return SETUP_FAILED + 1;
	case US_SET:
		return result(fipc_set(ctl, a->name, a->set_flags, a->set_uid,
				       a->set_gid, 0));
	}
	return SETUP_FAILED;
}

/* Give the fixture's channel to USER (cuid/cgid stay 0) and mode 0644. */
static int give_to_user(FIXTURE_DATA(userns) *self)
{
	return fipc_set(self->ctl, self->name, FASTIPC_SET_UID |
			FASTIPC_SET_GID | FASTIPC_SET_MODE, USER, USER, 0644);
}

TEST_F(userns, stat_unmapped_shows_overflow_ids)
{
	struct us_arg a = { .name = self->name, .op = US_STAT };

	if (SETUP_SKIPPED())
		return;
	ASSERT_EQ(0, give_to_user(self));
	a.want[0] = a.want[2] = self->overflowuid;
	a.want[1] = a.want[3] = self->overflowgid;
	EXPECT_EQ(0, run_child(us_child, &a));
}

TEST_F(userns, stat_maps_mapped_owner)
{
	struct us_arg a = { .name = self->name, .op = US_STAT,
			    .uid = USER, .map = 1 };

	if (SETUP_SKIPPED())
		return;
	ASSERT_EQ(0, give_to_user(self));
	/* USER is the namespace's 0; the creator (root) is unmapped. */
	a.want[0] = a.want[1] = 0;
	a.want[2] = self->overflowuid;
	a.want[3] = self->overflowgid;
	EXPECT_EQ(0, run_child(us_child, &a));
}

TEST_F(userns, set_unmapped_uid_einval)
{
	struct us_arg a = { .name = self->name, .op = US_SET, .uid = USER,
			    .map = 1, .set_flags = FASTIPC_SET_UID,
			    .set_uid = 1 };
	struct fastipc_chan_stat st;

	if (SETUP_SKIPPED())
		return;
	ASSERT_EQ(0, give_to_user(self));
	EXPECT_EQ(EINVAL, run_child(us_child, &a));
	ASSERT_EQ(0, fipc_stat(self->ctl, self->name, &st));
	EXPECT_EQ((__u32)USER, st.perm.uid);
}

TEST_F(userns, set_unmapped_gid_einval)
{
	struct us_arg a = { .name = self->name, .op = US_SET, .uid = USER,
			    .map = 1, .set_flags = FASTIPC_SET_GID,
			    .set_gid = 1 };
	struct fastipc_chan_stat st;

	if (SETUP_SKIPPED())
		return;
	ASSERT_EQ(0, give_to_user(self));
	EXPECT_EQ(EINVAL, run_child(us_child, &a));
	ASSERT_EQ(0, fipc_stat(self->ctl, self->name, &st));
	EXPECT_EQ((__u32)USER, st.perm.gid);
}

TEST_F(userns, set_uid_without_map_einval)
{
	if (SETUP_SKIPPED())
		return;
	/* Root (the creator) in a namespace where even 0 is unmapped. */
	struct us_arg a = { .name = self->name, .op = US_SET,
			    .set_flags = FASTIPC_SET_UID, .set_uid = 0 };

	EXPECT_EQ(EINVAL, run_child(us_child, &a));
}

TEST_F(userns, set_mapped_uid_translated)
{
	struct us_arg a = { .name = self->name, .op = US_SET, .uid = USER,
			    .map = 1, .set_flags = FASTIPC_SET_UID |
			    FASTIPC_SET_GID };
	struct fastipc_chan_stat st;

	if (SETUP_SKIPPED())
		return;
	/* The owner gives it to uid 0 of its namespace: USER outside. */
	ASSERT_EQ(0, fipc_set(self->ctl, self->name, FASTIPC_SET_UID |
			      FASTIPC_SET_GID, USER, 4321, 0));
	EXPECT_EQ(0, run_child(us_child, &a));
	ASSERT_EQ(0, fipc_stat(self->ctl, self->name, &st));
	EXPECT_EQ((__u32)USER, st.perm.uid);
	EXPECT_EQ((__u32)USER, st.perm.gid);
}

/*
 * Capabilities of a user namespace's root: USER enters a new user
 * namespace and becomes its root, with every capability there but none
 * over the initial namespaces, which own the fixture's root channel.
 */
struct capns_arg {
	const char *name;
	int op;
	int own_ipcns;
};

static int capns_child(void *p)
{
	struct capns_arg *a = p;
	struct fastipc_chan_stat st;
	char name[FASTIPC_NAME_MAX];
	int ctl, chan;

	CHILD_CHECK(enter_userns(USER, 1) == 0);
	CHILD_CHECK(has_cap(CAP_IPC_OWNER) && has_cap(CAP_SYS_ADMIN));
	if (a->own_ipcns)
		CHILD_CHECK(unshare(CLONE_NEWIPC) == 0);
	ctl = fipc_open();
	CHILD_CHECK(ctl >= 0);
	if (a->op == US_CONNECT && !a->name) {
		/* Its own channel, mode 0: only CAP_IPC_OWNER lets it in. */
		fipc_unique_name(name, "usc");
		chan = fipc_create(ctl, name, 0, 0);
		CHILD_CHECK(chan >= 0);
		return result(fipc_connect(ctl, name, NULL));
	}
	switch (a->op) {
	case US_CONNECT:
		return result(fipc_connect(ctl, a->name, NULL));
	case US_STAT:
		return result(fipc_stat(ctl, a->name, &st));
	case US_SET:
		return result(fipc_set(ctl, a->name, FASTIPC_SET_MODE, 0, 0,
				       0666));
	case US_RMID:
		return result(fipc_rmid(ctl, a->name));
	}
	return SETUP_FAILED;
}

static void channel_untouched(struct __test_metadata *_metadata,
			      FIXTURE_DATA(userns) *self)
{
	struct fastipc_chan_stat st;

	ASSERT_EQ(0, fipc_stat(self->ctl, self->name, &st));
	EXPECT_EQ(0600U, st.perm.mode);
	EXPECT_EQ(0U, st.nr_conns);
}

TEST_F(userns, child_userns_cap_ipc_owner_connect_eacces)
{
	struct capns_arg a = { .name = self->name, .op = US_CONNECT };

	if (SETUP_SKIPPED())
		return;
	EXPECT_EQ(EACCES, run_child(capns_child, &a));
	channel_untouched(_metadata, self);
}

TEST_F(userns, child_userns_cap_ipc_owner_stat_eacces)
{
	struct capns_arg a = { .name = self->name, .op = US_STAT };

	if (SETUP_SKIPPED())
		return;
	EXPECT_EQ(EACCES, run_child(capns_child, &a));
}

TEST_F(userns, child_userns_cap_sys_admin_set_eperm)
{
	struct capns_arg a = { .name = self->name, .op = US_SET };

	if (SETUP_SKIPPED())
		return;
	EXPECT_EQ(EPERM, run_child(capns_child, &a));
	channel_untouched(_metadata, self);
}

TEST_F(userns, child_userns_cap_sys_admin_rmid_eperm)
{
	struct capns_arg a = { .name = self->name, .op = US_RMID };

	if (SETUP_SKIPPED())
		return;
	EXPECT_EQ(EPERM, run_child(capns_child, &a));
	channel_untouched(_metadata, self);
}

TEST_F(userns, caps_ignored_for_channel_of_init_ipcns)
{
	struct capns_arg a = { .op = US_CONNECT };

	if (SETUP_SKIPPED())
		return;
	EXPECT_EQ(EACCES, run_child(capns_child, &a));
}

TEST_F(userns, caps_count_in_owning_userns)
{
	struct capns_arg a = { .op = US_CONNECT, .own_ipcns = 1 };

	if (SETUP_SKIPPED())
		return;
	EXPECT_EQ(0, run_child(capns_child, &a));
}

TEST_HARNESS_MAIN
