/* SPDX-License-Identifier: LGPL-2.1 OR MIT */
/*
 * The server's internals shared by serve.c (the pool and its threads),
 * smsg.c (one received message: its payload, the handler, the reply
 * room) and sreply.c (the pending reply and how it is delivered).
 * Internal to libfastipc.
 */
#ifndef _FASTIPC_SERVE_H
#define _FASTIPC_SERVE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <pthread.h>
#include <semaphore.h>

#include "internal.h"
#include "sconn.h"

struct fipc_route {
	uint32_t op;
	fastipc_handler_t fn;		/* one of fn and fn2 */
	fastipc_handler2_t fn2;
	void *ctx;
};

/* fastipc_server.shut: can FASTIPC_IOC_CHAN_SHUTDOWN wake the pool? */
#define FIPC_SHUT_UNKNOWN	0
#define FIPC_SHUT_YES		1
#define FIPC_SHUT_NO		(-1)	/* old kernel: poll stop_poll_ns */

struct fastipc_server {
	int chan_fd;
	unsigned int nthreads;
	size_t msg_max;
	uint64_t stop_poll_ns;
	uint64_t reply_threshold;
	struct fipc_sconns sconns;	/* connections' regions */
	struct fipc_route *routes;	/* sorted by op; read-only while running */
	size_t nroutes;
	fastipc_conn_cb_t conn_fn;
	void *conn_ctx;
	atomic_int stop;
	atomic_int running;		/* -1: run(); n > 0: n dispatch() */
	atomic_int error;		/* first error that ended the pool */
	atomic_int shut;		/* FIPC_SHUT_* */
	atomic_int shut_own;		/* our stop() shut receives, not reopened */
	atomic_int live;		/* run()'s workers not yet returned */
	sem_t wake;			/* posted by stop() and exiting workers */
	atomic_int no_need;		/* the kernel refused F_REPLY_NEED */
	_Atomic(struct fipc_worker *) dw;	/* dispatch()'s spare worker */
	atomic_uint_fast64_t requests;	/* fastipc_server_stats() */
	atomic_uint_fast64_t rep_shm;
	atomic_uint_fast64_t rep_fallbacks;
	atomic_uint_fast64_t rep_refused;
	atomic_uint_fast64_t rep_dropped;
};

struct fipc_worker {
	struct fastipc_server *srv;
	pthread_t tid;
	void *buf;			/* receive buffer, buf_cap bytes */
	size_t buf_cap;
	void *rep;			/* reply buffer, srv->msg_max bytes */
	bool pending;			/* sv.reply_* hold an undelivered reply */
	bool need;			/* ... sent with FASTIPC_F_REPLY_NEED */
	struct fipc_sconn *rep_sc;	/* the pending reply is in its ring */
	struct fastipc_serve sv;
};

/* A request's payload and reply room, in place or in the buffers. */
struct fipc_call_ctx {
	struct fipc_sconn *sc;		/* with a reference, or NULL */
	const void *req;
	size_t req_len;
	bool req_claimed;		/* req is in the client's ring */
	void *rep;
	size_t rep_cap;
	bool rep_ring;			/* rep is reserved in our ring */
	uint32_t rep_off;
	size_t copy_cap;		/* largest reply by copy */
	size_t ring_cap;		/* largest reply in the ring, 0: none */
	/* handler2 (fastipc_req_reply_buf()) */
	size_t rep_len;			/* bytes chosen, at rep */
	uint64_t need;			/* > 0: reply too large, send a need */
	bool no_room;			/* no room anywhere: reply dropped */
};

/* What a fastipc_handler2_t sees of one request. */
struct fastipc_req {
	struct fipc_worker *w;
	struct fipc_call_ctx *cx;
	size_t reply_max;		/* 0 for a one-way message */
};

static inline bool fipc_stopping(struct fastipc_server *srv)
{
	return atomic_load_explicit(&srv->stop, memory_order_relaxed);
}

/* serve.c */
void fipc_fail(struct fastipc_server *srv, int err);
const struct fipc_route *fipc_route_find(struct fastipc_server *srv,
					 uint32_t op);

/* smsg.c: handle the message in w->sv (received), leaving a reply pending. */
void fipc_handle_msg(struct fipc_worker *w);

/*
 * fipc_srv_recv() - One FASTIPC_IOC_REPLY_RECV (RECV when no reply is
 * pending): with @nonblock FASTIPC_F_NONBLOCK, else waiting for ever when
 * stop() can shut receives down, or stop_poll_ns on an older kernel.
 */
int fipc_srv_recv(struct fipc_worker *w, bool nonblock);
int fipc_grow_buf(struct fipc_worker *w);
int fipc_worker_init(struct fipc_worker *w, struct fastipc_server *srv);
void fipc_worker_free(struct fipc_worker *w);
/* FASTIPC_IOC_CHAN_SHUTDOWN to @shut; async-signal-safe (errno kept). */
int fipc_chan_shut(struct fastipc_server *srv, uint32_t shut);

/* sreply.c */
void fipc_set_reply(struct fipc_worker *w, uint64_t msg_id, int status,
		    size_t len);
void fipc_set_ring_reply(struct fipc_worker *w, struct fipc_call_ctx *cx,
			 int status, size_t len);
void fipc_set_need(struct fipc_worker *w, uint64_t msg_id, uint64_t need);
void fipc_clear_reply(struct fipc_worker *w, bool delivered);
void fipc_ctx_limits(struct fipc_worker *w, struct fipc_call_ctx *cx);
int fipc_ctx_rep(struct fipc_worker *w, struct fipc_call_ctx *cx);
int fipc_ctx_rep_len(struct fipc_worker *w, struct fipc_call_ctx *cx,
		     size_t len);
bool fipc_reply_failed(struct fipc_worker *w, int err);
void fipc_flush_reply(struct fipc_worker *w);

#endif /* _FASTIPC_SERVE_H */
