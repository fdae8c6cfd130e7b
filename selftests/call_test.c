// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc: CALL/SEND/RECV/REPLY/REPLY_RECV on the copy path: sizes, limits,
 * headers, one-way ordering, reply errors, and many clients against several
 * server threads.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "fastipc_util.h"

#define BIG	(FASTIPC_MSG_MAX_DEFAULT + 64)

FIXTURE(call) {
	FIPC_TRIO;
};

/* Control fd, a channel with @msg_max, one connection, CONNECT drained. */
static void setup_chan(struct __test_metadata *_metadata, int fd[3],
		       __u64 *conn_id, char *name, __u32 msg_max)
{
	ASSERT_EQ(0, fipc_setup(fd, conn_id, name, "call", msg_max, 0, 0));
}

FIXTURE_SETUP(call)
{
	FIPC_REQUIRE_DEV();
	setup_chan(_metadata, self->fd, &self->conn_id, self->name, 0);
}

FIXTURE_TEARDOWN(call)
{
	fipc_trio_close(self->fd);
}

/*
 * Server thread: receives @n requests; each request's payload is the
 * pattern seeded with its op; the reply is @rep_len bytes (or the request's
 * length when rep_len < 0) of the pattern seeded with op + 1, status = op.
 */
struct server {
	int chan;
	int n;
	long rep_len;
	int err;
	struct fastipc_msg_hdr hdr[8];
	pthread_t th;
};

static void *server_fn(void *arg)
{
	struct server *s = arg;
	unsigned char *buf = malloc(BIG), *rep = malloc(BIG);
	struct fastipc_msg_hdr h;
	__u32 len, out;
	int i, ret;

	for (i = 0; i < s->n && !s->err; i++) {
		ret = fipc_recv_type(s->chan, FASTIPC_MSG_REQUEST, buf, BIG, &h);
		if (ret < 0) {
			s->err = ret;
			break;
		}
		if (i < 8)
			s->hdr[i] = h;
		if (fipc_mismatch(buf, h.len, h.op) >= 0)
			s->err = -EBADMSG;
		len = s->rep_len < 0 ? h.len : (__u32)s->rep_len;
		fipc_fill(rep, len, h.op + 1);
		ret = fipc_reply(s->chan, h.msg_id, rep, len, (__s32)h.op, &out);
		if (ret < 0)
			s->err = ret;
		else if (out != FASTIPC_SERVE_REPLIED)
			s->err = -EPROTO;
	}
	free(buf);
	free(rep);
	return NULL;
}

static void server_start(struct server *s, int chan, int n, long rep_len)
{
	memset(s, 0, sizeof(*s));
	s->chan = chan;
	s->n = n;
	s->rep_len = rep_len;
	pthread_create(&s->th, NULL, server_fn, s);
}

static int server_join(struct server *s)
{
	pthread_join(s->th, NULL);
	return s->err;
}

TEST_F(call, roundtrip_sizes)
{
	/* 256 and 257 straddle the kernel's inline reply room. */
	static const __u32 sizes[] = { 0, 1, 255, 256, 257, 4095, 4096, 65536 };
	unsigned char *req = malloc(BIG), *rep = malloc(BIG);
	struct fastipc_call c;
	struct server s;
	unsigned int i;

	ASSERT_TRUE(req && rep);
	server_start(&s, self->chan, ARRAY_SIZE(sizes), -1);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		__u32 op = 1000 + i;

		fipc_fill(req, sizes[i], op);
		memset(rep, 0xee, BIG);
		ASSERT_EQ(0, fipc_call(self->conn, op, req, sizes[i], rep,
				       BIG - 1, &c)) TH_LOG("size %u", sizes[i]);
		EXPECT_EQ(sizes[i], c.rep_len);
		EXPECT_EQ((__s32)op, c.status);
		EXPECT_EQ(-1, fipc_mismatch(rep, c.rep_len, op + 1));
		EXPECT_EQ(0xee, rep[sizes[i]]);
		EXPECT_EQ(c.msg_id, s.hdr[i].msg_id);
	}
	ASSERT_EQ(0, server_join(&s));
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		EXPECT_EQ((__u32)FASTIPC_MSG_REQUEST, s.hdr[i].type);
		EXPECT_EQ(self->conn_id, s.hdr[i].conn_id);
		EXPECT_EQ(1000 + i, s.hdr[i].op);
		EXPECT_EQ(sizes[i], s.hdr[i].len);
		EXPECT_EQ((__u32)BIG - 1, s.hdr[i].reply_max);
		EXPECT_EQ(getpid(), s.hdr[i].pid);
		EXPECT_EQ(geteuid(), s.hdr[i].uid);
		EXPECT_EQ(getegid(), s.hdr[i].gid);
		EXPECT_EQ(0U, s.hdr[i].flags);
		if (i)
			EXPECT_NE(s.hdr[i - 1].msg_id, s.hdr[i].msg_id);
	}
	free(req);
	free(rep);
}

