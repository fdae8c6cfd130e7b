// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc-bench's results: the table, the JSON lines, the gnuplot data
 * (bench-report.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bench-report.h"

#define US(ns)	((double)(ns) / 1000.0)

double cell_cpu_per_rt(const struct cell *c)
{
	if (c->status != CELL_OK || !c->rounds)
		return 0;
	return (double)(c->cpu_client_ns + c->cpu_server_ns) /
		(double)c->rounds;
}

double cell_rate(const struct cell *c)
{
	if (c->status != CELL_OK || !c->elapsed_ns)
		return 0;
	return (double)c->rounds * 1e9 / (double)c->elapsed_ns;
}

/* p99 over p50; 0 unless measured. */
static double cell_tail(const struct cell *c)
{
	if (c->status != CELL_OK || !c->st.median)
		return 0;
	return (double)c->st.p99 / (double)c->st.median;
}

/* Whether a side of @m busy-waits in this run: 1, 0, or -1 unknown. */
static int busy_wait(const struct report_env *e, const struct mech *m)
{
	if (m->spins == MECH_SPINS_ALWAYS)
		return 1;
	if (m->spins != MECH_SPINS_KMOD)
		return 0;
	return e->spin_ns < 0 ? -1 : e->spin_ns > 0;
}

/* The "spin" column: "yes", "<=50us" (fastipc's spin_ns), "-" or "?". */
static const char *spin_text(const struct report_env *e, const struct mech *m,
			     char *buf, size_t cap)
{
	int bw = busy_wait(e, m);

	if (bw < 0)
		return "?";
	if (!bw)
		return "-";
	if (m->spins != MECH_SPINS_KMOD)
		return "yes";
	snprintf(buf, cap, "<=%ldus", (e->spin_ns + 999) / 1000);
	return buf;
}

static const struct cell *find(const struct cell *cells, size_t n,
			       const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(cells[i].m->name, name) &&
		    cells[i].status == CELL_OK)
			return &cells[i];
	return NULL;
}

static const char *status_text(int status)
{
	switch (status) {
	case CELL_OK:
		return "ok";
	case MECH_SKIP_SIZE:
		return "skipped-size";
	case MECH_SKIP_ABSENT:
		return "absent";
	default:
		return "failed";
	}
}

/* "  x.xx" or "     -" when there is nothing to compare with. */
static void print_ratio(FILE *f, double num, double den)
{
	if (den > 0 && num > 0)
		fprintf(f, " %7.2f", num / den);
	else
		fprintf(f, " %7s", "-");
}

/* The head of a table: what @n cells measured, and the column names. */
static void print_head(FILE *f, const struct report_env *e,
		       const struct cell *cells, size_t n)
{
	const struct cell *c = &cells[0];
	size_t i;

	fprintf(f, "\n%zu-byte requests, 8-byte replies, %u pair%s: ",
		c->size, c->pairs, c->pairs == 1 ? "" : "s");
	if (c->pairs == 1 && e->cpu_client >= 0)
		fprintf(f, "client on CPU %d, server on CPU %d", e->cpu_client,
			e->cpu_server);
	else
		fprintf(f, "not pinned");
	for (i = 0; i < n && cells[i].status != CELL_OK; i++)
		;
	if (i < n)
		fprintf(f, "; %lu round trips per mechanism after %lu warm-up,"
			" in %u batches", cells[i].planned, cells[i].warm,
			cells[i].batches);
	fprintf(f, "\n");
	fprintf(f, "%-34s %9s %9s %9s %9s %7s %9s %10s %7s %7s %7s %7s\n",
		"mechanism", "p50 us", "p99 us", "p99.9 us", "min us",
		"p99/p50", "cpu us/rt", "rt/s", "p50/cp", "p50/sp", "rt/s/sp",
		"spin");
}

static void print_notes(FILE *f, const struct cell *cells, size_t n)
{
	const struct cell *c;
	size_t i;

	for (i = 0; i < n; i++) {
		c = &cells[i];
		if (c->status != CELL_OK || !c->rounds)
			continue;
		/* The mechanism's own note is pair 0's, of the last batch. */
		fprintf(f, "  %s: %s%s%sclient per round trip: %.2f sleeps, "
			"%.2f preemptions, %.2f page faults; CPU per round "
			"trip: client %.2f us, server ", c->m->name,
			c->note[0] && c->pairs > 1 ? "pair 0, last batch: " :
			c->note[0] ? "last batch: " : "",
			c->note, c->note[0] ? "; " : "",
			(double)c->nvcsw / (double)c->rounds,
			(double)c->nivcsw / (double)c->rounds,
			(double)c->minflt / (double)c->rounds,
			US(c->cpu_client_ns) / (double)c->rounds);
		if (c->srv_cpu_missing)
			fprintf(f, "unknown (its CPU clock was not readable)");
		else
			fprintf(f, "%.2f us",
				US(c->cpu_server_ns) / (double)c->rounds);
		fprintf(f, "; server page faults per round trip: %.2f",
			(double)c->server_minflt / (double)c->rounds);
		if (c->rounds < c->planned)
			fprintf(f, "; time budget: %lu of %lu round trips",
				c->rounds, c->planned);
		fprintf(f, "\n");
	}
}

