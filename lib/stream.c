// SPDX-License-Identifier: LGPL-2.1 OR MIT
/*
 * One-way streams over a region's ring: no syscall while the consumer is
 * awake. The consumer polls the ring up to @spin times, then announces
 * that it sleeps (waiting word, F) and sleeps in FASTIPC_IOC_WAIT; the
 * producer rings FASTIPC_IOC_NOTIFY only when it sees that word (E).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

struct fastipc_stream {
	struct fipc_region *reg;
	struct fastipc_conn *conn;	/* client side, NULL on the server */
	bool tx;			/* we produce */
	uint32_t spin;
	bool held;			/* recv: a record too big for the buffer */
	uint32_t held_off;
	uint32_t held_len;
};

static inline void fipc_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#else
	atomic_signal_fence(memory_order_seq_cst);
#endif
}

static int fipc_stream_new(struct fipc_region *g, unsigned int dir, bool client,
			   const struct fastipc_stream_opts *opts,
			   struct fastipc_stream **stp)
{
	struct fastipc_stream *st;
	size_t i;

	if (dir != FASTIPC_STREAM_C2S && dir != FASTIPC_STREAM_S2C)
		return -EINVAL;
	if (opts) {
		if (opts->flags)
			return -EINVAL;
		for (i = 0; i < ARRAY_SIZE(opts->resv); i++)
			if (opts->resv[i])
				return -EINVAL;
	}
	st = calloc(1, sizeof(*st));
	if (!st)
		return -ENOMEM;
	st->reg = g;
	st->tx = (dir == FASTIPC_STREAM_C2S) == client;
	st->spin = opts ? opts->spin : FASTIPC_STREAM_SPIN_DEFAULT;
	g->stream = true;
	g->rx.stream = true;
	*stp = st;
	return 0;
}

__public __cold int fastipc_stream_open(struct fastipc_conn *conn,
					unsigned int dir,
					const struct fastipc_stream_opts *opts,
					struct fastipc_stream **stp)
{
	int ret;

	if (!conn->reg)
		return -EOPNOTSUPP;
	if (conn->reg->stream)
		return -EBUSY;
	ret = fipc_stream_new(conn->reg, dir, true, opts, stp);
	if (ret == 0)
		(*stp)->conn = conn;
	return ret;
}

__public __cold int fastipc_stream_accept(int chan_fd, uint64_t conn_id,
					  unsigned int dir,
					  const struct fastipc_stream_opts *opts,
					  struct fastipc_stream **stp)
{
	struct fastipc_conn_region arg;
	struct fipc_region *g;
	int fd, ret;

	memset(&arg, 0, sizeof(arg));
	arg.conn_id = conn_id;
	fd = fipc_ioctl(chan_fd, FASTIPC_IOC_CONN_REGION, &arg);
	if (fd < 0)
		return fd;
	ret = fipc_region_map(&g, fd, &arg.layout, false);
	if (ret < 0) {
		close(fd);
		return ret;
	}
	ret = fipc_stream_new(g, dir, false, opts, stp);
	if (ret < 0)
		fipc_region_free(g);
	return ret;
}

__public __cold void fastipc_stream_close(struct fastipc_stream *st)
{
	if (!st)
		return;
	if (st->conn)
		st->reg->stream = false;
	else
		fipc_region_free(st->reg);
	free(st);
}

__public uint64_t fastipc_stream_errors(struct fastipc_stream *st)
{
	return fipc_region_errors(st->reg);
}

/* ---- producer --------------------------------------------------------- */

__public int fastipc_stream_reserve(struct fastipc_stream *st, size_t len,
				    void **bufp, uint64_t timeout_ns)
{
	uint64_t deadline = fipc_deadline(timeout_ns), left;
	struct fipc_region *g = st->reg;
	uint32_t off, i;
	int ret = -EAGAIN;

	if (!st->tx)
		return -EBADF;
	if (len > fipc_ring_max_len(g->tx.size))
		return -EMSGSIZE;
	for (i = 0; i < st->spin && ret == -EAGAIN; i++) {
		pthread_mutex_lock(&g->lock);
		ret = fipc_prod_reserve(&g->tx, (uint32_t)len, &off);
		pthread_mutex_unlock(&g->lock);
		if (ret == -EAGAIN)
			fipc_cpu_relax();
	}
	if (ret == -EAGAIN) {
		left = fipc_left(deadline);
		ret = timeout_ns && !left ? -ETIMEDOUT :
		      fipc_region_reserve(g, (uint32_t)len, &off, left);
	}
	if (ret == 0)
		*bufp = fipc_tx_ptr(g, off);
	return ret;
}

