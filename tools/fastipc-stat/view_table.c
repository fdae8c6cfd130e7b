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

/*
 * The default table fits 80 columns (with names up to 16 characters and
 * user names up to 8): sizes are at most 5 characters ("4.0K", "32M"),
 * the mode is octal as ipcs prints it. -W adds the key, the group, one-way
 * messages and timeouts and spells the permissions out.
 */
static const char *const fs_table_heads[] = {
	"ID", "NAME", "OWNER", "MODE", "CONNS", "QUEUE", "CALLS", "COPY",
	"SHM", "ERRORS", NULL,
};

static const char *const fs_table_wide_heads[] = {
	"ID", "NAME", "KEY", "OWNER", "GROUP", "PERMS", "CONNS", "QUEUE",
	"CALLS", "ONEWAY", "BYTES-COPY", "BYTES-SHM", "TIMEOUTS", "ERRORS",
	NULL,
};

static void fs_table_chan(struct fs_table *t, const struct fs_chan *c,
			  bool raw)
{
	char buf[64];

	fs_table_row(t);
	fs_table_cell(t, "%" PRIu64, c->id);
	fs_table_cell(t, "%s", c->name);
	fs_table_cell(t, "%s", fs_user(c->uid, buf, sizeof(buf)));
	fs_table_cell(t, "%04" PRIo32, c->mode);
	fs_table_cell(t, "%" PRIu32, c->nr_conns);
	fs_table_cell(t, "%" PRIu32, c->queue_msgs);
	fs_table_cell(t, "%" PRIu64, c->cnt.calls);
	fs_table_cell(t, "%s", fs_size(c->cnt.bytes_copied, raw, buf,
				       sizeof(buf)));
	fs_table_cell(t, "%s", fs_size(c->cnt.bytes_shm, raw, buf,
				       sizeof(buf)));
	fs_table_cell(t, "%" PRIu64, c->cnt.errors);
}

static void fs_table_wide_chan(struct fs_table *t, const struct fs_chan *c,
			       bool raw)
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
	fs_table_cell(t, "%s", fs_size(c->cnt.bytes_copied, raw, buf,
				       sizeof(buf)));
	fs_table_cell(t, "%s", fs_size(c->cnt.bytes_shm, raw, buf,
				       sizeof(buf)));
	fs_table_cell(t, "%" PRIu64, c->cnt.timeouts);
	fs_table_cell(t, "%" PRIu64, c->cnt.errors);
}

static int fs_table_text(const struct fs_chans *l, const struct fs_opts *o)
{
	struct fs_table t;
	size_t i;

	if (o->wide)
		fs_table_init(&t, fs_table_wide_heads, "rllllrrrrrrrrr");
	else
		fs_table_init(&t, fs_table_heads, "rllrrrrrrr");
	for (i = 0; i < l->n; i++) {
		if (o->wide)
			fs_table_wide_chan(&t, &l->v[i], o->bytes);
		else
			fs_table_chan(&t, &l->v[i], o->bytes);
	}
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
		fs_err("listing the channels (GET_CHAN dump): %s",
		       nl->errmsg);
		free(l.v);
		return FS_EXIT_ERR;
	}
	fs_chans_sort(&l);
	if (opts->json)
		fs_table_json(&l);
	else
		ret = fs_table_text(&l, opts);
	free(l.v);
	return ret;
}

FS_VIEW(table, fs_table_run);
