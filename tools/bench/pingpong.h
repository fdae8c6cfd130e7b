/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fastipc-pingpong's mechanisms. A mechanism has a server, run in a
 * forked process pinned to the server CPU, and a client side whose round()
 * makes one round trip: it writes a SIZE-byte request (bench_fill()), the
 * server reads every byte (bench_sum()) and replies with the 8-byte
 * checksum, which round() compares (-EBADMSG on a mismatch).
 */
#ifndef _FASTIPC_PINGPONG_H
#define _FASTIPC_PINGPONG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PP_OP_SUM	1	/* fastipc procedure: checksum the request */

/* What a server and a client of one run share. */
struct pp_ctx {
	size_t size;		/* request bytes */
	char chan[64];		/* fastipc channel name */
	int sock;		/* socketpair end of this side, or -1 */
};

struct pp_mech {
	const char *name;	/* for -m */
	const char *label;	/* for the table */
	int sock_type;		/* socketpair type to make, 0 for none */
	/* NULL, or false when the mechanism cannot carry @size bytes. */
	bool (*usable)(size_t size);
	int (*serve)(struct pp_ctx *c, int ready_fd);
	int (*setup)(struct pp_ctx *c, void **state);
	int (*round)(void *state, uint64_t seed);
	/*
	 * Check what the run did (e.g. the path taken), write a note for
	 * the table (or leave it empty) and free @state; return 0 or < 0.
	 */
	int (*teardown)(void *state, unsigned long rounds, char *note,
			size_t cap);
};

/* pp-fastipc.c */
extern const struct pp_mech pp_fastipc_shm, pp_fastipc_shm_call,
	pp_fastipc_copy, pp_fastipc_raw;
/* The kernel's msg_max_cap (FASTIPC_IOC_API), read once by main. */
extern uint32_t pp_msg_max_cap;

/* pp-sock.c */
extern const struct pp_mech pp_seqpacket, pp_stream;

#endif /* _FASTIPC_PINGPONG_H */
