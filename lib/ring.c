// SPDX-License-Identifier: LGPL-2.1 OR MIT
/*
 * Record rings: producer and consumer views, out-of-order completion over
 * a table of outstanding records. The contract is in ring.h; the memory
 * ordering argument, (A)-(F), in <linux/fastipc.h>.
 */
#include <errno.h>
#include <string.h>

#include "barrier.h"
#include "ring.h"

#define SLOT(r, i)	(&(r)->slot[((r)->first + (i)) % FIPC_SLOTS])

static struct fastipc_rec *fipc_rec_at(struct fipc_ring *r, uint32_t pos)
{
	return (struct fastipc_rec *)(r->area + pos);
}

static int fipc_bad(struct fipc_ring *r, int err)
{
	r->errors++;
	return err;
}

int fipc_ring_init(struct fipc_ring *r, void *area, uint32_t size,
		   uint32_t *prod, uint32_t *cons, bool producer)
{
	if (size < 64 || (size & (size - 1)))
		return -EINVAL;
	memset(r, 0, sizeof(*r));
	r->area = area;
	r->size = size;
	r->mask = size - 1;
	r->prod = prod;
	r->cons = cons;
	r->head = fipc_load_once(producer ? prod : cons);
	r->tail = r->head;
	/* Producer: assume full, so that the first reserve loads (A). */
	r->cached = producer ? r->head - size : r->head;
	return 0;
}

/* ---- the slot list ---------------------------------------------------- */

static struct fipc_slot *fipc_slot_push(struct fipc_ring *r)
{
	struct fipc_slot *s = SLOT(r, r->n);

	r->n++;
	memset(s, 0, sizeof(*s));
	return s;
}

static void fipc_slot_pop(struct fipc_ring *r)
{
	SLOT(r, 0)->state = FIPC_SLOT_FREE;
	r->first = (r->first + 1) % FIPC_SLOTS;
	r->n--;
}

/* Index in the list of the live slot whose payload is at @off, or -1. */
static int fipc_slot_by_off(struct fipc_ring *r, uint32_t off)
{
	uint32_t i;

	for (i = 0; i < r->n; i++)
		if (SLOT(r, i)->off == off && SLOT(r, i)->state == FIPC_SLOT_BUSY)
			return (int)i;
	return -1;
}

/* ---- producer --------------------------------------------------------- */

/* Load the consumer index; it must lie in [cached, published]. */
static int fipc_prod_load_cons(struct fipc_ring *r)
{
	uint32_t c = fipc_load_acquire(r->cons);	/* A, matches D */

	if (c - r->cached > r->head - r->cached)
		return fipc_bad(r, -EPROTO);
	r->cached = c;
	return 0;
}

static void fipc_rec_write(struct fipc_ring *r, uint32_t pos, uint32_t len,
			   uint32_t flags)
{
	struct fastipc_rec *h = fipc_rec_at(r, pos);

	fipc_store_once(&h->len, len);
	fipc_store_once(&h->flags, flags);
}

/* Bytes the next record of @len takes, pad included. */
static uint32_t fipc_prod_need(struct fipc_ring *r, uint32_t len,
			       uint32_t *pad)
{
	uint32_t need = (uint32_t)fipc_rec_size(len);
	uint32_t pos = r->tail & r->mask;

	*pad = r->size - pos < need ? r->size - pos : 0;
	return *pad + need;
}

static void fipc_prod_publish(struct fipc_ring *r);

/*
 * A pad is a slot of its own, committed at once: a consumer that holds a
 * later record may skip the pad (its header is current) before the
 * record after it is committed, so the pad must be published as soon as
 * everything before it is.
 */
static void fipc_prod_pad(struct fipc_ring *r, uint32_t pos, uint32_t pad)
{
	struct fipc_slot *s;

	fipc_rec_write(r, pos, pad - FIPC_REC_HDR, FASTIPC_REC_PAD);
	s = fipc_slot_push(r);
	s->idx = r->tail;
	s->end = r->tail + pad;
	s->off = UINT32_MAX;
	s->state = FIPC_SLOT_DONE;
	r->tail = s->end;
	fipc_prod_publish(r);
}

