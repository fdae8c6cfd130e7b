// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc-syscall-bench: the kernel's own work for a fastipc message, in
 * one thread pinned to one CPU: no peer, no scheduling, no wake-up. Each
 * case is a pair of system calls made PAIRS times in a row; its cost is
 * the thread's CPU time (CLOCK_THREAD_CPUTIME_ID) per pair, the median and
 * the minimum over ROUNDS rounds, in microseconds:
 *
 *   getppid() twice                   the system call itself
 *   ENOTTY ioctl twice                an ioctl fastipc does not know, on a
 *                                     connection fd: the dispatch
 *   FUTEX_WAKE + FUTEX_WAIT (EAGAIN)  a futex pair's kernel work with nobody
 *                                     to wake and a value that differs
 *   SEND SIZE + RECV (NONBLOCK)       one fastipc message in and out, for
 *                                     each SIZE
 *
 *   fastipc-syscall-bench [-n PAIRS] [-r ROUNDS] [-s SIZE[,SIZE...]]
 *                         [--check]
 *
 * Defaults: 20000 pairs, 3 rounds, 64 B and 4 KiB. Every RECV must return
 * the message just sent (its type, length and op, the pair's number), and
 * the last message of each round must match its bytes; a mismatch or a
 * failed call ends the run with exit status 1. --check runs 200 pairs in
 * 2 rounds of 64 B and 4 KiB and prints every line as a TAP comment, for
 * tools/bench/bench-check.sh. Exit status 0, 1 on a failure, 2 for bad
 * usage.
 *
 * The ratios between the rows are what it is for: section 4 of
 * Documentation/userspace-api/fastipc-performance-load.rst reads them
 * under TCG, where the kernel's user copies cost about as much as a
 * system call.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <linux/futex.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <fastipc.h>

#include "bench.h"
#include "mech-fastipc.h"

#define MAX_SIZES	8
#define MAX_ROUNDS	1000
#define SIZE_MAX_B	(1024 * 1024)

const char *bench_prog = "fastipc-syscall-bench";

struct sb {
	int chan_fd, conn_fd;
	int futex_word;
	size_t size;			/* of the SEND + RECV case */
	unsigned char *out, *in;	/* sent, received */
};

struct sb_case {
	const char *name;
	int (*pair)(struct sb *s, uint32_t i);
	bool payload;			/* compare s->in with s->out after */
};

static int pair_getppid(struct sb *s, uint32_t i)
{
	(void)s;
	(void)i;
	return getppid() > 0 && getppid() > 0 ? 0 : -EIO;
}

static int pair_enotty(struct sb *s, uint32_t i)
{
	(void)i;
	if (ioctl(s->conn_fd, _IO(FASTIPC_IOC_MAGIC, 0x3f)) != -1 ||
	    errno != ENOTTY)
		return -EPROTO;
	if (ioctl(s->conn_fd, _IO(FASTIPC_IOC_MAGIC, 0x3f)) != -1 ||
	    errno != ENOTTY)
		return -EPROTO;
	return 0;
}

static int pair_futex(struct sb *s, uint32_t i)
{
	(void)i;
	if (syscall(SYS_futex, &s->futex_word, FUTEX_WAKE_PRIVATE, 1, NULL,
		    NULL, 0) != 0)
		return -EPROTO;
	if (syscall(SYS_futex, &s->futex_word, FUTEX_WAIT_PRIVATE, 1, NULL,
		    NULL, 0) != -1 || errno != EAGAIN)
		return -EPROTO;
	return 0;
}

static int pair_send_recv(struct sb *s, uint32_t i)
{
	struct fastipc_call c = {
		.req_ptr = (uintptr_t)s->out, .req_len = s->size, .op = i,
	};
	struct fastipc_serve r = {
		.buf_ptr = (uintptr_t)s->in, .buf_cap = s->size,
		.flags = FASTIPC_F_NONBLOCK,
	};

	if (ioctl(s->conn_fd, FASTIPC_IOC_SEND, &c))
		return -errno;
	if (ioctl(s->chan_fd, FASTIPC_IOC_RECV, &r))
		return -errno;
	if (r.hdr.type != FASTIPC_MSG_ONEWAY || r.hdr.len != s->size ||
	    r.hdr.op != i)
		return -EBADMSG;
	return 0;
}

static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* One round of @n pairs: CPU ns per pair in *@ns, or -errno. */
static int run_round(const struct sb_case *k, struct sb *s, unsigned long n,
		     uint64_t *ns)
{
	uint64_t t0 = thread_cpu_ns();
	unsigned long i;
	int ret;

	for (i = 0; i < n; i++) {
		ret = k->pair(s, (uint32_t)i);
		if (ret < 0)
			return bench_err(ret, "%s: pair %lu", k->name, i);
	}
	*ns = (thread_cpu_ns() - t0) / n;
	if (k->payload && memcmp(s->in, s->out, s->size))
		return bench_err(-EBADMSG, "%s: received bytes differ",
				 k->name);
	return 0;
}

static int run_case(const struct sb_case *k, struct sb *s, unsigned long n,
		    unsigned int rounds, bool tap)
{
	uint64_t ns[MAX_ROUNDS];
	struct bench_stats st;
	unsigned int r;
	int ret;

	for (r = 0; r < rounds; r++) {
		ret = run_round(k, s, n, &ns[r]);
		if (ret < 0)
			return ret;
	}
	bench_stats(ns, rounds, &st);
	printf("%s%-36s %9.2f %9.2f\n", tap ? "# " : "", k->name,
	       st.median / 1000.0, st.min / 1000.0);
	return 0;
}

/* A channel for @size-byte messages and one connection to it. */
static int sb_open(struct sb *s, size_t size, struct fastipc_dev **dev,
		   struct fastipc_conn **conn)
{
	struct fastipc_serve r = {
		.buf_ptr = (uintptr_t)s->in, .buf_cap = size,
		.flags = FASTIPC_F_NONBLOCK,
	};
	char name[64];
	int ret;

	snprintf(name, sizeof(name), "fipc-syscall-bench-%d", (int)getpid());
	s->chan_fd = fipc_chan_create(name, size, 1);
	if (s->chan_fd < 0)
		return s->chan_fd;
	ret = fastipc_open(dev);
	if (ret < 0)
		return bench_err(ret, "open /dev/fastipc");
	ret = fastipc_connect(*dev, name, conn);
	if (ret < 0)
		return bench_err(ret, "connect to %s", name);
	s->conn_fd = fastipc_conn_fd(*conn);
	/* The CONNECT message, so that each RECV finds the SEND before it. */
	if (ioctl(s->chan_fd, FASTIPC_IOC_RECV, &r))
		return bench_err(-errno, "%s: receive the CONNECT message",
				 name);
	if (r.hdr.type != FASTIPC_MSG_CONNECT)
		return bench_err(-EPROTO, "%s: message type %u first, not "
				 "CONNECT", name, r.hdr.type);
	return 0;
}

static int parse_sizes(char *arg, size_t *sizes, unsigned int *n)
{
	char *tok, *save = NULL;
	uint64_t v;

	*n = 0;
	for (tok = strtok_r(arg, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (*n == MAX_SIZES || bench_parse_size(tok, &v) ||
		    v < 1 || v > SIZE_MAX_B) {
			fprintf(stderr, "%s: -s: bad size '%s' (1 to 1m, at "
				"most %d sizes)\n", bench_prog, tok, MAX_SIZES);
			return -1;
		}
		sizes[(*n)++] = v;
	}
	if (!*n)
		fprintf(stderr, "%s: -s: no size given\n", bench_prog);
	return *n ? 0 : -1;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: %s [-n PAIRS] [-r ROUNDS] [-s SIZE[,SIZE...]] "
		"[--check]\n", bench_prog);
}

static int run_all(struct sb *s, const size_t *sizes, unsigned int nsizes,
		   unsigned long n, unsigned int rounds, bool tap)
{
	static const struct sb_case fixed[] = {
		{ "getppid() x2", pair_getppid, false },
		{ "ENOTTY ioctl x2", pair_enotty, false },
		{ "FUTEX_WAKE + FUTEX_WAIT (EAGAIN)", pair_futex, false },
	};
	struct sb_case k = { NULL, pair_send_recv, true };
	char name[64];
	unsigned int i;
	int ret;

	printf("%s%-36s %9s %9s\n", tap ? "# " : "",
	       "pair of system calls", "median us", "min us");
	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		ret = run_case(&fixed[i], s, n, rounds, tap);
		if (ret < 0)
			return ret;
	}
	for (i = 0; i < nsizes; i++) {
		snprintf(name, sizeof(name), "SEND %zu B + RECV (NONBLOCK)",
			 sizes[i]);
		k.name = name;
		s->size = sizes[i];
		bench_fill(s->out, s->size, i + 1);
		ret = run_case(&k, s, n, rounds, tap);
		if (ret < 0)
			return ret;
	}
	return 0;
}