TEST_F(call, status_op_and_counters)
{
	struct fastipc_chan_stat st;
	struct fastipc_msg_hdr h;
	struct fastipc_call c;
	struct fipc_bg b;
	char req[4] = "ping", rep[16], buf[16];

	fipc_call_init(&c, 0xdeadbeef, req, sizeof(req), rep, sizeof(rep));
	ASSERT_EQ(0, fipc_bg_start(&b, self->conn, FASTIPC_IOC_CALL, &c));
	ASSERT_EQ(4, fipc_recv_type(self->chan, FASTIPC_MSG_REQUEST, buf,
				    sizeof(buf), &h));
	EXPECT_EQ(0xdeadbeefU, h.op);
	EXPECT_EQ(0, memcmp(buf, "ping", 4));
	EXPECT_EQ(0, fipc_reply(self->chan, h.msg_id, "ok", 2, -4242, NULL));
	ASSERT_EQ(0, fipc_bg_join(&b));
	EXPECT_EQ(-4242, c.status);
	EXPECT_EQ(2U, c.rep_len);
	EXPECT_EQ(0, memcmp(rep, "ok", 2));
	EXPECT_EQ(h.msg_id, c.msg_id);
	ASSERT_EQ(0, fipc_stat(self->ctl, self->name, &st));
	EXPECT_EQ(1ULL, st.counters.calls);
	EXPECT_EQ(1ULL, st.counters.replies);
	EXPECT_EQ(0ULL, st.counters.oneway);
	EXPECT_LE(6ULL, st.counters.bytes_copied);
	EXPECT_EQ(0ULL, st.counters.errors);
}

TEST_F(call, request_above_msg_max)
{
	unsigned char *req = calloc(1, BIG);
	struct fastipc_call c;

	ASSERT_NE(NULL, req);
	fipc_call_init(&c, 1, req, FASTIPC_MSG_MAX_DEFAULT + 1, NULL, 0);
	EXPECT_EQ(-EMSGSIZE, fipc_ioctl(self->conn, FASTIPC_IOC_CALL, &c));
	/* Nothing was queued. */
	EXPECT_EQ(-EAGAIN, fipc_recv(self->chan, NULL, 0, FASTIPC_F_NONBLOCK,
				     0, NULL));
	free(req);
}

TEST_F(call, send_above_msg_max)
{
	unsigned char *req = calloc(1, BIG);

	ASSERT_NE(NULL, req);
	EXPECT_EQ(-EMSGSIZE, fipc_send(self->conn, 1, req,
				       FASTIPC_MSG_MAX_DEFAULT + 1, 0));
	EXPECT_EQ(0, fipc_send(self->conn, 1, req, FASTIPC_MSG_MAX_DEFAULT, 0));
	EXPECT_EQ(FASTIPC_MSG_MAX_DEFAULT,
		  fipc_recv_type(self->chan, FASTIPC_MSG_ONEWAY, req, BIG, NULL));
	EXPECT_EQ(-EAGAIN, fipc_recv(self->chan, NULL, 0, FASTIPC_F_NONBLOCK,
				     0, NULL));
	free(req);
}

FIXTURE(small) {
	union {
		int fd[3];
		struct {
			int ctl, chan, conn;
		};
	};
	__u64 conn_id;
	char name[FASTIPC_NAME_MAX];
};

FIXTURE_SETUP(small)
{
	FIPC_REQUIRE_DEV();
	setup_chan(_metadata, self->fd, &self->conn_id, self->name, 4096);
}

FIXTURE_TEARDOWN(small)
{
	close(self->conn);
	close(self->chan);
	close(self->ctl);
}

