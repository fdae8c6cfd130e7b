#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# oncrpc_example_test.sh: kselftest (TAP 13) of examples/oncrpc-calc, one
# rpcgen -M interface served over fastipc and TCP by one server binary.
# Run as root with the module loaded (run_kselftests.sh loads it).
# Checked: the server announces its channel and TCP port; over fastipc
# and over TCP loopback alike, the null procedure succeeds, add gives the
# sum, echo gives the text back and a 1 MiB echo comes back byte for byte
# (the client compares); a client of a missing channel fails with
# status 1 and says why; a usage error is status 2; SIGTERM stops the
# server with status 0 and nothing on stderr; then a fastipc client fails
# with status 1.
#
# Environment: FASTIPC_EXAMPLES (where oncrpc-calc/ is; default
# examples/ of the tree).
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
. "$here/tap_util.sh"
EX=${FASTIPC_EXAMPLES:-$top/examples}/oncrpc-calc
SERVER=$EX/calc-server
CLIENT=$EX/calc-client
NTESTS=14
n=0
fails=0
SPID=
WORK=


cleanup()
{
	[ -n "$SPID" ] && kill -TERM "$SPID" 2>/dev/null && wait "$SPID" 2>/dev/null
	[ -n "$WORK" ] && rm -rf "$WORK"
}
trap cleanup EXIT

echo "TAP version 13"
need_prog "$SERVER" "$CLIENT"
need_dev
echo "1..$NTESTS"
WORK=$(mktemp -d) || exit 1
CHAN=kst-calc-$$

# expect NAME STATUS OUTPUT -- command...: the exit status and stdout
expect()
{
	name=$1 want_st=$2 want_out=$3
	shift 4
	"$@" >"$WORK/out" 2>"$WORK/err"
	st=$?
	out=$(cat "$WORK/out")
	if [ "$st" -eq "$want_st" ] && [ "$out" = "$want_out" ]; then
		ok "$name"
	else
		nok "$name (status $st, want $want_st; output '$out', want '$want_out')"
		diag "$WORK/err"
	fi
}

"$SERVER" -c "$CHAN" -p 0 >"$WORK/srv.out" 2>"$WORK/srv.err" &
SPID=$!
i=0
while ! grep -q '^calc-server: ready ' "$WORK/srv.out" 2>/dev/null; do
	if ! kill -0 "$SPID" 2>/dev/null || [ $i -ge 600 ]; then
		break
	fi
	sleep 0.1
	i=$((i + 1))
done
PORT=$(sed -n 's/^calc-server: ready channel=.* tcp_port=\([0-9]*\)$/\1/p' "$WORK/srv.out")
if [ -n "$PORT" ] && [ "$PORT" -gt 0 ]; then
	ok "server ready on channel $CHAN and TCP port $PORT"
else
	nok "server ready"
	diag "$WORK/srv.out" "$WORK/srv.err"
	exit 1
fi

for t in fastipc tcp; do
	if [ $t = fastipc ]; then set -- -t fastipc -c "$CHAN"; else set -- -t tcp -p "$PORT"; fi
	expect "$t: null" 0 "" -- "$CLIENT" "$@" null
	expect "$t: add 40 2" 0 "42" -- "$CLIENT" "$@" add 40 2
	expect "$t: echo" 0 "hello rpcgen" -- "$CLIENT" "$@" echo "hello rpcgen"
	expect "$t: 1 MiB echo" 0 "1048576 bytes echoed" -- "$CLIENT" "$@" echo-size 1048576
done

expect "missing channel: status 1" 1 "" -- "$CLIENT" -c "$CHAN-none" null
if grep -q 'No such file or directory' "$WORK/err"; then
	ok "missing channel: says why"
else
	nok "missing channel: says why"
	diag "$WORK/err"
fi
expect "usage error: status 2" 2 "" -- "$CLIENT" -c "$CHAN" frobnicate

kill -TERM "$SPID"
wait "$SPID"
st=$?
SPID=
if [ "$st" -eq 0 ] && [ ! -s "$WORK/srv.err" ]; then
	ok "SIGTERM: server exits 0, nothing on stderr"
else
	nok "SIGTERM: server exits 0 (status $st), nothing on stderr"
	diag "$WORK/srv.err"
fi
expect "server gone: status 1" 1 "" -- "$CLIENT" -c "$CHAN" null

[ "$n" -eq "$NTESTS" ] || { echo "# ran $n of $NTESTS"; fails=$((fails + 1)); }
[ "$fails" -eq 0 ]
