// SPDX-License-Identifier: LGPL-2.1 OR MIT
/*
 * The server's view of its connections' regions: mapped on CONNECT (or on
 * first use, since another pool thread may receive a request before the
 * CONNECT is handled), unmapped after DISCONNECT once no handler holds it.
 * The locking rules are in sconn.h.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "sconn.h"

static int fipc_spare_open(void)
{
	return open("/dev/null", O_RDONLY | O_CLOEXEC);
}

int fipc_sconns_init(struct fipc_sconns *tab, int chan_fd)
{
	memset(tab, 0, sizeof(*tab));
	tab->chan_fd = chan_fd;
	tab->spare_fd = fipc_spare_open();
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
	if (tab->spare_fd >= 0)
		close(tab->spare_fd);
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

/*
 * FASTIPC_IOC_CONN_REGION, under tab->lock. At the fd limit the spare fd
 * makes room for it. Return: the region fd, to be given back with
 * fipc_sconn_fd_close(), or -errno.
 */
static int fipc_sconn_fd_open(struct fipc_sconns *tab, uint64_t conn_id,
			      struct fastipc_conn_region *arg)
{
	int fd;

	memset(arg, 0, sizeof(*arg));
	arg->conn_id = conn_id;
	fd = fipc_ioctl(tab->chan_fd, FASTIPC_IOC_CONN_REGION, arg);
	if ((fd == -EMFILE || fd == -ENFILE) && tab->spare_fd >= 0) {
		close(tab->spare_fd);
		tab->spare_fd = -1;
		fd = fipc_ioctl(tab->chan_fd, FASTIPC_IOC_CONN_REGION, arg);
		if (fd < 0)		/* still none: keep the spare if we can */
			tab->spare_fd = fipc_spare_open();
	}
	return fd;
}

static void fipc_sconn_fd_close(struct fipc_sconns *tab, int fd)
{
	close(fd);
	if (tab->spare_fd < 0)
		tab->spare_fd = fipc_spare_open();
}

/* The doorbell of @arg's region: a region fd for one NOTIFY. */
static int fipc_sconn_kick(void *arg)
{
	struct fipc_sconn *sc = arg;
	struct fipc_sconns *tab = sc->tab;
	struct fastipc_conn_region cr;
	int fd, ret;

	pthread_mutex_lock(&tab->lock);
	fd = fipc_sconn_fd_open(tab, sc->conn_id, &cr);
	ret = fd;
	if (fd >= 0) {
		ret = fipc_ioctl(fd, FASTIPC_IOC_NOTIFY, NULL);
		fipc_sconn_fd_close(tab, fd);
	}
	/* -ENOENT, -ECONNRESET: the client is gone, nobody to wake. */
	if (ret == -ENOENT || ret == -ECONNRESET)
		ret = 0;
	tab->notify_errors += ret < 0;
	pthread_mutex_unlock(&tab->lock);
	return ret;
}

/* CONN_REGION and mmap, under tab->lock. Return 0 (no region: sc->reg
 * stays NULL) or -errno.
 */
static int fipc_sconn_map(struct fipc_sconns *tab, struct fipc_sconn *sc)
{
	struct fastipc_conn_region arg;
	int fd, ret;

	fd = fipc_sconn_fd_open(tab, sc->conn_id, &arg);
	if (fd == -ENODATA || fd == -ENOTTY)
		return 0;
	if (fd < 0)
		return fd;
	ret = fipc_region_map(&sc->reg, fd, &arg.layout, false);
	if (ret == 0) {
		fipc_region_drop_fd(sc->reg, fipc_sconn_kick, sc);
		tab->regions++;
	}
	fipc_sconn_fd_close(tab, fd);
	return ret;
}

struct fipc_sconn *fipc_sconn_get(struct fipc_sconns *tab, uint64_t conn_id,
				  int *err)
{
	struct fipc_sconn **pp, *sc;
	int ret = 0;

	pthread_mutex_lock(&tab->lock);
	pp = fipc_sconn_link(tab, conn_id);
	sc = *pp;
	if (!sc) {
		sc = calloc(1, sizeof(*sc));
		if (sc) {
			sc->conn_id = conn_id;
			sc->tab = tab;
		}
		ret = sc ? fipc_sconn_map(tab, sc) : -ENOMEM;
		if (ret < 0) {
			tab->map_errors += ret != -ENOENT; /* not: gone */
			free(sc);
			sc = NULL;
			goto out;
		}
		sc->refs = 1;		/* the table's */
		*pp = sc;
	}
	sc->refs++;
out:
	pthread_mutex_unlock(&tab->lock);
	if (err)
		*err = ret;
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
	st->notify_errors = tab->notify_errors;
	st->ring_errors = tab->ring_errors;
	st->regions = tab->regions;
	for (i = 0; i < FIPC_SCONN_BUCKETS; i++)
		for (sc = tab->bucket[i]; sc; sc = sc->next)
			if (sc->reg)
				st->ring_errors += fipc_region_errors(sc->reg);
	pthread_mutex_unlock(&tab->lock);
}
