#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# call_tool_test.sh: kselftest (TAP 13) of fastipc-call
# (tools/fastipc-call) against examples/rpc-kv's kv-rpc-server and
# fastipc-hashd. Run as root with the module loaded (run_kselftests.sh
# loads it). Checked:
#  - the listing of each server: its service, every method's line
#    "rpc Get (kv.GetRequest) returns (kv.GetReply)", message types with
#    their fields (repeated ones marked), exit 0;
#  - kv: Put with a JSON argument prints {} (nothing replaced), Get
#    prints the value (base64, as protobuf's JSON mapping says); Put from
#    -d @file and -d @- (stdin) replaces it ({"replaced":true}); List
#    prints the keys in order; a missing key is "fastipc-call: NOT_FOUND:
#    ..." with status 1;
#  - hashd: Digest of a small input gives sha256sum's digest;
#  - --binary: packed GetRequest bytes in, the packed GetReply bytes out
#    (cmp against the bytes protobuf's encoding gives);
#  - -p: the listing and a call with the types from protoc's descriptor
#    set instead of the server's description (skipped without protoc);
#  - an untyped server (call_raw_helper: fastipc_rpc_server_add_raw() of a
#    Description written with protoc --encode, echoing requests): the
#    listing shows a nested type, an enum, a map and a oneof; a JSON
#    request using them all comes back as it went; a type the server
#    names but does not describe is status 2, named; -p supplies it;
#    --binary needs no schema (skipped without protoc);
#  - errors: no such channel (status 1, UNAVAILABLE), no such method
#    (status 2, named), bad JSON and an unknown field (status 2, the
#    parser's message), a usage error (status 2), a 0600 channel called as
#    uid 1000 (status 1, PERMISSION_DENIED), a server that cannot answer
#    (stopped with SIGSTOP) with --deadline 1 (status 1,
#    DEADLINE_EXCEEDED): neither server has a slow method, so the
#    deadline is checked against a stopped one.
#
# Environment: FASTIPC_CALL, FASTIPC_HASHD, FASTIPC_CTL (the tools),
# FASTIPC_EXAMPLES (where rpc-kv/kv-rpc-server is), FASTIPC_TEST_BIN
# (where call_raw_helper is).
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
. "$here/tap_util.sh"
CALL=${FASTIPC_CALL:-$top/tools/fastipc-call/fastipc-call}
HASHD=${FASTIPC_HASHD:-$top/tools/fastipc-hash/fastipc-hashd}
CTL=${FASTIPC_CTL:-$top/tools/fastipcctl/fastipcctl}
EX=${FASTIPC_EXAMPLES:-$top/examples}
KVD=$EX/rpc-kv/kv-rpc-server
RAWH=${FASTIPC_TEST_BIN:-$here}/call_raw_helper
R=call-tool-raw
KV=example-kv-rpc
H=call-tool-hash
NTESTS=31

n=0
fails=0
KPID=
HPID=
RPID=
WORK=

skip()	{ n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }

cleanup()
{
	[ -n "$KPID" ] && kill -CONT "$KPID" 2>/dev/null
	for p in $KPID $HPID $RPID; do kill -TERM "$p" 2>/dev/null; done
	for p in $KPID $HPID $RPID; do wait "$p" 2>/dev/null; done
	[ -n "$WORK" ] && rm -rf "$WORK"
}
trap cleanup EXIT