struct sb_opts {
	unsigned long n, rounds;
	size_t sizes[MAX_SIZES];
	unsigned int nsizes;
	bool check;
};

/* A count in [1, @max] from @arg, for option -@opt; -1 if bad. */
static long parse_count(const char *arg, char opt, unsigned long max)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || v < 1 || v > max) {
		fprintf(stderr, "%s: -%c: bad count '%s' (1 to %lu)\n",
			bench_prog, opt, arg, max);
		return -1;
	}
	return (long)v;
}

/* Fill @o from the command line: 0, or the exit status to leave with. */
static int parse_opts(int argc, char **argv, struct sb_opts *o)
{
	static const struct option longopts[] = {
		{ "check", no_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	long v;
	int c;

	while ((c = getopt_long(argc, argv, "n:r:s:h", longopts, NULL)) != -1) {
		if (c == 'n' || c == 'r') {
			v = parse_count(optarg, c, c == 'n' ? 100000000 :
					MAX_ROUNDS);
			if (v < 0)
				return 2;
			*(c == 'n' ? &o->n : &o->rounds) = v;
		} else if (c == 's') {
			if (parse_sizes(optarg, o->sizes, &o->nsizes))
				return 2;
		} else if (c == 'C') {
			o->check = true;
			o->n = 200;
			o->rounds = 2;
		} else {
			usage(c == 'h' ? stdout : stderr);
			return c == 'h' ? 0 : 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", bench_prog,
			argv[optind]);
		usage(stderr);
		return 2;
	}
	return -1;
}

/* Open the channel, pin, run every case: 0 or -errno. */
static int sb_main(struct sb *s, const struct sb_opts *o, size_t max)
{
	struct fastipc_conn *conn = NULL;
	struct fastipc_dev *dev = NULL;
	int cpu, other, ret;

	bench_pick_cpus(&cpu, &other);
	ret = bench_pin(cpu);
	if (ret < 0)
		bench_err(ret, "pin to CPU %d", cpu);
	if (!ret)
		ret = sb_open(s, max, &dev, &conn);
	if (!ret) {
		printf("%s%s: %lu pairs x %lu rounds, thread CPU time per pair "
		       "of system calls, %s CPU %d\n", o->check ? "# " : "",
		       bench_prog, o->n, o->rounds,
		       cpu < 0 ? "not pinned," : "on", cpu);
		ret = run_all(s, o->sizes, o->nsizes, o->n, o->rounds,
			      o->check);
	}
	fastipc_disconnect(conn);
	fastipc_close(dev);
	if (s->chan_fd >= 0)
		close(s->chan_fd);
	return ret;
}

int main(int argc, char **argv)
{
	struct sb_opts o = {
		.n = 20000, .rounds = 3, .sizes = { 64, 4096 }, .nsizes = 2,
	};
	struct sb s = { .chan_fd = -1 };
	size_t max = 0;
	unsigned int i;
	int ret;

	ret = parse_opts(argc, argv, &o);
	if (ret >= 0)
		return ret;
	for (i = 0; i < o.nsizes; i++)
		max = o.sizes[i] > max ? o.sizes[i] : max;
	s.out = malloc(max);
	s.in = malloc(max);
	ret = s.out && s.in ? sb_main(&s, &o, max) :
		bench_err(-ENOMEM, "two buffers of %zu bytes", max);
	free(s.out);
	free(s.in);
	if (o.check)
		printf("# %s --check: %s\n", bench_prog,
		       ret < 0 ? "FAILED" : "every message received intact");
	return ret < 0 ? 1 : 0;
}
