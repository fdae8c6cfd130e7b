// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc-stat (default view): every channel the caller may read, one row
 * each, as ipcs/lsipc print SysV objects; or {"channels": [...]} with -j.
 */
#include <inttypes.h>
#include <stdlib.h>

#include "json.h"
#include "netlink.h"
#include "table.h"

static const char *const fs_table_heads[] = {
	"ID", "NAME", "KEY", "OWNER", "GROUP", "PERMS", "CONNS", "QUEUE",
	"CALLS", "ONEWAY", "BYTES-COPY", "BYTES-SHM", "TIMEOUTS", "ERRORS",
	NULL,
};

static void fs_table_chan(struct fs_table *t, const struct fs_chan *c)
{
	char buf[64];

	fs_table_row(t);
	fs_table_cell(t, "%" PRIu64, c->id);
	fs_table_cell(t, "%s", c->name);
	fs_table_cell(t, "%s", fs_key(c->key, buf, sizeof(buf)));
	fs_table_cell(t, "%s", fs_user(c->uid, buf, sizeof(buf)));
	fs_table_cell(t, "%s", fs_group(c->gid, buf, sizeof(buf)));
	fs_table_cell(t, "%s", fs_perms(c->mode, buf));
	fs_table_cell(t, "%" PRIu32, c->nr_conns);
	fs_table_cell(t, "%" PRIu32, c->queue_msgs);
	fs_table_cell(t, "%" PRIu64, c->cnt.calls);
	fs_table_cell(t, "%" PRIu64, c->cnt.oneway);
	fs_table_cell(t, "%" PRIu64, c->cnt.bytes_copied);
	fs_table_cell(t, "%" PRIu64, c->cnt.bytes_shm);
	fs_table_cell(t, "%" PRIu64, c->cnt.timeouts);
	fs_table_cell(t, "%" PRIu64, c->cnt.errors);
}

static int fs_table_text(const struct fs_chans *l)
{
	struct fs_table t;
	size_t i;

	fs_table_init(&t, fs_table_heads, "rllllrrrrrrrrr");
	for (i = 0; i < l->n; i++)
		fs_table_chan(&t, &l->v[i]);
	return fs_table_show(&t, 0, "the table");
}

static void fs_table_json(const struct fs_chans *l)
{
	struct fs_json j;
	size_t i;

	fs_json_init(&j, stdout, true);
	fs_json_obj(&j, NULL);
	fs_json_arr(&j, "channels");
	for (i = 0; i < l->n; i++) {
		fs_json_obj(&j, NULL);
		fs_json_chan(&j, &l->v[i]);
		fs_json_end_obj(&j);
	}
	fs_json_end_arr(&j);
	fs_json_end_obj(&j);
	fs_json_done(&j);
}

static int fs_table_run(struct fs_nl *nl, const struct fs_opts *opts)
{
	struct fs_chans l = { 0 };
	int ret;

	ret = fs_nl_dump_chans(nl, &l);
	if (ret < 0) {
		fs_err("GET_CHAN dump: %s", nl->errmsg);
		free(l.v);
		return FS_EXIT_ERR;
	}
	fs_chans_sort(&l);
	if (opts->json)
		fs_table_json(&l);
	else
		ret = fs_table_text(&l);
	free(l.v);
	return ret;
}

FS_VIEW(table, fs_table_run);
