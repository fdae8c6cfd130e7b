/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the fastipc call mechanisms share (mech-fastipc.c): the channel,
 * libfastipc's thread-pool server whose handler checksums the request,
 * and a client connection with or without a shared-memory region.
 */
#ifndef _FASTIPC_BENCH_MECH_FASTIPC_H
#define _FASTIPC_BENCH_MECH_FASTIPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mech.h"

#define FIPC_OP_SUM	1	/* the procedure: checksum the request */

struct fastipc_conn;

struct fipc_client {
	struct fastipc_conn *conn;
	size_t size;
	void *buf;		/* the request, for fastipc_call() */
	bool shm;		/* every request must take the region */
};

/*
 * fipc_usable() - 0 if /dev/fastipc works (MECH_SKIP_ABSENT if not) and,
 * for the copy path (@copy), @c->size fits the kernel's msg_max_cap
 * (MECH_SKIP_SIZE if not).
 */
int fipc_usable(const struct mech_ctx *c, bool copy);

/* Create a channel @name for requests of @size bytes from @pairs clients. */
int fipc_chan_create(const char *name, size_t size, unsigned int pairs);

/* Region bytes (both halves) so that one record takes @size bytes. */
uint64_t fipc_region_for(size_t size);

/*
 * server_init() and serve() of the call mechanisms: one channel, one
 * libfastipc pool of @c->pairs threads, run by serve(pair 0); the other
 * serve() calls only wait (the pool's threads do their work).
 */
int fipc_server_init(struct mech_ctx *c);
int fipc_serve(struct mech_ctx *c, unsigned int pair);

/*
 * server_init() and serve() of the fastipc-rpc mechanism
 * (mech-fastipc-rpc.c): channel @c->name, a fastipc-rpc server of
 * @c->pairs threads with bench.proto's Bench service, run by serve(pair
 * 0) until it fails; the other serve() calls only wait.
 */
int fipc_rpc_server_init(struct mech_ctx *c);
int fipc_rpc_serve(struct mech_ctx *c, unsigned int pair);

/*
 * fipc_connect() - A client connection to @c's channel; with @region, a
 * region for @c->size-byte requests and a threshold of 1 byte (every
 * request through shared memory).
 */
int fipc_connect(struct mech_ctx *c, bool region, void **state);

/* Compare a call's reply with the checksum @h: 0, -EBADMSG or -errno. */
int fipc_check_sum(int status, size_t len, const void *rep, uint64_t h);

/*
 * teardown(): checks that every request took the path of the mechanism
 * (-EXDEV if not) and that the region saw no protocol error; the note has
 * the connection's counters.
 */
/* One round trip with fastipc_call() (the copy and shm mechanisms). */
int fipc_call_round(void *state, uint64_t seed);
int fipc_teardown(void *state, unsigned long rounds, char *note, size_t cap);

/*
 * Receive on channel fd @chan until a CONNECT arrives (other messages are
 * dropped); its connection id in *@id. 0 or -errno, reported as @who's.
 */
int fipc_next_connect(int chan, uint64_t *id, const char *who);

#endif /* _FASTIPC_BENCH_MECH_FASTIPC_H */
