// SPDX-License-Identifier: LGPL-2.1 OR MIT
/*
 * Regions: checking the layout the kernel returned, mapping the halves
 * (ours read-write, the peer's read-only), and the locked ring operations
 * the call path and streams share.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "barrier.h"
#include "region.h"

static bool fipc_word_ok(uint32_t off, uint32_t area_off)
{
	return off % 4 == 0 && off + 4 <= area_off;
}

int fipc_layout_check(const struct fastipc_region_layout *lo)
{
	uint64_t a = lo->area_size;

	if (lo->version < FASTIPC_REGION_VERSION || a < 64 || (a & (a - 1)) ||
	    lo->area_off % FASTIPC_REC_ALIGN ||
	    (uint64_t)lo->area_off + a > lo->half_size ||
	    lo->half_size > SIZE_MAX / 2 ||
	    !fipc_word_ok(lo->producer_off, lo->area_off) ||
	    !fipc_word_ok(lo->consumer_off, lo->area_off) ||
	    !fipc_word_ok(lo->eventcount_off, lo->area_off) ||
	    !fipc_word_ok(lo->waiting_off, lo->area_off))
		return -EPROTO;
	return 0;
}

static uint32_t *fipc_word(const void *half, uint32_t off)
{
	return (uint32_t *)((uintptr_t)half + off);
}

int fipc_region_setup(struct fipc_region *g, void *own, const void *peer,
		      const struct fastipc_region_layout *lo, int fd)
{
	uint8_t *own_area = (uint8_t *)own + lo->area_off;
	uint8_t *peer_area = (uint8_t *)(uintptr_t)peer + lo->area_off;
	int ret;

	ret = fipc_layout_check(lo);
	if (ret < 0)
		return ret;
	g->own = own;
	g->peer = peer;
	g->lo = *lo;
	g->half = lo->half_size;
	ret = fipc_ring_init(&g->tx, own_area, lo->area_size,
			     fipc_word(own, lo->producer_off),
			     fipc_word(peer, lo->consumer_off), true);
	if (ret == 0)
		ret = fipc_ring_init(&g->rx, peer_area, lo->area_size,
				     fipc_word(peer, lo->producer_off),
				     fipc_word(own, lo->consumer_off), false);
	if (ret < 0)
		return -EPROTO;
	memset(&g->bell, 0, sizeof(g->bell));
	g->bell.fd = fd;
	g->bell.own_ec = fipc_word(own, lo->eventcount_off);
	g->bell.own_waiting = fipc_word(own, lo->waiting_off);
	g->bell.peer_ec = fipc_word(peer, lo->eventcount_off);
	g->bell.peer_waiting = fipc_word(peer, lo->waiting_off);
	return pthread_mutex_init(&g->lock, NULL) ? -ENOMEM : 0;
}

static void *fipc_mmap(int fd, size_t len, int prot, uint64_t off, int *err)
{
	void *p = mmap(NULL, len, prot, MAP_SHARED, fd, (off_t)off);

	if (p == MAP_FAILED) {
		*err = -errno;
		return NULL;
	}
	return p;
}

int fipc_region_map(struct fipc_region **gp, int fd,
		    const struct fastipc_region_layout *lo, bool client)
{
	uint64_t own_off = client ? lo->client_off : lo->server_off;
	uint64_t peer_off = client ? lo->server_off : lo->client_off;
	struct fipc_region *g;
	void *own, *peer;
	int ret = fipc_layout_check(lo);

	if (ret < 0)
		return ret;
	g = calloc(1, sizeof(*g));
	if (!g)
		return -ENOMEM;
	own = fipc_mmap(fd, lo->half_size, PROT_READ | PROT_WRITE, own_off, &ret);
	peer = own ? fipc_mmap(fd, lo->half_size, PROT_READ, peer_off, &ret) : NULL;
	if (peer)
		ret = fipc_region_setup(g, own, peer, lo, fd);
	if (!peer || ret < 0) {
		if (own)
			munmap(own, lo->half_size);
		if (peer)
			munmap(peer, lo->half_size);
		free(g);
		return ret;
	}
	g->mapped = true;
	g->fd = client ? -1 : fd;
	*gp = g;
	return 0;
}

int fipc_region_drop_fd(struct fipc_region *g, int (*kick)(void *),
			void *arg)
{
	int fd = g->fd;

	g->fd = -1;
	g->bell.fd = -1;
	g->bell.kick = kick;
	g->bell.kick_arg = arg;
	return fd;
}

void fipc_region_free(struct fipc_region *g)
{
	if (!g)
		return;
	if (g->mapped) {
		munmap(g->own, g->half);
		munmap((void *)(uintptr_t)g->peer, g->half);
		if (g->fd >= 0)
			close(g->fd);
	}
	pthread_mutex_destroy(&g->lock);
	free(g);
}

struct fipc_room {
	const uint32_t *cons;
	uint32_t seen;
};

/* The consumer index moved: there may be room now. */
static bool fipc_room_ready(void *arg)
{
	struct fipc_room *w = arg;

	return fipc_load_acquire(w->cons) != w->seen;	/* A */
}

