// SPDX-License-Identifier: GPL-2.0
/*
 * Description: libfastipc-rpc's status model without a kernel: every
 * code's gRPC name (and "UNKNOWN_CODE" outside 0..16), the code of every
 * transport errno fastipc-rpc.h lists (negative and positive alike,
 * unknown ones UNKNOWN), fastipc_rpc_strerror()'s "CODE: message (errno
 * text)" lines and their truncation to the caller's buffer,
 * frpc_status_set()'s truncation at FASTIPC_RPC_MSG_MAX, and
 * fastipc_rpc_hash() of known signatures against values computed
 * independently.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rpc-int.h"

static int failures;

#define check(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__,	\
			__LINE__, #cond);				\
		failures++;						\
	}								\
} while (0)

static void test_code_names(void)
{
	static const char *const names[] = {
		"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT",
		"DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
		"PERMISSION_DENIED", "RESOURCE_EXHAUSTED",
		"FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
		"UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS",
		"UNAUTHENTICATED",
	};
	int i;

	check(sizeof(names) / sizeof(names[0]) == FASTIPC_RPC_CODE_MAX + 1);
	for (i = 0; i <= FASTIPC_RPC_CODE_MAX; i++)
		if (strcmp(fastipc_rpc_code_name(i), names[i])) {
			fprintf(stderr, "code %d: \"%s\", want \"%s\"\n", i,
				fastipc_rpc_code_name(i), names[i]);
			failures++;
		}
	check(!strcmp(fastipc_rpc_code_name(-1), "UNKNOWN_CODE"));
	check(!strcmp(fastipc_rpc_code_name(17), "UNKNOWN_CODE"));
	check(!strcmp(fastipc_rpc_code_name(1 << 30), "UNKNOWN_CODE"));
	check(fastipc_rpc_code_name(FASTIPC_RPC_UNAVAILABLE) ==
	      fastipc_rpc_code_name(FASTIPC_RPC_UNAVAILABLE));
}

static const struct {
	int err;
	int code;
} errno_map[] = {
	{ 0, FASTIPC_RPC_OK },
	{ ETIMEDOUT, FASTIPC_RPC_DEADLINE_EXCEEDED },
	{ ECONNRESET, FASTIPC_RPC_UNAVAILABLE },
	{ EIDRM, FASTIPC_RPC_UNAVAILABLE },
	{ ESHUTDOWN, FASTIPC_RPC_UNAVAILABLE },
	{ ENOENT, FASTIPC_RPC_UNAVAILABLE },
	{ ECONNREFUSED, FASTIPC_RPC_UNAVAILABLE },
	{ EPIPE, FASTIPC_RPC_UNAVAILABLE },
	{ EACCES, FASTIPC_RPC_PERMISSION_DENIED },
	{ EPERM, FASTIPC_RPC_PERMISSION_DENIED },
	{ EINTR, FASTIPC_RPC_CANCELLED },
	{ ECANCELED, FASTIPC_RPC_CANCELLED },
	{ ENOMEM, FASTIPC_RPC_RESOURCE_EXHAUSTED },
	{ ENOSPC, FASTIPC_RPC_RESOURCE_EXHAUSTED },
	{ EAGAIN, FASTIPC_RPC_RESOURCE_EXHAUSTED },
	{ ENOBUFS, FASTIPC_RPC_RESOURCE_EXHAUSTED },
	{ EDQUOT, FASTIPC_RPC_RESOURCE_EXHAUSTED },
	{ EMSGSIZE, FASTIPC_RPC_RESOURCE_EXHAUSTED },
	{ EOVERFLOW, FASTIPC_RPC_RESOURCE_EXHAUSTED },
	{ ENOSYS, FASTIPC_RPC_UNIMPLEMENTED },
	{ EINVAL, FASTIPC_RPC_INVALID_ARGUMENT },
	{ EBADMSG, FASTIPC_RPC_INTERNAL },
	{ EPROTO, FASTIPC_RPC_INTERNAL },
	/* Not listed: UNKNOWN. */
	{ EFAULT, FASTIPC_RPC_UNKNOWN },
	{ ENOTTY, FASTIPC_RPC_UNKNOWN },
	{ EMFILE, FASTIPC_RPC_UNKNOWN },
	{ 4095, FASTIPC_RPC_UNKNOWN },
};

static void test_errno_map(void)
{
	size_t i;
	int e, pos, neg;

	for (i = 0; i < sizeof(errno_map) / sizeof(errno_map[0]); i++) {
		e = errno_map[i].err;
		pos = fastipc_rpc_code_from_errno(e);
		neg = fastipc_rpc_code_from_errno(-e);
		if (pos != errno_map[i].code || neg != errno_map[i].code) {
			fprintf(stderr, "errno %d: %s / %s, want %s\n", e,
				fastipc_rpc_code_name(pos),
				fastipc_rpc_code_name(neg),
				fastipc_rpc_code_name(errno_map[i].code));
			failures++;
		}
	}
}

