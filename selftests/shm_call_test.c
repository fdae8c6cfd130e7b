// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc calls through shared memory: round trips of 4 KiB to 64 MiB
 * payloads, written in place by each side and verified by checksum in the
 * peer's mapping, and the per-user region quota (region_user_max): spent,
 * freed by close and munmap, and separate for each uid.
 *
 * The round trips play both sides in one process, the CALL in a
 * background thread. The quota tests change a module parameter and put it
 * back in the fixture teardown, so they come last.
 */
#define _GNU_SOURCE
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "fastipc_util.h"
#include "region_util.h"

/* ------------------------------------------------------------------ */
/* Round trips through shared memory, payload checksums verified */

struct rt_msg {
	__u64 seed, len, sum;
};

static __u64 mix(__u64 x)
{
	x ^= x >> 31;
	x *= 0x7fb5d329728ea185ULL;
	x ^= x >> 27;
	x *= 0x81dadef4bc2dd44dULL;
	return x ^ (x >> 33);
}

static __u64 fill_sum(void *p, __u64 len, __u64 seed)
{
	__u64 *w = p, sum = seed, i;

	for (i = 0; i < len / 8; i++) {
		w[i] = mix(seed + i);
		sum = (sum ^ w[i]) * 0x100000001b3ULL;
	}
	return sum;
}

static __u64 sum_of(const void *p, __u64 len, __u64 seed)
{
	const __u64 *w = p;
	__u64 sum = seed, i;

	for (i = 0; i < len / 8; i++)
		sum = (sum ^ w[i]) * 0x100000001b3ULL;
	return sum;
}

FIXTURE(rt) {
	struct rgn r;
};

FIXTURE_VARIANT(rt) {
	__u64 len;
	__u64 region_size;
};

FIXTURE_VARIANT_ADD(rt, k4) {
	.len = 4ULL << 10, .region_size = 64ULL << 10,
};
FIXTURE_VARIANT_ADD(rt, m1) {
	.len = 1ULL << 20, .region_size = 4ULL << 20,
};
FIXTURE_VARIANT_ADD(rt, m16) {
	.len = 16ULL << 20, .region_size = 32ULL << 20,
};
/* A 128 MiB area: region_size at the default region_max (256 MiB). */
FIXTURE_VARIANT_ADD(rt, m64) {
	.len = 64ULL << 20, .region_size = 256ULL << 20,
};

FIXTURE_SETUP(rt)
{
	ASSERT_EQ(0, rgn_open(&self->r, "rt", variant->region_size));
}

FIXTURE_TEARDOWN(rt)
{
	rgn_close(&self->r);
}

TEST_F_TIMEOUT(rt, roundtrip, 300)
{
	struct rgn *r = &self->r;
	__u64 len = variant->len, off = r->l.area_size - len, t0;
	struct rt_msg req, rep, got;
	struct fastipc_desc d;
	struct fastipc_serve s;
	struct fastipc_call c;
	struct fipc_bg bg;

	ASSERT_LE(len, (__u64)r->l.area_size);
	t0 = mono_ns();
	/* Client: payload at the end of its area, checksum inline. */
	req.seed = len ^ 0x1234;
	req.len = len;
	req.sum = fill_sum(AREA(r, cmine) + off, len, req.seed);
	fipc_call_init(&c, 6, &req, sizeof(req), &rep, sizeof(rep));
	c.timeout_ns = 240 * FIPC_SEC;
	set_desc(&c.req_desc, off, (__u32)len, C2S);
	ASSERT_EQ(0, fipc_bg_start(&bg, r->conn, FASTIPC_IOC_CALL, &c));
	/* Server: verify in place, answer from the start of its area. */
	ASSERT_EQ((int)sizeof(got), recv_msg(r->chan, &got, sizeof(got), &s));
	ASSERT_TRUE(desc_is(&s.desc, off, (__u32)len, C2S));
	EXPECT_EQ(got.sum, sum_of(AREA(r, speer) + s.desc.offset, s.desc.len,
				  got.seed));
	got.seed = len ^ 0x5678;
	got.sum = fill_sum(AREA(r, smine), len, got.seed);
	set_desc(&d, 0, (__u32)len, S2C);
	EXPECT_EQ(0, reply_d(r->chan, s.hdr.msg_id, &got, sizeof(got), &d));
	/* Client: verify the reply in place. */
	ASSERT_EQ(0, fipc_bg_join(&bg));
	ASSERT_EQ((__u32)sizeof(rep), c.rep_len);
	ASSERT_TRUE(desc_is(&c.rep_desc, 0, (__u32)len, S2C));
	EXPECT_EQ(rep.sum, sum_of(AREA(r, cpeer) + c.rep_desc.offset,
				  c.rep_desc.len, rep.seed));
	EXPECT_EQ(len ^ 0x5678, rep.seed);
	TH_LOG("%llu bytes each way in %llu ms", len,
	       (mono_ns() - t0) / FIPC_MS);
}

