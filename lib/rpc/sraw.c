// SPDX-License-Identifier: LGPL-2.1 OR MIT
/*
 * Raw services (fastipc_rpc_server_add_raw()): methods served from a
 * fastipc.rpc.Description instead of protoc-c descriptors, each answered
 * by one untyped handler with the request's packed bytes, checked first
 * as wire format against the input type as far as the description's
 * schemas go (schema.c); and the parts of the call context only
 * metadata and raw handlers use.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "server-int.h"

/* A copy of @d that the library owns: packed, then unpacked. */
static Fastipc__Rpc__Description *desc_copy(const Fastipc__Rpc__Description *d)
{
	Fastipc__Rpc__Description *c;
	size_t len = fastipc__rpc__description__get_packed_size(d);
	uint8_t *buf = malloc(len ? len : 1);

	if (!buf)
		return NULL;
	fastipc__rpc__description__pack(d, buf);
	c = fastipc__rpc__description__unpack(NULL, len, buf);
	free(buf);
	return c;
}

static bool name_ok(const char *s)
{
	return s && s[0] && s[0] != '.';
}

/* Drop the leading dot of a descriptor-set style type name, in place. */
static void undot(char *s)
{
	if (s && s[0] == '.')
		memmove(s, s + 1, strlen(s));
}

/* -EINVAL for a service or method @d cannot be served as, else 0. */
static int desc_check(const Fastipc__Rpc__Description *d, unsigned int *nm)
{
	size_t i, j, k;

	*nm = 0;
	for (i = 0; i < d->n_services; i++) {
		const Fastipc__Rpc__Service *s = d->services[i];

		if (!name_ok(s->name))
			return -EINVAL;
		for (k = 0; k < i; k++)
			if (!strcmp(d->services[k]->name, s->name))
				return -EEXIST;
		for (j = 0; j < s->n_methods; j++) {
			const Fastipc__Rpc__Method *m = s->methods[j];

			if (!m->name || !m->name[0] || strchr(m->name, '/') ||
			    !name_ok(m->input_type) || !name_ok(m->output_type))
				return -EINVAL;
		}
		*nm += (unsigned int)s->n_methods;
	}
	for (i = 0; i < d->n_types; i++) {
		if (!name_ok(d->types[i]->name))
			return -EINVAL;
		for (j = 0; j < d->types[i]->n_fields; j++)
			undot(d->types[i]->fields[j]->type_name);
	}
	for (i = 0; i < d->n_enums; i++)
		if (!name_ok(d->enums[i]->name))
			return -EINVAL;
	return 0;
}

/* The server's method @i of @set's service @s. */
static int raw_method_add(struct fastipc_rpc_server *srv,
			  struct frpc_raw_set *set, const char *svc,
			  Fastipc__Rpc__Method *rm)
{
	struct frpc_method *m = calloc(1, sizeof(*m));

	if (!m)
		return -ENOMEM;
	m->srv = srv;
	m->raw = set;
	m->hash = fastipc_rpc_hash_names(svc, rm->name, rm->input_type,
					 rm->output_type);
	m->check = frpc_schema_type(set->schema, rm->input_type);
	if (asprintf(&m->name, "/%s/%s", svc, rm->name) < 0) {
		free(m);
		return -ENOMEM;
	}
	rm->op = FASTIPC_RPC_OP_BASE + srv->nmethods;
	rm->hash = m->hash;
	srv->methods[srv->nmethods++] = m;
	return 0;
}

static int raw_methods_add(struct fastipc_rpc_server *srv,
			   struct frpc_raw_set *set)
{
	const Fastipc__Rpc__Description *d = set->desc;
	size_t i, j;
	int ret = 0;

	for (i = 0; !ret && i < d->n_services; i++)
		for (j = 0; !ret && j < d->services[i]->n_methods; j++)
			ret = raw_method_add(srv, set, d->services[i]->name,
					     d->services[i]->methods[j]);
	return ret;
}

void frpc_raw_set_free(struct frpc_raw_set *set)
{
	if (!set)
		return;
	frpc_schema_free(set->schema);
	fastipc__rpc__description__free_unpacked(set->desc, NULL);
	free(set);
}

/* A new set for @desc, checked against what @srv serves already. */
static int raw_set_new(struct fastipc_rpc_server *srv,
		       const Fastipc__Rpc__Description *desc,
		       struct frpc_raw_set **setp)
{
	struct frpc_raw_set *set = calloc(1, sizeof(*set));
	unsigned int nm;
	size_t i;
	int ret;

	if (!set)
		return -ENOMEM;
	set->desc = desc_copy(desc);
	ret = set->desc ? desc_check(set->desc, &nm) : -ENOMEM;
	for (i = 0; !ret && i < set->desc->n_services; i++)
		if (frpc_service_known(srv, set->desc->services[i]->name))
			ret = -EEXIST;
	if (!ret && nm > FASTIPC_RPC_METHODS_MAX - srv->nmethods)
		ret = -E2BIG;
	if (!ret)
		ret = frpc_schema_build(set->desc, &set->schema);
	if (ret) {
		frpc_raw_set_free(set);
		return ret;
	}
	*setp = set;
	return 0;
}

