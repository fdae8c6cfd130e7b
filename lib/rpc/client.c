// SPDX-License-Identifier: LGPL-2.1 OR MIT
/*
 * Binding a client: connect to the channel (with a region sized for the
 * largest message), ask the server what it serves (the describe call),
 * and map each method of the client's service descriptor to the server's
 * op by full name, after checking its message types. A method the server
 * lacks, or serves with other types, keeps the status its calls will get.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client.h"

static uint64_t frpc_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* What is left of @deadline_ns (relative to @start), 1 ns at least. */
static uint64_t frpc_time_left(uint64_t start, uint64_t deadline_ns)
{
	uint64_t spent;

	if (deadline_ns == FASTIPC_TIMEOUT_INF)
		return deadline_ns;
	spent = frpc_now_ns() - start;
	return spent < deadline_ns ? deadline_ns - spent : 1;
}

/* The describe call with @where naming the channel in messages. */
static int frpc_describe(struct fastipc_conn *conn, uint64_t timeout_ns,
			 const char *where, Fastipc__Rpc__Description **descp,
			 struct fastipc_rpc_status *st)
{
	static const uint8_t empty[1];
	struct fastipc_call_args a = {
		.op = FASTIPC_RPC_OP_DESCRIBE,
		.flags = FASTIPC_CALL_ALLOC,
		.timeout_ns = timeout_ns,
	};
	ProtobufCMessage *msg;
	int ret, err = 0;

	ret = fastipc_call2(conn, &a, sizeof(a));
	if (ret < 0)
		return frpc_call_error(st, ret, &a, NULL, NULL, where);
	if (a.status) {
		ret = frpc_reply_status(st, a.status, a.rep_data, a.rep_len,
					NULL, NULL, where);
		free(a.rep_alloc);
		return ret;
	}
	msg = frpc_unpack(&fastipc__rpc__description__descriptor,
			  a.rep_data ? a.rep_data : empty, a.rep_len,
			  FRPC_CLIENT_DEPTH, &err);
	free(a.rep_alloc);
	if (!msg)
		return frpc_status_set(st, err == -ENOMEM ?
				       FASTIPC_RPC_RESOURCE_EXHAUSTED :
				       FASTIPC_RPC_INTERNAL, -err,
				       "the description from %s (%zu bytes) does not unpack",
				       where, a.rep_len);
	*descp = (Fastipc__Rpc__Description *)msg;
	return frpc_status_ok(st);
}

__public int fastipc_rpc_describe(struct fastipc_conn *conn,
				  uint64_t timeout_ns,
				  Fastipc__Rpc__Description **descp,
				  struct fastipc_rpc_status *st)
{
	char where[64];

	if (!conn || !descp)
		return frpc_status_set(st, FASTIPC_RPC_INVALID_ARGUMENT, EINVAL,
				       "fastipc_rpc_describe: NULL %s",
				       conn ? "descp" : "conn");
	*descp = NULL;
	snprintf(where, sizeof(where), "connection %llu",
		 (unsigned long long)fastipc_conn_id(conn));
	return frpc_describe(conn, timeout_ns, where, descp, st);
}

static int frpc_bind_args(struct fastipc_dev *dev, const char *channel,
			  const ProtobufCServiceDescriptor *desc,
			  const struct fastipc_rpc_bind_opts *o,
			  struct fastipc_rpc_client **clp,
			  struct fastipc_rpc_status *st)
{
	unsigned int i;

	if (!dev || !clp || !desc)
		return frpc_status_set(st, FASTIPC_RPC_INVALID_ARGUMENT, EINVAL,
				       "fastipc_rpc_bind: NULL %s",
				       !dev ? "dev" : !clp ? "clp" : "desc");
	if (desc->magic != PROTOBUF_C__SERVICE_DESCRIPTOR_MAGIC)
		return frpc_status_set(st, FASTIPC_RPC_INVALID_ARGUMENT, EINVAL,
				       "fastipc_rpc_bind: desc is not a protobuf-c service descriptor (magic 0x%08x)",
				       desc->magic);
	for (i = 0; o && i < sizeof(o->resv) / sizeof(o->resv[0]); i++)
		if (o->resv[i])
			return frpc_status_set(st, FASTIPC_RPC_INVALID_ARGUMENT,
					       EINVAL,
					       "fastipc_rpc_bind: opts->resv[%u] is not 0",
					       i);
	if (!channel && (!o || !o->key))
		return frpc_status_set(st, FASTIPC_RPC_INVALID_ARGUMENT, EINVAL,
				       "fastipc_rpc_bind: no channel name and no opts->key");
	if (o && o->max_message > (1ULL << 40))
		return frpc_status_set(st, FASTIPC_RPC_INVALID_ARGUMENT, EINVAL,
				       "fastipc_rpc_bind: max_message %llu is beyond any region",
				       (unsigned long long)o->max_message);
	return FASTIPC_RPC_OK;
}

