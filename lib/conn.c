// SPDX-License-Identifier: LGPL-2.1 OR MIT
/*
 * Connections (client side): connect, with or without a region, and the
 * connection's accessors and counters.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

static int fipc_conn_opts_check(const struct fastipc_conn_opts *opts)
{
	size_t i;

	if (opts->flags || opts->pad)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(opts->resv); i++)
		if (opts->resv[i])
			return -EINVAL;
	return 0;
}

static int fipc_conn_map(struct fastipc_conn *conn,
			 const struct fastipc_connect *arg)
{
	if (!arg->layout.size)
		return -EOPNOTSUPP;	/* the kernel ignored region_size */
	return fipc_region_map(&conn->reg, conn->fd, &arg->layout, true);
}

/*
 * The channel's msg_max before connecting, to tell whether max_payload
 * needs a region: CHAN_STAT, which needs the r bit. 0 when it cannot be
 * read (then the region is made, which is never wrong, only larger).
 */
static uint32_t fipc_msg_max_peek(struct fastipc_dev *dev,
				  const struct fastipc_chan_ref *ref)
{
	struct fastipc_chan_stat st;

	memset(&st, 0, sizeof(st));
	st.ref = *ref;
	if (fipc_ioctl(dev->fd, FASTIPC_IOC_CHAN_STAT, &st) < 0)
		return 0;
	return st.msg_max;
}

/*
 * The region_size to ask CONNECT for: @opts->region_size as it is, or the
 * smallest one whose rings carry @opts->max_payload when the channel's
 * msg_max does not. Return: 0 or -EINVAL (a region_size too small for
 * max_payload, or a max_payload no region can carry).
 */
static int fipc_conn_want(struct fastipc_dev *dev,
			  const struct fastipc_chan_ref *ref,
			  const struct fastipc_conn_opts *opts, uint64_t *want)
{
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	uint64_t mp = opts ? opts->max_payload : 0, need, area;
	uint32_t msg_max;

	*want = opts ? opts->region_size : 0;
	if (!mp)
		return 0;
	msg_max = fipc_msg_max_peek(dev, ref);
	if (msg_max && mp <= msg_max)
		return 0;
	need = fipc_region_for_payload(mp, page);
	if (!need)
		return -EINVAL;
	if (!*want) {
		*want = need;
		return 0;
	}
	area = fipc_region_area(*want, page);
	return area && area / 2 - FIPC_REC_HDR >= mp ? 0 : -EINVAL;
}

static int fipc_connect_ref(struct fastipc_dev *dev, const char *name,
			    uint64_t key, const struct fastipc_conn_opts *opts,
			    struct fastipc_conn **connp)
{
	struct fastipc_connect arg;
	struct fastipc_conn *conn;
	uint64_t want = 0;
	int ret;

	memset(&arg, 0, sizeof(arg));
	ret = fipc_ref_fill(&arg.ref, name, key);
	if (ret == 0)
		ret = fipc_conn_want(dev, &arg.ref, opts, &want);
	if (ret < 0)
		return ret;
	arg.region_size = want;
	if (arg.region_size && !(dev->api.features & FASTIPC_FEAT_REGION))
		return -EOPNOTSUPP;
	conn = calloc(1, sizeof(*conn));
	if (!conn)
		return -ENOMEM;
	ret = fipc_ioctl(dev->fd, FASTIPC_IOC_CONNECT, &arg);
	if (ret < 0) {
		free(conn);
		return ret == -E2BIG && arg.region_size ? -EOPNOTSUPP : ret;
	}
	conn->fd = ret;
	conn->conn_id = arg.conn_id;
	conn->msg_max = arg.msg_max;
	conn->threshold = opts && opts->threshold ? opts->threshold :
			  FASTIPC_THRESHOLD_DEFAULT;
	ret = arg.region_size ? fipc_conn_map(conn, &arg) : 0;
	if (ret < 0) {
		close(conn->fd);
		free(conn);
		return ret;
	}
	*connp = conn;
	return 0;
}

__public __cold int fastipc_connect_opts(struct fastipc_dev *dev,
					 const char *name, uint64_t key,
					 const struct fastipc_conn_opts *opts,
					 struct fastipc_conn **connp)
{
	int ret;

	if (!name == !key)
		return -EINVAL;
	if (opts) {
		ret = fipc_conn_opts_check(opts);
		if (ret < 0)
			return ret;
	}
	return fipc_connect_ref(dev, name, key, opts, connp);
}

__public __cold int fastipc_connect(struct fastipc_dev *dev, const char *name,
				    struct fastipc_conn **connp)
{
	if (!name)
		return -EINVAL;
	return fipc_connect_ref(dev, name, 0, NULL, connp);
}

__public __cold int fastipc_connect_key(struct fastipc_dev *dev, uint64_t key,
					struct fastipc_conn **connp)
{
	if (!key)
		return -EINVAL;
	return fipc_connect_ref(dev, NULL, key, NULL, connp);
}

__public __cold void fastipc_disconnect(struct fastipc_conn *conn)
{
	if (!conn)
		return;
	fipc_region_free(conn->reg);
	close(conn->fd);
	fipc_async_free(conn->async);
	free(conn);
}

__public int fastipc_conn_fd(const struct fastipc_conn *conn)
{
	return conn->fd;
}

__public uint64_t fastipc_conn_id(const struct fastipc_conn *conn)
{
	return conn->conn_id;
}

__public void fastipc_conn_stats(struct fastipc_conn *conn,
				 struct fastipc_conn_stats *st)
{
	struct fipc_conn_counters *c = &conn->cnt;

	memset(st, 0, sizeof(*st));
	st->calls = atomic_load(&c->calls);
	st->bytes_copy = atomic_load(&c->bytes_copy);
	st->bytes_shm = atomic_load(&c->bytes_shm);
	st->req_shm = atomic_load(&c->req_shm);
	st->rep_shm = atomic_load(&c->rep_shm);
	st->fallbacks = atomic_load(&c->fallbacks);
	st->ring_errors = atomic_load(&c->ring_errors);
	if (conn->reg) {
		st->ring_errors += fipc_region_errors(conn->reg);
		st->notifies = conn->reg->bell.notifies;
		st->waits = conn->reg->bell.waits;
	}
}

__public size_t fastipc_conn_shm_max(const struct fastipc_conn *conn)
{
	return conn->reg ? fipc_ring_max_len(conn->reg->tx.size) : 0;
}

__public int fastipc_conn_info(const struct fastipc_conn *conn,
			       struct fastipc_conn_info *info, size_t size)
{
	struct fastipc_conn_info in;
	struct fipc_region *g = conn->reg;

	if (size < FASTIPC_CONN_INFO_SIZE_VER0)
		return -EINVAL;
	memset(&in, 0, sizeof(in));
	in.msg_max = conn->msg_max;
	in.shm_max = g ? fipc_ring_max_len(g->tx.size) : 0;
	in.max_payload = in.shm_max > in.msg_max ? in.shm_max : in.msg_max;
	in.region_size = g ? g->lo.size : 0;
	in.threshold = conn->threshold;
	if (size > sizeof(in)) {
		memset((char *)info + sizeof(in), 0, size - sizeof(in));
		size = sizeof(in);
	}
	memcpy(info, &in, size);
	return 0;
}
