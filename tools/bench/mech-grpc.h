/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The gRPC C++ client of mech-grpc.cc, for the mechanisms that reach
 * bench.proto's Bench service through gRPC by another way than
 * mech-grpc.cc's own server (mech-grpc-gw.c: through
 * fastipc-grpc-gateway). Built only with gRPC (FASTIPC_BENCH_GRPC).
 */
#ifndef _FASTIPC_BENCH_MECH_GRPC_H
#define _FASTIPC_BENCH_MECH_GRPC_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * grpc_client_connect() - A channel to gRPC address @addr ("unix:/path"
 * or "HOST:PORT", no message size limits) and a Bench stub for @size-byte
 * requests, once the channel has connected (30 s at most).
 * Return: 0 and the client in *@state, -ETIMEDOUT, -ENOMEM.
 */
int grpc_client_connect(const char *addr, size_t size, void **state);

/* One Bench.Sum round trip (mech.h's round()): 0, -EBADMSG, -errno. */
int grpc_client_round(void *state, uint64_t seed);

/* Free a client of grpc_client_connect() (NULL: nothing). */
void grpc_client_free(void *state);

/* gRPC's version string, e.g. "1.51.1". */
const char *grpc_version_string(void);

#ifdef __cplusplus
}
#endif

#endif /* _FASTIPC_BENCH_MECH_GRPC_H */
