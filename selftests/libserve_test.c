// SPDX-License-Identifier: GPL-2.0
/*
 * libfastipc's server pool (fastipc_server_*) against hostile and greedy
 * clients, counted with fastipc_server_stats():
 *  - held_replies: clients that never release their reply ring cost
 *    themselves only: their large replies go by copy at once (counted as
 *    fallbacks) and an honest client's calls all complete;
 *  - fd_limit: the pool keeps no fd per connection, so many region
 *    connections do not bring a server with a low RLIMIT_NOFILE to its
 *    limit, and at the limit a new client's shared-memory calls still
 *    work; below it the failure is a clear -EMFILE status (counted) and a
 *    large reply goes by copy;
 *  - refused: a reply larger than the copy path with no room in the
 *    ring is refused before the handler runs (fastipc_call() retries,
 *    then gives -ENOBUFS);
 *  - kick: without a region fd, the pool still wakes a client that
 *    waits for room in its request ring, even at the fd limit;
 *  - bad_request_desc: one bad request descriptor is one ring error,
 *    still counted after the connection's region is unmapped.
 * The pool runs in the test process; hostile clients use raw ioctls.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fastipc.h>

#include "kselftest_harness.h"
#include "fastipc_util.h"
#include "region_util.h"

#define OP_FILL		1	/* reply: fill_req.len bytes of pattern */
#define OP_ECHO		2	/* reply: the request */
#define OP_HOLD		3	/* no reply until hold_flag is 0 */
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

	(void)ctx;
	(void)hdr;
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
	(void)ctx;
	(void)hdr;
	if (req_len > rep_cap)
		return -ENOBUFS;
	memcpy(rep, req, req_len);
	*rep_len = req_len;
	return 0;
}

static atomic_int hold_flag;

