// SPDX-License-Identifier: LGPL-2.1 OR MIT
/*
 * The request records of calls in the client->server ring: when one may
 * be abandoned (FASTIPC_REC_SKIP), for asynchronous calls (async.c) and
 * for synchronous ones that failed (fipc_do_call() in call.c). Apart from
 * async.c so that the host tests (lib/tests/async_rec_test.c) run it
 * without a kernel.
 *
 * A committed record is released by the server once its handler ran; a
 * call that ended unanswered may never have been received, and then only
 * its abandonment lets the consumer index move past it. But once the
 * consumer index has passed a record, its space is free and may carry a
 * newer record of ours: marking that one would lose a request. The test
 * needs the record's free-running index, which its offset gives only
 * while the record is live: fipc_async_rec_idx() is called right after
 * the commit, before the kernel delivers the descriptor.
 *
 * Locking: both take the region's lock (g->lock), as every ring
 * operation does.
 */
#include "barrier.h"
#include "internal.h"

uint32_t fipc_async_rec_idx(struct fipc_region *g, uint32_t off)
{
	struct fipc_ring *r = &g->tx;
	uint32_t idx;

	/*
	 * r->cached is a consumer index we read earlier: no later than any
	 * live record's index, and less than an area behind it.
	 */
	pthread_mutex_lock(&g->lock);
	idx = r->cached + ((off - FIPC_REC_HDR - r->cached) & r->mask);
	pthread_mutex_unlock(&g->lock);
	return idx;
}

int fipc_async_rec_abandon(struct fipc_region *g, uint32_t off, uint32_t idx)
{
	struct fipc_ring *r = &g->tx;
	int ret = 0;
	uint32_t c;

	pthread_mutex_lock(&g->lock);
	c = fipc_load_acquire(r->cons);		/* A, matches D */
	/* Outside [cached, published]: a hostile peer; touch nothing. */
	if (c - r->cached > r->head - r->cached)
		ret = -EPROTO;
	else if ((int32_t)(c - idx) <= 0)
		ret = fipc_prod_cancel(r, off) == 0 ? 1 : 0;
	pthread_mutex_unlock(&g->lock);
	if (ret > 0)
		fipc_bell_ring(&g->bell);
	return ret;
}
