// SPDX-License-Identifier: GPL-2.0
//
// call.cc - fastipc-call CHANNEL pkg.Svc/Method [JSON]: the JSON request
// becomes the method's input type (libprotobuf's JSON parser on a
// DynamicMessage), packed, sent with fastipc_rpc_call_raw(); the reply is
// parsed as the output type and printed as JSON. With --binary the bytes
// go both ways as they are.
#include <cstdio>
#include <cstdlib>
#include <memory>

#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/util/json_util.h>

#include "fcall.h"

namespace fcall {

namespace pb = google::protobuf;

const Fastipc__Rpc__Method *FindMethod(const Fastipc__Rpc__Description *d,
				       const std::string &full)
{
	size_t slash = full.rfind('/');

	if (slash == std::string::npos)
		return nullptr;
	std::string svc = full.substr(0, slash), name = full.substr(slash + 1);

	for (size_t i = 0; i < d->n_services; i++) {
		const Fastipc__Rpc__Service *s = d->services[i];

		if (svc != s->name)
			continue;
		for (size_t j = 0; j < s->n_methods; j++)
			if (name == s->methods[j]->name)
				return s->methods[j];
	}
	return nullptr;
}

namespace {

// The request's bytes: @a.request itself, or packed from its JSON.
int PackRequest(Schema *schema, const Fastipc__Rpc__Method *m,
		const CallArgs &a, std::string *out)
{
	if (a.binary) {
		*out = a.request;
		return 0;
	}
	std::string why;
	const pb::Descriptor *d = schema->Message(m->input_type, &why);

	if (!d) {
		Error("schema", why);
		return kExitUsage;
	}
	pb::DynamicMessageFactory factory;
	std::unique_ptr<pb::Message> req(factory.GetPrototype(d)->New());
	pb::util::JsonParseOptions opts;
	auto st = pb::util::JsonStringToMessage(a.request, req.get(), opts);

	if (!st.ok()) {
		Error("request", "bad JSON for " + d->full_name() + ": " +
		      std::string(st.message()));
		return kExitUsage;
	}
	if (!req->SerializeToString(out)) {
		Error("request", "cannot pack " + d->full_name());
		return kExitUsage;
	}
	return 0;
}

// Print the reply: its bytes, or as JSON of the method's output type.
int PrintReply(Schema *schema, const Fastipc__Rpc__Method *m,
	       const CallArgs &a, const void *buf, size_t len)
{
	if (a.binary) {
		if (len && fwrite(buf, 1, len, stdout) != len) {
			Error("stdout", "short write");
			return kExitFail;
		}
		return fflush(stdout) ? (Error("stdout", "flush failed"),
					 kExitFail) : 0;
	}
	std::string why, json;
	const pb::Descriptor *d = schema->Message(m->output_type, &why);

	if (!d) {
		Error("schema", why);
		return kExitUsage;
	}
	pb::DynamicMessageFactory factory;
	std::unique_ptr<pb::Message> rep(factory.GetPrototype(d)->New());

	if (!rep->ParseFromArray(buf, int(len))) {
		Error("reply", "does not parse as " + d->full_name() + " (" +
		      std::to_string(len) + " bytes)");
		return kExitFail;
	}
	auto st = pb::util::MessageToJsonString(*rep, &json);
	if (!st.ok()) {
		Error("reply", std::string(st.message()));
		return kExitFail;
	}
	printf("%s\n", json.c_str());
	return fflush(stdout) ? (Error("stdout", "flush failed"), kExitFail) : 0;
}

}  // namespace

int Call(struct fastipc_rpc_client *cl, const Fastipc__Rpc__Description *d,
	 Schema *schema, const CallArgs &a)
{
	const Fastipc__Rpc__Method *m = FindMethod(d, a.method);
	struct fastipc_rpc_call_opts opts = {};
	struct fastipc_rpc_status st;
	std::string req;
	void *rep = nullptr;
	size_t rep_len = 0;
	char buf[FASTIPC_RPC_MSG_MAX + 160];
	int ret;

	if (!m) {
		Error(a.method, "no such method on channel " + a.channel +
		      " (fastipc-call " + a.channel + " lists them)");
		return kExitUsage;
	}
	// Types are checked before the call: a reply is never left unread.
	std::string why;
	if (!a.binary && !schema->Message(m->output_type, &why)) {
		Error("schema", why);
		return kExitUsage;
	}
	ret = PackRequest(schema, m, a, &req);
	if (ret)
		return ret;
	opts.deadline_ns = a.deadline_ns ? a.deadline_ns : FASTIPC_TIMEOUT_INF;
	ret = fastipc_rpc_call_raw(cl, ("/" + a.method).c_str(), req.data(),
				   req.size(), &opts, &rep, &rep_len, &st);
	if (ret != FASTIPC_RPC_OK) {
		// The message may be the server's: escape it.
		fprintf(stderr, "fastipc-call: %s\n",
			Escape(fastipc_rpc_strerror(&st, buf,
						    sizeof(buf))).c_str());
		return kExitFail;
	}
	ret = PrintReply(schema, m, a, rep, rep_len);
	free(rep);
	return ret;
}

}  // namespace fcall
