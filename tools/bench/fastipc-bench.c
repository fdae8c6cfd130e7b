// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc-bench: round trips of fastipc against the other ways two local
 * processes call each other, side by side (not a test, but every round
 * trip is checked; --check makes it one).
 *
 *   fastipc-bench [-m MECH,...] [-s SIZE,...] [-p PAIRS,...] [-n ITERS]
 *                 [-b BATCHES] [-t SECONDS] [-o DIR] [--same-cpu]
 *                 [--quick | --check]
 *
 * For every size and pair count, each mechanism (mech.h, one mech-*.c
 * each) runs a thread-pool server process and PAIRS client processes;
 * each client writes a SIZE-byte request, the server reads every byte
 * and answers with its 8-byte checksum, which the client compares. With
 * one pair, client and server are pinned to two CPUs (--same-cpu: one).
 * Every round trip is timed (CLOCK_MONOTONIC, payload writes included);
 * the mechanisms take turns in batches (a new server each) so that other
 * load falls on all.
 *
 * Output: a table per (size, pairs) on stdout; with -o DIR, results.jsonl
 * (a JSON line per mechanism, size and pairs) and gnuplot data
 * (latency.dat, throughput-SIZE.dat) for tools/bench/bench-plot.sh.
 * --check prints TAP instead of tables. Exit status: 0; 1 if a run failed
 * (a checksum, an error, a timeout); 2 for bad usage. A mechanism that is
 * absent (no /dev/fastipc, no /dev/binder) or cannot carry a size is
 * skipped with a note.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <fastipc.h>

#include "bench.h"
#include "bench-report.h"
#include "bench-run.h"

#define MAX_SIZES	32
#define MAX_PAIRS_LIST	8
#define SIZE_MAX_BENCH	(64ULL << 20)
#define SIZE_SCALE	4096	/* fewer round trips above this size */
#define THR		FASTIPC_THRESHOLD_DEFAULT
/*
 * Warm-up round trips per client and batch: a tenth, within these. At
 * least a lap of a shared-memory ring (4 records of the largest size),
 * whose first touch of each page is a fault, and more.
 */
#define WARM_MIN	5
#define WARM_MAX	1000

const char *bench_prog = "fastipc-bench";

/*
 * Every mechanism, in table order: adding one is one line here (and its
 * mech-*.c, which the Makefile picks up).
 */
static const struct mech *const all_mechs[] = {
	&mech_fastipc_copy,
	&mech_fastipc_copy_nospin,
	&mech_fastipc_shm,
	&mech_fastipc_shm_zc,
	&mech_fastipc_stream_sleep,
	&mech_fastipc_stream_spin,
	&mech_fastipc_rpc,
	&mech_oncrpc,
	&mech_oncrpc_null,
	&mech_seqpacket,
	&mech_pb_seqpacket,
#ifdef FASTIPC_BENCH_GRPC
	&mech_grpc,
	&mech_grpc_gw,
#endif
#ifdef FASTIPC_BENCH_SDBUS
	&mech_sd_bus,
#endif
	&mech_oncrpc_tcp,
	&mech_oncrpc_tcp_null,
	&mech_oncrpc_unix,
	&mech_oncrpc_unix_null,
	&mech_stream,
	&mech_pipe,
	&mech_posix_mq,
	&mech_sysv_msg,
	&mech_eventfd_shm,
	&mech_futex_shm,
	&mech_spin_shm,
	&mech_binder,
};

#define MAX_MECHS	ARRAY_SIZE(all_mechs)

enum mode { MODE_FULL, MODE_QUICK, MODE_CHECK };

struct opts {
	enum mode mode;
	const struct mech *mechs[MAX_MECHS];
	size_t nmechs;
	size_t sizes[MAX_SIZES];
	size_t nsizes;
	unsigned int pairs[MAX_PAIRS_LIST];
	size_t npairs;
	unsigned long iters;		/* round trips per cell up to 4 KiB */
	unsigned long floor;		/* at least this many per client */
	unsigned int batches;
	unsigned int timeout_s;		/* per run */
	uint64_t budget_ns;		/* per batch of a cell, 0: none */
	const char *outdir;
	bool same_cpu;			/* one pair: both on one CPU */
	int cpu_client, cpu_server;
};

