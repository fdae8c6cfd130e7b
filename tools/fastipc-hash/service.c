// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc-hashd: the procedures of sessions.c as the fastipc.hash.Hash
 * service of hash.proto, served by libfastipc-rpc. A session belongs to the
 * connection of the call (fastipc_rpc_ctx_hdr()->conn_id); the errnos of
 * sessions.c become the status codes hash.proto documents.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <fastipc-rpc.h>

#include "hash.pb-c.h"
#include "hashd.h"

struct fhash_service {
	Fastipc__Hash__Hash_Service svc;	/* first: handlers get &svc */
	struct fhash_state *st;
};

static struct fhash_state *state_of(Fastipc__Hash__Hash_Service *svc)
{
	return ((struct fhash_service *)svc)->st;
}

/* The status code of a sessions.c errno (hash.proto's list). */
static int fhash_code(int err)
{
	switch (err) {
	case -EBADF:
		return FASTIPC_RPC_NOT_FOUND;
	case -EBUSY:
		return FASTIPC_RPC_ABORTED;
	case -EMFILE:
	case -ENOMEM:
		return FASTIPC_RPC_RESOURCE_EXHAUSTED;
	case -ENOTCONN:
		return FASTIPC_RPC_UNAVAILABLE;
	case -EIO:
		return FASTIPC_RPC_INTERNAL;
	default:
		return fastipc_rpc_code_from_errno(err);
	}
}

/*
 * Set the status of a failed call: the code for @err, a message naming
 * the method and the handle. The handler then calls closure(NULL, data).
 */
static void fhash_fail(void *closure_data, int err, const char *method,
		       uint64_t handle)
{
	struct fastipc_rpc_ctx *ctx = fastipc_rpc_ctx_of(closure_data);
	const char *why;

	if (!ctx)
		return;
	switch (err) {
	case -EBADF:
		why = "no such session";
		break;
	case -EBUSY:
		why = "session in use by another call";
		break;
	case -EMFILE:
		why = "too many sessions on this connection";
		break;
	case -ENOTCONN:
		why = "the connection is closing";
		break;
	default:
		why = strerror(-err);
		break;
	}
	fastipc_rpc_ctx_set_status(ctx, fhash_code(err), "%s: handle %#jx: %s",
				   method, (uintmax_t)handle, why);
}

/* The caller's connection: sessions are per connection. */
static uint64_t conn_of(void *closure_data)
{
	struct fastipc_rpc_ctx *ctx = fastipc_rpc_ctx_of(closure_data);

	return ctx ? fastipc_rpc_ctx_hdr(ctx)->conn_id : 0;
}

static void svc_digest(Fastipc__Hash__Hash_Service *svc,
		       const Fastipc__Hash__DigestRequest *in,
		       Fastipc__Hash__DigestReply_Closure closure, void *data)
{
	Fastipc__Hash__DigestReply rep = FASTIPC__HASH__DIGEST_REPLY__INIT;
	unsigned char digest[FHASH_DIGEST_LEN];
	int ret;

	ret = fhash_digest(state_of(svc), in->data.data, in->data.len, digest);
	if (ret < 0) {
		fhash_fail(data, ret, "Digest", 0);
		closure(NULL, data);
		return;
	}
	rep.digest.data = digest;
	rep.digest.len = sizeof(digest);
	closure(&rep, data);
}

static void svc_begin(Fastipc__Hash__Hash_Service *svc,
		      const Fastipc__Hash__BeginRequest *in,
		      Fastipc__Hash__BeginReply_Closure closure, void *data)
{
	Fastipc__Hash__BeginReply rep = FASTIPC__HASH__BEGIN_REPLY__INIT;
	int ret;

	ret = fhash_begin(state_of(svc), conn_of(data), in->data.data,
			  in->data.len, &rep.handle);
	if (ret < 0) {
		fhash_fail(data, ret, "Begin", 0);
		closure(NULL, data);
		return;
	}
	closure(&rep, data);
}

static void svc_update(Fastipc__Hash__Hash_Service *svc,
		       const Fastipc__Hash__UpdateRequest *in,
		       Fastipc__Hash__UpdateReply_Closure closure, void *data)
{
	Fastipc__Hash__UpdateReply rep = FASTIPC__HASH__UPDATE_REPLY__INIT;
	int ret;

	ret = fhash_update(state_of(svc), conn_of(data), in->handle,
			   in->data.data, in->data.len);
	if (ret < 0) {
		fhash_fail(data, ret, "Update", in->handle);
		closure(NULL, data);
		return;
	}
	closure(&rep, data);
}

static void svc_final(Fastipc__Hash__Hash_Service *svc,
		      const Fastipc__Hash__FinalRequest *in,
		      Fastipc__Hash__DigestReply_Closure closure, void *data)
{
	Fastipc__Hash__DigestReply rep = FASTIPC__HASH__DIGEST_REPLY__INIT;
	unsigned char digest[FHASH_DIGEST_LEN];
	int ret;

	ret = fhash_final(state_of(svc), conn_of(data), in->handle,
			  in->data.data, in->data.len, digest);
	if (ret < 0) {
		fhash_fail(data, ret, "Final", in->handle);
		closure(NULL, data);
		return;
	}
	rep.digest.data = digest;
	rep.digest.len = sizeof(digest);
	closure(&rep, data);
}

static void svc_abort(Fastipc__Hash__Hash_Service *svc,
		      const Fastipc__Hash__AbortRequest *in,
		      Fastipc__Hash__AbortReply_Closure closure, void *data)
{
	Fastipc__Hash__AbortReply rep = FASTIPC__HASH__ABORT_REPLY__INIT;
	int ret;

	ret = fhash_abort(state_of(svc), conn_of(data), in->handle);
	if (ret < 0) {
		fhash_fail(data, ret, "Abort", in->handle);
		closure(NULL, data);
		return;
	}
	closure(&rep, data);
}

static void svc_stats(Fastipc__Hash__Hash_Service *svc,
		      const Fastipc__Hash__StatsRequest *in,
		      Fastipc__Hash__StatsReply_Closure closure, void *data)
{
	Fastipc__Hash__StatsReply rep = FASTIPC__HASH__STATS_REPLY__INIT;
	struct fhash_counts c;

	(void)in;
	fhash_counts(state_of(svc), &c);
	rep.calls = c.calls;
	rep.bytes = c.bytes;
	rep.errors = c.errors;
	rep.conns = c.conns;
	rep.sessions = c.sessions;
	rep.tables = c.tables;
	closure(&rep, data);
}

int fhash_service_add(struct fastipc_rpc_server *srv, struct fhash_state *st)
{
	static struct fhash_service fs = {
		.svc = FASTIPC__HASH__HASH__INIT(svc_),
	};
	int ret;

	if (fs.st)
		return -EBUSY;	/* one server per process */
	fs.st = st;
	ret = fastipc_rpc_server_add(srv, &fs.svc.base);
	if (ret < 0)
		return ret;
	return fhash_watch_conns(fastipc_rpc_server_base(srv), st);
}
