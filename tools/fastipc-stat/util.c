// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc-stat: formatting shared by the views: user and group names,
 * permission strings, times, keys, sizes, errno names, and a channel or
 * counter set as JSON members.
 */
#define _GNU_SOURCE
#include <grp.h>
#include <inttypes.h>
#include <pwd.h>
#include <search.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fastipc-stat.h"
#include "json.h"

/*
 * User and group names, looked up once per id and run, as ps(1) and top(1)
 * keep them: getpwuid() and getgrgid() go through NSS (read and parse
 * /etc/passwd, or ask a directory service) on every call, and a dump shows
 * the same few owners on hundreds of channels. Under -w a name renamed
 * while watching keeps its old spelling until fastipc-stat restarts.
 * Without memory for an entry the name is looked up uncached.
 */
struct fs_name {
	uint32_t id;
	char name[];	/* as printed: the name, or the id if it has none */
};

static void *fs_user_names, *fs_group_names;

static int fs_name_cmp(const void *a, const void *b)
{
	uint32_t x = ((const struct fs_name *)a)->id;
	uint32_t y = ((const struct fs_name *)b)->id;

	return x < y ? -1 : x > y;
}

/* What NSS calls @id, or NULL. */
static const char *fs_passwd_name(uint32_t id)
{
	struct passwd *pw = getpwuid(id);

	return pw ? pw->pw_name : NULL;
}

static const char *fs_group_name(uint32_t id)
{
	struct group *gr = getgrgid(id);

	return gr ? gr->gr_name : NULL;
}

/* Keep @name for @id in @root; without memory it is looked up again. */
static void fs_name_keep(void **root, uint32_t id, const char *name)
{
	size_t n = strlen(name) + 1;
	struct fs_name *e = malloc(sizeof(*e) + n);

	if (!e)
		return;
	e->id = id;
	memcpy(e->name, name, n);
	if (!tsearch(e, root, fs_name_cmp))
		free(e);
}

/* @id's name, or the id if it has none, in @buf: from @root, else @lookup. */
static const char *fs_name(void **root, uint32_t id,
			   const char *(*lookup)(uint32_t), char *buf,
			   size_t len)
{
	struct fs_name key = { .id = id }, **found;
	char num[sizeof("4294967295")];
	const char *name;

	found = tfind(&key, root, fs_name_cmp);
	if (found) {
		name = (*found)->name;
	} else {
		name = lookup(id);
		if (!name) {
			snprintf(num, sizeof(num), "%" PRIu32, id);
			name = num;
		}
		fs_name_keep(root, id, name);
	}
	snprintf(buf, len, "%s", name);
	return buf;
}

const char *fs_user(uint32_t uid, char *buf, size_t len)
{
	return fs_name(&fs_user_names, uid, fs_passwd_name, buf, len);
}

const char *fs_group(uint32_t gid, char *buf, size_t len)
{
	return fs_name(&fs_group_names, gid, fs_group_name, buf, len);
}

const char *fs_perms(uint32_t mode, char *buf)
{
	static const char rwx[] = "rwxrwxrwx";
	int i;

	for (i = 0; i < 9; i++)
		buf[i] = mode & (0400 >> i) ? rwx[i] : '-';
	buf[9] = '\0';
	return buf;
}

const char *fs_time(uint64_t ns, char *buf, size_t len)
{
	time_t t = (time_t)(ns / 1000000000ULL);
	struct tm tm;

	if (!ns || !localtime_r(&t, &tm) ||
	    !strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm))
		snprintf(buf, len, "-");
	return buf;
}

const char *fs_key(uint64_t key, char *buf, size_t len)
{
	if (key)
		snprintf(buf, len, "0x%08" PRIx64, key);
	else
		snprintf(buf, len, "-");
	return buf;
}

/*
 * As ls -h and ss do: powers of 1024, one decimal below 10 ("4.0K"),
 * none from 10 ("32M"), a unit up rather than "1024K".
 */
