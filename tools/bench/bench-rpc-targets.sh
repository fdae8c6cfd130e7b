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
# and issue 13's for fastipc-grpc-gateway: the p50 round trip of gRPC
# through the gateway to fastipc-rpc (grpc-gw) against direct gRPC
#   at 64 B:   grpc-gw / grpc                          <= 1.25x
#   at 1 MiB:  grpc-gw / grpc, for information (no target)
# with the CPU time per round trip of each (client + server, and for
# grpc-gw the gateway's too). A line per target: the ratio and "met" or
# "MISSED" ("info" without a target), or "n/a" when a mechanism did not
# run. Prints; exits 0 unless the file is missing (a benchmark, not a
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
# The p50 ratio of mechanism a to b at size; max 0: for information.
function ratio(a, size, b, max, what,    ka, kb, r, verdict) {
	ka = a "@" size
	kb = b "@" size
	if (!(ka in p50) || !(kb in p50) || p50[kb] == 0) {
		if (max > 0)
			printf "  %-7s %s / %-13s n/a (not run)   target <= " \
				"%.2fx\n", what, a, b, max
		else
			printf "  %-7s %s / %-13s n/a (not run)   for " \
				"information\n", what, a, b
		return
	}
	r = p50[ka] / p50[kb]
	verdict = max <= 0 ? "info" : r <= max ? "met" : "MISSED"
	if (max > 0)
		printf "  %-7s %s / %-13s %6.3fx  target <= %.2fx  %s", what,
			a, b, r, max, verdict
	else
		printf "  %-7s %s / %-13s %6.3fx  for information", what, a,
			b, r
	printf "  (p50 %.2f vs %.2f us; CPU/rt %s vs %s us)\n",
		p50[ka] / 1000, p50[kb] / 1000, us(cpu[ka]), us(cpu[kb])
}
function target(size, other, max, what) {
	ratio("rpc", size, other, max, what)
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
	print "issue 13 targets (p50 round trip, 1 pair; grpc-gw CPU " \
		"includes the gateway):"
	ratio("grpc-gw", 64, "grpc", 1.25, "64 B")
	ratio("grpc-gw", 1048576, "grpc", 0, "1 MiB")
}' "$1"
