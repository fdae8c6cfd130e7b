// SPDX-License-Identifier: LGPL-2.1 OR MIT
/*
 * Host test of the per-call SVCXPRT's getargs (lib/oncrpc/xprt.c), built
 * with xprt.c under ASan/LSan and three stubs of libfastipc's request
 * functions (no /dev/fastipc needed).
 *
 * rpcgen's dispatch answers GARBAGE_ARGS when svc_getargs() fails and does
 * not call freeargs: what the members decoded before the bad one
 * allocated must be freed by getargs itself. The arguments here are a
 * string followed by an opaque<16> whose length claims 2^32-1: the string
 * is allocated, the opaque fails. Asserted: getargs fails, the string
 * pointer is NULL again (XDR_FREE ran; LSan reports a leak otherwise), and
 * a well-formed request decodes, then svc_freeargs() frees it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../svc-int.h"

/* ---- stubs of libfastipc (xprt.c's only uses of it) ---- */
static struct fastipc_msg_hdr stub_hdr = { .uid = 1000, .gid = 1000 };

const struct fastipc_msg_hdr *fastipc_req_hdr(const struct fastipc_req *req)
{
	(void)req;
	return &stub_hdr;
}

int fastipc_req_reply_buf(struct fastipc_req *req, size_t len, void **bufp)
{
	(void)req;
	(void)len;
	(void)bufp;
	return -EOPNOTSUPP;
}

int fastipc_req_reply(struct fastipc_req *req, const void *data, size_t len)
{
	(void)req;
	(void)data;
	(void)len;
	return -EOPNOTSUPP;
}

/* ---- the arguments: string name<>; opaque blob<16>; ---- */
struct targs {
	char *name;
	struct {
		u_int blob_len;
		char *blob_val;
	} blob;
};

static bool_t xdr_targs(XDR *x, struct targs *a)
{
	return xdr_string(x, &a->name, ~0u) &&
	       xdr_bytes(x, &a->blob.blob_val, &a->blob.blob_len, 16);
}

static int fails;

static void check(int cond, const char *what)
{
	printf("%s - %s\n", cond ? "ok" : "not ok", what);
	if (!cond)
		fails++;
}

/* Request bytes: "hello" as an XDR string, then an opaque of @blob_len. */
static size_t build(uint32_t *w, uint32_t blob_len)
{
	size_t n = 0;

	w[n++] = htonl(5);
	memcpy(&w[n++], "hell", 4);
	memcpy(&w[n++], "o\0\0\0", 4);
	w[n++] = htonl(blob_len);
	if (blob_len == 4)
		memcpy(&w[n++], "abcd", 4);
	return n * 4;
}

int main(void)
{
	struct fipc_onc_call c;
	struct targs a;
	uint32_t w[8];
	size_t len;
	bool_t ok;

	printf("1..5\n");
	len = build(w, 0xffffffffu);
	fipc_onc_call_init(&c, NULL, 1, 1, 1, (const char *)w, len, "t");
	memset(&a, 0, sizeof(a));
	ok = svc_getargs(&c.xprt, (xdrproc_t)xdr_targs, (caddr_t)&a);
	check(!ok, "getargs on an opaque claiming 2^32-1 bytes fails");
	check(!a.name && !a.blob.blob_val,
	      "what the string member allocated is freed (pointer NULL)");

	len = build(w, 4);
	fipc_onc_call_init(&c, NULL, 1, 1, 1, (const char *)w, len, "t");
	memset(&a, 0, sizeof(a));
	ok = svc_getargs(&c.xprt, (xdrproc_t)xdr_targs, (caddr_t)&a);
	check(ok && a.name && !strcmp(a.name, "hello") &&
	      a.blob.blob_len == 4 && !memcmp(a.blob.blob_val, "abcd", 4),
	      "a well-formed request decodes");
	ok = svc_freeargs(&c.xprt, (xdrproc_t)xdr_targs, (caddr_t)&a);
	check(ok && !a.name && !a.blob.blob_val, "svc_freeargs frees it");

	check(c.rq.rq_cred.oa_flavor == AUTH_SYS && c.aup.aup_uid == 1000,
	      "rq_cred is AUTH_SYS from the kernel-recorded uid");
	return fails ? 1 : 0;
}
