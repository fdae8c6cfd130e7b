// SPDX-License-Identifier: GPL-2.0
/*
 * libfastipc's asynchronous calls (fastipc_call_submit / reap / cancel)
 * against a fastipc_server pool, and against a raw server where the pool
 * cannot play the part:
 *  - epoll16: 16 calls from one thread reaped from an epoll loop on the
 *    connection fd; every id, user_data and echoed payload is right.
 *  - large: 1 MiB requests and replies through the region.
 *  - busy: FASTIPC_ASYNC_MAX + 1 outstanding is -EBUSY; after one reap a
 *    submit works again.
 *  - cancel_blocked: a call whose handler blocks, cancelled, completes
 *    -ECANCELED; the handler's late reply is dropped, never reaped.
 *  - ring_not_stuck: a cancelled call's request record is abandoned, so
 *    later large requests still find room in the client->server ring.
 *  - reap_empty, reap_nowait: -ENOENT with nothing outstanding; -EAGAIN
 *    and -ETIMEDOUT while something is.
 *  - reap_enomem: no memory for the reply is -ENOMEM and the completion
 *    stays, to be reaped again.
 *  - server_close: calls outstanding when the channel is closed are each
 *    reaped with -ECONNRESET.
 *  - overflow: a reply the server says needs more than rep_max is
 *    -EOVERFLOW with the length needed (a raw server, REPLY_NEED).
 *  - submit_full: a full queue is -EAGAIN (timeout 0) or -ETIMEDOUT.
 *  - reap_raw_while_submit: a raw call's completion reaped while a
 *    submit sleeps on a full queue comes with user_data NULL, no hang.
 *  - threads: several threads submit and reap on one connection; every
 *    completion is reaped exactly once.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <fastipc.h>

#include "kselftest_harness.h"
#include "fastipc_util.h"

#define NS		1000000000ULL
#define WAIT		(30 * NS)	/* an upper bound, never a measure */
#define MSG_MAX		4096U

enum { OP_ECHO = 1, OP_FILL, OP_BLOCK };

struct fill_req {
	__u32 len;
	__u32 seed;
};

/*
 * malloc() fails in this thread while fail_malloc is set: the library's
 * allocations (it is linked statically) come here.
 */
extern void *__libc_malloc(size_t n);
static __thread int fail_malloc;

void *malloc(size_t n)
{
	return fail_malloc ? NULL : __libc_malloc(n);
}

/* OP_BLOCK's handler: says it runs, then waits for the test. */
static int entered_fd = -1, release_fd = -1;

/* Echo the request; the status is its length. */
static int h_echo(void *ctx, const struct fastipc_msg_hdr *hdr,
		  const void *req, size_t req_len, void *rep, size_t rep_cap,
		  size_t *rep_len)
{
	(void)ctx;
	(void)hdr;
	*rep_len = req_len < rep_cap ? req_len : rep_cap;
	memcpy(rep, req, *rep_len);
	return (int)req_len;
}

/* A reply of fill_req.len pattern bytes; status 7. */
static int h_fill(void *ctx, const struct fastipc_msg_hdr *hdr,
		  const void *req, size_t req_len, void *rep, size_t rep_cap,
		  size_t *rep_len)
{
	struct fill_req r;

	(void)ctx;
	(void)hdr;
	if (req_len != sizeof(r))
		return -EINVAL;
	memcpy(&r, req, sizeof(r));
	if (r.len <= rep_cap)
		fipc_fill(rep, r.len, r.seed);
	*rep_len = r.len;
	return 7;
}

static int h_block(void *ctx, const struct fastipc_msg_hdr *hdr,
		   const void *req, size_t req_len, void *rep, size_t rep_cap,
		   size_t *rep_len)
{
	uint64_t one = 1;

	(void)ctx;
	(void)hdr;
	(void)req;
	(void)req_len;
	if (write(entered_fd, &one, sizeof(one)) != sizeof(one) ||
	    read(release_fd, &one, sizeof(one)) != sizeof(one))
		return -EIO;
	*rep_len = rep_cap < 4 ? rep_cap : 4;
	memcpy(rep, "late", *rep_len);
	return 99;
}

