/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fastipc-stat: shared types. Each view (table, detail, watch, events,
 * limits, users) lives in a file of its own and registers itself with FS_VIEW();
 * netlink.c holds every libnl call and parses replies into the structs
 * below.
 */
#ifndef FASTIPC_STAT_H
#define FASTIPC_STAT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/fastipc.h>

#define PROG	"fastipc-stat"

/*
 * Exit statuses, the same in fastipcctl (see the EXIT STATUS of
 * fastipc-stat(8) and fastipcctl(8)).
 */
#define FS_EXIT_OK	0
#define FS_EXIT_ERR	1	/* a request failed */
#define FS_EXIT_USAGE	2	/* a bad option or argument */
#define FS_EXIT_NOFAM	3	/* fastipc unavailable: module not loaded */

/* struct fs_counters - The FASTIPC_A_CNT_* nest of a channel or connection. */
struct fs_counters {
	uint64_t calls;
	uint64_t oneway;
	uint64_t replies;
	uint64_t bytes_copied;
	uint64_t bytes_shm;
	uint64_t timeouts;
	uint64_t cancelled;
	uint64_t dropped_replies;
	uint64_t errors;
	/* channel only; absent from older modules (then 0) */
	uint64_t handoffs;
	uint64_t recv_sleeps;
	uint64_t call_polls_skipped;
	uint64_t service_ns;	/* an estimate, not a count */
	/* connection only; absent from older modules (then 0) */
	uint64_t slot_calls;
	uint64_t msg_allocs;
};

/* struct fs_chan - One GET_CHAN reply (absent optional attributes: 0). */
struct fs_chan {
	uint64_t id;
	char name[FASTIPC_NAME_MAX];
	uint64_t key;
	uint32_t uid, gid, cuid, cgid, mode, seq, cpid;
	uint32_t nr_conns, queue_msgs, queue_bytes, queue_peak;
	uint32_t msg_max, queue_msgs_max, queue_bytes_max;
	uint64_t ctime_ns;
	struct fs_counters cnt;
};

/* struct fs_conn - One GET_CONN reply. */
struct fs_conn {
	uint64_t chan_id;
	uint64_t id;
	uint32_t pid, uid, gid;
	uint64_t region_size;
	struct fs_counters cnt;
};

/* struct fs_stats - The FASTIPC_A_STATS nest of GET_STATS. */
struct fs_stats {
	char version[64];
	uint32_t nr_chans, nr_conns, nr_msgs, nr_regions;
	uint32_t msg_max_cap, queue_msgs_cap, queue_bytes_cap, region_max;
	uint64_t region_user_max;
	bool has_region_user_max;
	/* per-user quotas and busy-waiting (absent from older modules) */
	uint32_t user_chans_max, user_conns_max, spin_ns;
	uint64_t user_queue_bytes_max;
	bool has_user_limits;
};

/* struct fs_user - One GET_USER reply: a user's charges. */
struct fs_user {
	uint32_t uid, chans, conns;
	uint64_t region_bytes, queued_bytes;
};

/* struct fs_event - One event sent to a subscriber (FASTIPC_CMD_EVENT_*). */
struct fs_event {
	uint8_t cmd;
	uint64_t chan_id;
	char name[FASTIPC_NAME_MAX];
	uint64_t key;
	bool has_conn;
	uint64_t conn_id;
	bool has_pid;
	uint32_t pid;
	bool has_error;
	uint32_t error;
};

/* A growable array of channels or connections. */
struct fs_chans {
	struct fs_chan *v;
	size_t n, cap;
};

struct fs_conns {
	struct fs_conn *v;
	size_t n, cap;
};

struct fs_users {
	struct fs_user *v;
	size_t n, cap;
};

/* struct fs_opts - The command line. */
struct fs_opts {
	const char *view;	/* "table", "detail", "watch", ... */
	bool json;
	const char *chan_name;	/* -c */
	uint64_t chan_key;	/* -k (non-zero) */
	double interval;	/* -w, seconds */
	long count;		/* -n, 0: unbounded */
	bool wide;		/* -W: every column of the table */
	bool bytes;		/* --bytes: sizes as exact byte counts */
	bool rpc;		/* --rpc: ask the server what it serves */
};

struct fs_nl;

/* struct fs_view - A view, registered in the "fs_views" section. */
struct fs_view {
	const char *name;
	int (*run)(struct fs_nl *nl, const struct fs_opts *opts);
};

#define FS_VIEW(_name, _run)						\
	static const struct fs_view fs_view_ ## _name = {		\
		.name = #_name, .run = _run,				\
	};								\
	static const struct fs_view *fs_view_ptr_ ## _name		\
	__attribute__((__used__, __section__("fs_views"))) =		\
		&fs_view_ ## _name

/* main.c */
void fs_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *fs_ref_str(const struct fs_opts *opts, char *buf, size_t len);

/* util.c */
const char *fs_user(uint32_t uid, char *buf, size_t len);
const char *fs_group(uint32_t gid, char *buf, size_t len);
const char *fs_perms(uint32_t mode, char *buf);	/* buf: 10 bytes */
const char *fs_time(uint64_t ns, char *buf, size_t len);
const char *fs_key(uint64_t key, char *buf, size_t len);
const char *fs_errname(int err);	/* positive errno -> "ENOENT" */
/* A size: "32M", "4.0K", "512" (at most 5 characters), or exact if @raw. */
const char *fs_size(uint64_t v, bool raw, char *buf, size_t len);
void fs_chans_sort(struct fs_chans *l);
const struct fs_chan *fs_chans_find(const struct fs_chans *l, uint64_t id);

/* chan_print.c: one channel's fields, as JSON members or text lines */
struct fs_json;
/* @chan: a channel's counters (with handoffs, recv_sleeps), else a conn's */
void fs_json_counters(struct fs_json *j, const char *key,
		      const struct fs_counters *c, bool chan);
void fs_json_chan(struct fs_json *j, const struct fs_chan *c);

#endif /* FASTIPC_STAT_H */
