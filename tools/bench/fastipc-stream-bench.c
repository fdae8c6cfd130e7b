// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc-stream-bench: one-way messages per second through a fastipc
 * stream (fastipc_stream_*), producer and consumer in two processes.
 *
 *   fastipc-stream-bench [-n COUNT] [-s SIZE[,SIZE...]] [-S SPIN[,SPIN...]]
 *                        [-r REGION]
 *
 * The producer (pinned to the first CPU) reserves each SIZE-byte record in
 * the ring, writes its sequence number and a pattern, and commits it; the
 * consumer (pinned to the second) peeks it in place, checks the sequence
 * number, reads every byte into a running checksum and releases it. At
 * the end both checksums must match (exit 1 otherwise). The rate is
 * measured by the consumer over the messages after the warm-up (a tenth).
 * Each SIZE runs with every SPIN (the stream's spin option: polls of the
 * ring before sleeping; default FASTIPC_STREAM_SPIN_DEFAULT and 0).
 *
 * Also printed: the producer's NOTIFY and WAIT syscalls (libfastipc's
 * connection counters, whole run) and the consumer's voluntary context
 * switches while measured (each is one sleep in FASTIPC_IOC_WAIT).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fastipc.h>

#include "bench.h"
#include "mech-fastipc.h"

#define MAX_LIST	16
#define SEQ		sizeof(uint64_t)
#define MIX		0x9e3779b97f4a7c15ULL

const char *bench_prog = "fastipc-stream-bench";

struct run {
	size_t size;
	uint32_t spin;
	unsigned long count, warm;
	uint64_t region;
	char chan[64];
	int result_fd;			/* consumer -> producer */
};

/* What the consumer reports. */
struct result {
	int ret;
	uint64_t sum, t0, t1, nvcsw, errors;
};

/* ---- consumer (child) --------------------------------------------------- */

static long vol_switches(void)
{
	struct rusage ru;

	return getrusage(RUSAGE_SELF, &ru) ? 0 : ru.ru_nvcsw;
}

/* Take @r->count records in order; fill @res. */
static int consume(struct run *r, struct fastipc_stream *st,
		   struct result *res)
{
	unsigned long i;
	long sw0 = 0;
	const void *p;
	uint64_t seq;
	size_t len;
	int ret;

	for (i = 0; i < r->count; i++) {
		if (i == r->warm) {
			res->t0 = bench_now_ns();
			sw0 = vol_switches();
		}
		ret = fastipc_stream_peek(st, &p, &len, FASTIPC_TIMEOUT_INF);
		if (ret < 0)
			return bench_err(ret, "consumer: peek record %lu", i);
		if (len != r->size)
			return bench_err(-EPROTO, "consumer: record %lu has "
					 "%zu bytes", i, len);
		memcpy(&seq, p, SEQ);
		if (seq != i)
			return bench_err(-EPROTO, "consumer: record %lu has "
					 "sequence number %ju", i,
					 (uintmax_t)seq);
		res->sum = (res->sum ^ bench_sum((const char *)p + SEQ,
						 len - SEQ)) * MIX;
		ret = fastipc_stream_release(st, p);
		if (ret < 0)
			return bench_err(ret, "consumer: release record %lu",
					 i);
	}
	res->t1 = bench_now_ns();
	res->nvcsw = (uint64_t)(vol_switches() - sw0);
	res->errors = fastipc_stream_errors(st);
	return 0;
}

