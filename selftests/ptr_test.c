// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc: bad pointers inside otherwise valid arguments (payload, reply and
 * receive buffers unmapped, in the kernel's half, wrapping or straddling a
 * PROT_NONE page: -EFAULT, and the message or reply is neither lost nor
 * half delivered), arguments in read-only memory, and output structs that
 * must not leak stale or kernel data (filled with 0xAA before the call,
 * every padding and reserved byte is zero after it). Unknown flags, sizes
 * and reserved fields are abuse_test's.
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

enum { CTL, CHAN, CONN };

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

/*
 * A REPLY or REPLY_RECV struct in read-only memory is not probed (since
 * 0.7.3): it is read, the reply is delivered and stays delivered, a
 * message REPLY_RECV then receives goes back to the queue, and the
 * write-back fails with -EFAULT. Nothing is lost: the caller has its
 * reply, the message is received again, and the request is no longer
 * outstanding.
 */
static void readonly_reply(struct __test_metadata *_metadata,
			   FIXTURE_DATA(ptr) *self, unsigned long cmd)
{
	struct fastipc_serve *s = (void *)self->rdonly, ok;
	bool recv = cmd == FASTIPC_IOC_REPLY_RECV;
	char rep[16] = "", buf[16];
	struct fastipc_call c;
	struct fipc_bg b;
	__u64 id;

	id = pending(self, &b, &c, rep, sizeof(rep));
	ASSERT_NE(0ULL, id);
	if (recv)
		ASSERT_EQ(0, fipc_send(self->fd[CONN], 41, "abcd", 4, 0));
	ASSERT_EQ(0, mprotect(self->rdonly, PAGE, PROT_READ | PROT_WRITE));
	memset(s, 0, sizeof(*s));
	s->reply_id = id;
	s->reply_ptr = (uintptr_t)"pong";
	s->reply_len = 4;
	s->reply_status = 7;
	if (recv) {
		s->buf_ptr = (uintptr_t)buf;
		s->buf_cap = sizeof(buf);
		s->flags = FASTIPC_F_NONBLOCK;
	}
	ASSERT_EQ(0, mprotect(self->rdonly, PAGE, PROT_READ));
	EXPECT_EQ(-EFAULT, fipc_ioctl(self->fd[CHAN], cmd, s));
	ASSERT_EQ(0, fipc_bg_join(&b));
	EXPECT_EQ(7, c.status);
	ASSERT_EQ(4U, c.rep_len);
	EXPECT_EQ(0, memcmp(rep, "pong", 4));
	EXPECT_EQ(-ENOENT, fipc_reply(self->fd[CHAN], id, NULL, 0, 0, NULL));
	if (recv) {
		ASSERT_EQ(4, fipc_recv(self->fd[CHAN], buf, sizeof(buf),
				       FASTIPC_F_NONBLOCK, 0, &ok));
		EXPECT_EQ(41U, ok.hdr.op);
		EXPECT_EQ(0, memcmp(buf, "abcd", 4));
	}
	EXPECT_TRUE(queue_empty(self));
}

TEST_F(ptr, reply_readonly_arg_delivers)
{
	readonly_reply(_metadata, self, FASTIPC_IOC_REPLY);
}

TEST_F(ptr, reply_recv_readonly_arg_delivers_and_requeues)
{
	readonly_reply(_metadata, self, FASTIPC_IOC_REPLY_RECV);
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
