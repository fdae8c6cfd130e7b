// SPDX-License-Identifier: LGPL-2.1 OR MIT
/*
 * Untyped calls: a client bound without a compiled descriptor
 * (fastipc_rpc_bind_generic()), and fastipc_rpc_call_raw(), which looks a
 * method up by full name in what the server described at bind and sends
 * packed bytes as they are, with metadata behind an "RPC2" header when
 * the caller gives any. The request goes as a typed one does (frpc_send():
 * written once, into the ring above the threshold). The reply comes back
 * packed, in memory the caller frees; the library neither unpacks nor
 * re-encodes either side.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"

/* Request headers with metadata up to this many bytes go on the stack. */
#define FRPC_RAW_HEAD_STACK	512

const ProtobufCServiceDescriptor frpc_generic_desc = {
	.magic = PROTOBUF_C__SERVICE_DESCRIPTOR_MAGIC,
	.name = "(a generic client: use fastipc_rpc_call_raw)",
	.short_name = "generic",
	.c_name = "generic",
	.package = "",
};

__public int fastipc_rpc_bind_generic(struct fastipc_dev *dev,
				      const char *channel,
				      const struct fastipc_rpc_bind_opts *opts,
				      struct fastipc_rpc_client **clp,
				      struct fastipc_rpc_status *st)
{
	return frpc_bind_common(dev, channel, &frpc_generic_desc, opts, true,
				clp, st);
}

__public const Fastipc__Rpc__Description *
fastipc_rpc_client_description(const struct fastipc_rpc_client *cl)
{
	return cl ? cl->sdesc : NULL;
}

/* A method the server described, by "/pkg.Svc/M" or "pkg.Svc/M". */
struct raw_target {
	const char *svc;
	const Fastipc__Rpc__Method *m;
};

/* Look @name up in @d. Return: true with @t filled. */
static bool raw_lookup(const Fastipc__Rpc__Description *d, const char *name,
		       struct raw_target *t)
{
	const char *slash;
	size_t i, j, n;

	if (name[0] == '/')
		name++;
	slash = strrchr(name, '/');
	if (!d || !slash)
		return false;
	n = (size_t)(slash - name);
	for (i = 0; i < d->n_services; i++) {
		const Fastipc__Rpc__Service *s = d->services[i];

		if (!s->name || strlen(s->name) != n ||
		    strncmp(s->name, name, n))
			continue;
		for (j = 0; j < s->n_methods; j++) {
			if (s->methods[j]->name &&
			    !strcmp(s->methods[j]->name, slash + 1)) {
				t->svc = s->name;
				t->m = s->methods[j];
				return true;
			}
		}
	}
	return false;
}

static int raw_check_opts(const struct fastipc_rpc_call_opts *o,
			  size_t *md_len, struct fastipc_rpc_status *st)
{
	char why[256];
	size_t i;

	*md_len = 0;
	if (!o)
		return FASTIPC_RPC_OK;
	if (o->resv0)
		return frpc_status_set(st, FASTIPC_RPC_INVALID_ARGUMENT, EINVAL,
				       "fastipc_rpc_call_raw: opts->resv0 is not 0");
	for (i = 0; i < sizeof(o->resv) / sizeof(o->resv[0]); i++)
		if (o->resv[i])
			return frpc_status_set(st, FASTIPC_RPC_INVALID_ARGUMENT,
					       EINVAL,
					       "fastipc_rpc_call_raw: opts->resv[%zu] is not 0",
					       i);
	if (frpc_md_size(o->md, o->n_md, md_len, why, sizeof(why)))
		return frpc_status_set(st, FASTIPC_RPC_INVALID_ARGUMENT, EINVAL,
				       "fastipc_rpc_call_raw: %s", why);
	return FASTIPC_RPC_OK;
}

/*
 * Lay out the headers of a request in @buf: "RPC2" with the metadata and
 * their padding when there are any, else "RPC1". Return: their length.
 */
static size_t raw_head(uint8_t *buf, uint32_t hash, uint64_t deadline,
		       const struct fastipc_rpc_call_opts *o, size_t md_len)
{
	struct fastipc_rpc_req_hdr h = {
		.magic = md_len ? FASTIPC_RPC_REQ_MAGIC_MD :
			 FASTIPC_RPC_REQ_MAGIC,
		.method_hash = hash,
		.deadline_ns = deadline,
	};
	struct fastipc_rpc_md_hdr mh = { .md_len = (uint32_t)md_len };
	size_t off = FRPC_HDR_LEN;

	memcpy(buf, &h, sizeof(h));
	if (!md_len)
		return off;
	memcpy(buf + off, &mh, sizeof(mh));
	off += sizeof(mh);
	frpc_md_pack(o->md, o->n_md, buf + off);
	off += md_len;
	memset(buf + off, 0, frpc_md_offset(md_len) - off);
	return frpc_md_offset(md_len);
}

