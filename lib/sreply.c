// SPDX-License-Identifier: LGPL-2.1 OR MIT
/*
 * A pool thread's pending reply: where its room is (the copy buffer or a
 * record of the caller's server->client ring), how it is set, and what
 * is done when delivering it fails.
 *
 * A pool thread never waits on one connection's behalf: a reply ring
 * with no room (a client that holds its replies) means a copied reply
 * at once, or, for a reply larger than the copy path takes, a refusal
 * before a fastipc_handler_t runs (the client library sends the request
 * again), or for a fastipc_handler2_t, whose handler has run when it asks
 * for room, a dropped reply (status -ENOBUFS: never sent again), so that
 * one connection's misbehaviour costs that connection only (counted in
 * fastipc_server_stats()).
 */
#include <string.h>

#include "serve.h"

/* Let go of a reply in our ring: the client has it, or nobody will. */
static void fipc_put_ring_reply(struct fipc_worker *w, bool delivered)
{
	struct fipc_sconn *sc = w->rep_sc;
	uint32_t off = (uint32_t)w->sv.reply_desc.offset;

	memset(&w->sv.reply_desc, 0, sizeof(w->sv.reply_desc));
	if (!sc)
		return;
	if (!delivered)
		fipc_region_cancel(sc->reg, off);
	fipc_sconn_put(&w->srv->sconns, sc);
	w->rep_sc = NULL;
}

void fipc_set_reply(struct fipc_worker *w, uint64_t msg_id, int status,
		    size_t len)
{
	fipc_put_ring_reply(w, false);
	w->sv.reply_id = msg_id;
	w->sv.reply_ptr = len ? (uintptr_t)w->rep : 0;
	w->sv.reply_len = (uint32_t)len;
	w->sv.reply_status = status;
	w->pending = true;
	w->need = false;
}

/*
 * The reply does not fit the caller: status -EOVERFLOW, no payload, and
 * (FASTIPC_F_REPLY_NEED) the length it needs, so that fastipc_call2()
 * learns it. A kernel without REPLY_NEED gets the plain -EOVERFLOW.
 */
void fipc_set_need(struct fipc_worker *w, uint64_t msg_id, uint64_t need)
{
	fipc_set_reply(w, msg_id, -EOVERFLOW, 0);
	if (atomic_load_explicit(&w->srv->no_need, memory_order_relaxed))
		return;
	w->sv.reply_len = need > UINT32_MAX ? UINT32_MAX : (uint32_t)need;
	w->need = true;
}

/* Reply by descriptor with @len bytes at @cx->rep_off of @cx->sc's ring. */
void fipc_set_ring_reply(struct fipc_worker *w, struct fipc_call_ctx *cx,
			 int status, size_t len)
{
	fipc_set_reply(w, w->sv.hdr.msg_id, status, 0);
	fipc_region_commit(cx->sc->reg, cx->rep_off);
	w->sv.reply_desc.offset = cx->rep_off;
	w->sv.reply_desc.len = (uint32_t)len;
	w->sv.reply_desc.area = FASTIPC_AREA_S2C;
	w->rep_sc = fipc_sconn_hold(&w->srv->sconns, cx->sc);
	cx->rep_ring = false;		/* w owns the record now */
	fipc_count(&w->srv->rep_shm, 1);
}

void fipc_clear_reply(struct fipc_worker *w, bool delivered)
{
	fipc_put_ring_reply(w, delivered);
	w->sv.reply_id = 0;
	w->sv.reply_ptr = 0;
	w->sv.reply_len = 0;
	w->sv.reply_status = 0;
	w->pending = false;
	w->need = false;
}

/*
 * The two paths a reply can take and their capacities for this caller:
 * copy_cap, the copy buffer (the caller's reply_max capped at msg_max);
 * ring_cap, one record of the caller's server->client ring (capped at
 * reply_max), 0 when it has none or the caller's reply_max is not above
 * the reply_threshold.
 */
void fipc_ctx_limits(struct fipc_worker *w, struct fipc_call_ctx *cx)
{
	const struct fastipc_msg_hdr *hdr = &w->sv.hdr;
	struct fipc_region *g;
	size_t len;

	cx->copy_cap = hdr->reply_max < w->srv->msg_max ?
		       hdr->reply_max : w->srv->msg_max;
	cx->ring_cap = 0;
	if (hdr->reply_max <= w->srv->reply_threshold)
		return;
	if (!cx->sc)
		cx->sc = fipc_sconn_get(&w->srv->sconns, hdr->conn_id, NULL);
	g = cx->sc ? cx->sc->reg : NULL;
	if (!g || g->stream)
		return;
	len = fipc_ring_max_len(g->tx.size);
	cx->ring_cap = hdr->reply_max < len ? hdr->reply_max : len;
}

/*
 * Reserve @len bytes in the caller's ring without waiting. A full ring
 * is a caller still holding earlier replies (perhaps for ever, perhaps
 * only until its other threads copied theirs out): never wait for it in
 * a pool thread, that would stall every other connection.
 * Return: 0, or -EAGAIN (no room) or another ring error.
 */
static int fipc_ctx_reserve(struct fipc_call_ctx *cx, size_t len)
{
	struct fipc_region *g = cx->sc->reg;
	int ret;

	ret = fipc_region_reserve(g, (uint32_t)len, &cx->rep_off, 0);
	if (ret < 0)
		return ret;
	cx->rep = fipc_tx_ptr(g, cx->rep_off);
	cx->rep_ring = true;
	return 0;
}

