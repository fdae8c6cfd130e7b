// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc: per-user quotas and the admin switch (reliability checklist
 * cases 38-41), through the module parameters in
 * /sys/module/fastipc/parameters:
 *
 *  - user_chans_max and user_conns_max: one effective uid creating more
 *    channels, or making more connections, than allowed gets -ENOSPC, root
 *    included; closing a channel frees its slot, and so does closing a
 *    connection once its server received the DISCONNECT; other users keep
 *    their own.
 *  - access: 0 everyone, 1 group access_gid and CAP_SYS_ADMIN, 2 nobody;
 *    checked at open() and again at CHAN_CREATE and CONNECT, while
 *    channels and connections already made keep working.
 *
 * Needs root. Every fixture saves the parameters it changes and restores
 * them in its teardown, which also runs after a failed assertion.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>

#include "kselftest_harness.h"
#include "fastipc_util.h"

/* The 6.1 harness runs the test body even when its setup skipped. */
#define SETUP_SKIPPED()	(_metadata->skip)

#define USER		1000
#define OTHER		1001
#define GROUP		4242	/* access_gid in the access tests */
#define LIMIT		4	/* user_chans_max / user_conns_max under test */
#define SETUP_FAILED	100

static const char *const params[] = {
	"user_chans_max", "user_conns_max", "access", "access_gid",
};

#define NPARAMS		(sizeof(params) / sizeof(params[0]))

/* The saved values of params[], restored by params_restore(). */
struct saved {
	unsigned long long val[NPARAMS];
	int ok;
};

static int params_save(struct saved *s)
{
	unsigned int i;
	int ret;

	for (i = 0; i < NPARAMS; i++) {
		ret = read_param(params[i], &s->val[i]);
		if (ret)
			return ret;
	}
	s->ok = 1;
	return 0;
}

/* Restore in reverse: access last but one is fine, access_gid last. */
static int params_restore(struct saved *s)
{
	int i, ret = 0;

	if (!s->ok)
		return 0;
	for (i = NPARAMS - 1; i >= 0; i--) {
		if (write_param(params[i], s->val[i])) {
			fprintf(stderr, "# restoring %s=%llu: %s\n", params[i],
				s->val[i], strerror(errno));
			ret = -EIO;
		}
	}
	return ret;
}

static int result(int ret)
{
	return ret < 0 ? -ret : 0;
}

static int run_child(int (*fn)(void *), void *arg)
{
	pid_t pid = fipc_fork(fn, arg);

	return pid < 0 ? -errno : fipc_wait(pid);
}

#define FIPC_REQUIRE_PARAMS(s) do {					\
	if (geteuid())							\
		SKIP(return, "needs root (module parameters, setresuid)"); \
	if (params_save(s))						\
		SKIP(return, "module parameters user_chans_max..access_gid missing"); \
} while (0)

/* ---- quotas ---- */

FIXTURE(quota) {
	struct saved saved;
	int ctl;
	int fds[2 * LIMIT + 2];
	int nfds;
	char name[FASTIPC_NAME_MAX];
};

FIXTURE_SETUP(quota)
{
	FIPC_REQUIRE_DEV();
	FIPC_REQUIRE_PARAMS(&self->saved);
	ASSERT_EQ(0, write_param("user_chans_max", LIMIT));
	ASSERT_EQ(0, write_param("user_conns_max", LIMIT));
	self->ctl = fipc_open();
	ASSERT_LE(0, self->ctl);
}

FIXTURE_TEARDOWN(quota)
{
	int i;

	for (i = 0; i < self->nfds; i++)
		if (self->fds[i] >= 0)
			close(self->fds[i]);
	if (self->ctl > 0)
		close(self->ctl);
	EXPECT_EQ(0, params_restore(&self->saved));
}

/*
 * Create channels (@conns: connections to @name) until refused, at most
 * LIMIT + 1, keeping the fds in @fds. Returns how many succeeded; *err is
 * the refusal (0 if none).
 */