void report_table(FILE *f, const struct report_env *e, const struct cell *cells,
		  size_t n)
{
	const struct cell *cp = find(cells, n, "copy");
	const struct cell *sp = find(cells, n, "seqpacket");
	const struct cell *c;
	char spin[32];
	size_t i;

	if (!n)
		return;
	print_head(f, e, cells, n);
	for (i = 0; i < n; i++) {
		c = &cells[i];
		if (c->status != CELL_OK) {
			fprintf(f, "%-34.34s %9s\n", c->m->label,
				c->status == MECH_SKIP_SIZE ? "n/a (size)" :
				c->status == MECH_SKIP_ABSENT ? "absent" :
				"FAILED");
			continue;
		}
		fprintf(f, "%-34.34s %9.2f %9.2f %9.2f %9.2f %7.2f %9.2f%s "
			"%10.0f", c->m->label, US(c->st.median),
			US(c->st.p99), US(c->st.p999), US(c->st.min),
			cell_tail(c), US(cell_cpu_per_rt(c)),
			c->srv_cpu_missing ? "?" : "", cell_rate(c));
		print_ratio(f, (double)c->st.median,
			    cp ? (double)cp->st.median : 0);
		print_ratio(f, (double)c->st.median,
			    sp ? (double)sp->st.median : 0);
		print_ratio(f, cell_rate(c), sp ? cell_rate(sp) : 0);
		fprintf(f, " %7s\n", spin_text(e, c->m, spin, sizeof(spin)));
	}
	fprintf(f, "  spin: a side busy-waits for its peer (yes), or for up to "
		"the module's spin_ns\n  before sleeping (<=N us): that CPU "
		"time is in cpu us/rt.\n");
	print_notes(f, cells, n);
	fflush(f);
}

/* @s as a JSON string (the characters we write never need \u escapes). */
static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		if ((unsigned char)*s >= 0x20)
			fputc(*s, f);
	}
	fputc('"', f);
}

static void json_env(FILE *f, const struct report_env *e,
		     const struct cell *c)
{
	bool pinned = c->pairs == 1 && e->cpu_client >= 0;

	fprintf(f, ",\"pinned\":%s,\"cpu_client\":%d,\"cpu_server\":%d,"
		"\"cpus\":%ld,\"kernel\":", pinned ? "true" : "false",
		pinned ? e->cpu_client : -1, pinned ? e->cpu_server : -1,
		e->cpus);
	json_str(f, e->kernel);
	fprintf(f, ",\"host_kernel\":");
	json_str(f, e->host_kernel);
	fprintf(f, ",\"git\":");
	json_str(f, e->git);
	fprintf(f, ",\"time\":");
	json_str(f, e->time);
	fprintf(f, ",\"mode\":");
	json_str(f, e->mode);
}

int report_json(FILE *f, const struct report_env *e, const struct cell *c)
{
	double n = c->rounds ? (double)c->rounds : 1;
	int bw;

	fprintf(f, "{\"mechanism\":");
	json_str(f, c->m->name);
	fprintf(f, ",\"label\":");
	json_str(f, c->m->label);
	fprintf(f, ",\"size\":%zu,\"pairs\":%u,\"status\":\"%s\"", c->size,
		c->pairs, status_text(c->status));
	if (c->status == CELL_OK)
		fprintf(f, ",\"rounds\":%lu,\"planned_rounds\":%lu,"
			"\"warmup\":%lu,\"batches\":%u,"
			"\"p50_ns\":%ju,\"p99_ns\":%ju,\"p999_ns\":%ju,"
			"\"min_ns\":%ju,\"max_ns\":%ju,\"mean_ns\":%ju,"
			"\"elapsed_ns\":%ju,\"msgs_per_s\":%.1f,"
			"\"client_sleeps_per_rt\":%.3f,"
			"\"client_preemptions_per_rt\":%.3f,"
			"\"client_faults_per_rt\":%.3f,"
			"\"server_faults_per_rt\":%.3f,"
			"\"p99_over_p50\":%.3f,"
			"\"cpu_client_ns_per_rt\":%.1f",
			c->rounds, c->planned, c->warm, c->batches,
			(uintmax_t)c->st.median, (uintmax_t)c->st.p99,
			(uintmax_t)c->st.p999, (uintmax_t)c->st.min,
			(uintmax_t)c->st.max, (uintmax_t)c->st.mean,
			(uintmax_t)c->elapsed_ns, cell_rate(c),
			(double)c->nvcsw / n, (double)c->nivcsw / n,
			(double)c->minflt / n, (double)c->server_minflt / n,
			cell_tail(c), (double)c->cpu_client_ns / n);
	/* null: the server's CPU clock could not be read. */
	if (c->status == CELL_OK && c->srv_cpu_missing)
		fprintf(f, ",\"cpu_server_ns_per_rt\":null,"
			"\"cpu_ns_per_rt\":null");
	else if (c->status == CELL_OK)
		fprintf(f, ",\"cpu_server_ns_per_rt\":%.1f,"
			"\"cpu_ns_per_rt\":%.1f",
			(double)c->cpu_server_ns / n, cell_cpu_per_rt(c));
	bw = busy_wait(e, c->m);
	fprintf(f, ",\"busy_wait\":%s,\"spin_ns\":",
		bw < 0 ? "null" : bw ? "true" : "false");
	if (c->m->spins == MECH_SPINS_KMOD && e->spin_ns >= 0)
		fprintf(f, "%ld", e->spin_ns);
	else
		fprintf(f, "null");
	fprintf(f, ",\"note\":");
	json_str(f, c->note);
	json_env(f, e, c);
	fprintf(f, "}\n");
	fflush(f);
	return ferror(f) ? -EIO : 0;
}