# fc WANT_STATUS ARGS...: $AS fastipc-call ARGS, stdout in $WORK/out,
# stderr in $WORK/err; 0 when the status is WANT_STATUS.
AS=
fc()
{
	wst=$1
	shift
	$AS "$CALL" "$@" >"$WORK/out" 2>"$WORK/err" </dev/null
	st=$?
	[ "$st" -eq "$wst" ] && return 0
	echo "# ${AS:+$AS }fastipc-call $*: status $st (wanted $wst)"
	diag "$WORK/out" "$WORK/err"
	return 1
}
# out_is TEXT / err_is TEXT: stdout / stderr is exactly TEXT.
out_is() { [ "$(cat "$WORK/out")" = "$1" ] || { echo "# stdout, wanted: $1"; diag "$WORK/out"; return 1; }; }
err_is() { [ "$(cat "$WORK/err")" = "$1" ] || { echo "# stderr, wanted: $1"; diag "$WORK/err"; return 1; }; }
# has FILE LINE: FILE has LINE exactly.
has() { grep -qxF -- "$2" "$1" || { echo "# no line '$2' in:"; diag "$1"; return 1; }; }
err_starts() { grep -q "^$1" "$WORK/err" || { echo "# stderr does not start with: $1"; diag "$WORK/err"; return 1; }; }
check() { d=$1; shift; if "$@"; then ok "$d"; else nok "$d"; fi; }

# wait_for FILE PATTERN PID: up to 60 s for a line of FILE matching
# PATTERN while PID lives.
wait_for()
{
	i=0
	while ! grep -q "$2" "$1" 2>/dev/null; do
		i=$((i + 1))
		kill -0 "$3" 2>/dev/null && [ $i -le 600 ] || return 1
		sleep 0.1
	done
}

echo "TAP version 13"
need_prog "$CALL" "$HASHD" "$CTL" "$KVD"
need_dev root
echo "1..$NTESTS"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/fipc-call.XXXXXX") || exit 1
chmod 0755 "$WORK"

"$KVD" >"$WORK/kvd.out" 2>"$WORK/kvd.err" &
KPID=$!
"$HASHD" -t 2 -n "$H" >"$WORK/hashd.out" 2>"$WORK/hashd.err" &
HPID=$!
if wait_for "$WORK/kvd.out" "^kv-rpc-server: serving $KV\$" "$KPID" &&
   wait_for "$WORK/hashd.out" '^ready' "$HPID"; then
	ok "kv-rpc-server and fastipc-hashd serve"
else
	diag "$WORK/kvd.out" "$WORK/kvd.err" "$WORK/hashd.out" "$WORK/hashd.err"
	nok "kv-rpc-server and fastipc-hashd serve"
fi

# ---- listings ----
d="list kv: service, its 4 methods, message types with fields"
if fc 0 "$KV" && has "$WORK/out" "service kv.Kv {" &&
   has "$WORK/out" "  rpc Get (kv.GetRequest) returns (kv.GetReply)" &&
   has "$WORK/out" "  rpc Put (kv.PutRequest) returns (kv.PutReply)" &&
   has "$WORK/out" "  rpc Delete (kv.DeleteRequest) returns (kv.DeleteReply)" &&
   has "$WORK/out" "  rpc List (kv.ListRequest) returns (kv.ListReply)" &&
   has "$WORK/out" "message kv.PutRequest {" &&
   has "$WORK/out" "  bytes value = 2;" && has "$WORK/out" "  bool if_absent = 3;" &&
   has "$WORK/out" "message kv.ListReply {" &&
   has "$WORK/out" "  repeated string keys = 1;" && [ ! -s "$WORK/err" ]; then
	ok "$d"
else
	nok "$d"
fi
cp "$WORK/out" "$WORK/kv-list"
d="list hashd: fastipc.hash.Hash with Digest and Stats, StatsReply's fields"
if fc 0 "$H" && has "$WORK/out" "service fastipc.hash.Hash {" &&
   has "$WORK/out" "  rpc Digest (fastipc.hash.DigestRequest) returns (fastipc.hash.DigestReply)" &&
   has "$WORK/out" "  rpc Stats (fastipc.hash.StatsRequest) returns (fastipc.hash.StatsReply)" &&
   has "$WORK/out" "  uint64 sessions = 5;"; then
	ok "$d"
else
	nok "$d"
fi

# ---- calls ----
check "kv Put greeting=hello (JSON argument): {}" eval \
	'fc 0 "$KV" kv.Kv/Put "{\"key\":\"greeting\",\"value\":\"aGVsbG8=\"}" && out_is "{}"'