static int fill(int ctl, const char *name, int conns, int *fds, int *err)
{
	char nm[FASTIPC_NAME_MAX];
	int n, fd;

	*err = 0;
	for (n = 0; n <= LIMIT; n++) {
		if (conns) {
			fd = fipc_connect(ctl, name, NULL);
		} else {
			fipc_unique_name(nm, "lim");
			fd = fipc_create(ctl, nm, 0, 0600);
		}
		if (fd < 0) {
			*err = fd;
			break;
		}
		fds[n] = fd;
	}
	return n;
}

static void fill_self(struct __test_metadata *_metadata,
		      FIXTURE_DATA(quota) *self, int conns)
{
	int err;

	self->nfds = fill(self->ctl, self->name, conns, self->fds, &err);
	ASSERT_EQ(LIMIT, self->nfds);
	ASSERT_EQ(-ENOSPC, err);
}

/* The shared channel the connection tests connect to, mode 0666. */
static void make_target(struct __test_metadata *_metadata,
			FIXTURE_DATA(quota) *self)
{
	fipc_unique_name(self->name, "limt");
	self->fds[self->nfds] = fipc_create(self->ctl, self->name, 0, 0666);
	ASSERT_LE(0, self->fds[self->nfds]);
	self->nfds++;
}

struct user_fill {
	const char *name;	/* connect to it; NULL: create channels */
	uid_t uid;
	int want;		/* successes before the refusal, -1: just one */
	int ready, hold;	/* if set: report, then hold until EOF */
	int hold_w;		/* the write end of hold, closed by the child */
};

/* As another uid: fill to the limit, or make one; 0 if as expected. */
static int user_fill_child(void *p)
{
	struct user_fill *u = p;
	int fds[LIMIT + 1], n, err, ctl;
	char nm[FASTIPC_NAME_MAX], x = 1;

	if (u->ready > 0)
		close(u->hold_w);
	CHILD_CHECK(fipc_become(u->uid, u->uid, NULL, 0, -1) == 0);
	ctl = fipc_open();
	CHILD_CHECK(ctl >= 0);
	if (u->want < 0) {
		if (u->name)
			return result(fipc_connect(ctl, u->name, NULL));
		fipc_unique_name(nm, "limu");
		return result(fipc_create(ctl, nm, 0, 0600));
	}
	n = fill(ctl, u->name, u->name != NULL, fds, &err);
	if (n == u->want && err == -ENOSPC) {
		if (u->ready > 0) {
			CHILD_CHECK(write(u->ready, &x, 1) == 1);
			while (read(u->hold, &x, 1) > 0)
				;
		}
		return 0;
	}
	fprintf(stderr, "# uid %u: %d made, then %d (want %d, then %d)\n",
		(unsigned int)u->uid, n, err, u->want, -ENOSPC);
	return err ? -err : SETUP_FAILED + 1;
}

TEST_F(quota, chans_root_enospc)
{
	if (SETUP_SKIPPED())
		return;
	fill_self(_metadata, self, 0);
}

TEST_F(quota, chans_user_enospc)
{
	struct user_fill u = { .uid = USER, .want = LIMIT };

	if (SETUP_SKIPPED())
		return;
	EXPECT_EQ(0, run_child(user_fill_child, &u));
}

TEST_F(quota, chans_close_frees_slot)
{
	char nm[FASTIPC_NAME_MAX];
	int fd;

	if (SETUP_SKIPPED())
		return;
	fill_self(_metadata, self, 0);
	close(self->fds[0]);
	self->fds[0] = -1;
	fipc_unique_name(nm, "limf");
	fd = fipc_create(self->ctl, nm, 0, 0600);
	EXPECT_LE(0, fd);
	self->fds[0] = fd;
}

TEST_F(quota, chans_other_user_unaffected)
{
	struct user_fill u = { .uid = USER, .want = -1 };

	if (SETUP_SKIPPED())
		return;
	fill_self(_metadata, self, 0);
	EXPECT_EQ(0, run_child(user_fill_child, &u));
}

