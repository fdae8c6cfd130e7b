// SPDX-License-Identifier: GPL-2.0
/*
 * libfastipc's client calls (fastipc_call) against a raw server that
 * plays its side of the region by hand:
 *  - deadline: the wait for room in the client->server ring and the CALL
 *    share one deadline. The server frees room without ringing, so the
 *    client's wait for room sleeps to the deadline and then finds room:
 *    the call must end -ETIMEDOUT without being queued (the channel's
 *    call count, kept by the kernel, stays where it was).
 *  - bad_reply_desc: one reply descriptor naming a bad record is one
 *    ring error in fastipc_conn_stats(), not two.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <fastipc.h>

#include "kselftest_harness.h"
#include "fastipc_util.h"
#include "region_util.h"

#define NS		1000000000ULL

/* A raw server: the channel fd and the region of its one connection. */
FIXTURE(raw) {
	struct fastipc_dev *dev;
	struct fastipc_conn *c;
	int chan, rfd;
	char name[FASTIPC_NAME_MAX];
	struct fastipc_region_layout l;
	unsigned char *own;		/* the server's half, RW */
	const unsigned char *peer;	/* the client's half, RO */
};

/* A channel of @msg_max, one connection with @region_size and @threshold. */
static int raw_open(FIXTURE_DATA(raw) *self, __u32 msg_max,
		    __u64 region_size, __u64 threshold)
{
	struct fastipc_chan_opts co = { .msg_max = msg_max };
	struct fastipc_conn_opts o = {
		.region_size = region_size,
		.threshold = threshold,
	};
	int ret;

	fipc_unique_name(self->name, "libcall");
	self->chan = fastipc_chan_create(self->dev, self->name, 0, 0600, &co);
	if (self->chan < 0)
		return self->chan;
	ret = fastipc_connect_opts(self->dev, self->name, 0, &o, &self->c);
	if (ret < 0)
		return ret;
	self->rfd = conn_region(self->chan, fastipc_conn_id(self->c), &self->l);
	if (self->rfd < 0)
		return self->rfd;
	self->own = map(self->rfd, self->l.server_off, self->l.half_size,
			PROT_READ | PROT_WRITE);
	self->peer = map(self->rfd, self->l.client_off, self->l.half_size,
			 PROT_READ);
	return self->own && self->peer ? 0 : -ENOMEM;
}

FIXTURE_SETUP(raw)
{
	self->chan = -1;
	self->rfd = -1;
	ASSERT_EQ(0, fastipc_open(&self->dev));
}

FIXTURE_TEARDOWN(raw)
{
	if (self->own)
		munmap(self->own, self->l.half_size);
	if (self->peer)
		munmap((void *)self->peer, self->l.half_size);
	if (self->rfd >= 0)
		close(self->rfd);
	fastipc_disconnect(self->c);
	if (self->chan >= 0)
		close(self->chan);
	fastipc_close(self->dev);
}

static volatile __u32 *word(const unsigned char *half, __u32 off)
{
	return (volatile __u32 *)(half + off);
}

struct caller {
	struct fastipc_conn *c;
	pthread_t th;
	pid_t tid;
	size_t len;
	size_t rep_cap;
	__u64 timeout_ns;
	int ret;
	struct fastipc_conn_stats st;
};

static void *caller_main(void *arg)
{
	struct caller *k = arg;
	unsigned char *req = calloc(1, k->len + 1);
	unsigned char *rep = calloc(1, k->rep_cap + 1);
	size_t got;

	k->tid = fipc_gettid();
	k->ret = fastipc_call(k->c, 1, req, k->len, rep, k->rep_cap, &got,
			      k->timeout_ns);
	fastipc_conn_stats(k->c, &k->st);
	free(req);
	free(rep);
	return NULL;
}

static int call_start(struct caller *k, struct fastipc_conn *c, size_t len,
		      size_t rep_cap, __u64 timeout_ns)
{
	memset(k, 0, sizeof(*k));
	k->c = c;
	k->len = len;
	k->rep_cap = rep_cap;
	k->timeout_ns = timeout_ns;
	return pthread_create(&k->th, NULL, caller_main, k);
}

/* Receive the next request and answer it with status 0, no payload. */
static int serve_one(int chan, struct fastipc_serve *s)
{
	unsigned char buf[64];
	int ret = recv_msg(chan, buf, sizeof(buf), s);

	if (ret < 0)
		return ret;
	return reply_d(chan, s->hdr.msg_id, NULL, 0, NULL);
}

TEST_F_TIMEOUT(raw, deadline, 60)
{
	struct fastipc_chan_stat cs;
	struct fastipc_serve s;
	struct caller k;
	size_t len;
	int i, ret;

	/* 4 KiB areas: a request of half an area cannot go by copy. */
	ASSERT_EQ(0, raw_open(self, 1024, 8ULL << 10, 512));
	len = fastipc_conn_shm_max(self->c);
	ASSERT_LT(1024, len);
	/* Two requests of half an area each fill the ring; never released. */
	for (i = 0; i < 2; i++) {
		ret = call_start(&k, self->c, len, 0, 30 * NS);
		if (ret)
			break;
		ret = serve_one(self->chan, &s);
		pthread_join(k.th, NULL);
		if (ret || k.ret || s.desc.area != C2S)
			break;
	}
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, k.ret);
	ASSERT_EQ(C2S, s.desc.area);
	/* The third waits for room: announced in the client's waiting word. */
	ASSERT_EQ(0, call_start(&k, self->c, len, 0, 2 * NS));
	for (i = 0; i < 20000 && !*word(self->peer, self->l.waiting_off); i++)
		usleep(100);
	ASSERT_NE(0, *word(self->peer, self->l.waiting_off));
	ASSERT_EQ(0, fipc_wait_blocked(getpid(), k.tid));
	/* Room, without ringing: the client sleeps to its deadline. */
	*word(self->own, self->l.consumer_off) =
		*word(self->peer, self->l.producer_off);
	pthread_join(k.th, NULL);
	EXPECT_EQ(-ETIMEDOUT, k.ret);
	EXPECT_EQ(2, k.st.req_shm);
	EXPECT_EQ(0, k.st.ring_errors);
	/* The kernel never saw the third call. */
	ASSERT_EQ(0, fipc_stat(fastipc_dev_fd(self->dev), self->name, &cs));
	EXPECT_EQ(2, cs.counters.calls);
	EXPECT_EQ(0, cs.counters.timeouts);
	EXPECT_EQ(0, cs.counters.cancelled);
}

TEST_F(raw, bad_reply_desc)
{
	struct fastipc_desc d;
	struct fastipc_serve s;
	unsigned char buf[64];
	struct caller k;
	__u32 *hdr;

	ASSERT_EQ(0, raw_open(self, 0, 64ULL << 10, 0));	/* defaults */
	ASSERT_EQ(0, call_start(&k, self->c, 16, 8192, 30 * NS));
	ASSERT_LE(0, recv_msg(self->chan, buf, sizeof(buf), &s));
	ASSERT_EQ(8192, s.hdr.reply_max);
	/* A record header with flags no producer writes. */
	hdr = (__u32 *)(self->own + self->l.area_off);
	hdr[0] = 100;
	hdr[1] = 0x7;
	set_desc(&d, sizeof(struct fastipc_rec), 100, S2C);
	ASSERT_EQ(0, reply_d(self->chan, s.hdr.msg_id, NULL, 0, &d));
	pthread_join(k.th, NULL);
	EXPECT_EQ(-EBADMSG, k.ret);
	EXPECT_EQ(1, k.st.ring_errors);
}

TEST_HARNESS_MAIN
