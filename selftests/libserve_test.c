// SPDX-License-Identifier: GPL-2.0
/*
 * libfastipc's server pool (fastipc_server_*) against hostile and greedy
 * clients, counted with fastipc_server_stats():
 *  - held_replies: clients that never release their reply ring cost
 *    themselves only: their large replies go by copy at once (counted as
 *    fallbacks) and an honest client's calls all complete;
 *  - bad_request_desc: one bad request descriptor is one ring error,
 *    still counted after the connection's region is unmapped.
 * The pool runs in the test process; hostile clients use raw ioctls.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <fastipc.h>

#include "kselftest_harness.h"
#include "fastipc_util.h"
#include "region_util.h"

#define OP_FILL		1	/* reply: fill_req.len bytes of pattern */
#define OP_ECHO		2	/* reply: the request */
#define NS		1000000000ULL
#define REP		8000	/* a reply above the 4 KiB threshold */
#define REP_CAP		8192
#define SMALL_RGN	(64ULL << 10)	/* 32 KiB areas: 3 replies fill one */

struct fill_req {
	__u32 len;
	__u32 seed;
};

static int h_fill(void *ctx, const struct fastipc_msg_hdr *hdr,
		  const void *req, size_t req_len, void *rep, size_t rep_cap,
		  size_t *rep_len)
{
	struct fill_req r;

	(void)ctx, (void)hdr;
	if (req_len != sizeof(r))
		return -EINVAL;
	memcpy(&r, req, sizeof(r));
	if (r.len > rep_cap)
		return -ENOBUFS;
	fipc_fill(rep, r.len, r.seed);
	*rep_len = r.len;
	return 0;
}

static int h_echo(void *ctx, const struct fastipc_msg_hdr *hdr,
		  const void *req, size_t req_len, void *rep, size_t rep_cap,
		  size_t *rep_len)
{
	(void)ctx, (void)hdr;
	if (req_len > rep_cap)
		return -ENOBUFS;
	memcpy(rep, req, req_len);
	*rep_len = req_len;
	return 0;
}

FIXTURE(pool) {
	struct fastipc_dev *dev;
	struct fastipc_server *srv;
	int chan;
	pthread_t th;
	char name[FASTIPC_NAME_MAX];
};

FIXTURE_VARIANT(pool) {
	unsigned int threads;
};

FIXTURE_VARIANT_ADD(pool, two) {
	.threads = 2,
};

static void *pool_main(void *arg)
{
	return (void *)(long)fastipc_server_run(arg);
}

FIXTURE_SETUP(pool)
{
	ASSERT_EQ(0, fastipc_open(&self->dev));
	fipc_unique_name(self->name, "libserve");
	self->chan = fastipc_chan_create(self->dev, self->name, 0, 0600, NULL);
	ASSERT_LE(0, self->chan);
	ASSERT_EQ(0, fastipc_server_create(self->chan, variant->threads, NULL,
					   &self->srv));
	ASSERT_EQ(0, fastipc_server_register(self->srv, OP_FILL, h_fill, NULL));
	ASSERT_EQ(0, fastipc_server_register(self->srv, OP_ECHO, h_echo, NULL));
	ASSERT_EQ(0, pthread_create(&self->th, NULL, pool_main, self->srv));
}

FIXTURE_TEARDOWN(pool)
{
	void *ret;

	fastipc_server_stop(self->srv);
	pthread_join(self->th, &ret);
	EXPECT_EQ(0, (long)ret);
	fastipc_server_destroy(self->srv);
	close(self->chan);
	fastipc_close(self->dev);
}

static struct fastipc_server_stats pool_stats(struct fastipc_server *srv)
{
	struct fastipc_server_stats st;

	if (fastipc_server_stats(srv, &st, sizeof(st)))
		memset(&st, 0xff, sizeof(st));
	return st;
}

/* ------------------------------------------------------------------ */
/* Clients that never release their reply ring */