/* ------------------------------------------------------------------ */
/* Per-user quota (kept last: it changes a module parameter) */

#define QUOTA		(4ULL << 20)
/* Each region charges 2 * (4 KiB + 512 KiB): three fit in QUOTA. */
#define QUOTA_RGN	(1ULL << 20)
#define QUOTA_FIT	3

FIXTURE(quota) {
	unsigned long long saved;
	int ctl, chan;
	char name[FASTIPC_NAME_MAX];
	int conns[QUOTA_FIT + 1];
};

FIXTURE_SETUP(quota)
{
	unsigned int i;

	self->ctl = self->chan = -1;
	for (i = 0; i < ARRAY_SIZE(self->conns); i++)
		self->conns[i] = -1;
	ASSERT_EQ(0, read_param("region_user_max", &self->saved));
	ASSERT_EQ(0, write_param("region_user_max", QUOTA));
	self->ctl = fipc_open();
	ASSERT_LE(0, self->ctl);
	fipc_unique_name(self->name, "quota");
	self->chan = fipc_create(self->ctl, self->name, 0, 0666);
	ASSERT_LE(0, self->chan);
}

FIXTURE_TEARDOWN(quota)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(self->conns); i++)
		closefd(&self->conns[i]);
	closefd(&self->chan);
	closefd(&self->ctl);
	write_param("region_user_max", self->saved);
}

/* Connect QUOTA_FIT regions into @conns; 0, or the failing step. */
static int fill_quota(int ctl, const char *name, int *conns, __u64 *id0)
{
	struct fastipc_connect c;
	int i;

	for (i = 0; i < QUOTA_FIT; i++) {
		conns[i] = connect_rgn(ctl, name, QUOTA_RGN, &c);
		if (conns[i] < 0)
			return i + 1;
		if (!i && id0)
			*id0 = c.conn_id;
	}
	return 0;
}

TEST_F(quota, exhaust_and_free)
{
	struct fastipc_connect c;
	__u64 id0;
	int rfd;

	ASSERT_EQ(0, fill_quota(self->ctl, self->name, self->conns, &id0));
	EXPECT_EQ(-EDQUOT, connect_rgn(self->ctl, self->name, QUOTA_RGN, &c));
	/* What is left still fits a smaller region; regionless is free. */
	self->conns[QUOTA_FIT] = connect_rgn(self->ctl, self->name, 8192, &c);
	EXPECT_LE(0, self->conns[QUOTA_FIT]);
	closefd(&self->conns[QUOTA_FIT]);
	self->conns[QUOTA_FIT] = connect_rgn(self->ctl, self->name, 0, &c);
	EXPECT_LE(0, self->conns[QUOTA_FIT]);
	closefd(&self->conns[QUOTA_FIT]);
	/* A region fd keeps the region, and its charge, alive. */
	rfd = conn_region(self->chan, id0, NULL);
	ASSERT_LE(0, rfd);
	closefd(&self->conns[0]);
	EXPECT_EQ(-EDQUOT, connect_rgn(self->ctl, self->name, QUOTA_RGN, &c));
	close(rfd);
	self->conns[0] = connect_rgn(self->ctl, self->name, QUOTA_RGN, &c);
	EXPECT_LE(0, self->conns[0]);
	EXPECT_EQ(-EDQUOT, connect_rgn(self->ctl, self->name, QUOTA_RGN, &c));
}

