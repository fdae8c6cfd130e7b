// SPDX-License-Identifier: GPL-2.0
/*
 * Description: libfastipc's shared-memory paths against the real module
 * (run as root in the guest, fastipc.ko loaded): fastipc_call() round
 * trips at sizes on both sides of the threshold with the payload echoed
 * and checked, concurrent calls on one connection, the zero-copy call
 * API, and a one-way stream with and without spinning.
 *
 *   shm_smoke [-v]
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

#include <fastipc.h>

#define CHAN		"shm-smoke"
#define OP_ECHO		1
#define OP_SLOW_ECHO	2	/* sleeps 200 ms first */
#define REGION		(8U << 20)
#define NTHREADS	4
#define NSTREAM		200000

#define fail(...) do {							\
	fprintf(stderr, "shm_smoke: %s:%d: ", __func__, __LINE__);	\
	fprintf(stderr, __VA_ARGS__);					\
	fputc('\n', stderr);						\
	exit(1);							\
} while (0)

static struct fastipc_dev *dev;
static int chan_fd;
static struct fastipc_server *srv;

static uint8_t pat(size_t i, uint32_t seed)
{
	return (uint8_t)(i * 2654435761U >> 13) ^ (uint8_t)seed;
}

/* Echo the request into the reply (which may be in the ring). */
static int echo(void *ctx, const struct fastipc_msg_hdr *hdr,
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

static int slow_echo(void *ctx, const struct fastipc_msg_hdr *hdr,
		     const void *req, size_t req_len, void *rep, size_t rep_cap,
		     size_t *rep_len)
{
	usleep(200000);
	return echo(ctx, hdr, req, req_len, rep, rep_cap, rep_len);
}

static void *server_main(void *arg)
{
	int ret = fastipc_server_run(srv);

	(void)arg;
	if (ret < 0)
		fail("fastipc_server_run: %s", strerror(-ret));
	return NULL;
}

static void round_trip(struct fastipc_conn *c, size_t len, uint32_t seed,
		       uint8_t *req, uint8_t *rep)
{
	size_t i, got = 0;
	int ret;

	for (i = 0; i < len; i++)
		req[i] = pat(i, seed);
	memset(rep, 0, len);
	ret = fastipc_call(c, OP_ECHO, req, len, rep, len, &got,
			   FASTIPC_TIMEOUT_INF);
	if (ret || got != len)
		fail("call of %zu bytes: %d (%s), reply %zu", len, ret,
		     strerror(ret < 0 ? -ret : 0), got);
	if (memcmp(req, rep, len))
		fail("call of %zu bytes: reply differs", len);
}

static void test_sizes(struct fastipc_conn *c)
{
	size_t max = fastipc_conn_shm_max(c);
	size_t sizes[] = { 0, 1, 7, 8, 4095, 16383, 16384, 16385, 65535,
			   65536, 65537, 300000, 1U << 20, max - 1, max };
	struct fastipc_conn_stats st;
	uint8_t *req = malloc(max), *rep = malloc(max);
	size_t i;

	if (!req || !rep)
		fail("malloc");
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		round_trip(c, sizes[i], (uint32_t)i, req, rep);
	fastipc_conn_stats(c, &st);
	printf("sizes: shm max %zu; calls %ju, copy %ju B, shm %ju B, req shm"
	       " %ju, rep shm %ju, errors %ju\n", max, (uintmax_t)st.calls,
	       (uintmax_t)st.bytes_copy, (uintmax_t)st.bytes_shm,
	       (uintmax_t)st.req_shm, (uintmax_t)st.rep_shm,
	       (uintmax_t)st.ring_errors);
	if (!st.req_shm || !st.rep_shm || st.ring_errors)
		fail("shared memory not used, or errors");
	free(req);
	free(rep);
}

static void *caller_main(void *arg)
{
	struct fastipc_conn *c = arg;
	uint8_t *req = malloc(300000), *rep = malloc(300000);
	unsigned int seed = (unsigned int)(uintptr_t)&seed;
	int i;

	if (!req || !rep)
		fail("malloc");
	for (i = 0; i < 300; i++)
		round_trip(c, (size_t)rand_r(&seed) % 300000, (uint32_t)i,
			   req, rep);
	free(req);
	free(rep);
	return NULL;
}

static void test_concurrent(struct fastipc_conn *c)
{
	pthread_t t[NTHREADS];
	int i;

	for (i = 0; i < NTHREADS; i++)
		pthread_create(&t[i], NULL, caller_main, c);
	for (i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);
	printf("concurrent: %d threads x 300 calls ok\n", NTHREADS);
}

static void test_zc(struct fastipc_conn *c)
{
	struct fastipc_reply r;
	size_t len = 500000, i;
	uint8_t small[64];
	uint8_t *buf;
	int ret;

	ret = fastipc_call_buf_get(c, len, (void **)&buf, FASTIPC_TIMEOUT_INF);
	if (ret)
		fail("fastipc_call_buf_get: %s", strerror(-ret));
	for (i = 0; i < len; i++)
		buf[i] = pat(i, 99);
	/* rep_cap 1 MiB: the reply comes in the ring, not in small[]. */
	ret = fastipc_call_zc(c, OP_ECHO, buf, len, small, 1U << 20, &r,
			      FASTIPC_TIMEOUT_INF);
	if (ret || r.len != len || !(r.flags & FASTIPC_REPLY_SHM))
		fail("fastipc_call_zc: %d, len %zu, flags %u", ret, r.len,
		     r.flags);
	for (i = 0; i < len; i++)
		if (((const uint8_t *)r.data)[i] != pat(i, 99))
			fail("zc reply differs at %zu", i);
	fastipc_reply_done(c, &r);
	ret = fastipc_call_buf_get(c, 100, (void **)&buf, 0);
	if (ret || fastipc_call_buf_put(c, buf))
		fail("buf_get/put: %d", ret);
	printf("zero-copy: ok\n");
}

/*
 * Calls that time out while the server holds their request (and later
 * replies into a dropped call): the abandoned records must not stall
 * either ring.
 */
static void test_timeouts(struct fastipc_conn *c)
{
	size_t len = 100000, got;
	uint8_t *req = malloc(1U << 20), *rep = malloc(1U << 20);
	struct fastipc_conn_stats st;
	int i, ret;

	if (!req || !rep)
		fail("malloc");
	memset(req, 7, len);
	for (i = 0; i < 3; i++) {
		ret = fastipc_call(c, OP_SLOW_ECHO, req, len, rep, len, &got,
				   50000000);
		if (ret != -ETIMEDOUT)
			fail("slow call %d: %d, want -ETIMEDOUT", i, ret);
	}
	usleep(700000);		/* the handlers finish, replies dropped */
	for (i = 0; i < 60; i++)	/* > 2 laps of both rings */
		round_trip(c, 900000, (uint32_t)i, req, rep);
	fastipc_conn_stats(c, &st);
	if (st.ring_errors)
		fail("%ju ring errors", (uintmax_t)st.ring_errors);
	printf("timeouts: abandoned records skipped, 60 calls after ok\n");
	free(req);
	free(rep);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct rx_arg {
	uint64_t conn_id;
	uint32_t spin;
};

static void *stream_rx(void *arg)
{
	struct fastipc_stream_opts o = { .spin = ((struct rx_arg *)arg)->spin };
	struct fastipc_stream *st;
	uint64_t seq, got;
	size_t len;
	int ret;

	ret = fastipc_stream_accept(chan_fd, ((struct rx_arg *)arg)->conn_id,
				    FASTIPC_STREAM_C2S, &o, &st);
	if (ret)
		fail("fastipc_stream_accept: %s", strerror(-ret));
	for (seq = 0; seq < NSTREAM; seq++) {
		ret = fastipc_stream_recv(st, &got, sizeof(got), &len,
					  5000000000ULL);
		if (ret || len != sizeof(got) || got != seq)
			fail("recv %ju: %d, len %zu, got %ju", (uintmax_t)seq,
			     ret, len, (uintmax_t)got);
	}
	if (fastipc_stream_errors(st))
		fail("stream errors");
	fastipc_stream_close(st);
	return NULL;
}

static void test_stream(uint32_t spin)
{
	struct fastipc_conn_opts co = { .region_size = 1U << 20 };
	struct fastipc_stream_opts o = { .spin = spin };
	struct fastipc_conn_stats cs;
	struct fastipc_stream *st;
	struct fastipc_conn *c;
	struct rx_arg ra = { .spin = spin };
	pthread_t t;
	uint64_t seq;
	double t0;
	int ret;

	ret = fastipc_connect_opts(dev, CHAN, 0, &co, &c);
	if (ret || fastipc_stream_open(c, FASTIPC_STREAM_C2S, &o, &st))
		fail("connect/stream_open: %d", ret);
	ra.conn_id = fastipc_conn_id(c);
	pthread_create(&t, NULL, stream_rx, &ra);
	t0 = now_s();
	for (seq = 0; seq < NSTREAM; seq++) {
		ret = fastipc_stream_send(st, &seq, sizeof(seq), 5000000000ULL);
		if (ret)
			fail("send %ju: %s", (uintmax_t)seq, strerror(-ret));
	}
	pthread_join(t, NULL);
	fastipc_conn_stats(c, &cs);
	printf("stream spin %u: %d msgs in %.3f s: %.0f msgs/s (%ju notifies,"
	       " %ju waits on the sender)\n", spin, NSTREAM, now_s() - t0,
	       NSTREAM / (now_s() - t0), (uintmax_t)cs.notifies,
	       (uintmax_t)cs.waits);
	fastipc_stream_close(st);
	fastipc_disconnect(c);
}

/* The client goes away while the server sleeps in FASTIPC_IOC_WAIT. */
static void test_peer_death(void)
{
	struct fastipc_conn_opts co = { .region_size = 1U << 20 };
	struct fastipc_stream *st;
	struct fastipc_conn *c;
	uint64_t v;
	size_t len;
	pid_t pid;
	int ret, p[2];

	if (pipe(p))
		fail("pipe");
	pid = fork();
	if (pid == 0) {		/* the client: connect, tell, die */
		ret = fastipc_connect_opts(dev, CHAN, 0, &co, &c);
		v = ret ? 0 : fastipc_conn_id(c);
		if (write(p[1], &v, sizeof(v)) != sizeof(v))
			_exit(1);
		usleep(300000);
		_exit(0);
	}
	if (read(p[0], &v, sizeof(v)) != sizeof(v) || !v)
		fail("child connect");
	ret = fastipc_stream_accept(chan_fd, v, FASTIPC_STREAM_C2S, NULL, &st);
	if (ret)
		fail("stream_accept: %s", strerror(-ret));
	ret = fastipc_stream_recv(st, &v, sizeof(v), &len, 10000000000ULL);
	if (ret != -ECONNRESET)
		fail("recv after peer death: %d, want -ECONNRESET", ret);
	fastipc_stream_close(st);
	waitpid(pid, NULL, 0);
	close(p[0]);
	close(p[1]);
	printf("peer death: the blocked receiver got -ECONNRESET\n");
}

int main(void)
{
	struct fastipc_conn_opts co = { .region_size = REGION };
	struct fastipc_conn *c;
	pthread_t t;
	int ret;

	ret = fastipc_open(&dev);
	if (ret)
		fail("fastipc_open: %s", strerror(-ret));
	chan_fd = fastipc_chan_create(dev, CHAN, 0, 0600, NULL);
	if (chan_fd < 0)
		fail("chan_create: %s", strerror(-chan_fd));
	if (fastipc_server_create(chan_fd, 3, NULL, &srv) ||
	    fastipc_server_register(srv, OP_ECHO, echo, NULL) ||
	    fastipc_server_register(srv, OP_SLOW_ECHO, slow_echo, NULL))
		fail("server setup");
	pthread_create(&t, NULL, server_main, NULL);
	ret = fastipc_connect_opts(dev, CHAN, 0, &co, &c);
	if (ret)
		fail("fastipc_connect_opts: %s", strerror(-ret));
	test_sizes(c);
	test_concurrent(c);
	test_zc(c);
	test_timeouts(c);
	fastipc_disconnect(c);
	test_peer_death();
	test_stream(0);
	test_stream(FASTIPC_STREAM_SPIN_DEFAULT);
	fastipc_server_stop(srv);
	pthread_join(t, NULL);
	fastipc_server_destroy(srv);
	close(chan_fd);
	fastipc_close(dev);
	printf("shm_smoke: OK\n");
	return 0;
}
