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
# asserted. copy-nospin sets the module's spin_ns to 0 for its runs: a
# last TAP line checks that fastipc-bench wrote the old value back. Then
# fastipc-syscall-bench --check (its lines are TAP comments): every
# message it sends in its one-thread loop must be received intact. Exits
# non-zero if /dev/fastipc is missing, any round trip failed, spin_ns was
# left changed or fastipc-syscall-bench failed.
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
BENCH=$HERE/fastipc-bench
SYSBENCH=$HERE/fastipc-syscall-bench

for b in "$BENCH" "$SYSBENCH"; do
	if [ ! -x "$b" ]; then
		echo "not ok 1 - $b is not built (run make)"
		exit 1
	fi
done
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
SPIN=/sys/module/fastipc/parameters/spin_ns
spin0=$(cat "$SPIN" 2>/dev/null || echo none)
st=0
"$BENCH" --check "$@" || st=$?
[ -n "$binder" ] && rmmod binder_linux 2>/dev/null
spin1=$(cat "$SPIN" 2>/dev/null || echo none)
if [ "$spin0" = "$spin1" ]; then
	echo "# spin_ns $spin1 after the run, as before it"
else
	echo "# not ok: spin_ns was $spin0 before the run, $spin1 after it"
	[ "$spin0" = none ] || echo "$spin0" >"$SPIN" 2>/dev/null
	st=1
fi
"$SYSBENCH" --check || st=1
exit $st