/* ---- gnuplot data ------------------------------------------------------- */

#define CELL(cells, si, pi, mi)	\
	(&(cells)[((si) * npairs + (pi)) * nmechs + (mi)])

static FILE *dat_open(const char *dir, const char *name, char *path,
		      size_t cap)
{
	FILE *f;

	snprintf(path, cap, "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		bench_err(-errno, "create %s", path);
	return f;
}

static int dat_close(FILE *f, const char *path)
{
	int bad = ferror(f);

	if (fclose(f) || bad)
		return bench_err(-EIO, "write %s", path);
	return 0;
}

/*
 * Blocks of "size p50_us p99_us", titled by the label, at pairs[0]; two
 * blank lines between blocks (none after the last: gnuplot would count
 * an empty block).
 */
static int dat_latency(const char *dir, const struct cell *cells,
		       size_t nsizes, size_t npairs, size_t nmechs)
{
	const struct cell *c;
	char path[4096];
	unsigned int blocks = 0;
	size_t si, mi;
	bool head;
	FILE *f;

	f = dat_open(dir, "latency.dat", path, sizeof(path));
	if (!f)
		return -EIO;
	fprintf(f, "# fastipc-bench: round trip (us) against request size "
		"(bytes), %u pair(s)\n", cells[0].pairs);
	for (mi = 0; mi < nmechs; mi++) {
		head = false;
		for (si = 0; si < nsizes; si++) {
			c = CELL(cells, si, 0, mi);
			if (c->status != CELL_OK)
				continue;
			if (!head)
				fprintf(f, "%s\"%s\" p50_us p99_us\n",
					blocks++ ? "\n\n" : "", c->m->label);
			head = true;
			fprintf(f, "%zu %.3f %.3f\n", c->size,
				US(c->st.median), US(c->st.p99));
		}
	}
	return dat_close(f, path);
}

/* Blocks of "pairs round_trips_per_s" at one size. */
static int dat_throughput(const char *dir, const struct cell *cells,
			  size_t si, size_t npairs, size_t nmechs)
{
	const struct cell *c;
	char path[4096], name[64];
	unsigned int blocks = 0;
	size_t pi, mi;
	bool head;
	FILE *f;

	snprintf(name, sizeof(name), "throughput-%zu.dat",
		 CELL(cells, si, 0, 0)->size);
	f = dat_open(dir, name, path, sizeof(path));
	if (!f)
		return -EIO;
	fprintf(f, "# fastipc-bench: round trips per second (all pairs) "
		"against pairs, %zu-byte requests\n",
		CELL(cells, si, 0, 0)->size);
	for (mi = 0; mi < nmechs; mi++) {
		head = false;
		for (pi = 0; pi < npairs; pi++) {
			c = CELL(cells, si, pi, mi);
			if (c->status != CELL_OK)
				continue;
			if (!head)
				fprintf(f, "%s\"%s\" rt_per_s\n",
					blocks++ ? "\n\n" : "", c->m->label);
			head = true;
			fprintf(f, "%u %.1f\n", c->pairs, cell_rate(c));
		}
	}
	return dat_close(f, path);
}

int report_dat(const char *dir, const struct cell *cells, size_t nsizes,
	       size_t npairs, size_t nmechs)
{
	size_t si;
	int ret;

	if (!nsizes || !npairs || !nmechs)
		return 0;
	ret = dat_latency(dir, cells, nsizes, npairs, nmechs);
	for (si = 0; si < nsizes && npairs > 1; si++)
		if (dat_throughput(dir, cells, si, npairs, nmechs) < 0)
			ret = -EIO;
	return ret;
}
