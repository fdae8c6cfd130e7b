// SPDX-License-Identifier: LGPL-2.1 OR MIT
/*
 * Request metadata (the "RPC2" header, rpc.rst): the rule for keys and
 * values, the client's packing of fastipc.rpc.Metadata, and the server's
 * parse of it from private memory. Both ends check the same rule, so a
 * caller learns of a bad entry before it sends, and a server never hands
 * a handler an entry the rule forbids whoever packed it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rpc-int.h"

/* Longest metadata key, in bytes (gRPC's rule has no limit; ours does). */
#define FRPC_MD_KEY_MAX	128

bool frpc_md_key_ok(const char *key)
{
	size_t i;

	if (!key || !key[0])
		return false;
	for (i = 0; key[i]; i++) {
		char c = key[i];

		if (i >= FRPC_MD_KEY_MAX)
			return false;
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '.'))
			return false;
	}
	return true;
}

/* Bytes of the UTF-8 sequence led by @c (0: not a lead byte). */
static unsigned int utf8_len(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return 2;
	if (c >= 0xe0 && c <= 0xef)
		return 3;
	if (c >= 0xf0 && c <= 0xf4)
		return 4;
	return 0;
}

bool frpc_utf8_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		unsigned int n = utf8_len(*p), i;
		uint32_t cp;

		if (!n)
			return false;
		cp = n == 1 ? *p : *p & (0x7f >> n);
		for (i = 1; i < n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return false;	/* also stops at the NUL */
			cp = cp << 6 | (p[i] & 0x3f);
		}
		/* overlong 3/4-byte forms, surrogates, above U+10FFFF */
		if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			return false;
		p += n;
	}
	return true;
}

/* Fill @m (entries in @e, pointers in @ep) from @md: no copies. */
static void md_wrap(const struct fastipc_rpc_md *md, uint32_t n,
		    Fastipc__Rpc__Metadata *m, Fastipc__Rpc__MetadataEntry *e,
		    Fastipc__Rpc__MetadataEntry **ep)
{
	uint32_t i;

	fastipc__rpc__metadata__init(m);
	for (i = 0; i < n; i++) {
		fastipc__rpc__metadata_entry__init(&e[i]);
		e[i].key = (char *)md[i].key;
		e[i].value = (char *)md[i].value;
		ep[i] = &e[i];
	}
	m->n_entries = n;
	m->entries = ep;
}

int frpc_md_size(const struct fastipc_rpc_md *md, uint32_t n, size_t *lenp,
		 char *why, size_t whylen)
{
	Fastipc__Rpc__MetadataEntry e[FASTIPC_RPC_MD_ENTRIES_MAX];
	Fastipc__Rpc__MetadataEntry *ep[FASTIPC_RPC_MD_ENTRIES_MAX];
	Fastipc__Rpc__Metadata m;
	uint32_t i;

	*lenp = 0;
	if (n > FASTIPC_RPC_MD_ENTRIES_MAX) {
		snprintf(why, whylen, "%u metadata entries, above the %u allowed",
			 n, FASTIPC_RPC_MD_ENTRIES_MAX);
		return -E2BIG;
	}
	if (n && !md) {
		snprintf(why, whylen, "n_md is %u but md is NULL", n);
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		if (!frpc_md_key_ok(md[i].key)) {
			snprintf(why, whylen,
				 "metadata key %u '%.64s' is not 1..128 bytes of [a-z0-9-_.]",
				 i, md[i].key ? md[i].key : "(null)");
			return -EINVAL;
		}
		if (!md[i].value || !frpc_utf8_ok(md[i].value)) {
			snprintf(why, whylen,
				 "the value of metadata key '%s' is %s", md[i].key,
				 md[i].value ? "not UTF-8" : "NULL");
			return -EINVAL;
		}
	}
	if (!n)
		return 0;
	md_wrap(md, n, &m, e, ep);
	*lenp = fastipc__rpc__metadata__get_packed_size(&m);
	if (*lenp > FASTIPC_RPC_MD_MAX) {
		snprintf(why, whylen,
			 "metadata of %zu bytes packed, above FASTIPC_RPC_MD_MAX (%u)",
			 *lenp, FASTIPC_RPC_MD_MAX);
		return -E2BIG;
	}
	return 0;
}

void frpc_md_pack(const struct fastipc_rpc_md *md, uint32_t n, uint8_t *out)
{
	Fastipc__Rpc__MetadataEntry e[FASTIPC_RPC_MD_ENTRIES_MAX];
	Fastipc__Rpc__MetadataEntry *ep[FASTIPC_RPC_MD_ENTRIES_MAX];
	Fastipc__Rpc__Metadata m;

	if (!n)
		return;
	md_wrap(md, n, &m, e, ep);
	fastipc__rpc__metadata__pack(&m, out);
}

size_t frpc_md_offset(size_t md_len)
{
	return (FRPC_HDR_LEN + sizeof(struct fastipc_rpc_md_hdr) + md_len + 7) &
	       ~(size_t)7;
}

/* The rule on every entry of an unpacked @m; "" or what is wrong in @why. */
static int md_check(const Fastipc__Rpc__Metadata *m, char *why,
		    size_t whylen)
{
	size_t i;

	if (m->n_entries > FASTIPC_RPC_MD_ENTRIES_MAX) {
		snprintf(why, whylen, "%zu metadata entries, above the %u allowed",
			 m->n_entries, FASTIPC_RPC_MD_ENTRIES_MAX);
		return -E2BIG;
	}
	for (i = 0; i < m->n_entries; i++) {
		const Fastipc__Rpc__MetadataEntry *e = m->entries[i];

		if (!frpc_md_key_ok(e->key)) {
			snprintf(why, whylen,
				 "metadata key %zu is not 1..128 bytes of [a-z0-9-_.]",
				 i);
			return -EINVAL;
		}
		if (!frpc_utf8_ok(e->value)) {
			snprintf(why, whylen,
				 "the value of metadata key '%s' is not UTF-8",
				 e->key);
			return -EINVAL;
		}
	}
	return 0;
}

int frpc_md_parse(const uint8_t *buf, size_t len,
		  Fastipc__Rpc__Metadata **mp, char *why, size_t whylen)
{
	ProtobufCMessage *msg;
	int err = 0, ret;

	*mp = NULL;
	why[0] = '\0';
	if (len > FASTIPC_RPC_MD_MAX) {
		snprintf(why, whylen,
			 "metadata of %zu bytes, above FASTIPC_RPC_MD_MAX (%u)",
			 len, FASTIPC_RPC_MD_MAX);
		return -E2BIG;
	}
	/* Metadata > entries > strings: two levels of messages. */
	msg = frpc_unpack(&fastipc__rpc__metadata__descriptor, buf, len, 2,
			  &err);
	if (!msg) {
		snprintf(why, whylen,
			 "metadata (%zu bytes) are not a fastipc.rpc.Metadata",
			 len);
		return err;
	}
	ret = md_check((Fastipc__Rpc__Metadata *)msg, why, whylen);
	if (ret) {
		protobuf_c_message_free_unpacked(msg, NULL);
		return ret;
	}
	*mp = (Fastipc__Rpc__Metadata *)msg;
	return 0;
}
