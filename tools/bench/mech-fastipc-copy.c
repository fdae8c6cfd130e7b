// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc-bench: fastipc CALL by copy. fastipc_call() on a connection
 * without a region: the kernel copies the request into the server's
 * receive buffer and the reply back, one syscall per side (CALL, and the
 * server pool's REPLY_RECV).
 */
#include <fastipc.h>

#include "bench.h"
#include "mech-fastipc.h"

static int copy_usable(const struct mech_ctx *c)
{
	return fipc_usable(c, true);
}

static int copy_setup(struct mech_ctx *c, unsigned int pair, void **state)
{
	(void)pair;
	return fipc_connect(c, false, state);
}

static int copy_round(void *state, uint64_t seed)
{
	struct fipc_client *fc = state;
	uint64_t h, rep;
	size_t len = 0;
	int ret;

	h = bench_fill(fc->buf, fc->size, seed);
	ret = fastipc_call(fc->conn, FIPC_OP_SUM, fc->buf, fc->size, &rep,
			   sizeof(rep), &len, FASTIPC_TIMEOUT_INF);
	return fipc_check_sum(ret, len, &rep, h);
}

const struct mech mech_fastipc_copy = {
	.name = "copy",
	.label = "fastipc CALL, copy",
	.usable = copy_usable,
	.server_init = fipc_server_init,
	.serve = fipc_serve,
	.setup = copy_setup,
	.round = copy_round,
	.teardown = fipc_teardown,
};
