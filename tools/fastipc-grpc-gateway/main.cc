// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc-grpc-gateway: fastipc-rpc services to gRPC clients (export), and
 * gRPC services to fastipc-rpc callers (import). See
 * man/man8/fastipc-grpc-gateway.8 and the "gRPC gateway" section of
 * Documentation/userspace-api/fastipc-rpc.rst.
 *
 * This file: the command line, the counters, logging, and the signals:
 * they are blocked in every thread and taken by the main thread with
 * sigwait(), so a handler never runs inside gRPC or the library.
 */
#include <cerrno>
#include <climits>
#include <csignal>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

#include <getopt.h>
#include <unistd.h>

#include "gateway.h"

namespace gw {

Counters counters;

void count_done(int code)
{
	if (code == FASTIPC_RPC_OK) {
		counters.ok++;
		return;
	}
	counters.failed++;
	if (code == FASTIPC_RPC_UNAVAILABLE)
		counters.unavailable++;
	else if (code == FASTIPC_RPC_DEADLINE_EXCEEDED)
		counters.deadline++;
}

void log(const char *fmt, ...)
{
	char buf[2048];
	va_list ap;
	int n = snprintf(buf, sizeof(buf), "fastipc-grpc-gateway: ");

	va_start(ap, fmt);
	n += vsnprintf(buf + n, sizeof(buf) - n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	/* One write: lines of several threads do not mix. */
	if (write(STDERR_FILENO, buf, n) < 0)
		return;
}

} /* namespace gw */

namespace {

using gw::log;

void print_counters()
{
	log("counters calls=%llu ok=%llu failed=%llu unavailable=%llu "
	    "deadline=%llu bytes_in=%llu bytes_out=%llu inflight=%lld busy=%llu",
	    (unsigned long long)gw::counters.calls.load(),
	    (unsigned long long)gw::counters.ok.load(),
	    (unsigned long long)gw::counters.failed.load(),
	    (unsigned long long)gw::counters.unavailable.load(),
	    (unsigned long long)gw::counters.deadline.load(),
	    (unsigned long long)gw::counters.bytes_in.load(),
	    (unsigned long long)gw::counters.bytes_out.load(),
	    (long long)gw::counters.inflight.load(),
	    (unsigned long long)gw::counters.busy.load());
}

[[noreturn]] void usage(int status)
{
	fprintf(status ? stderr : stdout,
"usage: fastipc-grpc-gateway export --listen ADDR --channel NAME [--channel NAME]...\n"
"                                   [--workers N] [--max-message BYTES]\n"
"                                   [--max-deadline SECONDS] [--max-inflight N]\n"
"       fastipc-grpc-gateway import --channel NAME --target ADDR --descriptor-set FILE\n"
"                                   [--service pkg.Svc]... [--mode OCTAL] [--workers N]\n"
"                                   [--max-message BYTES] [--max-deadline SECONDS]\n"
"ADDR: HOST:PORT or unix:/abs/path. Defaults: --workers %u, --max-message %llu,\n"
"--max-deadline %u, --max-inflight 4 * workers, --mode 0660. SIGUSR1 prints the counters; SIGTERM/SIGINT stop.\n",
		gw::kWorkersDefault, (unsigned long long)gw::kMaxMessageDefault,
		gw::kMaxDeadlineDefault);
	exit(status);
}

[[noreturn]] void bad(const char *fmt, const char *arg)
{
	fprintf(stderr, "fastipc-grpc-gateway: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, " (--help for usage)\n");
	exit(2);
}

unsigned long long number(const char *opt, const char *s, int base,
			  unsigned long long min, unsigned long long max)
{
	char *end;

	errno = 0;
	unsigned long long v = strtoull(s, &end, base);
	if (errno || end == s || *end || *s == '-' || v < min || v > max) {
		fprintf(stderr, "fastipc-grpc-gateway: %s %s: not a number in "
			"%llu..%llu\n", opt, s, min, max);
		exit(2);
	}
	return v;
}

enum { O_LISTEN = 256, O_CHANNEL, O_WORKERS, O_MAXMSG, O_TARGET, O_DESCSET,
       O_SERVICE, O_MODE, O_MAXDL, O_MAXINF };

gw::Options parse(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"listen", required_argument, nullptr, O_LISTEN},
		{"channel", required_argument, nullptr, O_CHANNEL},
		{"workers", required_argument, nullptr, O_WORKERS},
		{"max-message", required_argument, nullptr, O_MAXMSG},
		{"target", required_argument, nullptr, O_TARGET},
		{"descriptor-set", required_argument, nullptr, O_DESCSET},
		{"service", required_argument, nullptr, O_SERVICE},
		{"mode", required_argument, nullptr, O_MODE},
		{"max-deadline", required_argument, nullptr, O_MAXDL},
		{"max-inflight", required_argument, nullptr, O_MAXINF},
		{"help", no_argument, nullptr, 'h'},
		{},
	};
	gw::Options o;
	int c, idx = 0;

