// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc-stat -c NAME | -k KEY: every attribute of one channel (GET_CHAN
 * with a name or key), then its connections (GET_CONN dump), as text or
 * as {"channel": {...}, "connections": [...]} with -j.
 */
#include <inttypes.h>
#include <stdlib.h>

#include "json.h"
#include "netlink.h"
#include "serves.h"
#include "table.h"

#define KV(k, fmt, ...)	printf("  %-16s " fmt "\n", k, __VA_ARGS__)

/* A size in a sentence: "512 bytes", "4.0K", or "4096 bytes" with @raw. */
static const char *fs_detail_size(uint64_t v, bool raw, char *buf, size_t len)
{
	if (raw || v < 1024)
		snprintf(buf, len, "%" PRIu64 " bytes", v);
	else
		fs_size(v, false, buf, len);
	return buf;
}

static void fs_detail_counters(const char *indent, const struct fs_counters *c,
			       bool raw)
{
	char a[32], b[32];

	printf("%scalls            %" PRIu64 "\n", indent, c->calls);
	printf("%soneway           %" PRIu64 "\n", indent, c->oneway);
	printf("%sreplies          %" PRIu64 "\n", indent, c->replies);
	printf("%sbytes_copied     %s\n", indent,
	       fs_size(c->bytes_copied, raw, a, sizeof(a)));
	printf("%sbytes_shm        %s\n", indent,
	       fs_size(c->bytes_shm, raw, b, sizeof(b)));
	printf("%stimeouts         %" PRIu64 "\n", indent, c->timeouts);
	printf("%scancelled        %" PRIu64 "\n", indent, c->cancelled);
	printf("%sdropped_replies  %" PRIu64 "\n", indent, c->dropped_replies);
	printf("%serrors           %" PRIu64 "\n", indent, c->errors);
	printf("%shandoffs         %" PRIu64 "\n", indent, c->handoffs);
	printf("%srecv_sleeps      %" PRIu64 "\n", indent, c->recv_sleeps);
	printf("%spolls_skipped    %" PRIu64 "\n", indent,
	       c->call_polls_skipped);
	printf("%sservice_ns       %" PRIu64 "\n", indent, c->service_ns);
}

static void fs_detail_chan(const struct fs_chan *c, bool raw)
{
	char a[64], b[64], q[64];

	printf("channel %s\n", c->name);
	KV("id", "%" PRIu64, c->id);
	KV("key", "%s", fs_key(c->key, a, sizeof(a)));
	KV("owner", "%s (uid %" PRIu32 ")", fs_user(c->uid, a, sizeof(a)), c->uid);
	KV("group", "%s (gid %" PRIu32 ")", fs_group(c->gid, a, sizeof(a)), c->gid);
	KV("creator", "%s (uid %" PRIu32 "), %s (gid %" PRIu32 ")",
	   fs_user(c->cuid, a, sizeof(a)), c->cuid,
	   fs_group(c->cgid, b, sizeof(b)), c->cgid);
	KV("creator_pid", "%" PRIu32, c->cpid);
	KV("perms", "%s (0%03" PRIo32 ")", fs_perms(c->mode, a), c->mode);
	KV("seq", "%" PRIu32, c->seq);
	KV("created", "%s", fs_time(c->ctime_ns, a, sizeof(a)));
	KV("connections", "%" PRIu32, c->nr_conns);
	KV("queue", "%" PRIu32 " messages, %s (peak %" PRIu32 " messages)",
	   c->queue_msgs, fs_detail_size(c->queue_bytes, raw, a, sizeof(a)),
	   c->queue_peak);
	KV("limits", "msg_max %s, queue %" PRIu32 " messages / %s",
	   fs_detail_size(c->msg_max, raw, a, sizeof(a)), c->queue_msgs_max,
	   fs_detail_size(c->queue_bytes_max, raw, q, sizeof(q)));
	printf("  counters:\n");
	fs_detail_counters("    ", &c->cnt, raw);
}

static const char *const fs_conn_heads[] = {
	"CONN", "PID", "USER", "GROUP", "REGION", "CALLS", "ONEWAY",
	"BYTES-COPY", "BYTES-SHM", "TIMEOUTS", "ERRORS", "SLOT", "ALLOCS",
	NULL,
};

