/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Both versions of rpcver.Ver (rpc_ver_v1.proto, rpc_ver_v2.proto): the
 * handlers, a server on a thread, and one call reported as a line. Include
 * it after defining RPCVER (1 or 2) and including that version's
 * generated header: the two versions have the same C names, so each
 * executable (rpc_bind_test: v1, rpc_ver_helper: v2) links one.
 *
 * Each handler replies its own name, the server's version, AReq.extra as
 * it saw it (0 in version 1, which has no such field) and how many
 * unknown fields its request carried (a version 2 field at version 1).
 */
#ifndef RPC_VER_H
#define RPC_VER_H

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <fastipc.h>
#include <fastipc-rpc.h>

#include "fastipc_util.h"

#ifndef RPCVER
#error "define RPCVER (1 or 2) and include rpc_ver_v<RPCVER>.pb-c.h first"
#endif

#define VER_UNUSED	__attribute__((unused))

/* One call's outcome, as rpc_ver_helper prints it and rpc_bind_test reads it. */
#define VER_LINE	"%s code=%d handler=%s extra=%u version=%u unknown=%u msg=%s\n"

static void ver_reply(const ProtobufCMessage *req, uint32_t extra,
		      const char *name, Rpcver__Rep_Closure closure,
		      void *data)
{
	Rpcver__Rep rep = RPCVER__REP__INIT;

	rep.handler = (char *)name;
	rep.extra = extra;
	rep.version = RPCVER;
	rep.unknown = req->n_unknown_fields;
	closure(&rep, data);
}

#if RPCVER == 2
#define VER_EXTRA(r)	((r)->extra)
#else
#define VER_EXTRA(r)	0
#endif

static void ver_a(Rpcver__Ver_Service *svc, const Rpcver__AReq *r,
		  Rpcver__Rep_Closure closure, void *data)
{
	(void)svc;
	ver_reply(&r->base, VER_EXTRA(r), "A", closure, data);
}

static void ver_b(Rpcver__Ver_Service *svc, const Rpcver__AReq *r,
		  Rpcver__Rep_Closure closure, void *data)
{
	(void)svc;
	ver_reply(&r->base, VER_EXTRA(r), "B", closure, data);
}

#if RPCVER == 2
static void ver_c(Rpcver__Ver_Service *svc, const Rpcver__CReq2 *r,
		  Rpcver__Rep_Closure closure, void *data)
{
	(void)svc;
	ver_reply(&r->base, 0, "C", closure, data);
}

static void ver_d(Rpcver__Ver_Service *svc, const Rpcver__AReq *r,
		  Rpcver__Rep_Closure closure, void *data)
{
	(void)svc;
	ver_reply(&r->base, VER_EXTRA(r), "D", closure, data);
}

static void ver_ping(Rpcver__Other_Service *svc, const Rpcver__AReq *r,
		     Rpcver__Rep_Closure closure, void *data)
{
	(void)svc;
	ver_reply(&r->base, VER_EXTRA(r), "Ping", closure, data);
}

static Rpcver__Other_Service ver_other_impl = RPCVER__OTHER__INIT(ver_);
#else
static void ver_c(Rpcver__Ver_Service *svc, const Rpcver__CReq *r,
		  Rpcver__Rep_Closure closure, void *data)
{
	(void)svc;
	ver_reply(&r->base, 0, "C", closure, data);
}
#endif

static Rpcver__Ver_Service ver_impl = RPCVER__VER__INIT(ver_);

struct ver_srv {
	struct fastipc_dev *dev;
	struct fastipc_rpc_server *srv;
	int chan;
	pthread_t th;
	char name[FASTIPC_NAME_MAX];
};

static void *ver_run_main(void *arg)
{
	return (void *)(long)fastipc_rpc_server_run(arg);
}

/* Serve this version's services on a new channel, on a thread. */
static VER_UNUSED int ver_srv_start(struct ver_srv *s)
{
	int ret;

	memset(s, 0, sizeof(*s));
	ret = fastipc_open(&s->dev);
	if (ret)
		return ret;
	fipc_unique_name(s->name, "rpcver");
	s->chan = fastipc_chan_create(s->dev, s->name, 0, 0600, NULL);
	if (s->chan < 0)
		return s->chan;
	ret = fastipc_rpc_server_create(s->chan, 2, NULL, &s->srv);
	if (!ret)
		ret = fastipc_rpc_server_add(s->srv, &ver_impl.base);
#if RPCVER == 2
	if (!ret)
		ret = fastipc_rpc_server_add(s->srv, &ver_other_impl.base);
#endif
	if (!ret)
		ret = -pthread_create(&s->th, NULL, ver_run_main, s->srv);
	return ret;
}

static VER_UNUSED long ver_srv_stop(struct ver_srv *s)
{
	void *r = (void *)-1L;

	fastipc_rpc_server_stop(s->srv);
	pthread_join(s->th, &r);
	fastipc_rpc_server_destroy(s->srv);
	close(s->chan);
	fastipc_close(s->dev);
	return (long)r;
}

/* Call @method with @req on @cl and write its outcome as a VER_LINE. */
static VER_UNUSED int ver_call_line(struct fastipc_rpc_client *cl,
				    const char *method,
				    const ProtobufCMessage *req, char *line,
				    size_t len)
{
	struct fastipc_rpc_status rs;
	ProtobufCMessage *m = NULL;
	Rpcver__Rep *rep;
	int code;

	code = fastipc_rpc_call(cl, method, req, &m, 10 * FIPC_SEC, &rs);
	rep = (Rpcver__Rep *)m;
	snprintf(line, len, VER_LINE, method, code, rep ? rep->handler : "-",
		 rep ? rep->extra : 0, rep ? rep->version : 0,
		 rep ? rep->unknown : 0, rs.message);
	fastipc_rpc_free(m);
	return code;
}

#endif /* RPC_VER_H */