FIXTURE(pool) {
	struct fastipc_dev *dev;
	struct fastipc_server *srv;
	struct fastipc_conn *c;
	pthread_t th;
	bool running;
	int chan;
	char name[FASTIPC_NAME_MAX];
};

static void *pool_main(void *arg)
{
	return (void *)(long)fastipc_server_run(arg);
}

FIXTURE_SETUP(pool)
{
	struct fastipc_chan_opts co = { .msg_max = MSG_MAX, .queue_msgs = 256 };

	entered_fd = eventfd(0, EFD_CLOEXEC | EFD_SEMAPHORE);
	release_fd = eventfd(0, EFD_CLOEXEC | EFD_SEMAPHORE);
	ASSERT_LE(0, entered_fd);
	ASSERT_LE(0, release_fd);
	ASSERT_EQ(0, fastipc_open(&self->dev));
	fipc_unique_name(self->name, "libasync");
	self->chan = fastipc_chan_create(self->dev, self->name, 0, 0600, &co);
	ASSERT_LE(0, self->chan);
	ASSERT_EQ(0, fastipc_server_create(self->chan, 2, NULL, &self->srv));
	ASSERT_EQ(0, fastipc_server_register(self->srv, OP_ECHO, h_echo, NULL));
	ASSERT_EQ(0, fastipc_server_register(self->srv, OP_FILL, h_fill, NULL));
	ASSERT_EQ(0, fastipc_server_register(self->srv, OP_BLOCK, h_block,
					     NULL));
	ASSERT_EQ(0, fastipc_connect(self->dev, self->name, &self->c));
}

FIXTURE_TEARDOWN(pool)
{
	uint64_t many = 1000;

	if (release_fd >= 0 && write(release_fd, &many, sizeof(many)) < 0)
		many = 0;
	if (self->running) {
		fastipc_server_stop(self->srv);
		pthread_join(self->th, NULL);
	}
	fastipc_disconnect(self->c);
	fastipc_server_destroy(self->srv);
	if (self->chan >= 0)
		close(self->chan);
	fastipc_close(self->dev);
	close(entered_fd);
	close(release_fd);
}

static int pool_start(FIXTURE_DATA(pool) *self)
{
	int ret = pthread_create(&self->th, NULL, pool_main, self->srv);

	self->running = !ret;
	return -ret;
}

/* A connection with a region of @size bytes. */
static int connect_region(FIXTURE_DATA(pool) *self, uint64_t size,
			  struct fastipc_conn **cp)
{
	struct fastipc_conn_opts o = { .region_size = size };

	return fastipc_connect_opts(self->dev, self->name, 0, &o, cp);
}

/* ------------------------------------------------------------------ */

#define N16	16

struct slot {
	uint64_t id;
	unsigned char req[64];
	size_t len;
	int reaped;
};

/* Check a completion of an echo against the slot its user_data names. */
static int check_echo(const struct fastipc_completion *k, struct slot *s,
		      size_t nslots)
{
	struct slot *t = k->user_data;

	if (t < s || t >= s + nslots || k->id != t->id || k->error ||
	    k->status != (int)t->len || k->rep_len != t->len ||
	    memcmp(k->rep, t->req, t->len))
		return -1;
	t->reaped++;
	return 0;
}

TEST_F_TIMEOUT(pool, epoll16, 120)
{
	struct fastipc_completion k;
	struct epoll_event ev = { .events = EPOLLIN };
	struct slot s[N16];
	int ep, i, n, done = 0, ret;

	ASSERT_EQ(0, pool_start(self));
	memset(s, 0, sizeof(s));
	for (i = 0; i < N16; i++) {
		s[i].len = 1 + (size_t)i * 3;
		fipc_fill(s[i].req, s[i].len, (__u32)i);
		ASSERT_EQ(0, fastipc_call_submit(self->c, OP_ECHO, s[i].req,
						 s[i].len, 64, &s[i], WAIT,
						 &s[i].id));
	}
	ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_LE(0, ep);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, fastipc_conn_fd(self->c),
			       &ev));
	while (done < N16) {
		n = epoll_wait(ep, &ev, 1, 30000);
		ASSERT_EQ(1, n);
		ASSERT_TRUE(ev.events & EPOLLIN);
		/* Collect every completion there is, then sleep again. */
		while ((ret = fastipc_call_reap(self->c, &k, 0)) == 0) {
			ASSERT_EQ(0, check_echo(&k, s, N16));
			free(k.rep);
			done++;
		}
		ASSERT_TRUE(ret == -EAGAIN || (ret == -ENOENT && done == N16));
	}
	for (i = 0; i < N16; i++)
		EXPECT_EQ(1, s[i].reaped);
	EXPECT_EQ(-ENOENT, fastipc_call_reap(self->c, &k, 0));
	close(ep);
}