TEST_F(small, request_limit_plus_one)
{
	unsigned char req[4097], rep[4096];
	struct fastipc_call c;
	struct server s;

	fipc_fill(req, sizeof(req), 3);
	fipc_call_init(&c, 3, req, 4097, rep, sizeof(rep));
	EXPECT_EQ(-EMSGSIZE, fipc_ioctl(self->conn, FASTIPC_IOC_CALL, &c));
	server_start(&s, self->chan, 1, -1);
	ASSERT_EQ(0, fipc_call(self->conn, 3, req, 4096, rep, sizeof(rep), &c));
	EXPECT_EQ(4096U, c.rep_len);
	EXPECT_EQ(-1, fipc_mismatch(rep, 4096, 4));
	EXPECT_EQ(0, server_join(&s));
}

TEST_F(small, reply_above_msg_max)
{
	static unsigned char rep[8192], buf[8192];
	struct fastipc_msg_hdr h;
	struct fastipc_call c;
	struct fipc_bg b;
	__u32 out = 0;

	fipc_call_init(&c, 5, NULL, 0, rep, sizeof(rep));
	ASSERT_EQ(0, fipc_bg_start(&b, self->conn, FASTIPC_IOC_CALL, &c));
	ASSERT_EQ(0, fipc_recv_type(self->chan, FASTIPC_MSG_REQUEST, NULL, 0, &h));
	EXPECT_EQ(8192U, h.reply_max);
	fipc_fill(buf, sizeof(buf), 6);
	EXPECT_EQ(-EMSGSIZE, fipc_reply(self->chan, h.msg_id, buf, 4097, 0, &out));
	EXPECT_EQ(0U, out & FASTIPC_SERVE_REPLIED);
	/* The request stays outstanding: a fitting reply goes through. */
	EXPECT_EQ(0, fipc_reply(self->chan, h.msg_id, buf, 4096, 9, &out));
	EXPECT_EQ(FASTIPC_SERVE_REPLIED, out);
	ASSERT_EQ(0, fipc_bg_join(&b));
	EXPECT_EQ(4096U, c.rep_len);
	EXPECT_EQ(9, c.status);
	EXPECT_EQ(-1, fipc_mismatch(rep, 4096, 6));
}

TEST_F(call, reply_above_rep_cap)
{
	unsigned char rep[100], buf[200];
	struct fastipc_msg_hdr h;
	struct fastipc_call c;
	struct fipc_bg b;
	__u32 out = 0;

	memset(rep, 0xee, sizeof(rep));
	fipc_call_init(&c, 5, NULL, 0, rep, 64);
	ASSERT_EQ(0, fipc_bg_start(&b, self->conn, FASTIPC_IOC_CALL, &c));
	ASSERT_EQ(0, fipc_recv_type(self->chan, FASTIPC_MSG_REQUEST, NULL, 0, &h));
	EXPECT_EQ(64U, h.reply_max);
	fipc_fill(buf, sizeof(buf), 7);
	EXPECT_EQ(-ENOBUFS, fipc_reply(self->chan, h.msg_id, buf, 65, 0, &out));
	EXPECT_EQ(0U, out & FASTIPC_SERVE_REPLIED);
	EXPECT_EQ(0, fipc_reply(self->chan, h.msg_id, buf, 64, 1, &out));
	EXPECT_EQ(FASTIPC_SERVE_REPLIED, out);
	ASSERT_EQ(0, fipc_bg_join(&b));
	EXPECT_EQ(64U, c.rep_len);
	EXPECT_EQ(-1, fipc_mismatch(rep, 64, 7));
	EXPECT_EQ(0xee, rep[64]);
}

