/* SPDX-License-Identifier: LGPL-2.1 OR MIT */
/* libfastipc-oncrpc server internals: the per-call SVCXPRT. */
#ifndef FIPC_ONC_SVC_INT_H
#define FIPC_ONC_SVC_INT_H

#include <stddef.h>
#include <rpc/rpc.h>
#include <rpc/svc_mt.h>

#include <fastipc.h>
#include "fastipc-oncrpc.h"

/* Room for the AUTH_SYS body of rq_cred (uid, gid, "localhost"). */
#define FIPC_ONC_CRED_MAX	64

/*
 * One call being served, on the pool thread's stack. xprt.xp_p1 points
 * back at it; xprt.xp_p3 at ext (libtirpc writes through SVC_XP_AUTH).
 */
struct fipc_onc_call {
	SVCXPRT xprt;
	SVCXPRT_EXT ext;
	struct svc_req rq;
	struct authunix_parms aup;
	char cred[FIPC_ONC_CRED_MAX];
	struct fastipc_req *req;
	const struct fastipc_msg_hdr *hdr;
	const char *args;	/* private memory: copied when shared */
	size_t args_len;
	int replied;		/* a reply was written */
};

/* Fill @c's SVCXPRT, svc_req and credentials for a call of @hdr. */
void fipc_onc_call_init(struct fipc_onc_call *c, struct fastipc_req *req,
			uint32_t prog, uint32_t vers, uint32_t proc,
			const char *args, size_t args_len, const char *chan);

/* Send a reply of header only (no results): stat, low, high. */
int fipc_onc_reply_stat(struct fastipc_req *req, uint32_t stat, uint32_t low,
			uint32_t high);

#endif /* FIPC_ONC_SVC_INT_H */
