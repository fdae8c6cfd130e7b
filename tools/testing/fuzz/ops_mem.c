// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc-fuzz: region mappings (mmap, partial and whole munmap,
 * mprotect, madvise), scribbling over mapped halves, poll and epoll.
 *
 * A mapping is only touched under the read side of maplock, and only
 * unmapped or reprotected under its write side, so the fuzzer never faults
 * on its own bookkeeping. Part of a mapping is "unmapped" by mapping an
 * anonymous PROT_NONE page over it (MAP_FIXED), so the hole can never be
 * reused by someone else's mmap before the whole range is unmapped.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"

#define PAGE	4096UL

static int rand_prot(struct fz_thr *t)
{
	static const int prots[] = {
		PROT_READ, PROT_READ | PROT_WRITE, PROT_NONE, PROT_WRITE,
		PROT_READ | PROT_EXEC, PROT_READ | PROT_WRITE | PROT_EXEC,
	};

	return prots[fz_below(t, sizeof(prots) / sizeof(prots[0]))];
}

int op_mmap(struct fz_thr *t)
{
	struct fz_slot sl;
	int fd = fz_slot_pick(t, fz_chance(t, 50) ? FZ_CONN : FZ_REGION, &sl);
	bool client = sl.kind != FZ_REGION;
	const struct fastipc_region_layout *lay = sl.has_layout ? &sl.layout : NULL;
	uint64_t own = lay ? (client ? lay->client_off : lay->server_off) : 0;
	uint64_t peer = lay ? (client ? lay->server_off : lay->client_off) : 4 * PAGE;
	uint64_t half = lay ? lay->half_size : 2 * PAGE;
	uint64_t off, len, r = fz_below(t, 100);
	int prot, flags = MAP_SHARED;
	void *addr;

	if (r < 55) {
		off = own;
		prot = fz_chance(t, 75) ? PROT_READ | PROT_WRITE : PROT_READ;
	} else if (r < 85) {
		off = peer;
		prot = fz_chance(t, 80) ? PROT_READ : PROT_READ | PROT_WRITE;
	} else {
		off = fz_size(t, half) & (fz_chance(t, 90) ? ~(PAGE - 1) : ~0ULL);
		prot = rand_prot(t);
	}
	if (fz_chance(t, 8))
		prot = rand_prot(t);
	len = fz_chance(t, 85) ? half : fz_size(t, half);
	if (len > (1ULL << 32))
		len = (1ULL << 32) + PAGE;	/* keep our address space sane */
	if (fz_chance(t, 8))
		flags = MAP_PRIVATE;
	if (fz_chance(t, 10))
		flags |= MAP_POPULATE;
	addr = mmap(NULL, len, prot, flags, fd, (off_t)off);
	if (addr == MAP_FAILED)
		return -errno;
	fz_map_add(t, addr, len, prot, lay);
	return 0;
}

/* A random mapping, under the write lock (the caller unlocks). */
static struct fz_map *pick_map_locked(struct fz_thr *t, bool write)
{
	struct fz_proc *p = t->p;
	int i, start = (int)fz_below(t, FZ_MAPS);

	if (write)
		pthread_rwlock_wrlock(&p->maplock);
	else
		pthread_rwlock_rdlock(&p->maplock);
	for (i = 0; i < FZ_MAPS; i++) {
		struct fz_map *m = &p->maps[(start + i) % FZ_MAPS];

		if (m->addr)
			return m;
	}
	return NULL;
}

static size_t rand_page(struct fz_thr *t, const struct fz_map *m)
{
	size_t pages = m->len / PAGE;

	return pages ? fz_below(t, pages) * PAGE : 0;
}

