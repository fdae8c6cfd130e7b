#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# bench-check.sh: fastipc-bench's own correctness (TAP): every mechanism
# round-trips requests of 64 bytes, the library threshold and one more,
# and 1 MiB, with 1 and 2 pairs, and checks every checksum
# (fastipc-bench --check). Run as root where the module is loaded (the
# guest; selftests/run_kselftests.sh loads it). Without /dev/binder it
# loads Debian's binder_linux (devices=binder) for the run and unloads
# it after; if that fails the binder mechanism is skipped. Timings are not
# asserted. Exits non-zero if /dev/fastipc is missing or any round trip
# failed.
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
BENCH=$HERE/fastipc-bench

if [ ! -x "$BENCH" ]; then
	echo "not ok 1 - $BENCH is not built (run make)"
	exit 1
fi
if [ ! -c /dev/fastipc ]; then
	echo "not ok 1 - no /dev/fastipc: load kmod/fastipc.ko first"
	exit 1
fi
binder=
if [ ! -c /dev/binder ] && [ "$(id -u)" -eq 0 ] &&
	modprobe binder_linux devices=binder 2>/dev/null; then
	binder=1
	i=0
	while [ ! -c /dev/binder ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
fi
st=0
"$BENCH" --check "$@" || st=$?
[ -n "$binder" ] && rmmod binder_linux 2>/dev/null
exit $st
