// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc: channel creation and lookup by name and key, name rules,
 * uniqueness, O_CLOEXEC, the CONNECT/DISCONNECT messages, and the
 * fd-making ioctls at RLIMIT_NOFILE.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "kselftest_harness.h"
#include "fastipc_util.h"
#include "region_util.h"

FIXTURE(chan) {
	int ctl;
	char name[FASTIPC_NAME_MAX];
};

FIXTURE_SETUP(chan)
{
	FIPC_REQUIRE_DEV();
	self->ctl = fipc_open();
	ASSERT_LE(0, self->ctl);
	fipc_unique_name(self->name, "chan");
}

FIXTURE_TEARDOWN(chan)
{
	close(self->ctl);
}

/* CHAN_CREATE with a raw 64-byte name field. */
static int create_raw(int ctl, const char name[FASTIPC_NAME_MAX], __u64 key)
{
	struct fastipc_chan_create c;

	memset(&c, 0, sizeof(c));
	memcpy(c.ref.name, name, FASTIPC_NAME_MAX);
	c.ref.key = key;
	c.mode = 0600;
	return fipc_ioctl(ctl, FASTIPC_IOC_CHAN_CREATE, &c);
}

static __u64 now_realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (__u64)ts.tv_sec * FIPC_SEC + ts.tv_nsec;
}

TEST_F(chan, create_and_stat)
{
	struct fastipc_chan_stat st;
	__u64 before = now_realtime_ns();
	int fd;

	fd = fipc_create(self->ctl, self->name, 0, 0640);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, fipc_stat(self->ctl, self->name, &st));
	EXPECT_EQ(geteuid(), st.perm.uid);
	EXPECT_EQ(getegid(), st.perm.gid);
	EXPECT_EQ(geteuid(), st.perm.cuid);
	EXPECT_EQ(getegid(), st.perm.cgid);
	EXPECT_EQ(0640U, st.perm.mode);
	EXPECT_EQ(0ULL, st.perm.key);
	EXPECT_EQ(getpid(), st.cpid);
	EXPECT_EQ(0U, st.nr_conns);
	EXPECT_EQ(0U, st.queue_msgs);
	EXPECT_EQ(0U, st.queue_bytes);
	EXPECT_EQ((__u32)FASTIPC_MSG_MAX_DEFAULT, st.msg_max);
	EXPECT_EQ((__u32)FASTIPC_QUEUE_MSGS_DEFAULT, st.queue_msgs_max);
	EXPECT_EQ((__u32)FASTIPC_QUEUE_BYTES_DEFAULT, st.queue_bytes_max);
	EXPECT_LE(before - FIPC_SEC, st.ctime_ns);
	EXPECT_GE(now_realtime_ns() + FIPC_SEC, st.ctime_ns);
	EXPECT_EQ(0ULL, st.counters.calls);
	/* The ref comes back as given. */
	EXPECT_STREQ(self->name, st.ref.name);
	close(fd);
}

TEST_F(chan, create_limits_reported)
{
	struct fastipc_chan_stat st;
	int fd;

	fd = fipc_create_lim(self->ctl, self->name, 4096, 8, 65536);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, fipc_stat(self->ctl, self->name, &st));
	EXPECT_EQ(4096U, st.msg_max);
	EXPECT_EQ(8U, st.queue_msgs_max);
	EXPECT_EQ(65536U, st.queue_bytes_max);
	close(fd);
}

TEST_F(chan, create_msg_max_above_cap)
{
	struct fastipc_api api;

	ASSERT_EQ(0, fipc_api(self->ctl, &api));
	ASSERT_GT(0xffffffffU, api.msg_max_cap);
	EXPECT_EQ(-EINVAL, fipc_create_lim(self->ctl, self->name,
					   api.msg_max_cap + 1, 0, 0));
	EXPECT_EQ(-ENOENT, fipc_connect(self->ctl, self->name, NULL));
}

TEST_F(chan, create_queue_bytes_below_msg_max)
{
	EXPECT_EQ(-EINVAL, fipc_create_lim(self->ctl, self->name, 8192, 0, 4096));
	EXPECT_EQ(-ENOENT, fipc_connect(self->ctl, self->name, NULL));
}

TEST_F(chan, create_mode_above_0777)
{
	EXPECT_EQ(-EINVAL, fipc_create(self->ctl, self->name, 0, 01000));
	EXPECT_EQ(-EINVAL, fipc_create(self->ctl, self->name, 0, 04600));
	EXPECT_EQ(-ENOENT, fipc_connect(self->ctl, self->name, NULL));
}

