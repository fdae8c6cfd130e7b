// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc: user namespaces (reliability checklist cases 33-35, 45).
 *
 * Inside a user namespace, unmapped owners read as the overflow ids, an
 * unmapped owner cannot be set (-EINVAL), capabilities count only in the
 * user namespace that owns the channel's IPC namespace, and a user
 * namespace that dies while its channels, connections and quota charges
 * live on leaves them working and accounted.
 *
 * Needs root. Each check runs in a forked child that unshares; the child
 * exits with 0 on success, the errno of the checked call on failure, or
 * 100 when its setup failed.
 */
#define _GNU_SOURCE
#include <fcntl.h>
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
#include "ns_util.h"

#define USER		1000	/* the uid a user-namespace child starts as */

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
	return fipc_enter_userns(USER, 1) ? 1 : 0;
}

/* ---- user namespaces ---- */

FIXTURE(userns) {
	int ctl;
	int chan;
	char name[FASTIPC_NAME_MAX];
	__u32 overflowuid, overflowgid;
	unsigned long long chans_saved;	/* user_chans_max to restore */
	int chans_set;
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
	if (self->chans_set &&
	    write_param("user_chans_max", self->chans_saved))
		fprintf(stderr, "# restoring user_chans_max=%llu failed\n",
			self->chans_saved);
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

	CHILD_CHECK(fipc_enter_userns(a->uid, a->map) == 0);
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

	CHILD_CHECK(fipc_enter_userns(USER, 1) == 0);
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

/*
 * A user namespace that dies while its channel, connection and quota
 * charge live on (checklist case 45, the CVE-2022-24122 class): they keep
 * working, the charge stays with the user outside and goes with the
 * channel.
 */
struct dead_arg {
	int up[2], down[2];
	char name[FASTIPC_NAME_MAX];
};

/* In a new user namespace: a channel and a connection; hand over fds. */
static int dead_ns_child(void *p)
{
	struct dead_arg *a = p;
	int ctl, fds[2];
	char c;

	CHILD_CHECK(fipc_enter_userns(USER, 1) == 0);
	ctl = fipc_open();
	CHILD_CHECK(ctl >= 0);
	fds[0] = fipc_create(ctl, a->name, 0, 0600);
	CHILD_CHECK(fds[0] >= 0);
	fds[1] = fipc_connect(ctl, a->name, NULL);
	CHILD_CHECK(fds[1] >= 0);
	CHILD_CHECK(write(a->up[1], fds, sizeof(fds)) == sizeof(fds));
	CHILD_CHECK(read(a->down[0], &c, 1) == 1);
	return 0;
}

/* Take @n fds of @pid (numbers in @fds) into this process. */
static int grab_fds(pid_t pid, int *fds, int n)
{
	int pfd, i, ret = 0;

	pfd = syscall(SYS_pidfd_open, pid, 0);
	if (pfd < 0)
		return -errno;
	for (i = 0; i < n && !ret; i++) {
		fds[i] = syscall(SYS_pidfd_getfd, pfd, fds[i], 0);
		if (fds[i] < 0)
			ret = -errno;
	}
	close(pfd);
	return ret;
}

/* As USER, in the initial user namespace: create a channel. */
static int user_create(void *p)
{
	char name[FASTIPC_NAME_MAX];
	int ctl;

	(void)p;
	CHILD_CHECK(fipc_become(USER, USER, NULL, 0, -1) == 0);
	ctl = fipc_open();
	CHILD_CHECK(ctl >= 0);
	fipc_unique_name(name, "usq");
	return result(fipc_create(ctl, name, 0, 0600));
}

TEST_F(userns, dead_userns_channel_and_charge_live_on)
{
	struct dead_arg a;
	struct fastipc_chan_stat st;
	struct fastipc_msg_hdr h;
	char buf[8];
	int fds[2];
	pid_t pid;

	if (SETUP_SKIPPED())
		return;
	ASSERT_EQ(0, read_param("user_chans_max", &self->chans_saved));
	self->chans_set = 1;
	ASSERT_EQ(0, pipe(a.up));
	ASSERT_EQ(0, pipe(a.down));
	fipc_unique_name(a.name, "usd");
	ASSERT_EQ(0, write_param("user_chans_max", 1));
	pid = fipc_fork(dead_ns_child, &a);
	ASSERT_LE(0, pid);
	ASSERT_EQ(sizeof(fds), read(a.up[0], fds, sizeof(fds)));
	EXPECT_EQ(0, grab_fds(pid, fds, 2));
	EXPECT_EQ(1, write(a.down[1], "x", 1));
	EXPECT_EQ(0, fipc_wait(pid));
	/* The namespace is gone; its objects work and belong to USER. */
	EXPECT_EQ(0, fipc_send(fds[1], 4, "live", 4, 0));
	EXPECT_EQ(0, fipc_recv_type(fds[0], FASTIPC_MSG_CONNECT, NULL, 0, &h));
	EXPECT_EQ(4, fipc_recv_type(fds[0], FASTIPC_MSG_ONEWAY, buf,
				    sizeof(buf), &h));
	ASSERT_EQ(0, fipc_stat(self->ctl, a.name, &st));
	EXPECT_EQ((__u32)USER, st.perm.uid);
	EXPECT_EQ((__u32)USER, st.perm.cuid);
	/* USER's one channel is still charged, then freed with it. */
	EXPECT_EQ(ENOSPC, run_child(user_create, NULL));
	close(fds[1]);
	close(fds[0]);
	EXPECT_EQ(0, run_child(user_create, NULL));
	close(a.up[0]);
	close(a.up[1]);
	close(a.down[0]);
	close(a.down[1]);
}

TEST_HARNESS_MAIN
