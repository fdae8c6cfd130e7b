// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc-stat --limits: the module's version, how many objects exist
 * (all namespaces) and the caps set by its parameters (GET_STATS).
 */
#include <inttypes.h>

#include "json.h"
#include "netlink.h"

static void fs_limits_text(const struct fs_stats *s)
{
	printf("version            %s\n", s->version);
	printf("channels           %" PRIu32 "\n", s->nr_chans);
	printf("connections        %" PRIu32 "\n", s->nr_conns);
	printf("messages           %" PRIu32 "\n", s->nr_msgs);
	printf("regions            %" PRIu32 "\n", s->nr_regions);
	printf("msg_max_cap        %" PRIu32 " bytes\n", s->msg_max_cap);
	printf("queue_msgs_cap     %" PRIu32 " messages\n", s->queue_msgs_cap);
	printf("queue_bytes_cap    %" PRIu32 " bytes\n", s->queue_bytes_cap);
	printf("region_max         %" PRIu32 " bytes\n", s->region_max);
	if (s->has_region_user_max)
		printf("region_user_max    %" PRIu64 " bytes\n",
		       s->region_user_max);
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