TEST_F_TIMEOUT(pool, large, 120)
{
	const size_t big = 1U << 20;
	struct fill_req fr = { .len = (__u32)big, .seed = 42 };
	struct fastipc_conn_stats st;
	struct fastipc_completion k;
	struct fastipc_conn *c;
	unsigned char *req;
	uint64_t id_echo, id_fill;
	int i;

	ASSERT_EQ(0, pool_start(self));
	ASSERT_EQ(0, connect_region(self, 8ULL << 20, &c));
	ASSERT_LE(big, fastipc_conn_shm_max(c));
	req = malloc(big);
	ASSERT_NE(NULL, req);
	fipc_fill(req, big, 5);
	/* A 1 MiB request echoed (1 MiB reply) and a small one for 1 MiB. */
	ASSERT_EQ(0, fastipc_call_submit(c, OP_ECHO, req, big, big,
					 &id_echo, WAIT, &id_echo));
	memset(req, 0, big);		/* copied at submit: reusable */
	ASSERT_EQ(0, fastipc_call_submit(c, OP_FILL, &fr, sizeof(fr), big,
					 &id_fill, WAIT, &id_fill));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, fastipc_call_reap(c, &k, WAIT));
		ASSERT_EQ(0, k.error);
		ASSERT_EQ(big, k.rep_len);
		ASSERT_NE(NULL, k.rep);
		if (k.id == id_echo) {
			EXPECT_EQ(&id_echo, k.user_data);
			EXPECT_EQ((int)big, k.status);
			EXPECT_GT(0, fipc_mismatch(k.rep, big, 5));
		} else {
			ASSERT_EQ(id_fill, k.id);
			EXPECT_EQ(&id_fill, k.user_data);
			EXPECT_EQ(7, k.status);
			EXPECT_GT(0, fipc_mismatch(k.rep, big, 42));
		}
		free(k.rep);
	}
	fastipc_conn_stats(c, &st);
	EXPECT_EQ(2, st.calls);
	EXPECT_EQ(1, st.req_shm);
	EXPECT_EQ(2, st.rep_shm);
	EXPECT_EQ(3 * big, st.bytes_shm);
	EXPECT_EQ(0, st.ring_errors);
	free(req);
	fastipc_disconnect(c);
}

TEST_F_TIMEOUT(pool, busy, 120)
{
	uint64_t id[FASTIPC_ASYNC_MAX], extra;
	struct fastipc_completion k;
	int i;

	/* No server runs: every call stays outstanding. */
	for (i = 0; i < FASTIPC_ASYNC_MAX; i++)
		ASSERT_EQ(0, fastipc_call_submit(self->c, OP_ECHO, "x", 1, 16,
						 &id[i], 0, &id[i]));
	EXPECT_EQ(-EBUSY, fastipc_call_submit(self->c, OP_ECHO, "x", 1, 16,
					      NULL, 0, &extra));
	/* Complete one (cancel), reap it: room for one more again. */
	ASSERT_EQ(0, fastipc_call_cancel(self->c, id[3]));
	ASSERT_EQ(0, fastipc_call_reap(self->c, &k, WAIT));
	EXPECT_EQ(id[3], k.id);
	EXPECT_EQ(&id[3], k.user_data);
	EXPECT_EQ(-ECANCELED, k.error);
	EXPECT_EQ(NULL, k.rep);
	EXPECT_EQ(0, fastipc_call_submit(self->c, OP_ECHO, "x", 1, 16, NULL,
					 0, &extra));
	EXPECT_EQ(-EBUSY, fastipc_call_submit(self->c, OP_ECHO, "x", 1, 16,
					      NULL, 0, NULL));
	/* Now serve them all: 64 echoes, each reaped once. */
	ASSERT_EQ(0, pool_start(self));
	for (i = 0; i < FASTIPC_ASYNC_MAX; i++) {
		ASSERT_EQ(0, fastipc_call_reap(self->c, &k, WAIT));
		EXPECT_EQ(0, k.error);
		EXPECT_EQ(1, k.status);
		EXPECT_EQ(1, k.rep_len);
		free(k.rep);
	}
	EXPECT_EQ(-ENOENT, fastipc_call_reap(self->c, &k, 0));
}