static void test_strerror(void)
{
	struct fastipc_rpc_status st;
	char buf[1024], small[12], want[256];

	check(frpc_status_set(&st, FASTIPC_RPC_OK, 0, NULL) == 0);
	check(!strcmp(fastipc_rpc_strerror(&st, buf, sizeof(buf)), "OK"));

	check(frpc_status_set(&st, FASTIPC_RPC_NOT_FOUND, 0, "key %s", "k1") ==
	      FASTIPC_RPC_NOT_FOUND);
	check(st.code == FASTIPC_RPC_NOT_FOUND && st.err == 0);
	check(fastipc_rpc_strerror(&st, buf, sizeof(buf)) == buf);
	check(!strcmp(buf, "NOT_FOUND: key k1"));

	/* A negative errno is kept positive; its text follows in (). */
	frpc_status_set(&st, FASTIPC_RPC_UNAVAILABLE, -ECONNRESET,
			"/a.B/C on channel 'x': the server closed the channel");
	check(st.err == ECONNRESET);
	snprintf(want, sizeof(want),
		 "UNAVAILABLE: /a.B/C on channel 'x': the server closed the channel (%s)",
		 strerror(ECONNRESET));
	check(!strcmp(fastipc_rpc_strerror(&st, buf, sizeof(buf)), want));

	/* An errno without a message: "CODE: errno text". */
	frpc_status_set(&st, FASTIPC_RPC_DEADLINE_EXCEEDED, ETIMEDOUT, NULL);
	snprintf(want, sizeof(want), "DEADLINE_EXCEEDED: %s",
		 strerror(ETIMEDOUT));
	check(!strcmp(fastipc_rpc_strerror(&st, buf, sizeof(buf)), want));

	/* Truncated to the buffer, NUL-terminated. */
	frpc_status_set(&st, FASTIPC_RPC_INVALID_ARGUMENT, 0, "bad key");
	memset(small, 'x', sizeof(small));
	check(fastipc_rpc_strerror(&st, small, sizeof(small)) == small);
	check(strlen(small) == sizeof(small) - 1);
	check(!strncmp(small, "INVALID_ARGUMENT", sizeof(small) - 1));

	/* A code outside the range still prints. */
	st.code = 99;
	st.err = 0;
	strcpy(st.message, "m");
	check(!strcmp(fastipc_rpc_strerror(&st, buf, sizeof(buf)),
		      "UNKNOWN_CODE: m"));
	/* NULL status: a line anyway; NULL status to set: the code back. */
	check(fastipc_rpc_strerror(NULL, buf, sizeof(buf)) == buf && buf[0]);
	check(frpc_status_set(NULL, FASTIPC_RPC_ABORTED, 0, "x") ==
	      FASTIPC_RPC_ABORTED);
}

static void test_truncation(void)
{
	struct fastipc_rpc_status st;
	char *big = malloc(4 * FASTIPC_RPC_MSG_MAX);
	size_t i;

	check(big != NULL);
	if (!big)
		return;
	for (i = 0; i < 4 * FASTIPC_RPC_MSG_MAX - 1; i++)
		big[i] = (char)('a' + i % 26);
	big[4 * FASTIPC_RPC_MSG_MAX - 1] = '\0';
	memset(&st, 0x55, sizeof(st));
	frpc_status_set(&st, FASTIPC_RPC_INTERNAL, 0, "%s", big);
	check(strlen(st.message) == FASTIPC_RPC_MSG_MAX - 1);
	check(!strncmp(st.message, big, FASTIPC_RPC_MSG_MAX - 1));
	/* Exactly MSG_MAX - 1 bytes fit whole. */
	big[FASTIPC_RPC_MSG_MAX - 1] = '\0';
	frpc_status_set(&st, FASTIPC_RPC_INTERNAL, 0, "%s", big);
	check(!strcmp(st.message, big));
	free(big);
}

static const ProtobufCMessageDescriptor req_desc = {
	.magic = PROTOBUF_C__MESSAGE_DESCRIPTOR_MAGIC, .name = "demo.Req",
};
static const ProtobufCMessageDescriptor resp_desc = {
	.magic = PROTOBUF_C__MESSAGE_DESCRIPTOR_MAGIC, .name = "demo.Resp",
};
static const ProtobufCMessageDescriptor get_req_desc = {
	.magic = PROTOBUF_C__MESSAGE_DESCRIPTOR_MAGIC,
	.name = "fastipc.test.GetRequest",
};
static const ProtobufCMessageDescriptor get_rep_desc = {
	.magic = PROTOBUF_C__MESSAGE_DESCRIPTOR_MAGIC,
	.name = "fastipc.test.GetReply",
};

static void test_hash(void)
{
	const ProtobufCMethodDescriptor add = { "Add", &req_desc, &resp_desc };
	const ProtobufCMethodDescriptor get = {
		"Get", &get_req_desc, &get_rep_desc,
	};
	const ProtobufCMethodDescriptor swapped = {
		"Add", &resp_desc, &req_desc,
	};

	/*
	 * FNV-1a 32 of the signatures, computed with:
	 * python3 -c 'h=2166136261
	 * for b in b"/demo.Calc/Add demo.Req demo.Resp":
	 *     h=((h^b)*16777619)&0xffffffff
	 * print(hex(h))'
	 * (and the same for the second string).
	 */
	check(fastipc_rpc_hash("demo.Calc", &add) == 0xfbf6550cU);
	check(fastipc_rpc_hash("fastipc.test.Kv", &get) == 0x6018b269U);
	/* Swapped types, another service: another hash. */
	check(fastipc_rpc_hash("demo.Calc", &swapped) != 0xfbf6550cU);
	check(fastipc_rpc_hash("demo.Calc2", &add) != 0xfbf6550cU);
}

int main(void)
{
	test_code_names();
	test_errno_map();
	test_strerror();
	test_truncation();
	test_hash();
	if (failures) {
		fprintf(stderr, "status_test: %d checks failed\n", failures);
		return 1;
	}
	printf("status_test: all checks passed\n");
	return 0;
}
