#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# call_check_host.sh: host test (TAP 13) of what fastipc-call accepts of a
# server's description (tools/fastipc-call/check.cc), with no module: a
# driver (call_check_host.cc) built against the tool's objects feeds it
# hostile descriptions. Checked: a nested type is accepted and built; an
# 800 KB dotted name, 129 parts, 1025 bytes, an empty part, escape bytes
# and 100,001 types are refused, the reason printable (escapes as \xNN);
# 128 parts passes the check; Escape() writes \xNN for control, DEL-and-above
# and backslash bytes. Skipped when fastipc-call is not built.
set -u

. "$(dirname "$0")/host_tap.sh" call-check

T=$top/tools/fastipc-call
NTESTS=9

echo "TAP version 13"
echo "1..$NTESTS"
if [ ! -f "$T/check.o" ] || [ ! -f "$T/schema.o" ]; then
	for i in $(seq $NTESTS); do
		echo "ok $i # SKIP fastipc-call not built"
	done
	exit 0
fi
if ! ${CXX:-c++} -std=c++17 -O1 -I"$T" -I"$top/lib/include" \
	-I"$top/kmod/include/uapi" -I"$top/lib/rpc/include" -I"$top/lib/rpc" \
	$(pkg-config --cflags protobuf) -o "$tmp/drv" \
	"$top/selftests/call_check_host.cc" "$T/check.o" "$T/schema.o" \
	"$top/lib/rpc/libfastipc-rpc.a" "$top/lib/libfastipc.a" \
	-lprotobuf-c $(pkg-config --libs protobuf) -pthread 2>"$tmp/cc"; then
	cat "$tmp/cc" >&2
	for i in $(seq $NTESTS); do nok "driver does not build"; done
	exit 1
fi
"$tmp/drv" >"$tmp/out" 2>&1 || nok "driver exits $?"

# line CASE PATTERN DESC: the driver's line for CASE matches PATTERN.
line()
{
	if grep -q "^$1 $2" "$tmp/out"; then
		ok "$3"
	else
		nok "$3: $(grep "^$1 " "$tmp/out" | cut -c1-200)"
	fi
}

line nested 'check=1 build=1' "pkg.A.B nested in pkg.A: accepted and built"
line dotted800k 'check=0 .*799999 bytes' "an 800 KB dotted name: refused"
# (the pool itself then refuses a package of more than 100 parts: not checked)
line parts128 'check=1' "128 parts: accepted by the check"
line parts129 'check=0 .*at most 128' "129 parts: refused"
line bytes1025 'check=0 .*1025 bytes' "a 1025-byte name: refused"
line emptypart 'check=0' "an empty part: refused"
line escape 'check=0 .*pkg\.\\x1b\[31mRed\\x07' "escape bytes: refused, shown as \\xNN"
line types100001 'check=0 .*100001 types' "100,001 types: refused"
line escape= 'a\\x1b\[0m\\x5c\\xff$' "Escape(): control, backslash and 0xff as \\xNN"
[ "$n" -eq "$NTESTS" ] || nok "ran $n of $NTESTS"
exit $((fails > 0))
