// SPDX-License-Identifier: GPL-2.0
//
// list.cc - fastipc-call CHANNEL: the services and methods a server
// serves (its describe reply), then the message and enum types they
// reach, in the order first reached, from the schema.
#include <cstdio>
#include <string>
#include <vector>

#include "fcall.h"

namespace fcall {

namespace pb = google::protobuf;

namespace {

// A field's type as a .proto spells it.
std::string TypeOf(const pb::FieldDescriptor *f)
{
	if (f->is_map())
		return "map<" + TypeOf(f->message_type()->map_key()) + ", " +
		       TypeOf(f->message_type()->map_value()) + ">";
	if (f->message_type())
		return f->message_type()->full_name();
	if (f->enum_type())
		return f->enum_type()->full_name();
	return f->type_name();
}

void PrintMessage(const pb::Descriptor *d)
{
	printf("message %s {\n", d->full_name().c_str());
	for (int i = 0; i < d->field_count(); i++) {
		const pb::FieldDescriptor *f = d->field(i);
		const pb::OneofDescriptor *o = f->real_containing_oneof();

		printf("  %s%s %s = %d;", f->is_required() ? "required " :
		       f->is_repeated() && !f->is_map() ? "repeated " : "",
		       TypeOf(f).c_str(), f->name().c_str(), f->number());
		if (o)
			printf("  // oneof %s", o->name().c_str());
		printf("\n");
	}
	printf("}\n");
}

void PrintEnum(const pb::EnumDescriptor *e)
{
	printf("enum %s {\n", e->full_name().c_str());
	for (int i = 0; i < e->value_count(); i++)
		printf("  %s = %d;\n", e->value(i)->name().c_str(),
		       e->value(i)->number());
	printf("}\n");
}

// Print type @name and queue the types its fields use; @seen: printed.
void PrintType(Schema *schema, const std::string &name,
	       std::vector<std::string> *todo, std::set<std::string> *seen)
{
	const pb::Descriptor *d = schema->Described(name) ?
				  schema->Lookup(name) : nullptr;

	if (d) {
		PrintMessage(d);
		for (int i = 0; i < d->field_count(); i++) {
			const pb::FieldDescriptor *f = d->field(i);
			const pb::Descriptor *m = f->message_type();
			const pb::EnumDescriptor *en = f->enum_type();

			if (f->is_map()) {
				m = f->message_type()->map_value()->message_type();
				en = f->message_type()->map_value()->enum_type();
			}
			if (m && seen->insert(m->full_name()).second)
				todo->push_back(m->full_name());
			if (en && seen->insert(en->full_name()).second) {
				printf("\n");
				PrintEnum(en);
			}
		}
		return;
	}
	printf("message %s: not described by %s; give its descriptor set "
	       "with -p FILE\n", name.c_str(), schema->Source().c_str());
	if (!schema->Errors().empty())
		printf("  (%s)\n", schema->Errors().c_str());
}

}  // namespace

int List(const Fastipc__Rpc__Description *d, Schema *schema)
{
	std::vector<std::string> todo;
	std::set<std::string> seen;

	for (size_t i = 0; i < d->n_services; i++) {
		const Fastipc__Rpc__Service *s = d->services[i];

		printf("service %s {\n", s->name);
		for (size_t j = 0; j < s->n_methods; j++) {
			const Fastipc__Rpc__Method *m = s->methods[j];

			printf("  rpc %s (%s) returns (%s)\n", m->name,
			       m->input_type, m->output_type);
			if (seen.insert(m->input_type).second)
				todo.push_back(m->input_type);
			if (seen.insert(m->output_type).second)
				todo.push_back(m->output_type);
		}
		printf("}\n");
	}
	// Breadth first: the methods' types, then the types they use.
	for (size_t i = 0; i < todo.size(); i++) {
		std::string name = todo[i];

		printf("\n");
		PrintType(schema, name, &todo, &seen);
	}
	return 0;
}

}  // namespace fcall