/* The OK reply of @a (@t's): its bytes into *@repp, which the caller frees. */
static int raw_take_reply(struct fastipc_rpc_client *cl,
			  const struct raw_target *t,
			  struct fastipc_call_args *a, void **repp,
			  size_t *rep_lenp, struct fastipc_rpc_status *st)
{
	if (a->rep_len > cl->max_message) {
		free(a->rep_alloc);
		return frpc_status_set(st, FASTIPC_RPC_RESOURCE_EXHAUSTED,
				       EMSGSIZE,
				       "reply of %zu bytes from /%s/%s on %s is above the client's max_message, %llu bytes (fastipc_rpc_bind_opts.max_message)",
				       a->rep_len, t->svc, t->m->name, cl->where,
				       (unsigned long long)cl->max_message);
	}
	if (a->rep_len && a->rep_data == a->rep_alloc) {
		*repp = a->rep_alloc;		/* handed over as it is */
	} else {
		*repp = malloc(a->rep_len ? a->rep_len : 1);
		if (*repp && a->rep_len)
			memcpy(*repp, a->rep_data, a->rep_len);
		free(a->rep_alloc);
	}
	if (!*repp)
		return frpc_status_set(st, FASTIPC_RPC_RESOURCE_EXHAUSTED,
				       ENOMEM,
				       "no memory for the reply of /%s/%s",
				       t->svc, t->m->name);
	*rep_lenp = a->rep_len;
	return frpc_status_ok(st);
}

/* Check @t as the server described it and the request's size. */
static int raw_check_target(struct fastipc_rpc_client *cl,
			    const struct raw_target *t, size_t req_len,
			    struct fastipc_rpc_status *st)
{
	const Fastipc__Rpc__Method *m = t->m;

	if (m->op < FASTIPC_RPC_OP_BASE ||
	    m->op - FASTIPC_RPC_OP_BASE >= FASTIPC_RPC_METHODS_MAX)
		return frpc_status_set(st, FASTIPC_RPC_INTERNAL, 0,
				       "%s gave /%s/%s the op 0x%08x, outside the RPC range",
				       cl->where, t->svc, m->name, m->op);
	if (!m->input_type || !m->output_type)
		return frpc_status_set(st, FASTIPC_RPC_INTERNAL, 0,
				       "%s described /%s/%s without message types",
				       cl->where, t->svc, m->name);
	if (req_len > cl->max_message)
		return frpc_status_set(st, FASTIPC_RPC_RESOURCE_EXHAUSTED,
				       EMSGSIZE,
				       "request of %zu bytes to /%s/%s on %s is above the client's max_message, %llu bytes (fastipc_rpc_bind_opts.max_message)",
				       req_len, t->svc, m->name, cl->where,
				       (unsigned long long)cl->max_message);
	return FASTIPC_RPC_OK;
}

/* The method's signature hash: as the server described it, else computed. */
static uint32_t raw_hash(const struct raw_target *t)
{
	const Fastipc__Rpc__Method *m = t->m;

	return m->hash ? m->hash :
	       fastipc_rpc_hash_names(t->svc, m->name, m->input_type,
				      m->output_type);
}

__public int fastipc_rpc_call_raw(struct fastipc_rpc_client *cl,
				  const char *method, const void *req,
				  size_t req_len,
				  const struct fastipc_rpc_call_opts *opts,
				  void **repp, size_t *rep_lenp,
				  struct fastipc_rpc_status *st)
{
	uint8_t hbuf[FRPC_RAW_HEAD_STACK] __attribute__((aligned(8)));
	struct fastipc_call_args a;
	struct frpc_out o = { .bytes = req, .len = req_len };
	struct raw_target t;
	uint8_t *head = hbuf;
	size_t md_len;
	int code;

	if (repp)
		*repp = NULL;
	if (rep_lenp)
		*rep_lenp = 0;
	if (!cl || !method || !repp || !rep_lenp || (req_len && !req))
		return frpc_status_set(st, FASTIPC_RPC_INVALID_ARGUMENT, EINVAL,
				       "fastipc_rpc_call_raw: NULL %s",
				       !cl ? "client" : !method ? "method" :
				       !repp ? "repp" : !rep_lenp ? "rep_lenp" :
				       "req with a non-zero req_len");
	code = raw_check_opts(opts, &md_len, st);
	if (code)
		return code;
	if (!raw_lookup(cl->sdesc, method, &t))
		return frpc_status_set(st, FASTIPC_RPC_UNIMPLEMENTED, 0,
				       "%s does not serve '%s' (not in what it described at bind)",
				       cl->where, method);
	code = raw_check_target(cl, &t, req_len, st);
	if (code)
		return code;
	if (md_len && frpc_md_offset(md_len) > sizeof(hbuf)) {
		head = malloc(frpc_md_offset(md_len));
		if (!head)
			return frpc_status_set(st,
					       FASTIPC_RPC_RESOURCE_EXHAUSTED,
					       ENOMEM,
					       "no memory for the metadata of a request to /%s/%s",
					       t.svc, t.m->name);
	}
	o.timeout = opts && opts->deadline_ns ? opts->deadline_ns :
		    cl->deadline_ns;
	o.head = head;
	o.head_len = raw_head(head, raw_hash(&t), o.timeout, opts, md_len);
	o.op = t.m->op;
	o.svc = t.svc;
	o.method = t.m->name;
	code = frpc_send(cl, &o, &a, st);
	if (head != hbuf)
		free(head);
	if (code)
		return code;
	return raw_take_reply(cl, &t, &a, repp, rep_lenp, st);
}