bool fipc_prod_has_room(struct fipc_ring *r, uint32_t len)
{
	uint32_t pad, total = fipc_prod_need(r, len, &pad);

	if (r->tail - r->cached + total <= r->size)
		return true;
	return fipc_prod_load_cons(r) < 0 ||
	       r->tail - r->cached + total <= r->size;
}

int fipc_prod_reserve(struct fipc_ring *r, uint32_t len, uint32_t *off)
{
	uint32_t pad, pos, total;
	struct fipc_slot *s;
	int ret;

	if (len > fipc_ring_max_len(r->size))
		return -EMSGSIZE;
	if (r->n == FIPC_SLOTS)
		return -EAGAIN;
	total = fipc_prod_need(r, len, &pad);
	if (r->tail - r->cached + total > r->size) {
		ret = fipc_prod_load_cons(r);
		if (ret < 0)
			return ret;
		if (r->tail - r->cached + total > r->size)
			return -EAGAIN;
	}
	if (pad && r->n == FIPC_SLOTS - 1)
		return -EAGAIN;
	pos = r->tail & r->mask;
	if (pad)
		fipc_prod_pad(r, pos, pad);
	pos = r->tail & r->mask;
	fipc_rec_write(r, pos, len, 0);
	s = fipc_slot_push(r);
	s->idx = r->tail;
	s->end = r->tail + total - pad;
	s->off = pos + FIPC_REC_HDR;
	s->len = len;
	s->state = FIPC_SLOT_BUSY;
	r->tail = s->end;
	*off = s->off;
	return 0;
}

/* Publish the contiguous committed prefix. */
static void fipc_prod_publish(struct fipc_ring *r)
{
	uint32_t head = r->head;

	while (r->n && SLOT(r, 0)->state == FIPC_SLOT_DONE) {
		head = SLOT(r, 0)->end;
		fipc_slot_pop(r);
	}
	if (head == r->head)
		return;
	r->head = head;
	fipc_store_release(r->prod, head);	/* B, matches C */
}

int fipc_prod_commit(struct fipc_ring *r, uint32_t off)
{
	int i = fipc_slot_by_off(r, off);

	if (i < 0)
		return -ENOENT;
	SLOT(r, i)->state = FIPC_SLOT_DONE;
	fipc_prod_publish(r);
	return 0;
}

int fipc_prod_reserved(struct fipc_ring *r, uint32_t off, uint32_t *len)
{
	int i = fipc_slot_by_off(r, off);

	if (i < 0)
		return -ENOENT;
	*len = SLOT(r, i)->len;
	return 0;
}

int fipc_prod_cancel(struct fipc_ring *r, uint32_t off)
{
	int i = fipc_slot_by_off(r, off);
	struct fastipc_rec *h;

	if (i >= 0 && (uint32_t)i == r->n - 1) {
		r->tail = SLOT(r, i)->idx;	/* the last one: take it back */
		SLOT(r, i)->state = FIPC_SLOT_FREE;
		r->n--;
		return 0;
	}
	if (off < FIPC_REC_HDR || off % FASTIPC_REC_ALIGN || off > r->size)
		return -ENOENT;
	h = fipc_rec_at(r, off - FIPC_REC_HDR);
	fipc_store_release(&h->flags, FASTIPC_REC_SKIP);
	if (i >= 0) {
		SLOT(r, i)->state = FIPC_SLOT_DONE;
		fipc_prod_publish(r);
	}
	return 0;
}

/* ---- consumer --------------------------------------------------------- */

/* Load the producer index; it must lie in [peeked, released + size]. */
static int fipc_cons_load_prod(struct fipc_ring *r)
{
	uint32_t p = fipc_load_acquire(r->prod);	/* C, matches B */

	if (p - r->tail > r->head + r->size - r->tail)
		return fipc_bad(r, -EPROTO);
	r->cached = p;
	return 0;
}