TEST_F(chan, connect_by_name_and_key)
{
	struct fastipc_chan_stat st;
	__u64 key = fipc_unique_key(), id1, id2;
	int fd, c1, c2;

	fd = fipc_create(self->ctl, self->name, key, 0600);
	ASSERT_LE(0, fd);
	c1 = fipc_connect(self->ctl, self->name, &id1);
	ASSERT_LE(0, c1);
	c2 = fipc_connect_key(self->ctl, key, &id2);
	ASSERT_LE(0, c2);
	EXPECT_NE(id1, id2);
	memset(&st, 0, sizeof(st));
	fipc_ref_key(&st.ref, key);
	ASSERT_EQ(0, fipc_ioctl(self->ctl, FASTIPC_IOC_CHAN_STAT, &st));
	EXPECT_EQ(key, st.perm.key);
	EXPECT_EQ(2U, st.nr_conns);
	close(c1);
	close(c2);
	close(fd);
}

TEST_F(chan, name_empty)
{
	char raw[FASTIPC_NAME_MAX] = { 0 };

	EXPECT_EQ(-EINVAL, create_raw(self->ctl, raw, 0));
	/* Even with a key, a name is required to create. */
	EXPECT_EQ(-EINVAL, create_raw(self->ctl, raw, fipc_unique_key()));
}

TEST_F(chan, name_63_bytes)
{
	char raw[FASTIPC_NAME_MAX] = { 0 };
	int fd, c;

	snprintf(raw, sizeof(raw), "%s", self->name);
	memset(raw + strlen(raw), 'x', FASTIPC_NAME_MAX - 1 - strlen(raw));
	ASSERT_EQ(63U, strlen(raw));
	fd = create_raw(self->ctl, raw, 0);
	ASSERT_LE(0, fd);
	c = fipc_connect(self->ctl, raw, NULL);
	EXPECT_LE(0, c);
	close(c);
	close(fd);
}

TEST_F(chan, name_64_no_nul)
{
	char raw[FASTIPC_NAME_MAX];

	memset(raw, 'y', sizeof(raw));
	memcpy(raw, self->name, strlen(self->name));
	EXPECT_EQ(-ENAMETOOLONG, create_raw(self->ctl, raw, 0));
}

TEST_F(chan, name_lookup_64_no_nul)
{
	struct fastipc_connect c;

	memset(&c, 0, sizeof(c));
	memset(c.ref.name, 'y', FASTIPC_NAME_MAX);
	EXPECT_EQ(-ENAMETOOLONG, fipc_ioctl(self->ctl, FASTIPC_IOC_CONNECT, &c));
}

TEST_F(chan, name_bad_chars)
{
	static const char bad[] = { ' ', '/', 0x7f, '\n', '\t', (char)0x80,
				    (char)0xff, 0x01 };
	char raw[FASTIPC_NAME_MAX];
	unsigned int i;
	size_t len = strlen(self->name);

	for (i = 0; i < sizeof(bad); i++) {
		memset(raw, 0, sizeof(raw));
		memcpy(raw, self->name, len);
		raw[len] = bad[i];
		raw[len + 1] = 'z';
		EXPECT_EQ(-EINVAL, create_raw(self->ctl, raw, 0))
			TH_LOG("char %#x", (unsigned char)bad[i]);
	}
	/* A name made only of a bad char, and a leading '/'. */
	memset(raw, 0, sizeof(raw));
	raw[0] = '/';
	memcpy(raw + 1, self->name, len);
	EXPECT_EQ(-EINVAL, create_raw(self->ctl, raw, 0));
}

TEST_F(chan, name_edge_chars_ok)
{
	char name[2 * FASTIPC_NAME_MAX];
	int fd;

	snprintf(name, sizeof(name), "!%s~", self->name);
	ASSERT_GT((size_t)FASTIPC_NAME_MAX, strlen(name));
	fd = fipc_create(self->ctl, name, 0, 0600);
	ASSERT_LE(0, fd);
	close(fd);
}

