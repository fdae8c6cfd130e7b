// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc_call2() against the module and the library's server pool:
 *  - status: a handler's -EINVAL is args.status with return 0, while
 *    fastipc_call() still returns -EINVAL.
 *  - transport errors are the return value: -ECONNRESET once the server
 *    closed the channel, -ETIMEDOUT when nobody answers in time.
 *  - alloc_*: with FASTIPC_CALL_ALLOC, replies of 0, 100, msg_max,
 *    msg_max + 1 bytes, 1 MiB and the connection's max_payload arrive,
 *    contents checked, in the caller's buffer when they fit and in
 *    rep_alloc when not, each in exactly one request the server saw.
 *  - reply_need: a raw server answering with FASTIPC_F_REPLY_NEED makes
 *    call2 return -EOVERFLOW with rep_len the length it needs and limit
 *    REP_CAP (REPLY_MAX with ALLOC); fastipc_call() still returns the
 *    server's status (-EOVERFLOW).
 *  - msgsize_*: a request above what the connection carries is -EMSGSIZE
 *    naming msg_max (no region) or the region's record (region), with the
 *    right limit_bytes, and reaches no server.
 *  - max_payload_4m: connecting with max_payload 4 MiB makes the smallest
 *    region that carries it (the exact size from the kernel's rounding),
 *    and a 4 MiB request and reply go through.
 *  - max_payload_sizing: max_payload within msg_max makes no region; a
 *    region_size too small for max_payload is -EINVAL.
 *  - threads: many threads calling with ALLOC on one connection get their
 *    own replies (contents checked).
 *  - buf_*: fastipc_call2_buf() sends a request written in a buffer of
 *    fastipc_call_buf_get(): 0, 100 bytes and 1 MiB echoed back with
 *    ALLOC, contents checked, each counted by the connection as one
 *    region request of exactly its length (req_shm, bytes_shm) in one
 *    request the server saw; the handler's status comes back as
 *    args.status; the buffer is consumed (giving it back afterwards is
 *    -EINVAL). Errors, none reaching the server: a connection without a
 *    region is -EOPNOTSUPP; a stack buffer, NULL, another connection's
 *    buffer (which stays reserved there), a buffer already sent are
 *    -EINVAL; a length above the reservation and bad flags are -EINVAL
 *    and consume the buffer.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fastipc.h>

#include "kselftest_harness.h"
#include "fastipc_util.h"
#include "region_util.h"

#define OP_EINVAL	1	/* no reply, status -EINVAL */
#define OP_SIZED	2	/* request: a __u32 length; reply that many */
#define OP_ECHO		3	/* reply = request */
#define NS		1000000000ULL
#define WAIT_NS		(120 * NS)	/* an upper bound, never asserted */
#define MIB		(1U << 20)
#define PAGE		4096ULL

static int h_einval(void *ctx, const struct fastipc_msg_hdr *hdr,
		    const void *req, size_t req_len, void *rep,
		    size_t rep_cap, size_t *rep_len)
{
	(void)ctx; (void)hdr; (void)req; (void)req_len; (void)rep;
	(void)rep_cap; (void)rep_len;
	return -EINVAL;
}

static int h_sized(void *ctx, const struct fastipc_msg_hdr *hdr,
		   const void *req, size_t req_len, void *rep,
		   size_t rep_cap, size_t *rep_len)
{
	__u32 len;

	(void)ctx; (void)hdr;
	if (req_len != sizeof(len))
		return -EBADMSG;
	memcpy(&len, req, sizeof(len));
	*rep_len = len;
	if (len <= rep_cap)
		fipc_fill(rep, len, len);
	return 0;
}

static int h_echo(void *ctx, const struct fastipc_msg_hdr *hdr,
		  const void *req, size_t req_len, void *rep,
		  size_t rep_cap, size_t *rep_len)
{
	(void)ctx; (void)hdr;
	*rep_len = req_len;
	if (req_len <= rep_cap)
		memcpy(rep, req, req_len);
	return 0;
}

FIXTURE(srv) {
	struct fastipc_dev *dev;
	struct fastipc_server *srv;
	pthread_t th;
	bool running;
	int chan;
	char name[FASTIPC_NAME_MAX];
};

static void *run_main(void *arg)
{
	return (void *)(long)fastipc_server_run(arg);
}

FIXTURE_SETUP(srv)
{
	self->chan = -1;
	ASSERT_EQ(0, fastipc_open(&self->dev));
	fipc_unique_name(self->name, "libcall2");
	self->chan = fastipc_chan_create(self->dev, self->name, 0, 0600, NULL);
	ASSERT_LE(0, self->chan);
	ASSERT_EQ(0, fastipc_server_create(self->chan, 4, NULL, &self->srv));
	ASSERT_EQ(0, fastipc_server_register(self->srv, OP_EINVAL, h_einval,
					     NULL));
	ASSERT_EQ(0, fastipc_server_register(self->srv, OP_SIZED, h_sized,
					     NULL));
	ASSERT_EQ(0, fastipc_server_register(self->srv, OP_ECHO, h_echo, NULL));
	ASSERT_EQ(0, pthread_create(&self->th, NULL, run_main, self->srv));
	self->running = true;
}

FIXTURE_TEARDOWN(srv)
{
	if (self->running) {
		fastipc_server_stop(self->srv);
		pthread_join(self->th, NULL);
	}
	fastipc_server_destroy(self->srv);
	if (self->chan >= 0)
		close(self->chan);
	fastipc_close(self->dev);
}

static __u64 requests(struct fastipc_server *srv)
{
	struct fastipc_server_stats st;

	if (fastipc_server_stats(srv, &st, sizeof(st)))
		return ~0ULL;
	return st.requests;
}

static int conn_mp(FIXTURE_DATA(srv) *self, __u64 max_payload,
		   struct fastipc_conn **c)
{
	struct fastipc_conn_opts o = { .max_payload = max_payload };

	return fastipc_connect_opts(self->dev, self->name, 0, &o, c);
}

static void args_init(struct fastipc_call_args *a, __u32 op, const void *req,
		      size_t req_len, void *rep, size_t rep_cap, __u32 flags)
{
	memset(a, 0, sizeof(*a));
	a->op = op;
	a->flags = flags;
	a->req = req;
	a->req_len = req_len;
	a->rep = rep;
	a->rep_cap = rep_cap;
	a->timeout_ns = WAIT_NS;
}

TEST_F(srv, status)
{
	struct fastipc_call_args a;
	struct fastipc_conn *c;
	char rep[16], buf[128];
	size_t len = 99;

	ASSERT_EQ(0, fastipc_connect(self->dev, self->name, &c));
	args_init(&a, OP_EINVAL, "x", 1, rep, sizeof(rep), 0);
	ASSERT_EQ(0, fastipc_call2(c, &a, sizeof(a)));
	EXPECT_EQ(-EINVAL, a.status);
	EXPECT_EQ(0, a.rep_len);
	EXPECT_EQ(NULL, a.rep_data);
	EXPECT_EQ(NULL, a.rep_alloc);
	EXPECT_EQ(FASTIPC_LIMIT_NONE, a.limit);
	fastipc_call_strerror(0, &a, buf, sizeof(buf));
	EXPECT_STREQ("server status -22 (Invalid argument)", buf);
	/* The old call is unchanged: the status is its return value. */
	EXPECT_EQ(-EINVAL, fastipc_call(c, OP_EINVAL, "x", 1, rep, sizeof(rep),
					&len, WAIT_NS));
	EXPECT_EQ(0, len);
	/* An unregistered op: -ENOSYS is a status too. */
	args_init(&a, 77, NULL, 0, NULL, 0, 0);
	ASSERT_EQ(0, fastipc_call2(c, &a, sizeof(a)));
	EXPECT_EQ(-ENOSYS, a.status);
	fastipc_disconnect(c);
}

TEST_F(srv, transport)
{
	struct fastipc_call_args a;
	struct fastipc_conn *c;
	char rep[16];

	ASSERT_EQ(0, fastipc_connect(self->dev, self->name, &c));
	/* Nobody receives: the call times out, and that is the return. */
	fastipc_server_stop(self->srv);
	pthread_join(self->th, NULL);
	self->running = false;
	args_init(&a, OP_EINVAL, "x", 1, rep, sizeof(rep), 0);
	a.timeout_ns = NS / 100;
	a.status = 5;
	EXPECT_EQ(-ETIMEDOUT, fastipc_call2(c, &a, sizeof(a)));
	EXPECT_EQ(0, a.status);
	/* The server closes its channel: -ECONNRESET. */
	close(self->chan);
	self->chan = -1;
	a.timeout_ns = WAIT_NS;
	EXPECT_EQ(-ECONNRESET, fastipc_call2(c, &a, sizeof(a)));
	a.flags = FASTIPC_CALL_ALLOC;
	EXPECT_EQ(-ECONNRESET, fastipc_call2(c, &a, sizeof(a)));
	EXPECT_EQ(NULL, a.rep_alloc);
	fastipc_disconnect(c);
}

/*
 * One ALLOC call for a reply of @len bytes into a @cap-byte buffer:
 * exactly one request, contents checked, where it should be. Return 0
 * or the line that failed.
 */
static int alloc_one(struct fastipc_server *srv, struct fastipc_conn *c,
		     __u32 len, size_t cap)
{
	unsigned char *rep = malloc(cap + 1);
	struct fastipc_call_args a;
	__u64 before = requests(srv);
	int bad = 0;

	if (!rep)
		return __LINE__;
	args_init(&a, OP_SIZED, &len, sizeof(len), rep, cap,
		  FASTIPC_CALL_ALLOC);
	if (fastipc_call2(c, &a, sizeof(a)) || a.status)
		bad = __LINE__;
	else if (requests(srv) != before + 1)
		bad = __LINE__;
	else if (a.rep_len != len)
		bad = __LINE__;
	else if (len <= cap && (a.rep_alloc || a.rep_data != (len ? rep : NULL)))
		bad = __LINE__;
	else if (len > cap && (!a.rep_alloc || a.rep_data != a.rep_alloc))
		bad = __LINE__;
	else if (len && fipc_mismatch(a.rep_data, len, len) >= 0)
		bad = __LINE__;
	free(a.rep_alloc);
	free(rep);
	return bad;
}

/* Without a region: up to msg_max by copy, in one call each. */
TEST_F(srv, alloc_copy)
{
	struct fastipc_conn_info in;
	struct fastipc_conn *c;

	ASSERT_EQ(0, fastipc_connect(self->dev, self->name, &c));
	ASSERT_EQ(0, fastipc_conn_info(c, &in, sizeof(in)));
	ASSERT_EQ(FASTIPC_MSG_MAX_DEFAULT, in.msg_max);
	EXPECT_EQ(0, in.region_size);
	EXPECT_EQ(0, in.shm_max);
	EXPECT_EQ(in.msg_max, in.max_payload);
	EXPECT_EQ(0, alloc_one(self->srv, c, 0, 64));
	EXPECT_EQ(0, alloc_one(self->srv, c, 100, 64));
	EXPECT_EQ(0, alloc_one(self->srv, c, 100, 100));
	EXPECT_EQ(0, alloc_one(self->srv, c, in.msg_max, 64));
	EXPECT_EQ(0, alloc_one(self->srv, c, in.msg_max, in.msg_max));
	fastipc_disconnect(c);
}

/* With a region: any size up to the connection's max_payload. */
TEST_F(srv, alloc_region)
{
	struct fastipc_conn_info in;
	struct fastipc_conn *c;
	__u32 mm;

	ASSERT_EQ(0, conn_mp(self, 2 * MIB, &c));
	ASSERT_EQ(0, fastipc_conn_info(c, &in, sizeof(in)));
	mm = in.msg_max;
	/* 2 MiB + 8 rounds up to a 8 MiB area: records of 4 MiB - 8. */
	EXPECT_EQ(4 * MIB - 8, in.shm_max);
	EXPECT_EQ(in.shm_max, in.max_payload);
	EXPECT_EQ(0, alloc_one(self->srv, c, 0, 64));
	EXPECT_EQ(0, alloc_one(self->srv, c, 100, 64));
	EXPECT_EQ(0, alloc_one(self->srv, c, 100, 4096));
	EXPECT_EQ(0, alloc_one(self->srv, c, mm, 64));
	EXPECT_EQ(0, alloc_one(self->srv, c, mm + 1, 64));
	EXPECT_EQ(0, alloc_one(self->srv, c, mm + 1, mm + 1));
	EXPECT_EQ(0, alloc_one(self->srv, c, MIB, 64));
	EXPECT_EQ(0, alloc_one(self->srv, c, in.max_payload, 64));
	EXPECT_EQ(0, alloc_one(self->srv, c, in.max_payload, in.max_payload));
	fastipc_disconnect(c);
}

/* Without ALLOC, a reply above rep_cap is -EOVERFLOW with its length. */
TEST_F(srv, no_alloc_overflow)
{
	struct fastipc_call_args a;
	struct fastipc_conn *c;
	__u32 len = 200;
	char rep[100];

	ASSERT_EQ(0, fastipc_connect(self->dev, self->name, &c));
	args_init(&a, OP_SIZED, &len, sizeof(len), rep, sizeof(rep), 0);
	/*
	 * The server library answers a v1 handler's oversized reply with
	 * FASTIPC_F_REPLY_NEED: the call fails with the length it needs.
	 */
	ASSERT_EQ(-EOVERFLOW, fastipc_call2(c, &a, sizeof(a)));
	EXPECT_EQ(200, a.rep_len);
	EXPECT_EQ(FASTIPC_LIMIT_REP_CAP, a.limit);
	EXPECT_EQ(100, a.limit_bytes);
	EXPECT_EQ(NULL, a.rep_data);
	len = 100;
	ASSERT_EQ(0, fastipc_call2(c, &a, sizeof(a)));
	EXPECT_EQ(0, a.status);
	EXPECT_EQ(100, a.rep_len);
	EXPECT_EQ((void *)rep, a.rep_data);
	EXPECT_GT(0, fipc_mismatch(rep, 100, 100));
	fastipc_disconnect(c);
}

TEST_F(srv, msgsize_copy)
{
	struct fastipc_call_args a;
	struct fastipc_conn *c;
	__u64 before = requests(self->srv);
	unsigned char *req = calloc(1, MIB);
	char buf[256];

	ASSERT_NE(NULL, req);
	ASSERT_EQ(0, fastipc_connect(self->dev, self->name, &c));
	args_init(&a, OP_ECHO, req, FASTIPC_MSG_MAX_DEFAULT + 1, NULL, 0, 0);
	EXPECT_EQ(-EMSGSIZE, fastipc_call2(c, &a, sizeof(a)));
	EXPECT_EQ(FASTIPC_LIMIT_MSG_MAX, a.limit);
	EXPECT_EQ(FASTIPC_MSG_MAX_DEFAULT, a.limit_bytes);
	fastipc_call_strerror(-EMSGSIZE, &a, buf, sizeof(buf));
	EXPECT_NE(NULL, strstr(buf, "msg_max, 65536 bytes"));
	EXPECT_NE(NULL, strstr(buf, "65537"));
	EXPECT_EQ(before, requests(self->srv));
	fastipc_disconnect(c);
	free(req);
}

TEST_F(srv, msgsize_region)
{
	struct fastipc_conn_info in;
	struct fastipc_call_args a;
	struct fastipc_conn *c;
	__u64 before = requests(self->srv);
	unsigned char *req = calloc(1, 4 * MIB);
	char buf[256];

	ASSERT_NE(NULL, req);
	ASSERT_EQ(0, conn_mp(self, MIB, &c));
	ASSERT_EQ(0, fastipc_conn_info(c, &in, sizeof(in)));
	ASSERT_EQ(2 * MIB - 8, in.shm_max);	/* a 4 MiB area */
	args_init(&a, OP_ECHO, req, in.shm_max + 1, NULL, 0, 0);
	EXPECT_EQ(-EMSGSIZE, fastipc_call2(c, &a, sizeof(a)));
	EXPECT_EQ(FASTIPC_LIMIT_SHM_MAX, a.limit);
	EXPECT_EQ(in.shm_max, a.limit_bytes);
	fastipc_call_strerror(-EMSGSIZE, &a, buf, sizeof(buf));
	EXPECT_NE(NULL, strstr(buf, "region, 2097144 bytes"));
	EXPECT_EQ(before, requests(self->srv));
	/* One byte less goes through the region. */
	a.req_len = in.shm_max;
	a.flags = FASTIPC_CALL_ALLOC;
	EXPECT_EQ(0, fastipc_call2(c, &a, sizeof(a)));
	EXPECT_EQ(0, a.status);
	EXPECT_EQ(in.shm_max, a.rep_len);
	free(a.rep_alloc);
	fastipc_disconnect(c);
	free(req);
}

TEST_F(srv, max_payload_4m)
{
	struct fastipc_conn_info in;
	struct fastipc_call_args a;
	struct fastipc_conn *c;
	unsigned char *req = malloc(4 * MIB);
	__u64 before;

	ASSERT_NE(NULL, req);
	ASSERT_EQ(PAGE, (__u64)sysconf(_SC_PAGESIZE));
	ASSERT_EQ(0, conn_mp(self, 4 * MIB, &c));
	ASSERT_EQ(0, fastipc_conn_info(c, &in, sizeof(in)));
	/*
	 * A record of 4 MiB takes 4 MiB + 8 bytes, at most half an area:
	 * the area is the power of two 16 MiB (8 MiB would hold 4 MiB - 8),
	 * and each half adds a control page: 2 * (16 MiB + 4 KiB).
	 */
	EXPECT_EQ(2 * (16ULL * MIB + PAGE), in.region_size);
	EXPECT_EQ(8 * MIB - 8, in.shm_max);
	EXPECT_EQ(8 * MIB - 8, in.max_payload);
	EXPECT_EQ(FASTIPC_MSG_MAX_DEFAULT, in.msg_max);
	fipc_fill(req, 4 * MIB, 44);
	before = requests(self->srv);
	args_init(&a, OP_ECHO, req, 4 * MIB, NULL, 0, FASTIPC_CALL_ALLOC);
	ASSERT_EQ(0, fastipc_call2(c, &a, sizeof(a)));
	EXPECT_EQ(0, a.status);
	EXPECT_EQ(before + 1, requests(self->srv));
	ASSERT_EQ(4 * MIB, a.rep_len);
	ASSERT_NE(NULL, a.rep_alloc);
	EXPECT_GT(0, fipc_mismatch(a.rep_alloc, 4 * MIB, 44));
	free(a.rep_alloc);
	fastipc_disconnect(c);
	free(req);
}

TEST_F(srv, max_payload_sizing)
{
	struct fastipc_conn_opts o = { .max_payload = 1000 };
	struct fastipc_conn_info in;
	struct fastipc_conn *c;

	/* Within msg_max: no region. */
	ASSERT_EQ(0, fastipc_connect_opts(self->dev, self->name, 0, &o, &c));
	ASSERT_EQ(0, fastipc_conn_info(c, &in, sizeof(in)));
	EXPECT_EQ(0, in.region_size);
	EXPECT_EQ(FASTIPC_MSG_MAX_DEFAULT, in.max_payload);
	EXPECT_EQ(-EINVAL, fastipc_conn_info(c, &in,
					     FASTIPC_CONN_INFO_SIZE_VER0 - 1));
	fastipc_disconnect(c);
	/*
	 * 1 MiB needs 4 MiB areas: a region_size of 4 MiB makes 2 MiB
	 * areas (records up to 1 MiB - 8), too small; 2 bytes more round
	 * up to 4 MiB areas.
	 */
	o.max_payload = MIB;
	o.region_size = 4 * MIB;
	EXPECT_EQ(-EINVAL, fastipc_connect_opts(self->dev, self->name, 0, &o,
						&c));
	o.region_size = 4 * MIB + 2;
	ASSERT_EQ(0, fastipc_connect_opts(self->dev, self->name, 0, &o, &c));
	ASSERT_EQ(0, fastipc_conn_info(c, &in, sizeof(in)));
	EXPECT_EQ(2 * (4 * MIB + PAGE), in.region_size);
	EXPECT_EQ(2 * MIB - 8, in.shm_max);
	fastipc_disconnect(c);
}

/* A raw server that answers every request with FASTIPC_F_REPLY_NEED. */
struct needer {
	int chan;
	__u32 need;
	int n;
	int err;
};

static void *needer_main(void *arg)
{
	struct needer *nd = arg;
	struct fastipc_serve s;
	unsigned char buf[256];
	int i, ret;

	for (i = 0; i < nd->n; i++) {
		ret = recv_msg(nd->chan, buf, sizeof(buf), &s);
		if (ret < 0) {
			nd->err = ret;
			return NULL;
		}
		memset(&s.reply_desc, 0, sizeof(s.reply_desc));
		s.reply_id = s.hdr.msg_id;
		s.reply_ptr = 0;
		s.reply_len = nd->need;
		s.reply_status = -EOVERFLOW;
		s.buf_ptr = 0;
		s.buf_cap = 0;
		s.flags = FASTIPC_F_REPLY_NEED;
		s.timeout_ns = 0;
		ret = fipc_ioctl(nd->chan, FASTIPC_IOC_REPLY, &s);
		if (ret < 0) {
			/* A kernel without REPLY_NEED: answer, the test fails. */
			nd->err = ret;
			reply_d(nd->chan, s.hdr.msg_id, NULL, 0, NULL);
		}
	}
	return NULL;
}

TEST(reply_need)
{
	struct needer nd = { .need = 3 * MIB, .n = 3 };
	struct fastipc_call_args a;
	struct fastipc_conn *c;
	struct fastipc_dev *dev;
	char name[FASTIPC_NAME_MAX], rep[100];
	pthread_t th;
	size_t len;

	ASSERT_EQ(0, fastipc_open(&dev));
	fipc_unique_name(name, "libcall2n");
	nd.chan = fastipc_chan_create(dev, name, 0, 0600, NULL);
	ASSERT_LE(0, nd.chan);
	ASSERT_EQ(0, fastipc_connect(dev, name, &c));
	ASSERT_EQ(0, pthread_create(&th, NULL, needer_main, &nd));

	args_init(&a, 1, "x", 1, rep, sizeof(rep), 0);
	EXPECT_EQ(-EOVERFLOW, fastipc_call2(c, &a, sizeof(a)));
	EXPECT_EQ(3 * MIB, a.rep_len);
	EXPECT_EQ(FASTIPC_LIMIT_REP_CAP, a.limit);
	EXPECT_EQ(sizeof(rep), a.limit_bytes);
	EXPECT_EQ(NULL, a.rep_alloc);

	args_init(&a, 1, "x", 1, rep, sizeof(rep), FASTIPC_CALL_ALLOC);
	EXPECT_EQ(-EOVERFLOW, fastipc_call2(c, &a, sizeof(a)));
	EXPECT_EQ(3 * MIB, a.rep_len);
	EXPECT_EQ(FASTIPC_LIMIT_REPLY_MAX, a.limit);
	EXPECT_EQ(FASTIPC_MSG_MAX_DEFAULT, a.limit_bytes);
	EXPECT_EQ(NULL, a.rep_alloc);

	/* The old call returns the server's status, as before. */
	len = 1;
	EXPECT_EQ(-EOVERFLOW, fastipc_call(c, 1, "x", 1, rep, sizeof(rep),
					   &len, WAIT_NS));
	EXPECT_EQ(0, len);

	pthread_join(th, NULL);
	EXPECT_EQ(0, nd.err);
	fastipc_disconnect(c);
	close(nd.chan);
	fastipc_close(dev);
}

#define NTHREADS	8
#define ROUNDS		24

struct worker {
	struct fastipc_conn *c;
	int idx;
	int bad;
};

static void *worker_main(void *arg)
{
	static const __u32 sizes[] = { 0, 17, 4096, 65536, 65537, 300000 };
	struct worker *w = arg;
	unsigned char rep[64];
	int i;

	for (i = 0; i < ROUNDS && !w->bad; i++) {
		__u32 len = sizes[(i + w->idx) % 6] + w->idx;
		struct fastipc_call_args a;

		args_init(&a, OP_SIZED, &len, sizeof(len), rep, sizeof(rep),
			  FASTIPC_CALL_ALLOC);
		if (fastipc_call2(w->c, &a, sizeof(a)) || a.status)
			w->bad = __LINE__;
		else if (a.rep_len != len)
			w->bad = __LINE__;
		else if (len && fipc_mismatch(a.rep_data, len, len) >= 0)
			w->bad = __LINE__;
		free(a.rep_alloc);
	}
	return NULL;
}

TEST_F(srv, threads)
{
	struct worker w[NTHREADS];
	pthread_t th[NTHREADS];
	struct fastipc_conn *c;
	__u64 before = requests(self->srv);
	int i;

	ASSERT_EQ(0, conn_mp(self, MIB, &c));
	for (i = 0; i < NTHREADS; i++) {
		w[i].c = c;
		w[i].idx = i;
		w[i].bad = 0;
		ASSERT_EQ(0, pthread_create(&th[i], NULL, worker_main, &w[i]));
	}
	for (i = 0; i < NTHREADS; i++) {
		pthread_join(th[i], NULL);
		EXPECT_EQ(0, w[i].bad);
	}
	/* At least one request per call (a refused one is sent again). */
	EXPECT_LE(before + NTHREADS * ROUNDS, requests(self->srv));
	fastipc_disconnect(c);
}

/* fastipc_call2_buf(): OP_ECHO of @len bytes of pattern @len, one request. */
static int buf_echo(struct fastipc_server *srv, struct fastipc_conn *c,
		    size_t len, void **sent)
{
	struct fastipc_conn_stats s0, s1;
	struct fastipc_call_args a;
	__u64 before = requests(srv);
	unsigned char rep[64];
	void *buf;
	int bad = 0;

	if (fastipc_call_buf_get(c, len, &buf, WAIT_NS))
		return __LINE__;
	if (sent)
		*sent = buf;
	fipc_fill(buf, len, (__u32)len);
	fastipc_conn_stats(c, &s0);
	args_init(&a, OP_ECHO, buf, len, rep, sizeof(rep), FASTIPC_CALL_ALLOC);
	if (fastipc_call2_buf(c, &a, sizeof(a)) || a.status)
		bad = __LINE__;
	fastipc_conn_stats(c, &s1);
	if (bad)
		;
	else if (requests(srv) != before + 1)
		bad = __LINE__;
	else if (s1.req_shm != s0.req_shm + 1 || s1.calls != s0.calls + 1)
		bad = __LINE__;
	else if (s1.bytes_shm - s0.bytes_shm != len +
		 (s1.rep_shm != s0.rep_shm ? a.rep_len : 0))
		bad = __LINE__;
	else if (a.rep_len != len)
		bad = __LINE__;
	else if (len && fipc_mismatch(a.rep_data, len, (__u32)len) >= 0)
		bad = __LINE__;
	else if (fastipc_call_buf_put(c, buf) != -EINVAL)	/* consumed */
		bad = __LINE__;
	free(a.rep_alloc);
	return bad;
}

TEST_F(srv, buf_calls)
{
	struct fastipc_call_args a;
	struct fastipc_conn *c;
	void *buf;

	ASSERT_EQ(0, conn_mp(self, 2 * MIB, &c));
	EXPECT_EQ(0, buf_echo(self->srv, c, 0, NULL));
	EXPECT_EQ(0, buf_echo(self->srv, c, 100, NULL));
	EXPECT_EQ(0, buf_echo(self->srv, c, MIB, NULL));
	/* A handler's status is the status, as with fastipc_call2(). */
	ASSERT_EQ(0, fastipc_call_buf_get(c, 16, &buf, WAIT_NS));
	args_init(&a, OP_EINVAL, buf, 16, NULL, 0, FASTIPC_CALL_ALLOC);
	EXPECT_EQ(0, fastipc_call2_buf(c, &a, sizeof(a)));
	EXPECT_EQ(-EINVAL, a.status);
	EXPECT_EQ(-EINVAL, fastipc_call_buf_put(c, buf));
	fastipc_disconnect(c);
}

/* Call @c with @buf (@len bytes): the error, and no request served. */
static int buf_err(struct fastipc_server *srv, struct fastipc_conn *c,
		   const void *buf, size_t len, __u32 flags)
{
	struct fastipc_conn_stats s0, s1;
	struct fastipc_call_args a;
	__u64 before = requests(srv);
	int ret;

	fastipc_conn_stats(c, &s0);
	args_init(&a, OP_ECHO, buf, len, NULL, 0, flags);
	ret = fastipc_call2_buf(c, &a, sizeof(a));
	fastipc_conn_stats(c, &s1);
	if (requests(srv) != before || s1.req_shm != s0.req_shm ||
	    s1.calls != s0.calls)
		return -10000;
	return ret;
}

TEST_F(srv, buf_errors)
{
	struct fastipc_conn *c, *c2, *plain;
	char stackbuf[64];
	void *buf, *other;

	ASSERT_EQ(0, conn_mp(self, MIB, &c));
	ASSERT_EQ(0, conn_mp(self, MIB, &c2));
	ASSERT_EQ(0, fastipc_connect(self->dev, self->name, &plain));
	/* No region: nothing can have been reserved. */
	EXPECT_EQ(-EOPNOTSUPP, buf_err(self->srv, plain, stackbuf, 8, 0));
	/* Not a reserved buffer. */
	EXPECT_EQ(-EINVAL, buf_err(self->srv, c, stackbuf, 8, 0));
	EXPECT_EQ(-EINVAL, buf_err(self->srv, c, NULL, 0, 0));
	/* Another connection's: refused, and still reserved there. */
	ASSERT_EQ(0, fastipc_call_buf_get(c2, 100, &other, WAIT_NS));
	EXPECT_EQ(-EINVAL, buf_err(self->srv, c, other, 100, 0));
	EXPECT_EQ(0, fastipc_call_buf_put(c2, other));
	/* Longer than reserved: refused and consumed. */
	ASSERT_EQ(0, fastipc_call_buf_get(c, 100, &buf, WAIT_NS));
	EXPECT_EQ(-EINVAL, buf_err(self->srv, c, buf, 101, 0));
	EXPECT_EQ(-EINVAL, fastipc_call_buf_put(c, buf));
	/* Bad flags: refused and consumed. */
	ASSERT_EQ(0, fastipc_call_buf_get(c, 100, &buf, WAIT_NS));
	EXPECT_EQ(-EINVAL, buf_err(self->srv, c, buf, 100, 0x80));
	EXPECT_EQ(-EINVAL, fastipc_call_buf_put(c, buf));
	/* Sent once (buf_echo() sends it): a second send is refused. */
	EXPECT_EQ(0, buf_echo(self->srv, c, 100, &buf));
	EXPECT_EQ(-EINVAL, buf_err(self->srv, c, buf, 100, 0));
	/* The ring is whole: a buffer of the largest record is free again. */
	ASSERT_EQ(0, fastipc_call_buf_get(c, fastipc_conn_shm_max(c), &buf, 0));
	EXPECT_EQ(0, fastipc_call_buf_put(c, buf));
	fastipc_disconnect(plain);
	fastipc_disconnect(c2);
	fastipc_disconnect(c);
}

TEST_HARNESS_MAIN