TEST_F(call, recv_buffer_too_small)
{
	unsigned char msg[1000], buf[1000];
	struct fastipc_serve s;

	fipc_fill(msg, sizeof(msg), 11);
	ASSERT_EQ(0, fipc_send(self->conn, 11, msg, sizeof(msg), 0));
	EXPECT_EQ(-EMSGSIZE, fipc_recv(self->chan, buf, 999, FASTIPC_F_NONBLOCK,
				       0, &s));
	EXPECT_EQ(1000U, s.hdr.len);
	EXPECT_EQ(-EMSGSIZE, fipc_recv(self->chan, NULL, 0, FASTIPC_F_NONBLOCK,
				       0, &s));
	EXPECT_EQ(1000U, s.hdr.len);
	/* Still queued and intact. */
	ASSERT_EQ(1000, fipc_recv(self->chan, buf, sizeof(buf),
				  FASTIPC_F_NONBLOCK, 0, &s));
	EXPECT_EQ((__u32)FASTIPC_MSG_ONEWAY, s.hdr.type);
	EXPECT_EQ(11U, s.hdr.op);
	EXPECT_EQ(-1, fipc_mismatch(buf, sizeof(buf), 11));
}

TEST_F(call, recv_zero_length_without_buffer)
{
	struct fastipc_serve s;

	ASSERT_EQ(0, fipc_send(self->conn, 12, NULL, 0, 0));
	EXPECT_EQ(0, fipc_recv(self->chan, NULL, 0, FASTIPC_F_NONBLOCK, 0, &s));
	EXPECT_EQ(0U, s.hdr.len);
	EXPECT_EQ(12U, s.hdr.op);
	EXPECT_EQ(FASTIPC_SERVE_RECEIVED, s.out_flags);
}

TEST_F(call, oneway_in_order)
{
	struct fastipc_chan_stat st;
	struct fastipc_call c;
	unsigned char buf[2048];
	struct fastipc_serve s;
	__u64 ids[20];
	int i;

	for (i = 0; i < 20; i++) {
		fipc_fill(buf, i * 97, i);
		memset(&c, 0, sizeof(c));
		c.req_ptr = (uintptr_t)buf;
		c.req_len = i * 97;
		c.op = i;
		ASSERT_EQ(0, fipc_ioctl(self->conn, FASTIPC_IOC_SEND, &c));
		ids[i] = c.msg_id;
	}
	for (i = 0; i < 20; i++) {
		ASSERT_EQ(i * 97, fipc_recv(self->chan, buf, sizeof(buf),
					    FASTIPC_F_NONBLOCK, 0, &s));
		EXPECT_EQ((__u32)FASTIPC_MSG_ONEWAY, s.hdr.type);
		EXPECT_EQ((__u32)i, s.hdr.op);
		EXPECT_EQ(ids[i], s.hdr.msg_id);
		EXPECT_EQ(self->conn_id, s.hdr.conn_id);
		EXPECT_EQ(0U, s.hdr.reply_max);
		EXPECT_EQ(getpid(), s.hdr.pid);
		EXPECT_EQ(-1, fipc_mismatch(buf, i * 97, i));
	}
	EXPECT_EQ(-EAGAIN, fipc_recv(self->chan, NULL, 0, FASTIPC_F_NONBLOCK,
				     0, NULL));
	ASSERT_EQ(0, fipc_stat(self->ctl, self->name, &st));
	EXPECT_EQ(20ULL, st.counters.oneway);
	EXPECT_EQ(0ULL, st.counters.calls);
}

TEST_F(call, reply_to_oneway)
{
	struct fastipc_msg_hdr h;

	ASSERT_EQ(0, fipc_send(self->conn, 1, NULL, 0, 0));
	ASSERT_EQ(0, fipc_recv_wait(self->chan, NULL, 0, &h));
	EXPECT_EQ((__u32)FASTIPC_MSG_ONEWAY, h.type);
	EXPECT_EQ(-ENOENT, fipc_reply(self->chan, h.msg_id, NULL, 0, 0, NULL));
}

TEST_F(call, reply_to_connect_message)
{
	struct fastipc_msg_hdr h;
	int conn;

	conn = fipc_connect(self->ctl, self->name, NULL);
	ASSERT_LE(0, conn);
	ASSERT_EQ(0, fipc_recv_wait(self->chan, NULL, 0, &h));
	EXPECT_EQ((__u32)FASTIPC_MSG_CONNECT, h.type);
	EXPECT_EQ(-ENOENT, fipc_reply(self->chan, h.msg_id, NULL, 0, 0, NULL));
	close(conn);
}

TEST_F(call, reply_unknown_id)
{
	EXPECT_EQ(-ENOENT, fipc_reply(self->chan, 0x7fffffff12345ULL, NULL, 0,
				      0, NULL));
	EXPECT_EQ(-ENOENT, fipc_reply(self->chan, ~0ULL, NULL, 0, 0, NULL));
}