static void fs_detail_conn(struct fs_table *t, const struct fs_conn *c,
			   bool raw)
{
	char buf[64];

	fs_table_row(t);
	fs_table_cell(t, "%" PRIu64, c->id);
	fs_table_cell(t, "%" PRIu32, c->pid);
	fs_table_cell(t, "%s", fs_user(c->uid, buf, sizeof(buf)));
	fs_table_cell(t, "%s", fs_group(c->gid, buf, sizeof(buf)));
	fs_table_cell(t, "%s", fs_size(c->region_size, raw, buf, sizeof(buf)));
	fs_table_cell(t, "%" PRIu64, c->cnt.calls);
	fs_table_cell(t, "%" PRIu64, c->cnt.oneway);
	fs_table_cell(t, "%s", fs_size(c->cnt.bytes_copied, raw, buf,
				       sizeof(buf)));
	fs_table_cell(t, "%s", fs_size(c->cnt.bytes_shm, raw, buf,
				       sizeof(buf)));
	fs_table_cell(t, "%" PRIu64, c->cnt.timeouts);
	fs_table_cell(t, "%" PRIu64, c->cnt.errors);
	fs_table_cell(t, "%" PRIu64, c->cnt.slot_calls);
	fs_table_cell(t, "%" PRIu64, c->cnt.msg_allocs);
}

static int fs_detail_text(const struct fs_chan *c, const struct fs_conns *l,
			  bool raw)
{
	struct fs_table t;
	size_t i;

	fs_detail_chan(c, raw);
	printf("connections (%zu):\n", l->n);
	if (!l->n)
		return 0;
	fs_table_init(&t, fs_conn_heads, "rrllrrrrrrr");
	for (i = 0; i < l->n; i++)
		fs_detail_conn(&t, &l->v[i], raw);
	return fs_table_show(&t, 2, "the connections");
}

static void fs_detail_json(const struct fs_chan *c, const struct fs_conns *l,
			   const struct fs_serves *sv)
{
	char buf[64];
	struct fs_json j;
	size_t i;

	fs_json_init(&j, stdout, true);
	fs_json_obj(&j, NULL);
	fs_json_obj(&j, "channel");
	fs_json_chan(&j, c);
	fs_json_end_obj(&j);
	fs_json_arr(&j, "connections");
	for (i = 0; i < l->n; i++) {
		const struct fs_conn *cn = &l->v[i];

		fs_json_obj(&j, NULL);
		fs_json_u64(&j, "id", cn->id);
		fs_json_u64(&j, "pid", cn->pid);
		fs_json_u64(&j, "uid", cn->uid);
		fs_json_str(&j, "user", fs_user(cn->uid, buf, sizeof(buf)));
		fs_json_u64(&j, "gid", cn->gid);
		fs_json_str(&j, "group", fs_group(cn->gid, buf, sizeof(buf)));
		fs_json_u64(&j, "region_size", cn->region_size);
		fs_json_counters(&j, "counters", &cn->cnt, false);
		fs_json_end_obj(&j);
	}
	fs_json_end_arr(&j);
	if (sv)
		fs_serves_json(&j, sv);
	fs_json_end_obj(&j);
	fs_json_done(&j);
}

static int fs_detail_run(struct fs_nl *nl, const struct fs_opts *opts)
{
	struct fs_ref ref = { .name = opts->chan_name, .key = opts->chan_key };
	struct fs_conns l = { 0 };
	struct fs_serves sv;
	struct fs_chan c;
	char what[96];
	int ret, rpc = 0;

	fs_ref_str(opts, what, sizeof(what));
	ret = fs_nl_get_chan(nl, &ref, &c);
	if (ret < 0) {
		fs_err("%s: GET_CHAN: %s", what, nl->errmsg);
		return FS_EXIT_ERR;
	}
	ret = fs_nl_dump_conns(nl, &ref, &l);
	if (ret < 0) {
		fs_err("%s: GET_CONN dump: %s", what, nl->errmsg);
		free(l.v);
		return FS_EXIT_ERR;
	}
	if (opts->rpc)
		rpc = fs_serves_get(opts->chan_name, opts->chan_key, &sv);
	if (opts->json) {
		fs_detail_json(&c, &l, opts->rpc ? &sv : NULL);
	} else {
		ret = fs_detail_text(&c, &l, opts->bytes);
		if (opts->rpc)
			fs_serves_text(&sv);
	}
	if (opts->rpc)
		fs_serves_free(&sv);
	if (rpc < 0)
		fs_err("%s: describe: %s: %s", what,
		       fastipc_rpc_code_name(sv.st.code), sv.st.message);
	free(l.v);
	return rpc < 0 ? FS_EXIT_ERR : ret;
}

FS_VIEW(detail, fs_detail_run);
