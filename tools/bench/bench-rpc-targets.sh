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
#              (and, for information, by shared memory: shm)
# with the CPU time per round trip (client + server) of each. A line per
# target: the ratio and "met" or "MISSED", or "n/a" when a mechanism did
# not run. Prints; exits 0 unless the file is missing (a benchmark, not a
# test: the numbers depend on the machine).
set -u

[ $# -eq 1 ] || { echo "usage: $0 RESULTS.JSONL" >&2; exit 2; }
[ -r "$1" ] || { echo "bench-rpc-targets: no $1" >&2; exit 1; }

awk '
# The value of "key": in a JSON line of fastipc-bench (flat, no nesting).
function field(line, key,    re, v) {
	re = "\"" key "\":"
	if (!match(line, re))
		return ""
	v = substr(line, RSTART + RLENGTH)
	sub(/^"/, "", v)
	sub(/[",}].*$/, "", v)
	return v
}
field($0, "pairs") == 1 && field($0, "status") == "ok" {
	k = field($0, "mechanism") "@" field($0, "size")
	p50[k] = field($0, "p50_ns")
	cpu[k] = field($0, "cpu_ns_per_rt")
}
function target(size, other, max, what,    a, b, r) {
	a = "rpc@" size
	b = other "@" size
	if (!(a in p50) || !(b in p50) || p50[b] == 0) {
		printf "  %-7s rpc / %-13s n/a (not run)   target <= %.2fx\n",
			what, other, max
		return
	}
	r = p50[a] / p50[b]
	printf "  %-7s rpc / %-13s %6.3fx  target <= %.2fx  %s" \
		"  (p50 %.2f vs %.2f us; CPU/rt %s vs %s us)\n", what, other,
		r, max, r <= max ? "met" : "MISSED", p50[a] / 1000,
		p50[b] / 1000, us(cpu[a]), us(cpu[b])
}
function us(ns) {
	return ns == "" || ns == "null" ? "?" : sprintf("%.2f", ns / 1000)
}
END {
	print "issue 12 targets (p50 round trip, 1 pair):"
	target(64, "grpc", 0.10, "64 B")
	target(64, "pb-seqpacket", 0.50, "64 B")
	target(64, "copy", 1.25, "64 B")
	target(1048576, "copy", 1.50, "1 MiB")
	target(1048576, "shm", 1.50, "1 MiB")
}' "$1"
