/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the fastipc benchmarks: time, CPU pinning, the payload
 * pattern and its checksum, statistics, a forked peer process.
 *
 * The payload: the sender writes a pattern derived from a seed and gets
 * its checksum in the same pass (bench_fill()); the receiver reads every
 * byte to compute the checksum (bench_sum()). Equal checksums prove that
 * the bytes arrived; the work is one write pass and one read pass, the
 * same for every mechanism.
 */
#ifndef _FASTIPC_BENCH_H
#define _FASTIPC_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* The program name, for messages ("fastipc-bench"). */
extern const char *bench_prog;

/* Print "PROG: what: strerror(-err)" on stderr; return @err. */
int bench_err(int err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* CLOCK_MONOTONIC in nanoseconds (the same clock in every process). */
uint64_t bench_now_ns(void);

/* The first two CPUs we may run on, or -1 and -1 with fewer than two. */
void bench_pick_cpus(int *client, int *server);

/* Pin the calling thread to @cpu (no-op for -1). Return 0 or -errno. */
int bench_pin(int cpu);

/* Write @len bytes of the pattern of @seed at @buf; return its checksum. */
uint64_t bench_fill(void *buf, size_t len, uint64_t seed);

/* Read @len bytes at @buf; return their checksum. */
uint64_t bench_sum(const void *buf, size_t len);

struct bench_stats {
	uint64_t median, p99, min;
	uint64_t p999, max, mean;	/* p99.9, maximum, mean */
};

/* Sort @ns (@n > 0 samples) and take their percentiles, min, max, mean. */
void bench_stats(uint64_t *ns, size_t n, struct bench_stats *st);

/* write()/read() all @len bytes (retrying short transfers and EINTR). */
int bench_write_all(int fd, const void *buf, size_t len);
int bench_read_all(int fd, void *buf, size_t len);

/*
 * A ping-pong over byte streams (pipes, SOCK_STREAM), requests of a size
 * both sides know. bench_fd_serve() reads a @size-byte request from @rfd
 * into @buf and writes its 8-byte checksum to @wfd, again and again; it
 * returns only on an error (-errno, -ECONNRESET at the end of the file).
 * bench_fd_round() writes @size bytes of the pattern of @seed (built in
 * @buf) to @wfd, reads the checksum from @rfd and compares it: 0,
 * -EBADMSG, or -errno.
 */
int bench_fd_serve(int rfd, int wfd, void *buf, size_t size);
int bench_fd_round(int wfd, int rfd, void *buf, size_t size, uint64_t seed);

/*
 * bench_spawn() - Fork a peer pinned to @cpu that runs @fn(@arg, fd) and
 * exits with 0 if it returned >= 0. The peer calls bench_ready(fd) once
 * it can be talked to; bench_spawn() returns after that (0), or a
 * negative errno if the peer ended first. *@pid is the peer.
 */
int bench_spawn(int cpu, int (*fn)(void *arg, int ready_fd), void *arg,
		pid_t *pid);

/* Tell the parent that the peer is ready; closes @fd. */
void bench_ready(int fd);

/* Wait for @pid; return 0 if it exited 0, else -1 (reported with @what). */
int bench_reap(pid_t pid, const char *what);

/* Parse an unsigned number with an optional k/K or m/M suffix (x1024). */
int bench_parse_size(const char *s, uint64_t *v);

#ifdef __cplusplus
}
#endif

#endif /* _FASTIPC_BENCH_H */
