// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc-fuzz: typed random arguments.
 *
 * Every value is mostly valid (so calls get past the first check and reach
 * the interesting code) and sometimes at an edge or plainly wrong.
 * Pointers are either our own buffers or known-bad addresses; never random
 * numbers, which could land in the fuzzer's own heap or stacks.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "fuzz.h"

#define PAGE	4096UL

uint64_t fz_rand(struct fz_thr *t)
{
	/* splitmix64: a good generator from any seed, one word of state */
	uint64_t z = (t->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

uint64_t fz_below(struct fz_thr *t, uint64_t n)
{
	return n ? fz_rand(t) % n : 0;
}

bool fz_chance(struct fz_thr *t, unsigned int percent)
{
	return fz_below(t, 100) < percent;
}

/* A size near k or at one of the usual edges. */
uint64_t fz_size(struct fz_thr *t, uint64_t k)
{
	static const uint64_t edges[] = {
		0, 1, 4095, 4096, 65535, 65536, 65537, PAGE, 1ULL << 31,
		(1ULL << 32) - 1, 1ULL << 63, ~0ULL,
	};
	uint64_t r = fz_below(t, 10);

	if (r < 3)
		return k + fz_below(t, 3) - 1;	/* k-1, k, k+1 */
	if (r < 6)
		return fz_below(t, k ? k + 1 : 64);
	if (r < 7)
		return fz_below(t, 256);
	return edges[fz_below(t, sizeof(edges) / sizeof(edges[0]))];
}

/* Mostly a subset of the valid bits; sometimes random bits. */
uint32_t fz_flags(struct fz_thr *t, uint32_t valid)
{
	if (fz_chance(t, 90))
		return (uint32_t)fz_rand(t) & valid;
	if (fz_chance(t, 50))
		return 1U << fz_below(t, 32);
	return (uint32_t)fz_rand(t);
}

uint32_t fz_mode(struct fz_thr *t)
{
	static const uint32_t modes[] = { 0600, 0666, 0777, 0, 0200, 0400, 0660 };

	if (fz_chance(t, 92))
		return modes[fz_below(t, sizeof(modes) / sizeof(modes[0]))];
	return fz_chance(t, 50) ? 01000 | 0600 : (uint32_t)fz_rand(t);
}

uint64_t fz_key(struct fz_thr *t)
{
	uint64_t r = fz_below(t, 100);

	if (r < 85)
		return 0x1000 + fz_below(t, 6);
	if (r < 92)
		return ~0ULL;
	if (r < 96)
		return 1ULL << 63;
	return fz_rand(t);
}

static void edge_name(struct fz_thr *t, char name[FASTIPC_NAME_MAX])
{
	memset(name, 0, FASTIPC_NAME_MAX);
	switch (fz_below(t, 9)) {
	case 0:
		break;				/* empty */
	case 1:
		memset(name, '~', FASTIPC_NAME_MAX - 1);	/* longest */
		break;
	case 2:
		memset(name, 'n', FASTIPC_NAME_MAX);	/* no NUL */
		break;
	case 3:
		strcpy(name, "fz/slash");
		break;
	case 4:
		strcpy(name, "fz space");
		break;
	case 5:
		name[0] = 0x7f;
		break;
	case 6:
		strcpy(name, "fz.a");
		name[10] = 'g';			/* garbage after the NUL */
		break;
	case 7:
		name[0] = '!';
		break;
	default:
		name[0] = (char)0x80;
		name[1] = 'x';
		break;
	}
}

void fz_name(struct fz_thr *t, char name[FASTIPC_NAME_MAX])
{
	if (fz_chance(t, 8)) {
		edge_name(t, name);
		return;
	}
	memset(name, 0, FASTIPC_NAME_MAX);
	name[0] = 'f';
	name[1] = 'z';
	name[2] = '.';
	name[3] = (char)('a' + fz_below(t, 16));
}

void fz_ref(struct fz_thr *t, struct fastipc_chan_ref *ref, bool create)
{
	uint64_t r = fz_below(t, 100);

	memset(ref, 0, sizeof(*ref));
	if (create) {
		fz_name(t, ref->name);
		if (r < 50)
			ref->key = fz_key(t);
		return;
	}
	if (r < 50) {
		fz_name(t, ref->name);
	} else if (r < 88) {
		ref->key = fz_key(t);
	} else if (r < 95) {
		fz_name(t, ref->name);
		ref->key = fz_key(t);
	}
}

uint64_t fz_bad_ptr(struct fz_thr *t)
{
	struct fz_proc *p = t->p;

	switch (fz_below(t, 9)) {
	case 0:
		return 0;
	case 1:
		return ~0ULL;
	case 2:
		return 0xffff888000000000ULL;	/* the direct map */
	case 3:
		return 0xffffffff81000000ULL;	/* kernel text */
	case 4:
		return 0x0000800000000000ULL;	/* just past user space */
	case 5:
		return (uintptr_t)p->none_page + fz_below(t, 64);
	case 6:
		return (uintptr_t)p->ro_page;
	case 7:
		return (uintptr_t)p->rw_page + PAGE - 8;	/* straddles */
	default:
		return (uintptr_t)p->rw_page + PAGE - 1;
	}
}

uint64_t fz_in_ptr(struct fz_thr *t, const void *buf)
{
	return fz_chance(t, 92) ? (uintptr_t)buf : fz_bad_ptr(t);
}

uint64_t fz_out_ptr(struct fz_thr *t, void *buf)
{
	return fz_chance(t, 92) ? (uintptr_t)buf : fz_bad_ptr(t);
}

/*
 * Flags and timeout for a blocking ioctl. The result always bounds the
 * wait: FASTIPC_F_TIMEOUT with at most 20 ms, or FASTIPC_F_NONBLOCK (and
 * must_time, for CALL whose NONBLOCK still waits for the reply, forces
 * the timeout).
 */
uint32_t fz_wait_flags(struct fz_thr *t, __u64 *timeout_ns, bool must_time)
{
	static const uint64_t short_ns[] = { 0, 1, 1000, 100000, 1000000 };
	uint32_t f;

	if (must_time || fz_chance(t, 50)) {
		f = FASTIPC_F_TIMEOUT;
		if (fz_chance(t, 50))
			*timeout_ns = short_ns[fz_below(t, 5)];
		else
			*timeout_ns = fz_below(t, 20000001);
		if (fz_chance(t, 20))
			f |= FASTIPC_F_NONBLOCK;
	} else {
		f = FASTIPC_F_NONBLOCK;
		*timeout_ns = 0;
		if (fz_chance(t, 10)) {
			/* NONBLOCK never sleeps: any timeout is safe */
			f |= FASTIPC_F_TIMEOUT;
			*timeout_ns = fz_size(t, 20000000);
		} else if (fz_chance(t, 3)) {
			*timeout_ns = 1 + fz_below(t, 1000); /* without F_TIMEOUT */
		}
	}
	if (fz_chance(t, 4))
		f |= (uint32_t)fz_rand(t) & ~3U;
	return f;
}

void fz_fill(struct fz_thr *t, void *buf, size_t len)
{
	unsigned char *b = buf;
	size_t i;
	uint64_t v = 0;

	for (i = 0; i < len; i++) {
		if (!(i & 7))
			v = fz_rand(t);
		b[i] = (unsigned char)v;
		v >>= 8;
	}
}

uint64_t fz_foreign_conn(struct fz_thr *t)
{
	uint64_t r = fz_below(t, 10);

	if (r < 6)
		return __atomic_load_n(&t->p->sh->conn_pool[fz_below(t, FZ_POOL)],
				       __ATOMIC_RELAXED);
	if (r < 8)
		return fz_below(t, 64);
	return fz_size(t, 1);
}

uint64_t fz_foreign_msg(struct fz_thr *t)
{
	uint64_t r = fz_below(t, 10);

	if (r < 6)
		return __atomic_load_n(&t->p->sh->msg_pool[fz_below(t, FZ_POOL)],
				       __ATOMIC_RELAXED);
	if (r < 8)
		return fz_below(t, 1024);
	return fz_size(t, 1);
}

void fz_publish(struct fz_thr *t, int fd, uint64_t conn_id, uint64_t msg_id)
{
	struct fz_shared *sh = t->p->sh;

	if (fd >= 0)
		__atomic_store_n(&sh->fd_pool[fz_below(t, FZ_POOL)], fd,
				 __ATOMIC_RELAXED);
	if (conn_id)
		__atomic_store_n(&sh->conn_pool[fz_below(t, FZ_POOL)], conn_id,
				 __ATOMIC_RELAXED);
	if (msg_id)
		__atomic_store_n(&sh->msg_pool[fz_below(t, FZ_POOL)], msg_id,
				 __ATOMIC_RELAXED);
}

/* A descriptor into own_area of a region laid out as lay (or none). */
void fz_desc(struct fz_thr *t, struct fastipc_desc *d, uint32_t own_area,
	     const struct fastipc_region_layout *lay)
{
	uint64_t area = lay && lay->area_size ? lay->area_size : 4 * PAGE;
	uint64_t r = fz_below(t, 100);

	memset(d, 0, sizeof(*d));
	if (r < 35)
		return;				/* AREA_NONE */
	d->area = r < 90 ? own_area : (uint32_t)fz_below(t, 5);
	if (fz_chance(t, 85)) {
		d->offset = fz_below(t, area) & ~7ULL;
		d->len = (uint32_t)fz_below(t, area - d->offset + 1);
	} else {
		d->offset = fz_size(t, area);
		d->len = (uint32_t)fz_size(t, area);
	}
}

/* A variant of cmd: other sizes, directions and numbers. */
static unsigned long vary_cmd(struct fz_thr *t, unsigned long cmd,
			      size_t size, size_t ver0)
{
	static const size_t sizes[] = { 0, 1, 8, 4096, 4097, 16383 };
	unsigned int dir = _IOC_DIR(cmd), nr = _IOC_NR(cmd);
	size_t sz = size;

	switch (fz_below(t, 6)) {
	case 0:
		sz = ver0 - 1;
		break;
	case 1:
		sz = ver0;
		break;
	case 2:
		sz = size + 8 * (1 + fz_below(t, 4));
		break;
	case 3:
		sz = sizes[fz_below(t, sizeof(sizes) / sizeof(sizes[0]))];
		break;
	case 4:
		dir = (unsigned int)fz_below(t, 4);
		break;
	default:
		nr = (unsigned int)fz_below(t, 0x40);
		break;
	}
	return _IOC(dir, FASTIPC_IOC_MAGIC, nr, sz & _IOC_SIZEMASK);
}

/*
 * ioctl(fd, cmd, arg) with arg copied to the argument buffer, the number
 * sometimes varied, the tail past the struct sometimes non-zero and the
 * pointer sometimes bad. What the kernel wrote back is copied to arg.
 * Returns the ioctl's result or -errno.
 */
int fz_ioctl(struct fz_thr *t, int fd, unsigned long cmd, void *arg,
	     size_t size, size_t ver0)
{
	unsigned long c = cmd;
	size_t csz, tail;
	char *buf = t->argbuf;
	unsigned long ptr;
	int ret;

	if (fz_chance(t, 8))
		c = vary_cmd(t, cmd, size, ver0);
	csz = _IOC_SIZE(c);
	memcpy(buf, arg, size);
	tail = csz > size ? csz - size : 0;
	if (tail && fz_chance(t, 30))
		fz_fill(t, buf + size, tail);
	else if (tail)
		memset(buf + size, 0, tail);
	ptr = (uintptr_t)buf;
	if (fz_chance(t, 3)) {
		ptr = fz_bad_ptr(t);
	} else if (fz_chance(t, 2)) {
		/* the struct straddles the read-write page and a PROT_NONE one */
		size_t in = size / 2 + fz_below(t, size / 2 + 1);

		memcpy(t->p->rw_page + PAGE - in, arg, in);
		ptr = (uintptr_t)t->p->rw_page + PAGE - in;
	}
	ret = ioctl(fd, c, ptr);
	if (ret < 0)
		ret = -errno;
	if (ptr == (uintptr_t)buf)
		memcpy(arg, buf, size);
	return ret;
}