/* The round trips of a cell at @size, split into per-client batches. */
struct plan {
	unsigned long per;		/* measured, per client and batch */
	unsigned long warm;		/* unmeasured, likewise */
	unsigned int batches;
};

static void make_plan(const struct opts *o, size_t size, unsigned int pairs,
		      struct plan *pl)
{
	unsigned long n = o->iters;

	if (size > SIZE_SCALE)
		n = (unsigned long)((double)n * SIZE_SCALE / (double)size);
	/*
	 * Per client, not per cell: at 1 MiB and 8 pairs a cell floor of 20
	 * left each client one measured round trip per batch after five
	 * warm-up ones, a rate of the warm-up's tail rather than of the
	 * mechanism.
	 */
	if (n < o->floor * pairs)
		n = o->floor * pairs;
	pl->batches = o->batches;
	while (pl->batches > 1 && n < (unsigned long)pl->batches * pairs)
		pl->batches--;
	pl->per = n / ((unsigned long)pl->batches * pairs);
	if (!pl->per)
		pl->per = 1;
	pl->warm = pl->per / 10;
	if (pl->warm < WARM_MIN)
		pl->warm = WARM_MIN;
	if (pl->warm > WARM_MAX)
		pl->warm = WARM_MAX;
}

/* ---- running ------------------------------------------------------------ */

static void cell_init(struct cell *c, const struct mech *m, size_t size,
		      unsigned int pairs)
{
	struct run_params p = { .m = m, .size = size, .pairs = pairs };

	memset(c, 0, sizeof(*c));
	c->m = m;
	c->size = size;
	c->pairs = pairs;
	c->status = run_usable(&p);
}

/* One batch of cell @c: @pl->per round trips per client into @ns. */
static void run_batch(const struct opts *o, const struct plan *pl,
		      struct cell *c, uint64_t *ns)
{
	struct run_params p = {
		.m = c->m, .size = c->size, .pairs = c->pairs,
		.warm = pl->warm, .rounds = pl->per,
		.cpu_client = o->cpu_client, .cpu_server = o->cpu_server,
		.timeout_s = o->timeout_s, .budget_ns = o->budget_ns,
	};
	struct run_result r;

	c->planned += pl->per * c->pairs;
	if (run_once(&p, ns + c->rounds, &r) < 0) {
		c->status = CELL_FAILED;
		return;
	}
	c->rounds += r.rounds;
	c->warm += pl->warm * c->pairs;
	c->batches++;
	c->elapsed_ns += r.elapsed_ns;
	c->nvcsw += r.nvcsw;
	c->nivcsw += r.nivcsw;
	c->minflt += r.minflt;
	c->cpu_client_ns += r.cpu_client_ns;
	c->cpu_server_ns += r.cpu_server_ns;
	c->server_minflt += r.server_minflt;
	if (!r.srv_cpu)
		c->srv_cpu_missing = true;
	memcpy(c->note, r.note, sizeof(c->note));
}

/*
 * Every mechanism at @size with @pairs into @cells: batch after batch,
 * the mechanisms in turn (starting one further each batch).
 */
static int run_group(const struct opts *o, size_t size, unsigned int pairs,
		     struct cell *cells)
{
	uint64_t *ns[MAX_MECHS] = { NULL };
	struct plan pl;
	size_t i, k, total;
	unsigned int b;
	int ret = 0;

	make_plan(o, size, pairs, &pl);
	total = (size_t)pl.per * pairs * pl.batches;
	for (i = 0; i < o->nmechs; i++) {
		cell_init(&cells[i], o->mechs[i], size, pairs);
		ns[i] = calloc(total, sizeof(uint64_t));
		if (!ns[i])
			ret = bench_err(-ENOMEM, "%zu samples", total);
	}
	for (b = 0; b < pl.batches && !ret; b++) {
		for (k = 0; k < o->nmechs; k++) {
			i = (k + b) % o->nmechs;
			if (cells[i].status == CELL_OK)
				run_batch(o, &pl, &cells[i], ns[i]);
		}
	}
	for (i = 0; i < o->nmechs; i++) {
		if (ret)
			cells[i].status = CELL_FAILED;
		if (cells[i].status == CELL_OK && cells[i].rounds)
			bench_stats(ns[i], cells[i].rounds, &cells[i].st);
		free(ns[i]);
	}
	return ret;
}