/* Wait for OP_BLOCK's handler to run (bounded). */
static int wait_entered(void)
{
	struct pollfd p = { .fd = entered_fd, .events = POLLIN };
	uint64_t n;

	if (poll(&p, 1, 30000) != 1 ||
	    read(entered_fd, &n, sizeof(n)) != sizeof(n))
		return -1;
	return 0;
}

static __u64 dropped(FIXTURE_DATA(pool) *self)
{
	struct fastipc_chan_stat st;

	if (fastipc_chan_stat(self->dev, self->name, 0, &st))
		return ~0ULL;
	return st.counters.dropped_replies;
}

TEST_F_TIMEOUT(pool, cancel_blocked, 120)
{
	struct fastipc_completion k;
	uint64_t id, one = 1;
	int i;

	ASSERT_EQ(0, pool_start(self));
	ASSERT_EQ(0, fastipc_call_submit(self->c, OP_BLOCK, "b", 1, 64, &id,
					 WAIT, &id));
	ASSERT_EQ(0, wait_entered());
	EXPECT_EQ(-EAGAIN, fastipc_call_reap(self->c, &k, 0));
	ASSERT_EQ(0, fastipc_call_cancel(self->c, id));
	EXPECT_EQ(-ENOENT, fastipc_call_cancel(self->c, id));
	ASSERT_EQ(0, fastipc_call_reap(self->c, &k, WAIT));
	EXPECT_EQ(id, k.id);
	EXPECT_EQ(&id, k.user_data);
	EXPECT_EQ(-ECANCELED, k.error);
	EXPECT_EQ(0, k.rep_len);
	EXPECT_EQ(NULL, k.rep);
	EXPECT_EQ(0, dropped(self));
	/* Let the handler answer: the kernel drops that reply. */
	ASSERT_EQ(sizeof(one), write(release_fd, &one, sizeof(one)));
	for (i = 0; i < 3000 && dropped(self) != 1; i++)
		usleep(10000);
	EXPECT_EQ(1, dropped(self));
	EXPECT_EQ(-ENOENT, fastipc_call_reap(self->c, &k, 0));
	/* The connection still works. */
	ASSERT_EQ(0, fastipc_call_submit(self->c, OP_ECHO, "ok", 2, 64, NULL,
					 WAIT, &id));
	ASSERT_EQ(0, fastipc_call_reap(self->c, &k, WAIT));
	EXPECT_EQ(id, k.id);
	EXPECT_EQ(0, k.error);
	EXPECT_EQ(2, k.status);
	free(k.rep);
}

/*
 * Requests larger than msg_max must go through the ring. One cancelled
 * while queued was never received: unless the library abandons its
 * record, the server's consumer index stops there and the ring fills
 * for good. Then 16 more requests of half the area each must pass.
 */
