// SPDX-License-Identifier: GPL-2.0
/*
 * Description: the deadline arithmetic every timed wait of libfastipc
 * uses (fipc_deadline_at, fipc_left_at), at fixed clock values so that
 * nothing depends on the host's load: a deadline is taken once and each
 * later wait gets only what is left of it; "never" stays never; a huge
 * timeout saturates instead of wrapping into the past; and the kernel
 * arguments of the one timeout rule (fipc_timeout_args: 0 never waits).
 */
#include "bell.h"
#include "harness.h"

#define NS	1000000000ULL

/* The one timeout rule, as the kernel sees it (fastipc_call, _send, _zc). */
static void timeout_rule(void)
{
	__u32 flags;
	__u64 ns;

	fipc_timeout_args(UINT64_MAX, &flags, &ns);
	t_check(flags == 0 && ns == 0);
	fipc_timeout_args((uint64_t)-1, &flags, &ns);
	t_check(flags == 0 && ns == 0);
	/* 0: do not wait; a full queue is -EAGAIN, not -ETIMEDOUT. */
	fipc_timeout_args(0, &flags, &ns);
	t_check(flags == (FASTIPC_F_TIMEOUT | FASTIPC_F_NONBLOCK) && ns == 0);
	fipc_timeout_args(1, &flags, &ns);
	t_check(flags == FASTIPC_F_TIMEOUT && ns == 1);
	fipc_timeout_args(UINT64_MAX - 1, &flags, &ns);
	t_check(flags == FASTIPC_F_TIMEOUT && ns == UINT64_MAX - 1);
}

int main(void)
{
	uint64_t now = 5 * NS, d;

	timeout_rule();

	/* A 1 s call that waited 0.6 s for ring room has 0.4 s left. */
	d = fipc_deadline_at(now, NS);
	t_check(d == 6 * NS);
	t_check(fipc_left_at(now, d) == NS);
	t_check(fipc_left_at(now + 600000000ULL, d) == 400000000ULL);
	t_check(fipc_left_at(d, d) == 0);
	t_check(fipc_left_at(d + 1, d) == 0);
	/* 0: due at once. */
	t_check(fipc_left_at(now, fipc_deadline_at(now, 0)) == 0);
	/* FASTIPC_TIMEOUT_INF: never due. */
	d = fipc_deadline_at(now, UINT64_MAX);
	t_check(d == UINT64_MAX);
	t_check(fipc_left_at(UINT64_MAX - 1, d) == UINT64_MAX);
	/* Huge finite timeouts saturate (no wrap into the past). */
	d = fipc_deadline_at(now, UINT64_MAX - 1);
	t_check(d == UINT64_MAX - 1);
	t_check(fipc_left_at(now, d) == UINT64_MAX - 1 - now);
	d = fipc_deadline_at(UINT64_MAX - 10, 100);
	t_check(d == UINT64_MAX - 1 && fipc_left_at(UINT64_MAX - 10, d) == 9);
	/* The real clock: a deadline is in the future and then runs down. */
	d = fipc_deadline(NS);
	t_check(fipc_left(d) <= NS);
	t_check(fipc_left(fipc_deadline(UINT64_MAX)) == UINT64_MAX);
	puts("ok deadline");
	return T_PASS;
}
