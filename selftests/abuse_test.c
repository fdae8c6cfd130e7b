// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc: hostile arguments for every ioctl: unknown flag bits, non-zero
 * reserved fields, struct sizes below, above and far above the known one,
 * bad pointers (-EFAULT with nothing changed), and output structs that must
 * not leak stale or kernel data.
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
	  offsetof(struct fastipc_serve, flags), WAITF,
	  { F(struct fastipc_serve, pad), F(struct fastipc_serve, buf_ptr),
	    F(struct fastipc_serve, buf_cap) }, 3, prep_reply, 0, 0 },
	{ FASTIPC_IOC_REPLY_RECV, CHAN, FASTIPC_SERVE_SIZE_VER0,
	  offsetof(struct fastipc_serve, flags), WAITF,
	  { F(struct fastipc_serve, pad) }, 1, prep_reply_recv, -EAGAIN, 0 },
	{ FASTIPC_IOC_CALL, CONN, FASTIPC_CALL_SIZE_VER0,
	  offsetof(struct fastipc_call, flags), WAITF, { }, 0, prep_call,
	  -ETIMEDOUT, 0 },
	{ FASTIPC_IOC_SEND, CONN, FASTIPC_CALL_SIZE_VER0,
	  offsetof(struct fastipc_call, flags), WAITF,
	  { F(struct fastipc_call, rep_ptr), F(struct fastipc_call, rep_cap) },
	  2, prep_send, 0, 0 },
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

/* Pointers inside otherwise valid arguments, and output hygiene. */
FIXTURE(ptr) {
	int fd[3];
	__u64 conn_id;
	char name[FASTIPC_NAME_MAX];
	unsigned char *rw;		/* a RW page ... */
	unsigned char *noaccess;	/* ... followed by a PROT_NONE page */
	unsigned char *rdonly;		/* a PROT_READ page */
};

FIXTURE_SETUP(ptr)
{
	unsigned char *m;

	FIPC_REQUIRE_DEV();
	ASSERT_EQ(0, fipc_setup(self->fd, &self->conn_id, self->name, "ptr",
				0, 0, 0));
	m = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, m);
	self->rw = m;
	self->noaccess = m + PAGE;
	self->rdonly = m + 2 * PAGE;
	ASSERT_EQ(0, mprotect(self->noaccess, PAGE, PROT_NONE));
	ASSERT_EQ(0, mprotect(self->rdonly, PAGE, PROT_READ));
}

FIXTURE_TEARDOWN(ptr)
{
	close(self->fd[CONN]);
	close(self->fd[CHAN]);
	close(self->fd[CTL]);
}

static __u64 bad_ptrs(FIXTURE_DATA(ptr) *self, int i)
{
	switch (i) {
	case 0: return (uintptr_t)self->noaccess;
	case 1: return KERNEL_ADDR;
	case 2: return (__u64)-1;
	default: return (uintptr_t)(self->noaccess - 8); /* straddles */
	}
}

#define NR_BAD	4

static int queue_empty(FIXTURE_DATA(ptr) *self)
{
	return fipc_recv(self->fd[CHAN], NULL, 0, FASTIPC_F_NONBLOCK, 0,
			 NULL) == -EAGAIN;
}

TEST_F(ptr, call_bad_req_ptr)
{
	struct fastipc_chan_stat st;
	struct fastipc_call c;
	int i;

	for (i = 0; i < NR_BAD; i++) {
		fipc_call_init(&c, 1, NULL, 64, NULL, 0);
		c.req_ptr = bad_ptrs(self, i);
		EXPECT_EQ(-EFAULT, fipc_ioctl(self->fd[CONN], FASTIPC_IOC_CALL, &c))
			TH_LOG("req_ptr %#llx", (unsigned long long)c.req_ptr);
	}
	EXPECT_TRUE(queue_empty(self));
	ASSERT_EQ(0, fipc_stat(self->fd[CTL], self->name, &st));
	EXPECT_EQ(0U, st.queue_msgs);
	EXPECT_EQ(0ULL, st.counters.replies);
}

TEST_F(ptr, send_bad_req_ptr)
{
	struct fastipc_call c;
	int i;

	for (i = 0; i < NR_BAD; i++) {
		memset(&c, 0, sizeof(c));
		c.req_ptr = bad_ptrs(self, i);
		c.req_len = 64;
		EXPECT_EQ(-EFAULT, fipc_ioctl(self->fd[CONN], FASTIPC_IOC_SEND, &c))
			TH_LOG("req_ptr %#llx", (unsigned long long)c.req_ptr);
	}
	EXPECT_TRUE(queue_empty(self));
}

