#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# bench-load-targets.sh RESULTS.JSONL: issue 15's targets (performance
# under load), from one fastipc-bench run such as
#   fastipc-bench --quick -s 64,4k,1m -p 1,8 \
#       -m copy,copy-nospin,shm,shm-zc,seqpacket,futex,spin
# each as a measured ratio:
#   8 pairs, 64 B and 4 KiB, round trips/s: copy / seqpacket  >= 2x
#                                           copy / futex      >= 1.3x
#   8 pairs, 1 MiB, round trips/s:          shm-zc / futex    >= 1x
#                                           (shm / futex likewise)
#   1 pinned pair, 64 B, p50: copy-nospin (spin_ns 0) / futex <= 0.75x
#                             copy (busy-wait on) / spin      <= 3x
#   CPU per round trip (client + server), 1 pinned pair, 64 B:
#                             copy / futex, copy-nospin / futex <= 1x
#                             (and at 8 pairs, for information)
#   1 pinned pair, 64 B:      copy p99 / p50                  <= 3
#                             (copy-nospin's, futex's, seqpacket's and
#                             spin's, for information)
# A line per ratio: "met" or "MISSED", "info" without a target, "n/a" when
# a mechanism or cell did not run. Exits 0 after printing (a benchmark,
# not a test: the numbers depend on the machine); 1 with a message when
# the file is missing or has no result of copy, copy-nospin or futex; 2
# for bad usage.
set -u

ME=bench-load-targets
. "$(dirname "$0")/bench-targets.sh"
targets_args "$@"
targets_need "$1" 'copy|copy-nospin|futex' '[0-9]+' \
	"copy, copy-nospin or futex (run fastipc-bench -m copy,copy-nospin,futex,...)"

# The library, then this END block (mawk has no -e).
awk "$(cat "$LIB")"'
END {
	print "issue 15 targets (rate: round trips/s of all pairs; p50, " \
		"p99: round trip; cpu: client + server CPU per round trip):"
	target("8 pairs 64 B", "rate", "copy", "seqpacket", 64, 8, "ge", 2)
	target("8 pairs 64 B", "rate", "copy", "futex", 64, 8, "ge", 1.3)
	target("8 pairs 4 KiB", "rate", "copy", "seqpacket", 4096, 8, "ge", 2)
	target("8 pairs 4 KiB", "rate", "copy", "futex", 4096, 8, "ge", 1.3)
	target("8 pairs 1 MiB", "rate", "shm-zc", "futex", 1048576, 8, "ge", 1)
	target("8 pairs 1 MiB", "rate", "shm", "futex", 1048576, 8, "ge", 1)
	target("pinned 64 B", "p50", "copy-nospin", "futex", 64, 1, "le", 0.75)
	target("pinned 64 B", "p50", "copy", "spin", 64, 1, "le", 3)
	target("pinned 64 B", "cpu", "copy", "futex", 64, 1, "le", 1)
	target("pinned 64 B", "cpu", "copy-nospin", "futex", 64, 1, "le", 1)
	target("8 pairs 64 B", "cpu", "copy", "futex", 64, 8, "", 0)
	target("8 pairs 64 B", "cpu", "copy-nospin", "futex", 64, 8, "", 0)
	self("pinned 64 B", "p99", "p50", "copy", 64, 1, "le", 3)
	self("pinned 64 B", "p99", "p50", "copy-nospin", 64, 1, "", 0)
	self("pinned 64 B", "p99", "p50", "futex", 64, 1, "", 0)
	self("pinned 64 B", "p99", "p50", "seqpacket", 64, 1, "", 0)
	self("pinned 64 B", "p99", "p50", "spin", 64, 1, "", 0)
}' "$1"
