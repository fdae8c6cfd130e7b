#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# grpc_gateway_test.sh: kselftest (TAP 13) of fastipc-grpc-gateway, both
# ways, with Python gRPC clients and servers (Debian's python3-grpcio,
# stubs generated at build time from the same .proto files: grpc/,
# selftests/grpcgen/). Run as root with the module loaded.
#
# Export (gRPC clients -> gateway -> fastipc-rpc servers): fastipc-hashd,
# kv-rpc-server and grpc_echo behind one gateway on 127.0.0.1 (a free
# port) and another on a Unix socket (--max-message 16 MiB). Checked:
# digests of 5 files equal sha256sum's; kv put/get, and a NOT_FOUND with
# its message one to one, the value visible to the C client; over TCP the
# handler sees "x-fastipc-peer" ipv4:127.0.0.1:* and no peer uid, and the
# kernel-recorded caller is the gateway's pid and uid 0; the counters
# after SIGUSR1 count those 9 calls (8 ok, 1 failed, none in flight);
# over the Unix socket, a client of uid 1000 arrives as
# x-fastipc-peer-uid/gid 1000 and x-fastipc-peer-pid its pid, while the
# kernel still records the gateway; a 4 MiB echo comes back whole; a
# 4 MiB + 64 reply past the client's default 4 MiB receive limit is
# RESOURCE_EXHAUSTED, and so is a 4 MiB + 64 request to the gateway with
# its default --max-message; 8 concurrent clients on 8 connections get
# their own data back (8 distinct peers); a 3 s deadline against a
# stopped server is DEADLINE_EXCEEDED and counted (deadline=1); the fastipc
# server killed mid-call is UNAVAILABLE (counted: unavailable=1 in the
# counters line at exit); the gateway killed mid-call is UNAVAILABLE at
# the client; SIGTERM with a call in flight: the call is answered or
# UNAVAILABLE and the gateway exits 0 with its counters line.
# --max-inflight 1 with a call in flight: the next call is
# RESOURCE_EXHAUSTED "gateway busy" (counted busy=1, 1 in flight);
# --max-deadline 1 caps a call whose own deadline is 120 s against a
# stopped server: DEADLINE_EXCEEDED (counted deadline=1).
#
# Import (fastipc-rpc client -> gateway -> gRPC server): gw_server.py
# (kv.Kv and fastipc.test.Echo) behind channel example-kv-rpc, called by
# the unchanged C kv-rpc-client: put, get and NOT_FOUND as with the C
# server; the caller's kernel-recorded pid/uid/gid arrive as
# x-fastipc-caller-* (a key put by uid 1000 is PERMISSION_DENIED to root
# with the C server's message); grpc_echo sees its own pid in
# x-fastipc-caller-pid; a fastipc deadline shorter than the server's
# sleep is DEADLINE_EXCEEDED; SIGTERM: exit 0, and the channel is gone.
#
# Environment: FASTIPC_TEST_BIN (grpc_echo, grpcgen/), FASTIPC_TIMEOUT_SCALE
# (multiplies the readiness waits), PYTHON3 (default /usr/bin/python3).
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
. "$here/tap_util.sh"
bin=${FASTIPC_TEST_BIN:-$here}
GEN=$bin/grpcgen
PY=${PYTHON3:-/usr/bin/python3}
GW=$top/tools/fastipc-grpc-gateway/fastipc-grpc-gateway
ECHO=$bin/grpc_echo
HASHD=$top/tools/fastipc-hash/fastipc-hashd
KVS=$top/examples/rpc-kv/kv-rpc-server
KVC=$top/examples/rpc-kv/kv-rpc-client
CLIENT=$here/grpc/gw_client.py
SERVER=$here/grpc/gw_server.py
NTESTS=27
SCALE=${FASTIPC_TIMEOUT_SCALE:-1}
WAIT_MAX=$((600 * SCALE))	# tenths of a second per wait
MIB4=4194304
# Every call has a deadline or a timeout: a hung peer fails a test, not the run.
export GW_CLIENT_DEADLINE=$((60 * SCALE))
CALL_MS=$((60000 * SCALE))
n=0
fails=0
PIDS=
WORK=
AS=

