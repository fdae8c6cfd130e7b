// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc-stat -e [-n COUNT] [-c NAME | -k KEY]: join the family's
 * "events" multicast group and print one line per event (channel created
 * or removed, connect, disconnect, call failed), or one compact JSON object
 * per line with -j. Once listening it says so on stderr, so a script can
 * start it in the background and wait for that line.
 */
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "json.h"
#include "netlink.h"

struct fs_events {
	const struct fs_opts *opts;
	long seen;
};

static const char *fs_event_name(uint8_t cmd)
{
	switch (cmd) {
	case FASTIPC_CMD_EVENT_CHAN_CREATED:	return "created";
	case FASTIPC_CMD_EVENT_CHAN_REMOVED:	return "removed";
	case FASTIPC_CMD_EVENT_CONNECT:		return "connect";
	case FASTIPC_CMD_EVENT_DISCONNECT:	return "disconnect";
	case FASTIPC_CMD_EVENT_CALL_FAILED:	return "call-failed";
	default:				return "unknown";
	}
}

static bool fs_event_wanted(const struct fs_opts *o, const struct fs_event *ev)
{
	if (o->chan_name)
		return !strcmp(o->chan_name, ev->name);
	if (o->chan_key)
		return o->chan_key == ev->key;
	return true;
}

static void fs_event_text(const struct fs_event *ev, const struct timespec *ts)
{
	char t[32], key[32];
	struct tm tm;

	localtime_r(&ts->tv_sec, &tm);
	strftime(t, sizeof(t), "%H:%M:%S", &tm);
	printf("%s.%06ld %-11s chan %s id %" PRIu64 " key %s", t,
	       ts->tv_nsec / 1000, fs_event_name(ev->cmd),
	       ev->name[0] ? ev->name : "-", ev->chan_id,
	       fs_key(ev->key, key, sizeof(key)));
	if (ev->has_conn)
		printf(" conn %" PRIu64, ev->conn_id);
	if (ev->has_pid)
		printf(" pid %" PRIu32, ev->pid);
	if (ev->has_error)
		printf(" error %s (%s)", fs_errname((int)ev->error),
		       strerror((int)ev->error));
	putchar('\n');
}

static void fs_event_json(const struct fs_event *ev, const struct timespec *ts)
{
	struct fs_json j;

	fs_json_init(&j, stdout, false);
	fs_json_obj(&j, NULL);
	fs_json_u64(&j, "time_ns", ts->tv_sec * 1000000000ULL + ts->tv_nsec);
	fs_json_str(&j, "event", fs_event_name(ev->cmd));
	fs_json_u64(&j, "chan_id", ev->chan_id);
	fs_json_str(&j, "name", ev->name);
	fs_json_u64(&j, "key", ev->key);
	if (ev->has_conn)
		fs_json_u64(&j, "conn_id", ev->conn_id);
	if (ev->has_pid)
		fs_json_u64(&j, "pid", ev->pid);
	if (ev->has_error) {
		fs_json_u64(&j, "error", ev->error);
		fs_json_str(&j, "error_name", fs_errname((int)ev->error));
	}
	fs_json_end_obj(&j);
	fs_json_done(&j);
}

static int fs_on_event(const struct fs_event *ev, void *arg)
{
	struct fs_events *st = arg;
	struct timespec ts;

	if (!fs_event_wanted(st->opts, ev))
		return 0;
	clock_gettime(CLOCK_REALTIME, &ts);
	if (st->opts->json)
		fs_event_json(ev, &ts);
	else
		fs_event_text(ev, &ts);
	fflush(stdout);
	st->seen++;
	return st->opts->count && st->seen >= st->opts->count;
}

static int fs_events_run(struct fs_nl *nl, const struct fs_opts *opts)
{
	struct fs_events st = { .opts = opts };

	if (fs_nl_subscribe(nl) < 0) {
		fs_err("subscribing to events: %s", nl->errmsg);
		return FS_EXIT_ERR;
	}
	fprintf(stderr, PROG ": listening on " FASTIPC_GENL_NAME "/events\n");
	if (fs_nl_listen(nl, fs_on_event, &st) < 0) {
		fs_err("receiving events: %s", nl->errmsg);
		return FS_EXIT_ERR;
	}
	return 0;
}

FS_VIEW(events, fs_events_run);
