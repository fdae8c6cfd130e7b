// SPDX-License-Identifier: LGPL-2.1 OR MIT
/*
 * The describe reply: a fastipc.rpc.Description of what a server serves
 * (services, served methods with their ops and signature hashes) and the
 * schemas of every message and enum type reachable from the methods'
 * input and output types, each once. Built and packed when a service is
 * added, so the describe call only copies bytes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "server-int.h"

/* Longest synthesized oneof name, "oneof_<n>", with its NUL. */
#define ONEOF_NAME_MAX	24

/* Everything one build allocates, freed together once packed. */
struct dbuild {
	const ProtobufCMessageDescriptor **msgs;
	size_t nmsgs;
	const ProtobufCEnumDescriptor **enums;
	size_t nenums;
	Fastipc__Rpc__Service *svc;
	Fastipc__Rpc__Service **svcp;
	Fastipc__Rpc__Method *meth;
	Fastipc__Rpc__Method **methp;
	Fastipc__Rpc__MessageType *types;
	Fastipc__Rpc__MessageType **typesp;
	Fastipc__Rpc__Field *fields;
	Fastipc__Rpc__Field **fieldsp;
	char (*oneofs)[ONEOF_NAME_MAX];
	Fastipc__Rpc__EnumType *ets;
	Fastipc__Rpc__EnumType **etsp;
	Fastipc__Rpc__EnumValue *vals;
	Fastipc__Rpc__EnumValue **valsp;
	Fastipc__Rpc__Service **allsvc;
	size_t nallsvc;
	Fastipc__Rpc__MessageType **alltypes;
	size_t nalltypes;
	Fastipc__Rpc__EnumType **allenums;
	size_t nallenums;
};

static void dbuild_free(struct dbuild *b)
{
	free(b->msgs);
	free(b->enums);
	free(b->svc);
	free(b->svcp);
	free(b->meth);
	free(b->methp);
	free(b->types);
	free(b->typesp);
	free(b->fields);
	free(b->fieldsp);
	free(b->oneofs);
	free(b->ets);
	free(b->etsp);
	free(b->vals);
	free(b->valsp);
	free(b->allsvc);
	free(b->alltypes);
	free(b->allenums);
}

/* Append @p to the set @set of @n pointers unless it is there. */
static int set_add(const void ***set, size_t *n, const void *p)
{
	const void **s;
	size_t i;

	for (i = 0; i < *n; i++)
		if ((*set)[i] == p)
			return 0;
	s = realloc(*set, (*n + 1) * sizeof(*s));
	if (!s)
		return -ENOMEM;
	s[(*n)++] = p;
	*set = s;
	return 0;
}

/*
 * Collect the message and enum types reachable from the served methods:
 * a worklist over b->msgs itself (no recursion, each type once).
 */
static int collect_types(struct dbuild *b,
			 const struct fastipc_rpc_server *srv)
{
	const void ***msgs = (const void ***)&b->msgs;
	const void ***enums = (const void ***)&b->enums;
	size_t i, j;
	int ret = 0;

	for (i = 0; !ret && i < srv->nmethods; i++) {
		if (srv->methods[i]->raw)
			continue;	/* raw sets describe their own types */
		ret = set_add(msgs, &b->nmsgs, srv->methods[i]->md->input);
		if (!ret)
			ret = set_add(msgs, &b->nmsgs,
				      srv->methods[i]->md->output);
	}
	for (i = 0; !ret && i < b->nmsgs; i++) {
		const ProtobufCMessageDescriptor *d = b->msgs[i];

		for (j = 0; !ret && j < d->n_fields; j++) {
			const ProtobufCFieldDescriptor *f = &d->fields[j];

			if (f->type == PROTOBUF_C_TYPE_MESSAGE)
				ret = set_add(msgs, &b->nmsgs, f->descriptor);
			else if (f->type == PROTOBUF_C_TYPE_ENUM)
				ret = set_add(enums, &b->nenums, f->descriptor);
		}
	}
	return ret;
}

