// SPDX-License-Identifier: MIT
/*
 * kv-client: "kv-client put KEY VALUE" stores VALUE under KEY in
 * kv-server; "kv-client get KEY" prints it.
 */
#include <errno.h>
#include <fastipc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kv.h"

int main(int argc, char **argv)
{
	int get = argc == 3 && strcmp(argv[1], "get") == 0;
	/* The largest payload this client sends or takes, in bytes. */
	struct fastipc_conn_opts opts = { .max_payload = KV_REQ_MAX };
	struct fastipc_call_args call = { .timeout_ns = 5000000000ull };
	char req[KV_REQ_MAX], rep[64], why[256];
	size_t klen, vlen;
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
	ret = fastipc_connect_opts(dev, KV_CHANNEL, 0, &opts, &conn);
	if (ret < 0) {
		fprintf(stderr, "kv-client: channel %s: %s (kv-server not running?)\n",
			KV_CHANNEL, strerror(-ret));
		fastipc_close(dev);
		return 1;
	}
	/*
	 * A value of any size comes back in one call: in rep when it fits,
	 * else in memory the library allocates (call.rep_alloc, freed below).
	 * The return value is the call's own error; the server's answer
	 * (0, -ENOENT, ...) is call.status.
	 */
	call.op = get ? KV_GET : KV_PUT;
	call.flags = FASTIPC_CALL_ALLOC;
	call.req = req;
	call.req_len = get ? klen : klen + 1 + vlen;
	call.rep = rep;
	call.rep_cap = sizeof(rep);
	ret = fastipc_call2(conn, &call, sizeof(call));
	if (ret == 0 && call.status == -ENOENT)
		fprintf(stderr, "kv-client: %s: no such key\n", argv[2]);
	else if (ret < 0 || call.status < 0)
		fprintf(stderr, "kv-client: %s %s: %s\n", argv[1], argv[2],
			fastipc_call_strerror(ret, &call, why, sizeof(why)));
	else if (get)
		printf("%.*s\n", (int)call.rep_len, (char *)call.rep_data);
	free(call.rep_alloc);
	fastipc_disconnect(conn);
	fastipc_close(dev);
	return ret < 0 || call.status < 0;
}