/* ---- results ------------------------------------------------------------ */

/* The module's spin_ns as the runs see it (before any changes it), or -1. */
static long read_spin_ns(void)
{
	FILE *f = fopen("/sys/module/fastipc/parameters/spin_ns", "r");
	long v = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

static void env_init(const struct opts *o, struct report_env *e)
{
	static struct utsname u;
	static const char *const modes[] = { "full", "quick", "check" };
	time_t t = time(NULL);
	struct tm tm;

	e->mode = modes[o->mode];
	e->kernel = uname(&u) ? "unknown" : u.release;
	e->host_kernel = getenv("FASTIPC_BENCH_HOST_KERNEL");
	if (!e->host_kernel)
		e->host_kernel = e->kernel;
	e->git = getenv("FASTIPC_BENCH_GIT");
	if (!e->git)
		e->git = "unknown";
	gmtime_r(&t, &tm);
	strftime(e->time, sizeof(e->time), "%Y-%m-%dT%H:%M:%SZ", &tm);
	e->cpus = sysconf(_SC_NPROCESSORS_ONLN);
	e->cpu_client = o->cpu_client;
	e->cpu_server = o->cpu_server;
	e->spin_ns = read_spin_ns();
}

static FILE *open_results(const char *dir)
{
	char path[4096];
	FILE *f;

	if (mkdir(dir, 0777) && errno != EEXIST) {
		bench_err(-errno, "create the directory %s", dir);
		return NULL;
	}
	snprintf(path, sizeof(path), "%s/results.jsonl", dir);
	f = fopen(path, "w");
	if (!f)
		bench_err(-errno, "create %s", path);
	return f;
}

static const char *skip_reason(int status)
{
	return status == MECH_SKIP_SIZE ? "cannot carry this size" :
		"absent (no device, module or helper program)";
}

/* TAP lines for one group, numbered from *@num + 1. */
static void tap_group(const struct cell *cells, size_t n, unsigned int *num)
{
	const struct cell *c;
	size_t i;

	for (i = 0; i < n; i++) {
		c = &cells[i];
		printf("%sok %u - %s size %zu pairs %u", c->status < 0 ?
		       "not " : "", ++*num, c->m->name, c->size, c->pairs);
		if (c->status > 0)
			printf(" # SKIP %s", skip_reason(c->status));
		else if (c->status == CELL_OK)
			printf(" (%lu round trips checked)", c->rounds);
		printf("\n");
	}
	fflush(stdout);
}

/* Run every group; return the number of failed cells, or -1. */
static int run_all(const struct opts *o, struct cell *cells,
		   const struct report_env *e, FILE *json)
{
	unsigned int num = 0;
	size_t si, pi, i;
	struct cell *g;
	int failed = 0;

	if (o->mode == MODE_CHECK)
		printf("TAP version 13\n1..%zu\n",
		       o->nsizes * o->npairs * o->nmechs);
	for (si = 0; si < o->nsizes; si++) {
		for (pi = 0; pi < o->npairs; pi++) {
			g = &cells[(si * o->npairs + pi) * o->nmechs];
			if (run_group(o, o->sizes[si], o->pairs[pi], g) < 0)
				return -1;
			if (o->mode == MODE_CHECK)
				tap_group(g, o->nmechs, &num);
			else
				report_table(stdout, e, g, o->nmechs);
			for (i = 0; i < o->nmechs; i++) {
				if (json && report_json(json, e, &g[i]) < 0)
					return -1;
				failed += g[i].status < 0;
			}
		}
	}
	return failed;
}

/* ---- options ------------------------------------------------------------ */

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

static int add_size(struct opts *o, size_t v)
{
	size_t i;

	for (i = 0; i < o->nsizes; i++)
		if (o->sizes[i] == v)
			return 0;
	if (o->nsizes == MAX_SIZES || !v || v > SIZE_MAX_BENCH)
		return -1;
	o->sizes[o->nsizes++] = v;
	return 0;
}

static int parse_sizes(struct opts *o, const char *arg)
{
	char buf[512], *save, *s;
	uint64_t v;

	if (snprintf(buf, sizeof(buf), "%s", arg) >= (int)sizeof(buf))
		return -1;
	for (s = strtok_r(buf, ",", &save); s; s = strtok_r(NULL, ",", &save))
		if (bench_parse_size(s, &v) || add_size(o, (size_t)v))
			return -1;
	return o->nsizes ? 0 : -1;
}

static int parse_pairs(struct opts *o, const char *arg)
{
	char buf[128], *save, *s, *end;
	unsigned long v;

	if (snprintf(buf, sizeof(buf), "%s", arg) >= (int)sizeof(buf))
		return -1;
	for (s = strtok_r(buf, ",", &save); s; s = strtok_r(NULL, ",", &save)) {
		v = strtoul(s, &end, 10);
		if (*end || !v || v > MECH_MAX_PAIRS ||
		    o->npairs == MAX_PAIRS_LIST)
			return -1;
		o->pairs[o->npairs++] = (unsigned int)v;
	}
	return o->npairs ? 0 : -1;
}

static int parse_mechs(struct opts *o, const char *arg)
{
	char buf[512], *save, *s;
	size_t i;

	if (snprintf(buf, sizeof(buf), "%s", arg) >= (int)sizeof(buf))
		return -1;
	for (s = strtok_r(buf, ",", &save); s; s = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < MAX_MECHS; i++)
			if (!strcmp(s, all_mechs[i]->name))
				break;
		if (i == MAX_MECHS) {
			fprintf(stderr, "%s: -m: no mechanism named '%s'\n",
				bench_prog, s);
			return -1;
		}
		if (o->nmechs == MAX_MECHS)
			return -1;
		o->mechs[o->nmechs++] = all_mechs[i];
	}
	return o->nmechs ? 0 : -1;
}

