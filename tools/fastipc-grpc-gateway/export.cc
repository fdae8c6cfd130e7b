// SPDX-License-Identifier: GPL-2.0
/*
 * Export: gRPC clients call the methods of local fastipc-rpc channels.
 *
 * One grpc::CallbackGenericService gets every call. Its reactor reads the
 * one request message (StartRead -> OnReadDone), copies it out of the
 * ByteBuffer once, and hands the call to a worker: fastipc_rpc_call_raw()
 * blocks, and gRPC's reactions must not. The worker finds the channel
 * that described the method path at start, calls it with the gRPC
 * deadline's time left and the peer's metadata, and finishes the gRPC
 * call with the reply (one Slice that owns the library's buffer) or the
 * status, code and message as they came.
 *
 * A call is answered once: by its worker, by the reactor on an early
 * error, or by stop() when the drain time is over (UNAVAILABLE). Whoever
 * takes the call's Slot out of the in-flight set answers it.
 *
 * At most --max-inflight calls are queued or running: the next ones are
 * answered RESOURCE_EXHAUSTED at once (counted as busy), so memory stays
 * bounded (each job holds its request, up to --max-message). A job whose
 * call was cancelled while queued is dropped by its worker.
 *
 * A channel whose server went away is bound again by the next call (its
 * client is shared: the last call that used the old one unbinds it).
 */
#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

#include <grpcpp/generic/async_generic_service.h>

#include "gateway.h"
#include "unixlisten.h"

namespace gw {

namespace {

using std::chrono::system_clock;

class Pool {
public:
	void start(unsigned n)
	{
		for (unsigned i = 0; i < n; i++)
			threads_.emplace_back([this] { loop(); });
	}
	void push(std::function<void()> fn)
	{
		std::lock_guard<std::mutex> lk(mu_);
		q_.push_back(std::move(fn));
		cv_.notify_one();
	}
	/* Stop taking work; the threads end after their current job. */
	void stop()
	{
		std::lock_guard<std::mutex> lk(mu_);
		stop_ = true;
		cv_.notify_all();
	}

private:
	void loop()
	{
		for (;;) {
			std::function<void()> fn;
			{
				std::unique_lock<std::mutex> lk(mu_);
				cv_.wait(lk, [this] { return stop_ || !q_.empty(); });
				if (q_.empty())
					return;
				fn = std::move(q_.front());
				q_.pop_front();
			}
			fn();
		}
	}
	std::mutex mu_;
	std::condition_variable cv_;
	std::deque<std::function<void()>> q_;
	std::vector<std::thread> threads_;
	bool stop_ = false;
};

/* A bound client, unbound when its last user lets it go. */
struct Client {
	struct fastipc_rpc_client *cl = nullptr;
	~Client() { fastipc_rpc_unbind(cl); }
};

struct Channel {
	std::string name;
	std::mutex mu;
	std::shared_ptr<Client> client;	/* null: bind at the next call */
};

class ExportGateway;

struct Slot {
	class Call *call;
	std::atomic<bool> cancelled{false};	/* by the client or gRPC */
};

class Call : public grpc::ServerGenericBidiReactor {
public:
	Call(ExportGateway *gw, grpc::GenericCallbackServerContext *ctx);
	void OnReadDone(bool ok) override;
	void OnDone() override { delete this; }
	void OnCancel() override { slot->cancelled = true; }
	/* Answer, when no one has: the Slot's owner only. */
	void answer(const grpc::Status &s, void *rep, size_t len);

