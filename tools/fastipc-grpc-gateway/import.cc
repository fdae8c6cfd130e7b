// SPDX-License-Identifier: GPL-2.0
/*
 * Import: a remote gRPC service appears as a local fastipc-rpc channel.
 *
 * The gateway creates the channel (--mode), describes the services of
 * the descriptor set on it (fastipc_rpc_server_add_raw(): the library
 * checks requests against their schemas and answers the describe call)
 * and forwards every call, on fastipc's pool threads, through one
 * grpc::GenericStub: the request bytes as they came, the time the caller
 * has left as the gRPC deadline, the caller's kernel-recorded pid, uid
 * and gid as metadata. The gRPC status and message come back as the
 * call's status, the reply bytes as they came. A pool thread blocks in
 * the gRPC call (a condition variable waits for its completion): fastipc
 * handlers may block, and there are --workers of them.
 *
 * stop() stops the pool from taking calls, gives those in flight
 * kDrainMs to be answered, then cancels them: their callers get
 * UNAVAILABLE.
 */
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <set>
#include <thread>

#include <time.h>
#include <unistd.h>

#include <grpcpp/generic/generic_stub.h>

#include "gateway.h"

namespace gw {

namespace {

using std::chrono::system_clock;

/*
 * The fastipc caller's metadata that go on to the gRPC server: not the
 * gateway's own keys (x-fastipc-caller-*), not gRPC's reserved ones
 * (grpc-*), not binary ones (*-bin), and only values gRPC accepts as
 * text (printable ASCII).
 */
bool forwardable(const char *key, const char *value)
{
	size_t n = strlen(key);

	if (strncmp(key, "x-fastipc-caller-", 17) == 0 ||
	    strncmp(key, "grpc-", 5) == 0 ||
	    (n >= 4 && strcmp(key + n - 4, "-bin") == 0))
		return false;
	for (const char *p = value; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			return false;
	return true;
}

class ImportGateway final : public Gateway {
public:
	~ImportGateway() override;
	int start(const Options &opt) override;
	void stop() override;

	void forward(struct fastipc_rpc_ctx *ctx, const uint8_t *req,
		     size_t len);

private:
	grpc::Status call_remote(grpc::ClientContext *cc,
				 const std::string &method, const uint8_t *req,
				 size_t len, grpc::ByteBuffer *out);

	struct fastipc_dev *dev_ = nullptr;
	int chan_fd_ = -1;
	uint64_t max_deadline_ns_ = 0;
	struct fastipc_rpc_server *srv_ = nullptr;
	Fastipc__Rpc__Description *desc_ = nullptr;
	std::shared_ptr<grpc::Channel> channel_;
	std::unique_ptr<grpc::GenericStub> stub_;
	std::thread runner_;
	int run_ret_ = 0;
	std::atomic<bool> stopping_{false};
	std::mutex mu_;		/* inflight_ */
	std::condition_variable idle_;
	std::set<grpc::ClientContext *> inflight_;
};

void handle(struct fastipc_rpc_ctx *ctx, const uint8_t *req, size_t len,
	    void *data)
{
	static_cast<ImportGateway *>(data)->forward(ctx, req, len);
}

/*
 * The caller's deadline (absolute CLOCK_MONOTONIC ns) on the system clock,
 * at most @max_ns from now: also when the caller has none (a target that
 * never answers must not hold a worker forever), and so that a far-future
 * deadline cannot overflow the clock arithmetic.
 */
void set_deadline(grpc::ClientContext *cc, uint64_t deadline, uint64_t max_ns)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	uint64_t now = (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
	uint64_t left = deadline > now ? deadline - now : 0;
	if (deadline == FASTIPC_TIMEOUT_INF || left > max_ns)
		left = max_ns;
	cc->set_deadline(system_clock::now() +
			 std::chrono::nanoseconds((int64_t)left));
}

/*
 * Call the target: @cc carries the deadline and metadata. Blocks until
 * the call ends. Return: its status (UNAVAILABLE when stop() cancelled it
 * or came first).
 */
grpc::Status ImportGateway::call_remote(grpc::ClientContext *cc,
					const std::string &method,
					const uint8_t *req, size_t len,
					grpc::ByteBuffer *out)
{
	grpc::Slice slice(req, len);	/* the gRPC call's own copy */
	grpc::ByteBuffer in(&slice, 1);
	grpc::Status status;
	bool done = false;
	std::mutex mu;
	std::condition_variable cv;
	const grpc::Status down(grpc::StatusCode::UNAVAILABLE,
				"fastipc-grpc-gateway: shutting down");

	{
		std::lock_guard<std::mutex> lk(mu_);
		if (stopping_)
			return down;
		inflight_.insert(cc);
	}
	stub_->UnaryCall(cc, method, grpc::StubOptions(), &in, out,
			 [&](grpc::Status s) {
		std::lock_guard<std::mutex> lk(mu);
		status = std::move(s);
		done = true;
		cv.notify_one();
	});
	{
		std::unique_lock<std::mutex> lk(mu);
		cv.wait(lk, [&] { return done; });
	}
	{
		std::lock_guard<std::mutex> lk(mu_);
		inflight_.erase(cc);
		if (inflight_.empty())
			idle_.notify_all();
	}
	if (status.error_code() == grpc::StatusCode::CANCELLED && stopping_)
		return down;
	return status;
}

void ImportGateway::forward(struct fastipc_rpc_ctx *ctx, const uint8_t *req,
			    size_t len)
{
	const struct fastipc_msg_hdr *h = fastipc_rpc_ctx_hdr(ctx);
	grpc::ClientContext cc;
	grpc::ByteBuffer out;
	const char *key, *value;

	counters.calls++;
	counters.inflight++;
	counters.bytes_in += len;
	set_deadline(&cc, fastipc_rpc_ctx_deadline(ctx), max_deadline_ns_);
	for (unsigned i = 0; fastipc_rpc_ctx_md_at(ctx, i, &key, &value) == 0;
	     i++)
		if (forwardable(key, value))
			cc.AddMetadata(key, value);
	cc.AddMetadata("x-fastipc-caller-pid", std::to_string(h->pid));
	cc.AddMetadata("x-fastipc-caller-uid", std::to_string(h->uid));
	cc.AddMetadata("x-fastipc-caller-gid", std::to_string(h->gid));

	grpc::Status status = call_remote(&cc, fastipc_rpc_ctx_method(ctx),
					  req, len, &out);
	if (status.ok()) {
		grpc::Slice rep;
		status = out.DumpToSingleSlice(&rep);
		if (status.ok()) {
			int ret = fastipc_rpc_ctx_reply_raw(ctx, rep.begin(),
							    rep.size());
			if (ret < 0)
				status = to_grpc(fastipc_rpc_code_from_errno(ret),
						 std::string("reply: ") +
						 strerror(-ret));
			else
				counters.bytes_out += rep.size();
		}
	}
	if (!status.ok())
		fastipc_rpc_ctx_set_status(ctx, from_grpc(status), "%s",
					   status.error_message().c_str());
	count_done(from_grpc(status));
	counters.inflight--;
}

int ImportGateway::start(const Options &opt)
{
	std::string err;
	int ret;

	max_deadline_ns_ = opt.max_deadline * 1000000000ULL;
	desc_ = load_descriptor_set(opt.descriptor_set, opt.services, &err);
	if (!desc_) {
		log("%s", err.c_str());
		return -1;
	}
	grpc::ChannelArguments args;
	args.SetMaxReceiveMessageSize((int)opt.max_message);
	args.SetMaxSendMessageSize((int)opt.max_message);
	channel_ = grpc::CreateCustomChannel(
		opt.target, grpc::InsecureChannelCredentials(), args);
	stub_ = std::make_unique<grpc::GenericStub>(channel_);

	ret = fastipc_open(&dev_);
	if (ret < 0) {
		log("/dev/fastipc: %s", strerror(-ret));
		return -1;
	}
	chan_fd_ = fastipc_chan_create(dev_, opt.channel.c_str(), 0,
				       opt.chan_mode, nullptr);
	if (chan_fd_ < 0) {
		log("channel %s: create: %s", opt.channel.c_str(),
		    strerror(-chan_fd_));
		return -1;
	}
	struct fastipc_rpc_server_opts so = {};
	so.max_message = opt.max_message;
	ret = fastipc_rpc_server_create(chan_fd_, opt.workers, &so, &srv_);
	if (ret == 0)
		ret = fastipc_rpc_server_add_raw(srv_, desc_, handle, this);
	if (ret < 0) {
		log("channel %s: serve %s: %s", opt.channel.c_str(),
		    opt.descriptor_set.c_str(), strerror(-ret));
		return -1;
	}
	for (size_t i = 0; i < desc_->n_services; i++)
		log("channel %s: %s (%zu method(s)) -> %s", opt.channel.c_str(),
		    desc_->services[i]->name, desc_->services[i]->n_methods,
		    opt.target.c_str());
	runner_ = std::thread([this] {
		run_ret_ = fastipc_rpc_server_run(srv_);
		if (run_ret_ < 0 && !stopping_)
			log("channel: server ended: %s", strerror(-run_ret_));
	});
	return 0;
}

void ImportGateway::stop()
{
	stopping_ = true;
	if (srv_)
		fastipc_rpc_server_stop(srv_);
	{
		std::unique_lock<std::mutex> lk(mu_);
		if (!idle_.wait_for(lk, std::chrono::milliseconds(kDrainMs),
				    [this] { return inflight_.empty(); })) {
			log("%zu call(s) in flight failed with UNAVAILABLE",
			    inflight_.size());
			for (auto *cc : inflight_)
				cc->TryCancel();
		}
	}
	if (runner_.joinable())
		runner_.join();
}

ImportGateway::~ImportGateway()
{
	fastipc_rpc_server_destroy(srv_);
	if (chan_fd_ >= 0)
		close(chan_fd_);
	fastipc_close(dev_);
	if (desc_)
		fastipc__rpc__description__free_unpacked(desc_, nullptr);
}

} /* namespace */

Gateway *new_import_gateway()
{
	return new ImportGateway();
}

} /* namespace gw */
