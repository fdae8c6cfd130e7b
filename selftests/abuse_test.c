// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc: hostile arguments for every ioctl: unknown flag bits, non-zero
 * reserved fields, struct sizes below, above and far above the known one,
 * and bad argument pointers (-EFAULT with nothing changed). Bad pointers
 * inside valid arguments, and output hygiene, are ptr_test's.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "fastipc_util.h"

#define PAGE		4096
#define KERNEL_ADDR	0xffff888000000000ULL
#define NO_FLAGS	((size_t)-1)

enum { CTL, CHAN, CONN };

struct field {
	size_t off;
	size_t size;
};

#define F(type, member) { offsetof(type, member), sizeof(((type *)0)->member) }

FIXTURE(abuse) {
	int fd[3];
	char name[FASTIPC_NAME_MAX];
	unsigned char *arg;		/* 2 pages, zeroed per attempt */
	unsigned char *noaccess;	/* a PROT_NONE page */
	unsigned char *rdonly;		/* a PROT_READ page after a RW one */
	unsigned char buf[256];
	/* a caller blocked in CALL whose request the server holds */
	struct fastipc_call pc;
	struct fipc_bg pb;
	__u64 pending_id;
	int pending;
	int spare[64];			/* channels made for RMID */
	int nspare;
};

struct icase {
	unsigned long cmd;
	int fdk;
	size_t ver0;
	size_t flags_off;
	__u32 flags_ok;
	struct field zero[4];		/* fields that must be zero */
	int nzero;
	void (*prep)(FIXTURE_DATA(abuse) *self, void *arg);
	int ok;				/* result of the valid arg (0: >= 0) */
	int makes_fd;
};

static void prep_api(FIXTURE_DATA(abuse) *self, void *arg)
{
	struct fastipc_api *a = arg;

	(void)self;
	a->api = FASTIPC_API_VERSION;
}

static void prep_create(FIXTURE_DATA(abuse) *self, void *arg)
{
	struct fastipc_chan_create *c = arg;

	(void)self;
	fipc_unique_name(c->ref.name, "abc");
	c->mode = 0600;
}

static void prep_ref(FIXTURE_DATA(abuse) *self, void *arg)
{
	fipc_ref_name(arg, self->name);
}

static void prep_set(FIXTURE_DATA(abuse) *self, void *arg)
{
	struct fastipc_chan_set *s = arg;

	fipc_ref_name(&s->ref, self->name);
	s->flags = FASTIPC_SET_MODE;
	s->mode = 0600;
}

static void prep_rmid(FIXTURE_DATA(abuse) *self, void *arg)
{
	char name[FASTIPC_NAME_MAX];
	int fd;

	fipc_unique_name(name, "abr");
	fd = fipc_create(self->fd[CTL], name, 0, 0600);
	if (fd >= 0 && self->nspare < 64)
		self->spare[self->nspare++] = fd;
	fipc_ref_name(arg, name);
}

static void drain(FIXTURE_DATA(abuse) *self)
{
	while (fipc_recv(self->fd[CHAN], self->buf, sizeof(self->buf),
			 FASTIPC_F_NONBLOCK, 0, NULL) >= 0)
		;
}

static void prep_recv(FIXTURE_DATA(abuse) *self, void *arg)
{
	struct fastipc_serve *s = arg;

	drain(self);
	fipc_send(self->fd[CONN], 77, "8 bytes!", 8, 0);
	s->buf_ptr = (uintptr_t)self->buf;
	s->buf_cap = sizeof(self->buf);
	s->flags = FASTIPC_F_NONBLOCK;
}

/* Make sure a request is outstanding: a caller thread waits for it. */
static void pending_start(FIXTURE_DATA(abuse) *self)
{
	struct fastipc_msg_hdr h;

	if (self->pending)
		return;
	drain(self);
	fipc_call_init(&self->pc, 5, NULL, 0, self->buf, 64);
	if (fipc_bg_start(&self->pb, self->fd[CONN], FASTIPC_IOC_CALL, &self->pc))
		return;
	if (fipc_recv_type(self->fd[CHAN], FASTIPC_MSG_REQUEST, NULL, 0, &h))
		return;
	self->pending_id = h.msg_id;
	self->pending = 1;
}

