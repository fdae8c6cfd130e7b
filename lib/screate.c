// SPDX-License-Identifier: LGPL-2.1 OR MIT
/*
 * Creating a server and its settings: the channel's msg_max (read from
 * the channel fd with FASTIPC_IOC_CHAN_INFO, which also tells a channel
 * fd from any other), the routes by procedure number, the counters.
 */
#include <stdlib.h>
#include <string.h>

#include "serve.h"

_Static_assert(sizeof(struct fastipc_server_stats) ==
	       FASTIPC_SERVER_STATS_SIZE_VER1,
	       "fastipc_server_stats grows by appending a new size");

#define FIPC_THREADS_MAX	1024
#define FIPC_STOP_POLL_NS	100000000ULL	/* 100 ms */

/*
 * The channel's msg_max (FASTIPC_IOC_CHAN_INFO), 0 when the kernel
 * predates CHAN_INFO (then the CONN_REGION probe says whether @fd is a
 * channel fd). Return: 0, -EBADF, -ENOTTY (not a channel fd), -EFAULT.
 */
static int fipc_chan_msg_max(int fd, uint32_t *msg_max)
{
	struct fastipc_chan_info info;
	int ret;

	memset(&info, 0, sizeof(info));
	*msg_max = 0;
	ret = fipc_ioctl(fd, FASTIPC_IOC_CHAN_INFO, &info);
	if (ret == -ENOTTY)
		return fipc_chan_fd_check(fd);	/* kernel before 0.4? */
	if (ret < 0)
		return ret;
	*msg_max = info.msg_max;
	return 0;
}

static int fipc_opts_check(const struct fastipc_server_opts *opts)
{
	size_t i;

	if (!opts)
		return 0;
	for (i = 0; i < ARRAY_SIZE(opts->resv); i++)
		if (opts->resv[i])
			return -EINVAL;
	return opts->msg_max > UINT32_MAX ? -EINVAL : 0;
}

__public __cold int fastipc_server_create(int chan_fd, unsigned int nthreads,
					  const struct fastipc_server_opts *opts,
					  struct fastipc_server **srvp)
{
	struct fastipc_server *srv;
	uint32_t chan_max;
	int ret;

	if (chan_fd < 0 || !nthreads || nthreads > FIPC_THREADS_MAX)
		return -EINVAL;
	ret = fipc_opts_check(opts);
	if (ret < 0)
		return ret;
	ret = fipc_chan_msg_max(chan_fd, &chan_max);
	if (ret < 0)
		return ret;
	srv = calloc(1, sizeof(*srv));
	if (!srv)
		return -ENOMEM;
	srv->chan_fd = chan_fd;
	srv->nthreads = nthreads;
	srv->msg_max = opts && opts->msg_max ? opts->msg_max :
		       chan_max ? chan_max : FASTIPC_MSG_MAX_DEFAULT;
	if (chan_max && srv->msg_max > chan_max)
		srv->msg_max = chan_max;
	srv->stop_poll_ns = opts && opts->stop_poll_ns ? opts->stop_poll_ns :
			    FIPC_STOP_POLL_NS;
	srv->reply_threshold = opts && opts->reply_threshold ?
			       opts->reply_threshold : FASTIPC_THRESHOLD_DEFAULT;
	if (sem_init(&srv->wake, 0, 0) < 0) {
		free(srv);
		return -ENOMEM;
	}
	if (fipc_sconns_init(&srv->sconns, chan_fd) < 0) {
		sem_destroy(&srv->wake);
		free(srv);
		return -ENOMEM;
	}
	*srvp = srv;
	return 0;
}

static int fipc_route_add(struct fastipc_server *srv,
			  const struct fipc_route *r)
{
	struct fipc_route *routes;
	uint32_t op = r->op;
	size_t i;

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
	routes[i] = *r;
	srv->nroutes++;
	return 0;
}

__public __cold int fastipc_server_register(struct fastipc_server *srv,
					    uint32_t op, fastipc_handler_t fn,
					    void *ctx)
{
	struct fipc_route r = { .op = op, .fn = fn, .ctx = ctx };

	return fn ? fipc_route_add(srv, &r) : -EINVAL;
}

__public __cold int fastipc_server_register2(struct fastipc_server *srv,
					     uint32_t op,
					     fastipc_handler2_t fn, void *ctx)
{
	struct fipc_route r = { .op = op, .fn2 = fn, .ctx = ctx };

	return fn ? fipc_route_add(srv, &r) : -EINVAL;
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
	all.rep_dropped = atomic_load(&srv->rep_dropped);
	if (size > sizeof(all)) {
		memset((char *)st + sizeof(all), 0, size - sizeof(all));
		size = sizeof(all);
	}
	memcpy(st, &all, size);
	return 0;
}

__public __cold void fastipc_server_destroy(struct fastipc_server *srv)
{
	struct fipc_worker *w;

	if (!srv)
		return;
	w = atomic_exchange(&srv->dw, NULL);
	if (w)
		fipc_worker_free(w);
	free(w);
	fipc_sconns_fini(&srv->sconns);
	free(srv->routes);
	sem_destroy(&srv->wake);
	free(srv);
}
