// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc shared-memory descriptors: a CALL or SEND naming a range of the
 * client's area, a REPLY (or REPLY_RECV) naming a range of the server's,
 * which ranges and areas are refused with -EINVAL without consuming or
 * answering anything, and the bytes_shm counter of CHAN_STAT.
 *
 * Each test plays both sides in one process over the region fixture: a
 * CALL that must block runs in a background thread while the test serves
 * it, and the payload is checked through the other side's mapping.
 */
#define _GNU_SOURCE
#include <string.h>

#include "kselftest_harness.h"
#include "fastipc_util.h"
#include "region_util.h"
#include "region_fixture.h"

/* ------------------------------------------------------------------ */
/* Descriptors */

TEST_F(region, desc_call_delivered)
{
	struct rgn *r = &self->r;
	__u32 a = r->l.area_size;
	const struct { __u64 off; __u32 len; } ok[] = {
		{ 0, 100 }, { a - 1, 1 }, { 0, a }, { 8, 0 },
	};
	struct fastipc_serve s;
	struct fastipc_call c;
	struct fipc_bg bg;
	unsigned int i;
	char buf[8];

	for (i = 0; i < ARRAY_SIZE(ok); i++) {
		fipc_fill(AREA(r, cmine) + ok[i].off, ok[i].len, 10 + i);
		fipc_call_init(&c, 2, "hi", 2, NULL, 0);
		set_desc(&c.req_desc, ok[i].off, ok[i].len, C2S);
		ASSERT_EQ(0, fipc_bg_start(&bg, r->conn, FASTIPC_IOC_CALL, &c));
		ASSERT_EQ(2, recv_msg(r->chan, buf, sizeof(buf), &s));
		EXPECT_EQ((__u32)FASTIPC_MSG_REQUEST, s.hdr.type);
		EXPECT_EQ(0, memcmp(buf, "hi", 2));
		EXPECT_TRUE(desc_is(&s.desc, ok[i].off, ok[i].len, C2S))
			TH_LOG("case %u: got off %llu len %u area %u", i,
			       s.desc.offset, s.desc.len, s.desc.area);
		EXPECT_EQ(-1, fipc_mismatch(AREA(r, speer) + s.desc.offset,
					    s.desc.len, 10 + i));
		EXPECT_EQ(0, reply_d(r->chan, s.hdr.msg_id, NULL, 0, NULL));
		EXPECT_EQ(0, fipc_bg_join(&bg));
		EXPECT_TRUE(desc_is(&c.rep_desc, 0, 0, NONE));
	}
}

TEST_F(region, desc_call_einval)
{
	struct rgn *r = &self->r;
	__u32 a = r->l.area_size;
	const struct fastipc_desc bad[] = {
		{ a - 10, 11, C2S },		/* past the end */
		{ a, 1, C2S },			/* starts at the end */
		{ 0, a + 1, C2S },		/* longer than the area */
		{ ~0ULL - 7, 16, C2S },		/* offset + len wraps */
		{ ~0ULL, 1, C2S },
		{ 1ULL << 32, 1, C2S },
		{ 0, 1, S2C },			/* the server's area */
		{ 0, 1, 5 },			/* no such area */
		{ 1, 0, NONE },			/* NONE with an offset */
		{ 0, 1, NONE },			/* NONE with a length */
	};
	struct fastipc_call c;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		fipc_call_init(&c, 3, "x", 1, NULL, 0);
		c.timeout_ns = 100 * FIPC_MS;
		c.req_desc = bad[i];
		EXPECT_EQ(-EINVAL, fipc_ioctl(r->conn, FASTIPC_IOC_CALL, &c))
			TH_LOG("CALL case %u", i);
		EXPECT_EQ(-EINVAL, send_d(r->conn, "x", 1, &bad[i]))
			TH_LOG("SEND case %u", i);
	}
	EXPECT_EQ(-EAGAIN, fipc_recv(r->chan, NULL, 0, FASTIPC_F_NONBLOCK, 0,
				     NULL));
}

/* A CALL in the background, received by the test: the serve struct. */
static int start_call(struct rgn *r, struct fipc_bg *bg, struct fastipc_call *c,
		      void *rep, __u32 cap, struct fastipc_serve *s)
{
	char buf[8];
	int ret;

	fipc_call_init(c, 4, "q", 1, rep, cap);
	ret = fipc_bg_start(bg, r->conn, FASTIPC_IOC_CALL, c);
	if (ret)
		return ret;
	ret = recv_msg(r->chan, buf, sizeof(buf), s);
	return ret == 1 ? 0 : ret < 0 ? ret : -EPROTO;
}

