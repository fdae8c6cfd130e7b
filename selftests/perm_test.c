// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc: the SysV permission model across real uids and gids. Needs
 * root: each check runs in a child that switched to other ids.
 *
 * Every channel here is created by uid/gid 1001 (the creator, cuid/cgid),
 * then root moves its owner to uid/gid 1000.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <string.h>
#include <grp.h>
#include <sys/fsuid.h>
#include <sys/wait.h>
#include <linux/capability.h>

#include "kselftest_harness.h"
#include "fastipc_util.h"

#define OWNER		1000
#define CREATOR		1001
#define STRANGER	2000
#define NOGROUP		3000

#define FIPC_REQUIRE_ROOT() do {					\
	if (geteuid())							\
		SKIP(return, "needs root to switch uids");		\
} while (0)

struct channel {
	char name[FASTIPC_NAME_MAX];
	__u64 key;
	__u32 mode;
	pid_t creator;
	int hold;	/* write end: the creator exits when it is closed */
};

struct creator_arg {
	struct channel *ch;
	int ready, hold, hold_w;
};

static int creator_run(void *arg)
{
	struct creator_arg *a = arg;
	int ctl, chan;
	char x = 1;

	close(a->hold_w);	/* else the read below never sees EOF */
	CHILD_CHECK(fipc_become(CREATOR, CREATOR, NULL, 0, -1) == 0);
	ctl = fipc_open();
	CHILD_CHECK(ctl >= 0);
	chan = fipc_create(ctl, a->ch->name, a->ch->key, a->ch->mode);
	CHILD_CHECK(chan >= 0);
	CHILD_CHECK(write(a->ready, &x, 1) == 1);
	while (read(a->hold, &x, 1) > 0)
		;
	return 0;
}

/* Create the channel as the creator, then move its owner to OWNER. */
static int channel_up(struct channel *ch, int ctl, __u32 mode)
{
	int ready[2], hold[2];
	struct creator_arg a;
	char x;

	fipc_unique_name(ch->name, "perm");
	ch->key = fipc_unique_key();
	ch->mode = mode;
	if (pipe(ready) || pipe(hold))
		return -errno;
	a.ch = ch;
	a.ready = ready[1];
	a.hold = hold[0];
	a.hold_w = hold[1];
	ch->creator = fipc_fork(creator_run, &a);
	if (ch->creator < 0)
		return -errno;
	close(ready[1]);
	close(hold[0]);
	ch->hold = hold[1];
	if (read(ready[0], &x, 1) != 1)
		return -EIO;
	close(ready[0]);
	return fipc_set(ctl, ch->name, FASTIPC_SET_UID | FASTIPC_SET_GID,
			OWNER, OWNER, 0);
}

static int channel_down(struct channel *ch)
{
	if (ch->creator <= 0)
		return 0;
	close(ch->hold);
	return fipc_wait(ch->creator);
}

struct ident {
	const char *what;
	uid_t uid;
	gid_t gid;
	gid_t group;	/* one supplementary group, or 0 for none */
	char cls;	/* which mode bits apply: 'u', 'g' or 'o' */
};

static const struct ident idents[] = {
	{ "owner",		OWNER,		NOGROUP,	0,	'u' },
	{ "owner in group",	OWNER,		OWNER,		0,	'u' },
	{ "creator",		CREATOR,	NOGROUP,	0,	'u' },
	{ "group",		STRANGER,	OWNER,		0,	'g' },
	{ "creator group",	STRANGER,	CREATOR,	0,	'g' },
	{ "supplementary",	STRANGER,	STRANGER,	OWNER,	'g' },
	{ "other",		STRANGER,	STRANGER,	0,	'o' },
};

/* Work done as another user; the result comes back as the exit code. */
typedef int (*user_fn)(const struct channel *ch);

static int as_user(const struct ident *id, int cap, user_fn fn,
		   const struct channel *ch)
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		CHILD_CHECK(fipc_become(id->uid, id->gid, &id->group,
					id->group ? 1 : 0, cap) == 0);
		_exit(fn(ch));
	}
	return fipc_wait(pid);
}

#define R_CONNECT	1
#define R_STAT		2
#define R_BADERR	64

static int errbits(int ret, int bit)
{
	if (ret >= 0)
		return bit;
	return ret == -EACCES ? 0 : R_BADERR;
}

/* Try CONNECT (by name and by key) and STAT. */
static int try_access(const struct channel *ch)
{
	struct fastipc_chan_stat st;
	int ctl, r, k, res;

	ctl = fipc_open();
	CHILD_CHECK(ctl >= 0);
	r = fipc_connect(ctl, ch->name, NULL);
	k = fipc_connect_key(ctl, ch->key, NULL);
	res = errbits(r, R_CONNECT);
	if (errbits(k, R_CONNECT) != res)
		res |= R_BADERR;
	res |= errbits(fipc_stat(ctl, ch->name, &st), R_STAT);
	return res;
}