static void fipc_ctx_copy(struct fipc_worker *w, struct fipc_call_ctx *cx,
			  size_t cap)
{
	cx->rep = w->rep;
	cx->rep_cap = cap;
}

/*
 * Reply room for a fastipc_handler_t, whose reply size is unknown before
 * it runs: the larger of the two paths. The ring (no copy) when it takes
 * at least what the copy buffer does; the copy buffer when the caller's
 * ring is smaller than that (a small region), or full and the copy
 * buffer takes all the caller accepts. Return 0, or -ENOBUFS when the
 * ring is full and the caller accepts more than the copy buffer takes
 * (the handler must not run: the caller may send the request again).
 */
int fipc_ctx_rep(struct fipc_worker *w, struct fipc_call_ctx *cx)
{
	int ret;

	fipc_ctx_limits(w, cx);
	fipc_ctx_copy(w, cx, cx->copy_cap);
	if (!cx->ring_cap)
		return 0;
	if (cx->ring_cap < cx->copy_cap) {	/* a record is too small */
		fipc_count(&w->srv->rep_fallbacks, 1);
		return 0;
	}
	ret = fipc_ctx_reserve(cx, cx->ring_cap);
	if (ret == -EAGAIN && w->sv.hdr.reply_max > cx->copy_cap) {
		fipc_count(&w->srv->rep_refused, 1);
		return -ENOBUFS;
	}
	if (ret == -EAGAIN)
		fipc_count(&w->srv->rep_fallbacks, 1);
	if (ret == 0)
		cx->rep_cap = cx->ring_cap;
	return 0;
}

/*
 * Reply room of exactly @len bytes for a fastipc_handler2_t, chosen by
 * size (fastipc_req_reply_buf()): the copy buffer up to reply_threshold,
 * a ring record above it, the copy buffer again when the ring has no
 * room and the copy buffer takes @len. Replaces an earlier choice.
 * Return: 0, -EOVERFLOW (above both paths: a need is sent), -ENOBUFS (the
 * ring has no room and @len is above the copy buffer: unless a later
 * call finds room, the reply is dropped, the caller answered -ENOBUFS).
 */
int fipc_ctx_rep_len(struct fipc_worker *w, struct fipc_call_ctx *cx,
		     size_t len)
{
	int ret = -EAGAIN;

	if (cx->rep_ring)
		fipc_region_cancel(cx->sc->reg, cx->rep_off);
	cx->rep_ring = false;
	cx->rep = NULL;
	cx->rep_len = 0;
	cx->need = 0;
	cx->no_room = false;
	if (len > cx->copy_cap && len > cx->ring_cap) {
		cx->need = len;
		return -EOVERFLOW;
	}
	if (len <= cx->ring_cap &&
	    (len > cx->copy_cap || len > w->srv->reply_threshold)) {
		ret = fipc_ctx_reserve(cx, len);
		if (ret < 0 && len <= cx->copy_cap)
			fipc_count(&w->srv->rep_fallbacks, 1);
	}
	if (ret < 0 && len > cx->copy_cap) {
		cx->no_room = true;
		return -ENOBUFS;
	}
	if (ret < 0)
		fipc_ctx_copy(w, cx, cx->copy_cap);
	cx->rep_len = len;
	return 0;
}

/*
 * The reply part of a REPLY_RECV failed (the request stays outstanding).
 * Return true to retry the same reply, false when it was replaced by an
 * error reply or given up.
 */
bool fipc_reply_failed(struct fipc_worker *w, int err)
{
	if (err == -EINTR)
		return true;
	if (err == -EINVAL && w->need) {	/* no FASTIPC_F_REPLY_NEED */
		atomic_store(&w->srv->no_need, 1);
		fipc_set_reply(w, w->sv.reply_id, -EOVERFLOW, 0);
		return true;
	}
	if (err == -EINVAL && fipc_desc_refused(&w->sv.reply_desc)) {
		fipc_set_reply(w, w->sv.reply_id, -ENOBUFS, 0);	/* plain */
		return true;
	}
	if ((err == -EMSGSIZE || err == -ENOBUFS) &&
	    (w->sv.reply_len || w->rep_sc)) {
		fipc_set_reply(w, w->sv.reply_id, err, 0);
		return true;
	}
	fipc_clear_reply(w, false);	/* -ENOENT: the request is gone */
	return false;
}

/*
 * Deliver the pending reply with FASTIPC_IOC_REPLY: when a pool thread
 * stops, and after each message of fastipc_server_dispatch().
 */
void fipc_flush_reply(struct fipc_worker *w)
{
	struct fastipc_serve sv;
	int tries = 3;
	int ret;

	while (w->pending && tries--) {
		memset(&sv, 0, sizeof(sv));
		sv.reply_id = w->sv.reply_id;
		sv.reply_ptr = w->sv.reply_ptr;
		sv.reply_len = w->sv.reply_len;
		sv.reply_status = w->sv.reply_status;
		sv.reply_desc = w->sv.reply_desc;
		sv.flags = w->need ? FASTIPC_F_REPLY_NEED : 0;
		ret = fipc_ioctl(w->srv->chan_fd, FASTIPC_IOC_REPLY, &sv);
		if (ret >= 0) {
			fipc_clear_reply(w, sv.out_flags & FASTIPC_SERVE_REPLIED);
			return;
		}
		if (!fipc_reply_failed(w, ret))
			break;
	}
	fipc_clear_reply(w, false);
}
