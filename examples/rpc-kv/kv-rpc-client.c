// SPDX-License-Identifier: MIT
/*
 * kv-rpc-client: the command line of kv-rpc-server's store.
 *   get KEY                the value on stdout, byte for byte
 *   put KEY VALUE|-f FILE  store VALUE, or FILE's contents, under KEY
 *   add KEY VALUE|-f FILE  the same, only when KEY is not stored yet
 *   del KEY                delete KEY (only the user who stored it may)
 *   list [PREFIX [LIMIT]]  the keys that start with PREFIX, one a line
 * Exit status 0; 1 when the call failed ("CODE: message" on stderr); 2 for
 * a usage error.
 */
#include <errno.h>
#include <fastipc-rpc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kv.pb-c.h"

#define KV_CHANNEL	"example-kv-rpc"
#define KV_MESSAGE_MAX	((4u << 20) + 4096)	/* a 4 MiB value and its key */

/* All of @path into @v, malloc'd. Return: 0, or -1 with errno set. */
static int read_file(const char *path, ProtobufCBinaryData *v)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 0;
	uint8_t *data;
	int done;

	while (f && !feof(f) && !ferror(f)) {
		if (v->len == cap) {
			data = realloc(v->data, cap = 2 * cap + 65536);
			if (!data)
				break;
			v->data = data;
		}
		v->len += fread(v->data + v->len, 1, cap - v->len, f);
	}
	done = f && feof(f);
	if (f)
		fclose(f);
	return done ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct fastipc_rpc_bind_opts opts = {
		.max_message = KV_MESSAGE_MAX,
		.deadline_ns = 10000000000ull,	/* 10 s for the bind, and each call */
	};
	Kv__GetRequest get = KV__GET_REQUEST__INIT;
	Kv__PutRequest put = KV__PUT_REQUEST__INIT;
	Kv__DeleteRequest del = KV__DELETE_REQUEST__INIT;
	Kv__ListRequest list = KV__LIST_REQUEST__INIT;
	const char *cmd = argc > 1 ? argv[1] : "", *method;
	int is_put = strcmp(cmd, "put") == 0 || strcmp(cmd, "add") == 0;
	ProtobufCMessage *req, *rep = NULL;
	struct fastipc_rpc_client *cl = NULL;
	struct fastipc_rpc_status st;
	struct fastipc_dev *dev;
	char why[FASTIPC_RPC_MSG_MAX + 128];
	int ret;

	if (strcmp(cmd, "get") == 0 && argc == 3) {
		get.key = argv[2];
		method = "Get", req = &get.base;
	} else if (is_put && (argc == 4 || (argc == 5 && strcmp(argv[3], "-f") == 0))) {
		put.key = argv[2];
		put.if_absent = cmd[0] == 'a';
		if (argc == 4) {
			put.value.data = (uint8_t *)argv[3];
			put.value.len = strlen(argv[3]);
		} else if (read_file(argv[4], &put.value) < 0) {
			fprintf(stderr, "kv-rpc-client: %s: %s\n", argv[4], strerror(errno));
			return 1;
		}
		method = "Put", req = &put.base;
	} else if (strcmp(cmd, "del") == 0 && argc == 3) {
		del.key = argv[2];
		method = "Delete", req = &del.base;
	} else if (strcmp(cmd, "list") == 0 && argc <= 4) {
		if (argc > 2)
			list.prefix = argv[2];
		if (argc > 3)
			list.limit = strtoul(argv[3], NULL, 10);
		method = "List", req = &list.base;
	} else {
		fprintf(stderr, "usage: kv-rpc-client get KEY | put KEY VALUE|-f FILE"
			" | add KEY VALUE|-f FILE | del KEY | list [PREFIX [LIMIT]]\n");
		return 2;
	}

	ret = fastipc_open(&dev);
	if (ret < 0) {
		fprintf(stderr, "kv-rpc-client: /dev/fastipc: %s (module not loaded?)\n",
			strerror(-ret));
		return 1;
	}
	/* Connect, and check that the server serves kv.Kv as kv.proto says. */
	ret = fastipc_rpc_bind(dev, KV_CHANNEL, &kv__kv__descriptor, &opts, &cl, &st);
	if (ret == FASTIPC_RPC_OK)
		ret = fastipc_rpc_call(cl, method, req, &rep, FASTIPC_RPC_DEADLINE_BIND, &st);
	if (ret != FASTIPC_RPC_OK) {
		fprintf(stderr, "kv-rpc-client: %s\n", fastipc_rpc_strerror(&st, why, sizeof(why)));
	} else if (req == &get.base) {
		Kv__GetReply *r = (Kv__GetReply *)rep;

		fwrite(r->value.data, 1, r->value.len, stdout);
	} else if (req == &list.base) {
		Kv__ListReply *r = (Kv__ListReply *)rep;

		for (size_t i = 0; i < r->n_keys; i++)
			printf("%s\n", r->keys[i]);
		if (r->truncated)
			fprintf(stderr, "kv-rpc-client: more keys start with \"%s\"\n",
				list.prefix);
	}
	fastipc_rpc_free(rep);
	fastipc_rpc_unbind(cl);
	fastipc_close(dev);
	if (argc == 5)
		free(put.value.data);
	return ret != FASTIPC_RPC_OK;
}
