// SPDX-License-Identifier: LGPL-2.1 OR MIT
/*
 * One received message, in a pool thread: the request payload (copied,
 * or in place in the client's ring), the handler by procedure number,
 * and the reply left pending for the next REPLY_RECV; CONNECT and
 * DISCONNECT map and unmap the connection's region.
 */
#include <string.h>

#include "serve.h"


/*
 * The payload: in the receive buffer, or in place in the client's ring
 * (a descriptor). Return 0, -EBADMSG for a bad descriptor, or the error
 * that kept the region from being mapped (-EMFILE, -ENOMEM, ...).
 */
static int fipc_ctx_req(struct fipc_worker *w, struct fipc_call_ctx *cx)
{
	const struct fastipc_desc *d = &w->sv.desc;
	struct fipc_region *g;
	int err;

	memset(cx, 0, sizeof(*cx));
	cx->req = w->buf;
	cx->req_len = w->sv.hdr.len;
	if (!d->area)
		return 0;
	cx->sc = fipc_sconn_get(&w->srv->sconns, w->sv.hdr.conn_id, &err);
	if (!cx->sc && err < 0 && err != -ENOENT)
		return err;		/* counted in map_errors */
	g = cx->sc ? cx->sc->reg : NULL;
	if (!g || d->area != FASTIPC_AREA_C2S || d->offset > UINT32_MAX ||
	    fipc_region_claim(g, (uint32_t)d->offset, d->len) < 0)
		return -EBADMSG;
	cx->req = fipc_rx_ptr(g, (uint32_t)d->offset);
	cx->req_len = d->len;
	cx->req_claimed = true;
	return 0;
}

static void fipc_ctx_end(struct fipc_worker *w, struct fipc_call_ctx *cx)
{
	if (cx->req_claimed)
		fipc_region_release(cx->sc->reg, (uint32_t)w->sv.desc.offset);
	if (cx->rep_ring)		/* not handed to a reply */
		fipc_region_cancel(cx->sc->reg, cx->rep_off);
	fipc_sconn_put(&w->srv->sconns, cx->sc);
}

/*
 * A fastipc_handler_t: room first, at most rep_cap bytes. No room is a
 * refusal before the handler runs (the mark: the caller's library may
 * send the request again).
 */
static void fipc_run_v1(struct fipc_worker *w, const struct fipc_route *r,
			struct fipc_call_ctx *cx)
{
	const struct fastipc_msg_hdr *hdr = &w->sv.hdr;
	size_t len = 0;
	int status;

	if (fipc_ctx_rep(w, cx) < 0) {
		fipc_set_reply(w, hdr->msg_id, -ENOBUFS, 0);
		w->sv.reply_desc.area = FASTIPC_AREA_S2C;	/* refused */
		return;
	}
	status = r->fn(r->ctx, hdr, cx->req, cx->req_len, cx->rep,
		       cx->rep_cap, &len);
	if (len > cx->rep_cap)
		fipc_set_need(w, hdr->msg_id, len);
	else if (cx->rep_ring)
		fipc_set_ring_reply(w, cx, status, len);
	else
		fipc_set_reply(w, hdr->msg_id, status, len);
}

/*
 * A fastipc_handler2_t: it asks for room of the size it needs, after it
 * may have done its work. A reply that found no room is dropped and the
 * call answered status -ENOBUFS by copy, never with the refusal mark: the
 * caller's library would send the request again and the handler run twice
 * for one call.
 */
static void fipc_run_v2(struct fipc_worker *w, const struct fipc_route *r,
			struct fipc_call_ctx *cx)
{
	const struct fastipc_msg_hdr *hdr = &w->sv.hdr;
	struct fastipc_req req = { .w = w, .cx = cx };
	int status;

	fipc_ctx_limits(w, cx);
	req.reply_max = cx->copy_cap > cx->ring_cap ? cx->copy_cap :
		       cx->ring_cap;
	status = r->fn2(r->ctx, &req);
	if (cx->need) {
		fipc_set_need(w, hdr->msg_id, cx->need);
	} else if (cx->no_room) {
		fipc_count(&w->srv->rep_dropped, 1);
		fipc_set_reply(w, hdr->msg_id, -ENOBUFS, 0);
	} else if (cx->rep_ring) {
		fipc_set_ring_reply(w, cx, status, cx->rep_len);
	} else {
		fipc_set_reply(w, hdr->msg_id, status, cx->rep_len);
	}
}

static void fipc_do_request(struct fipc_worker *w, const struct fipc_route *r)
{
	const struct fastipc_msg_hdr *hdr = &w->sv.hdr;
	struct fipc_call_ctx cx;
	int status;

	fipc_count(&w->srv->requests, 1);
	status = fipc_ctx_req(w, &cx);
	if (status < 0)
		fipc_set_reply(w, hdr->msg_id, status, 0);
	else if (!r)
		fipc_set_reply(w, hdr->msg_id, -ENOSYS, 0);
	else if (r->fn2)
		fipc_run_v2(w, r, &cx);
	else
		fipc_run_v1(w, r, &cx);
	fipc_ctx_end(w, &cx);
}

static void fipc_do_oneway(struct fipc_worker *w, const struct fipc_route *r)
{
	struct fipc_call_ctx cx;
	struct fastipc_req req = { .w = w, .cx = &cx };
	size_t len = 0;

	if (fipc_ctx_req(w, &cx) == 0 && r) {
		if (r->fn2)
			r->fn2(r->ctx, &req);
		else
			r->fn(r->ctx, &w->sv.hdr, cx.req, cx.req_len, NULL, 0,
			      &len);
	}
	fipc_ctx_end(w, &cx);
}

void fipc_handle_msg(struct fipc_worker *w)
{
	struct fastipc_server *srv = w->srv;
	const struct fastipc_msg_hdr *hdr = &w->sv.hdr;
	struct fipc_sconn *sc;

	switch (hdr->type) {
	case FASTIPC_MSG_REQUEST:
		fipc_do_request(w, fipc_route_find(srv, hdr->op));
		break;
	case FASTIPC_MSG_ONEWAY:
		fipc_do_oneway(w, fipc_route_find(srv, hdr->op));
		break;
	case FASTIPC_MSG_CONNECT:
		sc = fipc_sconn_get(&srv->sconns, hdr->conn_id, NULL);
		fipc_sconn_put(&srv->sconns, sc);
		if (srv->conn_fn)
			srv->conn_fn(srv->conn_ctx, hdr);
		break;
	case FASTIPC_MSG_DISCONNECT:
		if (srv->conn_fn)
			srv->conn_fn(srv->conn_ctx, hdr);
		fipc_sconn_drop(&srv->sconns, hdr->conn_id);
		break;
	default:
		break;	/* a message type from a newer kernel: ignore it */
	}
}
