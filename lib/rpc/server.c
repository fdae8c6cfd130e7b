// SPDX-License-Identifier: LGPL-2.1 OR MIT
/*
 * The RPC server: a libfastipc server whose RPC op range routes to
 * sdispatch.c, and the method table that fastipc_rpc_server_add() fills
 * from protoc-c generated services.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "server-int.h"

static bool opts_ok(const struct fastipc_rpc_server_opts *o)
{
	size_t i;

	if (o->resv0 || o->max_depth > FASTIPC_RPC_DEPTH_MAX)
		return false;
	for (i = 0; i < sizeof(o->resv) / sizeof(o->resv[0]); i++)
		if (o->resv[i])
			return false;
	return true;
}

/*
 * Route the describe op and every method op to frpc_dispatch(): an op
 * not (yet) served answers UNIMPLEMENTED from the RPC layer, and adding a
 * service later only fills the table.
 */
static int route_rpc_ops(struct fastipc_rpc_server *srv)
{
	uint32_t i;
	int ret;

	ret = fastipc_server_register2(srv->base, FASTIPC_RPC_OP_DESCRIBE,
				       frpc_dispatch, srv);
	for (i = 0; !ret && i < FASTIPC_RPC_METHODS_MAX; i++)
		ret = fastipc_server_register2(srv->base,
					       FASTIPC_RPC_OP_BASE + i,
					       frpc_dispatch, srv);
	return ret;
}

__public int fastipc_rpc_server_create(int chan_fd, unsigned int nthreads,
				       const struct fastipc_rpc_server_opts *opts,
				       struct fastipc_rpc_server **srvp)
{
	struct fastipc_rpc_server_opts o = { 0 };
	struct fastipc_rpc_server *srv;
	int ret;

	if (!srvp)
		return -EINVAL;
	if (opts)
		o = *opts;
	if (!opts_ok(&o))
		return -EINVAL;
	srv = calloc(1, sizeof(*srv));
	if (!srv)
		return -ENOMEM;
	srv->max_message = o.max_message ? o.max_message :
			   FASTIPC_RPC_SERVER_MAX_MESSAGE_DEFAULT;
	srv->max_depth = o.max_depth ? o.max_depth : FASTIPC_RPC_DEPTH_DEFAULT;
	ret = fastipc_server_create(chan_fd, nthreads, &o.base, &srv->base);
	if (!ret)
		ret = route_rpc_ops(srv);
	if (!ret)
		ret = frpc_describe_build(srv);
	if (ret) {
		fastipc_rpc_server_destroy(srv);
		return ret;
	}
	*srvp = srv;
	return 0;
}

/*
 * Whether method @i of @service has a handler. Only protoc-c's own
 * invoke (protobuf_c_service_invoke_internal) shows the generated
 * handler slots, which follow the base struct; a service with its own
 * invoke serves every method.
 */
static bool method_served(const ProtobufCService *service, unsigned int i)
{
	if (service->invoke != protobuf_c_service_invoke_internal)
		return true;
	return ((void (* const *)(void))(service + 1))[i] != NULL;
}

bool frpc_service_known(const struct fastipc_rpc_server *srv,
			const char *name)
{
	unsigned int i;
	size_t j;

	for (i = 0; i < srv->nservices; i++)
		if (!strcmp(srv->services[i]->descriptor->name, name))
			return true;
	for (i = 0; i < srv->nraws; i++)
		for (j = 0; j < srv->raws[i]->desc->n_services; j++)
			if (!strcmp(srv->raws[i]->desc->services[j]->name, name))
				return true;
	return false;
}

static bool service_ok(const ProtobufCService *service)
{
	const ProtobufCServiceDescriptor *d;
	unsigned int i;

	if (!service || !service->invoke || !service->descriptor)
		return false;
	d = service->descriptor;
	if (d->magic != PROTOBUF_C__SERVICE_DESCRIPTOR_MAGIC || !d->name ||
	    (d->n_methods && !d->methods))
		return false;
	for (i = 0; i < d->n_methods; i++)
		if (!d->methods[i].name || !d->methods[i].input ||
		    !d->methods[i].output)
			return false;
	return true;
}

static struct frpc_method *method_new(struct fastipc_rpc_server *srv,
				      ProtobufCService *service,
				      unsigned int i)
{
	const ProtobufCServiceDescriptor *d = service->descriptor;
	struct frpc_method *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->srv = srv;
	m->service = service;
	m->index = i;
	m->md = &d->methods[i];
	m->hash = fastipc_rpc_hash(d->name, m->md);
	if (asprintf(&m->name, "/%s/%s", d->name, m->md->name) < 0) {
		free(m);
		return NULL;
	}
	return m;
}