static int pending_end(FIXTURE_DATA(abuse) *self)
{
	self->pending = 0;
	return fipc_bg_join(&self->pb);
}

static void prep_reply(FIXTURE_DATA(abuse) *self, void *arg)
{
	struct fastipc_serve *s = arg;

	pending_start(self);
	s->reply_id = self->pending_id;
}

static void prep_reply_recv(FIXTURE_DATA(abuse) *self, void *arg)
{
	struct fastipc_serve *s = arg;

	pending_start(self);
	s->reply_id = self->pending_id;
	s->buf_ptr = (uintptr_t)self->buf;
	s->buf_cap = sizeof(self->buf);
	s->flags = FASTIPC_F_NONBLOCK;
}

static void prep_call(FIXTURE_DATA(abuse) *self, void *arg)
{
	struct fastipc_call *c = arg;

	(void)self;
	c->flags = FASTIPC_F_TIMEOUT;
	c->timeout_ns = FIPC_MS;
}

static void prep_send(FIXTURE_DATA(abuse) *self, void *arg)
{
	struct fastipc_call *c = arg;

	(void)self;
	c->op = 3;
}

/* REAP and CANCEL with nothing outstanding: all zero is valid (-ENOENT). */
static void prep_none(FIXTURE_DATA(abuse) *self, void *arg)
{
	(void)self;
	(void)arg;
}

#define WAITF	(FASTIPC_F_NONBLOCK | FASTIPC_F_TIMEOUT)

static const struct icase cases[] = {
	{ FASTIPC_IOC_API, CTL, FASTIPC_API_SIZE_VER0,
	  offsetof(struct fastipc_api, flags), 0, { }, 0, prep_api, 0, 0 },
	{ FASTIPC_IOC_CHAN_CREATE, CTL, FASTIPC_CHAN_CREATE_SIZE_VER0,
	  offsetof(struct fastipc_chan_create, flags), 0,
	  { F(struct fastipc_chan_create, pad) }, 1, prep_create, 0, 1 },
	{ FASTIPC_IOC_CONNECT, CTL, FASTIPC_CONNECT_SIZE_VER0,
	  offsetof(struct fastipc_connect, flags), 0,
	  { F(struct fastipc_connect, pad) }, 1, prep_ref, 0, 1 },
	{ FASTIPC_IOC_CHAN_STAT, CTL, FASTIPC_CHAN_STAT_SIZE_VER0,
	  offsetof(struct fastipc_chan_stat, flags), 0,
	  { F(struct fastipc_chan_stat, pad) }, 1, prep_ref, 0, 0 },
	{ FASTIPC_IOC_CHAN_SET, CTL, FASTIPC_CHAN_SET_SIZE_VER0,
	  offsetof(struct fastipc_chan_set, flags),
	  FASTIPC_SET_UID | FASTIPC_SET_GID | FASTIPC_SET_MODE,
	  { F(struct fastipc_chan_set, uid), F(struct fastipc_chan_set, gid) },
	  2, prep_set, 0, 0 },
	{ FASTIPC_IOC_CHAN_RMID, CTL, FASTIPC_CHAN_RMID_SIZE_VER0,
	  offsetof(struct fastipc_chan_rmid, flags), 0,
	  { F(struct fastipc_chan_rmid, pad) }, 1, prep_rmid, 0, 0 },
	{ FASTIPC_IOC_RECV, CHAN, FASTIPC_SERVE_SIZE_VER0,
	  offsetof(struct fastipc_serve, flags), WAITF,
	  { F(struct fastipc_serve, pad), F(struct fastipc_serve, reply_id),
	    F(struct fastipc_serve, reply_ptr),
	    F(struct fastipc_serve, reply_len) }, 4, prep_recv, 0, 0 },
	{ FASTIPC_IOC_REPLY, CHAN, FASTIPC_SERVE_SIZE_VER0,
	  offsetof(struct fastipc_serve, flags), WAITF | FASTIPC_F_REPLY_NEED,
	  { F(struct fastipc_serve, pad), F(struct fastipc_serve, buf_ptr),
	    F(struct fastipc_serve, buf_cap) }, 3, prep_reply, 0, 0 },
	{ FASTIPC_IOC_REPLY_RECV, CHAN, FASTIPC_SERVE_SIZE_VER0,
	  offsetof(struct fastipc_serve, flags), WAITF | FASTIPC_F_REPLY_NEED,
	  { F(struct fastipc_serve, pad) }, 1, prep_reply_recv, -EAGAIN, 0 },
	{ FASTIPC_IOC_CALL, CONN, FASTIPC_CALL_SIZE_VER0,
	  offsetof(struct fastipc_call, flags), WAITF | FASTIPC_F_ASYNC, { }, 0,
	  prep_call, -ETIMEDOUT, 0 },
	{ FASTIPC_IOC_SEND, CONN, FASTIPC_CALL_SIZE_VER0,
	  offsetof(struct fastipc_call, flags), WAITF,
	  { F(struct fastipc_call, rep_ptr), F(struct fastipc_call, rep_cap) },
	  2, prep_send, 0, 0 },
	{ FASTIPC_IOC_REAP, CONN, FASTIPC_REAP_SIZE_VER0,
	  offsetof(struct fastipc_reap, flags), WAITF,
	  { F(struct fastipc_reap, pad), F(struct fastipc_reap, pad2) }, 2,
	  prep_none, -ENOENT, 0 },
	{ FASTIPC_IOC_CANCEL, CONN, FASTIPC_CANCEL_SIZE_VER0,
	  offsetof(struct fastipc_cancel, flags), 0,
	  { F(struct fastipc_cancel, pad) }, 1, prep_none, -ENOENT, 0 },
};

