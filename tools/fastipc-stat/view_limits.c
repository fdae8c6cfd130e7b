// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc-stat --limits: the module's version, how many objects exist
 * (all namespaces), the caps and per-user quotas set by its parameters,
 * and its busy-wait bound (GET_STATS).
 */
#include <inttypes.h>

#include "json.h"
#include "netlink.h"

#define FS_LIMIT(label, fmt, v, unit) \
	printf("%-21s%" fmt "%s\n", label, v, unit)

static void fs_limits_text(const struct fs_stats *s)
{
	printf("%-21s%s\n", "version", s->version);
	FS_LIMIT("channels", PRIu32, s->nr_chans, "");
	FS_LIMIT("connections", PRIu32, s->nr_conns, "");
	FS_LIMIT("messages", PRIu32, s->nr_msgs, "");
	FS_LIMIT("regions", PRIu32, s->nr_regions, "");
	FS_LIMIT("msg_max_cap", PRIu32, s->msg_max_cap, " bytes");
	FS_LIMIT("queue_msgs_cap", PRIu32, s->queue_msgs_cap, " messages");
	FS_LIMIT("queue_bytes_cap", PRIu32, s->queue_bytes_cap, " bytes");
	FS_LIMIT("region_max", PRIu32, s->region_max, " bytes");
	if (s->has_region_user_max)
		FS_LIMIT("region_user_max", PRIu64, s->region_user_max,
			 " bytes");
	if (!s->has_user_limits)
		return;
	FS_LIMIT("user_chans_max", PRIu32, s->user_chans_max, " channels");
	FS_LIMIT("user_conns_max", PRIu32, s->user_conns_max, " connections");
	FS_LIMIT("user_queue_bytes_max", PRIu64, s->user_queue_bytes_max,
		 " bytes");
	FS_LIMIT("spin_ns", PRIu32, s->spin_ns, " ns");
}

static void fs_limits_json(const struct fs_stats *s)
{
	struct fs_json j;

	fs_json_init(&j, stdout, true);
	fs_json_obj(&j, NULL);
	fs_json_str(&j, "version", s->version);
	fs_json_u64(&j, "nr_chans", s->nr_chans);
	fs_json_u64(&j, "nr_conns", s->nr_conns);
	fs_json_u64(&j, "nr_msgs", s->nr_msgs);
	fs_json_u64(&j, "nr_regions", s->nr_regions);
	fs_json_u64(&j, "msg_max_cap", s->msg_max_cap);
	fs_json_u64(&j, "queue_msgs_cap", s->queue_msgs_cap);
	fs_json_u64(&j, "queue_bytes_cap", s->queue_bytes_cap);
	fs_json_u64(&j, "region_max", s->region_max);
	if (s->has_region_user_max)
		fs_json_u64(&j, "region_user_max", s->region_user_max);
	if (s->has_user_limits) {
		fs_json_u64(&j, "user_chans_max", s->user_chans_max);
		fs_json_u64(&j, "user_conns_max", s->user_conns_max);
		fs_json_u64(&j, "user_queue_bytes_max",
			    s->user_queue_bytes_max);
		fs_json_u64(&j, "spin_ns", s->spin_ns);
	}
	fs_json_end_obj(&j);
	fs_json_done(&j);
}

static int fs_limits_run(struct fs_nl *nl, const struct fs_opts *opts)
{
	struct fs_stats s;

	if (fs_nl_get_stats(nl, &s) < 0) {
		fs_err("GET_STATS: %s", nl->errmsg);
		return FS_EXIT_ERR;
	}
	if (opts->json)
		fs_limits_json(&s);
	else
		fs_limits_text(&s);
	return 0;
}

FS_VIEW(limits, fs_limits_run);
