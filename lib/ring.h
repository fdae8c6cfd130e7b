/* SPDX-License-Identifier: LGPL-2.1 OR MIT */
/*
 * Record rings in a region's data areas (the format is in <linux/fastipc.h>,
 * "Shared-memory regions"). Internal to libfastipc; the unit tests build
 * ring.c and bell.c on their own.
 *
 * One struct fipc_ring is one side's view of one ring: the producer's (it
 * writes records and the producer index) or the consumer's (it reads them
 * and writes the consumer index). The view is not thread-safe: callers
 * hold their own lock.
 *
 * Out-of-order completion: both sides keep a small table of outstanding
 * records (slots), in ring order. A producer may commit its reservations
 * in any order; the shared producer index only moves over the contiguous
 * committed prefix. A consumer may release in any order; the shared
 * consumer index only moves over the contiguous released prefix.
 *
 * Records reach a consumer in two ways:
 *  - stream mode: fipc_cons_peek() walks the ring from the producer index;
 *  - call mode: a descriptor delivered by the kernel names the record, and
 *    fipc_cons_claim() takes it; records nobody claimed (in flight) stop
 *    the consumer index until they are claimed and released, or until
 *    their producer abandons them (FASTIPC_REC_SKIP).
 *
 * Hostile peers: every word read from the region is read once and checked;
 * a violation returns -EPROTO (an index out of range) or -EBADMSG (a bad
 * record), bumps ->errors, and never loops: every loop is bounded by the
 * slot count.
 */
#ifndef _FASTIPC_RING_H
#define _FASTIPC_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/fastipc.h>


#define FIPC_REC_HDR		((uint32_t)sizeof(struct fastipc_rec))
#define FIPC_SLOTS		256	/* outstanding records per ring view */

enum fipc_slot_state {
	FIPC_SLOT_FREE = 0,
	FIPC_SLOT_BUSY,		/* reserved / claimed */
	FIPC_SLOT_DONE,		/* committed / released */
};

struct fipc_slot {
	uint32_t idx;		/* free-running index of the record (or pad) */
	uint32_t end;		/* index just past it */
	uint32_t off;		/* payload offset in the area */
	uint32_t len;		/* payload length in the header */
	uint16_t refs;		/* consumer: claims not yet released */
	uint16_t state;		/* enum fipc_slot_state */
};

struct fipc_ring {
	uint8_t *area;		/* the data area */
	uint32_t size;		/* area size, a power of two */
	uint32_t mask;
	uint32_t *prod;		/* shared producer index */
	uint32_t *cons;		/* shared consumer index */
	uint32_t head;		/* published producer / released consumer */
	uint32_t tail;		/* reserved (producer) / peeked (consumer) */
	uint32_t cached;	/* last peer index read: consumer or producer */
	uint32_t first;		/* slot[] is a circular list in ring order: */
	uint32_t n;		/* slot[first .. first + n) */
	bool stream;		/* consumer: records come from peek only */
	uint64_t errors;	/* protocol violations seen */
	struct fipc_slot slot[FIPC_SLOTS];
};

/* Bytes a record of @len payload bytes takes in the area. */
static inline uint64_t fipc_rec_size(uint64_t len)
{
	return (FIPC_REC_HDR + len + FASTIPC_REC_ALIGN - 1) &
	       ~(uint64_t)(FASTIPC_REC_ALIGN - 1);
}

/* Largest payload a ring of @size bytes takes in one record. */
static inline uint32_t fipc_ring_max_len(uint32_t size)
{
	return size / 2 - FIPC_REC_HDR;
}

/*
 * fipc_ring_init() - Set up a view of the ring in @area (@size bytes, a
 * power of two of at least 64) with its shared indices @prod and @cons.
 * The local indices start at the shared ones (@producer: ours is *@prod).
 * Return: 0, or -EINVAL for a bad size.
 */
int fipc_ring_init(struct fipc_ring *r, void *area, uint32_t size,
		   uint32_t *prod, uint32_t *cons, bool producer);

/*
 * Producer. fipc_prod_reserve() takes room for a @len-byte payload (and
 * the pad record before it when it does not fit before the area's end)
 * and returns its offset in the area in *@off. Return: 0, -EMSGSIZE (@len
 * above fipc_ring_max_len()), -EAGAIN (ring or slot table full: retry
 * after the consumer released), -EPROTO (the consumer index is corrupt).
 */
int fipc_prod_reserve(struct fipc_ring *r, uint32_t len, uint32_t *off);

/*
 * fipc_prod_commit() - The payload at @off is written: publish it, and
 * with it the contiguous committed prefix (store-release, B). The record
 * keeps its reserved length (a descriptor may say less). Return: 0, or
 * -ENOENT (@off is not reserved).
 */
int fipc_prod_commit(struct fipc_ring *r, uint32_t off);

/*
 * fipc_prod_reserved() - Whether @off is a record we reserved and have
 * neither committed nor cancelled, from our private slot table (nothing
 * the peer can write). Return: 0 with its reserved length in *@len, or
 * -ENOENT.
 */
int fipc_prod_reserved(struct fipc_ring *r, uint32_t off, uint32_t *len);

/*
 * fipc_prod_cancel() - Give up the record at @off, reserved or already
 * committed: the last reservation is simply taken back, any other record
 * is marked FASTIPC_REC_SKIP (and committed) so that the consumer skips it.
 * Return: 0, or -ENOENT (@off is not a record of ours).
 */
int fipc_prod_cancel(struct fipc_ring *r, uint32_t off);

/*
 * Consumer. fipc_cons_peek() (stream mode) returns the next record's
 * payload offset and length, after loading the producer index with
 * acquire (C). Return: 0, -EAGAIN (empty), -ENOBUFS (FIPC_SLOTS records
 * peeked and not released), -EPROTO (bad producer index), -EBADMSG (bad
 * record).
 */
int fipc_cons_peek(struct fipc_ring *r, uint32_t *off, uint32_t *len);

/*
 * fipc_cons_claim() - (call mode) Take the record whose payload a
 * descriptor names: @off, @len bytes. Checks alignment, bounds and the
 * record header (read once). A record may be claimed more than once; each
 * claim needs a release. Return: 0, -EBADMSG, -EAGAIN (slot table full).
 */
int fipc_cons_claim(struct fipc_ring *r, uint32_t off, uint32_t len);

/*
 * fipc_cons_release() - Done with the record at @off: the shared consumer
 * index moves over the contiguous released prefix (store-release, D).
 * Return: 1 when the shared index moved (the producer may be waiting for
 * room), 0 when not, -ENOENT (@off not claimed or peeked).
 */
int fipc_cons_release(struct fipc_ring *r, uint32_t off);

/* True when the peer's index moved since we last looked (for waiters). */
bool fipc_prod_has_room(struct fipc_ring *r, uint32_t len);
bool fipc_cons_has_data(struct fipc_ring *r);

#endif /* _FASTIPC_RING_H */
