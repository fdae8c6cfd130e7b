// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc-stat -w SECONDS [-n COUNT]: dump the channels every SECONDS and
 * print per-second rates of calls, one-way messages, replies, bytes and
 * errors, computed from two successive dumps and the CLOCK_MONOTONIC time
 * between them. A channel absent from the previous dump counts from 0.
 * With -j, one compact JSON object per report (JSON Lines).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "json.h"
#include "netlink.h"
#include "table.h"

struct fs_rates {
	double calls, oneway, replies, bytes_copied, bytes_shm, errors;
};

static double fs_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void fs_sleep_until(double t)
{
	double d = t - fs_now();
	struct timespec ts;

	if (d <= 0)
		return;
	ts.tv_sec = (time_t)d;
	ts.tv_nsec = (long)((d - ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static void fs_rates(const struct fs_chan *c, const struct fs_chan *p,
		     double dt, struct fs_rates *r)
{
	static const struct fs_chan zero;

	if (!p)
		p = &zero;
#define RATE(f)	(c->cnt.f >= p->cnt.f ? (c->cnt.f - p->cnt.f) / dt : 0)
	r->calls = RATE(calls);
	r->oneway = RATE(oneway);
	r->replies = RATE(replies);
	r->bytes_copied = RATE(bytes_copied);
	r->bytes_shm = RATE(bytes_shm);
	r->errors = RATE(errors);
#undef RATE
}

static bool fs_wanted(const struct fs_opts *o, const struct fs_chan *c)
{
	if (o->chan_name)
		return !strcmp(o->chan_name, c->name);
	if (o->chan_key)
		return o->chan_key == c->key;
	return true;
}

static const char *const fs_watch_heads[] = {
	"NAME", "CONNS", "QUEUE", "CALLS", "CALLS/s", "ONEWAY/s",
	"REPLIES/s", "COPY-B/s", "SHM-B/s", "ERRORS/s", NULL,
};

static void fs_watch_row(struct fs_table *t, const struct fs_chan *c,
			 const struct fs_rates *r, bool raw)
{
	char buf[32];

	fs_table_row(t);
	fs_table_cell(t, "%s", c->name);
	fs_table_cell(t, "%" PRIu32, c->nr_conns);
	fs_table_cell(t, "%" PRIu32, c->queue_msgs);
	fs_table_cell(t, "%" PRIu64, c->cnt.calls);
	fs_table_cell(t, "%.1f", r->calls);
	fs_table_cell(t, "%.1f", r->oneway);
	fs_table_cell(t, "%.1f", r->replies);
	fs_table_cell(t, "%s", fs_size((uint64_t)(r->bytes_copied + 0.5), raw,
				       buf, sizeof(buf)));
	fs_table_cell(t, "%s", fs_size((uint64_t)(r->bytes_shm + 0.5), raw,
				       buf, sizeof(buf)));
	fs_table_cell(t, "%.1f", r->errors);
}

static void fs_watch_json(struct fs_json *j, const struct fs_chan *c,
			  const struct fs_rates *r)
{
	fs_json_obj(j, NULL);
	fs_json_u64(j, "id", c->id);
	fs_json_str(j, "name", c->name);
	fs_json_u64(j, "key", c->key);
	fs_json_u64(j, "nr_conns", c->nr_conns);
	fs_json_u64(j, "queue_msgs", c->queue_msgs);
	fs_json_counters(j, "counters", &c->cnt, true);
	fs_json_dbl(j, "calls_per_s", r->calls);
	fs_json_dbl(j, "oneway_per_s", r->oneway);
	fs_json_dbl(j, "replies_per_s", r->replies);
	fs_json_dbl(j, "bytes_copied_per_s", r->bytes_copied);
	fs_json_dbl(j, "bytes_shm_per_s", r->bytes_shm);
	fs_json_dbl(j, "errors_per_s", r->errors);
	fs_json_end_obj(j);
}

static int fs_watch_report(const struct fs_opts *o, const struct fs_chans *cur,
			   const struct fs_chans *prev, double dt)
{
	struct timespec now;
	struct fs_table t;
	struct fs_json j;
	struct fs_rates r;
	char ts[64];
	size_t i;
	int ret = 0;

	clock_gettime(CLOCK_REALTIME, &now);
	fs_json_init(&j, stdout, false);
	if (o->json) {
		fs_json_obj(&j, NULL);
		fs_json_u64(&j, "time_ns", now.tv_sec * 1000000000ULL + now.tv_nsec);
		fs_json_dbl(&j, "interval_s", dt);
		fs_json_arr(&j, "channels");
	} else {
		printf("%s  interval %.2f s\n",
		       fs_time(now.tv_sec * 1000000000ULL, ts, sizeof(ts)), dt);
		fs_table_init(&t, fs_watch_heads, "lrrrrrrrrr");
	}
	for (i = 0; i < cur->n; i++) {
		if (!fs_wanted(o, &cur->v[i]))
			continue;
		fs_rates(&cur->v[i], fs_chans_find(prev, cur->v[i].id), dt, &r);
		if (o->json)
			fs_watch_json(&j, &cur->v[i], &r);
		else
			fs_watch_row(&t, &cur->v[i], &r, o->bytes);
	}
	if (o->json) {
		fs_json_end_arr(&j);
		fs_json_end_obj(&j);
		fs_json_done(&j);
		return 0;
	}
	ret = fs_table_print(&t, stdout, 0);
	fs_table_free(&t);
	putchar('\n');
	fflush(stdout);
	if (ret < 0)
		fs_err("formatting the table: out of memory");
	return ret < 0 ? FS_EXIT_ERR : 0;
}

static int fs_watch_dump(struct fs_nl *nl, struct fs_chans *l)
{
	l->n = 0;
	if (fs_nl_dump_chans(nl, l) < 0) {
		fs_err("GET_CHAN dump: %s", nl->errmsg);
		return FS_EXIT_ERR;
	}
	fs_chans_sort(l);
	return 0;
}

/* With -c/-k, fail early with the kernel's answer for that channel. */
static int fs_watch_check(struct fs_nl *nl, const struct fs_opts *o)
{
	struct fs_ref ref = { .name = o->chan_name, .key = o->chan_key };
	struct fs_chan c;
	char what[96];

	if (!o->chan_name && !o->chan_key)
		return 0;
	if (fs_nl_get_chan(nl, &ref, &c) == 0)
		return 0;
	fs_err("%s: GET_CHAN: %s", fs_ref_str(o, what, sizeof(what)),
	       nl->errmsg);
	return FS_EXIT_ERR;
}

static int fs_watch_run(struct fs_nl *nl, const struct fs_opts *o)
{
	struct fs_chans a = { 0 }, b = { 0 }, tmp;
	double t0, t1, next;
	long i;
	int ret;

	ret = fs_watch_check(nl, o);
	if (!ret)
		ret = fs_watch_dump(nl, &a);
	t0 = fs_now();
	next = t0;
	for (i = 0; !ret && (!o->count || i < o->count); i++) {
		next += o->interval;
		fs_sleep_until(next);
		ret = fs_watch_dump(nl, &b);
		if (ret)
			break;
		t1 = fs_now();
		ret = fs_watch_report(o, &b, &a, t1 - t0);
		tmp = a;
		a = b;
		b = tmp;
		t0 = t1;
	}
	free(a.v);
	free(b.v);
	return ret;
}

FS_VIEW(watch, fs_watch_run);
