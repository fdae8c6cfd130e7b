// SPDX-License-Identifier: GPL-2.0
/*
 * fastipcctl stat NAME | -k KEY: FASTIPC_IOC_CHAN_STAT, one "field value"
 * line per field (as ipcs -i), numbers first so scripts can awk them.
 */
#include <inttypes.h>
#include <stdio.h>
#include <time.h>

#include "fastipcctl.h"

#define KV(k, fmt, ...)	printf("%-16s " fmt "\n", k, __VA_ARGS__)

static const char *ctl_perms(uint32_t mode, char *buf)
{
	static const char rwx[] = "rwxrwxrwx";
	int i;

	for (i = 0; i < 9; i++)
		buf[i] = mode & (0400 >> i) ? rwx[i] : '-';
	buf[9] = '\0';
	return buf;
}

static const char *ctl_time(uint64_t ns, char *buf, size_t len)
{
	time_t t = (time_t)(ns / 1000000000ULL);
	struct tm tm;

	if (!ns || !localtime_r(&t, &tm) ||
	    !strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm))
		snprintf(buf, len, "-");
	return buf;
}

static void ctl_stat_perm(const struct fastipc_chan_stat *st)
{
	const struct fastipc_perm *p = &st->perm;
	char buf[64];

	/* "-" for none, as fastipc-stat prints it */
	if (p->key)
		KV("key", "0x%08" PRIx64, (uint64_t)p->key);
	else
		KV("key", "%s", "-");
	KV("seq", "%" PRIu32, p->seq);
	KV("uid", "%" PRIu32 " (%s)", p->uid, ctl_user(p->uid, buf, sizeof(buf)));
	KV("gid", "%" PRIu32 " (%s)", p->gid, ctl_group(p->gid, buf, sizeof(buf)));
	KV("cuid", "%" PRIu32 " (%s)", p->cuid,
	   ctl_user(p->cuid, buf, sizeof(buf)));
	KV("cgid", "%" PRIu32 " (%s)", p->cgid,
	   ctl_group(p->cgid, buf, sizeof(buf)));
	KV("mode", "0%03" PRIo32 " (%s)", p->mode, ctl_perms(p->mode, buf));
}

static void ctl_stat_counters(const struct fastipc_chan_counters *c)
{
	KV("calls", "%" PRIu64, (uint64_t)c->calls);
	KV("oneway", "%" PRIu64, (uint64_t)c->oneway);
	KV("replies", "%" PRIu64, (uint64_t)c->replies);
	KV("bytes_copied", "%" PRIu64, (uint64_t)c->bytes_copied);
	KV("bytes_shm", "%" PRIu64, (uint64_t)c->bytes_shm);
	KV("timeouts", "%" PRIu64, (uint64_t)c->timeouts);
	KV("cancelled", "%" PRIu64, (uint64_t)c->cancelled);
	KV("dropped_replies", "%" PRIu64, (uint64_t)c->dropped_replies);
	KV("errors", "%" PRIu64, (uint64_t)c->errors);
}

static int ctl_stat(struct fastipc_dev *dev, const struct ctl_cmd *cmd,
		    char **args, const struct ctl_target *t)
{
	struct fastipc_chan_stat st;
	char buf[64];
	int ret;

	(void)args;
	ret = fastipc_chan_stat(dev, t->name, t->key, &st);
	if (ret < 0)
		return ctl_fail(cmd, t, ret);
	KV("name", "%.*s", FASTIPC_NAME_MAX, st.ref.name[0] ? st.ref.name :
	   (t->name ? t->name : "-"));
	ctl_stat_perm(&st);
	KV("cpid", "%" PRId32, st.cpid);
	KV("created", "%s", ctl_time(st.ctime_ns, buf, sizeof(buf)));
	KV("connections", "%" PRIu32, st.nr_conns);
	KV("queue_msgs", "%" PRIu32, st.queue_msgs);
	KV("queue_bytes", "%" PRIu32, st.queue_bytes);
	KV("queue_peak", "%" PRIu32, st.queue_peak);
	KV("msg_max", "%" PRIu32, st.msg_max);
	KV("queue_msgs_max", "%" PRIu32, st.queue_msgs_max);
	KV("queue_bytes_max", "%" PRIu32, st.queue_bytes_max);
	ctl_stat_counters(&st.counters);
	return CTL_EXIT_OK;
}

const struct ctl_cmd ctl_cmd_stat = {
	.name = "stat",
	.args = "NAME | -k KEY",
	.help = "show a channel's owner, mode, queue and counters",
	.run = ctl_stat,
};
