#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# bench-rpc-targets.sh RESULTS.JSONL: issue 12's targets for fastipc-rpc
# (mechanism "rpc"), from one fastipc-bench run, one pair: the p50 round
# trip of rpc against
#   at 64 B:   gRPC over a Unix socket (grpc)          <= 0.10x
#              protobuf-c over SOCK_SEQPACKET          <= 0.50x
#              the raw fastipc_call() by copy (copy)   <= 1.25x
#   at 1 MiB:  the raw fastipc_call() by copy (copy)   <= 1.5x
#              and by shared memory (shm)              <= 1.5x
# and issue 13's for fastipc-grpc-gateway: the p50 round trip of gRPC
# through the gateway to fastipc-rpc (grpc-gw) against direct gRPC
#   at 64 B:   grpc-gw / grpc                          <= 1.25x
#   at 1 MiB:  grpc-gw / grpc, for information (no target)
# with the CPU time per round trip of each (client + server, and for
# grpc-gw the gateway's too). A line per ratio: "met" or "MISSED" against
# its target, "info" without one, "n/a" when a mechanism did not run.
# Exits 0 after printing (a benchmark, not a test: the numbers depend on
# the machine); 1 with a message when the file is missing or has no
# one-pair result of rpc or grpc-gw; 2 for bad usage.
set -u

ME=bench-rpc-targets
. "$(dirname "$0")/bench-targets.sh"
targets_args "$@"
targets_need "$1" 'rpc|grpc-gw' 1 \
	"rpc or grpc-gw at one pair (run fastipc-bench -m rpc,grpc,pb-seqpacket,copy,...)"

# The library, then this END block (mawk has no -e).
awk "$(cat "$LIB")"'
END {
	print "issue 12 targets (p50 round trip, 1 pair; CPU/rt client + " \
		"server):"
	target("64 B", "p50", "rpc", "grpc", 64, 1, "le", 0.10)
	target("64 B", "p50", "rpc", "pb-seqpacket", 64, 1, "le", 0.50)
	target("64 B", "p50", "rpc", "copy", 64, 1, "le", 1.25)
	target("1 MiB", "p50", "rpc", "copy", 1048576, 1, "le", 1.50)
	target("1 MiB", "p50", "rpc", "shm", 1048576, 1, "le", 1.50)
	print "issue 13 targets (p50 round trip, 1 pair; grpc-gw CPU " \
		"includes the gateway):"
	target("64 B", "p50", "grpc-gw", "grpc", 64, 1, "le", 1.25)
	target("1 MiB", "p50", "grpc-gw", "grpc", 1048576, 1, "", 0)
}' "$1"
