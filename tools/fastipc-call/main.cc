// SPDX-License-Identifier: GPL-2.0
//
// fastipc-call - call a fastipc-rpc method by hand, as grpcurl does for
// gRPC and busctl for D-Bus:
//   fastipc-call [-p FILE] CHANNEL                     list what it serves
//   fastipc-call [-p FILE] [--deadline SECONDS] [--binary] [-d DATA|@FILE]
//                CHANNEL pkg.Svc/Method [JSON]          call one method
// Exit 0 on OK; 1 when the bind or call failed ("fastipc-call: CODE:
// message" on stderr); 2 on a usage, JSON or schema error.
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <getopt.h>
#include <iostream>
#include <iterator>
#include <sstream>

#include "fcall.h"

namespace fcall {

void Error(const std::string &what, const std::string &why)
{
	fprintf(stderr, "fastipc-call: %s: %s\n", what.c_str(), why.c_str());
}

}  // namespace fcall

using namespace fcall;

namespace {

// Largest request or reply, in bytes, unless the request is larger: the
// key-value example's 4 MiB values fit.
constexpr uint64_t kMaxMessage = 8ULL << 20;

struct Options {
	std::string proto_set;	// -p FILE
	std::string data;	// -d DATA|@FILE, as given
	bool have_data = false;
	CallArgs call;
	bool list = false;
};

void Usage(FILE *f)
{
	fprintf(f,
		"usage: fastipc-call [-p FILE] CHANNEL\n"
		"       fastipc-call [-p FILE] [--deadline SECONDS] [--binary]"
		" [-d DATA|@FILE] CHANNEL pkg.Svc/Method [JSON]\n"
		"  -p, --proto-set FILE  message types from a descriptor set"
		" (protoc --descriptor_set_out)\n"
		"  -d, --data DATA|@FILE the request (@- reads stdin)\n"
		"  --deadline SECONDS    fail with DEADLINE_EXCEEDED after this\n"
		"  --binary              request and reply are packed protobuf"
		" bytes\n");
}

// The request: DATA itself, or the contents of FILE ("-": stdin).
bool ReadData(const std::string &arg, std::string *out)
{
	if (arg.empty() || arg[0] != '@') {
		*out = arg;
		return true;
	}
	std::string path = arg.substr(1);
	std::ostringstream s;

	if (path == "-") {
		s << std::cin.rdbuf();
		*out = s.str();
		if (std::cin.bad()) {
			Error("stdin", strerror(errno));
			return false;
		}
		return true;
	}
	std::ifstream in(path, std::ios::binary);
	if (!in) {
		Error(path, strerror(errno));
		return false;
	}
	s << in.rdbuf();
	*out = s.str();
	return true;
}

bool ParseDeadline(const char *s, uint64_t *ns)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !std::isfinite(v) || v <= 0 ||
	    v > 1e9)
		return false;
	*ns = uint64_t(v * 1e9);
	return *ns > 0;
}

// Parse argv into @o. Return: -1 to go on, else the exit code.
int ParseArgs(int argc, char **argv, Options *o)
{
	enum { OPT_DEADLINE = 256, OPT_BINARY };
	static const struct option longopts[] = {
		{ "proto-set", required_argument, nullptr, 'p' },
		{ "data", required_argument, nullptr, 'd' },
		{ "deadline", required_argument, nullptr, OPT_DEADLINE },
		{ "binary", no_argument, nullptr, OPT_BINARY },
		{ "help", no_argument, nullptr, 'h' },
		{ nullptr, 0, nullptr, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "p:d:h", longopts, nullptr)) != -1) {
		switch (c) {
		case 'p':
			o->proto_set = optarg;
			break;
		case 'd':
			o->data = optarg;
			o->have_data = true;
			break;
		case OPT_DEADLINE:
			if (!ParseDeadline(optarg, &o->call.deadline_ns)) {
				Error("--deadline", std::string("'") + optarg +
				      "' is not a positive number of seconds");
				return kExitUsage;
			}
			break;
		case OPT_BINARY:
			o->call.binary = true;
			break;
		case 'h':
			Usage(stdout);
			return 0;
		default:
			Usage(stderr);
			return kExitUsage;
		}
	}
	int n = argc - optind;
	if (n < 1 || n > 3 || (n == 3 && o->have_data) ||
	    (n == 1 && (o->have_data || o->call.binary || o->call.deadline_ns))) {
		Usage(stderr);
		return kExitUsage;
	}
	o->call.channel = argv[optind];
	o->list = n == 1;
	if (o->list)
		return -1;
	o->call.method = argv[optind + 1];
	if (!o->call.method.empty() && o->call.method[0] == '/')
		o->call.method.erase(0, 1);
	if (o->call.method.find('/') == std::string::npos) {
		Error(o->call.method, "not a method: give pkg.Svc/Method");
		return kExitUsage;
	}
	if (n == 3)
		o->call.request = argv[optind + 2];
	else if (o->have_data && !ReadData(o->data, &o->call.request))
		return kExitUsage;
	else if (!o->have_data && !o->call.binary)
		o->call.request = "{}";
	return -1;
}

// Bind to the channel; print why not. Return: the client, or NULL.
struct fastipc_rpc_client *Bind(struct fastipc_dev *dev, const Options &o)
{
	struct fastipc_rpc_bind_opts bo = {};
	struct fastipc_rpc_client *cl = nullptr;
	struct fastipc_rpc_status st;
	char buf[FASTIPC_RPC_MSG_MAX + 160];

	bo.deadline_ns = o.call.deadline_ns ? o.call.deadline_ns :
			 FASTIPC_TIMEOUT_INF;
	bo.max_message = std::max<uint64_t>(kMaxMessage,
					    o.call.request.size());
	if (fastipc_rpc_bind_generic(dev, o.call.channel.c_str(), &bo, &cl,
				     &st) != FASTIPC_RPC_OK) {
		// The message may be the server's: escape it.
		fprintf(stderr, "fastipc-call: %s\n",
			Escape(fastipc_rpc_strerror(&st, buf,
						    sizeof(buf))).c_str());
		return nullptr;
	}
	return cl;
}

// Bound: load the schema, then list or call.
int Run(struct fastipc_rpc_client *cl, const Options &o)
{
	const Fastipc__Rpc__Description *d = fastipc_rpc_client_description(cl);
	Schema schema;
	std::string why;

	if (!d) {
		Error(o.call.channel, "the server gave no description");
		return kExitFail;
	}
	if (!CheckDescription(d, &why)) {
		Error("the server's description", why);
		return kExitFail;
	}
	schema.SetSource("the server of " + o.call.channel);
	if (!o.proto_set.empty() ? !schema.FromFile(o.proto_set, &why) :
	    !schema.FromDescription(d, &why)) {
		Error(o.proto_set.empty() ? "schema" : o.proto_set, why);
		return kExitUsage;
	}
	return o.list ? List(d, &schema) : Call(cl, d, &schema, o.call);
}

}  // namespace

int main(int argc, char **argv)
{
	struct fastipc_dev *dev = nullptr;
	struct fastipc_rpc_client *cl;
	Options o;
	int ret = ParseArgs(argc, argv, &o);

	if (ret >= 0)
		return ret;
	ret = fastipc_open(&dev);
	if (ret < 0) {
		Error("/dev/fastipc", strerror(-ret));
		return kExitFail;
	}
	cl = Bind(dev, o);
	ret = cl ? Run(cl, o) : kExitFail;
	fastipc_rpc_unbind(cl);
	fastipc_close(dev);
	return ret;
}