TEST_F_TIMEOUT(pool, ring_not_stuck, 120)
{
	struct fastipc_conn_stats st;
	struct fastipc_completion k;
	struct fastipc_conn *c;
	unsigned char *req;
	size_t len;
	uint64_t id, one = 1;
	int i;

	ASSERT_EQ(0, pool_start(self));
	ASSERT_EQ(0, connect_region(self, 64ULL << 10, &c));
	len = fastipc_conn_shm_max(c);	/* half the area: two records */
	ASSERT_LT(MSG_MAX, len);
	req = malloc(len);
	ASSERT_NE(NULL, req);
	fipc_fill(req, len, 9);
	/* Both pool threads blocked: the large call stays queued. */
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, fastipc_call_submit(self->c, OP_BLOCK, "b", 1, 8,
						 NULL, WAIT, NULL));
		ASSERT_EQ(0, wait_entered());
	}
	ASSERT_EQ(0, fastipc_call_submit(c, OP_ECHO, req, len, 16, &id, WAIT,
					 &id));
	ASSERT_EQ(0, fastipc_call_cancel(c, id));
	ASSERT_EQ(0, fastipc_call_reap(c, &k, WAIT));
	EXPECT_EQ(-ECANCELED, k.error);
	EXPECT_EQ(&id, k.user_data);
	ASSERT_EQ(sizeof(one), write(release_fd, &one, sizeof(one)));
	ASSERT_EQ(sizeof(one), write(release_fd, &one, sizeof(one)));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, fastipc_call_reap(self->c, &k, WAIT));
		EXPECT_EQ(99, k.status);
		free(k.rep);
	}
	for (i = 0; i < 16; i++) {
		ASSERT_EQ(0, fastipc_call_submit(c, OP_ECHO, req, len, 16,
						 NULL, WAIT, &id));
		ASSERT_EQ(0, fastipc_call_reap(c, &k, WAIT));
		ASSERT_EQ(id, k.id);
		ASSERT_EQ(0, k.error);
		EXPECT_EQ((int)len, k.status);
		EXPECT_EQ(16, k.rep_len);
		free(k.rep);
	}
	fastipc_conn_stats(c, &st);
	EXPECT_EQ(17, st.req_shm);
	EXPECT_EQ(0, st.fallbacks);
	EXPECT_EQ(0, st.ring_errors);
	free(req);
	fastipc_disconnect(c);
}

TEST_F(pool, reap_empty)
{
	struct fastipc_completion k;

	EXPECT_EQ(-ENOENT, fastipc_call_reap(self->c, &k, 0));
	EXPECT_EQ(-ENOENT, fastipc_call_reap(self->c, &k, FASTIPC_TIMEOUT_INF));
	EXPECT_EQ(-ENOENT, fastipc_call_cancel(self->c, 12345));
}

/* No memory for the reply: -ENOMEM, and the completion stays. */
TEST_F_TIMEOUT(pool, reap_enomem, 60)
{
	struct pollfd p = { .fd = fastipc_conn_fd(self->c), .events = POLLIN };
	struct fastipc_completion k;
	uint64_t id;
	int ret;

	ASSERT_EQ(0, pool_start(self));
	ASSERT_EQ(0, fastipc_call_submit(self->c, OP_ECHO, "mem", 3, 64, &id,
					 WAIT, &id));
	ASSERT_EQ(1, poll(&p, 1, 30000));	/* completed */
	fail_malloc = 1;
	ret = fastipc_call_reap(self->c, &k, 0);
	fail_malloc = 0;
	EXPECT_EQ(-ENOMEM, ret);
	ASSERT_EQ(0, fastipc_call_reap(self->c, &k, 0));
	EXPECT_EQ(id, k.id);
	EXPECT_EQ(&id, k.user_data);
	EXPECT_EQ(0, k.error);
	EXPECT_EQ(3, k.status);
	ASSERT_EQ(3, k.rep_len);
	EXPECT_EQ(0, memcmp(k.rep, "mem", 3));
	free(k.rep);
}

TEST_F_TIMEOUT(pool, reap_nowait, 60)
{
	struct fastipc_completion k;
	uint64_t id;

	/* No server runs: the call stays outstanding. */
	ASSERT_EQ(0, fastipc_call_submit(self->c, OP_ECHO, "x", 1, 16, &id,
					 0, &id));
	EXPECT_EQ(-EAGAIN, fastipc_call_reap(self->c, &k, 0));
	EXPECT_EQ(-ETIMEDOUT, fastipc_call_reap(self->c, &k, NS / 100));
	ASSERT_EQ(0, fastipc_call_cancel(self->c, id));
	ASSERT_EQ(0, fastipc_call_reap(self->c, &k, 0));
	EXPECT_EQ(-ECANCELED, k.error);
	EXPECT_EQ(-ENOENT, fastipc_call_reap(self->c, &k, 0));
}