TEST_F(chan, name_garbage_after_nul)
{
	char raw[FASTIPC_NAME_MAX] = { 0 };
	size_t len = strlen(self->name);
	struct fastipc_connect c;
	int fd;

	memcpy(raw, self->name, len);
	raw[FASTIPC_NAME_MAX - 1] = 'g';
	EXPECT_EQ(-EINVAL, create_raw(self->ctl, raw, 0));
	raw[FASTIPC_NAME_MAX - 1] = 0;
	raw[len + 1] = 'g';
	EXPECT_EQ(-EINVAL, create_raw(self->ctl, raw, 0));

	/* Same rule on lookup. */
	fd = fipc_create(self->ctl, self->name, 0, 0600);
	ASSERT_LE(0, fd);
	memset(&c, 0, sizeof(c));
	memcpy(c.ref.name, raw, sizeof(raw));
	EXPECT_EQ(-EINVAL, fipc_ioctl(self->ctl, FASTIPC_IOC_CONNECT, &c));
	close(fd);
}

TEST_F(chan, exists_name)
{
	int fd;

	fd = fipc_create(self->ctl, self->name, 0, 0600);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-EEXIST, fipc_create(self->ctl, self->name, 0, 0600));
	EXPECT_EQ(-EEXIST, fipc_create(self->ctl, self->name,
				       fipc_unique_key(), 0600));
	close(fd);
}

TEST_F(chan, exists_key)
{
	char other[FASTIPC_NAME_MAX];
	__u64 key = fipc_unique_key();
	int fd;

	fd = fipc_create(self->ctl, self->name, key, 0600);
	ASSERT_LE(0, fd);
	fipc_unique_name(other, "chan");
	EXPECT_EQ(-EEXIST, fipc_create(self->ctl, other, key, 0600));
	/* The failed create did not take the other name either. */
	EXPECT_EQ(-ENOENT, fipc_connect(self->ctl, other, NULL));
	close(fd);
}

TEST_F(chan, name_and_key_reusable_after_close)
{
	struct fastipc_chan_stat st;
	__u64 key = fipc_unique_key();
	__u32 seq1;
	int fd;

	fd = fipc_create(self->ctl, self->name, key, 0600);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, fipc_stat(self->ctl, self->name, &st));
	seq1 = st.perm.seq;
	close(fd);
	EXPECT_EQ(-ENOENT, fipc_connect(self->ctl, self->name, NULL));
	EXPECT_EQ(-ENOENT, fipc_connect_key(self->ctl, key, NULL));
	fd = fipc_create(self->ctl, self->name, key, 0600);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, fipc_stat(self->ctl, self->name, &st));
	EXPECT_GT(st.perm.seq, seq1);
	close(fd);
}

TEST_F(chan, name_freed_with_live_connection)
{
	int fd, conn;

	fd = fipc_create(self->ctl, self->name, 0, 0600);
	ASSERT_LE(0, fd);
	conn = fipc_connect(self->ctl, self->name, NULL);
	ASSERT_LE(0, conn);
	close(fd);
	EXPECT_EQ(-ENOENT, fipc_connect(self->ctl, self->name, NULL));
	fd = fipc_create(self->ctl, self->name, 0, 0600);
	EXPECT_LE(0, fd);
	close(fd);
	close(conn);
}

TEST_F(chan, lookup_missing)
{
	struct fastipc_chan_stat st;
	struct fastipc_chan_rmid r;

	EXPECT_EQ(-ENOENT, fipc_connect(self->ctl, self->name, NULL));
	EXPECT_EQ(-ENOENT, fipc_connect_key(self->ctl, fipc_unique_key(), NULL));
	EXPECT_EQ(-ENOENT, fipc_stat(self->ctl, self->name, &st));
	EXPECT_EQ(-ENOENT, fipc_set(self->ctl, self->name, FASTIPC_SET_MODE,
				    0, 0, 0600));
	EXPECT_EQ(-ENOENT, fipc_rmid(self->ctl, self->name));
	memset(&r, 0, sizeof(r));
	fipc_ref_key(&r.ref, fipc_unique_key());
	EXPECT_EQ(-ENOENT, fipc_ioctl(self->ctl, FASTIPC_IOC_CHAN_RMID, &r));
}