int fipc_region_reserve(struct fipc_region *g, uint32_t len, uint32_t *off,
			uint64_t timeout_ns)
{
	uint64_t deadline = fipc_deadline(timeout_ns);
	struct fipc_room w = { .cons = g->tx.cons };
	uint64_t left;
	int ret;

	for (;;) {
		pthread_mutex_lock(&g->lock);
		w.seen = fipc_load_once(g->tx.cons);
		ret = fipc_prod_reserve(&g->tx, len, off);
		pthread_mutex_unlock(&g->lock);
		if (ret != -EAGAIN)
			return ret;
		left = fipc_left(deadline);
		if (!left)
			return timeout_ns ? -ETIMEDOUT : -EAGAIN;
		ret = fipc_bell_wait(&g->bell, fipc_room_ready, &w, left);
		if (ret < 0 && ret != -ETIMEDOUT)
			return ret;
	}
}

int fipc_region_commit(struct fipc_region *g, uint32_t off)
{
	int ret;

	pthread_mutex_lock(&g->lock);
	ret = fipc_prod_commit(&g->tx, off);
	pthread_mutex_unlock(&g->lock);
	if (ret == 0)
		fipc_bell_ring(&g->bell);
	return ret;
}

int fipc_region_cancel(struct fipc_region *g, uint32_t off)
{
	int ret;

	pthread_mutex_lock(&g->lock);
	ret = fipc_prod_cancel(&g->tx, off);
	pthread_mutex_unlock(&g->lock);
	if (ret == 0)
		fipc_bell_ring(&g->bell);
	return ret;
}

int fipc_region_reserved(struct fipc_region *g, uint32_t off, uint32_t *len)
{
	int ret;

	pthread_mutex_lock(&g->lock);
	ret = fipc_prod_reserved(&g->tx, off, len);
	pthread_mutex_unlock(&g->lock);
	return ret;
}

int fipc_region_claim(struct fipc_region *g, uint32_t off, uint32_t len)
{
	int ret;

	pthread_mutex_lock(&g->lock);
	ret = fipc_cons_claim(&g->rx, off, len);
	pthread_mutex_unlock(&g->lock);
	return ret;
}

int fipc_region_release(struct fipc_region *g, uint32_t off)
{
	int ret;

	pthread_mutex_lock(&g->lock);
	ret = fipc_cons_release(&g->rx, off);
	pthread_mutex_unlock(&g->lock);
	if (ret > 0)
		fipc_bell_ring(&g->bell);	/* the producer may wait for room */
	return ret < 0 ? ret : 0;
}

int64_t fipc_tx_off(struct fipc_region *g, const void *p)
{
	uintptr_t a = (uintptr_t)g->tx.area, q = (uintptr_t)p;

	if (q < a + FIPC_REC_HDR || q > a + g->tx.size)
		return -1;
	return (int64_t)(q - a);
}

uint64_t fipc_region_errors(struct fipc_region *g)
{
	uint64_t n;

	pthread_mutex_lock(&g->lock);
	n = g->tx.errors + g->rx.errors;
	pthread_mutex_unlock(&g->lock);
	return n;
}

static uint64_t fipc_pow2_up(uint64_t v)
{
	uint64_t p = 1;

	while (p < v)
		p <<= 1;
	return p;
}

uint64_t fipc_region_area(uint64_t region_size, uint64_t page)
{
	uint64_t half = region_size / 2 + region_size % 2;

	if (!region_size || half > FIPC_AREA_MAX)
		return 0;
	return fipc_pow2_up(half > page ? half : page);
}

uint64_t fipc_region_for_payload(uint64_t payload, uint64_t page)
{
	uint64_t area;

	if (payload > FIPC_AREA_MAX / 2 - FIPC_REC_HDR)
		return 0;
	area = fipc_pow2_up(2 * (payload + FIPC_REC_HDR));
	if (area < page)
		area = page;
	return 2 * area;
}

uint64_t fipc_region_bytes(uint64_t region_size, uint64_t page)
{
	uint64_t area = fipc_region_area(region_size, page);

	return area ? 2 * (page + area) : 0;
}