skip()	{ n=$((n + 1)); echo "ok $n # SKIP $*"; }
# result DESCRIPTION STATUS [FILES TO SHOW ON FAILURE...]
result()
{
	d=$1 r=$2
	shift 2
	if [ "$r" -eq 0 ]; then ok "$d"; else [ $# -gt 0 ] && diag "$@"; nok "$d"; fi
}

# stop PID: SIGTERM, then SIGKILL when still there after a while; reaps it.
stop()
{
	kill -TERM "$1" 2>/dev/null || return 0
	i=0
	while kill -0 "$1" 2>/dev/null && [ $i -lt $WAIT_MAX ]; do
		i=$((i + 1))
		sleep 0.1
	done
	kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

cleanup()
{
	for p in $PIDS; do stop "$p"; done
	[ -n "$WORK" ] && rm -rf "$WORK"
}
trap cleanup EXIT

# wait_line FILE REGEX PID: 0 once FILE has a line matching REGEX; 1 when
# PID ended first or the wait ran out.
wait_line()
{
	i=0
	while ! grep -q -- "$2" "$1" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt $WAIT_MAX ] || ! kill -0 "$3" 2>/dev/null; then
			grep -q -- "$2" "$1" 2>/dev/null
			return
		fi
		sleep 0.1
	done
}

# bg NAME CMD...: start CMD with output in $WORK/NAME.out and .err (umask
# 0: a Unix socket it makes is open to uid 1000); its pid in $BGPID.
bg()
{
	name=$1
	shift
	(umask 0; exec "$@" >"$WORK/$name.out" 2>"$WORK/$name.err") &
	BGPID=$!
	PIDS="$PIDS $BGPID"
}

# gateway NAME ARGS...: start a gateway; 0 once it printed its ready line.
gateway()
{
	name=$1
	shift
	bg "$name" "$GW" "$@"
	GWPID=$BGPID
	wait_line "$WORK/$name.err" '^fastipc-grpc-gateway: ready' "$GWPID"
}

# py ARGS...: $AS gw_client.py ARGS, outputs in $WORK/out and err, status in st.
py()
{
	$AS env PYTHONPATH="$GEN" "$PY" "$CLIENT" "$@" >"$WORK/out" 2>"$WORK/err"
	st=$?
	return $st
}
# err_is CODE: the last call failed (status 1) with "gw_client: CODE: ...".
err_is()	{ [ "$st" -eq 1 ] && grep -q "^gw_client: $1: " "$WORK/err"; }
# The gRPC client: one gw_client.py process for the whole test, fed
# through a FIFO (a Python start takes seconds in the guest): send LINE
# hands it one call (K: its number; "& " first: left in flight), await K
# waits for call K and makes its outputs and status the last call's.
K=0
CLPID=
client_start()
{
	mkdir "$WORK/c" && mkfifo "$WORK/c/cmds" || return 1
	env PYTHONPATH="$GEN" "$PY" "$CLIENT" batch "$WORK/c" "$WORK/c/cmds" \
		>"$WORK/c.log" 2>&1 &
	CLPID=$!
	PIDS="$PIDS $CLPID"
	exec 9<>"$WORK/c/cmds"
}
send()	{ K=$((K + 1)); echo "$1" >&9; }
await()
{
	i=0
	while [ ! -e "$WORK/c/$1.st" ]; do
		i=$((i + 1))
		if [ $i -gt $WAIT_MAX ] || ! kill -0 "$CLPID" 2>/dev/null; then
			: >"$WORK/out"
			{ echo "# call $1 did not end"; cat "$WORK/c.log"; } >"$WORK/err"
			st=99
			return $st
		fi
		sleep 0.1
	done
	cp "$WORK/c/$1.out" "$WORK/out"
	cp "$WORK/c/$1.err" "$WORK/err"
	st=$(cat "$WORK/c/$1.st")
	return "$st"
}
# batch NAME: send the lines of $WORK/NAME; take NAME I awaits line I.
batch()
{
	eval "B_$1=$((K + 1))"
	while IFS= read -r line; do send "$line"; done <"$WORK/$1"
}
take()	{ eval "await \$((B_$1 + $2 - 1))"; }
# has LINE: the last call printed exactly LINE.
has()	{ grep -qx -- "$1" "$WORK/out"; }

# counters NAME PID CONDITION: SIGUSR1 until the newest counters line
# satisfies CONDITION (a shell test on $C, the line) or the wait runs out;
# 0 when it did. $C holds the line.
counters()
{
	i=0
	while :; do
		kill -USR1 "$2"
		sleep 0.1
		C=$(grep '^fastipc-grpc-gateway: counters ' "$WORK/$1.err" | tail -n 1)
		eval "$3" && return 0
		i=$((i + 1))
		[ $i -le $WAIT_MAX ] || return 1
	done
}
# field NAME: the value of NAME=N in $C ("" when absent).
field()	{ echo " $C" | sed -n "s/.* $1=\([0-9][0-9]*\).*/\1/p"; }

echo "TAP version 13"
# grpcgen/.import-ok: the build imported the stubs with python3-grpcio.
need_file "$GW" "$ECHO" "$HASHD" "$KVS" "$KVC" "$GEN/.import-ok"
need_dev
echo "1..$NTESTS"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/fipc-grpcgw.XXXXXX") || exit 1
chmod 755 "$WORK"
SETPRIV=
command -v setpriv >/dev/null &&
	SETPRIV="setpriv --reuid=1000 --regid=1000 --clear-groups"

# ---- export ----
# A port nothing listens on (no Python start for it: slow under TCG).
PORT=$((20000 + $$ % 20000))
while grep -qi ":$(printf %04X $PORT) " /proc/net/tcp /proc/net/tcp6 2>/dev/null; do
	PORT=$((PORT + 1))
done
TCP=127.0.0.1:$PORT
UNIX=unix:$WORK/gw2.sock
client_start
"$HASHD" -d -n gwt-hash -p "$WORK/hashd.pid" 2>"$WORK/hashd.err" &&
	PIDS="$PIDS $(cat "$WORK/hashd.pid")"
bg kvs "$KVS"
KVSPID=$BGPID
bg echo "$ECHO" serve gwt-echo
ECHOPID=$BGPID
r=1
if [ -s "$WORK/hashd.pid" ] &&
   wait_line "$WORK/kvs.out" '^kv-rpc-server: serving' "$KVSPID" &&
   wait_line "$WORK/echo.out" '^grpc_echo: serving gwt-echo$' "$ECHOPID"; then
	gateway gw1 export --listen "$TCP" --channel gwt-hash \
		--channel example-kv-rpc --channel gwt-echo &&
	GW1=$GWPID &&
	gateway gw2 export --listen "$UNIX" --channel gwt-echo \
		--max-message 16777216 &&
	GW2=$GWPID && r=0
fi
result "export gateways ready on $TCP and $UNIX" $r "$WORK"/*.err
if [ $r -ne 0 ]; then
	echo "# the rest needs them"
	exit 1
fi

mkdir "$WORK/files"
: >"$WORK/files/empty"
printf x >"$WORK/files/one"
head -c 4097 /dev/urandom >"$WORK/files/page-plus-1"
head -c 307200 /dev/urandom >"$WORK/files/300k"
cp /etc/passwd "$WORK/files/passwd" 2>/dev/null || echo text >"$WORK/files/passwd"
set -- "$WORK"/files/*
sha256sum "$@" >"$WORK/ref"
cat >"$WORK/tcp" <<EOF
hash $TCP $*
kv $TCP put greeting hello
kv $TCP get greeting
kv $TCP get nothing
echo $TCP
EOF
batch tcp
take tcp 1
r=1
[ $st -eq 0 ] && cmp -s "$WORK/ref" "$WORK/out" && r=0
result "hash: 5 digests through the TCP gateway equal sha256sum's" $r \
	"$WORK/out" "$WORK/err"

r=1
take tcp 2 && has replaced=false &&
	take tcp 3 && has hello && has owner_uid=0 &&
	[ "$(timeout "$GW_CLIENT_DEADLINE" "$KVC" get greeting 2>&1)" = hello ] && r=0
result "kv: put and get through the gateway; kv-rpc-client sees the value" $r \
	"$WORK/out" "$WORK/err"
take tcp 4
r=1
err_is NOT_FOUND && grep -qx 'gw_client: NOT_FOUND: no key "nothing"' "$WORK/err" && r=0
result "kv: NOT_FOUND and the handler's message pass one to one" $r "$WORK/err"

take tcp 5
r=1
[ $st -eq 0 ] && has "data 16 ok" && grep -q '^md x-fastipc-peer=ipv4:127\.0\.0\.1:' "$WORK/out" &&
	! grep -q '^md x-fastipc-peer-uid=' "$WORK/out" && has "caller=$GW1 0 0" && r=0
result "TCP: the handler sees x-fastipc-peer ipv4:127.0.0.1, no peer uid; the kernel records the gateway" \
	$r "$WORK/out" "$WORK/err"

# 5 digests, 3 kv calls (1 NOT_FOUND), 1 echo.
r=1
counters gw1 "$GW1" '[ "$(field calls)" = 9 ] && [ "$(field inflight)" = 0 ]' &&
	[ "$(field ok)" = 8 ] && [ "$(field failed)" = 1 ] &&
	[ "$(field bytes_in)" -gt 0 ] && [ "$(field bytes_out)" -gt 0 ] && r=0
result "SIGUSR1: counters calls=9 ok=8 failed=1 inflight=0 (${C#*counters })" $r "$WORK/gw1.err"

if [ -n "$SETPRIV" ]; then
	AS=$SETPRIV
	py echo "$UNIX"
	AS=
	cpid=$(sed -n 's/^pid=//p' "$WORK/out")
	r=1
	[ $st -eq 0 ] && has "data 16 ok" && [ -n "$cpid" ] &&
		has "md x-fastipc-peer-pid=$cpid" && has "md x-fastipc-peer-uid=1000" &&
		has "md x-fastipc-peer-gid=1000" && grep -q '^md x-fastipc-peer=.' "$WORK/out" &&
		has "caller=$GW2 0 0" && r=0
	result "unix: uid 1000's call carries x-fastipc-peer-pid/uid/gid; the kernel records the gateway" \
		$r "$WORK/out" "$WORK/err"
else
	skip "unix: no setpriv to call as uid 1000"
fi

cat >"$WORK/big" <<EOF
echo $UNIX --bytes $MIB4 --max-receive 16777216
echo $UNIX --bytes $((MIB4 + 64))
echo $TCP --bytes $((MIB4 + 64)) --max-receive 16777216
concurrent $TCP 8 2
EOF
batch big
take big 1
r=1
[ $st -eq 0 ] && has "data $MIB4 ok" && r=0
result "a 4 MiB message both ways (--max-message 16 MiB)" $r "$WORK/err"
take big 2
r=1
err_is RESOURCE_EXHAUSTED && r=0
result "a 4 MiB + 64 reply past the client's default receive limit: RESOURCE_EXHAUSTED" $r "$WORK/err"
take big 3
r=1
err_is RESOURCE_EXHAUSTED && r=0
result "a 4 MiB + 64 request to a gateway with the default --max-message: RESOURCE_EXHAUSTED" \
	$r "$WORK/err"

take big 4
r=1
[ $st -eq 0 ] && has "concurrent 8 clients, 16 calls ok, 8 peers" && r=0
result "8 concurrent clients on 8 connections get their own data back" $r "$WORK/out" "$WORK/err"

# A 3 s deadline against grpc_echo stopped (SIGSTOP) meanwhile: no
# answer can come (a sleeping grpc_echo replies OK at the deadline, which
# could beat the timeout under load).
kill -STOP "$ECHOPID"
send "echo $TCP --deadline 3"
await $K
kill -CONT "$ECHOPID"
r=1
err_is DEADLINE_EXCEEDED && r=0
result "export: a deadline the server cannot meet is DEADLINE_EXCEEDED" $r "$WORK/err"
r=1
counters gw1 "$GW1" '[ "$(field inflight)" = 0 ]' && [ "$(field deadline)" = 1 ] && r=0
result "the counters count it: deadline=1 inflight=0 (${C#*counters })" $r "$WORK/gw1.err"

# --max-inflight 1: a call held by a slow handler takes the only slot, the
# next one is answered RESOURCE_EXHAUSTED "gateway busy" and counted busy=1.
# The held call is then ended by killing that gateway.
r=1
if gateway gw5 export --listen "unix:$WORK/gw5.sock" --channel gwt-echo \
	--max-inflight 1; then
	GW5=$GWPID
	send "& echo unix:$WORK/gw5.sock --sleep 59000 --deadline 120"
	if wait_line "$WORK/echo.out" '^grpc_echo: sleeping 59000 ms' "$ECHOPID"; then
		send "echo unix:$WORK/gw5.sock"
		await $K
		err_is RESOURCE_EXHAUSTED &&
			grep -q '^gw_client: RESOURCE_EXHAUSTED: gateway busy: 1 calls in flight' \
			"$WORK/err" && r=0
	fi
fi
result "--max-inflight 1 and a call in flight: the next is RESOURCE_EXHAUSTED gateway busy" \
	$r "$WORK/err" "$WORK/gw5.err"
r=1
[ -n "${GW5:-}" ] &&
	counters gw5 "$GW5" '[ "$(field calls)" = 2 ] && [ "$(field busy)" = 1 ]' &&
	[ "$(field inflight)" = 1 ] && r=0
result "the counters count it: busy=1, 1 in flight (${C#*counters })" $r "$WORK/gw5.err"
[ -n "${GW5:-}" ] && kill -KILL "$GW5" && wait "$GW5" 2>/dev/null

# --max-deadline 1: a call whose own deadline (120 s) is later is capped at
# 1 s: DEADLINE_EXCEEDED, counted deadline=1. grpc_echo is stopped
# (SIGSTOP) while the call is made, so that no answer can come, not even
# one at the deadline (its sleep ends there and it replies OK).
r=1
if gateway gw6 export --listen "unix:$WORK/gw6.sock" --channel gwt-echo \
	--max-deadline 1; then
	GW6=$GWPID
	kill -STOP "$ECHOPID"
	send "echo unix:$WORK/gw6.sock --deadline 120"
	await $K
	kill -CONT "$ECHOPID"
	err_is DEADLINE_EXCEEDED && r=0
fi
result "--max-deadline 1 caps a later gRPC deadline: DEADLINE_EXCEEDED" $r "$WORK/err" \
	"$WORK/gw6.err"
r=1
[ -n "${GW6:-}" ] &&
	counters gw6 "$GW6" '[ "$(field inflight)" = 0 ] && [ "$(field calls)" = 1 ]' &&
	[ "$(field deadline)" = 1 ] && r=0
result "the counters count it: deadline=1 (${C#*counters })" $r "$WORK/gw6.err"
[ -n "${GW6:-}" ] && stop "$GW6"

# A server of its own, behind a gateway of its own: it is killed.
bg echo3 "$ECHO" serve gwt-echo-kill
E3=$BGPID
r=1
if wait_line "$WORK/echo3.out" '^grpc_echo: serving' "$E3" &&
   gateway gw3 export --listen "unix:$WORK/gw3.sock" --channel gwt-echo-kill; then
	GW3=$GWPID
	send "& echo unix:$WORK/gw3.sock --sleep 61000 --deadline 120"
	k=$K
	if wait_line "$WORK/echo3.out" '^grpc_echo: sleeping 61000 ms' "$E3"; then
		kill -KILL "$E3"
		await $k
		[ $st -eq 1 ] && grep -q '^gw_client: UNAVAILABLE: ' "$WORK/err" && r=0
	fi
fi
result "the fastipc server killed mid-call: UNAVAILABLE" $r "$WORK/err" "$WORK/gw3.err"
r=1
if [ -n "${GW3:-}" ]; then
	kill -TERM "$GW3"
	wait "$GW3"
	st=$?
	C=$(grep '^fastipc-grpc-gateway: counters ' "$WORK/gw3.err" | tail -n 1)
	[ $st -eq 0 ] && [ "$(field unavailable)" = 1 ] && [ "$(field calls)" = 1 ] && r=0
fi
result "SIGTERM: exit 0 with the counters line: calls=1 unavailable=1 (${C#*counters })" $r \
	"$WORK/gw3.err"

send "& echo $TCP --sleep 60000 --deadline 120"
k=$K
r=1
if wait_line "$WORK/echo.out" '^grpc_echo: sleeping 60000 ms' "$ECHOPID"; then
	kill -KILL "$GW1"
	await $k
	[ $st -eq 1 ] && grep -q '^gw_client: UNAVAILABLE: ' "$WORK/err" && r=0
fi
result "the gateway killed mid-call: the gRPC client sees UNAVAILABLE" $r "$WORK/err"

send "& echo $UNIX --sleep 3000 --deadline 120"
k=$K
r=1
if wait_line "$WORK/echo.out" '^grpc_echo: sleeping 3000 ms' "$ECHOPID"; then
	kill -TERM "$GW2"
	wait "$GW2"
	gst=$?
	await $k
	if [ $gst -eq 0 ] && grep -q '^fastipc-grpc-gateway: counters ' "$WORK/gw2.err" &&
	   { { [ $st -eq 0 ] && has "data 16 ok"; } ||
	     { [ $st -eq 1 ] && grep -q '^gw_client: UNAVAILABLE: ' "$WORK/err"; }; }; then
		r=0
		[ $st -eq 0 ] && w=answered || w=UNAVAILABLE
	fi
fi
result "SIGTERM with a call in flight: the call is ${w:-answered or UNAVAILABLE}, exit 0 with counters" \
	$r "$WORK/err" "$WORK/gw2.err"

# ---- import ----
stop "$KVSPID"
bg pys env PYTHONPATH="$GEN" "$PY" "$SERVER" "unix:$WORK/py.sock"
PYSPID=$BGPID
r=1
if wait_line "$WORK/pys.out" '^gw_server: ready' "$PYSPID" &&
   gateway gw4 import --channel example-kv-rpc --target "unix:$WORK/py.sock" \
	--descriptor-set "$GEN/gw-import.desc" --mode 0666; then
	GW4=$GWPID
	r=0
fi
result "import gateway ready: gw_server.py behind channel example-kv-rpc" $r \
	"$WORK/pys.err" "$WORK/gw4.err"

kvc()
{
	$AS timeout "$GW_CLIENT_DEADLINE" "$KVC" "$@" >"$WORK/out" 2>"$WORK/err"
	st=$?
	return $st
}
r=1
kvc put greeting hello && kvc get greeting && has hello &&
	{ kvc get nothing; [ $st -eq 1 ]; } &&
	grep -qx 'kv-rpc-client: NOT_FOUND: no key "nothing"' "$WORK/err" &&
	grep -Eq '^gw_server: Put caller pid=[0-9]+ uid=0 gid=0$' "$WORK/pys.out" && r=0
result "import: kv-rpc-client, unchanged, puts and gets; NOT_FOUND; caller uid 0 in the metadata" \
	$r "$WORK/err" "$WORK/pys.out" "$WORK/gw4.err"

if [ -n "$SETPRIV" ]; then
	AS=$SETPRIV
	kvc put mine x
	s1=$st
	AS=
	kvc del mine
	r=1
	[ $s1 -eq 0 ] && [ $st -eq 1 ] &&
		grep -qx 'kv-rpc-client: PERMISSION_DENIED: key "mine" belongs to uid 1000, not to uid 0' \
			"$WORK/err" &&
		grep -Eq '^gw_server: Put caller pid=[0-9]+ uid=1000 gid=1000$' "$WORK/pys.out" && r=0
	result "import: x-fastipc-caller-uid is the kernel's record: uid 1000's key is not root's" \
		$r "$WORK/err" "$WORK/pys.out"
else
	skip "import: no setpriv to call as uid 1000"
fi

"$ECHO" call -t "$CALL_MS" example-kv-rpc >"$WORK/out" 2>"$WORK/err"
st=$?
cpid=$(sed -n 's/^pid=//p' "$WORK/out")
r=1
[ $st -eq 0 ] && has "data 16 ok" && [ -n "$cpid" ] &&
	has "md x-fastipc-caller-pid=$cpid" && has "md x-fastipc-caller-uid=0" &&
	has "md x-fastipc-caller-gid=0" && r=0
result "import: the gRPC server sees x-fastipc-caller-pid/uid/gid of the fastipc caller" \
	$r "$WORK/out" "$WORK/err"

"$ECHO" call -s 5000 -t 500 example-kv-rpc >"$WORK/out" 2>"$WORK/err"
st=$?
r=1
[ $st -eq 1 ] && grep -q '^grpc_echo: DEADLINE_EXCEEDED' "$WORK/err" && r=0
result "import: a fastipc deadline shorter than the gRPC server's sleep is DEADLINE_EXCEEDED" \
	$r "$WORK/err"

r=1
if [ -n "${GW4:-}" ]; then
	kill -TERM "$GW4"
	wait "$GW4"
	gst=$?
	kvc get greeting
	[ $gst -eq 0 ] && [ $st -eq 1 ] && grep -q '^kv-rpc-client: UNAVAILABLE: ' "$WORK/err" && r=0
fi
result "import: SIGTERM exits 0 and the channel goes with it (UNAVAILABLE)" $r \
	"$WORK/err" "$WORK/gw4.err"

[ $n -eq $NTESTS ] || { echo "# ran $n of $NTESTS tests"; fails=$((fails + 1)); }
[ $fails -eq 0 ]