FIXTURE_VARIANT(abuse) {
	int idx;
};

FIXTURE_VARIANT_ADD(abuse, api) { .idx = 0 };
FIXTURE_VARIANT_ADD(abuse, chan_create) { .idx = 1 };
FIXTURE_VARIANT_ADD(abuse, connect) { .idx = 2 };
FIXTURE_VARIANT_ADD(abuse, chan_stat) { .idx = 3 };
FIXTURE_VARIANT_ADD(abuse, chan_set) { .idx = 4 };
FIXTURE_VARIANT_ADD(abuse, chan_rmid) { .idx = 5 };
FIXTURE_VARIANT_ADD(abuse, recv) { .idx = 6 };
FIXTURE_VARIANT_ADD(abuse, reply) { .idx = 7 };
FIXTURE_VARIANT_ADD(abuse, reply_recv) { .idx = 8 };
FIXTURE_VARIANT_ADD(abuse, call) { .idx = 9 };
FIXTURE_VARIANT_ADD(abuse, send) { .idx = 10 };
FIXTURE_VARIANT_ADD(abuse, reap) { .idx = 11 };
FIXTURE_VARIANT_ADD(abuse, cancel) { .idx = 12 };

FIXTURE_SETUP(abuse)
{
	unsigned char *m;

	FIPC_REQUIRE_DEV();
	ASSERT_EQ(0, fipc_setup(self->fd, NULL, self->name, "abuse", 0, 0, 0));
	m = mmap(NULL, 5 * PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, m);
	self->arg = m;
	self->noaccess = m + 2 * PAGE;
	self->rdonly = m + 4 * PAGE;
	ASSERT_EQ(0, mprotect(self->noaccess, PAGE, PROT_NONE));
	ASSERT_EQ(0, mprotect(self->rdonly, PAGE, PROT_READ));
}

