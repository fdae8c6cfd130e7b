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
# Then the same store on libfastipc-rpc (examples/rpc-kv/kv-rpc-server,
# kv-rpc-client; skipped one by one when not built): the server announces
# its channel; put and get, add of a stored key is ALREADY_EXISTS; a
# 4 MiB value put from a file comes back byte for byte (cmp); one byte
# more is the handler's INVALID_ARGUMENT, 8 KiB more the client
# library's RESOURCE_EXHAUSTED (above max_message); an empty key is
# INVALID_ARGUMENT; a missing key is NOT_FOUND (status 1, the status on
# stderr); list gives the keys with a prefix in order, and a limit cuts
# it with a note on stderr; del removes a key, a second del is NOT_FOUND;
# as uid 1000 (setpriv), del and put of root's key are PERMISSION_DENIED
# and its own key is its own to delete, while root may not delete it;
# SIGTERM stops the server with status 0 and nothing on stderr; then the
# client's bind is UNAVAILABLE (status 1); a usage error is status 2.
#
# Environment: FASTIPC_EXAMPLES (where kv-server and kv-client are, and
# rpc-kv/ with kv-rpc-server and kv-rpc-client; default examples/ of the
# tree).
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
. "$here/tap_util.sh"
EX=${FASTIPC_EXAMPLES:-$top/examples}
SERVER=$EX/kv-server
CLIENT=$EX/kv-client
RPC_SERVER=$EX/rpc-kv/kv-rpc-server
RPC_CLIENT=$EX/rpc-kv/kv-rpc-client
NTESTS=11
NTESTS_RPC=16
n=0
fails=0
SPID=
RPID=
WORK=
CLI=$CLIENT	# the client the next checks run
AS=		# a command prefix to run it as another user

skip()	{ n=$((n + 1)); echo "ok $n # SKIP $*"; }

cleanup()
{
	[ -n "$SPID" ] && kill -TERM "$SPID" 2>/dev/null && wait "$SPID" 2>/dev/null
	[ -n "$RPID" ] && kill -TERM "$RPID" 2>/dev/null && wait "$RPID" 2>/dev/null
	[ -n "$WORK" ] && rm -rf "$WORK"
}
trap cleanup EXIT

# client EXPECTED_STATUS EXPECTED_STDOUT EXPECTED_STDERR ARGS...: runs
# $AS $CLI ARGS; 0 when status and both outputs are as expected.
client()
{
	want_st=$1 want_out=$2 want_err=$3
	shift 3
	$AS "$CLI" "$@" >"$WORK/out" 2>"$WORK/err"
	st=$?
	if [ "$st" -eq "$want_st" ] && [ "$(cat "$WORK/out")" = "$want_out" ] &&
	   [ "$(cat "$WORK/err")" = "$want_err" ]; then
		return 0
	fi
	echo "# ${AS:+$AS }${CLI##*/} $*: status $st (wanted $want_st)"
	diag "$WORK/out" "$WORK/err"
	return 1
}
# check DESCRIPTION client-arguments...
check()	{ d=$1; shift; if client "$@"; then ok "$d"; else nok "$d"; fi; }

# stop_server PID NAME ERRFILE: SIGTERM stops it with status 0, silently.
stop_server()
{
	kill -TERM "$1"
	wait "$1"
	st=$?
	if [ $st -eq 0 ] && [ ! -s "$3" ]; then
		ok "SIGTERM stops $2 with status 0"
	else
		diag "$3"
		nok "SIGTERM stops $2 with status 0 (status $st)"
	fi
}

echo "TAP version 13"
need_prog "$SERVER" "$CLIENT"
need_dev
echo "1..$((NTESTS + NTESTS_RPC))"
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

stop_server "$SPID" kv-server "$WORK/server.err"
SPID=
check "with no server, the client says so, status 1" 1 "" \
	"kv-client: channel example-kv: No such file or directory (kv-server not running?)" \
	get greeting
check "usage errors: status 2" 2 "" "usage: kv-client get KEY | put KEY VALUE" \
	get

# ---- examples/rpc-kv: the same store on libfastipc-rpc ----

# run ARGS...: $AS $CLI ARGS, outputs in $WORK/out and err, status in st.
run()	{ $AS "$CLI" "$@" >"$WORK/out" 2>"$WORK/err"; st=$?; }
# as1000 client-arguments...: client, run as uid 1000.
as1000()
{
	AS="setpriv --reuid=1000 --regid=1000 --clear-groups"
	client "$@"
	r=$?
	AS=
	return $r
}
NL='
'

