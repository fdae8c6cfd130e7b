// SPDX-License-Identifier: LGPL-2.1 OR MIT
/*
 * A server driven by the caller's event loop: fastipc_server_fd() to poll,
 * fastipc_server_dispatch() to serve what is queued in the calling thread.
 * Each message goes through the pool's code (fipc_handle_msg(), with the
 * same region mapping on CONNECT and unmapping on DISCONNECT), received
 * with FASTIPC_F_NONBLOCK and answered with FASTIPC_IOC_REPLY at once:
 * nothing stays pending between two calls.
 *
 * srv->running counts the dispatch() calls in progress (the pool's run()
 * holds it at -1), so the two never overlap. One worker (its receive and
 * copy buffers) is kept in srv->dw between calls; concurrent calls take
 * it or make their own.
 */
#include <stdlib.h>

#include "serve.h"

__public int fastipc_server_fd(const struct fastipc_server *srv)
{
	return srv->chan_fd;
}

static int fipc_dispatch_enter(struct fastipc_server *srv)
{
	int n = atomic_load(&srv->running);

	do {
		if (n < 0)
			return -EBUSY;
	} while (!atomic_compare_exchange_weak(&srv->running, &n, n + 1));
	return 0;
}

static struct fipc_worker *fipc_dispatch_worker(struct fastipc_server *srv)
{
	struct fipc_worker *w = atomic_exchange(&srv->dw, NULL);

	if (w)
		return w;
	w = calloc(1, sizeof(*w));
	if (w && fipc_worker_init(w, srv) < 0) {
		fipc_worker_free(w);
		free(w);
		w = NULL;
	}
	return w;
}

static void fipc_dispatch_done(struct fastipc_server *srv,
			       struct fipc_worker *w)
{
	struct fipc_worker *none = NULL;

	if (!atomic_compare_exchange_strong(&srv->dw, &none, w)) {
		fipc_worker_free(w);
		free(w);
	}
	atomic_fetch_sub(&srv->running, 1);
}

/*
 * Open receives shut down by an earlier fastipc_server_stop() of this
 * server, which no run() or dispatch() of ours has opened since
 * (srv->shut_own; a stop request run() has not consumed is consumed
 * here, as run() does). A shutdown by another server on the channel is
 * not ours to undo: -ESHUTDOWN.
 */
static int fipc_dispatch_reopen(struct fastipc_server *srv)
{
	if (!atomic_exchange(&srv->shut_own, 0))
		return -ESHUTDOWN;
	atomic_store(&srv->stop, 0);
	return fipc_chan_shut(srv, 0);
}

/*
 * Receive one message without waiting and serve it. Return 1 (served),
 * 0 (nothing queued), or -errno.
 */
static int fipc_dispatch_one(struct fipc_worker *w)
{
	bool opened = false;
	int ret;

	for (;;) {
		ret = fipc_srv_recv(w, true);
		if (ret >= 0 && (w->sv.out_flags & FASTIPC_SERVE_RECEIVED))
			break;
		if (ret == -EAGAIN)
			return 0;
		if (ret == -EINTR)
			continue;
		if (ret == -EMSGSIZE) {
			ret = fipc_grow_buf(w);
		} else if (ret == -ESHUTDOWN && !opened) {
			ret = fipc_dispatch_reopen(w->srv);
			opened = true;
		}
		if (ret < 0)
			return ret;
	}
	fipc_handle_msg(w);
	fipc_flush_reply(w);
	return 1;
}

__public int fastipc_server_dispatch(struct fastipc_server *srv,
				     unsigned int max)
{
	struct fipc_worker *w;
	unsigned int n = 0;
	int ret;

	ret = fipc_dispatch_enter(srv);
	if (ret < 0)
		return ret;
	w = fipc_dispatch_worker(srv);
	if (!w) {
		atomic_fetch_sub(&srv->running, 1);
		return -ENOMEM;
	}
	while (!max || n < max) {
		ret = fipc_dispatch_one(w);
		if (ret <= 0)
			break;
		n++;
	}
	fipc_dispatch_done(srv, w);
	if (n > INT32_MAX)
		n = INT32_MAX;
	return n ? (int)n : ret;
}