TEST_F(call, reply_twice)
{
	struct fastipc_msg_hdr h;
	struct fastipc_call c;
	struct fipc_bg b;
	__u32 out;

	fipc_call_init(&c, 1, NULL, 0, NULL, 0);
	ASSERT_EQ(0, fipc_bg_start(&b, self->conn, FASTIPC_IOC_CALL, &c));
	ASSERT_EQ(0, fipc_recv_type(self->chan, FASTIPC_MSG_REQUEST, NULL, 0, &h));
	EXPECT_EQ(0, fipc_reply(self->chan, h.msg_id, NULL, 0, 0, &out));
	EXPECT_EQ(FASTIPC_SERVE_REPLIED, out);
	ASSERT_EQ(0, fipc_bg_join(&b));
	EXPECT_EQ(-ENOENT, fipc_reply(self->chan, h.msg_id, NULL, 0, 0, NULL));
}

TEST_F(call, recv_out_flags)
{
	struct fastipc_serve s;

	ASSERT_EQ(0, fipc_send(self->conn, 1, NULL, 0, 0));
	memset(&s, 0, sizeof(s));
	s.flags = FASTIPC_F_NONBLOCK;
	ASSERT_EQ(0, fipc_ioctl(self->chan, FASTIPC_IOC_RECV, &s));
	EXPECT_EQ(FASTIPC_SERVE_RECEIVED, s.out_flags);
	/* A failed receive reports nothing done. */
	memset(&s, 0, sizeof(s));
	s.flags = FASTIPC_F_NONBLOCK;
	s.out_flags = 0x55;
	EXPECT_EQ(-EAGAIN, fipc_ioctl(self->chan, FASTIPC_IOC_RECV, &s));
	EXPECT_EQ(0U, s.out_flags);
}

/* REPLY_RECV answers one request and receives the next in one call. */
TEST_F(call, reply_recv)
{
	struct fastipc_call c1, c2;
	struct fastipc_serve s;
	struct fastipc_msg_hdr h;
	struct fipc_bg b1, b2;
	char rep1[8], rep2[8], buf[8];
	int conn2;

	conn2 = fipc_connect(self->ctl, self->name, NULL);
	ASSERT_LE(0, conn2);
	ASSERT_EQ(0, fipc_recv_type(self->chan, FASTIPC_MSG_CONNECT, NULL, 0, &h));
	fipc_call_init(&c1, 1, "one", 3, rep1, sizeof(rep1));
	fipc_call_init(&c2, 2, "two", 3, rep2, sizeof(rep2));
	ASSERT_EQ(0, fipc_bg_start(&b1, self->conn, FASTIPC_IOC_CALL, &c1));
	ASSERT_EQ(3, fipc_recv_type(self->chan, FASTIPC_MSG_REQUEST, buf,
				    sizeof(buf), &h));
	EXPECT_EQ(1U, h.op);
	ASSERT_EQ(0, fipc_bg_start(&b2, conn2, FASTIPC_IOC_CALL, &c2));

	memset(&s, 0, sizeof(s));
	s.reply_id = h.msg_id;
	s.reply_ptr = (uintptr_t)"ONE";
	s.reply_len = 3;
	s.reply_status = 10;
	s.buf_ptr = (uintptr_t)buf;
	s.buf_cap = sizeof(buf);
	s.flags = FASTIPC_F_TIMEOUT;
	s.timeout_ns = FIPC_WAIT_NS;
	ASSERT_LE(0, fipc_ioctl(self->chan, FASTIPC_IOC_REPLY_RECV, &s));
	EXPECT_EQ(3U, s.hdr.len);
	EXPECT_EQ(FASTIPC_SERVE_REPLIED | FASTIPC_SERVE_RECEIVED, s.out_flags);
	EXPECT_EQ(2U, s.hdr.op);
	EXPECT_EQ((__u32)FASTIPC_MSG_REQUEST, s.hdr.type);
	EXPECT_EQ(0, memcmp(buf, "two", 3));
	ASSERT_EQ(0, fipc_bg_join(&b1));
	EXPECT_EQ(10, c1.status);
	EXPECT_EQ(0, memcmp(rep1, "ONE", 3));

	/* Reply goes out even though nothing is left to receive. */
	s.reply_id = s.hdr.msg_id;
	s.reply_ptr = (uintptr_t)"TWO";
	s.reply_status = 20;
	s.flags = FASTIPC_F_NONBLOCK;
	s.timeout_ns = 0;
	s.out_flags = 0;
	EXPECT_EQ(-EAGAIN, fipc_ioctl(self->chan, FASTIPC_IOC_REPLY_RECV, &s));
	EXPECT_EQ(FASTIPC_SERVE_REPLIED, s.out_flags);
	ASSERT_EQ(0, fipc_bg_join(&b2));
	EXPECT_EQ(20, c2.status);
	EXPECT_EQ(3U, c2.rep_len);
	EXPECT_EQ(0, memcmp(rep2, "TWO", 3));
	close(conn2);
}

