// SPDX-License-Identifier: LGPL-2.1 OR MIT
/*
 * fastipc_strerror(): what an errno means when libfastipc returned it.
 * The texts are constants: no buffer, no locale, safe from any thread.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <string.h>

#include "internal.h"

struct fipc_errtext {
	int err;
	const char *text;
};

static const struct fipc_errtext fipc_errtexts[] = {
	{ 0, "Success" },
	{ EDQUOT, "Region quota exceeded: this user's connections already "
		  "hold region_user_max bytes of shared memory" },
	{ ENOSPC, "Per-user limit reached: user_chans_max channels or "
		  "user_conns_max connections" },
	{ EOVERFLOW, "Reply larger than the caller's reply buffer (rep_cap)" },
	{ EIDRM, "Channel removed (fastipc_chan_rmid)" },
	{ ENOENT, "No such channel or connection (from fastipc_open(): "
		  "no /dev/fastipc, the fastipc module is not loaded)" },
	{ ENODEV, "Fastipc module not loaded (no driver behind /dev/fastipc)" },
	{ ENXIO, "Fastipc module not loaded (no driver behind /dev/fastipc)" },
	{ EMSGSIZE, "Message larger than the channel's msg_max or the "
		    "region's largest record" },
	{ ENOBUFS, "No room in the shared-memory region for the reply, or "
		   "too many records held" },
	{ EPIPE, "Peer gone: the connection or channel was closed" },
	{ ECONNRESET, "Peer gone: the channel or connection was closed" },
	{ ETIMEDOUT, "Timed out (a timeout_ns of 0 does not wait for the "
		     "reply)" },
	{ EAGAIN, "Would wait: queue or ring full (timeout_ns 0 or "
		  "non-blocking), or the user's queued-bytes limit" },
	{ EACCES, "Permission denied by the channel's mode (w to connect, "
		  "r to stat)" },
	{ EPERM, "Not the channel's owner or creator" },
	{ EEXIST, "Channel name or key already in use" },
	{ EINTR, "Interrupted by a signal (the call was cancelled)" },
	{ ENOTTY, "Not a fastipc channel fd" },
	{ ENODATA, "The connection has no shared-memory region" },
	{ EOPNOTSUPP, "Not supported by the fastipc module or this connection "
		      "(no region, or a stream owns it)" },
	{ EPROTO, "Protocol error: the peer or the kernel corrupted the "
		  "shared-memory layout or ring" },
	{ EBADMSG, "Bad record or descriptor from the peer (corrupt ring)" },
};

/* Constant text of the C library, never a per-call buffer. */
static const char *fipc_libc_text(int err)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 32)
	const char *s = strerrordesc_np(err);

	return s ? s : "Unknown error";
#else
	return strerror(err);
#endif
}

__public const char *fastipc_strerror(int err)
{
	size_t i;

	if (err == INT_MIN)
		return "Unknown error";
	if (err < 0)
		err = -err;
	for (i = 0; i < ARRAY_SIZE(fipc_errtexts); i++)
		if (fipc_errtexts[i].err == err)
			return fipc_errtexts[i].text;
	return fipc_libc_text(err);
}
