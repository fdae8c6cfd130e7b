#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench_targets_host.sh: host test (TAP 13) of tools/bench's targets
# scripts (bench-rpc-targets.sh, issues 12 and 13; bench-oncrpc-targets.sh,
# issue 14; bench-load-targets.sh, issue 15) on a results.jsonl written here, in fastipc-bench's format,
# with known numbers: each ratio is computed from the right fields and
# judged met or MISSED against its target, a cell that did not run is
# n/a, and each script fails loudly (exit 1 and a message) on a missing
# file or one without its mechanisms, and exits 2 on bad usage. No root,
# no module.
set -u

. "$(dirname "$0")/host_tap.sh" bench-targets

bench=$top/tools/bench
res=$tmp/results.jsonl

# row MECH SIZE PAIRS P50_NS P99_NS RATE CPU_NS: a result line.
row()
{
	printf '{"mechanism":"%s","label":"x","size":%s,"pairs":%s,' "$1" "$2" "$3"
	printf '"status":"ok","rounds":100,"p50_ns":%s,"p99_ns":%s,' "$4" "$5"
	printf '"msgs_per_s":%s,"cpu_ns_per_rt":%s,"note":"a, b"}\n' "$6" "$7"
}

# run SCRIPT NAME: SCRIPT on $res, its output in $out, a TAP line for
# its exit status 0.
run()
{
	out=$tmp/$2.txt
	"$bench/$1" "$res" >"$out" 2>&1
	st=$?
	[ $st -eq 0 ] && ok "$2 targets: exit 0" || nok "$2 targets: exit $st"
}

# has FILE REGEX TEXT: a TAP line for whether FILE has a line matching.
has()
{
	if grep -qE "$2" "$1"; then
		ok "$3"
	else
		nok "$3"
		sed 's/^/# /' "$1"
	fi
}

echo "TAP version 13"
echo "1..17"

{
	# oncrpc 64 B: 20 us against tcp's 100 us (0.2x, met) and unix's 40.
	row oncrpc 64 1 20000 40000 50000 30000
	row oncrpc-tcp 64 1 100000 200000 10000 90000
	row oncrpc-unix 64 1 40000 80000 25000 50000
	# oncrpc 1 MiB: no oncrpc-tcp row (n/a).
	row oncrpc 1048576 1 1000000 2000000 1000 900000
	# load: copy at 8 pairs 64 B 3000 rt/s against seqpacket 1000 (3x,
	# met) and futex 2500 (1.2x, MISSED).
	row copy 64 8 500000 900000 3000 40000
	row seqpacket 64 8 800000 900000 1000 50000
	row futex 64 8 400000 900000 2500 30000
	# pinned: copy p99/p50 = 5 (MISSED), copy-nospin/futex p50 = 0.5.
	row copy 64 1 10000 50000 9000 20000
	row copy-nospin 64 1 15000 30000 6000 10000
	row futex 64 1 30000 60000 3000 20000
	# rpc 64 B: 12 us against copy's 10 (1.2x, met) and grpc's 200
	# (0.06x, met); no pb-seqpacket (n/a); grpc-gw 260 us (1.3x, MISSED).
	row rpc 64 1 12000 20000 80000 25000
	row grpc 64 1 200000 300000 5000 150000
	row grpc-gw 64 1 260000 400000 4000 250000
} >"$res"

run bench-rpc-targets.sh rpc
has "$out" '64 B +p50 rpc / copy +1\.200 +target <= 1\.25 +met' \
	"rpc/copy at 64 B: 1.200, met"
has "$out" '64 B +p50 rpc / pb-seqpacket +n/a' \
	"rpc/pb-seqpacket without pb-seqpacket: n/a"
has "$out" '64 B +p50 grpc-gw / grpc +1\.300 +target <= 1\.25 +MISSED' \
	"grpc-gw/grpc at 64 B: 1.300, MISSED"

run bench-oncrpc-targets.sh oncrpc
has "$out" 'p50 oncrpc / oncrpc-tcp +0\.200 +target <= 0\.30 +met' \
	"oncrpc/oncrpc-tcp at 64 B: 0.200, met"
has "$out" 'p50 oncrpc / oncrpc-unix +0\.500 +for information' \
	"oncrpc/oncrpc-unix at 64 B: 0.500, for information"
has "$out" '1 MiB +p50 oncrpc / oncrpc-tcp +n/a' \
	"1 MiB without oncrpc-tcp: n/a"

run bench-load-targets.sh load
has "$out" '8 pairs 64 B +rate copy / seqpacket +3\.000 +target >= 2\.00 +met' \
	"copy/seqpacket rate at 8 pairs: 3.000, met"
has "$out" '8 pairs 64 B +rate copy / futex +1\.200 +target >= 1\.30 +MISSED' \
	"copy/futex rate at 8 pairs: 1.200, MISSED"
has "$out" 'p50 copy-nospin / futex +0\.500 +target <= 0\.75 +met' \
	"copy-nospin/futex p50 pinned: 0.500, met"
has "$out" 'cpu copy / futex +1\.000 +target <= 1\.00 +met' \
	"copy/futex CPU per round trip pinned: 1.000, met"
has "$out" 'p99/p50 copy +5\.000 +target <= 3\.00 +MISSED' \
	"copy p99/p50 pinned: 5.000, MISSED"
has "$out" '4 KiB +rate copy / seqpacket +n/a' "4 KiB not run: n/a"

fails_before=$fails
for s in bench-rpc-targets.sh bench-oncrpc-targets.sh bench-load-targets.sh; do
	"$bench/$s" "$tmp/none.jsonl" >/dev/null 2>"$tmp/err"
	st=$?
	[ $st -eq 1 ] && grep -q "cannot read" "$tmp/err" ||
		{ fails=$((fails + 1)); echo "# $s on a missing file: exit $st"; }
	row pipe 64 1 1 1 1 1 >"$tmp/other.jsonl"
	"$bench/$s" "$tmp/other.jsonl" >/dev/null 2>"$tmp/err"
	st=$?
	[ $st -eq 1 ] && grep -q "error" "$tmp/err" ||
		{ fails=$((fails + 1)); echo "# $s without its mechanisms: exit $st"; }
done
[ $fails -eq $fails_before ] && ok "missing input: exit 1 with a message" ||
	{ n=$((n + 1)); echo "not ok $n - missing input: exit 1 with a message"; }

"$bench/bench-load-targets.sh" >/dev/null 2>&1
st1=$?
"$bench/bench-oncrpc-targets.sh" a b >/dev/null 2>&1
st2=$?
"$bench/bench-rpc-targets.sh" >/dev/null 2>&1
st3=$?
[ $st1 -eq 2 ] && [ $st2 -eq 2 ] && [ $st3 -eq 2 ] && ok "bad usage: exit 2" ||
	nok "bad usage: exit $st1, $st2 and $st3"

[ $fails -eq 0 ]