static int frpc_connect(struct fastipc_rpc_client *cl, struct fastipc_dev *dev,
			const char *channel, uint64_t key,
			struct fastipc_rpc_status *st)
{
	struct fastipc_conn_opts co = {
		.max_payload = cl->max_message + FRPC_HDR_LEN,
	};
	struct fastipc_conn_info info = { 0 };
	int ret, code;

	/* a generic client's raw calls may carry metadata, with padding */
	if (cl->desc == &frpc_generic_desc)
		co.max_payload = cl->max_message +
				 frpc_md_offset(FASTIPC_RPC_MD_MAX);
	ret = fastipc_connect_opts(dev, channel, channel ? 0 : key, &co,
				   &cl->conn);
	if (ret < 0) {
		code = fastipc_rpc_code_from_errno(ret);
		if (ret == -EMFILE || ret == -ENFILE)
			code = FASTIPC_RPC_RESOURCE_EXHAUSTED;
		if (ret == -EINVAL)
			return frpc_status_set(st, code, -ret,
					       "cannot connect to %s with a region for messages of %llu bytes (max_message)",
					       cl->where,
					       (unsigned long long)cl->max_message);
		return frpc_status_set(st, code, -ret, "cannot connect to %s",
				       cl->where);
	}
	fastipc_conn_info(cl->conn, &info, sizeof(info));
	cl->msg_max = info.msg_max;
	cl->threshold = info.threshold;
	cl->shm_max = info.shm_max;
	return FASTIPC_RPC_OK;
}

static const Fastipc__Rpc__Service *
frpc_find_service(const Fastipc__Rpc__Description *d, const char *name)
{
	size_t i;

	for (i = 0; i < d->n_services; i++)
		if (d->services[i] && d->services[i]->name &&
		    !strcmp(d->services[i]->name, name))
			return d->services[i];
	return NULL;
}

static const Fastipc__Rpc__Method *
frpc_find_method(const Fastipc__Rpc__Service *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->n_methods; i++)
		if (s->methods[i] && s->methods[i]->name &&
		    !strcmp(s->methods[i]->name, name))
			return s->methods[i];
	return NULL;
}

static const char *frpc_str(const char *s)
{
	return s ? s : "";
}

/* Fill @b for method @m of @cl from what the server serves (@sm or NULL). */
static int frpc_bind_method(struct fastipc_rpc_client *cl,
			    const ProtobufCMethodDescriptor *m,
			    const Fastipc__Rpc__Method *sm,
			    struct frpc_binding *b)
{
	const char *svc = cl->desc->name;
	int n = 0;

	b->hash = fastipc_rpc_hash(svc, m);
	b->code = FASTIPC_RPC_OK;
	if (!sm) {
		b->code = FASTIPC_RPC_UNIMPLEMENTED;
		n = asprintf(&b->message,
			     "%s does not serve /%s/%s (%s -> %s): the server's %s has no such method",
			     cl->where, svc, m->name, m->input->name,
			     m->output->name, svc);
	} else if (strcmp(frpc_str(sm->input_type), m->input->name) ||
		   strcmp(frpc_str(sm->output_type), m->output->name)) {
		b->code = FASTIPC_RPC_FAILED_PRECONDITION;
		n = asprintf(&b->message,
			     "/%s/%s on %s takes %s and returns %s, the client's takes %s and returns %s",
			     svc, m->name, cl->where, frpc_str(sm->input_type),
			     frpc_str(sm->output_type), m->input->name,
			     m->output->name);
	} else if (sm->hash && sm->hash != b->hash) {
		b->code = FASTIPC_RPC_FAILED_PRECONDITION;
		n = asprintf(&b->message,
			     "/%s/%s on %s: the server's signature hash 0x%08x is not the client's 0x%08x",
			     svc, m->name, cl->where, sm->hash, b->hash);
	} else if (sm->op < FASTIPC_RPC_OP_BASE ||
		   sm->op - FASTIPC_RPC_OP_BASE >= FASTIPC_RPC_METHODS_MAX) {
		b->code = FASTIPC_RPC_INTERNAL;
		n = asprintf(&b->message,
			     "%s gave /%s/%s the op 0x%08x, outside the RPC range",
			     cl->where, svc, m->name, sm->op);
	} else {
		b->op = sm->op;
	}
	if (n < 0) {
		b->message = NULL;
		return -ENOMEM;
	}
	return 0;
}

/* "a.B, c.D" (the services @d serves) into @buf, for a bind's message. */
static void frpc_served(const Fastipc__Rpc__Description *d, char *buf,
			size_t len)
{
	size_t i, off = 0;
	int n;

	buf[0] = '\0';
	for (i = 0; i < d->n_services && off < len; i++) {
		n = snprintf(buf + off, len - off, "%s%s", i ? ", " : "",
			     d->services[i] ? frpc_str(d->services[i]->name) : "");
		if (n < 0)
			break;
		off += (size_t)n;
	}
	if (!d->n_services)
		snprintf(buf, len, "nothing");
}

