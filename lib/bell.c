// SPDX-License-Identifier: LGPL-2.1 OR MIT
/*
 * The doorbell: (E) and (F) of the ordering argument in <linux/fastipc.h>.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/fastipc.h>
#include <linux/futex.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>

#include "barrier.h"
#include "bell.h"

uint64_t fipc_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

void fipc_timeout_args(uint64_t timeout_ns, __u32 *flags, __u64 *ns)
{
	*flags = 0;
	*ns = 0;
	if (timeout_ns == UINT64_MAX)	/* FASTIPC_TIMEOUT_INF */
		return;
	*flags = FASTIPC_F_TIMEOUT | (timeout_ns ? 0 : FASTIPC_F_NONBLOCK);
	*ns = timeout_ns;
}

uint64_t fipc_deadline_at(uint64_t now, uint64_t timeout_ns)
{
	if (timeout_ns == UINT64_MAX)
		return UINT64_MAX;
	if (timeout_ns >= UINT64_MAX - 1 - now)
		return UINT64_MAX - 1;
	return now + timeout_ns;
}

uint64_t fipc_left_at(uint64_t now, uint64_t deadline)
{
	if (deadline == UINT64_MAX)
		return UINT64_MAX;
	return now >= deadline ? 0 : deadline - now;
}

static int fipc_futex(const uint32_t *addr, int op, uint32_t val,
		      uint64_t timeout_ns)
{
	struct timespec ts, *tsp = NULL;
	long ret;

	if (timeout_ns != UINT64_MAX) {
		ts.tv_sec = (time_t)(timeout_ns / 1000000000ULL);
		ts.tv_nsec = (long)(timeout_ns % 1000000000ULL);
		tsp = &ts;
	}
	/* Shared mapping: no FUTEX_PRIVATE_FLAG. */
	ret = syscall(SYS_futex, addr, op, val, tsp, NULL, 0);
	if (ret >= 0 || errno == EAGAIN)
		return 0;
	return -errno;
}

int fipc_bell_ring(struct fipc_bell *b)
{
	atomic_fetch_add_explicit(fipc_atomic_ptr(b->own_ec), 1,
				  memory_order_release);
	fipc_smp_mb();				/* E, matches F */
	if (!fipc_load_once(b->peer_waiting))
		return 0;
	b->notifies++;
	if (b->fd < 0 && b->kick)
		return b->kick(b->kick_arg);
	if (b->fd < 0)
		return fipc_futex(b->own_ec, FUTEX_WAKE, INT_MAX, UINT64_MAX);
	if (ioctl(b->fd, FASTIPC_IOC_NOTIFY) < 0)
		return -errno;
	return 0;
}

static int fipc_bell_sleep(struct fipc_bell *b, uint32_t ec,
			   uint64_t timeout_ns)
{
	struct fastipc_wait w;

	if (b->fd < 0 && b->kick)
		return -EOPNOTSUPP;
	b->waits++;
	if (b->fd < 0) {
		/* FUTEX_WAIT returns 0 on any wake-up; time it ourselves. */
		return fipc_futex(b->peer_ec, FUTEX_WAIT, ec, timeout_ns);
	}
	memset(&w, 0, sizeof(w));
	w.eventcount = ec;
	if (timeout_ns != UINT64_MAX) {
		w.flags = FASTIPC_F_TIMEOUT;
		w.timeout_ns = timeout_ns;
	}
	if (ioctl(b->fd, FASTIPC_IOC_WAIT, &w) < 0)
		return errno == EAGAIN ? 0 : -errno;
	return 0;
}

int fipc_bell_wait(struct fipc_bell *b, bool (*ready)(void *), void *arg,
		   uint64_t timeout_ns)
{
	uint32_t ec = fipc_load_acquire(b->peer_ec);
	int ret = 0;

	if (ready(arg))
		return 0;
	atomic_fetch_add_explicit(fipc_atomic_ptr(b->own_waiting), 1,
				  memory_order_relaxed);
	fipc_smp_mb();				/* F, matches E */
	if (!ready(arg) && fipc_load_acquire(b->peer_ec) == ec)
		ret = fipc_bell_sleep(b, ec, timeout_ns);
	atomic_fetch_sub_explicit(fipc_atomic_ptr(b->own_waiting), 1,
				  memory_order_relaxed);
	return ret;
}