TEST_F_TIMEOUT(pool, server_close, 60)
{
	struct fastipc_completion k;
	struct fastipc_conn *c;
	unsigned char req[MSG_MAX + 100];
	uint64_t id[4];
	int seen = 0, i, j;

	ASSERT_EQ(0, connect_region(self, 64ULL << 10, &c));
	fipc_fill(req, sizeof(req), 1);
	/* Queued, unserved: two by copy, two through the region. */
	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, fastipc_call_submit(c, OP_ECHO, req,
						 i < 2 ? 8 : sizeof(req), 16,
						 &id[i], 0, &id[i]));
	ASSERT_EQ(0, close(self->chan));
	self->chan = -1;
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, fastipc_call_reap(c, &k, WAIT));
		EXPECT_EQ(-ECONNRESET, k.error);
		EXPECT_EQ(NULL, k.rep);
		for (j = 0; j < 4; j++)
			if (k.id == id[j] && k.user_data == &id[j])
				seen |= 1 << j;
	}
	EXPECT_EQ(0xf, seen);
	EXPECT_EQ(-ENOENT, fastipc_call_reap(c, &k, 0));
	fastipc_disconnect(c);
}

TEST_F_TIMEOUT(pool, overflow, 60)
{
	struct fastipc_completion k;
	struct fastipc_msg_hdr hdr;
	struct fastipc_serve s;
	unsigned char buf[64];
	uint64_t id;

	/* The pool does not run: this test serves by hand. */
	ASSERT_EQ(0, fastipc_call_submit(self->c, OP_FILL, "n", 1, 100, &id,
					 WAIT, &id));
	ASSERT_LE(0, fipc_recv_type(self->chan, FASTIPC_MSG_REQUEST, buf,
				    sizeof(buf), &hdr));
	ASSERT_EQ(id, hdr.msg_id);
	EXPECT_EQ(100, hdr.reply_max);
	memset(&s, 0, sizeof(s));
	s.reply_id = id;
	s.reply_len = 5000;
	s.reply_status = 3;
	s.flags = FASTIPC_F_REPLY_NEED;
	ASSERT_EQ(0, fipc_ioctl(self->chan, FASTIPC_IOC_REPLY, &s));
	ASSERT_EQ(0, fastipc_call_reap(self->c, &k, WAIT));
	EXPECT_EQ(id, k.id);
	EXPECT_EQ(&id, k.user_data);
	EXPECT_EQ(-EOVERFLOW, k.error);
	EXPECT_EQ(5000, k.rep_len);
	EXPECT_EQ(NULL, k.rep);
}

/*
 * A full queue: timeout 0 is -EAGAIN, a short one -ETIMEDOUT; what was
 * queued completes -ECONNRESET when the channel goes.
 */
TEST_F_TIMEOUT(pool, submit_full, 60)
{
	struct fastipc_chan_opts co = { .msg_max = MSG_MAX, .queue_msgs = 2 };
	char name[FASTIPC_NAME_MAX];
	struct fastipc_completion k;
	struct fastipc_conn *c;
	int chan, i, ret = 0;

	fipc_unique_name(name, "libasync");
	chan = fastipc_chan_create(self->dev, name, 0, 0600, &co);
	ASSERT_LE(0, chan);
	ASSERT_EQ(0, fastipc_connect(self->dev, name, &c));
	for (i = 0; i < 8; i++) {
		ret = fastipc_call_submit(c, OP_ECHO, "q", 1, 16, NULL, 0,
					  NULL);
		if (ret)
			break;
	}
	EXPECT_EQ(-EAGAIN, ret);
	EXPECT_LE(1, i);
	EXPECT_GE(2, i);
	EXPECT_EQ(-ETIMEDOUT, fastipc_call_submit(c, OP_ECHO, "q", 1, 16,
						  NULL, NS / 100, NULL));
	EXPECT_EQ(-EAGAIN, fastipc_call_reap(c, &k, 0));
	ASSERT_EQ(0, close(chan));
	for (; i > 0; i--) {
		ASSERT_EQ(0, fastipc_call_reap(c, &k, WAIT));
		EXPECT_EQ(-ECONNRESET, k.error);
	}
	EXPECT_EQ(-ENOENT, fastipc_call_reap(c, &k, 0));
	fastipc_disconnect(c);
}

/* ------------------------------------------------------------------ */

#define NTHREADS	4
#define PER_THREAD	48

struct tcall {
	__u32 seed;
	unsigned char req[32];
	atomic_int reaped;
};

