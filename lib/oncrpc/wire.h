/* SPDX-License-Identifier: LGPL-2.1 OR MIT */
/*
 * The wire format of ONC RPC over fastipc (see
 * Documentation/userspace-api/fastipc-oncrpc.rst). Fields in the host's
 * byte order: both ends are on one machine. The arguments and results
 * after the headers are XDR (big-endian), as ONC RPC defines them.
 */
#ifndef FIPC_ONC_WIRE_H
#define FIPC_ONC_WIRE_H

#include <stdint.h>

/* fastipc ops of the channel */
#define FIPC_ONC_OP_CALL	0x4f4e4301U	/* "ONC" 1: a call */
#define FIPC_ONC_OP_PROBE	0x4f4e4302U	/* "ONC" 2: is prog/vers served */

#define FIPC_ONC_MAGIC		0x4f4e4331U	/* "ONC1" */

/* The request: this header, then the XDR arguments (CALL only). */
struct fipc_onc_req {
	uint32_t magic;
	uint32_t prog;
	uint32_t vers;
	uint32_t proc;
};

/*
 * The reply: this header, then the XDR results when stat is
 * FIPC_ONC_SUCCESS. stat is ONC RPC's accept_stat (0..5), or
 * FIPC_ONC_DENIED_AUTH with the auth_stat in low.
 */
struct fipc_onc_rep {
	uint32_t magic;
	uint32_t stat;
	uint32_t low;	/* PROG_MISMATCH: lowest version; AUTH: auth_stat */
	uint32_t high;	/* PROG_MISMATCH: highest version */
};

enum {
	FIPC_ONC_SUCCESS = 0,
	FIPC_ONC_PROG_UNAVAIL = 1,
	FIPC_ONC_PROG_MISMATCH = 2,
	FIPC_ONC_PROC_UNAVAIL = 3,
	FIPC_ONC_GARBAGE_ARGS = 4,
	FIPC_ONC_SYSTEM_ERR = 5,
	FIPC_ONC_DENIED_AUTH = 0x100,
};

#endif /* FIPC_ONC_WIRE_H */