/* Build @cl->bind from the description @d. */
static int frpc_bind_table(struct fastipc_rpc_client *cl,
			   const Fastipc__Rpc__Description *d,
			   struct fastipc_rpc_status *st)
{
	const ProtobufCServiceDescriptor *desc = cl->desc;
	const Fastipc__Rpc__Service *s = frpc_find_service(d, desc->name);
	const Fastipc__Rpc__Method *sm;
	unsigned int i, found = 0;
	char served[FASTIPC_RPC_MSG_MAX];

	cl->bind = calloc(desc->n_methods ? desc->n_methods : 1,
			  sizeof(*cl->bind));
	if (!cl->bind)
		return frpc_status_set(st, FASTIPC_RPC_RESOURCE_EXHAUSTED,
				       ENOMEM, "no memory to bind to %s",
				       cl->where);
	for (i = 0; s && i < desc->n_methods; i++) {
		sm = frpc_find_method(s, desc->methods[i].name);
		found += sm != NULL;
		if (frpc_bind_method(cl, &desc->methods[i], sm, &cl->bind[i]))
			return frpc_status_set(st,
					       FASTIPC_RPC_RESOURCE_EXHAUSTED,
					       ENOMEM, "no memory to bind to %s",
					       cl->where);
	}
	if (found)
		return FASTIPC_RPC_OK;
	frpc_served(d, served, sizeof(served));
	return frpc_status_set(st, FASTIPC_RPC_UNIMPLEMENTED, 0,
			       s ? "%s does not serve any method of %s (it serves: %s)" :
			       "%s does not serve %s (it serves: %s)",
			       cl->where, desc->name, served);
}

static struct fastipc_rpc_client *
frpc_client_new(const ProtobufCServiceDescriptor *desc, const char *channel,
		const struct fastipc_rpc_bind_opts *o)
{
	struct fastipc_rpc_client *cl = calloc(1, sizeof(*cl));

	if (!cl)
		return NULL;
	cl->service.descriptor = desc;
	cl->service.invoke = frpc_client_invoke;
	cl->service.destroy = frpc_client_destroy;
	cl->desc = desc;
	cl->deadline_ns = o && o->deadline_ns ? o->deadline_ns :
			  FASTIPC_RPC_DEADLINE_DEFAULT;
	cl->max_message = o && o->max_message ? o->max_message :
			  FASTIPC_RPC_MAX_MESSAGE_DEFAULT;
	if (channel)
		snprintf(cl->where, sizeof(cl->where), "channel '%s'", channel);
	else
		snprintf(cl->where, sizeof(cl->where), "channel key 0x%llx",
			 (unsigned long long)o->key);
	return cl;
}

int frpc_bind_common(struct fastipc_dev *dev, const char *channel,
		     const ProtobufCServiceDescriptor *desc,
		     const struct fastipc_rpc_bind_opts *opts, bool generic,
		     struct fastipc_rpc_client **clp,
		     struct fastipc_rpc_status *st)
{
	uint64_t start = frpc_now_ns();
	Fastipc__Rpc__Description *d = NULL;
	struct fastipc_rpc_client *cl;
	int code;

	code = frpc_bind_args(dev, channel, desc, opts, clp, st);
	if (code)
		return code;
	*clp = NULL;
	cl = frpc_client_new(desc, channel, opts);
	if (!cl)
		return frpc_status_set(st, FASTIPC_RPC_RESOURCE_EXHAUSTED,
				       ENOMEM, "no memory for a client");
	code = frpc_connect(cl, dev, channel, opts ? opts->key : 0, st);
	if (!code)
		code = frpc_describe(cl->conn,
				     frpc_time_left(start, cl->deadline_ns),
				     cl->where, &d, st);
	cl->sdesc = d;		/* freed with the client */
	if (!code && !generic)
		code = frpc_bind_table(cl, d, st);
	if (code) {
		fastipc_rpc_unbind(cl);
		return code;
	}
	*clp = cl;
	return frpc_status_ok(st);
}

__public int fastipc_rpc_bind(struct fastipc_dev *dev, const char *channel,
			      const ProtobufCServiceDescriptor *desc,
			      const struct fastipc_rpc_bind_opts *opts,
			      struct fastipc_rpc_client **clp,
			      struct fastipc_rpc_status *st)
{
	return frpc_bind_common(dev, channel, desc, opts, false, clp, st);
}

__public void fastipc_rpc_unbind(struct fastipc_rpc_client *cl)
{
	unsigned int i;

	if (!cl)
		return;
	fastipc_disconnect(cl->conn);
	for (i = 0; cl->bind && i < cl->desc->n_methods; i++)
		free(cl->bind[i].message);
	free(cl->bind);
	fastipc_rpc_free(cl->sdesc ? &cl->sdesc->base : NULL);
	free(cl);
}

__public struct fastipc_conn *
fastipc_rpc_client_conn(struct fastipc_rpc_client *cl)
{
	return cl ? cl->conn : NULL;
}
