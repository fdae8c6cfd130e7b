// SPDX-License-Identifier: GPL-2.0
/*
 * No room for a reply (libfastipc's server, since 0.7): a reply larger
 * than the copy path (the channel's msg_max, 1 KiB here) whose caller's
 * server->client ring is held full by zero-copy replies not yet released.
 *  - handler2_once: a fastipc_handler2_t has run when it finds no room:
 *    the call ends with status -ENOBUFS and no reply (fastipc_call2()
 *    returns 0; the handler's own status is not delivered), the handler
 *    ran exactly once, one request was sent (the connection's calls, the
 *    server's requests) and never again (no backoff), counted in
 *    rep_dropped and not in rep_refused; a raw call sees it as a plain
 *    status by copy (no descriptor: not the refusal mark); after the held
 *    replies are released the same call succeeds with the whole reply and
 *    the handler's status.
 *  - handler2_async: the same call submitted asynchronously completes
 *    with error 0 and status -ENOBUFS, the handler run once.
 *  - v1_resend: a fastipc_handler_t is refused before it runs, and sent
 *    again: released during the first backoff, it is sent exactly twice
 *    (one refusal, counted in rep_refused), runs exactly once, and
 *    returns the whole reply; the connection still serves an echo.
 * The backoffs are counted by this program's nanosleep(), which the
 * library's retry calls; it releases the held replies at the first one.
 */
#define _GNU_SOURCE
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <fastipc.h>

#include "kselftest_harness.h"
#include "fastipc_util.h"

#include "libserve2.h"

#define MSG_MAX		1024U		/* the channel's: the copy path */
#define RGN		(64ULL << 10)	/* 32 KiB areas: 4 replies fill one */
#define REP		8000U		/* above MSG_MAX, one ring record */
#define REP_CAP		8192U
#define HOLD_MAX	16

/* Replies held in the ring; released by the first backoff when armed. */
static struct fastipc_conn *hold_conn;
static struct fastipc_reply held[HOLD_MAX];
static int nheld;
static __thread int armed;
static atomic_int backoffs;

static void release_held(void)
{
	while (nheld > 0)
		fastipc_reply_done(hold_conn, &held[--nheld]);
}

/* The library's backoff before it sends a refused call again. */
int nanosleep(const struct timespec *req, struct timespec *rem)
{
	if (armed) {
		atomic_fetch_add(&backoffs, 1);
		release_held();
	}
	return (int)syscall(SYS_nanosleep, req, rem);
}

FIXTURE(room) {
	struct fastipc_dev *dev;
	struct fastipc_server *srv;
	struct fastipc_conn *c;
	int chan;
	pthread_t th;
	char name[FASTIPC_NAME_MAX];
};

FIXTURE_SETUP(room)
{
	struct fastipc_chan_opts co = { .msg_max = MSG_MAX };
	struct fastipc_server_opts so = { .reply_threshold = 256 };

	ASSERT_EQ(0, fastipc_open(&self->dev));
	fipc_unique_name(self->name, "libserve2room");
	self->chan = fastipc_chan_create(self->dev, self->name, 0, 0600, &co);
	ASSERT_LE(0, self->chan);
	ASSERT_EQ(0, fastipc_server_create(self->chan, 2, &so, &self->srv));
	ASSERT_EQ(0, register_all(self->srv));
	ASSERT_EQ(0, pthread_create(&self->th, NULL, run_main, self->srv));
	self->c = connect_rgn(self->dev, self->name, RGN);
	ASSERT_NE(NULL, self->c);
	ASSERT_LT(REP_CAP, fastipc_conn_shm_max(self->c));
	hold_conn = self->c;
	nheld = 0;
	atomic_store(&backoffs, 0);
}

FIXTURE_TEARDOWN(room)
{
	armed = 0;
	release_held();
	fastipc_disconnect(self->c);
	EXPECT_EQ(0, pool_end(self->srv, self->th));
	close(self->chan);
	fastipc_close(self->dev);
}

/* One OP_FILL2 of REP bytes by fastipc_call_zc(): its status. */
static int hold_one(struct fastipc_conn *c, struct fastipc_reply *out)
{
	static unsigned char rep[REP_CAP];
	struct h2_req q = { .len = REP, .seed = 1 };
	void *buf;
	int ret;

	ret = fastipc_call_buf_get(c, sizeof(q), &buf, CALL_NS);
	if (ret)
		return ret;
	memcpy(buf, &q, sizeof(q));
	return fastipc_call_zc(c, OP_FILL2, buf, sizeof(q), rep, sizeof(rep),
			       out, CALL_NS);
}

/*
 * Hold replies of REP bytes in the ring until one finds no room: that
 * one ran and is answered -ENOBUFS. Return how many are held.
 */
static int hold_full(struct __test_metadata *_metadata, struct fastipc_conn *c)
{
	int ret;

	do {
		ret = hold_one(c, &held[nheld]);
		if (ret == 0)
			EXPECT_TRUE(held[nheld].flags & FASTIPC_REPLY_SHM);
	} while (ret == 0 && ++nheld < HOLD_MAX);
	EXPECT_EQ(-ENOBUFS, ret);
	return nheld;
}

static void args_fill(struct fastipc_call_args *a, const struct h2_req *q,
		      void *rep)
{
	memset(a, 0, sizeof(*a));
	a->op = OP_FILL2;
	a->req = q;
	a->req_len = sizeof(*q);
	a->rep = rep;
	a->rep_cap = REP_CAP;
	a->timeout_ns = CALL_NS;
}