static int expected(const struct ident *id, __u32 mode)
{
	int shift = id->cls == 'u' ? 6 : id->cls == 'g' ? 3 : 0;
	int res = 0;

	if (mode & (02 << shift))
		res |= R_CONNECT;
	if (mode & (04 << shift))
		res |= R_STAT;
	return res;
}

FIXTURE(matrix) {
	int ctl;
	struct channel ch;
};

FIXTURE_VARIANT(matrix) {
	__u32 mode;
};

FIXTURE_VARIANT_ADD(matrix, m0600) { .mode = 0600 };
FIXTURE_VARIANT_ADD(matrix, m0060) { .mode = 0060 };
FIXTURE_VARIANT_ADD(matrix, m0006) { .mode = 0006 };
FIXTURE_VARIANT_ADD(matrix, m0200) { .mode = 0200 };
FIXTURE_VARIANT_ADD(matrix, m0400) { .mode = 0400 };
FIXTURE_VARIANT_ADD(matrix, m0020) { .mode = 0020 };
FIXTURE_VARIANT_ADD(matrix, m0004) { .mode = 0004 };
FIXTURE_VARIANT_ADD(matrix, m0000) { .mode = 0000 };
FIXTURE_VARIANT_ADD(matrix, m0777) { .mode = 0777 };

FIXTURE_SETUP(matrix)
{
	FIPC_REQUIRE_DEV();
	self->ctl = -1;
	if (geteuid())
		return;
	self->ctl = fipc_open();
	ASSERT_LE(0, self->ctl);
	ASSERT_EQ(0, channel_up(&self->ch, self->ctl, variant->mode));
}

FIXTURE_TEARDOWN(matrix)
{
	EXPECT_EQ(0, channel_down(&self->ch));
	close(self->ctl);
}

TEST_F(matrix, connect_and_stat)
{
	unsigned int i;
	int got, want;

	FIPC_REQUIRE_ROOT();
	for (i = 0; i < ARRAY_SIZE(idents); i++) {
		want = expected(&idents[i], variant->mode);
		got = as_user(&idents[i], -1, try_access, &self->ch);
		EXPECT_EQ(want, got)
			TH_LOG("%s (uid %u gid %u) mode %04o: want %s%s, got %d",
			       idents[i].what, idents[i].uid, idents[i].gid,
			       variant->mode,
			       want & R_CONNECT ? "connect " : "",
			       want & R_STAT ? "stat" : "", got);
	}
}

FIXTURE(owner) {
	int ctl;
	struct channel ch;
};

FIXTURE_SETUP(owner)
{
	FIPC_REQUIRE_DEV();
	self->ctl = -1;
	if (geteuid())
		return;
	self->ctl = fipc_open();
	ASSERT_LE(0, self->ctl);
	ASSERT_EQ(0, channel_up(&self->ch, self->ctl, 0600));
}

FIXTURE_TEARDOWN(owner)
{
	EXPECT_EQ(0, channel_down(&self->ch));
	close(self->ctl);
}

static const struct ident as_owner = { "owner", OWNER, NOGROUP, 0, 'u' };
static const struct ident as_creator = { "creator", CREATOR, NOGROUP, 0, 'u' };
static const struct ident as_group = { "group", STRANGER, OWNER, 0, 'g' };
static const struct ident as_other = { "other", STRANGER, STRANGER, 0, 'o' };

TEST_F(owner, stat_fields)
{
	struct fastipc_chan_stat st;

	FIPC_REQUIRE_ROOT();
	ASSERT_EQ(0, fipc_stat(self->ctl, self->ch.name, &st));
	EXPECT_EQ((__u32)OWNER, st.perm.uid);
	EXPECT_EQ((__u32)OWNER, st.perm.gid);
	EXPECT_EQ((__u32)CREATOR, st.perm.cuid);
	EXPECT_EQ((__u32)CREATOR, st.perm.cgid);
	EXPECT_EQ(0600U, st.perm.mode);
	EXPECT_EQ(self->ch.key, st.perm.key);
	EXPECT_EQ(self->ch.creator, st.cpid);
}

static int set_mode_0640(const struct channel *ch)
{
	int ctl = fipc_open();

	CHILD_CHECK(ctl >= 0);
	return -fipc_set(ctl, ch->name, FASTIPC_SET_MODE, 0, 0, 0640);
}