TEST_F(region, reply_desc_delivered)
{
	struct rgn *r = &self->r;
	__u32 off = r->l.area_size / 2;
	struct fastipc_desc d = { .offset = off, .len = 300, .area = S2C };
	struct fastipc_serve s;
	struct fastipc_call c;
	struct fipc_bg bg;
	char rep[8];

	ASSERT_EQ(0, start_call(r, &bg, &c, rep, sizeof(rep), &s));
	fipc_fill(AREA(r, smine) + off, 300, 20);
	EXPECT_EQ(0, reply_d(r->chan, s.hdr.msg_id, "ok", 2, &d));
	ASSERT_EQ(0, fipc_bg_join(&bg));
	EXPECT_EQ(2U, c.rep_len);
	EXPECT_EQ(0, memcmp(rep, "ok", 2));
	EXPECT_TRUE(desc_is(&c.rep_desc, off, 300, S2C))
		TH_LOG("got off %llu len %u area %u", c.rep_desc.offset,
		       c.rep_desc.len, c.rep_desc.area);
	EXPECT_EQ(-1, fipc_mismatch(AREA(r, cpeer) + c.rep_desc.offset,
				    c.rep_desc.len, 20));
}

TEST_F(region, reply_recv_desc)
{
	struct rgn *r = &self->r;
	struct fastipc_serve s, rr;
	struct fastipc_call c;
	struct fipc_bg bg;

	ASSERT_EQ(0, start_call(r, &bg, &c, NULL, 0, &s));
	fipc_fill(AREA(r, smine), 64, 21);
	memset(&rr, 0, sizeof(rr));
	rr.reply_id = s.hdr.msg_id;
	set_desc(&rr.reply_desc, 0, 64, S2C);
	rr.flags = FASTIPC_F_NONBLOCK;
	EXPECT_EQ(-EAGAIN, fipc_ioctl(r->chan, FASTIPC_IOC_REPLY_RECV, &rr));
	EXPECT_EQ(FASTIPC_SERVE_REPLIED, rr.out_flags);
	ASSERT_EQ(0, fipc_bg_join(&bg));
	EXPECT_TRUE(desc_is(&c.rep_desc, 0, 64, S2C));
	EXPECT_EQ(-1, fipc_mismatch(AREA(r, cpeer), 64, 21));
}

TEST_F(region, reply_desc_einval)
{
	struct rgn *r = &self->r;
	__u32 a = r->l.area_size;
	const struct fastipc_desc bad[] = {
		{ 0, 1, C2S },			/* the client's area */
		{ a - 1, 2, S2C },		/* past the end */
		{ 0, a + 1, S2C },		/* longer than the area */
		{ ~0ULL, 2, S2C },		/* wraps */
		{ 0, 1, 3 },			/* no such area */
		{ 4, 0, NONE },			/* NONE with an offset */
	};
	struct fastipc_desc good = { .offset = a - 1, .len = 1, .area = S2C };
	struct fastipc_serve s;
	struct fastipc_call c;
	struct fipc_bg bg;
	unsigned int i;

	ASSERT_EQ(0, start_call(r, &bg, &c, NULL, 0, &s));
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		EXPECT_EQ(-EINVAL, reply_d(r->chan, s.hdr.msg_id, NULL, 0,
					   &bad[i]))
			TH_LOG("case %u", i);
	/* The request is still outstanding and answerable. */
	EXPECT_EQ(-EINPROGRESS, bg.ret);
	AREA(r, smine)[a - 1] = 0x77;
	EXPECT_EQ(0, reply_d(r->chan, s.hdr.msg_id, NULL, 0, &good));
	ASSERT_EQ(0, fipc_bg_join(&bg));
	EXPECT_TRUE(desc_is(&c.rep_desc, a - 1, 1, S2C));
	EXPECT_EQ(0x77, AREA(r, cpeer)[a - 1]);
}

/* REPLY_RECV whose reply is refused receives nothing. */
TEST_F(region, reply_recv_bad_desc)
{
	struct rgn *r = &self->r;
	struct fastipc_desc sd = { .offset = 0, .len = 16, .area = C2S };
	struct fastipc_serve s, rr;
	struct fastipc_call c;
	struct fipc_bg bg;
	char buf[8];

	ASSERT_EQ(0, start_call(r, &bg, &c, NULL, 0, &s));
	ASSERT_EQ(0, send_d(r->conn, NULL, 0, &sd));
	memset(&rr, 0, sizeof(rr));
	rr.reply_id = s.hdr.msg_id;
	set_desc(&rr.reply_desc, 0, 16, C2S);
	rr.buf_ptr = (uintptr_t)buf;
	rr.buf_cap = sizeof(buf);
	rr.flags = FASTIPC_F_NONBLOCK;
	EXPECT_EQ(-EINVAL, fipc_ioctl(r->chan, FASTIPC_IOC_REPLY_RECV, &rr));
	EXPECT_EQ(0U, rr.out_flags);
	EXPECT_EQ(-EINPROGRESS, bg.ret);
	rr.reply_desc.area = S2C;
	EXPECT_EQ(0, fipc_ioctl(r->chan, FASTIPC_IOC_REPLY_RECV, &rr));
	EXPECT_EQ(FASTIPC_SERVE_REPLIED | FASTIPC_SERVE_RECEIVED, rr.out_flags);
	EXPECT_EQ((__u32)FASTIPC_MSG_ONEWAY, rr.hdr.type);
	EXPECT_TRUE(desc_is(&rr.desc, 0, 16, C2S));
	ASSERT_EQ(0, fipc_bg_join(&bg));
	EXPECT_TRUE(desc_is(&c.rep_desc, 0, 16, S2C));
}