FIXTURE_TEARDOWN(abuse)
{
	int i;

	for (i = 0; i < self->nspare; i++)
		close(self->spare[i]);
	close(self->fd[CONN]);
	close(self->fd[CHAN]);
	close(self->fd[CTL]);
}

static unsigned long resize(unsigned long cmd, size_t size)
{
	return _IOC(_IOC_DIR(cmd), _IOC_TYPE(cmd), _IOC_NR(cmd), size);
}

/* Undo what a successful attempt did (fds, consumed requests). */
static void after(FIXTURE_DATA(abuse) *self, const struct icase *c, int ret)
{
	if (c->makes_fd && ret >= 0)
		close(ret);
	if ((c->cmd == FASTIPC_IOC_REPLY && ret >= 0) ||
	    (c->cmd == FASTIPC_IOC_REPLY_RECV && ret == -EAGAIN))
		pending_end(self);
}

/* A fresh valid argument of the case in self->arg. */
static void *fresh(FIXTURE_DATA(abuse) *self, const struct icase *c)
{
	memset(self->arg, 0, 2 * PAGE);
	c->prep(self, self->arg);
	return self->arg;
}

static int attempt(FIXTURE_DATA(abuse) *self, const struct icase *c,
		   size_t size, void *arg)
{
	int ret = fipc_ioctl(self->fd[c->fdk], resize(c->cmd, size), arg);

	after(self, c, ret);
	return ret;
}

static int valid_result(const struct icase *c, int ret)
{
	return c->ok ? ret == c->ok : ret >= 0;
}

/* The unmodified argument must work, or the error tests prove nothing. */
#define ASSERT_VALID_WORKS() do {					\
	int __r = attempt(self, c, c->ver0, fresh(self, c));		\
	ASSERT_TRUE(valid_result(c, __r)) TH_LOG("valid arg gave %d", __r); \
} while (0)

TEST_F(abuse, unknown_flags)
{
	const struct icase *c = &cases[variant->idx];
	__u32 *flags, bit, base;
	int ret;

	ASSERT_VALID_WORKS();
	for (bit = 1; bit; bit <<= 1) {
		if (bit & c->flags_ok)
			continue;
		flags = (__u32 *)((char *)fresh(self, c) + c->flags_off);
		base = *flags;
		*flags = base | bit;
		ret = attempt(self, c, c->ver0, self->arg);
		EXPECT_EQ(-EINVAL, ret) TH_LOG("flag bit %#x", bit);
	}
	fresh(self, c);
	*(__u32 *)(self->arg + c->flags_off) = ~0U;
	EXPECT_EQ(-EINVAL, attempt(self, c, c->ver0, self->arg));
	ASSERT_VALID_WORKS();
}

TEST_F(abuse, nonzero_reserved)
{
	const struct icase *c = &cases[variant->idx];
	int i;

	if (!c->nzero)
		SKIP(return, "no reserved fields");
	ASSERT_VALID_WORKS();
	for (i = 0; i < c->nzero; i++) {
		fresh(self, c);
		self->arg[c->zero[i].off + c->zero[i].size - 1] = 0x80;
		EXPECT_EQ(-EINVAL, attempt(self, c, c->ver0, self->arg))
			TH_LOG("field at offset %zu", c->zero[i].off);
		fresh(self, c);
		self->arg[c->zero[i].off] = 1;
		EXPECT_EQ(-EINVAL, attempt(self, c, c->ver0, self->arg))
			TH_LOG("field at offset %zu", c->zero[i].off);
	}
	ASSERT_VALID_WORKS();
}

TEST_F(abuse, size_below_ver0)
{
	const struct icase *c = &cases[variant->idx];

	EXPECT_EQ(-EINVAL, attempt(self, c, c->ver0 - 1, fresh(self, c)));
	EXPECT_EQ(-EINVAL, attempt(self, c, c->ver0 - 8, fresh(self, c)));
	EXPECT_EQ(-EINVAL, attempt(self, c, 8, fresh(self, c)));
	ASSERT_VALID_WORKS();
}