TEST_F(call, reply_recv_unknown_id)
{
	struct fastipc_serve s;
	char buf[8];

	ASSERT_EQ(0, fipc_send(self->conn, 4, "x", 1, 0));
	memset(&s, 0, sizeof(s));
	s.reply_id = 0x7fffffff12345ULL;
	s.buf_ptr = (uintptr_t)buf;
	s.buf_cap = sizeof(buf);
	s.flags = FASTIPC_F_NONBLOCK;
	EXPECT_EQ(-ENOENT, fipc_ioctl(self->chan, FASTIPC_IOC_REPLY_RECV, &s));
	EXPECT_EQ(0U, s.out_flags & FASTIPC_SERVE_REPLIED);
	/* Nothing was received by the failed call. */
	EXPECT_EQ(1, fipc_recv(self->chan, buf, sizeof(buf), FASTIPC_F_NONBLOCK,
			       0, &s));
	EXPECT_EQ(4U, s.hdr.op);
}

/*
 * Many clients (processes) against several server threads in REPLY_RECV.
 * Every request carries its client and sequence number; the reply is the
 * request XOR 0xa5 and status = op, so a lost or misrouted reply shows.
 */
#define NR_CLIENTS	8
#define NR_CALLS	200
#define NR_THREADS	4

struct tag {
	__u32 client;
	__u32 seq;
	__s32 pid;
	__u32 len;
};

struct pool {
	int chan;
	volatile int done;
	int requests, connects, disconnects, errors;
	__u64 conn_of[NR_CLIENTS];
	__s32 pid_of[NR_CLIENTS];
};