TEST_F_TIMEOUT(room, handler2_once, 120)
{
	static unsigned char rep[REP_CAP];
	struct h2_req q = { .len = REP, .seed = 7, .status = 5 };
	struct fastipc_server_stats st0, st1;
	struct fastipc_conn_stats c0, c1;
	struct fastipc_call_args a;
	struct fastipc_call raw;
	int runs;

	ASSERT_LT(0, hold_full(_metadata, self->c));
	st0 = srv_stats(self->srv);
	fastipc_conn_stats(self->c, &c0);
	runs = atomic_load(&h2_runs);
	armed = 1;
	args_fill(&a, &q, rep);
	ASSERT_EQ(0, fastipc_call2(self->c, &a, sizeof(a)));
	armed = 0;
	fastipc_conn_stats(self->c, &c1);
	st1 = srv_stats(self->srv);
	/* ran, reply lost: the library's status, not the handler's 5 */
	EXPECT_EQ(-ENOBUFS, a.status);
	EXPECT_EQ(0, a.rep_len);
	EXPECT_EQ(NULL, a.rep_data);
	EXPECT_EQ(-ENOBUFS, atomic_load(&h2_ret));
	EXPECT_EQ(runs + 1, atomic_load(&h2_runs));	/* ran once */
	EXPECT_EQ(0, atomic_load(&backoffs));		/* never again */
	EXPECT_EQ(c0.calls + 1, c1.calls);		/* sent once */
	EXPECT_EQ(st0.requests + 1, st1.requests);
	EXPECT_EQ(st0.rep_dropped + 1, st1.rep_dropped);
	EXPECT_EQ(st0.rep_refused, st1.rep_refused);
	EXPECT_EQ(st0.rep_shm, st1.rep_shm);

	/* On the wire: a plain status by copy, not the refusal mark. */
	ASSERT_EQ(0, raw_call(self->c, OP_FILL2, &q, rep, REP_CAP, &raw));
	EXPECT_EQ(-ENOBUFS, raw.status);
	EXPECT_EQ(0, raw.rep_len);
	EXPECT_EQ(FASTIPC_AREA_NONE, raw.rep_desc.area);
	EXPECT_EQ(runs + 2, atomic_load(&h2_runs));

	/* Released: the same call gets the whole reply, and its status. */
	release_held();
	args_fill(&a, &q, rep);
	ASSERT_EQ(0, fastipc_call2(self->c, &a, sizeof(a)));
	EXPECT_EQ(5, a.status);
	ASSERT_EQ(REP, a.rep_len);
	EXPECT_GT(0, fipc_mismatch(a.rep_data, REP, 7));
	EXPECT_EQ(runs + 3, atomic_load(&h2_runs));
	st0 = srv_stats(self->srv);
	EXPECT_EQ(st1.rep_shm + 1, st0.rep_shm);
	EXPECT_EQ(st1.rep_dropped + 1, st0.rep_dropped);	/* the raw one */
}

TEST_F_TIMEOUT(room, handler2_async, 120)
{
	struct h2_req q = { .len = REP, .seed = 8, .status = 6 };
	struct fastipc_server_stats st0, st1;
	struct fastipc_completion comp;
	uint64_t id = 0;
	int runs;

	ASSERT_LT(0, hold_full(_metadata, self->c));
	st0 = srv_stats(self->srv);
	runs = atomic_load(&h2_runs);
	ASSERT_EQ(0, fastipc_call_submit(self->c, OP_FILL2, &q, sizeof(q),
					 REP_CAP, NULL, CALL_NS, &id));
	ASSERT_EQ(0, fastipc_call_reap(self->c, &comp, CALL_NS));
	st1 = srv_stats(self->srv);
	EXPECT_EQ(id, comp.id);
	EXPECT_EQ(0, comp.error);
	EXPECT_EQ(-ENOBUFS, comp.status);
	EXPECT_EQ(NULL, comp.rep);
	EXPECT_EQ(0, comp.rep_len);
	EXPECT_EQ(runs + 1, atomic_load(&h2_runs));
	EXPECT_EQ(st0.requests + 1, st1.requests);
	EXPECT_EQ(st0.rep_dropped + 1, st1.rep_dropped);
	free(comp.rep);
}

TEST_F_TIMEOUT(room, v1_resend, 120)
{
	static unsigned char rep[REP_CAP];
	struct h2_req q = { .len = REP, .seed = 9 };
	struct fastipc_server_stats st0, st1;
	struct fastipc_conn_stats c0, c1;
	size_t got = 0;
	int runs, ret;

	ASSERT_LT(0, hold_full(_metadata, self->c));
	st0 = srv_stats(self->srv);
	fastipc_conn_stats(self->c, &c0);
	runs = atomic_load(&v1_runs);
	armed = 1;
	ret = fastipc_call(self->c, OP_CAP, &q, sizeof(q), rep, sizeof(rep),
			   &got, CALL_NS);
	armed = 0;
	fastipc_conn_stats(self->c, &c1);
	st1 = srv_stats(self->srv);
	EXPECT_EQ(0, ret);
	ASSERT_EQ(REP, got);
	EXPECT_GT(0, fipc_mismatch(rep, REP, 9));
	EXPECT_EQ(runs + 1, atomic_load(&v1_runs));	/* ran once */
	EXPECT_EQ(1, atomic_load(&backoffs));		/* resent once */
	EXPECT_EQ(c0.calls + 2, c1.calls);
	EXPECT_EQ(st0.requests + 2, st1.requests);
	EXPECT_EQ(st0.rep_refused + 1, st1.rep_refused);
	EXPECT_EQ(st0.rep_dropped, st1.rep_dropped);
	EXPECT_EQ(st0.rep_shm + 1, st1.rep_shm);
	EXPECT_EQ(0, nheld);
	EXPECT_EQ(0, echo_ok(self->c, 10));
}

TEST_HARNESS_MAIN
