#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# demo-guest.sh: the main job, run INSIDE the guest as root from the repo
# directory (make demo runs it through tools/testing/vm/run-guest.sh):
# load kmod/fastipc.ko, start fastipc-hashd, hash a few hundred real files
# with fastipc-hash, check every line against sha256sum, show the channels
# with fastipc-stat (the table, then the hashing channel in detail and its
# JSON) and check that the channel counted exactly the calls the client
# made, stop the server, unload the module, print a summary. Exits non-zero
# on any mismatch or error.
#
# Environment:
#   FASTIPC_DEMO_FILES     how many files of /usr/bin to hash (default 300)
#   FASTIPC_DEMO_MAX_KIB   skip files larger than this (default 4096)
#   FASTIPC_DEMO_GRPC_FILES  how many of those files a Python gRPC client
#                          hashes through fastipc-grpc-gateway (default 5)
#   FASTIPC_DEMO_BENCH=1   also run the benchmarks before unloading:
#                          tools/bench/fastipc-bench with one pair at 64
#                          bytes and at 1 MiB (fastipc by copy, through
#                          shared memory and over its rings against
#                          SOCK_SEQPACKET, SOCK_STREAM and a pipe pair),
#                          and tools/bench/fastipc-stream-bench (one-way
#                          messages per second, spinning and not); the
#                          whole comparison is `make bench`
# Besides those, a few files of edge sizes are made in /tmp: empty, 1
# byte, around the largest chunk one copy takes (msg_max minus the 64
# bytes fastipc-hash leaves for the RPC header and the fields), twice it,
# the old 1 MiB - 8 chunk, around the 1 MiB shared-memory chunk, 3 MiB.
# fastipc-hash and fastipc-hashd speak the fastipc.hash.Hash service
# (tools/fastipc-hash/hash.proto) through libfastipc-rpc, which passes a
# message larger than msg_max through the connection's shared memory: the
# summary shows the bytes that went by copy and those that went through
# shared memory, and both must be there.
#
# Then the gateway step: fastipc-grpc-gateway exports the hashing channel
# on 127.0.0.1 (a free port), and a Python gRPC client
# (selftests/grpc/gw_client.py, Debian's python3-grpcio, stubs generated
# from hash.proto at build time into selftests/grpcgen/) hashes a few of
# the files through it; its lines are checked against sha256sum's and
# shown. Skipped with a note when the gateway, the stubs or python3-grpcio
# are not there; a mismatch fails the demo.
set -u
set -f

ME=demo
TOP=$(cd "$(dirname "$0")/../.." && pwd)
KO=$TOP/kmod/fastipc.ko
HASHD=$TOP/tools/fastipc-hash/fastipc-hashd
HASH=$TOP/tools/fastipc-hash/fastipc-hash
BENCH=$TOP/tools/bench/fastipc-bench
STAT=$TOP/tools/fastipc-stat/fastipc-stat
CHANNEL=fastipc-hash
STREAMBENCH=$TOP/tools/bench/fastipc-stream-bench
GATEWAY=$TOP/tools/fastipc-grpc-gateway/fastipc-grpc-gateway
GRPCGEN=$TOP/selftests/grpcgen
GWCLIENT=$TOP/selftests/grpc/gw_client.py
PYTHON3=${PYTHON3:-/usr/bin/python3}
NGRPC=${FASTIPC_DEMO_GRPC_FILES:-5}
GWPID=
GRPC_SUMMARY="gRPC step skipped"
NFILES=${FASTIPC_DEMO_FILES:-300}
MAXKIB=${FASTIPC_DEMO_MAX_KIB:-4096}
WORK=
LOADED=
PIDFILE=

err()
{
	echo "$ME: error: $*" >&2
}