/* google.protobuf.FieldDescriptorProto.Label of a protobuf-c label. */
static uint32_t label_num(ProtobufCLabel l)
{
	switch (l) {
	case PROTOBUF_C_LABEL_REQUIRED:
		return 2;
	case PROTOBUF_C_LABEL_REPEATED:
		return 3;
	default:	/* OPTIONAL, and NONE (proto3 singular) */
		return 1;
	}
}

/* google.protobuf.FieldDescriptorProto.Type of a protobuf-c type. */
static uint32_t type_num(ProtobufCType t)
{
	static const uint8_t num[] = {
		[PROTOBUF_C_TYPE_INT32] = 5,	[PROTOBUF_C_TYPE_SINT32] = 17,
		[PROTOBUF_C_TYPE_SFIXED32] = 15, [PROTOBUF_C_TYPE_INT64] = 3,
		[PROTOBUF_C_TYPE_SINT64] = 18,	[PROTOBUF_C_TYPE_SFIXED64] = 16,
		[PROTOBUF_C_TYPE_UINT32] = 13,	[PROTOBUF_C_TYPE_FIXED32] = 7,
		[PROTOBUF_C_TYPE_UINT64] = 4,	[PROTOBUF_C_TYPE_FIXED64] = 6,
		[PROTOBUF_C_TYPE_FLOAT] = 2,	[PROTOBUF_C_TYPE_DOUBLE] = 1,
		[PROTOBUF_C_TYPE_BOOL] = 8,	[PROTOBUF_C_TYPE_ENUM] = 14,
		[PROTOBUF_C_TYPE_STRING] = 9,	[PROTOBUF_C_TYPE_BYTES] = 12,
		[PROTOBUF_C_TYPE_MESSAGE] = 11,
	};

	return (unsigned int)t < sizeof(num) ? num[t] : 0;
}

/* Whether @d is a proto3 message: it has a field without presence. */
static bool is_proto3(const ProtobufCMessageDescriptor *d)
{
	unsigned int i;

	for (i = 0; i < d->n_fields; i++)
		if (d->fields[i].label == PROTOBUF_C_LABEL_NONE)
			return true;
	return false;
}

static bool is_oneof(const ProtobufCFieldDescriptor *f)
{
	return f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF;
}

/*
 * The name of @f's oneof. protobuf-c's descriptors keep no oneof names,
 * only that members share a case field (quantifier_offset): the oneofs
 * of a message are named "oneof_<n>", n counting from 0 in the order of
 * their first member.
 */
static void oneof_name(const ProtobufCMessageDescriptor *d,
		       const ProtobufCFieldDescriptor *f, char *out)
{
	unsigned int i, j, n = 0;

	for (i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *g = &d->fields[i];

		if (!is_oneof(g))
			continue;
		if (g->quantifier_offset == f->quantifier_offset)
			break;
		for (j = 0; j < i; j++)
			if (is_oneof(&d->fields[j]) &&
			    d->fields[j].quantifier_offset ==
			    g->quantifier_offset)
				break;
		n += j == i;	/* g is the first member of its oneof */
	}
	snprintf(out, ONEOF_NAME_MAX, "oneof_%u", n);
}

static void fill_field(Fastipc__Rpc__Field *out, char *oneof,
		       const ProtobufCMessageDescriptor *d,
		       const ProtobufCFieldDescriptor *f)
{
	fastipc__rpc__field__init(out);
	out->name = (char *)f->name;
	out->number = f->id;
	out->label = label_num(f->label);
	out->type = type_num(f->type);
	if (f->type == PROTOBUF_C_TYPE_MESSAGE)
		out->type_name = (char *)((const ProtobufCMessageDescriptor *)
					  f->descriptor)->name;
	else if (f->type == PROTOBUF_C_TYPE_ENUM)
		out->type_name = (char *)((const ProtobufCEnumDescriptor *)
					  f->descriptor)->name;
	out->packed = !!(f->flags & PROTOBUF_C_FIELD_FLAG_PACKED);
	out->proto3_optional = f->label == PROTOBUF_C_LABEL_OPTIONAL &&
			       !is_oneof(f) && is_proto3(d);
	if (is_oneof(f)) {
		oneof_name(d, f, oneof);
		out->oneof = oneof;
	}
}

