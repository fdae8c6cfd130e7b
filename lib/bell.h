/* SPDX-License-Identifier: LGPL-2.1 OR MIT */
/*
 * The doorbell of a region: eventcounts and waiting words in the two
 * control pages, FASTIPC_IOC_NOTIFY and FASTIPC_IOC_WAIT on the connection
 * fd (client) or region fd (server). Internal to libfastipc.
 *
 * With fd < 0 (the host unit tests, two processes over a memfd) the same
 * protocol runs over futexes on the eventcount words.
 *
 * Each side bumps its own eventcount after it changes an index the peer
 * may wait for: the producer index (the peer waits for data) and the
 * consumer index (the peer waits for room).
 */
#ifndef _FASTIPC_BELL_H
#define _FASTIPC_BELL_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/types.h>

struct fipc_bell {
	int fd;				/* connection or region fd; -1: futex */
	/*
	 * With fd < 0 and a kick: ring by calling kick(kick_arg) (the server
	 * pool, which opens a region fd only for the NOTIFY); no waiting.
	 */
	int (*kick)(void *arg);
	void *kick_arg;
	uint32_t *own_ec;		/* our eventcount (we write) */
	uint32_t *own_waiting;		/* our waiting word (we write) */
	const uint32_t *peer_ec;	/* the peer's (read-only to us) */
	const uint32_t *peer_waiting;
	_Atomic uint64_t notifies;	/* NOTIFY syscalls made */
	_Atomic uint64_t waits;		/* WAIT syscalls made */
};

/*
 * fipc_bell_ring() - We changed an index: bump our eventcount and, if the
 * peer announced it sleeps, ring (E). Return: 0, or the NOTIFY error.
 */
int fipc_bell_ring(struct fipc_bell *b);

/*
 * fipc_bell_wait() - Sleep until @ready(@arg) is true, the peer's
 * eventcount moves, or @timeout_ns (UINT64_MAX: none) passes. Announces
 * the sleep in our waiting word first (F). Return: 0 (look again),
 * -ETIMEDOUT, -EINTR, -ECONNRESET (peer gone), -EOPNOTSUPP (a bell with
 * a kick cannot sleep), or another WAIT error.
 */
int fipc_bell_wait(struct fipc_bell *b, bool (*ready)(void *), void *arg,
		   uint64_t timeout_ns);

/* Monotonic time (CLOCK_MONOTONIC) in nanoseconds. */
uint64_t fipc_now_ns(void);

/*
 * Deadlines: an absolute CLOCK_MONOTONIC time in nanoseconds, computed
 * once per operation so that every wait in it takes only what is left.
 * UINT64_MAX (a timeout of FASTIPC_TIMEOUT_INF) is "never"; a timeout too
 * large to add to @now saturates to UINT64_MAX - 1 rather than wrapping
 * into the past.
 */
uint64_t fipc_deadline_at(uint64_t now, uint64_t timeout_ns);
/* Nanoseconds left until @deadline at @now: 0 once due, UINT64_MAX never. */
uint64_t fipc_left_at(uint64_t now, uint64_t deadline);

/*
 * fipc_timeout_args() - The kernel's wait arguments (fastipc_call.flags and
 * .timeout_ns) for a library @timeout_ns, by the one rule of every
 * function with a timeout: FASTIPC_TIMEOUT_INF is no FASTIPC_F_TIMEOUT
 * (wait forever); 0 is FASTIPC_F_TIMEOUT with 0 plus FASTIPC_F_NONBLOCK,
 * so that a full queue is -EAGAIN with nothing queued, as for the ring
 * and stream functions, and a call's reply is not waited for
 * (-ETIMEDOUT); anything else is FASTIPC_F_TIMEOUT with @timeout_ns.
 */
void fipc_timeout_args(uint64_t timeout_ns, __u32 *flags, __u64 *ns);

static inline uint64_t fipc_deadline(uint64_t timeout_ns)
{
	return timeout_ns == UINT64_MAX ? UINT64_MAX :
	       fipc_deadline_at(fipc_now_ns(), timeout_ns);
}

static inline uint64_t fipc_left(uint64_t deadline)
{
	return deadline == UINT64_MAX ? UINT64_MAX :
	       fipc_left_at(fipc_now_ns(), deadline);
}

#endif /* _FASTIPC_BELL_H */
