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
 * FHASH_SESSIONS_MAX per connection.
 *
 * Handles are 8 bytes in host byte order (both ends are on one machine).
 * Statuses are 0 or a negative errno: -EBADF (unknown handle), -EBUSY
 * (session in use by another call), -EMFILE (too many sessions), -EINVAL
 * (short request), -ENOBUFS (reply buffer too small), -EIO (libcrypto).
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
};

#endif /* FHASH_PROTO_H */
