/* SPDX-License-Identifier: MIT */
/* kv.h: the protocol of the example key-value service. */
#ifndef KV_H
#define KV_H

#define KV_CHANNEL	"example-kv"	/* the channel's name */
#define KV_PUT		1	/* request "KEY\0VALUE"; no reply payload */
#define KV_GET		2	/* request "KEY"; reply VALUE, or -ENOENT */
#define KV_KEY_MAX	32	/* key bytes, no NUL in a key */
#define KV_VAL_MAX	256	/* value bytes */
#define KV_REQ_MAX	(KV_KEY_MAX + 1 + KV_VAL_MAX)

#endif