static int consumer(void *arg, int ready_fd)
{
	struct fastipc_stream_opts so = { 0 };
	struct result res = { 0 };
	struct fastipc_stream *st;
	struct fastipc_dev *dev;
	struct run *r = arg;
	uint64_t conn_id = 0;
	int chan, ret;

	so.spin = r->spin;
	ret = fastipc_open(&dev);
	if (ret < 0)
		return bench_err(ret, "consumer: open /dev/fastipc");
	chan = fastipc_chan_create(dev, r->chan, 0, 0600, NULL);
	if (chan < 0) {
		fastipc_close(dev);
		return bench_err(chan, "consumer: create channel %s", r->chan);
	}
	bench_ready(ready_fd);
	ret = fipc_next_connect(chan, &conn_id, "consumer");
	if (ret == 0) {
		ret = fastipc_stream_accept(chan, conn_id, FASTIPC_STREAM_C2S,
					    &so, &st);
		if (ret < 0)
			bench_err(ret, "consumer: accept the stream");
	}
	if (ret == 0) {
		ret = consume(r, st, &res);
		fastipc_stream_close(st);
	}
	res.ret = ret;
	if (bench_write_all(r->result_fd, &res, sizeof(res)) < 0 && !ret)
		ret = bench_err(-errno, "consumer: report");
	close(chan);
	fastipc_close(dev);
	return ret;
}

/* ---- producer (parent) -------------------------------------------------- */

static int produce(struct run *r, struct fastipc_stream *st, uint64_t *sum)
{
	unsigned long i;
	uint64_t seq;
	void *p;
	int ret;

	*sum = 0;
	for (i = 0; i < r->count; i++) {
		ret = fastipc_stream_reserve(st, r->size, &p,
					     FASTIPC_TIMEOUT_INF);
		if (ret < 0)
			return bench_err(ret, "producer: reserve record %lu",
					 i);
		seq = i;
		memcpy(p, &seq, SEQ);
		*sum = (*sum ^ bench_fill((char *)p + SEQ, r->size - SEQ,
					  i)) * MIX;
		ret = fastipc_stream_commit(st, p);
		if (ret < 0)
			return bench_err(ret, "producer: commit record %lu",
					 i);
	}
	return 0;
}

static int producer(struct run *r, struct result *res,
		    struct fastipc_conn_stats *cs)
{
	struct fastipc_stream_opts so = { .spin = r->spin };
	struct fastipc_conn_opts co = { .region_size = r->region };
	struct fastipc_stream *st = NULL;
	struct fastipc_conn *conn;
	struct fastipc_dev *dev;
	uint64_t sum = 0;
	int ret;

	ret = fastipc_open(&dev);
	if (ret < 0)
		return bench_err(ret, "producer: open /dev/fastipc");
	ret = fastipc_connect_opts(dev, r->chan, 0, &co, &conn);
	fastipc_close(dev);
	if (ret < 0)
		return bench_err(ret, "producer: connect to %s with a %ju-byte"
				 " region", r->chan, (uintmax_t)r->region);
	ret = fastipc_stream_open(conn, FASTIPC_STREAM_C2S, &so, &st);
	if (ret < 0)
		bench_err(ret, "producer: open the stream");
	else
		ret = produce(r, st, &sum);
	if (ret == 0)
		ret = bench_read_all(r->result_fd, res, sizeof(*res));
	if (ret == 0 && res->ret == 0 && res->sum != sum) {
		fprintf(stderr, "%s: checksum mismatch: produced %016jx, "
			"consumed %016jx\n", bench_prog, (uintmax_t)sum,
			(uintmax_t)res->sum);
		ret = -EBADMSG;
	}
	if (ret == 0)
		ret = res->ret;
	fastipc_conn_stats(conn, cs);
	fastipc_stream_close(st);
	fastipc_disconnect(conn);
	return ret;
}

