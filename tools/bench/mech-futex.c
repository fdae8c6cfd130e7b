// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc-bench: futex wait/wake on shared memory, the floor for a
 * sleeping hand-off.
 *
 * Each pair has its own area in c->shared[pair]:
 *   line 0   req: the request's sequence number (the client writes it)
 *   line 1   rep: the reply's sequence number and the checksum (the
 *            server writes them)
 *   then     the request's payload (the client writes it)
 * so no cache line is written by both sides.
 *
 * What one round trip costs, nothing more:
 *  client  fills the payload in place, publishes req = seq (release),
 *          FUTEX_WAKE on req, FUTEX_WAIT on rep until rep == seq.
 *  server  woken in FUTEX_WAIT on req, sums the payload in place, stores
 *          the checksum, publishes rep = seq (release), FUTEX_WAKE on rep.
 *  So two syscalls per side: one wake, one wait (which returns at once
 *  with EAGAIN when the word has already moved). There is no waiter flag
 *  to skip a wake and no spinning before sleeping. The futexes are shared
 *  ones (no FUTEX_PRIVATE_FLAG): the sides are different processes.
 *
 * The client gives up with -ETIMEDOUT after 10 s without a wake-up, so a
 * dead server does not hang it; the server waits until it is killed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "mech.h"

/* Two 64-byte lines, so the adjacent-line prefetcher does not pair them. */
#define FUTEX_LINE	128
#define FUTEX_TIMEOUT_S	10

/* Page-aligned (c->shared[pair]): each union fills one FUTEX_LINE. */
struct futex_shm {
	union {
		_Atomic uint32_t req;
		unsigned char line0[FUTEX_LINE];
	};
	union {
		struct {
			_Atomic uint32_t rep;
			uint64_t sum;
		};
		unsigned char line1[FUTEX_LINE];
	};
	unsigned char payload[];
};

struct futex_client {
	struct futex_shm *shm;
	size_t size;
	unsigned int pair;
	uint32_t seq;		/* of the last request answered */
};

static long futex(_Atomic uint32_t *word, int op, uint32_t val,
		  const struct timespec *timeout)
{
	return syscall(SYS_futex, (uint32_t *)word, op, val, timeout, NULL, 0);
}

/*
 * Wait until *@word is no longer @old; return its new value, or -errno
 * (-ETIMEDOUT after @timeout without a wake-up). Wake-ups that find the
 * word unchanged (spurious ones, signals) wait again.
 */
static int64_t futex_wait_change(_Atomic uint32_t *word, uint32_t old,
				 const struct timespec *timeout)
{
	uint32_t v;

	while ((v = atomic_load_explicit(word, memory_order_acquire)) == old) {
		if (futex(word, FUTEX_WAIT, old, timeout) == 0)
			continue;
		if (errno != EAGAIN && errno != EINTR)
			return -errno;
	}
	return v;
}

static size_t futex_shared_size(size_t size)
{
	size_t payload = (size + FUTEX_LINE - 1) / FUTEX_LINE * FUTEX_LINE;

	return sizeof(struct futex_shm) + payload;
}

static int futex_serve(struct mech_ctx *c, unsigned int pair)
{
	struct futex_shm *shm = c->shared[pair];
	uint32_t seq = atomic_load_explicit(&shm->rep, memory_order_relaxed);
	int64_t v;

	for (;;) {
		v = futex_wait_change(&shm->req, seq, NULL);
		if (v < 0)
			return bench_err((int)v, "futex pair %u: server FUTEX_WAIT",
					 pair);
		seq = (uint32_t)v;
		shm->sum = bench_sum(shm->payload, c->size);
		atomic_store_explicit(&shm->rep, seq, memory_order_release);
		if (futex(&shm->rep, FUTEX_WAKE, 1, NULL) < 0)
			return bench_err(-errno,
					 "futex pair %u: server FUTEX_WAKE",
					 pair);
	}
}

static int futex_setup(struct mech_ctx *c, unsigned int pair, void **state)
{
	struct futex_client *fc = calloc(1, sizeof(*fc));

	if (!fc)
		return bench_err(-ENOMEM, "futex pair %u: client state", pair);
	fc->shm = c->shared[pair];
	fc->size = c->size;
	fc->pair = pair;
	fc->seq = atomic_load_explicit(&fc->shm->req, memory_order_relaxed);
	*state = fc;
	return 0;
}

static int futex_round(void *state, uint64_t seed)
{
	const struct timespec timeout = { .tv_sec = FUTEX_TIMEOUT_S };
	struct futex_client *fc = state;
	struct futex_shm *shm = fc->shm;
	uint32_t seq = fc->seq + 1;
	uint64_t want;
	int64_t v;

	want = bench_fill(shm->payload, fc->size, seed);
	atomic_store_explicit(&shm->req, seq, memory_order_release);
	if (futex(&shm->req, FUTEX_WAKE, 1, NULL) < 0)
		return bench_err(-errno, "futex pair %u: client FUTEX_WAKE",
				 fc->pair);
	v = futex_wait_change(&shm->rep, fc->seq, &timeout);
	if (v < 0)
		return bench_err((int)v, "futex pair %u: waiting for reply %u",
				 fc->pair, seq);
	if ((uint32_t)v != seq)
		return bench_err(-EPROTO, "futex pair %u: reply %u to request %u",
				 fc->pair, (uint32_t)v, seq);
	fc->seq = seq;
	if (shm->sum != want)
		return bench_err(-EBADMSG, "futex pair %u: checksum %#llx, sent %#llx",
				 fc->pair, (unsigned long long)shm->sum,
				 (unsigned long long)want);
	return 0;
}

static int futex_teardown(void *state, unsigned long rounds, char *note,
			  size_t cap)
{
	(void)rounds;
	if (cap)
		note[0] = '\0';
	free(state);
	return 0;
}

const struct mech mech_futex_shm = {
	.name = "futex",
	.label = "futex wait/wake, shm",
	.shared_size = futex_shared_size,
	.serve = futex_serve,
	.setup = futex_setup,
	.round = futex_round,
	.teardown = futex_teardown,
};