bool fipc_cons_has_data(struct fipc_ring *r)
{
	return fipc_load_acquire(r->prod) != r->tail;	/* C */
}

/*
 * Call mode: bytes to skip at @idx when its header (written before any
 * record we hold beyond it, so current) is a pad or an abandoned record;
 * 0 otherwise. Each word of the header is loaded once into a local and
 * only the locals are checked.
 */
static uint32_t fipc_cons_skippable(struct fipc_ring *r, uint32_t idx)
{
	struct fastipc_rec *h = fipc_rec_at(r, idx & r->mask);
	uint32_t pos = idx & r->mask;
	uint32_t len = fipc_load_once(&h->len);
	uint32_t flags = fipc_load_acquire(&h->flags);

	if (flags == FASTIPC_REC_PAD && pos && len == r->size - pos - FIPC_REC_HDR)
		return r->size - pos;
	if (flags == FASTIPC_REC_SKIP && len <= r->size - FIPC_REC_HDR &&
	    pos + fipc_rec_size(len) <= r->size)
		return (uint32_t)fipc_rec_size(len);
	return 0;
}

/*
 * Move the shared consumer index over the released prefix (D).
 *
 * Between the index and the first record we hold, only pads and abandoned
 * records may lie: a header there may move the index up to that record,
 * never past it. So the index moves by less than one lap, each header is
 * read at most once per call, and a header that claims to reach past the
 * record we hold is a lie: counted once, and the index stays before it.
 */
static int fipc_cons_advance(struct fipc_ring *r)
{
	uint32_t head = r->head, skip;
	int i;

	for (i = 0; i < FIPC_SLOTS + 2; i++) {
		if (r->n && SLOT(r, 0)->idx == head) {
			if (SLOT(r, 0)->state != FIPC_SLOT_DONE)
				break;
			head = SLOT(r, 0)->end;
			fipc_slot_pop(r);
			continue;
		}
		if (r->stream || !r->n)
			break;
		skip = fipc_cons_skippable(r, head);
		if (!skip)
			break;
		if (skip > SLOT(r, 0)->idx - head) {
			r->errors++;	/* it would skip a record we hold */
			break;
		}
		head += skip;
	}
	if (head == r->head)
		return 0;
	r->head = head;
	if ((int32_t)(r->tail - head) < 0)
		r->tail = head;
	fipc_store_release(r->cons, head);	/* D, matches A */
	return 1;
}

/* Take the record at the peek position. 1: a pad or skip, 0: a record. */
static int fipc_cons_next(struct fipc_ring *r, uint32_t *off, uint32_t *len)
{
	uint32_t pos = r->tail & r->mask, avail = r->cached - r->tail;
	struct fastipc_rec *h = fipc_rec_at(r, pos);
	uint32_t rlen = fipc_load_once(&h->len);
	uint32_t flags = fipc_load_once(&h->flags);
	struct fipc_slot *s;
	uint64_t ext;

	if (flags & FASTIPC_REC_PAD) {
		if (flags != FASTIPC_REC_PAD || !pos ||
		    rlen != r->size - pos - FIPC_REC_HDR)
			return fipc_bad(r, -EBADMSG);
		ext = r->size - pos;
	} else {
		if ((flags & ~FASTIPC_REC_SKIP) || rlen > r->size - FIPC_REC_HDR)
			return fipc_bad(r, -EBADMSG);
		ext = fipc_rec_size(rlen);
		if (pos + ext > r->size)
			return fipc_bad(r, -EBADMSG);
	}
	if (ext > avail)
		return fipc_bad(r, -EBADMSG);
	s = fipc_slot_push(r);
	s->idx = r->tail;
	s->end = r->tail + (uint32_t)ext;
	r->tail = s->end;
	if (flags) {
		s->off = UINT32_MAX;
		s->state = FIPC_SLOT_DONE;
		fipc_cons_advance(r);
		return 1;
	}
	s->off = pos + FIPC_REC_HDR;
	s->len = rlen;
	s->refs = 1;
	s->state = FIPC_SLOT_BUSY;
	*off = s->off;
	*len = rlen;
	return 0;
}

