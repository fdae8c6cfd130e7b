// SPDX-License-Identifier: LGPL-2.1 OR MIT
/*
 * What happened to a call of fastipc_call2(), in one sentence: the size
 * limit hit and its value, and what to change; or the server's status.
 * Formatted into the caller's buffer: safe from any thread.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

static const char *const fipc_limit_names[] = {
	[FASTIPC_LIMIT_NONE] = "no limit",
	[FASTIPC_LIMIT_MSG_MAX] = "the channel's msg_max",
	[FASTIPC_LIMIT_SHM_MAX] = "the largest record of the connection's region",
	[FASTIPC_LIMIT_REP_CAP] = "the caller's rep_cap",
	[FASTIPC_LIMIT_REPLY_MAX] = "the largest reply the connection takes",
};

__public const char *fastipc_limit_name(unsigned int limit)
{
	if (limit >= ARRAY_SIZE(fipc_limit_names))
		return "an unknown limit";
	return fipc_limit_names[limit];
}

/* What to change when @limit was hit. */
static const char *fipc_limit_fix(unsigned int limit)
{
	switch (limit) {
	case FASTIPC_LIMIT_MSG_MAX:
		return "connect with fastipc_conn_opts.max_payload (a region) "
		       "or create the channel with a larger msg_max";
	case FASTIPC_LIMIT_SHM_MAX:
	case FASTIPC_LIMIT_REPLY_MAX:
		return "connect with a larger fastipc_conn_opts.max_payload";
	case FASTIPC_LIMIT_REP_CAP:
		return "call with a larger rep_cap or with FASTIPC_CALL_ALLOC";
	default:
		return "";
	}
}

static bool fipc_size_err(int err, const struct fastipc_call_args *args)
{
	return args && (err == -EMSGSIZE || err == -EOVERFLOW) &&
	       args->limit != FASTIPC_LIMIT_NONE &&
	       args->limit < ARRAY_SIZE(fipc_limit_names);
}

/* "request of N bytes is above <limit>, M bytes: <fix>" */
static void fipc_size_text(int err, const struct fastipc_call_args *args,
			   char *buf, size_t len)
{
	const char *what = err == -EMSGSIZE ? "request" : "reply";
	size_t n = err == -EMSGSIZE ? args->req_len : args->rep_len;
	char size[48] = "";

	if (n)
		snprintf(size, sizeof(size), " of %zu bytes", n);
	snprintf(buf, len, "%s%s is above %s, %" PRIu64 " bytes: %s", what,
		 size, fastipc_limit_name(args->limit), args->limit_bytes,
		 fipc_limit_fix(args->limit));
}

/*
 * A handler's status is its own errno, not one of the library's: the C
 * library's text ("No space left on device"), not fastipc_strerror()'s
 * ("Per-user limit reached ...").
 */
static void fipc_status_text(int32_t status, char *buf, size_t len)
{
	char text[128];
	const char *s = "Success";

	if (status == INT32_MIN)
		s = "Unknown error";
	else if (status)
		s = strerror_r(-status, text, sizeof(text));

	snprintf(buf, len, "server status %" PRId32 " (%s)", status, s);
}

__public char *fastipc_call_strerror(int err,
				     const struct fastipc_call_args *args,
				     char *buf, size_t len)
{
	if (!buf || !len)
		return buf;
	if (!err && args && args->status > 0)
		snprintf(buf, len, "server status %" PRId32, args->status);
	else if (!err && args)
		fipc_status_text(args->status, buf, len);
	else if (fipc_size_err(err, args))
		fipc_size_text(err, args, buf, len);
	else
		snprintf(buf, len, "%s", fastipc_strerror(err));
	return buf;
}