static int build_types(struct dbuild *b)
{
	size_t i, j, k = 0, nf = 0;

	for (i = 0; i < b->nmsgs; i++)
		nf += b->msgs[i]->n_fields;
	b->types = calloc(b->nmsgs + 1, sizeof(*b->types));
	b->typesp = calloc(b->nmsgs + 1, sizeof(*b->typesp));
	b->fields = calloc(nf + 1, sizeof(*b->fields));
	b->fieldsp = calloc(nf + 1, sizeof(*b->fieldsp));
	b->oneofs = calloc(nf + 1, sizeof(*b->oneofs));
	if (!b->types || !b->typesp || !b->fields || !b->fieldsp || !b->oneofs)
		return -ENOMEM;
	for (i = 0; i < b->nmsgs; i++) {
		const ProtobufCMessageDescriptor *d = b->msgs[i];
		Fastipc__Rpc__MessageType *t = &b->types[i];

		fastipc__rpc__message_type__init(t);
		t->name = (char *)d->name;
		t->n_fields = d->n_fields;
		t->fields = &b->fieldsp[k];
		for (j = 0; j < d->n_fields; j++, k++) {
			fill_field(&b->fields[k], b->oneofs[k], d, &d->fields[j]);
			b->fieldsp[k] = &b->fields[k];
		}
		b->typesp[i] = t;
	}
	return 0;
}

static int build_enums(struct dbuild *b)
{
	size_t i, j, k = 0, nv = 0;

	for (i = 0; i < b->nenums; i++)
		nv += b->enums[i]->n_values;
	b->ets = calloc(b->nenums + 1, sizeof(*b->ets));
	b->etsp = calloc(b->nenums + 1, sizeof(*b->etsp));
	b->vals = calloc(nv + 1, sizeof(*b->vals));
	b->valsp = calloc(nv + 1, sizeof(*b->valsp));
	if (!b->ets || !b->etsp || !b->vals || !b->valsp)
		return -ENOMEM;
	for (i = 0; i < b->nenums; i++) {
		const ProtobufCEnumDescriptor *e = b->enums[i];
		Fastipc__Rpc__EnumType *t = &b->ets[i];

		fastipc__rpc__enum_type__init(t);
		t->name = (char *)e->name;
		t->n_values = e->n_values;
		t->values = &b->valsp[k];
		for (j = 0; j < e->n_values; j++, k++) {
			fastipc__rpc__enum_value__init(&b->vals[k]);
			b->vals[k].name = (char *)e->values[j].name;
			b->vals[k].number = e->values[j].value;
			b->valsp[k] = &b->vals[k];
		}
		b->etsp[i] = t;
	}
	return 0;
}

/* Services in the order added; each with its served methods in op order. */
static int build_services(struct dbuild *b,
			  const struct fastipc_rpc_server *srv)
{
	size_t i, k = 0, nm = srv->nmethods;
	unsigned int s;

	b->svc = calloc(srv->nservices + 1, sizeof(*b->svc));
	b->svcp = calloc(srv->nservices + 1, sizeof(*b->svcp));
	b->meth = calloc(nm + 1, sizeof(*b->meth));
	b->methp = calloc(nm + 1, sizeof(*b->methp));
	if (!b->svc || !b->svcp || !b->meth || !b->methp)
		return -ENOMEM;
	for (s = 0; s < srv->nservices; s++) {
		Fastipc__Rpc__Service *sv = &b->svc[s];

		fastipc__rpc__service__init(sv);
		sv->name = (char *)srv->services[s]->descriptor->name;
		sv->methods = &b->methp[k];
		for (i = 0; i < nm; i++) {
			const struct frpc_method *m = srv->methods[i];
			Fastipc__Rpc__Method *o = &b->meth[k];

			if (m->service != srv->services[s])
				continue;
			fastipc__rpc__method__init(o);
			o->name = (char *)m->md->name;
			o->op = FASTIPC_RPC_OP_BASE + (uint32_t)i;
			o->input_type = (char *)m->md->input->name;
			o->output_type = (char *)m->md->output->name;
			o->hash = m->hash;
			b->methp[k++] = o;
			sv->n_methods++;
		}
		b->svcp[s] = sv;
	}
	return 0;
}