TEST_F(quota, chans_full_user_other_user_unaffected)
{
	struct user_fill full = { .uid = USER, .want = LIMIT };
	struct user_fill one = { .uid = OTHER, .want = -1 };
	int ready[2], hold[2];
	pid_t pid;
	char x;

	if (SETUP_SKIPPED())
		return;
	/* USER holds its full quota while OTHER creates. */
	ASSERT_EQ(0, pipe(ready));
	ASSERT_EQ(0, pipe(hold));
	full.ready = ready[1];
	full.hold = hold[0];
	full.hold_w = hold[1];
	pid = fipc_fork(user_fill_child, &full);
	ASSERT_LT(0, pid);
	close(ready[1]);
	close(hold[0]);
	EXPECT_EQ(1, read(ready[0], &x, 1));
	EXPECT_EQ(0, run_child(user_fill_child, &one));
	close(hold[1]);
	EXPECT_EQ(0, fipc_wait(pid));
	close(ready[0]);
}

TEST_F(quota, chans_limit_ignores_connections)
{
	int fd;

	if (SETUP_SKIPPED())
		return;
	ASSERT_EQ(0, write_param("user_chans_max", 1));
	make_target(_metadata, self);
	/* The one channel allowed exists; connecting is still allowed. */
	fd = fipc_connect(self->ctl, self->name, NULL);
	EXPECT_LE(0, fd);
	self->fds[self->nfds++] = fd;
}

TEST_F(quota, conns_root_enospc)
{
	int err, n;

	if (SETUP_SKIPPED())
		return;
	make_target(_metadata, self);
	n = fill(self->ctl, self->name, 1, self->fds + 1, &err);
	self->nfds += n;
	EXPECT_EQ(LIMIT, n);
	EXPECT_EQ(-ENOSPC, err);
}

TEST_F(quota, conns_user_enospc)
{
	struct user_fill u = { .uid = USER, .want = LIMIT };

	if (SETUP_SKIPPED())
		return;
	make_target(_metadata, self);
	u.name = self->name;
	EXPECT_EQ(0, run_child(user_fill_child, &u));
}

/* Receive all @chan has queued; the DISCONNECTs among it, or -errno. */
static int drain_disconnects(int chan)
{
	struct fastipc_serve s;
	int ret, n = 0;

	while ((ret = fipc_recv(chan, NULL, 0, FASTIPC_F_NONBLOCK, 0, &s)) >= 0)
		n += s.hdr.type == FASTIPC_MSG_DISCONNECT;
	return ret == -EAGAIN ? n : ret;
}

TEST_F(quota, conns_close_frees_slot)
{
	int err, n, fd;

	if (SETUP_SKIPPED())
		return;
	make_target(_metadata, self);
	n = fill(self->ctl, self->name, 1, self->fds + 1, &err);
	self->nfds += n;
	ASSERT_EQ(LIMIT, n);
	ASSERT_EQ(-ENOSPC, err);
	close(self->fds[1]);
	self->fds[1] = -1;
	/* Once its server has heard of the close (issue 10, item 2). */
	EXPECT_EQ(-ENOSPC, fipc_connect(self->ctl, self->name, NULL));
	EXPECT_EQ(1, drain_disconnects(self->fds[0]));
	fd = fipc_connect(self->ctl, self->name, NULL);
	EXPECT_LE(0, fd);
	self->fds[1] = fd;
}

TEST_F(quota, conns_other_user_unaffected)
{
	struct user_fill u = { .uid = USER, .want = -1 };
	int err, n;

	if (SETUP_SKIPPED())
		return;
	make_target(_metadata, self);
	n = fill(self->ctl, self->name, 1, self->fds + 1, &err);
	self->nfds += n;
	ASSERT_EQ(LIMIT, n);
	ASSERT_EQ(-ENOSPC, err);
	u.name = self->name;
	EXPECT_EQ(0, run_child(user_fill_child, &u));
}

/* ---- the admin switch ---- */

FIXTURE(gate) {
	struct saved saved;
	int fd[3];
	char name[FASTIPC_NAME_MAX];
};