#define HOSTILE		3	/* connections */
#define HTHREADS	2	/* callers per hostile connection */
#define HCALLS		8	/* calls per hostile caller */
#define HONEST		30

static atomic_uint copies;	/* hostile replies that came by copy */

/*
 * A raw CALL for a large reply that the caller never releases: a reply
 * by descriptor stays in the server->client ring for ever. Return 0 (a
 * reply by copy, checked, is counted in copies) or an error.
 */
static int hostile_call(struct fastipc_conn *c, __u32 seed)
{
	struct fill_req r = { .len = REP, .seed = seed };
	struct fastipc_call a;
	static __thread unsigned char rep[REP_CAP];
	int ret;

	memset(&a, 0, sizeof(a));
	a.req_ptr = (uintptr_t)&r;
	a.req_len = sizeof(r);
	a.op = OP_FILL;
	a.rep_ptr = (uintptr_t)rep;
	a.rep_cap = REP_CAP;
	a.flags = FASTIPC_F_TIMEOUT;
	a.timeout_ns = 60 * NS;
	ret = fastipc_call_raw(c, &a);
	if (ret < 0 || a.status)
		return ret < 0 ? ret : a.status;
	if (a.rep_desc.area)
		return 0;
	if (a.rep_len != REP || fipc_mismatch(rep, REP, seed) >= 0)
		return -EBADMSG;
	copies++;
	return 1;
}

struct hostile {
	struct fastipc_conn *c;
	pthread_t th[HTHREADS];
	int err;
};

static void *hostile_main(void *arg)
{
	struct hostile *h = arg;
	int i, ret;

	for (i = 0; i < HCALLS; i++) {
		ret = hostile_call(h->c, (__u32)i);
		if (ret < 0 || ret == 0)	/* the ring is full: copies */
			h->err = ret < 0 ? ret : -EPROTO;
	}
	return NULL;
}

static int honest_call(struct fastipc_conn *c, __u32 seed)
{
	struct fill_req r = { .len = REP, .seed = seed };
	unsigned char rep[REP_CAP];
	size_t got = 0;
	int ret;

	/* Generous: a failure detector, not a measure (calls take ms). */
	ret = fastipc_call(c, OP_FILL, &r, sizeof(r), rep, sizeof(rep), &got,
			   3 * NS);
	if (ret)
		return ret;
	return got == REP && fipc_mismatch(rep, REP, seed) < 0 ? 0 : -EBADMSG;
}

TEST_F_TIMEOUT(pool, held_replies, 120)
{
	struct fastipc_conn_opts o = { .region_size = SMALL_RGN };
	struct fastipc_conn_stats cs;
	struct fastipc_server_stats st;
	struct hostile h[HOSTILE];
	struct fastipc_conn *honest;
	int i, j, ret;

	memset(h, 0, sizeof(h));
	/* Fill each hostile ring: reply by descriptor until one is copied. */
	for (i = 0; i < HOSTILE; i++) {
		ASSERT_EQ(0, fastipc_connect_opts(self->dev, self->name, 0, &o,
						  &h[i].c));
		for (j = 0; j < 8; j++) {
			ret = hostile_call(h[i].c, 100 + j);
			if (ret)
				break;
		}
		ASSERT_EQ(1, ret);	/* a copy, at last */
		ASSERT_EQ(3, j);	/* 3 replies of 8 KiB fill 32 KiB */
	}
	for (i = 0; i < HOSTILE; i++)
		for (j = 0; j < HTHREADS; j++)
			ASSERT_EQ(0, pthread_create(&h[i].th[j], NULL,
						    hostile_main, &h[i]));
	ASSERT_EQ(0, fastipc_connect_opts(self->dev, self->name, 0, &o,
					  &honest));
	for (i = 0, ret = 0; i < HONEST && !ret; i++)
		ret = honest_call(honest, (__u32)i);
	ASSERT_EQ(0, ret);
	for (i = 0; i < HOSTILE; i++) {
		for (j = 0; j < HTHREADS; j++)
			pthread_join(h[i].th[j], NULL);
		EXPECT_EQ(0, h[i].err);
	}
	fastipc_conn_stats(honest, &cs);
	EXPECT_EQ(HONEST, cs.rep_shm);
	EXPECT_EQ(0, cs.ring_errors);
	st = pool_stats(self->srv);
	EXPECT_EQ(HOSTILE * (1 + HTHREADS * HCALLS), copies);
	EXPECT_EQ(copies, st.rep_fallbacks);
	EXPECT_EQ(HOSTILE * 3 + HONEST, st.rep_shm);
	EXPECT_EQ(HOSTILE * (4 + HTHREADS * HCALLS) + HONEST, st.requests);
	EXPECT_EQ(0, st.ring_errors);
	EXPECT_EQ(HOSTILE + 1, st.regions);
	for (i = 0; i < HOSTILE; i++)
		fastipc_disconnect(h[i].c);
	fastipc_disconnect(honest);
}

