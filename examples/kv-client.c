// SPDX-License-Identifier: MIT
/*
 * kv-client: "kv-client put KEY VALUE" stores VALUE under KEY in
 * kv-server; "kv-client get KEY" prints it.
 */
#include <errno.h>
#include <fastipc.h>
#include <stdio.h>
#include <string.h>
#include "kv.h"

int main(int argc, char **argv)
{
	int get = argc == 3 && strcmp(argv[1], "get") == 0;
	char req[KV_REQ_MAX], rep[KV_VAL_MAX];
	size_t klen, vlen, req_len, rep_len = 0;
	struct fastipc_conn *conn;
	struct fastipc_dev *dev;
	int ret;

	if (!get && !(argc == 4 && strcmp(argv[1], "put") == 0)) {
		fprintf(stderr, "usage: kv-client get KEY | put KEY VALUE\n");
		return 2;
	}
	klen = strlen(argv[2]);
	vlen = get ? 0 : strlen(argv[3]);
	if (klen == 0 || klen > KV_KEY_MAX || vlen > KV_VAL_MAX) {
		fprintf(stderr, "kv-client: keys have 1 to %d bytes, values up to %d\n",
			KV_KEY_MAX, KV_VAL_MAX);
		return 2;
	}
	req_len = get ? klen : klen + 1 + vlen;
	memcpy(req, argv[2], klen);
	if (!get) {
		req[klen] = '\0';
		memcpy(req + klen + 1, argv[3], vlen);
	}

	ret = fastipc_open(&dev);
	if (ret < 0) {
		fprintf(stderr, "kv-client: /dev/fastipc: %s (module not loaded?)\n",
			strerror(-ret));
		return 1;
	}
	ret = fastipc_connect(dev, KV_CHANNEL, &conn);
	if (ret < 0) {
		fprintf(stderr, "kv-client: channel %s: %s (kv-server not running?)\n",
			KV_CHANNEL, strerror(-ret));
		fastipc_close(dev);
		return 1;
	}
	/* The server's status (0, -ENOENT, ...) or an error of the call. */
	ret = fastipc_call(conn, get ? KV_GET : KV_PUT, req, req_len,
			   rep, sizeof(rep), &rep_len, 5000000000ull);
	if (ret == 0 && get)
		printf("%.*s\n", (int)rep_len, rep);
	else if (ret == -ENOENT)
		fprintf(stderr, "kv-client: %s: no such key\n", argv[2]);
	else if (ret < 0)
		fprintf(stderr, "kv-client: %s %s: %s\n", argv[1], argv[2],
			strerror(-ret));
	fastipc_disconnect(conn);
	fastipc_close(dev);
	return ret < 0;
}
