/* SPDX-License-Identifier: LGPL-2.1 OR MIT */
/*
 * Memory-ordering helpers for words shared with a peer through a region,
 * on C11 atomics (liburing's barrier.h shape). The argument for every use
 * is the (A)-(F) diagram in <linux/fastipc.h>; each call site cites its
 * letter.
 *
 * Everything in a region may be written by an untrusted peer at any time:
 * a word is read with one of these helpers exactly once into a local, and
 * only the local is checked and used.
 */
#ifndef _FASTIPC_BARRIER_H
#define _FASTIPC_BARRIER_H

#include <stdatomic.h>
#include <stdint.h>

_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "32-bit atomics must be lock-free");

#define fipc_atomic_ptr(p)	((_Atomic __typeof__(*(p)) *)(p))

/* One untorn load, no ordering (a header word read once). */
#define fipc_load_once(p) \
	atomic_load_explicit(fipc_atomic_ptr(p), memory_order_relaxed)

/* One untorn store, no ordering. */
#define fipc_store_once(p, v) \
	atomic_store_explicit(fipc_atomic_ptr(p), (v), memory_order_relaxed)

/* Later loads and stores are not moved before this load. */
#define fipc_load_acquire(p) \
	atomic_load_explicit(fipc_atomic_ptr(p), memory_order_acquire)

/* Earlier loads and stores are not moved after this store. */
#define fipc_store_release(p, v) \
	atomic_store_explicit(fipc_atomic_ptr(p), (v), memory_order_release)

/* Full barrier: stores before it are visible before loads after it. */
#define fipc_smp_mb()	atomic_thread_fence(memory_order_seq_cst)

#endif /* _FASTIPC_BARRIER_H */