static void method_free(struct frpc_method *m)
{
	if (m) {
		free(m->name);
		free(m);
	}
}

void frpc_methods_drop(struct fastipc_rpc_server *srv, unsigned int from)
{
	while (srv->nmethods > from) {
		srv->nmethods--;
		method_free(srv->methods[srv->nmethods]);
		srv->methods[srv->nmethods] = NULL;
	}
}

static int methods_add(struct fastipc_rpc_server *srv,
		       ProtobufCService *service)
{
	const ProtobufCServiceDescriptor *d = service->descriptor;
	unsigned int i, n = 0;

	for (i = 0; i < d->n_methods; i++)
		n += method_served(service, i);
	if (n > FASTIPC_RPC_METHODS_MAX - srv->nmethods)
		return -E2BIG;
	for (i = 0; i < d->n_methods; i++) {
		struct frpc_method *m;

		if (!method_served(service, i))
			continue;
		m = method_new(srv, service, i);
		if (!m)
			return -ENOMEM;
		srv->methods[srv->nmethods++] = m;
	}
	return 0;
}

/*
 * Whether the pool runs or fastipc_server_dispatch() serves: libfastipc
 * refuses a registration then (-EBUSY) before it looks for the op, which
 * route_rpc_ops() registered already (-EEXIST otherwise).
 */
bool frpc_server_busy(struct fastipc_rpc_server *srv)
{
	if (atomic_load(&srv->running))
		return true;
	return srv->base &&
	       fastipc_server_register2(srv->base, FASTIPC_RPC_OP_DESCRIBE,
					frpc_dispatch, srv) == -EBUSY;
}

__public int fastipc_rpc_server_add(struct fastipc_rpc_server *srv,
				    ProtobufCService *service)
{
	ProtobufCService **services;
	unsigned int first;
	int ret;

	if (!srv || !service_ok(service))
		return -EINVAL;
	if (frpc_server_busy(srv))
		return -EBUSY;
	if (frpc_service_known(srv, service->descriptor->name))
		return -EEXIST;
	services = realloc(srv->services,
			   (srv->nservices + 1) * sizeof(*services));
	if (!services)
		return -ENOMEM;
	srv->services = services;
	first = srv->nmethods;
	ret = methods_add(srv, service);
	if (!ret) {
		srv->services[srv->nservices++] = service;
		ret = frpc_describe_build(srv);
		if (ret)
			srv->nservices--;
	}
	if (ret)
		frpc_methods_drop(srv, first);
	return ret;
}

__public struct fastipc_server *
fastipc_rpc_server_base(struct fastipc_rpc_server *srv)
{
	return srv ? srv->base : NULL;
}

__public int fastipc_rpc_server_run(struct fastipc_rpc_server *srv)
{
	bool idle = false;
	int ret;

	if (!srv)
		return -EINVAL;
	if (!atomic_compare_exchange_strong(&srv->running, &idle, true))
		return -EBUSY;
	ret = fastipc_server_run(srv->base);
	atomic_store(&srv->running, false);
	return ret;
}

__public void fastipc_rpc_server_stop(struct fastipc_rpc_server *srv)
{
	if (srv)
		fastipc_server_stop(srv->base);
}

__public void fastipc_rpc_server_destroy(struct fastipc_rpc_server *srv)
{
	unsigned int i;

	if (!srv)
		return;
	fastipc_server_destroy(srv->base);
	frpc_methods_drop(srv, 0);
	for (i = 0; i < srv->nraws; i++)
		frpc_raw_set_free(srv->raws[i]);
	free(srv->raws);
	free(srv->services);
	free(srv->desc);
	free(srv);
}

__public int fastipc_rpc_server_stats(struct fastipc_rpc_server *srv,
				      struct fastipc_rpc_server_stats *st,
				      size_t size)
{
	struct fastipc_rpc_server_stats all;
	const struct frpc_counters *c;

	if (!srv || !st || size < FASTIPC_RPC_SERVER_STATS_SIZE_VER0)
		return -EINVAL;
	c = &srv->cnt;
	memset(&all, 0, sizeof(all));
	all.calls = atomic_load(&c->calls);
	all.ok = atomic_load(&c->ok);
	all.failed = atomic_load(&c->failed);
	all.bad_requests = atomic_load(&c->bad_requests);
	all.too_large = atomic_load(&c->too_large);
	all.unimplemented = atomic_load(&c->unimplemented);
	all.no_reply = atomic_load(&c->no_reply);
	all.describes = atomic_load(&c->describes);
	all.extra_replies = atomic_load(&c->extra_replies);
	if (size > sizeof(all)) {
		memset((char *)st + sizeof(all), 0, size - sizeof(all));
		size = sizeof(all);
	}
	memcpy(st, &all, size);
	return 0;
}
