#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# grpc_gateway_host.sh: host test (TAP 13) of fastipc-grpc-gateway's
# command line and descriptor-set loading, the parts that need no module
# (the guest test selftests/grpc_gateway_test.sh calls through it).
# Checked: --help prints the usage on stdout with status 0; no command,
# an unknown command, a missing required option, an option of the other
# command, a value out of range and a stray argument are usage errors
# (status 2, the reason on stderr); import with a descriptor set that is
# missing, not a FileDescriptorSet, made without --include_imports, with
# only streaming methods, or without the --service named is status 1 with
# the reason; a good descriptor set gets past loading (the next step, the
# device, is what fails when there is no /dev/fastipc). Skipped when the
# gateway is not built (no grpc++) or protoc is missing. No root.
set -u

. "$(dirname "$0")/host_tap.sh" grpc-gw

GW=${FASTIPC_GRPC_GATEWAY:-$top/tools/fastipc-grpc-gateway/fastipc-grpc-gateway}
NTESTS=17

echo "TAP version 13"
echo "1..$NTESTS"
if [ ! -x "$GW" ] || ! command -v protoc >/dev/null; then
	for i in $(seq $NTESTS); do
		echo "ok $i # SKIP fastipc-grpc-gateway not built or no protoc"
	done
	exit 0
fi

# expect STATUS PATTERN DESC -- ARGS...: the status, and PATTERN in the
# gateway's stderr (or stdout for status 0).
expect()
{
	local want=$1 pat=$2 desc=$3 st
	shift 4
	"$GW" "$@" >"$tmp/out" 2>"$tmp/err"
	st=$?
	[ "$want" -eq 0 ] && cp "$tmp/out" "$tmp/err"
	if [ "$st" -eq "$want" ] && grep -q -e "$pat" "$tmp/err"; then
		ok "$desc"
	else
		sed 's/^/# /' "$tmp/err"
		nok "$desc (status $st, want $want and /$pat/)"
	fi
}

cat >"$tmp/dep.proto" <<'P'
syntax = "proto3";
package t;
message Req { string key = 1; }
P
cat >"$tmp/svc.proto" <<'P'
syntax = "proto3";
package t;
import "dep.proto";
message Rep { repeated Req items = 1; }
service Svc { rpc Get(Req) returns (Rep); rpc Watch(Req) returns (stream Rep); }
service Streams { rpc Watch(Req) returns (stream Rep); }
P
cat >"$tmp/stream.proto" <<'P'
syntax = "proto3";
package s;
message M { int32 a = 1; }
service Only { rpc Watch(M) returns (stream M); }
P
protoc -I"$tmp" --descriptor_set_out="$tmp/good.pb" --include_imports \
	"$tmp/svc.proto" &&
protoc -I"$tmp" --descriptor_set_out="$tmp/noimp.pb" "$tmp/svc.proto" &&
protoc -I"$tmp" --descriptor_set_out="$tmp/stream.pb" "$tmp/stream.proto" ||
	echo "# protoc failed"
echo garbage >"$tmp/garbage.pb"

imp() { echo import --channel gw-host-test --target unix:"$tmp/x.sock" "$@"; }

expect 0 "^usage: fastipc-grpc-gateway export" "--help: usage on stdout" -- --help
expect 2 "usage:" "no command: usage error" --
expect 2 "unknown command 'serve'" "unknown command" -- serve --channel a
expect 2 "--listen is required" "export without --listen" -- export --channel a
expect 2 "--channel is required" "export without --channel" -- \
	export --listen 127.0.0.1:1
expect 2 "--target: not an option of this command" \
	"export with an import option" -- export --listen 127.0.0.1:1 \
	--channel a --target 127.0.0.1:2
expect 2 "--workers 0: not a number in 1..1024" "--workers 0" -- \
	export --listen 127.0.0.1:1 --channel a --workers 0
expect 2 "--max-deadline 0: not a number in 1..31622400" \
	"--max-deadline 0" -- export --listen 127.0.0.1:1 --channel a \
	--max-deadline 0
expect 2 "--max-inflight 0: not a number in 1..1048576" \
	"--max-inflight 0" -- export --listen 127.0.0.1:1 --channel a \
	--max-inflight 0
expect 2 "--max-inflight: not an option of this command" \
	"import with --max-inflight" -- \
	$(imp --descriptor-set "$tmp/good.pb" --max-inflight 4)
expect 2 "--mode 1777: not a number in 0..511" "--mode above 0777" -- \
	$(imp --descriptor-set "$tmp/good.pb" --mode 1777)
expect 2 "unexpected argument 'extra'" "a stray argument" -- \
	export --listen 127.0.0.1:1 --channel a extra
expect 1 "missing.pb: cannot open" "import: no descriptor set" -- \
	$(imp --descriptor-set "$tmp/missing.pb")
expect 1 "not a FileDescriptorSet" "import: not a descriptor set" -- \
	$(imp --descriptor-set "$tmp/garbage.pb")
expect 1 "include_imports" "import: set made without --include_imports" -- \
	$(imp --descriptor-set "$tmp/noimp.pb")
expect 1 "describes no service with a unary method" \
	"import: streaming methods only" -- $(imp --descriptor-set "$tmp/stream.pb")
if [ -e /dev/fastipc ]; then
	expect 1 "no service t.Nope" "import: --service not in the set" -- \
		$(imp --descriptor-set "$tmp/good.pb" --service t.Nope)
else
	expect 1 "/dev/fastipc: No such file" \
		"import: a good set loads, then no device" -- \
		$(imp --descriptor-set "$tmp/good.pb" --service t.Svc)
fi

[ "$fails" -eq 0 ]
