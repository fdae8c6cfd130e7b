/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fastipc-hash: what its client and its daemon share besides hash.proto.
 */
#ifndef FHASH_H
#define FHASH_H

#define FHASH_CHANNEL		"fastipc-hash"	/* the default channel */
#define FHASH_DIGEST_LEN	32		/* SHA-256 */
#define FHASH_SESSIONS_MAX	16		/* per connection */

#endif /* FHASH_H */
