/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Systematic fault injection for the fastipc kselftests: the calling
 * thread's /proc/self/task/<tid>/fail-nth (Documentation/fault-injection/
 * fault-injection.rst) and the debugfs knobs that let it reach the
 * allocations a syscall makes. Needs CONFIG_FAULT_INJECTION (fail-nth) and
 * CONFIG_FAULT_INJECTION_DEBUG_FS with FAILSLAB, FAIL_PAGE_ALLOC and
 * FAULT_INJECTION_USERCOPY: the debug guest kernel has them, Debian's not.
 */
#ifndef FAILNTH_H
#define FAILNTH_H

/*
 * Open the calling thread's fail-nth and set the knobs (saved, and put
 * back by fnth_close()): failslab and fail_page_alloc fail sleeping allocations
 * too (ignore-gfp-wait N), fail_page_alloc every order (min-order 0) and,
 * with @highmem, highmem pages too (user and shmem pages; vmalloc's, whose
 * failure vmalloc reports with a stack dump), and all three fault types
 * stay silent (verbose 0: an injected failure must not look like a kernel
 * report). Return: the fd, or -errno (-ENOENT: the kernel has no fault
 * injection).
 */
int fnth_open(int highmem);

/* Disarm, put the knobs back, close. */
void fnth_close(int fd);

/* Fail the @n-th fault site the thread reaches from now on (1 = the next). */
int fnth_arm(int fd, unsigned int n);

/*
 * Disarm. Return: how many fault sites were still to go before the armed
 * one (0: it was injected), or -errno.
 */
int fnth_left(int fd);

/* fnth_left() == 0: 1 if the armed fault was injected, 0 if not, -errno. */
int fnth_disarm(int fd);

#endif /* FAILNTH_H */