int fipc_cons_peek(struct fipc_ring *r, uint32_t *off, uint32_t *len)
{
	int i, ret;

	for (i = 0; i < FIPC_SLOTS; i++) {
		if (r->n == FIPC_SLOTS)
			return -ENOBUFS;
		if (r->tail == r->cached) {
			ret = fipc_cons_load_prod(r);
			if (ret < 0)
				return ret;
			if (r->tail == r->cached)
				return -EAGAIN;
		}
		ret = fipc_cons_next(r, off, len);
		if (ret <= 0)
			return ret;
	}
	return -EAGAIN;
}

/* Where a record [idx, end) goes in the list; -1 if it overlaps one. */
static int fipc_cons_place(struct fipc_ring *r, uint32_t idx, uint32_t end,
			   int *same)
{
	uint32_t i, rel = idx - r->head;
	struct fipc_slot *s;

	*same = -1;
	for (i = 0; i < r->n; i++) {
		s = SLOT(r, i);
		if (s->idx == idx) {
			*same = (int)i;
			return s->end == end ? (int)i : -1;
		}
		if (s->idx - r->head > rel)
			return end - r->head > s->idx - r->head ? -1 : (int)i;
		if (s->end - r->head > rel)
			return -1;
	}
	return (int)i;
}

static void fipc_slot_insert(struct fipc_ring *r, uint32_t at)
{
	uint32_t i;

	fipc_slot_push(r);
	for (i = r->n - 1; i > at; i--)
		*SLOT(r, i) = *SLOT(r, i - 1);
	memset(SLOT(r, at), 0, sizeof(struct fipc_slot));
}

int fipc_cons_claim(struct fipc_ring *r, uint32_t off, uint32_t len)
{
	uint32_t pos, rlen, flags, idx, end;
	struct fastipc_rec *h;
	struct fipc_slot *s;
	uint64_t ext;
	int at, same;

	if (off < FIPC_REC_HDR || off % FASTIPC_REC_ALIGN || off > r->size ||
	    len > r->size - off)
		return fipc_bad(r, -EBADMSG);
	pos = off - FIPC_REC_HDR;
	h = fipc_rec_at(r, pos);
	rlen = fipc_load_once(&h->len);
	flags = fipc_load_acquire(&h->flags);
	ext = fipc_rec_size(rlen);
	if (flags || rlen < len || pos + ext > r->size)
		return fipc_bad(r, -EBADMSG);
	idx = r->head + ((pos - r->head) & r->mask);
	end = idx + (uint32_t)ext;
	if (end - r->head > r->size)
		return fipc_bad(r, -EBADMSG);
	at = fipc_cons_place(r, idx, end, &same);
	if (at < 0)
		return fipc_bad(r, -EBADMSG);
	if (same >= 0) {
		s = SLOT(r, same);
		s->refs++;
		s->state = FIPC_SLOT_BUSY;
		return 0;
	}
	if (r->n == FIPC_SLOTS)
		return -EAGAIN;
	fipc_slot_insert(r, (uint32_t)at);
	s = SLOT(r, at);
	*s = (struct fipc_slot){ .idx = idx, .end = end, .off = off,
				 .len = rlen, .refs = 1,
				 .state = FIPC_SLOT_BUSY };
	return 0;
}

int fipc_cons_release(struct fipc_ring *r, uint32_t off)
{
	int i = fipc_slot_by_off(r, off);
	struct fipc_slot *s;

	if (i < 0)
		return -ENOENT;
	s = SLOT(r, i);
	if (--s->refs)
		return 0;
	s->state = FIPC_SLOT_DONE;
	return fipc_cons_advance(r);
}