TEST_F(region, recv_reply_desc_einval)
{
	struct rgn *r = &self->r;
	struct fastipc_desc d = { .offset = 0, .len = 8, .area = C2S };
	struct fastipc_serve s;

	ASSERT_EQ(0, send_d(r->conn, NULL, 0, &d));
	memset(&s, 0, sizeof(s));
	set_desc(&s.reply_desc, 0, 1, S2C);
	EXPECT_EQ(-EINVAL, fipc_ioctl(r->chan, FASTIPC_IOC_RECV, &s));
	memset(&s, 0, sizeof(s));
	set_desc(&s.reply_desc, 8, 0, NONE);
	EXPECT_EQ(-EINVAL, fipc_ioctl(r->chan, FASTIPC_IOC_RECV, &s));
	memset(&s, 0, sizeof(s));
	s.reply_desc.area = S2C;
	EXPECT_EQ(-EINVAL, fipc_ioctl(r->chan, FASTIPC_IOC_RECV, &s));
	/* Nothing was consumed. */
	EXPECT_EQ(0, recv_msg(r->chan, NULL, 0, &s));
	EXPECT_TRUE(desc_is(&s.desc, 0, 8, C2S));
}

TEST_F(region, send_desc_delivered)
{
	struct rgn *r = &self->r;
	__u32 a = r->l.area_size;
	struct fastipc_desc d = {
		.offset = a - 4096, .len = 4096, .area = C2S,
	};
	struct fastipc_serve s;
	char buf[8];

	fipc_fill(AREA(r, cmine) + d.offset, d.len, 30);
	ASSERT_EQ(0, send_d(r->conn, "abc", 3, &d));
	ASSERT_EQ(3, recv_msg(r->chan, buf, sizeof(buf), &s));
	EXPECT_EQ((__u32)FASTIPC_MSG_ONEWAY, s.hdr.type);
	EXPECT_EQ(r->conn_id, s.hdr.conn_id);
	EXPECT_EQ(0, memcmp(buf, "abc", 3));
	EXPECT_TRUE(desc_is(&s.desc, a - 4096, 4096, C2S));
	EXPECT_EQ(-1, fipc_mismatch(AREA(r, speer) + s.desc.offset,
				    s.desc.len, 30));
	EXPECT_EQ(-ENOENT, reply_d(r->chan, s.hdr.msg_id, NULL, 0, NULL));
}

TEST_F(region, stat_bytes_shm)
{
	struct rgn *r = &self->r;
	struct fastipc_desc rd = { .offset = 0, .len = 300, .area = S2C };
	struct fastipc_desc sd = { .offset = 5, .len = 77, .area = C2S };
	struct fastipc_chan_stat st0, st1;
	struct fastipc_serve s;
	struct fastipc_call c;
	struct fipc_bg bg;
	char rep[8], req[16];

	ASSERT_EQ(0, fipc_stat(r->ctl, r->name, &st0));
	EXPECT_EQ(0ULL, st0.counters.bytes_shm);
	fipc_call_init(&c, 5, "0123456789", 10, rep, sizeof(rep));
	set_desc(&c.req_desc, 1000, 1000, C2S);
	ASSERT_EQ(0, fipc_bg_start(&bg, r->conn, FASTIPC_IOC_CALL, &c));
	ASSERT_EQ(10, recv_msg(r->chan, req, sizeof(req), &s));
	EXPECT_EQ(0, reply_d(r->chan, s.hdr.msg_id, "abcde", 5, &rd));
	ASSERT_EQ(0, fipc_bg_join(&bg));
	ASSERT_EQ(0, send_d(r->conn, NULL, 0, &sd));
	ASSERT_EQ(0, recv_msg(r->chan, NULL, 0, &s));
	ASSERT_EQ(0, fipc_stat(r->ctl, r->name, &st1));
	EXPECT_EQ(1000ULL + 300 + 77,
		  st1.counters.bytes_shm - st0.counters.bytes_shm);
	EXPECT_EQ(15ULL, st1.counters.bytes_copied - st0.counters.bytes_copied);
	EXPECT_EQ(1ULL, st1.counters.calls - st0.counters.calls);
	EXPECT_EQ(1ULL, st1.counters.oneway - st0.counters.oneway);
}

TEST_HARNESS_MAIN