FIXTURE_SETUP(gate)
{
	FIPC_REQUIRE_DEV();
	self->fd[0] = self->fd[1] = self->fd[2] = -1;
	FIPC_REQUIRE_PARAMS(&self->saved);
	ASSERT_EQ(0, write_param("access", 0));
	ASSERT_EQ(0, write_param("access_gid", GROUP));
}

FIXTURE_TEARDOWN(gate)
{
	int i;

	if (!self->saved.ok)
		return;
	/* Open the gate before anything else. */
	EXPECT_EQ(0, write_param("access", 0));
	for (i = 0; i < 3; i++)
		if (self->fd[i] >= 0)
			close(self->fd[i]);
	EXPECT_EQ(0, params_restore(&self->saved));
}

struct who {
	uid_t uid;
	gid_t gid;
	gid_t group;	/* one supplementary group, 0 for none */
	int cap;	/* capability to keep, -1 for none */
	int create;	/* also create (and connect to) a channel */
	int drop_after_open;	/* open as root, then switch */
};

/* Open (and create/connect) as @w: 0, or the errno of the first refusal. */
static int who_child(void *p)
{
	struct who *w = p;
	char name[FASTIPC_NAME_MAX];
	int ctl = -1, chan, conn;

	if (w->drop_after_open)
		ctl = fipc_open();
	CHILD_CHECK(fipc_become(w->uid, w->gid, &w->group, w->group ? 1 : 0,
				w->cap) == 0);
	if (!w->drop_after_open)
		ctl = fipc_open();
	if (ctl < 0)
		return -ctl;
	if (!w->create)
		return 0;
	fipc_unique_name(name, "gate");
	chan = fipc_create(ctl, name, 0, 0600);
	if (chan < 0)
		return -chan;
	conn = fipc_connect(ctl, name, NULL);
	return result(conn);
}

TEST_F(gate, disabled_open_eperm_root)
{
	int fd;

	if (SETUP_SKIPPED())
		return;
	ASSERT_EQ(0, write_param("access", 2));
	fd = fipc_open();
	EXPECT_EQ(-EPERM, fd);
	if (fd >= 0)
		close(fd);
}

TEST_F(gate, disabled_open_eperm_user)
{
	struct who w = { .uid = USER, .gid = GROUP, .cap = -1 };

	if (SETUP_SKIPPED())
		return;
	ASSERT_EQ(0, write_param("access", 2));
	EXPECT_EQ(EPERM, run_child(who_child, &w));
}

TEST_F(gate, group_only_nonmember_open_eperm)
{
	struct who w = { .uid = USER, .gid = USER, .cap = -1 };

	if (SETUP_SKIPPED())
		return;
	ASSERT_EQ(0, write_param("access", 1));
	EXPECT_EQ(EPERM, run_child(who_child, &w));
}

TEST_F(gate, group_only_supplementary_member_allowed)
{
	struct who w = { .uid = USER, .gid = USER, .group = GROUP, .cap = -1,
			 .create = 1 };

	if (SETUP_SKIPPED())
		return;
	ASSERT_EQ(0, write_param("access", 1));
	EXPECT_EQ(0, run_child(who_child, &w));
}

TEST_F(gate, group_only_primary_member_allowed)
{
	struct who w = { .uid = USER, .gid = GROUP, .cap = -1, .create = 1 };

	if (SETUP_SKIPPED())
		return;
	ASSERT_EQ(0, write_param("access", 1));
	EXPECT_EQ(0, run_child(who_child, &w));
}

TEST_F(gate, group_only_cap_sys_admin_allowed)
{
	struct who w = { .uid = USER, .gid = USER, .cap = CAP_SYS_ADMIN,
			 .create = 1 };

	if (SETUP_SKIPPED())
		return;
	ASSERT_EQ(0, write_param("access", 1));
	EXPECT_EQ(0, run_child(who_child, &w));
}

