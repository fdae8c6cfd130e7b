// SPDX-License-Identifier: GPL-2.0
//
// schema.cc - fastipc-call's message types: a server's describe reply
// (fastipc.rpc.Description) turned into FileDescriptorProtos, one file per
// package, or a protoc --descriptor_set_out file; either goes into a
// SimpleDescriptorDatabase behind a DescriptorPool, which builds a file
// when one of its types is first asked for.
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <string_view>
#include <vector>

#include <google/protobuf/descriptor.pb.h>

#include "fcall.h"

namespace fcall {

namespace pb = google::protobuf;

// The pool's build errors, kept to be told.
class Schema::Collector : public pb::DescriptorPool::ErrorCollector {
public:
	void AddError(const std::string &file, const std::string &element,
		      const pb::Message *, ErrorLocation,
		      const std::string &message) override
	{
		if (text.empty())
			text = file + ": " + element + ": " + message;
	}
	std::string text;
};

namespace {

// The message types of a description by full name; transparent, so that
// a prefix is looked up as a string_view, without copying it.
using MsgMap = std::map<std::string, const Fastipc__Rpc__MessageType *,
			std::less<>>;

// What precedes the last dot of @name ("" when it has none).
std::string_view Parent(std::string_view name)
{
	size_t dot = name.rfind('.');

	return dot == std::string_view::npos ? "" : name.substr(0, dot);
}

// The longest proper prefix of @name that is a message type of @msgs, or
// "". Names are checked (CheckDescription): at most 128 parts of 1 KiB.
std::string Enclosing(std::string_view name, const MsgMap &msgs)
{
	for (std::string_view p = Parent(name); !p.empty(); p = Parent(p))
		if (msgs.find(p) != msgs.end())
			return std::string(p);
	return "";
}

// protoc's name of the entry type of map field @field: "tags" -> "TagsEntry".
std::string MapEntryName(const std::string &field)
{
	std::string out;
	bool up = true;

	for (char c : field) {
		if (c == '_') {
			up = true;
			continue;
		}
		out += up && c >= 'a' && c <= 'z' ? char(c - 'a' + 'A') : c;
		up = false;
	}
	return out + "Entry";
}

bool IsPrimitive(uint32_t type)
{
	// FieldDescriptorProto.Type: string 9, group 10, message 11, bytes 12.
	return type >= 1 && type <= 18 && (type < 9 || type > 12);
}

// Where types go while the files are made.
struct Build {
	MsgMap msgs;
	std::map<std::string, pb::FileDescriptorProto> files;	// by package
	std::map<std::string, pb::DescriptorProto *> protos;	// by full name
	std::map<std::string, std::string> package_of;		// type -> package
};

// The file of package @pkg, made on first use.
pb::FileDescriptorProto *FileOf(Build *b, const std::string &pkg)
{
	pb::FileDescriptorProto *f = &b->files[pkg];

	if (f->name().empty()) {
		f->set_name("fastipc-describe/" + (pkg.empty() ? "_" : pkg) +
			    ".proto");
		if (!pkg.empty())
			f->set_package(pkg);
		f->set_syntax("proto2");	// fields all have presence
	}
	return f;
}

// Add a field of a described message to @out (of message @m).
void AddField(pb::DescriptorProto *out, const Fastipc__Rpc__Field *in,
	      std::map<std::string, int> *oneofs)
{
	pb::FieldDescriptorProto *f = out->add_field();

	f->set_name(in->name ? in->name : "");
	f->set_number(int(in->number));
	f->set_label(pb::FieldDescriptorProto::Label(
		in->label >= 1 && in->label <= 3 ? in->label : 1));
	if (in->type >= 1 && in->type <= 18)
		f->set_type(pb::FieldDescriptorProto::Type(in->type));
	if (in->type_name && in->type_name[0])
		f->set_type_name(std::string(".") + in->type_name);
	if (in->packed && in->label == 3 && IsPrimitive(in->type))
		f->mutable_options()->set_packed(true);
	if (in->oneof && in->oneof[0]) {
		auto it = oneofs->find(in->oneof);

		if (it == oneofs->end()) {
			it = oneofs->emplace(in->oneof,
					     out->oneof_decl_size()).first;
			out->add_oneof_decl()->set_name(in->oneof);
		}
		f->set_oneof_index(it->second);
	}
}

// Whether nested type @e of @parent is the entry type of a map field.
bool IsMapEntry(const Fastipc__Rpc__MessageType *parent,
		const Fastipc__Rpc__MessageType *e, const std::string &simple)
{
	if (e->n_fields != 2 || e->fields[0]->number != 1 ||
	    e->fields[1]->number != 2 || strcmp(e->fields[0]->name, "key") ||
	    strcmp(e->fields[1]->name, "value"))
		return false;
	for (size_t i = 0; i < parent->n_fields; i++) {
		const Fastipc__Rpc__Field *f = parent->fields[i];

		if (f->label == 3 && f->type_name &&
		    !strcmp(f->type_name, e->name) &&
		    MapEntryName(f->name) == simple)
			return true;
	}
	return false;
}

// Place message @name: nested in its enclosing message, or top level.
pb::DescriptorProto *PlaceMessage(Build *b, const std::string &name)
{
	auto done = b->protos.find(name);

	if (done != b->protos.end())
		return done->second;
	std::string outer = Enclosing(name, b->msgs);
	pb::DescriptorProto *d;

	if (outer.empty()) {
		std::string pkg(Parent(name));

		d = FileOf(b, pkg)->add_message_type();
		b->package_of[name] = pkg;
	} else {
		d = PlaceMessage(b, outer)->add_nested_type();
		b->package_of[name] = b->package_of[outer];
	}
	d->set_name(name.substr(outer.empty() ? Parent(name).size() +
				!Parent(name).empty() : outer.size() + 1));
	b->protos[name] = d;
	return d;
}

void PlaceEnum(Build *b, const Fastipc__Rpc__EnumType *e)
{
	std::string name = e->name, outer = Enclosing(name, b->msgs);
	pb::EnumDescriptorProto *p;
	std::string pkg;

	if (outer.empty()) {
		pkg = std::string(Parent(name));
		p = FileOf(b, pkg)->add_enum_type();
		p->set_name(name.substr(pkg.size() + !pkg.empty()));
	} else {
		pkg = b->package_of[outer];
		p = PlaceMessage(b, outer)->add_enum_type();
		p->set_name(name.substr(outer.size() + 1));
	}
	b->package_of[name] = pkg;
	for (size_t i = 0; i < e->n_values; i++) {
		pb::EnumValueDescriptorProto *v = p->add_value();

		v->set_name(e->values[i]->name ? e->values[i]->name : "");
		v->set_number(e->values[i]->number);
	}
}

// Each file depends on the files of the other packages its fields use.
void AddDependencies(Build *b)
{
	std::map<std::string, std::set<std::string>> deps;

	for (auto &m : b->msgs) {
		const std::string &pkg = b->package_of[m.first];

		for (size_t i = 0; i < m.second->n_fields; i++) {
			const char *t = m.second->fields[i]->type_name;
			auto it = t ? b->package_of.find(t) : b->package_of.end();

			if (it != b->package_of.end() && it->second != pkg)
				deps[pkg].insert(FileOf(b, it->second)->name());
		}
	}
	for (auto &d : deps)
		for (auto &name : d.second)
			FileOf(b, d.first)->add_dependency(name);
}

}  // namespace

Schema::Schema() = default;
Schema::~Schema() = default;

void Schema::MakePool()
{
	errors_ = std::make_unique<Collector>();
	pool_ = std::make_unique<pb::DescriptorPool>(&db_, errors_.get());
}

bool Schema::FromDescription(const Fastipc__Rpc__Description *d,
			     std::string *why)
{
	Build b;

	for (size_t i = 0; i < d->n_types; i++) {
		if (!d->types[i]->name || !d->types[i]->name[0]) {
			*why = "a message type without a name";
			return false;
		}
		b.msgs[d->types[i]->name] = d->types[i];
		described_.insert(d->types[i]->name);
		types_[d->types[i]->name] = d->types[i];
	}
	for (auto &m : b.msgs) {
		pb::DescriptorProto *p = PlaceMessage(&b, m.first);
		std::map<std::string, int> oneofs;
		std::string outer = Enclosing(m.first, b.msgs);

		for (size_t i = 0; i < m.second->n_fields; i++)
			AddField(p, m.second->fields[i], &oneofs);
		if (!outer.empty() && IsMapEntry(b.msgs[outer], m.second, p->name()))
			p->mutable_options()->set_map_entry(true);
	}
	for (size_t i = 0; i < d->n_enums; i++) {
		if (!d->enums[i]->name || !d->enums[i]->name[0]) {
			*why = "an enum type without a name";
			return false;
		}
		PlaceEnum(&b, d->enums[i]);
		described_.insert(d->enums[i]->name);
	}
	AddDependencies(&b);
	for (auto &f : b.files)
		if (!db_.Add(f.second)) {
			*why = "package " + f.first + " does not make a file";
			return false;
		}
	MakePool();
	// A type named but not described becomes a placeholder, so that the
	// types around it still build; Message() refuses what reaches it.
	pool_->AllowUnknownDependencies();
	return true;
}

bool Schema::FromFile(const std::string &path, std::string *why)
{
	std::ifstream in(path, std::ios::binary);
	pb::FileDescriptorSet set;

	from_file_ = true;
	source_ = path;
	if (!in) {
		*why = strerror(errno);
		return false;
	}
	if (!set.ParseFromIstream(&in)) {
		*why = "not a FileDescriptorSet (protoc --descriptor_set_out)";
		return false;
	}
	for (const auto &f : set.file())
		if (!db_.Add(f)) {
			*why = "file " + f.name() + " is there twice, or conflicts";
			return false;
		}
	MakePool();
	return true;
}

const pb::Descriptor *Schema::Lookup(const std::string &name)
{
	return pool_->FindMessageTypeByName(name);
}

const std::string &Schema::Errors() const
{
	return errors_->text;
}

bool Schema::Described(const std::string &name)
{
	if (!from_file_)
		return described_.count(name) > 0;
	return pool_->FindMessageTypeByName(name) ||
	       pool_->FindEnumTypeByName(name);
}

// Whether every type @name reaches, itself included, is described (from
// the description itself: placeholders are not told apart in the pool).
bool Schema::Reaches(const std::string &name, std::string *why)
{
	std::vector<std::string> todo{name};
	std::set<std::string> seen{name};

	while (!todo.empty()) {
		std::string t = todo.back();
		auto it = types_.find(t);
		const Fastipc__Rpc__MessageType *m =
			it == types_.end() ? nullptr : it->second;

		todo.pop_back();
		if (!m) {
			if (described_.count(t))
				continue;	// an enum
			*why = "type " + t + " is not described by " + source_ +
			       (t == name ? "" : " (" + name + " uses it)") +
			       "; give its descriptor set with -p FILE";
			return false;
		}
		for (size_t i = 0; i < m->n_fields; i++) {
			const char *n = m->fields[i]->type_name;

			if (n && n[0] && seen.insert(n).second)
				todo.push_back(n);
		}
	}
	return true;
}

const pb::Descriptor *Schema::Message(const std::string &name, std::string *why)
{
	const pb::Descriptor *d;

	if (!from_file_ && !Reaches(name, why))
		return nullptr;
	d = pool_->FindMessageTypeByName(name);
	if (!d) {
		*why = "type " + name + " is not described by " + source_;
		if (!errors_->text.empty())
			*why += " (" + errors_->text + ")";
		else if (from_file_)
			*why += "; give a descriptor set that has it";
	}
	return d;
}

}  // namespace fcall