static int h_hold(void *ctx, const struct fastipc_msg_hdr *hdr,
		  const void *req, size_t req_len, void *rep, size_t rep_cap,
		  size_t *rep_len)
{
	(void)ctx;
	(void)hdr;
	(void)req;
	(void)req_len;
	(void)rep;
	(void)rep_cap;
	(void)rep_len;
	while (atomic_load(&hold_flag))
		usleep(1000);
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
	ASSERT_EQ(0, fastipc_server_register(self->srv, OP_HOLD, h_hold, NULL));
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
	static __thread unsigned char rep[REP_CAP];
	struct fill_req r = { .len = REP, .seed = seed };
	struct fastipc_call a;
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
/* RLIMIT_NOFILE: no fd per connection, and a clear error below it */

#define MANY		100	/* region connections, above the limit */
#define FD_LIMIT	64
#define SHM_LEN		(12U << 10)	/* both ways in a 32 KiB area */

/* A 12 KiB echo through the region both ways. */
static int shm_echo(struct fastipc_conn *c, __u32 seed)
{
	static unsigned char req[SHM_LEN], rep[SHM_LEN];
	size_t got = 0;
	int ret;

	fipc_fill(req, SHM_LEN, seed);
	ret = fastipc_call(c, OP_ECHO, req, SHM_LEN, rep, SHM_LEN, &got,
			   30 * NS);
	if (ret)
		return ret;
	return got == SHM_LEN && fipc_mismatch(rep, SHM_LEN, seed) < 0 ?
	       0 : -EBADMSG;
}

static void nofile_max(void)
{
	struct rlimit rl;

	getrlimit(RLIMIT_NOFILE, &rl);
	rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
}

/* In a child: MANY region connections, all kept, then a new client. */
static int many_clients(void *arg)
{
	struct fastipc_conn_opts o = { .region_size = SMALL_RGN };
	static struct fastipc_conn *c[MANY + 1];
	struct fastipc_conn_stats cs;
	struct fastipc_dev *dev;
	int i, ret;

	nofile_max();
	if (fastipc_open(&dev))
		return 10;
	for (i = 0; i <= MANY; i++) {
		ret = fastipc_connect_opts(dev, arg, 0, &o, &c[i]);
		if (ret) {
			fprintf(stderr, "# connect %d: %s\n", i, strerror(-ret));
			return 11;
		}
		ret = shm_echo(c[i], (__u32)i);
		if (ret) {
			fprintf(stderr, "# shm call %d: %s\n", i, strerror(-ret));
			return 12;
		}
	}
	for (i = 0; i < 10; i++)
		if (shm_echo(c[MANY], 1000 + (__u32)i))
			return 13;
	fastipc_conn_stats(c[MANY], &cs);
	if (cs.req_shm != 11 || cs.rep_shm != 11 || cs.ring_errors)
		return 14;
	return 0;
}

/* In a child, while the server cannot open a single fd. */
static int unmappable_client(void *arg)
{
	struct fastipc_conn_opts o = { .region_size = SMALL_RGN };
	struct fill_req r = { .len = REP, .seed = 7 };
	static unsigned char req[SHM_LEN], rep[REP_CAP];
	struct fastipc_conn_stats cs;
	struct fastipc_dev *dev;
	struct fastipc_conn *c;
	size_t got = 0;
	int ret;

	nofile_max();
	if (fastipc_open(&dev) || fastipc_connect_opts(dev, arg, 0, &o, &c))
		return 20;
	/* The request is in a region the server cannot map: a clear error. */
	ret = fastipc_call(c, OP_ECHO, req, SHM_LEN, rep, 0, &got, 30 * NS);
	if (ret != -EMFILE) {
		fprintf(stderr, "# shm request: %d, want -EMFILE\n", ret);
		return 21;
	}
	/* A large reply to a small request falls back to a copy. */
	ret = fastipc_call(c, OP_FILL, &r, sizeof(r), rep, sizeof(rep), &got,
			   30 * NS);
	if (ret || got != REP || fipc_mismatch(rep, REP, 7) >= 0)
		return 22;
	fastipc_conn_stats(c, &cs);
	if (cs.rep_shm || cs.ring_errors)
		return 23;
	return 0;
}

/* Open fds until the limit: dup()s of 0, closed by fds_release(). */
static int fds_fill(int *fds, int max)
{
	int n = 0, fd;

	while (n < max && (fd = dup(0)) >= 0)
		fds[n++] = fd;
	return n;
}

static void fds_release(int *fds, int n)
{
	while (n--)
		close(fds[n]);
}

TEST_F_TIMEOUT(pool, fd_limit, 120)
{
	struct fastipc_server_stats st;
	struct rlimit old, rl;
	int fds[FD_LIMIT], n, n2;

	ASSERT_EQ(0, getrlimit(RLIMIT_NOFILE, &old));
	ASSERT_GT(FD_LIMIT - 8, fipc_fds_open());
	rl = old;
	rl.rlim_cur = FD_LIMIT;
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &rl));
	/* At the limit: not one fd left for the pool. */
	n = fds_fill(fds, FD_LIMIT);
	ASSERT_EQ(-1, dup(0));
	ASSERT_EQ(EMFILE, errno);
	n2 = fipc_wait(fipc_fork(many_clients, self->name));
	st = pool_stats(self->srv);
	TH_LOG("map errors %llu, regions %llu, requests %llu",
	       (unsigned long long)st.map_errors,
	       (unsigned long long)st.regions,
	       (unsigned long long)st.requests);
	ASSERT_EQ(0, n2);
	EXPECT_EQ(0, st.map_errors);
	EXPECT_EQ(0, st.ring_errors);
	/* Below every fd number in use: even the spare fd cannot help. */
	rl.rlim_cur = 3;
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &rl));
	EXPECT_EQ(0, fipc_wait(fipc_fork(unmappable_client, self->name)));
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &old));
	fds_release(fds, n);
	st = pool_stats(self->srv);
	EXPECT_LT(0, st.map_errors);
	EXPECT_EQ(0, st.ring_errors);
	TH_LOG("map errors %llu, requests %llu",
	       (unsigned long long)st.map_errors,
	       (unsigned long long)st.requests);
}

/* ------------------------------------------------------------------ */
/* The doorbell without a held fd: a client waiting for room is woken */