TEST_F(chan, fds_are_cloexec)
{
	int fd, conn;

	fd = fipc_create(self->ctl, self->name, 0, 0600);
	ASSERT_LE(0, fd);
	conn = fipc_connect(self->ctl, self->name, NULL);
	ASSERT_LE(0, conn);
	EXPECT_TRUE(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	EXPECT_TRUE(fcntl(conn, F_GETFD) & FD_CLOEXEC);
	close(conn);
	close(fd);
}

/* Lookup ioctls with both name and key, or neither. */
static int lookup(int ctl, unsigned long cmd, const char *name, __u64 key)
{
	union {
		struct fastipc_connect c;
		struct fastipc_chan_stat st;
		struct fastipc_chan_set s;
		struct fastipc_chan_rmid r;
	} u;

	memset(&u, 0, sizeof(u));
	fipc_ref_name(&u.c.ref, name);
	u.c.ref.key = key;
	if (cmd == FASTIPC_IOC_CHAN_SET) {
		u.s.flags = FASTIPC_SET_MODE;
		u.s.mode = 0600;
	}
	return fipc_ioctl(ctl, cmd, &u);
}

TEST_F(chan, lookup_both_or_neither)
{
	static const unsigned long cmds[] = {
		FASTIPC_IOC_CONNECT, FASTIPC_IOC_CHAN_STAT,
		FASTIPC_IOC_CHAN_SET, FASTIPC_IOC_CHAN_RMID,
	};
	struct fastipc_chan_stat st;
	__u64 key = fipc_unique_key();
	unsigned int i;
	int fd;

	fd = fipc_create(self->ctl, self->name, key, 0600);
	ASSERT_LE(0, fd);
	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		EXPECT_EQ(-EINVAL, lookup(self->ctl, cmds[i], self->name, key))
			TH_LOG("both, nr %#x", _IOC_NR(cmds[i]));
		EXPECT_EQ(-EINVAL, lookup(self->ctl, cmds[i], "", 0))
			TH_LOG("neither, nr %#x", _IOC_NR(cmds[i]));
	}
	/* Still there: the RMID attempts were rejected. */
	EXPECT_EQ(0, fipc_stat(self->ctl, self->name, &st));
	EXPECT_EQ(0U, st.nr_conns);
	close(fd);
}

TEST_F(chan, connect_disconnect_messages)
{
	struct fastipc_chan_stat st;
	struct fastipc_msg_hdr h;
	__u64 id;
	int fd, conn;

	fd = fipc_create(self->ctl, self->name, 0, 0600);
	ASSERT_LE(0, fd);
	conn = fipc_connect(self->ctl, self->name, &id);
	ASSERT_LE(0, conn);
	ASSERT_EQ(0, fipc_recv_wait(fd, NULL, 0, &h));
	EXPECT_EQ((__u32)FASTIPC_MSG_CONNECT, h.type);
	EXPECT_EQ(id, h.conn_id);
	EXPECT_EQ(0U, h.op);
	EXPECT_EQ(0U, h.len);
	EXPECT_EQ(getpid(), h.pid);
	EXPECT_EQ(geteuid(), h.uid);
	EXPECT_EQ(getegid(), h.gid);
	EXPECT_EQ(0U, h.flags);
	ASSERT_EQ(0, fipc_stat(self->ctl, self->name, &st));
	EXPECT_EQ(1U, st.nr_conns);

	close(conn);
	ASSERT_EQ(0, fipc_recv_wait(fd, NULL, 0, &h));
	EXPECT_EQ((__u32)FASTIPC_MSG_DISCONNECT, h.type);
	EXPECT_EQ(id, h.conn_id);
	EXPECT_EQ(0U, h.len);
	EXPECT_EQ(-EAGAIN, fipc_recv(fd, NULL, 0, FASTIPC_F_NONBLOCK, 0, NULL));
	ASSERT_EQ(0, fipc_stat(self->ctl, self->name, &st));
	EXPECT_EQ(0U, st.nr_conns);
	close(fd);
}

TEST_F(chan, conn_ids_never_reused)
{
	__u64 ids[6];
	int fd, conn, i, j;

	fd = fipc_create(self->ctl, self->name, 0, 0600);
	ASSERT_LE(0, fd);
	for (i = 0; i < 6; i++) {
		conn = fipc_connect(self->ctl, self->name, &ids[i]);
		ASSERT_LE(0, conn);
		close(conn);
		for (j = 0; j < i; j++)
			EXPECT_NE(ids[j], ids[i]);
	}
	close(fd);
}

/* ---- the fd table full: RLIMIT_NOFILE (checklist case 44) ---- */

#define FILLERS_MAX	64

FIXTURE(emfile) {
	int ctl, chan, conn;
	__u64 conn_id;
	char name[FASTIPC_NAME_MAX];
	struct rlimit old;
	int fill[FILLERS_MAX], nfill;
	/* user_chans_max, user_conns_max: read while fds are left */
	unsigned long long chans_max, conns_max;
};