static int do_rmid(const struct channel *ch)
{
	int ctl = fipc_open();

	CHILD_CHECK(ctl >= 0);
	return -fipc_rmid(ctl, ch->name);
}

static int give_away(const struct channel *ch)
{
	int ctl = fipc_open();

	CHILD_CHECK(ctl >= 0);
	return -fipc_set(ctl, ch->name, FASTIPC_SET_UID, STRANGER, 0, 0);
}

TEST_F(owner, creator_keeps_set_and_rmid)
{
	struct fastipc_chan_stat st;

	FIPC_REQUIRE_ROOT();
	EXPECT_EQ(0, as_user(&as_creator, -1, set_mode_0640, &self->ch));
	ASSERT_EQ(0, fipc_stat(self->ctl, self->ch.name, &st));
	EXPECT_EQ(0640U, st.perm.mode);
	EXPECT_EQ((__u32)OWNER, st.perm.uid);
	EXPECT_EQ(0, as_user(&as_creator, -1, do_rmid, &self->ch));
	EXPECT_EQ(-ENOENT, fipc_stat(self->ctl, self->ch.name, &st));
}

TEST_F(owner, owner_may_set_and_give_away)
{
	struct fastipc_chan_stat st;

	FIPC_REQUIRE_ROOT();
	EXPECT_EQ(0, as_user(&as_owner, -1, set_mode_0640, &self->ch));
	EXPECT_EQ(0, as_user(&as_owner, -1, give_away, &self->ch));
	ASSERT_EQ(0, fipc_stat(self->ctl, self->ch.name, &st));
	EXPECT_EQ((__u32)STRANGER, st.perm.uid);
	EXPECT_EQ((__u32)OWNER, st.perm.gid);
	EXPECT_EQ((__u32)CREATOR, st.perm.cuid);
	/* The old owner is now nobody special. */
	EXPECT_EQ(EPERM, as_user(&as_owner, -1, set_mode_0640, &self->ch));
	EXPECT_EQ(EPERM, as_user(&as_owner, -1, do_rmid, &self->ch));
}

TEST_F(owner, owner_may_rmid)
{
	FIPC_REQUIRE_ROOT();
	EXPECT_EQ(0, as_user(&as_owner, -1, do_rmid, &self->ch));
}

TEST_F(owner, others_get_eperm)
{
	struct fastipc_chan_stat st;

	FIPC_REQUIRE_ROOT();
	/* Even with every mode bit, SET/RMID are owner/creator only. */
	ASSERT_EQ(0, fipc_set(self->ctl, self->ch.name, FASTIPC_SET_MODE, 0, 0,
			      0777));
	EXPECT_EQ(EPERM, as_user(&as_group, -1, set_mode_0640, &self->ch));
	EXPECT_EQ(EPERM, as_user(&as_group, -1, do_rmid, &self->ch));
	EXPECT_EQ(EPERM, as_user(&as_other, -1, set_mode_0640, &self->ch));
	EXPECT_EQ(EPERM, as_user(&as_other, -1, do_rmid, &self->ch));
	ASSERT_EQ(0, fipc_stat(self->ctl, self->ch.name, &st));
	EXPECT_EQ(0777U, st.perm.mode);
}

TEST_F(owner, cap_ipc_owner_overrides_mode)
{
	FIPC_REQUIRE_ROOT();
	ASSERT_EQ(0, fipc_set(self->ctl, self->ch.name, FASTIPC_SET_MODE, 0, 0,
			      0));
	EXPECT_EQ(0, as_user(&as_other, -1, try_access, &self->ch));
	EXPECT_EQ(R_CONNECT | R_STAT,
		  as_user(&as_other, CAP_IPC_OWNER, try_access, &self->ch));
	/* It does not grant SET or RMID. */
	EXPECT_EQ(EPERM, as_user(&as_other, CAP_IPC_OWNER, set_mode_0640,
				 &self->ch));
	EXPECT_EQ(EPERM, as_user(&as_other, CAP_IPC_OWNER, do_rmid, &self->ch));
}

TEST_F(owner, cap_sys_admin_may_set_and_rmid)
{
	FIPC_REQUIRE_ROOT();
	ASSERT_EQ(0, fipc_set(self->ctl, self->ch.name, FASTIPC_SET_MODE, 0, 0,
			      0));
	/* It does not grant access. */
	EXPECT_EQ(0, as_user(&as_other, CAP_SYS_ADMIN, try_access, &self->ch));
	EXPECT_EQ(0, as_user(&as_other, CAP_SYS_ADMIN, set_mode_0640, &self->ch));
	EXPECT_EQ(0, as_user(&as_other, CAP_SYS_ADMIN, do_rmid, &self->ch));
}

