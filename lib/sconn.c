// SPDX-License-Identifier: LGPL-2.1 OR MIT
/*
 * The server's view of its connections' regions: mapped on CONNECT (or on
 * first use, since another pool thread may receive a request before the
 * CONNECT is handled), unmapped after DISCONNECT once no handler holds it.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "sconn.h"

int fipc_sconns_init(struct fipc_sconns *tab, int chan_fd)
{
	memset(tab, 0, sizeof(*tab));
	tab->chan_fd = chan_fd;
	return pthread_mutex_init(&tab->lock, NULL) ? -ENOMEM : 0;
}

/* The last reference is gone: keep its counts. Under tab->lock. */
static void fipc_sconn_account(struct fipc_sconns *tab, struct fipc_sconn *sc)
{
	if (sc->reg) {
		tab->ring_errors += fipc_region_errors(sc->reg);
		tab->regions--;
	}
}

static void fipc_sconn_free(struct fipc_sconn *sc)
{
	fipc_region_free(sc->reg);
	free(sc);
}

void fipc_sconns_fini(struct fipc_sconns *tab)
{
	struct fipc_sconn *sc;
	int i;

	for (i = 0; i < FIPC_SCONN_BUCKETS; i++) {
		while ((sc = tab->bucket[i])) {
			tab->bucket[i] = sc->next;
			fipc_sconn_free(sc);
		}
	}
	pthread_mutex_destroy(&tab->lock);
}

static struct fipc_sconn **fipc_sconn_link(struct fipc_sconns *tab,
					   uint64_t conn_id)
{
	struct fipc_sconn **pp = &tab->bucket[conn_id % FIPC_SCONN_BUCKETS];

	while (*pp && (*pp)->conn_id != conn_id)
		pp = &(*pp)->next;
	return pp;
}

/* CONN_REGION and mmap. Return 0 (*@reg NULL: no region) or -errno. */
static int fipc_sconn_map(struct fipc_sconns *tab, uint64_t conn_id,
			  struct fipc_region **reg)
{
	struct fastipc_conn_region arg;
	int fd, ret;

	*reg = NULL;
	memset(&arg, 0, sizeof(arg));
	arg.conn_id = conn_id;
	fd = fipc_ioctl(tab->chan_fd, FASTIPC_IOC_CONN_REGION, &arg);
	if (fd == -ENODATA || fd == -ENOTTY)
		return 0;
	if (fd < 0)
		return fd;
	ret = fipc_region_map(reg, fd, &arg.layout, false);
	if (ret < 0)
		close(fd);
	return ret;
}

struct fipc_sconn *fipc_sconn_get(struct fipc_sconns *tab, uint64_t conn_id)
{
	struct fipc_sconn **pp, *sc;
	int ret;

	pthread_mutex_lock(&tab->lock);
	pp = fipc_sconn_link(tab, conn_id);
	sc = *pp;
	if (!sc) {
		sc = calloc(1, sizeof(*sc));
		ret = sc ? fipc_sconn_map(tab, conn_id, &sc->reg) : -ENOMEM;
		if (ret < 0) {
			tab->map_errors += ret != -ENOENT; /* not: gone */
			free(sc);
			sc = NULL;
			goto out;
		}
		sc->conn_id = conn_id;
		sc->refs = 1;		/* the table's */
		tab->regions += sc->reg != NULL;
		*pp = sc;
	}
	sc->refs++;
out:
	pthread_mutex_unlock(&tab->lock);
	return sc;
}

struct fipc_sconn *fipc_sconn_hold(struct fipc_sconns *tab,
				   struct fipc_sconn *sc)
{
	pthread_mutex_lock(&tab->lock);
	sc->refs++;
	pthread_mutex_unlock(&tab->lock);
	return sc;
}

void fipc_sconn_put(struct fipc_sconns *tab, struct fipc_sconn *sc)
{
	bool last;

	if (!sc)
		return;
	pthread_mutex_lock(&tab->lock);
	last = !--sc->refs;
	if (last)
		fipc_sconn_account(tab, sc);
	pthread_mutex_unlock(&tab->lock);
	if (last)
		fipc_sconn_free(sc);
}

void fipc_sconn_drop(struct fipc_sconns *tab, uint64_t conn_id)
{
	struct fipc_sconn **pp, *sc;

	pthread_mutex_lock(&tab->lock);
	pp = fipc_sconn_link(tab, conn_id);
	sc = *pp;
	if (sc)
		*pp = sc->next;
	pthread_mutex_unlock(&tab->lock);
	fipc_sconn_put(tab, sc);
}

void fipc_sconns_stats(struct fipc_sconns *tab, struct fipc_sconns_stats *st)
{
	struct fipc_sconn *sc;
	int i;

	pthread_mutex_lock(&tab->lock);
	st->map_errors = tab->map_errors;
	st->ring_errors = tab->ring_errors;
	st->regions = tab->regions;
	for (i = 0; i < FIPC_SCONN_BUCKETS; i++)
		for (sc = tab->bucket[i]; sc; sc = sc->next)
			if (sc->reg)
				st->ring_errors += fipc_region_errors(sc->reg);
	pthread_mutex_unlock(&tab->lock);
}
