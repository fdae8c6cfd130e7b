/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fastipc-hashd: the procedures (sessions.c) as seen by the daemon (hashd.c).
 */
#ifndef FHASH_HASHD_H
#define FHASH_HASHD_H

#include <stdatomic.h>
#include <stdint.h>

#include <fastipc.h>

struct fhash_state;

struct fhash_stats {
	atomic_uint_fast64_t calls;	/* requests and one-way messages */
	atomic_uint_fast64_t bytes;	/* payload bytes hashed */
	atomic_uint_fast64_t errors;	/* calls answered with an error */
	atomic_uint_fast64_t conns;	/* connections seen */
	atomic_uint_fast64_t sessions;	/* sessions held now */
	atomic_uint_fast64_t tables;	/* connections with a table now */
};

/*
 * Whether connection @conn_id of the channel is still attached (its
 * DISCONNECT not yet queued): 1 yes, 0 no, or a negative errno.
 */
typedef int (*fhash_alive_fn)(void *ctx, uint64_t conn_id);

/*
 * Allocate the session table and fetch SHA-256; NULL on failure. @alive
 * answers for connections whose first session is being made.
 */
struct fhash_state *fhash_state_new(fhash_alive_fn alive, void *alive_ctx);

/* Free the table and every session left in it. */
void fhash_state_free(struct fhash_state *st);

/* Register the FHASH_OP_* handlers and the connection callback. */
int fhash_register(struct fastipc_server *srv, struct fhash_state *st);

const struct fhash_stats *fhash_stats(const struct fhash_state *st);

#endif /* FHASH_HASHD_H */
