// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc-hashd: a SHA-256 service on the fastipc channel "fastipc-hash":
 * the fastipc.hash.Hash service of hash.proto, served by libfastipc-rpc.
 *
 *   fastipc-hashd [-d] [-p PIDFILE] [-t THREADS] [-n NAME] [-m MSG_MAX]
 *
 * In the foreground it prints "ready" on stdout once the channel exists.
 * With -d it forks, and the parent exits 0 only once the child serves (and
 * has written PIDFILE), so a script may go on at once. SIGTERM or SIGINT
 * stop it cleanly: the channel fd is closed and PIDFILE removed.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <fastipc-rpc.h>

#include "hashd.h"

#define PROG	"fastipc-hashd"

struct hashd_opts {
	const char *name;
	const char *pidfile;
	unsigned int threads;
	uint32_t msg_max;
	int daemon;
};

static struct fastipc_rpc_server *hashd_srv;

static void hashd_on_signal(int sig)
{
	(void)sig;
	fastipc_rpc_server_stop(hashd_srv);
}

static int hashd_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = hashd_on_signal;	/* no SA_RESTART: wake ioctls */
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGTERM, &sa, NULL) || sigaction(SIGINT, &sa, NULL)) {
		fprintf(stderr, PROG ": sigaction: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: " PROG " [-d] [-p PIDFILE] [-t THREADS] [-n NAME]"
		" [-m MSG_MAX]\n"
		"  -d          run in the background; returns once serving\n"
		"  -p PIDFILE  write the server's pid there\n"
		"  -t THREADS  pool size (default: online CPUs, at least 2)\n"
		"  -n NAME     channel name (default " FHASH_CHANNEL ")\n"
		"  -m MSG_MAX  channel msg_max in bytes (default: kernel's)\n");
}

static int parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 0);
	return errno || end == s || *end || *out > max ? -1 : 0;
}

