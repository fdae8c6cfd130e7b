/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The module-wide object counts of fastipc (channels, connections,
 * messages, regions), read through the generic netlink family's
 * FASTIPC_CMD_GET_STATS: a test compares them before and after an
 * operation to prove it left no object behind.
 */
#ifndef MODSTAT_H
#define MODSTAT_H

#include <linux/types.h>

struct modstat {
	__u32 chans, conns, msgs, regions;
};

/* Open a generic netlink socket bound to the "fastipc" family, or -errno. */
int modstat_open(void);
/* Fill @st. Return: 0 or -errno. */
int modstat_get(int sock, struct modstat *st);
void modstat_close(int sock);
/*
 * Start a GET_CONN dump of the channel @name and leave it unread: until
 * the socket is read or closed, the dump holds the channel. 0 or -errno.
 */
int modstat_conn_dump_start(int sock, const char *name);

/* One user's charges (FASTIPC_CMD_GET_USER); @found is 0 if it has none. */
struct modstat_user {
	int found;
	__u32 chans, conns;
	__u64 region_bytes, queued_bytes;
};

/* Fill @u with the charges of @uid (as the reader sees it). 0 or -errno. */
int modstat_user(int sock, __u32 uid, struct modstat_user *u);

/* One connection's counters (FASTIPC_CMD_GET_CONN, FASTIPC_A_CNT_*). */
struct modstat_conn {
	int found;
	__u64 calls, oneway, errors, slot_calls, msg_allocs;
};

/*
 * Fill @c with the counters of connection @conn_id of the channel @name;
 * @c->found is 0 if the channel has no such live connection. 0 or -errno.
 */
int modstat_conn(int sock, const char *name, __u64 conn_id,
		 struct modstat_conn *c);

#endif /* MODSTAT_H */