check "kv Get greeting: {\"value\":\"aGVsbG8=\"} (hello)" eval \
	'fc 0 "$KV" /kv.Kv/Get "{\"key\":\"greeting\"}" && out_is "{\"value\":\"aGVsbG8=\"}"'
printf '{"key": "greeting", "value": "d29ybGQ="}\n' >"$WORK/put.json"
check "kv Put -d @file replaces it: {\"replaced\":true}" eval \
	'fc 0 -d "@$WORK/put.json" "$KV" kv.Kv/Put && out_is "{\"replaced\":true}" &&
	 fc 0 "$KV" kv.Kv/Get "{\"key\":\"greeting\"}" && out_is "{\"value\":\"d29ybGQ=\"}"'
d="kv Put -d @- reads stdin; List gives the keys in order"
if printf '{"key":"greet2","value":""}' | "$CALL" -d @- "$KV" kv.Kv/Put >"$WORK/out" 2>"$WORK/err" &&
   out_is "{}" && fc 0 "$KV" kv.Kv/List '{"prefix":"gree"}' &&
   out_is '{"keys":["greet2","greeting"]}'; then
	ok "$d"
else
	diag "$WORK/err"
	nok "$d"
fi
check "kv Get of a missing key: status 1, NOT_FOUND and the handler's message" eval \
	'fc 1 "$KV" kv.Kv/Get "{\"key\":\"nothing\"}" && [ ! -s "$WORK/out" ] &&
	 err_is "fastipc-call: NOT_FOUND: no key \"nothing\""'

d="hashd Digest of \"abc\": sha256sum's digest"
want=$(printf abc | sha256sum | cut -d' ' -f1)
if fc 0 "$H" fastipc.hash.Hash/Digest '{"data":"YWJj"}' &&
   got=$(sed -n 's/^{"digest":"\([^"]*\)"}$/\1/p' "$WORK/out" | base64 -d |
	 od -An -tx1 | tr -d ' \n') && [ "$got" = "$want" ]; then
	ok "$d"
else
	echo "# got '${got:-}', wanted '$want'"
	nok "$d"
fi

# GetRequest{key:"greeting"}: field 1, wire type 2, 8 bytes.
printf '\n\010greeting' >"$WORK/get.bin"
# GetReply{value:"world"}: owner_uid 0 is not sent (proto3).
printf '\n\005world' >"$WORK/want.bin"
d="--binary: packed GetRequest in, the packed GetReply out"
if fc 0 --binary -d "@$WORK/get.bin" "$KV" kv.Kv/Get &&
   cmp "$WORK/out" "$WORK/want.bin"; then
	ok "$d"
else
	od -c "$WORK/out" | diag
	nok "$d"
fi

# ---- -p: types from protoc's descriptor set ----
if command -v protoc >/dev/null &&
   protoc --descriptor_set_out="$WORK/kv.pb" -I"$top/examples/rpc-kv" kv.proto 2>"$WORK/protoc.err"; then
	d="-p kv.pb: the same listing as from the server's description"
	if fc 0 -p "$WORK/kv.pb" "$KV" && cmp -s "$WORK/out" "$WORK/kv-list"; then
		ok "$d"
	else
		diff "$WORK/kv-list" "$WORK/out" | diag
		nok "$d"
	fi
	check "-p kv.pb: Get with the file's types" eval \
		'fc 0 -p "$WORK/kv.pb" "$KV" kv.Kv/Get "{\"key\":\"greeting\"}" &&
		 out_is "{\"value\":\"d29ybGQ=\"}"'
else
	diag "$WORK/protoc.err" 2>/dev/null
	skip "-p kv.pb: the same listing" "no protoc"
	skip "-p kv.pb: Get with the file's types" "no protoc"
fi
check "-p of a file that is no descriptor set: status 2, named" eval \
	'fc 2 -p "$WORK/put.json" "$KV" && err_starts "fastipc-call: $WORK/put.json: "'

