#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# examples_test.sh: kselftest (TAP 13) of the example key-value service
# (examples/kv-server, examples/kv-client), the programs README.md and
# libfastipc(3) show. Run as root with the module loaded (run_kselftests.sh
# loads it). Checked: the server announces its channel; a value put is
# got back, and replaced by a second put; a missing key is "no such key"
# (the handler's -ENOENT, exit status 1); a value of the largest size
# round-trips and one byte more is refused by the client (status 2);
# the 17th key finds the store full (-ENOSPC); SIGTERM stops the server
# with status 0 and nothing on stderr; then the client says the server
# is not running (status 1).
#
# Environment: FASTIPC_EXAMPLES (where kv-server and kv-client are;
# default examples/ of the tree).
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
EX=${FASTIPC_EXAMPLES:-$top/examples}
SERVER=$EX/kv-server
CLIENT=$EX/kv-client
KSFT_SKIP=4
NTESTS=11
n=0
fails=0
SPID=
WORK=

ok()	{ n=$((n + 1)); echo "ok $n - $*"; }
nok()	{ n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $*"; }
diag()	{ sed 's/^/# /' "$@"; }

cleanup()
{
	[ -n "$SPID" ] && kill -TERM "$SPID" 2>/dev/null && wait "$SPID" 2>/dev/null
	[ -n "$WORK" ] && rm -rf "$WORK"
}
trap cleanup EXIT

# client EXPECTED_STATUS EXPECTED_STDOUT EXPECTED_STDERR ARGS...: runs
# kv-client ARGS; 0 when status and both outputs are as expected.
client()
{
	want_st=$1 want_out=$2 want_err=$3
	shift 3
	"$CLIENT" "$@" >"$WORK/out" 2>"$WORK/err"
	st=$?
	if [ "$st" -eq "$want_st" ] && [ "$(cat "$WORK/out")" = "$want_out" ] &&
	   [ "$(cat "$WORK/err")" = "$want_err" ]; then
		return 0
	fi
	echo "# kv-client $*: status $st (wanted $want_st)"
	diag "$WORK/out" "$WORK/err"
	return 1
}
# check DESCRIPTION client-arguments...
check()	{ d=$1; shift; if client "$@"; then ok "$d"; else nok "$d"; fi; }

echo "TAP version 13"
for f in "$SERVER" "$CLIENT"; do
	if [ ! -x "$f" ]; then
		echo "1..0 # SKIP $f not built"
		exit $KSFT_SKIP
	fi
done
if [ ! -c /dev/fastipc ]; then
	echo "1..0 # SKIP the fastipc module is not loaded"
	exit $KSFT_SKIP
fi
echo "1..$NTESTS"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/fipc-examples.XXXXXX") || exit 1

"$SERVER" >"$WORK/server.out" 2>"$WORK/server.err" &
SPID=$!
i=0
while ! grep -q '^kv-server: serving example-kv$' "$WORK/server.out" 2>/dev/null; do
	i=$((i + 1))
	kill -0 "$SPID" 2>/dev/null && [ $i -le 600 ] || break
	sleep 0.1
done
if grep -q '^kv-server: serving example-kv$' "$WORK/server.out"; then
	ok "kv-server: serving example-kv"
else
	diag "$WORK/server.out" "$WORK/server.err"
	nok "kv-server: serving example-kv"
fi

check "put greeting hello" 0 "" "" put greeting hello
check "get greeting: hello" 0 "hello" "" get greeting
if client 0 "" "" put greeting world && client 0 "world" "" get greeting; then
	ok "put greeting world replaces it"
else
	nok "put greeting world replaces it"
fi
check "get nothing: no such key, status 1" 1 "" "kv-client: nothing: no such key" \
	get nothing

big=$(printf '%0256d' 7)
if client 0 "" "" put big "$big" && client 0 "$big" "" get big; then
	ok "a 256-byte value round-trips"
else
	nok "a 256-byte value round-trips"
fi
check "a 257-byte value is refused by the client, status 2" 2 "" \
	"kv-client: keys have 1 to 32 bytes, values up to 256" put big "${big}x"

# 2 keys are stored: 14 more fill the 16 slots, the next is -ENOSPC.
i=0
st=0
while [ $i -lt 14 ]; do
	client 0 "" "" put "k$i" "v$i" || st=1
	i=$((i + 1))
done
if [ $st -eq 0 ] && client 1 "" "kv-client: put k14: server status -28 (No space left on device)" \
	put k14 v14 && client 0 "v13" "" get k13; then
	ok "16 keys fit, the 17th finds the store full (ENOSPC)"
else
	nok "16 keys fit, the 17th finds the store full (ENOSPC)"
fi

kill -TERM "$SPID"
wait "$SPID"
st=$?
SPID=
if [ $st -eq 0 ] && [ ! -s "$WORK/server.err" ]; then
	ok "SIGTERM stops kv-server with status 0"
else
	diag "$WORK/server.err"
	nok "SIGTERM stops kv-server with status 0 (status $st)"
fi
check "with no server, the client says so, status 1" 1 "" \
	"kv-client: channel example-kv: No such file or directory (kv-server not running?)" \
	get greeting
check "usage errors: status 2" 2 "" "usage: kv-client get KEY | put KEY VALUE" \
	get

[ $n -eq $NTESTS ] || { echo "# ran $n of $NTESTS tests"; fails=$((fails + 1)); }
[ $fails -eq 0 ]
