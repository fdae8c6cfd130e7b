// SPDX-License-Identifier: LGPL-2.1 OR MIT
/*
 * Creating a server and its settings: the channel fd check, the routes
 * by procedure number, the counters.
 */
#include <stdlib.h>
#include <string.h>

#include "serve.h"

_Static_assert(sizeof(struct fastipc_server_stats) ==
	       FASTIPC_SERVER_STATS_SIZE_VER0,
	       "fastipc_server_stats grows by appending a new size");

#define FIPC_THREADS_MAX	1024
#define FIPC_STOP_POLL_NS	100000000ULL	/* 100 ms */

__public __cold int fastipc_server_create(int chan_fd, unsigned int nthreads,
					  const struct fastipc_server_opts *opts,
					  struct fastipc_server **srvp)
{
	struct fastipc_server *srv;
	size_t i;
	int ret;

	if (chan_fd < 0 || !nthreads || nthreads > FIPC_THREADS_MAX)
		return -EINVAL;
	if (opts) {
		for (i = 0; i < ARRAY_SIZE(opts->resv); i++)
			if (opts->resv[i])
				return -EINVAL;
		if (opts->msg_max > UINT32_MAX)
			return -EINVAL;
	}
	ret = fipc_chan_fd_check(chan_fd);
	if (ret < 0)
		return ret;
	srv = calloc(1, sizeof(*srv));
	if (!srv)
		return -ENOMEM;
	srv->chan_fd = chan_fd;
	srv->nthreads = nthreads;
	srv->msg_max = opts && opts->msg_max ? opts->msg_max :
		       FASTIPC_MSG_MAX_DEFAULT;
	srv->stop_poll_ns = opts && opts->stop_poll_ns ? opts->stop_poll_ns :
			    FIPC_STOP_POLL_NS;
	srv->reply_threshold = opts && opts->reply_threshold ?
			       opts->reply_threshold : FASTIPC_THRESHOLD_DEFAULT;
	if (fipc_sconns_init(&srv->sconns, chan_fd) < 0) {
		free(srv);
		return -ENOMEM;
	}
	*srvp = srv;
	return 0;
}

__public __cold int fastipc_server_register(struct fastipc_server *srv,
					    uint32_t op, fastipc_handler_t fn,
					    void *ctx)
{
	struct fipc_route *routes;
	size_t i;

	if (!fn)
		return -EINVAL;
	if (atomic_load(&srv->running))
		return -EBUSY;
	if (fipc_route_find(srv, op))
		return -EEXIST;
	routes = realloc(srv->routes, (srv->nroutes + 1) * sizeof(*routes));
	if (!routes)
		return -ENOMEM;
	srv->routes = routes;
	for (i = srv->nroutes; i > 0 && routes[i - 1].op > op; i--)
		routes[i] = routes[i - 1];
	routes[i] = (struct fipc_route){ .op = op, .fn = fn, .ctx = ctx };
	srv->nroutes++;
	return 0;
}

__public __cold int fastipc_server_on_conn(struct fastipc_server *srv,
					   fastipc_conn_cb_t fn, void *ctx)
{
	if (atomic_load(&srv->running))
		return -EBUSY;
	srv->conn_fn = fn;
	srv->conn_ctx = ctx;
	return 0;
}

__public int fastipc_server_stats(struct fastipc_server *srv,
				  struct fastipc_server_stats *st, size_t size)
{
	struct fastipc_server_stats all;
	struct fipc_sconns_stats tab;

	if (size < FASTIPC_SERVER_STATS_SIZE_VER0)
		return -EINVAL;
	fipc_sconns_stats(&srv->sconns, &tab);
	memset(&all, 0, sizeof(all));
	all.requests = atomic_load(&srv->requests);
	all.rep_shm = atomic_load(&srv->rep_shm);
	all.rep_fallbacks = atomic_load(&srv->rep_fallbacks);
	all.rep_refused = atomic_load(&srv->rep_refused);
	all.ring_errors = tab.ring_errors;
	all.map_errors = tab.map_errors;
	all.notify_errors = tab.notify_errors;
	all.regions = tab.regions;
	if (size > sizeof(all)) {
		memset((char *)st + sizeof(all), 0, size - sizeof(all));
		size = sizeof(all);
	}
	memcpy(st, &all, size);
	return 0;
}

__public __cold void fastipc_server_destroy(struct fastipc_server *srv)
{
	if (!srv)
		return;
	fipc_sconns_fini(&srv->sconns);
	free(srv->routes);
	free(srv);
}