static int parse_opts(int argc, char **argv, struct hashd_opts *o)
{
	unsigned long v;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int c;

	o->name = FHASH_CHANNEL;
	o->threads = cpus > 2 ? (unsigned int)cpus : 2;
	while ((c = getopt(argc, argv, "dhp:t:n:m:")) != -1) {
		switch (c) {
		case 'd':
			o->daemon = 1;
			break;
		case 'p':
			o->pidfile = optarg;
			break;
		case 'n':
			o->name = optarg;
			break;
		case 't':
			if (parse_uint(optarg, 1024, &v) || !v)
				goto bad;
			o->threads = (unsigned int)v;
			break;
		case 'm':
			if (parse_uint(optarg, UINT32_MAX, &v))
				goto bad;
			o->msg_max = (uint32_t)v;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind == argc)
		return 0;
	fprintf(stderr, PROG ": unexpected argument '%s'\n", argv[optind]);
	return -1;
bad:
	fprintf(stderr, PROG ": -%c: bad value '%s'\n", c, optarg);
	return -1;
}

static int write_pidfile(const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f || fprintf(f, "%ld\n", (long)getpid()) < 0 || fclose(f)) {
		fprintf(stderr, PROG ": %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * -d: fork; the parent waits on a pipe for the child's "ready" byte and
 * exits 0 with it, 1 without (the child printed why). Returns the pipe's
 * write end in the child, -1 in the foreground.
 */
static int daemonize(int enable)
{
	char c;
	int p[2];
	pid_t pid;

	if (!enable)
		return -1;
	pid = pipe(p) ? -1 : fork();
	if (pid < 0) {
		fprintf(stderr, PROG ": fork: %s\n", strerror(errno));
		exit(1);
	}
	if (pid > 0) {
		close(p[1]);
		exit(read(p[0], &c, 1) == 1 ? 0 : 1);
	}
	close(p[0]);
	setsid();
	return p[1];
}

static void announce_ready(int ready_fd, const struct hashd_opts *o,
			   uint32_t msg_max)
{
	int null;

	fprintf(stderr, PROG ": serving channel '%s': %u threads, msg_max %u"
		" bytes, pid %ld\n", o->name, o->threads, msg_max,
		(long)getpid());
	if (ready_fd < 0) {
		printf("ready\n");
		fflush(stdout);
		return;
	}
	null = open("/dev/null", O_RDWR);
	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		close(null);
	}
	if (write(ready_fd, "R", 1) != 1)
		fprintf(stderr, PROG ": notify parent: %s\n", strerror(errno));
	close(ready_fd);
}

/* The channel's real msg_max: the server's buffers must hold it. */
static uint32_t chan_msg_max(struct fastipc_dev *dev, const char *name,
			     uint32_t asked)
{
	struct fastipc_chan_stat st;

	if (fastipc_chan_stat(dev, name, 0, &st) == 0)
		return st.msg_max;
	return asked ? asked : fastipc_dev_api(dev)->msg_max_default;
}

/*
 * fhash_alive_fn over FASTIPC_IOC_CONN_REGION: -ENOENT once the kernel has
 * detached the connection (and queued its DISCONNECT); a region fd or
 * -ENODATA while it is attached.
 */
static int hashd_conn_alive(void *ctx, uint64_t conn_id)
{
	struct fastipc_conn_region cr;
	int fd;

	memset(&cr, 0, sizeof(cr));
	cr.conn_id = conn_id;
	fd = ioctl(*(int *)ctx, FASTIPC_IOC_CONN_REGION, &cr);
	if (fd >= 0) {
		close(fd);
		return 1;
	}
	if (errno == ENODATA)
		return 1;
	return errno == ENOENT ? 0 : -errno;
}

static void print_stopped(const struct fhash_state *st)
{
	struct fhash_counts c;

	fhash_counts(st, &c);
	fprintf(stderr, PROG ": stopped: %ju calls, %ju bytes, %ju errors,"
		" %ju connections\n", (uintmax_t)c.calls, (uintmax_t)c.bytes,
		(uintmax_t)c.errors, (uintmax_t)c.conns);
}

static int serve(struct fastipc_dev *dev, const struct hashd_opts *o,
		 int ready_fd)
{
	struct fastipc_chan_opts copts = { .msg_max = o->msg_max };
	struct fastipc_rpc_server_opts sopts = { 0 };
	struct fhash_state *st;
	int chan, ret = -ENOMEM;

	chan = fastipc_chan_create(dev, o->name, 0, 0666, &copts);
	if (chan < 0) {
		fprintf(stderr, PROG ": create channel '%s': %s\n", o->name,
			fastipc_strerror(chan));
		return chan;
	}
	sopts.base.msg_max = chan_msg_max(dev, o->name, o->msg_max);
	st = fhash_state_new(hashd_conn_alive, &chan);
	if (!st)
		goto out_close;
	ret = fastipc_rpc_server_create(chan, o->threads, &sopts, &hashd_srv);
	if (ret < 0)
		goto out_state;
	ret = fhash_service_add(hashd_srv, st);
	if (ret < 0 || hashd_signals() < 0 ||
	    (o->pidfile && write_pidfile(o->pidfile) < 0))
		goto out_srv;
	announce_ready(ready_fd, o, (uint32_t)sopts.base.msg_max);
	ret = fastipc_rpc_server_run(hashd_srv);
	print_stopped(st);
	if (o->pidfile)
		unlink(o->pidfile);
out_srv:
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	fastipc_rpc_server_destroy(hashd_srv);
out_state:
	fhash_state_free(st);
out_close:
	close(chan);
	if (ret < 0)
		fprintf(stderr, PROG ": serving '%s': %s\n", o->name,
			fastipc_strerror(ret));
	return ret;
}

int main(int argc, char **argv)
{
	struct hashd_opts o = { 0 };
	struct fastipc_dev *dev;
	int ready_fd, ret;

	if (parse_opts(argc, argv, &o) < 0)
		return 2;
	ready_fd = daemonize(o.daemon);
	ret = fastipc_open(&dev);
	if (ret < 0) {
		fprintf(stderr, PROG ": open /dev/" FASTIPC_DEVICE_NAME ": %s%s\n",
			strerror(-ret),
			ret == -ENOENT ? " (is fastipc.ko loaded?)" : "");
		return 1;
	}
	ret = serve(dev, &o, ready_fd);
	fastipc_close(dev);
	return ret < 0 ? 1 : 0;
}
