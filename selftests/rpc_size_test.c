// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc-rpc (issue 12): message sizes, against the module. Requests
 * and replies carry a bytes field of a pattern (fipc_fill) that the other
 * side checks:
 *  - 0 B, 1, 100, 1 MiB, 4 MiB and 16 MiB each way, with a client bound
 *    with max_message 16 MiB + slack;
 *  - the copy/shared-memory boundary: a request whose wire size (header +
 *    packed message) is the channel's msg_max - 1, msg_max and msg_max + 1,
 *    and a reply that packs to those sizes; above msg_max the region
 *    carries it (the connection's req_shm / rep_shm count it);
 *  - a request above the client's max_message: RESOURCE_EXHAUSTED naming
 *    its size, nothing sent; above the server's: RESOURCE_EXHAUSTED from
 *    the server, counted in too_large; a reply above the client's
 *    max_message: RESOURCE_EXHAUSTED; the server serves on after each.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "rpc_svc.h"

#define MIB		(1ULL << 20)
#define MSG_MAX		65536U		/* the channel's: FASTIPC_MSG_MAX_DEFAULT */
#define BIG_MAX		(16 * MIB + 64 * 1024)

/* Echo @len bytes each way through @cl; 0 when both sides saw the pattern. */
static int round_trip(struct fastipc_rpc_client *cl, size_t len, uint32_t seed,
		      struct fastipc_rpc_status *rs)
{
	Rpctest__Req req = RPCTEST__REQ__INIT;
	Rpctest__Rep *rep = NULL;
	int ret = -EBADMSG, code;

	if (rt_req_data(&req, len, seed))
		return -ENOMEM;
	req.reply_len = len;
	req.reply_seed = seed + 1;
	code = rt_do(cl, &req, &rep, 0, rs);
	if (code != FASTIPC_RPC_OK)
		ret = -1000 - code;
	else if (rep->data_ok && rep->data_len == len && rep->data.len == len &&
		 fipc_mismatch(rep->data.data, len, seed + 1) < 0)
		ret = 0;
	fastipc_rpc_free(rep ? &rep->base : NULL);
	rt_req_free(&req);
	return ret;
}

FIXTURE(sz) {
	struct rt_srv s;
	struct fastipc_rpc_client *cl;
};

FIXTURE_SETUP(sz)
{
	struct fastipc_rpc_status rs;

	ASSERT_EQ(0, rt_srv_start(&self->s, "rpcsz", 2, MSG_MAX, 0600, NULL));
	ASSERT_EQ(FASTIPC_RPC_OK, rt_bind(self->s.dev, self->s.name, BIG_MAX,
					  &self->cl, &rs)) {
		TH_LOG("bind: %d %s", rs.code, rs.message);
	}
}

FIXTURE_TEARDOWN(sz)
{
	fastipc_rpc_unbind(self->cl);
	EXPECT_EQ(0, rt_srv_stop(&self->s));
}

TEST_F_TIMEOUT(sz, sizes_to_16mib, 120)
{
	static const size_t sizes[] = {
		0, 1, 100, 1 * MIB, 4 * MIB, 16 * MIB,
	};
	struct fastipc_rpc_server_stats s0, s1;
	struct fastipc_rpc_status rs;
	size_t i;

	s0 = rt_stats(self->s.srv);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		EXPECT_EQ(0, round_trip(self->cl, sizes[i], (uint32_t)i + 1,
					&rs)) {
			TH_LOG("%zu bytes: %d %s", sizes[i], rs.code,
			       rs.message);
		}
	s1 = rt_stats(self->s.srv);
	EXPECT_EQ(s0.ok + 6, s1.ok);
	EXPECT_EQ(s0.too_large, s1.too_large);
}

/* Requests of wire size msg_max - 1, msg_max, msg_max + 1. */
TEST_F(sz, request_copy_boundary)
{
	struct fastipc_conn *conn = fastipc_rpc_client_conn(self->cl);
	struct fastipc_conn_stats c0, c1;
	struct fastipc_rpc_status rs;
	Rpctest__Rep *rep;
	int d;

	for (d = -1; d <= 1; d++) {
		Rpctest__Req req = RPCTEST__REQ__INIT;
		size_t total = MSG_MAX + d;

		ASSERT_EQ(0, rt_req_exact(&req, total, 20 + d));
		ASSERT_EQ(total, sizeof(struct fastipc_rpc_req_hdr) +
			  rpctest__req__get_packed_size(&req));
		fastipc_conn_stats(conn, &c0);
		rep = NULL;
		EXPECT_EQ(FASTIPC_RPC_OK, rt_do(self->cl, &req, &rep, 0, &rs)) {
			TH_LOG("request of %zu bytes: %d %s", total, rs.code,
			       rs.message);
		}
		fastipc_conn_stats(conn, &c1);
		if (rep) {
			EXPECT_TRUE(rep->data_ok);
			EXPECT_EQ(req.data.len, rep->data_len);
		}
		/* Above msg_max only the region can carry it. */
		if (d > 0)
			EXPECT_EQ(c0.req_shm + 1, c1.req_shm);
		fastipc_rpc_free(rep ? &rep->base : NULL);
		rt_req_free(&req);
	}
}

/* Replies that pack to msg_max - 1, msg_max, msg_max + 1 bytes. */
TEST_F(sz, reply_copy_boundary)
{
	struct fastipc_conn *conn = fastipc_rpc_client_conn(self->cl);
	Rpctest__Req req = RPCTEST__REQ__INIT;
	struct fastipc_conn_stats c0, c1;
	struct fastipc_rpc_status rs;
	Rpctest__Rep *rep;
	int d;

	req.mode = RT_EXACT;
	for (d = -1; d <= 1; d++) {
		req.reply_len = MSG_MAX + d;
		req.reply_seed = 30 + d;
		fastipc_conn_stats(conn, &c0);
		rep = NULL;
		ASSERT_EQ(FASTIPC_RPC_OK, rt_do(self->cl, &req, &rep, 0, &rs)) {
			TH_LOG("reply of %d: %d %s", MSG_MAX + d, rs.code,
			       rs.message);
		}
		fastipc_conn_stats(conn, &c1);
		EXPECT_EQ(MSG_MAX + d, rpctest__rep__get_packed_size(rep));
		EXPECT_GT(0, fipc_mismatch(rep->data.data, rep->data.len,
					   30 + d));
		if (d > 0)
			EXPECT_EQ(c0.rep_shm + 1, c1.rep_shm);
		fastipc_rpc_free(&rep->base);
	}
}

/* A request above the client's max_message is refused before sending. */
TEST_F(sz, request_above_client_max)
{
	struct fastipc_rpc_server_stats s0, s1;
	struct fastipc_rpc_client *small = NULL;
	Rpctest__Req req = RPCTEST__REQ__INIT;
	struct fastipc_rpc_status rs;
	Rpctest__Rep *rep = NULL;
	char size[32];

	ASSERT_EQ(FASTIPC_RPC_OK, rt_bind(self->s.dev, self->s.name, MIB,
					  &small, &rs));
	ASSERT_EQ(0, rt_req_data(&req, MIB + 1000, 5));
	snprintf(size, sizeof(size), "%zu",
		 rpctest__req__get_packed_size(&req));
	s0 = rt_stats(self->s.srv);
	EXPECT_EQ(FASTIPC_RPC_RESOURCE_EXHAUSTED,
		  rt_do(small, &req, &rep, 0, &rs));
	EXPECT_NE(NULL, strstr(rs.message, size)) {
		TH_LOG("message: %s (size %s)", rs.message, size);
	}
	EXPECT_EQ(NULL, rep);
	s1 = rt_stats(self->s.srv);
	EXPECT_EQ(s0.calls, s1.calls);
	rt_req_free(&req);

	/* The same client still calls within its limit. */
	EXPECT_EQ(0, round_trip(small, MIB / 2, 6, &rs));
	fastipc_rpc_unbind(small);
}

/* A reply above the client's max_message. */
TEST_F(sz, reply_above_client_max)
{
	struct fastipc_rpc_client *small = NULL;
	Rpctest__Req req = RPCTEST__REQ__INIT;
	struct fastipc_rpc_status rs;
	Rpctest__Rep *rep = NULL;

	ASSERT_EQ(FASTIPC_RPC_OK, rt_bind(self->s.dev, self->s.name, MIB,
					  &small, &rs));
	req.reply_len = 2 * MIB;
	EXPECT_EQ(FASTIPC_RPC_RESOURCE_EXHAUSTED,
		  rt_do(small, &req, &rep, 0, &rs)) {
		TH_LOG("%d %s", rs.code, rs.message);
	}
	EXPECT_EQ(NULL, rep);
	EXPECT_EQ(0, round_trip(small, 1000, 7, &rs));
	fastipc_rpc_unbind(small);
}

/* A request above the server's max_message: its RESOURCE_EXHAUSTED. */
TEST(request_above_server_max)
{
	struct fastipc_rpc_server_opts o;
	struct fastipc_rpc_server_stats s0, s1;
	struct fastipc_rpc_client *cl = NULL;
	Rpctest__Req req = RPCTEST__REQ__INIT;
	struct fastipc_rpc_status rs;
	Rpctest__Rep *rep = NULL;
	struct rt_srv s;

	memset(&o, 0, sizeof(o));
	o.max_message = 256 * 1024;
	ASSERT_EQ(0, rt_srv_start(&s, "rpcsmax", 2, MSG_MAX, 0600, &o));
	ASSERT_EQ(FASTIPC_RPC_OK, rt_bind(s.dev, s.name, MIB, &cl, &rs));
	ASSERT_EQ(0, rt_req_data(&req, 300 * 1024, 8));
	s0 = rt_stats(s.srv);
	EXPECT_EQ(FASTIPC_RPC_RESOURCE_EXHAUSTED, rt_do(cl, &req, &rep, 0, &rs));
	EXPECT_EQ(0, rs.err);
	EXPECT_NE(NULL, strstr(rs.message, "262144")) {
		TH_LOG("message: %s", rs.message);
	}
	EXPECT_EQ(NULL, rep);
	s1 = rt_stats(s.srv);
	EXPECT_EQ(s0.too_large + 1, s1.too_large);
	EXPECT_EQ(s0.ok, s1.ok);
	rt_req_free(&req);

	/* Within the limit, and by copy: served. */
	EXPECT_EQ(0, round_trip(cl, 200 * 1024, 9, &rs));
	EXPECT_EQ(0, round_trip(cl, 10, 10, &rs));
	s0 = rt_stats(s.srv);
	EXPECT_EQ(s1.ok + 2, s0.ok);
	fastipc_rpc_unbind(cl);
	EXPECT_EQ(0, rt_srv_stop(&s));
}

TEST_HARNESS_MAIN
