// SPDX-License-Identifier: GPL-2.0
/*
 * call_raw_helper: an untyped fastipc-rpc server for call_tool_test.sh.
 * Usage: call_raw_helper CHANNEL DESCRIPTION-FILE
 * Reads a packed fastipc.rpc.Description (protoc --encode writes it),
 * creates CHANNEL (mode 0666), serves every method of it with
 * fastipc_rpc_server_add_raw() and answers each call with its request's
 * bytes (an echo: the method's output type must be its input type, or
 * one the bytes also parse as). Prints "ready" once it serves; SIGTERM
 * ends it. Exit 1 with the reason on stderr when it cannot serve.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fastipc.h>
#include <fastipc-rpc.h>

/* Largest description file read, in bytes. */
#define DESC_MAX	(1 << 20)

static void echo(struct fastipc_rpc_ctx *ctx, const uint8_t *req, size_t len,
		 void *data)
{
	(void)data;
	if (fastipc_rpc_ctx_reply_raw(ctx, req, len))
		fastipc_rpc_ctx_set_status(ctx, FASTIPC_RPC_INTERNAL,
					   "echo failed");
}

static Fastipc__Rpc__Description *read_desc(const char *path)
{
	static uint8_t buf[DESC_MAX];
	Fastipc__Rpc__Description *d;
	FILE *f = fopen(path, "rb");
	size_t len;

	if (!f) {
		fprintf(stderr, "call_raw_helper: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	len = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	d = fastipc__rpc__description__unpack(NULL, len, buf);
	if (!d)
		fprintf(stderr, "call_raw_helper: %s: not a packed Description\n",
			path);
	return d;
}

int main(int argc, char **argv)
{
	struct fastipc_rpc_server *srv = NULL;
	Fastipc__Rpc__Description *d;
	struct fastipc_dev *dev;
	int chan = -1, ret;

	if (argc != 3) {
		fprintf(stderr, "usage: call_raw_helper CHANNEL DESCRIPTION-FILE\n");
		return 2;
	}
	d = read_desc(argv[2]);
	if (!d)
		return 1;
	ret = fastipc_open(&dev);
	if (ret == 0)
		ret = chan = fastipc_chan_create(dev, argv[1], 0, 0666, NULL);
	if (ret >= 0)
		ret = fastipc_rpc_server_create(chan, 2, NULL, &srv);
	if (ret == 0)
		ret = fastipc_rpc_server_add_raw(srv, d, echo, NULL);
	fastipc__rpc__description__free_unpacked(d, NULL);
	if (ret) {
		fprintf(stderr, "call_raw_helper: %s: %s\n", argv[1],
			strerror(-ret));
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	ret = fastipc_rpc_server_run(srv);
	fprintf(stderr, "call_raw_helper: run: %s\n", strerror(-ret));
	return 1;
}
