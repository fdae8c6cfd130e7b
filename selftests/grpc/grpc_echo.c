// SPDX-License-Identifier: GPL-2.0
/*
 * grpc_echo: the fastipc end of grpc_gateway_test.sh, on libfastipc-rpc
 * and echo.proto (fastipc.test.Echo).
 *
 *   grpc_echo serve CHANNEL
 *	Create CHANNEL (mode 0666) and serve Echo on it: the reply carries
 *	the request's data, the call's metadata in the order sent
 *	(fastipc_rpc_ctx_md_at()) and the caller's pid, uid and gid as the
 *	kernel recorded them. A request with sleep_ms first prints
 *	"grpc_echo: sleeping N ms" on stdout, then waits that long, or
 *	until the call's deadline or SIGTERM if sooner. Prints
 *	"grpc_echo: serving CHANNEL" when ready; SIGTERM/SIGINT: exit 0.
 *
 *   grpc_echo call [-s SLEEP_MS] [-t DEADLINE_MS] [-n BYTES] CHANNEL
 *	Bind to CHANNEL with the compiled descriptor and call Echo once
 *	with BYTES bytes of a pattern (default 16); print what gw_client.py
 *	prints for the same call: "pid=" its own pid, "caller=PID UID GID",
 *	each metadata entry as "md KEY=VALUE", then "data LEN ok" when the
 *	reply's data is the request's ("mismatch" otherwise, status 1).
 *	A status other than OK: "grpc_echo: CODE: message" on stderr,
 *	status 1. Usage errors: status 2.
 */
#include <errno.h>
#include <fastipc-rpc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "echo.pb-c.h"

#define PROG		"grpc_echo"
#define ECHO_MAX	(64u << 20)	/* largest message either way */
#define SLICE_NS	10000000ULL	/* sleep in 10 ms steps */

static struct fastipc_rpc_server *srv;
static volatile sig_atomic_t stopping;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Wait @ms milliseconds, or until @deadline (CLOCK_MONOTONIC ns) or SIGTERM. */
static void echo_sleep(uint32_t ms, uint64_t deadline)
{
	uint64_t end = now_ns() + (uint64_t)ms * 1000000ULL;
	struct timespec slice = { 0, SLICE_NS };

	if (deadline < end)
		end = deadline;
	printf(PROG ": sleeping %u ms\n", ms);
	fflush(stdout);
	while (!stopping && now_ns() < end)
		nanosleep(&slice, NULL);
}

static void echo_echo(Fastipc__Test__Echo_Service *svc,
		      const Fastipc__Test__EchoRequest *req,
		      Fastipc__Test__EchoReply_Closure closure, void *data)
{
	struct fastipc_rpc_ctx *ctx = fastipc_rpc_ctx_of(data);
	const struct fastipc_msg_hdr *hdr = fastipc_rpc_ctx_hdr(ctx);
	Fastipc__Test__EchoReply rep = FASTIPC__TEST__ECHO_REPLY__INIT;
	Fastipc__Test__MdEntry ent[FASTIPC_RPC_MD_ENTRIES_MAX];
	Fastipc__Test__MdEntry *entp[FASTIPC_RPC_MD_ENTRIES_MAX];
	const char *key, *value;
	unsigned int i;

	(void)svc;
	if (req->sleep_ms)
		echo_sleep(req->sleep_ms, fastipc_rpc_ctx_deadline(ctx));
	for (i = 0; i < FASTIPC_RPC_MD_ENTRIES_MAX &&
	     fastipc_rpc_ctx_md_at(ctx, i, &key, &value) == 0; i++) {
		fastipc__test__md_entry__init(&ent[i]);
		ent[i].key = (char *)key;
		ent[i].value = (char *)value;
		entp[i] = &ent[i];
	}
	rep.n_md = i;
	rep.md = entp;
	rep.data = req->data;
	rep.caller_pid = hdr->pid;
	rep.caller_uid = hdr->uid;
	rep.caller_gid = hdr->gid;
	closure(&rep, data);
}

static Fastipc__Test__Echo_Service echo_service = FASTIPC__TEST__ECHO__INIT(echo_);

static void on_signal(int sig)
{
	(void)sig;
	stopping = 1;
	fastipc_rpc_server_stop(srv);	/* async-signal-safe */
}

static int serve(struct fastipc_dev *dev, const char *channel)
{
	struct fastipc_rpc_server_opts opts = { .max_message = ECHO_MAX };
	struct sigaction sa = { .sa_handler = on_signal };
	int chan, ret;

	ret = chan = fastipc_chan_create(dev, channel, 0, 0666, NULL);
	if (ret >= 0)
		ret = fastipc_rpc_server_create(chan, 4, &opts, &srv);
	if (ret == 0)
		ret = fastipc_rpc_server_add(srv, &echo_service.base);
	if (ret == 0 && (sigaction(SIGINT, &sa, NULL) || sigaction(SIGTERM, &sa, NULL)))
		ret = -errno;
	if (ret == 0) {
		printf(PROG ": serving %s\n", channel);
		fflush(stdout);
		ret = fastipc_rpc_server_run(srv);	/* 0 after a signal */
	}
	if (ret < 0)
		fprintf(stderr, PROG ": %s: %s\n", channel, strerror(-ret));
	fastipc_rpc_server_destroy(srv);
	if (chan >= 0)
		close(chan);
	return ret < 0;
}