struct kicked {
	struct fastipc_conn *c;
	pthread_t th;
	pid_t tid;
	__u32 op;
	size_t len;
	int ret;
};

static void *kicked_main(void *arg)
{
	struct kicked *k = arg;
	unsigned char *req = malloc(k->len), *rep = malloc(k->len);
	size_t got = 0, cap = k->op == OP_ECHO ? k->len : 0;

	k->tid = fipc_gettid();
	fipc_fill(req, k->len, k->op);
	k->ret = fastipc_call(k->c, k->op, req, k->len, rep, cap, &got,
			      60 * NS);
	if (!k->ret && (got != cap || fipc_mismatch(rep, got, k->op) >= 0))
		k->ret = -EBADMSG;
	free(req);
	free(rep);
	return NULL;
}

/* A pool whose copy path takes 1 KiB only, on its own channel. */
static int small_pool(struct fastipc_dev *dev, char *name, int *chan,
		      struct fastipc_server **srv, pthread_t *th)
{
	struct fastipc_chan_opts co = { .msg_max = 1024 };
	struct fastipc_server_opts so = { .msg_max = 1024,
					  .reply_threshold = 256 };

	fipc_unique_name(name, "libsmall");
	*chan = fastipc_chan_create(dev, name, 0, 0600, &co);
	if (*chan < 0 || fastipc_server_create(*chan, 3, &so, srv) ||
	    fastipc_server_register(*srv, OP_ECHO, h_echo, NULL) ||
	    fastipc_server_register(*srv, OP_HOLD, h_hold, NULL) ||
	    fastipc_server_register(*srv, OP_FILL, h_fill, NULL))
		return -1;
	return pthread_create(th, NULL, pool_main, *srv);
}

static void small_pool_end(struct __test_metadata *_metadata,
			   struct fastipc_server *srv, pthread_t th, int chan)
{
	void *ret;

	fastipc_server_stop(srv);
	pthread_join(th, &ret);
	EXPECT_EQ(0, (long)ret);
	fastipc_server_destroy(srv);
	close(chan);
}

TEST_F_TIMEOUT(pool, kick, 120)
{
	/* 4 KiB areas; requests of half an area; threshold below them. */
	struct fastipc_conn_opts o = { .region_size = 8ULL << 10,
				       .threshold = 256 };
	struct fastipc_server_stats st;
	struct fastipc_conn_stats cs;
	struct fastipc_server *srv;
	char name[FASTIPC_NAME_MAX];
	struct kicked k[3];
	struct rlimit old, rl;
	int chan, fds[FD_LIMIT], n, i;
	pthread_t th;

	/* Its own pool: the channel's msg_max keeps the requests out of
	 * the copy path, so a full ring must be waited for.
	 */
	ASSERT_EQ(0, small_pool(self->dev, name, &chan, &srv, &th));
	memset(k, 0, sizeof(k));
	ASSERT_EQ(0, fastipc_connect_opts(self->dev, name, 0, &o, &k[0].c));
	/*
	 * Two held requests (no reply) fill the ring; the third, an echo
	 * through both rings, waits for room.
	 */
	atomic_store(&hold_flag, 1);
	for (i = 0; i < 3; i++) {
		k[i].c = k[0].c;
		k[i].op = i < 2 ? OP_HOLD : OP_ECHO;
		k[i].len = fastipc_conn_shm_max(k[0].c);
		ASSERT_EQ(0, pthread_create(&k[i].th, NULL, kicked_main, &k[i]));
		while (!k[i].tid)
			usleep(1000);
		ASSERT_EQ(0, fipc_wait_blocked(getpid(), k[i].tid));
	}
	/* At the fd limit: only the spare fd lets the pool ring. */
	ASSERT_EQ(0, getrlimit(RLIMIT_NOFILE, &old));
	rl = old;
	rl.rlim_cur = FD_LIMIT;
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &rl));
	n = fds_fill(fds, FD_LIMIT);
	atomic_store(&hold_flag, 0);
	for (i = 0; i < 3; i++) {
		pthread_join(k[i].th, NULL);
		EXPECT_EQ(0, k[i].ret);
	}
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &old));
	fds_release(fds, n);
	fastipc_conn_stats(k[0].c, &cs);
	EXPECT_EQ(3, cs.req_shm);
	EXPECT_EQ(1, cs.rep_shm);
	EXPECT_LE(1, cs.waits);		/* the third did sleep for room */
	EXPECT_EQ(0, cs.fallbacks);
	ASSERT_EQ(0, fastipc_server_stats(srv, &st, sizeof(st)));
	EXPECT_EQ(0, st.notify_errors);
	EXPECT_EQ(0, st.map_errors);
	fastipc_disconnect(k[0].c);
	small_pool_end(_metadata, srv, th, chan);
}