/* Whether a type of @name is among the first @n of @t. */
static bool type_in(Fastipc__Rpc__MessageType **t, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(t[i]->name, name))
			return true;
	return false;
}

static bool enum_in(Fastipc__Rpc__EnumType **t, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(t[i]->name, name))
			return true;
	return false;
}

/*
 * The typed services, types and enums followed by those of the raw sets
 * (fastipc_rpc_server_add_raw(), their copies as they are: the ops and
 * hashes in them are the server's); a type or enum of a name given out
 * already is given once, the first one.
 */
static int build_all(struct dbuild *b, const struct fastipc_rpc_server *srv)
{
	size_t ns = srv->nservices, nt = b->nmsgs, ne = b->nenums, i;
	unsigned int r;

	for (r = 0; r < srv->nraws; r++) {
		ns += srv->raws[r]->desc->n_services;
		nt += srv->raws[r]->desc->n_types;
		ne += srv->raws[r]->desc->n_enums;
	}
	b->allsvc = calloc(ns + 1, sizeof(*b->allsvc));
	b->alltypes = calloc(nt + 1, sizeof(*b->alltypes));
	b->allenums = calloc(ne + 1, sizeof(*b->allenums));
	if (!b->allsvc || !b->alltypes || !b->allenums)
		return -ENOMEM;
	memcpy(b->allsvc, b->svcp, srv->nservices * sizeof(*b->allsvc));
	memcpy(b->alltypes, b->typesp, b->nmsgs * sizeof(*b->alltypes));
	memcpy(b->allenums, b->etsp, b->nenums * sizeof(*b->allenums));
	b->nallsvc = srv->nservices;
	b->nalltypes = b->nmsgs;
	b->nallenums = b->nenums;
	for (r = 0; r < srv->nraws; r++) {
		const Fastipc__Rpc__Description *d = srv->raws[r]->desc;

		for (i = 0; i < d->n_services; i++)
			b->allsvc[b->nallsvc++] = d->services[i];
		for (i = 0; i < d->n_types; i++)
			if (!type_in(b->alltypes, b->nalltypes, d->types[i]->name))
				b->alltypes[b->nalltypes++] = d->types[i];
		for (i = 0; i < d->n_enums; i++)
			if (!enum_in(b->allenums, b->nallenums, d->enums[i]->name))
				b->allenums[b->nallenums++] = d->enums[i];
	}
	return 0;
}

int frpc_describe_build(struct fastipc_rpc_server *srv)
{
	Fastipc__Rpc__Description d = FASTIPC__RPC__DESCRIPTION__INIT;
	struct dbuild b = { 0 };
	uint8_t *buf = NULL;
	size_t len;
	int ret;

	ret = collect_types(&b, srv);
	if (!ret)
		ret = build_services(&b, srv);
	if (!ret)
		ret = build_types(&b);
	if (!ret)
		ret = build_enums(&b);
	if (!ret)
		ret = build_all(&b, srv);
	if (!ret) {
		d.version = FASTIPC_RPC_WIRE_VERSION;
		d.n_services = b.nallsvc;
		d.services = b.allsvc;
		d.n_types = b.nalltypes;
		d.types = b.alltypes;
		d.n_enums = b.nallenums;
		d.enums = b.allenums;
		len = fastipc__rpc__description__get_packed_size(&d);
		buf = malloc(len ? len : 1);
		if (!buf)
			ret = -ENOMEM;
	}
	if (!ret) {
		fastipc__rpc__description__pack(&d, buf);
		free(srv->desc);
		srv->desc = buf;
		srv->desc_len = len;
	}
	dbuild_free(&b);
	return ret;
}
