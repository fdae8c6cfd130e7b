/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fastipc-hashd: the procedures (sessions.c) as the service (service.c)
 * and the daemon (hashd.c) see them. Errors are negative errnos: -EBADF
 * (unknown handle), -EBUSY (session in use by another call), -EMFILE (too
 * many sessions), -ENOMEM, -EIO (libcrypto), -ENOTCONN (Begin from a
 * connection that is already closing; the server asks the kernel only for
 * a connection's first session, and an error of that question is returned
 * as it is). service.c maps them to status codes (hash.proto).
 */
#ifndef FHASH_HASHD_H
#define FHASH_HASHD_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <fastipc.h>

#include "fhash.h"

struct fhash_state;

struct fhash_stats {
	atomic_uint_fast64_t calls;	/* Digest .. Abort calls */
	atomic_uint_fast64_t bytes;	/* data bytes hashed */
	atomic_uint_fast64_t errors;	/* calls answered with an error */
	atomic_uint_fast64_t conns;	/* connections seen */
	atomic_uint_fast64_t sessions;	/* sessions held now */
	atomic_uint_fast64_t tables;	/* connections with a table now */
};

/* A snapshot of struct fhash_stats (the Stats reply). */
struct fhash_counts {
	uint64_t calls, bytes, errors, conns, sessions, tables;
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

/*
 * Count connections and free a connection's sessions on its DISCONNECT:
 * fastipc_server_on_conn() on @srv (the RPC server's base).
 */
int fhash_watch_conns(struct fastipc_server *srv, struct fhash_state *st);

/* The procedures; @digest is FHASH_DIGEST_LEN bytes. Return 0 or -errno. */
int fhash_digest(struct fhash_state *st, const void *data, size_t len,
		 unsigned char *digest);
int fhash_begin(struct fhash_state *st, uint64_t conn_id, const void *data,
		size_t len, uint64_t *handle);
int fhash_update(struct fhash_state *st, uint64_t conn_id, uint64_t handle,
		 const void *data, size_t len);
int fhash_final(struct fhash_state *st, uint64_t conn_id, uint64_t handle,
		const void *data, size_t len, unsigned char *digest);
int fhash_abort(struct fhash_state *st, uint64_t conn_id, uint64_t handle);

void fhash_counts(const struct fhash_state *st, struct fhash_counts *c);

struct fastipc_rpc_server;

/*
 * Serve the procedures as fastipc.hash.Hash on @srv (service.c), and
 * watch its connections. @st must outlive @srv. Return 0 or -errno.
 */
int fhash_service_add(struct fastipc_rpc_server *srv, struct fhash_state *st);

#endif /* FHASH_HASHD_H */
