// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc-bench: a spinning ping-pong on shared memory, the hardware
 * floor of a hand-off between two CPUs.
 *
 * Each pair has its own area in c->shared[pair]:
 *   line 0   req: the request's sequence number (the client writes it)
 *   line 1   rep: the reply's sequence number and the checksum (the
 *            server writes them)
 *   then     the request's payload (the client writes it)
 * so no cache line is written by both sides.
 *
 * What one round trip costs: no syscalls. The client fills the payload in
 * place, publishes req = seq (release) and spins (with a pause) until it
 * acquires rep == seq; the server spins until it acquires the new req,
 * sums the payload in place, stores the checksum and publishes rep = seq.
 * The cost is the cache-line transfers of req, rep and the payload.
 *
 * When the run has more spinning threads than CPUs (2 * PAIRS > online
 * CPUs), a spinner calls sched_yield() after a while without progress, so
 * that the peer it waits for gets a CPU; otherwise it never yields. The
 * client gives up with -ETIMEDOUT after 10 s; the server spins until it
 * is killed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include "bench.h"
#include "mech.h"

/* Two 64-byte lines, so the adjacent-line prefetcher does not pair them. */
#define SPIN_LINE		128
#define SPIN_TIMEOUT_NS		(10ULL * 1000000000ULL)
#define SPIN_CHECK_MASK		0xffffUL	/* look at the clock this often */
#define SPIN_YIELD_MASK		0x3ffUL		/* yield this often, if at all */

/* Page-aligned (c->shared[pair]): each union fills one SPIN_LINE. */
struct spin_shm {
	union {
		_Atomic uint32_t req;
		unsigned char line0[SPIN_LINE];
	};
	union {
		struct {
			_Atomic uint32_t rep;
			uint64_t sum;
		};
		unsigned char line1[SPIN_LINE];
	};
	unsigned char payload[];
};

struct spin_client {
	struct spin_shm *shm;
	size_t size;
	unsigned int pair;
	uint32_t seq;		/* of the last request answered */
	bool yield;
};

/* The spin-wait hint (x86's PAUSE), as lib/stream.c has it. */
static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#else
	atomic_signal_fence(memory_order_seq_cst);
#endif
}

/* More spinners than CPUs: each needs to give its CPU to its peer. */
static bool spin_must_yield(const struct mech_ctx *c)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	return cpus > 0 && 2UL * c->pairs > (unsigned long)cpus;
}

/*
 * Spin until *@word is no longer @old and return its new value; with
 * @timeout_ns, return -ETIMEDOUT once that much time has passed instead.
 */
static int64_t spin_wait_change(_Atomic uint32_t *word, uint32_t old,
				bool yield, uint64_t timeout_ns)
{
	uint64_t start = 0;
	unsigned long n;
	uint32_t v;

	for (n = 1; ; n++) {
		v = atomic_load_explicit(word, memory_order_acquire);
		if (v != old)
			return v;
		cpu_relax();
		if (yield && !(n & SPIN_YIELD_MASK))
			sched_yield();
		if (!timeout_ns || (n & SPIN_CHECK_MASK))
			continue;
		if (!start)
			start = bench_now_ns();
		else if (bench_now_ns() - start > timeout_ns)
			return -ETIMEDOUT;
	}
}

static size_t spin_shared_size(size_t size)
{
	size_t payload = (size + SPIN_LINE - 1) / SPIN_LINE * SPIN_LINE;

	return sizeof(struct spin_shm) + payload;
}

static int spin_serve(struct mech_ctx *c, unsigned int pair)
{
	struct spin_shm *shm = c->shared[pair];
	uint32_t seq = atomic_load_explicit(&shm->rep, memory_order_relaxed);
	bool yield = spin_must_yield(c);

	for (;;) {
		seq = (uint32_t)spin_wait_change(&shm->req, seq, yield, 0);
		shm->sum = bench_sum(shm->payload, c->size);
		atomic_store_explicit(&shm->rep, seq, memory_order_release);
	}
	return 0;	/* not reached: it spins until it is killed */
}

static int spin_setup(struct mech_ctx *c, unsigned int pair, void **state)
{
	struct spin_client *sc = calloc(1, sizeof(*sc));

	if (!sc)
		return bench_err(-ENOMEM, "spin pair %u: client state", pair);
	sc->shm = c->shared[pair];
	sc->size = c->size;
	sc->pair = pair;
	sc->seq = atomic_load_explicit(&sc->shm->req, memory_order_relaxed);
	sc->yield = spin_must_yield(c);
	*state = sc;
	return 0;
}

static int spin_round(void *state, uint64_t seed)
{
	struct spin_client *sc = state;
	struct spin_shm *shm = sc->shm;
	uint32_t seq = sc->seq + 1;
	uint64_t want;
	int64_t v;

	want = bench_fill(shm->payload, sc->size, seed);
	atomic_store_explicit(&shm->req, seq, memory_order_release);
	v = spin_wait_change(&shm->rep, sc->seq, sc->yield, SPIN_TIMEOUT_NS);
	if (v < 0)
		return bench_err((int)v, "spin pair %u: waiting for reply %u",
				 sc->pair, seq);
	if ((uint32_t)v != seq)
		return bench_err(-EPROTO, "spin pair %u: reply %u to request %u",
				 sc->pair, (uint32_t)v, seq);
	sc->seq = seq;
	if (shm->sum != want)
		return bench_err(-EBADMSG, "spin pair %u: checksum %#llx, sent %#llx",
				 sc->pair, (unsigned long long)shm->sum,
				 (unsigned long long)want);
	return 0;
}

static int spin_teardown(void *state, unsigned long rounds, char *note,
			 size_t cap)
{
	struct spin_client *sc = state;

	(void)rounds;
	if (cap)
		snprintf(note, cap, "%s", sc->yield ? "yields: 2*pairs > CPUs" : "");
	free(sc);
	return 0;
}

const struct mech mech_spin_shm = {
	.name = "spin",
	.label = "spinning shm ping-pong",
	.shared_size = spin_shared_size,
	.serve = spin_serve,
	.setup = spin_setup,
	.round = spin_round,
	.teardown = spin_teardown,
	.spins = MECH_SPINS_ALWAYS,
};