/* Use every fd below a lowered RLIMIT_NOFILE. */
static int fill_fd_table(FIXTURE_DATA(emfile) *self)
{
	struct rlimit rl = self->old;
	int fd;

	rl.rlim_cur = fcntl(self->ctl, F_DUPFD_CLOEXEC, 0);
	if ((int)rl.rlim_cur < 0)
		return -errno;
	close(rl.rlim_cur);
	rl.rlim_cur += FILLERS_MAX / 2;
	if (setrlimit(RLIMIT_NOFILE, &rl))
		return -errno;
	while (self->nfill < FILLERS_MAX) {
		fd = dup(self->ctl);
		if (fd < 0)
			return errno == EMFILE ? 0 : -errno;
		self->fill[self->nfill++] = fd;
	}
	return -ENOSPC;
}

FIXTURE_SETUP(emfile)
{
	struct fastipc_connect c;
	struct fastipc_msg_hdr h;

	FIPC_REQUIRE_DEV();
	self->nfill = 0;
	ASSERT_EQ(0, read_param("user_chans_max", &self->chans_max));
	ASSERT_EQ(0, read_param("user_conns_max", &self->conns_max));
	ASSERT_EQ(0, getrlimit(RLIMIT_NOFILE, &self->old));
	self->ctl = fipc_open();
	ASSERT_LE(0, self->ctl);
	fipc_unique_name(self->name, "emf");
	self->chan = fipc_create(self->ctl, self->name, 0, 0600);
	ASSERT_LE(0, self->chan);
	self->conn = connect_rgn(self->ctl, self->name, 2 * PG, &c);
	ASSERT_LE(0, self->conn);
	self->conn_id = c.conn_id;
	ASSERT_EQ(0, fipc_recv_type(self->chan, FASTIPC_MSG_CONNECT, NULL, 0,
				    &h));
	ASSERT_EQ(0, fill_fd_table(self));
}

FIXTURE_TEARDOWN(emfile)
{
	while (self->nfill > 0)
		close(self->fill[--self->nfill]);
	setrlimit(RLIMIT_NOFILE, &self->old);
	close(self->conn);
	close(self->chan);
	close(self->ctl);
}

/* Free one fd slot. */
static void free_slot(FIXTURE_DATA(emfile) *self)
{
	close(self->fill[--self->nfill]);
}

TEST_F(emfile, create_makes_nothing)
{
	unsigned long long i;
	char name[FASTIPC_NAME_MAX];
	struct fastipc_chan_stat st;
	__u64 key = fipc_unique_key();
	int fd;

	fipc_unique_name(name, "emfc");
	/* More refusals than the quota: none may keep a channel's charge. */
	for (i = 0; i <= self->chans_max; i++)
		ASSERT_EQ(-EMFILE, fipc_create(self->ctl, name, key, 0600));
	EXPECT_EQ(-ENOENT, fipc_stat(self->ctl, name, &st));
	EXPECT_EQ(-ENOENT, fipc_connect_key(self->ctl, key, NULL));
	free_slot(self);
	fd = fipc_create(self->ctl, name, key, 0600);
	EXPECT_LE(0, fd);
	close(fd);
}

TEST_F(emfile, connect_makes_nothing)
{
	unsigned long long i;
	struct fastipc_chan_stat st;
	struct fastipc_msg_hdr h;
	__u64 id;
	int fd;

	for (i = 0; i <= self->conns_max; i++)
		ASSERT_EQ(-EMFILE, fipc_connect(self->ctl, self->name, NULL));
	ASSERT_EQ(0, fipc_stat(self->ctl, self->name, &st));
	EXPECT_EQ(1U, st.nr_conns);
	EXPECT_EQ(0U, st.queue_msgs);
	free_slot(self);
	fd = fipc_connect(self->ctl, self->name, &id);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, fipc_recv_type(self->chan, FASTIPC_MSG_CONNECT, NULL, 0,
				    &h));
	EXPECT_EQ(id, h.conn_id);
	close(fd);
}

TEST_F(emfile, conn_region_makes_nothing)
{
	struct fastipc_region_layout l;
	int i, fd;

	for (i = 0; i < 100; i++)
		ASSERT_EQ(-EMFILE, conn_region(self->chan, self->conn_id, &l));
	free_slot(self);
	fd = conn_region(self->chan, self->conn_id, &l);
	EXPECT_LE(0, fd);
	close(fd);
}

TEST_HARNESS_MAIN
