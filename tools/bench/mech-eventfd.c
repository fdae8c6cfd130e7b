// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc-bench: shared memory for the data, an eventfd per direction as
 * the doorbell (one for requests, one for replies: a single eventfd shared
 * by both directions would let a side consume its own ring).
 *
 * Each pair has its own area in c->shared[pair]: line 0 holds the
 * checksum (the server writes it), then the request's payload (the client
 * writes it).
 *
 * What one round trip costs:
 *  client  fills the payload in place, write()s 1 to the request eventfd,
 *          read()s the reply eventfd (blocking).
 *  server  read()s the request eventfd (blocking), sums the payload in
 *          place, stores the checksum, write()s 1 to the reply eventfd.
 *  So two syscalls per side; the eventfd's lock and wake-up order the
 *  shared memory.
 *
 * An eventfd does not tell a reader that the writer is gone, so a client
 * thread watches the client: when a round has made no progress for 10 s,
 * it writes a poison value to the reply eventfd, and the round returns
 * -ETIMEDOUT instead of hanging on a dead server. The watchdog sleeps in
 * between and touches nothing on the round's path but a counter.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "mech.h"
#include "watchdog.h"

#define EFD_LINE	128
#define EFD_TIMEOUT_S	10
#define EFD_POISON	0x10000000000ULL	/* the watchdog's "reply" */

enum { EFD_REQ, EFD_REP };		/* in c->fd[pair][] */

/* Page-aligned (c->shared[pair]): the union fills a cache line. */
struct efd_shm {
	union {
		uint64_t sum;
		unsigned char line0[EFD_LINE];
	};
	unsigned char payload[];
};

struct efd_client {
	struct efd_shm *shm;
	size_t size;
	unsigned int pair;
	int req_fd, rep_fd;
	struct bench_watchdog wd;
};

static size_t efd_shared_size(size_t size)
{
	size_t payload = (size + EFD_LINE - 1) / EFD_LINE * EFD_LINE;

	return sizeof(struct efd_shm) + payload;
}

static void efd_cleanup(struct mech_ctx *c)
{
	unsigned int p, i;

	for (p = 0; p < c->pairs; p++) {
		for (i = EFD_REQ; i <= EFD_REP; i++) {
			if (c->fd[p][i] >= 0)
				close(c->fd[p][i]);
			c->fd[p][i] = -1;
		}
	}
}

static int efd_prepare(struct mech_ctx *c)
{
	unsigned int p, i;

	for (p = 0; p < c->pairs; p++) {
		for (i = EFD_REQ; i <= EFD_REP; i++) {
			c->fd[p][i] = eventfd(0, EFD_CLOEXEC);
			if (c->fd[p][i] < 0)
				return bench_err(-errno, "eventfd pair %u: eventfd",
						 p);
		}
	}
	return 0;
}

/* Read the eventfd @fd; return its count (> 0) or -errno. */
static int64_t efd_wait(int fd)
{
	uint64_t v;
	ssize_t n;

	do {
		n = read(fd, &v, sizeof(v));
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return n == sizeof(v) ? (int64_t)v : -EIO;
}

static int efd_ring(int fd, uint64_t v)
{
	ssize_t n;

	do {
		n = write(fd, &v, sizeof(v));
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return n == sizeof(v) ? 0 : -EIO;
}

static int efd_serve(struct mech_ctx *c, unsigned int pair)
{
	int req = c->fd[pair][EFD_REQ], rep = c->fd[pair][EFD_REP];
	struct efd_shm *shm = c->shared[pair];
	int64_t v;
	int ret;

	for (;;) {
		v = efd_wait(req);
		if (v < 0)
			return bench_err((int)v, "eventfd pair %u: server read",
					 pair);
		if (v != 1)
			return bench_err(-EPROTO, "eventfd pair %u: %lld requests at once",
					 pair, (long long)v);
		shm->sum = bench_sum(shm->payload, c->size);
		ret = efd_ring(rep, 1);
		if (ret < 0)
			return bench_err(ret, "eventfd pair %u: server write",
					 pair);
	}
}

/* The watchdog: a round stuck for EFD_TIMEOUT_S gets a poisoned reply. */
static void efd_fire(void *arg)
{
	struct efd_client *ec = arg;

	efd_ring(ec->rep_fd, EFD_POISON);
}

static int efd_setup(struct mech_ctx *c, unsigned int pair, void **state)
{
	struct efd_client *ec = calloc(1, sizeof(*ec));
	int ret;

	if (!ec)
		return bench_err(-ENOMEM, "eventfd pair %u: client state", pair);
	ec->shm = c->shared[pair];
	ec->size = c->size;
	ec->pair = pair;
	ec->req_fd = c->fd[pair][EFD_REQ];
	ec->rep_fd = c->fd[pair][EFD_REP];
	ret = bench_watchdog_start(&ec->wd, EFD_TIMEOUT_S, efd_fire, ec,
				   "eventfd client");
	if (ret < 0) {
		free(ec);
		return ret;
	}
	*state = ec;
	return 0;
}

static int efd_exchange(struct efd_client *ec, uint64_t seed)
{
	uint64_t want = bench_fill(ec->shm->payload, ec->size, seed);
	int64_t v;
	int ret;

	ret = efd_ring(ec->req_fd, 1);
	if (ret < 0)
		return bench_err(ret, "eventfd pair %u: client write", ec->pair);
	v = efd_wait(ec->rep_fd);
	if (v < 0)
		return bench_err((int)v, "eventfd pair %u: client read",
				 ec->pair);
	if ((uint64_t)v >= EFD_POISON)
		return bench_err(-ETIMEDOUT, "eventfd pair %u: no reply in %d s",
				 ec->pair, EFD_TIMEOUT_S);
	if (v != 1)
		return bench_err(-EPROTO, "eventfd pair %u: %lld replies at once",
				 ec->pair, (long long)v);
	if (ec->shm->sum != want)
		return bench_err(-EBADMSG, "eventfd pair %u: checksum %#llx, sent %#llx",
				 ec->pair, (unsigned long long)ec->shm->sum,
				 (unsigned long long)want);
	return 0;
}

static int efd_round(void *state, uint64_t seed)
{
	struct efd_client *ec = state;
	int ret;

	bench_watchdog_tick(&ec->wd);
	ret = efd_exchange(ec, seed);
	bench_watchdog_tick(&ec->wd);
	return ret;
}

static int efd_teardown(void *state, unsigned long rounds, char *note,
			size_t cap)
{
	struct efd_client *ec = state;

	(void)rounds;
	bench_watchdog_stop(&ec->wd);
	if (cap)
		note[0] = '\0';
	free(ec);
	return 0;
}

const struct mech mech_eventfd_shm = {
	.name = "eventfd",
	.label = "eventfd doorbells, shm",
	.shared_size = efd_shared_size,
	.prepare = efd_prepare,
	.cleanup = efd_cleanup,
	.serve = efd_serve,
	.setup = efd_setup,
	.round = efd_round,
	.teardown = efd_teardown,
};
