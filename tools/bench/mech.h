/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fastipc-bench's mechanisms: one file per way of making a local
 * procedure call (mech-*.c), all driven by fastipc-bench.c the same way.
 *
 * One round trip: the client writes a SIZE-byte request with bench_fill(),
 * the server reads every byte with bench_sum() and answers with the 8-byte
 * checksum (as a uint64_t), which the client compares with what
 * bench_fill() returned: a mismatch is -EBADMSG. Payload written by the
 * sender and read by the receiver, in every mechanism, so the work
 * outside the mechanism is the same for all.
 *
 * One run of a mechanism at a SIZE with PAIRS client/server pairs:
 *
 *   parent:  prepare()                    (objects shared across fork)
 *   fork -> server process, pinned to the server CPU when PAIRS == 1:
 *            server_init()                (once; e.g. create the channel)
 *            PAIRS threads: serve(pair)   (a thread-pool server)
 *            bench_ready() once every thread can be talked to
 *   fork -> PAIRS client processes (pinned to the client CPU when
 *           PAIRS == 1): setup(pair), round() x N, teardown()
 *   parent:  reaps the clients, then kills (SIGKILL) and reaps the
 *            server, then cleanup().
 *
 * serve() loops until killed; it returns only on an error (< 0), which
 * the server process reports. Everything a mechanism creates outside its
 * processes (POSIX mq names, SysV ids, shm names) is removed by cleanup(),
 * which must also work after a partial prepare().
 */
#ifndef _FASTIPC_BENCH_MECH_H
#define _FASTIPC_BENCH_MECH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MECH_MAX_PAIRS	8

/* What every process of one run shares (set up before any fork). */
struct mech_ctx {
	size_t size;			/* request bytes */
	unsigned int pairs;		/* 1..MECH_MAX_PAIRS */
	char name[64];			/* unique per run: channel, mq, shm name */
	/*
	 * MAP_SHARED | MAP_ANONYMOUS memory of mech->shared_size(size)
	 * bytes per pair, zeroed, made by the framework before the forks
	 * (NULL if shared_size is NULL): shared[pair] is that pair's.
	 */
	void *shared[MECH_MAX_PAIRS];
	/* Free for prepare(): e.g. socketpair or pipe ends; -1 if unused. */
	int fd[MECH_MAX_PAIRS][4];
	/* Free for prepare(): e.g. SysV ids; -1 if unused. */
	long id[MECH_MAX_PAIRS];
	/* Set by the server process in server_init() for serve(). */
	void *srv;
};

struct mech {
	const char *name;		/* for -m: "copy", "futex", ... */
	const char *label;		/* for the table and the JSON */
	/*
	 * NULL, or 0 when @c can be run; else a positive reason to skip
	 * (MECH_SKIP_*), e.g. /dev/binder missing or @c->size too large.
	 */
	int (*usable)(const struct mech_ctx *c);
	/* NULL, or bytes of shared memory per pair for @size. */
	size_t (*shared_size)(size_t size);
	/* Parent, before the forks; NULL for nothing. 0 or -errno. */
	int (*prepare)(struct mech_ctx *c);
	/* Parent, after every process of the run is gone; NULL for none. */
	void (*cleanup)(struct mech_ctx *c);
	/* Server process, before its threads; NULL for none. */
	int (*server_init)(struct mech_ctx *c);
	/* A server thread for @pair: loops until killed; returns -errno. */
	int (*serve)(struct mech_ctx *c, unsigned int pair);
	/* Client process of @pair: connect, allocate; 0 or -errno. */
	int (*setup)(struct mech_ctx *c, unsigned int pair, void **state);
	/*
	 * One round trip with the payload of @seed: 0, -EBADMSG on a
	 * checksum mismatch, or another -errno.
	 */
	int (*round)(void *state, uint64_t seed);
	/*
	 * Check what the run did (e.g. the path fastipc took), write a note
	 * for the table (or leave it empty), free @state; 0 or -errno.
	 */
	int (*teardown)(void *state, unsigned long rounds, char *note,
			size_t cap);
	/*
	 * NULL, or the CPU time so far (ns, every thread) of the processes
	 * the mechanism runs besides the server (e.g. a gateway between
	 * client and server), read by the client of @pair at both ends of
	 * its measured window and counted as the server's; false in *@ok
	 * when it cannot be read.
	 */
	uint64_t (*helper_cpu_ns)(const struct mech_ctx *c, unsigned int pair,
				  bool *ok);
	/*
	 * Whether a side busy-waits (MECH_SPINS_*), for the table's "spin"
	 * column: a faster round trip that costs a spinning CPU says so.
	 */
	int spins;
};

enum {
	MECH_SPINS_NO = 0,		/* every wait sleeps */
	MECH_SPINS_ALWAYS,		/* spins until the peer answers */
	/*
	 * fastipc's CALL and REPLY_RECV spin for up to the module's spin_ns
	 * before sleeping (a busy-wait only while spin_ns > 0).
	 */
	MECH_SPINS_KMOD,
};

enum {
	MECH_SKIP_SIZE = 1,		/* the mechanism cannot carry the size */
	MECH_SKIP_ABSENT,		/* e.g. no /dev/binder, no module */
};

/* Every mechanism, each defined in its own mech-*.c. */
extern const struct mech mech_fastipc_copy, mech_fastipc_copy_nospin;
						/* mech-fastipc-copy.c */
extern const struct mech mech_fastipc_shm, mech_fastipc_shm_zc;
						/* mech-fastipc-shm.c */
extern const struct mech mech_fastipc_stream_sleep, mech_fastipc_stream_spin;
						/* mech-fastipc-stream.c */
extern const struct mech mech_seqpacket, mech_stream;	/* mech-socket.c */
extern const struct mech mech_pipe;		/* mech-pipe.c */
extern const struct mech mech_posix_mq;		/* mech-posix-mq.c */
extern const struct mech mech_sysv_msg;		/* mech-sysv-msg.c */
extern const struct mech mech_eventfd_shm;	/* mech-eventfd.c */
extern const struct mech mech_futex_shm;	/* mech-futex.c */
extern const struct mech mech_spin_shm;		/* mech-spin.c */
extern const struct mech mech_binder;		/* mech-binder.c */
extern const struct mech mech_pb_seqpacket;	/* mech-pb-seqpacket.c */
extern const struct mech mech_fastipc_rpc;	/* mech-fastipc-rpc.c */
extern const struct mech mech_oncrpc, mech_oncrpc_null;	/* mech-oncrpc.c */
extern const struct mech mech_oncrpc_tcp, mech_oncrpc_tcp_null,
	mech_oncrpc_unix, mech_oncrpc_unix_null;	/* mech-oncrpc-vc.c */
extern const struct mech mech_grpc;		/* mech-grpc.cc, if built */
extern const struct mech mech_grpc_gw;		/* mech-grpc-gw.c, likewise */
extern const struct mech mech_sd_bus;		/* mech-sd-bus.c, if built */

/*
 * The largest SOCK_SEQPACKET datagram the socket mechanisms send: SO_SNDBUF
 * less AF_UNIX's overhead, in whole 4 KiB pages; 0 if unknown
 * (mech-socket.c).
 */
size_t sock_seq_chunk(void);

#ifdef __cplusplus
}
#endif

#endif /* _FASTIPC_BENCH_MECH_H */
