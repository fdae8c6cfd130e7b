#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# bench-guest.sh [FASTIPC-BENCH ARGS...]: the benchmark run, INSIDE the
# guest as root from the repository (make bench runs it through
# tools/testing/vm/run-guest.sh): load kmod/fastipc.ko and Debian's
# binder_linux (devices=binder), raise the POSIX mq and SysV msg limits so
# that those mechanisms carry the large sizes, run
#	tools/bench/fastipc-bench -o OUT ARGS...
# with its table in OUT/table.txt, then, when fastipc-rpc or grpc-gw ran,
# issues 12 and 13's targets (tools/bench/bench-rpc-targets.sh), when an
# ONC RPC mechanism ran issue 14's (bench-oncrpc-targets.sh), when copy,
# copy-nospin or futex ran issue 15's (bench-load-targets.sh), each
# appended to table.txt, then the plots (tools/bench/bench-plot.sh OUT: SVG files
# in OUT). Unloads what it loaded. Exits non-zero if a step
# fails (binder missing is only a note: that mechanism is then skipped).
#
# Environment:
#   FASTIPC_BENCH_OUT  the writable output directory (default
#                      build/bench; must be the directory run-guest.sh
#                      --out shares writable)
#   FASTIPC_BENCH_GIT, FASTIPC_BENCH_HOST_KERNEL  recorded in results.jsonl
#                      (make bench sets them on the host)
set -u

ME=bench-guest
TOP=$(cd "$(dirname "$0")/../.." && pwd)
KO=$TOP/kmod/fastipc.ko
BENCH=$TOP/tools/bench/fastipc-bench
PLOT=$TOP/tools/bench/bench-plot.sh
TARGETS=$TOP/tools/bench/bench-rpc-targets.sh
ONC_TARGETS=$TOP/tools/bench/bench-oncrpc-targets.sh
LOAD_TARGETS=$TOP/tools/bench/bench-load-targets.sh
OUT=${FASTIPC_BENCH_OUT:-$TOP/build/bench}
LOADED=
BINDER=

err()
{
	echo "$ME: error: $*" >&2
}

fail()
{
	err "$*"
	exit 1
}

cleanup()
{
	[ -n "$LOADED" ] && rmmod fastipc 2>/dev/null
	[ -n "$BINDER" ] && rmmod binder_linux 2>/dev/null
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_dev()
{
	i=0
	while [ ! -c "$1" ]; do
		i=$((i + 1))
		[ $i -le 50 ] || return 1
		sleep 0.1
	done
}

load_fastipc()
{
	[ -e "$KO" ] || fail "$KO is missing: run make first"
	[ -x "$BENCH" ] || fail "$BENCH is missing: run make first"
	[ -e /sys/module/fastipc ] && fail "fastipc is already loaded"
	insmod "$KO" || fail "insmod $KO"
	LOADED=1
	wait_dev /dev/fastipc || fail "/dev/fastipc did not appear after insmod"
	echo "$ME: loaded $KO"
}

# Debian's kernel has binder as a module; without it binder is skipped.
load_binder()
{
	[ -c /dev/binder ] && return 0
	ko=/lib/modules/$(uname -r)/kernel/drivers/android/binder_linux.ko
	if modprobe binder_linux devices=binder 2>/dev/null ||
		insmod "$ko" devices=binder 2>/dev/null; then
		BINDER=1
	fi
	if wait_dev /dev/binder; then
		echo "$ME: loaded binder_linux: /dev/binder"
	else
		echo "$ME: note: no /dev/binder (binder_linux did not load):" \
			"the binder mechanism will be skipped"
	fi
}

# set_max FILE VALUE: raise a limit to VALUE (never lower it).
set_max()
{
	[ -w "$1" ] || { echo "$ME: note: cannot raise $1"; return 0; }
	cur=$(cat "$1")
	[ "$cur" -ge "$2" ] 2>/dev/null && return 0
	echo "$2" >"$1" || fail "cannot write $2 to $1"
	echo "$ME: $1: $cur -> $2"
}

# Messages of up to 4 MiB plus a header for POSIX mq and SysV msg.
raise_limits()
{
	set_max /proc/sys/fs/mqueue/msgsize_max 8388608
	set_max /proc/sys/fs/mqueue/msg_max 64
	set_max /proc/sys/kernel/msgmax 8388608
	set_max /proc/sys/kernel/msgmnb 16777216
	# POSIX mq memory is charged to RLIMIT_MSGQUEUE (root included).
	prlimit --msgqueue=unlimited:unlimited --pid $$ 2>/dev/null ||
		echo "$ME: note: cannot raise RLIMIT_MSGQUEUE"
}

run_bench()
{
	mkdir -p "$OUT" || fail "cannot create $OUT"
	echo "$ME: $BENCH -o $OUT $*"
	# The table as it comes, and in OUT/table.txt (sh has no pipefail).
	rm -f "$OUT/.bench-status"
	{ st=0; "$BENCH" -o "$OUT" "$@" || st=$?
	  echo "$st" >"$OUT/.bench-status"; } | tee "$OUT/table.txt"
	st=$(cat "$OUT/.bench-status" 2>/dev/null || echo missing)
	rm -f "$OUT/.bench-status"
	[ "$st" = 0 ] || fail "fastipc-bench failed (status $st)"
}

# ran MECH_RE PAIRS: a result of a mechanism matching MECH_RE (ERE) at
# PAIRS pairs that succeeded.
ran()
{
	grep -qE "\"mechanism\":\"($1)\",.*\"pairs\":$2,\"status\":\"ok\"" \
		"$OUT/results.jsonl" 2>/dev/null
}

# targets SCRIPT: its lines appended to table.txt; its failure fails us.
targets()
{
	rm -f "$OUT/.targets-status"
	{ st=0; "$1" "$OUT/results.jsonl" || st=$?
	  echo "$st" >"$OUT/.targets-status"; } | tee -a "$OUT/table.txt"
	st=$(cat "$OUT/.targets-status" 2>/dev/null || echo missing)
	rm -f "$OUT/.targets-status"
	[ "$st" = 0 ] || fail "$1 failed (status $st)"
}

load_fastipc
load_binder
raise_limits
run_bench "$@"
if ran 'rpc|grpc-gw' 1; then
	targets "$TARGETS"
fi
if ran 'oncrpc[-a-z]*' 1; then
	targets "$ONC_TARGETS"
fi
if ran 'copy|copy-nospin|futex' '[0-9]+'; then
	targets "$LOAD_TARGETS"
fi
"$PLOT" "$OUT" || fail "plots failed"
echo "$ME: results in $OUT: table.txt, results.jsonl, *.dat, *.svg"