rpc_tests()
{
	CLI=$RPC_CLIENT
	"$RPC_SERVER" >"$WORK/rpc-server.out" 2>"$WORK/rpc-server.err" &
	RPID=$!
	i=0
	while ! grep -q '^kv-rpc-server: serving example-kv-rpc$' "$WORK/rpc-server.out"; do
		i=$((i + 1))
		kill -0 "$RPID" 2>/dev/null && [ $i -le 600 ] || break
		sleep 0.1
	done
	if grep -q '^kv-rpc-server: serving example-kv-rpc$' "$WORK/rpc-server.out"; then
		ok "kv-rpc-server: serving example-kv-rpc"
	else
		diag "$WORK/rpc-server.out" "$WORK/rpc-server.err"
		nok "kv-rpc-server: serving example-kv-rpc"
	fi

	d="rpc: put, get; add of a stored key is ALREADY_EXISTS, the value stays"
	if client 0 "" "" put greeting hello && client 0 "hello" "" get greeting &&
	   client 1 "" 'kv-rpc-client: ALREADY_EXISTS: key "greeting" exists' \
		add greeting world && client 0 "hello" "" get greeting; then
		ok "$d"
	else
		nok "$d"
	fi

	# 4 MiB of random bytes: NULs and newlines included.
	head -c $((4 << 20)) /dev/urandom >"$WORK/big"
	d="rpc: a 4 MiB value put from a file comes back byte for byte"
	if client 0 "" "" put big -f "$WORK/big" && run get big && [ $st -eq 0 ] &&
	   [ ! -s "$WORK/err" ] && cmp "$WORK/big" "$WORK/out"; then
		ok "$d"
	else
		diag "$WORK/err"
		nok "$d"
	fi
	head -c $(((4 << 20) + 1)) /dev/zero >"$WORK/big1"
	check "rpc: a value of 4 MiB + 1 byte is the handler's INVALID_ARGUMENT" 1 "" \
		"kv-rpc-client: INVALID_ARGUMENT: values have up to 4194304 bytes, not 4194305" \
		put big -f "$WORK/big1"
	head -c $(((4 << 20) + 8192)) /dev/zero >"$WORK/big2"
	run put big -f "$WORK/big2"
	d="rpc: a request above the bind's max_message is RESOURCE_EXHAUSTED, status 1"
	if [ $st -eq 1 ] && grep -q '^kv-rpc-client: RESOURCE_EXHAUSTED: ' "$WORK/err"; then
		ok "$d"
	else
		diag "$WORK/err"
		nok "$d (status $st)"
	fi
	d="rpc: the refused puts left the 4 MiB value as it was"
	if run get big && [ $st -eq 0 ] && cmp "$WORK/big" "$WORK/out"; then
		ok "$d"
	else
		nok "$d"
	fi

	check "rpc: an empty key is INVALID_ARGUMENT, status 1" 1 "" \
		"kv-rpc-client: INVALID_ARGUMENT: keys have 1 to 256 bytes, not 0" put "" x
	check "rpc: get nothing is NOT_FOUND, status 1" 1 "" \
		'kv-rpc-client: NOT_FOUND: no key "nothing"' get nothing

	d="rpc: list gives the keys with a prefix, in order"
	if client 0 "" "" put fruit/cherry c && client 0 "" "" put fruit/apple a &&
	   client 0 "" "" put veg/leek l && client 0 "" "" put fruit/banana b &&
	   client 0 "fruit/apple${NL}fruit/banana${NL}fruit/cherry" "" list fruit/ &&
	   client 0 "big${NL}fruit/apple${NL}fruit/banana${NL}fruit/cherry${NL}greeting${NL}veg/leek" \
		"" list && client 0 "" "" list nothing; then
		ok "$d"
	else
		nok "$d"
	fi
	check "rpc: list with a limit stops there and says more keys follow" 0 \
		"fruit/apple${NL}fruit/banana" 'kv-rpc-client: more keys start with "fruit/"' \
		list fruit/ 2

	d="rpc: del removes a key; a second del is NOT_FOUND"
	if client 0 "" "" del fruit/apple &&
	   client 1 "" 'kv-rpc-client: NOT_FOUND: no key "fruit/apple"' get fruit/apple &&
	   client 1 "" 'kv-rpc-client: NOT_FOUND: no key "fruit/apple"' del fruit/apple &&
	   client 0 "fruit/banana${NL}fruit/cherry" "" list fruit/; then
		ok "$d"
	else
		nok "$d"
	fi

	# The uid the handler sees is the kernel's record of the caller's.
	d="rpc: as uid 1000, del and put of root's key are PERMISSION_DENIED"
	deny='kv-rpc-client: PERMISSION_DENIED: key "greeting" belongs to uid 0, not to uid 1000'
	if ! command -v setpriv >/dev/null; then
		skip "$d: no setpriv"
	elif as1000 1 "" "$deny" del greeting &&
	     as1000 1 "" "$deny" put greeting mine &&
	     client 0 "hello" "" get greeting; then
		ok "$d"
	else
		nok "$d"
	fi
	d="rpc: uid 1000's own key: root may not delete it, uid 1000 may"
	deny='kv-rpc-client: PERMISSION_DENIED: key "mine" belongs to uid 1000, not to uid 0'
	if ! command -v setpriv >/dev/null; then
		skip "$d: no setpriv"
	elif as1000 0 "" "" put mine 1000 && client 1 "" "$deny" del mine &&
	     as1000 0 "" "" del mine &&
	     client 1 "" 'kv-rpc-client: NOT_FOUND: no key "mine"' get mine; then
		ok "$d"
	else
		nok "$d"
	fi

	stop_server "$RPID" kv-rpc-server "$WORK/rpc-server.err"
	RPID=
	run get greeting
	d="rpc: with no server, the bind is UNAVAILABLE, status 1"
	if [ $st -eq 1 ] && grep -q '^kv-rpc-client: UNAVAILABLE: ' "$WORK/err"; then
		ok "$d"
	else
		diag "$WORK/err"
		nok "$d (status $st)"
	fi
	check "rpc: usage errors: status 2" 2 "" \
		"usage: kv-rpc-client get KEY | put KEY VALUE|-f FILE | add KEY VALUE|-f FILE | del KEY | list [PREFIX [LIMIT]]" \
		get
}

if [ -x "$RPC_SERVER" ] && [ -x "$RPC_CLIENT" ]; then
	rpc_tests
else
	while [ $n -lt $((NTESTS + NTESTS_RPC)) ]; do
		skip "examples/rpc-kv is not built"
	done
fi

[ $n -eq $((NTESTS + NTESTS_RPC)) ] || { echo "# ran $n of $((NTESTS + NTESTS_RPC)) tests"; fails=$((fails + 1)); }
[ $fails -eq 0 ]