struct tshared {
	struct fastipc_conn *c;
	struct tcall calls[NTHREADS * PER_THREAD];
	atomic_int total;
	atomic_int submitted;
	atomic_int finished;		/* threads done submitting */
	atomic_int bad;
	pthread_barrier_t bar;
};

struct targ {
	struct tshared *sh;
	int first;
};

/* Reap one (any thread's) and check it. Return the reap's result. */
static int t_reap(struct tshared *sh, uint64_t timeout_ns)
{
	struct fastipc_completion k;
	struct tcall *t;
	int ret = fastipc_call_reap(sh->c, &k, timeout_ns);

	if (ret)
		return ret;
	t = k.user_data;
	if (t < sh->calls || t >= sh->calls + NTHREADS * PER_THREAD ||
	    k.error || k.rep_len != sizeof(t->req) ||
	    memcmp(k.rep, t->req, sizeof(t->req)))
		sh->bad++;
	else
		t->reaped++;
	sh->total++;
	free(k.rep);
	return 0;
}

static void *t_main(void *arg)
{
	struct targ *a = arg;
	struct tshared *sh = a->sh;
	struct tcall *t;
	int i, ret, tries;

	pthread_barrier_wait(&sh->bar);
	for (i = 0; i < PER_THREAD; i++) {
		t = &sh->calls[a->first + i];
		for (tries = 0; tries < 10000; tries++) {
			ret = fastipc_call_submit(sh->c, OP_ECHO, t->req,
						  sizeof(t->req), 64, t, WAIT,
						  NULL);
			if (ret != -EBUSY)
				break;
			t_reap(sh, NS / 10);	/* full: make room */
		}
		if (ret)
			sh->bad++;
		else
			sh->submitted++;
		if (i % 3 == 0)
			t_reap(sh, 0);
	}
	sh->finished++;
	while (sh->finished < NTHREADS || sh->total < sh->submitted) {
		ret = t_reap(sh, NS / 10);
		if (ret && ret != -ETIMEDOUT && ret != -ENOENT) {
			sh->bad++;
			break;
		}
	}
	return NULL;
}

struct in_submit {
	struct fastipc_conn *c;
	atomic_int tid;
	atomic_int done;
	int ret;
};

/* A submit that blocks in its ioctl (queue full) until the queue drains */
static void *in_submit_main(void *arg)
{
	struct in_submit *b = arg;

	atomic_store(&b->tid, fipc_gettid());
	b->ret = fastipc_call_submit(b->c, OP_ECHO, "t", 1, 16, b,
				     FASTIPC_TIMEOUT_INF, NULL);
	atomic_store(&b->done, 1);
	return NULL;
}

/* Is thread @tid asleep ('S' in its stat)? */
static bool sleeping(pid_t tid)
{
	char path[64], buf[256], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", (int)tid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = 0;
	p = strrchr(buf, ')');
	return p && p[1] == ' ' && p[2] == 'S';
}

static void *reap0_main(void *arg)
{
	struct fastipc_completion *k = arg;

	return (void *)(long)fastipc_call_reap(k->user_data, k, 0);
}

/*
 * A raw FASTIPC_F_ASYNC call's completion (its id in no table) reaped
 * with timeout 0 while another thread is inside fastipc_call_submit()
 * (blocked on a full queue): the reap waits for that submit only a
 * bounded time (1 s), and gives the completion with user_data NULL.
 */