TEST_F(ptr, recv_bad_buf_ptr_keeps_message)
{
	struct fastipc_serve s;
	char buf[64];
	int i;

	fipc_fill(buf, sizeof(buf), 21);
	ASSERT_EQ(0, fipc_send(self->fd[CONN], 21, buf, sizeof(buf), 0));
	for (i = 0; i < NR_BAD; i++) {
		memset(&s, 0, sizeof(s));
		s.buf_ptr = bad_ptrs(self, i);
		s.buf_cap = sizeof(buf);
		s.flags = FASTIPC_F_NONBLOCK;
		EXPECT_EQ(-EFAULT, fipc_ioctl(self->fd[CHAN], FASTIPC_IOC_RECV, &s))
			TH_LOG("buf_ptr %#llx", (unsigned long long)s.buf_ptr);
	}
	memset(buf, 0, sizeof(buf));
	ASSERT_EQ(64, fipc_recv(self->fd[CHAN], buf, sizeof(buf),
				FASTIPC_F_NONBLOCK, 0, &s));
	EXPECT_EQ(21U, s.hdr.op);
	EXPECT_EQ(-1, fipc_mismatch(buf, sizeof(buf), 21));
}

/* A caller waiting in CALL, its request received: returns its msg_id. */
static __u64 pending(FIXTURE_DATA(ptr) *self, struct fipc_bg *b,
		     struct fastipc_call *c, void *rep, __u32 cap)
{
	struct fastipc_msg_hdr h;

	fipc_call_init(c, 9, NULL, 0, rep, cap);
	if (fipc_bg_start(b, self->fd[CONN], FASTIPC_IOC_CALL, c))
		return 0;
	if (fipc_recv_type(self->fd[CHAN], FASTIPC_MSG_REQUEST, NULL, 0, &h))
		return 0;
	return h.msg_id;
}

static void reply_bad_ptr(struct __test_metadata *_metadata,
			  FIXTURE_DATA(ptr) *self, unsigned long cmd)
{
	char rep[64], good[64];
	struct fastipc_serve s;
	struct fastipc_call c;
	struct fipc_bg b;
	__u32 out;
	__u64 id;
	int i;

	id = pending(self, &b, &c, rep, sizeof(rep));
	ASSERT_NE(0ULL, id);
	for (i = 0; i < NR_BAD; i++) {
		memset(&s, 0, sizeof(s));
		s.reply_id = id;
		s.reply_ptr = bad_ptrs(self, i);
		s.reply_len = 64;
		if (cmd == FASTIPC_IOC_REPLY_RECV)
			s.flags = FASTIPC_F_NONBLOCK;
		EXPECT_EQ(-EFAULT, fipc_ioctl(self->fd[CHAN], cmd, &s))
			TH_LOG("reply_ptr %#llx", (unsigned long long)s.reply_ptr);
		EXPECT_EQ(0U, s.out_flags & FASTIPC_SERVE_REPLIED);
	}
	/* The request is still answerable and the caller still waits. */
	fipc_fill(good, sizeof(good), 31);
	EXPECT_EQ(0, fipc_reply(self->fd[CHAN], id, good, sizeof(good), 5, &out));
	EXPECT_EQ(FASTIPC_SERVE_REPLIED, out);
	ASSERT_EQ(0, fipc_bg_join(&b));
	EXPECT_EQ(5, c.status);
	EXPECT_EQ(64U, c.rep_len);
	EXPECT_EQ(-1, fipc_mismatch(rep, sizeof(rep), 31));
}

TEST_F(ptr, reply_bad_reply_ptr)
{
	reply_bad_ptr(_metadata, self, FASTIPC_IOC_REPLY);
}

TEST_F(ptr, reply_recv_bad_reply_ptr)
{
	reply_bad_ptr(_metadata, self, FASTIPC_IOC_REPLY_RECV);
}

/*
 * A reply buffer that cannot be written: the CALL fails with -EFAULT,
 * whether the kernel sees it up front or only when the reply arrives.
 */
/*
 * A reply buffer that cannot be written (in full): the CALL fails with
 * -EFAULT, whether the kernel sees it up front or when the reply arrives.
 */