TEST_F(abuse, size_above_ver0_zero_tail)
{
	const struct icase *c = &cases[variant->idx];
	int ret;

	ret = attempt(self, c, c->ver0 + 8, fresh(self, c));
	EXPECT_TRUE(valid_result(c, ret)) TH_LOG("size +8 gave %d", ret);
	ret = attempt(self, c, c->ver0 + 200, fresh(self, c));
	EXPECT_TRUE(valid_result(c, ret)) TH_LOG("size +200 gave %d", ret);
	ret = attempt(self, c, PAGE, fresh(self, c));
	EXPECT_TRUE(valid_result(c, ret)) TH_LOG("size PAGE_SIZE gave %d", ret);
}

/* Beyond the newest struct this header knows, the tail must be zero. */
TEST_F(abuse, size_above_ver0_nonzero_tail)
{
	const struct icase *c = &cases[variant->idx];
	size_t known = _IOC_SIZE(c->cmd);

	fresh(self, c);
	self->arg[known] = 1;
	EXPECT_EQ(-E2BIG, attempt(self, c, known + 8, self->arg));
	fresh(self, c);
	self->arg[known + 7] = 0xff;
	EXPECT_EQ(-E2BIG, attempt(self, c, known + 8, self->arg));
	fresh(self, c);
	self->arg[PAGE - 1] = 1;
	EXPECT_EQ(-E2BIG, attempt(self, c, PAGE, self->arg));
	ASSERT_VALID_WORKS();
}

TEST_F(abuse, size_above_page)
{
	const struct icase *c = &cases[variant->idx];

	EXPECT_EQ(-E2BIG, attempt(self, c, PAGE + 8, fresh(self, c)));
	EXPECT_EQ(-E2BIG, attempt(self, c, 2 * PAGE, fresh(self, c)));
	ASSERT_VALID_WORKS();
}

/* What the fixture channel looks like, to see that nothing changed. */
struct snap {
	struct fastipc_chan_stat st;
	int fds;
};

static int snapshot(FIXTURE_DATA(abuse) *self, struct snap *s)
{
	s->fds = fipc_fds_open();
	return fipc_stat(self->fd[CTL], self->name, &s->st);
}

static int same(const struct snap *a, const struct snap *b)
{
	return a->fds == b->fds && a->st.nr_conns == b->st.nr_conns &&
	       a->st.queue_msgs == b->st.queue_msgs &&
	       a->st.perm.mode == b->st.perm.mode &&
	       a->st.counters.calls == b->st.counters.calls &&
	       a->st.counters.oneway == b->st.counters.oneway &&
	       a->st.counters.replies == b->st.counters.replies;
}

TEST_F(abuse, bad_arg_pointers)
{
	const struct icase *c = &cases[variant->idx];
	void *bad[] = {
		NULL, (void *)-1L, self->noaccess, (void *)KERNEL_ADDR,
		/* straddles into the PROT_NONE page */
		self->noaccess - c->ver0 / 2,
	};
	struct snap before, now;
	unsigned int i;
	int ret;

	ASSERT_VALID_WORKS();
	/* Prepare (e.g. a pending request) before the snapshot. */
	fresh(self, c);
	ASSERT_EQ(0, snapshot(self, &before));
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		if (i == 4)	/* valid head, unreadable tail */
			memcpy(bad[i], self->arg, c->ver0 / 2);
		ret = fipc_ioctl(self->fd[c->fdk], c->cmd, bad[i]);
		EXPECT_EQ(-EFAULT, ret) TH_LOG("arg %p", bad[i]);
		after(self, c, ret);
	}
	ASSERT_EQ(0, snapshot(self, &now));
	EXPECT_TRUE(same(&before, &now));
	ASSERT_VALID_WORKS();
}

TEST_HARNESS_MAIN