# ---- an untyped server: nested types, enums, maps, oneofs; a type missing ----
# call_raw_helper echoes every request; its Description (protoc --encode)
# names t.Lost without describing it.
cat >"$WORK/desc.txt" <<'DESC'
version: 1
services {
  name: "t.Svc"
  methods { name: "Echo" input_type: "t.Outer" output_type: "t.Outer" }
  methods { name: "Lost" input_type: "t.Lost" output_type: "t.Lost" }
}
types {
  name: "t.Outer"
  fields { name: "inner" number: 1 label: 1 type: 11 type_name: "t.Outer.Inner" }
  fields { name: "color" number: 2 label: 1 type: 14 type_name: "t.Color" }
  fields { name: "tags" number: 3 label: 3 type: 11 type_name: "t.Outer.TagsEntry" }
  fields { name: "nums" number: 4 label: 3 type: 5 packed: true }
  fields { name: "text" number: 5 label: 1 type: 9 oneof: "choice" }
  fields { name: "count" number: 6 label: 1 type: 13 oneof: "choice" }
}
types { name: "t.Outer.Inner" fields { name: "big_id" number: 1 label: 1 type: 4 } }
types {
  name: "t.Outer.TagsEntry"
  fields { name: "key" number: 1 label: 1 type: 9 }
  fields { name: "value" number: 2 label: 1 type: 5 }
}
enums { name: "t.Color" values { name: "RED" number: 0 } values { name: "BLUE" number: 1 } }
DESC
cat >"$WORK/lost.proto" <<'PROTO'
syntax = "proto3";
package t;
message Lost { string why = 1; }
PROTO
if [ -x "$RAWH" ] && command -v protoc >/dev/null &&
   protoc --encode=fastipc.rpc.Description -I"$top/lib/rpc" fastipc-rpc-describe.proto \
	<"$WORK/desc.txt" >"$WORK/desc.bin" 2>"$WORK/protoc.err" &&
   protoc --descriptor_set_out="$WORK/lost.pb" -I"$WORK" lost.proto 2>>"$WORK/protoc.err"; then
	"$RAWH" "$R" "$WORK/desc.bin" >"$WORK/raw.out" 2>"$WORK/raw.err" &
	RPID=$!
	check "call_raw_helper serves $R" wait_for "$WORK/raw.out" '^ready' "$RPID" ||
		diag "$WORK/raw.err"
	d="list $R: nested type, enum, map, oneof; t.Lost said to be missing"
	if fc 0 "$R" && has "$WORK/out" "service t.Svc {" &&
	   has "$WORK/out" "  rpc Lost (t.Lost) returns (t.Lost)" &&
	   has "$WORK/out" "message t.Outer {" &&
	   has "$WORK/out" "  t.Outer.Inner inner = 1;" &&
	   has "$WORK/out" "  t.Color color = 2;" &&
	   has "$WORK/out" "  map<string, int32> tags = 3;" &&
	   has "$WORK/out" "  repeated int32 nums = 4;" &&
	   has "$WORK/out" "  string text = 5;  // oneof choice" &&
	   has "$WORK/out" "message t.Outer.Inner {" &&
	   has "$WORK/out" "  uint64 big_id = 1;" &&
	   has "$WORK/out" "enum t.Color {" && has "$WORK/out" "  BLUE = 1;" &&
	   has "$WORK/out" "message t.Lost: not described by the server of $R; give its descriptor set with -p FILE"; then
		ok "$d"
	else
		nok "$d"
	fi
	j='{"inner":{"bigId":"123"},"color":"BLUE","tags":{"a":1},"nums":[1,2,3],"text":"hi"}'
	check "Echo: nested message, enum, map, packed list, oneof round-trip as JSON" eval \
		'fc 0 "$R" t.Svc/Echo "$j" && out_is "$j"'
	check "a type the server names but does not describe: status 2, named" eval \
		'fc 2 "$R" t.Svc/Lost "{\"why\":\"x\"}" && [ ! -s "$WORK/out" ] &&
		 err_is "fastipc-call: schema: type t.Lost is not described by the server of $R; give its descriptor set with -p FILE"'
	check "-p with the missing type: the call works" eval \
		'fc 0 -p "$WORK/lost.pb" "$R" t.Svc/Lost "{\"why\":\"found\"}" &&
		 out_is "{\"why\":\"found\"}"'
	printf '\n\005found' >"$WORK/lost.bin"
	check "--binary needs no schema: the bytes come back" eval \
		'fc 0 --binary -d "@$WORK/lost.bin" "$R" t.Svc/Lost && cmp "$WORK/out" "$WORK/lost.bin"'