TEST_F(gate, group_only_root_allowed)
{
	struct who w = { .uid = 0, .gid = 0, .cap = -1, .create = 1 };

	if (SETUP_SKIPPED())
		return;
	ASSERT_EQ(0, write_param("access", 1));
	EXPECT_EQ(0, run_child(who_child, &w));
}

TEST_F(gate, group_only_other_group_eperm)
{
	struct who w = { .uid = USER, .gid = USER, .group = GROUP + 1,
			 .cap = -1 };

	if (SETUP_SKIPPED())
		return;
	ASSERT_EQ(0, write_param("access", 1));
	EXPECT_EQ(EPERM, run_child(who_child, &w));
}

TEST_F(gate, group_only_dropped_privilege_create_eperm)
{
	if (SETUP_SKIPPED())
		return;
	/* Opened as root, then no longer root nor a member: checked again. */
	struct who w = { .uid = USER, .gid = USER, .cap = -1, .create = 1,
			 .drop_after_open = 1 };

	ASSERT_EQ(0, write_param("access", 1));
	EXPECT_EQ(EPERM, run_child(who_child, &w));
}

TEST_F(gate, flipped_create_on_open_fd_eperm)
{
	char name[FASTIPC_NAME_MAX];

	if (SETUP_SKIPPED())
		return;
	self->fd[0] = fipc_open();
	ASSERT_LE(0, self->fd[0]);
	ASSERT_EQ(0, write_param("access", 2));
	fipc_unique_name(name, "flip");
	self->fd[1] = fipc_create(self->fd[0], name, 0, 0600);
	EXPECT_EQ(-EPERM, self->fd[1]);
}

TEST_F(gate, flipped_connect_on_open_fd_eperm)
{
	if (SETUP_SKIPPED())
		return;
	self->fd[0] = fipc_open();
	ASSERT_LE(0, self->fd[0]);
	fipc_unique_name(self->name, "flip");
	self->fd[1] = fipc_create(self->fd[0], self->name, 0, 0600);
	ASSERT_LE(0, self->fd[1]);
	ASSERT_EQ(0, write_param("access", 2));
	self->fd[2] = fipc_connect(self->fd[0], self->name, NULL);
	EXPECT_EQ(-EPERM, self->fd[2]);
}

TEST_F(gate, flipped_existing_connection_calls)
{
	struct fastipc_msg_hdr h;
	struct fastipc_call c;
	struct fipc_bg bg;
	char req[8] = "request", rep[8] = "", buf[16];

	if (SETUP_SKIPPED())
		return;
	ASSERT_EQ(0, fipc_setup(self->fd, NULL, self->name, "flip", 0, 0, 0));
	ASSERT_EQ(0, write_param("access", 2));
	fipc_call_init(&c, 9, req, sizeof(req), rep, sizeof(rep));
	ASSERT_EQ(0, fipc_bg_start(&bg, self->fd[2], FASTIPC_IOC_CALL, &c));
	ASSERT_EQ((int)sizeof(req), fipc_recv_type(self->fd[1],
			FASTIPC_MSG_REQUEST, buf, sizeof(buf), &h));
	EXPECT_EQ(9U, h.op);
	EXPECT_EQ(0, fipc_reply(self->fd[1], h.msg_id, "reply", 6, 3, NULL));
	EXPECT_EQ(0, fipc_bg_join(&bg));
	EXPECT_EQ(3, c.status);
	EXPECT_EQ(6U, c.rep_len);
	EXPECT_STREQ("reply", rep);
}

TEST_F(gate, flipped_back_create_allowed)
{
	char name[FASTIPC_NAME_MAX];

	if (SETUP_SKIPPED())
		return;
	self->fd[0] = fipc_open();
	ASSERT_LE(0, self->fd[0]);
	ASSERT_EQ(0, write_param("access", 2));
	ASSERT_EQ(0, write_param("access", 0));
	fipc_unique_name(name, "flip");
	self->fd[1] = fipc_create(self->fd[0], name, 0, 0600);
	EXPECT_LE(0, self->fd[1]);
}

TEST_HARNESS_MAIN