/* ------------------------------------------------------------------ */
/* One bad request descriptor: one ring error, kept after unmapping */

TEST_F(pool, bad_request_desc)
{
	struct fastipc_server_stats st;
	struct fastipc_connect c;
	struct fastipc_call a;
	unsigned char *own;
	__u32 *hdr;
	int conn, i;

	conn = connect_rgn(fastipc_dev_fd(self->dev), self->name, SMALL_RGN,
			   &c);
	ASSERT_LE(0, conn);
	own = map(conn, c.layout.client_off, c.layout.half_size,
		  PROT_READ | PROT_WRITE);
	ASSERT_NE(NULL, own);
	/* A record header with flags no producer writes. */
	hdr = (__u32 *)(own + c.layout.area_off);
	hdr[0] = 16;
	hdr[1] = 0x7;
	memset(&a, 0, sizeof(a));
	a.op = OP_ECHO;
	a.flags = FASTIPC_F_TIMEOUT;
	a.timeout_ns = 30 * NS;
	set_desc(&a.req_desc, sizeof(struct fastipc_rec), 16, C2S);
	ASSERT_EQ(0, fipc_ioctl(conn, FASTIPC_IOC_CALL, &a));
	EXPECT_EQ(-EBADMSG, a.status);
	st = pool_stats(self->srv);
	EXPECT_EQ(1, st.ring_errors);
	EXPECT_EQ(1, st.regions);
	munmap(own, c.layout.half_size);
	close(conn);
	/* DISCONNECT: the region goes, its count stays. */
	for (i = 0; i < 3000 && pool_stats(self->srv).regions; i++)
		usleep(10000);
	st = pool_stats(self->srv);
	EXPECT_EQ(0, st.regions);
	EXPECT_EQ(1, st.ring_errors);
}

TEST(stats_size)
{
	struct fastipc_server_stats st[2];
	struct fastipc_server *srv;

	ASSERT_EQ(0, fastipc_server_create(0, 1, NULL, &srv));
	memset(st, 0xa5, sizeof(st));
	EXPECT_EQ(-EINVAL, fastipc_server_stats(srv, st, 8));
	EXPECT_EQ(0, fastipc_server_stats(srv, st,
					  FASTIPC_SERVER_STATS_SIZE_VER0));
	EXPECT_EQ(0, st[0].requests);
	EXPECT_EQ(0, st[0].regions);
	/* A newer caller's larger struct: the unknown tail is zeroed. */
	memset(st, 0xa5, sizeof(st));
	EXPECT_EQ(0, fastipc_server_stats(srv, st, sizeof(st)));
	EXPECT_EQ(0, st[1].requests);
	EXPECT_EQ(0, st[1].regions);
	fastipc_server_destroy(srv);
}

TEST_HARNESS_MAIN
