// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc-pingpong: round-trip benchmark of fastipc against AF_UNIX
 * sockets (not a test, but every round trip is checked).
 *
 *   fastipc-pingpong [-n ITERS] [-w WARMUP] [-b BATCHES]
 *                    [-s SIZE[,SIZE...]] [-m MECH[,MECH...]] [-T]
 *
 * For each SIZE and mechanism, a client (pinned to the first CPU) and a
 * server process (pinned to the second) make round trips: the client
 * writes a SIZE-byte request, the server reads every byte and answers
 * with its 8-byte checksum, which the client compares. Prints median,
 * p99 and minimum round trip in nanoseconds (CLOCK_MONOTONIC around each
 * round trip, payload writes included) and each median's ratio to the
 * shared-memory call's. The round trips of each mechanism are made in
 * BATCHES batches (a new server process each), the mechanisms taking
 * turns, so that a burst of other load falls on all of them. -T measures where fastipc_call() through shared
 * memory starts to beat the copy path (the library's threshold).
 *
 * Mechanisms (pingpong.h): shm, shm-call, copy, raw (fastipc), seqpacket,
 * stream (AF_UNIX socketpair); "sock" is seqpacket where the request fits
 * in one datagram, else stream. Exit status: 0, 1 on any error or
 * checksum mismatch, 2 for bad usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fastipc.h>

#include "bench.h"
#include "pingpong.h"

#define MAX_SIZES	32
#define MAX_MECHS	8
#define SIZE_MAX_BENCH	(64ULL << 20)
#define DEF_MECHS	"shm,copy,raw,sock"
#define THR_MECHS	"copy,shm-call,shm"

const char *bench_prog = "fastipc-pingpong";

static const struct pp_mech *const all_mechs[] = {
	&pp_fastipc_shm, &pp_fastipc_shm_call, &pp_fastipc_copy,
	&pp_fastipc_raw, &pp_seqpacket, &pp_stream,
};

struct opts {
	unsigned long iters;		/* at sizes up to 4 KiB */
	long warmup;			/* -1: a tenth of the rounds */
	size_t sizes[MAX_SIZES];
	size_t nsizes;
	const char *mechs;
	unsigned long batches;		/* per mechanism and size */
	bool threshold;
	int cpu_client, cpu_server;
};

/* One measured (or failed, or skipped) cell of a table. */
struct cell {
	const struct pp_mech *m;
	struct bench_stats st;
	int ret;			/* 0, < 0 failed, 1 not usable */
	char note[256];			/* what the mechanism counted */
};

struct spawn_arg {
	const struct pp_mech *m;
	struct pp_ctx *c;
	int other;			/* the client's socket end */
};

static int serve_child(void *arg, int ready_fd)
{
	struct spawn_arg *a = arg;

	if (a->other >= 0)
		close(a->other);
	return a->m->serve(a->c, ready_fd);
}

/* Rounds at @size: all of them up to 4 KiB, fewer above (at least 200). */
static unsigned long rounds_for(const struct opts *o, size_t size)
{
	unsigned long n = o->iters, floor = n < 200 ? n : 200;

	if (size > 4096)
		n = (unsigned long)((double)n * 4096 / (double)size);
	return n < floor ? floor : n;
}

static int measure(const struct pp_mech *m, void *state, unsigned long warm,
		   unsigned long n, uint64_t *ns)
{
	unsigned long i;
	uint64_t t0;
	int ret;

	for (i = 0; i < warm + n; i++) {
		t0 = bench_now_ns();
		ret = m->round(state, i + 1);
		if (i >= warm)
			ns[i - warm] = bench_now_ns() - t0;
		if (ret == -EBADMSG)
			fprintf(stderr, "%s: %s: round trip %lu: checksum "
				"mismatch\n", bench_prog, m->name, i);
		else if (ret < 0)
			bench_err(ret, "%s: round trip %lu", m->name, i);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static int client(const struct pp_mech *m, struct pp_ctx *c,
		  unsigned long warm, unsigned long n, uint64_t *ns,
		  struct cell *cl)
{
	struct rusage r0, r1;
	void *state;
	size_t len;
	int ret, ret2;

	cl->note[0] = '\0';
	ret = m->setup(c, &state);
	if (ret < 0)
		return ret;
	getrusage(RUSAGE_SELF, &r0);
	ret = measure(m, state, warm, n, ns);
	getrusage(RUSAGE_SELF, &r1);
	ret2 = m->teardown(state, ret < 0 ? 0 : warm + n, cl->note,
			   sizeof(cl->note));
	len = strlen(cl->note);
	snprintf(cl->note + len, sizeof(cl->note) - len,
		 "%sclient per round trip: %.2f sleeps, %.2f preemptions, "
		 "%.2f page faults", len ? "; " : "",
		 (double)(r1.ru_nvcsw - r0.ru_nvcsw) / (double)(warm + n),
		 (double)(r1.ru_nivcsw - r0.ru_nivcsw) / (double)(warm + n),
		 (double)(r1.ru_minflt - r0.ru_minflt) / (double)(warm + n));
	return ret < 0 ? ret : ret2;
}

/* One batch: a server process and @warm + @n round trips into @ns. */
static int run_one(const struct opts *o, const struct pp_mech *m,
		   size_t size, unsigned long warm, unsigned long n,
		   uint64_t *ns, struct cell *cl)
{
	static unsigned int seq;
	struct pp_ctx c = { .size = size, .sock = -1 };
	struct spawn_arg a = { m, &c, -1 };
	int sv[2] = { -1, -1 }, ret;
	pid_t pid = -1;

	snprintf(c.chan, sizeof(c.chan), "fastipc-pingpong-%ld-%u",
		 (long)getpid(), seq++);
	if (m->sock_type &&
	    socketpair(AF_UNIX, m->sock_type | SOCK_CLOEXEC, 0, sv))
		return bench_err(-errno, "socketpair");
	c.sock = sv[1];
	a.other = sv[0];
	ret = bench_spawn(o->cpu_server, serve_child, &a, &pid);
	if (sv[1] >= 0)
		close(sv[1]);
	c.sock = sv[0];
	if (ret == 0)
		ret = client(m, &c, warm, n, ns, cl);
	if (sv[0] >= 0)
		close(sv[0]);
	if (pid > 0 && ret < 0)
		kill(pid, SIGTERM);
	if (pid > 0 && bench_reap(pid, m->label) < 0 && ret == 0)
		ret = -1;
	return ret;
}

static const struct pp_mech *mech_find(const char *name, size_t size)
{
	size_t i;

	if (!strcmp(name, "sock"))
		return pp_seqpacket.usable(size) ? &pp_seqpacket : &pp_stream;
	for (i = 0; i < ARRAY_SIZE(all_mechs); i++)
		if (!strcmp(name, all_mechs[i]->name))
			return all_mechs[i];
	return NULL;
}

/* The cells of o->mechs at @size; return how many. */
static size_t make_cells(const struct opts *o, size_t size, struct cell *cells)
{
	char list[128], *save, *name;
	size_t n = 0;

	snprintf(list, sizeof(list), "%s", o->mechs);
	for (name = strtok_r(list, ",", &save); name && n < MAX_MECHS;
	     name = strtok_r(NULL, ",", &save)) {
		struct cell *cl = &cells[n++];

		memset(cl, 0, sizeof(*cl));
		cl->m = mech_find(name, size);
		if (cl->m->usable && !cl->m->usable(size))
			cl->ret = 1;
	}
	return n;
}

/*
 * Measure every mechanism at @size into @cells, in o->batches batches
 * taken in turn (shm, copy, sock, shm, copy, sock, ...) so that anything
 * else the machine does falls on all of them alike. @ns holds o->iters
 * samples per cell.
 */
static size_t run_size(const struct opts *o, size_t size, uint64_t *ns,
		       struct cell *cells)
{
	unsigned long n = rounds_for(o, size), b, k, off, cnt;
	unsigned long warm = o->warmup < 0 ? n / 10 : (unsigned long)o->warmup;
	unsigned long nb = o->batches < n ? o->batches : n;
	size_t nc = make_cells(o, size, cells), i;

	for (b = 0, off = 0; b < nb; b++, off += cnt) {
		cnt = n / nb + (b < n % nb);
		k = warm / nb + (b < warm % nb);
		for (i = 0; i < nc; i++) {
			if (cells[i].ret)
				continue;
			fflush(stdout);
			cells[i].ret = run_one(o, cells[i].m, size, k, cnt,
					       ns + i * o->iters + off,
					       &cells[i]);
		}
	}
	for (i = 0; i < nc; i++)
		if (!cells[i].ret)
			bench_stats(ns + i * o->iters, n, &cells[i].st);
	return nc;
}

static const struct cell *cell_of(const struct cell *cells, size_t n,
				  const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(cells[i].m->name, name) && cells[i].ret == 0)
			return &cells[i];
	return NULL;
}

static void print_table(const struct opts *o, size_t size,
			const struct cell *cells, size_t n)
{
	const struct cell *shm = cell_of(cells, n, "shm");
	unsigned long r = rounds_for(o, size);
	size_t i;

	printf("\n%zu-byte requests, 8-byte checksum replies: %lu round trips"
	       " after %lu warm-up in %lu batches, ", size, r,
	       o->warmup < 0 ? r / 10 : (unsigned long)o->warmup,
	       o->batches < r ? o->batches : r);
	if (o->cpu_client < 0)
		printf("not pinned (fewer than 2 CPUs)\n");
	else
		printf("client on CPU %d, server on CPU %d\n", o->cpu_client,
		       o->cpu_server);
	printf("%-44s %12s %12s %12s %8s\n", "mechanism", "median ns",
	       "p99 ns", "min ns", "x shm");
	for (i = 0; i < n; i++) {
		const struct cell *c = &cells[i];

		if (c->ret) {
			printf("%-44s %12s\n", c->m->label,
			       c->ret > 0 ? "n/a (size)" : "FAILED");
			continue;
		}
		printf("%-44s %12ju %12ju %12ju", c->m->label,
		       (uintmax_t)c->st.median, (uintmax_t)c->st.p99,
		       (uintmax_t)c->st.min);
		if (shm)
			printf(" %8.2f", (double)c->st.median /
			       (double)shm->st.median);
		printf("\n");
	}
	for (i = 0; i < n; i++)
		if (cells[i].note[0])
			printf("  %s (last batch): %s\n", cells[i].m->name,
			       cells[i].note);
}

/* -T: where fastipc_call() through shared memory starts to win. */
static void print_threshold(const struct opts *o, uint64_t copy[],
			    uint64_t shm[], int argc, char **argv)
{
	size_t i, cross = o->nsizes;
	int a;

	printf("\nthreshold: %-10s %14s %14s %8s\n", "size", "copy median",
	       "shm median", "copy/shm");
	for (i = 0; i < o->nsizes; i++)
		printf("threshold: %-10zu %14ju %14ju %8.2f\n", o->sizes[i],
		       (uintmax_t)copy[i], (uintmax_t)shm[i],
		       (double)copy[i] / (double)shm[i]);
	while (cross > 0 && shm[cross - 1] < copy[cross - 1])
		cross--;
	printf("crossover: ");
	if (cross == o->nsizes)
		printf("copy wins at every size up to %zu bytes: threshold "
		       "should be at least %zu", o->sizes[cross - 1],
		       o->sizes[cross - 1]);
	else if (cross == 0)
		printf("shared memory wins from %zu bytes (the smallest "
		       "measured): threshold should be below %zu",
		       o->sizes[0], o->sizes[0]);
	else
		printf("fastipc_call() through shared memory beats copy from "
		       "%zu bytes (median %ju vs %ju ns), copy wins at %zu "
		       "(%ju vs %ju ns): measured threshold %zu bytes",
		       o->sizes[cross], (uintmax_t)shm[cross],
		       (uintmax_t)copy[cross], o->sizes[cross - 1],
		       (uintmax_t)shm[cross - 1], (uintmax_t)copy[cross - 1],
		       o->sizes[cross - 1]);
	printf("; library default FASTIPC_THRESHOLD_DEFAULT %u\n",
	       FASTIPC_THRESHOLD_DEFAULT);
	printf("crossover: measured with:");
	for (a = 0; a < argc; a++)
		printf(" %s", argv[a]);
	printf("\n");
}

static int add_sizes(struct opts *o, const char *arg)
{
	char buf[512], *save, *s;
	uint64_t v;

	if (snprintf(buf, sizeof(buf), "%s", arg) >= (int)sizeof(buf))
		return -1;
	for (s = strtok_r(buf, ",", &save); s; s = strtok_r(NULL, ",", &save)) {
		if (o->nsizes == MAX_SIZES || bench_parse_size(s, &v) ||
		    v > SIZE_MAX_BENCH)
			return -1;
		o->sizes[o->nsizes++] = (size_t)v;
	}
	return 0;
}

static int check_mechs(const char *list)
{
	char buf[128], *save, *s;
	int n = 0;

	if (snprintf(buf, sizeof(buf), "%s", list) >= (int)sizeof(buf))
		return -1;
	for (s = strtok_r(buf, ",", &save); s; s = strtok_r(NULL, ",", &save))
		if (!mech_find(s, 64) || ++n > MAX_MECHS)
			return -1;
	return n ? 0 : -1;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: %s [-n ITERS] [-w WARMUP] [-b BATCHES] "
		"[-s SIZE[,SIZE...]]\n"
		"       [-m MECH[,MECH...]] [-T]\n"
		"  -n ITERS  round trips per mechanism up to 4 KiB (default "
		"20000); above,\n"
		"            ITERS*4096/SIZE, at least 200\n"
		"  -w N      unmeasured round trips first (default a tenth)\n"
		"  -b N      split them in N batches, mechanisms in turn "
		"(default 4)\n"
		"  -s SIZES  request bytes, k/m suffixes, up to 64m (default "
		"64); repeatable\n"
		"  -m MECHS  of shm, shm-call, copy, raw, seqpacket, stream, "
		"sock\n"
		"            (default " DEF_MECHS ")\n"
		"  -T        threshold: copy vs shared-memory fastipc_call() "
		"at 1k..64k\n", bench_prog);
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	uint64_t v;
	int c;

	o->iters = 20000;
	o->warmup = -1;
	o->batches = 4;
	while ((c = getopt(argc, argv, "n:w:s:m:b:Th")) != -1) {
		if (c == 'n' && !bench_parse_size(optarg, &v) && v &&
		    v <= 100000000)
			o->iters = (unsigned long)v;
		else if (c == 'b' && !bench_parse_size(optarg, &v) && v &&
			 v <= 1000)
			o->batches = (unsigned long)v;
		else if (c == 'w' && !bench_parse_size(optarg, &v))
			o->warmup = (long)v;
		else if (c == 's' && !add_sizes(o, optarg))
			continue;
		else if (c == 'm' && !check_mechs(optarg))
			o->mechs = optarg;
		else if (c == 'T')
			o->threshold = true;
		else
			goto bad;
	}
	if (optind != argc)
		goto bad;
	if (!o->nsizes)
		add_sizes(o, o->threshold ? "1k,4k,8k,16k,32k,64k" : "64");
	if (!o->mechs)
		o->mechs = o->threshold ? THR_MECHS : DEF_MECHS;
	return 0;
bad:
	usage(c == 'h' ? stdout : stderr);
	return c == 'h' ? 1 : -1;
}

static void read_caps(void)
{
	struct fastipc_dev *dev;

	if (fastipc_open(&dev) < 0)
		return;			/* each fastipc mechanism says why */
	pp_msg_max_cap = fastipc_dev_api(dev)->msg_max_cap;
	fastipc_close(dev);
}

int main(int argc, char **argv)
{
	uint64_t copy[MAX_SIZES], shm[MAX_SIZES], *ns;
	struct cell cells[MAX_MECHS];
	const struct cell *cc, *cs;
	struct opts o = { 0 };
	size_t i, j, n;
	int ret;

	ret = parse_opts(argc, argv, &o);
	if (ret)
		return ret < 0 ? 2 : 0;
	ns = calloc((size_t)o.iters * MAX_MECHS, sizeof(*ns));
	if (!ns) {
		bench_err(-ENOMEM, "samples");
		return 1;
	}
	read_caps();
	bench_pick_cpus(&o.cpu_client, &o.cpu_server);
	if (bench_pin(o.cpu_client) < 0)
		return 1;
	for (i = 0; i < o.nsizes; i++) {
		n = run_size(&o, o.sizes[i], ns, cells);
		print_table(&o, o.sizes[i], cells, n);
		for (j = 0; j < n; j++)
			if (cells[j].ret < 0)
				ret = 1;
		cc = cell_of(cells, n, "copy");
		cs = cell_of(cells, n, "shm-call");
		copy[i] = cc ? cc->st.median : 0;
		shm[i] = cs ? cs->st.median : 0;
		if (o.threshold && (!cc || !cs))
			o.threshold = false;
	}
	if (o.threshold)
		print_threshold(&o, copy, shm, argc, argv);
	free(ns);
	return ret;
}