int op_munmap(struct fz_thr *t)
{
	struct fz_map *m = pick_map_locked(t, true);
	int ret = -ENOENT;

	if (m && fz_chance(t, 70)) {
		ret = munmap(m->addr, m->len) ? -errno : 0;
		m->addr = NULL;
	} else if (m) {
		size_t at = rand_page(t, m);
		size_t n = PAGE * (1 + fz_below(t, 2));
		void *a;

		if (at + n > m->len)
			n = m->len - at;
		a = mmap(m->addr + at, n, PROT_NONE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		ret = a == MAP_FAILED ? -errno : 0;
		m->whole = false;
	}
	pthread_rwlock_unlock(&t->p->maplock);
	return ret;
}

int op_mprotect(struct fz_thr *t)
{
	struct fz_map *m = pick_map_locked(t, true);
	int prot = rand_prot(t), ret = -ENOENT;

	if (m && fz_chance(t, 70)) {
		ret = mprotect(m->addr, m->len, prot) ? -errno : 0;
		if (!ret)
			m->prot = prot;
	} else if (m) {
		ret = mprotect(m->addr + rand_page(t, m), PAGE, prot) ? -errno : 0;
		if (!ret)
			m->prot &= prot;	/* the page is now at most prot */
	}
	pthread_rwlock_unlock(&t->p->maplock);
	return ret;
}

int op_madvise(struct fz_thr *t)
{
	static const int advice[] = {
		MADV_DONTNEED, MADV_REMOVE, MADV_DOFORK, MADV_DONTFORK,
		MADV_WILLNEED, MADV_COLD, MADV_PAGEOUT, MADV_FREE, MADV_NORMAL,
		MADV_RANDOM, MADV_SEQUENTIAL, MADV_DONTDUMP,
	};
	struct fz_map *m = pick_map_locked(t, false);
	int ret = -ENOENT;

	if (m) {
		size_t at = fz_chance(t, 50) ? 0 : rand_page(t, m);

		ret = madvise(m->addr + at, m->len - at,
			      advice[fz_below(t, sizeof(advice) / sizeof(advice[0]))]);
		ret = ret ? -errno : 0;
	}
	pthread_rwlock_unlock(&t->p->maplock);
	return ret;
}

static uint32_t ring_value(struct fz_thr *t, uint64_t area)
{
	static const uint32_t edges[] = { 0, 1, 8, 0x7fffffff, 0x80000000,
					  0xfffffff8, 0xffffffff };
	uint64_t r = fz_below(t, 10);

	if (r < 4)
		return (uint32_t)(fz_below(t, 4 * area) & ~7ULL);
	if (r < 6)
		return (uint32_t)(area + fz_below(t, 3) * 8 - 8);
	if (r < 8)
		return edges[fz_below(t, sizeof(edges) / sizeof(edges[0]))];
	return (uint32_t)fz_rand(t);
}

/* Write hostile values over the control page and the area of one half. */
static void scribble(struct fz_thr *t, struct fz_map *m)
{
	const struct fastipc_region_layout *l = &m->layout;
	uint32_t words[] = {
		l->producer_off ? l->producer_off : 64,
		l->consumer_off ? l->consumer_off : 128,
		l->eventcount_off ? l->eventcount_off : 192,
		l->waiting_off ? l->waiting_off : 196,
		0, 4, 8, 16,
	};
	uint64_t area = l->area_size ? l->area_size : PAGE;
	uint64_t area_off = l->area_off ? l->area_off : PAGE;
	int i, n = 1 + (int)fz_below(t, 8);

	for (i = 0; i < n; i++) {
		uint64_t off;

		if (fz_chance(t, 60))
			off = words[fz_below(t, 8)];
		else
			off = area_off + (fz_below(t, area) & ~7ULL);
		if (off + 8 > m->len)
			continue;
		if (off >= area_off && fz_chance(t, 50)) {
			struct fastipc_rec rec = {
				.len = ring_value(t, area),
				.flags = (uint32_t)fz_flags(t, 3),
			};

			memcpy(m->addr + off, &rec, sizeof(rec));
		} else {
			uint32_t v = ring_value(t, area);

			__atomic_store_n((uint32_t *)(m->addr + off), v,
					 __ATOMIC_RELEASE);
		}
	}
}

int op_scribble(struct fz_thr *t)
{
	struct fz_map *m = pick_map_locked(t, false);
	int ret = -ENOENT;

	if (m && m->whole && (m->prot & PROT_WRITE)) {
		scribble(t, m);
		__atomic_fetch_add(&t->p->sh->scribbles, 1, __ATOMIC_RELAXED);
		ret = 0;
	} else if (m && m->whole && (m->prot & PROT_READ) && m->len >= PAGE) {
		/* read the peer's words, as a consumer would */
		volatile uint32_t *w = (volatile uint32_t *)m->addr;
		uint32_t sum = 0;
		size_t i;

		for (i = 0; i < 64; i++)
			sum += w[i];
		ret = (int)(sum & 0);
	}
	pthread_rwlock_unlock(&t->p->maplock);
	return ret;
}

static uint32_t rand_events(struct fz_thr *t)
{
	static const uint32_t ev[] = {
		EPOLLIN, EPOLLOUT, EPOLLIN | EPOLLOUT, EPOLLIN | EPOLLET,
		EPOLLIN | EPOLLONESHOT, EPOLLIN | EPOLLEXCLUSIVE, EPOLLHUP,
		EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLPRI,
	};

	if (fz_chance(t, 90))
		return ev[fz_below(t, sizeof(ev) / sizeof(ev[0]))];
	return (uint32_t)fz_rand(t);
}

int op_poll(struct fz_thr *t)
{
	struct pollfd pfd[6];
	struct fz_slot sl;
	int i, n = 1 + (int)fz_below(t, 6);

	for (i = 0; i < n; i++) {
		pfd[i].fd = fz_slot_pick(t, FZ_ANY, &sl);
		pfd[i].events = (short)(fz_chance(t, 90) ?
			fz_flags(t, POLLIN | POLLOUT | POLLPRI | POLLRDHUP) :
			fz_rand(t));
		pfd[i].revents = 0;
	}
	i = poll(pfd, (nfds_t)n, (int)fz_below(t, 6));
	return i < 0 ? -errno : i;
}

int op_epoll(struct fz_thr *t)
{
	struct epoll_event ev[8];
	struct fz_slot sl, tgt;
	int ep = fz_slot_pick(t, FZ_EPOLL, &sl), ret;
	uint64_t r = fz_below(t, 100);

	if (ep < 0 || sl.kind != FZ_EPOLL || r < 10) {
		ep = epoll_create1(EPOLL_CLOEXEC);
		if (ep < 0)
			return -errno;
		fz_slot_add(t, ep, FZ_EPOLL, 0, NULL);
		r = fz_below(t, 60);
	}
	if (r < 60) {
		int op = r < 45 ? EPOLL_CTL_ADD : r < 53 ? EPOLL_CTL_MOD : EPOLL_CTL_DEL;

		ev[0].events = rand_events(t);
		ev[0].data.u64 = fz_rand(t);
		ret = epoll_ctl(ep, op, fz_slot_pick(t, FZ_ANY, &tgt), ev);
		if (ret < 0)
			return -errno;
	}
	ret = epoll_wait(ep, ev, 8, (int)fz_below(t, 6));
	return ret < 0 ? -errno : ret;
}