TEST_F_TIMEOUT(pool, reap_raw_while_submit, 120)
{
	struct fastipc_chan_opts co = { .msg_max = MSG_MAX, .queue_msgs = 1 };
	struct fastipc_completion k;
	struct fastipc_conn *c, *c2;
	struct in_submit b = { 0 };
	struct fastipc_call a;
	char name[FASTIPC_NAME_MAX];
	pthread_t sth, rth;
	long ret = -1;
	int chan, i;

	fipc_unique_name(name, "libasync");
	chan = fastipc_chan_create(self->dev, name, 0, 0600, &co);
	ASSERT_LE(0, chan);
	fastipc_server_destroy(self->srv);
	self->srv = NULL;
	ASSERT_EQ(0, fastipc_server_create(chan, 1, NULL, &self->srv));
	ASSERT_EQ(0, fastipc_server_register(self->srv, OP_ECHO, h_echo, NULL));
	ASSERT_EQ(0, fastipc_connect(self->dev, name, &c));
	ASSERT_EQ(1, fastipc_server_dispatch(self->srv, 0));	/* CONNECT */
	ASSERT_EQ(0, fastipc_connect(self->dev, name, &c2));
	ASSERT_EQ(1, fastipc_server_dispatch(self->srv, 0));
	memset(&a, 0, sizeof(a));
	a.op = OP_ECHO;
	a.req_ptr = (uintptr_t)"r";
	a.req_len = 1;
	a.rep_cap = 16;		/* ASYNC: no reply pointer, REAP gives it */
	a.flags = FASTIPC_F_ASYNC;
	ASSERT_EQ(0, fastipc_call_raw(c, &a));
	ASSERT_EQ(1, fastipc_server_dispatch(self->srv, 0));	/* completed */
	/* another client fills the queue; c's next submit waits for room */
	ASSERT_EQ(0, fastipc_call_submit(c2, OP_ECHO, "f", 1, 16, NULL, 0,
					 NULL));
	b.c = c;
	ASSERT_EQ(0, pthread_create(&sth, NULL, in_submit_main, &b));
	for (i = 0; i < 3000 && !(atomic_load(&b.tid) &&
				  sleeping(atomic_load(&b.tid))); i++)
		usleep(10000);
	memset(&k, 0, sizeof(k));
	k.user_data = c;
	ASSERT_EQ(0, pthread_create(&rth, NULL, reap0_main, &k));
	/* a hang detector: without the bound the reap waits for the submit */
	ASSERT_EQ(0, pthread_timedjoin_np(rth, (void **)&ret,
					  &(struct timespec){ time(NULL) + 60, 0 }));
	EXPECT_EQ(0, ret);
	EXPECT_EQ(a.msg_id, k.id);
	EXPECT_EQ(NULL, k.user_data);
	EXPECT_EQ(0, k.error);
	free(k.rep);
	/* drain: c2's call frees room; the submit's is matched to @b */
	for (i = 0; i < 6000 && !atomic_load(&b.done); i++) {
		fastipc_server_dispatch(self->srv, 0);
		usleep(10000);
	}
	ASSERT_EQ(0, pthread_join(sth, NULL));
	ASSERT_EQ(0, b.ret);
	memset(&k, 0, sizeof(k));
	for (i = 0; i < 6000; i++) {
		fastipc_server_dispatch(self->srv, 0);
		if (fastipc_call_reap(c, &k, 0) == 0)
			break;
		usleep(10000);
	}
	EXPECT_EQ(&b, k.user_data);
	free(k.rep);
	fastipc_disconnect(c2);
	fastipc_disconnect(c);
	close(chan);
}


TEST_F_TIMEOUT(pool, threads, 180)
{
	static struct tshared sh;
	struct targ a[NTHREADS];
	pthread_t th[NTHREADS];
	struct fastipc_completion k;
	int i;

	ASSERT_EQ(0, pool_start(self));
	memset(&sh, 0, sizeof(sh));
	sh.c = self->c;
	for (i = 0; i < NTHREADS * PER_THREAD; i++) {
		sh.calls[i].seed = (__u32)i;
		fipc_fill(sh.calls[i].req, sizeof(sh.calls[i].req), (__u32)i);
	}
	ASSERT_EQ(0, pthread_barrier_init(&sh.bar, NULL, NTHREADS));
	for (i = 0; i < NTHREADS; i++) {
		a[i].sh = &sh;
		a[i].first = i * PER_THREAD;
		ASSERT_EQ(0, pthread_create(&th[i], NULL, t_main, &a[i]));
	}
	for (i = 0; i < NTHREADS; i++)
		pthread_join(th[i], NULL);
	EXPECT_EQ(0, sh.bad);
	EXPECT_EQ(NTHREADS * PER_THREAD, sh.total);
	for (i = 0; i < NTHREADS * PER_THREAD; i++)
		EXPECT_EQ(1, sh.calls[i].reaped);
	EXPECT_EQ(-ENOENT, fastipc_call_reap(self->c, &k, 0));
	pthread_barrier_destroy(&sh.bar);
}

TEST_HARNESS_MAIN
