// SPDX-License-Identifier: LGPL-2.1 OR MIT
/*
 * Request checkers of raw services: protobuf-c message descriptors built
 * from a fastipc.rpc.Description's types, with just what frpc_validate()
 * reads (field numbers, wire-compatible types, labels, packed flags,
 * nested types, field ranges). They are never used to unpack: a raw
 * handler gets the bytes. A type the description names but does not
 * describe is checked as one without known fields (well-formed wire
 * format, nothing nested).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "server-int.h"

#define FIELD_NUMBER_MAX	((1U << 29) - 1)

struct frpc_schema {
	size_t n;
	ProtobufCMessageDescriptor *descs;
	ProtobufCFieldDescriptor *fields;
	ProtobufCIntRange *ranges;
};

static const ProtobufCMessageDescriptor any_desc = {
	.magic = PROTOBUF_C__MESSAGE_DESCRIPTOR_MAGIC,
	.name = "(a message of unknown fields)",
	.short_name = "any",
	.c_name = "any",
	.package_name = "",
	.sizeof_message = sizeof(ProtobufCMessage),
};

const ProtobufCMessageDescriptor *frpc_schema_type(const struct frpc_schema *s,
						   const char *name)
{
	size_t i;

	for (i = 0; s && name && i < s->n; i++)
		if (!strcmp(s->descs[i].name, name))
			return &s->descs[i];
	return &any_desc;
}

void frpc_schema_free(struct frpc_schema *s)
{
	if (!s)
		return;
	free(s->descs);
	free(s->fields);
	free(s->ranges);
	free(s);
}

/* protobuf-c's type for google.protobuf.FieldDescriptorProto.Type @t. */
static int ctype_of(uint32_t t, ProtobufCType *out)
{
	static const int8_t map[19] = {
		-1, PROTOBUF_C_TYPE_DOUBLE, PROTOBUF_C_TYPE_FLOAT,
		PROTOBUF_C_TYPE_INT64, PROTOBUF_C_TYPE_UINT64,
		PROTOBUF_C_TYPE_INT32, PROTOBUF_C_TYPE_FIXED64,
		PROTOBUF_C_TYPE_FIXED32, PROTOBUF_C_TYPE_BOOL,
		PROTOBUF_C_TYPE_STRING, -1 /* group */,
		PROTOBUF_C_TYPE_MESSAGE, PROTOBUF_C_TYPE_BYTES,
		PROTOBUF_C_TYPE_UINT32, PROTOBUF_C_TYPE_ENUM,
		PROTOBUF_C_TYPE_SFIXED32, PROTOBUF_C_TYPE_SFIXED64,
		PROTOBUF_C_TYPE_SINT32, PROTOBUF_C_TYPE_SINT64,
	};

	if (t >= sizeof(map) || map[t] < 0)
		return -EINVAL;
	*out = (ProtobufCType)map[t];
	return 0;
}

static int by_number(const void *a, const void *b)
{
	const ProtobufCFieldDescriptor *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* Fill @f (a run of @t->n_fields) and @r from the description's type @t. */
static int fill_type(const struct frpc_schema *s,
		     const Fastipc__Rpc__MessageType *t,
		     ProtobufCMessageDescriptor *d,
		     ProtobufCFieldDescriptor *f, ProtobufCIntRange *r)
{
	size_t i, k = t->n_fields;

	for (i = 0; i < k; i++) {
		const Fastipc__Rpc__Field *in = t->fields[i];

		if (!in->number || in->number > FIELD_NUMBER_MAX ||
		    ctype_of(in->type, &f[i].type))
			return -EINVAL;
		f[i].name = in->name;
		f[i].id = in->number;
		f[i].label = in->label == 3 ? PROTOBUF_C_LABEL_REPEATED :
			     in->label == 2 ? PROTOBUF_C_LABEL_REQUIRED :
			     PROTOBUF_C_LABEL_OPTIONAL;
		f[i].flags = in->packed ? PROTOBUF_C_FIELD_FLAG_PACKED : 0;
		if (f[i].type == PROTOBUF_C_TYPE_MESSAGE)
			f[i].descriptor = frpc_schema_type(s, in->type_name);
	}
	qsort(f, k, sizeof(*f), by_number);
	for (i = 0; i < k; i++) {
		if (i && f[i].id == f[i - 1].id)
			return -EINVAL;
		r[i].start_value = (int)f[i].id;
		r[i].orig_index = (unsigned int)i;
	}
	r[k].start_value = 0;
	r[k].orig_index = (unsigned int)k;
	d->magic = PROTOBUF_C__MESSAGE_DESCRIPTOR_MAGIC;
	d->name = t->name;
	d->short_name = t->name;
	d->c_name = t->name;
	d->package_name = "";
	d->sizeof_message = sizeof(ProtobufCMessage) + 8 * k;
	d->n_fields = (unsigned int)k;
	d->fields = f;
	d->n_field_ranges = (unsigned int)k;
	d->field_ranges = r;
	return 0;
}

int frpc_schema_build(const Fastipc__Rpc__Description *d,
		      struct frpc_schema **sp)
{
	struct frpc_schema *s;
	size_t i, nf = 0, off = 0;
	int ret = 0;

	*sp = NULL;
	if (!d->n_types)
		return 0;
	for (i = 0; i < d->n_types; i++)
		nf += d->types[i]->n_fields;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->n = d->n_types;
	s->descs = calloc(s->n, sizeof(*s->descs));
	s->fields = calloc(nf + 1, sizeof(*s->fields));
	s->ranges = calloc(nf + s->n, sizeof(*s->ranges));
	if (!s->descs || !s->fields || !s->ranges)
		ret = -ENOMEM;
	/* names first: fields refer to types by name, in any order */
	for (i = 0; !ret && i < s->n; i++)
		s->descs[i].name = d->types[i]->name;
	for (i = 0; !ret && i < s->n; i++) {
		ret = fill_type(s, d->types[i], &s->descs[i], s->fields + off,
				s->ranges + off + i);
		off += d->types[i]->n_fields;
	}
	if (ret) {
		frpc_schema_free(s);
		return ret;
	}
	*sp = s;
	return 0;
}
