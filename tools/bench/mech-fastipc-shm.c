// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc-bench: fastipc CALL through shared memory (libfastipc, a region
 * per connection, threshold 1 byte so that every request takes it).
 *  shm     fastipc_call(): the client builds the request in its own
 *          buffer, the library copies it into the client->server ring;
 *          the server's handler reads it in place.
 *  shm-zc  fastipc_call_buf_get() + fastipc_call_zc(): the client builds
 *          the request in place in the ring (no copy at all), the handler
 *          reads it in place. The same writes and reads of the payload as
 *          a futex or spin ping-pong on shared memory.
 */
#include <fastipc.h>

#include "bench.h"
#include "mech-fastipc.h"

static int shm_usable(const struct mech_ctx *c)
{
	return fipc_usable(c, false);
}

static int shm_setup(struct mech_ctx *c, unsigned int pair, void **state)
{
	(void)pair;
	return fipc_connect(c, true, state);
}

static int zc_round(void *state, uint64_t seed)
{
	struct fipc_client *fc = state;
	struct fastipc_reply out;
	uint64_t h, rep;
	void *p;
	int ret;

	ret = fastipc_call_buf_get(fc->conn, fc->size, &p, FASTIPC_TIMEOUT_INF);
	if (ret < 0)
		return ret;
	h = bench_fill(p, fc->size, seed);
	ret = fastipc_call_zc(fc->conn, FIPC_OP_SUM, p, fc->size, &rep,
			      sizeof(rep), &out, FASTIPC_TIMEOUT_INF);
	if (ret < 0)
		return ret;
	ret = fipc_check_sum(ret, out.len, out.data, h);
	fastipc_reply_done(fc->conn, &out);
	return ret;
}

const struct mech mech_fastipc_shm = {
	.name = "shm",
	.label = "fastipc CALL, shm (fastipc_call)",
	.usable = shm_usable,
	.server_init = fipc_server_init,
	.serve = fipc_serve,
	.setup = shm_setup,
	.round = fipc_call_round,
	.teardown = fipc_teardown,
	.spins = MECH_SPINS_KMOD,
};

const struct mech mech_fastipc_shm_zc = {
	.name = "shm-zc",
	.label = "fastipc CALL, shm zero-copy",
	.usable = shm_usable,
	.server_init = fipc_server_init,
	.serve = fipc_serve,
	.setup = shm_setup,
	.round = zc_round,
	.teardown = fipc_teardown,
	.spins = MECH_SPINS_KMOD,
};