cleanup()
{
	[ -n "$GWPID" ] && kill -TERM "$GWPID" 2>/dev/null && wait "$GWPID"
	if [ -n "$PIDFILE" ] && [ -s "$PIDFILE" ]; then
		kill -TERM "$(cat "$PIDFILE")" 2>/dev/null
		sleep 1
	fi
	[ -n "$LOADED" ] && rmmod fastipc 2>/dev/null
	[ -n "$WORK" ] && rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail()
{
	err "$*"
	exit 1
}

preflight()
{
	[ "$(id -u)" -eq 0 ] || fail "must run as root (in the guest)"
	for f in "$KO" "$HASHD" "$HASH" "$STAT"; do
		[ -e "$f" ] || fail "$f is missing: run make first"
	done
	[ -e /sys/module/fastipc ] && fail "fastipc is already loaded"
	WORK=$(mktemp -d /tmp/fastipc-demo.XXXXXX) || fail "mktemp"
	PIDFILE=$WORK/hashd.pid
}

load_module()
{
	insmod "$KO" || fail "insmod $KO"
	LOADED=1
	i=0
	while [ ! -c /dev/fastipc ]; do
		i=$((i + 1))
		[ $i -le 50 ] || fail "/dev/fastipc did not appear after insmod"
		sleep 0.1
	done
	echo "$ME: loaded $KO"
}

start_server()
{
	"$HASHD" -d -p "$PIDFILE" 2>"$WORK/hashd.log" ||
		fail "fastipc-hashd did not start: $(cat "$WORK/hashd.log")"
	[ -s "$PIDFILE" ] || fail "fastipc-hashd wrote no pid file"
	sed "s/^/$ME: /" "$WORK/hashd.log"
}

# The copy chunk = msg_max - 64 (fastipc-hash's FHASH_MSG_OVERHEAD), from
# the server's log line; the shared-memory chunk is 1 MiB.
make_edge_files()
{
	msg_max=$(sed -n 's/.*msg_max \([0-9]*\) bytes.*/\1/p' "$WORK/hashd.log")
	[ -n "$msg_max" ] || fail "cannot read msg_max from the server's log"
	c=$((msg_max - 64))
	mkdir "$WORK/edge"
	s=1048576
	for n in 0 1 $((c - 1)) $c $((c + 1)) $((2 * c)) $((s - 8)) \
		$((s - 1)) $s $((s + 1)) 3145728; do
		head -c "$n" /dev/urandom >"$WORK/edge/size-$n" ||
			fail "cannot write $WORK/edge/size-$n"
	done
}

# Regular, readable files of /usr/bin without white space in their names.
list_files()
{
	find /usr/bin -maxdepth 1 -type f -readable -size -$((MAXKIB + 1))k |
		grep -v '[[:space:]\\]' | LC_ALL=C sort | head -n "$NFILES" \
		>"$WORK/list"
	find "$WORK/edge" -type f | LC_ALL=C sort >>"$WORK/list"
	[ "$(wc -l <"$WORK/list")" -gt 11 ] || fail "found no files to hash"
}

hash_files()
{
	# shellcheck disable=SC2046 # the names have no white space
	set -- $(cat "$WORK/list")
	sha256sum "$@" >"$WORK/ref.out" || fail "sha256sum failed"
	if ! "$HASH" --stats "$@" >"$WORK/fastipc.out" 2>"$WORK/fastipc.err"
	then
		sed "s/^/$ME: /" "$WORK/fastipc.err" >&2
		fail "fastipc-hash reported errors"
	fi
	STATS=$(sed -n 's/^fastipc-hash: \(files .*\), by copy.*/\1/p' \
		"$WORK/fastipc.err")
	COPY=$(sed -n 's/^fastipc-hash: .*by copy \([0-9]*\) bytes.*/\1/p' \
		"$WORK/fastipc.err")
	SHM=$(sed -n 's/^fastipc-hash: .*shared memory \([0-9]*\) bytes.*/\1/p' \
		"$WORK/fastipc.err")
	[ "${COPY:-0}" -gt 0 ] && [ "${SHM:-0}" -gt 0 ] ||
		fail "bytes by copy '${COPY:-}' and by shared memory '${SHM:-}':" \
			"want both above 0"
}

# Every sha256sum line must be the fastipc-hash line at the same place.
compare()
{
	MISMATCHES=$(awk 'NR == FNR { ref[FNR] = $0; n = FNR; next }
		{ got[FNR] = $0 }
		END { m = 0
		      for (i = 1; i <= n; i++) if (got[i] != ref[i]) m++
		      print m }' "$WORK/ref.out" "$WORK/fastipc.out")
	if [ "$MISMATCHES" -ne 0 ]; then
		diff "$WORK/ref.out" "$WORK/fastipc.out" | head -n 20 >&2
	fi
}

# While the server still runs: the table, the channel's detail and JSON,
# and its calls counter against the calls fastipc-hash reported.
show_stats()
{
	"$STAT" >"$WORK/stat.out" 2>&1 || {
		cat "$WORK/stat.out" >&2; fail "fastipc-stat failed"; }
	echo "$ME: fastipc-stat"
	sed "s/^/$ME:   /" "$WORK/stat.out"
	"$STAT" -c "$CHANNEL" >"$WORK/stat-c.out" 2>&1 || {
		cat "$WORK/stat-c.out" >&2; fail "fastipc-stat -c $CHANNEL failed"; }
	echo "$ME: fastipc-stat -c $CHANNEL"
	sed "s/^/$ME:   /" "$WORK/stat-c.out"
	"$STAT" -j >"$WORK/stat.json" 2>&1 || {
		cat "$WORK/stat.json" >&2; fail "fastipc-stat -j failed"; }
	echo "$ME: fastipc-stat -j"
	sed "s/^/$ME:   /" "$WORK/stat.json"
	kcalls=$(awk '$1 == "calls" { print $2; exit }' "$WORK/stat-c.out")
	ccalls=$(echo "$STATS" | sed -n 's/.*calls \([0-9]*\).*/\1/p')
	if [ -z "$kcalls" ] || [ -z "$ccalls" ]; then
		fail "cannot read the calls counter (kernel '$kcalls', client '$ccalls')"
	fi
	[ "$kcalls" -eq "$ccalls" ] ||
		fail "channel $CHANNEL counted $kcalls calls, the client made $ccalls"
	echo "$ME: channel $CHANNEL counted $kcalls calls, as the client reported"
}

stop_server()
{
	pid=$(cat "$PIDFILE")
	kill -TERM "$pid" || fail "kill fastipc-hashd ($pid)"
	i=0
	while kill -0 "$pid" 2>/dev/null; do
		i=$((i + 1))
		[ $i -le 100 ] || fail "fastipc-hashd ($pid) ignored SIGTERM"
		sleep 0.1
	done
	PIDFILE=
	grep -q 'stopped:' "$WORK/hashd.log" ||
		fail "fastipc-hashd did not stop cleanly: $(cat "$WORK/hashd.log")"
	grep 'stopped:' "$WORK/hashd.log" | sed "s/^/$ME: /"
}

# The gateway step (see the top): export, hash $NGRPC files, compare, stop.
grpc_gateway()
{
	for f in "$GATEWAY" "$GRPCGEN/hash_pb2_grpc.py" "$GWCLIENT"; do
		if [ ! -e "$f" ]; then
			echo "$ME: gRPC step skipped: $f is not built"
			return 0
		fi
	done
	if ! "$PYTHON3" -c 'import grpc' 2>/dev/null; then
		echo "$ME: gRPC step skipped: $PYTHON3 has no grpc module (python3-grpcio)"
		return 0
	fi
	port=$("$PYTHON3" -c 'import socket; s = socket.socket()
s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])') || fail "no free TCP port"
	"$GATEWAY" export --listen "127.0.0.1:$port" --channel "$CHANNEL" \
		--max-message $(((MAXKIB + 64) * 1024)) \
		2>"$WORK/gateway.log" &
	GWPID=$!
	i=0
	while ! grep -q '^fastipc-grpc-gateway: ready' "$WORK/gateway.log"; do
		i=$((i + 1))
		kill -0 "$GWPID" 2>/dev/null && [ $i -le 600 ] ||
			fail "fastipc-grpc-gateway did not start: $(cat "$WORK/gateway.log")"
		sleep 0.1
	done
	sed "s/^/$ME: /" "$WORK/gateway.log"
	# shellcheck disable=SC2046 # the names have no white space
	set -- $(grep -v '/size-[0-9]*$' "$WORK/list" | head -n "$NGRPC")
	sha256sum "$@" >"$WORK/grpc-ref.out" || fail "sha256sum failed"
	PYTHONPATH=$GRPCGEN "$PYTHON3" "$GWCLIENT" hash "127.0.0.1:$port" "$@" \
		>"$WORK/grpc.out" 2>"$WORK/grpc.err" ||
		fail "the gRPC client failed: $(cat "$WORK/grpc.err")"
	echo "$ME: a Python gRPC client hashed $# files through the gateway on 127.0.0.1:$port:"
	sed "s/^/$ME:   /" "$WORK/grpc.out"
	cmp -s "$WORK/grpc-ref.out" "$WORK/grpc.out" || {
		diff "$WORK/grpc-ref.out" "$WORK/grpc.out" >&2
		fail "digests through gRPC differ from sha256sum"; }
	kill -TERM "$GWPID"
	wait "$GWPID" || fail "fastipc-grpc-gateway exited with status $?"
	GWPID=
	sed -n "s/^fastipc-grpc-gateway: counters /$ME: gateway counters: /p" \
		"$WORK/gateway.log"
	GRPC_SUMMARY="gRPC: $# digests through the gateway equal sha256sum's"
}

# run_bench NAME CMD...: run one benchmark, print its output prefixed.
run_bench()
{
	name=$1
	shift
	st=0
	"$@" >"$WORK/bench.out" 2>&1 || st=$?
	sed "s/^/$ME: bench: /" "$WORK/bench.out"
	[ "$st" -eq 0 ] || fail "$name failed (status $st)"
}

bench()
{
	[ "${FASTIPC_DEMO_BENCH:-0}" = 1 ] || return 0
	run_bench "fastipc-bench -s 64,1m -p 1" "$BENCH" -s 64,1m -p 1 -n 2000
	run_bench fastipc-stream-bench "$STREAMBENCH"
}

unload_module()
{
	rmmod fastipc || fail "rmmod fastipc"
	LOADED=
	echo "$ME: unloaded fastipc"
}

preflight
load_module
start_server
make_edge_files
list_files
hash_files
compare
show_stats
grpc_gateway
stop_server
bench
unload_module
echo "$ME: summary: $STATS, by copy ${COPY:-?} bytes," \
	"by shared memory ${SHM:-?} bytes, mismatches $MISMATCHES" \
	"(checked against sha256sum, $(wc -l <"$WORK/ref.out") lines); $GRPC_SUMMARY"
[ "$MISMATCHES" -eq 0 ] || fail "$MISMATCHES digests differ from sha256sum"
echo "$ME: OK"