static int run_one(struct run *r, int cpu_server)
{
	static unsigned int seq;
	struct fastipc_conn_stats cs = { 0 };
	struct result res = { 0 };
	uint64_t dt;
	int rp[2], ret;
	pid_t pid = -1;

	snprintf(r->chan, sizeof(r->chan), "fastipc-stream-bench-%ld-%u",
		 (long)getpid(), seq++);
	if (pipe(rp))
		return bench_err(-errno, "pipe");
	r->result_fd = rp[1];
	ret = bench_spawn(cpu_server, consumer, r, &pid);
	close(rp[1]);
	r->result_fd = rp[0];
	if (ret == 0)
		ret = producer(r, &res, &cs);
	close(rp[0]);
	if (pid > 0 && ret < 0)
		kill(pid, SIGTERM);
	if (pid > 0 && bench_reap(pid, "consumer") < 0 && ret == 0)
		ret = -1;
	if (ret < 0) {
		printf("%-8zu %-6u %14s\n", r->size, r->spin, "FAILED");
		return ret;
	}
	dt = res.t1 - res.t0;
	printf("%-8zu %-6u %14.0f %10.1f %10ju %10ju %12ju\n", r->size,
	       r->spin, (double)(r->count - r->warm) * 1e9 / (double)dt,
	       (double)(r->count - r->warm) * (double)r->size * 1e3 /
	       (double)dt, (uintmax_t)cs.notifies, (uintmax_t)cs.waits,
	       (uintmax_t)res.nvcsw);
	return 0;
}

static int parse_list(char *arg, uint64_t *v, size_t *n, uint64_t min,
		      uint64_t max)
{
	char *save, *s;

	*n = 0;
	for (s = strtok_r(arg, ",", &save); s; s = strtok_r(NULL, ",", &save))
		if (*n == MAX_LIST || bench_parse_size(s, &v[(*n)++]) ||
		    v[*n - 1] < min || v[*n - 1] > max)
			return -1;
	return *n ? 0 : -1;
}

int main(int argc, char **argv)
{
	uint64_t sizes[MAX_LIST] = { 64, 4096 }, spins[MAX_LIST] = {
		FASTIPC_STREAM_SPIN_DEFAULT, 0 }, v;
	size_t nsizes = 2, nspins = 2, i, j;
	struct run r = { .count = 20000, .region = 1 << 20 };
	int c, cpu_client, cpu_server, ret = 0;

	while ((c = getopt(argc, argv, "n:s:S:r:h")) != -1) {
		if (c == 'n' && !bench_parse_size(optarg, &v) && v >= 10)
			r.count = (unsigned long)v;
		else if (c == 's' && !parse_list(optarg, sizes, &nsizes, SEQ,
						 1 << 30))
			continue;
		else if (c == 'S' && !parse_list(optarg, spins, &nspins, 0,
						 UINT32_MAX))
			continue;
		else if (c == 'r' && !bench_parse_size(optarg, &v) && v)
			r.region = v;
		else
			goto usage;
	}
	if (optind != argc)
		goto usage;
	r.warm = r.count / 10;
	bench_pick_cpus(&cpu_client, &cpu_server);
	if (bench_pin(cpu_client) < 0)
		return 1;
	printf("\nstream: %lu one-way messages per run (rate over the last "
	       "%lu), %ju-byte region, ", r.count, r.count - r.warm,
	       (uintmax_t)r.region);
	if (cpu_client < 0)
		printf("not pinned (fewer than 2 CPUs)\n");
	else
		printf("producer on CPU %d, consumer on CPU %d\n", cpu_client,
		       cpu_server);
	printf("%-8s %-6s %14s %10s %10s %10s %12s\n", "size", "spin",
	       "msgs/s", "MB/s", "NOTIFY", "WAIT", "cons. sleeps");
	for (i = 0; i < nsizes; i++) {
		for (j = 0; j < nspins; j++) {
			r.size = (size_t)sizes[i];
			r.spin = (uint32_t)spins[j];
			fflush(stdout);
			if (run_one(&r, cpu_server) < 0)
				ret = 1;
		}
	}
	return ret;
usage:
	fprintf(c == 'h' ? stdout : stderr,
		"usage: %s [-n COUNT] [-s SIZE[,SIZE...]] [-S SPIN[,SPIN...]]"
		" [-r REGION]\n"
		"  -n COUNT  messages per run (default 20000, the first tenth "
		"unmeasured)\n"
		"  -s SIZES  message bytes, at least 8 (default 64,4096)\n"
		"  -S SPINS  spin options (default %u,0)\n"
		"  -r BYTES  region size (default 1m)\n", bench_prog,
		FASTIPC_STREAM_SPIN_DEFAULT);
	return c == 'h' ? 0 : 2;
}