	std::shared_ptr<Slot> slot;

private:
	ExportGateway *gw_;
	grpc::GenericCallbackServerContext *ctx_;
	grpc::ByteBuffer req_, rep_;
	Channel *chan_ = nullptr;
	/* The metadata for the fastipc call, taken at creation. */
	std::vector<std::pair<std::string, std::string>> md_;
};

/* What a worker needs of a call, owned by the worker. */
struct Job {
	std::shared_ptr<Slot> slot;
	Channel *chan;
	std::string method;
	grpc::Slice req;
	system_clock::time_point deadline;
	std::vector<std::pair<std::string, std::string>> md;
};

class ExportGateway final : public Gateway,
			    public grpc::CallbackGenericService {
public:
	int start(const Options &opt) override;
	void stop() override;

	grpc::ServerGenericBidiReactor *CreateReactor(
		grpc::GenericCallbackServerContext *ctx) override
	{
		return new Call(this, ctx);
	}

	Channel *route(const std::string &path)
	{
		auto it = routes_.find(path);
		return it == routes_.end() ? nullptr : it->second;
	}
	bool stopping() const { return stopping_.load(); }
	/* Register a call in flight; false when stopping (answer it now). */
	bool enter(const std::shared_ptr<Slot> &s);
	/* Take @s out of the in-flight set: true when the caller answers. */
	bool take(const std::shared_ptr<Slot> &s);
	/*
	 * Reserve a place for a job (queued or running): false when
	 * --max-inflight are; release() gives it back.
	 */
	bool reserve()
	{
		if (jobs_.fetch_add(1) < max_inflight_)
			return true;
		jobs_--;
		return false;
	}
	void release() { jobs_--; }
	unsigned max_inflight() const { return max_inflight_; }
	/* Run @job on a worker; it holds a place from reserve(). */
	void submit(std::unique_ptr<Job> job);
	std::string channel_names() const { return names_; }
	void peer_md(const std::string &peer,
		     std::vector<std::pair<std::string, std::string>> *md)
	{
		listener_.peer_md(peer, md);
	}

private:
	int bind_all(const Options &opt);
	void run(Job *job);
	std::shared_ptr<Client> client_of(Channel *ch, uint64_t deadline_ns,
					  struct fastipc_rpc_status *st);

	struct fastipc_dev *dev_ = nullptr;
	struct fastipc_rpc_bind_opts bopts_ = {};
	uint64_t max_deadline_ns_ = 0;
	std::vector<std::unique_ptr<Channel>> chans_;
	std::map<std::string, Channel *> routes_;
	std::string names_;
	std::unique_ptr<grpc::Server> server_;
	UnixListener listener_;
	Pool pool_;
	std::atomic<bool> stopping_{false};
	unsigned max_inflight_ = 1;
	std::atomic<unsigned> jobs_{0};	/* queued + running */
	std::mutex mu_;		/* inflight_ */
	std::condition_variable idle_;
	std::set<std::shared_ptr<Slot>> inflight_;
};

Call::Call(ExportGateway *gw, grpc::GenericCallbackServerContext *ctx)
	: slot(std::make_shared<Slot>()), gw_(gw), ctx_(ctx)
{
	slot->call = this;
	counters.calls++;
	counters.inflight++;
	if (!gw_->enter(slot)) {
		answer(to_grpc(FASTIPC_RPC_UNAVAILABLE,
			       "fastipc-grpc-gateway: shutting down"), nullptr, 0);
		return;
	}
	/*
	 * The peer's identity now, while the call holds its connection
	 * (and so its fd number) open: later the number may be another's.
	 */
	md_.emplace_back("x-fastipc-peer", ctx_->peer());
	gw_->peer_md(ctx_->peer(), &md_);
	chan_ = gw_->route(ctx_->method());
	if (!chan_) {
		if (gw_->take(slot))
			answer(to_grpc(FASTIPC_RPC_UNIMPLEMENTED,
				       "fastipc-grpc-gateway: no method " +
				       ctx_->method() + " on channel(s) " +
				       gw_->channel_names()), nullptr, 0);
		return;
	}
	StartRead(&req_);
}

void Call::OnReadDone(bool ok)
{
	if (!ok) {
		if (gw_->take(slot))
			answer(to_grpc(FASTIPC_RPC_INVALID_ARGUMENT,
				       "fastipc-grpc-gateway: no request "
				       "message"), nullptr, 0);
		return;
	}
	if (!gw_->reserve()) {
		req_.Clear();
		counters.busy++;
		if (gw_->take(slot))
			answer(to_grpc(FASTIPC_RPC_RESOURCE_EXHAUSTED,
				       "gateway busy: " +
				       std::to_string(gw_->max_inflight()) +
				       " calls in flight (--max-inflight)"),
			       nullptr, 0);
		return;
	}
	auto job = std::make_unique<Job>();
	job->slot = slot;
	job->chan = chan_;
	job->method = ctx_->method();
	job->deadline = ctx_->deadline();
	counters.bytes_in += req_.Length();
	/* The one copy: into one contiguous slice (none if already one). */
	grpc::Status s = req_.DumpToSingleSlice(&job->req);
	req_.Clear();
	if (!s.ok()) {
		gw_->release();
		if (gw_->take(slot))
			answer(s, nullptr, 0);
		return;
	}
	job->md = std::move(md_);
	gw_->submit(std::move(job));
}

void Call::answer(const grpc::Status &s, void *rep, size_t len)
{
	count_done(from_grpc(s));
	counters.inflight--;
	if (!s.ok()) {
		free(rep);
		Finish(s);
		return;
	}
	counters.bytes_out += len;
	grpc::Slice slice(rep, len, free);
	rep_ = grpc::ByteBuffer(&slice, 1);
	StartWriteAndFinish(&rep_, grpc::WriteOptions(), s);
}

bool ExportGateway::enter(const std::shared_ptr<Slot> &s)
{
	std::lock_guard<std::mutex> lk(mu_);
	if (stopping_)
		return false;
	inflight_.insert(s);
	return true;
}

bool ExportGateway::take(const std::shared_ptr<Slot> &s)
{
	std::lock_guard<std::mutex> lk(mu_);
	if (!inflight_.erase(s))
		return false;
	if (inflight_.empty())
		idle_.notify_all();
	return true;
}

void ExportGateway::submit(std::unique_ptr<Job> job)
{
	Job *j = job.release();
	pool_.push([this, j] {
		run(j);
		delete j;
		release();
	});
}

std::shared_ptr<Client> ExportGateway::client_of(
	Channel *ch, uint64_t deadline_ns, struct fastipc_rpc_status *st)
{
	{
		std::lock_guard<std::mutex> lk(ch->mu);
		if (ch->client)
			return ch->client;
	}
	/*
	 * Bind without the lock: a slow bind must not hold up the calls
	 * of other workers. When two bind at once, the first to publish
	 * wins; the other's client is unbound as @c goes out of scope.
	 */
	auto c = std::make_shared<Client>();
	struct fastipc_rpc_bind_opts o = bopts_;
	o.deadline_ns = deadline_ns;
	if (fastipc_rpc_bind_generic(dev_, ch->name.c_str(), &o, &c->cl,
				     st) != FASTIPC_RPC_OK)
		return nullptr;
	std::lock_guard<std::mutex> lk(ch->mu);
	if (!ch->client)
		ch->client = c;
	return ch->client;
}

/* Errors that say the channel's server (or the channel) is gone. */
static bool server_gone(const struct fastipc_rpc_status &st)
{
	return st.code == FASTIPC_RPC_UNAVAILABLE &&
		(st.err == ECONNRESET || st.err == EIDRM || st.err == ENOENT ||
		 st.err == ESHUTDOWN || st.err == EPIPE ||
		 st.err == ECONNREFUSED);
}

void ExportGateway::run(Job *job)
{
	struct fastipc_rpc_status st = {};
	void *rep = nullptr;
	size_t len = 0;

	/* No gRPC deadline, or a later one: --max-deadline. */
	uint64_t left = std::min(ns_left(job->deadline), max_deadline_ns_);
	if (stopping_) {
		st.code = FASTIPC_RPC_UNAVAILABLE;
		snprintf(st.message, sizeof(st.message),
			 "fastipc-grpc-gateway: shutting down");
	} else if (job->slot->cancelled) {
		/* Gone while queued: no one waits for the answer. */
		st.code = FASTIPC_RPC_CANCELLED;
		snprintf(st.message, sizeof(st.message),
			 "fastipc-grpc-gateway: cancelled before the call "
			 "to %s", job->method.c_str());
	} else if (left == 0) {
		st.code = FASTIPC_RPC_DEADLINE_EXCEEDED;
		snprintf(st.message, sizeof(st.message),
			 "fastipc-grpc-gateway: deadline passed before the "
			 "call to %s", job->method.c_str());
	} else if (auto c = client_of(job->chan, left, &st)) {
		std::vector<struct fastipc_rpc_md> md;
		for (const auto &kv : job->md)
			md.push_back({kv.first.c_str(), kv.second.c_str()});
		struct fastipc_rpc_call_opts o = {};
		o.deadline_ns = left;
		o.md = md.data();
		o.n_md = md.size();
		fastipc_rpc_call_raw(c->cl, job->method.c_str(),
				     job->req.begin(), job->req.size(), &o,
				     &rep, &len, &st);
		if (server_gone(st)) {
			std::lock_guard<std::mutex> lk(job->chan->mu);
			if (job->chan->client == c)
				job->chan->client.reset();
		}
	}
	if (take(job->slot))
		job->slot->call->answer(to_grpc(st), rep, len);
	else
		free(rep);
}

int ExportGateway::bind_all(const Options &opt)
{
	int ret = fastipc_open(&dev_);

	if (ret < 0) {
		log("/dev/fastipc: %s", strerror(-ret));
		return -1;
	}
	bopts_.max_message = opt.max_message;
	max_deadline_ns_ = opt.max_deadline * 1000000000ULL;
	for (const auto &name : opt.channels) {
		auto ch = std::make_unique<Channel>();
		struct fastipc_rpc_status st = {};
		char buf[FASTIPC_RPC_MSG_MAX + 128];

		ch->name = name;
		ch->client = client_of(ch.get(), 0, &st);
		if (!ch->client) {
			log("channel %s: %s", name.c_str(),
			    fastipc_rpc_strerror(&st, buf, sizeof(buf)));
			return -1;
		}
		const Fastipc__Rpc__Description *d =
			fastipc_rpc_client_description(ch->client->cl);
		size_t n = 0;
		for (size_t i = 0; d && i < d->n_services; i++) {
			const Fastipc__Rpc__Service *s = d->services[i];
			for (size_t j = 0; j < s->n_methods; j++) {
				std::string path = std::string("/") + s->name +
					"/" + s->methods[j]->name;
				if (!routes_.emplace(path, ch.get()).second) {
					log("channel %s: %s already served by "
					    "channel %s: ignored", name.c_str(),
					    path.c_str(),
					    routes_[path]->name.c_str());
					continue;
				}
				n++;
			}
		}
		log("channel %s: %zu method(s)", name.c_str(), n);
		names_ += (names_.empty() ? "" : ",") + name;
		chans_.push_back(std::move(ch));
	}
	return 0;
}

int ExportGateway::start(const Options &opt)
{
	if (bind_all(opt) < 0)
		return -1;
	grpc::ServerBuilder b;
	int port = 0;
	bool unix_sock = opt.listen.rfind("unix:", 0) == 0;

	max_inflight_ = opt.max_inflight;
	b.RegisterCallbackGenericService(this);
	/* Per connection; --max-inflight bounds the jobs of them all. */
	b.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, 100);
	b.SetMaxReceiveMessageSize((int)opt.max_message);
	b.SetMaxSendMessageSize((int)opt.max_message);
	if (!unix_sock)
		b.AddListeningPort(opt.listen, grpc::InsecureServerCredentials(),
				   &port);
	server_ = b.BuildAndStart();
	if (!server_ || (!unix_sock && port == 0)) {
		log("%s: cannot listen (see gRPC's message above)",
		    opt.listen.c_str());
		return -1;
	}
	if (unix_sock && listener_.start(opt.listen.substr(5),
					 server_.get()) < 0)
		return -1;
	pool_.start(opt.workers);
	return 0;
}

void ExportGateway::stop()
{
	std::vector<std::shared_ptr<Slot>> left;

	listener_.stop();
	{
		std::unique_lock<std::mutex> lk(mu_);
		stopping_ = true;
		idle_.wait_for(lk, std::chrono::milliseconds(kDrainMs),
			       [this] { return inflight_.empty(); });
		left.assign(inflight_.begin(), inflight_.end());
		inflight_.clear();
	}
	if (!left.empty())
		log("%zu call(s) in flight failed with UNAVAILABLE",
		    left.size());
	for (auto &s : left)
		s->call->answer(to_grpc(FASTIPC_RPC_UNAVAILABLE,
					"fastipc-grpc-gateway: shutting down"),
				nullptr, 0);
	server_->Shutdown(system_clock::now());
	pool_.stop();
}

} /* namespace */

Gateway *new_export_gateway()
{
	return new ExportGateway();
}

} /* namespace gw */
