/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fastipc-hash protocol: SHA-256 of byte streams, as fastipc procedures.
 *
 * A stream that fits in one message (at most msg_max - FHASH_HANDLE_LEN
 * bytes, the client's chunk size) takes one call, DIGEST. A longer one is
 * a session: BEGIN carries the first chunk and returns a handle; UPDATE
 * carries the handle and a chunk; FINAL carries the handle and the last
 * (possibly empty) chunk and returns the digest. ABORT, a one-way message,
 * drops a session. Sessions belong to the connection that began them and
 * are freed when it disconnects; the server keeps at most
 * FHASH_SESSIONS_MAX per connection. STATS returns the server's counters
 * (struct fhash_wire_stats), to anyone who may connect.
 *
 * Handles are 8 bytes in host byte order (both ends are on one machine).
 * Statuses are 0 or a negative errno: -EBADF (unknown handle), -EBUSY
 * (session in use by another call), -EMFILE (too many sessions), -EINVAL
 * (short request), -ENOBUFS (reply buffer too small), -EIO (libcrypto),
 * -ENOTCONN (BEGIN from a connection that is already closing; the server
 * asks the kernel only for a connection's first session, and an error of
 * that question, e.g. -EMFILE, is returned as it is).
 */
#ifndef FHASH_PROTO_H
#define FHASH_PROTO_H

#include <stdint.h>

#define FHASH_CHANNEL		"fastipc-hash"
#define FHASH_DIGEST_LEN	32
#define FHASH_HANDLE_LEN	8
#define FHASH_SESSIONS_MAX	16

enum fhash_op {
	FHASH_OP_DIGEST = 1,	/* req: data; rep: digest */
	FHASH_OP_BEGIN = 2,	/* req: first chunk; rep: handle */
	FHASH_OP_UPDATE = 3,	/* req: handle, chunk; rep: none */
	FHASH_OP_FINAL = 4,	/* req: handle, last chunk; rep: digest */
	FHASH_OP_ABORT = 5,	/* one-way; req: handle */
	FHASH_OP_STATS = 6,	/* req: none; rep: struct fhash_wire_stats */
};

/* The STATS reply; counters since start, and gauges (now). */
struct fhash_wire_stats {
	uint64_t calls;		/* requests and one-way messages hashed */
	uint64_t bytes;		/* payload bytes hashed */
	uint64_t errors;	/* calls answered with an error */
	uint64_t conns;		/* connections seen */
	uint64_t sessions;	/* gauge: sessions held */
	uint64_t tables;	/* gauge: connections with a session table */
};

#endif /* FHASH_PROTO_H */
