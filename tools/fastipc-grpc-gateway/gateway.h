/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fastipc-grpc-gateway: what the files of the gateway share.
 *
 *  main.cc     options, signals, counters, logging
 *  export.cc   gRPC clients -> fastipc-rpc channels (a generic gRPC service)
 *  import.cc   fastipc-rpc callers -> a gRPC server (a raw fastipc-rpc server)
 *  descset.cc  a protoc --descriptor_set_out file -> a fastipc.rpc.Description
 *  status.cc   status codes and messages, both ways
 */
#ifndef FASTIPC_GRPC_GATEWAY_H
#define FASTIPC_GRPC_GATEWAY_H

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include <fastipc-rpc.h>

namespace gw {

/* Default --max-message: gRPC's default receive limit, 4 MiB. */
constexpr uint64_t kMaxMessageDefault = 4ULL << 20;
/* Default --workers. */
constexpr unsigned kWorkersDefault = 4;
/* Default --max-deadline, in seconds: the longest a call may wait. */
constexpr unsigned kMaxDeadlineDefault = 300;
/*
 * How long SIGTERM waits for calls in flight to be answered before it
 * fails them with UNAVAILABLE, in milliseconds.
 */
constexpr int kDrainMs = 2000;

struct Options {
	std::string mode;		/* "export" or "import" */
	std::string listen;		/* export: HOST:PORT or unix:/abs/path */
	std::vector<std::string> channels; /* export: one or more */
	std::string channel;		/* import */
	std::string target;		/* import: HOST:PORT or unix:/abs/path */
	std::string descriptor_set;	/* import */
	std::vector<std::string> services; /* import: empty = all */
	unsigned chan_mode = 0660;	/* import */
	unsigned workers = kWorkersDefault;
	uint64_t max_message = kMaxMessageDefault;
	/* Cap on a call's time left (also when it has no deadline), s. */
	unsigned max_deadline = kMaxDeadlineDefault;
	/* export: calls queued + running at most; 0: workers * 4. */
	unsigned max_inflight = 0;
};

/*
 * The counters SIGUSR1 prints: calls taken, answered OK, answered with
 * another status, of which UNAVAILABLE and DEADLINE_EXCEEDED, message
 * bytes received from callers and sent back, calls not answered yet,
 * calls refused because --max-inflight were in flight (export).
 */
struct Counters {
	std::atomic<uint64_t> calls{0};
	std::atomic<uint64_t> ok{0};
	std::atomic<uint64_t> failed{0};
	std::atomic<uint64_t> unavailable{0};
	std::atomic<uint64_t> deadline{0};
	std::atomic<uint64_t> bytes_in{0};
	std::atomic<uint64_t> bytes_out{0};
	std::atomic<int64_t> inflight{0};
	std::atomic<uint64_t> busy{0};
};

extern Counters counters;

/* Count the end of a call with status @code (enum fastipc_rpc_code). */
void count_done(int code);

/* Log one line to stderr, "fastipc-grpc-gateway: " first. */
void log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* status.cc */
grpc::Status to_grpc(const struct fastipc_rpc_status &st);
grpc::Status to_grpc(int code, const std::string &message);
/* The fastipc code (0..FASTIPC_RPC_CODE_MAX) of a gRPC status. */
int from_grpc(const grpc::Status &s);

/* Time left until a system_clock deadline, in ns; 0 when past; INF for max. */
uint64_t ns_left(std::chrono::system_clock::time_point deadline);

/*
 * descset.cc: read @path (a FileDescriptorSet) and describe its services
 * (all, or those named in @services) with the message and enum types
 * their methods reach. Streaming methods are left out (logged). Return:
 * the description (free with fastipc_rpc_free()), or NULL with @err set.
 */
Fastipc__Rpc__Description *load_descriptor_set(
	const std::string &path, const std::vector<std::string> &services,
	std::string *err);

/*
 * A gateway's run: start() builds everything and serves from its own
 * threads, or logs why not and returns -1; stop() (from the main thread,
 * on SIGTERM) stops taking calls, waits up to kDrainMs for those in
 * flight to be answered, fails the rest with UNAVAILABLE, and returns.
 */
class Gateway {
public:
	virtual ~Gateway() = default;
	virtual int start(const Options &opt) = 0;
	virtual void stop() = 0;
};

Gateway *new_export_gateway();
Gateway *new_import_gateway();

} /* namespace gw */

#endif /* FASTIPC_GRPC_GATEWAY_H */