__public int fastipc_rpc_server_add_raw(struct fastipc_rpc_server *srv,
					const Fastipc__Rpc__Description *desc,
					fastipc_rpc_raw_fn fn, void *data)
{
	struct frpc_raw_set *set, **raws;
	unsigned int first;
	int ret;

	if (!srv || !desc || !fn ||
	    desc->base.descriptor != &fastipc__rpc__description__descriptor)
		return -EINVAL;
	if (frpc_server_busy(srv))
		return -EBUSY;
	ret = raw_set_new(srv, desc, &set);
	if (ret)
		return ret;
	set->fn = fn;
	set->data = data;
	raws = realloc(srv->raws, (srv->nraws + 1) * sizeof(*raws));
	if (!raws) {
		frpc_raw_set_free(set);
		return -ENOMEM;
	}
	srv->raws = raws;
	first = srv->nmethods;
	ret = raw_methods_add(srv, set);
	if (!ret) {
		srv->raws[srv->nraws++] = set;
		ret = frpc_describe_build(srv);
		if (ret)
			srv->nraws--;
	}
	if (ret) {
		frpc_methods_drop(srv, first);
		frpc_raw_set_free(set);
	}
	return ret;
}

/* The status of a request that frpc_validate() refused with @err. */
static void raw_refuse(struct fastipc_rpc_ctx *ctx, int err, size_t len)
{
	const struct frpc_method *m = ctx->m;
	const char *type = m->check->name;

	if (err == -ENOMEM) {
		frpc_ctx_fail(ctx, FASTIPC_RPC_RESOURCE_EXHAUSTED,
			      "request to %s: out of memory checking %zu bytes",
			      m->name, len);
		return;
	}
	if (err == -E2BIG) {
		frpc_count(&m->srv->cnt.too_large, 1);
		frpc_ctx_fail(ctx, FASTIPC_RPC_RESOURCE_EXHAUSTED,
			      "request to %s: %zu bytes that would unpack into more than %u times their size",
			      m->name, len, FRPC_UNPACK_RATIO);
		return;
	}
	frpc_count(&m->srv->cnt.bad_requests, 1);
	if (err == -ELOOP)
		frpc_ctx_fail(ctx, FASTIPC_RPC_INVALID_ARGUMENT,
			      "request to %s: %s nested deeper than %u messages",
			      m->name, type, m->srv->max_depth);
	else
		frpc_ctx_fail(ctx, FASTIPC_RPC_INVALID_ARGUMENT,
			      "request to %s is not a valid %s (%zu bytes: malformed wire format)",
			      m->name, type, len);
}

void frpc_raw_invoke(struct fastipc_rpc_ctx *ctx)
{
	static const uint8_t empty[1];
	const struct frpc_method *m = ctx->m;
	const uint8_t *data, *msg;
	uint8_t *copy;
	size_t len, msg_len;
	int ret;

	data = fastipc_req_data(ctx->req, &len);
	if (!frpc_req_body(ctx, data, len, fastipc_req_shared(ctx->req), &msg,
			   &msg_len, &copy))
		return;
	ret = frpc_validate(m->check, msg_len ? msg : empty, msg_len,
			    m->srv->max_depth);
	if (ret) {
		raw_refuse(ctx, ret, msg_len);
	} else {
		m->raw->fn(ctx, msg_len ? msg : empty, msg_len, m->raw->data);
		if (!ctx->replies && !ctx->status_set) {
			frpc_count(&m->srv->cnt.no_reply, 1);
			frpc_ctx_fail(ctx, FASTIPC_RPC_UNKNOWN,
				      "handler of %s did not reply", m->name);
		}
	}
	free(copy);
}

__public int fastipc_rpc_ctx_reply_raw(struct fastipc_rpc_ctx *ctx,
				       const void *buf, size_t len)
{
	void *out;
	int ret;

	if (!ctx || ctx->magic != FRPC_CTX_MAGIC || !ctx->m->raw ||
	    (len && !buf))
		return -EINVAL;
	if (ctx->replies++) {
		frpc_count(&ctx->m->srv->cnt.extra_replies, 1);
		return -EALREADY;
	}
	if (ctx->status_set)
		return 0;	/* the status the handler set answers */
	ret = fastipc_req_reply_buf(ctx->req, len, &out);
	if (ret == -ENOBUFS) {
		frpc_ctx_no_room(ctx, len);
		return -ENOBUFS;
	}
	if (ret) {
		ctx->status = ret;	/* the caller sees the size it needs */
		return ret == -EOVERFLOW ? -EMSGSIZE : ret;
	}
	if (len)
		memcpy(out, buf, len);
	ctx->status = 0;
	return 0;
}

__public const char *fastipc_rpc_ctx_md(const struct fastipc_rpc_ctx *ctx,
					const char *key)
{
	size_t i;

	if (!ctx || !ctx->md || !key)
		return NULL;
	for (i = 0; i < ctx->md->n_entries; i++)
		if (!strcmp(ctx->md->entries[i]->key, key))
			return ctx->md->entries[i]->value;
	return NULL;
}

__public int fastipc_rpc_ctx_md_at(const struct fastipc_rpc_ctx *ctx,
				   unsigned int i, const char **key,
				   const char **value)
{
	if (!ctx || !ctx->md || i >= ctx->md->n_entries)
		return -ENOENT;
	if (key)
		*key = ctx->md->entries[i]->key;
	if (value)
		*value = ctx->md->entries[i]->value;
	return 0;
}
