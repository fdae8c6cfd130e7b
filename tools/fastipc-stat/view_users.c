// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc-stat --users: what each user has charged against the per-user
 * quotas (GET_USER), one row per user with each count against its limit
 * (GET_STATS), as "ipcs -u" summarises SysV use; or {"limits": {...},
 * "users": [...]} with -j. Without CAP_SYS_ADMIN the kernel reports only
 * the caller's own effective uid.
 */
#include <inttypes.h>
#include <stdlib.h>

#include "json.h"
#include "netlink.h"
#include "table.h"

static const char *const fs_users_heads[] = {
	"UID", "USER", "CHANNELS", "CONNS", "REGION", "QUEUED", NULL,
};

static int fs_users_cmp(const void *a, const void *b)
{
	const struct fs_user *x = a, *y = b;

	return (x->uid > y->uid) - (x->uid < y->uid);
}

static int fs_users_text(const struct fs_users *l, const struct fs_stats *s,
			 bool raw)
{
	struct fs_table t;
	char buf[64], max[32];
	size_t i;

	fs_table_init(&t, fs_users_heads, "rlrrrr");
	for (i = 0; i < l->n; i++) {
		const struct fs_user *u = &l->v[i];

		fs_table_row(&t);
		fs_table_cell(&t, "%" PRIu32, u->uid);
		fs_table_cell(&t, "%s", fs_user(u->uid, buf, sizeof(buf)));
		fs_table_cell(&t, "%" PRIu32 "/%" PRIu32, u->chans,
			      s->user_chans_max);
		fs_table_cell(&t, "%" PRIu32 "/%" PRIu32, u->conns,
			      s->user_conns_max);
		fs_table_cell(&t, "%s/%s",
			      fs_size(u->region_bytes, raw, buf, sizeof(buf)),
			      fs_size(s->region_user_max, raw, max,
				      sizeof(max)));
		fs_table_cell(&t, "%s/%s",
			      fs_size(u->queued_bytes, raw, buf, sizeof(buf)),
			      fs_size(s->user_queue_bytes_max, raw, max,
				      sizeof(max)));
	}
	return fs_table_show(&t, 0, "the table");
}

static void fs_users_json(const struct fs_users *l, const struct fs_stats *s)
{
	struct fs_json j;
	char buf[64];
	size_t i;

	fs_json_init(&j, stdout, true);
	fs_json_obj(&j, NULL);
	fs_json_obj(&j, "limits");
	fs_json_u64(&j, "user_chans_max", s->user_chans_max);
	fs_json_u64(&j, "user_conns_max", s->user_conns_max);
	fs_json_u64(&j, "region_user_max", s->region_user_max);
	fs_json_u64(&j, "user_queue_bytes_max", s->user_queue_bytes_max);
	fs_json_end_obj(&j);
	fs_json_arr(&j, "users");
	for (i = 0; i < l->n; i++) {
		const struct fs_user *u = &l->v[i];

		fs_json_obj(&j, NULL);
		fs_json_u64(&j, "uid", u->uid);
		fs_json_str(&j, "user", fs_user(u->uid, buf, sizeof(buf)));
		fs_json_u64(&j, "chans", u->chans);
		fs_json_u64(&j, "conns", u->conns);
		fs_json_u64(&j, "region_bytes", u->region_bytes);
		fs_json_u64(&j, "queued_bytes", u->queued_bytes);
		fs_json_end_obj(&j);
	}
	fs_json_end_arr(&j);
	fs_json_end_obj(&j);
	fs_json_done(&j);
}

static int fs_users_run(struct fs_nl *nl, const struct fs_opts *opts)
{
	struct fs_users l = { 0 };
	struct fs_stats s;
	int ret = FS_EXIT_ERR;

	if (fs_nl_get_stats(nl, &s) < 0) {
		fs_err("GET_STATS: %s", nl->errmsg);
		return FS_EXIT_ERR;
	}
	if (!s.has_user_limits) {
		fs_err("the loaded fastipc module (version %s) reports no per-user quotas: too old for --users",
		       s.version);
		return FS_EXIT_ERR;
	}
	if (fs_nl_dump_users(nl, &l) < 0) {
		fs_err("GET_USER dump: %s", nl->errmsg);
		goto out;
	}
	qsort(l.v, l.n, sizeof(*l.v), fs_users_cmp);
	ret = 0;
	if (opts->json)
		fs_users_json(&l, &s);
	else
		ret = fs_users_text(&l, &s, opts->bytes);
out:
	free(l.v);
	return ret;
}

FS_VIEW(users, fs_users_run);
