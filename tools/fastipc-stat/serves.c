// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc-stat -c NAME --rpc: what the channel's server serves, asked with
 * fastipc-rpc's describe call (fastipc_rpc_describe()). Unlike the rest of
 * fastipc-stat, which only reads generic netlink, this connects to the
 * channel (the connect and the describe call show in its counters, and
 * need its w permission), so it is asked for by name.
 */
#include <inttypes.h>
#include <stdio.h>

#include <fastipc-rpc.h>

#include "json.h"
#include "serves.h"

/* How long the server may take to answer, in nanoseconds. */
#define FS_SERVES_TIMEOUT_NS	2000000000ULL

int fs_serves_get(const char *name, uint64_t key, struct fs_serves *s)
{
	struct fastipc_conn *conn = NULL;
	struct fastipc_dev *dev = NULL;
	int ret;

	s->desc = NULL;
	ret = fastipc_open(&dev);
	if (!ret)
		ret = name ? fastipc_connect(dev, name, &conn) :
			     fastipc_connect_key(dev, key, &conn);
	if (ret < 0) {
		s->st.code = fastipc_rpc_code_from_errno(ret);
		s->st.err = -ret;
		snprintf(s->st.message, sizeof(s->st.message), "%s: %s",
			 dev ? "connect" : "open /dev/fastipc",
			 fastipc_strerror(ret));
	} else {
		fastipc_rpc_describe(conn, FS_SERVES_TIMEOUT_NS, &s->desc,
				     &s->st);
	}
	fastipc_disconnect(conn);
	fastipc_close(dev);
	return s->st.code == FASTIPC_RPC_OK ? 0 : -1;
}

void fs_serves_free(struct fs_serves *s)
{
	if (s->desc)
		fastipc_rpc_free(&s->desc->base);
	s->desc = NULL;
}

void fs_serves_text(const struct fs_serves *s)
{
	const Fastipc__Rpc__Description *d = s->desc;
	char buf[FASTIPC_RPC_MSG_MAX + 64];
	size_t i, k;

	if (!d) {
		printf("serves: unknown (%s)\n",
		       fastipc_rpc_strerror(&s->st, buf, sizeof(buf)));
		return;
	}
	printf("serves (fastipc-rpc, wire version %" PRIu32 "):\n",
	       d->version);
	for (i = 0; i < d->n_services; i++) {
		const Fastipc__Rpc__Service *sv = d->services[i];

		printf("  %s\n", sv->name);
		for (k = 0; k < sv->n_methods; k++) {
			const Fastipc__Rpc__Method *m = sv->methods[k];

			printf("    %-20s op 0x%08" PRIx32 "  %s -> %s\n",
			       m->name, m->op, m->input_type, m->output_type);
		}
	}
}

void fs_serves_json(struct fs_json *j, const struct fs_serves *s)
{
	const Fastipc__Rpc__Description *d = s->desc;
	size_t i, k;

	fs_json_obj(j, "rpc");
	fs_json_str(j, "status", fastipc_rpc_code_name(s->st.code));
	if (!d) {
		fs_json_str(j, "message", s->st.message);
		fs_json_end_obj(j);
		return;
	}
	fs_json_u64(j, "version", d->version);
	fs_json_arr(j, "services");
	for (i = 0; i < d->n_services; i++) {
		const Fastipc__Rpc__Service *sv = d->services[i];

		fs_json_obj(j, NULL);
		fs_json_str(j, "name", sv->name);
		fs_json_arr(j, "methods");
		for (k = 0; k < sv->n_methods; k++) {
			const Fastipc__Rpc__Method *m = sv->methods[k];

			fs_json_obj(j, NULL);
			fs_json_str(j, "name", m->name);
			fs_json_u64(j, "op", m->op);
			fs_json_str(j, "input_type", m->input_type);
			fs_json_str(j, "output_type", m->output_type);
			fs_json_end_obj(j);
		}
		fs_json_end_arr(j);
		fs_json_end_obj(j);
	}
	fs_json_end_arr(j);
	fs_json_end_obj(j);
}
