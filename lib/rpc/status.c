// SPDX-License-Identifier: LGPL-2.1 OR MIT
/*
 * The status model of libfastipc-rpc: gRPC's canonical code names, the
 * mapping of transport errnos to codes, and the status' one-line text.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "rpc-int.h"

static const char *const code_names[FASTIPC_RPC_CODE_MAX + 1] = {
	[FASTIPC_RPC_OK] = "OK",
	[FASTIPC_RPC_CANCELLED] = "CANCELLED",
	[FASTIPC_RPC_UNKNOWN] = "UNKNOWN",
	[FASTIPC_RPC_INVALID_ARGUMENT] = "INVALID_ARGUMENT",
	[FASTIPC_RPC_DEADLINE_EXCEEDED] = "DEADLINE_EXCEEDED",
	[FASTIPC_RPC_NOT_FOUND] = "NOT_FOUND",
	[FASTIPC_RPC_ALREADY_EXISTS] = "ALREADY_EXISTS",
	[FASTIPC_RPC_PERMISSION_DENIED] = "PERMISSION_DENIED",
	[FASTIPC_RPC_RESOURCE_EXHAUSTED] = "RESOURCE_EXHAUSTED",
	[FASTIPC_RPC_FAILED_PRECONDITION] = "FAILED_PRECONDITION",
	[FASTIPC_RPC_ABORTED] = "ABORTED",
	[FASTIPC_RPC_OUT_OF_RANGE] = "OUT_OF_RANGE",
	[FASTIPC_RPC_UNIMPLEMENTED] = "UNIMPLEMENTED",
	[FASTIPC_RPC_INTERNAL] = "INTERNAL",
	[FASTIPC_RPC_UNAVAILABLE] = "UNAVAILABLE",
	[FASTIPC_RPC_DATA_LOSS] = "DATA_LOSS",
	[FASTIPC_RPC_UNAUTHENTICATED] = "UNAUTHENTICATED",
};

__public const char *fastipc_rpc_code_name(int code)
{
	if (code < 0 || code > FASTIPC_RPC_CODE_MAX)
		return "UNKNOWN_CODE";
	return code_names[code];
}

__public int fastipc_rpc_code_from_errno(int err)
{
	if (err < -4095 || err > 4095)		/* no errno (INT_MIN has no negation) */
		return FASTIPC_RPC_UNKNOWN;
	if (err < 0)
		err = -err;
	switch (err) {
	case 0:
		return FASTIPC_RPC_OK;
	case ETIMEDOUT:
		return FASTIPC_RPC_DEADLINE_EXCEEDED;
	case ECONNRESET:
	case EIDRM:
	case ESHUTDOWN:
	case ENOENT:
	case ECONNREFUSED:
	case EPIPE:
		return FASTIPC_RPC_UNAVAILABLE;
	case EACCES:
	case EPERM:
		return FASTIPC_RPC_PERMISSION_DENIED;
	case EINTR:
	case ECANCELED:
		return FASTIPC_RPC_CANCELLED;
	case ENOMEM:
	case ENOSPC:
	case EAGAIN:
	case ENOBUFS:
	case EDQUOT:
	case EMSGSIZE:
	case EOVERFLOW:
		return FASTIPC_RPC_RESOURCE_EXHAUSTED;
	case ENOSYS:
		return FASTIPC_RPC_UNIMPLEMENTED;
	case EINVAL:
		return FASTIPC_RPC_INVALID_ARGUMENT;
	case EBADMSG:
	case EPROTO:
		return FASTIPC_RPC_INTERNAL;
	default:
		return FASTIPC_RPC_UNKNOWN;
	}
}

__public char *fastipc_rpc_strerror(const struct fastipc_rpc_status *st,
				    char *buf, size_t len)
{
	char ebuf[128];
	const char *etext;

	if (!buf || !len)
		return buf;
	if (!st) {
		snprintf(buf, len, "(no status)");
		return buf;
	}
	if (!st->err) {
		snprintf(buf, len, "%s%s%.*s", fastipc_rpc_code_name(st->code),
			 st->message[0] ? ": " : "",
			 FASTIPC_RPC_MSG_MAX - 1, st->message);
		return buf;
	}
	/* GNU strerror_r: returns the text (maybe a static string). */
	etext = strerror_r(st->err, ebuf, sizeof(ebuf));
	if (!st->message[0])
		snprintf(buf, len, "%s: %s", fastipc_rpc_code_name(st->code),
			 etext);
	else
		snprintf(buf, len, "%s: %.*s (%s)",
			 fastipc_rpc_code_name(st->code),
			 FASTIPC_RPC_MSG_MAX - 1, st->message, etext);
	return buf;
}

int frpc_status_vset(struct fastipc_rpc_status *st, int code, int err,
		     const char *fmt, va_list ap)
{
	if (!st)
		return code;
	st->code = code;
	st->err = err < -4095 || err > 4095 ? 0 : err < 0 ? -err : err;
	if (fmt)
		vsnprintf(st->message, sizeof(st->message), fmt, ap);
	else
		st->message[0] = '\0';
	return code;
}

int frpc_status_set(struct fastipc_rpc_status *st, int code, int err,
		    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	frpc_status_vset(st, code, err, fmt, ap);
	va_end(ap);
	return code;
}