/*
 * A reply larger than the copy path, and no room for it in the caller's
 * ring: refused at once, before the handler runs; fastipc_call() sends
 * it again until its timeout, then gives -ENOBUFS.
 */
TEST_F_TIMEOUT(pool, refused, 60)
{
	struct fastipc_conn_opts o = { .region_size = 8ULL << 10 };
	struct fill_req r = { .len = 2000, .seed = 3 };
	struct fastipc_server_stats st;
	struct fastipc_server *srv;
	char name[FASTIPC_NAME_MAX];
	unsigned char rep[2040];
	struct fastipc_call a;
	struct fastipc_conn *c;
	int chan, i, ret = 0;
	pthread_t th;
	size_t got;

	ASSERT_EQ(0, small_pool(self->dev, name, &chan, &srv, &th));
	ASSERT_EQ(0, fastipc_connect_opts(self->dev, name, 0, &o, &c));
	/* Two replies of half an area, never released, fill the ring. */
	for (i = 0; i < 3 && !ret; i++) {
		memset(&a, 0, sizeof(a));
		a.req_ptr = (uintptr_t)&r;
		a.req_len = sizeof(r);
		a.op = OP_FILL;
		a.rep_ptr = (uintptr_t)rep;
		a.rep_cap = sizeof(rep);
		ret = fastipc_call_raw(c, &a);
		if (i < 2 && (a.status || !a.rep_desc.len))
			ret = -EPROTO;
	}
	ASSERT_EQ(0, ret);
	/* The third: refused, marked, the handler not run. */
	EXPECT_EQ(-ENOBUFS, a.status);
	EXPECT_EQ(S2C, a.rep_desc.area);
	EXPECT_EQ(0, a.rep_desc.offset);
	EXPECT_EQ(0, a.rep_desc.len);
	EXPECT_EQ(-ENOBUFS, fastipc_call(c, OP_FILL, &r, sizeof(r), rep,
					 sizeof(rep), &got, NS / 10));
	ASSERT_EQ(0, fastipc_server_stats(srv, &st, sizeof(st)));
	EXPECT_LE(2, st.rep_refused);
	EXPECT_EQ(2, st.rep_shm);
	EXPECT_EQ(0, st.rep_fallbacks);
	EXPECT_EQ(st.requests, 2 + st.rep_refused);
	/* A reply the copy path takes still goes by copy. */
	r.len = 500;
	EXPECT_EQ(0, fastipc_call(c, OP_FILL, &r, sizeof(r), rep, 1000, &got,
				  10 * NS));
	EXPECT_EQ(500, got);
	EXPECT_GT(0, fipc_mismatch(rep, 500, 3));
	fastipc_disconnect(c);
	small_pool_end(_metadata, srv, th, chan);
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
	char name[FASTIPC_NAME_MAX];
	struct fastipc_dev *dev;
	int chan;

	ASSERT_EQ(0, fastipc_open(&dev));
	fipc_unique_name(name, "libserve");
	chan = fastipc_chan_create(dev, name, 0, 0600, NULL);
	ASSERT_LE(0, chan);
	ASSERT_EQ(0, fastipc_server_create(chan, 1, NULL, &srv));
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
	close(chan);
	fastipc_close(dev);
}

TEST_HARNESS_MAIN
