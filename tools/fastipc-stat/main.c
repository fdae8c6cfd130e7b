// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc-stat: show fastipc channels, connections, events and limits
 * through the "fastipc" generic netlink family.
 *
 *   fastipc-stat [-j] [-W] [--bytes]      table of channels
 *   fastipc-stat [-j] -c NAME | -k KEY    one channel and its connections
 *   fastipc-stat [-j] -w SECS [-n COUNT]  per-second rates, repeated
 *   fastipc-stat [-j] -e [-n COUNT]       follow the events (SUBSCRIBE)
 *   fastipc-stat [-j] --limits            module version, counts, caps
 *   fastipc-stat [-j] --users             per-user quota use
 *
 * Exit status (as fastipcctl's): 0 done, 1 a request failed, 2 usage
 * error, 3 the module is not loaded.
 *
 * Option parsing and dispatch only; each view is a file of its own that
 * registers itself with FS_VIEW().
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netlink.h"

extern const struct fs_view *__start_fs_views[];
extern const struct fs_view *__stop_fs_views[];

void fs_err(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs(PROG ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

const char *fs_ref_str(const struct fs_opts *opts, char *buf, size_t len)
{
	if (opts->chan_name)
		snprintf(buf, len, "channel '%s'", opts->chan_name);
	else
		snprintf(buf, len, "channel key 0x%" PRIx64, opts->chan_key);
	return buf;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: " PROG " [-j] [-W] [--bytes] [-c NAME | -k KEY]\n"
		"       " PROG " [-j] [--bytes] --rpc -c NAME | -k KEY\n"
		"       " PROG " [-j] [--bytes] -w SECONDS [-n COUNT] [-c NAME | -k KEY]\n"
		"       " PROG " [-j] -e [-n COUNT] [-c NAME | -k KEY]\n"
		"       " PROG " [-j] --limits\n"
		"       " PROG " [-j] [--bytes] --users\n"
		"Show fastipc channels (the table by default), one channel with its\n"
		"connections (-c/-k), per-second rates (-w), events (-e), the\n"
		"module's limits (--limits) or what each user holds against the\n"
		"per-user quotas (--users), read over generic netlink.\n"
		"  -j, --json            JSON output (JSON Lines with -w and -e),\n"
		"                        sizes in bytes\n"
		"  -W, --wide            every column of the table (key, group,\n"
		"                        one-way, timeouts); the default fits 80\n"
		"      --bytes           sizes as exact byte counts, not 4.0K, 32M\n"
		"  -c, --channel NAME    one channel, by name\n"
		"  -k, --key KEY         one channel, by key (decimal or 0x hex)\n"
		"      --rpc             with -c/-k: also what its fastipc-rpc server\n"
		"                        serves (connects and calls it: needs w\n"
		"                        permission, shows in its counters)\n"
		"  -w, --watch SECONDS   repeat every SECONDS with rates\n"
		"  -n, --count COUNT     stop after COUNT reports or events\n"
		"  -e, --events          print one line per event\n"
		"      --limits          module version, object counts and caps\n"
		"      --users           per-user channels, connections, region and\n"
		"                        queued bytes against their quotas (all users\n"
		"                        with CAP_SYS_ADMIN, else the caller's own)\n"
		"  -h, --help            this help\n"
		"Exit status: 0 done, 1 a request failed, 2 usage error, 3 the\n"
		"fastipc module is not loaded.\n");
}

static int usage_err(const char *msg, const char *arg)
{
	fs_err("%s%s%s", msg, arg ? ": " : "", arg ? arg : "");
	fprintf(stderr, "Try '" PROG " --help' for more information.\n");
	return FS_EXIT_USAGE;
}

static int parse_num(const char *s, const char *what, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	if (errno || end == s || *end || *s == '-')
		return usage_err(what, s);
	return 0;
}

static int parse_interval(const char *s, double *v)
{
	char *end;

	errno = 0;
	*v = strtod(s, &end);
	if (errno || end == s || *end || !(*v >= 0.1 && *v <= 86400))
		return usage_err("-w: bad interval (0.1 to 86400 seconds)", s);
	return 0;
}

enum { OPT_LIMITS = 0x100, OPT_USERS, OPT_BYTES, OPT_RPC };

static const struct option fs_longopts[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "channel", required_argument, NULL, 'c' },
	{ "key", required_argument, NULL, 'k' },
	{ "watch", required_argument, NULL, 'w' },
	{ "count", required_argument, NULL, 'n' },
	{ "events", no_argument, NULL, 'e' },
	{ "limits", no_argument, NULL, OPT_LIMITS },
	{ "users", no_argument, NULL, OPT_USERS },
	{ "wide", no_argument, NULL, 'W' },
	{ "bytes", no_argument, NULL, OPT_BYTES },
	{ "rpc", no_argument, NULL, OPT_RPC },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int parse_opt(int c, struct fs_opts *o)
{
	uint64_t v;

	switch (c) {
	case 'j':
		o->json = true;
		return 0;
	case 'W':
		o->wide = true;
		return 0;
	case OPT_BYTES:
		o->bytes = true;
		return 0;
	case OPT_RPC:
		o->rpc = true;
		return 0;
	case 'c':
		o->chan_name = optarg;
		return 0;
	case 'k':
		if (parse_num(optarg, "-k: bad key (decimal or 0x hex)", &v))
			return FS_EXIT_USAGE;
		if (!v)
			return usage_err("-k: key 0 names no channel", NULL);
		o->chan_key = v;
		return 0;
	case 'w':
		o->view = "watch";
		return parse_interval(optarg, &o->interval);
	case 'n':
		if (parse_num(optarg, "-n: bad count", &v))
			return FS_EXIT_USAGE;
		if (!v || v > LONG_MAX)
			return usage_err("-n: bad count (1 or more)", optarg);
		o->count = (long)v;
		return 0;
	case 'e':
		o->view = o->view ? "conflict" : "events";
		return 0;
	case OPT_LIMITS:
		o->view = o->view ? "conflict" : "limits";
		return 0;
	case OPT_USERS:
		o->view = o->view ? "conflict" : "users";
		return 0;
	case 'h':
		usage(stdout);
		exit(0);
	default:	/* getopt_long() said what */
		fprintf(stderr, "Try '" PROG " --help' for more information.\n");
		return FS_EXIT_USAGE;
	}
}

static int check_opts(struct fs_opts *o, int argc, char **argv)
{
	bool ref = o->chan_name || o->chan_key;

	if (optind < argc)
		return usage_err("unexpected argument", argv[optind]);
	if (o->chan_name && o->chan_key)
		return usage_err("give a channel name or a key, not both", NULL);
	bool global = o->view && (!strcmp(o->view, "limits") ||
				  !strcmp(o->view, "users"));

	if (o->view && !strcmp(o->view, "conflict"))
		return usage_err("-w, -e, --limits and --users exclude each other",
				 NULL);
	if (global && ref)
		return usage_err(o->view[0] == 'l' ? "--limits takes no channel" :
				 "--users takes no channel", NULL);
	if (o->count && (!o->view || global))
		return usage_err("-n goes with -w or -e", NULL);
	if (o->wide && (o->view || ref))
		return usage_err("-W goes with the table (no -c, -k, -w, -e, --limits, --users)",
				 NULL);
	if (o->rpc && (o->view || !ref))
		return usage_err("--rpc goes with -c or -k alone (no -w, -e, --limits, --users)",
				 NULL);
	if (!o->view)
		o->view = ref ? "detail" : "table";
	return 0;
}

static int parse_args(int argc, char **argv, struct fs_opts *o)
{
	int c, ret;

	while ((c = getopt_long(argc, argv, "jWc:k:w:n:eh", fs_longopts,
				NULL)) != -1) {
		ret = parse_opt(c, o);
		if (ret)
			return ret;
	}
	return check_opts(o, argc, argv);
}

static int open_family(struct fs_nl *nl)
{
	int ret = fs_nl_open(nl);

	if (ret == -ENOENT) {
		if (access("/sys/module/fastipc", F_OK) == 0)
			fs_err("the fastipc module is loaded but has no generic netlink family '"
			       FASTIPC_GENL_NAME "' (module too old?)");
		else
			fs_err("generic netlink family '" FASTIPC_GENL_NAME
			       "' not found: the fastipc module is not loaded (load it with 'insmod kmod/fastipc.ko' or 'modprobe fastipc')");
		return FS_EXIT_NOFAM;
	}
	if (ret < 0) {
		fs_err("opening a generic netlink socket and resolving family '"
		       FASTIPC_GENL_NAME "': %s", nl->errmsg);
		return FS_EXIT_ERR;
	}
	return 0;
}

static const struct fs_view *find_view(const char *name)
{
	const struct fs_view **v;

	for (v = __start_fs_views; v < __stop_fs_views; v++)
		if (!strcmp((*v)->name, name))
			return *v;
	return NULL;
}

int main(int argc, char **argv)
{
	struct fs_opts opts = { 0 };
	const struct fs_view *view;
	struct fs_nl nl;
	int ret;

	ret = parse_args(argc, argv, &opts);
	if (ret)
		return ret;
	view = find_view(opts.view);
	if (!view) {
		fs_err("internal error: no view '%s'", opts.view);
		return FS_EXIT_ERR;
	}
	ret = open_family(&nl);
	if (ret)
		return ret;
	ret = view->run(&nl, &opts);
	fs_nl_close(&nl);
	if (ret == 0 && (fflush(stdout) == EOF || ferror(stdout))) {
		fs_err("writing to standard output: %s", strerror(errno));
		ret = FS_EXIT_ERR;
	}
	return ret;
}
