/* SPDX-License-Identifier: LGPL-2.1 OR MIT */
/*
 * One side's mapping of a connection's region: our half read-write, the
 * peer's read-only, the two rings and the doorbell. Internal.
 */
#ifndef _FASTIPC_REGION_H
#define _FASTIPC_REGION_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/fastipc.h>

#include "bell.h"
#include "ring.h"

struct fipc_region {
	void *own;			/* our half, read-write */
	const void *peer;		/* the peer's half, read-only */
	size_t half;			/* bytes mapped per half */
	bool mapped;			/* munmap() both on free */
	int fd;				/* region fd we own (server), or -1 */
	struct fastipc_region_layout lo;
	pthread_mutex_t lock;		/* tx, rx */
	struct fipc_ring tx;		/* we produce, in our area */
	struct fipc_ring rx;		/* we consume, in the peer's area */
	struct fipc_bell bell;
	bool stream;			/* a stream owns the rings */
};

/* Check a layout from the kernel (or a test). Return: 0 or -EPROTO. */
int fipc_layout_check(const struct fastipc_region_layout *lo);

/*
 * fipc_region_setup() - Fill @g for halves already mapped at @own and
 * @peer; @fd is the doorbell fd (-1: futexes). Return: 0 or -EPROTO.
 */
int fipc_region_setup(struct fipc_region *g, void *own, const void *peer,
		      const struct fastipc_region_layout *lo, int fd);

/*
 * fipc_region_map() - mmap() both halves from @fd (a connection fd when
 * @client, else a region fd, then owned by the region) and set up.
 * Return: 0, -EPROTO (bad layout), -ENOMEM, or an mmap() error.
 */
int fipc_region_map(struct fipc_region **gp, int fd,
		    const struct fastipc_region_layout *lo, bool client);

/*
 * fipc_region_drop_fd() - Give up the region fd of a server mapping (the
 * mappings stay; the caller closes the fd): the doorbell then rings
 * through @kick(@arg), and waiting on it is -EOPNOTSUPP.
 * Return: the fd, now the caller's.
 */
int fipc_region_drop_fd(struct fipc_region *g, int (*kick)(void *),
			void *arg);

/* Unmap, close the region fd, free (NULL is a no-op). */
void fipc_region_free(struct fipc_region *g);

/*
 * fipc_region_reserve() - Reserve @len bytes in our ring, waiting on the
 * doorbell for room until @timeout_ns (UINT64_MAX: forever; 0: not at
 * all). Takes the lock. Return: 0 with *@off, -EMSGSIZE, -EAGAIN (full
 * and no time left), -ETIMEDOUT, -EPROTO, or a WAIT error.
 */
int fipc_region_reserve(struct fipc_region *g, uint32_t len, uint32_t *off,
			uint64_t timeout_ns);

/* Commit or cancel a reservation of ours, then ring the bell. Locks. */
int fipc_region_commit(struct fipc_region *g, uint32_t off);
int fipc_region_cancel(struct fipc_region *g, uint32_t off);

/* fipc_prod_reserved() on our ring, locked. */
int fipc_region_reserved(struct fipc_region *g, uint32_t off, uint32_t *len);

/* Claim / release a record in the peer's ring (a descriptor). Locks. */
int fipc_region_claim(struct fipc_region *g, uint32_t off, uint32_t len);
int fipc_region_release(struct fipc_region *g, uint32_t off);

static inline void *fipc_tx_ptr(struct fipc_region *g, uint32_t off)
{
	return g->tx.area + off;
}

static inline const void *fipc_rx_ptr(struct fipc_region *g, uint32_t off)
{
	return g->rx.area + off;
}

/* Offset in our area of @p, or -1 if @p is not a payload there. */
int64_t fipc_tx_off(struct fipc_region *g, const void *p);

/* Errors counted by both ring views. */
uint64_t fipc_region_errors(struct fipc_region *g);

/*
 * Region sizing in payload terms, mirroring the kernel's rounding
 * (kmod/region.c): a region_size asked for at CONNECT becomes two halves
 * of one control page and one area each, the area the power of two
 * roundup_pow2(max(ceil(region_size / 2), page)); one record of a ring
 * holds at most area / 2 - 8 bytes (fipc_ring_max_len()). Areas above
 * FIPC_AREA_MAX bytes are never made (the kernel keeps them below 2 GiB).
 */
#define FIPC_AREA_MAX		(1ULL << 30)

/* The area the kernel makes of @region_size; 0 if it cannot be made. */
uint64_t fipc_region_area(uint64_t region_size, uint64_t page);

/*
 * fipc_region_for_payload() - The smallest region_size whose rings take a
 * record of @payload bytes (an area of roundup_pow2(2 * (@payload + 8)),
 * at least a page), to be passed to CONNECT as it is; 0 when no region
 * can (above FIPC_AREA_MAX / 2 - 8 bytes).
 */
uint64_t fipc_region_for_payload(uint64_t payload, uint64_t page);

/* The bytes the kernel holds for @region_size: 2 * (page + area). */
uint64_t fipc_region_bytes(uint64_t region_size, uint64_t page);

#endif /* _FASTIPC_REGION_H */
