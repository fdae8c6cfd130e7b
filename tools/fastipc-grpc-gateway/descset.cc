// SPDX-License-Identifier: GPL-2.0
/*
 * A descriptor set (protoc --descriptor_set_out=FILE --include_imports)
 * into the fastipc.rpc.Description an import gateway serves
 * (fastipc_rpc_server_add_raw()): its services, their unary methods, and
 * every message and enum type those methods reach, with their fields.
 *
 * libprotobuf links the files (a DescriptorPool resolves every type name
 * and says what is missing); the description is built as libprotobuf's
 * C++ message of lib/rpc/fastipc-rpc-describe.proto, packed, and unpacked
 * by protobuf-c into the C structure the library takes: one schema, no
 * hand-kept copy of it.
 */
#include <fstream>
#include <set>
#include <sstream>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>

#include "fastipc-rpc-describe.pb.h"
#include "gateway.h"

namespace gw {

namespace pb = google::protobuf;

namespace {

/* A descriptor set larger than this is not read (64 MiB). */
constexpr std::streamsize kDescSetMax = 64 << 20;

class ErrorCollector : public pb::DescriptorPool::ErrorCollector {
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

struct Builder {
	fastipc::rpc::Description out;
	std::set<std::string> seen;

	void add_enum(const pb::EnumDescriptor *e)
	{
		if (!seen.insert(e->full_name()).second)
			return;
		auto *et = out.add_enums();
		et->set_name(e->full_name());
		for (int i = 0; i < e->value_count(); i++) {
			auto *v = et->add_values();
			v->set_name(e->value(i)->name());
			v->set_number(e->value(i)->number());
		}
	}

	void add_field(fastipc::rpc::MessageType *mt,
		       const pb::FieldDescriptor *f)
	{
		auto *fo = mt->add_fields();

		fo->set_name(f->name());
		fo->set_number(f->number());
		/* Both enums have FieldDescriptorProto's numbers. */
		fo->set_label(f->label());
		fo->set_type(f->type());
		fo->set_packed(f->is_packed());
		fo->set_proto3_optional(f->has_optional_keyword() &&
					f->file()->syntax() ==
					pb::FileDescriptor::SYNTAX_PROTO3);
		if (f->real_containing_oneof())
			fo->set_oneof(f->real_containing_oneof()->name());
		if (f->message_type()) {
			fo->set_type_name(f->message_type()->full_name());
			add_message(f->message_type());
		} else if (f->enum_type()) {
			fo->set_type_name(f->enum_type()->full_name());
			add_enum(f->enum_type());
		}
	}

	void add_message(const pb::Descriptor *d)
	{
		if (!seen.insert(d->full_name()).second)
			return;
		/* The fields may add types: fill this one by index. */
		int idx = out.types_size();
		out.add_types()->set_name(d->full_name());
		fastipc::rpc::MessageType mt;
		for (int i = 0; i < d->field_count(); i++)
			add_field(&mt, d->field(i));
		out.mutable_types(idx)->mutable_fields()->Swap(
			mt.mutable_fields());
	}

	void add_service(const pb::ServiceDescriptor *s)
	{
		fastipc::rpc::Service so;

		so.set_name(s->full_name());
		for (int i = 0; i < s->method_count(); i++) {
			const pb::MethodDescriptor *m = s->method(i);

			if (m->client_streaming() || m->server_streaming()) {
				log("%s: streaming method %s left out (the "
				    "gateway carries unary calls)",
				    s->full_name().c_str(), m->name().c_str());
				continue;
			}
			auto *mo = so.add_methods();
			mo->set_name(m->name());
			mo->set_input_type(m->input_type()->full_name());
			mo->set_output_type(m->output_type()->full_name());
			add_message(m->input_type());
			add_message(m->output_type());
		}
		if (so.methods_size())
			out.add_services()->Swap(&so);
		else
			log("%s: no unary method: left out",
			    s->full_name().c_str());
	}
};

bool read_file(const std::string &path, std::string *data, std::string *err)
{
	std::ifstream in(path, std::ios::binary);

	if (!in) {
		*err = path + ": cannot open: " + strerror(errno);
		return false;
	}
	std::ostringstream ss;
	ss << in.rdbuf();
	if (in.bad()) {
		*err = path + ": read error";
		return false;
	}
	*data = ss.str();
	if ((std::streamsize)data->size() > kDescSetMax) {
		*err = path + ": larger than 64 MiB";
		return false;
	}
	return true;
}

} /* namespace */

Fastipc__Rpc__Description *load_descriptor_set(
	const std::string &path, const std::vector<std::string> &services,
	std::string *err)
{
	std::string data;
	pb::FileDescriptorSet set;
	pb::DescriptorPool pool;
	ErrorCollector ec;
	Builder b;

	if (!read_file(path, &data, err))
		return nullptr;
	if (!set.ParseFromString(data)) {
		*err = path + ": not a FileDescriptorSet (protoc "
			"--descriptor_set_out)";
		return nullptr;
	}
	/* --include_imports lists dependencies before their users. */
	std::vector<const pb::FileDescriptor *> files;
	for (const auto &fp : set.file()) {
		const pb::FileDescriptor *fd =
			pool.BuildFileCollectingErrors(fp, &ec);
		if (!fd) {
			*err = path + ": " + (ec.text.empty() ?
				fp.name() + ": does not build" : ec.text) +
				" (made with --include_imports?)";
			return nullptr;
		}
		files.push_back(fd);
	}
	std::set<std::string> want(services.begin(), services.end());
	for (const auto *fd : files)
		for (int i = 0; i < fd->service_count(); i++) {
			const pb::ServiceDescriptor *s = fd->service(i);

			if (!want.empty() && !want.erase(s->full_name()))
				continue;
			b.add_service(s);
		}
	if (!want.empty()) {
		*err = path + ": no service " + *want.begin();
		return nullptr;
	}
	if (b.out.services_size() == 0) {
		*err = path + ": describes no service with a unary method";
		return nullptr;
	}
	b.out.set_version(FASTIPC_RPC_WIRE_VERSION);
	std::string packed;
	if (!b.out.SerializeToString(&packed)) {
		*err = path + ": the description does not pack";
		return nullptr;
	}
	Fastipc__Rpc__Description *d = fastipc__rpc__description__unpack(
		nullptr, packed.size(), (const uint8_t *)packed.data());
	if (!d)
		*err = path + ": the description does not unpack";
	return d;
}

} /* namespace gw */