TEST_F(ptr, call_bad_rep_ptr)
{
	struct fastipc_serve s;
	struct fastipc_call c;
	struct fipc_bg b;
	int i, ret;

	for (i = 0; i < NR_BAD; i++) {
		fipc_call_init(&c, 9, NULL, 0,
			       (void *)(uintptr_t)bad_ptrs(self, i), 64);
		ASSERT_EQ(0, fipc_bg_start(&b, self->fd[CONN], FASTIPC_IOC_CALL,
					   &c));
		ret = fipc_recv(self->fd[CHAN], NULL, 0, FASTIPC_F_TIMEOUT,
				FIPC_SEC, &s);
		if (ret >= 0) {
			/* Queued anyway: answer it, the copy-out must fail. */
			EXPECT_EQ((__u32)FASTIPC_MSG_REQUEST, s.hdr.type);
			EXPECT_LE(0, fipc_reply(self->fd[CHAN], s.hdr.msg_id,
						self->rw, 64, 0, NULL));
		} else {
			EXPECT_EQ(-ETIMEDOUT, ret);
		}
		EXPECT_EQ(-EFAULT, fipc_bg_join(&b))
			TH_LOG("rep_ptr %#llx", (unsigned long long)c.rep_ptr);
	}
}

TEST_F(ptr, connect_readonly_arg)
{
	struct fastipc_connect *c = (void *)self->rdonly;
	struct fastipc_chan_stat st;
	struct fastipc_serve s;
	int fds;

	ASSERT_EQ(0, mprotect(self->rdonly, PAGE, PROT_READ | PROT_WRITE));
	memset(c, 0, sizeof(*c));
	fipc_ref_name(&c->ref, self->name);
	ASSERT_EQ(0, mprotect(self->rdonly, PAGE, PROT_READ));
	fds = fipc_fds_open();
	EXPECT_EQ(-EFAULT, fipc_ioctl(self->fd[CTL], FASTIPC_IOC_CONNECT, c));
	/* No connection, no fd, no CONNECT message left behind. */
	EXPECT_EQ(fds, fipc_fds_open());
	ASSERT_EQ(0, fipc_stat(self->fd[CTL], self->name, &st));
	EXPECT_EQ(1U, st.nr_conns);
	EXPECT_EQ(0U, st.queue_msgs);
	while (fipc_recv(self->fd[CHAN], NULL, 0, FASTIPC_F_NONBLOCK, 0,
			 &s) >= 0)
		TH_LOG("left in the queue: message type %u", s.hdr.type);
}

TEST_F(ptr, recv_readonly_arg_keeps_message)
{
	struct fastipc_serve *s = (void *)self->rdonly, ok;
	char buf[16];

	ASSERT_EQ(0, fipc_send(self->fd[CONN], 41, "abcd", 4, 0));
	ASSERT_EQ(0, mprotect(self->rdonly, PAGE, PROT_READ | PROT_WRITE));
	memset(s, 0, sizeof(*s));
	s->buf_ptr = (uintptr_t)buf;
	s->buf_cap = sizeof(buf);
	s->flags = FASTIPC_F_NONBLOCK;
	ASSERT_EQ(0, mprotect(self->rdonly, PAGE, PROT_READ));
	EXPECT_EQ(-EFAULT, fipc_ioctl(self->fd[CHAN], FASTIPC_IOC_RECV, s));
	ASSERT_EQ(4, fipc_recv(self->fd[CHAN], buf, sizeof(buf),
			       FASTIPC_F_NONBLOCK, 0, &ok));
	EXPECT_EQ(41U, ok.hdr.op);
}

TEST_F(ptr, create_bad_arg_creates_nothing)
{
	struct fastipc_chan_create *c = (void *)(self->noaccess - 64);
	char name[FASTIPC_NAME_MAX];
	int fds = fipc_fds_open();

	/* The name is readable, the rest of the struct is not. */
	fipc_unique_name(name, "bad");
	memset(c, 0, 64);
	memcpy(c->ref.name, name, strlen(name));
	EXPECT_EQ(-EFAULT, fipc_ioctl(self->fd[CTL], FASTIPC_IOC_CHAN_CREATE, c));
	EXPECT_EQ(-ENOENT, fipc_connect(self->fd[CTL], name, NULL));
	EXPECT_EQ(fds, fipc_fds_open());
}

static int looks_kernel(__u64 v)
{
	return v >= 0xffff800000000000ULL;
}

/* No 8-byte word of @p is a kernel address, no 4-byte word is 0xaaaaaaaa. */
static int clean(const void *p, size_t len)
{
	const unsigned char *b = p;
	__u64 q;
	__u32 w;
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(&q, b + i, 8);
		if (looks_kernel(q))
			return 0;
	}
	for (i = 0; i + 4 <= len; i += 4) {
		memcpy(&w, b + i, 4);
		if (w == 0xaaaaaaaa)
			return 0;
	}
	return 1;
}

