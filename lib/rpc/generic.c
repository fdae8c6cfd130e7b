// SPDX-License-Identifier: LGPL-2.1 OR MIT
/*
 * Placeholders of the untyped API (FASTIPC_RPC_0.2) until it is built:
 * every function fails as the header allows.
 */
#include <errno.h>
#include <stdlib.h>

#include "client.h"

__public int fastipc_rpc_bind_generic(struct fastipc_dev *dev,
				      const char *channel,
				      const struct fastipc_rpc_bind_opts *opts,
				      struct fastipc_rpc_client **clp,
				      struct fastipc_rpc_status *st)
{
	(void)dev; (void)channel; (void)opts;
	if (clp)
		*clp = NULL;
	return frpc_status_set(st, FASTIPC_RPC_UNIMPLEMENTED, ENOSYS,
			       "fastipc_rpc_bind_generic: not built yet");
}

__public const Fastipc__Rpc__Description *
fastipc_rpc_client_description(const struct fastipc_rpc_client *cl)
{
	(void)cl;
	return NULL;
}

__public int fastipc_rpc_call_raw(struct fastipc_rpc_client *cl,
				  const char *method, const void *req,
				  size_t req_len,
				  const struct fastipc_rpc_call_opts *opts,
				  void **repp, size_t *rep_lenp,
				  struct fastipc_rpc_status *st)
{
	(void)cl; (void)method; (void)req; (void)req_len; (void)opts;
	if (repp)
		*repp = NULL;
	if (rep_lenp)
		*rep_lenp = 0;
	return frpc_status_set(st, FASTIPC_RPC_UNIMPLEMENTED, ENOSYS,
			       "fastipc_rpc_call_raw: not built yet");
}

__public int fastipc_rpc_server_add_raw(struct fastipc_rpc_server *srv,
					const Fastipc__Rpc__Description *desc,
					fastipc_rpc_raw_fn fn, void *data)
{
	(void)srv; (void)desc; (void)fn; (void)data;
	return -ENOSYS;
}

__public const char *fastipc_rpc_ctx_md(const struct fastipc_rpc_ctx *ctx,
					const char *key)
{
	(void)ctx; (void)key;
	return NULL;
}

__public int fastipc_rpc_ctx_md_at(const struct fastipc_rpc_ctx *ctx,
				   unsigned int i, const char **key,
				   const char **value)
{
	(void)ctx; (void)i; (void)key; (void)value;
	return -ENOENT;
}

__public int fastipc_rpc_ctx_reply_raw(struct fastipc_rpc_ctx *ctx,
				       const void *buf, size_t len)
{
	(void)ctx; (void)buf; (void)len;
	return -EINVAL;
}
