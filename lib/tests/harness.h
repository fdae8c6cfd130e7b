/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test harness for the ring unit tests: a region laid out as
 * <linux/fastipc.h> describes, in a memfd shared by two processes, with
 * PROT_NONE guard pages around each half so a stray access faults.
 */
#ifndef FIPC_TEST_HARNESS_H
#define FIPC_TEST_HARNESS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "region.h"

#define T_PASS	0
#define T_FAIL	1

#define t_fail(...) do {						\
	fprintf(stderr, "%s:%d: ", __FILE__, __LINE__);			\
	fprintf(stderr, __VA_ARGS__);					\
	fputc('\n', stderr);						\
	exit(T_FAIL);							\
} while (0)

#define t_check(cond) do {						\
	if (!(cond))							\
		t_fail("check failed: %s", #cond);			\
} while (0)

struct t_region {
	int memfd;
	struct fastipc_region_layout lo;
};

/* A memfd region with two areas of @area_size bytes each. */
void t_region_create(struct t_region *t, uint32_t area_size);

/*
 * Map the region as the client (@client) or the server, own half RW and
 * the peer's RO, into @g with the futex doorbell.
 */
void t_region_attach(struct t_region *t, struct fipc_region *g, bool client);

/* Run @fn(@arg) in a child process; return its pid. */
int t_fork(void (*fn)(void *), void *arg);

/* Wait for @pid; fail unless it exited 0. */
void t_wait_ok(int pid, const char *what);

/* Deterministic pseudo-random numbers (xorshift64). */
uint64_t t_rand(uint64_t *state);

/* Payload byte @i of record @seq. */
static inline uint8_t t_byte(uint64_t seq, uint32_t i)
{
	return (uint8_t)(seq * 131 + i * 7 + (i >> 8));
}

#endif /* FIPC_TEST_HARNESS_H */