else
	diag "$WORK/protoc.err" 2>/dev/null
	for t in "serves" "list" "Echo" "missing type" "-p" "--binary"; do
		skip "untyped server: $t" "no protoc or no $RAWH"
	done
fi

# ---- errors ----
check "no such channel: status 1, UNAVAILABLE" eval \
	'fc 1 call-tool-none && err_starts "fastipc-call: UNAVAILABLE"'
check "no such method: status 2, the method named" eval \
	'fc 2 "$KV" kv.Kv/Nope "{}" &&
	 err_is "fastipc-call: kv.Kv/Nope: no such method on channel $KV (fastipc-call $KV lists them)"'
check "bad JSON: status 2, the parser's message" eval \
	'fc 2 "$KV" kv.Kv/Get "{\"key\":" && err_starts "fastipc-call: request: bad JSON for kv.GetRequest: ."'
check "an unknown field: status 2, named by the parser" eval \
	'fc 2 "$KV" kv.Kv/Get "{\"nokey\":\"a\"}" &&
	 err_starts "fastipc-call: request: bad JSON for kv.GetRequest: " && grep -q nokey "$WORK/err"'
check "a JSON string for a bytes field that is not base64: status 2" eval \
	'fc 2 "$KV" kv.Kv/Put "{\"key\":\"k\",\"value\":\"@@@\"}"'
check "usage: a method without a service, status 2" eval \
	'fc 2 "$KV" Get && err_is "fastipc-call: Get: not a method: give pkg.Svc/Method"'
check "usage: no channel, status 2, the usage on stderr" eval \
	'fc 2 && err_starts "usage: fastipc-call"'
check "usage: --deadline 0, status 2" eval \
	'fc 2 --deadline 0 "$KV" kv.Kv/Get && err_starts "fastipc-call: --deadline: "'

if command -v setpriv >/dev/null; then
	"$CTL" chmod 0600 "$KV"
	AS="setpriv --reuid=1000 --regid=1000 --clear-groups"
	check "uid 1000 on a 0600 channel: status 1, PERMISSION_DENIED" eval \
		'fc 1 "$KV" kv.Kv/Get "{\"key\":\"greeting\"}" &&
		 err_starts "fastipc-call: PERMISSION_DENIED"'
	AS=
	"$CTL" chmod 0666 "$KV"
else
	skip "uid 1000 on a 0600 channel" "no setpriv"
fi

# The server is stopped: no answer can come; the deadline ends the wait.
kill -STOP "$KPID"
check "--deadline 1 against a stopped server: status 1, DEADLINE_EXCEEDED" eval \
	'fc 1 --deadline 1 "$KV" kv.Kv/Get "{\"key\":\"greeting\"}" &&
	 err_starts "fastipc-call: DEADLINE_EXCEEDED"'
kill -CONT "$KPID"
check "the server answers again once continued" eval \
	'fc 0 "$KV" kv.Kv/Get "{\"key\":\"greeting\"}" && out_is "{\"value\":\"d29ybGQ=\"}"'

kill -TERM "$KPID"
wait "$KPID"
st=$?
KPID=
check "after SIGTERM of kv-rpc-server: status 1, UNAVAILABLE (it exited $st)" eval \
	'[ $st -eq 0 ] && fc 1 "$KV" && err_starts "fastipc-call: UNAVAILABLE"'

[ $n -eq $NTESTS ] || { echo "# ran $n checks, planned $NTESTS"; exit 1; }
[ $fails -eq 0 ]