TEST_F(ptr, out_api_filled)
{
	struct fastipc_api a;

	memset(&a, 0xaa, sizeof(a));
	a.api = FASTIPC_API_VERSION;
	a.flags = 0;
	ASSERT_EQ(0, fipc_ioctl(self->fd[CTL], FASTIPC_IOC_API, &a));
	EXPECT_TRUE(clean(&a, sizeof(a)));
}

TEST_F(ptr, out_stat_filled)
{
	struct fastipc_chan_stat st;

	memset(&st, 0xaa, sizeof(st));
	fipc_ref_name(&st.ref, self->name);
	st.flags = 0;
	st.pad = 0;
	ASSERT_EQ(0, fipc_ioctl(self->fd[CTL], FASTIPC_IOC_CHAN_STAT, &st));
	EXPECT_TRUE(clean(&st.perm, sizeof(st) - offsetof(typeof(st), perm)));
	EXPECT_EQ(0U, st.pad);
	EXPECT_EQ(0ULL, st.perm.key);
	EXPECT_EQ(1U, st.nr_conns);
}

TEST_F(ptr, out_connect_filled)
{
	struct fastipc_msg_hdr h;
	struct fastipc_connect c;
	int fd;

	memset(&c, 0, sizeof(c));
	fipc_ref_name(&c.ref, self->name);
	c.conn_id = 0xaaaaaaaaaaaaaaaaULL;
	fd = fipc_ioctl(self->fd[CTL], FASTIPC_IOC_CONNECT, &c);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, fipc_recv_wait(self->fd[CHAN], NULL, 0, &h));
	EXPECT_EQ(h.conn_id, c.conn_id);
	EXPECT_TRUE(clean(&c, sizeof(c)));
	close(fd);
}

TEST_F(ptr, out_recv_filled)
{
	unsigned char buf[64];
	struct fastipc_serve s;
	unsigned int i;

	ASSERT_EQ(0, fipc_send(self->fd[CONN], 51, "abcdef", 6, 0));
	memset(&s, 0, sizeof(s));
	memset(&s.hdr, 0xaa, sizeof(s.hdr));
	memset(buf, 0xaa, sizeof(buf));
	s.buf_ptr = (uintptr_t)buf;
	s.buf_cap = sizeof(buf);
	s.flags = FASTIPC_F_NONBLOCK;
	ASSERT_LE(0, fipc_ioctl(self->fd[CHAN], FASTIPC_IOC_RECV, &s));
	EXPECT_TRUE(clean(&s.hdr, sizeof(s.hdr)));
	EXPECT_EQ(0U, s.hdr.flags);
	EXPECT_EQ(0U, s.hdr.reply_max);
	EXPECT_EQ(6U, s.hdr.len);
	EXPECT_EQ(0U, s.pad);
	EXPECT_EQ(0, memcmp(buf, "abcdef", 6));
	for (i = 6; i < sizeof(buf); i++)
		EXPECT_EQ(0xaa, buf[i]);
}

TEST_F(ptr, out_call_filled)
{
	unsigned char rep[64];
	struct fastipc_msg_hdr h;
	struct fastipc_call c;
	struct fipc_bg b;
	unsigned int i;

	memset(rep, 0xaa, sizeof(rep));
	fipc_call_init(&c, 9, NULL, 0, rep, sizeof(rep));
	c.rep_len = 0xaaaaaaaa;
	c.status = (__s32)0xaaaaaaaa;
	c.msg_id = 0xaaaaaaaaaaaaaaaaULL;
	ASSERT_EQ(0, fipc_bg_start(&b, self->fd[CONN], FASTIPC_IOC_CALL, &c));
	ASSERT_EQ(0, fipc_recv_type(self->fd[CHAN], FASTIPC_MSG_REQUEST, NULL, 0,
				    &h));
	ASSERT_EQ(0, fipc_reply(self->fd[CHAN], h.msg_id, "xyz", 3, 0, NULL));
	ASSERT_EQ(0, fipc_bg_join(&b));
	EXPECT_EQ(3U, c.rep_len);
	EXPECT_EQ(0, c.status);
	EXPECT_EQ(h.msg_id, c.msg_id);
	EXPECT_TRUE(clean(&c, sizeof(c)));
	for (i = 3; i < sizeof(rep); i++)
		EXPECT_EQ(0xaa, rep[i]);
}

TEST_HARNESS_MAIN
