// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers shared by the fastipc benchmarks (see bench.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

#define SUM_INIT	0xcbf29ce484222325ULL	/* FNV-1a offset basis */
#define SUM_PRIME	0x100000001b3ULL	/* FNV-1a prime, per word */
#define FILL_STEP	0x9e3779b97f4a7c15ULL

int bench_err(int err, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", bench_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", strerror(err < 0 ? -err : err));
	return err;
}

uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

void bench_pick_cpus(int *client, int *server)
{
	cpu_set_t set;
	int cpu, found = 0;

	*client = *server = -1;
	if (sched_getaffinity(0, sizeof(set), &set))
		return;
	for (cpu = 0; cpu < CPU_SETSIZE && found < 2; cpu++) {
		if (!CPU_ISSET(cpu, &set))
			continue;
		if (found++ == 0)
			*client = cpu;
		else
			*server = cpu;
	}
	if (found < 2)
		*client = *server = -1;
}

int bench_pin(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return 0;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		return bench_err(-errno, "pin to CPU %d", cpu);
	return 0;
}

uint64_t bench_fill(void *buf, size_t len, uint64_t seed)
{
	uint64_t h = SUM_INIT, w = seed * FILL_STEP;
	unsigned char *p = buf;
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		w += FILL_STEP;
		memcpy(p + i, &w, 8);
		h = (h ^ w) * SUM_PRIME;
	}
	for (; i < len; i++) {
		p[i] = (unsigned char)(seed + i);
		h = (h ^ p[i]) * SUM_PRIME;
	}
	return h;
}

uint64_t bench_sum(const void *buf, size_t len)
{
	const unsigned char *p = buf;
	uint64_t h = SUM_INIT, w;
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(&w, p + i, 8);
		h = (h ^ w) * SUM_PRIME;
	}
	for (; i < len; i++)
		h = (h ^ p[i]) * SUM_PRIME;
	return h;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

void bench_stats(uint64_t *ns, size_t n, struct bench_stats *st)
{
	uint64_t sum = 0;
	size_t i;

	qsort(ns, n, sizeof(*ns), cmp_u64);
	for (i = 0; i < n; i++)
		sum += ns[i];
	st->median = ns[n / 2];
	st->p99 = ns[n * 99 / 100];
	st->p999 = ns[n * 999 / 1000];
	st->min = ns[0];
	st->max = ns[n - 1];
	st->mean = sum / n;
}

int bench_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EPIPE;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int bench_read_all(int fd, void *buf, size_t len)
{
	char *p = buf;
	ssize_t n;

	while (len) {
		n = read(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -ECONNRESET;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int bench_fd_serve(int rfd, int wfd, void *buf, size_t size)
{
	uint64_t h;
	int ret;

	for (;;) {
		ret = bench_read_all(rfd, buf, size);
		if (ret < 0)
			return ret;
		h = bench_sum(buf, size);
		ret = bench_write_all(wfd, &h, sizeof(h));
		if (ret < 0)
			return ret;
	}
}

int bench_fd_round(int wfd, int rfd, void *buf, size_t size, uint64_t seed)
{
	uint64_t h = bench_fill(buf, size, seed), got;
	int ret;

	ret = bench_write_all(wfd, buf, size);
	if (ret == 0)
		ret = bench_read_all(rfd, &got, sizeof(got));
	if (ret < 0)
		return ret;
	return got == h ? 0 : -EBADMSG;
}

void bench_ready(int fd)
{
	if (write(fd, "R", 1) != 1)
		bench_err(-errno, "tell the parent we are ready");
	close(fd);
}

int bench_spawn(int cpu, int (*fn)(void *arg, int ready_fd), void *arg,
		pid_t *pid)
{
	int rp[2], ret;
	char c;

	if (pipe2(rp, O_CLOEXEC))
		return bench_err(-errno, "pipe");
	fflush(NULL);
	*pid = fork();
	if (*pid < 0) {
		ret = bench_err(-errno, "fork");
		close(rp[0]);
		close(rp[1]);
		return ret;
	}
	if (*pid == 0) {
		close(rp[0]);
		if (bench_pin(cpu) < 0)
			_exit(1);
		_exit(fn(arg, rp[1]) < 0 ? 1 : 0);
	}
	close(rp[1]);
	ret = read(rp[0], &c, 1) == 1 ? 0 : -ECHILD;
	close(rp[0]);
	return ret;
}

int bench_reap(pid_t pid, const char *what)
{
	int status;

	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return bench_err(-errno, "%s: waitpid", what);
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	fprintf(stderr, "%s: %s: peer process failed (status 0x%x)\n",
		bench_prog, what, status);
	return -1;
}

int bench_parse_size(const char *s, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	if (errno || end == s)
		return -1;
	if (*end == 'k' || *end == 'K') {
		*v <<= 10;
		end++;
	} else if (*end == 'm' || *end == 'M') {
		*v <<= 20;
		end++;
	}
	return *end ? -1 : 0;
}
