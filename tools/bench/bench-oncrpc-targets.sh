#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# bench-oncrpc-targets.sh RESULTS.JSONL: issue 14's benchmark, from one
# fastipc-bench run, one pair: the p50 round trip of ONC RPC over fastipc
# (mechanism oncrpc) against the same rpcgen stubs over libtirpc's TCP
# loopback (oncrpc-tcp) and AF_UNIX stream (oncrpc-unix) transports
#   at 64 B:   oncrpc / oncrpc-tcp                     <= 0.30x (the target)
#              oncrpc / oncrpc-unix                    for information
#   at 1 MiB:  oncrpc / oncrpc-tcp, oncrpc / oncrpc-unix  for information
#   the null procedure (the -null mechanisms, in the 64 B table):
#              oncrpc-null / oncrpc-tcp-null, / oncrpc-unix-null  information
# with the CPU time per round trip of each (client + server). A line per
# ratio: "met" or "MISSED" against its target, "info" without one, "n/a"
# when a mechanism did not run. Exits 0 after printing (a benchmark, not a
# test: the numbers depend on the machine); 1 with a message when the file
# is missing or has no one-pair result of any ONC RPC mechanism; 2 for bad
# usage.
set -u

ME=bench-oncrpc-targets
. "$(dirname "$0")/bench-targets.sh"
targets_args "$@"
targets_need "$1" 'oncrpc[-a-z]*' 1 \
	"an ONC RPC mechanism at one pair (run fastipc-bench -m oncrpc,oncrpc-tcp,...)"

# The library, then this END block (mawk has no -e).
awk "$(cat "$LIB")"'
END {
	print "issue 14 targets (p50 round trip, 1 pair; CPU/rt client + " \
		"server):"
	target("64 B", "p50", "oncrpc", "oncrpc-tcp", 64, 1, "le", 0.30)
	target("64 B", "p50", "oncrpc", "oncrpc-unix", 64, 1, "", 0)
	target("1 MiB", "p50", "oncrpc", "oncrpc-tcp", 1048576, 1, "", 0)
	target("1 MiB", "p50", "oncrpc", "oncrpc-unix", 1048576, 1, "", 0)
	target("null procedure", "p50", "oncrpc-null", "oncrpc-tcp-null", 64, 1, "", 0)
	target("null procedure", "p50", "oncrpc-null", "oncrpc-unix-null", 64, 1, "", 0)
}' "$1"