/* The sizes of a mode without -s. */
static void default_sizes(struct opts *o)
{
	size_t v;

	add_size(o, 64);
	add_size(o, THR);
	add_size(o, 1 << 20);
	if (o->mode == MODE_QUICK)
		add_size(o, 64 << 10);
	if (o->mode == MODE_CHECK)
		add_size(o, THR + 1);
	if (o->mode != MODE_FULL)
		return;
	for (v = 256; v <= 4U << 20; v *= 4)
		add_size(o, v);
	add_size(o, THR - 1);
	add_size(o, THR + 1);
}

/* What -s, -p, -m, -n, -b did not say, by mode. */
static void defaults(struct opts *o)
{
	static const unsigned long iters[] = { 10000, 1000, 20 };
	static const unsigned long floor[] = { 50, 20, 20 };
	static const unsigned int batches[] = { 4, 2, 1 };
	static const unsigned int budget_s[] = { 20, 2, 0 };
	size_t i;

	if (!o->nsizes)
		default_sizes(o);
	qsort(o->sizes, o->nsizes, sizeof(o->sizes[0]), cmp_size);
	if (!o->npairs)
		parse_pairs(o, o->mode == MODE_CHECK ? "1,2" : "1,2,4,8");
	if (!o->nmechs) {
		for (i = 0; i < MAX_MECHS; i++)
			o->mechs[i] = all_mechs[i];
		o->nmechs = MAX_MECHS;
	}
	if (!o->iters)
		o->iters = iters[o->mode];
	o->floor = floor[o->mode] < o->iters ? floor[o->mode] : o->iters;
	if (!o->batches)
		o->batches = batches[o->mode];
	o->budget_ns = budget_s[o->mode] * 1000000000ULL;
}