static int check_request(struct pool *p, const struct fastipc_msg_hdr *h,
			 const unsigned char *buf)
{
	struct tag t;
	__u64 zero = 0;

	if (h->len < sizeof(t))
		return -1;
	memcpy(&t, buf, sizeof(t));
	if (t.client >= NR_CLIENTS || t.len != h->len || t.pid != h->pid ||
	    h->op != t.client * 100000 + t.seq)
		return -1;
	if (fipc_mismatch(buf + sizeof(t), h->len - sizeof(t), h->op) >= 0)
		return -1;
	__atomic_compare_exchange_n(&p->conn_of[t.client], &zero, h->conn_id,
				    0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
	return p->conn_of[t.client] == h->conn_id ? 0 : -1;
}

static void count(int *v)
{
	__atomic_add_fetch(v, 1, __ATOMIC_SEQ_CST);
}

static void *pool_fn(void *arg)
{
	static const __u32 cap = 4096;
	unsigned char *buf = malloc(cap), *rep = malloc(cap);
	struct pool *p = arg;
	struct fastipc_serve s;
	__u32 i;
	int ret;

	memset(&s, 0, sizeof(s));
	for (;;) {
		s.buf_ptr = (uintptr_t)buf;
		s.buf_cap = cap;
		s.flags = FASTIPC_F_TIMEOUT;
		s.timeout_ns = 100 * FIPC_MS;
		s.out_flags = 0;
		ret = fipc_ioctl(p->chan, s.reply_id ? FASTIPC_IOC_REPLY_RECV :
				 FASTIPC_IOC_RECV, &s);
		if (s.reply_id && !(s.out_flags & FASTIPC_SERVE_REPLIED))
			count(&p->errors);
		s.reply_id = 0;
		s.reply_ptr = 0;
		s.reply_len = 0;
		s.reply_status = 0;
		if (ret == -ETIMEDOUT && p->done)
			break;
		if (ret == -ETIMEDOUT)
			continue;
		if (ret < 0) {
			count(&p->errors);
			break;
		}
		if (s.hdr.type == FASTIPC_MSG_CONNECT) {
			count(&p->connects);
			continue;
		}
		if (s.hdr.type == FASTIPC_MSG_DISCONNECT) {
			count(&p->disconnects);
			continue;
		}
		if (s.hdr.type != FASTIPC_MSG_REQUEST ||
		    check_request(p, &s.hdr, buf))
			count(&p->errors);
		count(&p->requests);
		for (i = 0; i < s.hdr.len; i++)
			rep[i] = buf[i] ^ 0xa5;
		s.reply_id = s.hdr.msg_id;
		s.reply_ptr = (uintptr_t)rep;
		s.reply_len = s.hdr.len;
		s.reply_status = (__s32)s.hdr.op;
	}
	free(buf);
	free(rep);
	return NULL;
}

static int client_run(unsigned int client, const char *name)
{
	unsigned char req[1024], rep[1024];
	struct fastipc_call c;
	struct tag t;
	__u32 seq, len, i;
	int ctl, conn;

	ctl = fipc_open();
	CHILD_CHECK(ctl >= 0);
	conn = fipc_connect(ctl, name, NULL);
	CHILD_CHECK(conn >= 0);
	for (seq = 0; seq < NR_CALLS; seq++) {
		len = sizeof(t) + (seq * 37 + client * 11) % 700;
		t.client = client;
		t.seq = seq;
		t.pid = getpid();
		t.len = len;
		memcpy(req, &t, sizeof(t));
		fipc_fill(req + sizeof(t), len - sizeof(t),
			  client * 100000 + seq);
		CHILD_CHECK(fipc_call(conn, client * 100000 + seq, req, len,
				      rep, sizeof(rep), &c) == 0);
		CHILD_CHECK(c.rep_len == len);
		CHILD_CHECK(c.status == (__s32)(client * 100000 + seq));
		for (i = 0; i < len; i++)
			CHILD_CHECK(rep[i] == (req[i] ^ 0xa5));
	}
	close(conn);
	close(ctl);
	return 0;
}

TEST_F_TIMEOUT(call, many_clients_many_threads, 240)
{
	struct fastipc_chan_stat st;
	struct pool p = { .chan = self->chan };
	pthread_t th[NR_THREADS];
	pid_t pid[NR_CLIENTS];
	unsigned int i;
	int tries;

	for (i = 0; i < NR_THREADS; i++)
		ASSERT_EQ(0, pthread_create(&th[i], NULL, pool_fn, &p));
	for (i = 0; i < NR_CLIENTS; i++) {
		fflush(NULL);
		pid[i] = fork();
		ASSERT_LE(0, pid[i]);
		if (!pid[i]) {
			close(self->chan);
			_exit(client_run(i, self->name));
		}
	}
	for (i = 0; i < NR_CLIENTS; i++)
		EXPECT_EQ(0, fipc_wait(pid[i])) TH_LOG("client %u", i);
	for (tries = 0; tries < 1000 &&
	     __atomic_load_n(&p.disconnects, __ATOMIC_SEQ_CST) < NR_CLIENTS;
	     tries++)
		usleep(10000);
	p.done = 1;
	for (i = 0; i < NR_THREADS; i++)
		pthread_join(th[i], NULL);
	EXPECT_EQ(0, p.errors);
	EXPECT_EQ(NR_CLIENTS * NR_CALLS, p.requests);
	EXPECT_EQ(NR_CLIENTS, p.connects);
	EXPECT_EQ(NR_CLIENTS, p.disconnects);
	ASSERT_EQ(0, fipc_stat(self->ctl, self->name, &st));
	EXPECT_EQ((__u64)NR_CLIENTS * NR_CALLS, st.counters.calls);
	EXPECT_EQ((__u64)NR_CLIENTS * NR_CALLS, st.counters.replies);
	EXPECT_EQ(0ULL, st.counters.dropped_replies);
	EXPECT_EQ(0U, st.queue_msgs);
	EXPECT_LE(1U, st.queue_peak);
}

TEST_HARNESS_MAIN