/*
 * The quota follows the memory: a region lives until its last fd *and*
 * its last mapping go, so a mapping left behind keeps it charged.
 */
TEST_F(quota, held_by_mapping)
{
	struct fastipc_connect c;
	unsigned char *maps[QUOTA_FIT];
	size_t half = 0;
	int i, ret;

	for (i = 0; i < QUOTA_FIT; i++) {
		self->conns[i] = connect_rgn(self->ctl, self->name, QUOTA_RGN,
					     &c);
		ASSERT_LE(0, self->conns[i]);
		maps[i] = map(self->conns[i], 0, c.layout.half_size,
			      PROT_READ | PROT_WRITE);
		ASSERT_NE(NULL, maps[i]);
		half = c.layout.half_size;
		memset(maps[i] + PG, 0xab, c.layout.area_size);
		closefd(&self->conns[i]);
	}
	/* Three regions' memory is still mapped: the quota is spent. */
	ret = connect_rgn(self->ctl, self->name, QUOTA_RGN, &c);
	EXPECT_EQ(-EDQUOT, ret)
		TH_LOG("connect with %d mapped, closed regions: %d", QUOTA_FIT,
		       ret);
	if (ret >= 0)
		close(ret);
	for (i = 0; i < QUOTA_FIT; i++)
		ASSERT_EQ(0, munmap(maps[i], half));
	/* Unmapped: the charge is gone. */
	self->conns[0] = connect_rgn(self->ctl, self->name, QUOTA_RGN, &c);
	EXPECT_LE(0, self->conns[0]);
}

struct quota_child {
	const char *name;
};

/* As uid 1000: a quota of its own, exhausted and freed the same way. */
static int quota_user_child(void *arg)
{
	const char *name = ((struct quota_child *)arg)->name;
	struct fastipc_connect c;
	int ctl, conns[QUOTA_FIT];

	CHILD_CHECK(fipc_become(1000, 1000, NULL, 0, -1) == 0);
	ctl = fipc_open();
	CHILD_CHECK(ctl >= 0);
	CHILD_CHECK(fill_quota(ctl, name, conns, NULL) == 0);
	CHILD_CHECK(connect_rgn(ctl, name, QUOTA_RGN, &c) == -EDQUOT);
	close(conns[1]);
	conns[1] = connect_rgn(ctl, name, QUOTA_RGN, &c);
	CHILD_CHECK(conns[1] >= 0);
	CHILD_CHECK(connect_rgn(ctl, name, QUOTA_RGN, &c) == -EDQUOT);
	return 0;
}

TEST_F(quota, per_uid)
{
	struct quota_child qc = { self->name };
	struct fastipc_connect c;

	/* Root's quota is full; uid 1000 still has all of its own. */
	ASSERT_EQ(0, fill_quota(self->ctl, self->name, self->conns, NULL));
	EXPECT_EQ(-EDQUOT, connect_rgn(self->ctl, self->name, QUOTA_RGN, &c));
	EXPECT_EQ(0, fipc_wait(fipc_fork(quota_user_child, &qc)));
	/* The child's regions died with it; root's are unchanged. */
	EXPECT_EQ(-EDQUOT, connect_rgn(self->ctl, self->name, QUOTA_RGN, &c));
	EXPECT_EQ(0, fipc_wait(fipc_fork(quota_user_child, &qc)));
	closefd(&self->conns[2]);
	self->conns[2] = connect_rgn(self->ctl, self->name, QUOTA_RGN, &c);
	EXPECT_LE(0, self->conns[2]);
}

TEST_HARNESS_MAIN
