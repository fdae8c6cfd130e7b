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

const struct mech mech_fastipc_copy = {
	.name = "copy",
	.label = "fastipc CALL, copy",
	.usable = copy_usable,
	.server_init = fipc_server_init,
	.serve = fipc_serve,
	.setup = copy_setup,
	.round = fipc_call_round,
	.teardown = fipc_teardown,
};