/* Print the reply as gw_client.py does; 0 when its data is @data's. */
static int print_reply(const Fastipc__Test__EchoReply *rep,
		       const ProtobufCBinaryData *data)
{
	int same = rep->data.len == data->len &&
		   (!data->len || memcmp(rep->data.data, data->data, data->len) == 0);
	size_t i;

	printf("pid=%ld\n", (long)getpid());
	printf("caller=%u %u %u\n", rep->caller_pid, rep->caller_uid, rep->caller_gid);
	for (i = 0; i < rep->n_md; i++)
		printf("md %s=%s\n", rep->md[i]->key, rep->md[i]->value);
	printf("data %zu %s\n", rep->data.len, same ? "ok" : "mismatch");
	return same ? 0 : 1;
}

static int call(struct fastipc_dev *dev, const char *channel, uint32_t sleep_ms,
		uint64_t deadline_ms, size_t bytes)
{
	/* The default unless the message needs more: a channel (e.g. the
	 * import gateway's) may refuse a region sized for ECHO_MAX. */
	struct fastipc_rpc_bind_opts bo = {
		.max_message = bytes + 4096 > FASTIPC_RPC_MAX_MESSAGE_DEFAULT ?
			       bytes + 4096 : 0,
	};
	Fastipc__Test__EchoRequest req = FASTIPC__TEST__ECHO_REQUEST__INIT;
	struct fastipc_rpc_client *cl = NULL;
	ProtobufCMessage *rep = NULL;
	struct fastipc_rpc_status st;
	uint64_t deadline = deadline_ms ? deadline_ms * 1000000ULL : FASTIPC_TIMEOUT_INF;
	char buf[FASTIPC_RPC_MSG_MAX + 64];
	size_t i;
	int ret = 1;

	req.sleep_ms = sleep_ms;
	req.data.len = bytes;
	req.data.data = malloc(bytes ? bytes : 1);
	if (!req.data.data) {
		fprintf(stderr, PROG ": out of memory\n");
		return 1;
	}
	for (i = 0; i < bytes; i++)
		req.data.data[i] = (uint8_t)(i * 7 + 1);
	if (fastipc_rpc_bind(dev, channel, &fastipc__test__echo__descriptor, &bo,
			     &cl, &st) == FASTIPC_RPC_OK &&
	    fastipc_rpc_call(cl, "Echo", &req.base, &rep, deadline, &st) == FASTIPC_RPC_OK)
		ret = print_reply((Fastipc__Test__EchoReply *)rep, &req.data);
	else
		fprintf(stderr, PROG ": %s\n", fastipc_rpc_strerror(&st, buf, sizeof(buf)));
	fastipc_rpc_free(rep);
	fastipc_rpc_unbind(cl);
	free(req.data.data);
	return ret;
}

static int usage(void)
{
	fprintf(stderr, "usage: " PROG " serve CHANNEL | call [-s SLEEP_MS]"
		" [-t DEADLINE_MS] [-n BYTES] CHANNEL\n");
	return 2;
}

static int parse_ulong(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	errno = 0;
	*v = strtoul(s, &end, 0);
	return errno || end == s || *end || *v > max ? -1 : 0;
}

int main(int argc, char **argv)
{
	unsigned long sleep_ms = 0, deadline_ms = 0, bytes = 16;
	struct fastipc_dev *dev;
	int c, ret, is_call = argc > 1 && strcmp(argv[1], "call") == 0;

	if (argc < 3 || (!is_call && (strcmp(argv[1], "serve") || argc != 3)))
		return usage();
	optind = 2;
	while (is_call && (c = getopt(argc, argv, "s:t:n:")) != -1) {
		if ((c == 's' && !parse_ulong(optarg, UINT32_MAX, &sleep_ms)) ||
		    (c == 't' && !parse_ulong(optarg, UINT32_MAX, &deadline_ms)) ||
		    (c == 'n' && !parse_ulong(optarg, ECHO_MAX, &bytes)))
			continue;
		return usage();
	}
	if (is_call && optind != argc - 1)
		return usage();
	ret = fastipc_open(&dev);
	if (ret < 0) {
		fprintf(stderr, PROG ": /dev/fastipc: %s (module not loaded?)\n",
			strerror(-ret));
		return 1;
	}
	ret = is_call ? call(dev, argv[optind], (uint32_t)sleep_ms, deadline_ms, bytes)
		      : serve(dev, argv[2]);
	fastipc_close(dev);
	return ret;
}
