// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc-bench: gRPC C++ over a Unix socket (Debian's libgrpc++, the
 * synchronous API, bench.proto compiled by protoc with grpc_cpp_plugin),
 * the RPC system a user would otherwise reach for.
 *
 * The server process builds one grpc::Server listening on
 * unix:$TMPDIR/NAME.sock (default /tmp) with the Bench service; its own
 * thread pool serves every pair (serve(pair 0) waits on it, the other
 * serve() calls only wait). Each client process makes a channel to it and
 * calls Sum through the generated stub: the request Blob carries the SIZE
 * bytes (written in place by bench_fill()), the reply Blob their 8-byte
 * checksum. Message size limits are lifted on both sides (the default is
 * 4 MiB for a received message).
 *
 * Only the server and client processes touch gRPC: the parent, which
 * forks them, never initialises it (gRPC's threads do not survive fork()).
 */
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include <unistd.h>

#include <grpcpp/grpcpp.h>

#include "bench.grpc.pb.h"
#include "bench.h"
#include "mech-grpc.h"
#include "mech.h"

namespace {

using fastipc::bench::Bench;
using fastipc::bench::Blob;

/* How long a client waits for the server's socket to connect. */
constexpr int kConnectTimeoutS = 30;

std::string sock_path(const struct mech_ctx *c)
{
	const char *dir = getenv("TMPDIR");

	return std::string(dir && *dir ? dir : "/tmp") + "/" + c->name +
		".sock";
}

class SumService final : public Bench::Service {
public:
	explicit SumService(size_t size) : size_(size) {}

	grpc::Status Sum(grpc::ServerContext *, const Blob *req,
			 Blob *rep) override
	{
		uint64_t h;

		if (req->data().size() != size_)
			return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
					    "request of another size");
		h = bench_sum(req->data().data(), req->data().size());
		rep->set_data(&h, sizeof(h));
		return grpc::Status::OK;
	}

private:
	size_t size_;
};

struct GrpcServer {
	explicit GrpcServer(size_t size) : service(size) {}
	SumService service;
	std::unique_ptr<grpc::Server> server;
};

struct GrpcClient {
	std::unique_ptr<Bench::Stub> stub;
	Blob req;
	size_t size = 0;
};

int grpc_server_init(struct mech_ctx *c)
{
	std::string addr = "unix:" + sock_path(c);

	try {
		auto *s = new GrpcServer(c->size);
		grpc::ServerBuilder b;

		b.AddListeningPort(addr, grpc::InsecureServerCredentials());
		b.RegisterService(&s->service);
		b.SetMaxReceiveMessageSize(-1);
		b.SetMaxSendMessageSize(-1);
		s->server = b.BuildAndStart();
		if (!s->server) {
			delete s;
			return bench_err(-EADDRNOTAVAIL, "gRPC server on %s",
					 addr.c_str());
		}
		c->srv = s;
		return 0;
	} catch (...) {
		return bench_err(-ENOMEM, "gRPC server on %s", addr.c_str());
	}
}

int grpc_serve(struct mech_ctx *c, unsigned int pair)
{
	auto *s = static_cast<GrpcServer *>(c->srv);

	if (pair) {
		for (;;)
			pause();
	}
	s->server->Wait();
	return -ECANCELED;
}

void grpc_cleanup(struct mech_ctx *c)
{
	unlink(sock_path(c).c_str());
}

int grpc_setup(struct mech_ctx *c, unsigned int pair, void **state)
{
	(void)pair;
	return grpc_client_connect(("unix:" + sock_path(c)).c_str(), c->size,
				   state);
}

int grpc_round(void *state, uint64_t seed)
{
	return grpc_client_round(state, seed);
}

int grpc_teardown(void *state, unsigned long rounds, char *note, size_t cap)
{
	(void)rounds;
	snprintf(note, cap, "gRPC %s, synchronous, unix socket",
		 grpc_version_string());
	grpc_client_free(state);
	return 0;
}

} // namespace

extern "C" int grpc_client_connect(const char *addr, size_t size,
				   void **state)
{
	try {
		auto *g = new GrpcClient;
		grpc::ChannelArguments args;

		args.SetMaxReceiveMessageSize(-1);
		args.SetMaxSendMessageSize(-1);
		auto ch = grpc::CreateCustomChannel(
			addr, grpc::InsecureChannelCredentials(), args);
		if (!ch->WaitForConnected(std::chrono::system_clock::now() +
					  std::chrono::seconds(
						  kConnectTimeoutS))) {
			delete g;
			return bench_err(-ETIMEDOUT, "gRPC connect to %s",
					 addr);
		}
		g->stub = Bench::NewStub(ch);
		g->size = size;
		g->req.mutable_data()->resize(size);
		*state = g;
		return 0;
	} catch (...) {
		return bench_err(-ENOMEM, "gRPC client of %s", addr);
	}
}

extern "C" int grpc_client_round(void *state, uint64_t seed)
{
	auto *g = static_cast<GrpcClient *>(state);
	std::string *d = g->req.mutable_data();
	uint64_t h = bench_fill(&(*d)[0], g->size, seed), got;
	grpc::ClientContext ctx;
	Blob rep;
	grpc::Status st = g->stub->Sum(&ctx, g->req, &rep);

	if (!st.ok()) {
		fprintf(stderr, "%s: gRPC Sum: %d %s\n", bench_prog,
			static_cast<int>(st.error_code()),
			st.error_message().c_str());
		return st.error_code() == grpc::StatusCode::UNAVAILABLE ?
			-ECONNRESET : -EIO;
	}
	if (rep.data().size() != sizeof(got))
		return -EPROTO;
	memcpy(&got, rep.data().data(), sizeof(got));
	return got == h ? 0 : -EBADMSG;
}

extern "C" void grpc_client_free(void *state)
{
	delete static_cast<GrpcClient *>(state);
}

extern "C" const char *grpc_version_string(void)
{
	static const std::string v = grpc::Version();

	return v.c_str();
}

extern "C" const struct mech mech_grpc = {
	.name = "grpc",
	.label = "gRPC C++ over a Unix socket",
	.usable = nullptr,
	.shared_size = nullptr,
	.prepare = nullptr,
	.cleanup = grpc_cleanup,
	.server_init = grpc_server_init,
	.serve = grpc_serve,
	.setup = grpc_setup,
	.round = grpc_round,
	.teardown = grpc_teardown,
	.helper_cpu_ns = nullptr,
	.spins = MECH_SPINS_NO,
};
