/* SPDX-License-Identifier: LGPL-2.1 OR MIT */
/*
 * The server pool's table of connections and their mapped regions.
 * Internal to libfastipc.
 *
 * No fd per connection: a region is mapped from a region fd that is
 * closed at once (the mappings keep the region), and the doorbell opens
 * one again only for the NOTIFY it rings. One spare fd (/dev/null) is
 * kept so that the table can still open a region fd when the process is
 * at its RLIMIT_NOFILE.
 *
 * Locking: tab->lock guards the buckets, every entry's refs, the spare
 * fd and the counters below; it is held across the region-fd ioctls
 * and mmap(). A region's own lock may be taken under it (to read its
 * error counts), never the other way round: the doorbell's kick, which
 * takes tab->lock, runs after the region's lock is dropped.
 */
#ifndef _FASTIPC_SCONN_H
#define _FASTIPC_SCONN_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "region.h"

#define FIPC_SCONN_BUCKETS	64

struct fipc_sconns;

struct fipc_sconn {
	uint64_t conn_id;
	struct fipc_sconns *tab;
	struct fipc_region *reg;	/* NULL: the connection has no region */
	unsigned int refs;		/* table's + users'; under tab->lock */
	struct fipc_sconn *next;
};

struct fipc_sconns {
	pthread_mutex_t lock;
	int chan_fd;
	int spare_fd;			/* closed to make room, or -1 */
	uint64_t map_errors;		/* CONN_REGION / mmap failures */
	uint64_t notify_errors;		/* doorbell rings that failed */
	uint64_t ring_errors;		/* of regions already unmapped */
	uint64_t regions;		/* regions mapped now */
	struct fipc_sconn *bucket[FIPC_SCONN_BUCKETS];
};

int fipc_sconns_init(struct fipc_sconns *tab, int chan_fd);
/* Unmap and free everything left (no user may remain). */
void fipc_sconns_fini(struct fipc_sconns *tab);

/*
 * fipc_sconn_get() - The connection @conn_id with a reference, mapping its
 * region first (FASTIPC_IOC_CONN_REGION) when it is not known yet.
 * @err: out (may be NULL): why NULL was returned.
 * Return: the entry (reg NULL without a region), or NULL when the
 * connection is gone (-ENOENT) or the mapping failed (-EMFILE, -ENOMEM,
 * ...; counted in map_errors).
 */
struct fipc_sconn *fipc_sconn_get(struct fipc_sconns *tab, uint64_t conn_id,
				  int *err);
void fipc_sconn_put(struct fipc_sconns *tab, struct fipc_sconn *sc);

/* Another reference to @sc, which the caller holds one of. */
struct fipc_sconn *fipc_sconn_hold(struct fipc_sconns *tab,
				   struct fipc_sconn *sc);

/* DISCONNECT: drop the table's reference; unmapped once unused. */
void fipc_sconn_drop(struct fipc_sconns *tab, uint64_t conn_id);

/* Counters of the table, for fastipc_server_stats(). */
struct fipc_sconns_stats {
	uint64_t map_errors, notify_errors, ring_errors, regions;
};

void fipc_sconns_stats(struct fipc_sconns *tab, struct fipc_sconns_stats *st);

#endif /* _FASTIPC_SCONN_H */