__public int fastipc_stream_commit(struct fastipc_stream *st, void *buf)
{
	int64_t off = st->tx ? fipc_tx_off(st->reg, buf) : -1;

	if (off < 0 || fipc_region_commit(st->reg, (uint32_t)off) < 0)
		return -EINVAL;
	return 0;
}

__public int fastipc_stream_send(struct fastipc_stream *st, const void *buf,
				 size_t len, uint64_t timeout_ns)
{
	void *p;
	int ret;

	ret = fastipc_stream_reserve(st, len, &p, timeout_ns);
	if (ret < 0)
		return ret;
	memcpy(p, buf, len);
	return fastipc_stream_commit(st, p);
}

/* ---- consumer --------------------------------------------------------- */

static bool fipc_stream_ready(void *arg)
{
	return fipc_cons_has_data(arg);
}

static int fipc_stream_try(struct fipc_region *g, uint32_t *off, uint32_t *len)
{
	int ret;

	pthread_mutex_lock(&g->lock);
	ret = fipc_cons_peek(&g->rx, off, len);
	pthread_mutex_unlock(&g->lock);
	return ret;
}

static int fipc_stream_next(struct fastipc_stream *st, uint32_t *off,
			    uint32_t *len, uint64_t timeout_ns)
{
	uint64_t deadline = fipc_deadline(timeout_ns), left;
	uint32_t i;
	int ret;

	for (i = 0; i < st->spin; i++) {
		ret = fipc_stream_try(st->reg, off, len);
		if (ret != -EAGAIN)
			return ret;
		fipc_cpu_relax();
	}
	for (;;) {
		ret = fipc_stream_try(st->reg, off, len);
		if (ret != -EAGAIN)
			return ret;
		left = fipc_left(deadline);
		if (!left)
			return timeout_ns ? -ETIMEDOUT : -EAGAIN;
		ret = fipc_bell_wait(&st->reg->bell, fipc_stream_ready,
				     &st->reg->rx, left);
		if (ret < 0 && ret != -ETIMEDOUT)
			return ret;
	}
}

__public int fastipc_stream_peek(struct fastipc_stream *st, const void **bufp,
				 size_t *len, uint64_t timeout_ns)
{
	uint32_t off, n;
	int ret;

	if (st->tx)
		return -EBADF;
	ret = fipc_stream_next(st, &off, &n, timeout_ns);
	if (ret < 0)
		return ret;
	*bufp = fipc_rx_ptr(st->reg, off);
	*len = n;
	return 0;
}

__public int fastipc_stream_release(struct fastipc_stream *st, const void *buf)
{
	uintptr_t a = (uintptr_t)st->reg->rx.area, p = (uintptr_t)buf;

	if (st->tx || p < a || p - a > st->reg->rx.size)
		return -EINVAL;
	return fipc_region_release(st->reg, (uint32_t)(p - a)) < 0 ?
	       -EINVAL : 0;
}

__public int fastipc_stream_recv(struct fastipc_stream *st, void *buf,
				 size_t cap, size_t *len, uint64_t timeout_ns)
{
	uint32_t off, n;
	int ret;

	if (st->tx)
		return -EBADF;
	if (st->held) {
		off = st->held_off;
		n = st->held_len;
	} else {
		ret = fipc_stream_next(st, &off, &n, timeout_ns);
		if (ret < 0)
			return ret;
	}
	*len = n;
	st->held = n > cap;
	st->held_off = off;
	st->held_len = n;
	if (st->held)
		return -EMSGSIZE;
	memcpy(buf, fipc_rx_ptr(st->reg, off), n);
	fipc_region_release(st->reg, off);
	return 0;
}