TEST_F(owner, root_without_caps_is_other)
{
	static const struct ident root_nocap = { "root", 0, 0, 0, 'o' };

	FIPC_REQUIRE_ROOT();
	/* uid 0 keeping no capability: plain "other" for mode 0600. */
	EXPECT_EQ(0, as_user(&root_nocap, CAP_CHOWN, try_access, &self->ch));
}

TEST_F(owner, root_with_only_cap_ipc_owner)
{
	static const struct ident root = { "root", 0, 0, 0, 'o' };

	FIPC_REQUIRE_ROOT();
	ASSERT_EQ(0, fipc_set(self->ctl, self->ch.name, FASTIPC_SET_MODE, 0, 0,
			      0));
	EXPECT_EQ(R_CONNECT | R_STAT,
		  as_user(&root, CAP_IPC_OWNER, try_access, &self->ch));
	EXPECT_EQ(EPERM, as_user(&root, CAP_IPC_OWNER, do_rmid, &self->ch));
}

TEST_F(owner, set_unmapped_ids)
{
	struct fastipc_chan_stat st;

	FIPC_REQUIRE_ROOT();
	EXPECT_EQ(-EINVAL, fipc_set(self->ctl, self->ch.name, FASTIPC_SET_UID,
				    (__u32)-1, 0, 0));
	EXPECT_EQ(-EINVAL, fipc_set(self->ctl, self->ch.name, FASTIPC_SET_GID,
				    0, (__u32)-1, 0));
	ASSERT_EQ(0, fipc_stat(self->ctl, self->ch.name, &st));
	EXPECT_EQ((__u32)OWNER, st.perm.uid);
	EXPECT_EQ((__u32)OWNER, st.perm.gid);
}

TEST_F(owner, set_mode_above_0777)
{
	struct fastipc_chan_stat st;

	FIPC_REQUIRE_ROOT();
	EXPECT_EQ(-EINVAL, fipc_set(self->ctl, self->ch.name, FASTIPC_SET_MODE,
				    0, 0, 01000));
	EXPECT_EQ(-EINVAL, fipc_set(self->ctl, self->ch.name, FASTIPC_SET_MODE,
				    0, 0, 04777));
	ASSERT_EQ(0, fipc_stat(self->ctl, self->ch.name, &st));
	EXPECT_EQ(0600U, st.perm.mode);
}

TEST_F(owner, set_no_fields)
{
	FIPC_REQUIRE_ROOT();
	EXPECT_EQ(-EINVAL, fipc_set(self->ctl, self->ch.name, 0, 0, 0, 0));
}

/*
 * The group class is decided by the filesystem gid, as SysV's ipcperms()
 * (in_group_p()), not by the effective gid: with fsgid the channel's
 * group and egid another, a 0060 channel connects; the other way round it
 * does not.
 */
static int connect_with_gids(const struct channel *ch, gid_t egid,
			     gid_t fsgid)
{
	int ctl, ret;

	CHILD_CHECK(setgroups(0, NULL) == 0);
	CHILD_CHECK(setresgid(egid, egid, egid) == 0);
	setfsgid(fsgid);
	CHILD_CHECK(setfsgid(-1) == (int)fsgid);
	CHILD_CHECK(setresuid(STRANGER, STRANGER, STRANGER) == 0);
	CHILD_CHECK(getegid() == egid && setfsgid(-1) == (int)fsgid);
	ctl = fipc_open();
	CHILD_CHECK(ctl >= 0);
	ret = fipc_connect(ctl, ch->name, NULL);
	return ret < 0 ? -ret : 0;
}

static int fork_connect_with_gids(const struct channel *ch, gid_t egid,
				  gid_t fsgid)
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid)
		_exit(connect_with_gids(ch, egid, fsgid));
	return fipc_wait(pid);
}

TEST(group_class_uses_fsgid)
{
	struct channel ch = {};
	int ctl;

	FIPC_REQUIRE_DEV();
	FIPC_REQUIRE_ROOT();
	ctl = fipc_open();
	ASSERT_LE(0, ctl);
	ASSERT_EQ(0, channel_up(&ch, ctl, 0060));
	EXPECT_EQ(0, fork_connect_with_gids(&ch, STRANGER, OWNER));
	EXPECT_EQ(EACCES, fork_connect_with_gids(&ch, OWNER, STRANGER));
	EXPECT_EQ(0, fork_connect_with_gids(&ch, OWNER, OWNER));
	EXPECT_EQ(0, channel_down(&ch));
	close(ctl);
}

TEST_HARNESS_MAIN