static void usage(FILE *f)
{
	size_t i;

	fprintf(f,
		"usage: %s [-m MECH,...] [-s SIZE,...] [-p PAIRS,...] "
		"[-n ITERS] [-b BATCHES]\n"
		"       [-t SECONDS] [-o DIR] [--same-cpu] [--quick | --check]"
		"\n"
		"  -m MECHS   mechanisms (default all):", bench_prog);
	for (i = 0; i < MAX_MECHS; i++)
		fprintf(f, "%s%s", i % 6 ? " " : "\n             ",
			all_mechs[i]->name);
	fprintf(f, "\n"
		"  -s SIZES   request bytes, k/m suffixes, up to 64m (default "
		"64 B..4 MiB in\n"
		"             powers of 4 and the library threshold %u and "
		"its neighbours)\n"
		"  -p PAIRS   client/server pairs, 1..%u (default 1,2,4,8)\n"
		"  -n ITERS   round trips per cell up to 4 KiB (default 10000;"
		" above, ITERS*4096/SIZE,\n"
		"             at least 50 per client)\n"
		"  -b N       batches per cell, mechanisms in turn (default 4)"
		"\n"
		"  -t SECONDS time limit of one run (default 600)\n"
		"  -o DIR     write DIR/results.jsonl and the gnuplot data\n"
		"  --same-cpu one pair: pin the server to the client's CPU "
		"(default: another)\n"
		"  A batch stops measuring after 20 s (--quick: 2 s), with "
		"fewer round trips\n"
		"  --quick    64 B, %u, 64 KiB, 1 MiB; 1000 round trips, "
		"2 batches\n"
		"  --check    correctness: 64 B, %u, %u, 1 MiB; pairs 1,2; 20 "
		"round trips; TAP\n", THR, MECH_MAX_PAIRS, THR, THR, THR + 1);
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "quick", no_argument, NULL, 'Q' },
		{ "check", no_argument, NULL, 'C' },
		{ "same-cpu", no_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t v;
	int c;

	o->timeout_s = 600;
	while ((c = getopt_long(argc, argv, "m:s:p:n:b:t:o:h", lo,
				NULL)) != -1) {
		if (c == 'm' && !parse_mechs(o, optarg))
			continue;
		else if (c == 's' && !parse_sizes(o, optarg))
			continue;
		else if (c == 'p' && !parse_pairs(o, optarg))
			continue;
		else if (c == 'n' && !bench_parse_size(optarg, &v) && v &&
			 v <= 100000000)
			o->iters = (unsigned long)v;
		else if (c == 'b' && !bench_parse_size(optarg, &v) && v &&
			 v <= 1000)
			o->batches = (unsigned int)v;
		else if (c == 't' && !bench_parse_size(optarg, &v) && v &&
			 v <= 86400)
			o->timeout_s = (unsigned int)v;
		else if (c == 'o')
			o->outdir = optarg;
		else if (c == 'Q' && o->mode != MODE_CHECK)
			o->mode = MODE_QUICK;
		else if (c == 'C' && o->mode != MODE_QUICK)
			o->mode = MODE_CHECK;
		else if (c == 'S')
			o->same_cpu = true;
		else
			goto bad;
	}
	if (optind != argc)
		goto bad;
	return 0;
bad:
	usage(c == 'h' ? stdout : stderr);
	return c == 'h' ? 1 : -1;
}

int main(int argc, char **argv)
{
	struct report_env env;
	struct opts o = { 0 };
	struct cell *cells;
	FILE *json = NULL;
	int ret;

	ret = parse_opts(argc, argv, &o);
	if (ret)
		return ret < 0 ? 2 : 0;
	defaults(&o);
	bench_pick_cpus(&o.cpu_client, &o.cpu_server);
	if (o.same_cpu)
		o.cpu_server = o.cpu_client;
	env_init(&o, &env);
	cells = calloc(o.nsizes * o.npairs * o.nmechs, sizeof(*cells));
	if (!cells) {
		bench_err(-ENOMEM, "results");
		return 1;
	}
	if (o.outdir) {
		json = open_results(o.outdir);
		if (!json)
			return 1;
	}
	ret = run_all(&o, cells, &env, json);
	if (json && fclose(json) && ret >= 0)
		ret = bench_err(-EIO, "write %s/results.jsonl", o.outdir);
	if (o.outdir && ret >= 0 && o.mode != MODE_CHECK &&
	    report_dat(o.outdir, cells, o.nsizes, o.npairs, o.nmechs) < 0)
		ret = -1;
	free(cells);
	if (ret > 0)
		fprintf(stderr, "%s: %d run(s) failed (see above)\n",
			bench_prog, ret);
	return ret ? 1 : 0;
}