	if (argc < 2)
		usage(2);
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		usage(0);
	o.mode = argv[1];
	if (o.mode != "export" && o.mode != "import")
		bad("unknown command '%s': export or import", argv[1]);
	bool imp = o.mode == "import";
	optind = 2;
	while ((c = getopt_long(argc, argv, "h", longopts, &idx)) != -1) {
		bool ok = true;

		switch (c) {
		case O_LISTEN: ok = !imp; o.listen = optarg; break;
		case O_CHANNEL: o.channels.push_back(optarg); break;
		case O_WORKERS:
			o.workers = number("--workers", optarg, 10, 1, 1024);
			break;
		case O_MAXMSG:
			o.max_message = number("--max-message", optarg, 10, 1,
					       INT_MAX);
			break;
		case O_MAXDL:
			/* A year: far below any clock's overflow. */
			o.max_deadline = number("--max-deadline", optarg, 10,
						1, 366 * 86400);
			break;
		case O_MAXINF:
			ok = !imp;
			o.max_inflight = number("--max-inflight", optarg, 10,
						1, 1 << 20);
			break;
		case O_TARGET: ok = imp; o.target = optarg; break;
		case O_DESCSET: ok = imp; o.descriptor_set = optarg; break;
		case O_SERVICE: ok = imp; o.services.push_back(optarg); break;
		case O_MODE:
			ok = imp;
			o.chan_mode = number("--mode", optarg, 8, 0, 0777);
			break;
		case 'h': usage(0);
		default: usage(2);
		}
		if (!ok)
			bad("--%s: not an option of this command",
			    longopts[idx].name);
	}
	if (optind < argc)
		bad("unexpected argument '%s'", argv[optind]);
	if (o.channels.empty())
		bad("%s: --channel is required", o.mode.c_str());
	if (!imp && o.listen.empty())
		bad("%s: --listen is required", "export");
	if (imp && (o.target.empty() || o.descriptor_set.empty()))
		bad("%s: --target and --descriptor-set are required", "import");
	if (imp && o.channels.size() > 1)
		bad("%s: one --channel only", "import");
	if (!o.max_inflight)
		o.max_inflight = o.workers * 4;
	if (imp)
		o.channel = o.channels[0];
	return o;
}

} /* namespace */

int main(int argc, char **argv)
{
	gw::Options opt = parse(argc, argv);
	sigset_t set;
	int sig;

	/* Before any thread starts: every thread inherits the mask. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, nullptr);
	signal(SIGPIPE, SIG_IGN);

	std::unique_ptr<gw::Gateway> g(opt.mode == "export" ?
		gw::new_export_gateway() : gw::new_import_gateway());
	if (g->start(opt) < 0) {
		log("%s: not started", opt.mode.c_str());
		return 1;
	}
	std::string names;
	for (const auto &n : opt.channels)
		names += (names.empty() ? "" : ",") + n;
	if (opt.mode == "export")
		log("ready: export %s -> channel(s) %s, %u worker(s)",
		    opt.listen.c_str(), names.c_str(), opt.workers);
	else
		log("ready: import channel %s -> %s, %u worker(s)",
		    opt.channel.c_str(), opt.target.c_str(), opt.workers);
	for (;;) {
		if (sigwait(&set, &sig))
			continue;
		if (sig == SIGUSR1) {
			print_counters();
			continue;
		}
		log("%s: stopping", strsignal(sig));
		break;
	}
	g->stop();
	print_counters();
	/*
	 * A worker may still be blocked in a fastipc call without a
	 * deadline whose gRPC call was failed: do not wait for it.
	 */
	fflush(stderr);
	_exit(0);
}