const char *fs_size(uint64_t v, bool raw, char *buf, size_t len)
{
	static const char units[] = "KMGTPE";
	double d = (double)v;
	int u = -1;

	if (raw || v < 1024) {
		snprintf(buf, len, "%" PRIu64, v);
		return buf;
	}
	while (d >= 1023.5 && u < 5) {
		d /= 1024;
		u++;
	}
	if (d < 9.95)
		snprintf(buf, len, "%.1f%c", d, units[u]);
	else
		snprintf(buf, len, "%.0f%c", d, units[u]);
	return buf;
}

const char *fs_errname(int err)
{
	const char *s = strerrorname_np(err);

	return s ? s : "E?";
}

static int fs_chan_cmp(const void *a, const void *b)
{
	const struct fs_chan *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return x->id < y->id ? -1 : x->id > y->id;
}

void fs_chans_sort(struct fs_chans *l)
{
	if (l->n)
		qsort(l->v, l->n, sizeof(*l->v), fs_chan_cmp);
}

const struct fs_chan *fs_chans_find(const struct fs_chans *l, uint64_t id)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i].id == id)
			return &l->v[i];
	return NULL;
}

void fs_json_counters(struct fs_json *j, const char *key,
		      const struct fs_counters *c, bool chan)
{
	fs_json_obj(j, key);
	fs_json_u64(j, "calls", c->calls);
	fs_json_u64(j, "oneway", c->oneway);
	fs_json_u64(j, "replies", c->replies);
	fs_json_u64(j, "bytes_copied", c->bytes_copied);
	fs_json_u64(j, "bytes_shm", c->bytes_shm);
	fs_json_u64(j, "timeouts", c->timeouts);
	fs_json_u64(j, "cancelled", c->cancelled);
	fs_json_u64(j, "dropped_replies", c->dropped_replies);
	fs_json_u64(j, "errors", c->errors);
	if (chan) {
		fs_json_u64(j, "handoffs", c->handoffs);
		fs_json_u64(j, "recv_sleeps", c->recv_sleeps);
		fs_json_u64(j, "call_polls_skipped", c->call_polls_skipped);
		fs_json_u64(j, "service_ns", c->service_ns);
	} else {
		fs_json_u64(j, "slot_calls", c->slot_calls);
		fs_json_u64(j, "msg_allocs", c->msg_allocs);
	}
	fs_json_end_obj(j);
}

static void fs_json_ids(struct fs_json *j, const struct fs_chan *c)
{
	char buf[64];

	fs_json_u64(j, "uid", c->uid);
	fs_json_str(j, "owner", fs_user(c->uid, buf, sizeof(buf)));
	fs_json_u64(j, "gid", c->gid);
	fs_json_str(j, "group", fs_group(c->gid, buf, sizeof(buf)));
	fs_json_u64(j, "cuid", c->cuid);
	fs_json_u64(j, "cgid", c->cgid);
	fs_json_u64(j, "mode", c->mode);
	fs_json_str(j, "perms", fs_perms(c->mode, buf));
}

/* The members of one channel object (the caller opens and closes it). */
void fs_json_chan(struct fs_json *j, const struct fs_chan *c)
{
	fs_json_u64(j, "id", c->id);
	fs_json_str(j, "name", c->name);
	fs_json_u64(j, "key", c->key);
	fs_json_ids(j, c);
	fs_json_u64(j, "seq", c->seq);
	fs_json_u64(j, "cpid", c->cpid);
	fs_json_u64(j, "ctime_ns", c->ctime_ns);
	fs_json_u64(j, "nr_conns", c->nr_conns);
	fs_json_u64(j, "queue_msgs", c->queue_msgs);
	fs_json_u64(j, "queue_bytes", c->queue_bytes);
	fs_json_u64(j, "queue_peak", c->queue_peak);
	fs_json_u64(j, "msg_max", c->msg_max);
	fs_json_u64(j, "queue_msgs_max", c->queue_msgs_max);
	fs_json_u64(j, "queue_bytes_max", c->queue_bytes_max);
	fs_json_counters(j, "counters", &c->cnt, true);
}
