// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc-pingpong: a quick round-trip benchmark (not a test).
 *
 *   fastipc-pingpong [-n ITERS] [-w WARMUP] [-s SIZE]
 *
 * Measures the round trip of a SIZE-byte (default 64) request and reply
 * between two processes, pinned to two different CPUs when there are two:
 *  - a fastipc CALL served by libfastipc's server (one pool thread),
 *  - a fastipc CALL served by a bare RECV/REPLY_RECV loop,
 *  - an AF_UNIX SOCK_SEQPACKET socketpair ping-pong.
 * The sender writes the whole payload each time and the receiver reads it
 * (the echo copies the request into the reply). Prints median, p99 and
 * minimum in nanoseconds (CLOCK_MONOTONIC around each round trip).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <fastipc.h>

#define PROG		"fastipc-pingpong"
#define ECHO_OP		1
#define SIZE_MAX_BENCH	65536
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

struct bench {
	unsigned long iters, warmup;
	size_t size;
	int cpu_client, cpu_server;	/* -1: not pinned */
	char chan[FASTIPC_NAME_MAX];
	uint64_t *ns;			/* iters samples */
};

struct result {
	uint64_t median, p99, min;
};

/* A transport: server side (child process) and one client round trip. */
struct transport {
	const char *label;
	int (*serve)(struct bench *b, int ready_fd, int sock);
	int (*setup)(struct bench *b, void **state, int sock);
	int (*round)(void *state, const void *req, void *rep, size_t size);
	void (*teardown)(void *state);
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void pin(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		fprintf(stderr, PROG ": pin to CPU %d: %s\n", cpu,
			strerror(errno));
}

static void pick_cpus(struct bench *b)
{
	cpu_set_t set;
	int cpu, found = 0;

	b->cpu_client = b->cpu_server = -1;
	if (sched_getaffinity(0, sizeof(set), &set))
		return;
	for (cpu = 0; cpu < CPU_SETSIZE && found < 2; cpu++) {
		if (!CPU_ISSET(cpu, &set))
			continue;
		if (found++ == 0)
			b->cpu_client = cpu;
		else
			b->cpu_server = cpu;
	}
	if (found < 2)
		b->cpu_client = b->cpu_server = -1;
}

static void notify_ready(int fd)
{
	if (write(fd, "R", 1) != 1)
		fprintf(stderr, PROG ": notify: %s\n", strerror(errno));
	close(fd);
}

/* ---- fastipc, libfastipc server ---------------------------------------- */

static int echo(void *ctx, const struct fastipc_msg_hdr *hdr,
		const void *req, size_t req_len,
		void *rep, size_t rep_cap, size_t *rep_len)
{
	(void)ctx;
	(void)hdr;
	if (req_len > rep_cap)
		return -ENOBUFS;
	memcpy(rep, req, req_len);
	*rep_len = req_len;
	return 0;
}

static void stop_on_disconnect(void *ctx, const struct fastipc_msg_hdr *hdr)
{
	if (hdr->type == FASTIPC_MSG_DISCONNECT)
		fastipc_server_stop(ctx);
}

static int chan_open(struct bench *b, struct fastipc_dev **dev)
{
	int ret = fastipc_open(dev);

	if (ret < 0) {
		fprintf(stderr, PROG ": open /dev/fastipc: %s\n", strerror(-ret));
		return ret;
	}
	ret = fastipc_chan_create(*dev, b->chan, 0, 0600, NULL);
	if (ret < 0) {
		fprintf(stderr, PROG ": create channel %s: %s\n", b->chan,
			strerror(-ret));
		fastipc_close(*dev);
	}
	return ret;
}

static int lib_serve(struct bench *b, int ready_fd, int sock)
{
	struct fastipc_server *srv;
	struct fastipc_dev *dev;
	int chan, ret;

	(void)sock;
	chan = chan_open(b, &dev);
	if (chan < 0)
		return chan;
	ret = fastipc_server_create(chan, 1, NULL, &srv);
	if (ret < 0)
		goto out;
	ret = fastipc_server_register(srv, ECHO_OP, echo, NULL);
	if (ret == 0)
		ret = fastipc_server_on_conn(srv, stop_on_disconnect, srv);
	if (ret == 0) {
		notify_ready(ready_fd);
		ret = fastipc_server_run(srv);
	}
	fastipc_server_destroy(srv);
out:
	if (ret < 0)
		fprintf(stderr, PROG ": libfastipc server: %s\n", strerror(-ret));
	close(chan);
	fastipc_close(dev);
	return ret;
}

/* ---- fastipc, bare REPLY_RECV loop ------------------------------------- */

static int raw_serve(struct bench *b, int ready_fd, int sock)
{
	static unsigned char buf[SIZE_MAX_BENCH], rep[SIZE_MAX_BENCH];
	struct fastipc_serve sv = { 0 };
	struct fastipc_dev *dev;
	unsigned long cmd = FASTIPC_IOC_RECV;
	int chan, ret;

	(void)sock;
	chan = chan_open(b, &dev);
	if (chan < 0)
		return chan;
	notify_ready(ready_fd);
	for (;;) {
		sv.buf_ptr = (uintptr_t)buf;
		sv.buf_cap = sizeof(buf);
		sv.out_flags = 0;
		ret = ioctl(chan, cmd, &sv);
		if (ret < 0 && errno == EINTR)
			continue;
		if (ret < 0) {
			ret = -errno;
			fprintf(stderr, PROG ": raw server: %s: %s\n",
				cmd == FASTIPC_IOC_RECV ? "RECV" : "REPLY_RECV",
				strerror(errno));
			break;
		}
		if (sv.hdr.type == FASTIPC_MSG_DISCONNECT)
			break;
		memset(&sv, 0, offsetof(struct fastipc_serve, buf_ptr));
		cmd = FASTIPC_IOC_RECV;
		if (sv.hdr.type != FASTIPC_MSG_REQUEST)
			continue;
		memcpy(rep, buf, sv.hdr.len);
		sv.reply_id = sv.hdr.msg_id;
		sv.reply_ptr = (uintptr_t)rep;
		sv.reply_len = sv.hdr.len;
		cmd = FASTIPC_IOC_REPLY_RECV;
	}
	close(chan);
	fastipc_close(dev);
	return ret;
}

/* ---- fastipc client, shared by both servers ---------------------------- */

static int call_setup(struct bench *b, void **state, int sock)
{
	struct fastipc_dev *dev;
	struct fastipc_conn *conn;
	int ret;

	(void)sock;
	ret = fastipc_open(&dev);
	if (ret < 0) {
		fprintf(stderr, PROG ": open /dev/fastipc: %s\n", strerror(-ret));
		return ret;
	}
	ret = fastipc_connect(dev, b->chan, &conn);
	fastipc_close(dev);
	if (ret < 0) {
		fprintf(stderr, PROG ": connect %s: %s\n", b->chan,
			strerror(-ret));
		return ret;
	}
	*state = conn;
	return 0;
}

static int call_round(void *state, const void *req, void *rep, size_t size)
{
	size_t len;
	int ret;

	ret = fastipc_call(state, ECHO_OP, req, size, rep, size, &len,
			   FASTIPC_TIMEOUT_INF);
	if (ret == 0 && len != size)
		ret = -EPROTO;
	return ret;
}

static void call_teardown(void *state)
{
	fastipc_disconnect(state);
}

/* ---- AF_UNIX SOCK_SEQPACKET -------------------------------------------- */

static int sock_serve(struct bench *b, int ready_fd, int sock)
{
	static unsigned char buf[SIZE_MAX_BENCH];
	ssize_t n;

	(void)b;
	notify_ready(ready_fd);
	while ((n = read(sock, buf, sizeof(buf))) > 0)
		if (write(sock, buf, n) != n)
			return -errno;
	return n < 0 ? -errno : 0;
}

static int sock_setup(struct bench *b, void **state, int sock)
{
	(void)b;
	*state = (void *)(intptr_t)sock;
	return 0;
}

static int sock_round(void *state, const void *req, void *rep, size_t size)
{
	int fd = (int)(intptr_t)state;

	if (write(fd, req, size) != (ssize_t)size)
		return -errno;
	errno = 0;
	if (read(fd, rep, size) != (ssize_t)size)
		return errno ? -errno : -EPROTO;
	return 0;
}

static void sock_teardown(void *state)
{
	shutdown((int)(intptr_t)state, SHUT_RDWR);
}

/* ---- driver ------------------------------------------------------------ */

static const struct transport transports[] = {
	{ "fastipc CALL, libfastipc server", lib_serve, call_setup,
	  call_round, call_teardown },
	{ "fastipc CALL, bare REPLY_RECV loop", raw_serve, call_setup,
	  call_round, call_teardown },
	{ "AF_UNIX SOCK_SEQPACKET socketpair", sock_serve, sock_setup,
	  sock_round, sock_teardown },
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The client loop: every round trip writes and checks the whole payload. */
static int measure(struct bench *b, const struct transport *t, void *state,
		   struct result *r)
{
	static unsigned char req[SIZE_MAX_BENCH], rep[SIZE_MAX_BENCH];
	unsigned long i, total = b->warmup + b->iters;
	uint64_t t0;
	int ret;

	for (i = 0; i < total; i++) {
		t0 = now_ns();
		memset(req, (int)(i & 0xff), b->size);
		ret = t->round(state, req, rep, b->size);
		if (i >= b->warmup)
			b->ns[i - b->warmup] = now_ns() - t0;
		if (ret < 0)
			return ret;
		if (b->size && (rep[0] != (i & 0xff) ||
				rep[b->size - 1] != (i & 0xff)))
			return -EPROTO;
	}
	qsort(b->ns, b->iters, sizeof(*b->ns), cmp_u64);
	r->median = b->ns[b->iters / 2];
	r->p99 = b->ns[b->iters * 99 / 100];
	r->min = b->ns[0];
	return 0;
}

static int client(struct bench *b, const struct transport *t, int sock,
		  struct result *r)
{
	void *state;
	int ret;

	ret = t->setup(b, &state, sock);
	if (ret < 0)
		return ret;
	ret = measure(b, t, state, r);
	if (ret < 0)
		fprintf(stderr, PROG ": %s: round trip: %s\n", t->label,
			strerror(-ret));
	t->teardown(state);
	return ret;
}

static int run_one(struct bench *b, const struct transport *t,
		   struct result *r)
{
	int sv[2], rp[2], status, ret;
	pid_t pid;
	char c;

	snprintf(b->chan, sizeof(b->chan), "fastipc-pingpong-%ld",
		 (long)getpid());
	pid = socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) ||
	      pipe(rp) ? -1 : fork();
	if (pid < 0) {
		fprintf(stderr, PROG ": setup: %s\n", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		close(sv[0]);
		close(rp[0]);
		pin(b->cpu_server);
		_exit(t->serve(b, rp[1], sv[1]) < 0 ? 1 : 0);
	}
	close(sv[1]);
	close(rp[1]);
	ret = read(rp[0], &c, 1) == 1 ? client(b, t, sv[0], r) : -1;
	close(rp[0]);
	close(sv[0]);
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		fprintf(stderr, PROG ": %s: server process failed\n", t->label);
		ret = -1;
	}
	return ret;
}

static int parse_ul(const char *s, unsigned long *v)
{
	char *end;

	errno = 0;
	*v = strtoul(s, &end, 0);
	return errno || end == s || *end ? -1 : 0;
}

static int parse_opts(int argc, char **argv, struct bench *b)
{
	unsigned long v;
	int c;

	b->iters = 20000;
	b->warmup = 2000;
	b->size = 64;
	while ((c = getopt(argc, argv, "n:w:s:h")) != -1) {
		if (c == 'h' || c == '?' || parse_ul(optarg, &v))
			goto usage;
		if (c == 'n' && v)
			b->iters = v;
		else if (c == 'w')
			b->warmup = v;
		else if (c == 's' && v <= SIZE_MAX_BENCH)
			b->size = v;
		else
			goto usage;
	}
	if (optind == argc)
		return 0;
usage:
	fprintf(c == 'h' ? stdout : stderr,
		"usage: " PROG " [-n ITERS] [-w WARMUP] [-s SIZE]\n"
		"  -n ITERS   measured round trips per transport (default 20000)\n"
		"  -w WARMUP  unmeasured round trips first (default 2000)\n"
		"  -s SIZE    request and reply bytes, 0..%d (default 64)\n",
		SIZE_MAX_BENCH);
	return -1;
}

int main(int argc, char **argv)
{
	struct result r[ARRAY_SIZE(transports)];
	struct bench b = { 0 };
	size_t i, n = ARRAY_SIZE(transports);
	int ret = 0;

	if (parse_opts(argc, argv, &b) < 0)
		return 2;
	b.ns = calloc(b.iters, sizeof(*b.ns));
	if (!b.ns) {
		fprintf(stderr, PROG ": out of memory\n");
		return 1;
	}
	pick_cpus(&b);
	pin(b.cpu_client);
	printf("%zu-byte round trips: %lu measured after %lu warm-up, ",
	       b.size, b.iters, b.warmup);
	if (b.cpu_client < 0)
		printf("not pinned (fewer than 2 CPUs)\n");
	else
		printf("client on CPU %d, server on CPU %d\n", b.cpu_client,
		       b.cpu_server);
	printf("%-36s %12s %12s %12s\n", "transport", "median ns", "p99 ns",
	       "min ns");
	for (i = 0; i < n; i++) {
		fflush(stdout);
		if (run_one(&b, &transports[i], &r[i]) < 0) {
			ret = 1;
			printf("%-36s %12s\n", transports[i].label, "failed");
			continue;
		}
		printf("%-36s %12ju %12ju %12ju\n", transports[i].label,
		       (uintmax_t)r[i].median, (uintmax_t)r[i].p99,
		       (uintmax_t)r[i].min);
	}
	if (!ret)
		printf("median ratio fastipc (libfastipc server) / seqpacket:"
		       " %.2f\n", (double)r[0].median / (double)r[n - 1].median);
	free(b.ns);
	return ret;
}
